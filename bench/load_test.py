"""Load test against gunicorn with the production settings on local PostgreSQL and Redis:

1. journeys: residents walk the REAL missed-bin form (each with its own cookies and client address)
   then track their request, while advisors read the queue and cases: every submission one case
   with a unique reference, no 5xx;
2. throughput: --concurrency clients as fast as they can, submissions and the four-inserts
   baseline endpoint in alternating rounds, and the ratio of the two (PERFORMANCE.md: >= 0.70);
3. open loop at a fixed rate (--rate per second for --seconds, and again at --sustainable times the
   baseline's throughput, and times the submission's): the submission POST, then the baseline,
   each alone, sent on schedule whether or not earlier answers came back; latency is measured from the scheduled time, so a
   server falling behind shows in p95;
4. jobs: --rq-workers SimpleWorkers drain what the submissions enqueued; rows delivered (and jobs)
   per second per worker for the outbox delivery job; then the sweep for anything left, and a check that every outbox row
   was delivered exactly once (none pending, none failed, one notification per row).

    .venv/bin/python bench/load_test.py --residents 200 --advisors 5 --rate 200 --seconds 10 \
        --pg postgresql://postgres@127.0.0.1:5432/postgres --redis redis://127.0.0.1:6379/0

It makes a fresh database (bench_<pid>) and seeds properties whose missed-bin window is open,
starts gunicorn (FRONTDOOR_ENV=production, FRONTDOOR_BENCH_ENDPOINTS=1 for the baseline route
only). Phases 2 and 3 use drafts made the way the app makes them (the session cookie signed with
the server's secret, holding the answers and the CSRF token) so they time only the submission
POST; phase 1 shows the same POST at the end of the real journey. Cookies are Secure in
production, so the script keeps them itself and says X-Forwarded-Proto: https as the TLS proxy
would. Exit status 1 if any check fails.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = {}
        self.statuses: dict[int, int] = {}

    def add(self, name, seconds, status):
        with self.lock:
            self.samples.setdefault(name, []).append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def line(self, name, wall):
        s = sorted(self.samples.get(name, []))
        if not s:
            return f"{name:<22} no samples"
        p = lambda q: s[min(len(s) - 1, int(q * len(s)))] * 1000  # noqa: E731
        return (f"{name:<22} n={len(s):<6} {len(s) / wall:8.1f} req/s   p50 {p(0.50):7.1f} ms   p95 {p(0.95):7.1f} ms"
                f"   max {s[-1] * 1000:7.1f} ms")


class Browser:
    """One resident or advisor: own cookies (kept by hand: they are Secure), own client address."""

    def __init__(self, base, ip, stats):
        self.http = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
        self.origin = base.replace("http://", "https://", 1)  # as the browser saw it, through TLS
        self.cookies: dict[str, str] = {}
        self.headers = {"X-Forwarded-For": ip, "X-Forwarded-Proto": "https"}
        self.stats = stats

    def request(self, method, url, name, headers_extra=None, **kw):
        headers = {**self.headers, **(headers_extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        r = self.http.request(method, url, headers=headers, **kw)
        self.stats.add(name, time.perf_counter() - started, r.status_code)
        for raw in r.headers.get_list("set-cookie"):
            k, _, rest = raw.partition("=")
            self.cookies[k.strip()] = rest.split(";", 1)[0]
        if r.status_code >= 500:
            raise RuntimeError(f"{method} {url} -> {r.status_code}")
        return r

    def form(self, url, data, name, get_url=None):
        page = self.request("GET", get_url or url, name + " (get)")
        token = CSRF.search(page.text).group(1)
        # Flask-WTF checks the Referer on HTTPS requests, as a browser would send it.
        return self.request("POST", url, name, data={**data, "csrf_token": token},
                            headers_extra={"Referer": self.origin + (get_url or url)})


def seed(database_url, residents, spare, secret):
    """Properties for the journeys (findable by postcode) and `spare` more for the prepared drafts."""
    os.environ.update(DATABASE_URL=database_url, REDIS_URL="")
    from flask_migrate import upgrade

    from frontdoor.app import create_app
    from frontdoor.extensions import db
    from frontdoor.models import Container, Property
    from tests import factories
    from tests.integration.helpers import property_collected_yesterday_evening

    app = create_app({"RATELIMIT_STORAGE_URI": "memory://", "LOG_FORMAT": "text", "SECRET_KEY": secret})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        factories.team("waste")
        props = []
        for i in range(residents):
            prop = property_collected_yesterday_evening()
            prop.postcode = f"DB{1 + i % 9} {i // 9 % 10}{LETTERS[i // 90 % 20]}{LETTERS[i // 1800 % 20]}"
            props.append((prop.uprn, prop.postcode, str(prop.containers[0].id)))
        advisor = factories.staff(role="caseworker", email="advisor@bench.test")
        # The spare properties share the first one's collection round, inserted in batches.
        model = property_collected_yesterday_evening()
        rounds = [c.round for c in model.containers]
        spares = []
        for i in range(spare):
            prop = Property(uprn=str(300000000000 + i), address_line1=f"{i} Bench Road", town="Demoton",
                            postcode="DB9 9ZZ", ward="Abbey", latitude=52.0, longitude=-1.5)
            for r, c in zip(rounds, model.containers):
                prop.containers.append(Container(stream=c.stream, label=c.label, size_litres=240, round=r))
            db.session.add(prop)
            spares.append(prop)
            if len(spares) % 1000 == 0:
                db.session.flush()
        db.session.flush()
        spare_props = [(p.uprn, str(p.containers[0].id)) for p in spares]
        db.session.commit()
        email = advisor.email
        db.engine.dispose()
    return app, props, spare_props, email, factories.PASSWORD


def prepared_drafts(app, spare_props):
    """For each spare property, a session cookie holding a finished draft and a CSRF token, made by
    the app's own session and CSRF code with the server's secret: what a resident's browser holds on
    the check-your-answers page."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    from frontdoor.services.registry import definition

    serializer = app.session_interface.get_signing_serializer(app)
    drafts = []
    with app.app_context():
        version = definition("missed_bin").version
    for n, (uprn, container) in enumerate(spare_props):
        with app.test_request_context("/services/missed_bin/check", base_url="https://127.0.0.1"):
            token = generate_csrf()
            session["drafts"] = {"missed_bin": {"version": version, "key": secrets.token_urlsafe(24), "answers": {
                "address": uprn, "container": container, "full_name": f"Rate Resident {n}",
                "email": f"rate{n}@bench.example", "phone": ""}}}
            drafts.append((serializer.dumps(dict(session)), token, f"10.200.{n // 256 % 256}.{n % 256}"))
    return drafts


def resident_journey(base, n, prop, stats, refs):
    uprn, postcode, container = prop
    b = Browser(base, f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}", stats)
    b.request("GET", "/services/missed_bin/begin", "begin")
    r = b.form("/services/missed_bin/address", {"postcode": postcode}, "postcode")
    r = b.form(r.headers["location"], {"uprn": uprn}, "address")
    b.form("/services/missed_bin/container", {"container": container}, "container")
    b.form("/services/missed_bin/details", {"full_name": f"Bench Resident {n}", "email": f"r{n}@bench.example",
                                            "phone": ""}, "details")
    r = b.form("/services/missed_bin/check", {}, "submit (POST check)")
    assert r.status_code == 302 and "/done/" in r.headers["location"], (r.status_code, r.text[:300])
    reference = r.headers["location"].rsplit("/", 1)[1]
    refs.append(reference)
    b.request("GET", r.headers["location"], "confirmation")
    r = b.form("/track", {"reference": reference, "email": f"r{n}@bench.example"}, "track")
    assert r.status_code == 200 and reference in r.text


def advisor_loop(base, email, password, stats, refs, stop, n):
    b = Browser(base, f"172.16.0.{n}", stats)
    r = b.form("/staff/sign-in", {"email": email, "password": password}, "staff sign-in")
    assert r.status_code == 302, r.text[:300]
    while not stop.is_set():
        b.request("GET", "/staff/", "advisor queue")
        if refs:
            b.request("GET", f"/staff/cases/{refs[-1]}", "advisor case")


class Clients(threading.local):
    """One keep-alive connection per client thread."""

    def get(self, base):
        if not hasattr(self, "http"):
            self.http = httpx.Client(base_url=base, timeout=60)
        return self.http


CLIENTS = Clients()


def submit_prepared(base, draft):
    cookie, token, ip = draft
    origin = base.replace("http://", "https://", 1)
    r = CLIENTS.get(base).post("/services/missed_bin/check", data={"csrf_token": token}, headers={
        "Cookie": f"session={cookie}", "X-Forwarded-For": ip, "X-Forwarded-Proto": "https",
        "Referer": origin + "/services/missed_bin/check"})
    return r.status_code == 302 and "/done/" in r.headers.get("location", ""), r.status_code


def insert_baseline(base, _item):
    r = CLIENTS.get(base).post("/bench/inserts", headers={"X-Forwarded-Proto": "https"})
    return r.status_code == 201, r.status_code


class Phase:
    def __init__(self, name):
        self.name, self.latencies, self.statuses, self.failures = name, [], {}, 0
        self.lock = threading.Lock()
        self.wall = 0.0

    def add(self, seconds, ok, status):
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.failures += not ok

    def q(self, fraction):
        s = sorted(self.latencies)
        return s[min(len(s) - 1, int(fraction * len(s)))] * 1000 if s else float("nan")

    def merge(self, other):
        self.latencies += other.latencies
        for k, v in other.statuses.items():
            self.statuses[k] = self.statuses.get(k, 0) + v
        self.failures += other.failures
        self.wall += other.wall

    @property
    def rate(self):
        return len(self.latencies) / self.wall if self.wall else 0.0

    def line(self):
        return (f"{self.name:<34} n={len(self.latencies):<5} {self.rate:7.1f} req/s   p50 {self.q(0.5):7.1f} ms   "
                f"p95 {self.q(0.95):7.1f} ms   p99 {self.q(0.99):7.1f} ms   not ok {self.failures}   {dict(sorted(self.statuses.items()))}")


def open_loop(name, send, base, items, rate):
    """Send items[i] at start + i/rate, on schedule; latency counts from the scheduled time."""
    phase = Phase(name)

    def fire(item, at):
        try:
            ok, status = send(base, item)
        except httpx.HTTPError:
            ok, status = False, 0
        phase.add(time.perf_counter() - at, ok, status)

    with ThreadPoolExecutor(max_workers=min(len(items), 400)) as pool:
        start = time.perf_counter() + 0.2
        for i, item in enumerate(items):
            at = start + i / rate
            delay = at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(fire, item, at)
    phase.wall = time.perf_counter() - start
    return phase


def closed_loop(name, send, base, items, concurrency, seconds):
    """`concurrency` clients, each sending the next item as soon as the last answer came back."""
    phase = Phase(name)
    source, lock = items, threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        while time.perf_counter() < deadline:
            with lock:
                item = next(source, StopIteration)
            if item is StopIteration:
                return
            started = time.perf_counter()
            try:
                ok, status = send(base, item)
            except httpx.HTTPError:
                ok, status = False, 0
            phase.add(time.perf_counter() - started, ok, status)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.wall = time.perf_counter() - started
    return phase


def main():
    import scratch  # bench/scratch.py

    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=200, help="residents walking the whole journey at once")
    parser.add_argument("--advisors", type=int, default=5)
    parser.add_argument("--rate", type=float, default=200, help="open-loop submissions per second")
    parser.add_argument("--seconds", type=float, default=10, help="length of the open-loop and throughput phases")
    parser.add_argument("--concurrency", type=int, default=32, help="clients in the throughput phase")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds in the throughput phase")
    parser.add_argument("--sustainable", type=float, default=0.5,
                        help="also run the open loop at this fraction of the baseline's measured throughput")
    parser.add_argument("--rq-workers", type=int, default=1, help="SimpleWorkers draining the queue")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, default=None, help="gunicorn threads per worker (default: gunicorn.conf.py)")
    scratch.add_server_arguments(parser)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()


    database_url, drop_database = scratch.create_database(args.pg, "bench")
    queue_name = f"bench-{os.getpid()}"
    secret = secrets.token_hex(32)
    # The open-loop phase needs rate x seconds drafts; the throughput phase at most what it can send.
    spare = int(2 * args.rate * args.seconds) + int(args.seconds * 500)
    ok = False
    try:
        started = time.perf_counter()
        app, props, spare_props, email, password = seed(database_url, args.residents, spare, secret)
        drafts = prepared_drafts(app, spare_props)
        print(f"seeded {len(props)} + {len(spare_props)} properties and {len(drafts)} drafts in {time.perf_counter() - started:.0f} s",
              flush=True)
        env = {**os.environ, "FRONTDOOR_ENV": "production", "SECRET_KEY": secret,
               "DATABASE_URL": database_url, "REDIS_URL": args.redis, "RQ_QUEUE": queue_name,
               "FRONTDOOR_BENCH_ENDPOINTS": "1", "GUNICORN_BIND": f"127.0.0.1:{args.port}",
               "GUNICORN_ACCESS_LOG": "/dev/null", "LOG_LEVEL": "WARNING", "FORWARDED_ALLOW_IPS": "127.0.0.1",
               "PAYMENT_PROVIDER": "none"}
        if args.workers:
            env["GUNICORN_WORKERS"] = str(args.workers)
        if args.threads:
            env["GUNICORN_THREADS"] = str(args.threads)
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                                  cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(150):
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        try:
            ok = run(args, base, props, drafts, email, password, database_url, queue_name, env)
        finally:
            server.terminate()
            server.wait(30)
    finally:
        drop_database()
    sys.exit(0 if ok else 1)


def journeys(args, base, props, email, password):
    stats, refs, stop = Stats(), [], threading.Event()
    advisors = [threading.Thread(target=advisor_loop, args=(base, email, password, stats, refs, stop, i))
                for i in range(args.advisors)]
    for t in advisors:
        t.start()
    started = time.perf_counter()
    errors = []
    with ThreadPoolExecutor(args.residents) as pool:
        futures = [pool.submit(resident_journey, base, n, prop, stats, refs) for n, prop in enumerate(props)]
        for f in futures:
            try:
                f.result()
            except Exception as exc:  # noqa: BLE001  counted and shown
                errors.append(repr(exc)[:200])
    wall = time.perf_counter() - started
    stop.set()
    for t in advisors:
        t.join()
    return stats, refs, errors, wall


def drain(args, env, queue, engine):
    """Run the SimpleWorkers in burst mode; jobs per second per worker for the delivery job."""
    import jobs as jobs_bench  # bench/jobs.py
    from rq.job import Job
    from rq.registry import FinishedJobRegistry
    from sqlalchemy import text

    with engine.connect() as conn:
        waiting = conn.execute(text("SELECT count(*) FROM outbox WHERE status = 'pending'")).scalar()
        sent_before = conn.execute(text("SELECT count(*) FROM outbox WHERE status = 'sent'")).scalar()
    queued = queue.count
    started = time.perf_counter()
    workers = [subprocess.Popen([str(Path(sys.executable).parent / "rq"), "worker", "-w", "rq.worker.SimpleWorker",
                                 "--burst", "--url", args.redis, "-q", "--logging_level", "WARNING", queue.name],
                                cwd=ROOT, env=env) for _ in range(args.rq_workers)]
    for w in workers:
        w.wait()
    wall = time.perf_counter() - started
    finished = [j for j in Job.fetch_many(FinishedJobRegistry(queue=queue).get_job_ids(), connection=queue.connection)
                if j and j.started_at and j.ended_at]
    deliveries = [j for j in finished if j.func_name.endswith("deliver_outbox")]
    service = sum((j.ended_at - j.started_at).total_seconds() for j in deliveries)
    with engine.connect() as conn:
        sent = conn.execute(text("SELECT count(*) FROM outbox WHERE status = 'sent'")).scalar() - sent_before
    # From the end of each worker's first job, which builds the app (once per worker process).
    warm_jobs, busy = jobs_bench.warm(finished)
    per_worker = len(warm_jobs) / busy / args.rq_workers if busy else 0
    # A delivery job sends its row and rows waiting (OUTBOX_BATCH_SIZE): rows sent per second is the
    # figure to compare, jobs per second beside it (rows of the warm jobs in proportion).
    rows_per_worker = sent * len(warm_jobs) / len(finished) / busy / args.rq_workers if busy else 0
    print(f"RQ: {queued} jobs queued for {waiting} pending outbox rows; {args.rq_workers} SimpleWorker(s) ran "
          f"{len(finished)} jobs ({len(deliveries)} delivery jobs, {sent} rows sent) in {wall:.1f} s with start-up; "
          f"after the first job {busy:.2f} s = {per_worker:.0f} jobs/s, {rows_per_worker:.0f} deliveries/s per "
          f"worker; delivery job itself {1000 * service / len(deliveries) if deliveries else 0:.2f} ms mean", flush=True)
    return rows_per_worker


def trivial_floor(args, env, queue, count=500):
    """The same worker command on jobs that do nothing (time.time): RQ's own cost per job on this
    machine right now, the floor the delivery job's rate is compared with (PERFORMANCE.md: ~200/s)."""
    import jobs as jobs_bench  # bench/jobs.py
    from rq.job import Job
    from rq.registry import FinishedJobRegistry

    for job_id in FinishedJobRegistry(queue=queue).get_job_ids():
        FinishedJobRegistry(queue=queue).remove(job_id, delete_job=True)
    for _ in range(count):
        queue.enqueue("time.time", result_ttl=600)
    for w in [subprocess.Popen([str(Path(sys.executable).parent / "rq"), "worker", "-w", "rq.worker.SimpleWorker",
                                "--burst", "--url", args.redis, "-q", "--logging_level", "WARNING", queue.name],
                               cwd=ROOT, env=env) for _ in range(args.rq_workers)]:
        w.wait()
    ran = [j for j in Job.fetch_many(FinishedJobRegistry(queue=queue).get_job_ids(), connection=queue.connection)
           if j and j.started_at and j.ended_at]
    ran, busy = jobs_bench.warm(ran)  # measured like the deliveries
    return len(ran) / busy / args.rq_workers if busy else 0


def run(args, base, props, drafts, email, password, database_url, queue_name, env):
    from redis import Redis
    from rq import Queue
    from sqlalchemy import create_engine, text

    checks = []
    print(f"gunicorn {env.get('GUNICORN_WORKERS', 'conf')} workers x {env.get('GUNICORN_THREADS', 'conf')} threads", flush=True)
    # 1. the real journeys
    stats, refs, errors, wall = journeys(args, base, props, email, password)
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        cases = conn.execute(text("SELECT count(*), count(DISTINCT reference) FROM cases WHERE workflow_id='missed_bin'")).one()
    server_errors = sum(v for k, v in stats.statuses.items() if k >= 500)
    print(f"\n1. journeys: {args.residents} residents at once, {args.advisors} advisors")
    print(f"journeys finished: {len(refs)}, failed: {len(errors)}  {errors[:3]}")
    print(f"cases: {cases[0]}, distinct references: {cases[1]}, server errors (5xx): {server_errors}")
    print(f"wall {wall:.1f} s; all requests {sum(len(v) for v in stats.samples.values()) / wall:.1f} req/s")
    for name in stats.samples:
        print("  " + stats.line(name, wall))
    checks += [("every journey made exactly one case", len(refs) == args.residents == cases[0] == cases[1]),
               ("no 5xx in the journeys", server_errors == 0)]

    # 2. throughput, the baseline beside it: alternating rounds, so load from outside the test
    # (other processes on the machine) falls on both alike
    print(f"\n2. throughput: {args.concurrency} clients as fast as they can, {args.rounds} alternating rounds of "
          f"{args.seconds / args.rounds:.1f} s each", flush=True)
    drafts = iter(drafts)
    sub_max, ins_max = Phase("submission POST"), Phase("four inserts (baseline)")
    for _ in range(args.rounds):
        for total, send, items in ((sub_max, submit_prepared, drafts), (ins_max, insert_baseline, iter(lambda: None, 1))):
            part = closed_loop(total.name, send, base, items, args.concurrency, args.seconds / args.rounds)
            total.merge(part)
    for phase in (sub_max, ins_max):
        print("  " + phase.line(), flush=True)
    ratio = sub_max.rate / ins_max.rate if ins_max.rate else 0
    print(f"submission throughput / baseline = {sub_max.rate:.1f} / {ins_max.rate:.1f} = {ratio:.2f} (target >= 0.70)")

    # 3. open loop: at --rate, and at rates this machine can sustain (a fraction of the baseline's
    # throughput just measured, and of the submission's), so the two p95s compare like with like
    rates = [args.rate]
    for measured in (ins_max.rate, sub_max.rate):
        sustainable = round(args.sustainable * measured, 1)
        if 0 < sustainable < args.rate and sustainable not in rates:
            rates.append(sustainable)
    open_phases = []
    for rate in rates:
        n = max(1, int(rate * args.seconds))
        print(f"\n3. open loop at {rate:.1f}/s for {args.seconds:.0f} s (latency from the scheduled send time)", flush=True)
        sub = open_loop("submission POST", submit_prepared, base, [next(drafts) for _ in range(n)], rate)
        print("  " + sub.line(), flush=True)
        ins = open_loop("four inserts (baseline)", insert_baseline, base, [None] * n, rate)
        print("  " + ins.line(), flush=True)
        print(f"  at {rate:.1f}/s offered: submissions {sub.rate:.1f}/s p95 {sub.q(0.95):.1f} ms; "
              f"baseline {ins.rate:.1f}/s p95 {ins.q(0.95):.1f} ms (target p95 <= 150 ms at 200/s)")
        open_phases += [sub, ins]
    submitted = len(refs) + sub_max.statuses.get(302, 0) + sum(p.statuses.get(302, 0) for p in open_phases[::2])
    phases = [sub_max, ins_max, *open_phases]
    checks += [("no 5xx at a fixed rate or flat out", not any(k >= 500 for p in phases for k in p.statuses)),
               ("every prepared submission made its case", all(p.failures == 0 for p in (sub_max, *open_phases[::2])))]

    # 4. jobs: drain, sweep what is left, and check every row was delivered exactly once
    queue = Queue(queue_name, connection=Redis.from_url(args.redis))
    print("\n4. jobs", flush=True)
    per_worker = drain(args, env, queue, engine)
    for attempt in range(30):
        with engine.connect() as conn:
            states = dict(conn.execute(text("SELECT status, count(*) FROM outbox WHERE kind = 'notification' "
                                             "AND case_id IN (SELECT id FROM cases WHERE workflow_id = 'missed_bin') "
                                             "GROUP BY status")).all())
            errors_seen = conn.execute(text("SELECT last_error, count(*) FROM outbox WHERE last_error IS NOT NULL "
                                            "GROUP BY last_error ORDER BY 2 DESC LIMIT 3")).all()
        if not states.get("pending"):
            break
        # Rows whose job is waiting on a retry, or that no job was ever queued for: the sweep re-queues them.
        subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "outbox", "sweep", "--older-than", "0"],
                       cwd=ROOT, env=env, check=False, capture_output=True)
        drain(args, env, queue, engine)
    with engine.connect() as conn:
        cases_now = conn.execute(text("SELECT count(*) FROM cases WHERE workflow_id = 'missed_bin'")).scalar()
        sent = conn.execute(text("SELECT count(*), count(DISTINCT outbox_id) FROM notifications")).one()
    engine.dispose()
    floor = trivial_floor(args, env, queue)
    print(f"RQ floor now: {floor:.0f} jobs/s per SimpleWorker for a job that does nothing; delivery "
          f"{per_worker:.0f} rows/s = {per_worker / floor if floor else 0:.2f} of it (target 150 of ~200 = 0.75)")
    print(f"outbox (notifications of missed-bin cases): {states}; rows that ever failed a try: {errors_seen or 'none'}")
    print(f"cases {cases_now} (submissions answered 302: {submitted}); notifications {sent[0]}, for distinct outbox rows {sent[1]}")
    queue.delete(delete_jobs=True)
    checks += [("outbox drained: nothing pending or failed", set(states) == {"sent"}),
               ("one case per accepted submission", cases_now == submitted),
               ("one notification per outbox row, none twice", sent[0] == sent[1] == states.get("sent", -1)),
               ("deliveries per second per worker measured", per_worker > 0)]
    print()
    for name, passed in checks:
        print(f"{'ok  ' if passed else 'FAIL'} {name}")
    return all(passed for _, passed in checks)


if __name__ == "__main__":
    main()
