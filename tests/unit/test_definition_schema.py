"""Every kind of mistake in a definition file is reported as 'file: path: message'."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from workflows.definition import Definition
from workflows.errors import DefinitionError
from workflows.loader import format_path, load_directory, load_file, load_text

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "workflows" / "definitions"
MISSED_BIN = DEFINITIONS / "missed_bin.yaml"
TEXT = MISSED_BIN.read_text(encoding="utf-8")
BASE = yaml.safe_load(TEXT)

KNOWN_RULES = "deflect_if, missed_collection_window, requires_subscription, same_collection"


def mutated(mutate) -> str:
    data = copy.deepcopy(BASE)
    mutate(data)
    return yaml.safe_dump(data, sort_keys=False)


def problems_for(text: str, source: str = "missed_bin.yaml") -> list[str]:
    with pytest.raises(DefinitionError) as info:
        load_text(text, source)
    return info.value.problems


# Helpers to reach into the real file's structure (pages: address, container, details).
def page(d, page_id):
    return next(p for p in d["pages"] if p["id"] == page_id)


def question(d, question_id):
    return next(q for p in d["pages"] for q in p["questions"] if q["id"] == question_id)


def window_rule(d):
    return page(d, "container")["rules"][0]


def m_missing_title(d):
    del d["title"]


def m_version_word(d):
    d["version"] = "one"


def m_title_typo(d):
    d["tittle"] = d.pop("title")


def m_unknown_question_type(d):
    question(d, "full_name")["type"] = "slider"


def m_transition_unknown_state(d):
    d["states"]["collected"]["transitions"][0]["to"] = "closd"


def m_unknown_initial_state(d):
    d["initial_state"] = "submited"


def m_duplicate_question_id(d):
    page(d, "details")["questions"].append({"id": "full_name", "type": "text", "label": "Name again"})


def m_duplicate_page_id(d):
    page(d, "details")["id"] = "container"


def m_unknown_role(d):
    d["states"]["submitted"]["transitions"][0]["roles"] = ["caseworker", "manager"]


def m_unknown_rule(d):
    window_rule(d)["rule"] = "missed_window"


def m_rule_param_unknown_question(d):
    window_rule(d)["params"]["container_question"] = "bin"


def m_rule_param_missing(d):
    del window_rule(d)["params"]["container_question"]


def m_closed_without_resolution(d):
    del d["states"]["not_presented"]["resolution"]


def m_radios_without_options(d):
    del question(d, "container")["options_from"]


def m_unreachable_state(d):
    # Remove both transitions into not_presented; it is still defined.
    for sid in ("submitted", "return_scheduled"):
        d["states"][sid]["transitions"] = [t for t in d["states"][sid]["transitions"] if t["to"] != "not_presented"]


def m_id_not_file_name(d):
    d["id"] = "missed_bins"


def m_customer_field_unknown_question(d):
    d["customer_fields"]["email"] = "email_address"


def m_duplicate_transition_name(d):
    d["states"]["submitted"]["transitions"][1]["name"] = "schedule_return"


def m_day_ends_at_words(d):
    window_rule(d)["params"]["day_ends_at"] = "5pm"


def m_day_ends_at_24(d):
    window_rule(d)["params"]["day_ends_at"] = "24:00"


def m_rule_param_wrong_type(d):
    window_rule(d)["params"]["working_days"] = "2"


def m_rule_param_bool(d):
    window_rule(d)["params"]["working_days"] = True


def m_rule_unknown_param(d):
    window_rule(d)["params"]["grace_days"] = 1


def m_dedupe_rule_as_page_rule(d):
    window_rule(d)["rule"] = "same_collection"


def m_page_rule_as_dedupe(d):
    d["dedupe"]["rule"] = "missed_collection_window"


def m_open_state_with_resolution(d):
    d["states"]["submitted"]["resolution"] = "collected"


def m_options_on_text_question(d):
    question(d, "full_name")["options"] = [{"value": "a", "label": "A"}]


def m_property_question_not_address(d):
    d["property_question"] = "full_name"


def m_property_question_unknown(d):
    d["property_question"] = "postcode"


def m_duplicate_state_not_closed(d):
    d["duplicate_state"] = "return_scheduled"


def m_duplicate_state_unknown(d):
    d["duplicate_state"] = "dupe"


def m_dedupe_without_duplicate_state(d):
    del d["duplicate_state"]
    del d["states"]["duplicate"]


def m_no_closed_state(d):
    for state in d["states"].values():
        if state["category"] == "closed":
            state["category"] = "waiting"
            state.pop("resolution", None)


def m_state_id_upper_case(d):
    # A transition cannot point at it (the schema checks "to"), so it is unreachable as well.
    d["states"]["Archived"] = {"label": "Archived", "category": "closed", "resolution": "archived"}


def m_bad_channel(d):
    d["channels"] = ["web", "fax"]


def m_question_id_pattern(d):
    question(d, "full_name")["id"] = "Full-Name"
    d["customer_fields"]["name"] = "full_name"


CASES = [
    (m_missing_title, ["missed_bin.yaml: (top level): 'title' is a required property"]),
    (m_version_word, ["missed_bin.yaml: version: 'one' is not of type 'integer'"]),
    (
        m_title_typo,
        [
            "missed_bin.yaml: (top level): Additional properties are not allowed ('tittle' was unexpected)",
            "missed_bin.yaml: (top level): 'title' is a required property",
        ],
    ),
    (
        m_unknown_question_type,
        [
            "missed_bin.yaml: pages[2].questions[0].type: "
            "'slider' is not one of 'text', 'textarea', 'email', 'phone', 'radios', 'address', 'number', 'date', "
            "'yes_no', 'checkboxes', 'location', 'file', 'information'"
        ],
    ),
    (m_transition_unknown_state, ["missed_bin.yaml: states.collected.transitions[0].to: unknown state 'closd'"]),
    (m_unknown_initial_state, ["missed_bin.yaml: initial_state: unknown state 'submited'"]),
    (m_duplicate_question_id, ["missed_bin.yaml: pages[2].questions[3].id: duplicate question id 'full_name'"]),
    (m_duplicate_page_id, ["missed_bin.yaml: pages[2].id: duplicate page id 'container'"]),
    (
        m_unknown_role,
        [
            "missed_bin.yaml: states.submitted.transitions[0].roles[1]: "
            "'manager' is not one of 'advisor', 'caseworker', 'team_lead', 'admin', 'resident'"
        ],
    ),
    (
        m_unknown_rule,
        [f"missed_bin.yaml: pages[1].rules[0].rule: unknown rule 'missed_window'; known rules: {KNOWN_RULES}"],
    ),
    (
        m_rule_param_unknown_question,
        ["missed_bin.yaml: pages[1].rules[0].params.container_question: unknown question 'bin'"],
    ),
    (
        m_rule_param_missing,
        [
            "missed_bin.yaml: pages[1].rules[0].params: "
            "rule 'missed_collection_window' needs the parameter 'container_question'"
        ],
    ),
    (m_closed_without_resolution, ["missed_bin.yaml: states.not_presented: a closed state needs a resolution"]),
    (m_radios_without_options, ["missed_bin.yaml: pages[1].questions[0]: a radios question needs options or options_from"]),
    (
        m_unreachable_state,
        ["missed_bin.yaml: states.not_presented: cannot be reached from the initial state 'submitted'"],
    ),
    (m_id_not_file_name, ["missed_bin.yaml: id: 'missed_bins' does not match the file name 'missed_bin'"]),
    (m_customer_field_unknown_question, ["missed_bin.yaml: customer_fields.email: unknown question 'email_address'"]),
    (
        m_duplicate_transition_name,
        [
            "missed_bin.yaml: states.submitted.transitions[1].name: "
            "duplicate transition name 'schedule_return' in state 'submitted'"
        ],
    ),
    (m_day_ends_at_words, ["missed_bin.yaml: pages[1].rules[0].params.day_ends_at: '5pm' is not in the form HH:MM"]),
    (m_day_ends_at_24, ["missed_bin.yaml: pages[1].rules[0].params.day_ends_at: '24:00' is not in the form HH:MM"]),
    (m_rule_param_wrong_type, ["missed_bin.yaml: pages[1].rules[0].params.working_days: must be a int"]),
    (m_rule_param_bool, ["missed_bin.yaml: pages[1].rules[0].params.working_days: must be a int"]),
    (
        m_rule_unknown_param,
        ["missed_bin.yaml: pages[1].rules[0].params.grace_days: unknown parameter for rule 'missed_collection_window'"],
    ),
    (
        m_dedupe_rule_as_page_rule,
        ["missed_bin.yaml: pages[1].rules[0].rule: rule 'same_collection' is a dedupe rule and cannot be used here"],
    ),
    (
        m_page_rule_as_dedupe,
        ["missed_bin.yaml: dedupe.rule: rule 'missed_collection_window' is a page rule and cannot be used here"],
    ),
    (m_open_state_with_resolution, ["missed_bin.yaml: states.submitted.resolution: only a closed state has a resolution"]),
    (m_options_on_text_question, ["missed_bin.yaml: pages[2].questions[0].options: a text question cannot have options"]),
    (m_property_question_not_address, ["missed_bin.yaml: property_question: question 'full_name' is not an address question"]),
    (m_property_question_unknown, ["missed_bin.yaml: property_question: unknown question 'postcode'"]),
    (
        m_duplicate_state_not_closed,
        [
            "missed_bin.yaml: duplicate_state: state 'return_scheduled' must be closed",
            # The old duplicate state is now reached by nothing.
            "missed_bin.yaml: states.duplicate: cannot be reached from the initial state 'submitted'",
        ],
    ),
    (
        m_duplicate_state_unknown,
        [
            "missed_bin.yaml: duplicate_state: unknown state 'dupe'",
            "missed_bin.yaml: states.duplicate: cannot be reached from the initial state 'submitted'",
        ],
    ),
    (
        m_dedupe_without_duplicate_state,
        ["missed_bin.yaml: (top level): 'duplicate_state' is a dependency of 'dedupe'"],
    ),
    (
        m_no_closed_state,
        [
            "missed_bin.yaml: states: at least one state must be closed (category: closed)",
            "missed_bin.yaml: duplicate_state: state 'duplicate' must be closed",
        ],
    ),
    (
        m_state_id_upper_case,
        [
            "missed_bin.yaml: states.Archived: state ids must be lower case letters, digits and underscores",
            "missed_bin.yaml: states.Archived: cannot be reached from the initial state 'submitted'",
        ],
    ),
    (
        m_bad_channel,
        [
            "missed_bin.yaml: channels[1]: "
            "'fax' is not one of 'web', 'api', 'phone', 'face_to_face', 'email', 'letter'"
        ],
    ),
    (
        m_question_id_pattern,
        [
            "missed_bin.yaml: pages[2].questions[0].id: "
            "'Full-Name' must be lower case letters, digits and underscores, starting with a letter"
        ],
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), CASES, ids=[c[0].__name__[2:] for c in CASES])
def test_each_mistake_is_reported_with_file_path_and_message(mutate, expected):
    assert problems_for(mutated(mutate)) == expected


def test_the_kinds_of_mistake_are_distinct():
    messages = [tuple(expected) for _, expected in CASES]
    assert len(CASES) >= 20
    assert len(set(messages)) == len(messages) - 1  # working_days "2" and True share one message


def test_invalid_yaml_names_line_and_column():
    text = yaml.safe_dump(BASE, sort_keys=False)
    lines = text.splitlines()
    title_line = lines.index("title: Report a missed bin collection")
    lines[title_line] = "title: Report: a missed bin collection"
    problems = problems_for("\n".join(lines) + "\n")
    assert title_line == 2
    assert problems == ["missed_bin.yaml: line 3, column 14: not valid YAML: mapping values are not allowed here"]


def test_invalid_yaml_unclosed_flow_sequence_in_the_real_text():
    text = TEXT.replace("channels: [web, phone, face_to_face, email, api]", "channels: [web, phone")
    problems = problems_for(text)
    assert len(problems) == 1
    assert problems[0].startswith("missed_bin.yaml: line ")
    assert "not valid YAML" in problems[0]


def test_a_list_at_the_top_level_is_not_a_definition():
    assert problems_for("- id: missed_bin\n") == [
        "missed_bin.yaml: (top level): a definition must be a mapping of keys to values"
    ]


def test_source_path_is_reported_by_file_name_and_id_checked_against_its_stem():
    problems = problems_for(TEXT, "/somewhere/else/garden_waste.yaml")
    assert problems == ["garden_waste.yaml: id: 'missed_bin' does not match the file name 'garden_waste'"]


def test_schema_problems_are_reported_before_names_are_resolved():
    # A shape error and a name error together: only the shape error is reported (names need a valid shape).
    def mutate(d):
        d["version"] = 0
        d["initial_state"] = "nowhere"

    assert problems_for(mutated(mutate)) == ["missed_bin.yaml: version: 0 is less than the minimum of 1"]


def test_several_name_problems_are_all_reported():
    def mutate(d):
        d["initial_state"] = "submited"
        d["customer_fields"]["phone"] = "telephone"
        d["states"]["collected"]["transitions"][0]["to"] = "closd"

    problems = problems_for(mutated(mutate))
    assert "missed_bin.yaml: initial_state: unknown state 'submited'" in problems
    assert "missed_bin.yaml: customer_fields.phone: unknown question 'telephone'" in problems
    assert "missed_bin.yaml: states.collected.transitions[0].to: unknown state 'closd'" in problems


def test_the_real_file_loads():
    definition = load_file(MISSED_BIN)
    assert isinstance(definition, Definition)
    assert definition.id == "missed_bin"
    assert definition.version == 2  # 2: residents may cancel a report still "Received"
    assert definition.title == "Report a missed bin collection"
    assert definition.team == "waste"
    assert definition.lgsl == 524
    assert [p.id for p in definition.pages] == ["address", "container", "details"]
    assert definition.initial_state == "submitted"
    assert definition.duplicate_state == "duplicate"
    assert set(definition.states) == {"submitted", "awaiting_information", "return_scheduled", "collected",
                                        "not_presented", "cancelled", "duplicate"}
    assert definition.sla_working_days == 2
    assert definition.customer_fields == {"name": "full_name", "email": "email", "phone": "phone"}
    assert definition.property_question == "address"
    assert definition.dedupe.rule == "same_collection"
    assert definition.dedupe.params == {"container_question": "container"}
    rule = definition.page("container").rules[0]
    assert (rule.rule, rule.params) == (
        "missed_collection_window",
        {"container_question": "container", "working_days": 2, "day_ends_at": "17:00"},
    )
    phone = definition.question("phone")
    assert phone.required is False and phone.max_length == 30 and phone.check_label == "Phone number"
    reopen = definition.transition("collected", "reopen")
    assert reopen.from_state == "collected" and reopen.to == "submitted" and reopen.roles == ("team_lead", "admin")
    assert [t.name for t in definition.transitions_for("submitted", "advisor")] == []
    assert definition.source_file == str(MISSED_BIN)
    assert len(definition.content_hash) == 64


def test_the_dumped_copy_loads_too():
    definition = load_text(mutated(lambda d: None), "missed_bin.yaml")
    assert definition.id == "missed_bin"
    assert definition.source_file == "missed_bin.yaml"


def _write(folder: Path, name: str, mutate) -> None:
    (folder / name).write_text(mutated(mutate), encoding="utf-8")


def test_load_directory_reports_problems_from_every_file_together(tmp_path):
    def rename(new_id, extra):
        def mutate(d):
            d["id"] = new_id
            extra(d)

        return mutate

    _write(tmp_path, "missed_bin.yaml", m_transition_unknown_state)
    _write(tmp_path, "missed_garden.yaml", rename("missed_garden", m_unknown_initial_state))
    _write(tmp_path, "zz_good.yaml", rename("zz_good", lambda d: None))
    with pytest.raises(DefinitionError) as info:
        load_directory(tmp_path)
    assert info.value.problems == [
        "missed_bin.yaml: states.collected.transitions[0].to: unknown state 'closd'",
        "missed_garden.yaml: initial_state: unknown state 'submited'",
    ]
    assert "missed_bin.yaml: states.collected.transitions[0].to" in str(info.value)
    assert "missed_garden.yaml: initial_state" in str(info.value)


def test_load_directory_with_the_real_definitions():
    registry = load_directory(DEFINITIONS)
    assert "missed_bin" in registry
    assert registry.get("missed_bin").title == "Report a missed bin collection"
    assert registry.get("nothing") is None


def test_load_directory_ignores_files_that_are_not_yaml(tmp_path):
    _write(tmp_path, "missed_bin.yaml", lambda d: None)
    (tmp_path / "notes.txt").write_text("id: [broken", encoding="utf-8")
    registry = load_directory(tmp_path)
    assert [d.id for d in registry.all()] == ["missed_bin"]


@pytest.mark.parametrize(
    ("parts", "expected"),
    [([], "(top level)"), (["states", "collected", "transitions", 0, "to"], "states.collected.transitions[0].to"),
     (["pages", 1, "rules", 0], "pages[1].rules[0]")],
)
def test_format_path(parts, expected):
    assert format_path(parts) == expected
