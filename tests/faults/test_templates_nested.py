"""Hostile templates through every use case that reads one: save, preview, plan and send.

Deep nesting (70 parentheses, 244 nested ``{% if %}``) once escaped as a ``RecursionError``
from each of them, and a 1.3 MB one-off body took 40 s to render. Both are now template
problems, reported the way any other mistake is (per field when saving, as preview problems,
as the send's blocking problems) and found before anything is rendered or queued.
"""

from __future__ import annotations

import time

import pytest

from app.mail.render import MAX_TEMPLATE_BODY, TemplateSource
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.engagement.campaigns import plan_send, send_one, send_to_candidates
from app.services.engagement.templates import TemplateInput, preview, save_template
from app.store.database import Database
from tests.services.engagement.test_campaigns import configure_mail, person
from tests.support import AuditWatch, count_rows

TOO_DEEP = "the template is nested too deeply"
PARENTHESES = "Hi {{ " + "(" * 70 + "candidate.first_name" + ")" * 70 + " }}"
IFS = "Hi\n" + "{% if candidate.first_name %}" * 244 + "x" + "{% endif %}" * 244
HUGE = "Hello {{ candidate.first_name }}, here is some news.\n" * 25_000  # 1.3 MB
HOSTILE = [
    pytest.param(
        TemplateSource(PARENTHESES, "Body"), "Subject", id="70 parentheses in the subject"
    ),
    pytest.param(TemplateSource("Hi", PARENTHESES), "Text, line 1", id="70 parentheses"),
    pytest.param(TemplateSource("Hi", IFS), "Text, line 2", id="244 nested ifs"),
    pytest.param(TemplateSource("Hi", "Body", f"<p>{IFS}</p>"), "HTML, line 2", id="in the HTML"),
]


@pytest.fixture
def mail(ctx: ServiceContext) -> ServiceContext:
    configure_mail(ctx)
    return ctx


@pytest.mark.parametrize(("source", "where"), HOSTILE)
def test_saving_reports_the_nesting_on_its_field(
    ctx: ServiceContext, database: Database, source: TemplateSource, where: str
) -> None:
    data = TemplateInput("Deep", source.subject, source.body_text, source.body_html)
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as raised:
        save_template(ctx, data)
    field = {"Subject": "subject", "Text": "body_text", "HTML": "body_html"}[where.split(",")[0]]
    assert list(raised.value.errors) == [field]
    assert raised.value.errors[field].startswith(f"{where}: {TOO_DEEP}")
    assert data.validate() == raised.value.errors
    assert watch.new() == []


@pytest.mark.parametrize(("source", "where"), HOSTILE)
def test_preview_lists_the_nesting_as_a_problem(
    mail: ServiceContext, source: TemplateSource, where: str
) -> None:
    shown = preview(mail, source, person(mail, "Ana"))
    assert shown.rendered is None
    [problem] = shown.problems
    assert problem.startswith(f"{where}: {TOO_DEEP}")


@pytest.mark.parametrize(("source", "where"), HOSTILE)
def test_sends_are_refused_before_anything_is_queued(
    mail: ServiceContext, database: Database, source: TemplateSource, where: str
) -> None:
    ana, ben = person(mail, "Ana"), person(mail, "Ben")
    plan = plan_send(mail, [ana, ben], source)
    assert not plan.can_send
    assert [p.split(":")[0] for p in plan.problems] == [where]
    with pytest.raises(ValidationError) as one_off:
        send_one(mail, ana, source)
    with pytest.raises(ValidationError) as bulk:
        send_to_candidates(mail, [ana, ben], source, name="Deep")
    for raised in (one_off, bulk):
        assert raised.value.errors["template"].startswith(f"{where}: {TOO_DEEP}")
    assert count_rows(database, "outbox_messages") == 0
    assert count_rows(database, "campaigns") == 0


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(TemplateSource("Hi", HUGE), id="plain-text body"),
        pytest.param(TemplateSource("Hi", "Body", HUGE), id="HTML body"),
        pytest.param(TemplateSource("Hi " * 200, "Body"), id="subject"),
    ],
)
def test_an_oversized_one_off_email_is_refused_quickly(
    mail: ServiceContext, database: Database, source: TemplateSource
) -> None:
    """A one-off or edited body is never saved, yet it meets a saved template's caps."""
    ana = person(mail, "Ana")
    started = time.perf_counter()
    shown = preview(mail, source, ana)
    with pytest.raises(ValidationError) as one_off:
        send_one(mail, ana, source)
    with pytest.raises(ValidationError) as bulk:
        send_to_candidates(mail, [ana], source, name="Big")
    assert time.perf_counter() - started < 3.0  # the 1.3 MB body once took 40 s
    [problem] = shown.problems
    assert "; shorten it" in problem and problem.split(":")[0] in {"Text", "HTML", "Subject"}
    assert one_off.value.errors == bulk.value.errors == {"template": problem}
    assert count_rows(database, "outbox_messages") == 0


def test_a_body_at_the_cap_is_still_sent(mail: ServiceContext, database: Database) -> None:
    body = ("Hello {{ candidate.first_name }}.\n" * MAX_TEMPLATE_BODY)[:MAX_TEMPLATE_BODY]
    body = body[: body.rindex("\n") + 1]
    send_one(mail, person(mail, "Ana"), TemplateSource("Hi", body))
    assert count_rows(database, "outbox_messages") == 1
