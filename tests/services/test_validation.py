import pytest

from station_app.services.validation import (
    id_number_error,
    normalize_level,
    normalize_name,
    normalize_phone,
    phone_error,
)
from tests.workbooks import ID_FEMALE, ID_MALE


@pytest.mark.parametrize("typed, stored", [("王　伟", "王伟"), (" 赵 丽 ", "赵丽"), ("买买提·艾力", "买买提·艾力"),
                                           ("John  Smith", "John Smith")])
def test_names_lose_the_spaces_typed_between_chinese_characters(typed, stored):
    assert normalize_name(typed) == stored


@pytest.mark.parametrize("typed, stored", [("１３８３９３１２３４５", "13839312345"), ("+86 138 3931 2345", "13839312345"),
                                           ("0393 4821234", "0393-4821234"), ("(0393)4821234", "0393-4821234"),
                                           ("010-12345678-801", "010-12345678-801")])
def test_phone_numbers_are_stored_in_one_form(typed, stored):
    assert normalize_phone(typed) == stored
    assert phone_error(typed) is None


@pytest.mark.parametrize("bad", ["1381234567", "23812345678", "4821234", "abc"])
def test_malformed_phone_numbers_are_refused(bad):
    assert phone_error(bad)


def test_id_numbers_are_checked_by_length_birth_date_and_check_digit():
    assert id_number_error(ID_MALE) is None and id_number_error(ID_FEMALE) is None
    assert "18 位" in id_number_error("41092819800101")
    assert "出生日期" in id_number_error("410928198013010010")
    wrong = ID_MALE[:-1] + ("1" if ID_MALE[-1] != "1" else "2")
    assert "校验位" in id_number_error(wrong)


@pytest.mark.parametrize("typed, level", [("全国人大代表", "全国"), ("省级", "省"), ("市", "市"), ("县级人大代表", "县"),
                                          ("乡镇", "乡"), ("镇人大代表", "乡"), ("区", "")])
def test_levels_are_read_from_the_words_county_lists_use(typed, level):
    assert normalize_level(typed) == level
