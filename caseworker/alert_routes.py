"""Staff pages for service alerts: team leads and admins publish one for a service, an area and a
period, and end it early. Thin: services/service_alerts.py holds the rules."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from frontdoor.auth import staff_required
from frontdoor.services import service_alerts
from frontdoor.services.registry import registry, working_calendar
from caseworker.alert_forms import AlertForm

bp = Blueprint("staff_alerts", __name__, template_folder="templates")


def _services():
    return [(service_alerts.BIN_COLLECTIONS, "Bin collections")] + [(d.id, d.title) for d in registry().all()]


@bp.route("", methods=["GET", "POST"])
@staff_required("team_lead")
def alerts():
    form = AlertForm(_services(), service_alerts.wards())
    if form.validate_on_submit():
        calendar = working_calendar()
        service_alerts.publish(service_id=form.service_id.data, title=form.title.data, message=form.message.data,
                               wards=form.wards.data or [],
                               starts_at=calendar.end_of_day(form.starts_on.data) - timedelta(days=1, seconds=-1),
                               ends_at=calendar.end_of_day(form.ends_on.data) + timedelta(seconds=1),
                               staff=current_user)
        flash("Alert published.", "success")
        return redirect(url_for(".alerts"))
    names = dict(_services())
    return render_template("staff/alerts.html", title="Service alerts", form=form, rows=service_alerts.recent(),
                           names=names, local=working_calendar().local)


@bp.post("/<int:alert_id>/end")
@staff_required("team_lead")
def end(alert_id):
    alert = service_alerts.by_id(alert_id)
    if alert is None:
        abort(404)
    service_alerts.end_now(alert)
    flash("Alert ended.", "success")
    return redirect(url_for(".alerts"))
