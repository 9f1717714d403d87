"""Page layout: positioned words into reading-order lines, whichever library found the words.

A word is a dict with ``text``, ``x0``, ``x1``, ``top``, ``bottom`` (points, from the page's
top-left corner), ``size`` and ``fontname``. Words make rows by vertical overlap; a vertical
gutter splits two-column and sidebar pages (each column is read top to bottom), and wide gaps
inside a row become tabs so that "Title <tab> Dates" stays separable.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from app.parsing.dates import MONTH
from app.parsing.lines import Line, clean
from app.parsing.sections import EDUCATION, EXPERIENCE, SKILLS, heading_kind
from app.parsing.skills import GROUP_NAME

_ICON_FONT = re.compile(r"awesome|marvosym|academicons|wasy|dingbat|icons?\b|glyph", re.I)
_CID = re.compile(r"\(cid:\d+\)")
_ALNUM = re.compile(r"\w")
_PRIVATE_GLYPH = re.compile("[\ue000-\uf8ff]")
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold", re.I)
_LONE_ACCENTED = re.compile(r"(?<=[a-z]) ([^\W\d_a-zA-Z]) (?=[a-z])")
# A capital and the rest of its word set apart ("C ontact"): synthesised small capitals.
_SMALL_CAPS_GAP = re.compile(r"\b([A-Z]) (?=[a-z])")
_DATE_FRAGMENT = re.compile(
    r"\b(?:19|20)\d{2}\b|\b(?:present|current|now)\b|^\s*\d{1,2}/\d{2,4}"
    r"|^\s*\d+\s*(?:years?|yrs?|months?|mos?)\b",
    re.IGNORECASE,
)


@dataclass
class _Row:
    top: float
    bottom: float
    words: list[dict]


def _rows(words: Iterable[dict]) -> list[_Row]:
    """Words grouped into visual rows by vertical overlap."""
    rows: list[_Row] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        top, bottom = w["top"], w["bottom"]
        mid = (top + bottom) / 2
        for row in reversed(rows[-3:]):
            if row.top <= mid <= row.bottom and _same_line(row, w):
                row.words.append(w)
                if w["text"] != "|":  # an icon glyph, often taller, must not bridge two rows
                    # (comparisons rather than min()/max(): asked for every word)
                    if top < row.top:
                        row.top = top
                    if bottom > row.bottom:
                        row.bottom = bottom
                break
        else:
            rows.append(_Row(top, bottom, [w]))
    by_left = operator.itemgetter("x0")  # (no Python call per word, as a lambda makes)
    for row in rows:
        row.words.sort(key=by_left)
    rows.sort(key=lambda r: r.top)
    return rows


def _same_line(row: _Row, word: dict) -> bool:
    """Whether ``word`` continues ``row``: type of a like size, or set on the same baseline
    and near it. Small type far beside a large name (an address block two lines high,
    its last line on the name's baseline) is its own rows."""
    first = row.words[0]
    first_size, word_size = first.get("size", 0), word.get("size", 0)
    # (a comparison rather than max() and min(): asked for every word of a page)
    big, small = (word_size, first_size) if word_size > first_size else (first_size, word_size)
    if small <= 0 or big <= 2.2 * small:  # a heading-sized name is over twice the body
        return True
    if not (_ALNUM.search(first["text"]) and _ALNUM.search(word["text"])):
        return True  # bullets and icon glyphs come in any size
    if abs(first["bottom"] - word["bottom"]) > 0.25 * big:
        return False
    right = max(w["x1"] for w in row.words)
    return word["x0"] - right <= 1.5 * big


def _segments(row: _Row) -> list[tuple[float, float]]:
    """Runs of words separated by less than about two spaces."""
    segs: list[tuple[float, float]] = []
    start = end = 0.0  # the open run's extent, kept in locals: asked for every word
    for w in row.words:
        # (comparisons rather than max(): asked for every word of every row)
        gap = w.get("size", 10) * 0.9
        if gap < 6:
            gap = 6
        if segs and w["x0"] - end <= gap:
            if w["x1"] > end:
                end = w["x1"]
            segs[-1] = (start, end)
        else:
            start, end = w["x0"], w["x1"]
            segs.append((start, end))
    return segs


def _find_gutter(rows: list[_Row], width: float) -> float | None:
    """The x of a vertical gap that splits the page into two text columns, if any."""
    if len(rows) < 8:
        return None
    segs = [_segments(r) for r in rows]
    lo, hi = int(width * 0.2), int(width * 0.8)
    # How many rows have text over each x: +1 where a run of words starts, -1 past its end.
    steps = [0] * (hi - lo + 1)
    for row_segs in segs:
        for a, b in row_segs:
            start, end = max(lo, int(a)), min(hi, int(b) + 1)
            if start < end:
                steps[start - lo] += 1
                steps[end - lo] -= 1
    crossing = list(itertools.accumulate(steps[:-1]))
    limit = max(1, int(len(rows) * 0.1))
    gaps = _runs(crossing, limit, margin=True)
    if not gaps:
        return _column_start(rows, width)
    best = max(gaps, key=lambda g: g[1] - g[0])  # the first of the widest
    x = lo + (best[0] + best[1]) / 2
    # The widest gap may part the entries from their dates, set right-aligned short of a
    # sidebar (or hold the few dates that reach into it): the gutter is a clear gap past
    # the dates.
    clear = [(a + start, a + end) for a, b in gaps for start, end in _runs(crossing[a:b], 0)]
    for start, end in sorted({*gaps, *clear}):
        y = lo + (start + end) / 2
        if y > x and _date_strip(rows, x, y) and _columns(rows, segs, y):
            return y
    if _columns(rows, segs, x):
        return x
    return _column_start(rows, width)


def _runs(counts: list[int], limit: int, margin: bool = False) -> list[tuple[int, int]]:
    """Runs at least 8 points wide where at most ``limit`` rows have text. With
    ``margin``, a run to the right end of the band is the margin beside ragged lines (a
    left sidebar's main column ending short), not a gutter."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, c in enumerate([*counts, limit + 1]):
        if c <= limit and start is None:
            start = i
        elif c > limit and start is not None:
            if not (margin and i == len(counts) and start > 0) and i - start >= 8:
                runs.append((start, i))
            start = None
    return runs


def _columns(rows: list[_Row], segs: list[list[tuple[float, float]]], x: float) -> bool:
    """Whether ``x`` parts the page into two columns of a few rows each, two text flows."""
    left = [s for s in segs if any(b <= x for a, b in s)]
    right = [s for s in segs if any(a >= x for a, b in s)]
    return len(left) >= 4 and len(right) >= 4 and _two_flows(rows, x)


def _date_strip(rows: list[_Row], x: float, y: float) -> bool:
    """Whether the words between ``x`` and ``y`` are mostly dates on the rows of entries
    left of ``x``: a column of dates that belongs to the rows beside it."""
    frags = [
        " ".join(w["text"] for w in row.words if w["x0"] >= x and w["x1"] <= y)
        for row in rows
        if any(w["x0"] >= x and w["x1"] <= y for w in row.words)
        and any(w["x1"] <= x for w in row.words)
    ]
    datey = sum(1 for f in frags if _DATE_FRAGMENT.search(f) and len(f.split()) <= 6)
    return datey >= 2 and datey >= 0.6 * len(frags)


def _column_start(rows: list[_Row], width: float) -> float | None:
    """The gutter where no blank band shows it: a sidebar's long item (an e-mail) or the
    name and headline set across the top bridge the gap. The main column then shows as a
    left edge shared by many rows, with the sidebar's words ending before it in most of
    the others and hardly any word across it."""
    lo, hi = width * 0.2, width * 0.8
    edges = Counter(
        round(w["x0"] / 2) * 2
        for row in rows
        for k, w in enumerate(row.words)
        if lo <= w["x0"] <= hi and (k == 0 or w["x0"] - row.words[k - 1]["x1"] > w.get("size", 10))
    )
    for edge, count in edges.most_common(3):
        if count < max(6, 0.3 * len(rows)):
            break
        x = edge - 1.5
        # A name and headline across the top, above the columns, are a band of their own.
        first = next(
            i for i, row in enumerate(rows) if any(abs(w["x0"] - edge) <= 2 for w in row.words)
        )
        across = sum(1 for row in rows[first:] if any(w["x0"] < x < w["x1"] - 1 for w in row.words))
        beside = sum(1 for row in rows if any(w["x1"] <= x + 1.5 for w in row.words))
        if across <= max(2, 0.15 * len(rows)) and beside >= 4 and _two_flows(rows, x):
            return x
    return None


def _alongside(rows: list[_Row], x: float) -> bool:
    """Whether the text on each side of ``x`` runs alongside the other's: rows of each side
    lie within the rows of the other. A block centred above a left-aligned page (a name
    and contact lines) leaves a gap beside the text under it, but is read before it, not
    as a column beside it."""
    left: list[int] = []
    right: list[int] = []
    for index, row in enumerate(rows):
        if any(w["x1"] <= x for w in row.words):
            left.append(index)
        if any(w["x0"] >= x for w in row.words):
            right.append(index)
    if not left or not right:
        return False
    beside_left = sum(1 for i in right if left[0] <= i <= left[-1])
    beside_right = sum(1 for i in left if right[0] <= i <= right[-1])
    return min(beside_left, beside_right) >= 2


def _two_flows(rows: list[_Row], x: float) -> bool:
    """Whether each side of ``x`` is a text flow of its own (a column or a sidebar)."""
    if not _alongside(rows, x):
        return False
    if (_flush_labels(rows, x, left=True) or _flush_labels(rows, x, left=False)) and not (
        _own_baselines(rows, x)
    ):
        return False  # a form's field names, or values tabbed to the right margin
    # A column of dates, places or short labels beside the text (moderncv, right-aligned
    # dates) belongs to each row; a sidebar has a text flow of its own.
    total = sum(len(w["text"]) for r in rows for w in r.words) or 1
    for pick, other in (
        (lambda w: w["x1"] <= x, lambda w: w["x0"] >= x),
        (lambda w: w["x0"] >= x, lambda w: w["x1"] <= x),
    ):
        sided = [r for r in rows if any(pick(w) for w in r.words)]
        frags = [
            (" ".join(w["text"] for w in r.words if pick(w)), any(other(w) for w in r.words))
            for r in sided
        ]
        datey = sum(1 for f, _ in frags if _DATE_FRAGMENT.search(f) and len(f.split()) <= 6)
        aligned = sum(1 for _, o in frags if o)
        chars = sum(len(f) for f, _ in frags)
        if datey >= 0.35 * len(frags):
            return False
        # (small capitals come as a capital and its tail: "C ontact")
        joined = [
            (
                _SMALL_CAPS_GAP.sub(r"\1", f),
                any(w["x0"] < x < w["x1"] for w in r.words),
            )
            for (f, _), r in zip(frags, sided, strict=True)
        ]
        # From the first heading on: a name and title above the sections are no margin.
        first = next((k for k, (f, _) in enumerate(joined) if heading_kind(f)), 0)
        marks = [bool(heading_kind(f) or _DATE_FRAGMENT.search(f)) for f, _ in joined[first:]]
        # A row with a word across x (a name, a footer, a row of chips) is no text of
        # either side: its words left of x count only when they label the other side.
        weighed = [
            label
            for label, (_, across) in zip(marks, joined[first:], strict=True)
            if label or not across
        ]
        labels = sum(weighed)
        if len(weighed) >= 4 and labels >= 0.8 * len(weighed):
            return False  # a margin of section headings and dates labels the other side
        if len(weighed) >= 3 and labels == len(weighed):
            return False  # as do three headings and nothing else (a short resume's margin)
        # Sections of its own: headings over content (a margin column holds headings only).
        heads = sum(1 for f, _ in frags if heading_kind(f))
        headed = 2 <= heads <= 0.4 * len(frags)
        if (
            aligned >= 0.8 * len(frags)
            and chars < 0.15 * total
            and not headed
            and not _own_baselines(rows, x)
        ):
            return False
    return True


def _flush_labels(rows: list[_Row], x: float, left: bool) -> bool:
    """Whether the text on one side of ``x`` is set flush right and ragged on the left: on
    the left, a column of labels against the gutter ("Telephone", "Occupation or position
    held", as a Europass CV sets its field names); on the right, places and dates pushed to
    the margin by a right tab stop. Either belongs to the rows beside it, no sidebar's
    text flow (a sidebar's lines start flush left). Tabbed values each have text on their
    row, where a sidebar set flush right has lines of its own; labels may not (the form's
    section headings stand in the label column)."""
    parts = [[w for w in row.words if (w["x1"] <= x if left else w["x0"] >= x)] for row in rows]
    beside = sum(
        1 for row, words in zip(rows, parts, strict=True) if words and len(words) < len(row.words)
    )
    parts = [words for words in parts if words]
    if len(parts) < 6 or (not left and beside < 0.75 * len(parts)):
        return False
    ends = Counter(round(max(w["x1"] for w in words)) for words in parts)
    starts = Counter(round(words[0]["x0"]) for words in parts)
    edge = ends.most_common(1)[0][0]
    flush = sum(n for end, n in ends.items() if abs(end - edge) <= 1.5)
    lead = starts.most_common(1)[0][1]
    return flush >= 0.8 * len(parts) and lead < 0.5 * len(parts)


def _columns_open(rows: list[_Row], gutter: float) -> int:
    """The row where both columns open with a section heading side by side ("Experience"
    beside "Skills"), or 0: the rows above it are the page's header band (a name beside a
    contact block), read across, not the top of the columns. A contact block longer than
    the name beside it would otherwise be read after the main column."""
    for index, row in enumerate(rows):
        left = " ".join(w["text"] for w in row.words if w["x1"] <= gutter)
        right = " ".join(w["text"] for w in row.words if w["x0"] >= gutter)
        if heading_kind(left) or heading_kind(right):
            return index if heading_kind(left) and heading_kind(right) else 0
    return 0


def _own_baselines(rows: list[_Row], x: float) -> bool:
    """Whether the two sides of the rows that hold both sit on baselines of their own: a
    sidebar keeps its own line pitch, while labels beside entries share their lines."""
    both = shifted = 0
    for row in rows:
        left = [w["bottom"] for w in row.words if w["x1"] <= x]
        right = [w["bottom"] for w in row.words if w["x0"] >= x]
        if left and right:
            both += 1
            shifted += abs(max(left) - max(right)) > 1.0
    return both >= 4 and shifted >= 0.6 * both


def page_lines(words: list[dict], width: float) -> list[Line]:
    """The lines of one page, columns read one after the other."""
    icon_fonts: dict[str, bool] = {}
    for w in words:
        # Icon fonts map glyphs to stray letters ("#", "§") in LaTeX output: a separator.
        font = w.get("fontname", "")
        icon = icon_fonts.get(font)
        if icon is None:
            icon = icon_fonts[font] = bool(_ICON_FONT.search(font))
        if icon:
            w["text"] = "|"
        elif "(cid:" in w["text"]:  # pdfminer's name for a glyph without Unicode
            w["text"] = "|" if _CID.fullmatch(w["text"]) else _CID.sub(" ", w["text"])
    words = [w for w in words if w["text"].strip()]
    if not words:
        return []
    rows = _rows(words)
    sizes = [w.get("size", 0) for w in words]
    sizes.sort()
    body = sizes[len(sizes) // 2]  # the median word's size: the body text
    gutter = _find_gutter(rows, width)
    space = _word_space(rows)
    if gutter is None:
        return _stream_lines(_beside_headings(rows), body_size=body, space=space)
    out: list[Line] = []
    left: list[_Row] = []
    right: list[_Row] = []
    # Where the right column's lines start: the commonest left edge right of the gutter.
    starts = Counter(
        round(min(w["x0"] for w in row.words if w["x0"] >= gutter))
        for row in rows
        if any(w["x0"] >= gutter for w in row.words)
    )
    column = starts.most_common(1)[0][0] if starts else gutter
    whole = [_whole_row(row, gutter, column) for row in rows]
    both = [
        not kind
        and any(w["x1"] <= gutter for w in row.words)
        and any(w["x0"] >= gutter for w in row.words)
        for row, kind in zip(rows, whole, strict=True)
    ]
    begun = both.index(True) if True in both else len(rows)
    for k in range(begun + 1, len(rows) - 1):
        if whole[k] == "gap" and not whole[k - 1] and not whole[k + 1]:
            # Only the space between two words lies over the gutter, among the columns'
            # own rows below their first row with text on both sides: the sidebar's and
            # the main column's words came close (a hyphenated e-mail ending at the gutter
            # beside the main column's first word).
            whole[k] = ""
    for k in range(_columns_open(rows, gutter)):
        whole[k] = "band"
    for row, kind in zip(rows, whole, strict=True):
        if kind:
            if left or right:
                out.extend(_stream_lines(_beside_headings(left), True, body, space))
                out.extend(_stream_lines(_beside_headings(right), True, body, space))
                left, right = [], []
            out.extend(_stream_lines([row], body_size=body, space=space))
            continue
        split = column - 1.5 if _overflows_to(row, gutter, column) else gutter
        lw = [w for w in row.words if w["x0"] < split]
        rw = [w for w in row.words if w["x0"] >= split]
        if lw:
            left.append(_Row(row.top, row.bottom, lw))
        if rw:
            right.append(_Row(row.top, row.bottom, rw))
    out.extend(_stream_lines(_beside_headings(left), True, body, space))
    out.extend(_stream_lines(_beside_headings(right), True, body, space))
    return out


def _word_space(rows: list[_Row]) -> float:
    """The page's word space in ems: the median gap between two words of one size on a
    row, among gaps of a fifth to under half an em (an ordinary word space; wider ones are
    stretched lines, tags or columns, which may be most of a page of skills)."""
    gaps = sorted(
        gap / size
        for row in rows
        for a, b in itertools.pairwise(row.words)
        if (size := a.get("size") or 0)
        and b.get("size") == size
        and 0.2 * size <= (gap := b["x0"] - a["x1"]) < 0.45 * size
    )
    return gaps[len(gaps) // 2] if gaps else 0.0


def _beside_headings(rows: list[_Row]) -> list[_Row]:
    """Two sections set side by side under a page-wide part (a grid: "Education" beside
    "Skills" below the work history), or two skill groups side by side ("Teaching" beside
    "Tools"): each heading's column is read under it, the left one first, down to a row
    with a word across the columns' boundary or the next heading in their type (under
    skill groups, any section's name)."""
    out: list[_Row] = []
    index = 0
    while index < len(rows):
        row = rows[index]
        best: tuple[float, list[_Row], list[_Row], int] | None = None
        splits = _heading_pair(row)  # two places to part at only under skill groups
        for split in splits:
            left, right, end = _columns_below(rows, index, split, len(splits) > 1)
            if left and right and (best is None or end > best[3]):
                best = (split, left, right, end)
        if best is None:
            out.append(row)
            index += 1
            continue
        split, left, right, end = best
        head_left = _Row(row.top, row.bottom, [w for w in row.words if w["x1"] <= split])
        head_right = _Row(row.top, row.bottom, [w for w in row.words if w["x0"] >= split])
        out.extend([head_left, *left, head_right, *right])
        index = end
    return out


def _columns_below(
    rows: list[_Row], index: int, split: float, groups: bool
) -> tuple[list[_Row], list[_Row], int]:
    """The rows under the headings at ``index`` parted at ``split``, and where they end;
    ``groups`` when the headings are skill groups' names."""
    size = min(w.get("size", 0) for w in rows[index].words)
    left: list[_Row] = []
    right: list[_Row] = []
    end = index + 1
    while end < len(rows):
        words = rows[end].words
        if any(w["x0"] < split < w["x1"] for w in words):
            break
        lead = " ".join(w["text"] for w in words if w["x1"] <= split)
        if heading_kind(lead) and (
            max(w.get("size", 0) for w in words) >= size - 0.5
            # under skill groups, any section's name that is no group's (its heading may
            # be set smaller than the group names)
            or (groups and not GROUP_NAME.fullmatch(lead))
        ):
            break
        part = _Row(rows[end].top, rows[end].bottom, [w for w in words if w["x1"] <= split])
        if part.words:
            left.append(part)
        part = _Row(rows[end].top, rows[end].bottom, [w for w in words if w["x0"] >= split])
        if part.words:
            right.append(part)
        end += 1
    return left, right, end


def _heading_pair(row: _Row) -> list[float]:
    """Where the columns under two side-by-side headings may part: half an em before the
    second (a bold word under it may start a little left of it), and for skill groups,
    whose items may be set flush right, half an em past the first. Two section headings
    must be of different kinds, one of education or work; two skill groups side by side
    are skills whichever way they are read unless their items run together."""
    words = row.words
    if not 2 <= len(words) <= 8 or not any(
        b["x0"] - a["x1"] > 1.5 * (a.get("size") or 10) for a, b in itertools.pairwise(words)
    ):
        return []
    segs = _segments(row)
    if len(segs) != 2:
        return []
    em = row.words[-1].get("size") or 10
    x = segs[1][0] - 0.5 * em
    texts = (
        " ".join(w["text"] for w in row.words if w["x1"] <= x),
        " ".join(w["text"] for w in row.words if w["x0"] >= x),
    )
    if all(GROUP_NAME.fullmatch(t) for t in texts):
        return [x, segs[0][1] + 0.5 * em]
    kinds = {heading_kind(t) for t in texts}
    if None in kinds or len(kinds) != 2 or not {EXPERIENCE, EDUCATION} & kinds:
        return []
    return [x]


def _whole_row(row: _Row, gutter: float, column: float) -> str:
    """How a row lies over the gutter: "" when it parts there (nothing over the gutter, or
    a sidebar word running up to the main column), "word" when a word spans it, "gap" when
    only a space between words close on either side does."""
    if _overflows_to(row, gutter, column):
        return ""
    if max(w["x1"] for w in row.words) < column - 1.5 and row.words[0]["x0"] < gutter:
        return ""  # a long sidebar item past the gutter's middle, short of the main column
    if any(w["x0"] < gutter < w["x1"] for w in row.words):
        return "word"
    return "gap" if any(a < gutter < b for a, b in _segments(row)) else ""


def _overflows_to(row: _Row, gutter: float, column: float) -> bool:
    """Whether the left column's last word runs over the gutter up to the right column's
    start (a long e-mail cannot wrap), while others begin on that start: the row parts
    there. A name set large across both columns has no word over the gutter, only the
    space between; a sentence across the page goes on past the word over the gutter."""
    before = [w for w in row.words if w["x0"] < column - 1.5]
    after = [w for w in row.words if w["x0"] >= column - 1.5]
    if not before or not after:
        return False
    last = max(before, key=lambda w: w["x1"])
    # Ending on the column's start, or overlapping its first word (drawn over each other).
    reaches = last["x1"] <= column + 1.5 or min(w["x0"] for w in after) < last["x1"] - 1
    return last["x0"] < gutter < last["x1"] and reaches


# Sections that open beside their first entry or list in a margin layout. A contact or
# summary label beside its text ("Contact  Email  Phone") is the header's to read.
_ENTRY_SECTIONS = frozenset({EXPERIENCE, EDUCATION, SKILLS})


def _margin_heading(row: _Row, body_size: float) -> list[_Row]:
    """A heading set in the margin beside the first entry ("Work" left of "UX Designer") as
    its own row: the leading words are heading-sized (well above the page's body text),
    larger than the rest of the row, and stand apart from it. A section's name needs only
    to be larger than the rest: the entry's first row may itself be set above the body."""
    words = row.words
    head_size = 0.0
    for k in range(1, min(4, len(words))):
        # The head's least size kept as it grows, and the gap checked before the row is
        # sliced or the rest's size read: most rows end here, and rows are long.
        size = words[k - 1].get("size", 0)
        if k == 1 or size < head_size:
            head_size = size
        if words[k]["x0"] - words[k - 1]["x1"] <= head_size:
            continue
        head, rest = words[:k], words[k:]
        rest_size = max(w.get("size", 0) for w in rest)
        if not rest_size:
            continue
        named = heading_kind(" ".join(w["text"] for w in head)) in _ENTRY_SECTIONS
        if head_size < max(1.2 * rest_size, 1.5 * body_size) and not (
            named and head_size >= 1.15 * rest_size
        ):
            continue
        rest_text = " ".join(w["text"] for w in rest)
        if not named and _DATE_FRAGMENT.search(rest_text) and len(rest) <= 6:
            continue  # "Company <tab> 04/2022 - 12/2022": dates set smaller stay on the row
        return [_Row(row.top, row.bottom, head), _Row(row.top, row.bottom, rest)]
    return [row]


def _stream_lines(
    rows: list[_Row], first_block: bool = False, body_size: float = 0.0, space: float = 0.0
) -> list[Line]:
    out: list[Line] = []
    prev: _Row | None = None
    if body_size:
        rows = [part for row in rows for part in _margin_heading(row, body_size)]
    for row in rows:
        text = _row_text(row, space)
        if not text:
            continue
        # The row's largest size and its bold words in one loop: asked for every row.
        size = 0.0
        bold_words = 0
        for k, w in enumerate(row.words):
            word_size = w.get("size", 0)
            if not k or word_size > size:
                size = word_size
            if _bold_font(w.get("fontname", "")):
                bold_words += 1
        gap_block = prev is not None and row.top - prev.bottom > max(size * 0.75, 5)
        out.append(
            Line(
                text,
                size=round(float(size), 1),
                bold=bold_words >= 0.8 * len(row.words),
                new_block=(prev is None and first_block) or gap_block,
            )
        )
        prev = row
    return out


@functools.lru_cache(maxsize=256)
def _bold_font(name: str) -> bool:
    """Whether a font's name says bold; asked once per font, not once per word."""
    return bool(_BOLD_FONT.search(name))


def _small_caps_tail(capital: dict, word: dict, gap: float) -> bool:
    """Synthesised small capitals: a full-size capital, then the rest of its word set
    smaller and drawn as a separate run ("C" + "ontact"), close enough to be one word.
    Word processors draw the smaller letters as capitals ("E" + "XPERIENCE")."""
    tail = word["text"]
    return (
        len(capital["text"]) == 1
        and capital["text"].isupper()
        and (tail[:1].islower() or (tail[:1].isupper() and tail.isupper()))
        and word.get("size", 0) < capital.get("size", 0) * 0.9
        and gap < capital.get("size", 10) * 0.25
    )


def _bullet_glyph(words: list[dict]) -> bool:
    """An icon glyph opening a row, set apart from its text, is the row's bullet (a symbol
    font's bullet reads as an icon): kept, the rows of a list stay apart."""
    if len(words) < 2 or not _ALNUM.search(words[1]["text"]):
        return False
    first = words[0]["text"]
    if first != "|" and not _PRIVATE_GLYPH.fullmatch(first):
        return False
    return words[1]["x0"] - words[0]["x1"] > 0.4 * (words[1].get("size") or 10)


def _item_gap_factor(words: list[dict]) -> float:
    """How many ems a gap between two words must span to separate two items in this row.

    Tag clouds and inline keyword rows set items about an em apart with no separator
    ("Java  Go  Code review"), three or four word spaces, so an em splits them. Letter-spaced
    capitals ("W O R K") and justified prose (stretched spaces, with its commas and stops)
    keep the wide threshold; so does a lone gap of under an em between two words, which may
    be a loose word space.
    """
    # (single loops, no generators: asked for nearly every row)
    singles = 0
    for w in words:
        text = w["text"]
        if text[-1] in ",.;:":
            return 1.5
        if len(text) == 1 and text.isalnum():
            singles += 1
    if singles >= 3:
        return 1.5
    wide = 0
    close = False
    for a, b in itertools.pairwise(words):
        a_em, b_em = a.get("size", 10) or 10, b.get("size", 10) or 10
        e = (b["x0"] - a["x1"]) / (b_em if b_em < a_em else a_em)
        if e > 0.8:
            wide += 1
        elif e <= 0.4:
            close = True
    return 0.8 if wide >= 2 or close else 1.0


def _lone_wide_gap(words: list[dict]) -> float | None:
    """The least gap (points) that stands out in a row of evenly spaced words: a label set
    in a margin column before its list ("Operations  Inventory control, Lean"), where the
    list's commas keep the wide threshold of justified prose; or two columns of small
    type whose items meet about an em apart, under the 8-point floor. Justified lines
    stretch all their spaces alike, so the one gap twice the row's typical space or more,
    and over half an em, is no word space. None when the row has too few spaces to tell,
    or several such gaps (a stretched line beside unstretched dates)."""
    if len(words) < 4:
        return None
    short = _gap_short_of_column(words)
    if short is not None:
        return short
    gaps = sorted(b["x0"] - a["x1"] for a, b in itertools.pairwise(words))
    least = max(2 * gaps[len(gaps) // 2], 0.6 * (words[0].get("size") or 10), 4.0)
    if gaps[-2] < least <= gaps[-1]:
        return least
    # Two labelled lists side by side ("Systems: Oracle WMS, SAP EWM   Operations: Lean"):
    # the space after each label's colon is wider than a word space too, but the gutter
    # between the lists is an em or more and twice any other gap.
    if gaps[-1] >= max(2 * gaps[-2], words[0].get("size") or 10):
        return gaps[-1]
    return None


def _gap_short_of_column(words: list[dict]) -> float | None:
    """The lone wide gap among a row's word spaces when the row also has a column's gap
    (over three ems, a tab stop's stretch): left in, that gap would hide the short one an
    item leaves when it nearly fills its column ("Medication administration" 0.7 em
    before "Triage"). None when the row has no such gap or no lone one among the rest."""
    size = words[0].get("size") or 10
    gaps = sorted(b["x0"] - a["x1"] for a, b in itertools.pairwise(words))
    spaces = [gap for gap in gaps if gap <= 3 * size]
    if len(spaces) == len(gaps) or len(spaces) < 3:
        return None
    least = max(2 * spaces[len(spaces) // 2], 0.6 * size, 4.0)
    return least if spaces[-2] < least <= spaces[-1] else None


# A word of a date ("Jan 2023", "2008 to 2009"): dates are no tags, and their spacing may
# be looser than the text beside them.
_DATE_WORD = re.compile(rf"(?i)(?:{MONTH})\.?|(?:19|20)\d{{2}}|present|current|now")


def _no_tags(words: list[dict]) -> bool:
    """Rows never read as tags: any with a date's words, and tracked capitals (a heading
    whose words, in capitals and longer than an acronym, are spaced wide)."""
    if any(_DATE_WORD.fullmatch(w["text"]) for w in words):
        return True
    return sum(1 for w in words if len(w["text"]) > 5 and w["text"].isupper()) >= 2


def _tag_gap(words: list[dict]) -> float | None:
    """The least gap that parts the tags of a row set with two spacings: word spaces
    inside a tag and a wider gap, often under an em, between tags ("TDD  Code review
    CI/CD", pills whose padding is the only separator). Prose has one spacing (justified
    lines stretch every space alike) and its commas and stops; letter-spaced capitals are
    single letters. None unless the gaps fall into two kinds: word spaces of about a
    third of an em, and gaps of half an em or more and at least 1.8 times as wide."""
    if len(words) < 3 or any(w["text"][-1] in ",.;:" for w in words) or _no_tags(words):
        return None
    if sum(1 for w in words if len(w["text"]) == 1) >= 2:
        return None
    em = min(w.get("size") or 10 for w in words)
    gaps = sorted(b["x0"] - a["x1"] for a, b in itertools.pairwise(words))
    if gaps[0] < 0.15 * em:
        return None  # glyphs run together: no word spaces to measure against
    for small, large in itertools.pairwise(gaps):
        if small <= 0.45 * em and large >= max(1.8 * small, 0.5 * em):
            return large
    return None


def _even_tag_gap(words: list[dict], space: float) -> float | None:
    """The gap between single-word tags set evenly apart ("Terraform  AWS  Docker"), with
    no word space in the row to compare against: each gap is over half an em and at least
    twice the page's word space, and they are alike. A justified line stretches its spaces
    alike too, but it is a wrapped line of prose, so this asks for a short row (at most
    six words) without stops or commas."""
    if not space or not 3 <= len(words) <= 6 or any(w["text"][-1] in ",.;:" for w in words):
        return None
    if any(len(w["text"]) == 1 for w in words) or _no_tags(words):
        return None
    em = min(w.get("size") or 10 for w in words)
    gaps = [b["x0"] - a["x1"] for a, b in itertools.pairwise(words)]
    least = min(gaps)
    if least < max(0.5 * em, 2 * space * em) or max(gaps) > 1.25 * least:
        return None
    return least


def _row_text(row: _Row, space: float = 0.0) -> str:
    """A row's words joined by spaces, and by tabs where a gap parts two items; ``space``
    is the page's word space in ems (0 when unknown)."""
    parts: list[str] = []
    prev = None
    # Each word's item test and type size, carried over to the next gap: asked once each.
    prev_item, prev_em = False, 10.0
    wide = -1.0  # worked out at the first gap between two items (one-word rows have none)
    lone: float | None = -1.0  # worked out at the first gap that could be a lone one
    tags: float | None = -1.0  # likewise the gap between tags
    for w in row.words:
        text = w["text"]
        # Whether it can open or close a list item: not a dash, glyph or lone letter.
        item = len(text) >= 2 and text[0].isalnum()
        word_em = w.get("size", 10) or 10
        if prev is None:
            if _bullet_glyph(row.words):
                text = "•"
        else:
            gap = w["x0"] - prev["x1"]
            # (a one-letter word first: only a lone capital can start a small-caps word)
            if len(prev["text"]) == 1 and _small_caps_tail(prev, w, gap):
                parts.append(text)
                prev, prev_item, prev_em = w, item, word_em
                continue
            # Wide for the smaller of the two types: a sidebar's small e-mail beside a
            # large heading is two items.
            # (comparisons rather than min() and max(): two calls saved at every gap)
            em = prev_em if prev_em < word_em else word_em
            items = prev_item and item
            if items and wide == -1.0:
                wide = _item_gap_factor(row.words)
            ems = wide if items else 1.5
            least, floor = em * ems, 8 if ems < 1.5 else 12
            tab = gap > (floor if floor > least else least)
            if not tab and items and gap >= 0.5 * em and prev["text"][-1].isalnum():
                if lone == -1.0:
                    lone = _lone_wide_gap(row.words)
                tab = lone is not None and gap >= lone
                if not tab:
                    if tags == -1.0:
                        tags = _tag_gap(row.words) or _even_tag_gap(row.words, space)
                    tab = tags is not None and gap >= tags
            parts.append("\t" if tab else " ")
        parts.append(text)
        prev, prev_item, prev_em = w, item, word_em
    text = "".join(parts)
    if not text.isascii():
        # An accented letter drawn as its own glyph run ("Bo ğ aziçi") belongs to its word.
        text = _LONE_ACCENTED.sub(r"\1", text)
    return clean(text)
