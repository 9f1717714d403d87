"""A theme printing city, region and country where the region is the country's name."""

from __future__ import annotations

from app.parsing.places import location_in


def test_country_printed_as_region_and_country_keeps_the_city() -> None:
    assert location_in("Amsterdam, Netherlands, Netherlands") == "Amsterdam, Netherlands"
    assert location_in("Barcelona, Spain, Spain") == "Barcelona, Spain"


def test_city_state_naming_itself_twice_is_still_a_place() -> None:
    assert location_in("Singapore, Singapore") == "Singapore, Singapore"


def test_city_region_and_country_stay_whole() -> None:
    assert location_in("Toronto, ON, Canada") == "Toronto, ON, Canada"
