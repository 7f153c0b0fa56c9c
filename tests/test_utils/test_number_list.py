"""Comma-separated numbers on command lines (mmrepose/utils/number_list.py)."""
import pytest

from mmrepose.utils import parse_numbers


def test_numbers_of_each_kind_and_nothing():
    assert parse_numbers('0.5,1,2', '--guidance') == [0.5, 1.0, 2.0]
    assert parse_numbers('0,2', '--view-shift', int) == [0, 2]
    assert parse_numbers(None, '--guidance') == []
    assert parse_numbers('', '--guidance') == []


def test_a_bad_item_names_the_flag_and_the_text():
    with pytest.raises(ValueError, match="--guidance: '1,x' is not "
                       'comma-separated float values'):
        parse_numbers('1,x', '--guidance')
    with pytest.raises(ValueError, match='--view-shift'):
        parse_numbers('1.5', '--view-shift', int)
