"""Formatting shared by the document renderers (Word, LibreOffice, LaTeX): the same data
printed in the different styles real resumes use, chosen per template."""

from __future__ import annotations

from tests.corpus.people import degree_text, location_text

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
FULL_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

# Date styles: how one "YYYY-MM" and an open end are printed.
DATE_STYLES = {
    "short": (lambda y, m: f"{MONTHS[m - 1]} {y}", "Present", " – "),
    "full": (lambda y, m: f"{FULL_MONTHS[m - 1]} {y}", "Current", " to "),
    "numeric": (lambda y, m: f"{m:02d}/{y}", "Present", " - "),
    "dotted": (lambda y, m: f"{m:02d}.{y}", "today", " – "),
}


def date(value: str | None, style: str) -> str:
    """One end of a range in ``style``; an absent end is the style's word for now."""
    fmt, now, _ = DATE_STYLES[style]
    if not value:
        return now
    year, _, month = value.partition("-")
    return fmt(int(year), int(month[:2])) if month else year


def date_range(work: dict, style: str) -> str:
    sep = DATE_STYLES[style][2]
    return f"{date(work.get('startDate'), style)}{sep}{date(work.get('endDate'), style)}"


def links(basics: dict) -> list[str]:
    """Personal links as printed: without the scheme."""
    urls = ([basics["url"]] if basics.get("url") else []) + [
        p["url"] for p in basics.get("profiles", []) if p.get("url")
    ]
    return [u.split("://", 1)[-1].rstrip("/") for u in urls]


def contact_items(basics: dict) -> list[str]:
    """Phone, e-mail and place, in the order most headers print them."""
    items = [basics.get("phone"), basics.get("email"), location_text(basics.get("location"))]
    return [i for i in items if i]


def degree(education: dict) -> str:
    return degree_text(education)


def year(education: dict) -> str:
    return (education.get("endDate") or "")[:4]


def skill_groups(resume: dict) -> list[tuple[str, list[str]]]:
    return [(s["name"], list(s.get("keywords", []))) for s in resume.get("skills", [])]
