"""The demo town shows every shipped service and some crews' collection records."""
from __future__ import annotations

from sqlalchemy import func, select

from frontdoor.demo import seed_town
from frontdoor.extensions import db
from frontdoor.models import Case, CollectionRecord


def test_the_demo_has_cases_for_each_service_and_collection_records(session):
    seed_town(properties=120, seed=7, echo=lambda *a: None)
    counts = dict(db.session.execute(select(Case.workflow_id, func.count()).group_by(Case.workflow_id)).all())
    for service in ("missed_bin", "fly_tipping", "replacement_container", "council_tax_moving_in",
                    "council_tax_moving_out", "complaint", "foi_request"):
        assert counts.get(service, 0) >= 1, counts
    assert db.session.scalar(select(func.count()).select_from(CollectionRecord)) > 100
    outcomes = set(db.session.scalars(select(CollectionRecord.outcome).distinct()))
    assert {"collected", "not_presented"} <= outcomes
    # Some were moved on from where they started.
    assert db.session.scalar(select(func.count()).select_from(Case).where(
        Case.workflow_id != "missed_bin", Case.state.not_in(["submitted", "received", "ordered", "stage1_received"]))) >= 1
