"""Load test: residents submitting and tracking, advisors reading, against gunicorn with the
production settings on local PostgreSQL and Redis; beside it the four-inserts baseline; then RQ
jobs per second for one SimpleWorker.

    .venv/bin/python bench/load_test.py --residents 200 --pg postgresql://postgres@127.0.0.1:5432/postgres \
        --redis redis://127.0.0.1:6379/0

It makes a fresh database (bench_<pid>), seeds properties whose missed-bin window is open, starts
gunicorn (FRONTDOOR_ENV=production, FRONTDOOR_BENCH_ENDPOINTS=1 for the baseline route only),
and drives the REAL form journey over HTTP: each resident has its own cookie jar and its own
client address (X-Forwarded-For, trusted through ProxyFix as behind a load balancer), so the
per-address rate limits apply as in production. Cookies are Secure in production, so the script
keeps them itself and says X-Forwarded-Proto: https as the TLS proxy would.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
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


def seed(database_url, residents):
    os.environ.update(DATABASE_URL=database_url, REDIS_URL="")
    from flask_migrate import upgrade

    from frontdoor.app import create_app
    from frontdoor.extensions import db
    from tests import factories
    from tests.integration.helpers import property_collected_yesterday_evening

    app = create_app({"RATELIMIT_STORAGE_URI": "memory://", "LOG_FORMAT": "text"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        factories.team("waste")
        props = []
        for i in range(residents):
            prop = property_collected_yesterday_evening()
            prop.postcode = f"DB{1 + i % 9} {i // 9 % 10}{LETTERS[i // 90 % 20]}{LETTERS[i // 1800 % 20]}"
            props.append((prop.uprn, prop.postcode, str(prop.containers[0].id)))
        advisor = factories.staff(role="caseworker", email="advisor@bench.test")
        db.session.commit()
        db.engine.dispose()
    return props, advisor.email, factories.PASSWORD


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


def baseline(base, stats, count, concurrency):
    def one(_):
        with httpx.Client(base_url=base, timeout=30) as c:
            for _ in range(count // concurrency):
                started = time.perf_counter()
                r = c.post("/bench/inserts", headers={"X-Forwarded-Proto": "https"})
                stats.add("four inserts (baseline)", time.perf_counter() - started, r.status_code)
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(concurrency)))
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--advisors", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    from sqlalchemy import create_engine, text

    db_name = f"bench_{os.getpid()}"
    admin = create_engine(args.pg.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {db_name}"))
    database_url = args.pg.rsplit("/", 1)[0] + "/" + db_name
    queue_name = f"bench-{os.getpid()}"
    try:
        props, email, password = seed(database_url, args.residents)
        env = {**os.environ, "FRONTDOOR_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
               "DATABASE_URL": database_url, "REDIS_URL": args.redis, "RQ_QUEUE": queue_name,
               "FRONTDOOR_BENCH_ENDPOINTS": "1", "GUNICORN_WORKERS": str(args.workers),
               "GUNICORN_THREADS": str(args.threads), "GUNICORN_BIND": f"127.0.0.1:{args.port}",
               "GUNICORN_ACCESS_LOG": "/dev/null", "LOG_LEVEL": "WARNING", "FORWARDED_ALLOW_IPS": "127.0.0.1"}
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                                  cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        try:
            run(args, base, props, email, password, database_url, queue_name, env)
        finally:
            server.terminate()
            server.wait(30)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"))


def run(args, base, props, email, password, database_url, queue_name, env):
    from redis import Redis
    from rq import Queue
    from sqlalchemy import create_engine, text

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
    base_stats = Stats()
    base_wall = baseline(base, base_stats, max(args.residents, 200), min(args.residents, 50))

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        cases = conn.execute(text("SELECT count(*), count(DISTINCT reference) FROM cases WHERE workflow_id='missed_bin'")).one()
    queue = Queue(queue_name, connection=Redis.from_url(args.redis))
    pending_jobs = queue.count
    t0 = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "rq"), "worker", "-w", "rq.worker.SimpleWorker", "--burst",
                    "--url", args.redis, "-q", queue_name], cwd=ROOT, env=env, check=True)
    rq_seconds = time.perf_counter() - t0
    with engine.connect() as conn:
        sent = conn.execute(text("SELECT count(*) FROM notifications")).scalar()
        outbox_states = dict(conn.execute(text("SELECT status, count(*) FROM outbox GROUP BY status")).all())
    engine.dispose()
    from rq.job import Job
    from rq.registry import FailedJobRegistry, FinishedJobRegistry

    finished = Job.fetch_many(FinishedJobRegistry(queue=queue).get_job_ids(), connection=queue.connection)
    failed = len(FailedJobRegistry(queue=queue).get_job_ids())
    ran = [j for j in finished if j and j.started_at and j.ended_at]
    busy = (max(j.ended_at for j in ran) - min(j.started_at for j in ran)).total_seconds() if ran else 0
    queue.delete(delete_jobs=True)

    server_errors = sum(v for k, v in stats.statuses.items() if k >= 500)
    print(f"\nresidents {args.residents} at once, {args.advisors} advisors, gunicorn {args.workers}x{args.threads} gthread")
    print(f"journeys finished: {len(refs)}, failed: {len(errors)}  {errors[:3]}")
    print(f"cases: {cases[0]}, distinct references: {cases[1]}, server errors (5xx): {server_errors}")
    print(f"status counts: {dict(sorted(stats.statuses.items()))}")
    print(f"wall {wall:.1f} s for the journeys; all requests {sum(len(v) for v in stats.samples.values()) / wall:.1f} req/s")
    for name in stats.samples:
        print("  " + stats.line(name, wall))
    print("  " + base_stats.line("four inserts (baseline)", base_wall))
    sub = stats.samples.get("submit (POST check)", [])
    print(f"submission rate {len(sub) / wall:.1f}/s over the journey; baseline {len(base_stats.samples['four inserts (baseline)']) / base_wall:.1f}/s")
    print(f"RQ: {pending_jobs} jobs in {rq_seconds:.2f} s (one SimpleWorker, including start-up) = "
          f"{pending_jobs / rq_seconds:.1f} jobs/s; first start to last end {busy:.2f} s = "
          f"{len(ran) / busy if busy else 0:.1f} jobs/s; failed {failed}; notifications sent {sent}; outbox {outbox_states}")


if __name__ == "__main__":
    main()
