"""Use cases. They change data and flush; the request or the job owns the one commit."""
