"""Property: after any sequence of contacts, case closes and reopens (applied in any batches), the
incrementally kept rollups equal a rebuild from scratch."""
from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdoor.extensions import db
from frontdoor.metrics import figures, rollups
from frontdoor.metrics.definitions import CHANNELS
from frontdoor.metrics.filters import Filters
from frontdoor.models import Case
from frontdoor.models.contacts import OUTCOMES
from frontdoor.services.contacts import record_contact
from tests import factories

# Around the clocks going back (25 Oct 2026, 01:00 UTC) and a midnight, where local days are easy to get wrong.
BASE = datetime(2026, 10, 24, 22, 0, tzinfo=timezone.utc)
moments = st.integers(min_value=0, max_value=60 * 30).map(lambda m: BASE + timedelta(minutes=m))

contact_ev = st.tuples(st.just("contact"), st.sampled_from(CHANNELS),
                       st.sampled_from(["self_served", "resolved_first_contact", "handed_off", "progress_chase", "repeat"]),
                       moments, st.booleans(), st.booleans(), st.sampled_from(["missed_bin", "general"]))
case_ev = st.tuples(st.just("case"), moments, st.booleans(), moments)
close_ev = st.tuples(st.just("close"), st.integers(0, 20), moments)
reopen_ev = st.tuples(st.just("reopen"), st.integers(0, 20))
apply_ev = st.tuples(st.just("apply"))
events = st.lists(st.one_of(contact_ev, case_ev, close_ev, reopen_ev, apply_ev), min_size=1, max_size=25)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=events)
def test_incremental_rollups_equal_a_rebuild(session, events):
    waste = factories.team("waste")
    props = [factories.property_(ward="Abbey"), factories.property_(ward="Castle")]
    advisor = factories.staff("advisor")
    cases: list[Case] = []
    for ev in events:
        kind = ev[0]
        if kind == "contact":
            _, channel, outcome, at, with_case, with_staff, service = ev
            contact = record_contact(channel=channel, reason=service, outcome=outcome,
                                     case=cases[-1] if with_case and cases else None,
                                     staff=advisor if with_staff else None)
            contact.started_at = at
        elif kind == "case":
            _, created, closed_now, due = ev
            case = Case(reference=uuid.uuid4().hex[:12], workflow_id="missed_bin", workflow_version=1,
                        state="closed" if closed_now else "open", state_category="closed" if closed_now else "open",
                        answers={}, property_id=props[len(cases) % 2].id, channel="web", team_id=waste.id,
                        sla_due_at=due, created_at=created, closed_at=created if closed_now else None)
            db.session.add(case)
            db.session.flush()
            cases.append(case)
            rollups.note_case(case.id)
        elif kind == "close" and cases:
            case = cases[ev[1] % len(cases)]
            case.state, case.state_category, case.closed_at = "closed", "closed", ev[2]
            rollups.note_case(case.id)
        elif kind == "reopen" and cases:
            case = cases[ev[1] % len(cases)]
            case.state, case.state_category, case.closed_at = "open", "open", None
            rollups.note_case(case.id)
        elif kind == "apply":
            db.session.flush()
            rollups.apply_pending(batch=3)  # small batches: a case may be applied in several
        db.session.flush()
    while rollups.apply_pending(batch=3):
        pass
    incremental = rollups.table_snapshot()
    rollups.rebuild()
    assert rollups.table_snapshot() == incremental


# --- One definition, three paths: the rollup, the raw GROUP BY and the drill-down rows agree. ---

FIGURE_ATTRS = {"contacts": "total", "digital": "digital", "assisted": "assisted", "resolved_first": "resolved_first",
                "avoidable": "avoidable"}
PERIODS = {  # a whole month reads the monthly rollup; a custom day (the clocks going back) the daily one
    "period=month&start=2026-10-01": Filters("month", date(2026, 10, 1), date(2026, 10, 31)),
    "period=custom&start=2026-10-25&end=2026-10-25": Filters("custom", date(2026, 10, 25), date(2026, 10, 25)),
}
contacts_only = st.lists(st.tuples(st.sampled_from(CHANNELS), st.sampled_from(OUTCOMES), moments, st.booleans()),
                         min_size=1, max_size=15)


def _rows_on_page(client, query: str, figure: str) -> int:
    html = client.get(f"/staff/dashboards/rows?{query}&figure={figure}").get_data(as_text=True)
    return int(re.search(r"(\d+) rows,", html).group(1))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contacts=contacts_only)
def test_each_figure_is_the_same_through_rollup_raw_and_drill_down(client, login_as, contacts):
    if not client.get("/staff/dashboards/").status_code == 200:
        login_as("admin")
    advisor = factories.staff("advisor")
    for channel, outcome, at, with_staff in contacts:
        contact = record_contact(channel=channel, reason="missed_bin", outcome=outcome,
                                 staff=advisor if with_staff else None)
        contact.started_at = at
    db.session.flush()
    rollups.apply_pending()
    for query, f in PERIODS.items():
        rolled, raw = figures.contact_figures(f), figures.base_contact_figures(f)
        for figure, attr in FIGURE_ATTRS.items():
            counted = [getattr(rolled, attr), getattr(raw, attr), _rows_on_page(client, query, figure)]
            assert len(set(counted)) == 1, (query, figure, counted)
        by_advisor = {a["staff_id"]: (a["resolved"], a["assisted"]) for a in figures.advisor_fcr(f)}
        assert by_advisor == {s: v for s, v in figures.base_advisor_fcr(f).items() if v[1]}
