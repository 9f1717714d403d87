"""A candidate with every identifying detail filled in, a client with a contact and a job, and
the agency's branding: what the profile document, its PDF and submittals are tested on."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from app.parsing.result import EducationEntry, Employment, ParsedResume
from app.services.candidates.edit import read_values, update_candidate
from app.services.core.context import ServiceContext
from app.services.engagement.mail_settings import BrandingInput, save_branding
from app.services.intake.importer import import_resume
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.contacts import ContactInput, create_contact
from app.services.pipeline.jobs import JobInput, create_job
from app.store.models import Document

FIRST, MIDDLE, LAST = "Philippa", "Quinn", "Marchbanks"
EMAIL = "philippa.marchbanks@mailbox.example"
PHONE = "+44 20 7946 0321"
LINKS = ("https://www.linkedin.com/in/pmarchbanks", "https://github.com/pmarchbanks")
ADDRESS = "14 Larkspur Crescent, Oxford OX2 6JP"
EMPLOYERS = ("Zephyrine Analytics", "Brightwater Logistics")
AGENCY = "Northgate Talent Partners"
PRIMARY = "#b4232c"
ACCENT = "#1d6b4f"


@dataclass(frozen=True)
class ProfileWorld:
    candidate_id: int
    job_id: int
    client_id: int
    contact_id: int
    resume: Path  # the stored original resume


def build_world(ctx: ServiceContext, folder: Path) -> ProfileWorld:
    """The candidate imported from a resume (history, education, skills), then edited by hand
    so that the summary repeats their name, email, phone, link and address."""
    documents = folder / "documents"
    source = folder / "marchbanks.txt"
    source.write_text(f"{FIRST} {LAST}\n{EMAIL}\nData engineer\n", encoding="utf-8")
    parsed = ParsedResume(
        file=source.name,
        name=f"{FIRST} {LAST}",
        emails=(EMAIL,),
        phones=(PHONE,),
        location=ADDRESS,
        links=LINKS,
        current_title="Lead Data Engineer",
        current_employer=EMPLOYERS[0],
        employers=(
            Employment(EMPLOYERS[0], "Lead Data Engineer", "2020-01", "present"),
            Employment(EMPLOYERS[1], "Data Engineer", "2016-05", "2019-12"),
        ),
        education=(EducationEntry("University of Leeds", "BSc Computer Science", "2016"),),
        skills=("Python", "Kafka", "Airflow"),
        text=source.read_text(encoding="utf-8"),
    )
    imported = import_resume(ctx, documents, source, parsed).value
    candidate_id = imported.candidate_id
    assert candidate_id is not None
    with ctx.read() as session:
        values = read_values(session, candidate_id)
    summary = (
        f"{FIRST} {LAST} builds streaming platforms at {EMPLOYERS[0]}. Reach {FIRST} at "
        f"{EMAIL} or {PHONE}, see {LINKS[1]}; she lives at {ADDRESS}."
    )
    wanted = replace(values, middle_name=MIDDLE, summary=summary, headline="Streaming data lead")
    update_candidate(ctx, candidate_id, wanted, values)
    client_id = create_client(ctx, ClientInput("Halcyon Freight")).value
    contact_id = create_contact(
        ctx,
        client_id,
        ContactInput("Dana", "Whitfield", "Head of Data", ("dana@halcyon.example",), (), True),
    ).value
    job_id = create_job(
        ctx,
        JobInput(client_id, "Principal Data Engineer", description="Kafka and Python at scale."),
    ).value
    save_branding(ctx, BrandingInput(AGENCY, PRIMARY, ACCENT, footer="Northgate, Leeds"))
    with ctx.read() as session:
        stored = session.get(Document, imported.document_id)
        assert stored is not None
        resume = documents / stored.stored_path
    return ProfileWorld(candidate_id, job_id, client_id, contact_id, resume)


def identifying_strings() -> tuple[str, ...]:
    """Every way the candidate could be found or reached, as it might appear in text."""
    return (
        FIRST,
        MIDDLE,
        LAST,
        EMAIL,
        "mailbox.example",
        PHONE,
        "7946",
        "0321",
        "linkedin.com/in/pmarchbanks",
        "github.com/pmarchbanks",
        "pmarchbanks",
        "Larkspur",
        "OX2 6JP",
    )
