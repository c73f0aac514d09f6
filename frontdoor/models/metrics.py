"""Narrow rollup tables for the manager dashboards, one per family of figures.

A wide cube of every dimension barely shrinks 10M contacts (PERFORMANCE.md); these narrow ones do.
Dimension columns are NOT NULL (0 / '' for "none") so ON CONFLICT upserts can match on them.
`day` is the local day in Europe/London.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.extensions import db
from frontdoor.models.base import UtcDateTime


class ContactDaily(db.Model):
    """Volumes, channel mix, FCR and avoidable contact by service and team."""

    __tablename__ = "contact_daily"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    service: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(30), primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    contacts: Mapped[int] = mapped_column(Integer, default=0)


class ContactWardDaily(db.Model):
    """The same figures when a ward is chosen: read one ward's slice only."""

    __tablename__ = "contact_ward_daily"
    __table_args__ = (Index("ix_contact_ward_daily_ward_day", "ward", "day"),)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    ward: Mapped[str] = mapped_column(String(100), primary_key=True)
    service: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(30), primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    contacts: Mapped[int] = mapped_column(Integer, default=0)


class ContactMonthly(db.Model):
    """contact_daily by local calendar month: a month, quarter or year (with its previous period and
    the 12-month trend) reads a few thousand rows however many contacts there are."""

    __tablename__ = "contact_monthly"
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the first local day of the month
    service: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(30), primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    contacts: Mapped[int] = mapped_column(Integer, default=0)


class AdvisorDaily(db.Model):
    """First-contact resolution per advisor: assisted contacts that were not chases or repeats (the
    FCR denominator) and how many were resolved first time. No outcome column: two counts per row."""

    __tablename__ = "advisor_daily"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    staff_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    assisted: Mapped[int] = mapped_column(Integer, default=0)
    resolved: Mapped[int] = mapped_column(Integer, default=0)


class AdvisorMonthly(db.Model):
    """advisor_daily by local calendar month, for month, quarter and year."""

    __tablename__ = "advisor_monthly"
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    staff_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    assisted: Mapped[int] = mapped_column(Integer, default=0)
    resolved: Mapped[int] = mapped_column(Integer, default=0)


class CaseDaily(db.Model):
    """Cases closed per local day, and how many by their SLA due time."""

    __tablename__ = "case_daily"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    service: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    ward: Mapped[str] = mapped_column(String(100), primary_key=True, default="")
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    closed_in_sla: Mapped[int] = mapped_column(Integer, default=0)


class CaseMonthly(db.Model):
    """case_daily by local calendar month, for month, quarter and year."""

    __tablename__ = "case_monthly"
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    service: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    ward: Mapped[str] = mapped_column(String(100), primary_key=True, default="")
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    closed_in_sla: Mapped[int] = mapped_column(Integer, default=0)


class CaseRollupMark(db.Model):
    """What one case currently contributes to case_daily, so a reopen or re-close moves it exactly."""

    __tablename__ = "case_rollup_marks"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    service: Mapped[str] = mapped_column(String(64))
    team_id: Mapped[int] = mapped_column(Integer)
    ward: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(20))
    in_sla: Mapped[int] = mapped_column(Integer)


class RollupPending(db.Model):
    """Work for the rollup job, written in the same transaction as the contact or case change.

    Consumed with DELETE ... RETURNING under SKIP LOCKED, so two workers never count a row twice.
    """

    __tablename__ = "rollup_pending"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "contact" or "case"
    ref_id: Mapped[int] = mapped_column(Integer)


class ChannelCost(db.Model):
    """Unit cost per contact by channel, in pence; an admin may change them."""

    __tablename__ = "channel_costs"
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    pence: Mapped[int] = mapped_column(Integer)


class PastDueSnapshot(db.Model):
    """Open cases past their due time, counted by a job every minute: a stock figure ("now") whose live
    count grows with the number of open overdue cases, so the dashboard reads this small table instead."""

    __tablename__ = "past_due_snapshot"
    service: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    cases: Mapped[int] = mapped_column(Integer, default=0)


class MetricSnapshot(db.Model):
    """When each snapshot figure was last taken (one row per figure)."""

    __tablename__ = "metric_snapshots"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime())
