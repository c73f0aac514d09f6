"""The one path that creates a case: submit(definition, answers, channel, customer, actor).

Portal, advisor forms and the API all come here. Everything is re-validated against the
definition (a skipped page or a tampered field cannot get past the rules), then the case, its
first event, the contact and the acknowledgement's outbox row are written and flushed together.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from frontdoor.unit_of_work import Refused
from frontdoor.extensions import db, insert_for_dialect
from frontdoor.metrics import rollups
from frontdoor.metrics.definitions import DIGITAL
from frontdoor.models import Case, CaseEvent, Customer, Property
from frontdoor.models.base import utcnow
from frontdoor.services import customers as customer_service
from frontdoor.services import notifications, properties, uploads
from frontdoor.services.actors import Actor
from frontdoor.services.contacts import record_contact
from frontdoor.services.references import new_reference
from frontdoor.services.registry import council_bounds, working_calendar
from frontdoor.services.workflow_versions import ensure_snapshot
from workflows import Definition
from workflows.rules import (RuleContext, RuleResult, dedupe_key, duplicate_key, duplicate_window_start,
                             evaluate_page_rules, property_facts_read)
from workflows.conditions import holds
from workflows.journey import shown_questions
from workflows.validation import check_answer, check_manual_address, is_manual_address


class SubmissionRejected(Refused):
    """The answers do not pass the definition. `errors` maps question id to message."""

    def __init__(self, errors: dict[str, str], rule: RuleResult | None = None):
        self.errors = errors
        self.rule = rule
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()) or (rule.title if rule else ""))


@dataclass
class SubmitResult:
    case: Case
    duplicate_of: Case | None = None
    replayed: bool = False
    facts: dict = field(default_factory=dict)


def question_options(definition: Definition, question, prop: Property | None):
    if question.options_from == "property_containers":
        return properties.container_options(prop)
    return None


def validate(definition: Definition, answers: dict, actor: Actor, now: datetime) -> tuple[dict, Property | None, dict]:
    """Clean every answer and run every page rule. Returns (clean answers, property, rule facts)."""
    clean, prop, facts, _ = _validated(definition, answers, actor, now)
    return clean, prop, facts


def _validated(definition: Definition, answers: dict, actor: Actor, now: datetime):
    """validate(), also returning the rule context, so submit reads the property's facts once."""
    errors: dict[str, str] = {}
    clean: dict = {}
    prop = None
    manual = None
    if definition.property_question:
        raw = answers.get(definition.property_question)
        if is_manual_address(raw) and definition.question(definition.property_question).manual_entry:
            manual, problems = check_manual_address(raw)
            if problems:
                errors[definition.property_question] = next(iter(problems.values()))
        else:
            prop = properties.by_uprn(raw) if isinstance(raw, str) and raw else None
            if prop is None:
                errors[definition.property_question] = "Choose an address"
    # Visibility is judged on the clean answers so far, page by page: an answer to a question the
    # resident never saw (a tampered or stale field) is dropped, never stored.
    today = working_calendar().local(now).date()
    for _, q in shown_questions(definition, clean):  # the walk every channel's pages take
        if q.type == "address":
            if prop is not None:
                clean[q.id] = prop.uprn
            elif manual is not None and q.id == definition.property_question:
                clean[q.id] = manual
            continue
        value, error = check_answer(q, answers.get(q.id), question_options(definition, q, prop), today=today,
                                    bounds=council_bounds())
        if error is None and q.type == "file" and value and not all(uploads.exists(f) for f in value):
            error = f"{q.check_label} is not valid"
        if error:
            errors[q.id] = error
        elif value is not None:
            clean[q.id] = value
    if errors:
        raise SubmissionRejected(errors)
    ctx = RuleContext(now=now, calendar=working_calendar(), answers=clean,
                      property=properties.rule_facts(prop, property_facts_read(definition)), staff=actor.type == "staff")
    return clean, prop, _page_rule_facts(definition, ctx), ctx


def _page_rule_facts(definition: Definition, ctx: RuleContext) -> dict:
    facts: dict = {}
    for page in definition.visible_pages(ctx.answers):
        result = evaluate_page_rules(page, ctx)
        if not result.ok:
            raise SubmissionRejected({}, result)
        facts.update(result.facts)
    return facts


def _lock_dedupe_key(key: str) -> None:
    """Serialise reports sharing a key so two at once cannot both become 'the first'."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": key})


def submit(
    definition: Definition,
    answers: dict,
    channel: str,
    customer: Customer | None,
    actor: Actor,
    *,
    submission_key: str | None = None,
    now: datetime | None = None,
    reference: str | None = None,
) -> SubmitResult:
    """`reference`: one already shown to the resident for this request (a bulky booking's), so one
    request has one reference everywhere; otherwise a new one."""
    now = now or utcnow()
    replay_id, stored_hash = _preflight(definition, submission_key)
    if replay_id is not None:
        existing = db.session.get(Case, replay_id)
        return SubmitResult(existing, existing.duplicate_of, replayed=True)
    clean, prop, facts, ctx = _validated(definition, answers, actor, now)
    ensure_snapshot(definition, stored_hash)
    new_customer = False
    if customer is None and definition.customer_fields:
        f = definition.customer_fields
        customer, new_customer = customer_service.match_or_create(
            clean.get(f.get("name", "")), clean.get(f.get("email", "")), clean.get(f.get("phone", "")), prop
        )
    original = None
    key = dedupe_key(definition, ctx)
    if key:
        _lock_dedupe_key(key)
        original = db.session.scalar(
            select(Case).where(Case.dedupe_key == key, Case.duplicate_of_id.is_(None)).order_by(Case.id).limit(1)
        )
    elif definition.duplicate:
        key = duplicate_key(definition, clean, ctx.property)
        if key:
            _lock_dedupe_key(key)
            original = _earlier_match(definition, key, now)
    state_id = definition.duplicate_state if original is not None else definition.initial_state
    state = definition.state(state_id)
    sla_due = None
    days = state.sla_working_days if state.sla_working_days is not None else definition.sla_working_days
    if state.category != "closed" and days is not None:
        sla_due = working_calendar().due_after(now, days)
    uploads.claim([f["id"] for q, v in clean.items() if isinstance(v, list)
                   and (definition.question(q) is not None and definition.question(q).type == "file")
                   for f in v if isinstance(f, dict) and isinstance(f.get("id"), str)])
    case = _insert_case(dict(
        reference=reference or new_reference(),
        workflow_id=definition.id,
        workflow_version=definition.version,
        state=state_id,
        state_category=state.category,
        resolution=state.resolution,
        answers=clean,
        property_id=prop.id if prop else None,
        customer_id=customer.id if customer else None,
        channel=channel,
        team_id=_team_id(route_team(definition, clean, prop)),
        sla_due_at=sla_due,
        dedupe_key=key,
        duplicate_of_id=original.id if original is not None else None,
        submission_key=submission_key,
        created_at=now,
        closed_at=now if state.category == "closed" else None,
    ))
    if case is None:
        # The same submission key committed by a concurrent request after the preflight: that case.
        existing = db.session.scalar(select(Case).where(Case.submission_key == submission_key))
        return SubmitResult(existing, existing.duplicate_of, replayed=True)
    # Known already: set without the query a lazy load would make.
    set_committed_value(case, "customer", customer)
    set_committed_value(case, "property", prop)
    set_committed_value(case, "duplicate_of", original)
    set_committed_value(case, "events", [])
    db.session.add(
        CaseEvent(
            case=case,
            kind="submitted",
            actor_type=actor.type,
            actor_staff_id=actor.staff.id if actor.staff else None,
            actor_label=actor.label,
            to_state=state_id,
            public_message=(definition.duplicate.get("message")
                            or f"This was already requested as {original.reference}.")
            if original is not None and definition.duplicate else "We have received your request.",
            data={"channel": channel, "facts": facts},
            created_at=now,
        )
    )
    if original is not None:
        # Added on its own: appending to original.events would load the original's whole history.
        db.session.add(
            CaseEvent(
                case=original,
                kind="duplicate",
                actor_type="system",
                actor_label="System",
                internal_note=(f"The same collection was reported again as {case.reference}." if definition.dedupe
                               else f"The same request was made again as {case.reference}."),
                data={"duplicate": case.reference},
                created_at=now,
            )
        )
    record_contact(
        channel=channel,
        reason=definition.id,
        outcome="self_served" if channel in DIGITAL else "handed_off",
        customer=customer,
        case=case,
        staff=actor.staff,
        new_customer=new_customer,
        started_at=now,  # the moment of the request, not of the run (demo history, imports)
    )
    if original is None:
        notifications.queue_for_case(case, "acknowledgement")
    if case.state_category == "closed":  # e.g. closed at once as a duplicate: counts for SLA
        rollups.note_case(case.id)
    db.session.flush()
    return SubmitResult(case, original, facts=facts)


# Plain SQL: this runs on every submission and a text() statement skips building and caching a
# query object (a third of the cost of a query this small).
_PREFLIGHT = text(
    "SELECT (SELECT id FROM cases WHERE submission_key = :key),"
    " (SELECT content_hash FROM workflow_snapshots WHERE workflow_id = :workflow AND version = :version)"
)


def _preflight(definition: Definition, submission_key: str | None) -> tuple[int | None, str | None]:
    """One round trip for what submit must know first: the case already made with this submission
    key (a replay: a double-click or a retried form), and the hash stored for this definition version."""
    row = db.session.execute(_PREFLIGHT, {"key": submission_key, "workflow": definition.id,
                                          "version": definition.version}).one()
    return row[0], row[1]


def _insert_case(values: dict) -> Case | None:
    """INSERT ... ON CONFLICT (submission_key) DO NOTHING RETURNING the case. A concurrent request with
    the same key that committed first leaves no row (None), and nothing else in the transaction is
    undone, so no savepoint is needed."""
    stmt = (insert_for_dialect(Case).values(**values)
            .on_conflict_do_nothing(index_elements=[Case.submission_key]).returning(Case)
            .options(lazyload(Case.events)))  # a new case has no history to load (selectin by default)
    return db.session.scalars(stmt).first()


def _earlier_match(definition: Definition, key: str, now: datetime) -> Case | None:
    """The generic duplicate rule: the first open, non-duplicate case with the same matched answers,
    made within the definition's working days."""
    since = duplicate_window_start(working_calendar(), now, definition.duplicate["within_working_days"])
    return db.session.scalar(
        select(Case).where(Case.dedupe_key == key, Case.duplicate_of_id.is_(None), Case.state_category != "closed",
                           Case.created_at >= since.astimezone(timezone.utc)).order_by(Case.id).limit(1)
    )


def route_team(definition: Definition, answers: dict, prop: Property | None) -> str:
    """The first routing entry whose condition (and ward list) matches, else the service's team."""
    for route in definition.routing:
        if "ward" in route and (prop is None or prop.ward not in route["ward"]):
            continue
        if holds(route.get("if"), answers):
            return route["team"]
    return definition.team


def _team_id(slug: str):
    """The team's id as a subquery of the case's INSERT: one round trip fewer than reading it first."""
    from frontdoor.models import Team

    return select(Team.id).where(Team.slug == slug).scalar_subquery()
