"""From a file to a ParsedResume: extraction, sections, then each field."""

from __future__ import annotations

import dataclasses
import logging
import re
from pathlib import Path

from app.parsing import (
    contacts,
    form_labels,
    header_location,
    history,
    ocr,
    pasted_profile,
    sections,
)
from app.parsing.dates import find_range
from app.parsing.education import parse_education
from app.parsing.extract import PDF, Extracted, Line, extract
from app.parsing.places import is_location
from app.parsing.regions import region_name
from app.parsing.result import EducationEntry, Employment, ParsedResume, ParseError
from app.parsing.skill_groups import fold_skill_groups
from app.parsing.skills import GROUP_NAME, curated, parse_skills

log = logging.getLogger(__name__)

# Running page furniture: "Page 2 of 3", "John Doe – 1/3", a lone page number.
_FURNITURE = re.compile(
    r"^(?:page\s*)?\d{1,2}\s*(?:/|of)\s*\d{1,2}$|^\d{1,2}$|^.{0,40}\s[–—-]\s*\d{1,2}\s*/\s*\d{1,2}$"
    r"|^(?:last )?updated (?:in|on) .{3,20}$",
    re.IGNORECASE,
)


# A line that is a phone number and nothing else, wherever the layout put it (a contact
# block in a sidebar or at the end): 9 to 15 digits in the groups numbers are written in.
_PHONE_LINE = re.compile(r"(?:\(?\+\d{1,3}\)?[\s.-]?)?\(?\d[\d\s().-]{6,18}\d")


# A line that names a phone or holds an area code (compiled once: asked of every line).
_PHONE_WORD = re.compile(r"(?i)phone|mobile|tel|cell|\(\d{3}\)")


def parse_file(path: Path, default_region: str = "US") -> ParsedResume:
    """Parse one resume. Bad input raises ParseError; nothing else escapes."""
    path = Path(path)
    try:
        extracted = extract(path)
    except ParseError:
        raise
    except MemoryError as exc:
        raise ParseError(f"{path.name}: the file is too large to read.", kind="too_large") from exc
    except Exception as exc:  # a library's own error on a malformed file
        log.debug("extraction failed for %s", path, exc_info=True)
        raise ParseError(
            f"{path.name}: the file could not be read ({exc}).", kind="corrupt"
        ) from exc
    try:
        resume = _fields(path, extracted, default_region)
        if extracted.ocr_confidence is not None:
            resume = ocr.flag(resume, extracted.ocr_confidence)
        return resume
    except Exception:  # a bug in a heuristic must not lose the text
        log.exception("field recognition failed for %s", path.name)
        return ParsedResume(
            file=str(path),
            warnings=(*extracted.warnings, "fields could not be recognised"),
            text=extracted.text,
            media_type=extracted.media_type,
            pages=extracted.pages,
        )


def _fields(path: Path, extracted: Extracted, region: str) -> ParsedResume:
    lines = [line for line in extracted.lines if not _FURNITURE.match(line.text.strip())]
    lines = form_labels.rewrite(lines)
    if pasted_profile.is_pasted_profile([line.text for line in lines]):
        lines = pasted_profile.clean(
            lines, lambda line: line.text, lambda line, text: dataclasses.replace(line, text=text)
        )
    parts = sections.split_sections(lines)
    header = parts[0].lines
    contact_lines = [
        line for s in parts if s.kind in (sections.CONTACT, sections.LINKS) for line in s.lines
    ]
    if not header and parts:
        header = lines[:6]
    header_texts = [line.text for line in header + contact_lines]
    header_text = "\n".join(contacts.join_wrapped_emails(header_texts))
    all_text = "\n".join(contacts.join_wrapped_emails([line.text for line in lines]))
    warnings = list(extracted.warnings)
    confidence: dict[str, float] = {}

    reasons: dict[str, list[str]] = {}
    name_lines = [(line.text, line.size, line.heading) for line in header[:12]]
    name = contacts.find_name(name_lines)
    if name is None:
        name_lines = [(line.text, line.size, line.heading) for line in lines[:8]]
        name = contacts.find_name(name_lines)
    prominent = _prominent_name(lines, name_lines, name)
    if prominent:
        name = prominent
    confidence["name"] = 0.9 if name else 0.0
    rival = contacts.rival_name(name_lines) if name else None
    if name is None:
        reasons["name"] = ["no name found in the header"]
    elif rival:
        confidence["name"] = 0.5
        reasons["name"] = [f"two different names in the header ({name}, {rival})"]

    emails = contacts.find_emails(header_text) or contacts.find_emails(all_text)
    for email in contacts.find_emails(all_text):
        if email not in emails:
            emails.append(email)
    emails = contacts.complete_from_mailto(emails, extracted.links)
    if not emails:  # an envelope icon that links to the address, and no address written
        emails = contacts.emails_from_mailto(extracted.links)
    confidence["emails"] = 0.99 if emails else 0.0
    if not emails:
        reasons["emails"] = ["no e-mail address found"]

    segments = contacts.header_segments(header_texts)
    reads = contacts.read_phones(segments, region)
    block = header_location.contact_block(all_text.splitlines())
    if not reads and block:
        reads = contacts.read_phones(contacts.header_segments(block), region)
    if not reads:
        reads = contacts.read_phones(
            [
                t
                for t in all_text.splitlines()
                if _PHONE_WORD.search(t) or (_PHONE_LINE.fullmatch(t.strip()) and not _date_line(t))
            ],
            region,
        )
    linked = contacts.tel_numbers(extracted.links)
    if not reads and linked:  # a phone icon that links to the number, none written
        reads = contacts.read_phones(linked, region)
    reads = contacts.with_linked_countries(reads, linked)
    phones = [read.number for read in reads]
    confidence["phones"], reasons["phones"] = _phone_reasons(reads, region)

    location = (
        header_location.contact_line_location([line.text for line in header])
        or contacts.find_location(segments, name)
        or header_location.block_location([line.text for line in header], name)
        or header_location.block_location(block, name)
        # A contact row elsewhere (a page footer): the place among its items.
        or contacts.find_location(contacts.header_segments(_contact_row(all_text)), name)
    )
    confidence["location"] = 0.7 if location else 0.0
    if not location:
        reasons["location"] = ["no city or region found in the header"]

    # The contact block read after a sidebar or a summary belongs with the header.
    near = header_location.contact_block(all_text.splitlines(), reach=5)
    links = contacts.find_links("\n".join([header_text, *near]), all_text, extracted.links)
    confidence["links"] = 0.9 if links else 0.0
    if not links:
        reasons["links"] = ["no personal links (profile or site) found"]

    employers: list[Employment] = []
    education: list[EducationEntry] = []
    skills: list[str] = []
    wrapped = extracted.media_type == PDF
    for section in fold_skill_groups(parts):
        texts = [line.text for line in section.lines]
        if section.kind == sections.EXPERIENCE:
            employers.extend(history.parse_experience(texts))
        elif section.kind == sections.EDUCATION:
            education.extend(parse_education(texts))
        elif section.kind == sections.SKILLS:
            skills.extend(
                s for s in parse_skills(_skill_rows(section.lines), wrapped) if s not in skills
            )
    if name:  # the name repeated in a running footer or header under the last section
        skills = [s for s in skills if s.casefold() != name.casefold()]
    current = _most_recent(employers)
    confidence["employers"] = 0.7 if employers else 0.0
    confidence["current_title"] = 0.7 if current and current.title else 0.0
    confidence["current_employer"] = 0.7 if current and current.company else 0.0
    confidence["education"] = 0.7 if education else 0.0
    confidence["skills"] = 0.8 if skills else 0.0
    years = history.years_of_experience(employers)
    confidence["years_experience"] = 0.6 if years is not None else 0.0
    has_experience = any(s.kind == sections.EXPERIENCE for s in parts)
    if not has_experience:
        warnings.append("no work-experience section found")
    _history_reasons(confidence, reasons, employers, education, skills, has_experience)
    return ParsedResume(
        file=str(path),
        name=name,
        emails=tuple(emails),
        phones=tuple(phones),
        location=location,
        links=tuple(links),
        current_title=current.title if current else None,
        current_employer=current.company if current else None,
        employers=tuple(employers),
        education=tuple(education),
        skills=tuple(skills),
        years_experience=years,
        warnings=tuple(warnings),
        confidence=confidence,
        reasons={key: tuple(notes) for key, notes in reasons.items() if notes},
        text=extracted.text,
        media_type=extracted.media_type,
        pages=extracted.pages,
    )


def _phone_reasons(reads: list[contacts.PhoneRead], region: str) -> tuple[float, list[str]]:
    """The phone's confidence and why: a number with no country code was read in the
    default region; one that did not validate is kept as printed."""
    if not reads:
        return 0.0, ["no phone number found"]
    first = reads[0]
    if first.unchecked:
        return 0.5, ["the phone number could not be checked — kept as printed"]
    if first.assumed:
        return 0.8, [f"phone number without a country code — assumed {region_name(region)}"]
    return 0.95, []


def _history_reasons(
    confidence: dict[str, float],
    reasons: dict[str, list[str]],
    employers: list[Employment],
    education: list[EducationEntry],
    skills: list[str],
    has_experience: bool,
) -> None:
    """Lower the work history's confidences where entries lack dates or names, and say so."""
    jobs = reasons.setdefault("employers", [])
    if not employers:
        jobs.append(
            "no jobs recognised in the work-experience section"
            if has_experience
            else "no work-experience section found"
        )
    undated = sum(1 for e in employers if not (e.start or e.end))
    if undated:
        jobs.append(f"no dates found for {_count(undated, 'job')}")
    nameless = sum(1 for e in employers if not e.company)
    if nameless:
        jobs.append(f"no employer name for {_count(nameless, 'job')}")
    if employers and (undated or nameless):
        confidence["employers"] = 0.4
    current = _most_recent(employers)
    titles = reasons.setdefault("current_title", [])
    if current is None:
        titles.append("no job found to take the current title from")
    elif not current.title:
        titles.append("the most recent job has no title")
    elif undated and not any(e.end == "present" for e in employers):
        confidence["current_title"] = confidence["current_employer"] = 0.5
        titles.append("the most recent job could not be told by its dates")
    reasons["current_employer"] = [
        note.replace("current title", "current employer") for note in titles
    ]
    schools = reasons.setdefault("education", [])
    if not education:
        schools.append("no school or university found")
    no_year = sum(1 for e in education if not e.year)
    if no_year:
        schools.append(f"no year for {_count(no_year, 'education entry', 'education entries')}")
        confidence["education"] = min(confidence["education"], 0.5)
    if not skills:
        reasons.setdefault("skills", []).append("no skills section found")


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _prominent_name(
    lines: list[Line], name_lines: list[tuple[str, float, bool]], name: str | None
) -> str | None:
    """A name set far larger than anything the header offers, further down the first page:
    a sidebar read first (contact, skills) puts the name after it."""
    sizes = sorted(line.size for line in lines if line.size)
    if not sizes:
        return None
    body = sizes[len(sizes) // 2]
    chosen = max(
        (
            size
            for text, size, _ in name_lines
            if name
            and text.strip()
            and (name.lower() in text.lower() or text.strip().lower() in name.lower())
        ),
        default=0.0,
    )
    best: tuple[float, str] | None = None
    large = [line for line in lines[:40] if line.size >= max(1.6 * body, chosen * 1.3)]
    for line in large:
        found = contacts.find_name([(line.text, line.size, line.heading)])
        if found and (best is None or line.size > best[0]):
            best = (line.size, found)
    top = max((line.size for line in large), default=0.0)
    parts = [line for line in large if abs(line.size - top) <= 0.2]
    if len(parts) == 2 and len(parts[0].text.split()) == 1:
        # The largest type in two pieces ("Lukas" ... "Becker-Hoffmann"): a sidebar name
        # wrapped over two rows that column reading pulled apart.
        joined = f"{parts[0].text.strip()} {parts[1].text.strip()}"
        found = contacts.find_name([(joined, top, parts[0].heading)])
        if found and len(found.split()) >= 2:
            return found
    return best[1] if best else None


def _date_line(text: str) -> bool:
    """A line that is a date range and nothing else ("2022-07 - 2024-05"): no phone."""
    found = find_range(text)
    return found is not None and found.span[1] - found.span[0] >= len(text.strip()) - 2


def _contact_row(text: str) -> list[str]:
    """The line holding the first e-mail address when it also holds a phone number."""
    for line in text.splitlines():
        if contacts.EMAIL.search(line):
            return [line] if re.search(r"\d[\d\s().-]{6,}\d", line) else []
    return []


def _skill_rows(lines: list[Line]) -> list[str]:
    """Rows of a skills section; a paragraph break ends a wrapped list.

    Group names ("Design" over "Figma  Sketch") are set apart by type: larger than the
    list, or bold in a plain list. They are no skills, and neither is a larger name that
    a sidebar pulled in."""
    # The lower median: the list's type. A contact footer read into the section is not,
    # and a row of several items (chips) counts once per item against its one group name.
    sizes = sorted(
        line.size
        for line in lines
        if line.size and not contacts.EMAIL.search(line.text)
        for _cell in line.text.strip().split("\t")
    )
    body = sizes[(len(sizes) - 1) // 2] if sizes else 0.0
    bold_share = sum(line.bold for line in lines) / len(lines) if lines else 0.0

    def emphasised(line: Line) -> bool:
        short = all(len(cell.split()) <= 3 for cell in line.text.split("\t"))
        if not short or re.search(r"[,:;]", line.text):
            return False
        return (body and line.size > body + 0.5) or (line.bold and bold_share < 0.5)

    marked = [emphasised(line) for line in lines]
    # Group names set like their items: one short cell over a row of chips, twice or more,
    # the list opening with one (a chip row's wrapped last item follows a row instead).
    heads = [
        "\t" not in line.text.strip()
        and 1 <= len(line.text.split()) <= 3
        and not re.search(r"[,:;•·|]", line.text)
        and index + 1 < len(lines)
        and "\t" in lines[index + 1].text.strip()
        for index, line in enumerate(lines)
    ]
    if heads and heads[0]:  # all set like the first, which the list opens with
        first = (lines[0].bold, round(lines[0].size, 1))
        heads = [
            h and (line.bold, round(line.size, 1)) == first
            for h, line in zip(heads, lines, strict=True)
        ]
    if sum(heads) >= 2 and heads[0]:
        marked = [m or h for m, h in zip(marked, heads, strict=True)]
    labels = [_group_label(lines, index) for index in range(len(lines))]
    pattern = sum(marked) >= 2
    rows: list[str] = []
    named = False  # a group's name was left out just above: its items are a list apart
    for index, line in enumerate(lines):
        after = lines[index + 1] if index + 1 < len(lines) else None
        if labels[index]:
            named = True
            continue
        if "," in line.text and "\t" not in line.text and is_location(line.text.strip()):
            # "London, UK": an entry's place that a column split pulled in; it still parts
            # the rows on either side.
            if rows and rows[-1]:
                rows.append("")
            continue
        if marked[index] and (
            pattern
            or (body and line.size > body + 0.5)
            # a paragraph of its own heading the list
            or (index == 0 and len(lines) > 2 and sum(marked) == 1 and lines[1].new_block)
            or (after is not None and not after.bold and re.search(r"[,\t]", after.text))
        ):
            known = _known_cells(line.text)
            if known:  # the next group's name beside the last item of a longer column
                rows.extend(["", known] if rows else [known])
            continue
        # A change of type size starts another paragraph too (a contact footer in small
        # type right under the list).
        resized = index and body and line.size and abs(line.size - lines[index - 1].size) > 1
        if (line.new_block or resized or named) and rows:
            rows.append("")
        named = False
        rows.append(line.text)
    return rows


_LIST_SEPARATOR = re.compile(r"[\t,;•·|]|\s/\s")


def _known_cells(text: str) -> str:
    """The cells of a row of group names that are known skills, no group's name ("Go" in
    "Go <tab> Practices": groups side by side, one column longer than the other, put the
    next group's name on the row of the longer one's last item)."""
    cells = [c.strip() for c in text.split("\t") if c.strip()]
    if len(cells) < 2:
        return ""
    known = curated()
    return "\t".join(c for c in cells if c.lower() in known and not GROUP_NAME.fullmatch(c))


def _group_label(lines: list[Line], index: int) -> bool:
    """A broad group name ("Tools", "Technical") alone on its row, opening the list or a
    paragraph, over a row of several items or over items in another type: the name of
    the group, not a skill. A lone group is named so as often as several are, and its
    name may be set like the items (or smaller), so neither a pattern of names nor a
    larger type can tell it."""
    line = lines[index]
    text = line.text.strip().rstrip(":").rstrip()
    if index + 1 >= len(lines) or not GROUP_NAME.fullmatch(text):
        return False
    if index and not line.new_block and _LIST_SEPARATOR.search(lines[index - 1].text.strip()):
        return False  # the wrapped last item of a row of items above
    after = lines[index + 1]
    restyled = line.bold != after.bold or (line.size and abs(line.size - after.size) > 0.5)
    return bool(_LIST_SEPARATOR.search(after.text.strip()) or restyled)


def _most_recent(entries: list[Employment]) -> Employment | None:
    """The current job: an open-ended one first, else the latest end, else the first."""
    if not entries:
        return None
    for entry in entries:
        if entry.end == "present":
            return entry
    dated = [e for e in entries if e.end or e.start]
    if dated:
        return max(dated, key=lambda e: e.end or e.start or "")
    return entries[0]
