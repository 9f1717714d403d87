"""Email templates as a use case: saving (checked, audited), archiving, merge values, previews."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.mail.account import AccountSettings, BrandingSettings
from app.mail.render import DEFAULT_UNSUBSCRIBE, TemplateSource
from app.services.admin import sample_data as sd
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.engagement.mail_settings import load_account, load_branding
from app.services.engagement.templates import (
    NAME_TAKEN,
    TemplateInput,
    archive_template,
    get_template,
    list_templates,
    merge_values,
    preview,
    render_for_candidate,
    save_template,
)
from app.store.database import Database
from app.store.engagement import Branding, MailAccount
from app.store.models import CandidateEmail
from tests.support import AuditWatch, count_rows, fail_on_changed, sqlite_rows

# Names the demo data does not use, so these tests hold whether or not it has templates.
GOOD = TemplateInput(
    name="Test: checking in",
    subject="Hi {{ candidate.first_name | default('there') }}",
    body_text="Hello {{ candidate.first_name }},\r\n\r\nAny news?\n",
)


@dataclass(frozen=True)
class DemoPick:
    candidate_id: int
    first_name: str
    last_name: str
    current_title: str | None
    email: str
    job_id: int
    job_title: str
    job_location: str | None
    client_name: str


@pytest.fixture
def pick(demo_database: Database) -> DemoPick:
    """A demo candidate with an email and an application, read with plain sqlite3."""
    [row] = sqlite_rows(
        demo_database.path,
        "SELECT c.id, c.first_name, c.last_name, c.current_title,"
        " (SELECT e.email FROM candidate_emails e WHERE e.candidate_id = c.id"
        "  ORDER BY e.position, e.id LIMIT 1),"
        " j.id, j.title, j.location, cl.name"
        " FROM candidates c JOIN applications a ON a.candidate_id = c.id"
        " JOIN jobs j ON j.id = a.job_id JOIN clients cl ON cl.id = j.client_id"
        " WHERE c.current_title IS NOT NULL AND j.location IS NOT NULL"
        " AND EXISTS (SELECT 1 FROM candidate_emails e WHERE e.candidate_id = c.id)"
        " ORDER BY c.id LIMIT 1",
    )
    return DemoPick(*row)


def add_demo_mail_settings(database: Database) -> None:
    with database.sessions.begin() as session:
        session.merge(MailAccount(id=1, **sd.DEMO_MAIL_ACCOUNT))
        session.merge(Branding(id=1, **sd.DEMO_BRANDING))


def set_branding(database: Database, agency_name: str) -> None:
    with database.sessions.begin() as session:
        session.merge(Branding(id=1, agency_name=agency_name, unsubscribe_text=None))


# --- saving ---------------------------------------------------------------------------------


def test_save_creates_a_template_with_its_audit_entry(
    demo_ctx: ServiceContext, demo_database: Database
) -> None:
    watch = AuditWatch(demo_database)

    result = save_template(demo_ctx, GOOD)

    assert result.changes.ids == {ChangeKind.EMAIL_TEMPLATES: frozenset({result.value})}
    row = get_template(demo_ctx, result.value)
    assert (row.name, row.subject, row.archived) == ("Test: checking in", GOOD.subject, False)
    assert row.body_text == "Hello {{ candidate.first_name }},\n\nAny news?"
    assert row.body_html is None
    assert row.source == TemplateSource(row.subject, row.body_text, None)
    [entry] = watch.new()
    assert (entry.action, entry.entity_type, entry.entity_id) == (
        "email_template.create",
        "email_template",
        result.value,
    )
    assert entry.after["name"] == "Test: checking in" and entry.user_id == demo_ctx.actor.user_id


def test_required_fields_are_refused_and_nothing_is_written(
    demo_ctx: ServiceContext, demo_database: Database
) -> None:
    watch = AuditWatch(demo_database)
    before = count_rows(demo_database, "email_templates")
    with pytest.raises(ValidationError) as raised:
        save_template(demo_ctx, TemplateInput(name="  ", subject="", body_text="\n \n"))
    assert raised.value.errors == {
        "name": "Name is required.",
        "subject": "Subject is required.",
        "body_text": "Plain-text body is required.",
    }
    assert count_rows(demo_database, "email_templates") == before
    assert watch.new() == []


def test_template_problems_are_reported_on_their_own_field(demo_ctx: ServiceContext) -> None:
    data = TemplateInput(
        name="Broken",
        subject="About {{ job.titel }}",
        body_text="Hi {{ candidate.first_name }}",
        body_html="<p>Hi</p>\n<p>{{ ''.__class__ }}</p>\n{% for x in y %}{% endfor %}",
    )
    with pytest.raises(ValidationError) as raised:
        save_template(demo_ctx, data)

    errors = raised.value.errors
    assert set(errors) == {"subject", "body_html"}
    assert errors["subject"] == (
        'Subject: unknown merge field "job.titel" (did you mean "job.title"?)'
    )
    html_lines = errors["body_html"].split("\n")
    assert len(html_lines) == 2
    assert html_lines[0].startswith("HTML, line 2: ")
    assert html_lines[1] == "HTML, line 3: {% for %} loops cannot be used in an email template"


def test_oversized_parts_are_refused(demo_ctx: ServiceContext) -> None:
    data = TemplateInput(name="N" * 121, subject="s" * 301, body_text="b" * 100_001)
    with pytest.raises(ValidationError) as raised:
        save_template(demo_ctx, data)
    assert raised.value.errors == {
        "name": "At most 120 characters.",
        "subject": "At most 300 characters.",
        "body_text": "At most 100,000 characters.",
    }


def test_control_characters_are_dropped_from_a_saved_template(
    ctx: ServiceContext, database: Database
) -> None:
    data = TemplateInput(
        name="Hello\x00 again\x1b",
        subject="Hi {{ candidate.first_name }}\x1b[2J",
        body_text="Dear {{ candidate.first_name }},\r\n\tIndented\x00 line\u202e\r\n",
    )
    template_id = save_template(ctx, data).value
    saved = get_template(ctx, template_id)
    assert (saved.name, saved.subject, saved.body_text) == (
        "Hello again",
        "Hi {{ candidate.first_name }}[2J",
        "Dear {{ candidate.first_name }},\n\tIndented line",
    )


def test_a_name_is_unique_ignoring_case_even_among_archived_templates(
    demo_ctx: ServiceContext,
) -> None:
    first = save_template(demo_ctx, GOOD).value
    archive_template(demo_ctx, first)

    with pytest.raises(ValidationError) as raised:
        save_template(demo_ctx, TemplateInput("TEST: CHECKING IN", "s", "b"))
    assert raised.value.errors == {"name": NAME_TAKEN}

    # Renaming a template to its own name in another case is fine.
    save_template(demo_ctx, TemplateInput("test: Checking In", GOOD.subject, GOOD.body_text), first)
    assert get_template(demo_ctx, first).name == "test: Checking In"


def test_an_update_audits_only_what_changed_and_a_no_op_audits_nothing(
    demo_ctx: ServiceContext, demo_database: Database
) -> None:
    template_id = save_template(demo_ctx, GOOD).value
    watch = AuditWatch(demo_database)
    changed = TemplateInput(GOOD.name, GOOD.subject, GOOD.body_text, "<p>{{ job.title }}</p>")

    result = save_template(demo_ctx, changed, template_id)
    again = save_template(demo_ctx, changed, template_id)

    assert result.value == template_id
    assert result.changes.ids == {ChangeKind.EMAIL_TEMPLATES: frozenset({template_id})}
    assert again.changes.ids == {}
    [entry] = watch.new()
    assert entry.action == "email_template.update"
    assert entry.before == {"body_html": None}
    assert entry.after == {"body_html": "<p>{{ job.title }}</p>"}
    assert get_template(demo_ctx, template_id).body_html == "<p>{{ job.title }}</p>"


def test_missing_templates_are_reported(demo_ctx: ServiceContext) -> None:
    with pytest.raises(NotFoundError):
        get_template(demo_ctx, 999)
    with pytest.raises(NotFoundError):
        save_template(demo_ctx, GOOD, 999)
    with pytest.raises(NotFoundError):
        archive_template(demo_ctx, 999)


def test_a_failed_save_leaves_no_row_and_no_audit_entry(
    demo_ctx: ServiceContext, demo_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    watch = AuditWatch(demo_database)
    before = count_rows(demo_database, "email_templates")
    fail_on_changed(monkeypatch)
    with pytest.raises(RuntimeError, match="injected"):
        save_template(demo_ctx, GOOD)
    assert count_rows(demo_database, "email_templates") == before
    assert watch.new() == []


def test_archive_hides_and_restore_shows_with_one_audit_entry_each(
    demo_ctx: ServiceContext, demo_database: Database
) -> None:
    kept = save_template(demo_ctx, TemplateInput("Test b second", "s", "b")).value
    hidden = save_template(demo_ctx, TemplateInput("test A first", "s", "b")).value
    ours = {kept, hidden}

    def listed(include_archived: bool = False) -> list[int]:
        rows = list_templates(demo_ctx, include_archived=include_archived)
        return [row.id for row in rows if row.id in ours]

    watch = AuditWatch(demo_database)

    archived = archive_template(demo_ctx, hidden)
    repeated = archive_template(demo_ctx, hidden)

    assert archived.changes.ids == {ChangeKind.EMAIL_TEMPLATES: frozenset({hidden})}
    assert repeated.changes.ids == {}
    assert listed() == [kept]
    assert listed(include_archived=True) == [hidden, kept]  # by name, ignoring case
    archive_template(demo_ctx, hidden, archived=False)
    assert listed() == [hidden, kept]
    assert [(e.action, e.after) for e in watch.new()] == [
        ("email_template.archive", {"archived": True}),
        ("email_template.restore", {"archived": False}),
    ]


# --- merge values and rendering -------------------------------------------------------------


def test_merge_values_for_a_demo_candidate_and_job(
    demo_ctx: ServiceContext, pick: DemoPick
) -> None:
    account = AccountSettings(
        host="smtp.example", from_name="", from_address="jo@agency.example", signature="Jo"
    )
    branding = BrandingSettings(agency_name="Brightpath Talent")
    with demo_ctx.read() as session:
        values = merge_values(session, pick.candidate_id, pick.job_id, account, branding, "Jo P")

    assert values["candidate"] == {
        "first_name": pick.first_name,
        "last_name": pick.last_name,
        "full_name": f"{pick.first_name} {pick.last_name}",
        "current_title": pick.current_title,
        "email": pick.email,
    }
    assert values["job"] == {"title": pick.job_title, "location": pick.job_location}
    assert values["client"] == {"name": pick.client_name}
    assert values["recruiter"] == {"name": "Jo P", "email": "jo@agency.example", "signature": "Jo"}
    assert values["agency"] == {"name": "Brightpath Talent"}
    assert values["unsubscribe"] == DEFAULT_UNSUBSCRIBE


def test_merge_values_prefer_the_account_and_branding_and_position_0_email(
    demo_ctx: ServiceContext, demo_database: Database, pick: DemoPick
) -> None:
    with demo_database.sessions.begin() as session:
        for email in session.scalars(
            select(CandidateEmail).where(CandidateEmail.candidate_id == pick.candidate_id)
        ):
            email.position += 1
        session.add(
            CandidateEmail(candidate_id=pick.candidate_id, email="new@example.com", position=0)
        )
    account = AccountSettings(
        from_name="Brightpath", from_address="r@b.example", reply_to="x@b.example"
    )
    branding = BrandingSettings(unsubscribe_text="Reply STOP.")
    with demo_ctx.read() as session:
        values = merge_values(session, pick.candidate_id, None, account, branding, "Jo P")

    assert values["candidate"]["email"] == "new@example.com"
    assert values["recruiter"]["name"] == "Brightpath"
    assert values["recruiter"]["email"] == "x@b.example"
    assert values["unsubscribe"] == "Reply STOP."
    assert values["job"] == {"title": None, "location": None}
    assert values["client"] == {"name": None}


def test_merge_values_for_missing_records_raise(demo_ctx: ServiceContext, pick: DemoPick) -> None:
    with demo_ctx.read() as session, pytest.raises(NotFoundError, match="Candidate"):
        merge_values(session, 10**6, None, AccountSettings(), BrandingSettings(), "x")
    with demo_ctx.read() as session, pytest.raises(NotFoundError, match="Job"):
        merge_values(session, pick.candidate_id, 10**6, AccountSettings(), BrandingSettings(), "x")


def test_render_for_candidate_merges_brands_and_escapes(
    demo_ctx: ServiceContext, demo_database: Database, pick: DemoPick
) -> None:
    add_demo_mail_settings(demo_database)
    source = TemplateSource(
        "{{ job.title }} at {{ client.name }}",
        "Hi {{ candidate.first_name }} & co",
        "<p>Hi {{ client.name }}</p>",
    )
    with demo_ctx.read() as session:
        email = render_for_candidate(
            session,
            source,
            pick.candidate_id,
            pick.job_id,
            load_account(session),
            load_branding(session),
            "Jo P",
        )

    assert email.subject == f"{pick.job_title} at {pick.client_name}"
    assert email.text.startswith(f"Hi {pick.first_name} & co\n")
    assert sd.DEMO_BRANDING["unsubscribe_text"] in email.text
    assert sd.DEMO_BRANDING["primary_color"] in email.html
    assert f"<p>Hi {pick.client_name.replace('&', '&amp;')}</p>" in email.html


# --- previews -------------------------------------------------------------------------------


def test_preview_renders_with_the_saved_branding_and_the_actors_name(
    demo_ctx: ServiceContext, demo_database: Database, pick: DemoPick
) -> None:
    set_branding(demo_database, "Preview Agency & Co")
    with demo_database.sessions.begin() as session:
        session.merge(MailAccount(id=1, from_name=""))  # so the recruiter is the actor
    source = TemplateSource("Hi", "From {{ recruiter.name }} at {{ agency.name }}")

    result = preview(demo_ctx, source, pick.candidate_id)

    assert result.problems == []
    assert result.rendered is not None
    assert result.rendered.text.startswith("From Tester at Preview Agency & Co")
    assert "Preview Agency &amp; Co" in result.rendered.html


def test_preview_lists_template_problems_instead_of_raising(
    demo_ctx: ServiceContext, pick: DemoPick
) -> None:
    source = TemplateSource("Hi", "Dear {{ candidate.frist_name }}\n{{ range(10) }}")
    result = preview(demo_ctx, source, pick.candidate_id, pick.job_id)
    assert result.rendered is None
    assert result.problems == [
        'Text, line 1: unknown merge field "candidate.frist_name"'
        ' (did you mean "candidate.first_name"?)',
        "Text, line 2: function calls cannot be used in an email template",
    ]


def test_preview_lists_missing_values_for_the_chosen_recipient(
    demo_ctx: ServiceContext, demo_database: Database, pick: DemoPick
) -> None:
    set_branding(demo_database, "")
    source = TemplateSource("{{ job.title }}", "At {{ client.name }}; {{ agency.name }}")
    result = preview(demo_ctx, source, pick.candidate_id)  # no job, no agency name
    assert result.rendered is None
    assert [problem.split("”")[0] + "”" for problem in result.problems] == [
        "No job is chosen for “Job: title”",
        "No job is chosen for “Client: name”",
        "No value for “Agency: name”",
    ]
    assert result.problems[0].endswith('give a fallback such as {{ job.title | default("…") }}')
    assert "in Settings" in result.problems[2]
    pick_source = TemplateSource("Hi", "{{ candidate.current_title }} {{ job.location }}")
    with demo_ctx.sessions() as session, session.begin():
        from app.store.models import Candidate, Job

        session.get(Candidate, pick.candidate_id).current_title = None
        session.get(Job, pick.job_id).location = None
    lacking = preview(demo_ctx, pick_source, pick.candidate_id, pick.job_id).problems
    assert [problem.split("”")[0] + "”" for problem in lacking] == [
        "No value for “Candidate: current title”",
        "The job has no value for “Job: location”",
    ]


def test_preview_of_a_deleted_candidate_raises(demo_ctx: ServiceContext) -> None:
    with pytest.raises(NotFoundError):
        preview(demo_ctx, TemplateSource("s", "b"), 10**6)


# --- demo data ------------------------------------------------------------------------------


def test_the_demo_templates_are_valid_and_render_for_a_demo_candidate(
    demo_ctx: ServiceContext, demo_database: Database, pick: DemoPick
) -> None:
    add_demo_mail_settings(demo_database)
    assert len({t.name for t in sd.EMAIL_TEMPLATES}) == len(sd.EMAIL_TEMPLATES)
    for demo in sd.EMAIL_TEMPLATES:
        assert (
            TemplateInput(demo.name, demo.subject, demo.body_text, demo.body_html).validate() == {}
        )
        source = TemplateSource(demo.subject, demo.body_text, demo.body_html)
        result = preview(demo_ctx, source, pick.candidate_id, pick.job_id)
        assert result.problems == [], demo.name
        assert result.rendered is not None
        assert "{{" not in result.rendered.text and "{%" not in result.rendered.html
        assert pick.first_name in result.rendered.text
        assert sd.DEMO_AGENCY in result.rendered.html


def test_the_demo_account_has_no_password_and_points_at_a_local_relay(
    demo_ctx: ServiceContext, demo_database: Database
) -> None:
    add_demo_mail_settings(demo_database)
    with demo_ctx.read() as session:
        account = load_account(session)
    assert (account.host, account.port, account.security) == ("localhost", 1025, "none")
    assert account.from_address == "recruiting@brightpath.example"
    assert not any("password" in key for key in sd.DEMO_MAIL_ACCOUNT)


# --- what every email needs -----------------------------------------------------------------


def test_every_merge_field_has_a_name_for_people() -> None:
    from app.mail.render import KNOWN_FIELDS
    from app.services.engagement.templates import FIELD_LABELS, field_label

    assert set(FIELD_LABELS) == set(KNOWN_FIELDS)
    assert field_label("job.title") == "“Job: title”"


def test_blank_parts_name_the_missing_subject_and_text() -> None:
    from app.services.engagement.templates import NO_SUBJECT, NO_TEXT, blank_parts

    assert blank_parts(TemplateSource("Hi", "Hello")) == {}
    assert blank_parts(TemplateSource(" \t", "Hello")) == {"subject": NO_SUBJECT}
    assert blank_parts(TemplateSource("", "\n\n", "<p>only html</p>")) == {
        "subject": NO_SUBJECT,
        "body_text": NO_TEXT,
    }


def test_what_merges_to_nothing_is_found_for_each_recipient() -> None:
    from app.mail.render import render_email
    from app.services.engagement.templates import SUBJECT_BLANK, TEXT_BLANK, blank_once_merged

    branding = BrandingSettings(agency_name="Acme", footer="Acme, 1 Main St")
    source = TemplateSource(
        '{{ candidate.current_title | default("") }}',
        '{{ candidate.current_title | default("") }}\n',
    )
    values = {"candidate": {"first_name": "Ana"}, "unsubscribe": "Reply stop"}
    rendered = render_email(source, values, branding)
    assert rendered.text.strip()  # the footer is there: the text alone is what counts
    assert blank_once_merged(source, values, branding, rendered) == [SUBJECT_BLANK, TEXT_BLANK]
    titled = {**values, "candidate": {"current_title": "Analyst"}}
    assert blank_once_merged(source, titled, branding, render_email(source, titled, branding)) == []
    long_text = TemplateSource(  # merged in the subject's place, it is too long: not blank
        "Hi", "{% if candidate.first_name %}" + "x" * 400 + "{% endif %}"
    )
    merged = render_email(long_text, values, branding)
    assert blank_once_merged(long_text, values, branding, merged) == []
