"""The page walk of a service, once for every channel.

Which page comes next, which pages and questions `show_if` hides, which page still lacks a
required answer, what a change of answer makes stale, and the rows of "Check your answers".
Portal pages (the resident's signed session) and the advisor's contact pages (the contact's
draft) both drive a Journey over their own AnswerStore, and both end in the same
submit(definition, answers, channel, customer, actor). submit() re-validates through
shown_questions(), so the walk a page took and the walk the submission checks cannot drift.

Pure: no web layer, no database session. Rules are evaluated by the caller's RuleContext.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Protocol

from workflows.conditions import holds
from workflows.definition import Definition, Page, Question
from workflows.display import display_answer, display_lines
from workflows.rules import RuleContext, RuleResult, evaluate_page_rules
from workflows.validation import is_manual_address


class AnswerStore(Protocol):
    """Where a channel keeps a journey's answers between pages."""

    def answers(self) -> dict: ...

    def save(self, values: dict) -> None:
        """Store these answers; a value of None forgets that answer."""


def shown_questions(definition: Definition, answers: dict) -> Iterator[tuple[Page, Question]]:
    """Every question that asks something and is shown, in page order. Visibility is judged on
    `answers` as it stands when each question is reached, so a caller that fills a dict of clean
    answers while it iterates sees exactly the questions the resident saw."""
    for page in definition.pages:
        if not holds(page.show_if, answers):
            continue
        for q in page.questions:
            if q.asks and holds(q.show_if, answers):
                yield page, q


def first_unanswered(definition: Definition, answers: dict) -> Page | None:
    """The first shown page with a required answer missing: pages cannot be skipped by URL."""
    for page, q in shown_questions(definition, answers):
        if q.required and q.id not in answers:
            return page
    return None


def has_own_steps(definition: Definition) -> bool:
    """A service booked through its own steps (items, dates, payment), never the generic pages."""
    return bool(definition.raw.get("booking"))


@dataclass(frozen=True)
class Step:
    """Where to go after a page: another page, the check page, or a failed rule to show."""

    page: Page | None = None
    rule: RuleResult | None = None

    @property
    def to_check(self) -> bool:
        return self.page is None and self.rule is None


class Journey:
    def __init__(self, definition: Definition, store: AnswerStore):
        self.definition = definition
        self.store = store

    @property
    def answers(self) -> dict:
        return self.store.answers()

    def visible_pages(self) -> list[Page]:
        return self.definition.visible_pages(self.answers)

    def is_shown(self, page: Page) -> bool:
        return any(p.id == page.id for p in self.visible_pages())

    def questions(self, page: Page) -> list[Question]:
        """The page's shown questions, information blocks included."""
        return self.definition.visible_questions(page, self.answers)

    def asked(self, page: Page) -> list[Question]:
        return [q for q in self.questions(page) if q.asks]

    def first_unanswered(self) -> Page | None:
        return first_unanswered(self.definition, self.answers)

    def skipped_before(self, page: Page) -> Page | None:
        """The unanswered page this one must wait for, if it comes earlier."""
        missing = self.first_unanswered()
        if missing is None:
            return None
        ids = [p.id for p in self.definition.pages]
        return missing if ids.index(missing.id) < ids.index(page.id) else None

    def record(self, values: dict) -> None:
        """Save a page's answers (None forgets), then drop answers a change has hidden."""
        self.store.save(values)
        self.forget_hidden()

    def forget_hidden(self) -> None:
        """Answers to questions a later change has hidden are dropped, not kept and not sent."""
        while True:
            answers = self.answers
            shown = {q.id for _, q in shown_questions(self.definition, answers)}
            hidden = [qid for qid in answers if qid not in shown]
            if not hidden:
                return
            self.store.save(dict.fromkeys(hidden))

    def forget_address_dependants(self) -> None:
        """A new address makes the answers read from the old one (its bins) stale."""
        self.store.save({q.id: None for p in self.definition.pages for q in p.questions if q.options_from})

    def address_dependant_page(self) -> Page | None:
        return next((p for p in self.visible_pages() if any(q.options_from for q in p.questions)), None)

    def next_page(self, page: Page) -> Page | None:
        return self.definition.next_page(page.id, self.answers)

    def previous_page(self, page: Page) -> Page | None:
        shown = self.visible_pages()
        ids = [p.id for p in self.definition.pages]
        before = [p for p in shown if ids.index(p.id) < ids.index(page.id)]
        return before[-1] if before else None

    def after(self, page: Page, ctx: RuleContext | None, changing: bool = False) -> Step:
        """The step after a page is answered: its rules first, then the next shown page, or the
        check page (a change returns there unless it made an answer missing)."""
        if page.rules and ctx is not None:
            result = evaluate_page_rules(page, ctx)
            if not result.ok:
                return Step(rule=result)
        following = self.next_page(page)
        if changing or following is None:
            missing = self.first_unanswered()
            return Step(page=missing) if missing is not None else Step()
        return Step(page=following)


@dataclass(frozen=True)
class CheckRow:
    page: Page
    question: Question
    lines: list[str]
    html: bool = False  # lines are joined with line breaks (a typed address)


def check_rows(definition: Definition, answers: dict, options_for: Callable[[Question], Any],
               property_line: str | None) -> list[CheckRow]:
    """'Check your answers', once for every channel: each shown question and its answer as words."""
    rows = []
    for page, q in shown_questions(definition, answers):
        value = answers.get(q.id)
        if q.type == "address" and property_line is None and is_manual_address(value):
            rows.append(CheckRow(page, q, display_lines(q, value), html=True))
        elif q.type == "address":
            rows.append(CheckRow(page, q, [property_line] if property_line else []))
        else:
            shown = display_answer(q, value, options_for(q))
            rows.append(CheckRow(page, q, [shown] if shown else []))
    return rows


def summary_list_rows(rows: list[CheckRow], change_url: Callable[[Page], str],
                      join_html: Callable[[list[str]], Any]) -> list[dict]:
    """GOV.UK summary list rows with a Change link back to each answer's page."""
    out = []
    for row in rows:
        if row.html:
            value = {"html": join_html(row.lines)}
        else:
            value = {"text": row.lines[0] if row.lines else "Not given"}
        out.append({"key": {"text": row.question.check_label}, "value": value,
                    "actions": {"items": [{"href": change_url(row.page), "text": "Change",
                                           "visuallyHiddenText": row.question.check_label.lower()}]}})
    return out
