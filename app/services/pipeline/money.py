"""Money and percentages for offers and placements, exact to the cent.

Amounts are integer cents of one currency; percentages are integer hundredths of a percent
(basis points: 22.5 % is 2250). Arithmetic goes through `Decimal`, never floats, and every
result that falls between two cents is rounded **half up** (away from zero for the positive
amounts used here): 0.5 cent becomes 1 cent, 0.4999 cent becomes 0. Typed amounts are refused,
not rounded, when they carry more than two decimals: a person meant something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENTS = Decimal(100)
BASIS = Decimal(10_000)  # basis points in a whole
HUNDREDTH = Decimal("0.01")
MAX_CENTS = 100_000_000_000  # a billion in any currency: more is a typing slip
MAX_BASIS_POINTS = 10_000  # 100 %
_GROUPING = re.compile(r"[\s,'_\u00a0\u202f]")  # 85,000 · 85 000 · 85'000
CURRENCY = re.compile(r"^[A-Z]{3}$")


def _half_up(value: Decimal, step: Decimal = Decimal(1)) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def _decimal(text: str, what: str) -> Decimal:
    cleaned = _GROUPING.sub("", text.strip())
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"Enter {what} as a number, like 85,000 or 42.50.") from exc
    if not value.is_finite():
        raise ValueError(f"Enter {what} as a number, like 85,000 or 42.50.")
    if value < 0:
        raise ValueError(f"{what.capitalize()} cannot be negative.")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValueError(f"{what.capitalize()} has at most two decimals.")
    return value


def parse_money(text: str, what: str = "an amount") -> int | None:
    """Typed money to cents ("85,000" → 8_500_000, "42.5" → 4250); "" is None.
    Raises ValueError (with a message for the form) for anything else."""
    if not text.strip():
        return None
    cents = int(_decimal(text, what) * CENTS)
    if cents > MAX_CENTS:
        raise ValueError(f"{what.capitalize()} is too large.")
    return cents


def parse_percent(text: str) -> int | None:
    """A typed percentage to basis points ("22.5" or "22.5 %" → 2250); "" is None."""
    if not text.strip():
        return None
    value = _decimal(text.replace("%", ""), "a percentage")
    basis_points = int(value * 100)
    if basis_points > MAX_BASIS_POINTS:
        raise ValueError("A percentage is at most 100.")
    return basis_points


def cents_text(cents: int) -> str:
    """8_500_050 → "85,000.50" (the amount as typed back into a form)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{part:02d}"


def money_text(cents: int, currency: str) -> str:
    """8_500_000, "USD" → "USD 85,000.00"."""
    return f"{currency} {cents_text(cents)}"


def percent_text(basis_points: int) -> str:
    """2250 → "22.5 %", 1667 → "16.67 %", 2000 → "20 %"."""
    value = (Decimal(basis_points) / 100).normalize()
    text = f"{value:f}"
    return f"{text} %"


def percent_of(cents: int, basis_points: int) -> int:
    """``basis_points`` of ``cents``, rounded half up to the cent (a fee on a salary)."""
    return int(_half_up(Decimal(cents) * basis_points / BASIS))


def ratio_percent(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to two decimals, half up; None for no whole."""
    if whole == 0:
        return None
    return _half_up(Decimal(part) * 100 / Decimal(whole), HUNDREDTH)


@dataclass(frozen=True)
class Margin:
    """What the agency keeps per hour or day of a contract: the bill rate less the pay rate,
    as an amount and as a share of the bill rate (margin) and of the pay rate (markup)."""

    amount_cents: int
    margin_percent: Decimal | None
    markup_percent: Decimal | None


def margin(bill_rate_cents: int, pay_rate_cents: int) -> Margin:
    amount = bill_rate_cents - pay_rate_cents
    return Margin(
        amount, ratio_percent(amount, bill_rate_cents), ratio_percent(amount, pay_rate_cents)
    )
