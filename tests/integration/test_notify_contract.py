"""GOV.UK Notify contract: a local HTTP server that speaks Notify's API receives what Notify expects.

Checks the path, the JWT bearer token, template_id, personalisation and reference; that a Notify
failure leaves the outbox row pending (not lost); and that a later retry sends exactly once.
"""
from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
import time_machine
from sqlalchemy import select

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import Customer, Notification, OutboxMessage
from frontdoor.services import outbox
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from tests import factories
from tests.integration.helpers import answers_for, property_collected_yesterday_evening

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"frontdoor_test-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = str(uuid.uuid4())
SMS_TEMPLATE = str(uuid.uuid4())


class FakeNotify:
    def __init__(self):
        self.requests: list[dict] = []
        self.lookups: list[dict] = []
        self.fail = False
        self.fail_after_accepting = False  # Notify took it, but the sender never heard (a worker killed)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                request = {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
                outer.requests.append(request)
                if outer.fail:
                    self._reply(500, {"status_code": 500, "errors": [{"error": "Exception", "message": "Internal server error"}]})
                    return
                request["id"] = str(uuid.uuid4())
                if outer.fail_after_accepting:
                    self._reply(500, {"status_code": 500, "errors": [{"error": "Exception", "message": "Timed out"}]})
                    return
                self._reply(201, {"id": request["id"], "reference": body.get("reference"),
                                  "content": {"subject": "s", "body": "b", "from_email": "x@notify"},
                                  "uri": "http://notify/v2/notifications/x", "template": {"id": body["template_id"], "version": 1, "uri": "t"}})

            def do_GET(self):  # noqa: N802  GET /v2/notifications?reference=...: what Notify already has
                from urllib.parse import parse_qs, urlparse

                query = parse_qs(urlparse(self.path).query)
                outer.lookups.append(query)
                wanted = query.get("reference", [None])[0]
                found = [{"id": r["id"], "reference": r["body"].get("reference")} for r in outer.requests
                         if r.get("id") and r["body"].get("reference") == wanted]
                self._reply(200, {"notifications": found, "links": {}})

            def _reply(self, code, payload):
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def notify(app):
    server = FakeNotify()
    keys = ("NOTIFY_API_KEY", "NOTIFY_BASE_URL", "NOTIFY_TEMPLATE_EMAIL", "NOTIFY_TEMPLATE_SMS", "REDIS_URL")
    previous = {k: app.config.get(k) for k in keys}
    app.config.update({"NOTIFY_API_KEY": API_KEY, "NOTIFY_BASE_URL": server.url, "NOTIFY_TEMPLATE_EMAIL": EMAIL_TEMPLATE,
                       "NOTIFY_TEMPLATE_SMS": SMS_TEMPLATE, "REDIS_URL": None})
    yield server
    app.config.update(previous)
    server.close()


def check_auth(header):
    assert header.startswith("Bearer ")
    claims = jwt.decode(header.split(" ", 1)[1], SECRET, algorithms=["HS256"])
    assert claims["iss"] == SERVICE_ID and "iat" in claims


def test_acknowledgement_email_payload_matches_notify(notify, session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    address = f"notify-{uuid.uuid4().hex[:8]}@example.com"
    case = submit(definition("missed_bin"), answers_for(prop, address), "web", None, Actor.resident()).case
    unit_of_work.commit()
    assert len(notify.requests) == 1
    sent = notify.requests[0]
    assert sent["path"] == "/v2/notifications/email"
    check_auth(sent["auth"])
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
    body = sent["body"]
    assert body["email_address"] == address and body["template_id"] == EMAIL_TEMPLATE
    assert body["reference"] == f"outbox-{message.id}"
    assert set(body["personalisation"]) == {"subject", "body"}
    assert case.reference in body["personalisation"]["subject"] and "Dear Sam Resident" in body["personalisation"]["body"]
    stored = db.session.scalar(select(Notification).where(Notification.outbox_id == message.id))
    assert stored.provider == "notify" and stored.provider_id and message.status == "sent"


def test_sms_preference_goes_to_the_sms_endpoint(notify, session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    address = f"sms-{uuid.uuid4().hex[:8]}@example.com"
    answers = answers_for(prop, address)
    answers["phone"] = "07911 123456"
    customer = Customer(first_name="Sam", last_name="Resident", email=address, email_normalised=address,
                        phone="07911 123456", phone_e164="+447911123456", contact_preference="sms", flags={})
    db.session.add(customer)
    db.session.flush()
    submit(definition("missed_bin"), answers, "web", customer, Actor.resident())
    unit_of_work.commit()
    sent = notify.requests[-1]
    assert sent["path"] == "/v2/notifications/sms" and sent["body"]["phone_number"] == "+447911123456"
    assert sent["body"]["template_id"] == SMS_TEMPLATE


def test_notify_failure_leaves_the_row_pending_and_a_retry_sends_once(notify, session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    notify.fail = True
    case = submit(definition("missed_bin"), answers_for(prop, f"fail-{uuid.uuid4().hex[:8]}@example.com"), "web", None,
                  Actor.resident()).case
    unit_of_work.commit()  # the inline delivery fails; the request itself succeeded
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
    db.session.refresh(message)
    assert notify.requests and message.status == "pending"
    assert db.session.scalar(select(Notification).where(Notification.outbox_id == message.id)) is None
    attempts = len(notify.requests)
    notify.fail = False
    assert outbox.deliver(message.id) is True
    db.session.commit()
    assert outbox.deliver(message.id) is False  # a second run (or a duplicate job) sends nothing
    db.session.commit()
    assert len(notify.requests) == attempts + 1
    assert db.session.get(OutboxMessage, message.id).status == "sent"
    assert len(db.session.scalars(select(Notification).where(Notification.outbox_id == message.id)).all()) == 1


def test_a_message_notify_already_has_is_not_sent_again(notify, session):
    """A worker killed after Notify accepted an email but before its commit: the retry finds the
    message by its reference and sends nothing more (issue 16, finding 13)."""
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    notify.fail_after_accepting = True
    case = submit(definition("missed_bin"), answers_for(prop, f"twice-{uuid.uuid4().hex[:8]}@example.com"), "web", None,
                  Actor.resident()).case
    unit_of_work.commit()  # Notify accepted it; our side saw an error and left the row pending
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
    db.session.refresh(message)
    assert message.status == "pending" and len(notify.requests) == 1
    notify.fail_after_accepting = False
    # The sweeper re-dispatches rows left pending for a minute or more.
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=2)):
        assert message.id in outbox.pending_ids(older_than_seconds=60)
        assert outbox.deliver(message.id) is True
    db.session.commit()
    assert len(notify.requests) == 1, "sent twice"
    assert notify.lookups and notify.lookups[-1]["reference"] == [f"outbox-{message.id}"]
    stored = db.session.scalar(select(Notification).where(Notification.outbox_id == message.id))
    assert stored.provider_id == notify.requests[0]["id"]


def test_a_first_delivery_does_not_look_up_first(notify, session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    submit(definition("missed_bin"), answers_for(prop, f"first-{uuid.uuid4().hex[:8]}@example.com"), "web", None,
           Actor.resident())
    unit_of_work.commit()
    assert len(notify.requests) == 1 and notify.lookups == []
