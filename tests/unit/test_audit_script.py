"""Issue 16 (Low): scripts/audit must not pass quietly when pip-audit audited nothing."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPORT = Path(__file__).resolve().parents[2] / "scripts" / "audit_report.py"


def _run(tmp_path, deps):
    out = tmp_path / "audit.json"
    out.write_text(json.dumps({"dependencies": deps}))
    return subprocess.run([sys.executable, str(REPORT), str(out)], capture_output=True, text=True)


def test_nothing_audited_is_said_loudly(tmp_path):
    result = _run(tmp_path, [{"name": "flask", "version": "3.1.3", "skip_reason": "unreachable"}])
    assert result.returncode == 0  # an offline machine is not a red CI (no offline database is kept up to date)
    assert "NOTHING WAS AUDITED" in result.stdout + result.stderr


def test_a_vulnerable_package_fails(tmp_path):
    result = _run(tmp_path, [{"name": "flask", "version": "0.1", "vulns": [{"id": "PYSEC-1"}]}])
    assert result.returncode == 1 and "VULNERABLE flask" in result.stdout
    result = _run(tmp_path, [{"name": "flask", "version": "3.1.3", "vulns": []}])
    assert result.returncode == 0 and "NOTHING" not in result.stdout
