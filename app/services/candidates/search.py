"""Candidate search: what a recruiter types, turned into an FTS5 query over whole candidates.

The grammar: words (matched as prefixes), "quoted phrases", AND / OR / NOT (upper case;
words side by side must all match), parentheses, ``-word`` for NOT, and field terms such as
``skill:python``, ``city:austin``, ``title:"data engineer"`` or ``tag:(relocating OR
remote)``. Nothing typed can make a search fail: a query the grammar cannot read is searched
as plain words (with a warning), and one even that cannot run finds nothing (with a warning).

Ranking: candidates whose *name* has every word come first (newest first: type-ahead is
mostly someone looking for a person), then the rest by bm25 with name, title and skills
weighted above resume text and notes. Ranking every match of a two-letter prefix by bm25
would cost tens of milliseconds at 100,000 candidates; the name tier costs well under one.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnClause,
    TableClause,
    exists,
    func,
    literal_column,
    null,
    select,
    table,
    text,
)
from sqlalchemy import column as sql_column
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.services.core.context import ServiceContext
from app.services.core.names import person_name
from app.services.core.scope import require_all
from app.store.models import Candidate
from app.store.search import CANDIDATE_SEARCH_COLUMNS, CANDIDATE_SEARCH_SOURCE, NAME_SEARCH_TABLE

if TYPE_CHECKING:
    # Types only: the filters' module imports `pools`, which imports this one.
    from app.services.candidates.filters import CandidateFilters

# What users may write before a colon, and the index column each one searches.
FIELDS = {
    "name": "name",
    "headline": "headline",
    "title": "title",
    "employer": "title",
    "company": "title",
    "city": "city",
    "location": "city",
    "skill": "skills",
    "skills": "skills",
    "tag": "tags",
    "tags": "tags",
    "resume": "resume",
    "cv": "resume",
    "note": "notes",
    "notes": "notes",
}
# bm25 weights, in column order: who the person is and does outweighs what text mentions.
WEIGHTS = {
    "name": 10.0,
    "headline": 3.0,
    "title": 5.0,
    "city": 2.0,
    "skills": 5.0,
    "tags": 3.0,
    "resume": 1.0,
    "notes": 1.0,
}
_BM25 = "bm25(candidate_search, {})".format(
    ", ".join(str(WEIGHTS[column]) for column in CANDIDATE_SEARCH_COLUMNS)
)
OPERATORS = ("AND", "OR", "NOT")
_FIELD_TERM = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)


class QueryError(ValueError):
    """A query the grammar cannot read; the message says why, for the warning."""


@dataclass(frozen=True)
class Hit:
    candidate_id: int
    name: str
    current_title: str | None
    location: str | None
    # Higher is better (negated bm25); 0 for searches with only NOT terms; None for matches on
    # the name, which come first, newest first (bm25 of a short name prefix would have to
    # walk every indexed word sharing the prefix: milliseconds per page, for a number that
    # does not decide their order).
    score: float | None
    snippet: str  # the best-matching text, matches in [brackets]
    # Index columns the query matched ("name", "skills", …); for a hit found by its name
    # (score None), among the name, headline, title, city, skills and tags only.
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int | None  # every match, not just this page (at most COUNT_CAP when capped)
    expression: str  # the FTS5 query run ("" when nothing was searched)
    warning: str | None = None  # why the query was read differently, or found nothing
    capped: bool = False  # more than COUNT_CAP matches: counted and ranked among the newest


# --- reading the query -------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "word", "phrase", "op", "field", "neg"
    value: str = ""


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char))
            i += 1
        elif char == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QueryError("a quotation mark is not closed")
            tokens.append(_Token("phrase", query[i + 1 : end]))
            i = end + 1
        elif char == "-" and i + 1 < n and not query[i + 1].isspace():
            tokens.append(_Token("neg"))
            i += 1
        else:
            end = i
            while end < n and not query[end].isspace() and query[end] not in '()"':
                end += 1
            word = query[i:end]
            found = _FIELD_TERM.fullmatch(word)
            if found and found.group(1).lower() in FIELDS:
                tokens.append(_Token("field", FIELDS[found.group(1).lower()]))
                i += len(found.group(1)) + 1  # the term itself is read next
                if i >= n or query[i].isspace():
                    raise QueryError(f"{found.group(1)}: needs a word or a phrase after it")
                continue
            tokens.append(_Token("op", word) if word in OPERATORS else _Token("word", word))
            i = end
    return tokens


# The query as a tree: ("term", text, prefix) | ("field", column, node) | ("and", [nodes])
# | ("or", [nodes]) | ("not", node). Terms without a letter or digit are dropped (None).
Node = tuple


class _Parser:
    """Recursive descent: OR binds loosest, then AND (explicit or implied), then NOT/-."""

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.at = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def parse(self) -> Node | None:
        if not self.tokens:
            return None
        node = self.or_expr()
        if self.peek() is not None:
            raise QueryError("a closing parenthesis has no opening one")
        return node

    def or_expr(self) -> Node | None:
        parts = [self.and_expr()]
        while (token := self.peek()) is not None and token == _Token("op", "OR"):
            self.take()
            parts.append(self.and_expr())
        kept = [part for part in parts if part is not None]
        return kept[0] if len(kept) == 1 else ("or", kept) if kept else None

    def and_expr(self) -> Node | None:
        parts = [self.unary()]
        while (token := self.peek()) is not None and token.kind != ")":
            if token == _Token("op", "OR"):
                break
            if token == _Token("op", "AND"):
                self.take()
            parts.append(self.unary())
        kept = [part for part in parts if part is not None]
        return kept[0] if len(kept) == 1 else ("and", kept) if kept else None

    def unary(self) -> Node | None:
        token = self.peek()
        if token is None:
            raise QueryError("the query ends too soon")
        if token.kind == "neg" or token == _Token("op", "NOT"):
            self.take()
            inner = self.unary()
            return ("not", inner) if inner is not None else None
        return self.primary()

    def primary(self) -> Node | None:
        token = self.take()
        if token.kind == "(":
            if self.peek() is not None and self.peek().kind == ")":
                raise QueryError("empty parentheses")
            node = self.or_expr()
            if self.peek() is None or self.take().kind != ")":
                raise QueryError("a parenthesis is not closed")
            return node
        if token.kind == "field":
            following = self.peek()
            if following is None or following.kind not in ("word", "phrase", "("):
                raise QueryError("a field name needs a word or a phrase after it")
            inner = self.primary()
            return ("field", token.value, inner) if inner is not None else None
        if token.kind == "word":
            return _term(token.value, prefix=True)
        if token.kind == "phrase":
            return _term(token.value, prefix=False)
        if token.kind == ")":
            raise QueryError("a closing parenthesis has no opening one")
        raise QueryError(f"{token.value} needs a word on each side")


def _term(value: str, prefix: bool) -> Node | None:
    # The tokenizer would find no token in it, and an empty FTS5 phrase matches nothing.
    if not any(char.isalnum() for char in value):
        return None
    return ("term", value.replace('"', " "), prefix)


# --- writing the FTS5 expression ---------------------------------------------------------


def _fts(node: Node) -> str:
    kind = node[0]
    if kind == "term":
        return f'"{node[1]}"' + ("*" if node[2] else "")
    if kind == "field":
        inner = node[2]
        body = _fts(inner) if inner[0] == "term" else f"({_fts(inner)})"
        return f"{node[1]} : {body}"
    if kind == "or":
        if any(_only_negative(child) for child in node[1]):
            raise QueryError("NOT needs something to search for on the same side of OR")
        return " OR ".join(_group(child) for child in node[1])
    if kind == "and":
        positives = [child for child in node[1] if child[0] != "not"]
        negatives = [child[1] for child in node[1] if child[0] == "not"]
        if not positives:
            raise QueryError("NOT needs something to search for besides")
        expression = " AND ".join(_group(child) for child in positives)
        if negatives:
            expression = f"({expression})" if len(positives) > 1 else expression
            expression += "".join(f" NOT {_group(child)}" for child in negatives)
        return expression
    raise QueryError("NOT needs something to search for besides")


def _group(node: Node) -> str:
    return _fts(node) if node[0] in ("term", "field") else f"({_fts(node)})"


def _only_negative(node: Node) -> bool:
    return node[0] == "not" or (node[0] == "and" and all(c[0] == "not" for c in node[1]))


def _name_only(node: Node) -> Node | None:
    """The query restricted to names, when it is only words and phrases that must all occur
    (``ada lov``, ``name:jo``); None for anything else (fields, OR, NOT)."""
    parts = node[1] if node[0] == "and" else [node]
    terms = []
    for part in parts:
        if part[0] == "field" and part[1] == "name" and part[2][0] == "term":
            part = part[2]
        if part[0] != "term":
            return None
        terms.append(part)
    return ("field", "name", terms[0] if len(terms) == 1 else ("and", terms))


@dataclass(frozen=True)
class _Plan:
    expression: str  # FTS5 MATCH expression
    tree: Node | None = None  # what was read (for snippets)
    negated: bool = False  # find the candidates the expression does NOT match
    name_tier: str | None = None  # the expression restricted to names, ranked first
    warning: str | None = None


def _plain_words(query: str) -> Node | None:
    """Every bare word, quoted and required; operator words were meant as operators."""
    words = [
        _term(word, prefix=True)
        for word in re.sub(r'["()]', " ", query).split()
        if word not in OPERATORS
    ]
    kept = [word for word in words if word is not None]
    return None if not kept else kept[0] if len(kept) == 1 else ("and", kept)


def plan_query(query: str) -> _Plan | None:
    """Read ``query``; None for a blank one. Never raises: a query the grammar cannot read
    becomes its plain words, with a warning (and no expression if none are left)."""
    if not query.strip():
        return None
    try:
        tree = _Parser(_tokens(query)).parse()
        if tree is None:
            raise QueryError("no letters or digits to search for")
        if _only_negative(tree):
            inner = [tree[1]] if tree[0] == "not" else [child[1] for child in tree[1]]
            return _Plan(" OR ".join(_group(child) for child in inner), negated=True)
        name = _name_only(tree)
        return _Plan(_fts(tree), tree, name_tier=_fts(name) if name is not None else None)
    except QueryError as problem:
        return _plain_plan(query, str(problem))


def _plain_plan(query: str, problem: str) -> _Plan:
    words = _plain_words(query)
    if words is None:
        return _Plan("", warning=f"Nothing to search for: {problem}.")
    return _Plan(_fts(words), words, warning=f"Searched for the words only: {problem}.")


# --- describing a hit ---------------------------------------------------------------------
# Snippets and matched fields are made here from the stored index row: asking FTS5 for them
# would re-run the whole query once per hit (prefix terms load every matching doclist).

_TOKEN = re.compile(r"[^\W_]+")
SNIPPET_TOKENS = 12


@dataclass(frozen=True)
class _Term:
    tokens: tuple[str, ...]  # folded as the index folds them
    prefix: bool
    columns: frozenset[str] | None  # None: any column


@functools.lru_cache(maxsize=8192)
def _fold(word: str) -> str:
    """Lower case without diacritics, as ``unicode61 remove_diacritics 2`` indexes it."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _positive_terms(node: Node | None, columns: frozenset[str] | None = None) -> list[_Term]:
    if node is None or node[0] == "not":
        return []
    if node[0] == "term":
        tokens = tuple(_fold(token) for token in _TOKEN.findall(node[1]))
        return [_Term(tokens, node[2], columns)] if tokens else []
    if node[0] == "field":
        return _positive_terms(node[2], frozenset({node[1]}))
    return [term for child in node[1] for term in _positive_terms(child, columns)]


def _spans(words: tuple[str, ...], term: _Term) -> list[tuple[int, int]]:
    """Token index ranges of a text, split by `_folded_words`, where ``term`` occurs."""
    size = len(term.tokens)
    *whole, last = term.tokens
    if size == 1:  # the common case, kept to one comprehension
        if term.prefix:
            return [(i, i + 1) for i, word in enumerate(words) if word.startswith(last)]
        return [(i, i + 1) for i, word in enumerate(words) if word == last]
    found = []
    for start in range(len(words) - size + 1):
        window = words[start : start + size]
        if size > 1 and list(window[:-1]) != whole:
            continue
        if window[-1] == last or (term.prefix and window[-1].startswith(last)):
            found.append((start, start + size))
    return found


def _folded_words(text_value: str, ascii_words: bool = False) -> tuple[str, ...]:
    """The text's tokens folded as the index folds them. ``ascii_words``: `_ascii_words`
    holds for the text, whose tokens then fold as the whole text lower-cased splits (one
    pass over a resume instead of a call per word)."""
    if ascii_words:
        return tuple(_TOKEN.findall(text_value.lower()))
    return tuple(_fold(word) for word in _TOKEN.findall(text_value))


@functools.lru_cache(maxsize=1024)
def _pattern(tokens: tuple[str, ...], prefix: bool) -> re.Pattern[str]:
    """Where the term's tokens occur one after another as whole tokens (the last one as a
    prefix, when ``prefix``) in text folded as `_fold` folds it."""
    body = r"[\W_]+".join(re.escape(token) for token in tokens)
    return re.compile(r"(?<![^\W_])" + body + ("" if prefix else r"(?![^\W_])"))


# A letter or digit outside ASCII: text without one (resumes with only "·", "–" or "•" beyond
# ASCII) has only ASCII words, which fold as `str.lower` folds them.
_ASCII_BYTES = bytes(range(128))


def _ascii_words(value: str) -> bool:
    if value.isascii():
        return True
    # The characters beyond ASCII, by deleting ASCII bytes from the UTF-8 (a pass in C; a
    # regular expression over a whole resume costs several times more). A letter or digit
    # is a word character ([^\W_]) exactly when `str.isalnum` says so.
    beyond = value.encode("utf-8").translate(None, _ASCII_BYTES).decode("utf-8")
    return not any(char.isalnum() for char in set(beyond))


def _occurs(value: str, folded: str, term: _Term, ascii_words: bool | None = None) -> bool:
    """Whether ``term`` occurs in ``value``: one regex search over text whose words are
    ASCII (folded character by character), instead of splitting a whole resume into words.
    ``ascii_words``: `_ascii_words(value)`, if the caller has it already."""
    if ascii_words is None:
        ascii_words = _ascii_words(value)
    if ascii_words:
        if len(term.tokens) == 1:
            return _word_in(folded, term.tokens[0], term.prefix)
        return _pattern(term.tokens, term.prefix).search(folded) is not None
    return bool(_spans(_folded_words(value), term))


def _word_in(folded: str, word: str, prefix: bool) -> bool:
    """Whether ``word`` is a whole token of ``folded`` (its start, when ``prefix``): what
    `_pattern` finds for one token, by `str.find`, several times faster over a resume than
    the pattern's look-behind tried at every position."""
    at = folded.find(word)
    while at != -1:
        end = at + len(word)
        if (at == 0 or not folded[at - 1].isalnum()) and (
            prefix or end == len(folded) or not folded[end].isalnum()
        ):
            return True
        at = folded.find(word, at + 1)
    return False


def _describe(row: dict[str, str | None], terms: list[_Term]) -> tuple[str, tuple[str, ...]]:
    """(snippet with matches in [brackets], columns matched) for one index row.

    Every column is only tested for a match; the matches' places are worked out for the
    column the snippet is taken from alone.
    """
    best: tuple[int, float, str] | None = None
    matched: list[str] = []
    for column in CANDIDATE_SEARCH_COLUMNS:
        value = row.get(column) or ""
        if not value:
            continue
        distinct = 0
        # A cheap test first: most columns contain no term at all. Long ASCII text is folded
        # directly, not through `_fold`'s cache (which would hash and keep whole resumes).
        ascii_words = _ascii_words(value)
        folded = value.lower() if ascii_words else _fold(value)
        for term in terms:
            if term.columns is not None and column not in term.columns:
                continue
            if term.tokens[0] in folded and _occurs(value, folded, term, ascii_words):
                distinct += 1
        if distinct:
            matched.append(column)
            rank = (distinct, WEIGHTS[column], column)
            if best is None or rank[:2] > best[:2]:
                best = rank
    if best is None:
        return "", ()
    column = best[2]
    value = row[column] or ""
    words = _folded_words(value, _ascii_words(value))  # once for every term
    marks: set[int] = set()
    for term in terms:
        if term.columns is None or column in term.columns:
            for start, end in _spans(words, term):
                marks.update(range(start, end))
    return _snippet(value, marks), tuple(matched)


def _snippet(value: str, marked: set[int]) -> str:
    tokens = list(_TOKEN.finditer(value))
    first = min(marked)
    start = max(0, min(first - 2, len(tokens) - SNIPPET_TOKENS))
    end = min(len(tokens), start + SNIPPET_TOKENS)
    begin_at = tokens[start].start() if start else 0
    end_at = tokens[end - 1].end() if end < len(tokens) else len(value)
    pieces, cursor = [], begin_at
    for index in range(start, end):
        token = tokens[index]
        pieces.append(value[cursor : token.start()])
        word = token.group()
        pieces.append(f"[{word}]" if index in marked else word)
        cursor = token.end()
    pieces.append(value[cursor:end_at])
    text_value = "".join(pieces).replace("\n", " ").strip()
    return ("…" if start else "") + text_value + ("…" if end < len(tokens) else "")


# --- running it --------------------------------------------------------------------------


# Read from the index's content view, not through the index: only the columns asked for are
# derived (the index would derive every one for each row, resume text unpacked included).
_ROWS = (
    "SELECT v.id, c.first_name, c.middle_name, c.last_name, c.current_title, c.location, {}"
    f" FROM {CANDIDATE_SEARCH_SOURCE} v JOIN candidates c ON c.id = v.id WHERE v.id IN ({{}})"
)
# A hit found by its name has its snippet in the name (which holds every word); its other
# fields are told from the short columns alone, sparing a page of type-ahead the resumes' and
# notes' text (most of its time at 100,000 candidates).
_NAME_HIT_COLUMNS = ("name", "headline", "title", "city", "skills", "tags")


# Broad queries (a two-letter prefix, a word in every note) match tens of thousands of
# candidates at 100,000. Counting stops past this many, and relevance is then ranked among
# the most recently added this many: a fraction of the cost of scoring every match.
COUNT_CAP = 2000

_WORDS = "candidate_search_words"  # fts5vocab over the index: each word and its candidates

# The index as a table for Core statements: MATCH and bm25 are written as text, the rest
# (paging, and the Candidates filters when there are any) is ordinary SQL.
_INDEX = table("candidate_search", sql_column("rowid"))
_rowid = _INDEX.c.rowid
_SCORE: ColumnClause[Any] = literal_column(f"-{_BM25}")
# Names alone, with prefix indexes: the name tier's matches, the same as the whole index's
# ``name :`` matches (the same text and tokenizer), without merging the lists of every
# resume word that shares a short prefix.
_NAMES = table(NAME_SEARCH_TABLE, sql_column("rowid"))


def _where(expression: str, narrow: Any, index: TableClause = _INDEX) -> list[Any]:
    """The WHERE terms of a query over an index: the match, and the filters if any."""
    terms: list[Any] = [text(f"{index.name} MATCH :e").bindparams(e=expression)]
    return terms if narrow is None else [*terms, narrow]


def _narrowing(conditions: list[Any], index: TableClause = _INDEX) -> Any:
    """The filters as one condition on an index row: an EXISTS on the candidate's own row,
    run for each match only. (``rowid IN (filtered candidates)`` is far slower: SQLite then
    drives from that list and re-runs the MATCH for every id in it.)"""
    if not conditions:
        return None
    return exists(select(Candidate.id).where(Candidate.id == index.c.rowid, *conditions))


def _count(session: Session, expression: str, narrow: Any = None) -> int:
    """Matches, counted up to COUNT_CAP + 1 (more means "over the cap")."""
    found = (
        select(literal_column("1"))
        .select_from(_INDEX)
        .where(*_where(expression, narrow))
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    return session.execute(select(func.count()).select_from(found)).scalar_one()


def _count_and_floor(
    session: Session, expression: str, narrow: Any = None
) -> tuple[int, int | None]:
    """`_count` and, when over the cap, `_newest_floor` in one pass over the index: the
    newest COUNT_CAP + 1 matches, their number and the two lowest ids (the lowest is the
    one past the newest COUNT_CAP)."""
    newest = (
        select(_rowid.label("r"))
        .where(*_where(expression, narrow))
        .order_by(_rowid.desc())
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    lowest = session.execute(
        select(func.count().over(), newest.c.r).order_by(newest.c.r).limit(2)
    ).all()
    if not lowest:
        return 0, None
    total = lowest[0][0]
    return total, lowest[1][1] if total > COUNT_CAP else None


def _one_word_over_cap(session: Session, plan: _Plan) -> bool:
    """Whether a one-word search (``sa``, ``python``) is sure to match more than COUNT_CAP
    candidates: the word, or one word it begins, is in more than that many on its own.

    The index's word list says so at once, where counting would first merge the lists of
    every indexed word with the prefix (tens of milliseconds for ``sa`` over 100,000
    resumes: the index has no prefix indexes, docs/database-size.md). ASCII words only,
    which the index folds exactly as `str.lower` does.
    """
    tree = plan.tree
    if plan.negated or tree is None or tree[0] != "term":
        return False
    tokens = _TOKEN.findall(tree[1])
    if len(tokens) != 1 or not tokens[0].isascii():
        return False
    word = tokens[0].lower()
    if tree[2]:
        upper = word[:-1] + chr(ord(word[-1]) + 1)
        where, params = "term >= :w AND term < :u", {"w": word, "u": upper}
    else:
        where, params = "term = :w", {"w": word}
    found = session.execute(
        text(f"SELECT 1 FROM {_WORDS} WHERE {where} AND doc > :cap LIMIT 1"),
        {**params, "cap": COUNT_CAP},
    )
    return found.first() is not None


def _name_tier(
    session: Session, expression: str, limit: int, offset: int, conditions: list[Any]
) -> list[tuple[int, float | None]]:
    """A page of the candidates whose name matches, newest first (nothing is scored)."""
    rowid = _NAMES.c.rowid
    query = select(rowid, null()).where(*_where(expression, _narrowing(conditions, _NAMES), _NAMES))
    rows = session.execute(query.order_by(rowid.desc()).limit(limit).offset(offset))
    return [(row[0], row[1]) for row in rows]


def _count_names(session: Session, expression: str, conditions: list[Any]) -> int:
    narrow = _narrowing(conditions, _NAMES)
    query = select(func.count()).select_from(_NAMES).where(*_where(expression, narrow, _NAMES))
    return session.execute(query).scalar_one()


def _newest_floor(session: Session, expression: str, narrow: Any = None) -> int | None:
    """The lowest candidate id among the newest COUNT_CAP matches."""
    newest = (
        select(_rowid.label("r"))
        .where(*_where(expression, narrow))
        .order_by(_rowid.desc())
        .limit(COUNT_CAP)
        .subquery()
    )
    return session.execute(select(func.min(newest.c.r))).scalar_one()


def _ranked(
    session: Session,
    expression: str,
    by_score: bool,
    limit: int,
    offset: int,
    floor: int | None = None,
    narrow: Any = None,
) -> list[tuple[int, float | None]]:
    # Ordered by bm25, every match (from ``floor`` up) is scored once; in the index's own
    # order (rowid, the name tier) nothing is scored.
    score = _SCORE if by_score else null()
    query = select(_rowid, score).where(*_where(expression, narrow))
    if floor is not None:
        query = query.where(_rowid >= floor)
    order = (text("2 DESC"), _rowid) if by_score else (_rowid.desc(),)
    rows = session.execute(query.order_by(*order).limit(limit).offset(offset))
    return [(row[0], row[1]) for row in rows]


def _page(
    session: Session,
    plan: _Plan,
    terms: list[_Term],
    limit: int,
    offset: int,
    conditions: list[Any],
) -> tuple[list[Hit], int]:
    if plan.negated:
        return _negated_page(session, plan, limit, offset, conditions)
    narrow = _narrowing(conditions)
    newest_floor: int | None = None  # of the whole expression, when counted with it
    if narrow is None and _one_word_over_cap(session, plan):
        total = COUNT_CAP + 1
    elif plan.tree is not None and plan.tree[0] == "term":
        # One word: the name tier mostly fills the page, and a plain count is cheapest.
        total = _count(session, plan.expression, narrow)
    else:
        total, newest_floor = _count_and_floor(session, plan.expression, narrow)
    ranked: list[tuple[int, float | None]] = []
    named = 0
    if plan.name_tier is not None:
        ranked = _name_tier(session, plan.name_tier, limit, offset, conditions)
        if len(ranked) < limit:  # the name tier ends on this page (or before it)
            named = (
                offset + len(ranked)
                if ranked or not offset
                else _count_names(session, plan.name_tier, conditions)
            )
    if len(ranked) < limit and (total > named or total > COUNT_CAP):
        rest = f"({plan.expression}) NOT {plan.name_tier}" if named else plan.expression
        floor = None
        if total > COUNT_CAP:  # the rest's newest COUNT_CAP matches are ranked
            known = newest_floor is not None and rest == plan.expression
            floor = newest_floor if known else _newest_floor(session, rest, narrow)
        ranked += _ranked(
            session, rest, True, limit - len(ranked), max(0, offset - named), floor, narrow
        )
    if not ranked:
        return [], total
    by_name = [candidate_id for candidate_id, score in ranked if score is None]
    by_rank = [candidate_id for candidate_id, score in ranked if score is not None]
    rows = {
        **_rows(session, by_name, _NAME_HIT_COLUMNS),
        **_rows(session, by_rank, CANDIDATE_SEARCH_COLUMNS),
    }
    hits = []
    for candidate_id, score in ranked:
        row, columns = rows[candidate_id]
        snippet, matched = _describe(dict(zip(columns, row[6:], strict=True)), terms)
        shown = None if score is None else round(score, 4)
        name = person_name(row[1], row[2], row[3])
        hits.append(Hit(candidate_id, name, row[4], row[5], shown, snippet, matched))
    return hits, total


def _rows(
    session: Session, ids: list[int], columns: tuple[str, ...]
) -> dict[int, tuple[Any, tuple[str, ...]]]:
    """Each candidate's name parts, title, location and index ``columns``, by id."""
    if not ids:
        return {}
    sql = _ROWS.format(", ".join(f"v.{c}" for c in columns), ",".join(str(i) for i in ids))
    return {row[0]: (row, columns) for row in session.execute(text(sql))}


def _excluded(expression: str) -> Any:
    """Candidates a negated search leaves out: those the expression matches."""
    return Candidate.id.not_in(select(_rowid).where(*_where(expression, None)))


def _negated_page(
    session: Session, plan: _Plan, limit: int, offset: int, conditions: list[Any]
) -> tuple[list[Hit], int]:
    kept = [_excluded(plan.expression), *conditions]
    rows = session.execute(
        select(
            Candidate.id,
            Candidate.first_name,
            Candidate.middle_name,
            Candidate.last_name,
            Candidate.current_title,
            Candidate.location,
        )
        .where(*kept)
        .order_by(Candidate.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    total = session.execute(select(func.count(Candidate.id)).where(*kept)).scalar_one()
    return [
        Hit(row.id, person_name(row), row.current_title, row.location, 0.0, "") for row in rows
    ], total


def _fallback(query: str, plan: _Plan, problem: str) -> _Plan | None:
    """After the database refused ``plan``: the plain-word reading, if not tried yet."""
    if plan.warning is not None:
        return None
    retry = _plain_plan(query, problem)
    return retry if retry.expression and retry.expression != plan.expression else None


def _filter_conditions(ctx: ServiceContext, filters: CandidateFilters | None) -> list[Any]:
    """The Candidates list's own conditions for ``filters`` (the same query, not a copy)."""
    if filters is None or not filters.active:
        return []
    return filters.conditions(ctx)


def search_candidates(
    ctx: ServiceContext,
    query: str,
    limit: int = 50,
    offset: int = 0,
    filters: CandidateFilters | None = None,
) -> SearchResult:
    """A page of the candidates matching ``query`` (and ``filters``, as the Candidates list
    applies them), best first. Never raises for any input."""
    require_all(ctx)
    plan = plan_query(query)
    if plan is None:
        return SearchResult([], 0, "")
    if not plan.expression:
        return SearchResult([], 0, "", plan.warning)
    limit, offset = max(0, limit), max(0, offset)
    conditions = _filter_conditions(ctx, filters)
    with ctx.read() as session:
        while True:
            try:
                terms = _positive_terms(plan.tree)
                hits, total = _page(session, plan, terms, limit, offset, conditions)
                expression = f"NOT ({plan.expression})" if plan.negated else plan.expression
                capped = total is not None and total > COUNT_CAP
                shown = min(total, COUNT_CAP) if total is not None else None
                return SearchResult(hits, shown, expression, plan.warning, capped)
            except (DBAPIError, sqlite3.Error) as problem:
                session.rollback()
                retry = _fallback(query, plan, _reason(problem))
                if retry is None:
                    return SearchResult(
                        [], 0, plan.expression, f"The search could not run: {_reason(problem)}."
                    )
                plan = retry


def matching_candidate_ids(
    ctx: ServiceContext, query: str, filters: CandidateFilters | None = None
) -> list[int]:
    """Every candidate ``query`` finds (among those ``filters`` keep), in id order (smart
    pools, bulk actions).

    Never raises: a query that cannot run finds nobody, as `search_candidates` would.
    """
    plan = plan_query(query)
    if plan is None or not plan.expression:
        return []
    conditions = _filter_conditions(ctx, filters)
    with ctx.read() as session:
        while True:
            if plan.negated:
                found = (
                    select(Candidate.id)
                    .where(_excluded(plan.expression), *conditions)
                    .order_by(Candidate.id)
                )
            else:
                narrow = _narrowing(conditions)
                found = select(_rowid).where(*_where(plan.expression, narrow)).order_by(_rowid)
            try:
                return list(session.scalars(found))
            except (DBAPIError, sqlite3.Error) as problem:
                session.rollback()
                retry = _fallback(query, plan, _reason(problem))
                if retry is None:
                    return []
                plan = retry


def _reason(problem: Exception) -> str:
    original = getattr(problem, "orig", None) or problem
    return str(original).splitlines()[0] if str(original) else type(original).__name__


__all__ = [
    "FIELDS",
    "Hit",
    "QueryError",
    "SearchResult",
    "matching_candidate_ids",
    "plan_query",
    "search_candidates",
]
