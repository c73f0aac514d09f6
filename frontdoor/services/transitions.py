"""The one path that moves a case: transition(case, name, actor, data)."""
from __future__ import annotations

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Case, CaseEvent
from frontdoor.models.base import utcnow
from frontdoor.services import notifications, webhooks
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
    note = (data.get("note") or "").strip()
    if step.requires_note and not note:
        raise TransitionRefused("Enter a note to explain this step.")
    target = definition.state(step.to)
    now = utcnow()
    from_state = case.state
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
        public_message=step.public_message,
        data={k: v for k, v in data.items() if k != "note"},
        created_at=now,
    )
    db.session.add(event)
    db.session.flush()
    if step.notify and step.public_message:
        notifications.queue_for_case(case, "transition", {"message": step.public_message})
    for target in step.webhooks:
        webhooks.queue_for_transition(case, event, target)
    return event
