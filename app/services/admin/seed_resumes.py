"""Generated resume text for the scale databases: about 350 words per candidate, deterministic.

The benchmarks that size the database and time free-text search need text shaped like real
resumes: a summary, dated roles with achievement lines, skills, education. Each candidate's
text comes from its own random stream (the seed and the candidate id), so adding resumes
changes nothing else the generator draws, and the same seed always gives the same words.
"""

from __future__ import annotations

import random

from app.services.admin import sample_data as sd

TARGET_WORDS = 365

_VERBS = (
    "Led",
    "Built",
    "Designed",
    "Delivered",
    "Improved",
    "Reduced",
    "Automated",
    "Launched",
    "Migrated",
    "Managed",
    "Mentored",
    "Negotiated",
    "Owned",
    "Scaled",
    "Streamlined",
    "Introduced",
    "Coordinated",
    "Drove",
    "Partnered",
    "Rebuilt",
    "Analysed",
    "Established",
    "Standardised",
    "Shipped",
    "Modernised",
    "Consolidated",
    "Expanded",
    "Supported",
)
_OBJECTS = (
    "the onboarding flow",
    "a reporting pipeline",
    "the quarterly planning process",
    "customer retention programmes",
    "the vendor selection",
    "an internal tooling suite",
    "the release process",
    "cross-team roadmaps",
    "the pricing model",
    "a data warehouse",
    "the hiring loop",
    "incident response",
    "the budget forecast",
    "regional operations",
    "a compliance review",
    "the partner channel",
    "support escalations",
    "the design system",
    "payment reconciliation",
    "the analytics platform",
    "field service scheduling",
    "inventory tracking",
    "the customer portal",
    "a training curriculum",
    "audit preparation",
    "the mobile application",
    "marketing attribution",
    "contract renewals",
    "the billing engine",
)
_RESULTS = (
    "cutting cycle time by {n}%",
    "saving ${n}k a year",
    "raising satisfaction scores by {n} points",
    "serving {n},000 users",
    "across {n} countries",
    "with a team of {n}",
    "ahead of schedule",
    "under budget",
    "reducing errors by {n}%",
    "growing revenue {n}% year over year",
    "for {n} enterprise clients",
    "handling {n} million requests a day",
    "lifting conversion by {n}%",
    "within {n} months",
)
_TRAITS = (
    "pragmatic",
    "detail-oriented",
    "collaborative",
    "analytical",
    "customer-focused",
    "hands-on",
    "results-driven",
    "curious",
    "organised",
    "resilient",
    "methodical",
    "entrepreneurial",
    "dependable",
    "versatile",
)
_DOMAINS = (
    "fintech",
    "healthcare",
    "logistics",
    "retail",
    "insurance",
    "education",
    "energy",
    "manufacturing",
    "media",
    "travel",
    "government",
    "telecommunications",
    "biotech",
    "real estate",
    "hospitality",
    "agriculture",
    "gaming",
    "cybersecurity",
)
_EXTRAS = (
    "Volunteer mentor at a local coding club.",
    "Fluent in Spanish and conversational French.",
    "Speaker at regional industry meetups.",
    "Certified scrum master.",
    "Enjoys trail running and chess.",
    "Published articles on team leadership.",
    "Organised a charity hackathon for three years.",
    "Holds a commercial pilot licence.",
    "Native German speaker.",
    "Coaches a youth football team.",
)


def resume_text(seed: int, candidate_id: int, name: str, family: sd.JobFamily) -> str:
    """About TARGET_WORDS words of resume for one candidate of ``family``."""
    rng = random.Random(f"{seed}:resume:{candidate_id}")
    skills = rng.sample(family.skills, min(len(family.skills), rng.randint(5, 9)))
    city = rng.choice(sd.CITIES)
    handle = name.split()[0].lower()
    lines = [
        name,
        f"{rng.choice(family.titles)} · {city} · {handle}{candidate_id}@example.com",
        "",
        "Summary",
        f"{rng.choice(_TRAITS).capitalize()} and {rng.choice(_TRAITS)} "
        f"{family.name.lower()} professional with {rng.randint(2, 25)} years in "
        f"{rng.choice(_DOMAINS)} and {rng.choice(_DOMAINS)}. Known for "
        f"{rng.choice(_OBJECTS)} and {rng.choice(_OBJECTS)}, working closely with "
        f"{rng.choice(_DOMAINS)} stakeholders.",
        "",
        "Experience",
    ]
    words = sum(len(line.split()) for line in lines)
    year = 2026
    while words < TARGET_WORDS - 60:
        start = year - rng.randint(1, 5)
        role = f"{rng.choice(family.titles)}, {rng.choice(sd.COMPANIES)}, {start}–{year}"
        lines.append(role)
        words += len(role.split())
        for _ in range(rng.randint(3, 5)):
            result = rng.choice(_RESULTS).format(n=rng.randint(2, 90))
            line = (
                f"- {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} using {rng.choice(skills)}, "
                f"{result}."
            )
            lines.append(line)
            words += len(line.split())
        year = start
    lines += [
        "",
        "Skills",
        ", ".join(skills),
        "",
        "Education",
        f"{rng.choice(sd.DEGREES)}, {rng.choice(sd.UNIVERSITIES)}, {year - rng.randint(0, 3)}",
        "",
        rng.choice(_EXTRAS),
    ]
    return "\n".join(lines)
