"""Gazetteer import at scale: rows/s and memory of `import_file` beside a baseline of only parsing the CSV.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/gazetteer_import.py --addresses 200000

Generates an AddressBase Plus full supply of N addresses (the published 77-column layout, no header
row) and a change-only file (1% updated, 0.5% inserted, 0.5% deleted), creates the database
`bench_gazetteer` on that server (SQLite in a temporary folder without DATABASE_URL), runs the real
migrations, then times, in one run:
  baseline   csv.reader over the file, nothing else;
  full       the first import (every row inserted);
  again      the same file again (every row compared, nothing written);
  traced     the same again under tracemalloc (its peak: the memory figure);
  changes    the change-only file.
Memory: the process's peak RSS before and after the full import (resource.getrusage), and the peak of
Python allocations (tracemalloc) while the same file is imported again. Target
(../shared/PERFORMANCE.md): 200,000 addresses within a few minutes with flat memory.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

STREETS = ("MILL LANE", "STATION ROAD", "CHURCH STREET", "HIGH STREET", "PARK AVENUE", "QUEEN STREET", "ELM GROVE",
           "NEW ROAD", "THE CRESCENT", "VICTORIA ROAD", "MANOR WAY", "ORCHARD CLOSE")


def generate(path: Path, count: int, seed: int, start: int = 0) -> None:
    from frontdoor.services.gazetteer import ABP_COLUMNS

    rng = random.Random(seed)
    base = {c: "" for c in ABP_COLUMNS}
    base.update(CHANGE_TYPE="I", STATE="2", RPC="1", LOCAL_CUSTODIAN_CODE="9999", COUNTRY="E",
                LA_START_DATE="2001-04-01", LAST_UPDATE_DATE="2026-11-01", ENTRY_DATE="2001-04-01",
                TOWN_NAME="GAZETON", POST_TOWN="GAZETON", ADMINISTRATIVE_AREA="DEMO BOROUGH", POSTCODE_TYPE="S",
                ADDRESSBASE_POSTAL="D", USRN_MATCH_INDICATOR="1", OFFICIAL_FLAG="Y", WARD_CODE="E05000001")
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        for row in rows(base, count, rng, start):
            writer.writerow([row[c] for c in ABP_COLUMNS])


def rows(base, count, rng, start=0, change="I"):
    for i in range(start, start + count):
        street = i // 400
        row = dict(base)
        easting, northing = 430000 + (i % 5000) * 3.0, 280000 + (i // 5000) * 5.0
        row.update(UPRN=str(100000000000 + i), UDPRN=str(50000000 + i), CHANGE_TYPE=change,
                   CLASS=rng.choice(("RD02", "RD03", "RD04", "RD04", "RD06", "CR08")),
                   X_COORDINATE=f"{easting:.2f}", Y_COORDINATE=f"{northing:.2f}",
                   PAO_START_NUMBER=str(i % 400 + 1), BUILDING_NUMBER=str(i % 400 + 1),
                   USRN=str(8000000 + street), STREET_DESCRIPTION=f"{STREETS[street % len(STREETS)]} {street}",
                   THOROUGHFARE=f"{STREETS[street % len(STREETS)]} {street}",
                   POSTCODE=f"GZ{street % 90 + 1} {i % 9 + 1}{chr(65 + i % 26)}{chr(65 + (i // 26) % 26)}")
        row["POSTCODE_LOCATOR"] = row["POSTCODE"]
        # Half the rows carry latitude/longitude (as AddressBase Plus does); half are converted.
        if i % 2 == 0:
            from frontdoor.services.gazetteer import grid_to_lat_long
            lat, lon = grid_to_lat_long(easting, northing)
            row.update(LATITUDE=f"{lat:.7f}", LONGITUDE=f"{lon:.7f}")
        yield row


def generate_changes(path: Path, count: int, seed: int) -> int:
    from frontdoor.services.gazetteer import ABP_COLUMNS

    rng = random.Random(seed + 1)
    base = {c: "" for c in ABP_COLUMNS}
    base.update(STATE="2", RPC="1", LOCAL_CUSTODIAN_CODE="9999", COUNTRY="E", LA_START_DATE="2001-04-01",
                LAST_UPDATE_DATE="2026-12-01", ENTRY_DATE="2001-04-01", TOWN_NAME="GAZETON", POST_TOWN="GAZETON",
                POSTCODE_TYPE="S", ADDRESSBASE_POSTAL="D", WARD_CODE="E05000001")
    written = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        for i in range(0, count, 100):
            for change, offset in (("U", 0),):
                for row in rows(base, 1, rng, i + offset, change):
                    writer.writerow([row[c] for c in ABP_COLUMNS])
                    written += 1
        for row in rows(base, count // 200, rng, count, "I"):
            writer.writerow([row[c] for c in ABP_COLUMNS])
            written += 1
        for i in range(50, count, 200):
            for row in rows(base, 1, rng, i, "D"):
                writer.writerow([row[c] for c in ABP_COLUMNS])
                written += 1
    return written


def database_url(tmp: Path) -> str:
    admin = os.environ.get("DATABASE_URL")
    if not admin:
        return f"sqlite:///{tmp}/bench.sqlite3"
    url = admin.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS bench_gazetteer WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE bench_gazetteer"))
    engine.dispose()
    return make_url(url).set(database="bench_gazetteer").render_as_string(hide_password=False)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_import(path: Path, db, import_file):
    started = time.perf_counter()
    with path.open("rb") as raw:
        report = import_file(raw, commit=db.session.commit)
    db.session.commit()
    return time.perf_counter() - started, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addresses", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-gazetteer-"))
    full, changes = tmp / "abp_full.csv", tmp / "abp_changes.csv"
    started = time.perf_counter()
    generate(full, args.addresses, args.seed)
    change_rows = generate_changes(changes, args.addresses, args.seed)
    print(f"generated {args.addresses:,} addresses ({full.stat().st_size / 2**20:.0f} MiB) and "
          f"{change_rows:,} changes in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    with full.open(newline="", encoding="utf-8") as fh:
        parsed = sum(1 for _ in csv.reader(fh))
    baseline = time.perf_counter() - started
    print(f"baseline   csv.reader only        {parsed:>9,} rows  {baseline:7.1f} s  {parsed / baseline:>9,.0f} rows/s")

    from flask_migrate import upgrade

    from frontdoor.app import create_app
    from frontdoor.extensions import db
    from frontdoor.services.gazetteer import import_file

    url = database_url(tmp)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://",
                      "INSTANCE_PATH": str(tmp)})
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        rss_before = peak_rss_mb()
        seconds, report = timed_import(full, db, import_file)
        rss_after = peak_rss_mb()
        print(f"full       import_file ({db.engine.dialect.name:<10}) {report.lines:>9,} rows  {seconds:7.1f} s  "
              f"{report.lines / seconds:>9,.0f} rows/s  ({'; '.join(report.summary_lines())})")
        print(f"           peak RSS {rss_before:.0f} MiB before, {rss_after:.0f} MiB after the full import")
        seconds, report = timed_import(full, db, import_file)
        print(f"again      same file              {report.lines:>9,} rows  {seconds:7.1f} s  "
              f"{report.lines / seconds:>9,.0f} rows/s  ({'; '.join(report.summary_lines())})")
        # tracemalloc slows Python about threefold: its pass is for the memory figure, not the time.
        tracemalloc.start()
        seconds, report = timed_import(full, db, import_file)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"traced     same file, tracemalloc {report.lines:>9,} rows  {seconds:7.1f} s  "
              f"peak {traced_peak / 2**20:.1f} MiB of Python allocations over the whole file")
        seconds, report = timed_import(changes, db, import_file)
        print(f"changes    change-only file       {report.lines:>9,} rows  {seconds:7.1f} s  "
              f"{report.lines / seconds:>9,.0f} rows/s  ({'; '.join(report.summary_lines())})")
        db.session.remove()
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
