"""Under libfaketime 0.9.10 (Debian's) with FAKETIME_DONT_FAKE_MONOTONIC=1, Python's time.sleep
fails with EINVAL: the library shifts clock_nanosleep's absolute monotonic deadline as if the
monotonic clock were faked. Without that setting, a thread waiting on a lock with a timeout waits
forever. So the shifted-clock runs keep the monotonic clock real and sleep through select(), which
libfaketime leaves alone. Outside a shifted run this changes nothing."""
from __future__ import annotations

import os
import select
import time


def _select_sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    if seconds:
        select.select([], [], [], seconds)


def install() -> None:
    if "FAKETIME" not in os.environ:
        return
    try:
        time.sleep(0.001)
    except OSError:
        time.sleep = _select_sleep


def real_clock_env() -> dict[str, str]:
    """The environment for a server a test starts itself (redis-server): without libfaketime, which
    such servers cannot run under (jemalloc's clock calls recurse into it), and which they would not
    share in production either: only our own process is on the shifted clock."""
    return {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith(("FAKETIME", "DONT_FAKE"))}
