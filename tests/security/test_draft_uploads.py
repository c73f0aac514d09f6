"""Uploads to forms never submitted (issue 16, Medium 10): 40 x 512 KiB were left on disk, never cleaned.

Now a draft holds at most DRAFT_UPLOAD_MAX_FILES files (and DRAFT_UPLOAD_MAX_BYTES), one address
saves at most DRAFT_UPLOADS_PER_ADDRESS_PER_HOUR files an hour, the sweep job deletes an expired
draft's files and never a submitted case's, and UPLOAD_DIR is a setting.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

import config
from frontdoor.extensions import db
from frontdoor.models import Booking, Case
from frontdoor.models.base import utcnow
from frontdoor.services import uploads
from tests import factories
from tests.integration.bulky_helpers import bulky_slot
from tests.integration.test_bulky_photos import PNG, send, to_details
from tests.integration.test_bulky_portal import pay_page


@pytest.fixture
def upload_dir(app, tmp_path):
    before = app.config.get("UPLOAD_DIR")
    app.config["UPLOAD_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["UPLOAD_DIR"] = before


def test_a_draft_holds_a_capped_number_of_files(client, session, upload_dir):
    to_details(client, factories.property_(postcode="DB4 5PA"), bulky_slot(capacity=3))
    outcomes = [send(client, [(f"p{n}.png", PNG) for n in range(3)]).status_code for _ in range(5)]
    assert outcomes[:3] == [302, 302, 302]  # 9 files: under the cap of 10
    assert outcomes[3:] == [200, 200]  # a 4th batch would make 12
    assert "at most" in send(client, [("one.png", PNG), ("two.png", PNG)]).get_data(as_text=True)
    assert len(list(upload_dir.iterdir())) <= 10


def test_one_address_is_limited_per_hour(client, session, upload_dir, app):
    before = app.config["DRAFT_UPLOADS_PER_ADDRESS_PER_HOUR"]
    app.config["DRAFT_UPLOADS_PER_ADDRESS_PER_HOUR"] = 4
    try:
        slot = bulky_slot(capacity=40)
        to_details(client, factories.property_(postcode="DB4 5PB"), slot)
        assert send(client, [("a.png", PNG), ("b.png", PNG)]).status_code == 302
        other = app.test_client()  # a new session (cookies thrown away): the same address
        from flask import g

        g.pop("csrf_token", None)
        to_details(other, factories.property_(postcode="DB4 5PC"), slot)
        g.pop("csrf_token", None)
        assert send(other, [("c.png", PNG), ("d.png", PNG)]).status_code == 302
        g.pop("csrf_token", None)
        assert "Try again in an hour" in send(other, [("e.png", PNG)]).get_data(as_text=True)
    finally:
        app.config["DRAFT_UPLOADS_PER_ADDRESS_PER_HOUR"] = before


def test_expired_drafts_are_swept_and_submitted_files_kept(client, session, upload_dir, app):
    slot = bulky_slot(capacity=40)
    to_details(client, factories.property_(postcode="DB4 5PD"), slot)
    assert send(client, [("kept.png", PNG)]).status_code == 302
    client.get(pay_page(client, "success"))
    case = db.session.get(Case, db.session.scalar(select(Booking)).case_id)
    kept = case.answers["photos"][0]

    abandoned = app.test_client()
    from flask import g

    g.pop("csrf_token", None)
    to_details(abandoned, factories.property_(postcode="DB4 5PE"), slot)
    g.pop("csrf_token", None)
    assert send(abandoned, [("left.png", PNG), ("behind.png", PNG)]).status_code == 302
    assert len(list(upload_dir.iterdir())) == 3

    later = utcnow() + timedelta(seconds=app.config["DRAFT_UPLOAD_LIFETIME_SECONDS"] + 1)
    assert uploads.sweep_expired_drafts(now=utcnow()) == 0  # not expired yet
    assert uploads.sweep_expired_drafts(now=later) == 2
    assert uploads.sweep_expired_drafts(now=later) == 0  # safe to run twice
    assert [p.name for p in upload_dir.iterdir()] == [kept["id"]] and uploads.exists(kept)


def test_upload_dir_is_a_setting():
    assert config.load(env={"UPLOAD_DIR": "/srv/shared/uploads"})["UPLOAD_DIR"] == "/srv/shared/uploads"
    assert "sweep_draft_uploads" in (config.BASE_DIR / "frontdoor" / "cron.py").read_text()
