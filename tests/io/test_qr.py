"""QR images: exact round trips through zxing-cpp (Chinese included), captioned PNGs, file names."""
from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from station_app.io.qr import (
    max_payload_bytes,
    qr_image,
    qr_matrix,
    safe_filename,
    save_qr_png,
)

URL = "https://rd.example.gov.cn/station/puyang-chengguan?src=qr&id=12"
VCARD = (
    "BEGIN:VCARD\n"
    "VERSION:3.0\n"
    "N:王;伟;;;\n"
    "FN:王伟\n"
    "ORG:濮阳县人大代表监督站\n"
    "TITLE:县级人大代表\n"
    "TEL;TYPE=CELL:13903930001\n"
    "END:VCARD"
)
MECARD = "MECARD:N:李娜;TEL:13912345678;NOTE:城关镇代表团 第一小组;;"
LONG_VCARD = (
    "BEGIN:VCARD\n"
    "VERSION:3.0\n"
    "N:阿不都热合曼·买买提;;;;\n"
    "FN:阿不都热合曼·买买提\n"
    "ORG:濮阳县城关镇人大代表联络站;城关镇代表团\n"
    "TITLE:濮阳县第十七届人民代表大会代表\n"
    "TEL;TYPE=CELL:13903930001\n"
    "TEL;TYPE=WORK:0393-1234567\n"
    "ADR;TYPE=WORK:;;人民路18号;濮阳县;河南省;457100;中国\n"
    "NOTE:接待时间每周二、周四上午\n"
    "END:VCARD"
)
PAYLOADS = [URL, VCARD, MECARD, LONG_VCARD, "王"]


def _decode(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def test_long_vcard_is_long():
    assert 300 <= len(LONG_VCARD.encode("utf-8")) <= 400


@pytest.mark.parametrize("payload", PAYLOADS, ids=["url", "vcard", "mecard", "long-vcard", "one-char"])
def test_qr_image_round_trip_is_exact(payload):
    image = qr_image(payload)
    assert _decode(image) == [payload]


def _raw_with_eci(payload: str) -> bytes:
    """The decoded content as bytes, with the symbology identifier and any ECI designator."""
    barcode = zxingcpp.read_barcodes(qr_image(payload), text_mode=zxingcpp.TextMode.HexECI)[0]
    return bytes.fromhex(barcode.text)


def test_chinese_payload_declares_utf8_with_eci_and_ascii_does_not():
    # "]Q2" = QR with ECI, "\\000026" = ECI 26 = UTF-8; "]Q1" = plain QR.
    assert _raw_with_eci(VCARD) == b"]Q2\\000026" + VCARD.encode("utf-8")
    assert _raw_with_eci(URL) == b"]Q1" + URL.encode("ascii")


@pytest.mark.parametrize("payload", ["FN:Zoë Müller", "N:买买提·艾力", "·"], ids=["latin-1", "middle-dot", "dot-only"])
def test_text_that_latin_1_could_hold_is_still_utf8_with_eci(payload):
    # A native encoder left to itself writes these in ISO-8859-1 without ECI; a scanner reading UTF-8 garbles them.
    assert _raw_with_eci(payload) == b"]Q2\\000026" + payload.encode("utf-8")
    assert _decode(qr_image(payload)) == [payload]


def test_the_demo_county_s_490_codes_are_all_the_same_size():
    # how fast they are encoded is the benchmark's figure (benchmarks/run.py, beside a native encoder)
    payloads = [VCARD.replace("13903930001", f"1390393{i:04d}").replace("王伟", f"王伟{i}") for i in range(490)]
    sizes = {len(qr_matrix(payload)) for payload in payloads}
    assert sizes == {len(qr_matrix(VCARD))}


def test_qr_image_geometry():
    matrix = qr_matrix(URL)
    image = qr_image(URL, box_size=3, border=2)
    assert image.size == ((len(matrix) + 4) * 3,) * 2
    assert image.mode == "L"
    assert image.getpixel((0, 0)) == 255  # quiet zone
    assert image.getpixel((2 * 3, 2 * 3)) == 0  # corner of the finder pattern


@pytest.mark.parametrize("payload", [URL, VCARD, MECARD, LONG_VCARD], ids=["url", "vcard", "mecard", "long-vcard"])
def test_captioned_png_round_trip(tmp_path, payload):
    target = tmp_path / "码" / f"{safe_filename('王伟')}.png"
    written = save_qr_png(payload, target, caption="王伟", subcaption="县级人大代表 · 城关镇代表团")
    assert written == target and target.is_file()
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary file left
    with Image.open(target) as image:
        image.load()
        plain = qr_image(payload)
        assert image.format == "PNG"
        assert image.width == plain.width and image.height > plain.height + 60
        caption_band = image.convert("L").crop((0, plain.height, image.width, image.height))
        assert caption_band.getextrema()[0] < 100  # the caption was drawn
        assert _decode(image) == [payload]


def test_png_without_caption_is_just_the_code(tmp_path):
    target = save_qr_png(URL, tmp_path / "url.png")
    with Image.open(target) as image:
        assert image.size == qr_image(URL).size
        assert _decode(image) == [URL]


def test_long_caption_is_shrunk_or_wrapped_and_still_decodes(tmp_path):
    caption = "阿不都热合曼·买买提（濮阳县第十七届人民代表大会城关镇代表团）"
    target = save_qr_png(MECARD, tmp_path / "long.png", caption=caption, subcaption="第一小组")
    with Image.open(target) as image:
        assert image.width == qr_image(MECARD).width
        assert _decode(image) == [MECARD]


def test_too_long_payload_raises_value_error_in_chinese(tmp_path):
    too_long = "代表" * 1000
    with pytest.raises(ValueError, match="太长"):
        qr_image(too_long)
    with pytest.raises(ValueError, match="太长"):
        save_qr_png(too_long, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()
    assert list(tmp_path.iterdir()) == []


def test_capacity_boundary():
    limit = max_payload_bytes()
    assert 2300 < limit < 2340
    assert len(qr_matrix("濮" * (limit // 3))) == 177  # version 40 still fits
    with pytest.raises(ValueError):
        qr_matrix("濮" * (limit // 3 + 1))


def test_empty_payload_raises():
    with pytest.raises(ValueError):
        qr_image("")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("王伟", "王伟"),
        ("阿不都热合曼·买买提", "阿不都热合曼·买买提"),
        ('王\\伟/张:三*李?四"五<六>七|八', "王伟张三李四五六七八"),
        ("  城关镇  代表团. ", "城关镇 代表团"),
        ("张三\t\n", "张三"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("", "未命名"),
        ('???', "未命名"),
        ("..", "未命名"),
    ],
)
def test_safe_filename(text, expected):
    assert safe_filename(text) == expected


def test_safe_filename_limits_length():
    assert len(safe_filename("代" * 500)) == 80
    assert safe_filename("代" * 500, max_length=10) == "代" * 10


def test_file_names_are_cut_by_bytes_between_characters_and_keep_their_suffix():
    from station_app.io.qr import file_name

    name = file_name("𠀀" * 200, ".pdf")
    assert name.endswith(".pdf") and set(name[:-4]) == {"𠀀"}
    assert len(name.encode("utf-8")) + 10 <= 255  # with room for atomic_path's temporary name
    assert len(file_name("代" * 60 + "a", ".png", reserve=9).encode("utf-8")) <= 255 - 10 - 9
