"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every setting can be changed from the environment (read in config.py, like every other setting).
"""
import json

import config as _frontdoor_config  # not "config": gunicorn reads that name as its own setting

_settings = _frontdoor_config.gunicorn_settings()
bind = _settings["bind"]
workers = _settings["workers"]
worker_class = _settings["worker_class"]
threads = _settings["threads"]
timeout = _settings["timeout"]
graceful_timeout = _settings["graceful_timeout"]
keepalive = _settings["keepalive"]
max_requests = _settings["max_requests"]
max_requests_jitter = _settings["max_requests_jitter"]
forwarded_allow_ips = _settings["forwarded_allow_ips"]
preload_app = False  # each worker opens its own database pool after the fork

accesslog = _settings["accesslog"]
errorlog = "-"
loglevel = _settings["loglevel"]
# One JSON object a line; the request id is the one the app echoes back.
access_log_format = json.dumps({
    "ts": "%(t)s", "kind": "access", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s",
    "status": "%(s)s", "bytes": "%(B)s", "duration_ms": "%(M)s", "request_id": "%({x-request-id}o)s",
    "user_agent": "%(a)s",
})


def child_exit(server, worker):
    """prometheus-client multiprocess mode: forget a dead worker's live gauges."""
    if _settings["prometheus_multiproc_dir"]:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
