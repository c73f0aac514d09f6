"""What an uploaded file really is, by its content (never by its name or the browser's word).

The first bytes say what it claims to be; then an image must open and decode whole with Pillow as
that format (within Pillow's pixel limit, so a decompression bomb is refused), and a PDF must end
with its %%EOF trailer. Issue 16, Low.
"""
from __future__ import annotations

import warnings
from io import BytesIO

MAGIC = {
    "jpeg": [b"\xff\xd8\xff"],
    "png": [b"\x89PNG\r\n\x1a\n"],
    "gif": [b"GIF87a", b"GIF89a"],
    "pdf": [b"%PDF-"],
}
# The type a file is served with: the kind found by content, never what the uploader said.
MIME = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}


def sniff(head: bytes) -> str | None:
    for kind, prefixes in MAGIC.items():
        if any(head.startswith(p) for p in prefixes):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def check_upload(data: bytes, accept: tuple[str, ...], max_size_mb: float | None, label: str) -> tuple[str | None, str | None]:
    """(kind, None) or (None, the GOV.UK message)."""
    kinds = " or ".join(k.upper() for k in accept)
    if not data:
        return None, "The selected file is empty"
    if max_size_mb is not None and len(data) > max_size_mb * 1024 * 1024:
        return None, f"The selected file must be smaller than {max_size_mb:g}MB"
    kind = sniff(data[:16])
    if kind is None or kind not in accept or not _whole(kind, data):
        return None, f"The selected file must be a {kinds}"
    return kind, None


# Acrobat looks for the trailer in the last 1024 bytes; anything after it is line ends or junk.
PDF_TRAILER_WINDOW = 1024


def _whole(kind: str, data: bytes) -> bool:
    if kind == "pdf":
        return b"%%EOF" in data[-PDF_TRAILER_WINDOW:]
    return _decodes_as(kind, data)


def _decodes_as(kind: str, data: bytes) -> bool:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=[kind.upper()]) as image:
                image.verify()  # the file's structure and checksums
            with Image.open(BytesIO(data), formats=[kind.upper()]) as image:
                image.load()  # every pixel decodes: a truncated or padded file fails here
        return True
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, OSError, SyntaxError, ValueError):
        return False
