"""The outgoing mail account and the agency's branding as plain values.

These cross threads (the dispatcher gets a copy), so they are frozen dataclasses, never ORM
rows. The password is not here: it is looked up in the OS keyring under `keyring_username`.
"""

from __future__ import annotations

from dataclasses import dataclass

KEYRING_SERVICE = "Hirebench SMTP"


@dataclass(frozen=True)
class AccountSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"  # "starttls", "ssl" or "none" (app.store.engagement.SmtpSecurity)
    username: str | None = None
    from_name: str = ""
    from_address: str = ""
    reply_to: str | None = None
    signature: str | None = None
    rate_per_minute: int = 60  # 0: no limit

    @property
    def configured(self) -> bool:
        return bool(self.host and self.from_address)

    @property
    def keyring_username(self) -> str:
        """The keyring entry's user name: one password per login on one server."""
        return f"{self.username or ''}@{self.host}:{self.port}"

    @property
    def sender_domain(self) -> str:
        """The domain for Message-IDs: the From address's, else the server's."""
        _, _, domain = self.from_address.rpartition("@")
        return domain or self.host or "localhost"


@dataclass(frozen=True)
class BrandingSettings:
    agency_name: str = ""
    primary_color: str = "#2563eb"
    accent_color: str = "#0f172a"
    logo: bytes | None = None
    logo_mime: str | None = None  # "image/png", "image/jpeg", …
    footer: str | None = None
    unsubscribe_text: str | None = None
