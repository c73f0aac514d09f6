"""Issue 16 (Low): uploads are checked by more than their first bytes. Images are opened and
decoded with Pillow; a PDF needs its header and an %%EOF trailer."""
from __future__ import annotations

from tests.files import GIF, JPEG, PDF, PNG, WEBP, image
from workflows.uploads import check_upload

IMAGES = ("jpeg", "png", "gif", "webp")


def test_real_files_pass():
    for data, kind in ((PNG, "png"), (JPEG, "jpeg"), (GIF, "gif"), (WEBP, "webp")):
        assert check_upload(data, IMAGES, 1, "Photo") == (kind, None)
    assert check_upload(PDF, ("pdf",), 1, "File") == ("pdf", None)


def test_magic_bytes_alone_are_not_an_image():
    for fake in (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, b"\xff\xd8\xff\xe0" + b"<?php system($_GET[1]); ?>",
                 b"GIF89a<script>alert(1)</script>", PNG[: len(PNG) // 2]):
        kind, error = check_upload(fake, IMAGES, 1, "Photo")
        assert kind is None and error == "The selected file must be a JPEG or PNG or GIF or WEBP", fake[:20]


def test_a_pdf_needs_its_trailer():
    assert check_upload(b"%PDF-1.4 <html><script>alert(1)</script>", ("pdf",), 1, "File")[0] is None
    assert check_upload(PDF + b"\r\n", ("pdf",), 1, "File") == ("pdf", None)


def test_an_image_bomb_is_refused():
    from PIL import Image

    previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, 1000
    try:
        assert check_upload(image("PNG", (100, 100)), IMAGES, 1, "Photo")[0] is None
    finally:
        Image.MAX_IMAGE_PIXELS = previous
