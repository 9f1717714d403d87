"""The mail account and the agency branding: read as plain values, saved with validation.

The password never passes through here — it goes to the OS keyring (``app.mail.secrets``) —
so neither the database row nor the audit entry can ever hold it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.mail.account import AccountSettings, BrandingSettings
from app.services.core.changes import ChangeKind
from app.services.core.context import Outcome, ServiceContext, outcome
from app.services.core.unit_of_work import ValidationError
from app.services.core.validation import check_email, check_length, clean
from app.store.engagement import Branding, MailAccount, SmtpSecurity

SINGLE_ROW_ID = 1
MAX_RATE = 10_000
MAX_SIGNATURE = 5_000
MAX_FOOTER = 2_000
MAX_UNSUBSCRIBE = 500
MAX_LOGO_BYTES = 512 * 1024

ACCOUNT_FIELDS = (
    "host",
    "port",
    "security",
    "username",
    "from_name",
    "from_address",
    "reply_to",
    "signature",
    "rate_per_minute",
)
BRANDING_FIELDS = ("agency_name", "primary_color", "accent_color", "footer", "unsubscribe_text")

_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_LOCAL_SUFFIXES = (".local", ".lan", ".internal", ".home.arpa", ".localdomain", ".localhost")
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


# ---- reading -------------------------------------------------------------------------------
def load_account(session: Session) -> AccountSettings:
    """The saved account, or defaults (unconfigured) when none was saved yet."""
    row = session.get(MailAccount, SINGLE_ROW_ID)
    if row is None:
        return AccountSettings()
    return AccountSettings(
        host=row.host,
        port=row.port,
        security=str(row.security),
        username=row.username,
        from_name=row.from_name,
        from_address=row.from_address,
        reply_to=row.reply_to,
        signature=row.signature,
        rate_per_minute=row.rate_per_minute,
    )


def load_branding(session: Session) -> BrandingSettings:
    row = session.get(Branding, SINGLE_ROW_ID)
    if row is None:
        return BrandingSettings()
    return BrandingSettings(
        agency_name=row.agency_name,
        primary_color=row.primary_color,
        accent_color=row.accent_color,
        logo=row.logo,
        logo_mime=row.logo_mime,
        footer=row.footer,
        unsubscribe_text=row.unsubscribe_text,
    )


def get_account(ctx: ServiceContext) -> AccountSettings:
    """`load_account` in a short session of its own (for the GUI and the CLI)."""
    with ctx.read() as session:
        return load_account(session)


def get_branding(ctx: ServiceContext) -> BrandingSettings:
    with ctx.read() as session:
        return load_branding(session)


# ---- checks --------------------------------------------------------------------------------
def is_hostname(value: str) -> bool:
    """A DNS name or an IP address (IPv6 with or without brackets)."""
    try:
        ipaddress.ip_address(value.strip("[]"))
        return True
    except ValueError:
        pass
    name = value.rstrip(".")
    return 0 < len(name) <= 253 and all(_HOST_LABEL.fullmatch(p) for p in name.split("."))


def is_local_host(host: str) -> bool:
    """Whether ``host`` is this computer or the local network (where plain SMTP is tolerable)."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        name = host.lower().rstrip(".")
        return name == "localhost" or "." not in name or name.endswith(_LOCAL_SUFFIXES)
    return address.is_loopback or address.is_private or address.is_link_local


def image_mime(data: bytes) -> str | None:
    """The image type told by the file's first bytes (PNG, JPEG or GIF), else None."""
    for magic, mime in _IMAGE_MAGIC:
        if data.startswith(magic):
            return mime
    return None


def _as_int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class AccountInput:
    """The outgoing server as typed in Settings; deliberately no password field."""

    host: str
    port: int | str = 587
    security: str = SmtpSecurity.STARTTLS.value
    username: str | None = None
    from_name: str = ""
    from_address: str = ""
    reply_to: str | None = None
    signature: str | None = None
    rate_per_minute: int | str = 60

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        host = (self.host or "").strip()
        if not host:
            errors["host"] = "The mail server is required (e.g. smtp.example.com)."
        elif "://" in host or "/" in host:
            errors["host"] = "Just the server's name, without smtp:// (e.g. smtp.example.com)."
        elif not is_hostname(host):
            errors["host"] = "Not a server name (letters, digits, dots and hyphens)."
        port = _as_int(self.port)
        if port is None or not 1 <= port <= 65535:
            errors["port"] = "The port is a number from 1 to 65535 (usually 587 or 465)."
        if self.security not in {s.value for s in SmtpSecurity}:
            errors["security"] = "Choose STARTTLS, SSL/TLS or None."
        elif self.security == SmtpSecurity.NONE and host and not is_local_host(host):
            errors["security"] = (
                "No encryption is only for a relay on this computer or the local network; "
                f"choose STARTTLS or SSL/TLS for {host}."
            )
        check_length(errors, "username", (self.username or "").strip(), 255)
        check_length(errors, "from_name", clean(self.from_name), 200)
        address = (self.from_address or "").strip()
        if not address:
            errors["from_address"] = "The From address is required."
        check_email(errors, "from_address", address)
        check_length(errors, "from_address", address, 255)
        check_email(errors, "reply_to", (self.reply_to or "").strip())
        check_length(errors, "reply_to", (self.reply_to or "").strip(), 255)
        check_length(errors, "signature", (self.signature or "").strip(), MAX_SIGNATURE)
        rate = _as_int(self.rate_per_minute)
        if rate is None or not 0 <= rate <= MAX_RATE:
            errors["rate_per_minute"] = f"From 0 (no limit) to {MAX_RATE:,} messages a minute."
        return errors

    def to_settings(self) -> AccountSettings:
        """The cleaned values (call after `validate` found nothing)."""
        signature = (self.signature or "").strip("\n").rstrip()
        return AccountSettings(
            host=self.host.strip().lower(),
            port=int(str(self.port).strip()),
            security=self.security,
            username=(self.username or "").strip() or None,
            from_name=clean(self.from_name) or "",
            from_address=self.from_address.strip(),
            reply_to=(self.reply_to or "").strip() or None,
            signature=signature or None,
            rate_per_minute=int(str(self.rate_per_minute).strip()),
        )


@dataclass(frozen=True)
class BrandingInput:
    agency_name: str = ""
    primary_color: str = "#2563eb"
    accent_color: str = "#0f172a"
    logo: bytes | None = None  # the image file's bytes; None for no logo
    footer: str | None = None
    unsubscribe_text: str | None = None

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        check_length(errors, "agency_name", clean(self.agency_name), 200)
        for name in ("primary_color", "accent_color"):
            if not _COLOR.fullmatch((getattr(self, name) or "").strip()):
                errors[name] = "A colour is written #rrggbb (e.g. #2563eb)."
        if self.logo is not None:
            if len(self.logo) > MAX_LOGO_BYTES:
                errors["logo"] = (
                    f"The logo is {len(self.logo) / 1024:,.0f} KB; at most "
                    f"{MAX_LOGO_BYTES // 1024} KB, so that every email stays small."
                )
            elif image_mime(self.logo) is None:
                errors["logo"] = "The logo must be a PNG, JPEG or GIF image."
        check_length(errors, "footer", (self.footer or "").strip(), MAX_FOOTER)
        check_length(
            errors, "unsubscribe_text", (self.unsubscribe_text or "").strip(), MAX_UNSUBSCRIBE
        )
        return errors

    def to_settings(self) -> BrandingSettings:
        logo = self.logo or None
        return BrandingSettings(
            agency_name=clean(self.agency_name) or "",
            primary_color=self.primary_color.strip().lower(),
            accent_color=self.accent_color.strip().lower(),
            logo=logo,
            logo_mime=image_mime(logo) if logo else None,
            footer=(self.footer or "").strip() or None,
            unsubscribe_text=(self.unsubscribe_text or "").strip() or None,
        )


# ---- saving --------------------------------------------------------------------------------
def _account_values(settings: AccountSettings) -> dict[str, Any]:
    return {name: getattr(settings, name) for name in ACCOUNT_FIELDS}


def _branding_values(settings: BrandingSettings) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(settings, name) for name in BRANDING_FIELDS}
    # The audit trail records which logo, not the image itself.
    logo = settings.logo
    values["logo"] = (
        {"sha256": hashlib.sha256(logo).hexdigest(), "bytes": len(logo), "mime": settings.logo_mime}
        if logo
        else None
    )
    return values


def save_account(ctx: ServiceContext, data: AccountInput) -> Outcome[None]:
    """Save the outgoing server (one row) with an audit entry; nothing is written when the
    values are unchanged. Raises `ValidationError` with a message per field."""
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    settings = data.to_settings()
    with ctx.write() as tx:
        row = tx.session.get(MailAccount, SINGLE_ROW_ID)
        before = _account_values(load_account(tx.session)) if row is not None else None
        after = _account_values(settings)
        if before == after:
            return outcome(None, tx)
        if row is None:
            row = MailAccount(id=SINGLE_ROW_ID)
            tx.session.add(row)
        for name, value in after.items():
            setattr(row, name, SmtpSecurity(value) if name == "security" else value)
        tx.session.flush()
        tx.audit("mail_account.update", "mail_account", SINGLE_ROW_ID, before, after)
        tx.changed(ChangeKind.MAIL_ACCOUNT, SINGLE_ROW_ID)
        return outcome(None, tx)


def save_branding(ctx: ServiceContext, data: BrandingInput) -> Outcome[None]:
    """Save the agency's branding (one row) with an audit entry; unchanged values write
    nothing. Raises `ValidationError` with a message per field."""
    errors = data.validate()
    if errors:
        raise ValidationError(errors)
    settings = data.to_settings()
    with ctx.write() as tx:
        row = tx.session.get(Branding, SINGLE_ROW_ID)
        current = load_branding(tx.session) if row is not None else None
        if current == settings:
            return outcome(None, tx)
        if row is None:
            row = Branding(id=SINGLE_ROW_ID)
            tx.session.add(row)
        for name in (*BRANDING_FIELDS, "logo", "logo_mime"):
            setattr(row, name, getattr(settings, name))
        tx.session.flush()
        tx.audit(
            "branding.update",
            "branding",
            SINGLE_ROW_ID,
            _branding_values(current) if current is not None else None,
            _branding_values(settings),
        )
        tx.changed(ChangeKind.BRANDING, SINGLE_ROW_ID)
        return outcome(None, tx)
