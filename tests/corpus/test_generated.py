"""The committed generated corpus is consistent: files, truth, manifest and splits agree."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from tests.corpus.splits import HELD_BACK, family, split_of

ROOT = Path(__file__).resolve().parent / "generated"
FILES = sorted(p.name for p in (ROOT / "files").iterdir())
TRUTH = {
    p.name[:-5]: json.loads(p.read_text(encoding="utf-8"))
    for p in sorted((ROOT / "truth").glob("*.json"))
}
MIN_TEMPLATES = 20  # layouts
MIN_FILES = 300
MIN_PER_TEMPLATE = 8  # enough for a per-template figure
KEYS = {
    "name",
    "email",
    "phone",
    "location",
    "links",
    "current_title",
    "employers",
    "education",
    "skills",
    "template",
    "split",
    "generator",
}


def _manifest() -> list[dict[str, str]]:
    lines = (ROOT / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


def test_every_file_has_truth_and_every_truth_a_file() -> None:
    assert FILES
    assert set(FILES) == set(TRUTH)


def test_manifest_lists_each_file_once_with_its_template_and_split() -> None:
    rows = _manifest()
    counts = Counter(r["file"] for r in rows)
    assert set(counts) == set(FILES)
    assert max(counts.values()) == 1
    for row in rows:
        truth = TRUTH[row["file"]]
        assert row["template"] == truth["template"] and row["split"] == truth["split"]
        assert row["file"].startswith(f"{row['template']}--")
        assert row["generator"]


def test_truth_records_follow_the_schema() -> None:
    for name, truth in TRUTH.items():
        assert set(truth) >= KEYS, name
        assert truth["name"] and truth["email"], name
        assert truth["split"] == split_of(truth["template"]), name
        for key in ("links", "employers", "education", "skills"):
            assert truth[key] is None or truth[key], f"{name}: empty list stored for {key}"
        for job in truth["employers"] or []:
            assert job["section"] == "experience" and job["start"], name


def test_enough_templates_each_with_enough_people() -> None:
    per_template = Counter(t["template"] for t in TRUTH.values())
    assert len(per_template) >= MIN_TEMPLATES
    assert sum(per_template.values()) >= MIN_FILES
    assert min(per_template.values()) >= MIN_PER_TEMPLATE


def test_held_back_split_is_non_empty_and_spans_families() -> None:
    present = {t["template"] for t in TRUTH.values()}
    held = present & HELD_BACK
    assert held and held != present
    assert len({family(t) for t in held}) >= 2
    # The split was fixed at about 30% before any measurement; templates added since join
    # the tuning split (splits.py), so the held-back share shrinks as the corpus grows.
    assert 0.15 <= len(held) / len(present) <= 0.4


def test_no_person_is_shared_between_templates() -> None:
    names = Counter((t["name"], t["email"], t["phone"]) for t in TRUTH.values())
    assert names.most_common(1)[0][1] <= 2  # chance collisions only, never a whole slice
