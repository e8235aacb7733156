"""Putting cases into words for people: the court printouts, an application's summary, a
referral's content and wording. Read-only: nothing here changes state, and services never
import from here (a service that needs wording is given it by its caller)."""
