"""Staff forms."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextArea, GovTextInput
from wtforms import HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length


class SignInForm(FlaskForm):
    email = StringField("Email address", validators=[InputRequired("Enter your email address"), Length(max=254)], widget=GovTextInput())
    password = PasswordField("Password", validators=[InputRequired("Enter your password"), Length(max=200)], widget=GovPasswordInput())


class TransitionForm(FlaskForm):
    transition = HiddenField()
    version = HiddenField()
    note = TextAreaField("Note (optional)", validators=[Length(max=5000, message="Note must be 5,000 characters or fewer")], widget=GovTextArea())
