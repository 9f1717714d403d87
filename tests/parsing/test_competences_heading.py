"""The plural "Competences" names a skills section too."""

from __future__ import annotations

import pytest

from app.parsing import sections


@pytest.mark.parametrize("text", ["Competences", "COMPETENCES", "Key Competences"])
def test_competences_is_a_skills_heading(text: str) -> None:
    assert sections.heading_kind(text) == sections.SKILLS
