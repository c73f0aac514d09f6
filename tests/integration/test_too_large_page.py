"""A body over MAX_CONTENT_LENGTH: the 413 page says what to do in words, and its inline script
carries the nonce the Content-Security-Policy names (the refusal happens before Talisman's own hook)."""
import io
import re

from tests.conftest import csrf_from


def test_the_default_limit_takes_three_phone_photos(app):
    assert app.config["MAX_CONTENT_LENGTH"] >= 3 * app.config["PHOTO_UPLOAD_MAX_MB"] * 1024 * 1024


def test_too_large_page_keeps_the_csp_nonce_and_speaks_plainly(client, session, app, monkeypatch):
    token = csrf_from(client.get("/services/fly_tipping/begin", follow_redirects=True))
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    r = client.post("/services/fly_tipping/photo", content_type="multipart/form-data",
                    data={"csrf_token": token, "photo": (io.BytesIO(b"\xff\xd8\xff" + b"0" * 128 * 1024), "big.jpg")})
    html = r.get_data(as_text=True)
    assert r.status_code == 413
    assert "The files you chose are too large" in html and "choose fewer or smaller photos" in html
    assert "capacity limit" not in html
    nonce = re.search(r"'nonce-([^']+)'", r.headers["Content-Security-Policy"]).group(1)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)
