"""The admin's unit costs per channel, in pounds."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import DecimalField
from wtforms.validators import InputRequired, NumberRange

from frontdoor.metrics.definitions import CHANNEL_LABELS, CHANNELS


class UnitCostsForm(FlaskForm):
    pass


for _channel in CHANNELS:
    setattr(UnitCostsForm, _channel, DecimalField(
        f"{CHANNEL_LABELS[_channel]}: cost per contact in pounds", places=2,
        validators=[InputRequired(f"Enter a cost for {_channel.replace('_', ' ')}, like 2.83"),
                    NumberRange(min=0, max=1000, message="Enter a cost from 0 to 1000 pounds")],
        widget=GovTextInput()))
