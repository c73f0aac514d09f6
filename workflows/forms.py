"""Build a GOV.UK form for a page of a definition. Validation calls workflows.validation, the same
rule submit() re-applies, so a message on the page and a refusal at submission never disagree."""
from __future__ import annotations

from typing import Callable

from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import Field, MultipleFileField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from workflows.definition import Page, Question
from workflows.validation import check_answer, check_manual_address, normalise_postcode, parse_date_parts

OptionsFor = Callable[[Question], "list[tuple[str, str]] | None"]


class AnswerCheck:
    def __init__(self, question: Question, options: list[tuple[str, str]] | None):
        self.question = question
        self.options = options

    def __call__(self, form, field):
        bounds = None
        if self.question.type == "location":
            from flask import current_app

            from workflows.validation import parse_bounds

            bounds = parse_bounds(current_app.config.get("COUNCIL_BOUNDS"))
        value, error = check_answer(self.question, _raw(self.question, field), self.options, bounds=bounds)
        if error:
            field.errors[:] = []
            raise StopValidation(error)
        field.data = value


def _raw(question: Question, field):
    if question.type == "date":
        parts = list(field.raw_data or []) + ["", "", ""]
        return {"day": parts[0], "month": parts[1], "year": parts[2]} if field.raw_data else field.data
    if question.type == "checkboxes":
        return list(field.raw_data) if field.raw_data is not None else field.data
    if question.type == "location":
        return field.data
    if question.type == "file":
        return field.data  # the view replaces the uploads with their stored records before validating
    return field.raw_data[0] if field.raw_data else field.data


class DatePartsInput(GovDateInput):
    """GOV.UK date input that also shows a stored ISO date, and blanks when there is none."""

    def map_gov_params(self, field, **kwargs):
        raw = field.raw_data
        if not raw or len(raw) != 3:
            day = parse_date_parts(field.data)[0] if field.data else None
            field.raw_data = [str(day.day), str(day.month), str(day.year)] if day else ["", "", ""]
        return super().map_gov_params(field, **kwargs)


def error_summary(form, params=None) -> dict:
    """govuk-frontend-wtf's error summary, with a date's link going to its Day input (the GOV.UK
    pattern: the link moves focus to the first box to fix, never the fieldset wrapper)."""
    summary = wtforms_errors(form, params or {})
    dates = {f"#{field.id}" for field in form if isinstance(field.widget, GovDateInput)}
    for item in summary["errorList"]:
        if item.get("href") in dates:
            item["href"] += "-day"
    return summary


class DatePartsField(Field):
    widget = DatePartsInput()

    def process_formdata(self, valuelist):
        self.data = valuelist

    def _value(self):
        return ""


class LocationField(Field):
    """A described place (always), plus a map point where the browser gave one (optional, never alone)."""

    widget = GovTextArea()

    def process_formdata(self, valuelist):
        self.data = {"description": valuelist[0] if valuelist else ""}

    def process(self, formdata, data=None, **kwargs):
        super().process(formdata, data, **kwargs)
        if formdata is not None:
            lat, lng = formdata.get(f"{self.name}-lat"), formdata.get(f"{self.name}-lng")
            if isinstance(self.data, dict) and (lat or lng):
                self.data.update(lat=lat, lng=lng)

    def _value(self):
        if isinstance(self.data, dict):
            return self.data.get("description", "")
        return self.data or ""


def _radios(question, options, kwargs):
    pairs = options if options is not None else list(question.options)
    return RadioField(choices=[SelectChoice(value, label) for value, label in pairs],
                      validate_choice=False, widget=GovRadioInput(), **kwargs)


def _yes_no(question, options, kwargs):
    return RadioField(choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
                      validate_choice=False, widget=GovRadioInput(), **kwargs)


def _checkboxes(question, options, kwargs):
    return SelectMultipleField(choices=[SelectChoice(v, label) for v, label in question.options],
                               validate_choice=False, widget=GovCheckboxesInput(), **kwargs)


# type -> builder(question, options, field kwargs): another issue adds a type by adding an entry.
FIELD_BUILDERS: dict[str, Callable] = {
    "radios": _radios,
    "yes_no": _yes_no,
    "checkboxes": _checkboxes,
    "textarea": lambda q, o, kw: TextAreaField(widget=GovTextArea(), **kw),
    "date": lambda q, o, kw: DatePartsField(**kw),
    "location": lambda q, o, kw: LocationField(**kw),
    "file": lambda q, o, kw: MultipleFileField(widget=GovFileInput(), **kw),
}


def _field(question: Question, options: list[tuple[str, str]] | None):
    check = AnswerCheck(question, options)
    kwargs = {"label": question.label, "description": question.hint or "", "validators": [check]}
    builder = FIELD_BUILDERS.get(question.type)
    if builder is not None:
        return builder(question, options, kwargs)
    return StringField(widget=GovTextInput(), **kwargs)


class GovEmailInput(GovTextInput):
    """An email address: type=email (the phone's email keyboard), autocomplete and no spellcheck.
    A field for someone else's address (staff typing a caller's) passes autocomplete="off"."""

    input_type = "email"

    def __init__(self, autocomplete: str = "email"):
        super().__init__()
        self.autocomplete = autocomplete

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params.setdefault("autocomplete", self.autocomplete)
        params.setdefault("spellcheck", False)
        return params


INPUT_ATTRS = {
    "email": {"type": "email", "autocomplete": "email", "spellcheck": "false"},
    "phone": {"type": "tel", "autocomplete": "tel"},
    "number": {"type": "text", "inputmode": "decimal", "spellcheck": "false"},
}
FIELDSET_TYPES = {"radios", "yes_no", "checkboxes", "date"}


def page_form(page: Page, options_for: OptionsFor, data: dict | None = None, questions=None, **kwargs) -> FlaskForm:
    class PageForm(FlaskForm):
        pass

    for q in questions if questions is not None else page.questions:
        if q.asks:
            setattr(PageForm, q.id, _field(q, options_for(q)))
    return PageForm(data=data or {}, **kwargs)


def field_params(question: Question, single: bool, page_title: str) -> dict:
    """govuk-frontend params for a question: on a one-question page its label is the page heading."""
    params: dict = {}
    if question.type in FIELDSET_TYPES:
        legend = {"text": page_title if single else question.label,
                  "classes": "govuk-fieldset__legend--l" if single else "govuk-fieldset__legend--m"}
        if single:
            legend["isPageHeading"] = True
        params["fieldset"] = {"legend": legend}
    else:
        params["label"] = {"text": page_title if single else question.label,
                           "classes": "govuk-label--l" if single else "govuk-label--s"}
        if single:
            params["label"]["isPageHeading"] = True
    if question.type in INPUT_ATTRS:
        params["type"] = INPUT_ATTRS[question.type]["type"]
        params["attributes"] = {k: v for k, v in INPUT_ATTRS[question.type].items() if k != "type"}
    if question.type == "number":
        params["classes"] = "govuk-input--width-10"
    if question.type == "yes_no":
        params["classes"] = "govuk-radios--inline"
    if question.type == "file" and question.max_files > 1:
        params["attributes"] = {"multiple": True}
    if question.type == "text" and question.id in ("full_name", "name"):
        params["autocomplete"] = "name"
        params["spellcheck"] = False
    return params


class PostcodeCheck:
    def __call__(self, form, field):
        raw = (field.data or "").strip()
        if not raw:
            raise StopValidation("Enter a postcode")
        clean = normalise_postcode(raw)
        if clean is None:
            raise StopValidation("Enter a real postcode, like DB1 2AB")
        field.data = clean


class PostcodeForm(FlaskForm):
    postcode = StringField("Postcode", validators=[PostcodeCheck()], widget=GovTextInput())


class AddressChoiceForm(FlaskForm):
    uprn = SelectField("Select an address", validate_choice=False, widget=GovSelect())

    def __init__(self, addresses, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.uprn.choices = [SelectChoice("", f"{len(addresses)} address found" if len(addresses) == 1 else f"{len(addresses)} addresses found")] + [
            SelectChoice(p.uprn, p.single_line) for p in addresses
        ]

    def validate_uprn(self, field):
        if not field.data:
            raise StopValidation("Select an address")
        if field.data not in {choice.value for choice in field.choices if choice.value}:
            raise StopValidation("Select an address from the list")


class ManualAddressForm(FlaskForm):
    """"I can't find my address": the GOV.UK address pattern, checked by the rule submit() uses."""

    line1 = StringField("Address line 1", widget=GovTextInput())
    line2 = StringField("Address line 2 (optional)", widget=GovTextInput())
    town = StringField("Town or city", widget=GovTextInput())
    postcode = StringField("Postcode", widget=GovTextInput())

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        self.address, problems = check_manual_address({k: getattr(self, k).data for k in ("line1", "line2", "town", "postcode")})
        for name, message in problems.items():
            getattr(self, name).errors = [message]
        return ok and not problems
