"""A parsed resume's name and skills as a candidate's fields.

Shared by resume intake (`app.services.intake.importer`) and sourcing a candidate from a
parsed resume (`sourcing`), so that the candidates domain never imports the intake one.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.services.core.text_rules import MAX_SKILLS, clean, fit_field
from app.services.core.unit_of_work import read_rows
from app.store.models import CandidateSkill, Skill

_PARTICLES = {"da", "de", "del", "della", "der", "di", "du", "la", "le", "van", "von", "bin"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_CREDENTIALS = {"phd", "ph.d.", "mba", "md", "cpa", "pmp", "pe", "msc", "bsc", "cfa"}


def split_name(name: str | None) -> tuple[str, str | None, str] | None:
    """(first, middle, last) from a full name; "Last, First" is understood too."""
    text = clean(name)
    if not text:
        return None
    if "," in text:
        last, _, rest = text.partition(",")
        words = rest.split()
        words = [w for w in words if w.lower() not in _CREDENTIALS]
        if words and last.strip():
            middle = " ".join(words[1:]) or None
            return words[0], middle, last.strip()
        text = last
    words = [w for w in text.split() if w.lower().strip(",") not in _CREDENTIALS]
    if not words:
        return None
    suffix = words.pop() if len(words) > 2 and words[-1].lower() in _SUFFIXES else None
    if len(words) == 1:
        return words[0], None, suffix or ""
    last_start = len(words) - 1
    while last_start > 1 and words[last_start - 1].lower() in _PARTICLES:
        last_start -= 1
    last = " ".join(words[last_start:] + ([suffix] if suffix else []))
    middle = " ".join(words[1:last_start]) or None
    return words[0], middle, last


def link_skills(session: Session, candidate_id: int, names: tuple[str, ...]) -> list[str]:
    """Link the named skills (found case-insensitively, created if new); return those added.

    Names are cleaned and shortened to their cap, and at most `MAX_SKILLS` are taken: this
    serves the automatic paths (a resume, a pasted profile), which never fail on one value.
    """
    wanted: dict[str, str] = {}
    for name in names:
        value = fit_field("skill", name)
        if value and len(wanted) < MAX_SKILLS:
            wanted.setdefault(value.casefold(), value)
    if not wanted:
        return []
    existing: dict[str, int] = {}
    linked: set[int] = set()
    # One statement finds the skills and which of them the candidate has already.
    marks = ", ".join("?" * len(wanted))
    for skill_id, name, is_linked in read_rows(
        session,
        "SELECT id, name, EXISTS (SELECT 1 FROM candidate_skills"
        " WHERE candidate_id = ? AND skill_id = skills.id)"
        f" FROM skills WHERE lower(name) IN ({marks})",
        [candidate_id, *wanted],
    ):
        existing[name.casefold()] = skill_id
        if is_linked:
            linked.add(skill_id)
    created = {key: Skill(name=name) for key, name in wanted.items() if key not in existing}
    if created:  # all new skills in one flush, for their ids (given in the order named)
        session.add_all(created.values())
        session.flush()
        existing |= {key: skill.id for key, skill in created.items()}
    added = []
    for key, name in wanted.items():
        skill_id = existing[key]
        if skill_id not in linked:
            session.add(CandidateSkill(candidate_id=candidate_id, skill_id=skill_id))
            linked.add(skill_id)
            added.append(name)
    return added
