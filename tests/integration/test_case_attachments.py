"""Attachments on a case: staff attach (type by content, size limit), the history says who, when and what,
staff who may see the case download it, residents only files marked visible on their own request."""
from __future__ import annotations

import io
import uuid

import pytest
from flask import g
from sqlalchemy import func, select

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import AuditLog, Case, CaseAttachment, CaseEvent
from frontdoor.services import case_attachments
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from tests import factories
from tests.conftest import csrf_from, post_form
from tests.integration.account_helpers import register_and_verify
from tests.integration.helpers import answers_for, property_collected_yesterday_evening

from tests.files import PDF
from tests.files import PNG


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path):
    previous, previous_redis = app.config.get("UPLOAD_DIR"), app.config["REDIS_URL"]
    app.config["UPLOAD_DIR"] = str(tmp_path / "files")
    app.config["REDIS_URL"] = None  # account emails delivered inline, so the verify link can be read
    yield tmp_path / "files"
    app.config["UPLOAD_DIR"], app.config["REDIS_URL"] = previous, previous_redis


def _case(email):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    case = submit(definition("missed_bin"), answers_for(prop, email), "web", None, Actor.resident()).case
    unit_of_work.commit()
    return case


def _attach(client, case, data, name, visible=False):
    token = csrf_from(client.get(f"/staff/cases/{case.reference}"))
    form = {"csrf_token": token, "file": (io.BytesIO(data), name)}
    if visible:
        form["visible_to_resident"] = "y"
    return client.post(f"/staff/cases/{case.reference}/attachments", data=form, content_type="multipart/form-data")


def _count(case_id):
    return db.session.scalar(select(func.count()).select_from(CaseAttachment).where(CaseAttachment.case_id == case_id))


def test_caseworker_attaches_files_listed_in_history_and_downloads_them(client, session, login_as, upload_dir):
    case = _case("attach@example.com")
    user = login_as("caseworker")
    r = _attach(client, case, PDF, "letter.pdf", visible=True)
    assert r.status_code == 302, r.get_data(as_text=True)[:1000]
    assert _attach(client, case, PDF, "letter.pdf", visible=True).status_code == 302  # double click: still one
    assert _attach(client, case, PNG, "../../photo.png").status_code == 302
    rows = db.session.scalars(select(CaseAttachment).where(CaseAttachment.case_id == case.id).order_by(CaseAttachment.id)).all()
    assert [(a.name, a.kind, a.visible_to_resident, a.uploaded_by_id) for a in rows] == [
        ("letter.pdf", "pdf", True, user.id), ("photo.png", "png", False, user.id)]
    assert sorted(p.name for p in upload_dir.iterdir()) == sorted(a.file_id for a in rows)  # stored by random name
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "attachment")).all()
    assert [e.data["name"] for e in events] == ["letter.pdf", "photo.png"] and events[0].actor_staff_id == user.id
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "Attached letter.pdf (PDF, the resident can see it)" in html and "Attached photo.png (PNG, staff only)" in html
    assert user.name in html
    r = client.get(f"/staff/cases/{case.reference}/attachments/{rows[0].id}")
    assert r.status_code == 200 and r.data == PDF and r.mimetype == "application/pdf"
    assert "attachment" in r.headers["Content-Disposition"] and "letter.pdf" in r.headers["Content-Disposition"]
    audited = db.session.execute(select(AuditLog.action, func.count()).where(AuditLog.what == "case.attachment")
                                 .group_by(AuditLog.action)).all()
    assert dict(audited) == {"write": 3, "read": 1}  # the retry is audited too


@pytest.mark.parametrize("data,name,message", [
    (b"MZ\x90\x00 not really a pdf", "invoice.pdf", "The selected file must be a PDF or JPEG or PNG or GIF or WEBP"),
    (b"", "empty.pdf", "The selected file is empty"),
])
def test_bad_files_are_refused_with_a_message_and_nothing_saved(client, session, login_as, upload_dir, data, name, message):
    case = _case("bad@example.com")
    login_as("caseworker")
    r = _attach(client, case, data, name)
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "govuk-error-summary" in html and message in html
    assert _count(case.id) == 0 and not (upload_dir.exists() and any(upload_dir.iterdir()))


def test_a_file_over_the_limit_is_refused_clearly(app, client, session, login_as, monkeypatch):
    # The request limit (MAX_CONTENT_LENGTH, 10MB; 8KB here to keep the test small) stops it before the
    # form is read: a clear 413 page. Under it, the service's own limit gives the form error.
    case = _case("big@example.com")
    login_as("caseworker")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 8 * 1024)
    r = _attach(client, case, b"%PDF-" + b"0" * (16 * 1024), "big.pdf")
    assert r.status_code == 413 and "The files you chose are too large" in r.get_data(as_text=True)
    monkeypatch.setattr(case_attachments, "MAX_SIZE_MB", 0.002)  # about 2KB
    r = _attach(client, case, b"%PDF-" + b"0" * (4 * 1024), "big.pdf")
    assert r.status_code == 400 and "The selected file must be smaller than 0.002MB" in r.get_data(as_text=True)
    assert _count(case.id) == 0


def test_no_file_and_no_csrf_are_refused(client, session, login_as):
    case = _case("none@example.com")
    login_as("caseworker")
    token = csrf_from(client.get(f"/staff/cases/{case.reference}"))
    r = client.post(f"/staff/cases/{case.reference}/attachments", data={"csrf_token": token},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "Select a file" in r.get_data(as_text=True)
    r = client.post(f"/staff/cases/{case.reference}/attachments", data={"file": (io.BytesIO(PDF), "a.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and _count(case.id) == 0


def _attached(case, data=PDF, name="letter.pdf", visible=False):
    from werkzeug.datastructures import FileStorage

    row = case_attachments.attach(case, Actor.system(), FileStorage(io.BytesIO(data), filename=name),
                                  visible_to_resident=visible)
    db.session.commit()
    return row


def _post_file(client, case):
    token = csrf_from(client.get("/staff/sign-in"))
    return client.post(f"/staff/cases/{case.reference}/attachments",
                       data={"csrf_token": token, "file": (io.BytesIO(PNG), "x.png")}, content_type="multipart/form-data")


def test_unknown_or_another_cases_attachment_is_not_found(client, session, login_as):
    case, other = _case("deny@example.com"), _case("deny-other@example.com")
    row = _attached(case)
    login_as("caseworker")
    assert client.get(f"/staff/cases/{other.reference}/attachments/{row.id}").status_code == 404
    assert client.get(f"/staff/cases/{case.reference}/attachments/999999").status_code == 404
    assert client.get(f"/staff/cases/NOPE-NOPE/attachments/{row.id}").status_code == 404


def test_an_advisor_reads_files_but_cannot_attach(client, session, login_as):
    case = _case("advisor@example.com")
    row = _attached(case)
    login_as("advisor")
    assert client.get(f"/staff/cases/{case.reference}/attachments/{row.id}").data == PDF
    assert _post_file(client, case).status_code == 403 and _count(case.id) == 1


def test_a_caseworker_in_another_team_cannot_attach(client, session, login_as):
    case = _case("outsider@example.com")
    _attached(case)
    login_as("caseworker", teams=("highways",))
    assert _post_file(client, case).status_code == 403 and _count(case.id) == 1


def test_signed_out_is_sent_to_sign_in(client, session):
    case = _case("anon@example.com")
    row = _attached(case)
    r = client.get(f"/staff/cases/{case.reference}/attachments/{row.id}")
    assert r.status_code == 302 and "/staff/sign-in" in r.location


def test_residents_see_only_visible_files_on_their_own_request(app, client, session):
    tag = uuid.uuid4().hex[:8]
    mine_email, theirs_email = f"mine-{tag}@example.com", f"theirs-{tag}@example.com"
    mine, theirs = _case(mine_email), _case(theirs_email)
    _attached(mine, PDF, "for-you.pdf", visible=True)
    _attached(mine, PNG, "internal.png", visible=False)
    _attached(theirs, PDF + b"x", "someone-else.pdf", visible=True)
    by_name = {a.name: a for a in db.session.scalars(select(CaseAttachment))}
    resident = client
    account = register_and_verify(resident, mine_email)
    db.session.expire_all()
    assert db.session.get(Case, mine.id).customer_id == account.customer_id
    html = resident.get(f"/account/requests/{mine.reference}").get_data(as_text=True)
    assert "for-you.pdf" in html and "internal.png" not in html
    r = resident.get(f"/account/requests/{mine.reference}/attachments/{by_name['for-you.pdf'].id}")
    assert r.status_code == 200 and r.data == PDF
    assert resident.get(f"/account/requests/{mine.reference}/attachments/{by_name['internal.png'].id}").status_code == 404
    # Someone else's file, through their reference or smuggled under mine: not found either way.
    assert resident.get(f"/account/requests/{theirs.reference}/attachments/{by_name['someone-else.pdf'].id}").status_code == 404
    assert resident.get(f"/account/requests/{mine.reference}/attachments/{by_name['someone-else.pdf'].id}").status_code == 404
    # A resident session is no way into the staff download.
    r = resident.get(f"/staff/cases/{mine.reference}/attachments/{by_name['internal.png'].id}")
    assert r.status_code in (302, 403) and r.data != PNG
    # Signed out: to the sign-in page. (Tests share one app context: forget the user Flask-Login kept in g.)
    g.pop("_login_user", None)
    r = app.test_client().get(f"/account/requests/{mine.reference}/attachments/{by_name['for-you.pdf'].id}")
    assert r.status_code == 302
