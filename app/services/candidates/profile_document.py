"""The candidate profile a client is sent: what it says, decided here without any rendering.

`profile_document` reads the candidate, the job (when the profile is for one), the recruiter
and the agency's branding into a `ProfileDocument` of plain values. A blind profile is made
here too (`app.services.candidates.blind`), so whatever renders the document — the PDF, a
preview — cannot show what the client must not see: it is simply not in the document.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.services.candidates.blind import EMPLOYER, Redactor
from app.services.core.context import ServiceContext
from app.services.core.names import person_name
from app.services.core.text_rules import clean_text
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement.mail_settings import load_branding
from app.store.models import Candidate, Client, Job, User

MAX_PITCH = 5_000


@dataclass(frozen=True)
class ProfileOptions:
    """How the profile is made: blind or not, for which job, with the recruiter's pitch."""

    blind: bool = False
    show_employers: bool = True  # a blind profile may also leave out where they worked
    pitch: str | None = None
    job_id: int | None = None

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if len(clean_text(self.pitch) or "") > MAX_PITCH:
            errors["pitch"] = f"At most {MAX_PITCH:,} characters."
        return errors


@dataclass(frozen=True)
class AgencyBrand:
    """The agency as the client sees it (the Branding settings)."""

    name: str
    primary_color: str
    accent_color: str
    logo: bytes | None = None
    logo_mime: str | None = None
    footer: str | None = None


@dataclass(frozen=True)
class HistoryItem:
    title: str | None
    employer: str | None
    start: str | None
    end: str | None
    description: str | None = None

    @property
    def period(self) -> str:
        """ "2019-03 – present", "2018", or "" when no date is known."""
        start, end = self.start or "", self.end or ""
        if start and end and start != end:
            return f"{start} – {end}"
        return start or end


@dataclass(frozen=True)
class EducationItem:
    institution: str | None
    degree: str | None
    year: str | None


@dataclass(frozen=True)
class ProfileDocument:
    """Everything a rendered profile shows, and nothing else."""

    candidate_id: int
    blind: bool
    name: str  # the full name, or initials when blind
    headline: str | None
    location: str | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    links: tuple[str, ...]
    summary: str | None
    skills: tuple[str, ...]
    history: tuple[HistoryItem, ...]
    education: tuple[EducationItem, ...]
    pitch: str | None
    job_title: str | None
    client_name: str | None
    recruiter_name: str | None
    recruiter_email: str | None
    brand: AgencyBrand
    prepared_on: dt.date

    @property
    def title(self) -> str:
        """The document's title (also its PDF metadata): never more than ``name``."""
        return f"Candidate profile: {self.name}"

    @property
    def contact_lines(self) -> tuple[str, ...]:
        return (*self.emails, *self.phones, *self.links)


def profile_document(
    ctx: ServiceContext, candidate_id: int, options: ProfileOptions | None = None
) -> ProfileDocument:
    """The profile of ``candidate_id`` as ``options`` ask, for rendering or sending."""
    options = options or ProfileOptions()
    errors = options.validate()
    if errors:
        raise ValidationError(errors)
    with ctx.read() as session:
        return build_document(session, candidate_id, options, ctx.actor.user_id)


def build_document(
    session: Session, candidate_id: int, options: ProfileOptions, user_id: int | None
) -> ProfileDocument:
    """`profile_document` in the caller's session (a submittal renders inside its own)."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFoundError(f"Candidate #{candidate_id} no longer exists.")
    job = session.get(Job, options.job_id) if options.job_id is not None else None
    if options.job_id is not None and job is None:
        raise NotFoundError(f"Job #{options.job_id} no longer exists.")
    client = session.get(Client, job.client_id) if job is not None else None
    recruiter = session.get(User, user_id) if user_id is not None else None
    branding = load_branding(session)
    brand = AgencyBrand(
        name=branding.agency_name.strip(),
        primary_color=branding.primary_color,
        accent_color=branding.accent_color,
        logo=branding.logo,
        logo_mime=branding.logo_mime,
        footer=branding.footer,
    )
    history = tuple(
        HistoryItem(e.title, e.company or None, e.start, e.end, clean_text(e.description))
        for e in candidate.experiences
    )
    education = tuple(
        EducationItem(e.institution or None, e.degree, e.year) for e in candidate.educations
    )
    skills = _skills_in_order(
        [s.name for s in candidate.skills], job.description if job is not None else None
    )
    document = ProfileDocument(
        candidate_id=candidate.id,
        blind=options.blind,
        name=person_name(candidate),
        headline=candidate.headline or candidate.current_title,
        location=candidate.location,
        emails=tuple(e.email for e in candidate.emails),
        phones=tuple(p.phone for p in candidate.phones),
        links=tuple(candidate.links or ()),
        summary=clean_text(candidate.summary),
        skills=skills,
        history=history,
        education=education,
        pitch=clean_text(options.pitch),
        job_title=job.title if job is not None else None,
        client_name=client.name if client is not None else None,
        recruiter_name=recruiter.display_name if recruiter is not None else None,
        recruiter_email=recruiter.email if recruiter is not None else None,
        brand=brand,
        prepared_on=dt.date.today(),
    )
    if not options.blind:
        return document
    employers = [e.company for e in candidate.experiences if e.company]
    if candidate.current_employer:
        employers.append(candidate.current_employer)
    return make_blind(
        document,
        Redactor(
            first_name=candidate.first_name,
            middle_name=candidate.middle_name,
            last_name=candidate.last_name,
            emails=document.emails,
            phones=document.phones,
            links=document.links,
            location=candidate.location,
            employers=() if options.show_employers else tuple(employers),
        ),
        show_employers=options.show_employers,
    )


def make_blind(
    document: ProfileDocument, redactor: Redactor, show_employers: bool = True
) -> ProfileDocument:
    """``document`` with initials for the name and no way to reach or find the candidate."""
    scrub = redactor.scrub
    history = tuple(
        HistoryItem(
            title=scrub(item.title),
            employer=scrub(item.employer) if show_employers else EMPLOYER.capitalize(),
            start=item.start,
            end=item.end,
            description=scrub(item.description),
        )
        for item in document.history
    )
    education = tuple(
        EducationItem(scrub(item.institution), scrub(item.degree), item.year)
        for item in document.education
    )
    return ProfileDocument(
        candidate_id=document.candidate_id,
        blind=True,
        name=redactor.initials,
        headline=scrub(document.headline),
        location=None,
        emails=(),
        phones=(),
        links=(),
        summary=scrub(document.summary),
        skills=redactor.scrub_all(document.skills),
        history=history,
        education=education,
        pitch=scrub(document.pitch),
        job_title=document.job_title,
        client_name=document.client_name,
        recruiter_name=document.recruiter_name,
        recruiter_email=document.recruiter_email,
        brand=document.brand,
        prepared_on=document.prepared_on,
    )


def _skills_in_order(names: list[str], job_description: str | None) -> tuple[str, ...]:
    """The skills by name, those the job's description asks for first."""
    text = (job_description or "").casefold()

    def asked(name: str) -> bool:
        pattern = r"(?<!\w)" + re.escape(name.casefold()) + r"(?!\w)"
        return bool(text) and re.search(pattern, text) is not None

    return tuple(sorted(names, key=lambda name: (not asked(name), name.casefold())))
