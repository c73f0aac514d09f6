"""The missed collection window (DOMAIN.md): from 17:00 on collection day until the end of the
2nd working day after it. Staff may report before 17:00. One report per property, container and collection."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workflows.calendar import WorkingCalendar
from workflows.loader import load_file
from workflows.rules import (
    REGISTRY,
    RuleContext,
    dedupe_key,
    evaluate_page_rules,
    last_collection,
    missed_collection_window,
    same_collection,
)

LONDON = ZoneInfo("Europe/London")
CALENDAR = WorkingCalendar("ENG")
PARAMS = {"container_question": "container", "working_days": 2, "day_ends_at": "17:00"}
DEDUPE = {"container_question": "container"}
UPRN = "100090000001"
DEFINITION = load_file(Path(__file__).resolve().parents[2] / "workflows" / "definitions" / "missed_bin.yaml")


def container(**overrides):
    return {"id": 1, "label": "Black general waste bin", "weekday": 0, "frequency_weeks": 1, "week_offset": 0, **overrides}


def prop(*containers):
    return {"uprn": UPRN, "containers": list(containers) or [container()]}


def ctx(now, answer="1", property_=None, staff=False):
    return RuleContext(now=now, calendar=CALENDAR, answers={"container": answer},
                       property=property_ if property_ is not None else prop(), staff=staff)


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def check(now, **kwargs):
    return missed_collection_window(ctx(now, **kwargs), PARAMS)


# Monday 1 June 2026 is a collection day; the window closes at the end of Wednesday 3 June.

def test_before_the_end_of_collection_day_the_bin_may_still_be_collected():
    result = check(at(2026, 6, 1, 16, 59))
    assert result.ok is False
    assert result.title == "Your bin may still be collected today"
    assert result.message == (
        "Crews work until 17:00 on collection day, so your black general waste bin may still be emptied today."
    )
    assert result.advice == (
        "If it has not been emptied by 17:00, you can report it from then until the end of "
        "Wednesday 3 June 2026. Please leave it out."
    )
    assert result.facts == {"collection_date": "2026-06-01", "report_deadline": "2026-06-03"}


def test_early_morning_on_collection_day_is_refused_too():
    result = check(at(2026, 6, 1, 0, 0))
    assert not result.ok and result.title == "Your bin may still be collected today"


def test_from_17_00_on_collection_day_it_can_be_reported():
    result = check(at(2026, 6, 1, 17, 0))
    assert result.ok is True
    assert result.facts == {"collection_date": "2026-06-01", "report_deadline": "2026-06-03"}
    assert (result.title, result.message, result.advice) == ("", "", "")


def test_the_time_of_day_is_london_time_not_utc():
    # 16:00 UTC is 17:00 BST; 15:59 UTC is 16:59 BST.
    assert check(datetime(2026, 6, 1, 16, 0, tzinfo=timezone.utc)).ok is True
    assert check(datetime(2026, 6, 1, 15, 59, tzinfo=timezone.utc)).ok is False


def test_in_winter_london_time_is_utc():
    # Monday 11 January 2027 (GMT).
    assert check(datetime(2027, 1, 11, 16, 59, tzinfo=timezone.utc)).ok is False
    assert check(datetime(2027, 1, 11, 17, 0, tzinfo=timezone.utc)).ok is True


def test_staff_may_report_before_the_end_of_collection_day():
    result = check(at(2026, 6, 1, 10, 0), staff=True)
    assert result.ok is True
    assert result.facts["collection_date"] == "2026-06-01"


def test_day_ends_at_is_a_parameter():
    params = {**PARAMS, "day_ends_at": "16:00"}
    assert missed_collection_window(ctx(at(2026, 6, 1, 16, 0)), params).ok is True
    refused = missed_collection_window(ctx(at(2026, 6, 1, 15, 59)), params)
    assert not refused.ok and "Crews work until 16:00" in refused.message


def test_defaults_are_17_00_and_2_working_days():
    params = {"container_question": "container"}
    assert missed_collection_window(ctx(at(2026, 6, 1, 16, 59)), params).ok is False
    assert missed_collection_window(ctx(at(2026, 6, 3, 23, 59)), params).ok is True
    assert missed_collection_window(ctx(at(2026, 6, 4, 0, 0)), params).ok is False


def test_the_last_minute_of_the_second_working_day_is_allowed():
    result = check(at(2026, 6, 3, 23, 59))
    assert result.ok is True
    assert result.facts == {"collection_date": "2026-06-01", "report_deadline": "2026-06-03"}


def test_the_next_day_is_too_late():
    result = check(at(2026, 6, 4, 0, 0))
    assert result.ok is False
    assert result.title == "It is too late to report this collection"
    assert result.message == (
        "Your black general waste bin was due to be collected on Monday 1 June 2026. Missed collections must be "
        "reported within 2 working days, by the end of Wednesday 3 June 2026."
    )
    assert result.advice == "Put it out again for the next collection on Monday 8 June 2026."
    assert result.facts == {"collection_date": "2026-06-01", "report_deadline": "2026-06-03"}


def test_three_working_days_for_councils_that_allow_them():
    params = {**PARAMS, "working_days": 3}
    assert missed_collection_window(ctx(at(2026, 6, 4, 12, 0)), params).ok is True
    late = missed_collection_window(ctx(at(2026, 6, 5, 0, 0)), params)
    assert not late.ok and "within 3 working days, by the end of Thursday 4 June 2026" in late.message


def test_a_bank_holiday_in_the_window_extends_it():
    # Friday collection 22 May 2026; Monday 25 May is the spring bank holiday, so the window runs to Wed 27 May.
    friday = prop(container(weekday=4))
    assert missed_collection_window(ctx(at(2026, 5, 22, 17, 0), property_=friday), PARAMS).facts == {
        "collection_date": "2026-05-22", "report_deadline": "2026-05-27"
    }
    assert missed_collection_window(ctx(at(2026, 5, 25, 12, 0), property_=friday), PARAMS).ok is True
    assert missed_collection_window(ctx(at(2026, 5, 27, 23, 59), property_=friday), PARAMS).ok is True
    late = missed_collection_window(ctx(at(2026, 5, 28, 0, 0), property_=friday), PARAMS)
    assert late.ok is False
    assert "on Friday 22 May 2026" in late.message
    assert "by the end of Wednesday 27 May 2026" in late.message
    assert late.advice == "Put it out again for the next collection on Friday 29 May 2026."


def test_christmas_extends_the_window():
    # Thursday collection 24 Dec 2026: Fri 25, weekend, Mon 28 (substitute) are not working days.
    thursday = prop(container(weekday=3))
    result = missed_collection_window(ctx(at(2026, 12, 30, 23, 59), property_=thursday), PARAMS)
    assert result.ok is True
    assert result.facts == {"collection_date": "2026-12-24", "report_deadline": "2026-12-30"}
    assert missed_collection_window(ctx(at(2026, 12, 31, 0, 0), property_=thursday), PARAMS).ok is False


# Fortnightly: ISO week 23 (Mon 1 June 2026) is odd, so week_offset 1 collects on 1 June and
# week_offset 0 collects on 25 May and 8 June.

def test_fortnightly_round_uses_the_last_collection_in_its_own_weeks():
    odd = prop(container(frequency_weeks=2, week_offset=1))
    result = missed_collection_window(ctx(at(2026, 6, 2, 10, 0), property_=odd), PARAMS)
    assert result.ok is True
    assert result.facts["collection_date"] == "2026-06-01"
    # A week later (not a collection week for this round) it is too late, and the next collection is in 2 weeks.
    late = missed_collection_window(ctx(at(2026, 6, 8, 18, 0), property_=odd), PARAMS)
    assert late.ok is False
    assert "collected on Monday 1 June 2026" in late.message
    assert late.advice == "Put it out again for the next collection on Monday 15 June 2026."


def test_fortnightly_round_in_the_other_weeks():
    even = prop(container(frequency_weeks=2, week_offset=0))
    # On Monday 1 June 2026 (not a collection day for this round) it is not "may still be collected":
    # the last collection was 25 May, and its window has closed.
    result = missed_collection_window(ctx(at(2026, 6, 1, 10, 0), property_=even), PARAMS)
    assert result.ok is False
    assert result.title == "It is too late to report this collection"
    assert result.facts == {"collection_date": "2026-05-25", "report_deadline": "2026-05-27"}
    assert result.advice == "Put it out again for the next collection on Monday 8 June 2026."
    assert missed_collection_window(ctx(at(2026, 6, 8, 17, 0), property_=even), PARAMS).facts["collection_date"] == "2026-06-08"


def test_the_container_is_chosen_by_the_answer():
    black = container()
    blue = container(id=2, label="Blue recycling bin", weekday=2)  # Wednesday
    both = prop(black, blue)
    result = missed_collection_window(ctx(at(2026, 6, 3, 18, 0), answer="2", property_=both), PARAMS)
    assert result.ok is True
    assert result.facts == {"collection_date": "2026-06-03", "report_deadline": "2026-06-05"}
    early = missed_collection_window(ctx(at(2026, 6, 3, 12, 0), answer="2", property_=both), PARAMS)
    assert not early.ok and "your blue recycling bin may still be emptied today" in early.message
    # The answer may be an int as well as the string a form posts.
    assert missed_collection_window(ctx(at(2026, 6, 3, 18, 0), answer=2, property_=both), PARAMS).ok is True


@pytest.mark.parametrize("answer", ["99", None, ""])
def test_unknown_container_is_refused(answer):
    result = check(at(2026, 6, 1, 18, 0), answer=answer)
    assert result.ok is False
    assert result.title == "We could not find that bin"
    assert result.message == "Choose a bin from the list for this address."
    assert result.facts == {}


def test_no_property_is_refused():
    context = RuleContext(now=at(2026, 6, 1, 18, 0), calendar=CALENDAR, answers={"container": "1"}, property=None)
    assert missed_collection_window(context, PARAMS).title == "We could not find that bin"


def test_the_rule_is_registered_as_a_page_rule():
    assert REGISTRY["missed_collection_window"].kind == "page"
    assert REGISTRY["missed_collection_window"].func is missed_collection_window
    assert REGISTRY["same_collection"].kind == "dedupe"


def test_the_definitions_container_page_applies_the_window():
    page = DEFINITION.page("container")
    refused = evaluate_page_rules(page, ctx(at(2026, 6, 1, 16, 59)))
    assert refused.ok is False and refused.title == "Your bin may still be collected today"
    allowed = evaluate_page_rules(page, ctx(at(2026, 6, 1, 17, 0)))
    assert allowed.ok is True
    assert allowed.facts == {"collection_date": "2026-06-01", "report_deadline": "2026-06-03"}


# Dedupe: one report per property, container and collection.

def test_two_reports_of_the_same_collection_share_a_key():
    first = same_collection(ctx(at(2026, 6, 1, 17, 30)), DEDUPE)
    second = same_collection(ctx(at(2026, 6, 3, 23, 0)), DEDUPE)
    assert first == second == f"{UPRN}:1:2026-06-01"


def test_the_next_weeks_collection_has_a_different_key():
    this_week = same_collection(ctx(at(2026, 6, 1, 17, 30)), DEDUPE)
    next_week = same_collection(ctx(at(2026, 6, 8, 17, 30)), DEDUPE)
    assert next_week == f"{UPRN}:1:2026-06-08"
    assert next_week != this_week


def test_a_different_container_or_property_has_a_different_key():
    both = prop(container(), container(id=2, label="Green garden waste bin"))
    assert same_collection(ctx(at(2026, 6, 1, 18, 0), answer="2", property_=both), DEDUPE) == f"{UPRN}:2:2026-06-01"
    other = {"uprn": "100090000002", "containers": [container()]}
    assert same_collection(ctx(at(2026, 6, 1, 18, 0), property_=other), DEDUPE) == "100090000002:1:2026-06-01"


def test_dedupe_key_is_none_without_a_container():
    assert same_collection(ctx(at(2026, 6, 1, 18, 0), answer="99"), DEDUPE) is None
    no_property = RuleContext(now=at(2026, 6, 1, 18, 0), calendar=CALENDAR, answers={"container": "1"})
    assert same_collection(no_property, DEDUPE) is None


def test_dedupe_key_uses_the_london_day():
    # 23:30 UTC on Sunday 7 June is 00:30 on Monday 8 June in London: the new week's collection.
    assert same_collection(ctx(datetime(2026, 6, 7, 23, 30, tzinfo=timezone.utc)), DEDUPE) == f"{UPRN}:1:2026-06-08"
    assert same_collection(ctx(datetime(2026, 6, 7, 22, 30, tzinfo=timezone.utc)), DEDUPE) == f"{UPRN}:1:2026-06-01"


def test_dedupe_key_for_the_definition_is_prefixed_with_its_id():
    assert dedupe_key(DEFINITION, ctx(at(2026, 6, 2, 9, 0))) == f"missed_bin:{UPRN}:1:2026-06-01"
    assert dedupe_key(DEFINITION, ctx(at(2026, 6, 2, 9, 0), answer="99")) is None


# last_collection

@pytest.mark.parametrize(
    ("on_or_before", "expected"),
    [
        (date(2026, 6, 1), date(2026, 6, 1)),  # the collection day itself
        (date(2026, 6, 2), date(2026, 6, 1)),
        (date(2026, 6, 7), date(2026, 6, 1)),  # Sunday
        (date(2026, 6, 8), date(2026, 6, 8)),
        (date(2026, 5, 31), date(2026, 5, 25)),
    ],
)
def test_last_collection_weekly(on_or_before, expected):
    assert last_collection(container(), on_or_before) == expected


@pytest.mark.parametrize(
    ("weekday", "on_or_before", "expected"),
    [
        (4, date(2026, 5, 28), date(2026, 5, 22)),  # Friday round, on a Thursday
        (4, date(2026, 5, 29), date(2026, 5, 29)),
        (6, date(2026, 6, 6), date(2026, 5, 31)),  # Sunday round, on a Saturday
    ],
)
def test_last_collection_other_weekdays(weekday, on_or_before, expected):
    assert last_collection(container(weekday=weekday), on_or_before) == expected


@pytest.mark.parametrize(
    ("week_offset", "on_or_before", "expected"),
    [
        (1, date(2026, 6, 1), date(2026, 6, 1)),  # ISO week 23
        (1, date(2026, 6, 14), date(2026, 6, 1)),
        (1, date(2026, 6, 15), date(2026, 6, 15)),
        (0, date(2026, 6, 1), date(2026, 5, 25)),  # ISO week 22
        (0, date(2026, 6, 8), date(2026, 6, 8)),
        (0, date(2026, 6, 7), date(2026, 5, 25)),
    ],
)
def test_last_collection_fortnightly(week_offset, on_or_before, expected):
    assert last_collection(container(frequency_weeks=2, week_offset=week_offset), on_or_before) == expected


def test_last_collection_treats_missing_frequency_as_weekly():
    assert last_collection({"weekday": 0}, date(2026, 6, 3)) == date(2026, 6, 1)
    assert last_collection({"weekday": 0, "frequency_weeks": 0}, date(2026, 6, 3)) == date(2026, 6, 1)


def test_fortnightly_collections_stay_two_weeks_apart_across_a_53_week_year():
    odd = container(frequency_weeks=2, week_offset=1)
    # Collections on Mon 28 Dec 2026 (ISO 2026-W53); the next should be Mon 11 Jan 2027, not Mon 4 Jan.
    assert last_collection(odd, date(2026, 12, 28)) == date(2026, 12, 28)
    assert last_collection(odd, date(2027, 1, 10)) == date(2026, 12, 28)


# The crew's record for the collection day: not put out, or contaminated, means no report.

@pytest.mark.parametrize("outcome, title", [
    ("not_presented", "Your bin was not put out"),
    ("contaminated", "Your bin had the wrong things in it"),
])
def test_no_report_when_the_crew_recorded_the_bin_as_not_collectable(outcome, title):
    recorded = prop(container(crew_records={"2026-06-01": outcome}))
    result = check(at(2026, 6, 2, 9), property_=recorded)
    assert (result.ok, result.title) == (False, title)
    assert "Monday 1 June 2026" in result.message and result.advice


def test_a_record_for_another_day_or_a_collected_record_does_not_block():
    assert check(at(2026, 6, 2, 9), property_=prop(container(crew_records={"2026-05-25": "not_presented"}))).ok
    assert check(at(2026, 6, 2, 9), property_=prop(container(crew_records={"2026-06-01": "collected"}))).ok
