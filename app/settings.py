"""The app's typed settings, built once from the config in create_app.

Views, jobs and the CLI read them with `current_settings()` (or `settings_for(app)` outside
a request); services take what they need as required arguments, never a silent default.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from app.geocoding import GeocoderSettings
from app.services.dispatch import DispatchSettings
from app.services.email_dispatch import EmailSettings
from app.services.locations import LocationSettings
from app.services.order_records import OrderSettings
from app.services.push import PushSettings
from app.services.referrals import ReferralSettings
from app.services.reminders import TextSettings

EXTENSION_KEY = "dvpo_settings"


@dataclass(frozen=True)
class Settings:
    texts: TextSettings
    dispatch: DispatchSettings
    referrals: ReferralSettings
    orders: OrderSettings
    emails: EmailSettings
    locations: LocationSettings
    geocoder: GeocoderSettings
    push: PushSettings

    @classmethod
    def from_config(cls, config) -> Settings:
        return cls(
            texts=TextSettings.from_config(config),
            dispatch=DispatchSettings.from_config(config),
            referrals=ReferralSettings.from_config(config),
            orders=OrderSettings.from_config(config),
            emails=EmailSettings.from_config(config),
            locations=LocationSettings.from_config(config),
            geocoder=GeocoderSettings.from_config(config),
            push=PushSettings.from_config(config),
        )


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = Settings.from_config(app.config)


def settings_for(app: Flask) -> Settings:
    return app.extensions[EXTENSION_KEY]


def current_settings() -> Settings:
    return settings_for(current_app)
