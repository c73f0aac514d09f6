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


def test_seeded_contacts_carry_the_moment_of_their_case(session):
    """A fresh demo's web contacts are dated with their case, so first-contact resolution and
    repeats read true; none is stamped with the moment the seed ran."""
    from frontdoor.models import Contact

    seed_town(properties=120, seed=7, echo=lambda *a: None)
    pairs = db.session.execute(select(Case.created_at, Contact.started_at).join(Contact, Contact.case_id == Case.id)
                               .where(Case.channel == "web")).all()
    assert len(pairs) >= 10
    assert all(abs((contact - case).total_seconds()) < 1 for case, contact in pairs), pairs[:3]
    # The history spreads over weeks, so not every case is from today.
    assert len({case.date() for case, _ in pairs}) > 3


def test_scale_seed_uses_the_real_service_ids(session):
    from frontdoor.demo_scale import SERVICES
    from frontdoor.services.registry import definition

    for service_id, *_ in SERVICES:
        assert service_id == "garden_waste" or definition(service_id) is not None, service_id


def test_a_fresh_demo_shows_first_contact_resolution_above_zero(session):
    from frontdoor.models import Contact

    seed_town(properties=120, seed=7, echo=lambda *a: None)
    assisted = list(db.session.scalars(select(Contact.outcome).where(Contact.channel.in_(["phone", "face_to_face"]))))
    assert assisted and "resolved_first_contact" in assisted
