"""Residents' photos made fit to keep: turned the way the phone held them, location and every other
piece of metadata dropped, and large ones made smaller, so a 12 MB phone photo is accepted whole."""
from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

LONG_EDGE = 2560  # pixels: enough for a crew to see the items, a fraction of a phone's original
FORMATS = {"jpeg": "JPEG", "png": "PNG"}


def prepared(data: bytes, kind: str, limit_bytes: int) -> bytes | None:
    """The photo re-encoded without metadata, at most LONG_EDGE on its long side; None if it cannot be read."""
    try:
        with Image.open(io.BytesIO(data)) as original:
            image = ImageOps.exif_transpose(original)  # keep what the phone's orientation tag said
            image.thumbnail((LONG_EDGE, LONG_EDGE))
            return _encoded(image, kind, limit_bytes)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def _encoded(image: Image.Image, kind: str, limit_bytes: int) -> bytes:
    if kind == "png":
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)  # no info, no exif: nothing but the pixels
        if out.tell() <= limit_bytes:
            return out.getvalue()
        image = image.convert("RGB")  # a large screenshot: smaller as a JPEG-quality PNG is not possible
        image.thumbnail((LONG_EDGE // 2, LONG_EDGE // 2))
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        return out.getvalue()
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    for quality in (85, 70, 55):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, optimize=True)  # exif not passed: none written
        if out.tell() <= limit_bytes:
            break
    return out.getvalue()
