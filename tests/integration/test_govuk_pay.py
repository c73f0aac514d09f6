"""The GOV.UK Pay provider against a local HTTP server that speaks the GOV.UK Pay API:
create (POST /v1/payments), status (GET /v1/payments/{id}), refunds (POST .../refunds)."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import current_app

from frontdoor import jobs, unit_of_work
from frontdoor.extensions import db
from frontdoor.models import OutboxMessage, Refund
from frontdoor.services import bulky, payments
from tests import factories
from tests.integration.bulky_helpers import bulky_slot, start_payment


class FakePay:
    """Payments as GOV.UK Pay would keep them; tests set `state` to what the card page would have done."""

    def __init__(self):
        self.payments: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict, str]] = []
        self.idempotency_keys: list[str | None] = []  # one per refund call


def make_handler(store: FakePay):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"{}")

        def do_POST(self):
            body = self._body()
            store.requests.append(("POST", self.path, body, self.headers.get("Authorization")))
            if self.headers.get("Authorization") != "Bearer test-key":
                return self._send(401, {"code": "P0120", "description": "Unauthorised"})
            if self.path == "/v1/payments":
                pid = f"pay{len(store.payments) + 1}"
                store.payments[pid] = {"payment_id": pid, "amount": body["amount"], "reference": body["reference"],
                                       "return_url": body["return_url"], "state": {"status": "created", "finished": False},
                                       "refunded": 0}
                return self._send(201, {**store.payments[pid], "_links": {
                    "next_url": {"href": f"https://card.example/secure/{pid}", "method": "GET"}}})
            parts = self.path.strip("/").split("/")
            if len(parts) == 4 and parts[3] == "refunds" and parts[2] in store.payments:
                store.idempotency_keys.append(self.headers.get("Idempotency-Key"))
                p = store.payments[parts[2]]
                if body["amount"] > p["amount"] - p["refunded"]:
                    return self._send(400, {"code": "P0604", "description": "Refund amount available mismatch"})
                p["refunded"] += body["amount"]
                return self._send(202, {"refund_id": f"ref-{parts[2]}-{p['refunded']}", "amount": body["amount"],
                                        "status": "success"})
            return self._send(404, {"code": "P0200", "description": "Not found"})

        def do_GET(self):
            store.requests.append(("GET", self.path, {}, self.headers.get("Authorization")))
            parts = self.path.strip("/").split("/")
            if len(parts) == 3 and parts[2] in store.payments:
                return self._send(200, store.payments[parts[2]])
            return self._send(404, {"code": "P0200", "description": "Not found"})

    return Handler


@pytest.fixture
def govuk_pay(app, monkeypatch):
    store = FakePay()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(store))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setitem(app.config, "PAYMENT_PROVIDER", "govuk_pay")
    monkeypatch.setitem(app.config, "GOVUK_PAY_BASE_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setitem(app.config, "GOVUK_PAY_API_KEY", "test-key")
    yield store
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("state, expected", [
    ({"status": "success", "finished": True}, "success"),
    ({"status": "failed", "finished": True, "code": "P0010"}, "declined"),
    ({"status": "failed", "finished": True, "code": "P0030"}, "cancelled"),
    ({"status": "error", "finished": True, "code": "P0050"}, "error"),
    ({"status": "submitted", "finished": False}, "created"),
])
def test_status_is_read_from_govuk_pay(session, govuk_pay, state, expected):
    booking = bulky.hold(factories.property_(), {"table": 1}, bulky_slot().id)
    payment = start_payment(booking)
    assert payment.provider == "govuk_pay" and payment.next_url == f"https://card.example/secure/{payment.provider_id}"
    sent = govuk_pay.requests[0][2]
    assert sent["amount"] == 2500 and sent["reference"] == payment.reference
    assert sent["return_url"].endswith(f"/bulky-waste/return/{payment.reference}") and sent["description"]
    govuk_pay.payments[payment.provider_id]["state"] = state
    with current_app.test_request_context():
        payments.confirm(payment)
        payments.confirm(payment)
    assert payment.status == expected
    assert booking.status == ("confirmed" if expected == "success" else "held")


def _paid(govuk_pay):
    booking = bulky.hold(factories.property_(), {"table": 1}, bulky_slot().id)
    payment = start_payment(booking)
    govuk_pay.payments[payment.provider_id]["state"] = {"status": "success", "finished": True}
    with current_app.test_request_context():
        payments.confirm(payment)
    unit_of_work.commit()
    return payment


def _refund_calls(govuk_pay):
    return [r for r in govuk_pay.requests if r[1].endswith("/refunds")]


def test_refunds_go_through_govuk_pay_after_the_commit_once(session, govuk_pay):
    payment = _paid(govuk_pay)
    refund = payments.refund(payment, 1000, "test")
    with pytest.raises(payments.RefundRefused):  # the requested refund already counts against what is left
        payments.refund(payment, 2000, "too much")
    assert refund.status == "requested" and _refund_calls(govuk_pay) == []  # nothing sent inside the transaction
    unit_of_work.commit()
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "payment_refund"))
    jobs.deliver_outbox(message.id)  # (on the embedded run the commit has already delivered it inline)
    jobs.deliver_outbox(message.id)  # a second run of the job, or a second job for the row: nothing sent
    db.session.refresh(refund)
    assert refund.provider_refund_id.startswith("ref-") and refund.status == "success"
    assert govuk_pay.payments[payment.provider_id]["refunded"] == 1000
    assert [call[2] for call in _refund_calls(govuk_pay)] == [{"amount": 1000, "refund_amount_available": 2500}]
    assert govuk_pay.idempotency_keys == [f"frontdoor-refund-{refund.id}"]
    assert all(r[3] == "Bearer test-key" for r in govuk_pay.requests)


def test_a_failed_commit_after_a_refund_request_sends_nothing(session, govuk_pay):
    payment = _paid(govuk_pay)
    payments.refund(payment, 1000, "test")
    db.session.add(Refund(payment_id=payment.id, amount_pence=0, status="requested", reason="breaks the commit"))
    with pytest.raises(Exception, match="amount_positive"):
        unit_of_work.commit()  # the flush inside the commit fails: everything is rolled back
    assert db.session.scalar(db.select(db.func.count()).select_from(Refund)) == 0
    assert db.session.scalar(db.select(db.func.count()).where(OutboxMessage.kind == "payment_refund")) == 0
    jobs.sweep_outbox(older_than_seconds=-60)  # nothing pending for a delivery job to find
    assert _refund_calls(govuk_pay) == [] and govuk_pay.payments[payment.provider_id]["refunded"] == 0
    db.session.refresh(payment)
    assert payment.refundable_pence == 2500


def test_a_refund_govuk_pay_refuses_is_marked_failed_and_its_amount_is_refundable_again(session, govuk_pay):
    payment = _paid(govuk_pay)
    refund = payments.refund(payment, 1000, "test")
    govuk_pay.payments[payment.provider_id]["refunded"] = 2000  # refunded elsewhere meanwhile
    unit_of_work.commit()
    message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "payment_refund"))
    jobs.deliver_outbox(message.id)
    db.session.refresh(refund)
    db.session.refresh(payment)
    assert refund.status == "failed" and payment.refundable_pence == 2500
