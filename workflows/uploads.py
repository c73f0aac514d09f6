"""What an uploaded file really is, by its first bytes (never by its name or the browser's word)."""
from __future__ import annotations

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
    if kind is None or kind not in accept:
        return None, f"The selected file must be a {kinds}"
    return kind, None
