"""How people and places are named: one rule for every list, message and email.

A person's name is shown as first, middle and last name, the parts that are present, in
that order; a location's city is what comparisons of "where" use ("Austin, TX" and
"austin" are the same city).
"""

from __future__ import annotations

from typing import Protocol, overload

from app.services.core.text_rules import clean


class NamedPerson(Protocol):
    """Anything with a person's name parts: a candidate, a query row, a form's values."""

    @property
    def first_name(self) -> str | None: ...

    @property
    def middle_name(self) -> str | None: ...

    @property
    def last_name(self) -> str | None: ...


@overload
def person_name(person: NamedPerson, /) -> str: ...


@overload
def person_name(first: str | None, middle: str | None, last: str | None, /) -> str: ...


def person_name(*parts: NamedPerson | str | None) -> str:
    """The display name: first, middle and last name, blank parts left out ("" for none).

    Takes a record with ``first_name``, ``middle_name`` and ``last_name``, or the three parts.
    """
    names: tuple[object, ...] = parts
    person = parts[0] if len(parts) == 1 else None
    if person is not None and not isinstance(person, str):
        names = (person.first_name, person.middle_name, person.last_name)
    return " ".join(name.strip() for name in names if isinstance(name, str) and name.strip())


def city_of(location: str | None) -> str | None:
    """The city of a location, lower-cased for comparing: "austin" for " Austin,  TX";
    None when there is none."""
    text = clean(location)
    if not text:
        return None
    return text.split(",")[0].strip().casefold() or None
