"""Business-day due dates across weekends, holidays on Fridays and Mondays, and year ends."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.pipeline.business_days import (
    add_business_days,
    business_days_between,
    is_business_day,
    next_business_day,
)

D = dt.date


def test_weekdays_are_business_days_and_weekends_are_not():
    assert is_business_day(D(2026, 12, 7))  # Monday
    assert is_business_day(D(2026, 12, 11))  # Friday
    assert not is_business_day(D(2026, 12, 12))  # Saturday
    assert not is_business_day(D(2026, 12, 13))  # Sunday


def test_a_configured_holiday_is_not_a_business_day():
    assert not is_business_day(D(2026, 12, 25), {D(2026, 12, 25)})
    assert is_business_day(D(2026, 12, 25))


def test_three_business_days_within_one_week():
    # Monday + 3 → Thursday
    assert add_business_days(D(2026, 12, 7), 3) == D(2026, 12, 10)


def test_three_business_days_across_a_weekend():
    # Thursday + 3 → Fri, Mon, Tue
    assert add_business_days(D(2026, 12, 10), 3) == D(2026, 12, 15)
    # Friday + 1 → Monday
    assert add_business_days(D(2026, 12, 11), 1) == D(2026, 12, 14)


def test_a_start_on_a_weekend_counts_from_the_next_days():
    # Saturday + 1 → Monday; Sunday + 3 → Wednesday
    assert add_business_days(D(2026, 12, 12), 1) == D(2026, 12, 14)
    assert add_business_days(D(2026, 12, 13), 3) == D(2026, 12, 16)


def test_a_friday_holiday_pushes_past_the_weekend():
    friday = D(2026, 12, 11)
    # Wednesday + 3 with Friday off → Thu, Mon, Tue
    assert add_business_days(D(2026, 12, 9), 3, {friday}) == D(2026, 12, 15)
    assert add_business_days(D(2026, 12, 9), 3) == D(2026, 12, 14)


def test_a_monday_holiday_after_a_weekend():
    monday = D(2026, 12, 14)
    # Friday + 1 with Monday off → Tuesday
    assert add_business_days(D(2026, 12, 11), 1, {monday}) == D(2026, 12, 15)
    # Friday + 3 with Monday off → Tue, Wed, Thu
    assert add_business_days(D(2026, 12, 11), 3, {monday}) == D(2026, 12, 17)


def test_across_the_year_end_with_new_years_day_off():
    holidays = {D(2026, 12, 25), D(2027, 1, 1)}
    # Wednesday 30 Dec 2026 + 3: Thu 31, (Fri 1 Jan off), Mon 4, Tue 5
    assert add_business_days(D(2026, 12, 30), 3, holidays) == D(2027, 1, 5)
    # Thursday 24 Dec + 1: Friday 25 off, weekend → Monday 28
    assert add_business_days(D(2026, 12, 24), 1, holidays) == D(2026, 12, 28)


def test_five_business_days_span_a_full_week_and_more_with_holidays():
    notice = D(2026, 12, 7)  # Monday
    assert add_business_days(notice, 5) == D(2026, 12, 14)
    assert add_business_days(notice, 5, {D(2026, 12, 9), D(2026, 12, 14)}) == D(2026, 12, 16)


def test_zero_days_moves_only_off_a_weekend_or_holiday():
    assert add_business_days(D(2026, 12, 9), 0) == D(2026, 12, 9)
    assert add_business_days(D(2026, 12, 12), 0) == D(2026, 12, 14)
    assert add_business_days(D(2026, 12, 25), 0, {D(2026, 12, 25)}) == D(2026, 12, 28)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        add_business_days(D(2026, 12, 9), -1)


def test_next_business_day_skips_consecutive_holidays_and_a_weekend():
    holidays = {D(2026, 12, 24), D(2026, 12, 25)}
    assert next_business_day(D(2026, 12, 24), holidays) == D(2026, 12, 28)
    assert next_business_day(D(2026, 12, 23), holidays) == D(2026, 12, 23)


def test_business_days_between_counts_after_the_start_up_to_the_end():
    notice = D(2026, 12, 7)
    assert business_days_between(notice, notice) == 0
    assert business_days_between(notice, D(2026, 12, 11)) == 4
    assert business_days_between(notice, D(2026, 12, 13)) == 4  # weekend adds nothing
    assert business_days_between(notice, D(2026, 12, 14)) == 5
    assert business_days_between(notice, D(2026, 12, 14), {D(2026, 12, 10)}) == 4
    assert business_days_between(D(2026, 12, 14), notice) == 0


@pytest.mark.parametrize("start_offset", range(0, 14))
@pytest.mark.parametrize("n", [1, 3, 5])
def test_add_and_between_agree(start_offset, n):
    holidays = {D(2026, 12, 25), D(2027, 1, 1), D(2026, 12, 31)}
    start = D(2026, 12, 21) + dt.timedelta(days=start_offset)
    due = add_business_days(start, n, holidays)
    assert is_business_day(due, holidays)
    assert business_days_between(start, due, holidays) == n
    assert business_days_between(start, due - dt.timedelta(days=1), holidays) == n - 1
