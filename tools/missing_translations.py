"""List the Chinese source strings passed to tr() that have no English entry yet.

    python tools/missing_translations.py            # list them
    python tools/missing_translations.py --json     # as a JSON object to fill in
"""
from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def source_strings() -> dict[str, str]:
    """Every literal first argument of tr(...) or Message.of(...) in station_app, with the first place it appears."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "station_app").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and _translated(node.func)
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _translated(func: ast.expr) -> bool:
    """tr(...), or Message.of(...): a sentence translated when it is shown."""
    if isinstance(func, ast.Name):
        return func.id == "tr"
    return isinstance(func, ast.Attribute) and func.attr == "of" and getattr(func.value, "id", "") == "Message"


def missing() -> dict[str, str]:
    catalogue = json.loads((ROOT / "resources" / "translations" / "en.json").read_text(encoding="utf-8"))
    return {text: where for text, where in source_strings().items() if text not in catalogue}


if __name__ == "__main__":
    todo = missing()
    if "--json" in sys.argv:
        print(json.dumps({text: "" for text in todo}, ensure_ascii=False, indent=1))
    else:
        for text, where in todo.items():
            print(f"{where}\t{text!r}")
        print(f"{len(todo)} missing", file=sys.stderr)
