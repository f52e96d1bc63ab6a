"""Messy county workbooks, built the way county offices really keep their lists."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook


def _valid_id(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


ID_MALE = _valid_id("41092819800101001")     # 17th digit 1 → male
ID_FEMALE = _valid_id("41092819850505002")   # 17th digit 2 → female


def county_list(path: Path) -> Path:
    """A clean-looking but messy list: title rows, merged 代表团, full-width digits, 王　伟, blanks, 合计."""
    wb = Workbook()
    ws = wb.active
    ws.title = "代表名册"
    ws["A1"] = "东河县第十四届人大代表名册"
    ws.merge_cells("A1:I1")
    ws["A2"] = "填报单位：县人大常委会选工委        填报日期：2025年3月5日"
    ws.merge_cells("A2:I2")
    ws.append(["序号", "姓 名", "性别", "代表层级", "代表团", "工作单位\n及职务", "联系电话", "身份证号", "是否有固定收入"])
    ws.append([1, "王　伟", "男", "县级", "城关镇代表团", "城关镇东街村党支部书记", "１３８３９３１２３４５", ID_MALE, "是"])
    ws.append([2, "李秀英", "女", "县级人大代表", None, "东河县第一中学教师", "13939312346", None, "否"])
    ws.append([3, "张建国", "男", "市", None, "个体工商户", "0393-4821234", None, "否"])
    ws.merge_cells("E4:E6")
    ws.append([])
    ws.append([4, " 赵 丽 ", "", "县", "南湖镇代表团", "南湖镇卫生院院长", "13700001111", ID_FEMALE, "有"])
    ws.append(["合计", "4人", None, None, None, None, None, None, None])
    wb.save(path)
    return path


def bad_rows_list(path: Path) -> Path:
    """A list with rows that must be refused, each for its own reason."""
    wb = Workbook()
    ws = wb.active
    ws.append(["附件2", None, None, None, None, None])
    ws.append(["序号", "*姓名", "级别", "代表团", "手机号码", "身份证号码（选填）"])
    ws.append([1, "刘洋", "县", "清水镇代表团", "13812345678", None])
    ws.append([2, "陈静", "县", "清水镇代表团", "1381234567", None])               # 10 digits
    ws.append([3, "杨帆", "区", "清水镇代表团", "13812345670", None])               # unknown level
    ws.append([4, "", "县", "清水镇代表团", "13812345671", None])                   # no name
    ws.append([5, "周磊", "县", "清水镇代表团", "13812345672", ID_MALE[:-1] + ("0" if ID_MALE[-1] != "0" else "1")])
    ws.append([6, "刘洋", "县", "清水镇代表团", "13812345678", None])               # same as row 3
    wb.save(path)
    return path
