"""Residents' uploads: checked whole in memory, then written under UPLOAD_DIR with a random name.

Nothing is written unless every file in the request passes, so a refused upload leaves nothing behind.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app

from workflows.definition import Question
from workflows.uploads import check_upload


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
    pending = []
    for f in files:
        data = f.stream.read(limit + 1)
        kind, error = check_upload(data, question.accept, question.max_size_mb or 10, question.check_label)
        if error:
            return [], error
        name = Path(f.filename or "upload").name[:100]
        pending.append({"id": secrets.token_urlsafe(24), "name": name, "kind": kind, "size": len(data), "_bytes": data})
    return pending, None


def save(pending: list[dict]) -> list[dict]:
    folder = upload_dir()
    records = []
    for item in pending:
        (folder / item["id"]).write_bytes(item["_bytes"])
        records.append({k: v for k, v in item.items() if k != "_bytes"})
    return records


def exists(record: dict) -> bool:
    return (upload_dir() / str(record.get("id", ""))).is_file()
