"""CVs written on a form (the Europass CV and the many templates copied from it) print every
value beside a label naming its field: "Occupation or position held <tab> Operations
Manager", "Name and address of employer <tab> Acme Ltd, Pune". Read as they stand, the labels
are taken for employers, names and skills, and an entry's parts come in the form's order
(dates, title, duties, employer) rather than one the section readers know.

The labels say what each value is, so each entry is rewritten in the order an ordinary
resume prints it: "Employer <tab> Dates", the title, the duties as a bullet; a school's
entry as "School <tab> Dates" over its qualification. Personal details lose their labels.
A document is rewritten only when several entry labels show, so no ordinary resume with a
stray "Address" label is touched.
"""

from __future__ import annotations

import dataclasses
import re

from app.parsing.lines import Line

# The form's field labels (English Europass wording and its common variants) and the role
# each names; personal details are kept without their label.
_ROLES = {
    "dates": "dates",
    "period": "dates",
    "occupation or position held": "title",
    "position held": "title",
    "main activities and responsibilities": "duties",
    "name and address of employer": "employer",
    "employer": "employer",
    "type of business or sector": "sector",
    "title of qualification awarded": "qualification",
    "principal subjects / occupational skills covered": "subjects",
    "principal subjects/occupational skills covered": "subjects",
    "name and type of organisation providing education and training": "school",
    "name and type of organization providing education and training": "school",
    "level in national or international classification": "level",
}
_PERSONAL = {
    "name",
    "name / surname",
    "first name(s) / surname(s)",
    "address",
    "address(es)",
    "telephone",
    "telephone(s)",
    "mobile",
    "fax",
    "e-mail",
    "email",
    "personal email",
    "professional email",
    "home page",
    "website",
    "nationality",
    "date of birth",
    "gender",
    "desired employment",
    "desired employment / occupational field",
}
# Labels that put the surname first: "Surname(s) / First name(s) <tab> Nguyen, Yuna".
_SURNAME_FIRST = {"surname / first name", "surname(s) / first name(s)", "surname, first name"}
_LABELS = {
    **_ROLES,
    **dict.fromkeys(_PERSONAL, "personal"),
    **dict.fromkeys(_SURNAME_FIRST, "surname first"),
}
_ENTRY_ROLES = {"title", "duties", "employer", "qualification", "school"}
# The labels by their first word, in the order above: the first words of a wrapped label
# begin with the label's first word, so only these few are tried for each line.
_BY_FIRST_WORD: dict[str, list[tuple[str, str]]] = {}
for _full, _role in _LABELS.items():
    _BY_FIRST_WORD.setdefault(_full.partition(" ")[0], []).append((_full, _role))


_SPACES = re.compile(r"\s+")


def _norm(label: str) -> str:
    return _SPACES.sub(" ", label.strip().rstrip(":").casefold())


def _label_of(text: str) -> tuple[str | None, str, str]:
    """(role, label tail still to come on the next line, value) of a labelled line: the
    label may be whole or the first words of a label wrapped in its column."""
    label, tab, value = text.partition("\t")
    key = _norm(label if tab else text)
    role = _LABELS.get(key)
    if role is not None:
        return role, "", value.strip() if tab else ""
    # A wrapped label's first words: two at least (asked of every line, so only the labels
    # sharing its first word are tried, and the prefix is built once).
    candidates = _BY_FIRST_WORD.get(key.partition(" ")[0])
    if candidates and len(key.split()) >= 2:
        prefix = key + " "
        for full, role in candidates:
            if full.startswith(prefix):
                return role, full[len(prefix) :], value.strip() if tab else ""
    return None, "", text


def is_form(lines: list[Line]) -> bool:
    """Whether the document labels its entries like a form: several entry labels."""
    roles = [_label_of(line.text)[0] for line in lines]
    return sum(1 for role in roles if role in _ENTRY_ROLES) >= 3 and "dates" in roles


def rewrite(lines: list[Line]) -> list[Line]:
    """The lines with their field labels gone and each labelled entry in reading order."""
    if not is_form(lines):
        return lines
    out: list[Line] = []
    entry: dict[str, str] = {}
    first: Line | None = None
    last_role: str | None = None
    tail = ""

    def flush() -> None:
        nonlocal entry, first, last_role
        if first is not None:
            out.extend(_entry_lines(entry, first))
        entry, first, last_role = {}, None, None

    for line in lines:
        text = line.text
        if tail:  # the rest of a label wrapped in its column, maybe with more of the value
            head, tab, rest = text.partition("\t")
            if _norm(head if tab else text) and tail.startswith(_norm(head if tab else text)):
                tail = tail[len(_norm(head if tab else text)) :].strip()
                text = rest.strip() if tab else ""
                if not text:
                    continue
                if last_role and first is not None:
                    entry[last_role] = f"{entry.get(last_role, '')} {text}".strip()
                    continue
                out.append(dataclasses.replace(line, text=text))
                continue
            tail = ""
        role, tail, value = _label_of(text)
        if role is None:
            if first is not None and last_role and not line.new_block and "\t" not in text:
                entry[last_role] = f"{entry[last_role]} {text}".strip()
                continue
            flush()
            out.append(line)
            continue
        if role == "surname first":  # "Nguyen, Yuna" is Yuna Nguyen
            surname, comma, given = value.partition(",")
            value = f"{given.strip()} {surname.strip()}" if comma and given.strip() else value
            role = "personal"
        if role == "personal":
            flush()
            if value:
                out.append(dataclasses.replace(line, text=value))
            continue
        if role == "dates" and (first is not None or entry):
            flush()
        if first is None:
            first = line
        entry[role] = value
        last_role = role
    flush()
    return out


def _entry_lines(entry: dict[str, str], first: Line) -> list[Line]:
    """One entry as a resume prints it: who and when, then what, then the duties."""
    dates = entry.get("dates", "")
    where = entry.get("employer") or entry.get("school") or ""
    what = entry.get("title") or entry.get("qualification") or ""
    head = "\t".join(part for part in (where or what, dates) if part)
    out = [dataclasses.replace(first, text=head, new_block=True)] if head else []
    if where and what:
        out.append(dataclasses.replace(first, text=what, new_block=False, heading=False))
    for role in ("duties", "subjects"):
        if entry.get(role):
            out.append(
                dataclasses.replace(first, text=f"• {entry[role]}", new_block=False, heading=False)
            )
    return out
