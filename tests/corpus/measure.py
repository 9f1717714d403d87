"""Measure the parser on the tuning split of the generated corpus (never the held-back one).

    python -m tests.corpus.measure                       # per-template table, tuning only
    python -m tests.corpus.measure --template html-band  # plus each file's misses in it

Parser work reads these figures and the tuning files' misses; the held-back templates are
measured only by `make bench` (tests/perf/bench_parse_accuracy.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from app.parsing import parse_file
from tests.corpus.splits import HELD_BACK

GENERATED = Path(__file__).resolve().parent / "generated"
SCORER = Path(__file__).resolve().parents[3] / "shared" / "resumes" / "score.py"
FIGURES = (
    ("scalar", "name"),
    ("scalar", "email"),
    ("scalar", "phone"),
    ("scalar", "location"),
    ("scalar", "current_title_lenient"),
    ("list", "links"),
    ("list", "employers_lenient"),
    ("list", "education_lenient"),
    ("list", "skills"),
)


_TRUNK = re.compile(r"\(0\)")


def corpus_scorer():
    """The shared scorer, with phone truth read as dialled: "+49 (0)30 …" is +49 30 ….

    The bracketed trunk zero is printed for national callers and never dialled after the
    country code, so the E.164 number +4930… is right; the shared scorer compares raw digits
    and would count it a miss.
    """
    spec = importlib.util.spec_from_file_location("resume_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    raw = module.phone_ok

    def phone_ok(truth: str | None, predicted: str | None) -> bool:
        return raw(truth, predicted) or raw(_TRUNK.sub("", truth or ""), predicted)

    module.phone_ok = phone_ok
    return module


def _value(result: dict, kind: str, key: str) -> float:
    if kind == "scalar":
        return result["scalar_accuracy"][key][0] or 0.0
    return result["list_prf"][key]["f1"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--template", action="append", default=[])
    args = ap.parse_args(argv)
    if HELD_BACK & set(args.template):
        raise SystemExit("held-back templates are not looked at while tuning")
    truths = {
        p.name[: -len(".json")]: json.loads(p.read_text())
        for p in (GENERATED / "truth").glob("*.json")
    }
    tuning = {n: t for n, t in truths.items() if t["split"] == "tuning"}
    if args.template:
        tuning = {n: t for n, t in tuning.items() if t["template"] in args.template}
    predictions = {}
    for name in sorted(tuning):
        record = parse_file(GENERATED / "files" / name).to_json()
        predictions[name] = {
            **record,
            "email": (record["emails"] or [None])[0],
            "phone": (record["phones"] or [None])[0],
        }
    scorer = corpus_scorer()
    truth_dir = str(GENERATED / "truth")
    by_template: dict[str, set[str]] = defaultdict(set)
    for name, truth in tuning.items():
        by_template[truth["template"]].add(name)
    print(f"{'template':28} {'n':>3} " + " ".join(f"{k[:8]:>8}" for _, k in FIGURES))
    for template in sorted(by_template):
        result = scorer.score(predictions, by_template[template], truth_dir)
        cells = " ".join(f"{_value(result, k, key):8.2f}" for k, key in FIGURES)
        print(f"{template:28} {len(by_template[template]):3d} {cells}")
    result = scorer.score(predictions, set(tuning), truth_dir)
    cells = " ".join(f"{_value(result, k, key):8.2f}" for k, key in FIGURES)
    print(f"{'ALL tuning':28} {len(tuning):3d} {cells}")
    if args.template:
        for name in sorted(tuning):
            truth, pred = tuning[name], predictions[name]
            print(f"\n== {name}")
            for key in ("name", "email", "phone", "location", "current_title"):
                t, p = truth.get(key) or None, pred.get(key) or None
                same = (t or "").casefold() == (p or "").casefold()
                if key == "phone" and t and p:
                    same = scorer.phone_ok(t, p)
                if not same:
                    print(f"  {key}: truth={t!r} parsed={p!r}")
            for key in ("links", "skills"):
                t, p = set(truth.get(key) or []), set(pred.get(key) or [])
                if t != p:
                    print(f"  {key}: missed={sorted(t - p)} extra={sorted(p - t)}")
            for key, fields in (
                ("employers", ("company", "title", "start", "end")),
                ("education", ("institution", "degree", "year")),
            ):
                t = [tuple(e.get(f) for f in fields) for e in truth.get(key) or []]
                p = [tuple(e.get(f) for f in fields) for e in pred.get(key) or []]
                if t != p:
                    print(f"  {key}:\n    truth ={t}\n    parsed={p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
