"""A name set large with a contact item pushed to the right margin on its line (a right tab
stop: "Joris van den Berg <tab> 010-9851734") is the name; a contact row in body type keeps
its place or label from being taken for one."""

from __future__ import annotations

from app.parsing.contacts import find_name


def test_a_large_name_with_a_phone_beside_it() -> None:
    header = [
        ("Joris van den Berg\t010-9851734", 20.0, False),
        ("Head of Department\tjoris@inbox.test", 11.0, False),
        ("Rotterdam, Netherlands", 11.0, False),
    ]
    assert find_name(header) == "Joris van den Berg"


def test_a_contact_row_in_body_type_names_no_one() -> None:
    header = [("Jane Doe", 20.0, False), ("Amara Lane\t010-9851734", 11.0, False)]
    assert find_name(header) == "Jane Doe"
    assert find_name([("Amara Lane\t010-9851734", 11.0, False), ("Data", 11.0, False)]) is None


def test_a_double_barrelled_name_wrapped_at_its_hyphen() -> None:
    """A narrow header wraps "Svenja Becker-Hoffmann" after the hyphen: the next line in the
    same large type is the rest of the surname, a phone set beside it read between."""
    header = [
        ("Svenja\tBecker-", 24.8, False),
        ("010-9489559", 10.0, False),
        ("Hoffmann", 24.8, False),
        ("Registered Nurse", 12.0, False),
    ]
    assert find_name(header) == "Svenja Becker-Hoffmann"
