"""Files staff attach to a case: checked by content and size (workflows.uploads), kept under UPLOAD_DIR,
each one an event in the case history. Residents see only those marked visible, on their own case."""
from __future__ import annotations

import hashlib
import io
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from frontdoor.unit_of_work import Refused
from frontdoor.extensions import db
from frontdoor.models import Case, CaseAttachment, CaseEvent
from frontdoor.services import uploads
from frontdoor.services.actors import Actor
from workflows.uploads import check_upload

ACCEPT = ("pdf", "jpeg", "png", "gif", "webp")
MAX_SIZE_MB = 10


class AttachmentRefused(Refused):
    """The message is for the person who uploaded."""


def attach(case: Case, actor: Actor, upload, *, visible_to_resident: bool) -> CaseAttachment:
    """Check and keep one uploaded file (a werkzeug FileStorage). The same bytes twice on one case: the first row."""
    if upload is None or not (upload.filename or "").strip():
        raise AttachmentRefused("Select a file")
    limit = int(MAX_SIZE_MB * 1024 * 1024)
    try:
        data = upload.stream.read(limit + 1)
    finally:
        upload.close()
    kind, error = check_upload(data, ACCEPT, MAX_SIZE_MB, "file")
    if error:
        raise AttachmentRefused(error)
    digest = hashlib.sha256(data).hexdigest()
    existing = db.session.scalar(select(CaseAttachment).where(CaseAttachment.case_id == case.id,
                                                              CaseAttachment.sha256 == digest))
    if existing is not None:
        return existing
    row = CaseAttachment(case_id=case.id, file_id=secrets.token_urlsafe(24), name=Path(upload.filename).name[:100],
                         kind=kind, size=len(data), sha256=digest, visible_to_resident=visible_to_resident,
                         uploaded_by_id=actor.staff.id if actor.staff else None)
    try:
        with db.session.begin_nested():  # two clicks at once: the unique key lets one in
            db.session.add(row)
    except IntegrityError:
        return db.session.scalar(select(CaseAttachment).where(CaseAttachment.case_id == case.id,
                                                              CaseAttachment.sha256 == digest))
    # Written before the commit: a rollback leaves an orphan file under a random name, never a row without a file.
    (uploads.upload_dir() / row.file_id).write_bytes(data)
    case.events.append(CaseEvent(
        kind="attachment", actor_type=actor.type, actor_staff_id=actor.staff.id if actor.staff else None,
        actor_label=actor.label, data={"attachment_id": row.id, "name": row.name, "kind": kind, "size": len(data),
                                       "visible_to_resident": visible_to_resident},
    ))
    db.session.flush()
    return row


def for_case(case: Case, *, resident: bool = False) -> list[CaseAttachment]:
    query = select(CaseAttachment).where(CaseAttachment.case_id == case.id)
    if resident:
        query = query.where(CaseAttachment.visible_to_resident.is_(True))
    return list(db.session.scalars(query.order_by(CaseAttachment.created_at, CaseAttachment.id)))


def find(case: Case, attachment_id: int, *, resident: bool = False) -> CaseAttachment | None:
    row = db.session.get(CaseAttachment, attachment_id)
    if row is None or row.case_id != case.id or (resident and not row.visible_to_resident):
        return None
    return row


def path_of(row: CaseAttachment) -> Path:
    return uploads.upload_dir() / row.file_id


def open_bytes(row: CaseAttachment) -> io.BytesIO:
    """The file read whole (10MB at most): nothing left open once the response is sent."""
    return io.BytesIO(path_of(row).read_bytes())


def human_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"
