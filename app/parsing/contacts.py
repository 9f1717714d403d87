"""Name, e-mail addresses, phone numbers, location and personal links.

These live in the header (the lines before the first section) or in a Contact/Links section;
e-mail and phone are also searched in the whole text because some layouts put them last.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers

from app.parsing.phones import (
    as_stored,
    bare_country_code,
    normalise_prefixes,
    written,
    written_number,
)
from app.parsing.places import is_location, location_in, spaced_location
from app.parsing.sections import heading_kind

EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][\w.+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_TOP_LEVEL_DOMAINS = (
    "com|org|net|io|dev|me|ai|co|app|info|"
    "page|site|xyz|tech|design|blog|us|uk|de|fr|ca|in|eu|ly|sh|to|gg"
)
URL = re.compile(
    r"(?:(?:https?://)?(?:www\.)?(?:[a-z0-9-]+\.)+"
    rf"(?:{_TOP_LEVEL_DOMAINS})(?:/[^\s|,;()<>]*)?)",
    re.IGNORECASE,
)
# Every URL holds a dot before its top-level domain: a line without one holds no URL.
_DOT_DOMAIN = re.compile(rf"\.(?:{_TOP_LEVEL_DOMAINS})", re.IGNORECASE)
# Profiles on these hosts are personal whenever they name a user.
_PROFILE = re.compile(
    r"^(?:linkedin\.com/(?:in|pub)/[^/]+|github\.com/[^/]+|gitlab\.com/[^/]+|"
    r"bitbucket\.org/[^/]+|twitter\.com/[^/]+|x\.com/[^/]+|medium\.com/@?[^/]+|"
    r"stackoverflow\.com/users/.+|kaggle\.com/[^/]+|behance\.net/[^/]+|dribbble\.com/[^/]+|"
    r"scholar\.google\.com/.+|orcid\.org/.+|leetcode\.com/[^/]+|[^/]+\.github\.io)$",
    re.IGNORECASE,
)
_NOT_PERSONAL = re.compile(
    r"doi\.org|arxiv\.org|dx\.doi|^(?:www\.)?example\.(?:com|org)$|(?:^|\.)(?:google|youtube|apple|"
    r"microsoft|amazon|facebook|wikipedia)\.com$",
    re.IGNORECASE,
)
_GITHUB_RESERVED = {"about", "features", "pricing", "orgs", "topics", "explore", "sponsors"}
# An e-mail, a phone number or a web address among a row's items.
_CONTACT_DETAIL = re.compile(r"@\w|\d[\d\s().-]{6,}\d|https?://|www\.")
_NAME_STOP = re.compile(
    r"\b(?:resume|résumé|curriculum|vitae|cv|profile|contact|summary|objective|address|"
    r"phone|email|e-mail|mobile|page|street|avenue|road|engineer|developer|manager|"
    r"university|college|inc|llc|ltd|experience|education|skills|references|linkedin|"
    r"github|portfolio|senior|junior|intern|analyst|consultant|director|designer|"
    r"architect|scientist|specialist|technician|accountant|coordinator|officer|"
    r"highlights|responsibilities|achievements|accomplishments|background|interests)\b",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(
    r"^(?:[A-Z][a-zA-Z'’\-]*\.?|[A-Z]\.|(?:de|da|van|von|der|den|ten|ter|del|della|dal|la|le|di|bin|ibn|al|du|dos|das|los|las|zu|zum|af|av|y)|[A-ZÀ-ÖØ-Þ][\w'’\-]*)$"
)
# A number with its country code may start with a one-digit group ("+31 6 50417370").
_PHONE_SHAPE = re.compile(
    r"(?<![\w@.+])(?:\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){1,4}|"
    r"(?:\+\d{1,3}[\s.-]?)?\(?\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4})(?![\w@])"
)
# "Phone: ", "Tel. ", "M: " before a number.
_PHONE_LABEL = re.compile(
    r"^(?:(?:tele)?phone|tel|mobile|mob|cell|ph|[tmp])\.?\s*(?:[:.]\s*|\s+(?=[+(\d]))",
    re.IGNORECASE,
)
# Date ranges ("2019 - 2021", "12/2022 - 08/2026") that the matcher could read as numbers.
_DATE_RANGE = re.compile(
    r"(?i)\b(?:\d{1,2}[/.])?(?:19|20)\d{2}\s*[-–—]\s*"
    r"(?:(?:\d{1,2}[/.])?(?:19|20)\d{2}|present)\b"
)
# Icon-font glyphs (private use area) and symbols that mark contact items: ✉ ☎ ⌂ 📞 📍 ...
ICON_MARKS = re.compile(
    r"\s*[\ue000-\uf8ff\u2706\u260e\u2709\u2302\U0001f300-\U0001faff]\ufe0f?\s*"
)
# A slash between spaces separates items too ("07700 900650 / a@b.com / Leeds, UK").
SEPARATORS = re.compile(r"\t|\s+[|•·◦▪∙⋄♦●■—–/]\s+|\s+[|•·◦▪∙⋄♦●■]|[|•·◦▪∙⋄♦●■]\s+|\s{3,}| \| ")


def header_segments(lines: list[str]) -> list[str]:
    """Items of contact lines: split on tabs, bullets, bars and commas between items."""
    return [piece for line in lines for piece in _line_segments(line)]


# Cached: the header's lines are split again for the name, the phones and the place.
@functools.lru_cache(maxsize=1024)
def _line_segments(line: str) -> tuple[str, ...]:
    """`header_segments` of one line."""
    out: list[str] = []
    # Items run together without separators ("a@b.com +1 415 555 0142 San Francisco,
    # CA linkedin.com/in/x"): e-mails, links and phone numbers separate the rest.
    line = normalise_prefixes(ICON_MARKS.sub("\t", line))
    line = _EMPTY_ITEMS.sub(",", line)  # an empty item ("Singapore, , SG")
    line = EMAIL.sub(lambda m: f"\t{m.group(0)}\t", line)
    line = URL.sub(lambda m: f"\t{m.group(0)}\t" if "@" not in m.group(0) else m.group(0), line)
    line = _PHONE_SHAPE.sub(lambda m: f"\t{m.group(0).strip()}\t", line)
    for seg in SEPARATORS.split(line):
        # "a@b.com,+1 (415) 555-0142,San Francisco, CA": a comma without a space.
        for piece in _COMMA_ITEMS.split(seg):
            piece = piece.strip(" ,;")
            if piece:
                out.append(piece)
    return tuple(out)


_EMPTY_ITEMS = re.compile(r",(?:\s*,)+")
_COMMA_ITEMS = re.compile(r",(?=\S)(?![^()]*\))")


def _email_matches(text: str) -> Iterator[re.Match[str]]:
    """``EMAIL.finditer(text)``, searched only in the space-, tab- and newline-delimited
    tokens holding an at-sign: a match holds one and no such separator, so scanning the
    whole text (every position of a long resume) finds the same matches, slower."""
    at = text.find("@")
    while at != -1:
        start = max(text.rfind(" ", 0, at), text.rfind("\t", 0, at), text.rfind("\n", 0, at))
        ends = [
            e for e in (text.find(" ", at), text.find("\t", at), text.find("\n", at)) if e != -1
        ]
        end = min(ends) if ends else len(text)
        yield from EMAIL.finditer(text, start + 1, end)
        at = text.find("@", end)


def find_emails(text: str) -> list[str]:
    found: list[str] = []
    text = "\n".join(join_wrapped_emails(text.split("\n")))
    for m in _email_matches(text):
        email = m.group(0).rstrip(".").lower()
        if email.startswith("mailto:"):
            email = email[7:]
        if email not in found:
            found.append(email)
    return found


@dataclass(frozen=True)
class PhoneRead:
    """A number as stored, and how it was read: with its own country code, in the default
    region (``assumed``), or kept as written because it could not be checked."""

    number: str
    assumed: bool = False
    unchecked: bool = False


def find_phones(texts: list[str], region: str) -> list[str]:
    """Numbers in E.164, in order; ones that do not validate are kept only if they look
    like a phone number written out (enough digits, typical grouping)."""
    return [read.number for read in read_phones(texts, region)]


def read_phones(texts: list[str], region: str) -> list[PhoneRead]:
    """`find_phones` with how each number was read (for the review's reasons)."""
    found: list[PhoneRead] = []
    seen: set[str] = set()
    for text in texts:
        cleaned = normalise_prefixes(EMAIL.sub(" ", text))
        cleaned = _DATE_RANGE.sub(" ", cleaned)
        try:
            matches = list(
                phonenumbers.PhoneNumberMatcher(
                    cleaned, region, leniency=phonenumbers.Leniency.POSSIBLE
                )
            )
        except Exception:  # phonenumbers is defensive, but never let a bad line fail a file
            matches = []
        for m in matches:
            raw = m.raw_string
            digits = re.sub(r"\D", "", raw)
            if len(digits) < 10 and not raw.startswith("+"):
                continue
            if re.fullmatch(r"(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}", raw.strip()):
                continue
            own_code = raw.lstrip("(").startswith("+")
            code = None if own_code else bare_country_code(cleaned[: m.start], m.number)
            if code is not None:  # its country is written, without "+": kept as written
                start = cleaned.rindex(code, 0, m.start)
                number = written(cleaned[start : m.end])
            else:
                number = as_stored(raw, m.number)
            if number not in seen:
                seen.add(number)
                found.append(
                    PhoneRead(
                        number,
                        assumed=not own_code and number.startswith("+"),
                        unchecked=not number.startswith("+"),
                    )
                )
        if not matches:
            kept = written_number(_PHONE_LABEL.sub("", cleaned.strip()))
            if kept and kept not in seen:
                seen.add(kept)
                found.append(PhoneRead(kept, unchecked=True))
    return found


def tel_numbers(annotations: list[str]) -> list[str]:
    """The numbers of ``tel:`` links as written in them ("+44-20-7946-0958"), their
    parameters (";ext=") and percent-escapes undone."""
    found: list[str] = []
    for uri in annotations:
        if uri.lower().startswith("tel:"):
            number = urllib.parse.unquote(uri[4:].split(";", 1)[0]).strip()
            if number and number not in found:
                found.append(number)
    return found


def with_linked_countries(reads: list[PhoneRead], linked: list[str]) -> list[PhoneRead]:
    """Numbers read without a country of their own (kept as written, or placed in the default
    region) given the country of a ``tel:`` link to the same number: a page showing
    "020 7946 0958" beside an icon linking to tel:+442079460958 is that London number."""
    known: list[tuple[str, str]] = []  # (national digits, E.164) of links with their country
    for text in linked:
        if not text.lstrip("(").startswith("+"):
            continue
        try:
            number = phonenumbers.parse(text, None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            known.append((str(number.national_number), e164))
    if not known:
        return reads
    out: list[PhoneRead] = []
    for read in reads:
        if read.assumed or read.unchecked:
            digits = (
                _national_digits(read.number)  # E.164 already, in the default region
                if read.assumed
                else re.sub(r"\D", "", read.number).lstrip("0")  # as written: no trunk 0
            )
            match = next((e164 for national, e164 in known if national == digits), None)
            if match is not None:
                read = PhoneRead(match)
        if read not in out:
            out.append(read)
    return out


def _national_digits(e164: str) -> str:
    try:
        return str(phonenumbers.parse(e164, None).national_number)
    except phonenumbers.NumberParseException:
        return ""


# Compiled once: these run for every link found.
_SCHEME = re.compile(r"^(?:https?://)?(?:www\.)?", re.IGNORECASE)
_HOST_END = re.compile(r"\.[a-z]{2,}$")


def normalise_link(url: str) -> str:
    """A link as stored: no scheme, no "www.", no trailing slash or query noise."""
    url = url.strip().strip(".,;)")
    url = _SCHEME.sub("", url)
    url = url.split("?")[0].split("#")[0]
    return url.rstrip("/")


def personal_link(url: str) -> bool:
    """A personal profile or site, not a paper, a repository or an employer page."""
    if not url or "@" in url.split("/")[0] or url.lower().startswith(("mailto:", "tel:")):
        return False
    host = url.split("/")[0].lower()
    if _NOT_PERSONAL.search(host) or not _HOST_END.search(host):
        return False
    if host in ("github.com", "gitlab.com", "bitbucket.org"):
        parts = url.split("/")
        return len(parts) == 2 and parts[1].lower() not in _GITHUB_RESERVED
    if _PROFILE.match(url):
        return True
    if host in ("linkedin.com",) or host.endswith(".linkedin.com"):
        return (
            url.lower().startswith(("linkedin.com/in/", "linkedin.com/pub/"))
            or url.lower() == "linkedin.com"
        )
    return True


# A link target written without its scheme ("linkedin.com/in/jane", as LaTeX's \url sets
# it when the author leaves the scheme off): a host name, then a path or nothing. A scheme
# ("mailto:", "tel:", "file:") or a relative path never matches.
_BARE_HOST = re.compile(r"(?i)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/|$)")


def find_links(header_text: str, all_text: str, annotations: list[str]) -> list[str]:
    """Personal links: any URL in the header/contact area, profiles anywhere, and link
    annotations that are profiles or whose site is printed in the header."""
    out: list[str] = []

    def add(url: str) -> None:
        link = normalise_link(url)
        if link and personal_link(link) and link.lower() not in (x.lower() for x in out):
            out.append(link)

    header_urls = [m.group(0) for m in URL.finditer(_without_emails(header_text))]
    for url in header_urls:
        add(url)
    for url in _urls(all_text):
        link = normalise_link(url)
        if _PROFILE.match(link) and "/" in link and _is_profile_root(link):
            add(link)
    # A site wrapped over two lines ("JANEDOE.EXAMPL" / "E.COM", "jane-" / "doe.com")
    # still names its host.
    header_lower = header_text.lower() + "\n" + re.sub(r"-?\s*\n\s*", "", header_text.lower())
    for uri in annotations:
        if not uri.lower().startswith(("http://", "https://", "www.")) and not _BARE_HOST.match(
            uri
        ):
            continue
        link = normalise_link(uri)
        host = link.split("/")[0].lower()
        if (_PROFILE.match(link) and _is_profile_root(link)) or (
            host in header_lower and "/" not in link
        ):
            add(link)
    # "linkedin.com" printed bare while the annotation or text has the full profile.
    full = {x.split("/")[0].lower() for x in out if "/" in x}
    out = [x for x in out if "/" in x or x.lower() not in full]
    # The second line of a wrapped site ("E.COM", "doe.example.com") is the end of
    # another's host, cut inside a label (a subdomain's parent, cut at a dot, stays).
    hosts = {x.split("/")[0].lower() for x in out}
    return [x for x in out if "/" in x or not any(_cut_from(x.lower(), h) for h in hosts)]


def _urls(text: str) -> list[str]:
    """``URL``'s matches in ``text`` without its e-mail addresses, read only in lines that
    could hold one: the pattern tries every letter of prose as a host's start, which over a
    whole resume costs more than the rest of the link search. Neither a URL nor an address
    spans lines (no part of either matches a line end), so line by line finds the same
    matches in the same order."""
    return [
        match.group(0)
        for line in text.split("\n")
        if _DOT_DOMAIN.search(line)
        for match in URL.finditer(_without_emails(line))
    ]


def _cut_from(part: str, host: str) -> bool:
    return host != part and host.endswith(part) and host[-len(part) - 1] != "."


def _is_profile_root(link: str) -> bool:
    host = link.split("/")[0].lower()
    if host in ("github.com", "gitlab.com", "bitbucket.org"):
        return len(link.split("/")) == 2
    return True


def _without_emails(text: str) -> str:
    return EMAIL.sub(" ", text)


def find_name(candidates: list[tuple[str, float, bool]]) -> str | None:
    """The name: the most prominent name-shaped item among the first header lines.

    ``candidates`` are (text, font size, is heading style) in reading order.
    """
    ranked = name_candidates(candidates)
    return ranked[0][1] if ranked else None


def rival_name(candidates: list[tuple[str, float, bool]]) -> str | None:
    """A second, different name printed as prominently as the chosen one (same size and
    style): the header may name two people, or a company set like a name."""
    ranked = name_candidates(candidates)
    if len(ranked) < 2:
        return None
    (best_score, best), (score, other) = ranked[0], ranked[1]
    different = other.lower() not in best.lower() and best.lower() not in other.lower()
    return other if different and best_score - score <= 1.0 else None


def name_candidates(candidates: list[tuple[str, float, bool]]) -> list[tuple[float, str]]:
    """Name-shaped header items with their prominence, most prominent first."""
    found: list[tuple[float, int, str]] = []
    for index, (text, size, heading) in enumerate(candidates[:12]):
        stacked = _stacked_name(candidates, index)
        if stacked:
            found.append((size + (4 if heading else 0) - index * 0.5 + 0.5, index, stacked))
        segs = header_segments([text])
        if len(segs) >= 3 and sum(1 for s in segs if _name_shape(s)) >= 2:
            continue  # a list of phrases ("Strategic Planning | Change Management")
        if len(segs) >= 2 and any(_CONTACT_DETAIL.search(s) for s in segs):
            # A contact row: its other items are a place or a label, not the name; but a
            # row in type far larger than the rest is the name with a contact item set
            # beside it ("Joris van den Berg <tab> 010-9851734").
            rest = [c[1] for k, c in enumerate(candidates[:12]) if k != index and c[1]]
            if rest and size >= 1.5 * max(rest) and not _CONTACT_DETAIL.search(segs[0]):
                name = _name_shape(segs[0])
                if name:
                    found.append((size + (4 if heading else 0) - index * 0.5, index, name))
            continue
        for seg in segs[:2]:
            if heading_kind(seg):
                continue  # a section heading ("ABOUT") read before a sidebar's name
            name = _name_before_headline(seg) or _name_shape(seg)
            if name:
                found.append((size + (4 if heading else 0) - index * 0.5, index, name))
    # The earliest of equal scores wins, as when one best was kept while reading.
    found.sort(key=lambda item: (-item[0], item[1]))
    return [(score, name) for score, _index, name in found]


def _stacked_name(candidates: list[tuple[str, float, bool]], index: int) -> str | None:
    """A name set on two lines in one font, the given name above the surname ("François" /
    "Bélanger"), as narrow headers and sidebars print a long name. Smaller lines set beside
    the given name (a place, an e-mail) may come between the two in reading order."""
    if index + 1 >= len(candidates):
        return None
    first, size, _ = candidates[index]
    joined = _hyphen_wrapped(candidates, index)
    if joined:
        return joined
    after = index + 1
    while (
        after < min(index + 4, len(candidates) - 1) and size and candidates[after][1] * 1.5 <= size
    ):
        after += 1  # smaller type between two lines of a large name
    second, next_size, _ = candidates[after]
    words = first.split()
    if len(words) != 1 or abs(size - next_size) > 0.5 or not 1 <= len(second.split()) <= 3:
        return None
    if not _NAME_WORD.match(words[0]) or len(header_segments([second])) != 1:
        return None
    return _name_shape(f"{first.strip()} {second.strip()}")


def _hyphen_wrapped(candidates: list[tuple[str, float, bool]], index: int) -> str | None:
    """A double-barrelled name wrapped at its hyphen in a narrow header ("Svenja Becker-" /
    "Hoffmann"): the next line in the same type completes it, smaller lines set beside the
    first (a phone) maybe coming between in reading order."""
    first, size, _ = candidates[index]
    head = " ".join(first.split())
    if not head.endswith("-") or len(head) < 3 or head[-2] == " ":
        return None
    after = index + 1
    while after < min(index + 4, len(candidates) - 1) and candidates[after][1] * 1.5 <= size:
        after += 1
    second, next_size, _ = candidates[after]
    if abs(size - next_size) > 0.5 or len(second.split()) != 1:
        return None
    return _name_shape(head + second.strip())


def _name_before_headline(text: str) -> str | None:
    """The name in "Jane Doe, Registered Nurse": a name of two or more words, a comma, and
    a headline that is not a place ("Paris, France" is no name)."""
    head, sep, tail = text.partition(", ")
    if not sep or len(head.split()) < 2 or is_location(text) or is_location(tail):
        return None
    return _name_shape(head)


def _name_shape(text: str) -> str | None:
    text = _NAME_LABEL.sub("", text.strip())
    text = _POSTNOMINALS.sub("", text)
    if not text or _NOT_IN_NAMES.search(text) or _NAME_STOP.search(text):
        return None
    words = text.replace(",", " ").split()
    if not 1 <= len(words) <= 4 or len(text) > 40:
        return None
    if not all(_NAME_WORD.match(w) for w in words):
        return None
    if is_location(text):
        return None
    if len(words) == 1 and not (text.isupper() and len(text) > 2):
        return None
    if text.isupper() or text.islower():
        text = " ".join(_title_word(w) for w in words)
    return text


def _title_word(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def find_location(segments: list[str], name: str | None = None) -> str | None:
    """The candidate's own place: the first place-shaped header item; a city and country
    without a comma only when no item has one, and never the name ("Michael Jordan")."""
    for seg in segments:
        labelled = re.match(r"(?i)^(?:location|address|city|based in)\s*:\s*(.+)$", seg)
        if labelled:
            return labelled.group(1).strip()
    for seg in segments:
        place = location_in(seg)
        if place:
            return place
    for seg in segments:
        if name and seg.strip().lower() == name.lower():
            continue
        place = spaced_location(seg)
        if place:
            return place
    return None


def join_wrapped_emails(lines: list[str]) -> list[str]:
    """Lines with an e-mail address that a narrow column wrapped rejoined.

    A long address in a sidebar breaks inside its domain ("KWAME@EXAMPLE." then "COM"); the
    tail is a short token of the same case on the next line, so it is put back.
    """
    out = list(lines)
    for i in range(len(out) - 1):
        tail = out[i + 1].strip()
        # Cut at the at-sign: "jane.doe@" over "example.com", or "jane.doe" over "@example.com".
        domain = _DOMAIN_START.match(tail)
        if domain and (
            (_ENDS_AT_SIGN.search(out[i]) and not tail.startswith("@"))
            or (tail.startswith("@") and _ENDS_LOCAL_PART.search(out[i]))
        ):
            out[i], out[i + 1] = out[i].rstrip() + domain.group(0), tail[domain.end() :].strip()
            continue
        # (an at-sign first: the pattern alone tries every word of a long line)
        m = _ENDS_ADDRESS.search(out[i]) if "@" in out[i] else None
        if not m or not tail:
            continue
        address = m.group(0)
        if _BROKEN_DOMAIN.search(address):  # "jo@mail-" / "box.example": cut mid-domain
            head, _, rest = tail.partition(" ")
            out[i], out[i + 1] = out[i] + head, rest
        elif (
            _SHORT_TAIL.fullmatch(tail)
            and address.isupper() == tail.isupper()
            and address.islower() == tail.islower()
        ):
            out[i] = out[i] + tail
            out[i + 1] = ""
    return out


# The domain stops after its first label and a dot or hyphen: the rest is on the next line.
_BROKEN_DOMAIN = re.compile(r"@[A-Za-z0-9-]+[.-]$")
_DOMAIN_START = re.compile(r"@?[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_ENDS_AT_SIGN = re.compile(r"[\w.+-]+@$")
_ENDS_LOCAL_PART = re.compile(r"[\w.+-]+$")
_ENDS_ADDRESS = re.compile(r"\S+@\S+$")
_SHORT_TAIL = re.compile(r"[A-Za-z.]{1,4}")
_NAME_LABEL = re.compile(r"^(?:name|full name)\s*:\s*", re.IGNORECASE)
_POSTNOMINALS = re.compile(r",?\s+(?:Ph\.?D|MBA|M\.?D|CPA|PMP|MSc|MS|BSc|P\.?E)\.?$")
_NOT_IN_NAMES = re.compile(r"[\d@/:;(){}\[\]]|https?|www\.")


def emails_from_mailto(annotations: list[str]) -> list[str]:
    """The addresses of ``mailto:`` links, for a resume whose page shows none: an envelope
    icon linked to the address, or an address drawn as outlines. Their query ("?subject=")
    and percent-escapes are undone; what is not an address is left out."""
    found: list[str] = []
    for uri in annotations:
        if not uri.lower().startswith("mailto:"):
            continue
        target = urllib.parse.unquote(uri[7:].split("?", 1)[0]).strip()
        for address in target.split(","):  # "mailto:a@x.org,b@y.org" names several
            email = address.strip().lower()
            if EMAIL.fullmatch(email) and email not in found:
                found.append(email)
    return found


def complete_from_mailto(emails: list[str], annotations: list[str]) -> list[str]:
    """Addresses clipped on the page ("dres.ortega@x.com" under a margin) completed from the
    mailto link that carries the whole address."""
    linked = emails_from_mailto(annotations)
    out: list[str] = []
    for email in emails:
        whole = next((a for a in linked if a != email and a.endswith(email)), email)
        if whole not in out:
            out.append(whole)
    return out
