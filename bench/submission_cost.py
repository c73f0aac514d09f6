"""What one submission costs, in process, beside the four-inserts baseline measured in the same run.

bench/load_test.py measures throughput through gunicorn, where the client, the server and
PostgreSQL share the cores and figures swing with whatever else the machine is doing. This one
sends the same real submission POST (a missed-bin draft made by the app's own session and CSRF
code, production settings, PostgreSQL and Redis) and the /bench/inserts baseline one after another
through Flask's test client, and prints for each: the SQL statements one request makes, the
latency per request and the app's CPU per request; then the ratios. Alternating rounds, so a
burst of noise hits both.

    .venv/bin/python bench/submission_cost.py --requests 300 --rounds 2 [--show] [--profile]

--show lists the statements; --profile prints a pyinstrument profile of further submissions
(pyinstrument is not a dependency: pip install it first). It makes its own database (dropped at
the end) on the server given by --pg.

It also times a third request, POST /bench/form-inserts (frontdoor/bench_endpoints.py): the four
inserts behind the framework work every form submission pays (signed session with the draft, CSRF,
the delivery job enqueued after the commit, the new cookie, the redirect). Its ratio to the baseline
is the ceiling of the submission's ratio: what remains between the two is the service's own work.
"""
from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    import scratch  # bench/scratch.py

    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300, help="requests of each kind per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--show", action="store_true", help="list the statements of one submission")
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile of more submissions")
    parser.add_argument("--rate-limits", action="store_true", help="keep the portal's rate limits on (Redis)")
    scratch.add_server_arguments(parser)
    args = parser.parse_args()

    from sqlalchemy import event


    url, drop_database = scratch.create_database(args.pg, "bench_cost")
    try:
        import load_test  # the same seed and prepared drafts as the load test

        secret = secrets.token_hex(32)
        extra = args.requests if args.profile else 0
        seeder, _, spare, _, _ = load_test.seed(url, 1, args.requests * args.rounds + extra + 3, secret)
        drafts = iter(load_test.prepared_drafts(seeder, spare))
        os.environ.update(FRONTDOOR_ENV="production", SECRET_KEY=secret, DATABASE_URL=url, REDIS_URL=args.redis,
                          RQ_QUEUE=f"bench-cost-{os.getpid()}", FRONTDOOR_BENCH_ENDPOINTS="1", LOG_LEVEL="WARNING",
                          PAYMENT_PROVIDER="none")
        from frontdoor.app import create_app
        from frontdoor.extensions import db, limiter

        app = create_app()
        # Each draft comes from its own address, but the limits still cost round trips to Redis:
        # off by default, so the figures are the submission's own.
        limiter.enabled = args.rate_limits
        statements: list[str] = []
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute",
                         lambda conn, cursor, statement, *rest: statements.append(" ".join(statement.split())))
        client = app.test_client()

        def submission():
            cookie, token, ip = next(drafts)
            client.set_cookie("session", cookie, domain="127.0.0.1")
            r = client.post("/services/missed_bin/check", data={"csrf_token": token}, base_url="https://127.0.0.1",
                            headers={"Referer": "https://127.0.0.1/services/missed_bin/check", "X-Forwarded-For": ip})
            assert r.status_code == 302 and "/done/" in r.location, (r.status_code, r.get_data(as_text=True)[:300])

        def baseline():
            assert client.post("/bench/inserts", base_url="https://127.0.0.1").status_code == 201

        ceiling_draft = next(drafts)

        def ceiling():
            cookie, token, ip = ceiling_draft  # the same draft each time: nothing here reads its key
            client.set_cookie("session", cookie, domain="127.0.0.1")
            r = client.post("/bench/form-inserts/missed_bin", data={"csrf_token": token}, base_url="https://127.0.0.1",
                            headers={"Referer": "https://127.0.0.1/services/missed_bin/check", "X-Forwarded-For": ip})
            assert r.status_code == 302 and "/done/" in r.location, (r.status_code, r.get_data(as_text=True)[:300])

        submission()  # the first case of the version stores its snapshot: not a typical request
        counts = {}
        kinds = (("submission", submission), ("form ceiling", ceiling), ("baseline", baseline))
        for name, send in kinds:
            statements.clear()
            send()
            counts[name] = len(statements)
            print(f"{name}: {len(statements)} statements (and the COMMIT)")
            if args.show:
                for s in statements:
                    print("    " + s[:140])
        results: dict[str, list] = {name: [] for name, _ in kinds}
        cpu: dict[str, float] = {name: 0.0 for name, _ in kinds}
        for _ in range(args.rounds):
            for name, send in kinds:
                started_cpu = time.process_time()
                for _ in range(args.requests):
                    started = time.perf_counter()
                    send()
                    results[name].append(time.perf_counter() - started)
                cpu[name] += time.process_time() - started_cpu
        print(f"\n{args.rounds} alternating rounds of {args.requests} requests each, load average "
              f"{os.getloadavg()[0]:.2f}")
        summary = {}
        for name, samples in results.items():
            s = sorted(samples)
            summary[name] = (statistics.mean(s) * 1000, s[len(s) // 2] * 1000, s[int(0.95 * len(s))] * 1000,
                             cpu[name] / len(s) * 1000)
            mean, p50, p95, per_cpu = summary[name]
            print(f"  {name:<12} mean {mean:6.2f} ms   p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   app CPU {per_cpu:6.2f} ms")
        sub, top, base = summary["submission"], summary["form ceiling"], summary["baseline"]
        print(f"baseline / submission: time {base[0] / sub[0]:.2f}, app CPU {base[3] / sub[3]:.2f} "
              f"(the throughput ratio it predicts where the app's CPU is the limit); "
              f"statements {counts['submission']} against {counts['baseline']}")
        print(f"baseline / form ceiling: time {base[0] / top[0]:.2f}, app CPU {base[3] / top[3]:.2f} "
              f"(the best ratio any submission through a form could reach: the same four inserts, "
              f"with the session, CSRF and enqueue a form POST costs)")
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(args.requests):
                submission()
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False))
        with app.app_context():
            from frontdoor.jobs import queue

            queue().empty()  # the delivery jobs the requests enqueued (no worker runs here), with their hashes
            db.engine.dispose()
    finally:
        drop_database()


if __name__ == "__main__":
    main()
