"""Front Door core: app factory, models, services, jobs and CLI."""
