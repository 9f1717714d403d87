"""Text values as they are stored: cleaned and bounded, in one place for every use case.

Candidates' values arrive from forms, resumes, pasted profiles and merges, and leave again in
lists, emails and the terminal. So every write path cleans them here: unsafe characters (NUL,
ESC and the other C0/C1 controls, bidi overrides, lone surrogates, non-characters; see
`app.textsafe`) are dropped, one-line fields have their whitespace collapsed, and multi-line
fields (notes, summaries, descriptions, resume text) keep their tabs and line breaks.

Every field also has a cap (`LIMITS`): the column's size where it has one, a generous bound
where the column is TEXT. A person typing gets a per-field `ValidationError` when a value is
too long (`check_length` in `app.services.core.validation`); automatic paths (resume intake, quick
add, merges, bulk actions) shorten the value with `fit` instead, so that one odd value never
fails a whole import.
"""

from __future__ import annotations

from app.textsafe import multi_line, one_line

ELLIPSIS = "…"
LIMITS: dict[str, int] = {
    # candidates
    "first_name": 100,
    "middle_name": 100,
    "last_name": 100,
    "headline": 300,
    "current_title": 200,
    "current_employer": 200,
    "location": 200,
    "source": 120,
    "summary": 10_000,
    "email": 254,  # RFC 5321's longest usable address
    "phone": 40,
    "link": 500,
    "skill": 120,
    "tag": 80,
    "company": 200,  # experience and education rows
    "job_title": 200,
    "institution": 200,
    "degree": 200,
    "date": 10,  # "YYYY", "YYYY-MM" or "present"
    "document_name": 300,
    "resume_text": 1_000_000,
    "activity_subject": 300,
    # pools
    "pool_name": 120,
    "pool_description": 2_000,
    "pool_note": 300,
    # jobs
    "job_location": 200,
    "job_description": 20_000,
    # clients and their contacts
    "client_name": 200,
    "industry": 120,
    "website": 300,
    "client_location": 200,
    "client_notes": 10_000,
    "contact_title": 200,
    # applications
    "application_source": 120,
}
MAX_LINKS = 20  # per candidate
MAX_SKILLS = 200  # linked by one import


def clean(value: str | None) -> str | None:
    """A one-line value: unsafe characters dropped, whitespace collapsed and trimmed; empty
    means absent."""
    if value is None:
        return None
    return one_line(value) or None


def clean_text(value: str | None) -> str | None:
    """A multi-line value: line breaks as ``\\n``, tabs kept, other unsafe characters
    dropped, blank lines and spaces trimmed at both ends; empty means absent."""
    if value is None:
        return None
    return multi_line(value).strip() or None


def fit(value: str | None, limit: int) -> str | None:
    """`clean`, then shortened to ``limit`` characters for an automatic path: cut at a word
    boundary when one is near the end, and marked with an ellipsis (short fields, such as
    dates, are cut as they are)."""
    text = clean(value)
    if text is None or len(text) <= limit:
        return text
    if limit < 20:
        return text[:limit].rstrip() or None
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space >= limit * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def fit_text(value: str | None, limit: int) -> str | None:
    """`clean_text`, then cut to ``limit`` characters (a long text keeps its beginning)."""
    text = clean_text(value)
    if text is None or len(text) <= limit:
        return text
    return text[:limit].rstrip() or None


def fit_field(field: str, value: str | None) -> str | None:
    """`fit` with the field's cap from `LIMITS`."""
    return fit(value, LIMITS[field])
