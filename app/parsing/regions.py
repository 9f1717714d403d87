"""The countries a user may pick as the default for phone numbers written without one.

Kept here, beside the parser that reads numbers in that region, so the parser can name the
country in its reasons without loading phonenumbers' geocoder (about 150 ms of data, which
every parser process would pay before its first file).
"""

from __future__ import annotations

DEFAULT_REGIONS: tuple[tuple[str, str], ...] = (
    ("US", "United States"),
    ("CA", "Canada"),
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
    ("IN", "India"),
    ("DE", "Germany"),
    ("FR", "France"),
    ("NL", "Netherlands"),
    ("ES", "Spain"),
    ("IT", "Italy"),
    ("SG", "Singapore"),
    ("ZA", "South Africa"),
)

_NAMES = dict(DEFAULT_REGIONS)


def region_name(region: str) -> str:
    """ "United States" for "US": the country a default region stands for."""
    name = _NAMES.get(region.upper())
    if name:
        return name
    # Deferred: the geocoder's data costs ~150 ms to load; only a region outside the list
    # above (set by hand in the settings file) needs it.
    import phonenumbers
    from phonenumbers import geocoder

    example = phonenumbers.example_number(region)
    return (geocoder.country_name_for_number(example, "en") if example else "") or region
