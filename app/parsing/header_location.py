"""The candidate's place from the header's contact line.

Resumes put the place among the e-mail and phone: "jane@x.io | +44 20 7946 0958 | London, UK",
"Berlin, Germany · +49 30 1234567 · jane@x.de", "Toronto, ON  (416) 555-0100", or with icon
glyphs or tabs between the items. A line that holds an e-mail or a phone number is split into
items; e-mail, phone and link items are dropped and the first remaining item that is a place
("City, Region", "City, Country" or a well-known city on its own) is the location. A job title
or a company never qualifies: it names no region and is not a known city.
"""

from __future__ import annotations

import re
import unicodedata

from app.parsing.contacts import EMAIL, URL, header_segments
from app.parsing.phones import written_number
from app.parsing.places import city_with_code, is_location, location_in, spaced_location
from app.parsing.sections import CONTACT, LINKS, heading_kind

# Large cities that resumes often give without a region.
KNOWN_CITIES = {
    "london", "paris", "berlin", "munich", "hamburg", "frankfurt", "amsterdam", "rotterdam",
    "brussels", "dublin", "madrid", "barcelona", "lisbon", "rome", "milan", "vienna", "zurich",
    "geneva", "stockholm", "oslo", "copenhagen", "helsinki", "warsaw", "krakow", "prague",
    "budapest", "bucharest", "athens", "istanbul", "kyiv", "tallinn", "riga", "vilnius",
    "edinburgh", "manchester", "birmingham", "glasgow", "toronto", "montreal", "vancouver",
    "calgary", "ottawa", "new york", "san francisco", "los angeles", "chicago", "boston",
    "seattle", "austin", "mexico city", "sao paulo", "são paulo", "buenos aires", "bogota",
    "bogotá", "santiago", "lima", "sydney", "melbourne", "brisbane", "auckland", "singapore",
    "hong kong", "tokyo", "seoul", "shanghai", "beijing", "shenzhen", "taipei", "bangkok",
    "jakarta", "manila", "kuala lumpur", "mumbai", "delhi", "new delhi", "bangalore",
    "bengaluru", "hyderabad", "chennai", "pune", "kolkata", "karachi", "lahore", "dhaka",
    "dubai", "abu dhabi", "doha", "riyadh", "tel aviv", "cairo", "lagos", "nairobi",
    "johannesburg", "cape town",
    "utrecht", "the hague", "eindhoven", "lyon", "toulouse", "marseille", "lille", "nantes",
    "bordeaux", "nice", "valencia", "seville", "bilbao", "malaga", "porto", "bristol",
    "leeds", "liverpool", "sheffield", "nottingham", "leicester", "cambridge", "oxford",
    "cardiff", "belfast", "cork", "cologne", "stuttgart", "dusseldorf", "dresden",
    "leipzig", "nuremberg", "antwerp", "ghent", "gothenburg", "malmo", "aarhus", "bergen",
    "lausanne", "basel", "bern", "turin", "naples", "florence", "bologna", "gdansk",
    "wroclaw", "brno", "quebec city", "winnipeg", "edmonton", "halifax", "montréal",
    "denver", "portland", "atlanta", "dallas", "houston", "phoenix", "philadelphia",
    "san diego", "san jose", "miami", "minneapolis", "detroit", "pittsburgh", "raleigh",
    "nashville", "washington", "baltimore", "salt lake city", "las vegas", "perth",
    "adelaide", "wellington", "ahmedabad", "jaipur", "kochi", "noida", "gurgaon",
    "gurugram", "chandigarh", "lucknow", "colombo", "kathmandu", "hanoi", "ho chi minh city",
    "osaka", "kyoto", "busan", "guangzhou", "chengdu", "hangzhou", "abuja", "accra",
    "casablanca", "tunis", "amman", "beirut", "muscat", "kuwait city", "manama", "medellin",
    "guadalajara", "monterrey", "montevideo", "quito", "rio de janeiro", "belo horizonte",
    "munchen", "koln", "nurnberg", "wien", "praha", "lisboa", "milano", "roma", "firenze",
    "napoli", "torino", "sevilla", "bruxelles", "den haag", "goteborg", "kobenhavn",
}  # fmt: skip
_LABEL = re.compile(r"(?i)^(?:location|address|city|based in|lives in)\s*:\s*")
# A margin label set on the block's first row ("CONTACT <tab> Singapore, SG"): no item.
_BLOCK_LABEL = re.compile(
    r"(?i)(?:contacts?|contact (?:info(?:rmation)?|details)|personal (?:info|details)|"
    r"address|location)\s*:?"
)
# A postal code after the region: "Toronto, ON M5V 2T6", "London, UK SW1A 1AA".
_POSTCODE = re.compile(
    r"\s+(?:[A-Z]\d[A-Z]\s?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|\d{4,6}(?:-\d{4})?)$"
)


def _is_contact_item(item: str) -> bool:
    return bool(
        EMAIL.search(item)
        or URL.fullmatch(item.strip())
        or written_number(item)
        or re.fullmatch(r"\+?[\d\s().-]{7,}", item.strip())
        or "@" in item
    )


# A country code in brackets after the city: "Amsterdam (NL), Netherlands".
_CODE_IN_BRACKETS = re.compile(r"\s*\([A-Z]{2,3}\)")


_WORK_MODE = re.compile(r"(?i)remote|hybrid|anywhere|on-?site")


def _place(item: str) -> str | None:
    item = _LABEL.sub("", item.strip(" \t,;:")).strip()
    item = _CODE_IN_BRACKETS.sub("", _POSTCODE.sub("", item)).strip(" ,")
    # "Seattle, WA, US": the two-letter country code after "City, Region" repeats the country.
    item = re.sub(r"^([^,]+,[^,]+),\s*[A-Z]{2}$", r"\1", item)
    if not item or len(item) > 60:
        return None
    found = location_in(item)
    if found:
        return found
    if is_location(item) and "," not in item and item.lower() not in {"remote", "hybrid"}:
        return item
    if _fold(item) in KNOWN_CITIES:
        return item
    coded = city_with_code(item)
    if coded:
        return coded
    return None


def _fold(text: str) -> str:
    """Lower case without accents: "Montréal" and "MÜNCHEN" meet the list's spelling."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def known_city(text: str) -> bool:
    """A large city often written without its region ("Lyon", "São Paulo")."""
    return _fold(text) in KNOWN_CITIES


def contact_line_location(lines: list[str]) -> str | None:
    """The place among the items of the header's first contact lines."""
    for line in lines:
        items = header_segments([line])
        if not any(_is_contact_item(i) for i in items):
            continue
        for item in items:
            if _is_contact_item(item):
                continue
            place = _place(item)
            if place:
                return place
    return None


def contact_block(lines: list[str], reach: int = 3) -> list[str]:
    """The lines around the first e-mail address, wherever it is printed.

    Sidebars and two-column layouts put the contact block (phone, e-mail, place) beside the
    experience, so text extraction reads it after the jobs rather than in the header. The
    e-mail is the one item every contact block has; its neighbours are the rest of the block,
    down to the next section's heading: the first job's place under "Experience" is the
    employer's, not the candidate's.
    """
    for i, line in enumerate(lines):
        if EMAIL.search(line):
            after = lines[i + 1 : i + reach + 1]
            ends = [
                k
                for k, text in enumerate(after)
                if heading_kind(text) not in (None, CONTACT, LINKS)
            ]
            return lines[max(0, i - reach) : i + 1] + after[: ends[0] if ends else len(after)]
    return []


def block_location(block: list[str], name: str | None = None) -> str | None:
    """A line of the contact block that is a place and nothing else ("Paris, France, FR").

    Only whole lines count: a job line nearby ("Acme Ltd · Lyon, France") names the
    employer's place, not the candidate's. A city and country without a comma ("MADRID
    SPAIN") count when no line has a comma-separated place, and never the name's line.
    """
    for line in block:
        if line.rstrip().endswith("."):  # the tail of a wrapped sentence, not a place
            continue
        segments = [i for i in header_segments([line]) if not _BLOCK_LABEL.fullmatch(i.strip())]
        items = [i for i in segments if not _is_contact_item(i)]
        if len(items) == 1 and len(segments) <= 3:
            place = _place(items[0])
            if (
                place
                and items[0].startswith(place.split(",")[0])
                and not _WORK_MODE.fullmatch(place)  # "Remote" says how, not where
            ):
                return place
    for line in block:
        if name and line.strip().lower() == name.lower():
            continue
        place = spaced_location(line.strip()) or _known_city_and_code(line.strip())
        if place:
            return place
    return None


def _known_city_and_code(text: str) -> str | None:
    """ "VANCOUVER BC": a known city and its region's code without the comma."""
    m = re.fullmatch(r"(.+?)\s+([A-Z]{2,3})", text)
    if m and known_city(m.group(1)) and is_location(f"{m.group(1)}, {m.group(2)}"):
        return f"{m.group(1)}, {m.group(2)}"
    return None
