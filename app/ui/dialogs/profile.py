"""A read-only candidate profile: contact details, work history, pipelines and timeline."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.services.candidates import CandidateProfile


def profile_html(profile: CandidateProfile) -> str:
    def line(label: str, values: object) -> str:
        if not values:
            return ""
        text = ", ".join(values) if isinstance(values, tuple) else str(values)
        return f"<tr><td><b>{escape(label)}</b></td><td>{escape(text)}</td></tr>"

    role = " · ".join(p for p in (profile.current_title, profile.current_employer) if p)
    parts = [
        f"<h2>{escape(profile.name)}</h2>",
        f"<p>{escape(role or profile.headline or '')}</p>",
        "<table cellspacing='6'>",
        line("Location", profile.location),
        line("Email", profile.emails),
        line("Phone", profile.phones),
        line("Links", profile.links),
        line("Source", profile.source),
        line("Skills", profile.skills),
        line("Tags", profile.tags),
        "</table>",
    ]
    if profile.experience:
        parts.append("<h3>Experience</h3><ul>")
        for company, title, start, end in profile.experience:
            span = f" ({start or '?'} – {end or '?'})" if start or end else ""
            parts.append(f"<li>{escape(title or '')} at {escape(company)}{escape(span)}</li>")
        parts.append("</ul>")
    if profile.applications:
        parts.append("<h3>Applications</h3><ul>")
        for item in profile.applications:
            reason = f" — {item.rejection_reason}" if item.rejection_reason else ""
            parts.append(
                f"<li>{escape(item.job_title)} at {escape(item.client_name)}: "
                f"<b>{escape(item.stage_name)}</b>{escape(reason)}</li>"
            )
        parts.append("</ul>")
    if profile.activities:
        parts.append("<h3>Timeline</h3><ul>")
        for activity in profile.activities:
            when = activity.occurred_at.astimezone().strftime("%Y-%m-%d")
            text = activity.subject or activity.body or activity.kind
            parts.append(
                f"<li>{when} · {escape(activity.kind.replace('_', ' '))}: {escape(text)}</li>"
            )
        parts.append("</ul>")
    return "".join(parts)


class ProfileDialog(QDialog):
    def __init__(self, profile: CandidateProfile, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(profile.name)
        self.resize(560, 640)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(profile_html(profile))
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
