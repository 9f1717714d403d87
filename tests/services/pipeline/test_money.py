"""Money for offers and placements: typed amounts to cents and back, fees and margins exact to
the cent with half-up rounding, never through floats."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.services.pipeline.money import (
    cents_text,
    margin,
    money_text,
    parse_money,
    parse_percent,
    percent_of,
    percent_text,
    ratio_percent,
)


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("85000", 8_500_000),
        ("85,000", 8_500_000),
        ("85 000.5", 8_500_050),
        ("0.01", 1),
        ("1,234,567.89", 123_456_789),
        (" 42.50 ", 4_250),
        ("", None),
    ],
)
def test_typed_amounts_become_cents(typed: str, cents: int | None) -> None:
    assert parse_money(typed) == cents


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12.345", "two decimals"),
        ("-5", "negative"),
        ("abc", "number"),
        ("1e3.5", "number"),
        ("NaN", "number"),
        ("20%", "number"),
        ("2000000000", "too large"),
    ],
)
def test_amounts_a_person_did_not_mean_are_refused(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_money(typed)


def test_percentages_are_basis_points() -> None:
    assert parse_percent("22.5") == 2250
    assert parse_percent("22.5 %") == 2250
    assert parse_percent("16.67") == 1667
    assert parse_percent("100") == 10_000
    assert parse_percent(" ") is None
    with pytest.raises(ValueError, match="at most 100"):
        parse_percent("100.01")
    with pytest.raises(ValueError, match="two decimals"):
        parse_percent("16.667")


def test_texts() -> None:
    assert cents_text(8_500_050) == "85,000.50"
    assert cents_text(7) == "0.07"
    assert money_text(123_456_789, "EUR") == "EUR 1,234,567.89"
    assert percent_text(2250) == "22.5 %"
    assert percent_text(2000) == "20 %"
    assert percent_text(1667) == "16.67 %"


@pytest.mark.parametrize(
    ("salary", "basis_points", "fee"),
    [
        (8_500_000, 2000, 1_700_000),  # 20 % of 85,000.00 = 17,000.00
        (8_333_333, 2250, 1_875_000),  # 1,874,999.925 cents: half up → 18,750.00
        (10_001, 2500, 2_500),  # 2,500.25 cents → 25.00
        (10_002, 2500, 2_501),  # 2,500.50 cents: exactly half → up to 25.01
        (3, 5000, 2),  # 1.5 cents → 2 (banker's rounding would give 2, too)
        (5, 5000, 3),  # 2.5 cents → 3 (banker's rounding would give 2)
        (9_999_999, 1667, 1_667_000),  # 1,666,999.8333 cents → 16,670.00
        (9_999_997, 1667, 1_666_999),  # 1,666,999.4999 cents → 16,669.99
        (12_345_678, 1, 1_235),  # 0.01 %: 1,234.5678 cents → 12.35
        (99_999_999_999, 10_000, 99_999_999_999),  # 100 % of the largest amount
    ],
)
def test_fee_is_exact_to_the_cent_half_up(salary: int, basis_points: int, fee: int) -> None:
    assert percent_of(salary, basis_points) == fee
    # The same figure from first principles, in exact rationals (no rounding mode involved).
    exact = salary * basis_points  # in 1/10,000 cents
    whole, rest = divmod(exact, 10_000)
    assert fee == whole + (1 if rest * 2 >= 10_000 else 0)


def test_half_cents_go_up_where_python_round_would_go_to_even() -> None:
    fee = percent_of(1_005, 5_000)  # 502.5 cents
    assert fee == 503 and isinstance(fee, int)
    assert round(1_005 * 5_000 / 10_000) == 502  # what round() (half to even) would store


def test_margin_amount_and_percentages() -> None:
    found = margin(9_500, 7_000)  # bill 95.00, pay 70.00
    assert found.amount_cents == 2_500
    assert found.margin_percent == Decimal("26.32")  # 26.3157…
    assert found.markup_percent == Decimal("35.71")  # 35.714…
    awkward = margin(10_001, 3_333)  # 66.68 a unit
    assert awkward.amount_cents == 6_668
    assert awkward.margin_percent == Decimal("66.67")  # 66.6733…
    assert awkward.markup_percent == Decimal("200.06")  # 200.0600…
    half = margin(80_000, 79_996)  # 0.005 % exactly: half up
    assert half.margin_percent == Decimal("0.01")
    assert margin(5_000, 5_000).margin_percent == Decimal("0.00")
    assert ratio_percent(1, 0) is None
