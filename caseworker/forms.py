"""Staff forms."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextArea, GovTextInput
from wtforms import HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from frontdoor.metrics.definitions import ASSISTED, CHANNEL_LABELS
from workflows.forms import GovEmailInput


class SignInForm(FlaskForm):
    email = StringField("Email address", validators=[InputRequired("Enter your email address"), Length(max=254)], widget=GovEmailInput(autocomplete="username"))
    password = PasswordField("Password", validators=[InputRequired("Enter your password"), Length(max=200)], widget=GovPasswordInput())


class TwoFactorCodeForm(FlaskForm):
    code = StringField("Code", validators=[InputRequired("Enter the code from your authenticator app, or a recovery code"),
                                           Length(max=20, message="Enter the 6-digit code or an 11-character recovery code")],
                       widget=GovTextInput())


class TwoFactorEnrolForm(FlaskForm):
    code = StringField("Code from your authenticator app", validators=[
        InputRequired("Enter the 6-digit code from your authenticator app"), Length(max=20, message="Enter the 6-digit code")],
        widget=GovTextInput())


class TransitionForm(FlaskForm):
    transition = HiddenField()
    version = HiddenField()
    note = TextAreaField("Note (optional)", validators=[Length(max=5000, message="Note must be 5,000 characters or fewer")], widget=GovTextArea())


# --- the console's forms -----------------------------------------------------------------
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSelect  # noqa: E402
from wtforms import DateField, RadioField, SelectField, SelectMultipleField  # noqa: E402
from wtforms.fields.choices import SelectChoice  # noqa: E402
from wtforms.validators import Optional  # noqa: E402


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


CHANNEL_PAIRS = [(ch, CHANNEL_LABELS[ch]) for ch in ASSISTED]
ROLE_PAIRS = [("advisor", "Advisor"), ("caseworker", "Caseworker"), ("team_lead", "Team lead"), ("admin", "Admin")]


class NoteForm(FlaskForm):
    visibility = RadioField("Who can see this?", choices=choices([("internal", "Staff only (internal note)"),
                                                                  ("public", "The resident too (public update, sent to them)")]),
                            default="internal", validators=[InputRequired("Choose who can see this note")], widget=GovRadioInput())
    text = TextAreaField("Note", validators=[InputRequired("Enter the note"), Length(max=5000, message="Note must be 5,000 characters or fewer")], widget=GovTextArea())


class AskInformationForm(FlaskForm):
    version = HiddenField()
    question = TextAreaField("What do you need from the resident?", validators=[
        InputRequired("Enter what you need from the resident"), Length(max=2000, message="Keep it to 2,000 characters or fewer")],
        widget=GovTextArea())


class TaskForm(FlaskForm):
    team = SelectField("Team", validators=[InputRequired("Choose a team")], widget=GovSelect())
    title = StringField("What needs doing", validators=[InputRequired("Enter what needs doing"), Length(max=200)], widget=GovTextInput())
    due_on = DateField("Due date", format="%Y-%m-%d", validators=[InputRequired("Enter a due date")],
                       widget=GovTextInput(), render_kw={"type": "date"})


class ClaimForm(FlaskForm):
    version = HiddenField()


class AssignForm(FlaskForm):
    version = HiddenField()
    assignee = SelectField("Assign to", widget=GovSelect())


class BulkForm(FlaskForm):
    transition = SelectField("Move the selected cases", widget=GovSelect())
    note = TextAreaField("Note (optional)", validators=[Length(max=5000)], widget=GovTextArea())


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search: nothing changes

    q = StringField("Name, email, phone, postcode, address, UPRN or case reference",
                    validators=[InputRequired("Enter something to search for"), Length(max=200)], widget=GovTextInput())


class StartContactForm(FlaskForm):
    channel = RadioField("How are they contacting us?", choices=choices(CHANNEL_PAIRS), validators=[InputRequired("Choose how they are contacting us")], widget=GovRadioInput())
    reason = SelectField("What is it about?", validators=[InputRequired("Choose what the contact is about")], widget=GovSelect())


class AnswerForm(FlaskForm):
    note = TextAreaField("What did you tell them? (optional)", validators=[Length(max=2000)], widget=GovTextArea())


class UpdateCaseForm(FlaskForm):
    case = SelectField("Which case?", validators=[InputRequired("Choose a case")], widget=GovSelect())
    case_note = TextAreaField("Note for the case", validators=[InputRequired("Enter a note for the case"), Length(max=2000)], widget=GovTextArea())


class HandOffForm(TaskForm):
    pass


class WrapUpForm(FlaskForm):
    outcome = RadioField("Outcome", choices=choices([("resolved_first_contact", "Resolved at first contact"),
                                                     ("handed_off", "Handed off"), ("progress_chase", "Progress chase")]),
                         validators=[Optional()], widget=GovRadioInput())


class MergeForm(FlaskForm):
    confirm = HiddenField(default="yes")


class StaffForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired("Enter a name"), Length(max=100)], widget=GovTextInput())
    email = StringField("Email address", validators=[InputRequired("Enter an email address"), Length(max=254)], widget=GovEmailInput(autocomplete="off"))
    role = RadioField("Role", choices=choices(ROLE_PAIRS), validators=[InputRequired("Choose a role")], widget=GovRadioInput())
    teams = SelectMultipleField("Teams", widget=GovCheckboxesInput())
    password = PasswordField("Password", validators=[Optional(), Length(min=12, max=200, message="Passwords must be 12 characters or more")], widget=GovPasswordInput())
    active = RadioField("Can sign in?", choices=choices([("yes", "Yes"), ("no", "No")]), default="yes", widget=GovRadioInput())


class TeamForm(FlaskForm):
    slug = StringField("Short name (letters, numbers and underscores)", validators=[InputRequired("Enter a short name"), Length(max=50)], widget=GovTextInput())
    name = StringField("Team name", validators=[InputRequired("Enter the team name"), Length(max=100)], widget=GovTextInput())


class ProfileForm(FlaskForm):
    flags = SelectMultipleField("Flags", choices=choices([
        ("vulnerable", "Vulnerable"), ("assisted_collection", "Assisted collection"), ("call_back", "Needs a call back")]),
        widget=GovCheckboxesInput())
    contact_preference = RadioField("How do they want updates?", choices=choices([
        ("email", "Email"), ("sms", "Text message"), ("none", "No updates")]),
        validators=[InputRequired("Choose how they want updates")], widget=GovRadioInput())


from flask_wtf.file import FileField  # noqa: E402
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput  # noqa: E402
from wtforms import BooleanField  # noqa: E402


class AttachmentForm(FlaskForm):
    # The file is checked by content and size in the service, which gives the GOV.UK message.
    file = FileField("File", widget=GovFileInput())
    visible_to_resident = BooleanField("The resident can see this file on their request", widget=GovCheckboxInput())


class CustomerNoteForm(FlaskForm):
    text = TextAreaField("Note about this customer", validators=[InputRequired("Enter the note"), Length(max=5000, message="Note must be 5,000 characters or fewer")], widget=GovTextArea())
