"""Who may do what: each user has a role, and each use case asks for a permission.

The checks live here, in the services, so the command line and any other caller meet the
same rules as the window; the window only hides what a role cannot use. Roles:

- **admin** — everything a recruiter does, plus managing users and their roles, the audit
  trail, compliance work and erasure. Not the EEO answers: those are for compliance alone.
- **recruiter** — the records: candidates, jobs, pipelines, mail, onboarding checks.
  Admins and recruiters may *record* an applicant's voluntary self-identification (typed
  from a paper form) but never read it back, not even the answers they typed.
- **compliance** — the EEO aggregates and the applicant flow log (the one place an
  applicant's answers appear, by applicant id), recording self-identification, onboarding
  checks, the audit trail, retention and erasure; reading everything else, changing no
  other record.
- **hiring manager** — reading the jobs they manage; changing nothing.

The "system" actor (start-up housekeeping, bulk loads) is not a user and is not checked.
"""

from __future__ import annotations

import enum

from app.services.core.unit_of_work import Actor, ValidationError


class Role(enum.StrEnum):
    ADMIN = "admin"
    RECRUITER = "recruiter"
    COMPLIANCE = "compliance"
    HIRING_MANAGER = "hiring_manager"


ROLE_LABELS = {
    Role.ADMIN: "Admin",
    Role.RECRUITER: "Recruiter",
    Role.COMPLIANCE: "Compliance",
    Role.HIRING_MANAGER: "Hiring manager",
}


class Permission(enum.StrEnum):
    EDIT_RECORDS = "edit_records"  # the ordinary writes: candidates, jobs, moves, mail, notes
    MANAGE_USERS = "manage_users"
    VIEW_EEO = "view_eeo"  # the EEO aggregates and the applicant flow log
    RECORD_EEO = "record_eeo"  # enter an applicant's self-identification (write-only)
    MANAGE_COMPLIANCE = "manage_compliance"  # onboarding checks, consent, retention queue
    VIEW_AUDIT = "view_audit"
    ERASE_PEOPLE = "erase_people"
    EXPORT_PEOPLE = "export_people"  # subject access: a copy of everything about a person
    READ_ALL = "read_all"  # every record (a hiring manager reads only their jobs)


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {
            Permission.EDIT_RECORDS,
            Permission.MANAGE_USERS,
            Permission.RECORD_EEO,
            Permission.MANAGE_COMPLIANCE,
            Permission.VIEW_AUDIT,
            Permission.ERASE_PEOPLE,
            Permission.EXPORT_PEOPLE,
            Permission.READ_ALL,
        }
    ),
    Role.RECRUITER: frozenset(
        {
            Permission.EDIT_RECORDS,
            Permission.RECORD_EEO,
            Permission.MANAGE_COMPLIANCE,
            Permission.EXPORT_PEOPLE,
            Permission.READ_ALL,
        }
    ),
    Role.COMPLIANCE: frozenset(
        {
            Permission.VIEW_EEO,
            Permission.RECORD_EEO,
            Permission.MANAGE_COMPLIANCE,
            Permission.VIEW_AUDIT,
            Permission.ERASE_PEOPLE,
            Permission.EXPORT_PEOPLE,
            Permission.READ_ALL,
        }
    ),
    Role.HIRING_MANAGER: frozenset(),
}

_DENIED = {
    Permission.EDIT_RECORDS: "change records",
    Permission.MANAGE_USERS: "manage users and roles",
    Permission.VIEW_EEO: "see EEO answers",
    Permission.RECORD_EEO: "record EEO answers",
    Permission.MANAGE_COMPLIANCE: "manage compliance work",
    Permission.VIEW_AUDIT: "read the audit trail",
    Permission.ERASE_PEOPLE: "erase a person's data",
    Permission.EXPORT_PEOPLE: "export a person's data",
    Permission.READ_ALL: "read records outside the jobs they follow",
}


class PermissionDenied(ValidationError):  # noqa: N818 (reads as the refusal it is)
    """The actor's role does not allow this; shown like any refused input."""

    def __init__(self, actor: Actor, permission: Permission):
        role = ROLE_LABELS[Role(actor.role)] if actor.role in set(Role) else actor.role
        super().__init__(
            {"permission": f"{actor.name} ({role.lower()}) may not {_DENIED[permission]}."}
        )
        self.permission = permission


def is_system(actor: Actor) -> bool:
    return actor.user_id is None and actor.role == SYSTEM_ROLE


SYSTEM_ROLE = "system"


def allowed(actor: Actor, permission: Permission) -> bool:
    if is_system(actor):
        return True
    try:
        role = Role(actor.role)
    except ValueError:
        return False
    return permission in GRANTS[role]


def require(actor: Actor, permission: Permission) -> None:
    """Raise `PermissionDenied` unless the actor's role grants ``permission``."""
    if not allowed(actor, permission):
        raise PermissionDenied(actor, permission)
