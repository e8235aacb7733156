"""Blueprints: one per area of the app, each with its views.py and forms.py."""
