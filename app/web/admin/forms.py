from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.models import Role
from app.web.fields import CleanForm, DateInputField


class ExtraBankHolidayForm(CleanForm):
    day = DateInputField("Date", validators=[InputRequired("Enter the date of the bank holiday")])
    name = StringField(
        "Name", validators=[DataRequired("Enter the name of the bank holiday"), Length(max=120)]
    )
    save = SubmitField("Add bank holiday")


class ConfirmForm(CleanForm):
    """A POST with nothing in it but its CSRF token: confirms a step on the page before."""

    confirm = SubmitField("Confirm")


class NewUserForm(CleanForm):
    full_name = StringField("Full name", validators=[DataRequired("Enter the person's full name"), Length(max=120)])
    email = EmailField("Email address", validators=[DataRequired("Enter the email address"), Length(max=254)])
    role = SelectField("Role", choices=[(r.value, r.label) for r in Role], validators=[InputRequired("Choose a role")])
    rank = StringField("Rank (optional)", validators=[Optional(), Length(max=60)])
    collar_number = StringField("Collar number (optional)", validators=[Optional(), Length(max=20)])
    area = SelectField("Area (officers: leave as force-wide to see every area)", validators=[Optional()])
    password = PasswordField(
        "Temporary password (at least 12 characters)",
        validators=[DataRequired("Enter a temporary password"), Length(max=1024)],
    )
    save = SubmitField("Create account")
