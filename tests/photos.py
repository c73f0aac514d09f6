"""Real image files for upload tests, made with Pillow: a phone photo is a noisy JPEG of several MB
with an orientation tag and a GPS position in its EXIF."""
from __future__ import annotations

import io
import random

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def png(width: int = 8, height: int = 8) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 60)).save(out, "PNG")
    return out.getvalue()


def phone_photo(min_mb: float, width: int = 4032, height: int = 3024, rotated: bool = True, seed: int = 1) -> bytes:
    """A JPEG at least min_mb large, stored landscape with 'rotate 90' (orientation 6) and a location."""
    noise = random.Random(seed).randbytes(width * height * 3)
    image = Image.frombytes("RGB", (width, height), noise)
    exif = Image.Exif()
    if rotated:
        exif[ORIENTATION] = 6
    exif[GPS_IFD] = {1: "N", 2: (52.0, 12.0, 30.0), 3: "W", 4: (1.0, 30.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    data = out.getvalue()
    assert len(data) >= min_mb * 1024 * 1024, f"{len(data)} bytes: make the photo larger"
    return data
