"""A smaller database: resume text stored once (compressed) and indexed once.

Before: ``documents.text`` held each resume, ``document_search`` (0006) indexed it a second
time though nothing searched it any more, and ``candidate_search`` (0007) kept a third, plain
copy of it among its own stored columns. Now:

- ``documents.text`` is compressed (converted here in batches); SQL reads it through
  ``hirebench_text()``, a function every Hirebench connection registers (``app.store.textpack``);
- ``document_search`` and its triggers are gone (``resume:`` searches ``candidate_search``);
- ``candidate_search`` is an external-content index over the view ``candidate_search_source``
  (the same row as before, derived from the source tables), so it stores no text of its own,
  and has no prefix indexes (they tripled its size);
- ``candidate_name_search`` indexes names alone, with prefix indexes, for a search's name
  tier (type-ahead), and ``candidate_search_words`` (fts5vocab) lists the index's words.

An external-content index removes a row by reading the row it indexed from its content, so
the source must still read as it did when the row was indexed. The triggers therefore come in
pairs: a BEFORE trigger takes the affected candidates' rows out of the index while the source
tables still hold what was indexed, and an AFTER trigger indexes them again from the changed
tables. A row is only taken out if it is in the index (``<index>_docsize`` has one row per
indexed candidate), so nothing is ever removed twice. The BEFORE triggers run even
while ``search_control.suspended`` is set: a bulk writer then leaves the candidates it touches
out of the index and puts them back once at the end (``app.store.search``).

Revision ID: 0022_search_size
Revises: 0026_privacy
Create Date: 2026-12-05
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

# The packed format is the store's (every format it ever wrote stays readable).
from app.store.textpack import pack_text, register_text_function, unpack_text

revision: str = "0022_search_size"
down_revision: str | None = "0026_privacy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = "name, headline, title, city, skills, tags, resume, notes"
SOURCE = "candidate_search_source"
# The index's words with the number of candidates each is in (no storage of its own): a
# one-word prefix search is capped when one such word is in more candidates than the cap.
WORDS = "candidate_search_words"
# Names alone, with prefix indexes (a few MB): the name tier of a search (type-ahead) asks
# it instead of the whole index, whose prefix queries merge the lists of every resume word
# with the prefix.
NAMES = "candidate_name_search"
NAME_SOURCE = "candidate_name_source"
NAME_SELECT = (
    "SELECT c.id AS id,"
    " c.first_name || coalesce(' ' || c.middle_name, '') || ' ' || c.last_name AS name"
    " FROM candidates c"
)
NAME_OPTIONS = "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'"
TEXT_FUNCTION = "hirebench_text"
# Chosen by measurement (docs/database-size.md): positions are kept (phrases, and words the
# tokenizer splits, such as "node.js", need them); no prefix indexes (they tripled the
# index, and prefix queries are as fast without them); the per-row sizes are kept (bm25
# needs them, and the triggers use them to know which candidates are indexed).
OPTIONS = "tokenize='unicode61 remove_diacritics 2'"
BATCH = 2000

# One index row per candidate, as 0007 and 0010 derive it, with the text read uncompressed.
ROW_SELECT = (
    "SELECT c.id AS id,"
    " c.first_name || coalesce(' ' || c.middle_name, '') || ' ' || c.last_name AS name,"
    " c.headline AS headline,"
    " CASE WHEN c.current_employer IS NULL THEN c.current_title"
    " WHEN c.current_title IS NULL THEN c.current_employer"
    " ELSE c.current_title || ', ' || c.current_employer END AS title,"
    " c.location AS city,"
    " (SELECT group_concat(name, ', ') FROM (SELECT s.name FROM candidate_skills cs"
    " JOIN skills s ON s.id = cs.skill_id WHERE cs.candidate_id = c.id ORDER BY s.name))"
    " AS skills,"
    " (SELECT group_concat(name, ', ') FROM (SELECT t.name FROM candidate_tags ct"
    " JOIN tags t ON t.id = ct.tag_id WHERE ct.candidate_id = c.id ORDER BY t.name)) AS tags,"
    f" (SELECT group_concat(text, char(10)) FROM (SELECT {TEXT_FUNCTION}(d.text) AS text"
    " FROM documents d WHERE d.candidate_id = c.id AND d.text IS NOT NULL ORDER BY d.id))"
    " AS resume,"
    " (SELECT group_concat(note, char(10)) FROM (SELECT trim(coalesce(a.subject, '') || ' ' ||"
    " coalesce(a.body, '')) AS note FROM activities a WHERE a.candidate_id = c.id"
    " AND a.kind IN ('note', 'email', 'call', 'meeting') AND coalesce(a.direction, '') <> 'out'"
    " ORDER BY a.occurred_at, a.id)) AS notes"
    " FROM candidates c"
)
ACTIVE = "NOT EXISTS (SELECT 1 FROM search_control WHERE suspended)"
TIMELINE = "IN ('note', 'email', 'call', 'meeting')"
SENT = "coalesce({}.direction, '') <> 'out'"


def drop_rows(ids: str, index: str = "candidate_search") -> str:
    """Take the candidates ``ids`` (an IN list) out of ``index``, those that are in it."""
    return (
        f"DELETE FROM {index} WHERE rowid IN (SELECT id FROM {index}_docsize WHERE id IN ({ids})); "
    )


def add_rows(ids: str, index: str = "candidate_search") -> str:
    """Index the candidates ``ids`` as the source tables now derive them."""
    columns, source = (COLUMNS, SOURCE) if index == "candidate_search" else ("name", NAME_SOURCE)
    return (
        f"INSERT INTO {index} (rowid, {columns})"
        f" SELECT id, {columns} FROM {source} WHERE id IN ({ids}); "
    )


def _pair(
    name: str,
    event: str,
    table: str,
    ids: str,
    when: str = "",
    before: bool = True,
    index: str = "candidate_search",
) -> dict[str, str]:
    """The BEFORE (out of the index) and AFTER (back in, unless suspended) triggers."""
    after_when = f"{when} AND {ACTIVE}" if when else ACTIVE
    add = add_rows(ids, index)
    triggers = {f"{name}_after": f"AFTER {event} ON {table} WHEN {after_when} BEGIN {add}END"}
    if before:
        condition = f" WHEN {when}" if when else ""
        triggers[f"{name}_before"] = (
            f"BEFORE {event} ON {table}{condition} BEGIN {drop_rows(ids, index)}END"
        )
    return triggers


_CANDIDATE_FIELDS = (
    "UPDATE OF id, first_name, middle_name, last_name, headline, current_title,"
    " current_employer, location"
)
_ACTIVITY_FIELDS = "UPDATE OF kind, subject, body, candidate_id, occurred_at"
_NAME_FIELDS = "UPDATE OF id, first_name, middle_name, last_name"
TRIGGERS: dict[str, str] = {
    **_pair("candidate_names_insert", "INSERT", "candidates", "NEW.id", before=False, index=NAMES),
    **_pair("candidate_names_update", _NAME_FIELDS, "candidates", "OLD.id, NEW.id", index=NAMES),
    "candidate_names_delete_before": (
        f"BEFORE DELETE ON candidates BEGIN {drop_rows('OLD.id', NAMES)}END"
    ),
    # A new candidate is in no index row yet: nothing to take out first.
    **_pair("candidates_search_insert", "INSERT", "candidates", "NEW.id", before=False),
    **_pair("candidates_search_update", _CANDIDATE_FIELDS, "candidates", "OLD.id, NEW.id"),
    "candidates_search_delete_before": (
        f"BEFORE DELETE ON candidates BEGIN {drop_rows('OLD.id')}END"
    ),
    **_pair("candidate_skills_search_insert", "INSERT", "candidate_skills", "NEW.candidate_id"),
    **_pair(
        "candidate_skills_search_update",
        "UPDATE",
        "candidate_skills",
        "OLD.candidate_id, NEW.candidate_id",
    ),
    **_pair("candidate_skills_search_delete", "DELETE", "candidate_skills", "OLD.candidate_id"),
    **_pair(
        "skills_search_update",
        "UPDATE OF name",
        "skills",
        "SELECT candidate_id FROM candidate_skills WHERE skill_id = NEW.id",
    ),
    **_pair("candidate_tags_search_insert", "INSERT", "candidate_tags", "NEW.candidate_id"),
    **_pair(
        "candidate_tags_search_update",
        "UPDATE",
        "candidate_tags",
        "OLD.candidate_id, NEW.candidate_id",
    ),
    **_pair("candidate_tags_search_delete", "DELETE", "candidate_tags", "OLD.candidate_id"),
    **_pair(
        "tags_search_update",
        "UPDATE OF name",
        "tags",
        "SELECT candidate_id FROM candidate_tags WHERE tag_id = NEW.id",
    ),
    **_pair(
        "documents_candidate_search_insert",
        "INSERT",
        "documents",
        "NEW.candidate_id",
        "NEW.candidate_id IS NOT NULL",
    ),
    **_pair(
        "documents_candidate_search_update",
        "UPDATE OF text, candidate_id",
        "documents",
        "OLD.candidate_id, NEW.candidate_id",
    ),
    **_pair(
        "documents_candidate_search_delete",
        "DELETE",
        "documents",
        "OLD.candidate_id",
        "OLD.candidate_id IS NOT NULL",
    ),
    **_pair(
        "activities_search_insert",
        "INSERT",
        "activities",
        "NEW.candidate_id",
        f"{SENT.format('NEW')} AND NEW.kind {TIMELINE}",
    ),
    **_pair(
        "activities_search_update",
        _ACTIVITY_FIELDS,
        "activities",
        "OLD.candidate_id, NEW.candidate_id",
        f"(OLD.kind {TIMELINE} OR NEW.kind {TIMELINE})",
    ),
    **_pair(
        "activities_search_delete",
        "DELETE",
        "activities",
        "OLD.candidate_id",
        f"{SENT.format('OLD')} AND OLD.kind {TIMELINE}",
    ),
}


def _load(name: str) -> ModuleType:
    """An earlier migration's module, whose definitions the downgrade restores."""
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"hirebench_migration_{name[:4]}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _raw() -> None:
    """Register ``hirebench_text`` on the DB-API connection under Alembic's (an engine made
    by Hirebench has it already; any other must too, for the view and the triggers)."""
    register_text_function(op.get_bind().connection.driver_connection)  # type: ignore[arg-type]


def _convert_texts(compress: bool) -> None:
    """Compress (or expand) every document's text, a batch of rows at a time."""
    bind = op.get_bind()
    wanted = "text" if compress else "blob"
    last = 0
    while True:
        rows = bind.exec_driver_sql(
            "SELECT id, text FROM documents WHERE id > ? AND typeof(text) = ? ORDER BY id LIMIT ?",
            (last, wanted, BATCH),
        ).all()
        if not rows:
            return
        changed = [
            (pack_text(text) if compress else unpack_text(text), row_id) for row_id, text in rows
        ]
        bind.exec_driver_sql("UPDATE documents SET text = ? WHERE id = ?", changed)
        last = rows[-1][0]


def _drop_triggers(names: object) -> None:
    for name in names:  # type: ignore[attr-defined]
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    _raw()
    old_0006, old_0010 = _load("0006_document_search"), _load("0010_outgoing_mail_unindexed")
    _drop_triggers(old_0006.TRIGGERS)
    _drop_triggers(old_0010.TRIGGERS)
    op.execute("DROP TABLE IF EXISTS document_search")
    op.execute("DROP TABLE IF EXISTS candidate_search")
    _convert_texts(compress=True)
    op.execute(f"CREATE VIEW {SOURCE} AS {ROW_SELECT}")
    op.execute(
        f"CREATE VIRTUAL TABLE candidate_search USING fts5({COLUMNS},"
        f" content='{SOURCE}', content_rowid='id', {OPTIONS})"
    )
    op.execute("INSERT INTO candidate_search (candidate_search) VALUES ('rebuild')")
    op.execute("INSERT INTO candidate_search (candidate_search) VALUES ('optimize')")
    op.execute(f"CREATE VIEW {NAME_SOURCE} AS {NAME_SELECT}")
    op.execute(
        f"CREATE VIRTUAL TABLE {NAMES} USING fts5(name,"
        f" content='{NAME_SOURCE}', content_rowid='id', {NAME_OPTIONS})"
    )
    op.execute(f"INSERT INTO {NAMES} ({NAMES}) VALUES ('rebuild')")
    op.execute(f"INSERT INTO {NAMES} ({NAMES}) VALUES ('optimize')")
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute(f"CREATE VIRTUAL TABLE {WORDS} USING fts5vocab(candidate_search, row)")


def downgrade() -> None:
    _raw()
    old_0006 = _load("0006_document_search")
    old_0007 = _load("0007_candidate_search")
    old_0010 = _load("0010_outgoing_mail_unindexed")
    _drop_triggers(TRIGGERS)
    op.execute(f"DROP TABLE IF EXISTS {WORDS}")
    op.execute(f"DROP TABLE IF EXISTS {NAMES}")
    op.execute(f"DROP VIEW IF EXISTS {NAME_SOURCE}")
    op.execute("DROP TABLE IF EXISTS candidate_search")
    op.execute(f"DROP VIEW IF EXISTS {SOURCE}")
    _convert_texts(compress=False)
    op.execute(
        f"CREATE VIRTUAL TABLE candidate_search USING fts5({old_0007.COLUMNS},"
        " tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
    )
    row_select = old_0007.ROW_SELECT.replace(
        old_0010.TIMELINE_KINDS, f"{old_0010.TIMELINE_KINDS} AND {old_0010.NOT_SENT}"
    )
    op.execute(f"INSERT INTO candidate_search (rowid, {old_0007.COLUMNS}) {row_select}")
    op.execute("INSERT INTO candidate_search (candidate_search) VALUES ('optimize')")
    for name, body in old_0010.TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute(
        "CREATE VIRTUAL TABLE document_search USING fts5("
        "text, content='documents', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute("INSERT INTO document_search (document_search) VALUES ('rebuild')")
    for name, body in old_0006.TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
