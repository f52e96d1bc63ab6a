"""One vocabulary: every domain word the program stores, shows, prints and exports.

Each word is a member of a string enum. Its value is the Chinese word stations use: it is what the
database holds and what the exported workbooks carry (the county office merges on it), so a member
compares equal to its plain string (``Channel.STATION == "站内接待"``). Its ``label`` is what a
person sees in the chosen language; the Chinese label is the value unless the screen needs another
word, and the English label is written beside it here, once, instead of in the translation file.

Models, services, pages, printouts and exports all take their words from here; a domain word is
never a bare string repeated across files.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Self

from station_app.i18n import language


class Word(StrEnum):
    """A domain word: stored as its Chinese value, shown as its label in the interface language."""

    def __new__(cls, value: str, english: str, chinese_label: str | None = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.english = english
        member.chinese_label = chinese_label or value
        return member

    @property
    def label(self) -> str:
        """What a person reads: the Chinese label, or the English one when English is chosen."""
        return self.english if language() == "en" else self.chinese_label

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The stored values, in the order they are offered."""
        return tuple(member.value for member in cls)

    @classmethod
    def parse(cls, text: object) -> Self | None:
        """The member written as ``text`` (its value, either label, any case of the English); None if none."""
        text = str(text or "").strip()
        for member in cls:
            if text in (member.value, member.chinese_label) or text.lower() == member.english.lower():
                return member
        return None

    @classmethod
    def label_of(cls, value: object) -> str:
        """The label of a stored value; a value this vocabulary does not know is shown as it is."""
        member = cls.parse(value)
        return member.label if member is not None else str(value or "")


# --- Registry -------------------------------------------------------------------------------


class Level(Word):
    """代表级别 — the five levels a representative is elected at."""

    NATIONAL = "全国", "National"
    PROVINCE = "省", "Provincial"
    CITY = "市", "City"
    COUNTY = "县", "County"
    TOWNSHIP = "乡", "Township"


class Gender(Word):
    MALE = "男", "Male"
    FEMALE = "女", "Female"


class RepKind(Word):
    """人大代表 (elected) or 议政代表 (deliberation representative, not elected)."""

    DEPUTY = "人大代表", "People's congress representative"
    DELIBERATIVE = "议政代表", "Deliberation representative"


class StationKind(Word):
    MONITORING = "人大代表监督站", "Monitoring station"
    COUNTY_HEAD = "县级代表联络总站", "County head liaison station"
    TOWNSHIP = "乡镇(街道)代表联络站", "Township (street) liaison station"
    TRADE = "产业/行业代表联络站", "Industry/trade liaison station"
    AWAY = "驻外代表联络站", "Away liaison station"


# --- Reception and the closed loop ----------------------------------------------------------


class Channel(Word):
    """How the citizen reached the station."""

    STATION = "站内接待", "At the station"
    MOBILE = "流动/摆摊", "Mobile/street stall"
    ONLINE = "扫码/线上", "QR code/online"
    PHONE = "电话", "Phone"
    GRID = "网格走访", "Grid visit"


#: the category a visit falls back to when none of the station's categories fits
FALLBACK_CATEGORY = "其他"


class Outcome(Word):
    """办理结果 — what became of a visit."""

    SOLVED = "当场解决", "Solved on the spot"
    ANSWERED = "解释答复", "Explained/answered"
    REFERRED = "交办", "Refer to a unit"
    SUGGESTION = "转为代表建议", "Turned into a representative's suggestion"
    OTHER = "其他", "Other"


class ReferralState(Word):
    """The states of a referral (三单闭环)."""

    PENDING = "待交办", "To be referred"
    ISSUED = "已交办", "Referred"
    ANSWERED = "已反馈", "Feedback received"
    FOLLOWED = "已回访", "Followed up"
    CLOSED = "办结", "Closed"
    RETURNED = "退回", "Returned"


class ReferralAction(Word):
    """A step in a referral's history; the moves between states are in ``services.referrals.MOVES``."""

    ISSUE = "交办", "Refer to a unit"
    SIGN = "签收", "Sign for"
    FEEDBACK = "反馈", "Feedback"
    FOLLOW_UP = "回访", "Follow-up"
    REHANDLE = "重办", "Re-handle"
    CLOSE = "办结", "Closed"
    RETURN = "退回", "Returned"
    REASSIGN = "改派", "Reassign"
    EXTEND = "延期", "Extend deadline"
    VOID = "作废", "Void"


class Satisfaction(Word):
    SATISFIED = "满意", "Satisfied"
    FAIRLY = "基本满意", "Fairly satisfied"
    NOT_SATISFIED = "不满意", "Not satisfied"


class FollowUpMethod(Word):
    PHONE = "电话", "Phone"
    IN_PERSON = "上门", "In person"


class DeadlineUnit(Word):
    """How a station counts a referral's deadline: working days (holidays skipped), or calendar months
    (the seeds' "1个月内": the same day of the next month, moved past a day off)."""

    WORKING_DAYS = "working_days", "working days", "个工作日"
    MONTHS = "months", "months", "个月"


class ReferralForm(Word):
    """The printed forms of the closed loop (三单), in the order they are printed for a referral."""

    ISSUE = "交办单", "Referral form"
    FEEDBACK = "反馈单", "Feedback form"
    FOLLOW_UP = "回访单", "Follow-up form"


# --- Duty -------------------------------------------------------------------------------------


class SlotName(Word):
    """A duty slot of a day."""

    WHOLE_DAY = "全天", "Whole day"
    MORNING = "上午", "Morning"
    AFTERNOON = "下午", "Afternoon"

    @property
    def short_label(self) -> str:
        """The label where room is short (a cell of the month view): 上午, or AM in English."""
        return _SHORT_SLOT_NAMES[self] if language() == "en" else self.chinese_label


_SHORT_SLOT_NAMES = {SlotName.WHOLE_DAY: "Day", SlotName.MORNING: "AM", SlotName.AFTERNOON: "PM"}


class Attendance(Word):
    """签到 — how a person's turn on duty went."""

    PENDING = "待签到", "Not signed in"
    PRESENT = "出勤", "Attended"
    ABSENT = "缺勤", "Absent"
    LEAVE = "请假", "On leave"
    REPLACED = "替班", "Stand-in"


class AssignmentSource(Word):
    """How a person came to be on a slot: by the generator, or by a clerk's hand."""

    GENERATED = "生成", "Generated", "系统排班"
    MANUAL = "手工", "Manual"
    SWAP = "调班", "Swap shift"
    STAND_IN = "替班", "Stand-in"


class DayRule(Word):
    """Which days a duty plan covers."""

    WEEKDAYS = "weekdays", "Chosen weekdays", "每周固定几天"
    WORKDAYS = "workdays", "Every official workday", "每个法定工作日"


class Rotation(Word):
    """How a plan draws people: one by one, or a whole group takes the day together (编组排班)."""

    PERSON = "person", "One person at a time", "逐人轮换"
    DELEGATION = "delegation", "Group rotation by delegation", "按代表团编组"
    REP_GROUP = "rep_group", "Group rotation by representative group", "按代表小组编组"


class CalendarKind(Word):
    """An entry of the holiday table."""

    HOLIDAY = "节假日", "Holiday"
    MAKE_UP = "调休上班", "Make-up workday"


class HolidayBasis(Word):
    """What a day off rests on in a year the State Council's notice does not cover yet: the national holiday
    regulation and the lunar calendar. Such a day is 推定 (estimated) until the notice is entered or imported."""

    ESTIMATED = "推定", "Estimated"


class PersonKind(Word):
    """Who can be on a duty slot: a representative, or the head of a window unit (监督站)."""

    REPRESENTATIVE = "代表", "Representative"
    WINDOW_HEAD = "窗口单位负责人", "Window unit head"


# --- Performance (履职) -------------------------------------------------------------------------


class ActivityKind(Word):
    """What representatives did besides duty and reception; a station may add kinds of its own (settings)."""

    INSPECTION = "视察调研", "Inspection and research"
    MEETING = "参加会议", "Meeting"
    TRAINING = "学习培训", "Study and training"
    PROJECT = "助力重点项目", "Helping a key project"
    DIRECTOR_VISIT = "局长进站/部门报到", "Bureau head at the station"
    BRIEFING = "政情通报会", "Government briefing"
    REVIEW = "述职评议", "Report and appraisal"
    COLLECTIVE_VISIT = "集中走访", "Door-to-door visits"


class SuggestionScope(Word):
    """Where a suggestion is routed: a township matter stays in the township, a county matter goes up."""

    TOWNSHIP = "乡镇", "Township"
    COUNTY = "县级", "County"


class SuggestionState(Word):
    """代表建议: 待研判 → 已交付 (township) / 已报送 (county) → 已答复 → 已评价."""

    PENDING = "待研判", "To be assessed"
    HANDED_OVER = "已交付", "Handed over"
    REPORTED = "已报送", "Reported to the county"
    ANSWERED = "已答复", "Answered"
    RATED = "已评价", "Rated"


class SuggestionStep(Word):
    """A step in a suggestion's history; the moves are in ``services.suggestions.NEXT_STEPS``."""

    OPEN = "提出", "Opened"
    HAND_OVER = "交付", "Handed over"
    REPORT = "报送", "Reported to the county"
    LETTER = "发交办函", "Letter sent"
    ANSWER = "答复", "Answered"
    RATE = "评价", "Rated"
    VOID = "作废", "Voided"


class PointItem(Word):
    """A line of the points rule (履职积分): the seeds' six items, duty, and what a station adds."""

    RECEPTION = "接待选民", "Receiving voters"
    INSPECTION = "视察调研", "Inspection and research"
    MEETING = "参加会议", "Meetings"
    SUGGESTION = "提出建议", "Suggestions"
    PROJECT = "助力重点项目", "Key projects"
    TRAINING = "学习培训", "Study and training"
    DUTY = "值班", "Duty"
    OTHER = "其他活动", "Other activities"


class Deduction(Word):
    """What takes points away."""

    ABSENCE = "无故缺勤", "Unexcused absence from duty"


# --- Money and administration ---------------------------------------------------------------


class BatchState(Word):
    """误工补贴 monthly batch: draft → confirmed → paid (locked once paid)."""

    DRAFT = "草稿", "Draft"
    CONFIRMED = "已确认", "Confirmed"
    PAID = "已发放", "Paid"


class BatchStep(Word):
    """A step in a subsidy batch's history."""

    CONFIRM = "确认", "Confirmed"
    WITHDRAW = "撤回确认", "Confirmation withdrawn"
    PAY = "发放", "Paid out"


class SubsidyLineKind(Word):
    """A line of a subsidy batch: the month's own duty days, or a correction to a month already paid."""

    DUTY = "值班", "Duty"
    CORRECTION = "更正", "Correction"


class PaidMonthChange(Word):
    """What an attendance change in a month whose subsidy is already paid does (the administrator chooses)."""

    REFUSE = "拒绝修改", "Refuse the change"
    CARRY = "转入下月更正", "Carry into the next batch as a correction"


class Meal(Word):
    """The meals a station serves its representatives on duty."""

    BREAKFAST = "早餐", "Breakfast"
    LUNCH = "午餐", "Lunch"


class Role(Word):
    ADMIN = "管理员", "Administrator"
    CLERK = "登记员", "Clerk"


class AuditAction(Word):
    INSERT = "新增", "Added"
    UPDATE = "修改", "Changed"
    VOID = "作废", "Voided"


class ImportAction(Word):
    """What importing one row of a workbook would do."""

    ADD = "新增", "New"
    UPDATE = "更新", "Update"
    SAME = "不变", "Unchanged"
    REFUSE = "拒绝", "Refused"


def check_constraint(column: str, vocabulary: type[Word], *, allow_empty: bool = False) -> str:
    """SQL that keeps a column to a vocabulary's values (for a ``CheckConstraint``)."""
    values = list(vocabulary.values()) + ([""] if allow_empty else [])
    return f"{column} IN ({','.join(repr(v) for v in values)})"
