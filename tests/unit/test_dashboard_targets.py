"""Dashboard targets come from config, with defaults; the red/amber/green rule is in metrics/definitions.py."""
from __future__ import annotations

import pytest

import config
from frontdoor.metrics.definitions import TARGETS, label


def test_defaults_and_a_council_override():
    assert config.load(env={})["DASHBOARD_TARGETS"] == {"digital_share": 0.9, "fcr": 0.8, "avoidable_share": 0.2,
                                                         "sla": 0.95}
    cfg = config.load(env={"DASHBOARD_TARGETS": '{"fcr": 0.7}', "DASHBOARD_AMBER_MARGIN": "0.1"})
    assert cfg["DASHBOARD_TARGETS"]["fcr"] == 0.7 and cfg["DASHBOARD_TARGETS"]["sla"] == 0.95
    assert cfg["DASHBOARD_AMBER_MARGIN"] == 0.1


@pytest.mark.parametrize("raw, message", [
    ('{"speed": 0.5}', "unknown figures: speed"),
    ('{"fcr": 80}', "must be a share from 0 to 1"),
    ('{"fcr": "high"}', "must be a share from 0 to 1"),
    ("[1]", "must be a JSON object"),
])
def test_a_wrong_target_is_refused_at_start_up(raw, message):
    with pytest.raises(config.ConfigError, match=message):
        config.load(env={"DASHBOARD_TARGETS": raw})


@pytest.mark.parametrize("figure, value, status", [
    ("fcr", 0.80, "green"), ("fcr", 0.76, "amber"), ("fcr", 0.75, "amber"), ("fcr", 0.7499, "red"),
    ("avoidable_share", 0.20, "green"), ("avoidable_share", 0.25, "amber"), ("avoidable_share", 0.26, "red"),
    ("sla", None, None),
])
def test_red_amber_green(figure, value, status):
    target = {"fcr": 0.80, "avoidable_share": 0.20, "sla": 0.95}[figure]
    assert TARGETS[figure].status(value, target, 0.05) == status


def test_labels():
    assert [label(n) for n in ("foi_request", "api", "face_to_face", "missed_bin", "resolved_first_contact")] == [
        "FOI request", "API", "Face to face", "Missed bin", "Resolved at first contact"]


def test_every_per_channel_setting_covers_the_one_channel_list():
    from frontdoor.metrics.charts import CHANNEL_STYLE
    from frontdoor.metrics.definitions import ASSISTED, CHANNEL_LABELS, CHANNELS, DIGITAL
    from frontdoor.metrics.figures import DEFAULT_PENCE
    from frontdoor.models import Case, Contact
    from frontdoor.models.contacts import OUTCOMES
    from frontdoor.metrics.definitions import OUTCOME_LABELS

    assert set(CHANNEL_LABELS) == set(CHANNEL_STYLE) == set(DEFAULT_PENCE) == set(CHANNELS)
    assert set(DIGITAL) | set(ASSISTED) | {"letter"} == set(CHANNELS) and not set(DIGITAL) & set(ASSISTED)
    assert set(OUTCOME_LABELS) == set(OUTCOMES)
    for model in (Case, Contact):
        check = next(c for c in model.__table__.constraints if getattr(c, "name", "") in ("channel", "ck_cases_channel",
                                                                                           "ck_contacts_channel"))
        assert all(f"'{ch}'" in str(check.sqltext) for ch in CHANNELS)
