"""Headings that name skills: the plural "Competences", and accented names."""

from __future__ import annotations

import pytest

from app.parsing import sections


@pytest.mark.parametrize("text", ["Competences", "COMPETENCES", "Key Competences"])
def test_competences_is_a_skills_heading(text: str) -> None:
    assert sections.heading_kind(text) == sections.SKILLS


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Compétences", sections.SKILLS),
        ("COMPÉTENCES", sections.SKILLS),
        ("Expérience", sections.EXPERIENCE),
    ],
)
def test_accented_headings_read_without_their_accents(text: str, kind: str) -> None:
    assert sections.heading_kind(text) == kind
