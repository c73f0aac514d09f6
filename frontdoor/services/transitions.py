"""The one path that moves a case: transition(case, name, actor, data)."""
from __future__ import annotations

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.metrics import rollups
from frontdoor.models import Case, CaseEvent
from frontdoor.models.base import utcnow
from frontdoor.services import notifications
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition as get_definition


class TransitionRefused(Exception):
    """A transition that may not happen; the message is for the person who asked."""


class StaleCase(TransitionRefused):
    """Someone else changed the case since the form was loaded."""


def available(case: Case, actor: Actor):
    definition = get_definition(case.workflow_id)
    if definition is None:
        return []
    if actor.type == "resident":
        return definition.transitions_for(case.state, "resident")
    return definition.transitions_for(case.state, actor.role if actor.type == "staff" else None)


def transition(case: Case, name: str, actor: Actor, data: dict | None = None, *, expected_version: int | None = None) -> CaseEvent:
    data = dict(data or {})
    # Lock the row: two people moving one case queue up here, and the second sees the new state.
    db.session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    db.session.refresh(case)
    if expected_version is not None and case.version != expected_version:
        raise StaleCase("Someone else has changed this case since you opened it. Check its history and try again.")
    definition = get_definition(case.workflow_id)
    if definition is None:
        raise TransitionRefused(f"The service {case.workflow_id!r} is no longer defined.")
    step = definition.transition(case.state, name)
    if step is None:
        raise TransitionRefused(f"'{name}' is not possible while the case is '{definition.state(case.state).label}'.")
    if actor.type == "staff" and actor.role not in step.roles:
        raise TransitionRefused(f"Your role cannot '{step.label.lower()}'.")
    # A resident may only take the steps the definition offers residents (ownership is checked by the view).
    if actor.type == "resident" and "resident" not in step.roles:
        raise TransitionRefused(f"You cannot '{step.label.lower()}' on this request.")
    note = (data.get("note") or "").strip()
    if step.requires_note and not note:
        raise TransitionRefused("Enter a note to explain this step.")
    # What staff write for the resident (for example the question when asking for information).
    public_extra = (data.pop("public_message", None) or "").strip()
    public_message = "\n\n".join(m for m in (step.public_message, public_extra) if m) or None
    target = definition.state(step.to)
    now = utcnow()
    from_state = case.state
    _keep_sla_clock(case, target.category, now, data)
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
        data={k: v for k, v in data.items() if k != "note"},
        created_at=now,
    )
    db.session.add(event)
    db.session.flush()
    rollups.note_case(case.id)  # closing or reopening moves the SLA rollup
    if step.notify and public_message:
        # One template per kind of event: finished, waiting on the resident, or any other update.
        template = {"closed": "closure", "waiting": "more_information"}.get(target.category, "transition")
        notifications.queue_for_case(case, template, {"message": public_message})
    return event


def _keep_sla_clock(case: Case, to_category: str, now, data: dict) -> None:
    """A waiting state pauses the SLA clock: the time left is kept on the event and restored on leaving."""
    from datetime import timedelta

    if to_category == "waiting" and case.state_category != "waiting" and case.sla_due_at is not None:
        due = case.sla_due_at if case.sla_due_at.tzinfo else case.sla_due_at.replace(tzinfo=now.tzinfo)
        data["sla_remaining_seconds"] = max(0, int((due - now).total_seconds()))
        case.sla_due_at = None
    elif case.state_category == "waiting" and to_category != "waiting":
        paused = next((e for e in reversed(case.events) if "sla_remaining_seconds" in (e.data or {})), None)
        if paused is not None and to_category == "open":
            case.sla_due_at = now + timedelta(seconds=paused.data["sla_remaining_seconds"])
