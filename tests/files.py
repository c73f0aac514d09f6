"""Real small files for upload tests: the checks open images with Pillow and read a PDF's trailer."""
from __future__ import annotations

from io import BytesIO

from PIL import Image


def image(kind: str = "PNG", size=(8, 8)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


def pdf(text: str = "a letter") -> bytes:
    return (b"%PDF-1.4\n% " + text.encode() + b"\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


PNG = image("PNG")
JPEG = image("JPEG")
GIF = image("GIF")
WEBP = image("WEBP")
PDF = pdf()
