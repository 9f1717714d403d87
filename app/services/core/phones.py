"""The comparable key of a phone number, shared by candidates and client contacts: one number
written two ways ("+1 555 010 2030", "(555) 010-2030") is kept once."""

from __future__ import annotations

import re

_EXTENSION = re.compile(r"(?i)\s*(?:x|ext\.?|extension)\s*\d+\s*$")


def phone_key(phone: str | None) -> str | None:
    """The comparable part of a phone number: its last ten digits (so "+1 555 010 2030",
    "(555) 010-2030" and "5550102030" agree); None if it has too few digits to be one."""
    if not phone:
        return None
    digits = re.sub(r"\D", "", _EXTENSION.split(phone.strip())[0])
    return digits[-10:] if len(digits) >= 7 else None


def distinct_phones(phones: tuple[str, ...]) -> tuple[str, ...]:
    """``phones`` in order, each number once (the first way it was written wins)."""
    kept: dict[str, str] = {}
    for phone in phones:
        kept.setdefault(phone_key(phone) or phone, phone)
    return tuple(kept.values())
