"""The closed loop's printed forms (交办单, 反馈单, 回访单), blank forms and the reminder (催办通知):
A4 portrait, every value in its ruled cell, long text wrapped inside the margins and carried
over to a further page, the font embedded, files written atomically."""
from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from station_app.io import forms_pdf
from station_app.io.fonts import register_pdf_fonts
from station_app.io.forms_pdf import (
    FORMS,
    ReferralPrint,
    write_blank_form,
    write_forms,
    write_reminder,
)
from station_app.io.pdf import chinese_date

D = datetime.date
STATION = "东河县人大代表监督站"
TITLES = {"交办单": "接待群众反映问题交办单", "反馈单": "接待群众反映问题办理情况反馈单", "回访单": "交办问题回访记录单"}
LABELS = {
    "交办单": ["反映人", "联系电话", "来访时间", "来访人数", "住址", "接待方式", "问题类别", "接待代表", "反映问题",
             "承办单位", "交办日期", "办结时限", "交办意见", "站长（签字）：", "（盖章）", "签收"],
    "反馈单": ["交办编号", "交办日期", "承办单位", "办结时限", "反映人", "联系电话", "反映问题", "办理情况", "办理结果",
             "已解决", "未解决", "经办人", "答复日期", "承办单位意见", "负责人（签字）：", "（盖章）"],
    "回访单": ["交办编号", "承办单位", "反映人", "联系电话", "反映问题", "办理结果", "答复日期", "回访时间", "回访人",
             "回访方式", "电话", "上门", "群众意见", "满意程度", "满意", "基本满意", "不满意", "监督站意见",
             "回访人（签字）：", "站长（签字）：", "（盖章）"],
}
CONTENT = ("我们小区（城关镇幸福路12号院）北侧的排水管道自去年入夏以来多次堵塞，一下大雨污水就漫到路面上，"
           "最深的时候没过脚踝，老人和孩子出门非常不便。居民们曾多次向物业和社区反映，至今没有解决。")
# 600 characters with plenty of punctuation that must never start a line.
LONG = ("".join(f"第{i}段：路灯（编号LD-{i:03d}）损坏，夜间漆黑；群众出行不便，曾多次反映，未果。" for i in range(1, 40)))[:600]
PAGE_W, PAGE_H = 595.2756, 841.8898


def referral(number: int = 12, **changes) -> ReferralPrint:
    record = ReferralPrint(
        station=STATION, number=f"东监交〔2026〕{number}号", visited_at=datetime.datetime(2026, 3, 5, 9, 30),
        citizen="王秀兰", phone="13803931234", address="城关镇幸福路12号院3号楼", people_count=3, channel="站内接待",
        category="城乡建设", content=CONTENT, representatives="张三、李四", unit="县住房和城乡建设局",
        requirement="请调查核实并组织疏通，办理结果书面反馈监督站。", issued_on=D(2026, 3, 6), deadline=D(2026, 4, 4),
        rounds=2, handler="刘建国", replied_on=D(2026, 3, 28), result="已组织市政养护队疏通清淤，新增雨水篦子两处。",
        solved=True, followed_on=D(2026, 4, 2), follow_by="赵敏", follow_method="电话",
        citizen_words="下雨没有再积水，感谢代表。", satisfaction="基本满意",
        history=("2026年3月6日 交办 至 县住房和城乡建设局", "2026年3月28日 反馈 已解决"))
    return dataclasses.replace(record, **changes)


def _flat(text: str) -> str:
    return "".join(text.split())


def _texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() for page in pdf.pages]


def _values(path: Path) -> list[str]:
    """Each page's text right of the first label column (so a label never cuts into a long value)."""
    left = forms_pdf.MARGIN_X + forms_pdf.LABEL_W
    with pdfplumber.open(path) as pdf:
        return [page.crop((left, 0, page.width, page.height)).extract_text() for page in pdf.pages]


def _chars_right_of_labels(path: Path, size: float = forms_pdf.VALUE_SIZE) -> list[str]:
    """Each page's characters of ``size`` right of the first label column, line by line: the
    values without page headers and footers."""
    left = forms_pdf.MARGIN_X + forms_pdf.LABEL_W
    with pdfplumber.open(path) as pdf:
        return ["".join(c["text"] for c in sorted(page.chars, key=lambda c: (round(c["top"]), c["x0"]))
                        if c["x0"] >= left and abs(c["size"] - size) < 0.01) for page in pdf.pages]


def _column(path: Path, x0: float, x1: float) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join(page.within_bbox((x0, 0, x1, page.height)).extract_text() for page in pdf.pages)


def _assert_font_embedded(path: Path) -> None:
    face = pdfmetrics.getFont(register_pdf_fonts()).face.name
    face = face.decode() if isinstance(face, bytes) else face
    assert b"Helvetica" not in path.read_bytes()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            assert page.chars and all(face in char["fontname"] for char in page.chars)
            fonts = page.page_obj.resources["Font"].resolve()
            assert fonts
            for ref in fonts.values():
                font = ref.resolve()
                assert face in str(font["BaseFont"])
                assert "FontFile2" in font["FontDescriptor"].resolve()  # glyphs inside, not just named


def _assert_inside_margins(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            assert (page.width, page.height) == pytest.approx((PAGE_W, PAGE_H), abs=0.5)  # A4 portrait
            for char in page.chars:
                assert forms_pdf.MARGIN_X - 0.5 <= char["x0"] and char["x1"] <= PAGE_W - forms_pdf.MARGIN_X + 0.5, char
                assert 5 * mm <= char["top"] and char["bottom"] <= PAGE_H - 5 * mm, char


@pytest.fixture(scope="module")
def three_forms(tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("forms") / "三单.pdf"
    return path, write_forms(path, [referral()])


# ---------------------------------------------------------------------------------------------
# Filled forms


def test_chinese_date():
    assert chinese_date(D(2025, 3, 5)) == "2025年3月5日"
    assert chinese_date(datetime.datetime(2026, 12, 31, 17, 5)) == "2026年12月31日"
    assert chinese_date(None) == ""


def test_each_form_prints_title_number_station_dates_and_values(three_forms):
    path, pages = three_forms
    assert pages == 3
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left
    texts = _texts(path)
    assert len(texts) == 3
    for text, form in zip(texts, FORMS):
        assert STATION in text and TITLES[form] in text and "东监交〔2026〕12号" in text
        assert "第 1 页 / 共 1 页" in text  # each form counts its own pages
        assert "注：" in text
    referral_form, feedback, follow_up = texts
    flat = _flat(referral_form)
    for value in ("王秀兰", "13803931234", "城关镇幸福路12号院3号楼", "3人", "站内接待", "城乡建设", "张三、李四",
                  "县住房和城乡建设局", "2026年3月5日9:30", "2026年3月6日", "2026年4月4日", "第2次交办",
                  "2026年3月6日交办至县住房和城乡建设局", "2026年3月28日反馈已解决"):
        assert value in flat, value
    assert _flat(CONTENT) in _flat(_values(path)[0]) and _flat(referral().requirement) in flat
    flat = _flat(feedback)
    for value in ("县住房和城乡建设局", "2026年3月6日", "2026年4月4日", "刘建国", "2026年3月28日", "✔已解决",
                  _flat(CONTENT), _flat(referral().result)):
        assert value in flat, value
    assert "✔未解决" not in flat
    assert "第2次交办" in flat  # each form of a later round says which round it is of
    flat = _flat(follow_up)
    for value in ("王秀兰", "2026年3月28日", "2026年4月2日", "赵敏", "✔电话", "下雨没有再积水，感谢代表。",
                  "✔基本满意", "✔已解决"):
        assert value in flat, value
    assert flat.count("✔") == 3 and "✔满意" not in flat and "✔不满意" not in flat and "✔上门" not in flat
    assert "第2次交办" in flat


def test_the_sign_box_prints_who_signed_on_the_line_and_the_day_under_it(tmp_path):
    path = tmp_path / "signed.pdf"
    write_forms(path, [referral(signed_on=D(2026, 3, 7), signed_by="刘建国")], forms=["交办单"])
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        label = next(w for w in page.extract_words() if w["text"].startswith("承办单位签收人"))
        name = next(w for w in page.extract_words() if w["text"] == "刘建国" and abs(w["top"] - label["top"]) < 3)
        date = next(w for w in page.extract_words() if w["text"] == "2026年3月7日" and w["top"] > label["top"])
    assert name["x0"] > label["x1"]  # on the signature line after the label, the same baseline
    assert date["top"] - label["top"] < 12 * mm and date["x1"] > name["x1"]
    unsigned = tmp_path / "unsigned.pdf"
    write_forms(unsigned, [referral()], forms=["交办单"])
    assert "承办单位签收人（签字）：签收年月日注：" in _flat(_texts(unsigned)[0])


def test_the_tick_is_in_the_box_of_the_chosen_satisfaction(three_forms):
    path, _ = three_forms
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[2]
        boxes = [r for r in page.rects if abs(r["width"] - 3.3 * mm) < 0.5 and abs(r["height"] - 3.3 * mm) < 0.5]
        assert len(boxes) == 7  # 已解决/未解决, 电话/上门, 满意/基本满意/不满意
        ticked = {}
        for tick in (c for c in page.chars if c["text"] == "✔"):
            x, y = (tick["x0"] + tick["x1"]) / 2, (tick["top"] + tick["bottom"]) / 2
            box = next(b for b in boxes if b["x0"] < x < b["x1"] and b["top"] < y < b["bottom"])
            label = sorted((c for c in page.chars if c["x0"] >= box["x1"] and abs(c["top"] - tick["top"]) < 4
                            and c["text"] != "✔"), key=lambda c: c["x0"])
            ticked[box["x0"], box["top"]] = "".join(c["text"] for c in label)
    labels = sorted(ticked.values())
    assert len(labels) == 3
    assert any(label.startswith("基本满意") for label in labels)
    assert any(label.startswith("电话") for label in labels)
    assert any(label.startswith("已解决") for label in labels)


def test_values_not_given_yet_leave_cells_empty_for_handwriting(tmp_path):
    path = tmp_path / "pending.pdf"
    pending = referral(rounds=1, handler="", replied_on=None, result="", solved=None, followed_on=None, follow_by="",
                       follow_method="", citizen_words="", satisfaction="", history=())
    assert write_forms(path, [pending], forms=["反馈单", "回访单"]) == 2
    feedback, follow_up = (_flat(text) for text in _texts(path))
    assert "✔" not in feedback + follow_up
    assert "经办人答复日期年月日" in feedback and "刘建国" not in feedback
    assert "回访时间年月日回访人" in follow_up
    assert "2026年3月28日" not in feedback + follow_up


def test_anonymous_unsolved_and_unforeseen_values(tmp_path):
    path = tmp_path / "anonymous.pdf"
    write_forms(path, [referral(citizen="", solved=False, follow_method="微信", satisfaction="不满意", rounds=1)])
    texts = [_flat(text) for text in _texts(path)]
    assert all("反映人（匿名）" in text for text in texts)
    assert "第1次交办" not in texts[0] and "次交办" not in texts[0]
    assert "✔未解决" in texts[1] and "✔已解决" not in texts[1]
    assert "✔微信" in texts[2] and "✔不满意" in texts[2] and "✔电话" not in texts[2]


def test_markup_characters_are_printed_as_text(tmp_path):
    path = tmp_path / "markup.pdf"
    write_forms(path, [referral(content="A&B 公司 <b>不是粗体</b>\n第二段", citizen="王<伟>")], forms=["交办单"])
    text = _texts(path)[0]
    assert "<b>不是粗体</b>" in text and "A&B 公司" in text and "王<伟>" in text and "第二段" in text


# ---------------------------------------------------------------------------------------------
# Long text


def test_600_character_content_wraps_inside_its_cell_and_the_margins(tmp_path):
    path = tmp_path / "long.pdf"
    pages = write_forms(path, [referral(content=LONG, result=LONG, citizen_words=LONG)])
    assert 3 <= pages <= 6
    _assert_inside_margins(path)
    texts = _texts(path)
    values = [_flat(text) for text in _values(path)]
    assert _flat(LONG) in values[0]
    # The content on each form, the result and the citizen's words.
    assert sum(value.count(_flat(LONG)) for value in values) == 5
    cell_left = forms_pdf.MARGIN_X + forms_pdf.LABEL_W + forms_pdf.PAD_X
    cell_right = PAGE_W - forms_pdf.MARGIN_X - forms_pdf.PAD_X
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        content = [c for c in page.chars if c["x0"] >= cell_left - 0.5 and "段" in c["text"]]
        lines = {round(c["top"]) for c in content}
        assert len(lines) >= 10  # wrapped over many lines...
        assert all(cell_left - 0.5 <= c["x0"] and c["x1"] <= cell_right + 0.5 for c in page.chars
                   if c["top"] > 150 and c["x0"] >= cell_left - 0.5)  # ...each inside the cell
    for text in texts:
        for line in text.splitlines():
            assert line[:1] not in "，。；：）、", line  # closing punctuation never starts a line


def test_a_form_too_long_for_a_page_goes_on_with_its_header_row(tmp_path):
    path = tmp_path / "very long.pdf"
    text = "".join(f"{i}号楼前的下水道堵塞，污水外溢。" for i in range(200))  # about 3000 characters
    pages = write_forms(path, [referral(content=text)], forms=["交办单"])
    assert pages >= 3
    _assert_inside_margins(path)
    texts = _texts(path)
    assert len(texts) == pages
    # Nothing clipped, nothing lost: the value column's text, less the first row repeated on each page.
    values = "".join(_chars_right_of_labels(path)).replace("王秀兰联系电话13803931234", "")
    assert _flat(text) in values
    for number, page_text in enumerate(texts, start=1):
        assert f"第 {number} 页 / 共 {pages} 页" in page_text
        assert "反映人 王秀兰 联系电话 13803931234" in page_text  # the first row, repeated
    for page_text in texts[1:]:
        assert "接待群众反映问题交办单（续）" in page_text and "东监交〔2026〕12号" in page_text
    assert "签收" in texts[-1] and "签收" not in "".join(texts[:-1])
    assert "注：" in texts[-1]


# ---------------------------------------------------------------------------------------------
# Several referrals, blank forms


def test_three_referrals_times_three_forms(tmp_path):
    path = tmp_path / "batch.pdf"
    referrals = [referral(1), referral(2, citizen="", content=LONG, history=()), referral(3)]
    pages = write_forms(path, referrals)
    assert pages >= 9
    texts = _texts(path)
    assert len(texts) == pages
    starts = [(i, title) for i, text in enumerate(texts) for title in TITLES.values()
              if title in text.splitlines()[1]]
    assert [title for _, title in starts] == list(TITLES.values()) * 3
    for (first, _), number in zip(starts[::3], (1, 2, 3)):
        assert f"东监交〔2026〕{number}号" in texts[first]
    _assert_font_embedded(path)


@pytest.mark.parametrize("form", FORMS)
def test_blank_form_has_every_label_and_no_value(tmp_path, form):
    path = tmp_path / f"{form}.pdf"
    assert write_blank_form(path, form, STATION) == 1
    text = _texts(path)[0]
    flat = _flat(text)
    assert STATION in text and TITLES[form] in text and "〔〕号" in flat
    for label in LABELS[form]:
        assert label in flat, label
    assert "年月日" in flat  # dates to write in
    body = text.replace("第 1 页 / 共 1 页", "")
    assert not any(char.isdigit() for char in body)
    assert "✔" not in body and "匿名" not in body and "次交办" not in body
    _assert_font_embedded(path)
    _assert_inside_margins(path)


# ---------------------------------------------------------------------------------------------
# Reminder


OVERDUE = [
    ("东监交〔2026〕12号", "幸福路12号院北侧排水管道多次堵塞，雨天污水漫到路面", D(2026, 4, 4), 36),
    ("东监交〔2026〕17号", "西关村村道路灯损坏三个月未修复，夜间出行不安全", D(2026, 4, 20), 20),
]


def test_reminder_lists_the_overdue_referrals(tmp_path):
    path = tmp_path / "催办.pdf"
    assert write_reminder(path, station=STATION, unit="县住房和城乡建设局", today=D(2026, 5, 10), overdue=OVERDUE,
                          reply_days=7) == 1
    text = _texts(path)[0]
    flat = _flat(text)
    assert STATION in text and "关于督促办理人大代表监督站交办事项的通知" in text
    assert flat.startswith(_flat(f"{STATION}关于督促办理人大代表监督站交办事项的通知县住房和城乡建设局："))
    assert "以下2件" in flat and "7日内" in flat and "特此通知。" in flat
    widths = forms_pdf.OVERDUE_WIDTHS
    summaries = _flat(_column(path, forms_pdf.MARGIN_X + sum(widths[:2]), forms_pdf.MARGIN_X + sum(widths[:3])))
    for number, summary, deadline, days in OVERDUE:
        assert number in text and _flat(summary) in summaries and chinese_date(deadline) in text
        assert f"{days} 天" in text
    assert flat.index("东监交〔2026〕12号") < flat.index("东监交〔2026〕17号")
    assert flat.endswith(_flat(f"{STATION}2026年5月10日第 1 页 / 共 1 页"))
    _assert_font_embedded(path)
    _assert_inside_margins(path)


def test_long_reminder_repeats_its_header_row(tmp_path):
    path = tmp_path / "催办多.pdf"
    overdue = [(f"东监交〔2026〕{i}号", "路灯损坏" * 15, D(2026, 4, 4), 30 + i) for i in range(1, 41)]
    pages = write_reminder(path, station=STATION, unit="城关镇人民政府", today=D(2026, 5, 10), overdue=overdue)
    assert pages >= 2
    texts = _texts(path)
    for number, text in enumerate(texts, start=1):
        assert "序号 交办编号 反映问题（摘要） 办结时限 超期天数" in text
        assert f"第 {number} 页 / 共 {pages} 页" in text
    assert all(number in "".join(texts) for number, *_ in overdue)
    assert f"{STATION} 2026年5月10日" in texts[-1].replace("\n", " ")  # the sign-off, with the last rows
    assert "东监交〔2026〕40号" in texts[-1]
    _assert_inside_margins(path)


# ---------------------------------------------------------------------------------------------
# Failures


def test_bad_form_name_leaves_the_existing_file_unchanged(tmp_path):
    path = tmp_path / "forms.pdf"
    path.write_bytes(b"old")
    with pytest.raises(ValueError, match="通知单"):
        write_forms(path, [referral()], forms=["交办单", "通知单"])
    with pytest.raises(ValueError, match="通知单"):
        write_blank_form(path, "通知单", STATION)
    with pytest.raises(ValueError):
        write_forms(path, [])
    with pytest.raises(ValueError):
        write_reminder(path, station=STATION, unit="县住建局", today=D(2026, 5, 10), overdue=[])
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["forms.pdf"]


def test_failure_while_writing_leaves_the_existing_file_unchanged(tmp_path, monkeypatch):
    path = tmp_path / "forms.pdf"
    path.write_bytes(b"old")

    def broken(self):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(forms_pdf._SignArea, "draw", broken)
    with pytest.raises(RuntimeError):
        write_forms(path, [referral(1), referral(2)])
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["forms.pdf"]


def test_a_single_form_name_is_accepted(tmp_path):
    path = tmp_path / "one.pdf"
    assert write_forms(path, [referral(), referral(13)], forms="回访单") == 2
    assert all(TITLES["回访单"] in text for text in _texts(path))
