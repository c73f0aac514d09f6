"""submit(): case, event, contact and outbox row together, or nothing at all."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import Case, CaseEvent, Contact, Notification, OutboxMessage
from frontdoor.services import outbox
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import SubmissionRejected, submit
from tests import factories
from tests.integration.helpers import answers_for, property_collected_yesterday_evening


def counts():
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in (Case, CaseEvent, Contact, OutboxMessage)}


def test_submission_writes_case_event_contact_and_outbox(session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    before = counts()
    result = submit(definition("missed_bin"), answers_for(prop), "web", None, Actor.resident())
    unit_of_work.commit()
    after = counts()
    assert {k: after[k] - before[k] for k in after} == {"Case": 1, "CaseEvent": 1, "Contact": 1, "OutboxMessage": 1}
    case = result.case
    assert case.state == "submitted" and case.state_category == "open"
    assert case.team.slug == "waste"
    assert case.customer.email_normalised == "sam@example.com"
    contact = db.session.scalar(select(Contact).where(Contact.case_id == case.id))
    assert (contact.channel, contact.outcome, contact.reason) == ("web", "self_served", "missed_bin")
    assert case.sla_due_at is not None


def test_failure_after_case_insert_leaves_nothing(session, monkeypatch):
    """Force an error after the case row is flushed: the unit of work rolls back every row."""
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    unit_of_work.commit()
    before = counts()
    from frontdoor.services import submissions

    def explode(**kwargs):
        raise RuntimeError("contact store down")

    monkeypatch.setattr(submissions, "record_contact", explode)
    with pytest.raises(RuntimeError):
        submit(definition("missed_bin"), answers_for(prop), "web", None, Actor.resident())
    unit_of_work.rollback()
    assert counts() == before


def test_inline_delivery_stores_one_acknowledgement(session, app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)  # the embedded default: delivered after commit, inline
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    result = submit(definition("missed_bin"), answers_for(prop), "web", None, Actor.resident())
    unit_of_work.commit()
    notes = db.session.scalars(select(Notification).where(Notification.case_id == result.case.id)).all()
    assert len(notes) == 1 and result.case.reference in notes[0].subject
    message = db.session.get(OutboxMessage, notes[0].outbox_id)
    assert message.status == "sent"
    assert outbox.deliver(message.id) is False  # delivering again sends nothing


def test_second_report_of_same_collection_is_linked_duplicate(session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    first = submit(definition("missed_bin"), answers_for(prop, "a@example.com"), "web", None, Actor.resident())
    second = submit(definition("missed_bin"), answers_for(prop, "b@example.com"), "web", None, Actor.resident())
    other_bin = submit(definition("missed_bin"), answers_for(prop, "c@example.com", container_index=1), "web", None, Actor.resident())
    unit_of_work.commit()
    assert first.duplicate_of is None
    assert second.duplicate_of.id == first.case.id
    assert second.case.state == "duplicate" and second.case.state_category == "closed"
    assert other_bin.duplicate_of is None
    kinds = [e.kind for e in first.case.events]
    assert "duplicate" in kinds


def test_replayed_submission_key_returns_the_same_case(session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    one = submit(definition("missed_bin"), answers_for(prop), "web", None, Actor.resident(), submission_key="k-123")
    two = submit(definition("missed_bin"), answers_for(prop), "web", None, Actor.resident(), submission_key="k-123")
    unit_of_work.commit()
    assert one.case.id == two.case.id and two.replayed
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.submission_key == "k-123")) == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"container": "999999"}, "container"),
        ({"email": "not-an-email"}, "email"),
        ({"full_name": ""}, "full_name"),
        ({"full_name": "x" * 101}, "full_name"),
        ({"phone": "12345"}, "phone"),
        ({"address": "000000000000"}, "address"),
    ],
)
def test_bad_answers_are_refused_and_nothing_saved(session, change, field):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    unit_of_work.commit()
    before = counts()
    with pytest.raises(SubmissionRejected) as caught:
        submit(definition("missed_bin"), {**answers_for(prop), **change}, "web", None, Actor.resident())
    unit_of_work.rollback()
    assert field in caught.value.errors
    assert counts() == before


@contextmanager
def statements_sent():
    """The SQL statements sent to the database inside the block, whitespace folded."""
    statements: list[str] = []
    engine = db.session.get_bind()

    def seen(conn, cursor, statement, params, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def test_a_submission_is_a_short_fixed_list_of_statements(session):
    """The write path's cost is its round trips: a new customer's missed bin makes these and no more
    (no savepoint, no repeat-contact look-up for a customer made just now, no subscriptions read
    when no rule reads them)."""
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    submit(definition("missed_bin"), answers_for(prop, "warm@example.com"), "web", None, Actor.resident(),
           submission_key="warm-up")  # the version's snapshot is stored by the first case
    unit_of_work.commit()
    prop = property_collected_yesterday_evening()
    engine = db.session.get_bind()
    with statements_sent() as statements:
        submit(definition("missed_bin"), answers_for(prop, "first@example.com"), "web", None, Actor.resident(),
               submission_key="k-statements")
        db.session.flush()  # what unit_of_work.commit() flushes before its COMMIT (then delivery, inline on SQLite)
    unit_of_work.commit()
    text_ = "\n".join(statements)
    assert "SAVEPOINT" not in text_
    assert "garden_subscriptions" not in text_
    assert not any(s.startswith("SELECT contacts.id FROM contacts") for s in statements)
    lock = 1 if engine.dialect.name == "postgresql" else 0  # the duplicate lock: PostgreSQL only
    assert len(statements) == 12 + lock, text_


def test_delivering_an_acknowledgement_is_three_statements_and_a_second_try_one(session):
    """The claim (UPDATE ... RETURNING: no separate lock, no later UPDATE), the case with what the
    message shows, the stored copy; delivering again is the claim alone, which finds nothing pending."""
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    result = submit(definition("missed_bin"), answers_for(prop, "deliver@example.com"), "web", None, Actor.resident())
    db.session.flush()  # the row is written but not committed, so nothing delivers it inline first
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == result.case.id))
    db.session.expunge_all()  # as in a worker: nothing loaded yet
    with statements_sent() as first:
        assert outbox.deliver(message.id) is True
    with statements_sent() as statements:
        assert outbox.deliver(message.id) is False
    assert [s.split(" (")[0].split(" SET")[0] for s in first] == [
        "UPDATE outbox", first[1], "INSERT INTO notifications"], first
    assert first[1].startswith("SELECT cases.")
    assert len(statements) == 1 and statements[0].startswith("UPDATE outbox"), statements
    assert db.session.get(OutboxMessage, message.id).status == "sent"


def test_a_returning_customer_within_seven_days_is_a_repeat_contact(session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    first = submit(definition("missed_bin"), answers_for(prop, "again@example.com"), "web", None, Actor.resident())
    second = submit(definition("missed_bin"), answers_for(prop, "again@example.com", container_index=1), "web", None,
                    Actor.resident())
    unit_of_work.commit()
    assert first.case.customer_id == second.case.customer_id
    outcomes = [db.session.scalar(select(Contact.outcome).where(Contact.case_id == r.case.id)) for r in (first, second)]
    assert outcomes == ["self_served", "repeat"]
