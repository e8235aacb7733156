"""Form fields with messages a user can act on, shared by every blueprint's forms."""
from __future__ import annotations

from datetime import date, datetime, time

from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, FormField, IntegerField, SelectMultipleField, TimeField, widgets
from wtforms.validators import ValidationError

from app.domain.local_time import NonexistentLocalTime, london_instant


class DateInputField(DateField):
    """An <input type=date> field whose parse error tells the user what to type."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = datetime.strptime(valuelist[0].strip(), "%Y-%m-%d").date()
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, like 2026-11-23") from None


class TimeInputField(TimeField):
    """An <input type=time> field (24-hour clock, London time)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"type": "time"})
        super().__init__(label, validators, format="%H:%M", **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        for fmt in ("%H:%M", "%H:%M:%S"):
            try:
                self.data = datetime.strptime(text, fmt).time()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(f"{self.label.text} must be a time on the 24-hour clock, like 21:30")


def combine_london(day_field: DateInputField, time_field: TimeInputField) -> datetime | None:
    """The instant a date and a time field denote in London, or None with the error on the date field."""
    day: date | None = day_field.data
    at: time | None = time_field.data
    if day is None or at is None:
        return None
    try:
        return london_instant(day, at)
    except NonexistentLocalTime as exc:
        day_field.errors = list(day_field.errors) + [str(exc)]
        return None


def not_blank(message: str):
    def check(form, field):  # noqa: ARG001
        if field.data is None or not str(field.data).strip():
            raise ValidationError(message)

    return check


class WholeNumberField(IntegerField):
    """A whole number whose parse error says what to type."""

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a whole number, like 12") from None


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes (GOV.UK checkboxes pattern); unknown values are a form error."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):  # noqa: ARG002
        values = {str(v) for v, *_ in self.iter_choices()}
        if any(str(d) not in values for d in self.data or []):
            raise ValidationError("Choose from the list")


YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no_value(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def yes_no_text(value: bool | None) -> str | None:
    return {True: "yes", False: "no"}.get(value)


def chosen(enum_cls, value):
    """The enum member a radio button sent, or None for nothing or anything not offered.

    WTForms' Optional() stops validation for blank input, including the check that the
    value is one of the choices, so " " would otherwise reach enum_cls(...) and raise.
    """
    try:
        return enum_cls((value or "").strip()) if (value or "").strip() else None
    except ValueError:
        return None


def _without_nul(value):
    # PostgreSQL refuses NUL in text columns, and no person types one: drop it on the way in.
    return value.replace("\x00", "") if isinstance(value, str) else value


class CleanForm(FlaskForm):
    """A form whose text fields never carry NUL characters into the database."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, FieldList | FormField):  # these take no filters
                return unbound_field.bind(form=form, **options)
            filters = [*unbound_field.kwargs.get("filters", ()), _without_nul]
            return unbound_field.bind(form=form, filters=filters, **options)
