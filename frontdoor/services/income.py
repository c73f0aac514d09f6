"""Income reconciliation: payments and refunds by day, service and fund code, to match settlements."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Payment, Refund
from frontdoor.services.registry import working_calendar


@dataclass
class Line:
    day: date
    service: str
    fund_code: str
    payments_count: int = 0
    payments_pence: int = 0
    refunds_count: int = 0
    refunds_pence: int = 0

    @property
    def net_pence(self) -> int:
        return self.payments_pence - self.refunds_pence


def reconciliation(start: date, end: date) -> list[Line]:
    """Successful payments by the local day they were confirmed; refunds by the day they were made."""
    calendar = working_calendar()
    lower = datetime.combine(start, time.min, tzinfo=calendar.tz)
    upper = datetime.combine(end + timedelta(days=1), time.min, tzinfo=calendar.tz)
    lines: dict[tuple, Line] = {}

    def line(moment, payment):
        day = calendar.local(moment).date()
        key = (day, payment.service, payment.fund_code)
        if key not in lines:
            lines[key] = Line(day, payment.service, payment.fund_code)
        return lines[key]

    for payment in db.session.scalars(select(Payment).where(Payment.status == "success", Payment.confirmed_at >= lower,
                                                            Payment.confirmed_at < upper)):
        entry = line(payment.confirmed_at, payment)
        entry.payments_count += 1
        entry.payments_pence += payment.amount_pence
    for refund, payment in db.session.execute(select(Refund, Payment).join(Payment, Refund.payment_id == Payment.id)
                                              .where(Refund.status != "failed", Refund.created_at >= lower,
                                                     Refund.created_at < upper)).all():
        entry = line(refund.created_at, payment)
        entry.refunds_count += 1
        entry.refunds_pence += refund.amount_pence
    return sorted(lines.values(), key=lambda x: (x.day, x.service, x.fund_code))


def totals(lines: list[Line]) -> dict:
    out = defaultdict(int)
    for x in lines:
        out["payments_pence"] += x.payments_pence
        out["refunds_pence"] += x.refunds_pence
    out["net_pence"] = out["payments_pence"] - out["refunds_pence"]
    return dict(out)
