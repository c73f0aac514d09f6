"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every setting can be changed from the environment so one image serves every host size.
"""
import json
import multiprocessing
import os

# Loopback unless told otherwise: only the TLS proxy on this host reaches gunicorn, so a client cannot
# send its own X-Forwarded-For past it. Set GUNICORN_BIND=0.0.0.0:8000 when the proxy is elsewhere.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The cores this process may run on (a container's cpuset), not the host's: on a 2-core host 5
# workers. Python work per request holds the GIL, so processes use the cores; threads (below)
# overlap each worker's waits on PostgreSQL and Redis. Each worker's pool needs one connection
# per thread (SQLAlchemy's default pool of 5 covers 4 threads).
_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else multiprocessing.cpu_count()
workers = int(os.environ.get("GUNICORN_WORKERS", _cores * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Recycle workers now and then so a slow leak never takes a host down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 500))
# Trust X-Forwarded-* only from the load balancer in front.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
preload_app = False  # each worker opens its own database pool after the fork

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# One JSON object a line; the request id is the one the app echoes back.
access_log_format = json.dumps({
    "ts": "%(t)s", "kind": "access", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s",
    "status": "%(s)s", "bytes": "%(B)s", "duration_ms": "%(M)s", "request_id": "%({x-request-id}o)s",
    "user_agent": "%(a)s",
})


def child_exit(server, worker):
    """prometheus-client multiprocess mode: forget a dead worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
