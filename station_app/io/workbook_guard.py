"""What a workbook is, and how big it really is, found out before it is read.

python-calamine reads a whole sheet into memory, and fills the rectangle between the first and the
last cell. So a hostile file — a FIFO or a device named .xlsx, a "zip bomb" whose sheet unpacks to
gigabytes, one long shared string repeated in every cell, two cells at A1 and XFD1048576, a million
rows — would fill memory or never end. :func:`check_workbook` looks first, cheaply:

1. the file itself: a regular file (not a pipe or a device), not empty, not too large;
2. what its first bytes say it is: a zip (an .xlsx), an OLE container (an old .xls, or an .xlsx with
   an opening password, which Excel stores encrypted in such a container), a text file (a CSV with
   the wrong name), or nothing a spreadsheet program writes;
3. for a zip: each part's unpacked size as the archive declares it (Python's zipfile and calamine's
   both stop at the declared size, so a part cannot unpack to more), then every part streamed once,
   1 MB at a time, counting rows, columns, cells, the text the cells hold (a shared string counted
   each time a cell uses it) and the longest run of text, and stopping at the first limit passed.

The limits are stated here, and each refusal says which one, naming the file.
"""
from __future__ import annotations

import os
import re
import stat
import zipfile
from array import array
from collections.abc import Iterator
from pathlib import Path

from station_app.i18n import tr

__all__ = [
    "MAX_CELLS",
    "MAX_CELL_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_TEXT_BYTES",
    "MAX_UNPACKED_BYTES",
    "MAX_WORKBOOK_BYTES",
    "WorkbookError",
    "check_workbook",
]


class WorkbookError(Exception):
    """A workbook could not be read; the message is ready to show.

    It names the file, and the sheet, row or column where that helps the user find the problem.
    """


#: the largest workbook read: 100,000 visits take about 10 MB
MAX_WORKBOOK_BYTES = 200 * 1024 * 1024
#: the most an .xlsx (a zip) may unpack to, all its parts together: 100,000 visits written with inline
#: strings take about 90 MB
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
#: rows of one sheet (a station's list or log has hundreds or thousands of rows a year)
MAX_ROWS = 100_000
#: columns of one sheet (the widest table of the program has about 40)
MAX_COLUMNS = 256
#: cells written, all sheets together; and cells of the rectangle calamine fills for a sheet wider than Z
#: (rows × columns from A1 to the last cell; up to Z, MAX_ROWS bounds it)
MAX_CELLS = 3_000_000
#: the text the cells hold, all sheets together, a shared string counted each time a cell uses it
MAX_TEXT_BYTES = 96 * 1024 * 1024
#: the longest text between two tags: Excel's own limit is 32,767 characters a cell (×8 for UTF-8 and escapes)
MAX_CELL_BYTES = 8 * 32_767

_CHUNK = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))

# A sheet's markup, searched as bytes (a regular expression per cell would take seconds a sheet).
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData[\s>/]")
_BIG_ROW_REF = re.compile(rb' r="[A-Z]{0,3}(\d{6,})"')  # rows from 100,000: few in an ordinary sheet
_WIDE_REF = re.compile(rb' r="([A-Z]{2,})\d')  # columns from AA
_SHARED_CELL = re.compile(rb't="s"[^>]*>\s*<(?:\w+:)?v>\s*(\d{1,10})\s*<')
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*?\bref=\"([A-Z]{1,3})?(\d{1,9})?(?::([A-Z]{1,3})(\d{1,9}))?\"")
_TAG = re.compile(rb"<[^>]*>")
_SHARED_ITEM = re.compile(rb"<(?:\w+:)?si[\s>/].*?</(?:\w+:)?si>|<(?:\w+:)?si\s*/>", re.S)
#: a run of text is looked for in windows of half the longest allowed: any longer run fills a whole window
_WINDOW = MAX_CELL_BYTES // 2


def check_workbook(path: Path) -> None:
    """Refuse, before reading, a file that is not a workbook or that would fill memory; else return.

    Raises :class:`WorkbookError` with a message naming the file and the limit passed.
    """
    name = path.name
    try:
        info = os.stat(path)  # follows a symlink: /dev/zero linked as x.xlsx is a device
    except FileNotFoundError:
        raise WorkbookError(tr("找不到文件 {path}", path=path)) from None
    except OSError as exc:
        raise WorkbookError(tr("无法打开 {file}：{error}", file=name, error=exc.strerror or exc)) from exc
    if stat.S_ISDIR(info.st_mode):
        raise WorkbookError(tr("{file} 是文件夹，不是 Excel 工作簿（.xlsx）", file=name))
    if not stat.S_ISREG(info.st_mode):
        raise WorkbookError(tr("{file} 不是普通文件（是管道、设备或套接字），不是 Excel 工作簿，未读取", file=name))
    if info.st_size == 0:
        raise WorkbookError(tr("{file} 是空文件（0 字节），不是 Excel 工作簿：请重新保存或重新复制该文件", file=name))
    if info.st_size > MAX_WORKBOOK_BYTES:
        raise WorkbookError(tr("{file} 太大（{size} MB，最多 {limit} MB），不像是一份名册或登记表，未读取",
                               file=name, size=info.st_size // (1024 * 1024),
                               limit=MAX_WORKBOOK_BYTES // (1024 * 1024)))
    try:
        with open(path, "rb") as stream:
            head = stream.read(64 * 1024)
    except PermissionError as exc:
        raise WorkbookError(
            tr("无法打开 {file}：没有读取权限，或文件正在被 Excel 等程序占用，请关闭后重试", file=name)) from exc
    except OSError as exc:
        raise WorkbookError(tr("无法打开 {file}：{error}", file=name, error=exc.strerror or exc)) from exc
    if head.startswith(_ZIP_MAGIC) or head.startswith(_EMPTY_ZIP_MAGIC):
        _check_zip(path)
    elif head.startswith(_OLE_MAGIC):
        if _is_encrypted(path):
            raise WorkbookError(tr("{file} 设置了打开密码（文件已加密），无法读取。请在 Excel 中打开，"
                                   "取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存为 .xlsx 再导入",
                                   file=name))
        # an old .xls: calamine reads it (at most 65,536 rows × 256 columns, bounded by the format)
    elif _looks_like_text(head):
        raise WorkbookError(tr("{file} 不是有效的 Excel 工作簿（.xlsx），而是文本文件（例如改了扩展名的 CSV）。"
                               "请在 Excel 中打开并另存为 .xlsx 后再导入", file=name))
    else:
        raise _not_a_workbook(path)


def _not_a_workbook(path: Path) -> WorkbookError:
    if path.suffix.lower() == ".xls":
        return WorkbookError(tr("{file} 是旧版 Excel 文件（.xls），无法读取。请在 Excel 中另存为 .xlsx 后再导入",
                                file=path.name))
    return WorkbookError(tr("{file} 不是有效的 Excel 工作簿（.xlsx），可能已损坏或并非 Excel 文件。"
                            "请在 Excel 中打开并另存为 .xlsx 后再导入", file=path.name))


def _damaged(path: Path) -> WorkbookError:
    return WorkbookError(tr("{file} 已损坏（压缩包不完整或内容被改动），无法读取。请向发送方要一份新的文件，"
                            "或在 Excel 中打开修复后另存为 .xlsx", file=path.name))


def _is_encrypted(path: Path) -> bool:
    """An OLE container with the streams Excel writes for a workbook with an opening password."""
    tail = b""
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _ENCRYPTED_STREAMS):
                return True
            tail = window[-64:]
    return False


def _looks_like_text(head: bytes) -> bool:
    if b"\0" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut by the 64 KB taken
                return True
    return False


class _Budget:
    """What the sheets hold so far, against the limits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.cells = 0
        self.text = 0

    def refuse(self, what: str) -> WorkbookError:
        return WorkbookError(tr("{file} {what}，超出本程序一次能读取的上限，未读取。"
                                "请把数据分成几个较小的文件，或删去多余的行和列后再导入", file=self.path.name, what=what))


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > MAX_UNPACKED_BYTES:
                raise WorkbookError(tr("{file} 解压后有 {size} MB（最多 {limit} MB），可能是恶意构造的压缩文件，未读取",
                                       file=path.name, size=unpacked // (1024 * 1024),
                                       limit=MAX_UNPACKED_BYTES // (1024 * 1024)))
            names = {entry.filename.lower() for entry in entries}
            if not any(n.endswith(".xml") and "workbook" in n.rsplit("/", 1)[-1] for n in names):
                raise _not_a_workbook(path)
            budget = _Budget(path)
            shared = array("Q")
            for entry in entries:
                if entry.filename.lower().endswith("sharedstrings.xml"):
                    shared = _shared_string_lengths(archive, entry, budget)
            for entry in entries:
                if entry.is_dir() or entry.filename.lower().endswith("sharedstrings.xml"):
                    continue
                _scan_part(archive, entry, shared, budget)
    except WorkbookError:
        raise
    except NotImplementedError as exc:  # a compression method no spreadsheet program uses
        raise _damaged(path) from exc
    except RuntimeError as exc:  # zipfile: "File … is encrypted, password required for extraction"
        raise WorkbookError(tr("{file} 设置了密码，无法读取。请在 Excel 中取消密码后另存为 .xlsx 再导入",
                               file=path.name)) from exc
    except Exception as exc:  # BadZipFile, a bad CRC, zlib.error, EOFError, struct.error: a damaged archive
        raise _damaged(path) from exc


def _pieces(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: _Budget) -> Iterator[bytes]:
    """The part's bytes in pieces that each end just before a tag, so no tag is cut in two; a run of
    text longer than a cell can hold is refused."""
    carry = b""
    with archive.open(entry) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            data = carry + chunk
            cut = data.rfind(b"<")
            if cut <= 0:
                carry = data
            else:
                carry = data[cut:]
                yield data[:cut]
            if len(carry) > MAX_CELL_BYTES + _CHUNK:
                raise budget.refuse(tr("有一个单元格的内容超过 Excel 允许的 32767 个字"))
    if carry:
        yield carry


def _has_long_run(piece: bytes) -> bool:
    """Whether ``piece`` holds a run of text without a tag longer than a cell can hold (or nearly)."""
    find = piece.find
    return any(find(b"<", start, start + _WINDOW) == -1 for start in range(0, len(piece) - _WINDOW + 1, _WINDOW))


def _shared_string_lengths(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: _Budget) -> array:
    """The text length of each shared string, in order (a cell of type "s" names one by its index)."""
    lengths = array("Q")
    rest = b""
    for piece in _pieces(archive, entry, budget):
        data = rest + piece
        end = 0
        for match in _SHARED_ITEM.finditer(data):
            lengths.append(len(_TAG.sub(b"", match.group())))
            end = match.end()
        rest = data[end:]
        if len(rest) > MAX_CELL_BYTES * 2:
            raise budget.refuse(tr("有一个共享字符串超过 Excel 允许的 32767 个字"))
    if any(length > MAX_CELL_BYTES for length in lengths):
        raise budget.refuse(tr("有一个共享字符串超过 Excel 允许的 32767 个字"))
    return lengths


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _scan_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, shared: array, budget: _Budget) -> None:
    """Stream one part; for a sheet, count its rows, columns, cells and text against the limits."""
    rows = max_row = max_column = 0
    prefix: bytes | None = None  # the sheet's namespace prefix ("x:" in <x:row>), once its rows begin
    count = len(shared)
    for piece in _pieces(archive, entry, budget):
        if _has_long_run(piece):
            raise budget.refuse(tr("有一个单元格的内容超过 Excel 允许的 32767 个字"))
        if prefix is None:
            start = _SHEET_DATA.search(piece)
            if start is None:
                continue  # not a sheet (styles, theme, relationships), or not yet at its rows
            prefix = start.group(1) or b""
            _check_dimension(piece[:start.start()], budget)
        row_tag, cell_tag = b"<" + prefix + b"row", b"<" + prefix + b"c"
        rows += piece.count(row_tag + b" ") + piece.count(row_tag + b">")
        budget.cells += piece.count(cell_tag + b" ") + piece.count(cell_tag + b">")
        for digits in _BIG_ROW_REF.findall(piece):
            max_row = max(max_row, int(digits))
        for letters in set(_WIDE_REF.findall(piece)):
            max_column = max(max_column, _column_number(letters))
        budget.text += len(piece)
        for index in _SHARED_CELL.findall(piece):
            number = int(index)
            if number < count:
                budget.text += shared[number]
        rows_now = max(rows, max_row)
        if rows_now > MAX_ROWS:
            raise budget.refuse(tr("的工作表超过 {limit} 行", limit=f"{MAX_ROWS:,}"))
        if max_column > MAX_COLUMNS:
            raise budget.refuse(tr("的工作表超过 {limit} 列", limit=MAX_COLUMNS))
        if budget.cells > MAX_CELLS or rows_now * max_column > MAX_CELLS:
            raise budget.refuse(tr("的单元格超过 {limit} 个", limit=f"{MAX_CELLS:,}"))
        if budget.text > MAX_TEXT_BYTES:
            raise budget.refuse(tr("单元格中的文字超过 {limit} MB", limit=MAX_TEXT_BYTES // (1024 * 1024)))


def _check_dimension(piece: bytes, budget: _Budget) -> None:
    """The sheet's own statement of its used range (<dimension ref="A1:K200">), refused before any row."""
    match = _DIMENSION.search(piece)
    if match is None:
        return
    _c0, _r0, c1, r1 = match.groups()
    if not r1:
        return
    rows, columns = int(r1), _column_number(c1)
    if rows > MAX_ROWS:
        raise budget.refuse(tr("的工作表声明有 {n} 行（最多 {limit} 行）", n=f"{rows:,}", limit=f"{MAX_ROWS:,}"))
    if columns > MAX_COLUMNS:
        raise budget.refuse(tr("的工作表声明有 {n} 列（最多 {limit} 列）", n=f"{columns:,}", limit=MAX_COLUMNS))
    if rows * columns > MAX_CELLS:
        raise budget.refuse(tr("的工作表声明有 {n} 个单元格（最多 {limit} 个）", n=f"{rows * columns:,}",
                               limit=f"{MAX_CELLS:,}"))
