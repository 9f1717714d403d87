"""Email rendering: merge fields, escaping, the sandbox and the agency's branding."""

from __future__ import annotations

import pickle
import time
from html.parser import HTMLParser
from typing import Any

import pytest
from markupsafe import Markup

from app.mail import render
from app.mail.account import BrandingSettings
from app.mail.render import (
    DEFAULT_ACCENT,
    DEFAULT_PRIMARY,
    DEFAULT_UNSUBSCRIBE,
    KNOWN_FIELDS,
    LOGO_CID,
    MAX_NESTING,
    MAX_OUTPUT_CHARS,
    MAX_TEMPLATE_BODY,
    MAX_TEMPLATE_SUBJECT,
    MissingFieldsError,
    TemplateError,
    TemplateSource,
    check_template,
    fields_used,
    render_email,
)

BRANDING = BrandingSettings(
    agency_name="Brightpath Talent",
    primary_color="#aa1122",
    accent_color="#112233",
    footer="Brightpath Talent · 12 Harbor St, Austin TX",
    unsubscribe_text="Reply STOP to opt out.",
)


def values(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "candidate": {
            "first_name": "Ana",
            "last_name": "Silva",
            "full_name": "Ana Silva",
            "current_title": "Data Engineer",
            "email": "ana@example.com",
        },
        "job": {"title": "Senior Data Engineer", "location": "Austin, TX"},
        "client": {"name": "Northstar Fintech"},
        "recruiter": {"name": "Jo Park", "email": "jo@brightpath.example", "signature": "Jo"},
        "agency": {"name": "Brightpath Talent"},
        "unsubscribe": "Reply STOP to opt out.",
    }
    for dotted, value in overrides.items():
        root, _, attr = dotted.partition("__")
        if attr:
            base[root] = {**base[root], attr: value}
        else:
            base[root] = value
    return base


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs))


def parsed(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


# --- escaping and headers -------------------------------------------------------------------


def test_a_script_in_a_name_is_escaped_in_html_but_kept_verbatim_in_text() -> None:
    source = TemplateSource(
        "Hello {{ candidate.first_name }}",
        "Hi {{ candidate.first_name }},",
        "<p>Hi <b>{{ candidate.first_name }}</b>,</p>",
    )
    email = render_email(source, values(candidate__first_name="<script>x()</script>"), BRANDING)

    assert "Hi <script>x()</script>," in email.text
    assert "&lt;script&gt;x()&lt;/script&gt;" in email.html
    tags = parsed(email.html).tags
    assert "script" not in tags
    assert "b" in tags  # the template's own markup is kept


def test_a_value_passed_as_markup_is_still_escaped() -> None:
    email = render_email(
        TemplateSource("s", "Hi {{ candidate.first_name }}"),
        values(candidate__first_name=Markup("<img src=x onerror=alert(1)>")),
        BRANDING,
    )
    assert "<img src=x" not in email.html
    assert "&lt;img src=x onerror=alert(1)&gt;" in email.html


def test_the_subject_is_one_line_without_control_characters() -> None:
    source = TemplateSource("Hi {{ candidate.first_name }}\r\n{{ job.title }}", "Body")
    name = "Ana\r\nBcc: everyone@example.com\x00\x07\u2028x"

    email = render_email(source, values(candidate__first_name=name), BRANDING)

    assert email.subject == "Hi Ana Bcc: everyone@example.com x Senior Data Engineer"
    assert not any(ch in email.subject for ch in "\r\n\x00\x07\u2028")


def test_escapes_bidi_overrides_and_lone_surrogates_leave_subject_and_text() -> None:
    source = TemplateSource("Hi {{ candidate.first_name }}", "Dear {{ candidate.first_name }},")
    name = "Ana\x1b[2J\u202eanaS\ud800\x9b"

    email = render_email(source, values(candidate__first_name=name), BRANDING)

    assert email.subject == "Hi Ana[2JanaS"
    assert email.text.startswith("Dear Ana[2JanaS,")
    assert all(ch not in email.text + email.html for ch in "\x1b\u202e\ud800\x9b")


def test_the_subject_is_not_escaped_and_the_text_keeps_ampersands() -> None:
    email = render_email(
        TemplateSource("{{ client.name }} & you", "At {{ client.name }}"),
        values(client__name="Atlas Freight & Supply"),
        BRANDING,
    )
    assert email.subject == "Atlas Freight & Supply & you"
    assert "At Atlas Freight & Supply" in email.text
    assert "At Atlas Freight &amp; Supply" in email.html


# --- missing and unknown fields -------------------------------------------------------------


def test_the_default_filter_gives_a_fallback_for_a_missing_value() -> None:
    source = TemplateSource("Hi {{ candidate.first_name | default('there') }}", "Hello")

    assert render_email(source, values(candidate__first_name=None), BRANDING).subject == "Hi there"
    assert render_email(source, values(candidate__first_name="  "), BRANDING).subject == "Hi there"
    assert render_email(source, values(), BRANDING).subject == "Hi Ana"


def test_a_guarded_missing_value_is_not_an_error() -> None:
    source = TemplateSource(
        "s", "{% if job.location %}Based in {{ job.location }}.{% else %}Remote.{% endif %}"
    )
    email = render_email(source, values(job__location=""), BRANDING)
    assert email.text.startswith("Remote.")


def test_every_missing_field_is_listed_once_in_order_of_use() -> None:
    source = TemplateSource(
        "{{ job.title }} at {{ client.name }}",
        "Hi {{ candidate.first_name }}, {{ job.title }} again",
        "<p>{{ recruiter.signature }}</p>",
    )
    incomplete = values(job__title=None, candidate__first_name="", recruiter__signature=None)

    with pytest.raises(MissingFieldsError) as raised:
        render_email(source, incomplete, BRANDING)

    assert raised.value.fields == ["job.title", "candidate.first_name", "recruiter.signature"]
    assert "job.title" in str(raised.value)


def test_a_missing_group_counts_as_missing_fields() -> None:
    source = TemplateSource("About {{ job.title }}", "{{ client.name }}")
    with pytest.raises(MissingFieldsError) as raised:
        render_email(source, {"candidate": {"first_name": "Ana"}}, BRANDING)
    assert raised.value.fields == ["job.title", "client.name"]


def test_an_unknown_field_is_a_template_error_naming_part_line_and_field() -> None:
    source = TemplateSource("Hi", "Hello,\n\nDear {{ candidate.frist_name }}")

    problems = check_template(source)
    assert problems == [
        'Text, line 3: unknown merge field "candidate.frist_name"'
        ' (did you mean "candidate.first_name"?)'
    ]
    with pytest.raises(TemplateError) as raised:
        render_email(source, values(), BRANDING)
    assert raised.value.problems == problems


def test_unknown_fields_are_found_even_in_a_branch_that_would_not_render() -> None:
    source = TemplateSource(
        "{{ salary }}", "ok", "<p>\n{% if false %}{{ job.salary }}{% endif %}\n</p>"
    )
    assert check_template(source) == [
        'Subject: unknown merge field "salary"',
        'HTML, line 2: unknown merge field "job.salary"',
    ]


def test_a_group_without_a_field_is_refused() -> None:
    assert check_template(TemplateSource("s", "{{ candidate }}")) == [
        'Text, line 1: "candidate" needs a field, such as "candidate.first_name"'
    ]


def test_a_syntax_error_names_part_and_line() -> None:
    problems = check_template(TemplateSource("s", "one\ntwo {{ job.title\nthree"))
    assert len(problems) == 1
    assert problems[0].startswith("Text, line ")
    assert check_template(TemplateSource("{% if %}", "x"))[0].startswith("Subject: ")


def test_a_correct_template_has_no_problems_and_lists_its_fields() -> None:
    source = TemplateSource(
        "{{ job.title }}",
        "{% if candidate.first_name %}Hi {{ candidate.first_name | title }}{% endif %}\n"
        "{{ recruiter.signature | default('') }} {{ unsubscribe }}",
        "<p>{{ candidate['last_name'] }} {{ client.name ~ '!' }}</p>",
    )
    assert check_template(source) == []
    assert fields_used(source) == {
        "job.title",
        "candidate.first_name",
        "recruiter.signature",
        "unsubscribe",
        "candidate.last_name",
        "client.name",
    }


def test_fields_used_includes_unknown_names_so_callers_can_compare() -> None:
    used = fields_used(TemplateSource("{{ job.title }}", "{{ candidate.nickname }}"))
    assert used == {"job.title", "candidate.nickname"}
    assert "candidate.nickname" not in KNOWN_FIELDS


def test_every_known_field_can_be_merged() -> None:
    body = "\n".join(f"{{{{ {field} }}}}" for field in KNOWN_FIELDS)
    email = render_email(TemplateSource("s", body), values(), BRANDING)
    for expected in ("Ana", "Silva", "Data Engineer", "ana@example.com", "Northstar Fintech"):
        assert expected in email.text


# --- the sandbox ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ range(10**9) | list }}",
        "{{ 10 ** 10 ** 10 }}",
        "{{ 'x' * 100000000 }}",
        "{{ '%0999999999d' % 1 }}",
        "{{ candidate.first_name.__class__ }}",
        "{{ candidate.first_name.upper() }}",
        "{{ self.__init__ }}",
        "{{ lipsum() }}",
        "{% for i in candidate.first_name %}{{ i }}{% endfor %}",
        "{% set x = candidate.first_name %}{{ x }}",
        "{% include 'other.html' %}",
        "{% macro m() %}x{% endmacro %}{{ m() }}",
        "{{ candidate.first_name | safe }}",
        "{{ candidate.first_name | attr('__class__') }}",
        "{% autoescape false %}{{ candidate.first_name }}{% endautoescape %}",
    ],
)
def test_the_sandbox_refuses_escapes_and_expensive_expressions(body: str) -> None:
    source = TemplateSource("Hi", body)
    assert check_template(source)
    with pytest.raises(TemplateError):
        render_email(source, values(), BRANDING)


def test_output_is_capped_quickly() -> None:
    source = TemplateSource("s", "{{ recruiter.signature }}\n" * 400)
    started = time.perf_counter()

    with pytest.raises(TemplateError) as raised:
        render_email(source, values(recruiter__signature="y" * 1000), BRANDING)

    assert time.perf_counter() - started < 1.0
    assert raised.value.problems == [
        f"Text: longer than {MAX_OUTPUT_CHARS:,} characters once merged"
    ]


def test_a_subject_too_long_once_merged_is_refused() -> None:
    source = TemplateSource("{{ job.title }}", "x")
    with pytest.raises(TemplateError, match="Subject"):
        render_email(source, values(job__title="Engineer " * 50), BRANDING)


def test_errors_keep_their_details_through_pickling() -> None:
    error = pickle.loads(pickle.dumps(TemplateError(["Text, line 1: bad"])))
    missing = pickle.loads(pickle.dumps(MissingFieldsError(["job.title"])))
    assert error.problems == ["Text, line 1: bad"]
    assert missing.fields == ["job.title"]


# --- branding -------------------------------------------------------------------------------


def test_branding_is_in_both_parts() -> None:
    email = render_email(
        TemplateSource("s", "Hello {{ candidate.first_name }}"), values(), BRANDING
    )

    assert "Brightpath Talent" in email.html
    assert "#aa1122" in email.html and "#112233" in email.html
    assert "Brightpath Talent · 12 Harbor St, Austin TX" in email.html
    assert email.html.rstrip().endswith("</html>")
    assert "<table" in email.html and "<style" not in email.html  # inline styles only
    lines = email.text.rstrip("\n").split("\n")
    assert lines[0] == "Hello Ana"
    assert lines[-3:] == [
        "Brightpath Talent · 12 Harbor St, Austin TX",
        "",
        "Reply STOP to opt out.",
    ]


def test_the_same_branding_wraps_different_templates() -> None:
    def frame(html: str, body: str) -> tuple[str, str]:
        _, _, page = html.partition("</title></head>")
        before, found, after = page.partition(body)
        assert found
        return before, after

    one = render_email(TemplateSource("a", "First"), values(), BRANDING).html
    two = render_email(TemplateSource("b", "Second", "<p>Second</p>"), values(), BRANDING).html

    assert frame(one, '<p style="margin:0 0 16px 0;">First</p>') == frame(two, "<p>Second</p>")


def test_the_logo_is_referenced_by_content_id_only_when_there_is_one() -> None:
    source = TemplateSource("s", "Body")
    without = render_email(source, values(), BRANDING)
    with_logo = render_email(
        source,
        values(),
        BrandingSettings(agency_name="B & Co", logo=b"\x89PNG", logo_mime="image/png"),
    )

    assert parsed(without.html).images == []
    [image] = parsed(with_logo.html).images
    assert image["src"] == f"cid:{LOGO_CID}"
    assert image["alt"] == "B & Co"


def test_invalid_colours_fall_back_to_the_defaults() -> None:
    branding = BrandingSettings(
        agency_name="X", primary_color="red;background:url(x)", accent_color="#12345"
    )
    html = render_email(TemplateSource("s", "Body"), values(), branding).html
    assert DEFAULT_PRIMARY in html and DEFAULT_ACCENT in html
    assert "url(x)" not in html and "#12345;" not in html


def test_unsubscribe_text_is_at_the_bottom_once() -> None:
    plain = render_email(TemplateSource("s", "Body"), values(unsubscribe=None), BrandingSettings())
    assert plain.text.rstrip().endswith(DEFAULT_UNSUBSCRIBE)
    assert "and we will not email you again." in plain.html

    inline = render_email(
        TemplateSource("s", "Body\n\n{{ unsubscribe }}"), values(), BrandingSettings()
    )
    assert inline.text.count("Reply STOP to opt out.") == 1
    assert inline.html.count("Reply STOP to opt out.") == 1


def test_html_is_made_from_text_when_the_template_has_none() -> None:
    text = (
        "Hi {{ candidate.first_name }},\n\n"
        "See https://jobs.example/7?a=1&b=2.\nThanks\n\n\n"
        "{{ recruiter.signature | nl2br }}"
    )
    email = render_email(
        TemplateSource("s", text), values(recruiter__signature="Jo <Park>\nBrightpath"), BRANDING
    )

    assert '<p style="margin:0 0 16px 0;">Hi Ana,</p>' in email.html
    assert (
        'See <a href="https://jobs.example/7?a=1&amp;b=2" style="color:#aa1122;">'
        "https://jobs.example/7?a=1&amp;b=2</a>.<br>\nThanks</p>"
    ) in email.html
    assert "Jo &lt;Park&gt;<br>\nBrightpath" in email.html
    assert "Jo <Park>\nBrightpath" in email.text  # nl2br leaves the text part alone


def test_nl2br_in_an_html_template_escapes_then_breaks_lines() -> None:
    email = render_email(
        TemplateSource("s", "x", "<p>{{ recruiter.signature | nl2br }}</p>"),
        values(recruiter__signature="<b>Jo</b>\nBrightpath"),
        BRANDING,
    )
    assert "<p>&lt;b&gt;Jo&lt;/b&gt;<br>\nBrightpath</p>" in email.html


def test_a_pasted_whole_page_is_reduced_to_its_body() -> None:
    page = "<html><head><title>x</title></head><body bgcolor=red><p>Inside</p></body></html>"
    html = render_email(TemplateSource("s", "x", page), values(), BRANDING).html
    assert "<p>Inside</p>" in html
    assert html.count("<html") == 1 and "bgcolor" not in html


# --- bounds: size and nesting, checked before Jinja parses ----------------------------------

TOO_DEEP = "the template is nested too deeply"


def _nested_ifs(count: int) -> str:
    return "{% if candidate.first_name %}\n" * count + "x" + "{% endif %}" * count


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("{{ " + "(" * 70 + "candidate.first_name" + ")" * 70 + " }}", 1),
        ("Hi\n{{ " + "[" * 200 + "candidate.first_name" + "]" * 200 + " }}", 2),
        (_nested_ifs(244), MAX_NESTING + 1),
        ("{{ candidate.first_name" + " | lower" * 500 + " }}", 1),
        ("{% if " + " and ".join(["candidate.first_name"] * 800) + " %}x{% endif %}", 1),
    ],
    ids=["70 parentheses", "200 brackets", "244 ifs", "500 filters", "800 ands"],
)
def test_deep_nesting_is_a_template_error_with_its_line(body: str, line: int) -> None:
    source = TemplateSource("Hi", body)
    expected = f"Text, line {line}: {TOO_DEEP}"

    [problem] = check_template(source)
    assert problem.startswith(expected)
    with pytest.raises(TemplateError) as raised:
        render_email(source, values(), BRANDING)
    assert raised.value.problems == [problem]


def test_nesting_the_scan_cannot_see_is_caught_when_parsing() -> None:
    source = TemplateSource("Hi", "{{ " + "not " * 5_000 + "candidate.first_name }}")
    [problem] = check_template(source)
    assert problem.startswith(f"Text: {TOO_DEEP}")


def test_nesting_is_checked_in_every_part() -> None:
    deep = "{{ " + "(" * 30 + "candidate.first_name" + ")" * 30 + " }}"
    problems = check_template(TemplateSource(deep, deep, f"<p>{deep}</p>"))
    assert [p.split(":")[0] for p in problems] == ["Subject", "Text, line 1", "HTML, line 1"]


def test_nesting_up_to_the_bound_renders() -> None:
    condition = "(" * MAX_NESTING + "candidate.first_name" + " | lower" * 20 + ")" * MAX_NESTING
    body = "{% if " + condition + " %}\n" + _nested_ifs(MAX_NESTING - 1) + "{% endif %}"
    source = TemplateSource("Hi", body)
    assert check_template(source) == []
    assert render_email(source, values(), BRANDING).text.startswith("x")


@pytest.mark.parametrize("filters", [600, 5_000], ids=["compiler", "checker"])
def test_recursing_past_the_limit_is_still_a_template_error(
    monkeypatch: pytest.MonkeyPatch, filters: int
) -> None:
    """With the depth bound lifted, a long chain recurses too deep in Jinja's compiler (600
    filters) or in the checker's own walk (5,000): either way the fallback turns the
    RecursionError into the same template error."""
    monkeypatch.setattr(render, "MAX_TREE_DEPTH", 100_000)
    body = "{{ candidate.first_name" + " | lower" * filters + " }} fallback"
    with pytest.raises(TemplateError) as raised:
        render_email(TemplateSource("Hi", body), values(), BRANDING)
    assert raised.value.problems == [
        f"Text: {TOO_DEEP}; use fewer brackets, {{% if %}} blocks or filters inside one another"
    ]


def test_an_oversized_part_is_refused_before_it_is_read() -> None:
    body = "Hello {{ candidate.first_name }}, " * 40_000  # 1.3 MB
    started = time.perf_counter()

    problems = check_template(TemplateSource("s" * (MAX_TEMPLATE_SUBJECT + 1), body, body))
    with pytest.raises(TemplateError):
        render_email(TemplateSource("Hi", body), values(), BRANDING)

    assert time.perf_counter() - started < 0.5
    assert problems == [
        f"Subject: longer than {MAX_TEMPLATE_SUBJECT} characters (301); shorten it",
        f"Text: longer than {MAX_TEMPLATE_BODY:,} characters ({len(body):,}); shorten it",
        f"HTML: longer than {MAX_TEMPLATE_BODY:,} characters ({len(body):,}); shorten it",
    ]
    at_the_cap = TemplateSource("s" * MAX_TEMPLATE_SUBJECT, "b" * MAX_TEMPLATE_BODY)
    assert check_template(at_the_cap) == []
