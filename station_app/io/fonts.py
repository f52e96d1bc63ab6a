"""The one CJK font for every PDF the app writes, and small helpers to measure and wrap text with it.

WenQuanYi Micro Hei ships in ``resources/fonts`` (``config.FONT_FILE``, a TrueType collection).
reportlab embeds a subset of it in every PDF, so printouts show Chinese on any computer,
never boxes. Printouts reach these helpers through the PDF toolkit, :mod:`station_app.io.pdf`,
which draws with them.
"""
from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from station_app import config
from station_app.i18n import tr

FONT_NAME = "WQYMicroHei"
"""The reportlab name of the bundled font, as returned by :func:`register_pdf_fonts`."""

_lock = threading.Lock()
_registered: set[str] = set()


class FontNotFoundError(FileNotFoundError):
    """The bundled font file is missing; the message names the path."""


def register_pdf_fonts() -> str:
    """Register the bundled font with reportlab (once) and return its name for ``setFont``."""
    return _register(FONT_NAME, Path(config.FONT_FILE))


def _register(name: str, path: Path) -> str:
    with _lock:
        if name in _registered:
            return name
        if not path.is_file():
            raise FontNotFoundError(tr("找不到字体文件：{path}，无法生成 PDF。请重新安装本程序。", path=path))
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
        _registered.add(name)
        return name


def text_width(text: str, size: float, font: str = FONT_NAME) -> float:
    """Width of ``text`` in points."""
    return pdfmetrics.stringWidth(text, font, size)


def fit_font_size(text: str, max_width: float, size: float, min_size: float, font: str = FONT_NAME) -> float:
    """The largest size from ``size`` down to ``min_size`` at which ``text`` fits ``max_width``.

    Returns ``min_size`` when even that is too wide (wrap the text then, see :func:`wrap_text`).
    """
    width = text_width(text, size, font)
    if width <= max_width or width == 0:
        return size
    fitted = size * max_width / width
    return max(min_size, fitted - 0.01)


_NO_LINE_START = set("，。、；：？！）》」』】〕…,.;:?!)]}%")
_NO_LINE_END = set("（《「『【〔([{")


def wrap_text(text: str, size: float, max_width: float, font: str = FONT_NAME) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width``.

    Chinese breaks between any two characters; runs of Latin letters and digits (``9:30``,
    ``0393-1234567``) stay whole when they fit on a line; closing punctuation never starts a
    line and opening brackets never end one. Explicit newlines are kept.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, size, max_width, font))
    return lines


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    word = ""
    for char in text:
        if (char.isascii() and not char.isspace()) or char in "–‐‑":
            word += char
            continue
        if word:
            tokens.append(word)
            word = ""
        tokens.append(char)
    if word:
        tokens.append(word)
    return tokens


def _wrap_paragraph(text: str, size: float, max_width: float, font: str) -> list[str]:
    lines: list[str] = []
    line: list[str] = []  # tokens of the line being filled

    def width(tokens: list[str]) -> float:
        return text_width("".join(tokens), size, font)

    def flush() -> None:
        if "".join(line).strip():
            lines.append("".join(line).strip())
        line.clear()

    for token in _tokens(text):
        if width([*line, token]) <= max_width:
            line.append(token)
            continue
        if token.isspace():
            flush()
            continue
        carry: list[str] = []
        if token[0] in _NO_LINE_START and len(line) > 1:
            carry.append(line.pop())  # closing punctuation stays with the token before it
        while len(line) > 1 and line[-1] in _NO_LINE_END:
            carry.insert(0, line.pop())  # an opening bracket moves down with what it opens
        flush()
        line.extend(carry)
        if width([*line, token]) <= max_width or line:
            line.append(token)
            continue
        for char in token:  # a word wider than the whole line is broken by characters
            if line and width([*line, char]) > max_width:
                flush()
            line.append(char)
    flush()
    return lines or [""]
