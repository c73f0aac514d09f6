"""Forms for garden waste subscriptions, shared by the resident's pages and the staff pages."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional

from frontdoor.services import subscriptions
from workflows.fees import pounds
from workflows.forms import GovEmailInput
from workflows.validation import EMAIL_FORMAT


def bin_choices() -> list[SelectChoice]:
    rule = subscriptions.settings()
    return [SelectChoice(str(n), f"{n} bin{'s' if n > 1 else ''}: {pounds(subscriptions.price(n, False))} a year")
            for n in range(1, rule["max_bins"] + 1)]


class BinsForm(FlaskForm):
    bins = RadioField("How many garden waste bins do you want?", widget=GovRadioInput(),
                      validators=[InputRequired(message="Choose how many bins you want")])
    concession = RadioField("Do you get a council tax reduction or pension credit?", widget=GovRadioInput(),
                            choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
                            validators=[InputRequired(message="Choose yes if you get a council tax reduction or pension credit")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bins.choices = bin_choices()


class AmendForm(FlaskForm):
    bins = RadioField("How many garden waste bins do you want?", widget=GovRadioInput(),
                      validators=[InputRequired(message="Choose how many bins you want")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bins.choices = bin_choices()


class DetailsForm(FlaskForm):
    full_name = StringField("Full name", widget=GovTextInput(),
                            validators=[InputRequired(message="Enter your full name"), Length(max=100)])
    email = StringField("Email address", widget=GovEmailInput(),
                        validators=[InputRequired(message="Enter your email address"),
                                    Email(message=EMAIL_FORMAT), Length(max=254)])


class ConfirmForm(FlaskForm):
    pass


class StaffSubscribeForm(BinsForm):
    uprn = StringField("Address UPRN", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter the UPRN of the address"), Length(max=20)])
    full_name = StringField("Caller's full name", widget=GovTextInput(),
                            validators=[InputRequired(message="Enter the caller's name"), Length(max=100)])
    email = StringField("Caller's email address (optional)", widget=GovEmailInput(autocomplete="off"),
                        validators=[Optional(), Email(message=EMAIL_FORMAT), Length(max=254)])
    phone = StringField("Caller's phone number (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=30)])


class StaffCancelForm(FlaskForm):
    reason = TextAreaField("Why is the subscription being cancelled?", widget=GovTextArea(),
                           validators=[InputRequired(message="Enter the reason for cancelling"), Length(max=500)])
