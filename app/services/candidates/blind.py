"""What a blind profile leaves out, decided on plain text so it is the same on every output.

A blind profile lets a client judge a candidate without being able to reach or identify them:
the name becomes initials, and the email addresses, phone numbers, links and address are
removed, from the fields that hold them and from the free text (summary, history, pitch) that
may repeat them. Employer names are removed too when the recruiter asks for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.services.core.phones import phone_key

REMOVED = "[removed]"
EMPLOYER = "a previous employer"

_EMAIL = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A link with a scheme or "www.", or a bare domain followed by a path ("github.com/jane").
_URL = re.compile(
    r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*", re.IGNORECASE
)
# A run that may be a phone number: digits with the separators numbers are written with.
_PHONE_RUN = re.compile(r"\+?\(?\d[\d\s().\-/]{5,}\d")
# A run with this many digits is a phone number even when it is not one of the candidate's;
# fewer (a year range "2019 - 2021" has eight) only when it is one of theirs.
_PHONE_DIGITS = 9
_SPACES = re.compile(r"[ \t]{2,}")


def initials(first: str | None, middle: str | None, last: str | None) -> str:
    """ "J. S." for Jane Q. Smith: the first letters of the first and last names."""
    letters = [part.strip()[0].upper() for part in (first, last) if part and part.strip()]
    if not letters and middle and middle.strip():
        letters = [middle.strip()[0].upper()]
    return " ".join(f"{letter}." for letter in letters) or "Candidate"


@dataclass(frozen=True)
class Redactor:
    """Removes one candidate's identifying details from text (see the module's docstring)."""

    first_name: str | None
    middle_name: str | None
    last_name: str | None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    location: str | None = None
    employers: tuple[str, ...] = ()  # removed only when given

    @property
    def initials(self) -> str:
        return initials(self.first_name, self.middle_name, self.last_name)

    def scrub(self, text: str | None) -> str | None:
        """``text`` without the candidate's identifying details (None stays None)."""
        if text is None:
            return None
        for exact in self._exact():
            text = re.sub(re.escape(exact), REMOVED, text, flags=re.IGNORECASE)
        text = _EMAIL.sub(REMOVED, text)
        text = _URL.sub(REMOVED, text)
        text = _PHONE_RUN.sub(self._phone, text)
        for employer in sorted(self.employers, key=len, reverse=True):
            if len(employer.strip()) >= 2:
                text = _word(employer).sub(EMPLOYER, text)
        text = self._names(text)
        return _SPACES.sub(" ", text)

    def scrub_all(self, texts: Iterable[str]) -> tuple[str, ...]:
        return tuple(t for t in (self.scrub(text) for text in texts) if t and t != REMOVED)

    def _exact(self) -> list[str]:
        """The stored details, longest first, with each link also without its scheme."""
        found: list[str] = [*self.emails, *self.links]
        for link in self.links:
            bare = re.sub(r"^[a-z][a-z0-9+.-]*://", "", link.strip(), flags=re.IGNORECASE)
            found += [bare, bare.rstrip("/"), re.sub(r"^www\.", "", bare)]
        if self.location and self.location.strip():
            found.append(self.location.strip())
            # Street lines and postcodes ("12 Elm Street", "SW1A 1AA") hold digits.
            found += [p.strip() for p in self.location.split(",") if re.search(r"\d", p)]
        return sorted({f for f in found if len(f.strip()) >= 3}, key=len, reverse=True)

    def _phone(self, match: re.Match[str]) -> str:
        run = match.group(0)
        digits = re.sub(r"\D", "", run)
        own = {key for key in (phone_key(p) for p in self.phones) if key}
        if len(digits) >= _PHONE_DIGITS or phone_key(run) in own:
            return REMOVED
        return run

    def _names(self, text: str) -> str:
        parts = [(p or "").strip() for p in (self.first_name, self.middle_name, self.last_name)]
        present = [p for p in parts if p]
        full = " ".join(present)
        if len(present) > 1:
            text = _word(full).sub(self.initials, text)
            short = " ".join(p for p in (parts[0], parts[2]) if p)
            text = _word(short).sub(self.initials, text)
        for part in sorted(present, key=len, reverse=True):
            for piece in re.split(r"[\s-]+", part):
                if len(piece) >= 2:
                    text = _word(piece).sub(f"{piece[0].upper()}.", text)
        return text


def _word(phrase: str) -> re.Pattern[str]:
    """``phrase`` as whole words, any case, spaces matching any run of spaces."""
    words = [re.escape(word) for word in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
