"""Skills from skills-type sections: lists split into atomic items.

Category prefixes ("Languages:") are dropped, lists are split on commas, bullets, bars, tabs
and "and", and a long item that is really a sentence ("Proficient in Python and Java") is
replaced by the known skills it names, from the curated list in ``resources/skills.txt``.
"""

from __future__ import annotations

import functools
import re

from app.parsing.dates import MONTH, find_range
from app.resources import resources_dir

_SPLIT = re.compile(r"\s*(?:[,;•|·◦▪∙⋄♦●■\t✓✔◆◇❖⋅‧∘►▸▹➤➢]|\s//?\s)\s*")
# "Languages: Python, C++"; the label may carry a bracketed level or span of its own
# ("Languages (advanced): Go", "Tools(5 years) : Docker"), which is no part of any item.
_CATEGORY = re.compile(
    r"^\s*([A-Za-z][\w/&+.' -]{0,40}?)\s*(?:[(\[][^()\[\]:,]{1,30}[)\]])?\s*:\s*(?=\S)"
)
# "Design — Figma · Sketch": a short label, a spaced long dash, then a list.
_DASH_CATEGORY = re.compile(r"^\s*([A-Za-z][\w/&+.' ]{0,30}?)\s+[—–]\s+(?=\S.*[,·•|;])")
_BULLET = re.compile(r"^\s*(?:[•·◦▪∙‣●○■□◆◇►▸▶➢➤✓✔*>]|[-–—](?=\s))\s*")
_VERSIONISH = re.compile(r"(?i)^(?:v(?:ersions?)?\s*)?[\d.+x ]+$|^versions?\b")
_MAX_WORDS = 5
# A rating drawn beside a skill ("SQL ●●●○○", "Go ★★★★☆", "Excel ▰▰▰▱▱"): no item itself,
# it parts the skills of a row the way a tab does.
_RATING = re.compile(r"\s*[●○◉◯⬤◐◑★☆✦✧■□▰▱▮▯◼◻█░▓▒]{3,}\s*")
# How well a skill is known, printed after it: "Python — Expert", "SQL (Advanced)",
# "Excel: Intermediate", "Go - 3 years", "Java 4/5", "SQL (80%)". The level is no part of
# the skill's name.
_SCORE = r"(?:\d{1,2}(?:\.\d)?\s*/\s*(?:5|10)|\d{1,3}\s*%)"
# The words of a level; `without_level` looks at a skill's last word before the pattern.
_LEVEL_WORDS = (
    "expert",
    "advanced",
    "proficient",
    "intermediate",
    "upper[- ]intermediate",
    "beginner",
    "basic",
    "elementary",
    "novice",
    "familiar",
    "working knowledge",
    "good",
    "very good",
    "strong",
    "excellent",
    "fluent",
    "native",
    "conversational",
    "experienced",
    "competent",
    "skilled",
)
_LEVEL = rf"(?:{'|'.join(_LEVEL_WORDS)}|\d{{1,2}}\+?\s*(?:years?|yrs?)|{_SCORE})"
_LEVEL_CELL = re.compile(rf"(?i){_LEVEL}\.?")
_LEVEL_ENDS = frozenset(
    [*(re.split(r"[\s\]]", word)[-1] for word in _LEVEL_WORDS), "years", "year", "yrs", "yr"]
)
_SCORE_END = re.compile(rf"{_SCORE}[)\]]?$")
_LEVEL_SUFFIX = re.compile(
    rf"(?i)(?:(?:\s+[—–-]\s*|\s*:\s*|\s*[(\[])\s*{_LEVEL}[)\]]?|\s+{_SCORE})\s*$"
)
# A separator left at a row's end where the list wrapped ("Git / AWS /").
_LOOSE_SEPARATOR = re.compile(r"\s+[/|]$|^[/|]\s+")
# Spaced long dashes between items ("Python – Go – SQL").
_DASHES = re.compile(r" [–—] ")
# Contact details that a page footer or a sidebar puts after the list: never skills.
_CONTACT = re.compile(
    r"@[\w-]+\.|https?://|\bwww\.|\b[\w-]+\.(?:com|org|net|io|dev|me)/|"
    r"\+?\d[\d ().-]{7,}\d"
)
# The label of a row printed in its own column ("Languages  Python, Go"): broad group names.
_GROUP = re.compile(
    r"(?:languages|tools|frameworks|libraries|platforms|databases|technologies|systems|"
    r"practices|methods|methodologies|operations|skills|software|cloud|devops|testing|"
    r"technical|design|research|sales|marketing|finance|management|teaching|clinical|"
    r"analysis|analytics|engineering|business|communication|leadership|other|core|"
    r"professional|interpersonal|soft|hard|web|data|infrastructure|security|office|"
    r"certifications?|licen[cs]es|spoken languages|personal|creative|digital|product)"
)
# A heading that names a group of skills (not certificates or roles held).
GROUP_NAME = re.compile(rf"(?i)(?!certif|licen|leadership)(?:{_GROUP.pattern})(?:\s+skills)?")
_GROUP_PREFIX = re.compile(rf"^(?i:{_GROUP.pattern})\s+(?=[A-Z])")
_GROUP_LABEL = re.compile(rf"(?i)(?:{_GROUP.pattern})(?:\s+skills)?")
# Closing lines a template prints after the last section: no skills.
_BOILERPLATE = re.compile(r"(?i)^references?\s+(?:are\s+)?(?:available\s+)?(?:up)?on\s+request\.?$")


@functools.lru_cache(maxsize=1)
def curated() -> dict[str, str]:
    """Lower-case alias -> canonical name, from resources/skills.txt."""
    out: dict[str, str] = {}
    try:
        text = (resources_dir() / "skills.txt").read_text(encoding="utf-8")
    except (OSError, FileNotFoundError):
        return out
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        names = [n.strip() for n in line.split("|") if n.strip()]
        for name in names:
            out.setdefault(name.lower(), names[0])
    return out


@functools.lru_cache(maxsize=1)
def _curated_pattern() -> re.Pattern[str]:
    aliases = sorted(curated(), key=len, reverse=True)
    alternation = "|".join(re.escape(a) for a in aliases if len(a) > 1)
    return re.compile(rf"(?<![\w.+#/-])(?:{alternation})(?![\w+#/-])", re.IGNORECASE)


def known_skills(text: str) -> list[str]:
    """Curated skills named in free text, as printed."""
    found: list[str] = []
    for m in _curated_pattern().finditer(text):
        name = m.group(0)
        if len(name) <= 2 and not name.isupper():
            continue  # "go", "r" in prose are words, not languages
        if name.lower() not in (f.lower() for f in found):
            found.append(name)
    return found


def _join_wrapped(lines: list[str], fresh: set[int] | None = None) -> list[str]:
    """Rows of a PDF that wrap one comma list: "Google Cloud" / "Platform, Firebase".

    Rows in ``fresh`` had a group label of their own, so they start a new list."""
    width = max((len(line.strip()) for line in lines if "," in line), default=0)
    out: list[str] = []
    for index, line in enumerate(lines):
        text = line.strip()
        if (
            text
            and index not in (fresh or set())
            # A row wrapped only if the next word would not have fitted on it.
            and out
            and (
                out[-1].rstrip().endswith(",")
                or len(out[-1]) + 1 + len(text.split()[0]) > 0.9 * width
            )
            and out
            and "," in out[-1]
            and not _CATEGORY.match(text)
            and not _BULLET.match(text)
            and not out[-1].rstrip().endswith((".", ":"))
        ):
            out[-1] = f"{out[-1].rstrip()}{_continues(out[-1])}{text}"
        else:
            out.append(text)
    return out


def _continues(row: str) -> str:
    """How a wrapped row joins ``row``: a space, or a tab when ``row`` holds lists side by
    side and an earlier one ends open on a comma while the last is closed
    ("Operations: Route planning, <tab> Systems: Oracle WMS" over "Lean"): the wrap
    continues the open list, not the last item."""
    cells = row.rstrip().split("\t")
    if len(cells) > 1 and not cells[-1].endswith(",") and any(c.endswith(",") for c in cells):
        return "\t"
    return " "


_ITEM_END = re.compile(r"[,;•|·◦▪\t:]\s*$")


def _join_lower_tails(rows: list[str]) -> list[str]:
    """A row that opens in lower case ("management") after a row whose last item opens in
    upper case ("Pipeline", "Classroom") is that item's wrapped tail: a narrow column or
    chip broke "Pipeline management" over two rows. A known skill written in lower case
    ("npm") is an item of its own, and so is any row of a list written all in lower case."""
    out: list[str] = []
    for row in rows:
        text = row.strip()
        last = _SPLIT.split(out[-1].strip())[-1] if out else ""
        first = _SPLIT.split(text)[0] if text else ""
        if (
            first[:1].islower()
            and last[:1].isupper()
            and not _ITEM_END.search(out[-1])
            and first.lower() not in curated()
        ):
            out[-1] = f"{out[-1].rstrip()} {text}"
        else:
            out.append(row)
    return out


_DATE_ITEM = re.compile(
    rf"(?:{MONTH}\s+\d{{1,2}}|\d{{1,2}}\.?\s+{MONTH}|(?:19|20)\d{{2}})", re.IGNORECASE
)


def parse_skills(lines: list[str], wrapped: bool = False) -> list[str]:
    """Atomic skill items of a skills section, in order, without duplicates."""
    lines = _without_contact_blocks(lines)
    fresh: set[int] = set()
    groups = [i for i, row in enumerate(lines) if _GROUP_PREFIX.match(row.strip())]
    if len(groups) < 2:  # a lone row: its label goes when what follows is a known skill
        groups = [i for i in groups if _labelled_known(lines[i])]
    if groups:  # rows start with their group's name: a label column
        fresh = set(groups)
        lines = [_GROUP_PREFIX.sub("", r.strip()) if i in fresh else r for i, r in enumerate(lines)]
    rows = _join_lower_tails(_join_wrapped(lines, fresh)) if wrapped else list(lines)
    rows = [
        row
        for row in rows
        if row.strip() and not _CONTACT.search(row) and not _BOILERPLATE.match(row.strip())
    ]
    items: list[str] = []
    for row in rows:
        for cell in _labelled_cells(row):
            items.extend(_row_items(cell))
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        key = item.lower()
        if _DATE_ITEM.fullmatch(item.strip()) or _date_range(item):
            continue  # a printed date ("December 5, 2026") from a page header or footer
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _labelled_cells(row: str) -> list[str]:
    """Two labelled lists read into one row ("Systems: Oracle WMS <tab> Operations: Lean",
    lists set side by side in newspaper columns): each cell is a row of its own, so each
    label goes. A row with one label (or none) stays whole."""
    cells = row.split("\t")
    labelled = [i for i, cell in enumerate(cells) if _label(cell)]
    if len(labelled) < 2:
        return [row]
    starts = [0, *(i for i in labelled if i)]
    return ["\t".join(cells[a:b]) for a, b in zip(starts, [*starts[1:], len(cells)], strict=True)]


def _label(cell: str) -> bool:
    m = _CATEGORY.match(cell)
    return m is not None and len(m.group(1).split()) <= 4


def _date_range(item: str) -> bool:
    """An item that is a dated span and nothing else ("Jun 2022 - Present", "Feb 2023"):
    an entry's dates that a column beside the list was read into, never a skill."""
    found = find_range(item)
    return (
        found is not None
        and any(ch.isdigit() for ch in item)
        and found.span[1] - found.span[0] >= len(item.strip()) - 2
    )


def _labelled_known(row: str) -> bool:
    """ "Languages Python": the words after the label are a curated skill, the row is not.
    The first item ends at any list separator ("Languages Python · Go")."""
    first = _SPLIT.split(row.strip())[0]
    rest = _GROUP_PREFIX.sub("", first)
    known = curated()
    return rest.lower() in known and first.lower() not in known


def _without_contact_blocks(lines: list[str]) -> list[str]:
    """Drop a paragraph ("" separates them) that holds an email, a link or a phone: it is
    the page's contact footer, and its place name is no skill either."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if not line.strip():
            blocks.append([])
        else:
            blocks[-1].append(line)
    kept = [b for b in blocks if b and not any(_CONTACT.search(line) for line in b)]
    out: list[str] = []
    for block in kept:
        if out:
            out.append("")
        out.extend(block)
    return out


def without_level(text: str) -> str:
    """A skill without the level printed after it ("Python — Expert" -> "Python")."""
    words = text.rsplit(None, 1)
    if not words or (
        words[-1].strip("()[].").lower() not in _LEVEL_ENDS
        and not (text[-1] in "05%)]" and _SCORE_END.search(text))
    ):
        return text  # the common case, told without the pattern
    return _LEVEL_SUFFIX.sub("", text)


# The header row of a skills table ("Skill <tab> Proficiency <tab> Experience").
_COLUMN_NAME = re.compile(
    r"(?i)(?:skills?|technolog(?:y|ies)|tools?|category|competenc(?:y|ies)|proficiency|"
    r"level|rating|experience|years(?: of experience)?|expertise)"
)


def _table_cells(text: str) -> str:
    """A row of a skills table without its level and years cells ("Python <tab> Expert
    <tab> 5 years" -> "Python"); nothing for the table's header row."""
    cells = text.split("\t")
    if all(_COLUMN_NAME.fullmatch(cell.strip()) for cell in cells):
        return ""
    kept = [cell for cell in cells if not _LEVEL_CELL.fullmatch(cell.strip())]
    return "\t".join(kept) if kept else text


def _row_items(row: str) -> list[str]:
    text = _BULLET.sub("", row.strip())
    if _RATING.search(text):
        text = _RATING.sub("\t", text).strip()
    if text.count(" – ") + text.count(" — ") >= 2 and not _SPLIT.search(text):
        text = _DASHES.sub("\t", text)  # "Python – Go – SQL": dashes part the items
    if "\t" in text:
        text = _table_cells(text)
    # "Languages: Python, C++" or "Languages <tab> Python, C++": drop the category.
    m = _CATEGORY.match(text) or _DASH_CATEGORY.match(text)
    if m and _LEVEL_CELL.fullmatch(text[m.end() :].strip()):
        text = m.group(1)  # "Python: Expert": a skill and its level, no category
    elif m and len(m.group(1).split()) <= 4:
        text = text[m.end() :]
    else:
        head, sep, rest = text.partition("\t")
        listed = "," in rest or (_GROUP_LABEL.fullmatch(head.strip()) and _SPLIT.search(rest))
        if sep and listed and "," not in head and len(head.split()) <= 3:
            text = rest  # "Practices <tab> Code review / TDD": a label column
    text = text.strip()
    if not text:
        return []
    out: list[str] = []
    for raw in _split_outside_parens(text):
        out.extend(_item(raw))
    return out


# A character that can change the bracket depth or start a _SPLIT match (which starts with
# whitespace or a separator); the ones between are copied as a slice, not one at a time.
_SPLIT_CANDIDATE = re.compile(r"[\s()\[\],;•|·◦▪∙⋄♦●■✓✔◆◇❖⋅‧∘►▸▹➤➢]")


def _split_outside_parens(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    i = 0
    candidate = _SPLIT_CANDIDATE.search
    while i < len(text):
        found = candidate(text, i)
        if found is None:
            current.append(text[i:])
            break
        j = found.start()
        if j > i:
            current.append(text[i:j])
            i = j
        ch = text[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if depth == 0:
            m = _SPLIT.match(text, i)
            if m and m.end() > i and (ch != " " or m.group(0).strip()):
                parts.append("".join(current))
                current = []
                i = m.end()
                continue
        current.append(ch)
        i += 1
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


# Compiled once: these run for every skill item.
_LEADING_AND = re.compile(r"(?i)^(?:and|or|&)\s+")
_TRAILING_ETC = re.compile(r"(?i),?\s*(?:etc\.?|and more|and others)$")
_BRACKETED = re.compile(r"\s*[(\[]([^)\]]*)[)\]]")
_KIND_NOUN = re.compile(r"(?i)\s+(?:databases|frameworks|libraries|languages|tools)$")
_LIST_COMMA = re.compile(r"\s*[,;]\s*")
_AND = re.compile(r"\s+(?:and|&)\s+")


def _item(raw: str) -> list[str]:
    text = without_level(raw.strip()).strip(".;:").strip()
    if "/" in text or "|" in text:
        text = _LOOSE_SEPARATOR.sub("", text)
    text = _LEADING_AND.sub("", text)
    text = _TRAILING_ETC.sub("", text).strip()
    if not text or text.lower() in ("etc", "and", "others"):
        return []
    out: list[str] = []
    inner = _BRACKETED.search(text)
    if inner:
        content = inner.group(1)
        head = (text[: inner.start()] + text[inner.end() :]).strip()
        if "," in content or ";" in content:
            # "SQL and NoSQL databases (MySQL, MongoDB)": the examples are the skills.
            head = _KIND_NOUN.sub("", head)
            out.extend(_and_split(head))
            for piece in _LIST_COMMA.split(content):
                out.extend(_and_split(piece.strip()))
            return [o for o in out if o]
        if _VERSIONISH.search(content.strip()) or len(content.split()) > 1:
            text = head  # "Angular (versions 2+)", "Node.js (MERN stack)"
    words = text.split()
    if len(words) > _MAX_WORDS:
        return known_skills(text)
    return _and_split(text)


def _and_split(text: str) -> list[str]:
    """ "Git and GitHub" -> two skills; "Research and Development" stays when one word is
    lower case on either side (a phrase rather than a pair)."""
    text = text.strip()
    if not text:
        return []
    parts = _AND.split(text)
    if len(parts) == 1:
        return [text]
    return [p.strip() for p in parts if p.strip()]
