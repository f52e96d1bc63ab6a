"""SQL functions that SQLite and PostgreSQL spell differently, written once for the services."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


class text_position(FunctionElement):
    """Where ``needle`` first occurs in ``haystack`` (1-based), 0 when it does not: SQLite's instr(),
    PostgreSQL's strpos(). Unlike LIKE it needs no escaping of % and _ in what a person typed."""

    type = Integer()
    inherit_cache = True
    name = "text_position"


@compiles(text_position)
def _instr(element: text_position, compiler: Any, **kw: Any) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(text_position, "postgresql")
def _strpos(element: text_position, compiler: Any, **kw: Any) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


def contains_text(haystack: Any, needle: str) -> ColumnElement[bool]:
    """``haystack`` holds ``needle`` exactly as typed (case and all)."""
    return text_position(haystack, needle) > 0
