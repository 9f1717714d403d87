"""The mail account and the agency branding: read as plain values for rendering and sending.

Saving (with validation and an audit entry) lives beside the loaders; the password never
passes through here — it goes to the OS keyring (``app.mail.secrets``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.mail.account import AccountSettings, BrandingSettings
from app.store.engagement import Branding, MailAccount

SINGLE_ROW_ID = 1


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
