"""Candidate search: the query grammar, ranking, snippets, hostile input, and an index that
follows every kind of write (the triggers of migration 0007)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, text, update

from app.services.candidates.duplicates import merge_candidates
from app.services.candidates.search import matching_candidate_ids, plan_query, search_candidates
from app.services.core.context import ServiceContext
from app.store.models import (
    Activity,
    ActivityKind,
    Candidate,
    CandidateSkill,
    CandidateTag,
    Document,
    Skill,
    Tag,
)
from app.store.search import rebuild_candidate_search


def _add(
    ctx: ServiceContext,
    first: str,
    last: str,
    *,
    title: str | None = None,
    employer: str | None = None,
    city: str | None = None,
    skills: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    resume: str | None = None,
    notes: tuple[str, ...] = (),
) -> int:
    """One candidate with everything the index reads, written as the ORM would."""
    with ctx.write() as tx:
        session = tx.session
        person = Candidate(
            first_name=first,
            last_name=last,
            current_title=title,
            current_employer=employer,
            location=city,
        )
        session.add(person)
        session.flush()
        for name in skills:
            skill = session.query(Skill).filter_by(name=name).one_or_none() or Skill(name=name)
            session.add(skill)
            session.flush()
            session.add(CandidateSkill(candidate_id=person.id, skill_id=skill.id))
        for name in tags:
            tag = session.query(Tag).filter_by(name=name).one_or_none() or Tag(name=name)
            session.add(tag)
            session.flush()
            session.add(CandidateTag(candidate_id=person.id, tag_id=tag.id))
        if resume is not None:
            session.add(_document(person.id, resume, f"{first}-{last}"))
        for body in notes:
            session.add(Activity(candidate_id=person.id, kind=ActivityKind.NOTE, body=body))
        session.flush()
        return person.id


def _document(candidate_id: int, body: str, key: str) -> Document:
    return Document(
        candidate_id=candidate_id,
        sha256=(key.encode().hex() * 64)[:64],
        original_name=f"{key}.pdf",
        media_type="application/pdf",
        size_bytes=len(body),
        stored_path=f"{key}.pdf",
        text=body,
    )


def ids(ctx: ServiceContext, query: str) -> list[int]:
    return [hit.candidate_id for hit in search_candidates(ctx, query).hits]


def found(ctx: ServiceContext, query: str) -> set[int]:
    return set(matching_candidate_ids(ctx, query))


@pytest.fixture
def people(ctx: ServiceContext) -> dict[str, int]:
    return {
        "ada": _add(
            ctx,
            "Ada",
            "Lovelace",
            title="Data Engineer",
            employer="Analytical Engines",
            city="Austin, TX",
            skills=("Python", "Kubernetes"),
            tags=("Relocating",),
            resume="Built pipelines on Kubernetes. Studied at Boğaziçi University.",
            notes=("Salary expectation discussed; wants remote.",),
        ),
        "grace": _add(
            ctx,
            "Grace",
            "Hopper",
            title="Senior Accountant",
            employer="Navy Finance",
            city="Boston, MA",
            skills=("GAAP", "Excel"),
            resume="Senior accountant: month-end close, GAAP reporting, Python scripts.",
        ),
        "alan": _add(
            ctx,
            "Alan",
            "Turing",
            title="Software Engineer",
            employer="Bletchley Labs",
            city="Austin, TX",
            skills=("Java", "Python"),
            tags=("Top talent",),
            notes=("Met Ada at the data engineer meetup.",),
        ),
    }


class TestGrammar:
    def test_words_are_prefixes_and_all_must_match(self, ctx, people):
        assert found(ctx, "lovel") == {people["ada"]}
        assert found(ctx, "python") == {people["ada"], people["grace"], people["alan"]}
        assert found(ctx, "python austin") == {people["ada"], people["alan"]}
        assert found(ctx, "python AND austin") == {people["ada"], people["alan"]}

    def test_phrases_are_exact(self, ctx, people):
        assert found(ctx, '"data engineer"') == {people["ada"], people["alan"]}
        assert found(ctx, '"engineer data"') == set()
        assert found(ctx, '"data engin"') == set()  # no prefix inside quotes

    def test_or_not_and_parentheses(self, ctx, people):
        assert found(ctx, "gaap OR java") == {people["grace"], people["alan"]}
        assert found(ctx, "python NOT java") == {people["ada"], people["grace"]}
        assert found(ctx, "python -java") == {people["ada"], people["grace"]}
        assert found(ctx, "(gaap OR java) AND boston") == {people["grace"]}
        assert found(ctx, "austin -(java OR relocating)") == set()

    def test_only_negative_terms_find_everyone_else(self, ctx, people):
        assert found(ctx, "-java") == {people["ada"], people["grace"]}
        result = search_candidates(ctx, "NOT tag:relocating")
        assert {hit.candidate_id for hit in result.hits} == {people["grace"], people["alan"]}
        assert result.total == 2 and result.warning is None

    def test_lower_case_operators_are_words(self, ctx, people):
        assert plan_query("python or java").expression == '"python"* AND "or"* AND "java"*'

    @pytest.mark.parametrize(
        ("query", "who"),
        [
            ("skill:python", {"ada", "alan"}),  # Grace has it in her resume only
            ("skill:kube", {"ada"}),
            ("city:austin", {"ada", "alan"}),
            ('title:"data engineer"', {"ada"}),
            ("title:analytical", {"ada"}),  # the employer is part of the title field
            ("name:ada", {"ada"}),  # not Alan, whose notes mention Ada
            ("tag:relocating", {"ada"}),
            ('tag:"top talent"', {"alan"}),
            ("resume:kubernetes", {"ada"}),
            ("notes:salary", {"ada"}),
            ("skills:(gaap OR java)", {"grace", "alan"}),
            ("SKILL:python -city:boston", {"ada", "alan"}),
        ],
    )
    def test_field_terms(self, ctx, people, query, who):
        assert found(ctx, query) == {people[key] for key in who}

    def test_unknown_fields_are_plain_text(self, ctx, people):
        assert plan_query("foo:bar").expression == '"foo:bar"*'

    def test_diacritics_are_folded(self, ctx, people):
        assert found(ctx, "bogazici") == {people["ada"]}
        assert found(ctx, "BOĞAZİÇİ") == {people["ada"]}


@pytest.fixture
def crowd(ctx: ServiceContext, people: dict[str, int]) -> None:
    """Others with none of the searched words: bm25 clamps to 0 a word most rows have."""
    for number in range(12):
        _add(ctx, f"Filler{number}", "Person", title="Clerk", city="Reno, NV", skills=("Typing",))


@pytest.mark.usefixtures("crowd")
class TestRanking:
    def test_a_name_match_outranks_a_resume_only_match(self, ctx, people):
        other = _add(ctx, "Zed", "Kubernetes")  # newer, but only named so
        resume_only = _add(
            ctx, "Bob", "Stone", resume="Ops engineer: some Kubernetes, mostly Linux servers."
        )
        ranked = ids(ctx, "kubernetes")
        assert ranked[0] == other
        assert ranked.index(people["ada"]) < ranked.index(resume_only)  # skill beats resume

    def test_title_and_skills_outrank_notes(self, ctx, people):
        assert ids(ctx, "data engineer")[0] == people["ada"]  # Alan's notes mention it

    def test_scores_paging_and_total(self, ctx, people):
        result = search_candidates(ctx, "python", limit=2)
        assert result.total == 3 and len(result.hits) == 2
        assert result.hits[0].score >= result.hits[1].score > 0
        rest = search_candidates(ctx, "python", limit=2, offset=2)
        assert len(rest.hits) == 1
        assert {h.candidate_id for h in result.hits + rest.hits} == set(people.values())

    def test_name_tier_pages_into_the_rest(self, ctx, people):
        all_ids = ids(ctx, "ada")  # Ada by name first, then Alan's note
        assert all_ids == [people["ada"], people["alan"]]
        page = search_candidates(ctx, "ada", limit=1, offset=1)
        assert [h.candidate_id for h in page.hits] == [people["alan"]] and page.total == 2
        assert search_candidates(ctx, "ada", limit=5, offset=2).hits == []

    def test_name_matches_carry_no_score_and_the_rest_are_scored(self, ctx, people):
        name_hit, note_hit = search_candidates(ctx, "ada").hits
        assert name_hit.candidate_id == people["ada"] and name_hit.score is None
        assert note_hit.candidate_id == people["alan"] and note_hit.score > 0


class TestHits:
    def test_snippet_and_matched_fields(self, ctx, people):
        (hit,) = search_candidates(ctx, "gaap month").hits
        assert hit.name == "Grace Hopper"
        assert (hit.current_title, hit.location) == ("Senior Accountant", "Boston, MA")
        assert "[month]" in hit.snippet and "[GAAP]" in hit.snippet
        assert set(hit.fields) == {"skills", "resume"}

    def test_a_hit_found_by_name_is_described_from_its_name(self, ctx, people):
        (hit,) = [h for h in search_candidates(ctx, "grac").hits if h.name == "Grace Hopper"]
        assert hit.score is None  # the name tier
        assert "[Grace]" in hit.snippet and hit.fields[0] == "name"
        assert not {"resume", "notes"} & set(hit.fields)  # their text is not read for it

    def test_snippet_of_a_phrase_and_folded_word(self, ctx, people):
        (hit,) = search_candidates(ctx, "resume:bogazici").hits
        assert "[Boğaziçi]" in hit.snippet and hit.fields == ("resume",)

    def test_the_expression_is_reported(self, ctx, people):
        result = search_candidates(ctx, 'skill:python -"top talent"')
        assert result.expression == 'skills : "python"* NOT "top talent"'


class TestHostileQueries:
    @pytest.mark.parametrize(
        "query",
        ['"', "(", ")", "AND", "python OR", "OR OR", "NOT", "-", "--x", "a:", "skill:", "*",
         'title:"', "(((", "python)", "NEAR(a b)", "col:x", "'; DROP TABLE candidates; --",
         "^", "{name}: ada", "skill:(", "()", "a AND AND b", "\x00", "日本語"],
    )  # fmt: skip
    def test_never_raises(self, ctx, people, query):
        result = search_candidates(ctx, query)
        assert isinstance(result.hits, list)
        assert isinstance(matching_candidate_ids(ctx, query), list)

    def test_malformed_queries_degrade_to_words(self, ctx, people):
        result = search_candidates(ctx, "kubernetes (python")
        assert [h.candidate_id for h in result.hits] == [people["ada"]]
        assert result.warning and "parenthesis" in result.warning
        assert result.expression == '"kubernetes"* AND "python"*'

    def test_nothing_searchable_is_a_warning_not_an_error(self, ctx, people):
        result = search_candidates(ctx, "(( ** ))")
        assert (result.hits, result.total) == ([], 0) and result.warning
        assert search_candidates(ctx, "   ") == search_candidates(ctx, "")
        assert search_candidates(ctx, "").warning is None

    @settings(
        max_examples=300,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        st.lists(
            st.one_of(
                st.sampled_from(['"', "(", ")", "-", ":", "*", "^", " ", "AND", "OR", "NOT"]),
                st.sampled_from(["NEAR", "skill:", "title:", "name:", "py", "ada", "{", "}"]),
                st.text(max_size=6),
            ),
            max_size=12,
        ).map("".join)
    )
    def test_generated_queries_never_raise(self, ctx, people, query):
        result = search_candidates(ctx, query, limit=5)
        assert result.total is None or result.total >= 0
        matching_candidate_ids(ctx, query)


class TestIndexFollowsWrites:
    def test_insert_and_update_of_the_candidate(self, ctx, people):
        with ctx.write() as tx:
            tx.session.execute(
                update(Candidate)
                .where(Candidate.id == people["ada"])
                .values(last_name="Byron", location="Denver, CO", current_employer="Difference")
            )
        assert found(ctx, "lovelace") == set()
        assert found(ctx, "name:byron") == found(ctx, "city:denver") == {people["ada"]}
        assert found(ctx, "title:difference") == {people["ada"]}
        assert found(ctx, "title:analytical") == set()

    def test_skills_tags_and_their_renames(self, ctx, people):
        with ctx.write() as tx:
            tx.session.execute(delete(CandidateSkill).where(CandidateSkill.candidate_id == 2))
            tx.session.execute(update(Skill).where(Skill.name == "Java").values(name="Kotlin"))
            tx.session.execute(update(Tag).where(Tag.name == "Top talent").values(name="Star"))
            tx.session.execute(delete(CandidateTag).where(CandidateTag.tag_id == 1))
        assert people["grace"] == 2
        assert found(ctx, "skill:gaap") == set()
        assert found(ctx, "skill:java") == set()
        assert found(ctx, "skill:kotlin") == found(ctx, "tag:star") == {people["alan"]}
        assert found(ctx, "tag:relocating") == set()

    def test_notes_and_documents(self, ctx, people):
        with ctx.write() as tx:
            tx.session.execute(
                update(Activity)
                .where(Activity.candidate_id == people["ada"])
                .values(body="Prefers hybrid.")
            )
            tx.session.add(_document(people["grace"], "COBOL compiler pioneer", "grace-2"))
            tx.session.add(
                Activity(candidate_id=people["alan"], kind=ActivityKind.STAGE_CHANGE, body="zz")
            )
        assert found(ctx, "notes:salary") == set()
        assert found(ctx, "notes:hybrid") == {people["ada"]}
        assert found(ctx, "resume:cobol") == {people["grace"]}
        assert found(ctx, "resume:month") == {people["grace"]}  # both documents count
        assert found(ctx, "zz") == set()  # stage changes are not notes
        with ctx.write() as tx:
            tx.session.execute(delete(Document).where(Document.candidate_id == people["grace"]))
            tx.session.execute(delete(Activity).where(Activity.candidate_id == people["ada"]))
        assert found(ctx, "cobol") == found(ctx, "hybrid") == set()

    def test_merge_moves_everything_to_the_survivor(self, ctx, people):
        merge_candidates(ctx, people["ada"], people["alan"], {})
        assert found(ctx, "turing") == set()
        assert found(ctx, "skill:java") == {people["ada"]}
        assert found(ctx, "tag:top") == {people["ada"]}
        assert found(ctx, "notes:meetup") == {people["ada"]}

    def test_deletion(self, ctx, people):
        with ctx.write() as tx:
            tx.session.execute(delete(Candidate).where(Candidate.id == people["grace"]))
        assert found(ctx, "hopper") == found(ctx, "gaap") == set()
        assert found(ctx, "python") == {people["ada"], people["alan"]}

    def test_rebuild_gives_what_the_triggers_keep(self, ctx, people, database):
        merge_candidates(ctx, people["ada"], people["alan"], {})
        sql = "SELECT rowid, * FROM candidate_search ORDER BY rowid"
        with database.engine.begin() as connection:
            kept = connection.execute(text(sql)).all()
            rebuild_candidate_search(connection)
            assert connection.execute(text(sql)).all() == kept
            rebuild_candidate_search(connection, [people["grace"]])
            assert connection.execute(text(sql)).all() == kept


def test_broad_queries_are_counted_and_ranked_up_to_the_cap(
    demo_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.services.candidates.search as search

    everyone = search.search_candidates(demo_ctx, "resume:python OR skills:python", limit=500)
    assert everyone.total and everyone.total > 12 and not everyone.capped
    monkeypatch.setattr(search, "COUNT_CAP", 10)
    broad = search.search_candidates(demo_ctx, "resume:python OR skills:python", limit=500)
    assert broad.capped and broad.total == 10
    newest = sorted((h.candidate_id for h in everyone.hits), reverse=True)[:10]
    assert {h.candidate_id for h in broad.hits} == set(newest)  # ranked among the newest


# --- the Candidates filters, applied to a search ----------------------------------------------


@pytest.fixture
def filtered(ctx: ServiceContext, database, people: dict[str, int]) -> dict[str, object]:
    """The three people, made to differ in every filter the Candidates list has."""
    import datetime as dt

    from app.services.candidates.pools import add_members
    from app.store.models import JobStatus, utc_now
    from tests.services.candidates.test_pools_crm import World
    from tests.support import create_pool, create_smart_pool

    ada, grace, alan = people["ada"], people["grace"], people["alan"]
    with ctx.write() as tx:
        tx.session.execute(update(Candidate).where(Candidate.id == ada).values(source="Referral"))
        tx.session.execute(
            update(Candidate)
            .where(Candidate.id == grace)
            .values(owner_id=ctx.actor.user_id, do_not_contact=True)
        )
        tx.session.add(Activity(candidate_id=alan, kind=ActivityKind.CALL, occurred_at=utc_now()))
        tx.session.add(
            Activity(
                candidate_id=ada,
                kind=ActivityKind.CALL,
                occurred_at=utc_now() - dt.timedelta(days=90),
            )
        )
    world = World(database)
    job = world.job("Platform engineer", JobStatus.OPEN)
    world.history(alan, job, "Applied", "Screened", "Interviewed")
    world.history(ada, job, "Applied")
    pool = create_pool(ctx, "Bench").value
    add_members(ctx, pool, [ada, grace])
    smart = create_smart_pool(ctx, "Cloud people", "kubernetes").value
    return {"pool": pool, "smart": smart, **people}


def _search_ids(ctx: ServiceContext, query: str, **fields: object) -> set[int]:
    from app.services.candidates.records import CandidateFilters

    filters = CandidateFilters(**fields)  # type: ignore[arg-type]
    result = search_candidates(ctx, query, filters=filters)
    assert result.total == len(result.hits) and result.warning is None
    listed = set(matching_candidate_ids(ctx, query, filters))
    assert {hit.candidate_id for hit in result.hits} == listed
    return listed


class TestFilteredSearch:
    @pytest.mark.parametrize(
        "query, fields, who",
        [
            ("python", {}, {"ada", "grace", "alan"}),
            ("python", {"skills": ("java",)}, {"alan"}),
            ("python", {"skills": ("python", "kubernetes")}, {"ada"}),
            ("python", {"location": "boston"}, {"grace"}),
            ("engineer", {"tags": ("relocating",)}, {"ada"}),
            ("python", {"source": "referral"}, {"ada"}),
            ("python", {"owner_id": "me"}, {"grace"}),
            ("austin", {"contacted_within_days": 30}, {"alan"}),
            ("austin", {"contacted_within_days": 120}, {"ada", "alan"}),
            ("python", {"pool_id": "pool"}, {"ada", "grace"}),
            ("python", {"pool_id": "smart"}, {"ada"}),
            ("python", {"furthest_stage": "Screened"}, {"alan"}),
            ("python", {"do_not_contact": True}, {"grace"}),
            ("python", {"do_not_contact": False}, {"ada", "alan"}),
            # The name tier (Ada by name) and the rest (Alan's note mentions Ada), narrowed.
            ("ada", {"location": "austin"}, {"ada", "alan"}),
            ("ada", {"tags": ("top talent",)}, {"alan"}),
            ("ada", {"location": "boston"}, set()),
            # Only NOT terms: everyone else, narrowed the same way.
            ("-kubernetes", {}, {"grace", "alan"}),
            ("-kubernetes", {"location": "boston"}, {"grace"}),
            ("-kubernetes", {"do_not_contact": False}, {"alan"}),
        ],
    )
    def test_a_search_keeps_only_candidates_the_filters_keep(
        self, ctx, filtered, query, fields, who
    ):
        values = {
            name: ctx.actor.user_id if value == "me" else filtered.get(value, value)
            for name, value in fields.items()
        }
        assert _search_ids(ctx, query, **values) == {filtered[name] for name in who}

    def test_pages_of_a_filtered_search(self, ctx, filtered):
        from app.services.candidates.records import CandidateFilters

        keep = CandidateFilters(do_not_contact=False)
        first = search_candidates(ctx, "python", limit=1, filters=keep)
        second = search_candidates(ctx, "python", limit=1, offset=1, filters=keep)
        assert first.total == second.total == 2
        assert {first.hits[0].candidate_id, second.hits[0].candidate_id} == {
            filtered["ada"],
            filtered["alan"],
        }
        assert search_candidates(ctx, "python", limit=5, offset=2, filters=keep).hits == []

    def test_empty_filters_change_nothing(self, ctx, people):
        from app.services.candidates.records import CandidateFilters

        plain = search_candidates(ctx, "python")
        assert search_candidates(ctx, "python", filters=CandidateFilters()) == plain


def test_broad_filtered_queries_rank_among_the_newest_that_pass(
    demo_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.services.candidates.search as search
    from app.services.candidates.records import CandidateFilters

    keep = CandidateFilters(do_not_contact=False, location="a")
    passing = search.matching_candidate_ids(demo_ctx, "resume:python OR skills:python", keep)
    everyone = search.matching_candidate_ids(demo_ctx, "resume:python OR skills:python")
    assert 10 < len(passing) < len(everyone)
    monkeypatch.setattr(search, "COUNT_CAP", 10)
    broad = search.search_candidates(
        demo_ctx, "resume:python OR skills:python", limit=500, filters=keep
    )
    assert broad.capped and broad.total == 10
    assert {h.candidate_id for h in broad.hits} == set(sorted(passing, reverse=True)[:10])


_ASCII_WORDS = st.sampled_from(["ab", "abc", "a", "b", "x_y", "ab-c", "AB", "bc", "c9", "9"])


@given(
    words=st.lists(_ASCII_WORDS, max_size=12),
    separators=st.lists(st.sampled_from([" ", "-", "_", ", ", ".", "\n"]), min_size=12),
    term=st.lists(st.sampled_from(["ab", "a", "b", "bc", "c9", "x", "y"]), min_size=1, max_size=3),
    prefix=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_the_quick_match_test_agrees_with_the_token_spans(words, separators, term, prefix):
    """`_occurs` answers by one regex search what `_spans` finds by splitting into words."""
    from app.services.candidates.search import _fold, _folded_words, _occurs, _spans, _Term

    value = "".join(word + sep for word, sep in zip(words, separators, strict=False))
    folded_term = _Term(tuple(_fold(t) for t in term), prefix, None)
    spans = _spans(_folded_words(value), folded_term)
    assert _occurs(value, value.lower(), folded_term) == bool(spans)
