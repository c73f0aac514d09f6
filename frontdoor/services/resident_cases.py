"""What a signed-in resident sees and does with their own requests.

Every lookup goes through case_for(account, reference): a case that is not theirs is simply not
found, so ids, references and tampered URLs reveal nothing.
"""
from __future__ import annotations

from sqlalchemy import select

from frontdoor.unit_of_work import Refused
from frontdoor.extensions import db
from frontdoor.models import Case, CaseEvent, Contact, Feedback, Notification, ResidentAccount
from frontdoor.services import transitions
from frontdoor.services.actors import Actor
from frontdoor.services.check_answers import answer_lines
from frontdoor.services.references import normalise_reference
from frontdoor.services.registry import definition as get_definition
from frontdoor.services.registry import working_calendar


class ActionRefused(Refused, ValueError):
    """The message is for the resident."""


def actor_for(account: ResidentAccount) -> Actor:
    return Actor.resident(f"Resident (account {account.id})")


def cases_for(account: ResidentAccount) -> list[Case]:
    if account.customer_id is None:
        return []
    return list(db.session.scalars(
        select(Case).where(Case.customer_id == account.customer_id).order_by(Case.created_at.desc(), Case.id.desc())
    ))


def case_for(account: ResidentAccount, reference: str) -> Case | None:
    ref = normalise_reference(reference or "")
    if not ref or account.customer_id is None:
        return None
    return db.session.scalar(select(Case).where(Case.reference == ref, Case.customer_id == account.customer_id))


def due_in_words(case: Case) -> str:
    if case.state_category == "closed":
        return "Finished"
    if not case.sla_due_at:
        return "Not set"
    day = working_calendar().local(case.sla_due_at).date()
    return f"{day:%A} {day.day} {day:%B %Y}"


def summary(case: Case) -> dict:
    definition = get_definition(case.workflow_id)
    state = definition.state(case.state) if definition else None
    return {"case": case, "definition": definition, "state": state, "due": due_in_words(case),
            "service_title": definition.title if definition else case.workflow_id}


def resident_transitions(case: Case, account: ResidentAccount):
    return transitions.available(case, actor_for(account))


def can_add_information(case: Case) -> bool:
    return case.state_category in ("open", "waiting")


def take_action(case: Case, account: ResidentAccount, name: str, reason: str = "") -> CaseEvent:
    step = next((t for t in resident_transitions(case, account) if t.name == name), None)
    if step is None:
        raise ActionRefused("You cannot do that to this request now.")
    reason = (reason or "").strip()
    if step.requires_note and not reason:  # for example why a complaint should go to stage 2
        raise ActionRefused(f"Enter why you want to {step.label[0].lower()}{step.label[1:]}")
    if len(reason) > 2000:
        raise ActionRefused("Your reason must be 2000 characters or fewer")
    try:
        return transitions.transition(case, name, actor_for(account), {"note": reason} if reason else {})
    except transitions.TransitionRefused as exc:
        raise ActionRefused(str(exc)) from None


def add_information(case: Case, account: ResidentAccount, text: str) -> CaseEvent:
    text = (text or "").strip()
    if not text:
        raise ActionRefused("Enter the information you want to add")
    if len(text) > 2000:
        raise ActionRefused("The information must be 2000 characters or fewer")
    if not can_add_information(case):
        raise ActionRefused("This request is finished. Make a new request if you need to.")
    event = CaseEvent(case_id=case.id, kind="note", actor_type="resident", actor_label=actor_for(account).label,
                      public_message=f"You added information: {text}", data={"from_resident": True})
    db.session.add(event)
    db.session.flush()
    # A definition may say how the case moves on when the resident answers ("information_received").
    if case.state_category == "waiting":
        offered = {t.name for t in resident_transitions(case, account)}
        if "information_received" in offered:
            transitions.transition(case, "information_received", actor_for(account), {})
    return event


def feedback_for(case: Case) -> Feedback | None:
    return db.session.scalar(select(Feedback).where(Feedback.case_id == case.id))


def leave_feedback(case: Case, rating, comment: str | None) -> Feedback:
    if case.state_category != "closed":
        raise ActionRefused("You can rate a request once it is finished")
    if feedback_for(case) is not None:
        raise ActionRefused("You have already rated this request. Thank you.")
    try:
        score = int(rating)
    except (TypeError, ValueError):
        score = 0
    if score not in range(1, 6):
        raise ActionRefused("Select a rating from 1 to 5")
    comment = (comment or "").strip() or None
    if comment and len(comment) > 2000:
        raise ActionRefused("Your comment must be 2000 characters or fewer")
    feedback = Feedback(case_id=case.id, rating=score, comment=comment)
    db.session.add(feedback)
    db.session.flush()
    return feedback


# "Download my data": each section is a function of the account; other features add theirs here
# (payments, when that table exists) with @export_section("name").
EXPORT_SECTIONS: dict = {}


def export_section(name: str):
    def register(func):
        EXPORT_SECTIONS[name] = func
        return func

    return register


@export_section("profile")
def _profile(account: ResidentAccount) -> dict:
    c = account.customer
    return {
        "email": account.email_normalised,
        "email_verified_at": account.email_verified_at.isoformat() if account.email_verified_at else None,
        "account_created_at": account.created_at.isoformat() if account.created_at else None,
        "first_name": c.first_name if c else None,
        "last_name": c.last_name if c else None,
        "phone": c.phone if c else None,
        "address": c.property.single_line if c and c.property else None,
        "contact_preference": c.contact_preference if c else None,
    }


@export_section("requests")
def _requests(account: ResidentAccount) -> list:
    out = []
    for case in cases_for(account):
        s = summary(case)
        fb = feedback_for(case)
        out.append({
            "reference": case.reference, "service": s["service_title"], "status": s["state"].label if s["state"] else case.state,
            "made_at": case.created_at.isoformat(), "closed_at": case.closed_at.isoformat() if case.closed_at else None,
            "answers": case.answers, "address": case.property.single_line if case.property else None,
            "updates": [{"at": e.created_at.isoformat(), "message": e.public_message} for e in case.events if e.public_message],
            "feedback": {"rating": fb.rating, "comment": fb.comment} if fb else None,
        })
    return out


@export_section("contacts")
def _contacts(account: ResidentAccount) -> list:
    if account.customer_id is None:
        return []
    rows = db.session.scalars(select(Contact).where(Contact.customer_id == account.customer_id).order_by(Contact.id))
    return [{"channel": r.channel, "reason": r.reason, "at": r.started_at.isoformat(), "outcome": r.outcome} for r in rows]


@export_section("messages")
def _messages(account: ResidentAccount) -> list:
    ids = [c.id for c in cases_for(account)]
    if not ids:
        return []
    rows = db.session.scalars(select(Notification).where(Notification.case_id.in_(ids)).order_by(Notification.id))
    return [{"at": n.created_at.isoformat(), "channel": n.channel, "to": n.recipient, "subject": n.subject, "body": n.body}
            for n in rows]


def export(account: ResidentAccount) -> dict:
    return {name: build(account) for name, build in EXPORT_SECTIONS.items()}


CHANNELS = {"web": "Online", "api": "Online (another service)", "phone": "Phone", "face_to_face": "In person",
            "email": "Email", "letter": "Letter", "sms": "Text message"}
CONTACT_PREFERENCES = {"email": "Email", "sms": "Text message", "none": "Do not contact me"}


def _day(moment) -> str | None:
    """'4 December 2026 at 2:05pm', in the council's time zone."""
    if moment is None:
        return None
    local = working_calendar().local(moment)
    return f"{local.day} {local:%B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def export_for_people(account: ResidentAccount) -> dict:
    """The same sections as the download, in words: dates as dates, answers as the questions and what
    was answered (addresses and bins by name), channels and outcomes as labels; no internal ids."""
    data = export(account)
    c = account.customer
    profile = dict(data.get("profile", {}))
    profile.update(email_verified_at=_day(account.email_verified_at), account_created_at=_day(account.created_at),
                   contact_preference=CONTACT_PREFERENCES.get(c.contact_preference) if c else None)
    data["profile"] = profile
    cases = {case.reference: case for case in cases_for(account)}
    readable = []
    for row in data.get("requests", []):
        case = cases.get(row["reference"])
        definition = get_definition(case.workflow_id) if case else None
        readable.append({**row, "made_at": _day(case.created_at) if case else None,
                         "closed_at": _day(case.closed_at) if case else None,
                         "answers": answer_lines(definition, case.answers) if definition else {},
                         "updates": [{"at": _day(e.created_at), "message": e.public_message}
                                     for e in case.events if e.public_message] if case else []})
    data["requests"] = readable
    contacts = []
    if account.customer_id is not None:
        for r in db.session.scalars(select(Contact).where(Contact.customer_id == account.customer_id).order_by(Contact.id)):
            service = get_definition(r.reason) if r.reason else None
            contacts.append({"channel": CHANNELS.get(r.channel, r.channel), "about": service.title if service else "General enquiry",
                             "at": _day(r.started_at),
                             "outcome": (r.outcome or "").replace("_", " ").capitalize() or None})
    data["contacts"] = contacts
    data["messages"] = [{**m, "at": _day(n.created_at), "channel": CHANNELS.get(n.channel, n.channel)}
                        for m, n in zip(data.get("messages", []), _notifications(account))]
    return data


def _notifications(account: ResidentAccount) -> list:
    ids = [c.id for c in cases_for(account)]
    if not ids:
        return []
    return list(db.session.scalars(select(Notification).where(Notification.case_id.in_(ids)).order_by(Notification.id)))
