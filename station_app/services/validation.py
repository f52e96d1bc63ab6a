"""Checks for what clerks type and county lists carry: names, phone numbers, ID numbers, levels,
genders, yes/no columns. Pure functions."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from station_app.vocab import Gender, Level

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3})-?(\d{7,8})(?:-(\d{1,6}))?$")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"


def normalize_name(text: str) -> str:
    """王　伟 → 王伟: spaces between Chinese characters are typing noise; '·' names keep their dot."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    text = re.sub(rf"(?<=[{_CJK}·])\s+(?=[{_CJK}·])", "", text)
    return re.sub(r"\s+", " ", text)


def normalize_phone(text: str) -> str:
    """Digits and dashes only; mobile as 11 digits, landline as 0393-1234567."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    text = re.sub(r"[\s()（）]", "", text).replace("—", "-").replace("－", "-")
    if text.startswith("+86"):
        text = text[3:]
    digits = text.replace("-", "")
    if _MOBILE.match(digits):
        return digits
    match = _LANDLINE.match(text)
    if match:
        area, number, ext = match.groups()
        return f"{area}-{number}" + (f"-{ext}" if ext else "")
    return text


def phone_error(text: str) -> str | None:
    """None if ``text`` is empty, a mobile number (1xx, 11 digits) or a landline with area code."""
    if not text:
        return None
    phone = normalize_phone(text)
    if _MOBILE.match(phone) or _LANDLINE.match(phone):
        return None
    return "电话号码格式不对：手机号为 11 位数字，座机请带区号（如 0393-4821234）"


def id_number_error(text: str) -> str | None:
    """None if ``text`` is empty or a valid 18-digit resident ID number (GB 11643 check digit)."""
    if not text:
        return None
    value = text.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return "身份证号应为 18 位（最后一位可为 X）"
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期不存在"
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != value[17]:
        return "身份证号校验位不对，请核对"
    return None


def gender_from_id(id_number: str) -> Gender:
    """The 17th digit of a resident ID number is odd for men, even for women."""
    return Gender.MALE if int(id_number[16]) % 2 else Gender.FEMALE


#: how county lists write a gender besides 男 and 女
_GENDER_WORDS = {"男性": Gender.MALE, "女性": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}


def parse_gender(text: str) -> Gender | None:
    """'男', '男性', 'M' → 男; None when the text names no gender (an empty text too)."""
    text = (text or "").strip()
    if text in Gender.values():
        return Gender(text)
    return _GENDER_WORDS.get(text.lower())


def normalize_level(text: str) -> str:
    """'县级人大代表', '县人大代表', '县级' → 县; '乡镇' → 乡: a ``Level``, or '' when unknown."""
    text = (text or "").strip()
    for level in Level:  # 全国 first: its words start with none of the others
        if text.startswith(level.value):
            return level
    if text.startswith("镇"):
        return Level.TOWNSHIP
    return ""


_YES = {"是", "有", "y", "yes", "true", "1", "√", "✓", "有固定收入"}
_NO = {"否", "无", "没有", "n", "no", "false", "0", "×", "无固定收入", ""}


def parse_yes_no(text: str) -> bool | None:
    """'是', '有', 'y', '√' → True; '否', '无', '×', '' → False; anything else None."""
    value = (text or "").strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


def yes_no(value: bool) -> str:
    """The word a workbook carries for a yes/no column; ``parse_yes_no`` reads it back."""
    return "是" if value else "否"


_IN_OFFICE = {"在任", "正常"}
_OUT_OF_OFFICE = {"离任", "不在任", "停止履职"}


def parse_in_office(text: str) -> bool | None:
    """The 是否在任 column: '在任', '离任', '停止履职' as county lists write it, or a yes/no word."""
    value = (text or "").strip()
    if value in _IN_OFFICE:
        return True
    if value in _OUT_OF_OFFICE:
        return False
    return parse_yes_no(value)


def mask_id_number(text: str) -> str:
    """410102199001011234 → 410102********1234."""
    if not text:
        return text
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def is_masked(text: object) -> bool:
    """True for a value masked on its way out (410102********1234): it stands for what is stored, not a new value."""
    return isinstance(text, str) and "*" in text
