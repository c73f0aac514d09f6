"""The benchmarks' baselines: absent unless switched on; when on, they write what they claim to, and
the form ceiling is a real form POST (CSRF, a draft in the session, a dispatched outbox row)."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import Case, CaseEvent, Contact, Notification, OutboxMessage
from frontdoor.services import outbox
from tests.conftest import csrf_from


@pytest.fixture
def bench_app(app):
    from frontdoor.app import create_app

    bench = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "RQ_QUEUE": f"frontdoor-test-bench-{uuid.uuid4().hex[:8]}",
        "RATELIMIT_STORAGE_URI": "memory://",
        "INSTANCE_PATH": app.config["INSTANCE_PATH"],
        "SERVER_NAME": None,
        "BENCH_ENDPOINTS": True,
    })
    yield bench
    if bench.config["REDIS_URL"]:
        with bench.app_context():
            from frontdoor.jobs import queue

            queue().delete(delete_jobs=True)
    with bench.app_context():
        db.engine.dispose()


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_baselines_are_not_there_unless_switched_on(app, committed):
    client = app.test_client()
    assert client.get("/bench/inserts").status_code == 404
    assert client.get("/bench/form-inserts/missed_bin").status_code == 404


def test_the_four_inserts_baseline_writes_four_rows(bench_app, committed):
    response = bench_app.test_client().post("/bench/inserts")
    assert response.status_code == 201
    case = db.session.scalar(select(Case).where(Case.reference == response.json["reference"]))
    assert case.workflow_id == "bench"
    assert _count(CaseEvent, CaseEvent.case_id == case.id) == 1
    assert _count(Contact, Contact.case_id == case.id) == 1
    assert db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.case_id == case.id)) == "sent"


def test_the_form_ceiling_needs_the_csrf_token_and_a_draft(bench_app, committed):
    client = bench_app.test_client()
    token = csrf_from(client.get("/track"))
    assert client.post("/bench/form-inserts/missed_bin", data={}).status_code == 400  # no token
    assert client.post("/bench/form-inserts/missed_bin", data={"csrf_token": token}).status_code == 400  # no draft
    assert _count(Case) == 0


def test_the_form_ceiling_is_a_real_form_post_with_a_dispatched_outbox_row(bench_app, committed):
    client = bench_app.test_client()
    token = csrf_from(client.get("/track"))
    with client.session_transaction() as s:
        s["drafts"] = {"missed_bin": {"version": 1, "key": "k", "answers": {"address": "100", "container": "1"}}}
    response = client.post("/bench/form-inserts/missed_bin", data={"csrf_token": token})
    assert response.status_code == 302 and "/services/missed_bin/done/" in response.location
    reference = response.location.rsplit("/", 1)[1]
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    assert case.answers == {"address": "100", "container": "1"}
    with client.session_transaction() as s:
        assert "missed_bin" not in s["drafts"]  # finished, like a real submission's draft
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
    if bench_app.config["REDIS_URL"]:
        from rq import Queue

        from frontdoor.jobs import delivery_job_id, redis_connection

        with bench_app.app_context():
            job_ids = Queue(bench_app.config["RQ_QUEUE"], connection=redis_connection()).job_ids
            assert message.status == "pending" and delivery_job_id(message.id) in job_ids
    else:
        assert message.status == "sent"  # delivered inline after the commit


def test_a_notification_for_a_case_with_no_customer_is_sent_to_no_one(app, committed):
    case = Case(reference="BENCH001", workflow_id="missed_bin", workflow_version=1, state="submitted",
                state_category="open", answers={}, channel="web")
    db.session.add(case)
    db.session.flush()
    message = OutboxMessage(kind="notification", payload={"template": "acknowledgement", "case_id": case.id},
                            case_id=case.id, status="pending")
    db.session.add(message)
    db.session.commit()
    assert outbox.deliver(message.id) is True
    db.session.commit()
    assert db.session.get(OutboxMessage, message.id).status == "sent"
    assert _count(Notification) == 0
