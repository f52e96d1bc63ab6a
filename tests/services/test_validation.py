import pytest

from station_app.services.validation import (
    gender_from_id,
    id_number_error,
    normalize_level,
    normalize_name,
    normalize_phone,
    parse_gender,
    parse_in_office,
    parse_yes_no,
    phone_error,
    yes_no,
)
from station_app.vocab import Gender, Level
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


def test_levels_and_genders_are_the_vocabulary_s_words():
    assert normalize_level("县级人大代表") is Level.COUNTY
    assert (gender_from_id(ID_MALE), gender_from_id(ID_FEMALE)) == (Gender.MALE, Gender.FEMALE)


@pytest.mark.parametrize("typed, gender", [("男", Gender.MALE), ("女性", Gender.FEMALE), ("M", Gender.MALE),
                                           ("f", Gender.FEMALE), ("Male", None), ("", None)])
def test_genders_are_read_from_the_words_county_lists_use(typed, gender):
    assert parse_gender(typed) == gender


@pytest.mark.parametrize("typed, in_office", [("在任", True), ("正常", True), ("离任", False), ("停止履职", False),
                                              ("是", True), ("否", False), ("也许", None)])
def test_the_in_office_column_reads_office_words_and_yes_no(typed, in_office):
    assert parse_in_office(typed) == in_office


def test_yes_no_words_read_back():
    assert [parse_yes_no(yes_no(value)) for value in (True, False)] == [True, False]
