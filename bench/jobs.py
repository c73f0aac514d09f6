"""The outbox delivery job alone: deliveries per second per RQ SimpleWorker, beside RQ's own floor.

    .venv/bin/python bench/jobs.py --cases 2000 --floor-jobs 1000 \
        --pg postgresql://postgres@127.0.0.1:5432/postgres --redis redis://127.0.0.1:6379/0

It makes a fresh database (bench_jobs_<pid>, the real migrations), submits --cases missed-bin cases
through the real service, each in its own commit (unit_of_work.commit() enqueues the acknowledgement's
delivery job, as a request does), then runs one `rq worker -w rq.worker.SimpleWorker --burst` with
the production settings the load test gives its workers. It prints jobs and deliveries per second
from the end of the first job (which, in a fresh worker, imports and builds the app: once per
worker process) to the end of the last, then the same worker command on --floor-jobs jobs that do
nothing (time.time), before and after, measured the same way, and the ratio. It checks every
acknowledgement was sent exactly once, and drops the database and the queue at the end.
--metrics-dir runs the worker with PROMETHEUS_MULTIPROC_DIR set (as deployed: docs/deploy.md);
--batch-size 1 measures one row per job (a job sends its row and up to OUTBOX_BATCH_SIZE - 1 more).
Exit status 1 if a check fails.
"""
from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from frontdoor import unit_of_work

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed(database_url, redis_url, queue_name, cases):
    """Migrate, then one submission per commit through the real service; returns seconds taken."""
    import logging

    from flask_migrate import upgrade

    from frontdoor.app import create_app
    from frontdoor.extensions import db
    from frontdoor.models import Container, Property
    from frontdoor.services.actors import Actor
    from frontdoor.services.registry import definition
    from frontdoor.services.submissions import submit
    from tests import factories
    from tests.integration.helpers import property_collected_yesterday_evening

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url, "RQ_QUEUE": queue_name,
                      "RATELIMIT_STORAGE_URI": "memory://", "LOG_FORMAT": "text", "LOG_LEVEL": "WARNING"})
    with app.app_context():
        logging.getLogger("alembic").setLevel(logging.WARNING)
        upgrade(directory=str(ROOT / "migrations"))
        factories.team("waste")
        model = property_collected_yesterday_evening()
        props = []
        for i in range(cases):  # each case its own property, so none is a duplicate of another
            prop = Property(uprn=str(300000000000 + i), address_line1=f"{i} Bench Road", town="Demoton",
                            postcode="DB9 9ZZ", ward="Abbey", latitude=52.0, longitude=-1.5)
            for c in model.containers:
                prop.containers.append(Container(stream=c.stream, label=c.label, size_litres=240, round=c.round))
            db.session.add(prop)
            props.append(prop)
        db.session.flush()
        answers = [{"address": p.uprn, "container": str(p.containers[0].id), "full_name": f"Bench Resident {i}",
                    "email": f"bench{i}@bench.example", "phone": ""} for i, p in enumerate(props)]
        db.session.commit()
        missed_bin = definition("missed_bin")
        started = time.perf_counter()
        for a in answers:
            submit(missed_bin, a, "web", None, Actor.resident())
            unit_of_work.commit()  # one commit, then the delivery job is enqueued: what a request does
        took = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return took


def run_worker(redis_url, queue_name, env, profile=None):
    rq = str(Path(sys.executable).parent / "rq")
    # pyinstrument is not a project dependency: install it in the virtualenv to use --profile.
    prefix = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", profile, rq] if profile else [rq]
    subprocess.run([*prefix, "worker", "-w", "rq.worker.SimpleWorker", "--burst", "--url", redis_url, "-q",
                    "--logging_level", "WARNING", queue_name], cwd=ROOT, env=env, check=True)


def finished_jobs(queue):
    from rq.job import Job
    from rq.registry import FinishedJobRegistry

    ids = FinishedJobRegistry(queue=queue).get_job_ids()
    return [j for j in Job.fetch_many(ids, connection=queue.connection) if j and j.started_at and j.ended_at]


def mean_ms_in_job(jobs):
    """Mean time from RQ's start mark to its end mark of a job: the job function, about; the rest of
    busy / jobs is RQ's own work around each job (taking it, marking it started, saving its result)."""
    return sum((j.ended_at - j.started_at).total_seconds() for j in jobs) / len(jobs) * 1000 if jobs else 0


def busy_seconds(jobs):
    return (max(j.ended_at for j in jobs) - min(j.started_at for j in jobs)).total_seconds() if jobs else 0


def warm(jobs):
    """The jobs after the first, and the seconds from the first's end to the last's end. A fresh worker
    imports and builds the app inside its first job (about 1.5 s, once per worker process), which
    is not what each job costs a worker that has been running."""
    if len(jobs) < 2:
        return jobs, busy_seconds(jobs)
    ordered = sorted(jobs, key=lambda j: j.ended_at)
    return ordered[1:], (ordered[-1].ended_at - ordered[0].ended_at).total_seconds()


def clear_finished(queue):
    from rq.registry import FinishedJobRegistry

    registry = FinishedJobRegistry(queue=queue)
    for job_id in registry.get_job_ids():
        registry.remove(job_id, delete_job=True)


def floor(queue, env, count):
    """RQ's own cost per job on this machine now: the same worker command on jobs that do nothing."""
    clear_finished(queue)
    for _ in range(count):
        queue.enqueue("time.time", result_ttl=600)
    run_worker(env["REDIS_URL"], queue.name, env)
    ran, busy = warm(finished_jobs(queue))
    clear_finished(queue)
    return (len(ran) / busy if busy else 0), mean_ms_in_job(ran)


def deliveries(queue, env, engine, profile=None):
    from sqlalchemy import text

    started = time.perf_counter()
    run_worker(env["REDIS_URL"], queue.name, env, profile)
    wall = time.perf_counter() - started
    every = finished_jobs(queue)
    cold = len(every) / busy_seconds(every) if every else 0
    ran, busy = warm(every)
    with engine.connect() as conn:
        sent = conn.execute(text("SELECT count(*) FROM outbox WHERE status = 'sent'")).scalar()
    jobs_rate = len(ran) / busy if busy else 0
    # Rows sent by the warm jobs: in proportion (a job's own row count is not recorded).
    warm_rows = sent * len(ran) / len(every) if every else 0
    return len(ran), sent, busy, wall, jobs_rate, warm_rows / busy if busy else 0, mean_ms_in_job(ran), cold


def main():
    import scratch  # bench/scratch.py

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--floor-jobs", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=None,
                        help="OUTBOX_BATCH_SIZE for the worker (default: the app's; 1 is one row per job)")
    parser.add_argument("--metrics-dir", action="store_true", help="set PROMETHEUS_MULTIPROC_DIR for the worker")
    parser.add_argument("--profile", metavar="FILE", help="run the delivery worker under pyinstrument, text report to FILE")
    scratch.add_server_arguments(parser)
    args = parser.parse_args()

    from redis import Redis
    from rq import Queue
    from sqlalchemy import create_engine, text


    database_url, drop_database = scratch.create_database(args.pg, "bench_jobs")
    queue_name = f"bench-jobs-{os.getpid()}"
    queue = Queue(queue_name, connection=Redis.from_url(args.redis))
    metrics_dir = tempfile.TemporaryDirectory(prefix="bench-jobs-metrics-") if args.metrics_dir else None
    env = {**os.environ, "FRONTDOOR_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
           "DATABASE_URL": database_url, "REDIS_URL": args.redis, "RQ_QUEUE": queue_name, "LOG_LEVEL": "WARNING",
           "PAYMENT_PROVIDER": "none"}
    if metrics_dir:
        env["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir.name
    if args.batch_size:
        env["OUTBOX_BATCH_SIZE"] = str(args.batch_size)
    ok = False
    engine = None
    try:
        took = seed(database_url.replace("postgresql://", "postgresql+psycopg://", 1), args.redis, queue_name, args.cases)
        engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            pending = conn.execute(text("SELECT count(*) FROM outbox WHERE status = 'pending'")).scalar()
        print(f"seeded {args.cases} cases in {took:.1f} s ({args.cases / took:.0f}/s in-process); "
              f"{pending} pending outbox rows, {queue.count} jobs queued", flush=True)
        # The floor runs first, with the queued deliveries moved aside meanwhile.
        parked = f"{queue_name}-parked"
        queue.connection.rename(queue.key, f"rq:queue:{parked}")
        before, before_in_job = floor(queue, env, args.floor_jobs)
        queue.connection.rename(f"rq:queue:{parked}", queue.key)
        ran, sent, busy, wall, jobs_rate, delivery_rate, in_job, cold = deliveries(queue, env, engine, args.profile)
        clear_finished(queue)
        after, after_in_job = floor(queue, env, args.floor_jobs)
        floor_rate = (before + after) / 2
        with engine.connect() as conn:
            states = dict(conn.execute(text("SELECT status, count(*) FROM outbox GROUP BY status")).all())
            notes = conn.execute(text("SELECT count(*), count(DISTINCT outbox_id) FROM notifications")).one()
        load = os.getloadavg()
        print(f"delivery: {ran + 1} jobs, {sent} rows sent in {wall:.1f} s with the worker's start-up; after the first "
              f"job (which builds the app): {ran} jobs in {busy:.2f} s = {jobs_rate:.0f} jobs/s, {delivery_rate:.0f} "
              f"deliveries/s per SimpleWorker ({cold:.0f} jobs/s counting the first)")
        print(f"no-op floor (time.time): {before:.0f} before, {after:.0f} after = {floor_rate:.0f} jobs/s per SimpleWorker")
        per_job = busy / ran * 1000 if ran else 0
        print(f"per delivery job {per_job:.2f} ms: {in_job:.2f} ms between RQ's start and end marks, "
              f"{per_job - in_job:.2f} ms around them; per no-op job {1000 / floor_rate if floor_rate else 0:.2f} ms: "
              f"{(before_in_job + after_in_job) / 2:.2f} ms between the marks")
        print(f"deliveries/s / floor = {delivery_rate / floor_rate if floor_rate else 0:.2f}; jobs/s / floor = "
              f"{jobs_rate / floor_rate if floor_rate else 0:.2f} (target: 150/s, 0.75 of a ~200 floor)")
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; outbox {states}; notifications {notes[0]} "
              f"for {notes[1]} distinct rows; metrics dir {'set' if metrics_dir else 'unset'}; "
              f"OUTBOX_BATCH_SIZE {env.get('OUTBOX_BATCH_SIZE', 'default')}")
        checks = [("every row sent", states == {"sent": pending}),
                  ("one notification per row, none twice", notes[0] == notes[1] == pending)]
        for name, passed in checks:
            print(f"{'ok  ' if passed else 'FAIL'} {name}")
        ok = all(passed for _, passed in checks)
    finally:
        if engine is not None:
            engine.dispose()
        queue.delete(delete_jobs=True)
        clear_finished(queue)
        if metrics_dir:
            metrics_dir.cleanup()
        drop_database()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
