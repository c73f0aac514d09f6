"""What staff do on a case besides moving it: notes, public updates and tasks for other teams."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from frontdoor.unit_of_work import Refused
from frontdoor.extensions import db
from frontdoor.models import Case, CaseEvent, Task, Team
from frontdoor.models.base import utcnow
from frontdoor.services import notifications
from frontdoor.services.actors import Actor


class CaseWorkRefused(Refused):
    """The message is for the person who asked."""


def add_note(case: Case, actor: Actor, text: str, *, public: bool) -> CaseEvent:
    """An internal note, or a public update the resident sees when tracking (and is sent)."""
    text = (text or "").strip()
    if not text:
        raise CaseWorkRefused("Enter the note")
    event = CaseEvent(
        case_id=case.id, kind="note", actor_type=actor.type, actor_staff_id=actor.staff.id if actor.staff else None,
        actor_label=actor.label, internal_note=None if public else text, public_message=text if public else None,
        data={"public": public},
    )
    db.session.add(event)
    db.session.flush()
    if public:
        notifications.queue_for_case(case, "transition", {"message": text})
    return event


def add_task(actor: Actor, team_slug: str, title: str, due_on: date, *, case: Case | None = None,
             customer_id: int | None = None, detail: str | None = None) -> Task:
    team = db.session.scalar(select(Team).where(Team.slug == team_slug))
    if team is None:
        raise CaseWorkRefused("Choose a team")
    if due_on < utcnow().date():
        raise CaseWorkRefused("The due date must be today or in the future")
    task = Task(case_id=case.id if case else None, customer_id=customer_id if customer_id else (case.customer_id if case else None),
                team_id=team.id, title=title.strip(), detail=(detail or "").strip() or None, due_on=due_on,
                created_by_id=actor.staff.id if actor.staff else None)
    db.session.add(task)
    db.session.flush()
    if case is not None:
        db.session.add(CaseEvent(
            case_id=case.id, kind="task", actor_type=actor.type, actor_staff_id=actor.staff.id if actor.staff else None,
            actor_label=actor.label, internal_note=f"Task for {team.name}: {task.title} (due {due_on:%-d %B %Y})",
            data={"task_id": task.id, "team": team.slug},
        ))
        db.session.flush()
    return task


def complete_task(task: Task, actor: Actor) -> Task:
    if task.status == "done":
        raise CaseWorkRefused("This task is already done")
    task.status = "done"
    task.completed_at = utcnow()
    if task.case_id:
        db.session.add(CaseEvent(case_id=task.case_id, kind="task", actor_type=actor.type,
                                 actor_staff_id=actor.staff.id if actor.staff else None, actor_label=actor.label,
                                 internal_note=f"Task done: {task.title}", data={"task_id": task.id, "done": True}))
    db.session.flush()
    return task


def tasks_for_case(case: Case) -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.case_id == case.id).order_by(Task.due_on, Task.id)))


def related_cases(case: Case) -> list[Case]:
    """Linked cases: the one this duplicates, and those that duplicate it."""
    found = list(db.session.scalars(select(Case).where(Case.duplicate_of_id == case.id).order_by(Case.id)))
    if case.duplicate_of is not None:
        found.insert(0, case.duplicate_of)
    return found
