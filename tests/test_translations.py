"""The English catalogue covers every user-visible string and keeps their placeholders."""
from __future__ import annotations

import importlib.util
import json
import string
from pathlib import Path

from station_app.i18n import set_language, tr

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "resources" / "translations" / "en.json"


def _missing_translations_tool():
    spec = importlib.util.spec_from_file_location("missing_translations", ROOT / "tools" / "missing_translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_user_visible_string_has_an_english_translation():
    missing = _missing_translations_tool().missing()
    listing = "\n".join(f"{where}\t{text!r}" for text, where in missing.items())
    assert not missing, f"{len(missing)} strings have no English translation:\n{listing}"


def test_translations_keep_the_placeholders_of_the_source():
    catalogue = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    wrong = {chinese: english for chinese, english in catalogue.items()
             if _placeholders(english) != _placeholders(chinese)}
    assert not wrong, "placeholders differ:\n" + "\n".join(f"{k!r} -> {v!r}" for k, v in wrong.items())


def test_english_is_used_when_asked():
    set_language("en")
    try:
        assert tr("错误：{message}", message="x") == "Error: x"
    finally:
        set_language("zh")
    assert tr("错误：{message}", message="x") == "错误：x"
