"""The workflow definitions in force for this app, loaded once at start-up."""
from flask import current_app

from workflows import Definition, Registry
from workflows.calendar import WorkingCalendar, calendar_for


def registry() -> Registry:
    return current_app.extensions["frontdoor.workflows"]


def definition(workflow_id: str) -> Definition | None:
    return registry().get(workflow_id)


def working_calendar() -> WorkingCalendar:
    return calendar_for(current_app.config["WORKING_DAY_REGION"], current_app.config["TIMEZONE"])
