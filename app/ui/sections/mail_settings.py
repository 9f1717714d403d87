"""The Email account and Branding panels of Settings, each in its own module.

`EmailAccountPanel` (server, identity, password in the keyring, "Send test email") is in
`app.ui.sections.mail_account_panel`; `BrandingPanel` in `app.ui.sections.branding_panel`.
This module keeps the names importable from here.
"""

from __future__ import annotations

from app.ui.sections.branding_panel import BrandingPanel
from app.ui.sections.mail_account_panel import KEEP_IN_MEMORY_TEXT, EmailAccountPanel

__all__ = ["KEEP_IN_MEMORY_TEXT", "BrandingPanel", "EmailAccountPanel"]
