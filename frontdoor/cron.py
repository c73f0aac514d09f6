"""Periodic jobs for `rq cron frontdoor.cron` (RQ 2.x): run one cron process per deployment.

The jobs it enqueues run on the ordinary workers; each is safe to run twice.
"""
from rq import cron

import config
from frontdoor.jobs import anonymise_expired_cases, sweep_outbox

QUEUE = config.load()["RQ_QUEUE"]

# Outbox rows left pending (Redis was down at commit, retries ran out): hand them to RQ again.
cron.register(sweep_outbox, queue_name=QUEUE, kwargs={"older_than_seconds": 60}, interval=60)
# Data protection: closed cases past their service's retention period, once a night.
cron.register(anonymise_expired_cases, queue_name=QUEUE, cron="30 2 * * *")
