"""A job for the worker-killed test: the first attempt delivers (uncommitted) then hangs to be
killed; a retry delivers for real. Imported by the `rq worker` subprocess."""
from __future__ import annotations

import os
import time
from pathlib import Path


def deliver_then_hang_once(message_id: int, marker_dir: str) -> bool:
    from frontdoor import jobs
    from frontdoor.extensions import db
    from frontdoor.services import outbox

    marker = Path(marker_dir) / f"attempt-{message_id}"
    if not marker.exists():
        with jobs._app_context():
            outbox.deliver(message_id)  # the notification row is written, the row locked, not committed
            db.session.flush()
            partial = marker.with_suffix(".tmp")
            partial.write_text(str(os.getpid()))
            partial.rename(marker)  # atomic: the test never reads a half-written marker
            time.sleep(120)  # killed -9 here: the transaction dies with the process
    return jobs.deliver_outbox(message_id)
