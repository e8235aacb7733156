from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
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
    # Choices are the active services; the view checks the choice so a stale or forged value
    # comes back as an error on the field rather than "Not a valid choice".
    service_id = SelectField("Support service (caseworkers only)", validate_choice=False)
    password = PasswordField(
        "Temporary password (at least 12 characters)",
        validators=[DataRequired("Enter a temporary password"), Length(max=1024)],
    )
    save = SubmitField("Create account")


class SupportServiceForm(CleanForm):
    # The rules (required, length, unique, a configured area) are the service's: its messages
    # come back on these fields with what was typed.
    name = StringField("Name")
    area = SelectField("Area covered", validate_choice=False)
    save = SubmitField("Add support service")


class ServiceActiveForm(CleanForm):
    """Confirms deactivating or reactivating a service; `active` says which, so a second
    submission of the same page cannot undo the first."""

    active = HiddenField()


class UserDetailsForm(CleanForm):
    # Required, the email's format and uniqueness are the service's rules: its messages come
    # back on these fields with what was typed.
    full_name = StringField("Full name", validators=[Length(max=120)])
    rank = StringField("Rank (optional)", validators=[Optional(), Length(max=60)])
    collar_number = StringField("Collar number (optional)", validators=[Optional(), Length(max=20)])
    email = EmailField("Email address", validators=[Length(max=254)])


class UserAccessForm(CleanForm):
    role = SelectField("Role", choices=[(r.value, r.label) for r in Role], validators=[InputRequired("Choose a role")])
    # Area and service are checked by the view and the service, so a stale or forged value
    # comes back as an error on the field rather than "Not a valid choice".
    area = SelectField("Area (officers: force-wide sees every area)", validate_choice=False)
    service_id = SelectField("Support service (caseworkers only)", validate_choice=False)


class DeviceForm(CleanForm):
    # Choices are the active officers; the view and the service check the choice, so a stale
    # or forged value comes back as an error on the field.
    user_id = SelectField("Officer", validate_choice=False)
    name = StringField("Device name", validators=[Length(max=200)])
    save = SubmitField("Register device")
