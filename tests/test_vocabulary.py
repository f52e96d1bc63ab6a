"""The one vocabulary: every domain word is written once, in station_app/vocab.py."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from station_app import vocab
from station_app.i18n import set_language
from station_app.vocab import Attendance, Channel, Outcome, ReferralState, Word

ROOT = Path(__file__).resolve().parent.parent / "station_app"
VOCABULARIES = [obj for obj in vars(vocab).values()
                if isinstance(obj, type) and issubclass(obj, Word) and obj is not Word]


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _exempt_nodes(tree: ast.AST) -> set[int]:
    """Literals that are not domain values: what is passed to tr() (the wording of a button or a title),
    the header texts an importer accepts (``*_HEADERS`` tables), and the parts of f-strings."""
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and (
                getattr(node.func, "id", "") == "tr"
                or (getattr(node.func, "attr", "") == "of" and getattr(node.func.value, "id", "") == "Message")):
            exempt.add(id(node.args[0]))
        elif isinstance(node, ast.JoinedStr):
            exempt.update(id(part) for part in node.values)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(getattr(t, "id", "").endswith("_HEADERS") for t in targets) and node.value is not None:
                exempt.update(id(n) for n in ast.walk(node.value))
    return exempt


def test_no_domain_word_is_written_outside_the_vocabulary():
    words = {m.value for v in VOCABULARIES for m in v if _chinese(m.value)}
    bare = []
    for path in sorted(ROOT.rglob("*.py")):
        if path.name == "vocab.py" or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        exempt = _exempt_nodes(tree)
        bare += [f"{path.relative_to(ROOT.parent)}:{node.lineno} {node.value!r}" for node in ast.walk(tree)
                 if isinstance(node, ast.Constant) and node.value in words and id(node) not in exempt]
    assert not bare, "domain words written outside vocab.py:\n" + "\n".join(bare)


def test_every_word_has_a_label_in_both_languages_and_parses_back():
    for vocabulary in VOCABULARIES:
        for member in vocabulary:
            assert member.english and member.chinese_label, member
            assert vocabulary.parse(member.value) is member
            assert vocabulary.parse(member.english.upper()) is member


@pytest.mark.parametrize("language, expected", [("zh", "办结"), ("en", "Closed")])
def test_a_stored_value_is_shown_in_the_chosen_language(language, expected):
    set_language(language)
    assert ReferralState.label_of("办结") == expected
    assert ReferralState.label_of("不认识的状态") == "不认识的状态"


def test_a_member_is_its_stored_chinese_word():
    assert Channel.STATION == "站内接待" and f"{Outcome.REFERRED}" == "交办"
    assert Attendance.values()[0] == "待签到"
