"""The one path that moves a case: transition(case, name, actor, data)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from frontdoor.unit_of_work import Refused
from frontdoor.extensions import db
from frontdoor.metrics import rollups
from frontdoor.models import Case, CaseEvent
from frontdoor.models.base import utcnow
from frontdoor.services import notifications, webhooks
from frontdoor.services.actors import Actor
from frontdoor.services.registry import working_calendar
from frontdoor.services.workflow_versions import for_case


class TransitionRefused(Refused):
    """A transition that may not happen; the message is for the person who asked."""


class TransitionForbidden(TransitionRefused):
    """The step exists but this actor may not make it (an API key beyond its grant): a 403, not a 409."""

    status = 403


class StaleCase(TransitionRefused):
    """Someone else changed the case since the form was loaded."""

    status = 409


def available(case: Case, actor: Actor):
    definition = for_case(case)
    if definition is None:
        return []
    if actor.type == "resident":
        return definition.transitions_for(case.state, "resident")
    steps = definition.transitions_for(case.state, actor.role if actor.type == "staff" else None)
    return [t for t in steps if actor.may_make(t)]


def _check_fields(step, data: dict) -> dict:
    """The fields the definition says the caseworker must fill for this step."""
    clean = {}
    for f in step.fields:
        value = str(data.get(f["id"]) or "").strip()
        if not value:
            raise TransitionRefused(f"Enter {f['label'][0].lower() + f['label'][1:]}.")
        if f.get("options") and value not in f["options"]:
            raise TransitionRefused(f"Select {f['label'][0].lower() + f['label'][1:]} from the list.")
        clean[f["id"]] = value[:2000]
    return clean


def _check_handler(case: Case, step, actor: Actor) -> None:
    """not_same_handler_as: whoever made one of those moves on this case may not make this one."""
    if not step.not_same_handler_as or actor.staff is None:
        return
    for event in case.events:
        if event.transition in step.not_same_handler_as and event.actor_staff_id == actor.staff.id:
            raise TransitionRefused("You handled an earlier stage of this case, so someone else must take this one.")


def _move_clock(case: Case, source, target, now: datetime) -> dict:
    """SLA: a state with its own clock starts it; leaving a waiting state moves the due date on by
    the working days spent waiting (the clock stopped while we waited for the resident)."""
    calendar = working_calendar()
    facts: dict = {}
    if source.category == "waiting" and target.category != "waiting" and case.sla_due_at is not None:
        entered = next((e.created_at for e in reversed(case.events) if e.to_state == source.id), None)
        if entered is not None:
            paused = calendar.working_days_between(calendar.local(entered).date(), calendar.local(now).date())
            due_day = calendar.local(case.sla_due_at).date()
            case.sla_due_at = calendar.end_of_day(calendar.add_working_days(due_day, paused) if paused else due_day)
            facts["paused_working_days"] = paused
    if target.category != "closed" and target.sla_working_days is not None:
        case.sla_due_at = calendar.due_after(now, target.sla_working_days)
    if case.sla_due_at is not None:
        facts["sla_due_at"] = case.sla_due_at.isoformat()
    return facts


def transition(case: Case, name: str, actor: Actor, data: dict | None = None, *, expected_version: int | None = None,
               now: datetime | None = None) -> CaseEvent:
    data = dict(data or {})
    # Lock the row: two people moving one case queue up here, and the second sees the new state.
    db.session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    db.session.refresh(case)
    if expected_version is not None and case.version != expected_version:
        raise StaleCase("Someone else has changed this case since you opened it. Check its history and try again.")
    definition = for_case(case)
    if definition is None:
        raise TransitionRefused(f"The service {case.workflow_id!r} is no longer defined.")
    step = definition.transition(case.state, name)
    if step is None:
        raise TransitionRefused(f"'{name}' is not possible while the case is '{definition.state(case.state).label}'.")
    if actor.type == "staff" and actor.role not in step.roles:
        raise TransitionRefused(f"Your role cannot '{step.label.lower()}'.")
    if not actor.may_make(step):
        raise TransitionForbidden(f"This api_key may not '{step.name}' (allowed: {actor.grant_description})")
    # A resident may only take the steps the definition offers residents (ownership is checked by the view).
    if actor.type == "resident" and "resident" not in step.roles:
        raise TransitionRefused(f"You cannot '{step.label.lower()}' on this request.")
    note = (data.get("note") or "").strip()
    if step.requires_note and not note:
        raise TransitionRefused("Enter a note to explain this step.")
    # What staff write for the resident (for example the question when asking for information).
    public_extra = (data.pop("public_message", None) or "").strip()
    public_message = "\n\n".join(m for m in (step.public_message, public_extra) if m) or None
    fields = _check_fields(step, data)
    _check_handler(case, step, actor)
    target = definition.state(step.to)
    now = now or utcnow()
    from_state = case.state
    source = definition.state(from_state)
    clock = _move_clock(case, source, target, now)
    case.state = target.id
    case.state_category = target.category
    if target.category == "closed":
        case.resolution = target.resolution
        case.closed_at = now
    else:
        case.resolution = None
        case.closed_at = None
    event = CaseEvent(
        case_id=case.id,
        kind="transition",
        actor_type=actor.type,
        actor_staff_id=actor.staff.id if actor.staff else None,
        actor_label=actor.label,
        from_state=from_state,
        to_state=target.id,
        transition=step.name,
        internal_note=note or None,
        public_message=public_message,
        data={**{k: v for k, v in data.items() if k != "note" and k not in fields}, **fields, **clock},
        created_at=now,
    )
    db.session.add(event)
    db.session.flush()
    rollups.note_case(case.id)  # closing or reopening moves the SLA rollup
    if step.notify and public_message:
        # One template per kind of event: finished, waiting on the resident, or any other update.
        template = {"closed": "closure", "waiting": "more_information"}.get(target.category, "transition")
        notifications.queue_for_case(case, template, {"message": public_message})
    for hook in step.webhooks:
        webhooks.queue_for_transition(case, event, hook)
    return event

