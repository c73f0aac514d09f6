"""`flask workflows check|show|schema`, and docs/workflow.schema.json kept current."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from frontdoor.cli import workflows_check, workflows_schema, workflows_show
from workflows.schema import DEFINITION_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "workflows" / "definitions"


def test_the_published_json_schema_is_current():
    published = json.loads((ROOT / "docs" / "workflow.schema.json").read_text(encoding="utf-8"))
    assert published == DEFINITION_SCHEMA, "run: flask workflows schema --output docs/workflow.schema.json"


def test_schema_command_prints_the_schema():
    result = CliRunner().invoke(workflows_schema, [])
    assert result.exit_code == 0 and json.loads(result.output) == DEFINITION_SCHEMA


def test_check_passes_the_shipped_definitions():
    result = CliRunner().invoke(workflows_check, ["--dir", str(DEFINITIONS)])
    assert result.exit_code == 0, result.output
    assert "ok  foi_request v2" in result.output


def test_check_fails_with_file_and_path(tmp_path):
    shutil.copy(DEFINITIONS / "foi_request.yaml", tmp_path)
    broken = (DEFINITIONS / "fly_tipping.yaml").read_text().replace("to: cleared", "to: claered", 1)
    (tmp_path / "fly_tipping.yaml").write_text(broken)
    result = CliRunner().invoke(workflows_check, ["--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "fly_tipping.yaml: states.submitted.transitions[1].to: unknown state 'claered'" in result.output


def test_show_prints_states_and_a_mermaid_diagram():
    result = CliRunner().invoke(workflows_show, ["foi_request", "--dir", str(DEFINITIONS)])
    assert result.exit_code == 0, result.output
    assert "[awaiting_clarification] Waiting for clarification (waiting)" in result.output
    assert "ask_clarification: -> awaiting_clarification" in result.output
    assert "```mermaid\nstateDiagram-v2\n    [*] --> received" in result.output
    assert "    received --> awaiting_clarification : Ask the requester to clarify" in result.output
    assert "    provided --> [*]" in result.output


def test_show_an_unknown_id():
    result = CliRunner().invoke(workflows_show, ["nope", "--dir", str(DEFINITIONS)])
    assert result.exit_code == 1 and "no definition 'nope'" in result.output
