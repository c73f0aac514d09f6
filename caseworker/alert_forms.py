"""The form a team lead or admin publishes a service alert with."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect, GovTextArea, GovTextInput
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError


class AlertForm(FlaskForm):
    service_id = SelectField("Service", widget=GovSelect())
    title = StringField("Title", validators=[InputRequired("Enter a title"), Length(max=200)], widget=GovTextInput(),
                        description="For example, Collections running a day late in Castle ward")
    message = TextAreaField("What residents should do", validators=[InputRequired("Enter what residents should do"),
                                                                    Length(max=2000)], widget=GovTextArea())
    wards = SelectMultipleField("Wards (none ticked: the whole council area)", widget=GovCheckboxesInput())
    starts_on = DateField("First day", validators=[InputRequired("Enter the first day")], widget=GovTextInput(),
                          format="%Y-%m-%d")
    ends_on = DateField("Last day", validators=[InputRequired("Enter the last day")], widget=GovTextInput(),
                        format="%Y-%m-%d")

    def __init__(self, services, wards, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_id.choices = services
        self.wards.choices = [(w, w) for w in wards]

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError("The last day must be the same as or after the first day")
