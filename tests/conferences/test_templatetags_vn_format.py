"""Dates, weekdays and times written the Vietnamese administrative way (templatetags/vn_format.py)."""

import datetime

from conferences.templatetags.vn_format import gio, ngay_thang_nam, thu


def test_dates_follow_decree_30_zero_padding():
    assert ngay_thang_nam(datetime.date(2021, 1, 5)) == "ngày 05 tháng 01 năm 2021"
    assert ngay_thang_nam(datetime.date(2021, 2, 28)) == "ngày 28 tháng 02 năm 2021"
    assert ngay_thang_nam(datetime.date(2021, 4, 9)) == "ngày 09 tháng 4 năm 2021"
    assert ngay_thang_nam(datetime.date(2021, 12, 25)) == "ngày 25 tháng 12 năm 2021"


def test_weekday_and_time_words():
    friday = datetime.datetime(2021, 4, 9, 8, 0)
    assert thu(friday) == "thứ Sáu"
    assert thu(datetime.date(2021, 4, 11)) == "Chủ nhật"
    assert gio(friday) == "08 giờ 00"
