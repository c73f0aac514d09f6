"""A resident's uploaded file, for staff who may see the case it belongs to."""
from __future__ import annotations

from flask import abort, send_from_directory
from flask_login import current_user

from caseworker.routes import _case_or_404, bp
from frontdoor.auth import staff_required
from frontdoor.services import audit, uploads
from workflows.uploads import MIME


def _record(case, file_id: str) -> dict | None:
    """Only a file this case's answers name: an id from elsewhere is not found here."""
    for value in (case.answers or {}).values():
        for item in value if isinstance(value, list) else []:
            if isinstance(item, dict) and item.get("id") == file_id:
                return item
    return None


@bp.get("/cases/<reference>/files/<file_id>")
@staff_required()
def case_file(reference, file_id):
    found = _case_or_404(reference)
    record = _record(found, file_id)
    if record is None or not uploads.exists(record):
        abort(404)
    audit.record(current_user, "read", "case.file", customer_id=found.customer_id, case_id=found.id)
    # Always a download with the type we found by content: never rendered as a page of ours.
    return send_from_directory(uploads.upload_dir(), record["id"], as_attachment=True,
                               download_name=record.get("name") or "upload",
                               mimetype=MIME.get(record.get("kind"), "application/octet-stream"))
