"""Forms for a case's geofence. They parse text; app.services.geofences and app.domain.geo
hold the rules, so what was typed comes back as typed with the error."""
from __future__ import annotations

from wtforms import RadioField, StringField
from wtforms.validators import Optional

from app.web.fields import CleanForm


class LocationForm(CleanForm):
    latitude = StringField("Latitude", validators=[Optional()])
    longitude = StringField("Longitude", validators=[Optional()])
    grid_reference = StringField("OS grid reference", validators=[Optional()])


class WishesForm(CleanForm):
    wants = RadioField("Does the victim want extra welfare visits while the order is in force?",
                       choices=[("yes", "Yes"), ("no", "No: no extra visits (the geofence will not go live)"),
                                ("not_asked", "Not asked yet")], validators=[Optional()])
