"""Hostile workbooks, built fast: the XML of an .xlsx written straight into a zip (no openpyxl).

A million rows take a couple of seconds to write this way; the bombs are built from one compressed block
repeated, so a sheet that unpacks to gigabytes costs a few megabytes and well under a second.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(row: int, col: int, value: object) -> str:
    """One ``<c>``: a number, a formula (text starting with "=", with no cached value), or an inline string."""
    ref = f"{column_letters(col)}{row}"
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    text = str(value)
    if text.startswith("=") and len(text) > 1:
        return f'<c r="{ref}"><f>{escape(text[1:])}</f></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def rows_xml(rows: Iterable[Sequence[object]], first_row: int = 1) -> Iterable[str]:
    for number, cells in enumerate(rows, start=first_row):
        yield f'<row r="{number}">' + "".join(cell_xml(number, col, v) for col, v in enumerate(cells)) + "</row>"


def write_xlsx(path: Path, rows: Iterable[Sequence[object]], *, dimension: str | None = None,
               shared_strings: bytes | None = None, sheet_xml: bytes | None = None) -> Path:
    """An .xlsx of one sheet: ``rows`` streamed into the sheet's XML (``sheet_xml`` instead, when given)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        _skeleton(archive)
        archive.writestr("xl/sharedStrings.xml", shared_strings or _shared_strings_xml([]))
        if sheet_xml is not None:
            archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
            return path
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = SHEET_HEAD + (f'<dimension ref="{dimension}"/>' if dimension else "") + "<sheetData>"
            sheet.write(head.encode())
            batch: list[str] = []
            for text in rows_xml(rows):
                batch.append(text)
                if len(batch) >= 5000:
                    sheet.write("".join(batch).encode())
                    batch.clear()
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
    return path


def _skeleton(archive: zipfile.ZipFile) -> None:
    archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
    archive.writestr("_rels/.rels", _ROOT_RELS)
    archive.writestr("xl/workbook.xml", _WORKBOOK)
    archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)


def _shared_strings_xml(strings: Sequence[str]) -> bytes:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>').encode()


def million_rows(path: Path, count: int = 1_000_000, *, bad_every: int = 0, dimension: bool = True) -> Path:
    """A visits log of ``count`` rows (every ``bad_every``-th with 人数 "x"), in shared strings; a couple of seconds."""
    strings = ["接待时间", "来访人", "人数", "反映问题", "2025-03-05 09:30", "群众", "路灯坏了", "x"]
    head = SHEET_HEAD + (f'<dimension ref="A1:D{count + 1}"/>' if dimension else "") + "<sheetData>"
    head += '<row r="1">' + "".join(f'<c r="{"ABCD"[i]}1" t="s"><v>{i}</v></c>' for i in range(4)) + "</row>"
    good = '<row r="{n}"><c r="A{n}" t="s"><v>4</v></c><c r="B{n}" t="s"><v>5</v></c><c r="C{n}"><v>1</v></c>' \
           '<c r="D{n}" t="s"><v>6</v></c></row>'
    bad = good.replace('<c r="C{n}"><v>1</v></c>', '<c r="C{n}" t="s"><v>7</v></c>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        _skeleton(archive)
        archive.writestr("xl/sharedStrings.xml", _shared_strings_xml(strings))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            for start in range(2, count + 2, 10_000):
                sheet.write("".join((bad if bad_every and n % bad_every == 0 else good).format(n=n)
                                    for n in range(start, min(start + 10_000, count + 2))).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def long_shared_string(path: Path, characters: int = 30_000, cells: int = 150_000) -> Path:
    """One shared string as long as a cell may be (30,000 characters), used by every cell of a long sheet:
    a reader that copies it into each cell holds gigabytes."""
    head = SHEET_HEAD + "<sheetData>" + '<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>2</v></c></row>'
    row = '<row r="{n}"><c r="A{n}" t="s"><v>0</v></c><c r="B{n}" t="s"><v>0</v></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        _skeleton(archive)
        archive.writestr("xl/sharedStrings.xml", _shared_strings_xml(["长" * characters, "来访人", "反映问题"]))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(head.encode())
            sheet.write("".join(row.format(n=n) for n in range(2, cells + 2)).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


# --- bombs ------------------------------------------------------------------------------------

def _repeated_deflate(head: bytes, unit: bytes, repeats: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + unit * repeats + tail, built from one compressed block of ``unit`` repeated:
    (compressed bytes, CRC-32, uncompressed size). Cheap however large the result unpacks."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = [comp.compress(head), comp.flush(zlib.Z_FULL_FLUSH)]
    block = comp.compress(unit) + comp.flush(zlib.Z_FULL_FLUSH)  # a full flush resets the history: each
    again = comp.compress(unit) + comp.flush(zlib.Z_FULL_FLUSH)  # copy of unit compresses the same way
    assert block == again
    out.append(block * repeats)
    out.append(comp.compress(tail) + comp.flush())
    crc = zlib.crc32(head)
    unit_crc_state = crc
    for _ in range(repeats):
        unit_crc_state = zlib.crc32(unit, unit_crc_state)
    crc = zlib.crc32(tail, unit_crc_state)
    return b"".join(out), crc, len(head) + len(unit) * repeats + len(tail)


def _write_raw_member(archive_path: Path, name: str, data: bytes, crc: int, size: int, *,
                      declared_size: int | None = None) -> None:
    """Append one deflated member whose compressed bytes are given (zipfile cannot take those)."""
    declared = size if declared_size is None else declared_size
    with zipfile.ZipFile(archive_path, "a") as archive:
        info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size = declared
        info.compress_size = len(data)
        info.CRC = crc
        zip64 = declared > 0xFFFFFFFF
        archive.fp.seek(archive.start_dir)
        info.header_offset = archive.fp.tell()
        archive.fp.write(info.FileHeader(zip64))
        archive.fp.write(data)
        archive.filelist.append(info)
        archive.NameToInfo[name] = info
        archive.start_dir = archive.fp.tell()
        archive._didModify = True


def sheet_bomb(path: Path, gigabytes: float = 4.0, *, honest: bool = True) -> Path:
    """A sheet whose XML unpacks to ``gigabytes`` GB of cells (a few MB on disk).

    ``honest=False`` declares a small uncompressed size in the zip's directory, as an attacker would."""
    row = ('<row><c t="inlineStr"><is><t>2025-03-05</t></is></c><c t="inlineStr"><is><t>炸</t></is></c>'
           '<c><v>1</v></c><c t="inlineStr"><is><t>路灯坏了</t></is></c></row>').encode()
    unit = row * (1024 * 1024 // len(row))
    head = (SHEET_HEAD + "<sheetData>" + "".join(rows_xml([["接待时间", "来访人", "人数", "反映问题"]]))).encode()
    tail = b"</sheetData></worksheet>"
    repeats = int(gigabytes * 1024)
    data, crc, size = _repeated_deflate(head, unit, repeats, tail)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _skeleton(archive)
        archive.writestr("xl/sharedStrings.xml", _shared_strings_xml([]))
    _write_raw_member(path, "xl/worksheets/sheet1.xml", data, crc, size,
                      declared_size=None if honest else 4096)
    return path


def shared_strings_bomb(path: Path, megabytes: float = 5.0) -> Path:
    """A 5 MB file whose shared strings unpack to gigabytes, with a sheet that uses them everywhere."""
    strings_head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>').encode()
    unit = b"A" * (1024 * 1024)
    tail = b"</t></si></sst>"
    # about 1,000:1 for a run of one letter: ``megabytes`` of file unpack to ~``megabytes`` GB
    repeats = int(megabytes * 1000)
    data, crc, size = _repeated_deflate(strings_head, unit, repeats, tail)
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c><c r="B{r}" t="s"><v>0</v></c></row>'
                    for r in range(1, 200))
    sheet = (SHEET_HEAD + "<sheetData>" + cells + "</sheetData></worksheet>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _skeleton(archive)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    _write_raw_member(path, "xl/sharedStrings.xml", data, crc, size)
    return path


def corner_cells(path: Path) -> Path:
    """Two cells, A1 and XFD1048576: tiny on disk, but a reader that fills the range in between fills terabytes."""
    sheet = (SHEET_HEAD + '<dimension ref="A1:XFD1048576"/><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>电话</t></is></c></row>'
             '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>').encode()
    return write_xlsx(path, [], sheet_xml=sheet)


def encrypted_workbook(path: Path) -> Path:
    """What Excel writes for a workbook with an opening password: an OLE (CFB) container holding
    EncryptionInfo and EncryptedPackage streams, not a zip."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9)
    header += b"\0" * (512 - len(header))
    names = b"".join(n.encode("utf-16-le") + b"\0\0" for n in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    path.write_bytes(header + names + b"\0" * (4096 - len(names)))
    return path
