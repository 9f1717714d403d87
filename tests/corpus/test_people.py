"""The generated people are deterministic, varied, and their truth follows the template."""

from __future__ import annotations

import re

from tests.corpus.people import people, truth_for

CROWD = people(200)


def test_same_seed_same_people_other_seed_other_people() -> None:
    assert people(20) == CROWD[:20]
    assert people(20, seed="another") != CROWD[:20]


def test_many_countries_and_phone_styles() -> None:
    countries = {p["basics"]["location"]["countryCode"] for p in CROWD if "location" in p["basics"]}
    assert len(countries) >= 8
    # Shape of a number: digits become 9, so "(312) 555-0187" and "+44 7700 900123" differ.
    shapes = {re.sub(r"\d", "9", p["basics"]["phone"]) for p in CROWD if "phone" in p["basics"]}
    assert len(shapes) >= 15
    assert any(s.startswith("(999) 999-") for s in shapes)
    assert any(s.startswith("(+99)") for s in shapes)


def test_names_include_accents_hyphens_and_two_part_surnames() -> None:
    names = [p["basics"]["name"] for p in CROWD]
    assert any(re.search(r"[^\x00-\x7f]", n) for n in names)
    assert any("-" in n for n in names)
    assert any(len(n.split()) >= 3 for n in names)


def test_careers_vary_in_length_gaps_and_endings() -> None:
    lengths = {len(p["work"]) for p in CROWD}
    assert min(lengths) == 1 and max(lengths) >= 6
    assert any("endDate" not in p["work"][0] for p in CROWD)  # a current role
    assert any("endDate" in p["work"][0] for p in CROWD)  # everyone has left
    gaps = 0
    for p in CROWD:
        for newer, older in zip(p["work"], p["work"][1:], strict=False):
            if older["endDate"] < newer["startDate"]:
                gaps += 1
    assert gaps >= 10


def test_some_people_miss_phone_location_or_links() -> None:
    assert any("phone" not in p["basics"] for p in CROWD)
    assert any("location" not in p["basics"] for p in CROWD)
    assert any("profiles" not in p["basics"] and "url" not in p["basics"] for p in CROWD)


def test_degrees_and_skills_vary() -> None:
    kinds = {e["studyType"].split(" in ")[0] for p in CROWD for e in p["education"]}
    assert {"BSc", "B.S.", "MBA", "PhD", "Diploma", "Bachelor of Science"} <= kinds
    fields = {p["meta"]["field"] for p in CROWD}
    assert len(fields) >= 6


def test_emails_are_fictional() -> None:
    domains = {p["basics"]["email"].split("@")[1] for p in CROWD}
    assert all(d.endswith((".example", ".test")) or d.startswith("example.") for d in domains)


def test_truth_current_title_is_the_most_recent_job() -> None:
    for p in CROWD[:50]:
        truth = truth_for(p)
        newest = max(p["work"], key=lambda w: w["startDate"])
        assert truth["current_title"] == newest["position"]
        assert truth["employers"][0]["start"] == newest["startDate"]


def test_truth_respects_hidden_fields() -> None:
    person = next(p for p in CROWD if "location" in p["basics"] and "profiles" in p["basics"])
    shown = truth_for(person)
    assert shown["location"] and shown["links"]
    hidden = truth_for(person, frozenset({"location", "links", "employer_location"}))
    assert hidden["location"] is None and hidden["links"] is None
    assert all(e["location"] is None for e in hidden["employers"])
    assert hidden["name"] == shown["name"] and hidden["skills"] == shown["skills"]


def test_truth_links_have_no_scheme_and_absent_fields_are_null() -> None:
    person = next(p for p in CROWD if "phone" not in p["basics"])
    truth = truth_for(person)
    assert truth["phone"] is None
    for p in CROWD[:50]:
        assert all("://" not in link for link in truth_for(p)["links"] or [])
