"""Quick-add a sourced candidate: a profile URL and/or pasted profile text, parsed into a
draft the recruiter corrects, then saved as one audited candidate with source "Sourced".

Pasted text goes through the resume parser (written to a temporary .txt file, the parser's
plain-text path). A LinkedIn or GitHub URL is kept as a link; when no text was pasted, a name
is guessed from the profile's handle ("linkedin.com/in/jane-doe-4b2a1" -> Jane Doe).
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.parsing import ParsedResume, ParseError, parse_file
from app.parsing.contacts import normalise_link
from app.services.candidates.records import CANDIDATE_FIELDS, CandidateInput, check_email_free
from app.services.candidates.resume_fields import link_skills, split_name
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.text_rules import LIMITS, MAX_LINKS, MAX_SKILLS, clean, fit_field
from app.services.core.unit_of_work import ValidationError, columns_of
from app.services.core.validation import check_length
from app.store.models import (
    Candidate,
    CandidateEmail,
    CandidatePhone,
    Experience,
)

SOURCE = "Sourced"
MAX_TEXT = 200_000  # characters of pasted text parsed at most
EDITABLE = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "location",
    "current_title",
    "current_employer",
    "headline",
    "links",
    "skills",
)
_LINKEDIN = re.compile(r"^linkedin\.com/(?:in|pub)/([^/]+)", re.IGNORECASE)
_GITHUB = re.compile(r"^github\.com/([^/]+)$", re.IGNORECASE)
_HANDLE_NOISE = re.compile(r"^(?:\d+|[0-9a-f]{5,})$", re.IGNORECASE)  # "-4b2a19", "-123"


@dataclass(frozen=True)
class SourcedDraft:
    """The fields found for a sourced candidate, before the recruiter's edits."""

    first_name: str = ""
    last_name: str = ""
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    current_title: str | None = None
    current_employer: str | None = None
    headline: str | None = None
    links: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    experiences: tuple[tuple[str, str | None, str | None, str | None], ...] = ()
    warnings: tuple[str, ...] = ()


def profile_link(url: str | None) -> tuple[str | None, str | None]:
    """(stored link, site) for a profile URL; site is "linkedin", "github" or None."""
    text = clean(url)
    if not text:
        return None, None
    link = normalise_link(text)
    if _LINKEDIN.match(link):
        return link, "linkedin"
    if _GITHUB.match(link):
        return link, "github"
    return link, None


def name_from_handle(link: str | None) -> tuple[str, str]:
    """(first, last) guessed from a LinkedIn or GitHub handle; ("", "") if none."""
    if not link:
        return "", ""
    found = _LINKEDIN.match(link) or _GITHUB.match(link)
    if not found:
        return "", ""
    words = [w for w in re.split(r"[-_.]+", found.group(1)) if w]
    while len(words) > 1 and _HANDLE_NOISE.match(words[-1]):
        words.pop()
    words = [w for w in words if w.isalpha()]
    if not words:
        return "", ""
    first = words[0].capitalize()
    last = " ".join(w.capitalize() for w in words[1:])
    return first, last


def parse_text(text: str, default_region: str = "US") -> ParsedResume:
    """Run the resume parser on pasted text (through a temporary .txt file)."""
    descriptor, name = tempfile.mkstemp(prefix="hirebench-profile-", suffix=".txt")
    try:
        with open(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text[:MAX_TEXT])
        return parse_file(Path(name), default_region)
    finally:
        os.unlink(name)


def parse_profile(url: str | None, text: str | None, default_region: str = "US") -> SourcedDraft:
    """A draft from a profile URL and/or pasted profile text. Never raises for bad input:
    problems are listed in the draft's ``warnings``."""
    link, _site = profile_link(url)
    warnings: list[str] = []
    links: list[str] = [link] if link else []
    if clean(url) and link and not re.search(r"\.[a-z]{2,}(?:/|$)", link, re.IGNORECASE):
        warnings.append("The URL does not look like a web address.")
    body = (text or "").strip()
    if not body:
        first, last = name_from_handle(link)
        if link and not first:
            warnings.append("No name could be guessed from the URL; please type it.")
        return fitted(
            SourcedDraft(
                first_name=first, last_name=last, links=tuple(links), warnings=tuple(warnings)
            )
        )
    try:
        parsed = parse_text(body, default_region)
    except ParseError as exc:
        reason = str(exc).split(": ", 1)[-1]  # the temporary file's name means nothing here
        warnings.append(f"The pasted text could not be read: {reason}")
        first, last = name_from_handle(link)
        return fitted(
            SourcedDraft(
                first_name=first, last_name=last, links=tuple(links), warnings=tuple(warnings)
            )
        )
    parts = split_name(parsed.name)
    first, middle, last = parts if parts else ("", None, "")
    if not first:
        first, last = name_from_handle(link)
        if not first:
            warnings.append("No name was found in the text; please type it.")
    elif middle:
        first = f"{first} {middle}"
    seen = {x.lower() for x in links}
    for found in parsed.links:
        if found.lower() not in seen:
            seen.add(found.lower())
            links.append(found)
    title, employer = parsed.current_title, parsed.current_employer
    headline = _profile_headline(body)
    if not title and not employer and headline is not None:
        title, employer = headline
    if not title and not employer and parsed.employers:
        latest = parsed.employers[0]
        if (latest.end or "").lower() == "present":
            title, employer = latest.title, latest.company
    skills = list(parsed.skills)
    known = {skill.casefold() for skill in skills}
    for skill in _listed_skills(body):
        if skill.casefold() not in known:
            known.add(skill.casefold())
            skills.append(skill)
    draft = SourcedDraft(
        first_name=first or "",
        last_name=last or "",
        email=parsed.emails[0].lower() if parsed.emails else None,
        phone=parsed.phones[0] if parsed.phones else None,
        location=parsed.location,
        current_title=title,
        current_employer=employer,
        headline=f"{title} at {employer}" if headline is not None else None,
        links=tuple(links),
        skills=tuple(skills),
        experiences=tuple(
            (e.company or "", e.title, e.start, e.end)
            for e in parsed.employers
            if clean(e.company) or clean(e.title)
        ),
        warnings=(*warnings, *parsed.warnings),
    )
    return fitted(draft)


# A profile's headline: "Senior Data Engineer at Dell Technologies" (or "@"). Both parts start
# with a capital or a digit, so prose such as "Looking at new roles" is not taken for one.
_HEADLINE = re.compile(
    r"^(?P<title>[A-Z0-9][^@|\n]{1,100}?)\s+(?:at|@)\s+(?P<employer>[A-Z0-9][^\n]{1,100})$"
)
# "Skills: Python, Spark, Airflow" (also "Top skills", and ; • · | as separators).
_SKILLS_LINE = re.compile(r"^(?:top\s+)?skills\s*[:\-–—]\s*(?P<list>.+)$", re.IGNORECASE)
_SKILL_SEPARATORS = re.compile(r"\s*[,;•·|]\s*")
HEADLINE_LINES = 8  # a headline sits right under the name


def _profile_headline(text: str) -> tuple[str, str] | None:
    """Title and employer from a pasted profile's headline line, if it has one."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines[:HEADLINE_LINES]:
        found = _HEADLINE.match(line)
        if found:
            return found.group("title").strip(" ,-–—"), found.group("employer").strip(" .,")
    return None


def _listed_skills(text: str) -> list[str]:
    """Skills named on a "Skills:" line of a pasted profile."""
    skills: list[str] = []
    for line in text.splitlines():
        found = _SKILLS_LINE.match(line.strip())
        if found:
            for part in _SKILL_SEPARATORS.split(found.group("list")):
                name = part.strip(" .")
                if 1 <= len(name) <= 60:
                    skills.append(name)
    return skills


def fitted(draft: SourcedDraft) -> SourcedDraft:
    """The draft with every value cleaned and within its cap (`text_rules.LIMITS`).

    What the parser found is never refused: a long value is shortened, and an email address,
    phone number or link too long to be one is left out (cut short it would be a different
    one). The recruiter's own edits are checked, not shortened (`create_sourced_candidate`).
    """
    email = (clean(draft.email) or "").lower()
    phone = clean(draft.phone) or ""
    links = [link for link in map(clean, draft.links) if link and len(link) <= LIMITS["link"]]
    skills = [skill for skill in (fit_field("skill", s) for s in draft.skills) if skill]
    return dataclasses.replace(
        draft,
        first_name=fit_field("first_name", draft.first_name) or "",
        last_name=fit_field("last_name", draft.last_name) or "",
        email=email if email and len(email) <= LIMITS["email"] else None,
        phone=phone if phone and len(phone) <= LIMITS["phone"] else None,
        location=fit_field("location", draft.location),
        current_title=fit_field("current_title", draft.current_title),
        current_employer=fit_field("current_employer", draft.current_employer),
        headline=fit_field("headline", draft.headline),
        links=tuple(dict.fromkeys(links))[:MAX_LINKS],
        skills=tuple(dict.fromkeys(skills))[:MAX_SKILLS],
        experiences=tuple(
            (
                fit_field("company", company) or "",
                fit_field("job_title", title),
                fit_field("date", start),
                fit_field("date", end),
            )
            for company, title, start, end in draft.experiences
        ),
    )


def _as_tuple(value: Any) -> tuple[str, ...]:
    """A list field from the form: a sequence, or text split on commas and new lines."""
    if value is None:
        return ()
    items = re.split(r"[,\n]", value) if isinstance(value, str) else list(value)
    return tuple(dict.fromkeys(clean(str(i)) for i in items if clean(str(i))))


def apply_edits(draft: SourcedDraft, edits: Mapping[str, Any] | None) -> SourcedDraft:
    """The draft with the recruiter's edits (field name -> value) applied."""
    changes: dict[str, Any] = {}
    for name, value in (edits or {}).items():
        if name not in EDITABLE:
            raise ValidationError({name: "This field cannot be set here."})
        if name in ("links", "skills"):
            changes[name] = _as_tuple(value)
        elif name in ("first_name", "last_name"):
            changes[name] = clean(value) or ""
        else:
            changes[name] = clean(value)
    return dataclasses.replace(draft, **changes)


def create_sourced_candidate(
    ctx: ServiceContext, draft: SourcedDraft, edits: Mapping[str, Any] | None = None
) -> Outcome[int]:
    """Save the (edited) draft as a new candidate with source "Sourced", in one audited
    transaction. A known email address is refused, as `candidates.create_candidate` does.

    The draft's own values are fitted to their caps (`fitted`); an edit longer than its
    field's cap is refused with a message for that field, as in any form.
    """
    final = apply_edits(fitted(draft), edits)
    links = tuple(normalise_link(link) for link in final.links if normalise_link(link))
    data = CandidateInput(
        first_name=final.first_name,
        last_name=final.last_name,
        email=final.email,
        phone=final.phone,
        location=final.location,
        current_title=final.current_title,
        current_employer=final.current_employer,
        headline=final.headline,
        source=SOURCE,
        links=links,
    )
    errors = data.validate()
    if len(final.skills) > MAX_SKILLS:
        errors["skills"] = f"At most {MAX_SKILLS} skills."
    for skill in final.skills:
        check_length(errors, "skills", skill, LIMITS["skill"])
    email = (clean(final.email) or "").lower()
    check_email_free(ctx, errors, email)
    if errors:
        raise ValidationError(errors)
    with ctx.write() as tx:
        session = tx.session
        candidate = Candidate(
            first_name=final.first_name,
            last_name=final.last_name,
            location=final.location,
            current_title=final.current_title,
            current_employer=final.current_employer,
            headline=final.headline,
            source=SOURCE,
            links=list(dict.fromkeys(links)),
            owner_id=ctx.actor.user_id,
        )
        if email:
            candidate.emails.append(CandidateEmail(email=email, position=0))
        if final.phone:
            candidate.phones.append(CandidatePhone(phone=final.phone, position=0))
        for position, (company, title, start, end) in enumerate(final.experiences):
            candidate.experiences.append(
                Experience(company=company, title=title, start=start, end=end, position=position)
            )
        session.add(candidate)
        session.flush()
        skills = link_skills(session, candidate.id, final.skills)
        after = columns_of(candidate, CANDIDATE_FIELDS) | {
            "emails": [e.email for e in candidate.emails],
            "phones": [p.phone for p in candidate.phones],
            "skills": skills,
        }
        tx.audit("candidate.create", "candidate", candidate.id, after=after)
        tx.changed(ChangeKind.CANDIDATES, candidate.id)
        return outcome(candidate.id, tx)
