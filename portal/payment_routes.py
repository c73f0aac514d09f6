"""The embedded test provider's hosted payment page: stands in for GOV.UK Pay's card page.

It records the outcome on its own record (TestProviderPayment) and sends the payer back to the
return URL; our return page then asks the provider, never the URL, what happened.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from frontdoor.extensions import db
from frontdoor.models import TestProviderPayment
from workflows.fees import pounds

bp = Blueprint("payments", __name__, template_folder="templates")

OUTCOMES = [SelectChoice("success", "Card accepted"), SelectChoice("declined", "Card declined"),
            SelectChoice("cancelled", "Cancel the payment"), SelectChoice("error", "Provider error")]


class TestCardForm(FlaskForm):
    outcome = RadioField("What should happen to this payment?", choices=OUTCOMES,
                         validators=[InputRequired(message="Choose what should happen to this payment")],
                         widget=GovRadioInput())


@bp.route("/test/<provider_id>", methods=["GET", "POST"])
def test_page(provider_id):
    if current_app.config["PAYMENT_PROVIDER"] != "test":  # the page that "pays" on a click exists only with the test provider
        abort(404)
    record = db.session.get(TestProviderPayment, provider_id)
    if record is None:
        abort(404)
    if record.status != "created":  # paid (or failed) already: back to the service, which knows
        return redirect(record.return_url)
    form = TestCardForm()
    if form.validate_on_submit():
        record.status = form.outcome.data
        return redirect(record.return_url)
    return render_template("pay/test_page.html", title="Enter card details", form=form, record=record,
                           amount=pounds(record.amount_pence))
