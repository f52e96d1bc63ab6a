from __future__ import annotations

import hashlib

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from station_app.cli import main
from station_app.db.models import Representative
from station_app.db.session import open_database
from station_app.services.context import ServiceContext
from tests.conftest import DEMO_DAY, demo_picture
from tests.workbooks import bad_rows_list, county_list


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def count(url: str) -> int:
    database = open_database(url)
    with database.session() as s:
        n = s.scalar(select(func.count()).select_from(Representative))
    database.dispose()
    return n


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


VERBS = [[], ["demo"], ["reps"], ["reps", "import"], ["reps", "export"], ["qr"], ["visits", "import"],
         ["visits", "export"], ["forms"], ["roster", "generate"], ["roster", "export"], ["roster", "plans"],
         ["roster", "print"], ["roster", "empty-posts"], ["referral"], ["referral", "show"], ["referral", "sign"],
         ["referral", "feedback"], ["referral", "follow-up"], ["referral", "close"], ["referral", "return"],
         ["referral", "reassign"], ["referral", "extend"], ["referral", "forms"], ["referral", "reminder"],
         ["referrals"], ["referrals", "export"], ["subsidy"], ["subsidy", "show"], ["subsidy", "confirm"],
         ["subsidy", "withdraw"], ["subsidy", "pay"], ["subsidy", "year"], ["subsidy", "rates"], ["ranking"],
         ["star"]]
#: what argparse says in its own English, when nobody translates it
ARGPARSE_ENGLISH = ("usage", "options", "positional arguments", "show this help message and exit",
                    "unrecognized arguments", "the following arguments are required", "invalid choice", "argument ",
                    "expected one argument", "error:")


def english_words(text: str) -> list[str]:
    return [word for word in ARGPARSE_ENGLISH if word in text]


@pytest.mark.parametrize("verb", VERBS, ids=lambda v: " ".join(v) or "station-app")
def test_every_verb_has_chinese_help_with_no_english_argparse_words(verb, capsys, monkeypatch):
    from station_app.cli import _columns

    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as caught:
        main(verb + ["--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert "station-app" in out and out.startswith("用法：station-app") and "显示本帮助并退出" in out
    assert "选项：" in out
    assert english_words(out) == []
    assert max(_columns(line) for line in out.splitlines()) <= 80  # Chinese wraps by columns, not characters


@pytest.mark.parametrize("verb", [[], ["reps", "import"], ["referral", "follow-up"], ["roster", "print"]],
                         ids=lambda v: " ".join(v) or "station-app")
def test_help_is_english_with_lang_en(verb, capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "en", *verb, "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: station-app") and "options:" in out and "show this help message and exit" in out
    assert "用法" not in out and "选项" not in out


@pytest.mark.parametrize("argv, chinese, english", [
    (["reps", "import"], "缺少必需的参数：FILE.xlsx", "the following arguments are required: FILE.xlsx"),
    (["--bogus"], "无法识别的参数：--bogus", "unrecognized arguments: --bogus"),
    (["roster", "generate", "x", "--from", "2026-01-01"], "缺少必需的参数：--to",
     "the following arguments are required: --to"),
    (["referral", "bogus", "东监交〔2026〕1号"], "参数 动作：没有 'bogus' 这一项",
     "argument action: invalid choice: 'bogus'"),
    (["qr", "--out"], "参数 --out：需要一个值", "argument --out: expected one argument"),
], ids=["missing-argument", "unrecognized", "missing-option", "invalid-choice", "option-without-value"])
def test_argparse_errors_are_chinese_and_english_only_with_lang_en(argv, chinese, english, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：station-app") and f"参数错误：{chinese}" in err
    assert english_words(err) == []
    for lang in (["--lang", "en"], ["--lang=en"]):
        with pytest.raises(SystemExit) as caught:
            main([*lang, *argv])
        assert caught.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("usage: station-app") and f"Invalid arguments: {english}" in err


def test_demo_fills_once_refuses_a_second_time_and_exports_what_reimports_unchanged(url, tmp_path, capsys,
                                                                                   demo_template):
    assert main(["--db", url, "demo", "--today", DEMO_DAY.isoformat()]) == 0
    assert "490 位代表" in capsys.readouterr().out
    assert main(["--db", url, "demo"]) == 2
    assert "已有 490 位代表" in capsys.readouterr().err
    # the whole demo is repeatable to the last turn: built again for the same day, it is the template
    assert demo_picture(tmp_path / "cli.sqlite") == demo_picture(demo_template[0])
    out = tmp_path / "名册.xlsx"
    assert main(["--db", url, "reps", "export", str(out)]) == 0
    assert main(["--db", url, "reps", "import", str(out)]) == 0
    assert "不变 490" in capsys.readouterr().out
    assert count(url) == 490


def test_importing_a_list_with_bad_rows_names_file_row_and_field_and_writes_nothing(url, tmp_path, capsys):
    path = bad_rows_list(tmp_path / "有错的名册.xlsx")
    assert main(["--db", url, "reps", "import", str(path)]) == 2
    captured = capsys.readouterr()
    error_lines = captured.err.strip().splitlines()
    assert len(error_lines) == 1
    assert "有错的名册.xlsx" in error_lines[0] and "第 4 行" in error_lines[0] and "联系电话" in error_lines[0]
    assert "第 7 行" in captured.out and "校验位" in captured.out
    assert count(url) == 0
    assert main(["--db", url, "reps", "import", str(path), "--skip-bad"]) == 0
    assert count(url) == 1


def test_importing_a_good_messy_list(url, tmp_path, capsys):
    assert main(["--db", url, "reps", "import", str(county_list(tmp_path / "名册.xlsx"))]) == 0
    assert "新增 4" in capsys.readouterr().out
    assert count(url) == 4


@pytest.mark.parametrize("make, expected", [
    (lambda p: p, "找不到"),
    (lambda p: (p.write_text("不是表格", encoding="utf-8"), p)[1], "Excel"),
])
def test_missing_or_broken_files_get_one_line_and_exit_2(url, tmp_path, capsys, make, expected):
    path = make(tmp_path / "名册.xlsx")
    assert main(["--db", url, "reps", "import", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "名册.xlsx" in err and expected in err


def test_a_workbook_without_a_recognisable_header_is_refused(url, tmp_path, capsys):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["编号", "名称", "金额"])
    wb.active.append([1, "办公用品", 300])
    wb.save(tmp_path / "账目.xlsx")
    assert main(["--db", url, "reps", "import", str(tmp_path / "账目.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "账目.xlsx" in err and "姓名" in err


def test_english_messages_with_lang_en(url, tmp_path, capsys):
    assert main(["--db", url, "--lang", "en", "reps", "import", str(tmp_path / "missing.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error:") and "missing.xlsx" in err


def test_qr_for_one_representative_scans_back_to_the_vcard(url, tmp_path, capsys):
    main(["--db", url, "reps", "import", str(county_list(tmp_path / "名册.xlsx"))])
    out = tmp_path / "codes"
    assert main(["--db", url, "qr", "--out", str(out), "--rep", "王伟", "--no-cards"]) == 0
    (png,) = out.glob("*.png")
    (code,) = zxingcpp.read_barcodes(Image.open(png))
    assert "FN:王伟" in code.text and "TEL;TYPE=CELL:13839312345" in code.text


def test_qr_for_an_unknown_representative_fails_cleanly(url, tmp_path, capsys):
    main(["--db", url, "reps", "import", str(county_list(tmp_path / "名册.xlsx"))])
    assert main(["--db", url, "qr", "--out", str(tmp_path / "codes"), "--rep", "不存在的人"]) == 2
    assert "不存在的人" in capsys.readouterr().err
    assert not (tmp_path / "codes").exists() or not any((tmp_path / "codes").iterdir())


def test_exporting_onto_an_unwritable_place_leaves_the_old_file(url, tmp_path, capsys):
    main(["--db", url, "reps", "import", str(county_list(tmp_path / "名册.xlsx"))])
    target = tmp_path / "名册.xlsx"
    before = digest(target)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    assert main(["--db", url, "reps", "export", str(blocked / "out.xlsx")]) == 2
    assert "out.xlsx" in capsys.readouterr().err
    assert digest(target) == before


def test_roster_verbs_generate_and_export(demo_url, tmp_path, capsys):
    import datetime as dt

    from openpyxl import load_workbook

    year = dt.date.today().year + 2          # always ahead, and beyond the official holiday data
    wednesdays = sum(1 for d in range(1, 32) if dt.date(year, 3, d).isoweekday() == 3)
    assert main(["--db", demo_url, "roster", "plans"]) == 0
    assert "监督站每日值班" in capsys.readouterr().out
    assert main(["--db", demo_url, "roster", "generate", "周三代表活动日", "--from", f"{year}-03-01",
                 "--to", f"{year}-03-31"]) == 0
    out = capsys.readouterr().out
    assert f"共 {wednesdays} 个值班日" in out and f"{year} 年还没有官方节假日安排" in out
    assert main(["--db", demo_url, "roster", "export", "--month", f"{year}-03", "--out", str(tmp_path / "r.xlsx")]) == 0
    sheet = load_workbook(tmp_path / "r.xlsx")["值班表"]
    assert sum(1 for row in sheet.iter_rows(values_only=True) if row[2] == "周三代表活动日") == 2 * wednesdays
    assert main(["--db", demo_url, "roster", "generate", "周三代表活动日", "--from", f"{year}-02-30",
                 "--to", f"{year}-03-31"]) == 2
    assert f"{year}-02-30" in capsys.readouterr().err


def test_visits_and_forms_verbs(demo_url, tmp_path, capsys):
    import pdfplumber
    from openpyxl import load_workbook
    from sqlalchemy import select

    from station_app.db.models import Referral

    assert main(["--db", demo_url, "visits", "export", str(tmp_path / "v.xlsx")]) == 0
    assert "条接待记录" in capsys.readouterr().out
    assert sum(1 for _ in load_workbook(tmp_path / "v.xlsx", read_only=True).active.iter_rows()) > 4000
    database = open_database(demo_url)
    with database.session() as s:
        number = s.scalars(select(Referral.number).where(Referral.state == "办结")).first()
    database.dispose()
    assert main(["--db", demo_url, "forms", number, "--out", str(tmp_path / "f.pdf")]) == 0
    with pdfplumber.open(tmp_path / "f.pdf") as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
    assert number in text and "回访记录单" in text
    assert main(["--db", demo_url, "forms", "没有这个编号", "--out", str(tmp_path / "g.pdf")]) == 2
    assert "没有这个编号" in capsys.readouterr().err and not (tmp_path / "g.pdf").exists()


def test_visits_import_with_bad_rows_writes_nothing(url, tmp_path, capsys):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["来访时间", "姓名", "反映内容"])
    wb.active.append(["2025-05-06 09:30", "赵六", "医保报销慢"])
    wb.active.append(["昨天", "钱七", "问路灯"])
    wb.save(tmp_path / "登记.xlsx")
    assert main(["--db", url, "visits", "import", str(tmp_path / "登记.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "登记.xlsx" in err and "第 3 行" in err and "昨天" in err
    assert main(["--db", url, "visits", "import", str(tmp_path / "登记.xlsx"), "--skip-bad"]) == 0
    assert "导入完成：新增 1，更新 0，不变 0，拒绝 1。" in capsys.readouterr().out


def test_referral_moves_from_the_command_line_follow_the_same_rules(url, tmp_path, capsys):
    import datetime as dt

    from station_app.services import reception
    from station_app.services import settings as settings_service
    from station_app.services.reception import ReferralInput, VisitInput

    database = open_database(url)
    settings_service.save(ServiceContext(database), settings_service.StationSettings(referral_abbr="东监"),
                          settings_service.ThisStationInput(code="DHJD"))
    saved = reception.record_visit(ServiceContext(database), VisitInput(
        visited_at=dt.datetime(2026, 3, 4, 9), category="其他", content="路灯坏了", outcome="交办",
        referral=ReferralInput("县住房和城乡建设局")), now=dt.datetime(2026, 3, 4, 10))
    database.dispose()
    number = saved.referral_number
    assert main(["--db", url, "referral", number, "close"]) == 2
    assert "不能办结" in capsys.readouterr().err
    assert main(["--db", url, "referral", number, "sign", "--date", "2026-03-05", "--by", "刘科长"]) == 0
    assert main(["--db", url, "referral", number, "feedback", "--by", "刘科长", "--note", "已修复"]) == 0
    assert main(["--db", url, "referral", number, "follow-up", "--by", "站长"]) == 2
    assert "--satisfaction" in capsys.readouterr().err
    assert main(["--db", url, "referral", number, "follow-up", "--by", "站长", "--satisfaction", "满意"]) == 0
    assert main(["--db", url, "referral", number, "close"]) == 0
    out = capsys.readouterr().out
    assert "办结" in out and "签收" in out and "回访" in out


def _referred(url, when="2026-03-04 09:00") -> str:
    """A station (东监 numbering) with one visit referred to 县住房和城乡建设局; returns its number."""
    import datetime as dt

    from station_app.services import reception
    from station_app.services import settings as settings_service
    from station_app.services.reception import ReferralInput, VisitInput

    database = open_database(url)
    settings_service.save(ServiceContext(database), settings_service.StationSettings(referral_abbr="东监"),
                          settings_service.ThisStationInput(code="DHJD"))
    at = dt.datetime.fromisoformat(when)
    saved = reception.record_visit(ServiceContext(database), VisitInput(
        visited_at=at, category="其他", content="路灯坏了", outcome="交办",
        referral=ReferralInput("县住房和城乡建设局")), now=at)
    database.dispose()
    return saved.referral_number


def test_a_referral_step_carries_the_date_given_on_the_command_line(url, tmp_path, capsys):
    import pdfplumber

    number = _referred(url)
    assert number == "东监交〔2026〕1号"
    typed = "东监交[2026] 1"  # brackets and spaces as a clerk types them
    assert main(["--db", url, "referral", typed, "sign", "--date", "2026-03-05", "--by", "刘科长"]) == 0
    assert main(["--db", url, "referral", typed, "extend", "--date", "2026-03-10", "--note", "需要招标"]) == 2
    assert "--deadline" in capsys.readouterr().err
    assert main(["--db", url, "referral", "东监交（2026）1号", "extend", "--date", "2026-03-10",
                 "--deadline", "2026-04-30", "--note", "需要招标"]) == 0
    assert main(["--db", url, "referral", number, "feedback", "--date", "2026-03-20", "--by", "刘科长",
                 "--note", "已修复"]) == 0
    assert main(["--db", url, "referral", number, "follow-up", "--date", "2026-03-18", "--by", "站长",
                 "--satisfaction", "满意"]) == 2
    assert "不能早于上一步（2026年3月20日反馈）" in capsys.readouterr().err
    assert main(["--db", url, "referral", number, "show"]) == 0
    out = capsys.readouterr().out
    assert "期限 2026年4月30日" in out
    assert "2026年3月5日 签收 县住房和城乡建设局 刘科长 签收" in out
    assert "2026年3月10日 延期 期限由 2026年4月7日 延至 2026年4月30日：需要招标" in out
    assert "2026年3月20日 反馈 已解决" in out
    assert main(["--db", url, "forms", typed, "--out", str(tmp_path / "f.pdf")]) == 0
    with pdfplumber.open(tmp_path / "f.pdf") as pdf:
        text = "".join("".join(page.extract_text().split()) for page in pdf.pages)
    assert "承办单位签收人（签字）：刘科长签收2026年3月5日" in text and "答复日期2026年3月20日" in text


def test_a_returned_referral_is_not_reassigned_to_the_unit_that_returned_it(url, capsys):
    number = _referred(url)
    assert main(["--db", url, "referral", number, "return", "--date", "2026-03-05", "--note", "不归我们管"]) == 0
    assert main(["--db", url, "referral", number, "reassign", "--date", "2026-03-06",
                 "--unit", "县住房和城乡建设局"]) == 2
    assert "已退回这张交办单，不能再改派给它" in capsys.readouterr().err
    assert main(["--db", url, "referral", number, "reassign", "--date", "2026-03-06", "--unit", "县交通运输局"]) == 0
    assert "2026年3月6日 改派 由 县住房和城乡建设局 改派 县交通运输局" in capsys.readouterr().out


def test_forms_of_one_round_and_the_referral_ledger_from_the_command_line(url, tmp_path, capsys):
    import pdfplumber
    from openpyxl import load_workbook

    number = _referred(url)
    for step in (["sign", "--date", "2026-03-05", "--by", "刘科长"],
                 ["feedback", "--date", "2026-03-20", "--by", "刘科长", "--note", "修了一个"],
                 ["follow-up", "--date", "2026-03-25", "--by", "站长", "--satisfaction", "不满意", "--note", "没修完"]):
        assert main(["--db", url, "referral", number, *step]) == 0
    assert main(["--db", url, "forms", number, "--out", str(tmp_path / "all.pdf")]) == 0
    assert "6 页" in capsys.readouterr().out
    assert main(["--db", url, "forms", number, "--round", "1", "--out", str(tmp_path / "r1.pdf")]) == 0
    with pdfplumber.open(tmp_path / "r1.pdf") as pdf:
        pages = ["".join(page.extract_text().split()) for page in pdf.pages]
    assert len(pages) == 3 and "修了一个" in pages[1] and "没修完" in pages[2]
    assert main(["--db", url, "forms", number, "--round", "3", "--out", str(tmp_path / "r3.pdf")]) == 2
    assert "没有第 3 次" in capsys.readouterr().err
    assert main(["--db", url, "referrals", "export", str(tmp_path / "台账.xlsx")]) == 0
    assert "已导出 1 件交办单" in capsys.readouterr().out
    rows = list(load_workbook(tmp_path / "台账.xlsx")["交办台账"].iter_rows(values_only=True))
    row = dict(zip(rows[1], rows[2]))
    assert (row["交办单编号"], row["状态"], row["交办次数"]) == (number, "已交办", 2)
    assert (row["第1次办理情况"], row["第1次满意度"], row["第1次群众意见"]) == ("修了一个", "不满意", "没修完")


def test_the_duty_count_sheet_names_itself(demo_url, tmp_path):
    from openpyxl import load_workbook

    assert main(["--db", demo_url, "roster", "export", "--month", "2026-10", "--out", str(tmp_path / "r.xlsx")]) == 0
    book = load_workbook(tmp_path / "r.xlsx")
    assert book["值班统计"]["A1"].value.endswith("2026年10月值班统计")
    assert book["值班表"]["A1"].value.endswith("2026年10月值班表")


def test_referral_takes_the_action_before_the_number_and_still_after_it(url, capsys):
    number = _referred(url)
    assert main(["--db", url, "referral", "show", number]) == 0
    action_first = capsys.readouterr().out
    assert main(["--db", url, "referral", number, "show"]) == 0
    assert capsys.readouterr().out == action_first
    assert number in action_first and "县住房和城乡建设局" in action_first
    assert main(["--db", url, "--operator", "站长", "referral", "sign", number, "--date", "2026-03-05", "--by", "刘科长"]) == 0
    assert main(["--db", url, "referral", number, "feedback", "--by", "刘科长", "--note", "已修复"]) == 0
    out = capsys.readouterr().out
    assert "刘科长 签收" in out and "反馈" in out
    with pytest.raises(SystemExit) as caught:  # each action takes its own options only
        main(["--db", url, "referral", "sign", number, "--unit", "县公安局"])
    assert caught.value.code == 2 and "无法识别的参数：--unit 县公安局" in capsys.readouterr().err


def _pdf_text(path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_the_command_line_prints_what_the_window_prints(demo_url, tmp_path, capsys):
    """The roster, the empty posts, a referral's forms and a reminder notice: each verb calls the service the
    window prints with, so its PDF says what the window's says."""
    import datetime as dt

    from station_app.db.models import Referral
    from station_app.services import referrals, roster_output

    database = open_database(demo_url)
    ctx = ServiceContext(database)
    with database.session() as s:
        number = s.scalars(select(Referral.number).where(Referral.state == "办结")).first()
    later = dt.date(2028, 1, 1)  # every open referral of the demo is overdue by then
    unit, _ = max(referrals.overdue_report(ctx, later).by_unit().items(), key=lambda item: item[1][0])
    overdue = [r.number for r in referrals.overdue_report(ctx, later).overdue if r.unit == unit]
    window = tmp_path / "window"
    roster_output.print_month(ctx, "监督站每日值班", 2026, 11, window / "roster.pdf")
    roster_output.print_empty_posts(ctx, 2026, 11, window / "empty.pdf")
    referrals.forms_for(ctx, [number], window / "forms.pdf")
    referrals.reminder_for_unit(ctx, unit, window / "reminder.pdf", later)
    database.dispose()

    base = ["--db", demo_url]
    assert main([*base, "roster", "print", "--month", "2026-11", "--out", str(tmp_path / "r.pdf")]) == 2
    err = capsys.readouterr().err
    assert "--plan" in err and "监督站每日值班" in err and "周三代表活动日" in err
    assert not (tmp_path / "r.pdf").exists()
    assert main([*base, "roster", "print", "--month", "2026-11", "--plan", "监督站每日值班",
                 "--out", str(tmp_path / "r.pdf")]) == 0
    assert main([*base, "roster", "empty-posts", "--month", "2026-11", "--out", str(tmp_path / "e.pdf")]) == 0
    assert main([*base, "referral", "forms", number, "--out", str(tmp_path / "f.pdf")]) == 0
    assert main([*base, "referral", "reminder", "--unit", unit, "--date", "2028-01-01",
                 "--out", str(tmp_path / "n.pdf")]) == 0
    out = capsys.readouterr().out
    assert "2026年11月值班表" in out and "2026年11月空岗表" in out and "三单" in out and "催办通知" in out

    roster = _pdf_text(tmp_path / "r.pdf")
    assert "2026年11月值班表" in roster and "监督站每日值班" in roster
    assert roster == _pdf_text(window / "roster.pdf")
    empty = _pdf_text(tmp_path / "e.pdf")
    assert "2026年11月空岗情况" in empty and empty == _pdf_text(window / "empty.pdf")
    forms = _pdf_text(tmp_path / "f.pdf")
    assert number in forms and "回访记录单" in forms and forms == _pdf_text(window / "forms.pdf")
    reminder = _pdf_text(tmp_path / "n.pdf")
    assert unit in reminder and all(n in reminder for n in overdue) and reminder == _pdf_text(window / "reminder.pdf")

    assert main([*base, "referral", "reminder", "--unit", "没有这个单位", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "没有这个单位" in capsys.readouterr().err and not (tmp_path / "x.pdf").exists()


class FakeClock:
    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_the_qr_verb_shows_progress_on_stderr_once_it_takes_longer_than_a_second(url, tmp_path, capsys,
                                                                                   monkeypatch):
    import station_app.cli as cli

    main(["--db", url, "reps", "import", str(county_list(tmp_path / "名册.xlsx"))])
    capsys.readouterr()
    monkeypatch.setattr(cli, "_clock", FakeClock(0.0))  # a quick run: no progress at all
    assert main(["--db", url, "qr", "--out", str(tmp_path / "quick")]) == 0
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(cli, "_clock", FakeClock(0.6))  # each code takes 0.6 s: past a second at the second code
    assert main(["--db", url, "qr", "--out", str(tmp_path / "slow")]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == ["二维码图片 2/4", "二维码图片 4/4　正在写卡片 PDF…"]
    assert "二维码图片 4 张" in captured.out


def test_progress_on_a_terminal_is_one_line_rewritten_in_place():
    import io

    from station_app.cli import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    progress = Progress("二维码图片", stream=terminal, clock=FakeClock(0.05))
    for done in range(1, 491):
        progress(done, 490)
    text = terminal.getvalue()
    assert text.startswith("\r二维码图片 ") and text.endswith("\r二维码图片 490/490\n")
    assert text.count("\n") == 1
    shown = text.count("\r")
    assert 200 < shown < 250  # ten a second for the 23.5 s after the first second, not one per code


def test_qr_onto_an_unwritable_place_fails_with_one_line(url, tmp_path, capsys):
    main(["--db", url, "reps", "import", str(county_list(tmp_path / "名册.xlsx"))])
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    assert main(["--db", url, "qr", "--out", str(blocked / "codes")]) == 2  # the PNGs are written in a worker thread
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "blocked" in err


def test_the_subsidy_moves_from_the_command_line_by_the_window_s_rules(demo_url, capsys):
    """The demo (built on 20 November) paid every month before November and left November in draft."""
    assert main(["--db", demo_url, "subsidy", "show", "--month", "2026-10"]) == 0
    assert "2026年10月误工补贴（已发放）" in capsys.readouterr().out
    assert main(["--db", demo_url, "subsidy", "show", "--month", "2026-11"]) == 0
    shown = capsys.readouterr().out
    assert "2026年11月误工补贴（草稿）" in shown
    total = shown.split("合计 ")[1].split(" 元")[0]
    assert main(["--db", demo_url, "subsidy", "pay", "--month", "2026-11"]) == 2
    assert "须先确认" in capsys.readouterr().err
    assert main(["--db", demo_url, "subsidy", "confirm", "--month", "2026-11", "--total", "1.00"]) == 2
    assert "合计由 1.00 元变为" in capsys.readouterr().err
    assert main(["--db", demo_url, "subsidy", "confirm", "--month", "2026-11", "--total", total]) == 0
    assert "（已确认）" in capsys.readouterr().out
    assert main(["--db", demo_url, "subsidy", "pay", "--month", "2026-11", "--paid-on", "2026-12-01",
                 "--paid-by", "出纳 陈红"]) == 0
    assert "（已发放）" in capsys.readouterr().out
    assert main(["--db", demo_url, "subsidy", "rates", "--from", "2026-11-15", "--yuan", "120"]) == 2
    assert "最早从 2026-12-01 起" in capsys.readouterr().err
    assert main(["--db", demo_url, "subsidy", "rates", "--from", "2027-01-01", "--yuan", "120", "--half-day"]) == 0
    assert "2027-01-01　120.00 元/天　半天减半" in capsys.readouterr().out
    database = open_database(demo_url)
    with database.session() as s:
        from station_app.db.models import SubsidyBatch

        states = dict(s.execute(select(SubsidyBatch.month, SubsidyBatch.state)).all())
        paid_by = s.scalar(select(SubsidyBatch.paid_by).where(SubsidyBatch.month == "2026-11"))
    database.dispose()
    assert states["2026-11"] == "已发放" and paid_by == "出纳 陈红"
    assert all(state == "已发放" for month, state in states.items() if month < "2026-11")
    assert len(states) >= 12


def test_the_ranking_and_the_stars_come_from_the_command_line(db, tmp_path, capsys):
    import datetime as dt

    import openpyxl
    import pdfplumber

    from tests.services.test_points import County

    county = County(db)
    county.rep("王秀兰")
    county.rep("李建国", level="市")
    county.rep("南湖人", station="东河县南湖镇人大代表联络站", delegation="南湖镇代表团")
    county.visits("王秀兰", dt.date(2026, 11, 4), 5)
    county.duty("李建国", dt.date(2026, 11, 4))
    county.visits("南湖人", dt.date(2026, 10, 4))
    url = f"sqlite:///{tmp_path / 'test.sqlite'}"

    out = tmp_path / "排名.xlsx"
    assert main(["--db", url, "ranking", "--year", "2026", "--month", "11", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "已导出2026年11月履职积分排名：3 人" in said and "  1  王秀兰　城关镇代表团　12 分　接待选民 5 次" in said
    names = [row[1].value for row in openpyxl.load_workbook(out).active.iter_rows(min_row=4)]
    assert names == ["王秀兰", "李建国", "南湖人", "合计"]
    assert main(["--db", url, "ranking", "--year", "2026", "--out", str(out), "--station", "NH"]) == 0
    assert "已导出2026年履职积分排名：1 人" in capsys.readouterr().out
    assert main(["--db", url, "ranking", "--year", "2026", "--out", str(out), "--level", "市级"]) == 0
    assert "  1  李建国" in capsys.readouterr().out

    notice = tmp_path / "代表之星.pdf"
    assert main(["--db", url, "star", "--month", "2026-11", "--out", str(notice)]) == 0
    said = capsys.readouterr().out
    assert "东河县城关镇人大代表联络站：王秀兰（12 分）、李建国（4 分）" in said
    with pdfplumber.open(notice) as pdf:
        assert len(pdf.pages) == 1 and "2026年11月“代表之星”" in pdf.pages[0].extract_text()


@pytest.mark.parametrize("argv, message", [
    (["ranking", "--year", "2026", "--month", "13", "--out", "x.xlsx"], "--month 应为 1 到 12 的月份"),
    (["ranking", "--year", "2026", "--out", "x.xlsx", "--station", "无此站"], "没有“无此站”这个联络站"),
    (["ranking", "--year", "2026", "--out", "x.xlsx", "--level", "村"], "没有“村”这一级代表"),
    (["ranking", "--year", "2026", "--out", "x.xlsx", "--delegation", "无此团"], "没有“无此团”这个代表团"),
    (["ranking", "--year", "2026", "--out", "x.csv"], "只能保存为 Excel"),
    (["star", "--month", "2026-13", "--out", "x.pdf"], "月份格式应为 YYYY-MM"),
    (["star", "--month", "2026-11", "--out", "x.pdf"], "2026年11月还没有“代表之星”"),
    (["ranking", "--month", "11", "--out", "x.xlsx"], "缺少必需的参数：--year"),
])
def test_a_wrong_ranking_or_star_request_says_why_in_one_line_and_exits_2(argv, message, url, tmp_path, capsys,
                                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = None
    try:
        code = main(["--db", url, *argv])
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    assert message in capsys.readouterr().err
