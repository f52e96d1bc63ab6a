"""Errors a person can act on: each message is ready to show, in the current language."""
from __future__ import annotations


class StationError(Exception):
    """Base of every error whose message is meant for the user."""


class NotFound(StationError):
    pass


class ValidationFailed(StationError):
    """Field-by-field problems: ``errors`` maps a field key to its message."""

    def __init__(self, errors: dict[str, str], place: str = "") -> None:
        self.errors = errors
        self.place = place
        text = "；".join(errors.values())
        super().__init__(f"{place}{text}" if place else text)
