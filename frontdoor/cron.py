"""Periodic jobs for `rq cron frontdoor.cron` (RQ 2.x): run one cron process per deployment.

The jobs it enqueues run on the ordinary workers; each is safe to run twice.
"""
from rq import cron

import config
from frontdoor.booking_jobs import (confirm_pending_payments, invite_garden_renewals, lapse_garden_subscriptions,
                                   release_expired_holds, send_bulky_reminders)
from frontdoor.jobs import anonymise_expired_cases, snapshot_past_due, sweep_draft_uploads, sweep_outbox

QUEUE = config.load()["RQ_QUEUE"]

# Outbox rows left pending (Redis was down at commit, retries ran out): hand them to RQ again.
cron.register(sweep_outbox, queue_name=QUEUE, kwargs={"older_than_seconds": 60}, interval=60)
# Data protection: closed cases past their service's retention period, once a night.
cron.register(anonymise_expired_cases, queue_name=QUEUE, cron="30 2 * * *")
# Files uploaded to forms never submitted: deleted once their draft has expired.
cron.register(sweep_draft_uploads, queue_name=QUEUE, interval=900)

# Bookings and payments (frontdoor/booking_jobs.py).
# Unpaid holds past their 30 minutes: every minute, so a full date reopens within a minute of expiry.
cron.register(release_expired_holds, queue_name=QUEUE, interval=60)
# Payers who never came back to the return page: ask the provider about payments older than 2 minutes.
cron.register(confirm_pending_payments, queue_name=QUEUE, kwargs={"older_than_seconds": 120}, interval=120)
# The 3-day and 1-day reminders: each is recorded on its booking, so running often only sends them once.
cron.register(send_bulky_reminders, queue_name=QUEUE, interval=900)
# Garden waste subscriptions past their end date lapse just after midnight.
cron.register(lapse_garden_subscriptions, queue_name=QUEUE, cron="5 0 * * *")
# Renewal invitations when a subscription's renewal window opens: each recorded, so sent once.
cron.register(invite_garden_renewals, queue_name=QUEUE, cron="0 9 * * *")
# Dashboards: open cases past their due time, counted each minute (the page counts live if this stops).
cron.register(snapshot_past_due, queue_name=QUEUE, interval=60)
