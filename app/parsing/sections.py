"""Splitting a resume into sections by their headings.

A heading is recognised by its words (a vocabulary of common section names); other short
lines typeset exactly like the recognised headings (same size, weight and case) are headings
too, so that "Publications" or "Selected Honors" end the section before them even though their
content is not parsed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field, replace

from app.parsing.dates import find_range
from app.parsing.lines import Line
from app.parsing.skills import curated

EXPERIENCE, EDUCATION, SKILLS, PROJECTS, SUMMARY, CONTACT, LINKS, OTHER, HEADER = (
    "experience",
    "education",
    "skills",
    "projects",
    "summary",
    "contact",
    "links",
    "other",
    "header",
)

_KINDS: list[tuple[str, str]] = [
    (
        EXPERIENCE,
        r"(?:(?:professional|work|working|relevant|employment|career|research|volunteer|"
        r"volunteering|leadership|industry|teaching|internship|job|management|technical|"
        r"consulting|military|related|other|additional|selected|recent)\s+)*"
        r"(?:experience|experiences|history|employment|internships?)"
        r"(?:\s+(?:history|summary|and (?:leadership|achievements|projects)))?"
        r"|employment|work|employers|career|positions(?: held)?|professional background|research"
        r"|work and research experience|research and (?:work|professional) experience",
    ),
    (
        EDUCATION,
        r"(?:education|academic|academics|educational)(?:al)?"
        r"(?:\s+(?:background|history|qualifications|details|and (?:training|certifications?"
        r"|qualifications)))?|education & training|studies|degrees?",
    ),
    (
        SKILLS,
        r"(?:(?:technical|key|core|professional|relevant|it|computer|software|hard|soft|"
        r"additional|other|top|digital)\s+)*(?:skills?|competenc(?:ies|es?)|proficienc(?:ies|y)"
        r"|expertise|strengths|abilities)(?:\s+(?:summary|and \w+(?: \w+)?))?"
        r"|areas? of (?:expertise|strength|competence|specialization)|skill ?set"
        r"|tech(?:nical)? stack|technologies|tools(?: and technologies)?|toolbox"
        r"|technolog(?:y|ies) (?:skills|summary)|qualifications summary|summary of skills",
    ),
    (
        PROJECTS,
        r"(?:(?:personal|academic|selected|key|side|open source|technical|notable|"
        r"relevant|research|software)\s+)*projects?(?: and (?:\w+))?|portfolio",
    ),
    (
        SUMMARY,
        r"(?:professional |career |executive |personal )?(?:summary|profile|objective|"
        r"overview|about(?: me)?|introduction|bio)|summary of qualifications",
    ),
    (
        CONTACT,
        r"contact(?: (?:info|information|details|me))?|personal (?:info|information|details)",
    ),
    (LINKS, r"links|profiles|online presence|social|web"),
    (
        OTHER,
        r"(?:selected |honou?rs (?:and|&) )?(?:awards?|honou?rs|achievements|accomplishments)"
        r"(?: and \w+)?|certifications?(?: and \w+)?|licenses?(?: and certifications)?"
        r"|publications?|selected publications|patents?|presentations|(?:invited )?talks"
        r"|languages?|spoken languages|interests|hobbies|references?|activities"
        r"|extra-?curricular(?: activities)?|involvement|volunteering|memberships?"
        r"|affiliations|professional affiliations|courses|coursework|relevant coursework"
        r"|training|conferences|community|leadership|additional information|miscellaneous",
    ),
]
_KIND_RES = [(kind, re.compile(rf"(?:{pattern})", re.IGNORECASE)) for kind, pattern in _KINDS]


@dataclass
class Section:
    """A heading and the lines under it; ``kind`` is one of the constants above."""

    kind: str
    heading: str
    lines: list[Line] = field(default_factory=list)
    style: tuple = ()  # the heading's line_style, when it came from a line


# Compiled once: these run for every line of every resume.
_HEADING_ENDS = re.compile(r"^[\W\d_]+|[\W_]+$")
_NOT_HEADING_LETTERS = re.compile(r"[^A-Za-z' ]+")
_SPACES = re.compile(r"\s+")
_NOT_IN_SECTION_NAMES = re.compile(r"[@/]|\d{3}|\.\s|,")
_NOT_LETTERS = re.compile(r"[^A-Za-z]")


# Cached: asked again for the same line by the layout, the section split and the fields.
@functools.lru_cache(maxsize=4096)
def heading_words(text: str) -> str:
    """The comparable form of a possible heading ("WORK EXPERIENCE:" -> "work experience")."""
    text = _HEADING_ENDS.sub("", text.strip())
    if not text.isascii():  # accents dropped: "Compétences" reads as "competences"
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.replace("&", " and ")
    text = _NOT_HEADING_LETTERS.sub(" ", text)
    return _SPACES.sub(" ", text).strip().lower()


@functools.lru_cache(maxsize=4096)  # likewise
def heading_kind(text: str) -> str | None:
    """The section kind a line names, or None when it is not a section name."""
    if "\t" in text.strip() or len(text) > 60:
        return None
    stripped = text.strip()
    if _NOT_IN_SECTION_NAMES.search(stripped) or stripped.endswith("."):
        return None
    words = heading_words(stripped)
    if not words or len(words.split()) > 6:
        return None
    for kind, pattern in _KIND_RES:
        if pattern.fullmatch(words):
            return kind
    return None


def line_style(line: Line) -> tuple:
    """How a line is set (size, weight, heading style, capitals): headings share one."""
    return (round(line.size), line.bold, line.heading, _in_capitals(line.text))


@functools.lru_cache(maxsize=4096)  # asked for each line several times over
def _in_capitals(text: str) -> bool:
    """Whether the line's letters are all capitals."""
    return _NOT_LETTERS.sub("", text).isupper()


def _looks_like_heading(line: Line, styles: set[tuple]) -> bool:
    text = line.text.strip()
    if line_style(line) not in styles or "\t" in text or len(text) > 40:
        return False
    if re.search(r"\d|[@,|•·:;]", text) or text.endswith("."):
        return False
    return 1 <= len(text.split()) <= 4 and text[0].isupper()


def _margin_headings(lines: list[Line]) -> list[Line]:
    """Headings in a left margin column come out on the row of their first entry
    ("EXPERIENCE <tab> Acme, Designer <tab> 2022 — 2026"): split them off. A layout does this
    for all its headings, so two such rows (or an all-capitals heading) are asked for."""
    found = [
        i
        for i, line in enumerate(lines)
        if "\t" in line.text.strip() and heading_kind(line.text.strip().split("\t")[0])
    ]
    if not found:
        return lines
    if len(found) < 2:
        head = lines[found[0]].text.strip().split("\t")[0]
        if not re.sub(r"[^A-Za-z]", "", head).isupper():
            return lines
    out: list[Line] = []
    marked = set(found)
    for i, line in enumerate(lines):
        if i not in marked:
            out.append(line)
            continue
        head, _, rest = line.text.strip().partition("\t")
        out.append(replace(line, text=head, new_block=True))
        out.append(replace(line, text=rest.strip(), new_block=False, heading=False))
    return out


# An e-mail, a phone number or a web address: a sidebar's contact detail.
_CONTACT_ITEM = re.compile(r"@\w|\d{3}[\s.-]?\d|https?://|www\.|\.[a-z]{2,}/\w")


def _headings_beside_contacts(lines: list[Line]) -> list[Line]:
    """A sidebar's contact detail on the row of the main column's first heading
    ("jane@x.io <tab> Experience"): the heading becomes a line of its own."""
    out: list[Line] = []
    for line in lines:
        head, tab, last = line.text.strip().rpartition("\t")
        if tab and heading_kind(last) and _CONTACT_ITEM.search(head):
            out.append(replace(line, text=head.strip(), heading=False))
            out.append(replace(line, text=last.strip(), new_block=True))
        else:
            out.append(line)
    return out


def _side_by_side_headings(lines: list[Line]) -> list[Line]:
    """Two columns whose headings share a row ("Skills <tab> Work") and whose rows were read
    across both ("Power BI <tab> Supply Chain Analyst"): the left column's cells go under
    its heading, then the right column's heading and cells. Only for headings of different
    kinds, one of them with entries (two skill groups side by side stay skills either way).
    The left column ends at the first row without a tab, or one opening with a bullet, or
    with a heading in the headings' type, or one whose right part is only a date range (the
    right column's next entry alone)."""
    out: list[Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        cells = [c.strip() for c in line.text.strip().split("\t")]
        kinds = [heading_kind(c) for c in cells] if len(cells) == 2 else []
        if (
            len(kinds) != 2
            or not all(kinds)
            or kinds[0] == kinds[1]
            or not {EXPERIENCE, EDUCATION} & set(kinds)
        ):
            out.append(line)
            index += 1
            continue
        left = [replace(line, text=cells[0], new_block=True)]
        right = [replace(line, text=cells[1], new_block=True)]
        end = index + 1
        while end < len(lines):
            head, tab, rest = lines[end].text.strip().partition("\t")
            dated = find_range(rest)
            only_dates = dated is not None and dated.span[1] - dated.span[0] >= len(rest) - 2
            # A section name in smaller type than the headings' row is a group's name
            # ("Research" over its skills), not the left column's next heading.
            smaller = bool(line.size) and lines[end].size < line.size - 0.5
            if (
                not tab
                or not re.search(r"\w", head)
                or (heading_kind(head) and not smaller)
                or only_dates
            ):
                break
            left.append(replace(lines[end], text=head.strip()))
            right.append(replace(lines[end], text=rest.strip(), new_block=False))
            end += 1
        if end == index + 1:  # no row read across both: leave it as it was
            out.append(line)
        else:
            out.extend(left + right)
        index = max(end, index + 1)
    return out


def split_sections(lines: list[Line]) -> list[Section]:
    """The header (before any heading) and one section per heading, in order."""
    lines = _headings_beside_contacts(_margin_headings(_side_by_side_headings(lines)))
    kinds = [heading_kind(line.text) for line in lines]
    # A heading stands out from body text: skip vocabulary matches set like the body
    # ("Skills" as the first word of a sentence cannot happen: the sentence fails the
    # length test; but "Experience" as an item of a list can).
    styles = {line_style(line) for line, kind in zip(lines, kinds, strict=True) if kind}
    body_style = _body_style(lines)
    distinctive = {s for s in styles if s != body_style}
    if distinctive:
        styles = distinctive
    sections = [Section(HEADER, "")]
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        style = line_style(line)
        if kind and (style in styles or not distinctive or _stands_alone(line)):
            title = line.text.strip().rstrip(":")
            before = sections[-1].lines[-1] if sections[-1].lines else None
            if before is not None and _wrapped_heading_start(before, line):
                sections[-1].lines.pop()  # "Personal skills and" / "competences"
                title = f"{before.text.strip()} {title}"
            sections.append(Section(kind, title, style=style))
        elif (
            distinctive
            and len(sections) > 1
            and _looks_like_heading(line, styles)
            and not (sections[-1].kind in (EXPERIENCE, EDUCATION) and _opens_entry(lines, index))
            and not (sections[-1].kind == SKILLS and _acronym_skill(line.text))
        ):
            sections.append(Section(OTHER, line.text.strip(), style=style))
        else:
            sections[-1].lines.append(line)
    return sections


_DANGLING = re.compile(r"(?:\b(?:and|of|&)|[,/&])$", re.IGNORECASE)


def _wrapped_heading_start(before: Line, heading: Line) -> bool:
    """Whether ``before`` is the first line of a heading wrapped in a narrow column: set
    like the heading, which goes on it without a paragraph break, and ending on a word
    that cannot end one ("Personal skills and" over "competences")."""
    return (
        not heading.new_block
        and line_style(before) == line_style(heading)
        and bool(_DANGLING.search(before.text.strip()))
        and len(before.text.split()) <= 5
        and "\t" not in before.text
    )


def _opens_entry(lines: list[Line], index: int) -> bool:
    """An employer or school set like the headings ("Paperplane Agency" in the headings'
    bold): a date range follows within a few lines, as it does under every entry; or a
    title or "Highlights" label set so just after an entry's dated line."""
    return any(
        (found := find_range(line.text)) is not None and found.end is not None
        for line in [*lines[max(0, index - 2) : index], *lines[index + 1 : index + 4]]
    )


# Words of two to four capitals ("US GAAP", "SAP EWM"): abbreviations, no section's name.
_ACRONYMS = re.compile(r"[A-Z][A-Z0-9&+#]{1,3}(?:\s+[A-Z][A-Z0-9&+#]{1,3})*")


def _acronym_skill(text: str) -> bool:
    """A skill in capitals one to a line ("SAP" under "SKILLS"), set like all-capital
    headings: a known skill or a few abbreviations is an item of the list, not a heading."""
    text = text.strip()
    return bool(_ACRONYMS.fullmatch(text)) or text.lower() in curated()


def _stands_alone(line: Line) -> bool:
    """An all-caps or colon-ended heading is a heading whatever its typography."""
    text = line.text.strip()
    letters = re.sub(r"[^A-Za-z]", "", text)
    return text.endswith(":") or (letters.isupper() and len(letters) > 3)


def _body_style(lines: list[Line]) -> tuple | None:
    counts: dict[tuple, int] = {}
    for line in lines:
        if len(line.text.split()) >= 6:
            style = line_style(line)
            counts[style] = counts.get(style, 0) + len(line.text)
    return max(counts, key=counts.__getitem__) if counts else None
