"""Payment providers behind one interface: the embedded test provider and GOV.UK Pay.

create() starts a payment and returns (provider id, the URL to send the payer to); status() asks
the provider what happened (the only source we trust); refund() asks it to return money.
Statuses are ours: created, success, declined, cancelled, error.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

import requests
from flask import current_app

from frontdoor.extensions import db
from frontdoor.models import Payment, TestProviderPayment
from frontdoor.services.links import Link


class ProviderError(Exception):
    """The provider could not be reached or refused; the message is safe to show staff."""


class ProviderRefused(ProviderError):
    """The provider answered and said no (a 4xx): asking again with the same request will not help."""


@dataclass
class RefundResult:
    provider_refund_id: str
    status: str  # submitted, success, failed


class TestProvider:
    """A hosted payment page inside the app (/pay/test/<id>): for development, demos and tests."""

    name = "test"

    def create(self, payment: Payment, return_url: str) -> tuple[str, str]:
        record = TestProviderPayment(id=secrets.token_hex(12), amount_pence=payment.amount_pence,
                                     reference=payment.reference, description=payment.description,
                                     return_url=return_url, status="created", refunded_pence=0)
        db.session.add(record)
        db.session.flush()
        return record.id, Link("payments.test_page", {"provider_id": record.id}).url(external=False)

    def status(self, payment: Payment) -> str:
        record = db.session.get(TestProviderPayment, payment.provider_id)
        return record.status if record else "error"

    def refund(self, payment: Payment, amount_pence: int, *, available_pence: int, idempotency_key: str) -> RefundResult:
        record = db.session.get(TestProviderPayment, payment.provider_id)
        if record is None or record.status != "success":
            raise ProviderRefused("The provider has no successful payment to refund")
        if record.refunded_pence + amount_pence > record.amount_pence:
            raise ProviderRefused("The provider refused: the refund is larger than what is left of the payment")
        record.refunded_pence += amount_pence
        db.session.flush()
        return RefundResult(f"test-refund-{secrets.token_hex(6)}", "success")


# GOV.UK Pay: state.status, and for "failed" the error code, mapped to ours.
_PAY_CANCELLED_BY_USER = "P0030"


class GovUkPayProvider:
    """Speaks the GOV.UK Pay API (https://docs.payments.service.gov.uk/api_reference/)."""

    name = "govuk_pay"

    def __init__(self, base_url: str, api_key: str, timeout: float = 10):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def _call(self, method: str, path: str, json: dict | None = None, headers: dict | None = None) -> dict:
        try:
            response = requests.request(method, self.base_url + path, json=json, timeout=self.timeout,
                                        headers={"Authorization": f"Bearer {self.api_key}", "Accept": "application/json",
                                                 **(headers or {})})
        except requests.RequestException as exc:
            raise ProviderError(f"GOV.UK Pay could not be reached: {exc.__class__.__name__}") from exc
        if 400 <= response.status_code < 500:
            raise ProviderRefused(f"GOV.UK Pay answered {response.status_code}: {response.text[:200]}")
        if response.status_code >= 500:
            raise ProviderError(f"GOV.UK Pay answered {response.status_code}: {response.text[:200]}")
        return response.json()

    def create(self, payment: Payment, return_url: str) -> tuple[str, str]:
        body = self._call("POST", "/v1/payments", {
            "amount": payment.amount_pence,
            "reference": payment.reference,
            "description": payment.description,
            "return_url": return_url,
        })
        return body["payment_id"], body["_links"]["next_url"]["href"]

    def status(self, payment: Payment) -> str:
        state = self._call("GET", f"/v1/payments/{payment.provider_id}").get("state", {})
        status = state.get("status")
        if status == "success":
            return "success"
        if status == "failed":
            return "cancelled" if state.get("code") == _PAY_CANCELLED_BY_USER else "declined"
        if status == "cancelled":
            return "cancelled"
        if status == "error":
            return "error"
        return "created"  # created, started, submitted, capturable: not finished

    def refund(self, payment: Payment, amount_pence: int, *, available_pence: int, idempotency_key: str) -> RefundResult:
        """available_pence is what was left when the refund was requested: GOV.UK Pay refuses (P0604)
        when it no longer matches, so a repeat of a request that succeeded is refused, not paid twice.
        The Idempotency-Key (one per refund) lets the provider recognise a retry as well."""
        body = self._call("POST", f"/v1/payments/{payment.provider_id}/refunds", {
            "amount": amount_pence,
            "refund_amount_available": available_pence,
        }, headers={"Idempotency-Key": idempotency_key})
        return RefundResult(body["refund_id"], "failed" if body.get("status") == "error" else body.get("status", "submitted"))


def provider_for(name: str | None = None):
    name = name or current_app.config.get("PAYMENT_PROVIDER", "test")
    if name == "govuk_pay":
        return GovUkPayProvider(current_app.config["GOVUK_PAY_BASE_URL"], current_app.config["GOVUK_PAY_API_KEY"])
    return TestProvider()
