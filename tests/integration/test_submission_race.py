"""Two requests with the same submission key at the same moment: the second waits on the unique
key, then returns the first's case (its savepoint rolls back only its own case row)."""
from __future__ import annotations

import threading
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import Case, Customer, WorkflowSnapshot
from frontdoor.services.actors import Actor
from frontdoor.services.references import new_reference
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from tests import factories
from tests.integration.helpers import answers_for, property_collected_yesterday_evening


def _release(other: Session, thread: threading.Thread) -> None:
    """Whatever happened, end the first request's transaction and wait for the second, so a
    failure here never leaves the database (a SQLite file) locked for the tests after it."""
    if other.in_transaction():
        other.rollback()
    other.close()
    thread.join(30)
    assert not thread.is_alive(), "the second request did not finish within 30 seconds"


def test_a_concurrent_submission_with_the_same_key_returns_the_first_case(app, committed):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    db.session.commit()
    other = Session(db.engine)  # the first request, still inside its transaction
    first = Case(reference=new_reference(), workflow_id="missed_bin", workflow_version=1, state="submitted",
                 state_category="open", answers={}, channel="web", submission_key="race-key")
    other.add(first)
    other.flush()
    outcome = {}

    def second_request():
        with app.app_context():
            try:
                result = submit(definition("missed_bin"), answers_for(prop), "web", None, Actor.resident(),
                                submission_key="race-key")
                unit_of_work.commit()
                outcome["result"] = (result.case.id, result.replayed)
            except Exception as exc:  # noqa: BLE001  shown by the assertion
                unit_of_work.rollback()
                outcome["error"] = repr(exc)
            finally:
                db.session.remove()

    thread = threading.Thread(target=second_request)
    thread.start()
    try:
        time.sleep(1.5)  # the second request is now past its first look-up (PostgreSQL: waiting on the key)
        other.commit()
        first_id = first.id
    finally:
        _release(other, thread)
    assert "error" not in outcome, outcome
    assert outcome["result"] == (first_id, True)
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.submission_key == "race-key")) == 1
    # PostgreSQL: the customer the second request made before the clash is kept (written outside the
    # savepoint). SQLite: its writers queue for one lock, so the second only began after the first
    # committed and took the replay path before writing anything.
    customers = db.session.scalar(select(func.count()).select_from(Customer))
    assert customers == (1 if db.engine.dialect.name == "postgresql" else 0)


def test_the_first_two_cases_of_a_new_version_at_once_both_succeed(app, committed):
    """Both look for the version's snapshot, find none and store it: the second must not fail."""
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    db.session.commit()
    missed_bin = definition("missed_bin")
    other = Session(db.engine)  # the first request, which has just stored the snapshot
    other.add(WorkflowSnapshot(workflow_id="missed_bin", version=missed_bin.version,
                               content_hash=missed_bin.content_hash, raw={"id": "missed_bin"}))
    other.flush()
    outcome = {}

    def second_request():
        with app.app_context():
            try:
                outcome["reference"] = submit(missed_bin, answers_for(prop), "web", None, Actor.resident()).case.reference
                unit_of_work.commit()
            except Exception as exc:  # noqa: BLE001  shown by the assertion
                unit_of_work.rollback()
                outcome["error"] = repr(exc)
            finally:
                db.session.remove()

    thread = threading.Thread(target=second_request)
    thread.start()
    try:
        time.sleep(1.5)  # PostgreSQL: the second is now waiting on the snapshot's unique key
        other.commit()
    finally:
        _release(other, thread)
    assert "error" not in outcome, outcome
    assert db.session.scalar(select(Case.reference)) == outcome["reference"]
    assert db.session.scalar(select(func.count()).select_from(WorkflowSnapshot)) == 1
