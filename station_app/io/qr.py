"""QR codes for representatives and stations: the module matrix, PNG images, file names.

Payloads are often Chinese (a vCard with a name and a station). They are encoded as UTF-8
and, when they contain anything beyond ASCII, preceded by an ECI 26 ("this is UTF-8")
designator, so a standard-conforming scanner never has to guess the character set. Pure
ASCII payloads (web addresses) are encoded without ECI, exactly as every scanner expects.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode import util
from qrcode.base import rs_blocks
from qrcode.constants import ERROR_CORRECT_M

from station_app import config
from station_app.i18n import tr
from station_app.io.files import atomic_path

ERROR_CORRECTION = ERROR_CORRECT_M
QUIET_ZONE = 4
"""Modules of white border the QR standard asks for around the code."""

_MODE_ECI = 0b0111
_ECI_UTF8 = 26
_MAX_DIGITS = 5596  # capacity of version 40 at level M in numeric mode
_OPTIMIZE = 20  # same as qrcode's default: numeric/alphanumeric runs of 20+ get their own segment


def _segments(data: bytes) -> list[util.QRData]:
    return list(util.optimal_data_chunks(data, minimum=_OPTIMIZE))


def _bits_needed(segments: list[util.QRData], data_bits: int, version: int, eci: bool) -> int:
    sizes = util.mode_sizes_for_version(version)
    header = 12 if eci else 0  # 4-bit ECI mode + 8-bit designator
    return header + data_bits + sum(4 + sizes[segment.mode] for segment in segments)


def _data_bits(segments: list[util.QRData]) -> int:
    buffer = util.BitBuffer()
    for segment in segments:
        segment.write(buffer)
    return len(buffer)


def _create_data(version: int, segments: list[util.QRData], eci: bool) -> list[int]:
    """qrcode's ``util.create_data`` with an optional ECI header in front of the segments."""
    buffer = util.BitBuffer()
    if eci:
        buffer.put(_MODE_ECI, 4)
        buffer.put(_ECI_UTF8, 8)
    for segment in segments:
        buffer.put(segment.mode, 4)
        buffer.put(len(segment), util.length_in_bits(segment.mode, version))
        segment.write(buffer)
    blocks = rs_blocks(version, ERROR_CORRECTION)
    bit_limit = sum(block.data_count * 8 for block in blocks)
    for _ in range(min(bit_limit - len(buffer), 4)):
        buffer.put_bit(False)
    if len(buffer) % 8:
        for _ in range(8 - len(buffer) % 8):
            buffer.put_bit(False)
    for i in range((bit_limit - len(buffer)) // 8):
        buffer.put(util.PAD0 if i % 2 == 0 else util.PAD1, 8)
    return util.create_bytes(buffer, blocks)


@lru_cache(maxsize=256)
def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The dark (True) and light modules of the code for ``payload``, without quiet zone.

    Error correction level M, the smallest version that holds the payload.
    Raises ``ValueError`` (message in Chinese) when the payload is too long for any QR code.
    """
    if not payload:
        raise ValueError(tr("二维码内容不能为空"))
    data = payload.encode("utf-8")
    eci = not payload.isascii()
    limits = util.BIT_LIMIT_TABLE[ERROR_CORRECTION]
    if len(data) > _MAX_DIGITS:  # more than even an all-digit payload could pack: don't bother
        raise _too_long(data)
    segments = _segments(data)
    data_bits = _data_bits(segments)
    for version in range(1, 41):
        if _bits_needed(segments, data_bits, version, eci) <= limits[version]:
            break
    else:
        raise _too_long(data)
    code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECTION, border=0)
    code.data_cache = _create_data(version, segments, eci)
    code.make(fit=False)
    return tuple(tuple(bool(cell) for cell in row) for row in code.modules)


def _too_long(data: bytes) -> ValueError:
    return ValueError(
        tr("二维码内容太长（{size} 字节），一个二维码最多能放约 {limit} 字节，请缩短内容。",
           size=len(data), limit=max_payload_bytes())
    )


def max_payload_bytes() -> int:
    """Capacity of the largest code (version 40, level M) for UTF-8 text with ECI."""
    return (util.BIT_LIMIT_TABLE[ERROR_CORRECTION][40] - 12 - 4 - 16) // 8


def qr_image(payload: str, *, box_size: int = 10, border: int = QUIET_ZONE) -> Image.Image:
    """A black-on-white greyscale ("L") image of the code, ``box_size`` pixels per module."""
    if box_size < 1 or border < 0:
        raise ValueError("box_size must be >= 1 and border >= 0")
    matrix = qr_matrix(payload)
    count = len(matrix) + 2 * border
    small = Image.new("L", (count, count), 255)
    small.putdata(
        [0 if 0 <= r - border < len(matrix) and 0 <= c - border < len(matrix) and matrix[r - border][c - border]
         else 255
         for r in range(count) for c in range(count)]
    )
    return small.resize((count * box_size, count * box_size), Image.Resampling.NEAREST)


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
    target = Path(path)
    with atomic_path(target) as tmp:
        image.save(tmp, format="PNG")
    return target


_ILLEGAL = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(text: str, *, max_length: int = 80) -> str:
    """A file name made from ``text`` (e.g. a Chinese name) that is legal on Windows, macOS and Linux.

    Chinese and other letters are kept; ``\\ / : * ? " < > |`` and control characters are
    dropped; runs of spaces collapse; leading/trailing dots and spaces go; Windows device names
    (CON, NUL, COM1 ...) get a leading ``_``. Nothing left gives "未命名".
    """
    cleaned = _ILLEGAL.sub("", text)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")
    cleaned = cleaned[:max_length].rstrip(" .")
    if not cleaned:
        return tr("未命名")
    if cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = "_" + cleaned
    return cleaned
