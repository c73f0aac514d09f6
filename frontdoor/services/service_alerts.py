"""Service alerts: a notice for a service and an area (wards, or the whole council) for a period.
A resident who reads one and says it answered their question is a self-served contact for that service."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import ServiceAlert, StaffUser
from frontdoor.models.base import utcnow
from frontdoor.services.contacts import record_contact

# Alerts about collections in general (not one form) use this service id; the bin-day page shows
# these and the alerts of the collection services for the address's ward.
BIN_COLLECTIONS = "bin_collections"


class AlertRefused(ValueError):
    pass


def publish(*, service_id: str, title: str, message: str, wards: list[str], starts_at: datetime, ends_at: datetime,
            staff: StaffUser | None) -> ServiceAlert:
    if ends_at <= starts_at:
        raise AlertRefused("The end must be after the start")
    alert = ServiceAlert(service_id=service_id, title=title.strip(), message=message.strip(),
                         wards=sorted({w.strip() for w in wards if w.strip()}), starts_at=starts_at, ends_at=ends_at,
                         created_by_id=staff.id if staff else None)
    db.session.add(alert)
    db.session.flush()
    return alert


def end_now(alert: ServiceAlert) -> None:
    """Stop showing an alert now (one not started yet is withdrawn)."""
    now = utcnow()
    if alert.ends_at > now:
        if alert.starts_at >= now:
            alert.starts_at = now - timedelta(seconds=1)
        alert.ends_at = now
    db.session.flush()


def current(*, service_ids=None, ward: str | None = None, now: datetime | None = None) -> list[ServiceAlert]:
    """Alerts showing now. With a ward, only those for the whole council or naming that ward."""
    now = now or utcnow()
    query = select(ServiceAlert).where(ServiceAlert.starts_at <= now, ServiceAlert.ends_at > now)
    if service_ids is not None:
        query = query.where(ServiceAlert.service_id.in_(list(service_ids)))
    alerts = db.session.scalars(query.order_by(ServiceAlert.starts_at.desc(), ServiceAlert.id)).all()
    if ward is not None:
        alerts = [a for a in alerts if not a.wards or ward in a.wards]
    return alerts


def recent(limit: int = 50) -> list[ServiceAlert]:
    return db.session.scalars(select(ServiceAlert).order_by(ServiceAlert.ends_at.desc(), ServiceAlert.id.desc())
                              .limit(limit)).all()


def by_id(alert_id: int) -> ServiceAlert | None:
    return db.session.get(ServiceAlert, alert_id)


def answered(alert: ServiceAlert, helped: bool):
    """'Did this answer your question?' A yes is a self-served web contact for the alert's service."""
    if not helped:
        return None
    return record_contact(channel="web", reason=alert.service_id, outcome="self_served")


def wards() -> list[str]:
    """The wards an alert may name: those of the gazetteer's properties."""
    from frontdoor.models import Property

    return list(db.session.scalars(select(Property.ward).distinct().order_by(Property.ward)))
