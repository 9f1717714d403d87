"""Possible duplicates found at import, and merging or dismissing them."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.parsing.result import ParsedResume
from app.services.candidates.duplicates import find_similar, phone_key
from app.services.candidates.phones import is_placeholder_phone, matching_key
from app.services.candidates.records import CandidateInput, create_candidate
from app.services.core.changes import ChangeKind
from app.services.core.context import ServiceContext
from app.services.core.unit_of_work import NotFoundError, ValidationError
from app.services.intake.importer import (
    IntakeTarget,
    dismiss_suspect,
    import_resume,
    list_duplicate_suspects,
    merge_candidates,
)
from app.services.pipeline.clients import ClientInput, create_client
from app.services.pipeline.jobs import JobInput, create_job
from app.store.database import Database
from app.store.models import (
    Activity,
    Application,
    Candidate,
    CandidateTag,
    Consent,
    Document,
    DuplicateSuspect,
    PoolMembership,
    StageChange,
    StageTally,
    Tag,
)
from tests.support import AuditWatch, count_rows, create_pool, fail_on_changed


def parsed(name: str, **changes: object) -> ParsedResume:
    values: dict[str, object] = {"file": "x.txt", "name": name, "text": name}
    values.update(changes)
    return ParsedResume(**values)  # type: ignore[arg-type]


class Importer:
    """Imports ParsedResume objects, each with its own small real file."""

    def __init__(self, ctx: ServiceContext, folder: Path):
        self.ctx, self.folder, self.count = ctx, folder, 0
        self.docs = folder / "documents"

    def __call__(self, resume: ParsedResume, target: IntakeTarget | None = None):
        self.count += 1
        path = self.folder / f"resume-{self.count}.txt"
        path.write_text(f"{resume.name} #{self.count}\n", encoding="utf-8")
        return import_resume(self.ctx, self.docs, path, resume, target).value


@pytest.fixture
def add(ctx: ServiceContext, tmp_path: Path) -> Importer:
    return Importer(ctx, tmp_path)


def test_phone_key_ignores_formatting_and_country_code():
    assert phone_key("+1 (555) 010-2030") == phone_key("555.010.2030") == "5550102030"
    assert phone_key("555-010-2030 ext. 12") == "5550102030"
    assert phone_key("12345") is None


@pytest.mark.parametrize(
    "number",
    [
        "555-0100",
        "555-0199",
        "(303) 555-0142",
        "+1 720 555 0101",
        "123-456-7890",
        "(123) 456-7890",
        "1234567890",
        "0123456789",
        "+1 987 654 3210",
        "000-000-0000",
        "111-111-1111",
        "(999) 999-9999",
        "(212) 000-0000",
        "1212121212",
        "123-123-1231",
        "(312) 555-1212",
        "555-0150 ext. 12",
    ],
)
def test_placeholder_numbers_are_recognised(number: str):
    assert is_placeholder_phone(number)
    assert matching_key(number) is None
    assert phone_key(number) is not None  # still a number, kept on the record


@pytest.mark.parametrize(
    "number",
    ["+1 415 867 5309", "(303) 555-2671", "+44 20 7946 0958", "555-010-2030", "+33 1 42 68 53 00"],
)
def test_real_numbers_are_matched(number: str):
    assert not is_placeholder_phone(number)
    assert matching_key(number) == phone_key(number)


class TestSuspects:
    def test_similar_name_in_the_same_city_is_recorded(
        self, add: Importer, ctx: ServiceContext, database: Database
    ):
        first = add(parsed("Jane Smith", emails=("jane@a.com",), location="Austin, TX"))
        watch = AuditWatch(database)
        second = add(parsed("Jane Smyth", emails=("js@b.com",), location="austin, Texas"))
        assert second.created and second.candidate_id != first.candidate_id
        assert second.possible_duplicates == (first.candidate_id,)
        [row] = list_duplicate_suspects(ctx)
        assert (row.candidate_id, row.other_candidate_id) == (
            second.candidate_id,
            first.candidate_id,
        )
        assert (row.candidate_name, row.other_name) == ("Jane Smyth", "Jane Smith")
        assert row.score >= 85 and "same city" in row.reason
        assert "duplicate.suspect" in [e.action for e in watch.new()]

    def test_similar_name_at_the_same_employer_is_recorded(self, add: Importer):
        first = add(parsed("Robert Miller", current_employer="Globex"))
        second = add(parsed("Robert Millar", current_employer="globex", location="Boston"))
        assert second.possible_duplicates == (first.candidate_id,)

    @pytest.mark.parametrize(
        ("name", "place"),
        [
            ("Jane Smyth", {"location": "Denver, CO"}),  # similar name, elsewhere
            ("John Smith", {"location": "Austin, TX"}),  # same city, another name
            ("Jane Smyth", {}),  # nothing to compare but the name
        ],
    )
    def test_no_suspect_without_name_and_place(
        self, add: Importer, database: Database, name: str, place: dict[str, str]
    ):
        add(parsed("Jane Smith", location="Austin, TX", current_employer="Acme"))
        result = add(parsed(name, **place))
        assert result.possible_duplicates == ()
        assert count_rows(database, "duplicate_suspects") == 0

    def test_shared_email_is_the_same_person_not_a_suspect(self, add: Importer, database):
        first = add(parsed("Jane Smith", emails=("jane@a.com",), location="Austin"))
        second = add(parsed("Jane Smyth", emails=("jane@a.com",), location="Austin"))
        assert second.candidate_id == first.candidate_id and not second.created
        assert count_rows(database, "duplicate_suspects") == 0

    def test_dismiss_resolves_the_suspect(
        self, add: Importer, ctx: ServiceContext, database: Database
    ):
        add(parsed("Jane Smith", location="Austin"))
        add(parsed("Jane Smyth", location="Austin"))
        [row] = list_duplicate_suspects(ctx)
        watch = AuditWatch(database)
        result = dismiss_suspect(ctx, row.id)
        assert list_duplicate_suspects(ctx) == []
        assert count_rows(database, "candidates") == 2
        with database.sessions() as session:
            assert session.get_one(DuplicateSuspect, row.id).resolved_at is not None
        [entry] = watch.new()
        assert (entry.action, entry.entity_id) == ("duplicate.dismiss", row.id)
        assert result.changes.ids == {ChangeKind.DUPLICATES: frozenset({row.id})}
        with pytest.raises(NotFoundError):
            dismiss_suspect(ctx, 999)

    def test_prefilter_keeps_import_fast_at_100000_candidates(
        self, add: Importer, database: Database
    ):
        rng = random.Random(7)
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        cities = [f"City{n}" for n in range(300)]
        rows = [
            (
                f"First{n}",
                f"{rng.choice(letters)}ast{n}",
                f"{rng.choice(cities)}, ST",
                f"Employer{rng.randrange(2000)}",
            )
            for n in range(100_000)
        ]
        with database.raw_connection() as connection:
            connection.executemany(
                "INSERT INTO candidates (first_name, last_name, location, current_employer, "
                "links, do_not_contact, consent, created_at, updated_at) VALUES "
                "(?, ?, ?, ?, '[]', 0, 'unknown', '2026-01-01', '2026-01-01')",
                rows,
            )
        target = rows[4242]
        started = time.perf_counter()
        result = add(parsed(f"{target[0]} {target[1]}x", location=target[2]))
        elapsed = time.perf_counter() - started
        assert len(result.possible_duplicates) >= 1
        assert elapsed < 2.0, f"import took {elapsed:.2f} s"
        with database.sessions() as session:
            candidate = session.get_one(Candidate, result.candidate_id)
            started = time.perf_counter()
            find_similar(session, candidate)
            assert time.perf_counter() - started < 0.5


def _tag(database: Database, candidate_id: int, name: str) -> None:
    with database.sessions() as session, session.begin():
        tag = session.scalar(select(Tag).where(Tag.name == name)) or Tag(name=name)
        session.add(tag)
        session.flush()
        session.add(CandidateTag(candidate_id=candidate_id, tag_id=tag.id))


class TestMerge:
    @pytest.fixture
    def pair(self, add: Importer, ctx: ServiceContext, database: Database) -> dict[str, int]:
        client = create_client(ctx, ClientInput(name="Initech")).value
        shared_job = create_job(ctx, JobInput(client_id=client, title="Shared")).value
        other_job = create_job(ctx, JobInput(client_id=client, title="Other only")).value
        pool = create_pool(ctx, "Silver").value
        survivor = add(
            parsed(
                "Jane Smith",
                emails=("jane@a.com",),
                phones=("+15550102030",),
                location="Austin, TX",
                skills=("Python",),
                links=("https://a.example/jane",),
            ),
            IntakeTarget(job_id=shared_job),
        )
        other = add(
            parsed(
                "Jane Smyth",
                emails=("jane@b.com",),
                phones=("+15550109999",),
                location="Austin, Texas",
                current_title="Engineer",
                skills=("Python", "SQL"),
                links=("https://b.example/jane",),
            ),
            IntakeTarget(job_id=shared_job, pool_id=pool),
        )
        other_application = add(
            parsed("Jane Smyth", emails=("jane@b.com",)), IntakeTarget(job_id=other_job)
        ).application_id
        with database.raw_connection() as connection:  # the same number, typed differently
            connection.execute(
                "INSERT INTO candidate_phones (candidate_id, phone, position) VALUES (?, ?, 1)",
                (other.candidate_id, "555-010-2030 ext. 9"),
            )
        _tag(database, survivor.candidate_id, "Remote")
        _tag(database, other.candidate_id, "Remote")
        _tag(database, other.candidate_id, "Senior")
        return {
            "survivor": survivor.candidate_id,
            "other": other.candidate_id,
            "shared_job": shared_job,
            "other_job": other_job,
            "survivor_application": survivor.application_id,
            "dropped_application": other.application_id,
            "moved_application": other_application,
            "pool": pool,
        }

    def test_merge_moves_everything_and_deletes_the_other(
        self, ctx: ServiceContext, database: Database, pair: dict[str, int]
    ):
        survivor, other = pair["survivor"], pair["other"]
        [suspect] = list_duplicate_suspects(ctx)
        with database.sessions() as session:
            other_activities = session.scalars(
                select(Activity.id).where(Activity.candidate_id == other)
            ).all()
        watch = AuditWatch(database)
        result = merge_candidates(ctx, survivor, other, {"location": "other"})
        value = result.value
        assert value.dropped_applications == (pair["dropped_application"],)
        with database.sessions() as session:
            assert session.get(Candidate, other) is None
            kept = session.get_one(Candidate, survivor)
            assert (kept.first_name, kept.last_name) == ("Jane", "Smith")
            assert kept.location == "Austin, Texas"  # chosen from the other
            assert kept.current_title == "Engineer"  # empty on the survivor: taken
            assert [e.email for e in kept.emails] == ["jane@a.com", "jane@b.com"]
            assert [p.phone for p in kept.phones] == ["+15550102030", "+15550109999"]
            assert kept.links == ["https://a.example/jane", "https://b.example/jane"]
            assert sorted(s.name for s in kept.skills) == ["Python", "SQL"]
            assert sorted(t.name for t in kept.tags) == ["Remote", "Senior"]
            applications = {
                a.job_id: a.id
                for a in session.scalars(
                    select(Application).where(Application.candidate_id == survivor)
                )
            }
            assert applications == {
                pair["shared_job"]: pair["survivor_application"],
                pair["other_job"]: pair["moved_application"],
            }
            assert session.get(Application, pair["dropped_application"]) is None
            assert (
                session.scalars(
                    select(StageChange).where(
                        StageChange.application_id == pair["dropped_application"]
                    )
                ).all()
                == []
            )
            moved = session.scalars(select(Activity).where(Activity.id.in_(other_activities))).all()
            assert len(moved) == len(other_activities)
            assert {a.candidate_id for a in moved} == {survivor}
            assert pair["dropped_application"] not in {a.application_id for a in moved}
            documents = session.scalars(select(Document.candidate_id)).all()
            assert documents and set(documents) == {survivor}
            assert session.get(PoolMembership, (pair["pool"], survivor)) is not None
            tallies = dict(
                session.execute(select(StageTally.stage_id, StageTally.applications)).all()
            )
            assert sum(tallies.values()) == count_rows(database, "applications") == 2
            assert session.get(DuplicateSuspect, suspect.id) is None
        assert list_duplicate_suspects(ctx) == []
        assert count_rows(database, "candidate_emails") == 2
        assert count_rows(database, "candidate_tags") == 2
        entries = watch.new()
        actions = [e.action for e in entries]
        assert actions.count("candidate.merge") == 1
        assert actions.count("candidate.merged_away") == 1
        assert "duplicate.resolve" in actions and "application.delete" in actions
        merge = next(e for e in entries if e.action == "candidate.merge")
        assert merge.entity_id == survivor and merge.after["merged_from"] == other
        assert merge.before["location"] == "Austin, TX"
        assert merge.after["location"] == "Austin, Texas"
        away = next(e for e in entries if e.action == "candidate.merged_away")
        assert away.before["emails"] == ["jane@b.com"]
        assert result.changes.ids[ChangeKind.CANDIDATES] == {survivor, other}

    def test_third_party_suspicions_pass_to_the_survivor(
        self, add: Importer, ctx: ServiceContext, database: Database
    ):
        a = add(parsed("Jane Smith", location="Austin")).candidate_id
        b = add(parsed("Jane Smyth", location="Austin")).candidate_id  # suspects a
        c = add(parsed("Jane Smitt", location="Austin")).candidate_id  # suspects a and b
        merge_candidates(ctx, a, b, {})
        pairs = {(row.candidate_id, row.other_candidate_id) for row in list_duplicate_suspects(ctx)}
        assert pairs == {(c, a)}

    def test_cautious_consent_wins(self, ctx: ServiceContext, database: Database):
        one = create_candidate(ctx, CandidateInput(first_name="A", last_name="B")).value
        two = create_candidate(ctx, CandidateInput(first_name="A", last_name="B")).value
        with database.sessions() as session, session.begin():
            other = session.get_one(Candidate, two)
            other.consent, other.do_not_contact = Consent.WITHDRAWN, True
        merge_candidates(ctx, one, two, {})
        with database.sessions() as session:
            kept = session.get_one(Candidate, one)
            assert (kept.consent, kept.do_not_contact) == (Consent.WITHDRAWN, True)

    @pytest.mark.parametrize(
        ("survivor", "other", "chosen", "field"),
        [
            (1, 1, {}, "other"),
            (1, 2, {"location": "both"}, "location"),
            (1, 2, {"id": "other"}, "id"),
        ],
    )
    def test_invalid_requests_are_refused(
        self, ctx: ServiceContext, survivor: int, other: int, chosen: dict, field: str
    ):
        with pytest.raises(ValidationError) as raised:
            merge_candidates(ctx, survivor, other, chosen)
        assert field in raised.value.errors

    def test_missing_candidate(self, ctx: ServiceContext):
        one = create_candidate(ctx, CandidateInput(first_name="A", last_name="B")).value
        with pytest.raises(NotFoundError):
            merge_candidates(ctx, one, 999, {})

    def test_a_failed_merge_changes_nothing(
        self,
        ctx: ServiceContext,
        database: Database,
        pair: dict[str, int],
        monkeypatch: pytest.MonkeyPatch,
    ):
        counts = {
            table: count_rows(database, table)
            for table in ("candidates", "applications", "candidate_emails", "activities")
        }
        watch = AuditWatch(database)
        fail_on_changed(monkeypatch)
        with pytest.raises(RuntimeError, match="injected"):
            merge_candidates(ctx, pair["survivor"], pair["other"], {})
        assert {table: count_rows(database, table) for table in counts} == counts
        assert watch.new() == []
        assert len(list_duplicate_suspects(ctx)) == 1


def test_a_merge_writes_clean_values_within_their_caps(ctx: ServiceContext, database: Database):
    """Records saved before the caps (or written around the services) may hold anything; the
    merge is a write path, so what it writes is cleaned and fitted like any import."""
    survivor = create_candidate(ctx, CandidateInput(first_name="Ana", last_name="Diaz")).value
    other = create_candidate(ctx, CandidateInput(first_name="Ana", last_name="Díaz")).value
    with ctx.write() as tx:
        legacy = tx.session.get_one(Candidate, other)
        legacy.current_title = "Head\x00 of " + "Data " * 1_000
        legacy.location = "Austin\x1b[2J\r\nTX"
        legacy.summary = "Line one\x00\r\n\tLine two" + "." * 20_000
        legacy.links = [f"example.com/{n}\x1b" for n in range(30)] + ["x" * 600]
    merge_candidates(ctx, survivor, other, {"current_title": "other", "summary": "other"})
    with database.sessions() as session:
        merged = session.get_one(Candidate, survivor)
        assert merged.current_title.startswith("Head of Data Data")
        assert len(merged.current_title) <= 200 and merged.current_title.endswith("…")
        assert merged.location == "Austin[2J TX"
        assert merged.summary.startswith("Line one\n\tLine two...")
        assert len(merged.summary) == 10_000
        assert merged.links == [f"example.com/{n}" for n in range(20)]
        assert merged.last_name == "Diaz"
