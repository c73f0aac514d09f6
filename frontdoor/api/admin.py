"""Admin pages: API keys (create, shown once; revoke) and the webhook dead letters (retry)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovTextInput

from frontdoor.auth import staff_required
from frontdoor.models.api import SCOPES
from frontdoor.services import api_keys, webhooks

bp = Blueprint("api_admin", __name__, template_folder="templates")


class CreateKeyForm(FlaskForm):
    client = StringField("Client name", widget=GovTextInput(), validators=[DataRequired("Enter the client name"), Length(max=100, message="Client name must be 100 characters or fewer")])
    scopes = SelectMultipleField("Scopes", choices=[SelectChoice(s, s) for s in SCOPES],
                                 validators=[DataRequired("Select at least one scope")],
                                 widget=GovCheckboxesInput())
    submit = SubmitField("Create key")


class ActionForm(FlaskForm):
    submit = SubmitField("Confirm")


@bp.route("/api-keys", methods=["GET", "POST"])
@staff_required("admin")
def keys():
    form = CreateKeyForm()
    secret = None
    if form.validate_on_submit():
        key, secret = api_keys.create(form.client.data, form.scopes.data, created_by=current_user.email)
        form = CreateKeyForm(formdata=None)
    return render_template("api/keys.html", title="API keys", form=form, secret=secret, keys=api_keys.all_keys(), action=ActionForm())


@bp.post("/api-keys/<int:key_id>/revoke")
@staff_required("admin")
def revoke(key_id):
    if ActionForm().validate_on_submit() and api_keys.revoke(key_id) is not None:
        flash("The key has been revoked.")
    return redirect(url_for(".keys"))


@bp.get("/dead-letters")
@staff_required("admin")
def dead_letters():
    return render_template("api/dead_letters.html", title="Webhook dead letters", messages=webhooks.dead_letters(), action=ActionForm())


@bp.post("/dead-letters/<int:message_id>/retry")
@staff_required("admin")
def retry(message_id):
    if ActionForm().validate_on_submit() and webhooks.retry_dead_letter(message_id) is not None:
        flash("Delivery has been queued again.")
    return redirect(url_for(".dead_letters"))
