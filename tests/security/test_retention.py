"""Retention as data, the anonymising job, and the subject access export (admins only)."""
from __future__ import annotations

from datetime import timedelta

from pathlib import Path

import pytest

from frontdoor.extensions import db
from frontdoor.models.base import utcnow
from frontdoor.services import retention
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from tests import factories
from tests.integration.helpers import answers_for, property_collected_yesterday_evening
from workflows import DefinitionError


def _closed_case(email, days_ago):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    case = submit(definition("missed_bin"), answers_for(prop, email=email), "web", None, Actor.resident()).case
    case.state_category, case.closed_at = "closed", utcnow() - timedelta(days=days_ago)
    db.session.flush()
    return case


@pytest.fixture
def with_retention(app):
    d = definition("missed_bin")
    saved = dict(d.raw)
    d.raw["retention"] = {"closed_days": 30}
    yield d
    d.raw.clear()
    d.raw.update(saved)


def test_closed_cases_past_retention_are_anonymised_once(session, with_retention):
    old = _closed_case("old@example.com", 40)
    recent = _closed_case("recent@example.com", 5)
    customer = old.customer
    assert retention.anonymise_expired() == 1
    assert old.answers["full_name"] == retention.REMOVED and old.answers["email"] == retention.REMOVED
    assert old.customer_id is None and customer.email is None and customer.first_name == retention.REMOVED
    assert recent.answers["email"] == "recent@example.com" and recent.customer is not None
    assert old.reference and old.answers["container"]  # the case itself stays, for statistics
    assert retention.anonymise_expired() == 0  # safe to run twice


def test_a_customer_with_other_cases_keeps_their_details(session, with_retention):
    old = _closed_case("same@example.com", 40)
    newer = _closed_case("same@example.com", 1)
    assert old.customer_id == newer.customer_id
    customer = old.customer
    retention.anonymise_expired()
    assert old.customer_id is None and customer.email == "same@example.com"


def test_without_retention_nothing_is_touched(session):
    case = _closed_case("keep@example.com", 4000)
    assert retention.anonymise_expired() == 0 and case.answers["email"] == "keep@example.com"


def test_retention_must_be_a_positive_whole_number(tmp_path):
    import shutil

    from workflows import load_directory

    src = Path(__file__).resolve().parents[2] / "workflows" / "definitions" / "missed_bin.yaml"
    text = src.read_text().replace("sla:\n", "retention:\n  closed_days: -3\nsla:\n", 1)
    (tmp_path / "missed_bin.yaml").write_text(text)
    with pytest.raises(DefinitionError):
        load_directory(str(tmp_path))
    (tmp_path / "missed_bin.yaml").write_text(text.replace("-3", "365"))
    assert load_directory(str(tmp_path)).get("missed_bin") is not None
    shutil.rmtree(tmp_path)


def test_subject_access_export_is_for_admins_only(client, session, login_as):
    case = _closed_case("sar@example.com", 1)
    db.session.commit()  # the 403 page rolls back the request's unit of work
    url = f"/staff/privacy/customers/{case.customer_id}/export.json"
    assert client.get(url).status_code == 302  # not signed in: to the sign-in page
    login_as("caseworker")
    assert client.get(url).status_code == 403
    login_as("admin")
    r = client.get(url)
    assert r.status_code == 200, (r.status_code, r.get_data(as_text=True)[-1500:])
    assert r.headers["Cache-Control"] == "no-store"
    data = r.get_json()
    assert data["customer"]["email"] == "sar@example.com"
    assert [c["reference"] for c in data["cases"]] == [case.reference]
    assert client.get("/staff/privacy/customers/999999/export.json").status_code == 404


from tests.files import PNG


@pytest.fixture
def fly_tipping_retention(app):
    d = definition("fly_tipping")
    saved = dict(d.raw)
    d.raw["retention"] = {"closed_days": 30}
    yield d
    d.raw.clear()
    d.raw.update(saved)


def test_anonymising_removes_uploads_and_attachments_after_the_commit(session, fly_tipping_retention):
    import io

    from werkzeug.datastructures import FileStorage

    from frontdoor.models import CaseAttachment, CaseEvent, OutboxMessage
    from frontdoor.services import case_attachments, outbox, uploads

    factories.team("environment")
    photo = uploads.save([{"id": "resident-photo-0000001", "name": "tip.png", "kind": "png", "size": len(PNG),
                           "_bytes": PNG}])
    case = submit(definition("fly_tipping"), {
        "what": ["household"], "amount": "car_boot", "hazardous": "no",
        "location": {"description": "Behind the shops"}, "photo": photo,
        "full_name": "Sam Jones", "email": "sam.jones@example.com"}, "web", None, Actor.resident()).case
    attached = case_attachments.attach(case, Actor.system(), FileStorage(io.BytesIO(PNG), filename="Sam Jones letter.png"),
                                       visible_to_resident=False)
    case.state_category, case.closed_at = "closed", utcnow() - timedelta(days=40)
    db.session.flush()
    folder = uploads.upload_dir()
    assert (folder / "resident-photo-0000001").is_file() and (folder / attached.file_id).is_file()

    assert retention.anonymise_expired() == 1
    assert case.answers["photo"] == retention.REMOVED and case.answers["email"] == retention.REMOVED
    assert db.session.query(CaseAttachment).filter_by(case_id=case.id).count() == 0
    event = db.session.query(CaseEvent).filter_by(case_id=case.id, kind="attachment").one()
    assert event.data["name"] == retention.REMOVED  # the history keeps that a file was attached, not its name
    # The files stay until the anonymising commit; then the outbox removes them, and a repeat is harmless.
    assert (folder / attached.file_id).is_file()
    message = db.session.query(OutboxMessage).filter_by(case_id=case.id, kind="remove_files").one()
    assert sorted(message.payload["file_ids"]) == sorted(["resident-photo-0000001", attached.file_id])
    outbox.HANDLERS["remove_files"](message)
    outbox.HANDLERS["remove_files"](message)
    assert not (folder / "resident-photo-0000001").exists() and not (folder / attached.file_id).exists()


def test_file_removal_ignores_names_that_are_not_ours(session, tmp_path):
    from frontdoor.models import OutboxMessage
    from frontdoor.services import outbox, uploads

    keep = uploads.upload_dir().parent / "keep.txt"
    keep.write_text("not an upload")
    outbox.HANDLERS["remove_files"](OutboxMessage(kind="remove_files", payload={"file_ids": ["../keep.txt", 7]}))
    assert keep.read_text() == "not an upload"
    keep.unlink()


def test_subject_access_export_has_bookings_subscriptions_payments_and_attachments(session):
    import io
    from datetime import date

    from werkzeug.datastructures import FileStorage

    from frontdoor.models import GardenSubscription, Payment
    from frontdoor.services import case_attachments

    case = _closed_case("sar2@example.com", 1)
    customer = case.customer
    case_attachments.attach(case, Actor.system(), FileStorage(io.BytesIO(PNG), filename="photo.png"),
                            visible_to_resident=True)
    sub = GardenSubscription(reference="GW-SAR-0001", property_id=case.property_id, customer_id=customer.id, bins=1,
                             starts_on=date(2026, 4, 1), ends_on=date(2027, 3, 31), status="active", amount_pence=4500)
    db.session.add(sub)
    db.session.flush()
    db.session.add(Payment(reference="PAY-SAR-1", provider="test", amount_pence=4500, status="success",
                           service="garden_waste", fund_code="GARDEN", description="Garden waste subscription",
                           subscription_id=sub.id))
    db.session.flush()
    data = retention.subject_access_export(customer)
    assert [a["name"] for a in data["attachments"]] == ["photo.png"] and data["attachments"][0]["case"] == case.reference
    assert [s["reference"] for s in data["subscriptions"]] == ["GW-SAR-0001"]
    assert [(p["reference"], p["amount_pence"]) for p in data["payments"]] == [("PAY-SAR-1", 4500)]
    assert data["bookings"] == []


def test_each_run_goes_on_to_the_end_past_one_batch(app, session, with_retention, monkeypatch):
    """Issue 16 (High 3): with more expired cases than one batch, and anonymised ones first by id,
    every run still reaches the last expired case."""
    monkeypatch.setitem(app.config, "RETENTION_BATCH_SIZE", 2)
    first = [_closed_case(f"first{i}@example.com", 40) for i in range(5)]
    assert retention.anonymise_expired() == 5  # more than one batch, in one run
    assert all(c.answers["email"] == retention.REMOVED for c in first)
    assert retention.anonymise_expired() == 0
    later = [_closed_case(f"later{i}@example.com", 40) for i in range(3)]  # after 5 anonymised ones by id
    assert retention.anonymise_expired(batch_size=2) == 3
    assert all(c.answers["email"] == retention.REMOVED for c in later)
