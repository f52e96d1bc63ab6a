"""A sentence the program writes into a record (a referral's history note), kept so that it can be
read in either language: the ``tr()`` source template and its values, rendered when it is shown.

A value is text as typed (a unit's name, a reason), a number, a date (shown as 2026年12月5日 or
12/5/2026), a vocabulary word (shown by its label), or another message.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from station_app import vocab
from station_app.i18n import chinese_date, tr


@dataclass(frozen=True)
class Message:
    template: str
    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, template: str, /, **values: Any) -> "Message":
        return cls(template, values)

    def render(self) -> str:
        """The sentence in the interface language of now."""
        return tr(self.template, **{key: _render(value) for key, value in self.values.items()})

    def to_json(self) -> dict[str, Any]:
        return {"template": self.template, "values": {key: _dump(value) for key, value in self.values.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Message":
        return cls(data["template"], {key: _load(value) for key, value in data.get("values", {}).items()})


def _render(value: Any) -> Any:
    if isinstance(value, Message):
        return value.render()
    if isinstance(value, vocab.Word):
        return value.label
    if isinstance(value, dt.date):
        return chinese_date(value)
    return value


def _dump(value: Any) -> Any:
    if isinstance(value, Message):
        return {"message": value.to_json()}
    if isinstance(value, vocab.Word):
        return {"word": type(value).__name__, "value": value.value}
    if isinstance(value, dt.datetime):
        return {"date": value.date().isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return value


def _load(value: Any) -> Any:
    if isinstance(value, dict):
        if "message" in value:
            return Message.from_json(value["message"])
        if "word" in value:
            words = getattr(vocab, value["word"], None)
            member = words.parse(value["value"]) if isinstance(words, type) and issubclass(words, vocab.Word) else None
            return member if member is not None else value["value"]
        if "date" in value:
            return dt.date.fromisoformat(value["date"])
    return value
