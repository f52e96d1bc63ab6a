"""One translation mechanism for both faces (window and command line).

Chinese is the source language: every user-visible string is written in Chinese and passed
through ``tr()``. English texts live in ``resources/translations/en.json`` keyed by the Chinese
source; a string with no English entry falls back to Chinese. ``tools/missing_translations.py``
lists the strings still to translate.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING

from station_app.config import RESOURCES

if TYPE_CHECKING:
    import datetime

_language = "zh"


def set_language(language: str) -> None:
    global _language
    _language = "en" if language.lower().startswith("en") else "zh"


def language() -> str:
    return _language


@lru_cache(maxsize=None)
def _catalogue(language: str) -> dict[str, str]:
    path = RESOURCES / "translations" / f"{language}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


WEEKDAYS_LONG = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
WEEKDAYS_SHORT = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def weekday(index: int, short: bool = False) -> str:
    """The name of weekday ``index`` (0 = Monday), whole in each language: 星期三 / Wednesday."""
    return tr((WEEKDAYS_SHORT if short else WEEKDAYS_LONG)[index])


def chinese_date(day: datetime.date | datetime.datetime | None) -> str:
    """"2026年12月5日", without zero padding (a datetime prints its date only); "" for None."""
    if day is None:
        return ""
    return tr("{year}年{month}月{day}日", year=day.year, month=day.month, day=day.day)


def tr(text: str, /, **values: object) -> str:
    """Translate ``text`` (Chinese source) and fill ``{placeholders}`` from ``values``."""
    if _language != "zh":
        text = _catalogue(_language).get(text, text)
    return text.format(**values) if values else text
