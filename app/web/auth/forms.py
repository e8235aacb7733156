from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password"), Length(max=1024)],
    )


class ChangePasswordForm(FlaskForm):
    """The user's own password change; the rules (the policy, the two matching) are the
    service's, so its messages come back on these fields."""

    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password"), Length(max=1024)],
    )
    new_password = PasswordField(
        "New password", validators=[DataRequired("Enter a new password"), Length(max=1024)],
    )
    confirm_password = PasswordField(
        "Confirm new password", validators=[DataRequired("Enter the new password again"), Length(max=1024)],
    )
