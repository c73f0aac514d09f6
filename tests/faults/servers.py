"""Throwaway PostgreSQL and Redis servers on private ports, for tests that stop and start them."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, folder: Path):
        self.folder, self.port, self.proc = folder, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_port(self.port)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class PostgresServer:
    def __init__(self):
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
        # Not under pytest's tmp_path: the postgres user cannot enter root's private folders.
        self.folder, self.port = Path(tempfile.mkdtemp(prefix="frontdoor-pg-")) / "pg", free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args):
        cmd = [f"{self.bin}/{args[0]}", *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def init(self):
        self.folder.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder.parent, "postgres")
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.folder), "-U", "postgres", "--auth=trust", "--no-sync")
        return self

    def start(self):
        self._run("pg_ctl", "-D", str(self.folder), "-w", "-l", str(self.folder / "log"), "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        return self

    def stop(self):
        self._run("pg_ctl", "-D", str(self.folder), "-m", "fast", "-w", "stop")

    def remove(self):
        shutil.rmtree(self.folder.parent, ignore_errors=True)


def _wait_for_port(port: int, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")
