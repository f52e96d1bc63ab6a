"""QR codes for representatives and stations: the module matrix, PNG images, file names.

Payloads are often Chinese (a vCard with a name and a station). They are encoded as UTF-8
and, when they contain anything beyond ASCII, preceded by an ECI 26 ("this is UTF-8")
designator, so a standard-conforming scanner never has to guess the character set. Pure
ASCII payloads (web addresses) are encoded without ECI, exactly as every scanner expects.

The symbol is made by zxing-cpp's native writer (about half a millisecond a code, where the
pure-Python mask choice took some 25 ms): error correction level M, the smallest version that
holds the payload.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import zxingcpp
from PIL import Image, ImageDraw, ImageFont, ImageOps

from station_app import config
from station_app.i18n import tr
from station_app.io.files import atomic_path

ERROR_CORRECTION = "M"
QUIET_ZONE = 4
"""Modules of white border the QR standard asks for around the code."""

_V40_DATA_CODEWORDS = 2334  # version 40 at level M
_ECI_HEADER_BITS = 12  # 4-bit ECI mode + 8-bit designator


@lru_cache(maxsize=1024)
def _symbol(payload: str) -> Image.Image:
    """The code as a greyscale image, one pixel per module (0 dark, 255 light), without quiet zone."""
    if not payload:
        raise ValueError(tr("二维码内容不能为空"))
    data = payload.encode("utf-8")  # a lone surrogate fails here, before the writer sees it
    options = {"ec_level": ERROR_CORRECTION}
    if not payload.isascii():
        options["eci"] = "UTF8"  # ECI 26, even where ISO-8859-1 would do (a name with "·")
    try:
        barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, **options)
    except ValueError:  # the writer's only complaint about a valid string: it does not fit
        raise _too_long(data) from None
    return Image.fromarray(barcode.to_image(add_quiet_zones=False)).convert("L")


_DARK_RUN = re.compile(rb"\x00+")


@lru_cache(maxsize=1024)
def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The dark (True) and light modules of the code for ``payload``, without quiet zone.

    Error correction level M, the smallest version that holds the payload.
    Raises ``ValueError`` (message in Chinese) when the payload is too long for any QR code.
    """
    symbol = _symbol(payload)
    size = symbol.width
    cells = symbol.tobytes().translate(_IS_DARK)
    return tuple(tuple(map(bool, cells[r * size:(r + 1) * size])) for r in range(size))


_IS_DARK = bytes(1 if value < 128 else 0 for value in range(256))


def dark_runs(payload: str) -> tuple[int, list[tuple[int, int, int]]]:
    """The code's size in modules and its runs of dark modules, row by row: ``(row, first column, length)``.

    What a vector drawing needs (one rectangle a run), found by one regular-expression scan over
    the rows joined with a light separator, not by a Python loop over the modules.
    """
    symbol = _symbol(payload)
    size = symbol.width
    cells = symbol.tobytes()
    joined = b"\xff".join(cells[start:start + size] for start in range(0, len(cells), size))
    stride = size + 1
    return size, [(*divmod(match.start(), stride), match.end() - match.start())
                  for match in _DARK_RUN.finditer(joined)]


def _too_long(data: bytes) -> ValueError:
    return ValueError(
        tr("二维码内容太长（{size} 字节），一个二维码最多能放约 {limit} 字节，请缩短内容。",
           size=len(data), limit=max_payload_bytes())
    )


def max_payload_bytes() -> int:
    """Capacity of the largest code (version 40, level M) for UTF-8 text with ECI."""
    return (_V40_DATA_CODEWORDS * 8 - _ECI_HEADER_BITS - 4 - 16) // 8


def qr_image(payload: str, *, box_size: int = 10, border: int = QUIET_ZONE) -> Image.Image:
    """A black-on-white greyscale ("L") image of the code, ``box_size`` pixels per module."""
    if box_size < 1 or border < 0:
        raise ValueError("box_size must be >= 1 and border >= 0")
    small = ImageOps.expand(_symbol(payload), border=border, fill=255)
    return small.resize((small.width * box_size, small.height * box_size), Image.Resampling.NEAREST)


@lru_cache(maxsize=16)
def _pil_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(config.FONT_FILE), size, index=0)


def _fit_lines(draw: ImageDraw.ImageDraw, text: str, size: int, min_size: int, width: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """Shrink ``text`` to fit ``width`` pixels; below ``min_size`` wrap it by characters."""
    for candidate in range(size, min_size - 1, -1):
        font = _pil_font(candidate)
        if draw.textlength(text, font=font) <= width:
            return font, [text]
    font = _pil_font(min_size)
    lines: list[str] = []
    line = ""
    for char in text:
        if line and draw.textlength(line + char, font=font) > width:
            lines.append(line)
            line = ""
        line += char
    lines.append(line)
    return font, lines


def save_qr_png(payload: str, path: Path | str, *, caption: str | None = None,
                subcaption: str | None = None, box_size: int = 10) -> Path:
    """Write the code as a PNG, with ``caption`` (e.g. the name) and ``subcaption`` printed under it.

    The file is written atomically; returns its path.
    """
    return write_png(captioned_qr_image(payload, caption=caption, subcaption=subcaption, box_size=box_size), path)


def captioned_qr_image(payload: str, *, caption: str | None = None, subcaption: str | None = None,
                       box_size: int = 10) -> Image.Image:
    """The code with ``caption`` and ``subcaption`` printed under it, as :func:`save_qr_png` writes it."""
    code = qr_image(payload, box_size=box_size)
    width = code.width
    margin = QUIET_ZONE * box_size
    texts = [(text, size) for text, size in ((caption, width // 9), (subcaption, width // 16)) if text]
    scratch = ImageDraw.Draw(Image.new("L", (1, 1)))
    blocks: list[tuple[ImageFont.FreeTypeFont, list[str]]] = []
    text_height = 0
    for text, size in texts:
        size = max(size, 12)
        font, lines = _fit_lines(scratch, text, size, max(12, size * 3 // 5), width - margin)
        blocks.append((font, lines))
        text_height += len(lines) * round(font.size * 1.35)
    if blocks:
        text_height += margin * 3 // 4  # breathing space under the last line
    image = Image.new("L", (width, code.height + text_height), 255)
    image.paste(code, (0, 0))
    draw = ImageDraw.Draw(image)
    # At least three of the four quiet-zone modules under the code stay white.
    y = code.height - margin // 4
    for font, lines in blocks:
        line_height = round(font.size * 1.35)
        for line in lines:
            draw.text((width / 2, y + line_height / 2), line, font=font, fill=0, anchor="mm")
            y += line_height
    return image


def write_png(image: Image.Image, path: Path | str) -> Path:
    """Write ``image`` as a PNG, atomically; returns the path. Pillow compresses without holding Python's
    lock, so a caller may run this in a worker thread while it draws the next image."""
    target = Path(path)
    with atomic_path(target) as tmp:
        image.save(tmp, format="PNG", compress_level=1, compress_type=3)  # zlib Z_RLE: fast, some 8 kB a code
    return target


_ILLEGAL = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


#: the longest file name (one path component) the file systems take, in bytes of UTF-8 (ext4, APFS; NTFS counts
#: 255 UTF-16 units, never more than the UTF-8 bytes)
NAME_MAX_BYTES = 255
#: what atomic_path adds to a name for its temporary file: "." before the stem, "-" and 8 random characters after
_TEMPORARY_EXTRA = 10


def safe_filename(text: str, *, max_length: int = 80, max_bytes: int = NAME_MAX_BYTES - _TEMPORARY_EXTRA) -> str:
    """A file name made from ``text`` (e.g. a Chinese name) that is legal on Windows, macOS and Linux.

    Chinese and other letters are kept; ``\\ / : * ? " < > |`` and control characters are
    dropped; runs of spaces collapse; leading/trailing dots and spaces go; Windows device names
    (CON, NUL, COM1 ...) get a leading ``_``. Nothing left gives "未命名". At most ``max_length``
    characters and ``max_bytes`` bytes of UTF-8, cut between characters.
    """
    cleaned = _ILLEGAL.sub("", text)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")
    cleaned = _cut_bytes(cleaned[:max_length], max_bytes).rstrip(" .")
    if not cleaned:
        return tr("未命名")
    if cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = _cut_bytes("_" + cleaned, max_bytes)
    return cleaned


def file_name(stem: str, suffix: str, *, reserve: int = 0) -> str:
    """``stem`` made safe and cut so that stem + ``suffix`` (".png") fits a file system's name, with room for
    atomic_path's temporary name and ``reserve`` more bytes (a "_1a2b3c4d" added to tell two people apart)."""
    budget = NAME_MAX_BYTES - _TEMPORARY_EXTRA - len(suffix.encode("utf-8")) - reserve
    return safe_filename(stem, max_bytes=budget) + suffix


def _cut_bytes(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` bytes of UTF-8, never inside a character."""
    return text.encode("utf-8")[:max(max_bytes, 0)].decode("utf-8", "ignore")
