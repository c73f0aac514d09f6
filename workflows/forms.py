"""Build a GOV.UK form for a page of a definition. Validation calls workflows.validation, the same
rule submit() re-applies, so a message on the page and a refusal at submission never disagree."""
from __future__ import annotations

from typing import Callable

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovTextArea, GovTextInput
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from workflows.definition import Page, Question
from workflows.validation import check_answer, normalise_postcode

OptionsFor = Callable[[Question], "list[tuple[str, str]] | None"]


class AnswerCheck:
    def __init__(self, question: Question, options: list[tuple[str, str]] | None):
        self.question = question
        self.options = options

    def __call__(self, form, field):
        raw = field.raw_data[0] if field.raw_data else field.data
        value, error = check_answer(self.question, raw, self.options)
        if error:
            field.errors[:] = []
            raise StopValidation(error)
        field.data = value


def _field(question: Question, options: list[tuple[str, str]] | None):
    check = AnswerCheck(question, options)
    kwargs = {"label": question.label, "description": question.hint or "", "validators": [check]}
    if question.type == "radios":
        pairs = options if options is not None else list(question.options)
        return RadioField(choices=[SelectChoice(value, label) for value, label in pairs],
                          validate_choice=False, widget=GovRadioInput(), **kwargs)
    if question.type == "textarea":
        return TextAreaField(widget=GovTextArea(), **kwargs)
    return StringField(widget=GovTextInput(), **kwargs)


INPUT_ATTRS = {
    "email": {"type": "email", "autocomplete": "email", "spellcheck": "false"},
    "phone": {"type": "tel", "autocomplete": "tel"},
}


def page_form(page: Page, options_for: OptionsFor, data: dict | None = None, **kwargs) -> FlaskForm:
    class PageForm(FlaskForm):
        pass

    for q in page.questions:
        setattr(PageForm, q.id, _field(q, options_for(q)))
    return PageForm(data=data or {}, **kwargs)


def field_params(question: Question, single: bool, page_title: str) -> dict:
    """govuk-frontend params for a question: on a one-question page its label is the page heading."""
    params: dict = {}
    if question.type == "radios":
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
        self.uprn.choices = [SelectChoice("", f"{len(addresses)} addresses found")] + [
            SelectChoice(p.uprn, p.single_line) for p in addresses
        ]

    def validate_uprn(self, field):
        if not field.data:
            raise StopValidation("Select an address")
        if field.data not in {choice.value for choice in field.choices if choice.value}:
            raise StopValidation("Select an address from the list")
