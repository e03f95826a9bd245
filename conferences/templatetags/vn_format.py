"""Dates and times as Vietnamese administrative documents write them (Decree 30/2020/NĐ-CP)."""

import datetime

from django import template
from django.utils import timezone

register = template.Library()

WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def ngay_thang_nam(value) -> str:
    """ "ngày 05 tháng 01 năm 2021": the day below 10 and months 1-2 take a leading zero."""
    if not value:
        return ""
    value = _local(value)
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


@register.filter
def thu(value) -> str:
    """The weekday as written in documents: "thứ Sáu", "Chủ nhật"."""
    return WEEKDAYS[_local(value).weekday()] if value else ""


@register.filter
def gio(value) -> str:
    """A time as "08 giờ 00"."""
    return f"{_local(value):%H} giờ {_local(value):%M}" if value else ""
