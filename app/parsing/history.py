"""Work history entries from their section.

An entry is anchored by its dates: the short, non-bullet lines around a date range are the
entry's header, and the header's items (split on tabs, bars, bullets, " , " and "–" before a
place) are told apart by shape: places by their region, titles by their job words, employers
by what is left (or by company words such as "Inc" or "University").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from app.parsing.dates import DANGLING, DASH, MONTH, NOW, POINT, YEAR, DateRange, find_range, months
from app.parsing.header_location import known_city
from app.parsing.places import is_location
from app.parsing.result import Employment

# A list number ("3." or "3)") but not a dotted date ("10.2021 – today").
BULLET = re.compile(r"^\s*(?:[•·◦▪∙‣⁃●○■□◆◇►▸▶➢➤✓✔\-–—*>]|\d{1,2}(?:\.(?!\d)|\)))\s*")
TITLE_WORDS = re.compile(
    r"\b(?:engineer|engineering manager|developer|programmer|manager|director|intern|"
    r"internship|analyst|accountant|technician|coordinator|consultant|specialist|lead|"
    r"leader|head|officer|president|vice president|vp|founder|co-?founder|cto|ceo|cfo|coo|"
    r"cio|ciso|assistant|associate|scientist|researcher|research assistant|fellow|"
    r"postdoc|designer|architect|administrator|admin|support|representative|teacher|"
    r"tutor|instructor|professor|lecturer|nurse|clerk|cashier|receptionist|secretary|"
    r"advisor|adviser|editor|writer|author|journalist|producer|marketer|strategist|"
    r"recruiter|owner|partner|principal|staff|member|volunteer|trainee|apprentice|"
    r"executive|agent|operator|supervisor|planner|auditor|controller|bookkeeper|"
    r"counsel|attorney|lawyer|paralegal|physician|therapist|pharmacist|chef|cook|"
    r"driver|mechanic|electrician|technologist|sre|devops|full[- ]stack|front[- ]?end|"
    r"back[- ]?end|software|data|product|project|program|sales|marketing|"
    r"contractor|freelancer?|buyer|merchandiser|mentor|ambassador|chair|captain|"
    r"treasurer|organizer|facilitator|investigator|inspector|surveyor|estimator|"
    r"expert|evangelist|steward|attendant|guard|worker|helper|aide|crew)\b",
    re.IGNORECASE,
)
ORG_WORDS = re.compile(
    r"\b(?:inc|llc|l\.l\.c|ltd|limited|corp|corporation|co(?=\.|$)|company|gmbh|plc|"
    r"group|holdings|technologies|technology|solutions|systems|labs?|laboratory|"
    r"laboratories|studios?|entertainment|financial|bank|capital|partners|associates|"
    r"consulting|services|industries|university|college|institute|school|academy|"
    r"hospital|clinic|foundation|agency|department|ministry|council|bureau|"
    r"research|health|healthcare|media|networks|software|international|global|"
    r"enterprises|ventures|firm|store|restaurant|hotel|club|society|center|centre|"
    r"management)\b\.?",
    re.IGNORECASE,
)
INSTITUTION = re.compile(
    r"universit|college|institute|school|academy|polytechnic|conservatory|seminary|"
    r"\buc [A-Z]|\btu [A-Z]|\bucla\b|\bmit\b|caltech|\biit\b|\bnyu\b|\bcmu\b|\beth\b|\bepfl\b|"
    r"\bucl\b|\blse\b|\bkth\b|\bnus\b|\bubc\b|\bunsw\b|"
    r"hochschule|universidad|université|école|ecole|politecnico|\bcampus\b",
    re.IGNORECASE,
)
DEGREE = re.compile(
    r"\b(?:bachelor|master|doctor|doctorate|associate(?:'s)? (?:degree|of)|diploma|"
    r"certificate|ph\.?\s?d|mba|m\.?b\.?a|b\.?\s?s\.?c?|m\.?\s?s\.?c?|b\.?\s?a|m\.?\s?a|"
    r"b\.?\s?eng|m\.?\s?eng|b\.?\s?tech|m\.?\s?tech|b\.?\s?e|m\.?\s?e|b\.?com|m\.?com|"
    r"bba|bfa|mfa|llb|llm|j\.?d|m\.?d|a\.?a\.?s?|ged|high school|hnd|btec|a-levels?|"
    r"licen[cs]e|bachelor's|master's)(?![a-z])",
    re.IGNORECASE,
)
STRONG_SPLIT = re.compile(r"\t|\s+[|•·◦▪∙⋄♦●■]\s*|\s*[|•·◦▪∙⋄♦●■]\s+|\s+,\s+|\s+@\s+|\s+/\s+")
DASH_SPLIT = re.compile(r"\s+[–—-]\s+|\s+-{2}\s+")


@dataclass
class _Entry:
    header: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    dated: bool = False
    body: bool = False


# Compiled once: these run for every line of a work history.
_LONE_DASH = re.compile(r"^\s*[-–—]\s*$")
_NEXT_SENTENCE = re.compile(r"[a-z]{2}\.\s+[A-Z]")


def _is_bullet(text: str) -> bool:
    return bool(BULLET.match(text)) and not _LONE_DASH.match(text)


def _is_prose(text: str) -> bool:
    """A sentence of description rather than an entry header."""
    if len([p for p in STRONG_SPLIT.split(text) if p.strip()]) >= 3:
        return False  # items set apart ("Title , Company , City, Country."): a header
    words = text.split()
    if len(words) > 14 or (len(words) > 8 and text.rstrip().endswith((".", ";"))):
        return True
    if len(words) >= 5 and _SENTENCE_END.search(text) and not _is_degree_like(text):
        return True  # a short sentence: "Led the roadmap for the billing platform."
    if _ACHIEVEMENT.match(text) and len(words) >= 3 and not _title_words(words[-1]):
        # ("Managed Services Engineer" is a title: titles end in their role noun; "Built
        # the company design system" is a sentence: names are capitalised)
        lower = any(w[:1].islower() and w.lower() not in _NAME_LINKS for w in words[1:])
        return (lower or not ORG_WORDS.search(text)) and not find_range(text)
    return len(words) > 7 and bool(_NEXT_SENTENCE.search(text))


# A line opening with an action verb in the past tense is an achievement, even without a
# bullet or a full stop ("Managed a fleet of 45 vehicles"): lists drawn as graphics lose
# their bullets when the text is extracted.
_ACHIEVEMENT = re.compile(
    r"^(?:[A-Z][a-z]{2,}(?:ed|ied)|Led|Built|Ran|Cut|Grew|Won|Drove|Made|Wrote|Taught|Kept|"
    r"Sold|Set|Shipped|Brought|Began|Oversaw|Spearheaded|Took|Gave|Held|Met|Saw|Found|"
    r"Rebuilt|Overhauled|Co-led|Co-founded)\s+(?:a|an|the|\w+)",
)


# Lower-case words that join the capitalised words of a name ("Bank of America") or a
# title and its employer ("Registered Nurse at Mercy Clinic").
_NAME_LINKS = {
    "of",
    "and",
    "&",
    "the",
    "for",
    "at",
    "de",
    "du",
    "la",
    "le",
    "van",
    "von",
    "und",
    "y",
}

# A full stop after a lower-case word, not after "Inc." or "Co." or an initial.
_SENTENCE_END = re.compile(r"(?<![A-Z])\b[a-z]{3,}\.\s*$")


def _is_degree_like(text: str) -> bool:
    return bool(DEGREE.search(text) or names_institution(text))


# Cached, as is `_title_words`: these long word lists are tried at every letter of a line
# (about 15 µs a line), and the same lines are asked again by several steps.
@functools.lru_cache(maxsize=4096)
def names_institution(text: str) -> bool:
    """Whether ``text`` holds a school's word (``INSTITUTION``)."""
    return INSTITUTION.search(text) is not None


@functools.lru_cache(maxsize=4096)
def _title_words(text: str) -> bool:
    return bool(TITLE_WORDS.search(text))


# "November 2021 to January <company>" over "2026 <title>": a narrow date column wrapped
# its range's end year onto the next row.
_END_MONTH_ALONE = re.compile(rf"^\s*({POINT}{DASH}{MONTH})\s+(?!['’]?{YEAR})(\S.*)$", re.I)
_YEAR_FIRST = re.compile(rf"^\s*({YEAR})\b\s*(.*)$")


def _repair_dangling(lines: list[str]) -> list[str]:
    """ "2017 –" at a line's start or end whose end ("Present") opens the next line."""
    out = list(lines)
    for i in range(len(out) - 1):
        head, year = _END_MONTH_ALONE.match(out[i]), _YEAR_FIRST.match(out[i + 1])
        if head and year:
            out[i] = f"{head.group(1)} {year.group(1)}\t{head.group(2)}"
            out[i + 1] = year.group(2).lstrip("\t ")
    for i in range(len(out) - 1):
        m = DANGLING.search(out[i])
        if not m or (
            not m.group(1)  # a dash at the line's end reads as an open range: join anyway
            and find_range(out[i])
            and find_range(out[i]).end not in (None,)
            and (find_range(out[i]).start != find_range(out[i]).end)
        ):
            continue
        nxt = re.match(
            rf"^\s*({NOW}|(?:\w+\.?\s+)?(?:19|20)\d{{2}}|(?:0?[1-9]|1[0-2])\s*[/.]\s*(?:19|20)\d{{2}})\b\s*",
            out[i + 1],
            re.IGNORECASE,
        )
        if not nxt:
            continue
        token = nxt.group(1)
        start = m.group(1) or m.group(2)
        rest = out[i][: m.start()] + " " + out[i][m.end() :]
        out[i] = f"{start} – {token}\t{rest.strip()}"
        out[i + 1] = out[i + 1][nxt.end() :].lstrip(" |")  # "| Led the..." after the date
    return out


def _date_of(text: str, bullet: bool) -> tuple[str, tuple[int, int] | None, DateRange | None]:
    """The date range in a line; in a bullet line only in a trailing tab column."""
    if bullet:
        segments = text.split("\t")
        if len(segments) < 2:
            return text, None, None
        tail = segments[-1]
        found = find_range(tail)
        if found and len(tail.split()) <= 7:
            return "\t".join(segments[:-1]), None, found
        return text, None, None
    found = find_range(text)
    return text, found.span if found else None, found


def parse_experience(lines: list[str]) -> list[Employment]:
    """Entries of an experience-type section, most recent first as printed."""
    lines = _repair_dangling([line for line in lines if line.strip()])
    entries: list[_Entry] = []
    current: _Entry | None = None
    prev_body = False
    prev_text = ""
    longest = max((len(line) for line in lines), default=0)
    for index, raw in enumerate(lines):
        bullet = _is_bullet(raw)
        text, span, found = _date_of(raw, bullet)
        # The dates are no part of a sentence ("..., Valencia, Spain. Nov 2023 – Present").
        undated = text[: span[0]] + "\t" + text[span[1] :] if span else text
        prose = _is_prose(undated.split("\t")[0])
        is_header = not bullet and not prose
        if (
            is_header
            and prev_body
            and not found
            and _wrapped_tail(text)
            and not _org_like(text)
            and len(prev_text) >= 0.6 * longest
            and not (current is not None and current.dated and _dated_soon(lines, index))
        ):
            is_header = False  # the short wrapped end of a long bullet ("Fund", "uptime")
        if is_header and text[:1].islower() and not found:
            is_header = False
        if is_header:
            new = current is None or current.body or (found is not None and current.dated)
            if new:
                current = _Entry()
                entries.append(current)
            assert current is not None
            header_text = text
            if span:
                header_text = text[: span[0]] + "\t" + text[span[1] :]
                # Dates printed in brackets ("Analyst (Jan 2020 – Present)") leave them empty.
                header_text = re.sub(r"[(\[]\s*\t\s*[)\]]", "\t", header_text)
            current.header.append(header_text)
            if found and not current.dated:
                current.start, current.end, current.dated = found.start, found.end, True
            prev_body = False
        else:
            if current is not None:
                current.body = True
                if found and not current.dated:
                    current.start, current.end, current.dated = found.start, found.end, True
            prev_body = True
        prev_text = raw
    any_dated = any(e.dated for e in entries)
    out: list[Employment] = []
    for entry in entries:
        if any_dated and not entry.dated:
            continue
        company, title = _company_title(entry.header)
        if company is None and title is None:
            continue
        if company is None and title and entry.dated and out and out[-1].company:
            # Positions grouped under their employer, printed once above the first.
            company = out[-1].company
        start, end = entry.start, entry.end
        if start == end and start != "present" and end is not None:
            end = None if start is None else end
        out.append(Employment(company, title, start, end))
    return out


def _dated_soon(lines: list[str], index: int) -> bool:
    """A date range on one of the next two lines: a short line after a dated entry's long
    bullet opens the next entry ("Ledgerwise LLP", "Audit Associate", "2022 - 2024")."""
    return any(find_range(line) for line in lines[index + 1 : index + 3])


_AT = re.compile(r"\s+at\s+(?=[A-Z0-9])")


def _title_at_company(piece: str) -> list[str]:
    """ "Fleet Manager at Meridian Freight": a title, then "at" and a capitalised name."""
    found = _AT.search(piece)
    if found and _title_words(piece[: found.start()]) and len(piece[: found.start()].split()) <= 6:
        return [piece[: found.start()], piece[found.end() :]]
    return [piece]


def _parts(header: list[str]) -> list[tuple[str, int]]:
    """The header's items with the index of the line each came from."""
    parts: list[tuple[str, int]] = []
    for index, line in enumerate(header):
        for piece in (p for chunk in STRONG_SPLIT.split(line) for p in _title_at_company(chunk)):
            piece = piece.strip(" ,;:–—-")
            if not piece:
                continue
            # "Company – City, ST" and "Title — Company" split on the dash; "Director –
            # IT Operations" (a title with its specialty) does not.
            dash = [d.strip(" ,") for d in DASH_SPLIT.split(piece) if d.strip(" ,")]
            if len(dash) > 1 and is_location(dash[-1]):
                parts.extend((p, index) for p in dash[:-1])
                parts.append((dash[-1], index))
                continue
            if (
                len(dash) == 2
                and (
                    _title_words(dash[0]) != _title_words(dash[1])
                    # "Helio Software Ltd — Junior Developer": an employer's name may hold
                    # a job word; its company word tells it from the title.
                    or _org_like(dash[0]) != _org_like(dash[1])
                )
                and not any(_is_specialty(d) for d in dash)
            ):
                # "TITLE — Company, City, Country": the place after the company is an item.
                parts.extend((q, index) for p in dash for q in _comma_items(p))
                continue
            parts.extend((p, index) for p in _comma_items(piece))
    return [(p, i) for p, i in parts if p and not _NO_LETTERS.fullmatch(p)]


def _wrapped_tail(text: str) -> bool:
    return not _title_words(text) and (
        not STRONG_SPLIT.search(text) and (len(text.split()) <= 3 or text[:1].islower())
    )


def _is_specialty(text: str) -> bool:
    """The area a title is in ("IT Operations", "Hybrid Cloud and Automation")."""
    return (
        not _org_like(text)
        and bool(
            re.search(
                r"(?i)\b(?:operations|automation|cloud|infrastructure|windows|vmware|"
                r"sales|marketing|finance|hr|it)\b",
                text,
            )
        )
        and not _title_words(text)
    )


def _comma_items(piece: str) -> list[str]:
    """Split "Company, City, ST, Title" on commas, keeping "Inc." and places together."""
    if is_location(piece) or ", " not in piece:
        return [piece]
    raw = [p.strip() for p in piece.split(",") if p.strip()]
    items: list[str] = []
    for item in raw:
        suffix = re.fullmatch(r"(?i)(?:inc|llc|ltd|corp|co|plc|gmbh|l\.?p|s\.?a)\.?", item)
        rank = re.fullmatch(r"(?i)(?:jr|sr|ii|iii|iv|associate)\.?", item)
        if items and (suffix or (rank and _title_words(items[-1]))):
            items[-1] = f"{items[-1]}, {item}"
        else:
            items.append(item)
    merged: list[str] = []
    for item in items:
        if merged and is_location(f"{merged[-1]}, {item}") and not _title_words(merged[-1]):
            merged[-1] = f"{merged[-1]}, {item}"
        else:
            merged.append(item)
    return merged


def _company_title(header: list[str]) -> tuple[str | None, str | None]:
    every = _parts(header)
    parts = [(p, i) for p, i in every if not is_location(p) and not _is_noise(p)]
    if not parts:
        return None, None
    company, title = _company_and_title(parts)
    if company is None and title is not None:
        # "Pinnacle Telecom, Singapore" reads like "City, Country" when the employer's
        # name is no known company shape: with a title and no employer, it is both.
        for piece, _ in every:
            head = piece.rpartition(", ")[0]
            if (
                is_location(piece)
                and len(head.split()) >= 2
                and not is_location(head)
                and not known_city(head)
            ):
                return head, title
    return company, title


def _company_and_title(parts: list[tuple[str, int]]) -> tuple[str | None, str | None]:
    title: str | None = None
    company: str | None = None
    titled = [p for p, _ in parts if _title_words(p) and not _org_like(p)]
    if titled:
        title = titled[0]
    orgs = [p for p, _ in parts if p != title and _org_like(p) and len(p.split()) <= 8]
    others = [p for p, _ in parts if p != title and not _title_words(p) and len(p.split()) <= 8]
    if orgs:
        company = orgs[0]
    elif others:
        company = others[0]
    else:
        rest = [p for p, _ in parts if p != title]
        company = rest[0] if rest else None
    if title is None:
        rest = [p for p, _ in parts if p != company]
        title = rest[0] if rest else None
    return company, title


_ROLE_NOUN = re.compile(
    r"(?i)\b(?:engineer|developer|manager|director|intern|analyst|lead|head|officer|"
    r"assistant|associate|scientist|researcher|designer|architect|technician|"
    r"coordinator|consultant|specialist|accountant)\b"
)


def _org_like(text: str) -> bool:
    return bool(ORG_WORDS.search(text)) and not _ROLE_NOUN.search(text)


_NOISE = re.compile(
    r"(?i)(?:\d+\s*(?:years?|yrs?|months?|mos?)\s*)+|full[- ]time|part[- ]time|"
    r"contract|internship|remote|hybrid|on-?site|present|current|"
    # labels over an entry's list
    r"(?:key\s+)?(?:highlights|achievements|accomplishments|responsibilities|duties)"
)
_NO_LETTERS = re.compile(r"[\W\d]+")


def _is_noise(part: str) -> bool:
    return bool(_NOISE.fullmatch(part.strip()))


def years_of_experience(entries: list[Employment]) -> float | None:
    """Total months covered by the dated entries (overlaps counted once), in years."""
    spans: list[tuple[int, int]] = []
    for e in entries:
        start = months(e.start)
        end = months(e.end, end=True) if e.end else start
        if start is None or end is None or end < start:
            continue
        spans.append((start, end + 1))
    if not spans:
        return None
    spans.sort()
    total, (cur_start, cur_end) = 0, spans[0]
    for s, e in spans[1:]:
        if s > cur_end:
            total += cur_end - cur_start
            cur_start, cur_end = s, e
        else:
            cur_end = max(cur_end, e)
    total += cur_end - cur_start
    return round(total / 12, 1)
