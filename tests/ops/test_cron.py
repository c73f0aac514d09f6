"""frontdoor.cron, loaded the way `rq cron frontdoor.cron` loads it, registers every periodic job."""
from redis import Redis
from rq.cron import CronScheduler

import config


def test_cron_registers_the_booking_and_subscription_jobs(app, redis_url):
    scheduler = CronScheduler(connection=Redis.from_url(redis_url))
    scheduler.load_config_from_file("frontdoor.cron")
    jobs = {job.func_name.rsplit(".", 1)[1]: job for job in scheduler.get_jobs()}
    assert {"sweep_outbox", "anonymise_expired_cases", "release_expired_holds", "confirm_pending_payments",
            "send_bulky_reminders", "lapse_garden_subscriptions", "invite_garden_renewals", "snapshot_past_due"} <= set(jobs)
    # Holds are 30 minutes: swept every minute, so an expired place returns quickly.
    assert jobs["release_expired_holds"].interval == 60
    assert jobs["confirm_pending_payments"].interval <= 300
    # Reminders are due 3 days and 1 day ahead: checked often enough to go out on the right day.
    assert jobs["send_bulky_reminders"].interval <= 3600
    assert jobs["lapse_garden_subscriptions"].cron == "5 0 * * *"
    assert all(job.queue_name == config.load()["RQ_QUEUE"] for job in jobs.values())
