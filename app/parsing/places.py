"""Recognising place names ("San Francisco, CA", "Istanbul, Türkiye", "Remote") by shape.

Resumes write places as a city followed by a region: a US state or Canadian province (code or
name) or a country. No gazetteer of cities is needed: the region list carries the decision.
"""

from __future__ import annotations

import re

import phonenumbers

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "DC": "District of Columbia",
}  # fmt: skip
CA_PROVINCES = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "ON": "Ontario",
    "PE": "Prince Edward Island", "QC": "Quebec", "SK": "Saskatchewan",
}  # fmt: skip
# Australian states by their usual abbreviations ("SA" and "NT" left out: "Acme, SA" is a company).
AU_STATES = {
    "NSW": "New South Wales", "VIC": "Victoria", "QLD": "Queensland", "TAS": "Tasmania",
    "ACT": "Australian Capital Territory", "WA": "Western Australia",
}  # fmt: skip
COUNTRIES = {
    "usa", "us", "u.s.", "u.s.a.", "united states", "united states of america", "america",
    "canada", "mexico", "brazil", "argentina", "chile", "colombia", "peru", "uk", "u.k.",
    "united kingdom", "england", "scotland", "wales", "ireland", "france", "germany",
    "spain", "portugal", "italy", "netherlands", "the netherlands", "belgium",
    "switzerland", "austria", "sweden", "norway", "denmark", "finland", "iceland",
    "poland", "czechia", "czech republic", "slovakia", "hungary", "romania", "bulgaria",
    "greece", "turkey", "türkiye", "turkiye", "ukraine", "russia", "israel", "egypt",
    "nigeria", "kenya", "south africa", "morocco", "ghana", "ethiopia", "uae",
    "united arab emirates", "saudi arabia", "qatar", "india", "pakistan", "bangladesh",
    "sri lanka", "nepal", "china", "hong kong", "taiwan", "japan", "south korea", "korea",
    "singapore", "malaysia", "indonesia", "philippines", "vietnam", "thailand",
    "australia", "new zealand", "estonia", "latvia", "lithuania", "serbia", "croatia",
    "slovenia", "luxembourg", "iran", "iraq", "jordan", "lebanon",
}  # fmt: skip
OTHER_REGIONS = {
    "maharashtra", "karnataka", "tamil nadu", "telangana", "delhi",
    "west bengal", "gujarat", "kerala", "uttar pradesh", "haryana", "bavaria", "bayern",
    "hesse", "hessen", "north holland", "noord-holland", "south holland", "zuid-holland",
    "catalonia", "catalunya", "île-de-france", "ile-de-france", "greater london", "lombardy",
    "lombardia", "gauteng", "western cape",
}  # fmt: skip
_REGION_NAMES = (
    {n.lower() for n in (*US_STATES.values(), *CA_PROVINCES.values(), *AU_STATES.values())}
    | COUNTRIES
    | OTHER_REGIONS
)
_REGION_CODES = set(US_STATES) | set(CA_PROVINCES) | set(AU_STATES)
_CITY_WORD = re.compile(r"^[A-ZÀ-Þ][\w'’.\-]*$|^(?:of|de|la|upon|on|am|del|sur)$")
_WORK_MODE = re.compile(r"^(?:remote|hybrid|on-?site|anywhere)(?:\s*\(.*\))?$", re.IGNORECASE)
_REGION_AND_CODE = re.compile(r"(.+?)\s+([A-Z]{2})")
_ZIP = re.compile(r"\s+\d{4,6}(?:-\d{4})?$")


def _without_code(part: str) -> str:
    """A region followed by its country's ISO code ("QC CA", "WA US"), as JSON Resume
    themes print region and countryCode, is the region."""
    m = _REGION_AND_CODE.fullmatch(part.strip())
    if m and (m.group(2) in phonenumbers.SUPPORTED_REGIONS or m.group(2) == "UK"):
        head = m.group(1)
        if head in _REGION_CODES or head.lower().strip(".") in _REGION_NAMES:
            return head
    return part


def _is_region(part: str) -> bool:
    part = _ZIP.sub("", part.strip())  # ZIP code
    part = _without_code(part)
    if part in _REGION_CODES:
        return True
    return part.lower().strip(".") in _REGION_NAMES or part.lower() in _REGION_NAMES


def _is_city(part: str) -> bool:
    words = part.split()
    return 1 <= len(words) <= 4 and all(_CITY_WORD.match(w) for w in words)


def is_location(text: str) -> bool:
    """The whole text is a place: "City, Region[, Country]", a region alone, or "Remote"."""
    text = text.strip().strip("()")
    if _WORK_MODE.match(text):
        return True
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or len(parts) > 4:
        return False
    if len(parts) == 1:
        return _is_region(parts[0]) and len(parts[0]) > 2
    if len(parts) > 3 or (_is_region(parts[0]) and len(parts[0]) == 2):
        return False
    return _is_city(parts[0]) and all(_is_region(p) for p in parts[1:])


def location_in(text: str) -> str | None:
    """The "City, Region" inside a longer item (drops a street or ZIP code around it)."""
    parts = [p.strip() for p in re.split(r",\s*", text.strip()) if p.strip()]
    for i in range(len(parts) - 1, 0, -1):
        # A city-state names itself twice ("Singapore, Singapore"); after a city the same
        # name twice is a region and its country ("Amsterdam, Netherlands, Netherlands",
        # as themes print region and country), read with that city.
        own = parts[i - 1].lower() == parts[i].lower()
        if own and i >= 2 and _is_city(parts[i - 2]) and not _is_region(parts[i - 2]):
            own = False
        if (
            _is_region(parts[i])
            and _is_city(parts[i - 1])
            and (own or not _is_region(parts[i - 1]))
        ):
            start = i - 1
            end = i + 1
            while end < len(parts) and _is_region(parts[end]):
                end += 1
            place = [parts[start]]
            for part in parts[start + 1 : end]:
                part = _without_code(_ZIP.sub("", part))
                if len(place) == 1 or part.lower() != place[-1].lower():
                    place.append(part)  # not the country repeated after the region
            return ", ".join(place)
        if (
            _is_region(parts[i])
            and _is_region(parts[i - 1])
            and i - 2 >= 0
            and _is_city(parts[i - 2])
        ):
            continue
    if len(parts) == 1 and _WORK_MODE.match(parts[0]):
        return None
    return None


def spaced_location(text: str) -> str | None:
    """ "MADRID SPAIN", "Edinburgh UK": a city and its country without the comma, as some
    themes print them. Countries only (a state name is too often a surname), and only for
    a whole item, never inside a sentence."""
    words = text.split()
    if not 2 <= len(words) <= 5 or "\t" in text:  # tabs part label and value
        return None
    for n in (2, 1):
        country, city = " ".join(words[-n:]), " ".join(words[:-n])
        if (
            city
            and country.lower().strip(".") in COUNTRIES
            and _is_city(city)
            and not _is_region(city)
        ):
            return f"{city}, {country}"
    return None


def city_with_code(text: str) -> str | None:
    """ "Singapore, SG", "Lyon, FR": a city and its country's ISO code (JSON Resume's
    countryCode without a region). Only for an item already known to hold contact details."""
    m = re.fullmatch(r"(.+?),\s*([A-Z]{2})", text.strip())
    if not m or m.group(2) not in phonenumbers.SUPPORTED_REGIONS:
        return None
    city = m.group(1).strip()
    # A city-state is its own country ("Singapore, SG").
    if _is_city(city) and (not _is_region(city) or city.lower() in COUNTRIES):
        return text.strip()
    return None
