"""A case keeps running under the definition version it started with; a silent change is refused."""
from __future__ import annotations

import copy
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import yaml
from flask import current_app
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import CollectionRecord, WorkflowSnapshot
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition, registry
from frontdoor.services.submissions import SubmissionRejected, submit
from frontdoor.services.transitions import transition
from frontdoor.services.workflow_versions import check_against_snapshots, for_case
from tests import factories
from tests.integration.helpers import answers_for, property_collected_yesterday_evening
from workflows import DefinitionError, Registry
from workflows.loader import load_data

FLY = yaml.safe_load((Path(__file__).resolve().parents[2] / "workflows" / "definitions" / "fly_tipping.yaml").read_text())
V = FLY["version"]  # the file's version; the test deploys V + 1 over it
ANSWERS = {"what": ["household"], "amount": "van", "hazardous": "no", "location": {"description": "Mill Road"},
           "full_name": "Sam Resident", "email": "sam@example.com"}
NOW = datetime(2026, 12, 21, 10, tzinfo=timezone.utc)


@contextmanager
def definitions_in_force(*changed):
    """Swap the app's registry as a deploy of new files would, then put the shipped one back."""
    original = current_app.extensions["frontdoor.workflows"]
    current_app.extensions["frontdoor.workflows"] = Registry(
        [d for d in original.all() if d.id not in {c.id for c in changed}] + list(changed))
    try:
        yield
    finally:
        current_app.extensions["frontdoor.workflows"] = original


def version_2():
    data = copy.deepcopy(FLY)
    data["version"] = V + 1
    # v2 drops the inspection step and renames the closed state.
    del data["states"]["investigating"]
    data["states"]["submitted"]["transitions"] = [t for t in data["states"]["submitted"]["transitions"] if t["name"] != "inspect"]
    for t in data["states"]["submitted"]["transitions"]:
        if t["to"] == "cleared":
            t["to"] = "removed"
    data["states"]["removed"] = data["states"].pop("cleared")
    data["states"]["removed"]["resolution"] = "removed"
    return load_data(data, "fly_tipping.yaml")


def test_an_old_version_case_completes_after_a_new_version_is_deployed(session):
    factories.team("environment")
    officer = Actor.for_staff(factories.staff("caseworker", ("environment",)))
    old = submit(definition("fly_tipping"), ANSWERS, "web", None, Actor.resident(), now=NOW).case
    transition(old, "inspect", officer, {})
    stored = db.session.scalar(select(WorkflowSnapshot).where(WorkflowSnapshot.workflow_id == "fly_tipping"))
    assert (stored.version, stored.content_hash) == (V, definition("fly_tipping").content_hash)

    with definitions_in_force(version_2()):
        assert registry().get("fly_tipping").version == V + 1
        new = submit(definition("fly_tipping"), ANSWERS, "web", None, Actor.resident(), now=NOW).case
        assert new.workflow_version == V + 1
        # The old case still has its v1 states and steps, which v2 no longer has.
        assert for_case(old).version == V and "investigating" not in registry().get("fly_tipping").states
        transition(old, "clear", officer, {"evidence": "no"})
        assert (old.state, old.resolution) == ("cleared", "cleared")
        transition(new, "clear", officer, {})
        assert (new.state, new.resolution) == ("removed", "removed")
    versions = db.session.scalars(select(WorkflowSnapshot.version).where(WorkflowSnapshot.workflow_id == "fly_tipping")).all()
    assert sorted(versions) == [V, V + 1]


def test_a_file_changed_without_a_version_bump_is_refused(session):
    factories.team("environment")
    submit(definition("fly_tipping"), ANSWERS, "web", None, Actor.resident(), now=NOW)
    data = copy.deepcopy(FLY)
    data["sla"]["working_days"] = 10  # a real change, same version
    silently_changed = load_data(data, "workflows/definitions/fly_tipping.yaml")
    message = (f"fly_tipping.yaml: version: the content changed but version {V} is already in use by cases; "
               f"give it a new version number (for example {V + 1})")
    assert check_against_snapshots([silently_changed]) == [message]
    with definitions_in_force(silently_changed):
        with pytest.raises(DefinitionError) as info:
            submit(definition("fly_tipping"), ANSWERS, "web", None, Actor.resident(), now=NOW)
    assert info.value.problems == [message]


def test_comments_and_layout_are_not_a_change():
    text = (Path(__file__).resolve().parents[2] / "workflows" / "definitions" / "fly_tipping.yaml").read_text()
    from workflows.loader import load_text

    assert load_text("# a new comment\n" + text, "fly_tipping.yaml").content_hash == load_text(text, "fly_tipping.yaml").content_hash


def test_a_bin_the_crew_recorded_as_not_put_out_cannot_be_reported(session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    container = prop.containers[0]
    from frontdoor.services.registry import working_calendar
    from workflows.rules import last_collection

    today = working_calendar().local(datetime.now(timezone.utc)).date()
    collected = last_collection({"weekday": container.round.weekday, "frequency_weeks": 1}, today)
    db.session.add(CollectionRecord(container_id=container.id, collected_on=collected, outcome="not_presented"))
    db.session.flush()
    with pytest.raises(SubmissionRejected) as info:
        submit(definition("missed_bin"), answers_for(prop), "web", None, Actor.resident())
    assert info.value.rule.title == "Your bin was not put out"
    # The other bin at the same address was not recorded, so it can be reported.
    assert submit(definition("missed_bin"), answers_for(prop, container_index=1), "web", None, Actor.resident()).case
    assert isinstance(collected, date)
