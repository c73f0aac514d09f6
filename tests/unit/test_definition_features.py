"""Mistakes in the newer parts of the format (types, show_if, routing, transitions) name file and path."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from workflows.errors import DefinitionError
from workflows.loader import load_directory, load_text

DEFINITIONS = Path(__file__).resolve().parents[2] / "workflows" / "definitions"
BASE = yaml.safe_load((DEFINITIONS / "fly_tipping.yaml").read_text(encoding="utf-8"))
COMPLAINT = yaml.safe_load((DEFINITIONS / "complaint.yaml").read_text(encoding="utf-8"))


def q(d, qid):
    return next(x for p in d["pages"] for x in p["questions"] if x["id"] == qid)


def p(d, pid):
    return next(x for x in d["pages"] if x["id"] == pid)


CASES = [
    (lambda d: q(d, "full_name").update(min=1), "pages[5].questions[0].min: a text question cannot have min"),
    (lambda d: q(d, "full_name").update(min_days=1), "pages[5].questions[0].min_days: a text question cannot have min_days"),
    (lambda d: q(d, "what").pop("options"), "pages[0].questions[0]: a checkboxes question needs options"),
    (lambda d: q(d, "danger_info").pop("content"), "pages[2].questions[0]: an information block needs content"),
    (lambda d: q(d, "photo").pop("accept"), "pages[4].questions[0]: a file question needs accept (the kinds of file allowed)"),
    (lambda d: q(d, "photo").update(accept=["exe"]), "pages[4].questions[0].accept[0]: 'exe' is not one of 'jpeg', 'png', 'pdf', 'gif', 'webp'"),
    (lambda d: q(d, "photo").update(max_files=0), "pages[4].questions[0].max_files: 0 is less than the minimum of 1"),
    (lambda d: q(d, "photo").update(max_size_mb=500), "pages[4].questions[0].max_size_mb: 500 is greater than the maximum of 50"),
    (lambda d: p(d, "danger_advice").update(show_if={"question": "hazzardous", "equals": "yes"}),
     "pages[2].show_if.question: unknown question 'hazzardous'"),
    (lambda d: p(d, "what").update(show_if={"question": "email", "equals": "x"}),
     "pages[0].show_if.question: question 'email' must be asked on an earlier page"),
    (lambda d: p(d, "danger_advice").update(show_if={"question": "hazardous", "equals": "maybe"}),
     "pages[2].show_if: 'maybe' is not an answer question 'hazardous' can have"),
    (lambda d: p(d, "danger_advice").update(show_if={"all": [{"question": "amount", "in": ["van", "bus"]}]}),
     "pages[2].show_if.all[0]: 'bus' is not an answer question 'amount' can have"),
    (lambda d: p(d, "danger_advice").update(show_if={"question": "hazardous", "equals": "yes", "not": {"question": "amount", "equals": "van"}}),
     "pages[2].show_if: {'question': 'hazardous', 'equals': 'yes', 'not': {'question': 'amount', 'equals': 'van'}} is not valid under any of the given schemas"),
    (lambda d: p(d, "danger_advice").update(show_if={"question": "hazardous", "eq": "yes"}),
     "pages[2].show_if: Additional properties are not allowed ('eq' was unexpected)"),
    (lambda d: d["routing"][0].update(**{"if": {"question": "colour", "equals": "red"}}), "routing[0].if.question: unknown question 'colour'"),
    (lambda d: d["routing"][0].pop("team"), "routing[0]: 'team' is a required property"),
    (lambda d: d["states"]["investigating"]["transitions"][0]["fields"][0].pop("options"),
     "states.investigating.transitions[0].fields[0]: a radios field needs options"),
    (lambda d: d["states"]["investigating"]["transitions"][0]["fields"].append({"id": "evidence", "label": "Again"}),
     "states.investigating.transitions[0].fields: field ids must be different"),
    (lambda d: d["states"]["investigating"].update(sla={"days": 3}), "states.investigating.sla: 'working_days' is a required property"),
    (lambda d: q(d, "amount").update(options=[{"value": "a", "label": "A"}, {"value": "a", "label": "B"}]),
     "pages[1].questions[0].options: option values must be different"),
    (lambda d: q(d, "what").update(options_from="property_containers"),
     "pages[0].questions[0].options_from: a checkboxes question cannot have options_from"),
]


@pytest.mark.parametrize("mutate, message", CASES)
def test_each_new_mistake_is_refused_with_file_and_path(mutate, message):
    data = copy.deepcopy(BASE)
    mutate(data)
    with pytest.raises(DefinitionError) as info:
        load_text(yaml.safe_dump(data, sort_keys=False), "fly_tipping.yaml")
    assert f"fly_tipping.yaml: {message}" in info.value.problems


def test_bounds_the_wrong_way_round():
    data = copy.deepcopy(yaml.safe_load((DEFINITIONS / "council_tax_moving_in.yaml").read_text()))
    q(data, "adults").update(min=30)
    q(data, "move_in_date").update(min_days=100)
    with pytest.raises(DefinitionError) as info:
        load_text(yaml.safe_dump(data, sort_keys=False), "council_tax_moving_in.yaml")
    assert info.value.problems == [
        "council_tax_moving_in.yaml: pages[1].questions[0].min_days: min_days (100) is more than max_days (60)",
        "council_tax_moving_in.yaml: pages[1].questions[2].min: min (30) is more than max (20)",
    ]


def test_not_same_handler_as_names_a_real_transition():
    data = copy.deepcopy(COMPLAINT)
    data["states"]["stage2_received"]["transitions"][0]["not_same_handler_as"] = ["respond_stage_1"]
    with pytest.raises(DefinitionError) as info:
        load_text(yaml.safe_dump(data, sort_keys=False), "complaint.yaml")
    assert info.value.problems == [
        "complaint.yaml: states.stage2_received.transitions[0].not_same_handler_as: unknown transition 'respond_stage_1'"
    ]


def test_every_shipped_definition_loads():
    registry = load_directory(DEFINITIONS)
    assert {d.id for d in registry.all()} >= {
        "missed_bin", "missed_garden_waste", "replacement_container", "fly_tipping", "council_tax_moving_in",
        "council_tax_moving_out", "complaint", "foi_request",
    }
