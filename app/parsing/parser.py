"""From a file to a ParsedResume: extraction, sections, then each field."""

from __future__ import annotations

import dataclasses
import logging
import re
from pathlib import Path

from app.parsing import contacts, header_location, history, ocr, pasted_profile, sections
from app.parsing.extract import PDF, Extracted, Line, extract
from app.parsing.result import Employment, ParsedResume, ParseError
from app.parsing.skills import parse_skills

log = logging.getLogger(__name__)

# Running page furniture: "Page 2 of 3", "John Doe – 1/3", a lone page number.
_FURNITURE = re.compile(
    r"^(?:page\s*)?\d{1,2}\s*(?:/|of)\s*\d{1,2}$|^\d{1,2}$|^.{0,40}\s[–—-]\s*\d{1,2}\s*/\s*\d{1,2}$"
    r"|^(?:last )?updated (?:in|on) .{3,20}$",
    re.IGNORECASE,
)


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
    header_text = "\n".join(header_texts)
    all_text = "\n".join(line.text for line in lines)
    warnings = list(extracted.warnings)
    confidence: dict[str, float] = {}

    name = contacts.find_name([(line.text, line.size, line.heading) for line in header[:12]])
    if name is None:
        name = contacts.find_name([(line.text, line.size, line.heading) for line in lines[:8]])
    confidence["name"] = 0.9 if name else 0.0

    emails = contacts.find_emails(header_text) or contacts.find_emails(all_text)
    for email in contacts.find_emails(all_text):
        if email not in emails:
            emails.append(email)
    confidence["emails"] = 0.99 if emails else 0.0

    segments = contacts.header_segments(header_texts)
    phones = contacts.find_phones(segments, region)
    if not phones:
        phones = contacts.find_phones(
            [
                t
                for t in all_text.splitlines()
                if re.search(r"(?i)phone|mobile|tel|cell|\(\d{3}\)", t)
            ],
            region,
        )
    confidence["phones"] = 0.95 if phones else 0.0

    location = header_location.contact_line_location(
        [line.text for line in header]
    ) or contacts.find_location(segments)
    confidence["location"] = 0.7 if location else 0.0

    links = contacts.find_links(header_text, all_text, extracted.links)
    confidence["links"] = 0.9 if links else 0.0

    employers: list[Employment] = []
    education = []
    skills: list[str] = []
    wrapped = extracted.media_type == PDF
    for section in parts:
        texts = [line.text for line in section.lines]
        if section.kind == sections.EXPERIENCE:
            employers.extend(history.parse_experience(texts))
        elif section.kind == sections.EDUCATION:
            education.extend(history.parse_education(texts))
        elif section.kind == sections.SKILLS:
            skills.extend(
                s for s in parse_skills(_skill_rows(section.lines), wrapped) if s not in skills
            )
    current = _most_recent(employers)
    confidence["employers"] = 0.7 if employers else 0.0
    confidence["current_title"] = 0.7 if current and current.title else 0.0
    confidence["current_employer"] = 0.7 if current and current.company else 0.0
    confidence["education"] = 0.7 if education else 0.0
    confidence["skills"] = 0.8 if skills else 0.0
    years = history.years_of_experience(employers)
    confidence["years_experience"] = 0.6 if years is not None else 0.0
    if not any(s.kind == sections.EXPERIENCE for s in parts):
        warnings.append("no work-experience section found")
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
        text=extracted.text,
        media_type=extracted.media_type,
        pages=extracted.pages,
    )


def _skill_rows(lines: list[Line]) -> list[str]:
    """Rows of a skills section; a paragraph break ends a wrapped list."""
    rows: list[str] = []
    for line in lines:
        if line.new_block and rows:
            rows.append("")
        rows.append(line.text)
    return rows


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
