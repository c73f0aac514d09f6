"""Residents' uploads: checked whole in memory, then written under UPLOAD_DIR with a random name.

Nothing is written unless every file in the request passes, so a refused upload leaves nothing behind.

Before a form is submitted its files belong to a draft (a random key in the resident's signed
session): each saved file is a `draft_uploads` row, a draft holds at most DRAFT_UPLOAD_MAX_FILES
files and DRAFT_UPLOAD_MAX_BYTES bytes, one caller's address saves at most
DRAFT_UPLOADS_PER_ADDRESS_PER_HOUR files an hour, and the periodic `sweep_draft_uploads` job
(frontdoor/cron.py) deletes the files of drafts that expired unsubmitted. submit() claims a case's
files (their rows go; the files stay with the case). Issue 16, Medium 10.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, has_request_context, request, session
from sqlalchemy import delete, func, select

from frontdoor.extensions import db
from frontdoor.models import DraftUpload
from frontdoor.models.base import utcnow

from workflows.definition import Question
from frontdoor.services import photos
from workflows.uploads import check_upload, sniff


def upload_dir() -> Path:
    folder = current_app.config.get("UPLOAD_DIR") or str(Path(current_app.instance_path) / "uploads")
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def check(files, question: Question) -> tuple[list[dict], str | None]:
    """Read and check the uploads; returns pending records (with their bytes) or an error."""
    try:
        return _check(files, question)
    finally:
        for f in files:  # large uploads are spooled to temporary files: close them now
            f.close()


def _check(files, question: Question) -> tuple[list[dict], str | None]:
    if len(files) > question.max_files:
        return [], f"Select {question.max_files} file{'s' if question.max_files > 1 else ''} or fewer"
    limit = int((question.max_size_mb or 10) * 1024 * 1024)
    too_many = _draft_problem(len(files))
    if too_many:
        return [], too_many
    original_limit = max(limit, current_app.config["PHOTO_UPLOAD_MAX_MB"] * 1024 * 1024)
    pending = []
    for f in files:
        data = f.stream.read(original_limit + 1)
        data, error = _photo_made_fit(data, question, limit, original_limit)
        if error:
            return [], error
        kind, error = check_upload(data, question.accept, question.max_size_mb or 10, question.check_label)
        if error:
            return [], error
        name = Path(f.filename or "upload").name[:100]
        pending.append({"id": secrets.token_urlsafe(24), "name": name, "kind": kind, "size": len(data), "_bytes": data})
    if _draft_bytes() + sum(p["size"] for p in pending) > current_app.config["DRAFT_UPLOAD_MAX_BYTES"]:
        mb = current_app.config["DRAFT_UPLOAD_MAX_BYTES"] // (1024 * 1024)
        return [], f"The files for this form must add up to {mb} MB or less. Remove a file or make it smaller"
    return pending, None


def _photo_made_fit(data: bytes, question: Question, limit: int, original_limit: int) -> tuple[bytes, str | None]:
    """A photo is re-encoded (orientation kept, location dropped, large ones made smaller) before the
    question's own checks; other files go to those checks as they came."""
    kind = sniff(data[:16])
    if kind not in photos.FORMATS or kind not in question.accept:
        return data, None
    if len(data) > original_limit:
        return data, f"The selected photo must be smaller than {original_limit // (1024 * 1024)}MB"
    fit = photos.prepared(data, kind, limit)
    if fit is None:
        return data, f"The selected file could not be opened as a photo. Choose a {' or '.join(k.upper() for k in question.accept)}"
    return fit, None


def _draft_key() -> str:
    """This resident's draft: a random key in their signed session (outside a request, one per call)."""
    if not has_request_context():
        return secrets.token_urlsafe(24)
    if "upload_draft" not in session:
        session["upload_draft"] = secrets.token_urlsafe(24)
    return session["upload_draft"]


def _client() -> str:
    return (request.remote_addr or "unknown")[:64] if has_request_context() else "system"


def _draft_bytes() -> int:
    return db.session.scalar(select(func.coalesce(func.sum(DraftUpload.size), 0))
                             .where(DraftUpload.draft_key == _draft_key())) or 0


def _draft_problem(count: int) -> str | None:
    cfg = current_app.config
    files = db.session.scalar(select(func.count()).select_from(DraftUpload).where(DraftUpload.draft_key == _draft_key()))
    if files + count > cfg["DRAFT_UPLOAD_MAX_FILES"]:
        return f"You can upload {cfg['DRAFT_UPLOAD_MAX_FILES']} files to this form at most"
    hour_ago = utcnow() - timedelta(hours=1)
    recent = db.session.scalar(select(func.count()).select_from(DraftUpload)
                               .where(DraftUpload.client == _client(), DraftUpload.created_at > hour_ago))
    if recent + count > cfg["DRAFT_UPLOADS_PER_ADDRESS_PER_HOUR"]:
        return "Too many files have been uploaded from your connection. Try again in an hour"
    return None


def claim(file_ids: list[str]) -> None:
    """A submitted case now holds these files: they are no longer a draft's, so never swept."""
    if file_ids:
        db.session.execute(delete(DraftUpload).where(DraftUpload.file_id.in_(file_ids)))


def sweep_expired_drafts(now: datetime | None = None) -> int:
    """Delete the files of drafts that expired unsubmitted. Safe to run twice or at once from two workers."""
    now = now or utcnow()
    folder = upload_dir()
    rows = db.session.execute(select(DraftUpload.id, DraftUpload.file_id).where(DraftUpload.expires_at <= now)
                              .order_by(DraftUpload.id).limit(1000)).all()
    for _, file_id in rows:
        (folder / file_id).unlink(missing_ok=True)
    if rows:
        db.session.execute(delete(DraftUpload).where(DraftUpload.id.in_([row_id for row_id, _ in rows])))
    db.session.flush()
    return len(rows)


def save(pending: list[dict]) -> list[dict]:
    folder = upload_dir()
    records = []
    key, client = _draft_key(), _client()
    expires = utcnow() + timedelta(seconds=current_app.config["DRAFT_UPLOAD_LIFETIME_SECONDS"])
    for item in pending:
        (folder / item["id"]).write_bytes(item["_bytes"])
        db.session.add(DraftUpload(file_id=item["id"], draft_key=key, size=item["size"], client=client, expires_at=expires))
        records.append({k: v for k, v in item.items() if k != "_bytes"})
    return records


def exists(record: dict) -> bool:
    return (upload_dir() / str(record.get("id", ""))).is_file()
