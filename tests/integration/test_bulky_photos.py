"""Optional photos on a bulky booking: checked by content, size and count through services/uploads.py;
a refused upload saves nothing and shows the error summary; accepted photos reach the case."""
import gc
import io

import pytest

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Booking, Case
from frontdoor.services import uploads
from tests import factories, photos
from tests.conftest import csrf_from
from tests.integration.bulky_helpers import bulky_slot
from tests.integration.test_bulky_portal import pay_page, post_form

PNG = photos.png()
DETAILS = {"location": "By the front gate", "full_name": "Sam Resident", "email": "sam@example.com"}


def to_details(client, prop, slot):
    post_form(client, "/bulky-waste/address", {"postcode": prop.postcode})
    post_form(client, f"/bulky-waste/address?postcode={prop.postcode}", {"uprn": prop.uprn})
    post_form(client, "/bulky-waste/items", {"item-table": "1"})
    r = post_form(client, "/bulky-waste/date", {"slot": str(slot.id)})
    assert r.location.endswith("/bulky-waste/details")


def send(client, files):
    token = csrf_from(client.get("/bulky-waste/details"))
    data = {**DETAILS, "csrf_token": token, "photos": [(io.BytesIO(body), name) for name, body in files]}
    r = client.post("/bulky-waste/details", data=data, content_type="multipart/form-data")
    r.request.environ["wsgi.input"].close()  # a body over 500KB is spooled to a temporary file: close it now
    return r


def test_photos_are_checked_and_reach_the_case(client, session, tmp_path, app):
    before = app.config.get("UPLOAD_DIR")
    app.config["UPLOAD_DIR"] = str(tmp_path)
    try:
        prop = factories.property_(postcode="DB4 4PH")
        to_details(client, prop, bulky_slot(capacity=3))
        r = send(client, [("sofa.png", b"MZ\x90\x00 a program")])
        assert r.status_code == 200 and "The selected file must be a JPEG or PNG" in r.get_data(as_text=True)
        assert "govuk-error-summary" in r.get_data(as_text=True)
        r = send(client, [(f"p{n}.png", PNG) for n in range(4)])
        assert "Select 3 files or fewer" in r.get_data(as_text=True)
        assert list(tmp_path.iterdir()) == []  # nothing written for a refused upload
        r = send(client, [("sofa.png", PNG), ("chair.png", PNG)])
        assert r.status_code == 302 and r.location.endswith("/bulky-waste/check")
        assert "sofa.png, chair.png" in client.get("/bulky-waste/check").get_data(as_text=True)
        client.get(pay_page(client, "success"))
        case = db.session.get(Case, db.session.scalar(select(Booking)).case_id)
        assert [p["name"] for p in case.answers["photos"]] == ["sofa.png", "chair.png"]
        assert all(uploads.exists(p) for p in case.answers["photos"])
    finally:
        app.config["UPLOAD_DIR"] = before


def test_a_booking_without_photos_still_works(client, session):
    prop = factories.property_(postcode="DB4 4PJ")
    to_details(client, prop, bulky_slot(capacity=3))
    assert send(client, []).status_code == 302


# The test client spools the large bodies to temporary files it leaves to the garbage collector.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning", "ignore::ResourceWarning")
def test_phone_photos_are_accepted_turned_upright_and_without_location(client, session, tmp_path, app):
    """Three 4 MB photos (the page allows three) and a 10 MB one: accepted, made smaller than the
    question's 5MB, turned the way the phone held them, with no EXIF (so no location) left."""
    from PIL import Image

    before = app.config.get("UPLOAD_DIR")
    app.config["UPLOAD_DIR"] = str(tmp_path)
    try:
        prop = factories.property_(postcode="DB4 4PK")
        to_details(client, prop, bulky_slot(capacity=3))
        four_mb = [(f"IMG_00{n}.jpg", photos.phone_photo(4, 2200, 1700, seed=n)) for n in range(3)]
        r = send(client, four_mb)
        assert r.status_code == 302 and r.location.endswith("/bulky-waste/check"), r.get_data(as_text=True)[:300]
        assert "IMG_000.jpg, IMG_001.jpg, IMG_002.jpg" in client.get("/bulky-waste/check").get_data(as_text=True)
        r = send(client, [("IMG_0100.jpg", photos.phone_photo(10, 3500, 2625))])
        assert r.status_code == 302
        stored = sorted(tmp_path.iterdir(), key=lambda f: f.stat().st_mtime)[-1]
        assert stored.stat().st_size < 5 * 1024 * 1024
        with Image.open(stored) as kept:
            assert kept.width < kept.height  # stored landscape with "rotate 90": kept upright
            assert max(kept.size) <= 2560
            assert not kept.getexif() and "exif" not in kept.info
    finally:
        app.config["UPLOAD_DIR"] = before
        gc.collect()
