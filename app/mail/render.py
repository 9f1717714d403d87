"""Email templates rendered in a sandbox: merge fields, escaping and the agency's branding.

Recruiters write the templates and candidates' own records fill them, so the template language
is deliberately small: merge fields (``{{ candidate.first_name }}``), ``{% if %}``, comparisons
and a few filters. Each part is checked on its syntax tree before it is compiled, so a typo is
reported with its part and line before anything is queued; Jinja's sandbox sits underneath as a
second wall. The checks bound the work first: a part longer than a saved template may be is
refused unread, and nesting (brackets, ``{% if %}`` blocks, chains of filters or ``and``) is
measured before Jinja's recursive parser and compiler see it, so a hostile template is a
`TemplateError` like any other mistake, never a ``RecursionError``. Missing values are found
while rendering (a custom ``Undefined``), so that ``{% if job.title %}`` and
``| default("there")`` behave as a reader expects.

No Qt and no database here: the dispatcher and the services both call these functions.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import StrictUndefined, Template, Undefined, nodes, pass_eval_context
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS
from jinja2.nodes import EvalContext
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from app.mail.account import BrandingSettings
from app.textsafe import multi_line, one_line

LOGO_CID = "agency-logo"  # the HTML refers to the logo as src="cid:agency-logo"

KNOWN_FIELDS: tuple[str, ...] = (
    "candidate.first_name",
    "candidate.last_name",
    "candidate.full_name",
    "candidate.current_title",
    "candidate.email",
    "job.title",
    "job.location",
    "client.name",
    "recruiter.name",
    "recruiter.email",
    "recruiter.signature",
    "agency.name",
    "unsubscribe",
)
DEFAULT_UNSUBSCRIBE = 'Reply "unsubscribe" and we will not email you again.'
DEFAULT_PRIMARY = "#2563eb"
DEFAULT_ACCENT = "#0f172a"
# Per part, once merged: far above any real email, far below what would hurt the outbox.
MAX_OUTPUT_CHARS = 200_000
MAX_SUBJECT_CHARS = 300  # the outbox's subject column
# Per part, as written: what a saved template may hold, and so any one-off email too. Checked
# before anything is parsed (a 1.3 MB body once took 40 s to render).
MAX_TEMPLATE_SUBJECT = 300
MAX_TEMPLATE_BODY = 100_000
# Nesting: brackets or blocks inside one another, and the depth of the syntax tree (which
# chains of filters, "and" or "not" also deepen). Far beyond any real email, far below what
# Jinja's recursive parser and compiler (and Python's 100 indentation levels) can take.
MAX_NESTING = 20
MAX_TREE_DEPTH = 60
ALLOWED_FILTERS = (
    "capitalize",
    "d",
    "default",
    "lower",
    "nl2br",
    "title",
    "trim",
    "truncate",
    "upper",
)

SUBJECT, TEXT, HTML = "Subject", "Text", "HTML"  # the parts, as messages name them


def _groups() -> dict[str, tuple[str, ...]]:
    """The dotted fields by their first part: {"candidate": ("first_name", …), …}."""
    groups: dict[str, list[str]] = {}
    for field in KNOWN_FIELDS:
        root, _, attr = field.partition(".")
        if attr:
            groups.setdefault(root, []).append(attr)
    return {root: tuple(attrs) for root, attrs in groups.items()}


_GROUPS = _groups()
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_BODY = re.compile(r"<body\b[^>]*>(.*)</body\s*>", re.IGNORECASE | re.DOTALL)
_FONT = "font-family:Arial,Helvetica,sans-serif;"


@dataclass(frozen=True)
class TemplateSource:
    subject: str
    body_text: str
    body_html: str | None = None  # a fragment (or a whole page, whose <body> is used)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str  # one line
    text: str  # with the footer and unsubscribe text as plain lines
    html: str  # a whole, branded, email-safe page


class TemplateError(ValueError):
    """The template itself is wrong: syntax, an unknown field, or something the sandbox refuses."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problems,))


class MissingFieldsError(ValueError):
    """Known fields the template prints that have no value for this recipient."""

    def __init__(self, fields: list[str]):
        self.fields = list(fields)
        super().__init__("No value for this recipient: " + ", ".join(self.fields))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.fields,))


# --- checking: on the syntax tree, before anything is compiled ------------------------------

_ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.If,
    nodes.Const,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.CondExpr,
    nodes.Concat,
    nodes.Keyword,
    nodes.Tuple,
    nodes.List,
    nodes.Scope,  # only a wrapper; what it wraps ({% autoescape %}) is refused
)
_REFUSED: tuple[tuple[type[nodes.Node] | tuple[type[nodes.Node], ...], str], ...] = (
    (nodes.For, "{% for %} loops"),
    (nodes.Macro, "macros"),
    (nodes.CallBlock, "{% call %} blocks"),
    (nodes.Call, "function calls"),
    ((nodes.Assign, nodes.AssignBlock), "{% set %}"),
    ((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends), "other templates"),
    (nodes.Block, "{% block %}"),
    (nodes.FilterBlock, "{% filter %} blocks"),
    (nodes.With, "{% with %}"),
    ((nodes.ScopedEvalContextModifier, nodes.EvalContextModifier), "{% autoescape %}"),
    ((nodes.BinExpr, nodes.UnaryExpr), "arithmetic"),
    ((nodes.Slice, nodes.Dict), "slices and dictionaries"),
)


def _where(label: str, line: int | None) -> str:
    return label if label == SUBJECT or not line else f"{label}, line {line}"


def _spelled(node: nodes.Node) -> str:
    """A best-effort rendering of an expression, for messages."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_spelled(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        key = repr(node.arg.value) if isinstance(node.arg, nodes.Const) else "…"
        return f"{_spelled(node.node)}[{key}]"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, nodes.Call):
        return f"{_spelled(node.node)}()"
    return "…"


class _Checker:
    """Walks one part's syntax tree, collecting merge fields and problems."""

    def __init__(self, label: str):
        self.label = label
        self.problems: list[str] = []
        self.fields: set[str] = set()

    def problem(self, node: nodes.Node, message: str) -> None:
        text = f"{_where(self.label, node.lineno)}: {message}"
        if text not in self.problems:
            self.problems.append(text)

    def visit(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.Name):
            self.field(node, node.name, None)
            return
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            self.lookup(node)
            return
        if isinstance(node, nodes.Filter):
            if node.name not in ALLOWED_FILTERS:
                self.problem(
                    node,
                    f'unknown filter "{node.name}" (use {", ".join(ALLOWED_FILTERS)})',
                )
        elif isinstance(node, nodes.Test):
            if node.name not in _environment(False).tests:
                self.problem(node, f'unknown test "{node.name}"')
        elif not isinstance(node, _ALLOWED_NODES):
            what = next(
                (text for kinds, text in _REFUSED if isinstance(node, kinds)),
                f"{type(node).__name__} expressions",
            )
            self.problem(node, f"{what} cannot be used in an email template")
            return
        for child in node.iter_child_nodes():
            self.visit(child)

    def lookup(self, node: nodes.Getattr | nodes.Getitem) -> None:
        if isinstance(node, nodes.Getattr):
            key: str | None = node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            key = node.arg.value
        else:
            key = None
        if isinstance(node.node, nodes.Name) and key is not None:
            self.field(node, node.node.name, key)
            return
        self.problem(
            node,
            f'"{_spelled(node)}" cannot be used in an email template; only merge fields'
            " such as candidate.first_name",
        )

    def field(self, node: nodes.Node, root: str, attr: str | None) -> None:
        if attr is None and root in _GROUPS:
            example = f"{root}.{_GROUPS[root][0]}"
            self.problem(node, f'"{root}" needs a field, such as "{example}"')
            return
        name = root if attr is None else f"{root}.{attr}"
        self.fields.add(name)
        if name in KNOWN_FIELDS:
            return
        message = f'unknown merge field "{name}"'
        close = difflib.get_close_matches(name, KNOWN_FIELDS, n=1, cutoff=0.75)
        if close:
            message += f' (did you mean "{close[0]}"?)'
        self.problem(node, message)


@dataclass(frozen=True)
class _Analysis:
    problems: tuple[str, ...]
    fields: frozenset[str]


def _too_deep(label: str, line: int | None) -> str:
    return (
        f"{_where(label, line)}: the template is nested too deeply; use fewer brackets,"
        " {% if %} blocks or filters inside one another"
    )


def _too_big(label: str, length: int) -> str | None:
    limit = MAX_TEMPLATE_SUBJECT if label == SUBJECT else MAX_TEMPLATE_BODY
    if length <= limit:
        return None
    return f"{label}: longer than {limit:,} characters ({length:,}); shorten it"


_BLOCK_OPENERS = frozenset(
    {"if", "for", "macro", "call", "filter", "block", "with", "autoescape", "trans"}
)


def _nesting_line(text: str) -> int | None:
    """The line where brackets or blocks first nest deeper than `MAX_NESTING`, else None.

    Read from Jinja's lexer, which works in a loop (the parser recurses once per level). A
    lexing error stops the scan: the parser reports it with its line.
    """
    brackets = blocks = 0
    after_block_begin = False
    try:
        for line, kind, value in _environment(False).lex(text):
            if kind == "whitespace":
                continue
            if kind == "operator" and value in "([{":
                brackets += 1
            elif kind == "operator" and value in ")]}":
                brackets = max(0, brackets - 1)
            elif after_block_begin and kind == "name":
                if value in _BLOCK_OPENERS:
                    blocks += 1
                elif value.startswith("end"):
                    blocks = max(0, blocks - 1)
            after_block_begin = kind == "block_begin"
            if brackets > MAX_NESTING or blocks > MAX_NESTING:
                return line
    except jinja2.TemplateSyntaxError:
        return None
    return None


def _deepest(tree: nodes.Node) -> tuple[int, int | None]:
    """(depth, line) of the syntax tree's deepest node, found without recursion; the walk
    stops as soon as `MAX_TREE_DEPTH` is passed."""
    stack: list[tuple[nodes.Node, int]] = [(tree, 1)]
    deepest, line = 0, None
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest, line = depth, getattr(node, "lineno", None)
            if deepest > MAX_TREE_DEPTH:
                break
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return deepest, line


def _analyse(label: str, text: str) -> _Analysis:
    """One part's problems and merge fields. An oversized part is refused before it is read
    (and never kept in the cache)."""
    if not text:
        return _Analysis((), frozenset())
    too_big = _too_big(label, len(text))
    if too_big:
        return _Analysis((too_big,), frozenset())
    return _analysed(label, text)


@functools.lru_cache(maxsize=128)
def _analysed(label: str, text: str) -> _Analysis:
    """`_analyse` past the size check (cached: a bulk send checks the same text often)."""
    line = _nesting_line(text)
    if line is not None:
        return _Analysis((_too_deep(label, line),), frozenset())
    try:
        tree = _environment(False).parse(text)
    except jinja2.TemplateSyntaxError as error:
        return _Analysis((f"{_where(label, error.lineno)}: {error.message}",), frozenset())
    except RecursionError:  # nesting the scan does not count, such as "not not not …"
        return _Analysis((_too_deep(label, None),), frozenset())
    depth, line = _deepest(tree)
    if depth > MAX_TREE_DEPTH:
        return _Analysis((_too_deep(label, line),), frozenset())
    checker = _Checker(label)
    try:
        checker.visit(tree)
    except RecursionError:  # a fallback: the depth was bounded just above
        return _Analysis((_too_deep(label, None),), frozenset())
    return _Analysis(tuple(checker.problems), frozenset(checker.fields))


def _parts(source: TemplateSource) -> list[tuple[str, str]]:
    parts = [(SUBJECT, source.subject or ""), (TEXT, source.body_text or "")]
    if source.body_html and source.body_html.strip():
        parts.append((HTML, source.body_html))
    return [(label, _newlines(text)) for label, text in parts]


def check_template(source: TemplateSource) -> list[str]:
    """Every problem in the template, each naming its part and line; [] when it is fine."""
    return [problem for label, text in _parts(source) for problem in _analyse(label, text).problems]


def fields_used(source: TemplateSource) -> set[str]:
    """Every merge field the template refers to, unknown ones included (parts that do not parse
    contribute nothing; `check_template` says why)."""
    return {field for label, text in _parts(source) for field in _analyse(label, text).fields}


# --- rendering ----------------------------------------------------------------------------


class _Sandbox(SandboxedEnvironment):
    """The sandbox, narrowed further: no private attributes and no operators that can build
    huge values (the checker refuses them first; this is the second wall)."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return not attr.startswith("_") and super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        raise SecurityError(f"the {operator} operator cannot be used in an email template")


@pass_eval_context
def _nl2br(eval_ctx: EvalContext, value: Any) -> str:
    """Line breaks kept in HTML (a signature), the value escaped first; unchanged in text."""
    text = str(value)
    if not eval_ctx.autoescape:
        return text
    return Markup("<br>\n").join(escape(line) for line in text.split("\n"))


@functools.lru_cache(maxsize=2)
def _environment(html: bool) -> _Sandbox:
    env = _Sandbox(autoescape=html, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.clear()  # no range, cycler, namespace, lipsum…: nothing to call
    env.filters = {name: FILTERS[name] for name in ALLOWED_FILTERS if name in FILTERS}
    env.filters["nl2br"] = _nl2br
    return env


@functools.lru_cache(maxsize=64)
def _compiled(text: str, html: bool) -> Template:
    return _environment(html).from_string(text)


def _compile(label: str, text: str, html: bool) -> Template:
    """The compiled part. The checks have bounded its nesting already; should compiling still
    recurse too deep (or produce Python nested past its limits), that is the same template
    error, never a crash."""
    try:
        return _compiled(text, html)
    except jinja2.TemplateError as error:
        raise TemplateError([f"{_where(label, None)}: {error}"]) from None
    except (RecursionError, SyntaxError):
        raise TemplateError([_too_deep(label, None)]) from None


class _Missing(Undefined):
    """A known field with no value for this recipient: falsy and open to ``default``, but
    printing it records the field (all of them are reported at once, after rendering)."""

    __slots__ = ("_field", "_seen")

    def __init__(self, field: str, seen: dict[str, None]):
        super().__init__(name=field)
        self._field = field
        self._seen = seen

    def __str__(self) -> str:
        self._seen.setdefault(self._field, None)
        return ""


def _value(field: str, raw: Any, seen: dict[str, None]) -> Any:
    text = "" if raw is None else str(raw)  # str() of Markup is a plain str: always escaped
    text = text.strip()
    return text if text else _Missing(field, seen)


def _context(values: Mapping[str, Any], seen: dict[str, None]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for field in KNOWN_FIELDS:
        root, _, attr = field.partition(".")
        if not attr:
            context[root] = _value(field, values.get(root), seen)
            continue
        group = values.get(root)
        raw = group.get(attr) if isinstance(group, Mapping) else None
        context.setdefault(root, {})[attr] = _value(field, raw, seen)
    return context


def _too_long(label: str) -> TemplateError:
    return TemplateError([f"{label}: longer than {MAX_OUTPUT_CHARS:,} characters once merged"])


def _render(label: str, text: str, html: bool, context: dict[str, Any]) -> str:
    """One part, streamed so that an oversized result stops early."""
    template = _compile(label, text, html)
    chunks: list[str] = []
    size = 0
    too_long = False
    stream = template.generate(context)
    try:
        for chunk in stream:
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                too_long = True
                break
            chunks.append(chunk)
    except SecurityError as error:
        raise TemplateError([f"{label}: not allowed in an email template ({error})"]) from None
    except RecursionError:
        raise TemplateError([_too_deep(label, None)]) from None
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as error:
        raise TemplateError([f"{label}: {error}"]) from None
    finally:
        stream.close()
    if too_long:
        raise _too_long(label)
    return "".join(chunks)


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _one_line(text: str) -> str:
    """A header value: line breaks and tabs as spaces, other unsafe characters (controls, bidi
    overrides, lone surrogates…; see `app.textsafe`) gone, so no header injection."""
    return one_line(text)


def _clean_body(text: str) -> str:
    """Newlines normalised; other unsafe characters (NUL, ESC, bidi overrides…) dropped."""
    return multi_line(_newlines(text))


def _colour(value: str | None, fallback: str) -> str:
    return value.lower() if value and _COLOUR.fullmatch(value) else fallback


def _linked(line: str, colour: str) -> str:
    """One line of plain text as HTML: escaped, with its web addresses made into links."""
    out: list[str] = []
    position = 0
    for match in _URL.finditer(line):
        url = match.group(0).rstrip(".,;:!?")
        if url.endswith(")") and "(" not in url:
            url = url[:-1]
        end = match.start() + len(url)
        out.append(str(escape(line[position : match.start()])))
        href = escape(url)
        out.append(f'<a href="{href}" style="color:{colour};">{href}</a>')
        position = end
    out.append(str(escape(line[position:])))
    return "".join(out)


def text_to_html(text: str, link_colour: str = DEFAULT_PRIMARY) -> str:
    """Plain text as an HTML fragment: escaped, paragraphs on blank lines, line breaks kept,
    web addresses linked."""
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", _newlines(text).strip()) if p.strip()]
    return "\n".join(
        '<p style="margin:0 0 16px 0;">'
        + "<br>\n".join(_linked(line, link_colour) for line in paragraph.strip("\n").split("\n"))
        + "</p>"
        for paragraph in paragraphs
    )


def _fragment(html: str) -> str:
    """A template's HTML as a fragment: the inside of <body> when a whole page was pasted."""
    match = _BODY.search(html)
    return match.group(1) if match else html


def _branded_html(
    fragment: str, subject: str, branding: BrandingSettings, unsubscribe: str | None
) -> str:
    primary = _colour(branding.primary_color, DEFAULT_PRIMARY)
    accent = _colour(branding.accent_color, DEFAULT_ACCENT)
    agency = escape((branding.agency_name or "").strip())
    header = []
    if branding.logo:
        header.append(
            f'<img src="cid:{LOGO_CID}" alt="{agency or "Logo"}" height="40"'
            ' style="display:block;border:0;outline:none;height:40px;width:auto;'
            'margin:0 0 8px 0;">'
        )
    if agency:
        header.append(
            f'<div style="{_FONT}font-size:18px;font-weight:bold;color:{accent};">{agency}</div>'
        )
    header_row = (
        '<tr><td style="padding:24px 32px 8px 32px;">' + "".join(header) + "</td></tr>"
        if header
        else ""
    )
    footer_lines = [
        _linked(line, primary) for line in _newlines(branding.footer or "").strip().split("\n")
    ]
    if unsubscribe:
        footer_lines.append(_linked(unsubscribe, primary))
    footer = "<br>\n".join(line for line in footer_lines if line)
    footer_row = (
        '<tr><td style="padding:16px 32px 24px 32px;border-top:1px solid #e5e7eb;'
        f'{_FONT}font-size:12px;line-height:18px;color:#6b7280;">{footer}</td></tr>'
        if footer
        else ""
    )
    return (
        "<!DOCTYPE html>\n"
        '<html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(subject)}</title></head>\n"
        '<body style="margin:0;padding:0;background-color:#f3f4f6;">\n'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"'
        ' style="background-color:#f3f4f6;"><tr><td align="center" style="padding:24px 12px;">\n'
        '<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"'
        ' style="width:100%;max-width:600px;background-color:#ffffff;'
        f'border-top:4px solid {primary};">\n'
        f"{header_row}\n"
        '<tr><td style="padding:16px 32px 24px 32px;'
        f'{_FONT}font-size:15px;line-height:22px;color:#1f2937;">\n'
        f"{fragment}\n"
        "</td></tr>\n"
        f"{footer_row}\n"
        "</table>\n"
        "</td></tr></table>\n"
        "</body></html>\n"
    )


def _branded_text(text: str, branding: BrandingSettings, unsubscribe: str | None) -> str:
    tail = [line for line in (_newlines(branding.footer or "").strip(), unsubscribe) if line]
    body = text.strip("\n").rstrip()
    return "\n\n".join([body, *tail]) + "\n" if tail else body + "\n"


def render_email(
    source: TemplateSource, values: Mapping[str, Any], branding: BrandingSettings
) -> RenderedEmail:
    """The email for one recipient, branded.

    Raises `TemplateError` for a template problem and `MissingFieldsError` (every missing field
    at once) when a field it prints has no value for this recipient.
    """
    problems = check_template(source)
    if problems:
        raise TemplateError(problems)
    seen: dict[str, None] = {}
    context = _context(values, seen)
    parts = dict(_parts(source))
    subject = _one_line(_render(SUBJECT, parts[SUBJECT], False, context))
    text = _clean_body(_render(TEXT, parts[TEXT], False, context))
    if HTML in parts:
        fragment = _clean_body(_fragment(_render(HTML, parts[HTML], True, context)))
    else:
        fragment = text_to_html(text, _colour(branding.primary_color, DEFAULT_PRIMARY))
    if seen:
        raise MissingFieldsError(list(seen))
    if len(subject) > MAX_SUBJECT_CHARS:
        raise TemplateError([f"{SUBJECT}: longer than {MAX_SUBJECT_CHARS} characters once merged"])
    unsubscribe = context["unsubscribe"]
    if not isinstance(unsubscribe, str):
        unsubscribe = _one_line(branding.unsubscribe_text or "") or DEFAULT_UNSUBSCRIBE
    # Always at the bottom, unless the template already shows it (then once is enough).
    html = _branded_html(
        fragment, subject, branding, None if str(escape(unsubscribe)) in fragment else unsubscribe
    )
    text = _branded_text(text, branding, None if unsubscribe in text else unsubscribe)
    if len(text) > MAX_OUTPUT_CHARS:
        raise _too_long(TEXT)
    if len(html) > MAX_OUTPUT_CHARS:
        raise _too_long(HTML)
    return RenderedEmail(subject=subject, text=text, html=html)
