"""The portal with the engine's newer parts: uploads, show_if, skipped pages, advisor guidance."""
from __future__ import annotations

import gc
import io

import pytest

from flask import current_app
from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import Case
from frontdoor.services.uploads import upload_dir
from tests import factories, photos
from tests.conftest import csrf_from, post_form

PNG = photos.png()


def stored_files():
    return sorted(p.name for p in upload_dir().iterdir())


def walk_to_photo(client, hazardous="no"):
    client.get("/services/fly_tipping/begin")
    r = post_form(client, "/services/fly_tipping/what", {"what": ["household", "building"]})
    assert r.location.endswith("/services/fly_tipping/amount"), r.get_data(as_text=True)[:500]
    r = post_form(client, "/services/fly_tipping/amount", {"amount": "van", "hazardous": hazardous})
    expected = "/danger_advice" if hazardous == "yes" else "/where"
    assert r.location.endswith(expected)
    if hazardous == "yes":
        page = client.get("/services/fly_tipping/danger_advice").get_data(as_text=True)
        assert "Do not touch or move it" in page
        r = post_form(client, "/services/fly_tipping/danger_advice", {})
    r = post_form(client, "/services/fly_tipping/where", {"location": "Behind the shops on Mill Road",
                                                          "location-lat": "52.1", "location-lng": "-1.5"})
    assert r.location.endswith("/services/fly_tipping/photo")


def post_photo(client, content: bytes, filename: str):
    token = csrf_from(client.get("/services/fly_tipping/photo"))
    r = client.post("/services/fly_tipping/photo", data={"csrf_token": token, "photo": (io.BytesIO(content), filename)},
                    content_type="multipart/form-data")
    r.request.environ["wsgi.input"].close()  # a body over 500KB is spooled to a temporary file: close it now
    return r


def test_each_bad_answer_gets_its_govuk_message(client, session):
    client.get("/services/fly_tipping/begin")
    page = post_form(client, "/services/fly_tipping/what", {"what": ["piano"]}).get_data(as_text=True)
    assert "Select from the options" in page and "There is a problem" in page
    post_form(client, "/services/fly_tipping/what", {"what": ["household"]})
    page = post_form(client, "/services/fly_tipping/amount", {"amount": "van"}).get_data(as_text=True)
    assert "Select yes or no" in page
    post_form(client, "/services/fly_tipping/amount", {"amount": "van", "hazardous": "no"})
    page = post_form(client, "/services/fly_tipping/where", {"location": "", "location-lat": "52", "location-lng": "-1"}).get_data(as_text=True)
    assert "Describe where it is" in page  # never map-only


# The test client spools the 5MB body to a temporary file it leaves to the garbage collector.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning", "ignore::ResourceWarning")
def test_a_disguised_upload_is_refused_and_nothing_is_stored(client, session):
    walk_to_photo(client)
    before = stored_files()
    page = post_photo(client, b"MZ\x90\x00 this is a program", "holiday.png").get_data(as_text=True)
    assert "The selected file must be a JPEG or PNG" in page
    page = post_photo(client, b"%PDF-1.4 a document", "photo.jpg").get_data(as_text=True)
    assert "The selected file must be a JPEG or PNG" in page
    page = post_photo(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024), "big.png").get_data(as_text=True)
    assert "The selected file could not be opened as a photo" in page  # a PNG in name and first bytes only
    page = post_photo(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * (16 * 1024 * 1024), "huge.png").get_data(as_text=True)
    assert "The selected photo must be smaller than 15MB" in page
    assert stored_files() == before
    gc.collect()


def test_a_real_photo_is_stored_and_submitted(client, session):
    factories.team("environment")
    walk_to_photo(client)
    r = post_photo(client, PNG, "../../tip.png")
    assert r.status_code == 302 and r.location.endswith("/services/fly_tipping/details")
    post_form(client, "/services/fly_tipping/details", {"full_name": "Sam Resident", "email": "sam@example.com"})
    check = client.get("/services/fly_tipping/check").get_data(as_text=True)
    assert "tip.png" in check and "Behind the shops on Mill Road (map point 52.1, -1.5)" in check
    r = post_form(client, "/services/fly_tipping/check", {})
    assert r.status_code == 302 and "/done/" in r.location
    case = db.session.scalar(select(Case).order_by(Case.id.desc()).limit(1))
    photo = case.answers["photo"][0]
    assert (photo["name"], photo["kind"]) == ("tip.png", "png")
    assert (upload_dir() / photo["id"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # re-encoded, still a PNG
    assert case.answers["location"] == {"description": "Behind the shops on Mill Road", "lat": 52.1, "lng": -1.5}


def test_a_hidden_page_cannot_be_reached_and_its_answers_are_dropped(client, session):
    walk_to_photo(client, hazardous="yes")
    # Change the answer that showed the safety page: the page disappears.
    post_form(client, "/services/fly_tipping/amount", {"amount": "van", "hazardous": "no"})
    assert client.get("/services/fly_tipping/danger_advice").status_code == 404


def test_a_skipped_page_cannot_be_jumped_over(client, session):
    client.get("/services/fly_tipping/begin")
    r = client.get("/services/fly_tipping/details")
    assert r.status_code == 302 and r.location.endswith("/services/fly_tipping/what")
    before = db.session.scalar(select(func.count()).select_from(Case))
    r = client.get("/services/fly_tipping/check")
    assert r.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Case)) == before


def test_advisor_guidance_shows_only_to_staff(client, session, login_as):
    client.get("/services/fly_tipping/begin")
    assert "Advisor guidance" not in client.get("/services/fly_tipping/what").get_data(as_text=True)
    login_as("advisor", teams=("customer_services",))
    page = client.get("/services/fly_tipping/what").get_data(as_text=True)
    assert "Advisor guidance" in page and "If the caller mentions asbestos" in page


def test_uploads_go_to_the_configured_folder(app, tmp_path):
    with app.test_request_context():
        original = current_app.config.get("UPLOAD_DIR")
        current_app.config["UPLOAD_DIR"] = str(tmp_path / "files")
        try:
            assert upload_dir() == tmp_path / "files" and upload_dir().is_dir()
        finally:
            current_app.config["UPLOAD_DIR"] = original
