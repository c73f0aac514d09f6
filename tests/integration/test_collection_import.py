"""`flask collections import`: a crew's round sheet becomes collection records, once; bad rows are
reported by line; the missed-bin rule then reads what the crew recorded."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import CollectionRecord
from frontdoor.services import properties
from tests import factories


def run(app, tmp_path, text, name="round.csv"):
    sheet = tmp_path / name
    sheet.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["collections", "import", str(sheet)])


def records():
    return {(r.container_id, r.collected_on.isoformat(), r.outcome) for r in db.session.scalars(select(CollectionRecord))}


def test_a_round_sheet_imports_once_and_a_second_run_changes_nothing(app, session, tmp_path):
    prop = factories.property_()
    refuse, recycling = prop.containers
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    text = (f"uprn,date,container,outcome\n"
            f"{prop.uprn},{yesterday},refuse,not presented\n"
            f"{prop.uprn},{yesterday},{recycling.id},collected\n")
    result = run(app, tmp_path, text)
    assert result.exit_code == 0, result.output
    assert "2 added, 0 changed, 0 already recorded, 0 rows refused" in result.output
    expected = {(refuse.id, yesterday, "not_presented"), (recycling.id, yesterday, "collected")}
    assert records() == expected
    again = run(app, tmp_path, text)
    assert "0 added, 0 changed, 2 already recorded" in again.output and records() == expected
    # A corrected sheet replaces the outcome for that day.
    fixed = run(app, tmp_path, text.replace("not presented", "collected"))
    assert "0 added, 1 changed, 1 already recorded" in fixed.output
    assert (refuse.id, yesterday, "collected") in records()
    assert db.session.scalar(select(func.count()).select_from(CollectionRecord)) == 2


def test_bad_rows_are_reported_by_line_and_the_good_ones_kept(app, session, tmp_path):
    prop = factories.property_()
    other = factories.property_(streams=("refuse", "refuse"))
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    text = "\n".join([
        "UPRN,Date,Container,Outcome",
        f"{prop.uprn},{yesterday},refuse,collected",           # 2: good
        f"999999999999,{yesterday},refuse,collected",          # 3
        f"{prop.uprn},31/02/2026,refuse,collected",            # 4
        f"{prop.uprn},{tomorrow},refuse,collected",            # 5
        f"{prop.uprn},{yesterday},refuse,lost",                # 6
        f"{prop.uprn},{yesterday},garden,collected",           # 7
        f"{other.uprn},{yesterday},refuse,collected",          # 8
        f",{yesterday},refuse,",                               # 9
        f"{prop.uprn},{yesterday},refuse,contaminated",        # 10: contradicts line 2
    ]) + "\n"
    result = run(app, tmp_path, text)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("round.csv: line")]
    assert [line.split(":")[1].strip() for line in lines] == [f"line {n}" for n in range(3, 11)]
    assert "line 3: no property with UPRN 999999999999" in result.output
    assert "line 4: date '31/02/2026' is not a real date" in result.output
    assert "line 5: date" in result.output and "is in the future" in result.output
    assert "line 6: outcome 'lost' is not one of collected, not_presented, contaminated" in result.output
    assert f"line 7: UPRN {prop.uprn} has no 'garden' bin" in result.output
    assert "line 8:" in result.output and "give the container id" in result.output
    assert "line 9: uprn and outcome missing" in result.output
    assert "line 10: a different outcome for the same bin and day as line 2" in result.output
    assert "1 added" in result.output and len(records()) == 1


def test_a_sheet_without_the_columns_is_refused_whole(app, session, tmp_path):
    result = run(app, tmp_path, "property,when\n1,2\n")
    assert result.exit_code == 1
    assert "line 1: the header needs the columns uprn, date, container, outcome" in result.output
    assert records() == set()


def test_the_missed_bin_rule_reads_imported_records(app, session, tmp_path):
    prop = factories.property_()
    day = (date.today() - timedelta(days=3)).isoformat()
    result = run(app, tmp_path, f"uprn,date,container,outcome\n{prop.uprn},{day},refuse,not_presented\n")
    assert result.exit_code == 0, result.output
    facts = properties.rule_facts(prop)
    refuse = next(c for c in facts["containers"] if c["stream"] == "refuse")
    assert refuse["crew_records"] == {day: "not_presented"}
