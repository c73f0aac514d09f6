"""Resident feedback: the model lives with accounts (issue 4); dashboards import it from here."""
from frontdoor.models.accounts import Feedback  # noqa: F401
