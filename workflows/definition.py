"""A loaded, validated definition: plain objects the engine and the web layers read."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: str
    hint: str | None = None
    required: bool = True
    max_length: int | None = None
    options: tuple[tuple[str, str], ...] = ()
    options_from: str | None = None
    summary_label: str | None = None
    error_if_missing: str | None = None  # the definition's own words when a required answer is missing
    # number: bounds; whole numbers only unless decimals is set
    minimum: float | None = None
    maximum: float | None = None
    decimals: bool = False
    # date: bounds in days relative to today (negative is the past)
    min_days: int | None = None
    max_days: int | None = None
    # file: accepted kinds (by content), size and count limits
    accept: tuple[str, ...] = ()
    max_size_mb: float | None = None
    max_files: int = 1
    # information: the text shown (no answer)
    content: str | None = None
    show_if: dict | None = None
    manual_entry: bool = False  # address: a typed address is accepted when the list lacks it
    prefill: str | None = None  # e.g. "customer.email": filled from what the council knows
    bounds: tuple[float, float, float, float] | None = None  # location: south, north, west, east

    @property
    def asks(self) -> bool:
        """False for an information block: nothing to answer or store."""
        return self.type != "information"

    @property
    def check_label(self) -> str:
        return self.summary_label or self.label


@dataclass(frozen=True)
class RuleRef:
    rule: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    questions: tuple[Question, ...]
    rules: tuple[RuleRef, ...] = ()
    advisor_guidance: str | None = None
    show_if: dict | None = None

    @property
    def is_address(self) -> bool:
        return any(q.type == "address" for q in self.questions)


@dataclass(frozen=True)
class Transition:
    name: str
    from_state: str
    to: str
    label: str
    roles: tuple[str, ...]
    public_message: str | None = None
    notify: bool = False
    requires_note: bool = False
    fields: tuple[dict, ...] = ()  # what the caseworker must fill: {id, label, type, options?}
    not_same_handler_as: tuple[str, ...] = ()  # transitions whose actor may not make this one
    webhooks: tuple[str, ...] = ()  # target names, resolved against config at delivery


@dataclass(frozen=True)
class State:
    id: str
    label: str
    category: str
    resolution: str | None
    transitions: tuple[Transition, ...]
    public_description: str | None = None
    sla_working_days: int | None = None  # a clock for this state, from entering it


@dataclass(frozen=True)
class Definition:
    id: str
    version: int
    title: str
    summary: str
    lgsl: int | None
    team: str
    channels: tuple[str, ...]
    start: dict[str, Any]
    pages: tuple[Page, ...]
    initial_state: str
    duplicate_state: str | None
    states: dict[str, State]
    sla_working_days: int | None
    customer_fields: dict[str, str]
    property_question: str | None
    dedupe: RuleRef | None
    acknowledgement: dict[str, Any]
    source_file: str = ""
    content_hash: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    routing: tuple[dict, ...] = ()
    open311_public: bool = False  # listed and looked up on Open311 without a key (street reports)
    duplicate: dict | None = None  # {match: [...], within_working_days: N, message?}

    def visible_pages(self, answers: dict) -> list[Page]:
        from workflows.conditions import holds

        return [p for p in self.pages if holds(p.show_if, answers)]

    def visible_questions(self, page: Page, answers: dict) -> list[Question]:
        from workflows.conditions import holds

        return [q for q in page.questions if holds(q.show_if, answers)]

    def page(self, page_id: str) -> Page | None:
        return next((p for p in self.pages if p.id == page_id), None)

    def next_page(self, page_id: str, answers: dict | None = None) -> Page | None:
        """The next page shown after this one (pages whose show_if fails are skipped)."""
        from workflows.conditions import holds

        ids = [p.id for p in self.pages]
        for page in self.pages[ids.index(page_id) + 1:]:
            if answers is None or holds(page.show_if, answers):
                return page
        return None

    def question(self, question_id: str) -> Question | None:
        for page in self.pages:
            for q in page.questions:
                if q.id == question_id:
                    return q
        return None

    def state(self, state_id: str) -> State:
        return self.states[state_id]

    def transitions_for(self, state_id: str, role: str | None) -> list[Transition]:
        state = self.states.get(state_id)
        if state is None:
            return []
        return [t for t in state.transitions if role is None or role in t.roles]

    def transition(self, state_id: str, name: str) -> Transition | None:
        state = self.states.get(state_id)
        if state is None:
            return None
        return next((t for t in state.transitions if t.name == name), None)
