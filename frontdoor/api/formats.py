"""Open311 responses in XML (the spec's required format) or JSON, from the same plain data."""
from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

from flask import Response

# List element -> the name of each item inside it, as the GeoReport v2 examples spell them.
ITEM_NAMES = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
              "values": "value"}


# Characters XML 1.0 cannot carry even escaped (most C0 controls, lone surrogates, U+FFFE/U+FFFF):
# ElementTree would write them and the document would not parse. Shown as U+FFFD instead.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item_name = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item_name), child)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")


def respond(fmt: str, root: str, data, status: int = 200) -> Response:
    """root names the XML document element; JSON is the bare data (a list or an object)."""
    if fmt == "json":
        return Response(json.dumps(data), status=status, mimetype="application/json")
    return Response(to_xml(root, data), status=status, mimetype="text/xml")


def errors(fmt: str, status: int, *descriptions: str) -> Response:
    return respond(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status)


def split_format(name: str) -> tuple[str, str | None]:
    """'missed_bin.json' -> ('missed_bin', 'json'); no suffix means XML, the spec's default."""
    for fmt in ("xml", "json"):
        if name.endswith("." + fmt):
            return name[: -len(fmt) - 1], fmt
    if "." in name:
        return name, None  # an unknown format: the caller answers 400
    return name, "xml"
