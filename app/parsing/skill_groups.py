"""Skill groups the section finder took for sections of their own.

Themes print skills as groups: a small heading ("Design", "Tools", "Certifications") over a
few items, one a line or laid out in a row. The section finder sees each group heading as
a section; these functions give the groups back to the skills section, or make a skills
section of groups printed with no skills heading above them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from app.parsing import sections
from app.parsing.dates import find_range
from app.parsing.history import DEGREE
from app.parsing.lines import Line
from app.parsing.skills import GROUP_NAME, curated, without_level

_ENTRY_KINDS = frozenset(
    {sections.EXPERIENCE, sections.EDUCATION, sections.PROJECTS, sections.SUMMARY, sections.CONTACT}
)


def fold_skill_groups(parts: list[sections.Section]) -> list[sections.Section]:
    """Sections after the skills heading that are really its groups ("Design", "Research"
    over a few short items): their headings are group names, their items skills. Likewise
    a degree under Education that looked like a heading."""
    parts = _stray_skill_groups(_headless_skill_groups(_labelled_skill_rows(parts)))
    out: list[sections.Section] = []
    grouped = False  # the last skills section has taken a group
    for part in parts:
        prev = out[-1] if out else None
        kind = sections.heading_kind(part.heading) if part.heading else "?"
        group_name = kind is None or bool(GROUP_NAME.fullmatch(part.heading.strip()))
        # A skills heading with nothing under it has its items under group headings,
        # whatever they are called ("Certifications", "Languages").
        # A heading of a section kind with entries of its own ("Education") never is.
        group_name = group_name or bool(
            prev is not None
            and prev.kind == sections.SKILLS
            and (not prev.lines or grouped or _set_like_its_groups(part, prev))
            and kind not in _ENTRY_KINDS
        )
        items = _list_items(part.lines)
        if prev is not None and prev.kind == sections.SKILLS and group_name and items:
            prev.lines = [*prev.lines, *_group_items(part.lines[:items])]
            grouped = True
            if items < len(part.lines):
                # What follows in another type (a sidebar's name, a summary) is not a skill.
                out.append(sections.Section(sections.OTHER, "", part.lines[items:]))
                grouped = False
            continue
        grouped = False
        if (
            prev is not None
            and prev.kind == sections.EDUCATION
            and part.heading
            and len(part.heading.split()) <= 8
            and DEGREE.search(part.heading)
        ):  # a bare degree ("MBA") set like a heading is the next entry's first line
            prev.lines = [*prev.lines, Line(part.heading, new_block=True), *part.lines]
            continue
        if prev is not None and prev.kind == sections.SKILLS and part.kind != sections.SKILLS:
            # A margin column's next heading set beside the skills' last rows ("Summary
            # <tab> Systems: Epic, Cerner"): rows shaped like the skills' own stay skills.
            moved = _labelled_rows(prev.lines, part.lines)
            if moved:
                prev.lines = [*prev.lines, *part.lines[:moved]]
                part.lines = part.lines[moved:]
        out.append(part)
    return out


def _set_like_its_groups(part: sections.Section, skills: sections.Section) -> bool:
    """Whether ``part``'s heading is set like a row of group names inside ``skills``
    ("Clinical <tab> Systems" over their items, then "Certifications"): the next group,
    whatever its name."""
    if not part.style:
        return False
    return any(
        sections.line_style(line) == part.style
        and all(GROUP_NAME.fullmatch(cell.strip()) for cell in line.text.strip().split("\t"))
        for line in skills.lines
    )


_LABELLED_ROW = re.compile(r"^[A-Z][\w/&+.' -]{0,40}:\s*\S[^.]*$")


def _labelled_rows(skills: list[Line], after: list[Line]) -> int:
    """How many leading lines of ``after`` are "Group: item, item" rows like every row of
    the skills section before them."""
    if not skills or not all(_LABELLED_ROW.match(line.text.strip()) for line in skills):
        return 0
    count = 0
    for line in after:
        if not _LABELLED_ROW.match(line.text.strip()):
            break
        count += 1
    return count


def _headless_skill_groups(parts: list[sections.Section]) -> list[sections.Section]:
    """Skill groups with no skills heading above them (a sidebar's "Technical", "Tools" and
    "Certifications" lists): sections in a row, each a group name over list items, become
    one skills section when there are two or more of them, or one in a resume without any
    skills section. A group's trailing lines in another type stay apart."""
    has_skills = any(part.kind == sections.SKILLS for part in parts)

    def group(part: sections.Section, first: bool) -> bool:
        name = part.heading.strip()
        if re.search(r"(?i)skill", name):
            return False  # a skills heading proper: its groups fold into it below
        named = bool(GROUP_NAME.fullmatch(name)) or (
            not first and re.fullmatch(r"(?i)certifications?|licen[cs]es", name) is not None
        )
        return (
            part.kind in (sections.OTHER, sections.EXPERIENCE, sections.SKILLS)
            and named
            and 2 * _list_items(part.lines) > len(part.lines) > 0
        )

    out: list[sections.Section] = []
    k = 0
    while k < len(parts):
        end = k
        while end < len(parts) and group(parts[end], end == k):
            end += 1
            if _list_items(parts[end - 1].lines) < len(parts[end - 1].lines):
                break  # other lines after the items end the run
        run = parts[k:end]
        if len(run) >= 2 or (run and not has_skills and _list_items(run[0].lines) >= 2):
            lines = [
                line for part in run for line in _group_items(part.lines[: _list_items(part.lines)])
            ]
            out.append(sections.Section(sections.SKILLS, run[0].heading, lines))
            rest = run[-1].lines[_list_items(run[-1].lines) :]
            if rest:
                out.append(sections.Section(sections.OTHER, "", rest))
            k = end
        else:
            out.append(parts[k])
            k += 1
    return out


def _stray_skill_groups(parts: list[sections.Section]) -> list[sections.Section]:
    """A skills heading with nothing under it whose groups were read further on (its list
    went over to the next page, or its column came out after another one): a run of bold
    group names ("Systems") each over short items in plain type, in a later section, is
    its list when one of the items is a known skill."""
    empty = next((p for p in parts if p.kind == sections.SKILLS and not p.lines), None)
    if empty is None:
        return parts
    for part in parts[parts.index(empty) + 1 :]:
        lines = part.lines
        start = next((i for i in range(len(lines)) if _group_head(lines, i)), None)
        if start is None:
            continue
        items: list[Line] = []
        end = start
        while end < len(lines) and _group_head(lines, end):
            group = end + 1
            while group < len(lines) and _plain_item(lines[group]):
                group += 1
            items.extend(_group_items(lines[end + 1 : group]))
            end = group
        known = curated()
        if len(items) >= 2 and any(line.text.strip().lower() in known for line in items):
            empty.lines = items
            part.lines = lines[:start] + lines[end:]
            break
    return parts


def _group_head(lines: list[Line], index: int) -> bool:
    """A bold group name over an item in plain type."""
    line = lines[index]
    return (
        line.bold
        and bool(GROUP_NAME.fullmatch(line.text.strip()))
        and index + 1 < len(lines)
        and _plain_item(lines[index + 1])
    )


def _plain_item(line: Line) -> bool:
    text = line.text.strip()
    return (
        not line.bold
        and bool(text)
        and not text.endswith(".")
        and _short_items(text)
        and find_range(text) is None
    )


def _group_items(lines: list[Line]) -> list[Line]:
    """A group's items with its first one opening a paragraph: the group's name, dropped,
    stood between them and the list above, so the row above is no wrapped line of theirs."""
    if not lines or lines[0].new_block:
        return lines
    return [replace(lines[0], new_block=True), *lines[1:]]


def _list_items(lines: list[Line]) -> int:
    """How many leading lines are a group's items: short, undated, in the first one's type
    size. All of them when every line is short and the sizes are unknown."""
    count = 0
    for line in lines:
        if not _short_items(line.text) or find_range(line.text):
            break
        if lines[0].size and abs(line.size - lines[0].size) > 0.5:
            break
        count += 1
    if count < len(lines) and not any(line.size for line in lines):
        return 0
    return count


def _short_items(text: str) -> bool:
    """A row of list items: each tab-, comma- or bullet-separated item is a few words
    (chips laid out in a row: "TypeScript <tab> SQL <tab> Rust <tab> Go <tab> Java"), a
    level printed after a skill not counted ("IV therapy — Working knowledge")."""
    items = [without_level(p) for p in re.split(r"\t|,\s|\s[•·|]\s", text) if p.strip()]
    return bool(items) and all(len(p.split()) <= 4 for p in items) and len(items) <= 12


_LABELLED = re.compile(r"^\s*([A-Za-z][\w/&+' -]{0,30}?)\s*:\s*(\S.*)$")
_SPOKEN = re.compile(r"(?i)(?:spoken\s+)?languages?")
_ITEM_SPLIT = re.compile(r"\s*[,;•·|]\s*|\s/\s")
_KNOWN_SPLIT = re.compile(r"[,;•·|/]")
_CERTIFICATES = re.compile(r"(?i)certifications?|licen[cs]es")


def _skill_label(label: str, items: str, taken: bool) -> bool:
    """Whether "Label: items" is a row of skills: the label names skills ("Key skills",
    "Tech stack") or a group of them ("Tools", "Clinical"); certificates only after such
    a row. "Languages" lists skills only when one is a known skill (Python, not English)."""
    if sections.heading_kind(label) == sections.SKILLS:
        return True
    if _CERTIFICATES.fullmatch(label):
        return taken
    if not GROUP_NAME.fullmatch(label):
        return False
    if _SPOKEN.fullmatch(label):
        known = curated()
        return any(p.strip().lower() in known for p in _KNOWN_SPLIT.split(items))
    return True


def _labelled_skill_rows(parts: list[sections.Section]) -> list[sections.Section]:
    """Skills printed as labelled rows under a general heading ("Additional Information":
    "Key skills: Python; Go", "Tools: Jira, Git") or closing a profile: the rows of a list
    whose label names skills become a skills section of their own, the section's other
    rows stay where they are."""
    out: list[sections.Section] = []
    for part in parts:
        if part.kind not in (sections.OTHER, sections.SUMMARY) or not part.heading:
            out.append(part)
            continue
        keep: list[Line] = []
        rows: list[Line] = []
        for line in part.lines:
            m = _LABELLED.match(line.text)
            items = _ITEM_SPLIT.split(m.group(2)) if m else []
            if (
                m
                and len(items) <= 15
                and all(len(item.split()) <= 4 for item in items)
                and _skill_label(m.group(1).strip(), m.group(2), bool(rows))
            ):
                rows.append(line)
            else:
                if part.kind == sections.SUMMARY:
                    keep.extend(rows)  # a profile's skills close it: earlier rows stay
                    rows = []
                keep.append(line)
        if not rows:
            out.append(part)
            continue
        if keep:
            out.append(sections.Section(part.kind, part.heading, keep, part.style))
        out.append(sections.Section(sections.SKILLS, part.heading, rows, part.style))
    return out
