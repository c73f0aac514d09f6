"""Forms for residents' accounts. Field rules that need the database live in services/accounts.py."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovTextArea, GovTextInput
from wtforms import HiddenField, PasswordField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from workflows.validation import normalise_phone
from workflows.forms import GovEmailInput


class RegisterForm(FlaskForm):
    full_name = StringField("Full name", validators=[InputRequired("Enter your full name"), Length(max=100, message="Full name must be 100 characters or fewer")], widget=GovTextInput())
    email = StringField("Email address", validators=[InputRequired("Enter your email address")], widget=GovEmailInput())
    password = PasswordField("Create a password", validators=[InputRequired("Enter a password")], widget=GovPasswordInput())


class SignInForm(FlaskForm):
    email = StringField("Email address", validators=[InputRequired("Enter your email address"), Length(max=254)], widget=GovEmailInput())
    password = PasswordField("Password", validators=[InputRequired("Enter your password"), Length(max=256)], widget=GovPasswordInput())


class EmailForm(FlaskForm):
    email = StringField("Email address", validators=[InputRequired("Enter your email address")], widget=GovEmailInput())


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[InputRequired("Enter a new password")], widget=GovPasswordInput())


class ChangeEmailForm(FlaskForm):
    email = StringField("New email address", validators=[InputRequired("Enter your new email address")], widget=GovEmailInput())
    password = PasswordField("Your password", validators=[InputRequired("Enter your password")], widget=GovPasswordInput())


class DetailsForm(FlaskForm):
    full_name = StringField("Full name", validators=[InputRequired("Enter your full name"), Length(max=100, message="Full name must be 100 characters or fewer")], widget=GovTextInput())
    phone = StringField("UK phone number (optional)", validators=[Optional(), Length(max=30, message="Phone number must be 30 characters or fewer")], widget=GovTextInput())
    contact_preference = RadioField("How should we contact you about your requests?",
                                    choices=[SelectChoice("email", "Email"), SelectChoice("sms", "Text message"), SelectChoice("none", "Do not contact me")],
                                    validators=[InputRequired("Select how we should contact you")], widget=GovRadioInput())

    def validate_phone(self, field):
        if field.data and normalise_phone(field.data) is None:
            raise ValidationError("Enter a UK phone number, like 07911 123 456, or an international number starting with +")

    def validate_contact_preference(self, field):
        if field.data == "sms" and not (self.phone.data and normalise_phone(self.phone.data)):
            raise ValidationError("Enter a phone number to get text messages, or choose email")


class ConfirmForm(FlaskForm):
    """A button only: single-use links are used by a POST, so email scanners that follow links cannot spend them."""


class ActionForm(FlaskForm):
    action = HiddenField()
    reason = TextAreaField()  # checked in the service: only some steps need it


class InformationForm(FlaskForm):
    information = TextAreaField("Add information", validators=[InputRequired("Enter the information you want to add"), Length(max=2000, message="The information must be 2000 characters or fewer")], widget=GovTextArea())


class FeedbackForm(FlaskForm):
    rating = RadioField("How satisfied are you with how we dealt with this request?",
                        choices=[SelectChoice("5", "Very satisfied"), SelectChoice("4", "Satisfied"),
                                 SelectChoice("3", "Neither satisfied nor dissatisfied"), SelectChoice("2", "Dissatisfied"),
                                 SelectChoice("1", "Very dissatisfied")],
                        validators=[InputRequired("Select how satisfied you are")], widget=GovRadioInput())
    comment = TextAreaField("How could we improve? (optional)", validators=[Optional(), Length(max=2000, message="Your comment must be 2000 characters or fewer")], widget=GovTextArea())


class CloseAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[InputRequired("Enter your password")], widget=GovPasswordInput())
