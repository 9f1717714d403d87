"""Education entries from their section.

Institutions are found by their words ("University", "College", ...), degrees by theirs
("Bachelor", "MSc", ...), and each institution takes the degree and year printed nearest to it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from app.parsing.dates import find_range
from app.parsing.history import (
    BULLET,
    DASH_SPLIT,
    DEGREE,
    STRONG_SPLIT,
    _date_of,
    _is_bullet,
    _repair_dangling,
    names_institution,
)
from app.parsing.places import is_location, location_in
from app.parsing.result import EducationEntry


def parse_education(lines: list[str]) -> list[EducationEntry]:
    """Institutions with the degree and year printed nearest to each."""
    lines = _join_wrapped_degrees(_repair_dangling([line for line in lines if line.strip()]))
    items: list[tuple[int, str, str]] = []  # (line, kind, text)
    years: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if _is_bullet(line) and not (names_institution(line) or DEGREE.search(line)):
            _text, _span, tail = _date_of(line, bullet=True)  # a date column beside it
            if tail is not None:
                end = tail.end if tail.end not in (None, "present") else tail.start
                years.append((index, (end or "")[:4]))
            continue
        text = BULLET.sub("", line) if _is_bullet(line) else line
        dated = find_range(text)
        if dated:
            end = dated.end if dated.end not in (None, "present") else dated.start
            if dated.end == "present":
                end = "present"
            years.append((index, end[:4] if end and end != "present" else (end or "")))
            text = text[: dated.span[0]] + "\t" + text[dated.span[1] :]
            # A year printed in brackets ("University of Leeds (2019)") leaves them empty.
            text = re.sub(r"[(\[]\s*\t\s*[)\]]", "\t", text)
        if re.match(
            r"(?i)^\s*(?:gpa|grade|thesis|advisor|honou?rs|courses|coursework|"
            r"relevant|minor|concentration|activities|awards?)\b",
            text,
        ):
            continue
        for piece in _edu_parts(text):
            if names_institution(piece):
                items.append((index, "inst", piece))
            elif DEGREE.search(piece) and len(piece.split()) <= 14:
                items.append((index, "degree", piece))
            elif _name_like(piece):
                items.append((index, "other", piece))
    institutions = [(i, t) for i, k, t in items if k == "inst"]
    degrees = [(i, t) for i, k, t in items if k == "degree"]
    # The section's own order (degree above institution, or below) decides ties.
    degree_first = bool(items) and items[0][1] == "degree"
    used_degrees: set[int] = set()
    used_years: set[int] = set()
    found: list[tuple[int, EducationEntry]] = []
    for n, (at, inst) in enumerate(institutions):
        next_line = institutions[n + 1][0] if n + 1 < len(institutions) else 10**6
        prev_line = institutions[n - 1][0] if n > 0 else -1
        degree = _nearest(degrees, at, used_degrees, prev_line, next_line, degree_first)
        year = _nearest(years, at, used_years, prev_line, next_line, degree_first)
        found.append((at, EducationEntry(_clean_inst(inst), degree, year or None)))
    found.extend(_unnamed_schools(items, degrees, used_degrees, years, used_years, degree_first))
    entries = [entry for _line, entry in sorted(found, key=lambda pair: pair[0])]
    return [replace(entry, degree=_degree_first(entry.degree)) for entry in entries]


def _degree_first(degree: str | None) -> str | None:
    """ "Economics, B.A." is the B.A. in Economics: the degree's kind goes first."""
    if not degree:
        return degree
    m = re.fullmatch(r"(.+?),\s*([^,]+)", degree.strip())
    if m and DEGREE.fullmatch(m.group(2).strip().rstrip(".")) and not DEGREE.search(m.group(1)):
        return f"{m.group(2).strip()} {m.group(1).strip()}"
    return degree


def _name_like(piece: str) -> bool:
    """A short capitalised name ("Sciences Po", "TU Delft") that could be a school."""
    words = piece.split()
    return (
        0 < len(words) <= 6
        and piece[:1].isupper()
        and bool(re.search(r"[A-Za-z]{2}", piece))
        and not is_location(piece)
        and not re.search(r"(?i)\b(?:gpa|grade|honou?rs|cum laude|dean|list|award)\b|[:%]", piece)
        and not find_range(piece)
    )


def _unnamed_schools(
    items: list[tuple[int, str, str]],
    degrees: list[tuple[int, str]],
    used_degrees: set[int],
    years: list[tuple[int, str]],
    used_years: set[int],
    degree_first: bool,
) -> list[tuple[int, EducationEntry]]:
    """A degree no institution claimed takes the name printed beside it (same line or the
    next one in the section's order) as its school: not every school says "University"."""
    others = [(i, t) for i, k, t in items if k == "other"]
    taken: set[int] = set()
    out: list[tuple[int, EducationEntry]] = []
    for k, (line, degree) in enumerate(degrees):
        if k in used_degrees:
            continue
        step = 1 if degree_first else -1
        # The name on the entry's dated row beside the degree's ("Sciences Po <tab> 2018 —
        # 2021" over "BA - Computer Science") is the school; the name after the degree on
        # its own row is then its field.
        dated = any(i == line + step for i, _y in years)
        order = (line + step, line) if dated else (line, line + step)
        pick = next(
            (
                n
                for wanted in order
                for n, (i, _t) in enumerate(others)
                if i == wanted and n not in taken
            ),
            None,
        )
        if pick is None:
            continue
        taken.add(pick)
        used_degrees.add(k)
        field = next((n for n, (i, _t) in enumerate(others) if i == line and n not in taken), None)
        if dated and others[pick][0] != line and field is not None:
            taken.add(field)
            degree = f"{degree} {others[field][1]}"
        school_line = others[pick][0]
        year = _nearest(years, school_line, used_years, line - 2, school_line + 2, degree_first)
        out.append(
            (min(line, school_line), EducationEntry(_clean_inst(others[pick][1]), degree, year))
        )
    return out


def _join_wrapped_degrees(lines: list[str]) -> list[str]:
    """ "Master of Science in Software" / "Engineering": a narrow column wrapped the degree
    (or the institution's name)."""
    out: list[str] = []
    for line in lines:
        if (
            out
            and DEGREE.search(out[-1])
            and not names_institution(out[-1])
            and "\t" not in out[-1]
            and len(line.split()) <= 3
            and not (DEGREE.search(line) or names_institution(line) or find_range(line))
            and not _is_bullet(line)
            and not re.search(r"(?i)gpa|grade|honou?rs|:", line)
        ):
            out[-1] = f"{out[-1]} {line.strip()}"
        elif (
            out
            and names_institution(out[-1])
            and re.search(r"(?i)\b(?:of|at|de|del|di|du|des|der|für|for|and|&)$", out[-1].strip())
            and not (DEGREE.search(line) or find_range(line) or _is_bullet(line))
        ):  # "Universidad Complutense de" / "Madrid": the name wrapped after a joining word
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        elif out and _wrapped_school(out[-1], line):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
    return out


def _wrapped_school(before: str, line: str) -> bool:
    """ "BSc Mathematics, Boston" / "University": a school named after its degree, wrapped
    inside its name. The short line completes the last item of the line before into a
    school's name, which that item alone was not (or was only a bare "Universität")."""
    line = line.strip()
    if not 1 <= len(line.split()) <= 3 or re.search(r"[,\t:]", line):
        return False
    if DEGREE.search(line) or find_range(line) or _is_bullet(line):
        return False
    if names_institution(line) and len(line.split()) > 1:
        return False  # "University of Sydney" under a degree: a school's whole name
    parts = re.split(r"[,\t]", before)
    tail = parts[-1].strip()
    if len(parts) < 2 or not tail or find_range(tail) or DEGREE.search(tail):
        return False
    if not names_institution(f"{tail} {line}"):
        return False
    return not names_institution(tail) or len(tail.split()) == 1


def _nearest(
    found: list[tuple[int, str]],
    line: int,
    used: set[int],
    prev_line: int,
    next_line: int,
    before_first: bool = False,
) -> str | None:
    """The unused item nearest to ``line`` that is not nearer another institution."""
    best: tuple[int, int] | None = None
    for k, (i, _text) in enumerate(found):
        if k in used or abs(i - line) > 3:
            continue
        if i > line and i >= next_line:
            continue
        if i < line and i <= prev_line:
            continue
        dist = abs(i - line) * 2 + ((i > line) if before_first else (i < line)) * 3
        if best is None or dist < best[0]:
            best = (dist, k)
    if best is None:
        return None
    used.add(best[1])
    return found[best[1]][1]


def _edu_parts(text: str) -> list[str]:
    out: list[str] = []
    for piece in STRONG_SPLIT.split(text):
        for sub in DASH_SPLIT.split(piece):
            sub = sub.strip(" ,;–—-")
            if not sub:
                continue
            at = re.match(r"(.+?)\s+(?:at|from|@)\s+(.+)$", sub)
            if at and DEGREE.search(at.group(1)) and names_institution(at.group(2)):
                # "Diploma Logistics at University of Toronto"
                out.extend([at.group(1).strip(), at.group(2).strip()])
                continue
            if names_institution(sub) and DEGREE.search(sub) and ", " in sub:
                # "Bachelor of Science, State University, Anywhere, USA"
                chunks = [c.strip() for c in sub.split(",") if c.strip()]
                deg = [c for c in chunks if DEGREE.search(c) and not names_institution(c)]
                inst = [c for c in chunks if names_institution(c)]
                if deg and inst:
                    out.append(deg[0])
                    out.append(inst[0])
                    continue
            out.append(sub)
    return out


def _clean_inst(text: str) -> str:
    place = location_in(text)
    if place and text.endswith(place) and text != place:
        text = text[: -len(place)].rstrip(" ,–—-")
    return text.strip()
