"""Phone numbers as identity evidence: the comparable key, and the numbers that prove nothing.

Resume templates ship with made-up numbers — "(123) 456-7890", "555-0100", "000-000-0000" —
and people leave them in. Such a number is kept on the record (it is what the resume says)
but never used to decide that two resumes are one person.
"""

from __future__ import annotations

from app.services.core.phones import phone_key

__all__ = ["is_placeholder_phone", "matching_key", "phone_key"]

_ASCENDING = "01234567890123456789"
_DESCENDING = _ASCENDING[::-1]


def is_placeholder_phone(phone: str | None) -> bool:
    """True for a number no real person answers: the fictional NANP 555-01xx range, template
    numbers (123-456-7890, 0123456789), one digit repeated (000-000-0000) and other runs or
    short repeated patterns, and 555-1212 (directory assistance, a classic stand-in)."""
    key = phone_key(phone)
    if key is None:
        return False
    local = key[-7:]  # the subscriber number without the area code: NXX-XXXX
    if local.startswith("55501") or local == "5551212":
        return True
    for digits in (key, local):
        if len(set(digits)) == 1:
            return True
        if digits in _ASCENDING or digits in _DESCENDING:
            return True
    return any(key == (key[:period] * 10)[: len(key)] for period in (2, 3))


def matching_key(phone: str | None) -> str | None:
    """`phone_key` for a number that may identify someone; None for placeholders."""
    return None if is_placeholder_phone(phone) else phone_key(phone)
