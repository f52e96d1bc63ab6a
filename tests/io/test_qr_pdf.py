"""Cut-out card sheets and the station poster: text, embedded font, and codes that scan back
exactly from a 150 dpi rendering."""
from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from reportlab.pdfbase import pdfmetrics

from station_app.io.fonts import (
    FONT_NAME,
    FontNotFoundError,
    _register,
    register_pdf_fonts,
)
from station_app.io.qr_pdf import (
    CARDS_PER_PAGE,
    QrCard,
    write_cards_pdf,
    write_station_poster,
)

TITLE = "濮阳县城关镇人大代表联络站 代表二维码卡片"
STATION = "濮阳县城关镇人大代表联络站"
STATION_URL = "https://rd.example.gov.cn/station/puyang-chengguan?src=qr"
NAMES = ["王伟", "李娜", "张秀英", "刘洋", "陈静", "欧阳建国", "阿不都热合曼·买买提", "赵磊", "孙丽", "周杰"]
LEVELS = ["县级人大代表", "镇级人大代表", "市级人大代表"]
DELEGATIONS = ["城关镇代表团", "", "濮阳县第十七届人民代表大会文留镇代表团"]


def _vcard(i: int, name: str, delegation: str) -> str:
    return (
        f"BEGIN:VCARD\nVERSION:3.0\nFN:{name}\nORG:濮阳县人大代表监督站\n"
        f"TITLE:{LEVELS[i % 3]}\nTEL;TYPE=CELL:1390393{i:04d}\nNOTE:{delegation or '无'}\nEND:VCARD"
    )


def _cards(names=NAMES) -> list[QrCard]:
    return [
        QrCard(name, LEVELS[i % 3], DELEGATIONS[i % 3], _vcard(i, name, DELEGATIONS[i % 3]),
               note="第一小组" if i % 2 else "")
        for i, name in enumerate(names)
    ]


def _render(pdf: Path, page: int = 1) -> Image.Image:
    """The page at 150 dpi, rendered by PDFium (a wheel on PyPI, so no system package is needed)."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        return document[page - 1].render(scale=150 / 72).to_pil().convert("L")
    finally:
        document.close()


def _decoded(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


@pytest.fixture(scope="module")
def cards_pdf(tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("cards") / "代表二维码.pdf"
    pages = write_cards_pdf(_cards(), path, title=TITLE)
    return path, pages


@pytest.fixture(scope="module")
def cards_content(cards_pdf) -> dict:
    """What pdfplumber sees in the card sheets (parsed once: the many code squares are slow)."""
    path, _ = cards_pdf
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        fonts = {}
        for name, ref in page.page_obj.resources["Font"].resolve().items():
            font = ref.resolve()
            fonts[name] = (str(font["BaseFont"]), font["FontDescriptor"].resolve())
        return {
            "pages": len(pdf.pages),
            "texts": [p.extract_text() for p in pdf.pages],
            "char_fonts": {char["fontname"] for char in page.chars},
            "fonts": fonts,
        }


def test_register_pdf_fonts_is_idempotent():
    assert register_pdf_fonts() == FONT_NAME
    assert register_pdf_fonts() == FONT_NAME
    assert FONT_NAME in pdfmetrics.getRegisteredFontNames()


def test_missing_font_file_names_the_path(tmp_path):
    missing = tmp_path / "nowhere" / "font.ttc"
    with pytest.raises(FontNotFoundError, match="font.ttc") as info:
        _register("MissingFontForTest", missing)
    assert str(missing) in str(info.value)


def test_cards_pdf_page_count_and_text(cards_pdf, cards_content):
    path, pages = cards_pdf
    assert pages == 2 == -(-len(NAMES) // CARDS_PER_PAGE)
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left
    assert cards_content["pages"] == 2
    texts = cards_content["texts"]
    assert all(TITLE in text for text in texts)
    assert "第 1 页 / 共 2 页" in texts[0] and "第 2 页 / 共 2 页" in texts[1]
    assert texts[0].count("扫一扫 找代表") == 8 and texts[1].count("扫一扫 找代表") == 2
    flat = "".join(texts).replace("\n", "")
    for name in NAMES:
        assert name in flat
    assert "县级人大代表" in flat and "城关镇代表团" in flat and "第一小组" in flat


def test_cards_pdf_embeds_the_cjk_font(cards_content):
    face = pdfmetrics.getFont(register_pdf_fonts()).face.name
    face = face.decode() if isinstance(face, bytes) else face
    assert cards_content["char_fonts"]
    assert all(face in name for name in cards_content["char_fonts"])
    assert cards_content["fonts"]
    for base_font, descriptor in cards_content["fonts"].values():
        assert face in base_font
        assert "FontFile2" in descriptor  # the TrueType glyphs are inside the PDF, not just named


def test_cards_pdf_codes_scan_back_exactly(cards_pdf):
    path, _ = cards_pdf
    payloads = [card.payload for card in _cards()]
    assert sorted(_decoded(_render(path, 1))) == sorted(payloads[:8])
    assert sorted(_decoded(_render(path, 2))) == sorted(payloads[8:])


def test_card_with_300_byte_vcard_scans_from_print(tmp_path):
    long_vcard = (
        "BEGIN:VCARD\nVERSION:3.0\nN:阿不都热合曼·买买提;;;;\nFN:阿不都热合曼·买买提\n"
        "ORG:濮阳县城关镇人大代表联络站;城关镇代表团\nTITLE:濮阳县第十七届人民代表大会代表\n"
        "TEL;TYPE=CELL:13903930001\nTEL;TYPE=WORK:0393-1234567\n"
        "ADR;TYPE=WORK:;;人民路18号;濮阳县;河南省;457100;中国\nNOTE:接待时间每周二、周四上午\nEND:VCARD"
    )
    assert len(long_vcard.encode()) >= 280
    path = tmp_path / "long.pdf"
    assert write_cards_pdf([QrCard("阿不都热合曼·买买提", "县级人大代表", "城关镇代表团", long_vcard)], path,
                           title="长内容") == 1
    assert _decoded(_render(path)) == [long_vcard]


def test_no_cards_raises_and_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match="没有可打印的代表"):
        write_cards_pdf([], tmp_path / "empty.pdf", title=TITLE)
    assert list(tmp_path.iterdir()) == []


def test_bad_payload_leaves_existing_file_alone(tmp_path):
    path = tmp_path / "cards.pdf"
    path.write_bytes(b"old")
    with pytest.raises(ValueError, match="太长"):
        write_cards_pdf([QrCard("王伟", "县级人大代表", "", "代" * 1000)], path, title=TITLE)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["cards.pdf"]


def _poster(path: Path, on_duty: list[QrCard], footer: str = "接待时间：每周二、周四 上午 9:00–11:30") -> None:
    write_station_poster(path, station_name=STATION, station_payload=STATION_URL, heading="今日值班代表",
                         on_duty=on_duty, footer=footer)


def test_poster_text_and_codes(tmp_path):
    path = tmp_path / "poster.pdf"
    on_duty = _cards()[:6]
    _poster(path, on_duty)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1
        text = pdf.pages[0].extract_text()
    for expected in (STATION, "手机扫一扫 就能找代表", "今日值班代表", "接待时间", *NAMES[:6]):
        assert expected in text.replace("\n", "")
    assert "暂无值班安排" not in text
    assert sorted(_decoded(_render(path))) == sorted([STATION_URL] + [card.payload for card in on_duty])


def test_poster_with_nobody_on_duty(tmp_path):
    path = tmp_path / "poster0.pdf"
    _poster(path, [], footer="")
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 1
        text = pdf.pages[0].extract_text()
    assert "暂无值班安排" in text and STATION in text
    assert _decoded(_render(path)) == [STATION_URL]


def test_poster_fits_twelve_on_one_page_and_continues_after(tmp_path):
    names = [f"代表{i:02d}" for i in range(14)]
    cards = _cards(names)
    path12 = tmp_path / "poster12.pdf"
    _poster(path12, cards[:12])
    with pdfplumber.open(path12) as pdf:
        assert len(pdf.pages) == 1
    assert sorted(_decoded(_render(path12))) == sorted([STATION_URL] + [card.payload for card in cards[:12]])

    path14 = tmp_path / "poster14.pdf"
    _poster(path14, cards)
    with pdfplumber.open(path14) as pdf:
        assert len(pdf.pages) == 2
        second = pdf.pages[1].extract_text()
    assert "今日值班代表（续）" in second and "代表12" in second and "代表13" in second
