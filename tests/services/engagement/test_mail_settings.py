"""Saving the mail account and the branding: validation, one audited write, no password."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import pytest

from app.mail.account import AccountSettings, BrandingSettings
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import ValidationError
from app.services.engagement.mail_settings import (
    MAX_LOGO_BYTES,
    AccountInput,
    BrandingInput,
    get_account,
    get_branding,
    image_mime,
    is_local_host,
    save_account,
    save_branding,
)
from app.store.database import Database
from tests.support import AuditWatch, count_rows, fail_on_changed, sqlite_rows

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64

GOOD = AccountInput(
    host=" SMTP.Example.com ",
    port="587",
    security="starttls",
    username=" ana@example.com ",
    from_name="  Ana   Recruiter ",
    from_address="ana@example.com",
    reply_to="jobs@example.com",
    signature="Ana\nAcme Talent\n\n",
    rate_per_minute="30",
)


def test_defaults_before_anything_is_saved(ctx: ServiceContext):
    assert get_account(ctx) == AccountSettings()
    assert not get_account(ctx).configured
    assert get_branding(ctx) == BrandingSettings()


def test_save_account_cleans_audits_and_reports_the_change(ctx: ServiceContext, database: Database):
    watch = AuditWatch(database)
    result = save_account(ctx, GOOD)
    assert result.value is None
    assert result.changes.ids == {ChangeKind.MAIL_ACCOUNT: frozenset({1})}
    saved = get_account(ctx)
    assert saved == AccountSettings(
        host="smtp.example.com",
        port=587,
        security="starttls",
        username="ana@example.com",
        from_name="Ana Recruiter",
        from_address="ana@example.com",
        reply_to="jobs@example.com",
        signature="Ana\nAcme Talent",
        rate_per_minute=30,
    )
    assert saved.configured
    [entry] = watch.new()
    assert (entry.action, entry.entity_type, entry.entity_id) == (
        "mail_account.update",
        "mail_account",
        1,
    )
    assert entry.before is None
    assert entry.after["host"] == "smtp.example.com"
    assert not any("password" in key for key in entry.after)
    assert count_rows(database, "mail_account") == 1


def test_changing_the_account_records_before_and_after(ctx: ServiceContext, database: Database):
    save_account(ctx, GOOD)
    watch = AuditWatch(database)
    save_account(ctx, replace(GOOD, port=465, security="ssl"))
    [entry] = watch.new()
    assert (entry.before["port"], entry.before["security"]) == (587, "starttls")
    assert (entry.after["port"], entry.after["security"]) == (465, "ssl")
    assert get_account(ctx).port == 465
    assert count_rows(database, "mail_account") == 1


def test_saving_the_same_values_writes_nothing(ctx: ServiceContext, database: Database):
    save_account(ctx, GOOD)
    watch = AuditWatch(database)
    result = save_account(ctx, GOOD)
    assert not result.changes.kinds
    assert watch.new() == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("host", "", "required"),
        ("host", "smtp://mail.example.com", "without smtp://"),
        ("host", "mail example.com", "Not a server name"),
        ("host", "-bad.example.com", "Not a server name"),
        ("port", 0, "1 to 65535"),
        ("port", 65536, "1 to 65535"),
        ("port", "abc", "1 to 65535"),
        ("security", "tls13", "STARTTLS, SSL/TLS or None"),
        ("security", "none", "only for a relay"),
        ("from_address", "", "required"),
        ("from_address", "ana@", "valid email"),
        ("reply_to", "jobs at example.com", "valid email"),
        ("rate_per_minute", -1, "0 (no limit)"),
        ("rate_per_minute", 10_001, "10,000"),
        ("rate_per_minute", "lots", "0 (no limit)"),
        ("signature", "x" * 5_001, "At most"),
        ("from_name", "n" * 201, "At most"),
    ],
)
def test_bad_account_input_is_refused_field_by_field(
    ctx: ServiceContext, database: Database, field: str, value: object, message: str
):
    watch = AuditWatch(database)
    with pytest.raises(ValidationError) as caught:
        save_account(ctx, replace(GOOD, **{field: value}))
    assert list(caught.value.errors) == [field]
    assert message in caught.value.errors[field]
    assert watch.new() == []
    assert count_rows(database, "mail_account") == 0


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1", "::1", "192.168.1.20", "relay", "mx.office.lan"]
)
def test_no_encryption_is_allowed_for_local_relays(ctx: ServiceContext, host: str):
    assert is_local_host(host)
    save_account(ctx, replace(GOOD, host=host, security="none", port=25, rate_per_minute=0))
    account = get_account(ctx)
    assert (account.security, account.port, account.rate_per_minute) == ("none", 25, 0)


def test_a_failure_inside_the_transaction_leaves_nothing(
    ctx: ServiceContext, database: Database, monkeypatch: pytest.MonkeyPatch
):
    watch = AuditWatch(database)
    fail_on_changed(monkeypatch)
    with pytest.raises(RuntimeError):
        save_account(ctx, GOOD)
    assert count_rows(database, "mail_account") == 0
    assert watch.new() == []


def test_image_types_are_told_by_their_first_bytes():
    assert image_mime(PNG) == "image/png"
    assert image_mime(JPEG) == "image/jpeg"
    assert image_mime(GIF) == "image/gif"
    assert image_mime(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert image_mime(b"") is None


def test_save_branding_keeps_the_logo_and_audits_only_its_digest(
    ctx: ServiceContext, database: Database
):
    watch = AuditWatch(database)
    result = save_branding(
        ctx,
        BrandingInput(
            agency_name=" Acme  Talent ",
            primary_color="#AABBCC",
            accent_color="#112233",
            logo=PNG,
            footer="Acme Talent · 1 Main St\n",
            unsubscribe_text="Reply STOP to hear no more.",
        ),
    )
    assert result.changes.ids == {ChangeKind.BRANDING: frozenset({1})}
    assert get_branding(ctx) == BrandingSettings(
        agency_name="Acme Talent",
        primary_color="#aabbcc",
        accent_color="#112233",
        logo=PNG,
        logo_mime="image/png",
        footer="Acme Talent · 1 Main St",
        unsubscribe_text="Reply STOP to hear no more.",
    )
    [entry] = watch.new()
    assert entry.action == "branding.update"
    assert entry.after["logo"] == {
        "sha256": hashlib.sha256(PNG).hexdigest(),
        "bytes": len(PNG),
        "mime": "image/png",
    }
    assert count_rows(database, "branding") == 1

    # Replacing the logo with a JPEG, then removing it.
    save_branding(ctx, BrandingInput(agency_name="Acme Talent", logo=JPEG))
    assert get_branding(ctx).logo_mime == "image/jpeg"
    save_branding(ctx, BrandingInput(agency_name="Acme Talent", logo=None))
    assert get_branding(ctx).logo is None and get_branding(ctx).logo_mime is None
    [(logo, mime)] = sqlite_rows(database.path, "SELECT logo, logo_mime FROM branding")
    assert (logo, mime) == (None, None)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("primary_color", "blue", "#rrggbb"),
        ("accent_color", "#12345", "#rrggbb"),
        ("accent_color", "#12345g", "#rrggbb"),
        ("logo", b"GIF87" + b"\x00" * 10, "PNG, JPEG or GIF"),
        ("logo", b"<svg/>", "PNG, JPEG or GIF"),
        ("logo", PNG + b"\x00" * MAX_LOGO_BYTES, "at most 512 KB"),
        ("footer", "f" * 2_001, "At most"),
        ("unsubscribe_text", "u" * 501, "At most"),
        ("agency_name", "a" * 201, "At most"),
    ],
)
def test_bad_branding_is_refused(
    ctx: ServiceContext, database: Database, field: str, value: object, message: str
):
    with pytest.raises(ValidationError) as caught:
        save_branding(ctx, replace(BrandingInput(), **{field: value}))
    assert list(caught.value.errors) == [field]
    assert message in caught.value.errors[field]
    assert count_rows(database, "branding") == 0


def test_a_logo_of_exactly_the_limit_is_accepted(ctx: ServiceContext):
    logo = PNG + b"\x00" * (MAX_LOGO_BYTES - len(PNG))
    save_branding(ctx, BrandingInput(logo=logo))
    assert get_branding(ctx).logo == logo


def test_unchanged_branding_writes_nothing(ctx: ServiceContext, database: Database):
    save_branding(ctx, BrandingInput(agency_name="Acme", logo=GIF))
    watch = AuditWatch(database)
    assert not save_branding(ctx, BrandingInput(agency_name="Acme", logo=GIF)).changes.kinds
    assert watch.new() == []


def test_audit_entries_are_plain_json(ctx: ServiceContext, database: Database):
    save_account(ctx, GOOD)
    save_branding(ctx, BrandingInput(logo=PNG))
    rows = sqlite_rows(
        database.path,
        "SELECT after FROM audit_entries WHERE entity_type IN ('mail_account', 'branding')",
    )
    assert len(rows) == 2
    for (after,) in rows:
        assert isinstance(json.loads(after), dict)
