"""A database of its own for one benchmark run, on the PostgreSQL server the run is given."""
from __future__ import annotations

import os
from typing import Callable


def add_server_arguments(parser) -> None:
    """--pg and --redis, the servers a benchmark runs on (BENCH_PG / BENCH_REDIS, else this machine's)."""
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0"))


def create_database(pg_url: str, prefix: str) -> tuple[str, Callable[[], None]]:
    """Make <prefix>_<pid> on the server of pg_url (a URL of any database there, used to connect).
    Returns the new database's URL and the function that drops it (call it in a finally)."""
    from sqlalchemy import create_engine, text

    name = f"{prefix}_{os.getpid()}"
    admin = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

    return pg_url.rsplit("/", 1)[0] + "/" + name, drop
