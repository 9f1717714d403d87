"""Generated databases: the realistic demo and the large deterministic ones for benchmarks.

Both come from one generator so that the demo and the scale data share their shape. It writes
through the DB-API connection in one transaction (bulk inserts, no ORM per row), which is what
makes 100,000 candidates with 300,000 applications take seconds rather than hours. The same
seed, size and reference day always give the same database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.services.admin import sample_data as sd
from app.services.admin.demo_campaigns import add_campaigns
from app.services.admin.demo_interviews import add_interviews
from app.services.admin.demo_onboarding import add_onboarding
from app.services.admin.demo_placements import add_offers_and_placements
from app.services.admin.demo_submittals import add_submittals
from app.services.admin.seed_resumes import resume_text
from app.services.pipeline.jobs import DEFAULT_STAGES
from app.store.models import StageKind
from app.store.textpack import pack_text

BATCH = 20_000
HIRED = 4  # the position of Hired in DEFAULT_STAGES
REJECTED = 5
# Where applications that end without a hire sit now, by stage position (Applied … Offered,
# Hired, Rejected, Withdrawn). Hires are not drawn: each job's plan says how many it has.
STAGE_WEIGHTS = (34, 20, 15, 6, 0, 21, 4)
# Most jobs open, some on hold, filled or closed; job 1 (the benchmarks' big job) is open.
JOB_STATUS_CYCLE = (
    "open",
    "open",
    "filled",
    "open",
    "open",
    "on_hold",
    "open",
    "open",
    "open",
    "filled",
    "open",
    "closed",
)
# A job's pipeline runs until it is filled or closed: no application, move or hire after.
ENDED = ("filled", "closed")
LEAD_DAYS = 3  # an application to a job that ended starts at least this long before the end
HIRE_LEAD_DAYS = 14  # and a hire at least this long: five stages take time


@dataclass
class _JobPlan:
    """What the generator decides for a job before any candidate applies, so that the
    numbers agree with each other: an open or on-hold job has fewer hires than openings, a
    filled one as many as it has openings, the last of them on the day it was filled, a
    closed one none; and nothing happens on a job after it ended."""

    status: str
    opened: dt.datetime
    ends: dt.datetime  # when it was filled or closed; the reference day if still running
    hires_left: int
    # The latest a candidate can have come along and still applied (an ended job ran two
    # weeks at least, so that is never before it opened).
    last_arrival: dt.datetime = field(init=False)

    def __post_init__(self) -> None:
        lead = dt.timedelta(days=LEAD_DAYS if self.status in ENDED else 0)
        self.last_arrival = self.ends - lead

    def takes(self, created: dt.datetime) -> bool:
        """Whether someone who entered the database at ``created`` can have applied."""
        return created <= self.last_arrival


@dataclass(frozen=True)
class Plan:
    """How much to generate."""

    candidates: int
    clients: int
    jobs: int
    recruiters: int
    applications_per_candidate: float  # mean; exact when a whole number and no pool-only people
    pool_only_share: float  # candidates with no application (sourced, CRM only)
    activities_per_candidate: int
    days_back: int
    big_job_applications: int = 0  # job 1 gets this many applications (benchmarks)
    seed: int = 20261125
    resumes: bool = False  # a generated resume document per candidate (database size, search)
    # Bulk email campaigns with sends, failures, replies and unsubscribes (the campaigns
    # report's benchmark); the demo starts with an empty outbox for its users to try.
    campaigns: bool = False


def demo_plan() -> Plan:
    return Plan(
        candidates=500,
        clients=3,
        jobs=12,
        recruiters=3,
        applications_per_candidate=1.8,
        pool_only_share=0.15,
        activities_per_candidate=6,
        days_back=180,
    )


def scale_plan(candidates: int, seed: int = 20261125, resumes: bool = False) -> Plan:
    return Plan(
        candidates=candidates,
        clients=max(3, candidates // 2000),
        jobs=max(12, candidates // 250),
        recruiters=8,
        applications_per_candidate=3,
        pool_only_share=0.0,
        activities_per_candidate=10,
        days_back=365,
        campaigns=True,
        big_job_applications=min(5000, candidates),
        seed=seed,
        resumes=resumes,
    )


def _ts(moment: dt.datetime) -> str:
    return moment.isoformat(sep=" ", timespec="microseconds")


class _Writer:
    """Buffers rows per table and inserts them in batches."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection
        self.buffers: dict[str, tuple[str, list[Sequence[Any]]]] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: str, columns: str, row: Sequence[Any]) -> None:
        if table not in self.buffers:
            marks = ",".join("?" * len(row))
            self.buffers[table] = (f"INSERT INTO {table} ({columns}) VALUES ({marks})", [])
        sql, rows = self.buffers[table]
        rows.append(row)
        self.counts[table] = self.counts.get(table, 0) + 1
        if len(rows) >= BATCH:
            self.connection.executemany(sql, rows)
            rows.clear()

    def flush(self) -> None:
        for sql, rows in self.buffers.values():
            if rows:
                self.connection.executemany(sql, rows)
                rows.clear()


Progress = Callable[[int, int], None]  # (candidates written, candidates planned)
PROGRESS_EVERY = 10_000


def generate(
    connection: sqlite3.Connection,
    plan: Plan,
    as_of: dt.datetime,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Fill an empty, migrated database; the caller owns the transaction."""
    return _Generator(connection, plan, as_of).run(progress)


class _Generator:
    def __init__(self, connection: sqlite3.Connection, plan: Plan, as_of: dt.datetime):
        self.w = _Writer(connection)
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.as_of = as_of.astimezone(dt.UTC).replace(tzinfo=None)
        self.stamp = _ts(self.as_of)
        self.next_stage_change = 1
        self.next_activity = 1
        self.job_family: dict[int, int] = {}
        self.jobs_by_family: dict[int, list[int]] = {}
        self.job_plans: dict[int, _JobPlan] = {}
        self.stage_ids: dict[int, list[int]] = {}
        self.silver: list[int] = []

    def ago(self, days: float) -> dt.datetime:
        return self.as_of - dt.timedelta(days=days)

    def run(self, progress: Progress | None = None) -> dict[str, int]:
        self._users()
        self._clients()
        self._jobs()
        self.w.flush()  # the jobs and contacts their interviewers refer to
        self._interviewers()
        self._skills_and_tags()
        # Stages must exist before applications: triggers keep stage_counts from them.
        self.w.flush()
        for candidate_id in range(1, self.plan.candidates + 1):
            self._candidate(candidate_id)
            if progress is not None and candidate_id % PROGRESS_EVERY == 0:
                progress(candidate_id, self.plan.candidates)
        self._pools()
        self._engagement()
        self.w.flush()  # the applications the submittals are drawn from
        add_submittals(self.w.connection, self.w.add, self.plan.seed)
        add_offers_and_placements(self.w, self.plan.seed, self.as_of)
        add_onboarding(self.w, self.plan.seed, self.as_of)
        self.w.flush()
        for table, rows in add_interviews(self.w.connection, self.as_of, self.plan.seed).items():
            self.w.counts[table] = self.w.counts.get(table, 0) + rows
        made = (
            add_campaigns(self.w, self.plan.seed, self.as_of, self.plan.candidates)
            if self.plan.campaigns
            else {}
        )
        for table, key in (("campaigns", "campaigns"), ("activities", "replies")):
            self.w.counts[table] = self.w.counts.get(table, 0) + made.get(key, 0)
        self.w.flush()
        return dict(sorted(self.w.counts.items()))

    def _engagement(self) -> None:
        """Email templates to start from, the agency's branding, and a mail account pointing
        at a relay on this machine (no password: a local relay needs none)."""
        columns = "name, subject, body_text, body_html, archived, created_at, updated_at"
        for template in sd.EMAIL_TEMPLATES:
            row = (template.name, template.subject, template.body_text, template.body_html)
            self.w.add("email_templates", columns, (*row, 0, self.stamp, self.stamp))
        singles = (("branding", sd.DEMO_BRANDING), ("mail_account", sd.DEMO_MAIL_ACCOUNT))
        for table, values in singles:
            names = ", ".join(("id", *values, "updated_at"))
            self.w.add(table, names, (1, *values.values(), self.stamp))

    def _users(self) -> None:
        people = [(f, n) for f in sd.FIRST_NAMES[::7] for n in sd.LAST_NAMES[::11]]
        self.rng.shuffle(people)
        for user_id, (first, last) in enumerate(people[: self.plan.recruiters], start=1):
            username = f"{first}.{last}".lower().replace("'", "")
            self.w.add(
                "users",
                "id, username, display_name, email, is_active, created_at",
                (user_id, username, f"{first} {last}", f"{username}@agency.example", 1, self.stamp),
            )

    def _owner(self) -> int:
        return self.rng.randint(1, self.plan.recruiters)

    def _clients(self) -> None:
        for client_id in range(1, self.plan.clients + 1):
            base = sd.CLIENTS[(client_id - 1) % len(sd.CLIENTS)]
            suffix = "" if client_id <= len(sd.CLIENTS) else f" {client_id}"
            name, industry, city, site = base
            created = _ts(self.ago(self.plan.days_back + 30))
            self.w.add(
                "clients",
                "id, name, industry, website, phone, location, notes, created_at, updated_at",
                (
                    client_id,
                    name + suffix,
                    industry,
                    site,
                    "+1 555 0100",
                    city,
                    None,
                    created,
                    created,
                ),
            )
            self._contacts(client_id, site, created)

    def _contacts(self, client_id: int, site: str, created: str) -> None:
        """A hiring manager, an HR partner and a team lead who interviews: ids 3c-2, 3c-1
        and 3c for client c. The team lead's name comes from the client's number, not the
        random stream, so the rest of the demo stays what it was."""
        names = [
            (self.rng.choice(sd.FIRST_NAMES), self.rng.choice(sd.LAST_NAMES)) for _ in range(2)
        ]
        names.append(
            (
                sd.FIRST_NAMES[(client_id * 7) % len(sd.FIRST_NAMES)],
                sd.LAST_NAMES[(client_id * 5) % len(sd.LAST_NAMES)],
            )
        )
        roles = (("Hiring Manager", 1), ("HR Business Partner", 0), ("Team Lead", 0))
        for n, ((first, last), (title, manager)) in enumerate(zip(names, roles, strict=True)):
            email = f"{first}.{last}@{site}".lower().replace("'", "")
            phone = f"+1 555 01{(client_id * 3 + n) % 100:02d}"
            self.w.add(
                "contacts",
                "id, client_id, first_name, last_name, title, email, phone, is_hiring_manager,"
                " notes, emails, phones, archived_at, created_at, updated_at",
                (
                    client_id * 3 - 2 + n,
                    client_id,
                    first,
                    last,
                    title,
                    email,
                    phone,
                    manager,
                    None,
                    json.dumps([email]),
                    json.dumps([phone]),
                    None,
                    created,
                    created,
                ),
            )

    def _interviewers(self) -> None:
        """Each job is interviewed for by its client's hiring manager and team lead."""
        for job_id in range(1, self.plan.jobs + 1):
            client_id = (job_id - 1) % self.plan.clients + 1
            for contact_id in (client_id * 3 - 2, client_id * 3):
                self.w.add("job_interviewers", "job_id, contact_id", (job_id, contact_id))

    def _jobs(self) -> None:
        stage_id = 0
        for job_id in range(1, self.plan.jobs + 1):
            family_index = (job_id - 1) % len(sd.JOB_FAMILIES)
            family = sd.JOB_FAMILIES[family_index]
            client_id = (job_id - 1) % self.plan.clients + 1
            title = self.rng.choice(family.titles)
            status = JOB_STATUS_CYCLE[(job_id - 1) % len(JOB_STATUS_CYCLE)]
            opened = self.ago(self.rng.uniform(20, self.plan.days_back))
            openings = self.rng.choice((1, 1, 1, 2, 3))
            ends = self.as_of
            if status in ENDED:  # 20 to 60 days after opening, and some hours ago at least
                ends = opened + dt.timedelta(days=self.rng.uniform(20, 60))
                ends = min(ends, self.as_of - dt.timedelta(days=self.rng.uniform(0.5, 5)))
            hires = {"filled": openings, "closed": 0}.get(status)
            if hires is None:  # open or on hold: some openings are still to fill
                hires = self.rng.randint(0, openings - 1)
            plan = _JobPlan(status, opened, ends, hires)
            filled = ends.date() if status == "filled" else None
            location = self.rng.choice(sd.CITIES)
            description = (
                f"{title} for a growing {family.name.lower()} team. "
                f"You will work with {', '.join(self.rng.sample(family.skills, 3))}."
            )
            self.w.add(
                "jobs",
                "id, client_id, title, location, description, status, openings, opened_on,"
                " filled_on, owner_id, hiring_manager_id, created_at, updated_at",
                (
                    job_id,
                    client_id,
                    title,
                    location,
                    description,
                    status,
                    openings,
                    opened.date().isoformat(),
                    filled.isoformat() if filled else None,
                    self._owner(),
                    client_id * 3 - 2,  # the client's hiring manager
                    _ts(opened),
                    _ts(ends if status in ENDED else opened),
                ),
            )
            self.job_family[job_id] = family_index
            self.jobs_by_family.setdefault(family_index, []).append(job_id)
            self.job_plans[job_id] = plan
            ids = []
            for position, (name, kind) in enumerate(DEFAULT_STAGES):
                stage_id += 1
                sla = (3, 7, 10, 5)[position] if kind is StageKind.ACTIVE else None
                self.w.add(
                    "stages",
                    "id, job_id, name, position, kind, sla_days",
                    (stage_id, job_id, name, position, kind.value, sla),
                )
                ids.append(stage_id)
            self.stage_ids[job_id] = ids

    def _skills_and_tags(self) -> None:
        names = sorted({skill for family in sd.JOB_FAMILIES for skill in family.skills})
        self.skill_ids = {name: index for index, name in enumerate(names, start=1)}
        for name, skill_id in self.skill_ids.items():
            self.w.add("skills", "id, name", (skill_id, name))
        for tag_id, (name, color) in enumerate(sd.TAGS, start=1):
            self.w.add("tags", "id, name, color", (tag_id, name, color))

    def _candidate(self, cid: int) -> None:
        rng, plan = self.rng, self.plan
        first, last = rng.choice(sd.FIRST_NAMES), rng.choice(sd.LAST_NAMES)
        family_index = rng.randrange(len(sd.JOB_FAMILIES))
        family = sd.JOB_FAMILIES[family_index]
        title, employer = rng.choice(family.titles), rng.choice(sd.COMPANIES)
        city = rng.choice(sd.CITIES)
        created = self.ago(rng.uniform(0, plan.days_back))
        source = rng.choice(sd.SOURCES)
        handle = f"{first}.{last}".lower().replace("'", "")
        links = json.dumps([f"linkedin.com/in/{handle}{cid}"])
        self.w.add(
            "candidates",
            "id, first_name, middle_name, last_name, headline, current_title, current_employer,"
            " location, links, source, owner_id, do_not_contact, consent, consent_at, summary,"
            " created_at, updated_at",
            (
                cid,
                first,
                None,
                last,
                f"{title} · {family.name}",
                title,
                employer,
                city,
                links,
                source,
                self._owner(),
                int(rng.random() < 0.02),
                "unknown",
                None,
                None,
                _ts(created),
                _ts(created),
            ),
        )
        self.w.add(
            "candidate_emails",
            "candidate_id, email, position",
            (cid, f"{handle}{cid}@example.com", 0),
        )
        phone = f"+1 {rng.randint(201, 989)} 555 {cid % 10000:04d}"
        self.w.add("candidate_phones", "candidate_id, phone, position", (cid, phone, 0))
        self._history(cid, title, employer, family, created)
        for skill in rng.sample(family.skills, rng.randint(3, 6)):
            self.w.add("candidate_skills", "candidate_id, skill_id", (cid, self.skill_ids[skill]))
        if rng.random() < 0.15:
            self.w.add(
                "candidate_tags", "candidate_id, tag_id", (cid, rng.randint(1, len(sd.TAGS)))
            )
        if plan.resumes:
            self._resume(cid, f"{first} {last}", family, created)
        moves = self._applications(cid, family_index, created)
        self._activities(cid, moves, employer, city, family, created)

    def _resume(self, cid: int, name: str, family: sd.JobFamily, created: dt.datetime) -> None:
        """A resume document as the intake would store it (no file behind it: only its text
        is read by what the scale databases measure)."""
        body = resume_text(self.plan.seed, cid, name, family)
        digest = hashlib.sha256(f"{self.plan.seed}:resume:{cid}".encode()).hexdigest()
        self.w.add(
            "documents",
            "id, candidate_id, sha256, original_name, media_type, size_bytes, stored_path, text,"
            " parse_status, created_at",
            (
                cid,
                cid,
                digest,
                f"{name.replace(' ', '_')}_resume.pdf",
                "application/pdf",
                len(body) * 4,
                f"{digest[:2]}/{digest}.pdf",
                pack_text(body),
                "parsed",
                _ts(created),
            ),
        )

    def _history(
        self, cid: int, title: str, employer: str, family: sd.JobFamily, created: dt.datetime
    ) -> None:
        rng = self.rng
        year = created.year
        start = year - rng.randint(1, 5)
        self.w.add(
            "experiences",
            "candidate_id, company, title, start, end, description, position",
            (cid, employer, title, f"{start}-{rng.randint(1, 12):02d}", "present", None, 0),
        )
        previous_end = start
        previous_start = previous_end - rng.randint(1, 4)
        self.w.add(
            "experiences",
            "candidate_id, company, title, start, end, description, position",
            (
                cid,
                rng.choice(sd.COMPANIES),
                rng.choice(family.titles),
                str(previous_start),
                str(previous_end),
                None,
                1,
            ),
        )
        self.w.add(
            "educations",
            "candidate_id, institution, degree, year, position",
            (
                cid,
                rng.choice(sd.UNIVERSITIES),
                rng.choice(sd.DEGREES),
                str(previous_start - rng.randint(0, 2)),
                0,
            ),
        )

    def _application_count(self, cid: int) -> int:
        plan = self.plan
        if self.rng.random() < plan.pool_only_share:
            return 0
        whole = int(plan.applications_per_candidate)
        extra = plan.applications_per_candidate - whole
        return whole + (1 if self.rng.random() < extra else 0)

    def _pick_jobs(
        self, cid: int, family_index: int, count: int, created: dt.datetime
    ) -> list[int]:
        plan, rng = self.plan, self.rng
        chosen: list[int] = []
        if plan.big_job_applications:
            step = max(1, plan.candidates // plan.big_job_applications)
            if cid % step == 0 and cid // step <= plan.big_job_applications:
                chosen.append(1)
        # Only jobs still running when the candidate came along (filled and closed jobs
        # took their applicants before they ended). Plans with fewer jobs than job families
        # leave some families without a job.
        family_jobs = [
            j
            for j in self.jobs_by_family.get(family_index, [])
            if j not in chosen and self.job_plans[j].takes(created)
        ]
        if len(family_jobs) >= count:
            pool = family_jobs
        else:
            pool = [j for j in range(2, plan.jobs + 1) if self.job_plans[j].takes(created)]
        wanted = min(count, len(set(pool) | set(chosen)))
        while len(chosen) < wanted:
            job = rng.choice(pool)
            if job not in chosen:
                chosen.append(job)
        return chosen

    def _applications(
        self, cid: int, family_index: int, created: dt.datetime
    ) -> list[tuple[int, str, dt.datetime]]:
        """Insert the candidate's applications and stage history; return the moves made."""
        rng = self.rng
        moves: list[tuple[int, str, dt.datetime]] = []
        count = self._application_count(cid)
        for job_id in self._pick_jobs(cid, family_index, count, created):
            application_id = self.w.counts.get("applications", 0) + 1
            stages = self.stage_ids[job_id]
            job = self.job_plans[job_id]
            # A job's first applicants with time enough take its planned hires (candidates
            # come in no particular order, so these are as good as any).
            start = max(created, job.opened)
            hired = job.hires_left > 0 and start + dt.timedelta(days=HIRE_LEAD_DAYS) <= job.ends
            if hired:
                job.hires_left -= 1
                final = HIRED
            else:
                final = rng.choices(range(len(stages)), STAGE_WEIGHTS)[0]
            # A rejection or withdrawal comes after one to four active stages.
            exits = final >= REJECTED
            path = [*range(rng.randint(0, 3) + 1), final] if exits else list(range(final + 1))
            # The filled job's last hire is on the day it was filled.
            closing_hire = hired and job.status == "filled" and job.hires_left == 0
            times = self._timeline(start, len(path), job.ends, closing_hire)
            history = list(zip((stages[p] for p in path), times, strict=True))
            final_stage, entered = history[-1]
            applied = times[0]
            reason = rng.choice(sd.REJECTION_REASONS) if path[-1] == REJECTED else None
            if path[-1] == REJECTED and path[-2] >= 2:
                self.silver.append(cid)
            self.w.add(
                "applications",
                "id, candidate_id, job_id, stage_id, source, applied_at, stage_entered_at,"
                " rejection_reason, rating, board_position, version, created_at, updated_at",
                (
                    application_id,
                    cid,
                    job_id,
                    final_stage,
                    rng.choice(sd.SOURCES),
                    _ts(applied),
                    _ts(entered),
                    reason,
                    rng.choice((None, 2, 3, 3, 4, 4, 5)),
                    float(application_id),
                    1,
                    _ts(applied),
                    _ts(entered),
                ),
            )
            previous = None
            for stage_id, when in history:
                self.w.add(
                    "stage_changes",
                    "application_id, from_stage_id, to_stage_id, changed_at, changed_by_id, reason",
                    (
                        application_id,
                        previous,
                        stage_id,
                        _ts(when),
                        self._owner(),
                        reason if stage_id == final_stage else None,
                    ),
                )
                previous = stage_id
                name = DEFAULT_STAGES[stages.index(stage_id)][0]
                moves.append((application_id, name, when))
        return moves

    def _timeline(
        self, start: dt.datetime, steps: int, end: dt.datetime, ends_at_end: bool
    ) -> list[dt.datetime]:
        """When an application entered each of its ``steps`` stages: applied a few hours to
        ten days after ``start``, then half a day to two weeks per stage, squeezed to fit
        before ``end`` (or stretched to finish exactly there when ``ends_at_end``)."""
        rng = self.rng
        offsets = [dt.timedelta(hours=rng.uniform(1, 240))]
        for _ in range(steps - 1):
            offsets.append(offsets[-1] + dt.timedelta(hours=rng.uniform(12, 300)))
        room = max(dt.timedelta(0), end - start)
        if ends_at_end or offsets[-1] > room:
            # Squeezed ones finish somewhere in the second half of the room, not all at
            # the very end.
            used = room if ends_at_end else room * rng.uniform(0.5, 1.0)
            offsets = [offset * (used / offsets[-1]) for offset in offsets]
        return [min(end, start + offset) for offset in offsets]

    def _activities(
        self,
        cid: int,
        moves: list[tuple[int, str, dt.datetime]],
        employer: str,
        city: str,
        family: sd.JobFamily,
        created: dt.datetime,
    ) -> None:
        rng = self.rng
        columns = "candidate_id, application_id, kind, subject, body, occurred_at, user_id"
        for application_id, stage_name, when in moves:
            self.w.add(
                "activities",
                columns,
                (
                    cid,
                    application_id,
                    "stage_change",
                    f"Moved to {stage_name}",
                    None,
                    _ts(when),
                    self._owner(),
                ),
            )
        for _ in range(max(0, self.plan.activities_per_candidate - len(moves))):
            kind = rng.choices(("note", "email", "call", "meeting"), (50, 25, 18, 7))[0]
            body = rng.choice(sd.NOTE_TEMPLATES).format(
                skill=rng.choice(family.skills),
                city=city.split(",")[0],
                employer=employer,
                family=family.name.lower(),
            )
            subject = {
                "note": None,
                "email": "Following up",
                "call": "Phone call",
                "meeting": "Coffee chat",
            }[kind]
            when = created + (self.as_of - created) * rng.random()
            self.w.add(
                "activities", columns, (cid, None, kind, subject, body, _ts(when), self._owner())
            )

    def _pools(self) -> None:
        rng = self.rng
        for pool_id, (name, description) in enumerate(sd.POOLS, start=1):
            self.w.add(
                "talent_pools",
                "id, name, description, owner_id, created_at, updated_at",
                (pool_id, name, description, self._owner(), self.stamp, self.stamp),
            )
        members: Iterable[tuple[int, int]] = [(1, cid) for cid in sorted(set(self.silver))]
        share = min(0.08, 400 / max(1, self.plan.candidates)) if self.plan.candidates else 0
        others = [
            (rng.randint(2, len(sd.POOLS)), cid)
            for cid in range(1, self.plan.candidates + 1)
            if rng.random() < max(share, 0.05)
        ]
        for pool_id, cid in sorted(set(members) | set(others)):
            self.w.add(
                "pool_memberships",
                "pool_id, candidate_id, added_at, added_by_id, note",
                (pool_id, cid, self.stamp, self._owner(), None),
            )
