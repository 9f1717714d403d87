"""Resume parser accuracy, scored by the shared scorer on two sets the parser must generalise to.

1. ``../shared/resumes/`` — real public resumes with hand-written truth.
2. ``tests/corpus/generated/`` — resumes generated from structured data through many real
   templates (web themes, LaTeX classes, Word and LibreOffice documents), truth taken from the
   data. Its templates are split: ``tuning`` may be looked at while improving the parser,
   ``held-back`` never is (``tests/corpus/splits.py``); the targets apply to held-back.

Each set is parsed by `hirebench parse --json` in a subprocess, exactly as a user would run it,
and scored by ``../shared/resumes/score.py``. Every target figure is a BENCH line; a miss fails
`make bench`. Per-template figures are printed as a table so a regression in one layout shows.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest

from tests.corpus.measure import corpus_scorer
from tests.perf.support import ROOT, bench

SHARED = ROOT.parent / "shared" / "resumes"
GENERATED = ROOT / "tests" / "corpus" / "generated"

# (kind, scorer key, BENCH name, target): scalar accuracy, list F1, or accuracy on matched pairs.
FIGURES = (
    ("scalar", "name", "name", 0.97),
    ("scalar", "email", "email", 0.99),
    ("scalar", "phone", "phone", 0.98),
    ("scalar", "location", "location", 0.85),
    ("scalar", "current_title_lenient", "current_title", 0.90),
    ("list", "links", "links_f1", 0.97),
    ("list", "employers_lenient", "employers_f1", 0.85),
    ("pair", "emp_title", "employer_title", 0.85),
    ("pair", "emp_start", "employer_start", 0.85),
    ("pair", "emp_end", "employer_end", 0.85),
    ("list", "education_lenient", "education_f1", 0.90),
    ("list", "skills", "skills_f1", 0.88),
)


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("resume_score", SHARED / "score.py")
    if spec is None or spec.loader is None:
        pytest.fail(f"no scorer at {SHARED / 'score.py'}: the benchmark needs ../shared/resumes")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _parse(files: list[Path], folder: Path) -> Path:
    """`hirebench parse FILES --json` into a file, as a user runs it."""
    out = folder / "parsed.json"
    env = dict(os.environ, HIREBENCH_HOME=str(folder / "home"))
    with out.open("w") as handle:
        subprocess.run(
            [sys.executable, "-m", "app", "parse", *map(str, files), "--json"],
            stdout=handle,
            check=True,
            env=env,
            cwd=ROOT,
        )
    return out


def _figure(result: dict, kind: str, key: str) -> float:
    if kind == "scalar":
        value = result["scalar_accuracy"][key][0]
    elif kind == "list":
        value = result["list_prf"][key]["f1"]
    else:
        value = result["matched_pair_accuracy"][key][0]
    return 0.0 if value is None else float(value)


def _report(label: str, result: dict, with_targets: bool) -> None:
    print(f"\n{label}: {result['n_files']} files", flush=True)
    for kind, key, name, target in FIGURES:
        value = _figure(result, kind, key)
        goal = f"target>={target:g}" if with_targets else None
        bench(f"parse_{label}_{name}", value, "ratio", goal)


def test_parse_accuracy_on_shared_resumes() -> None:
    files = sorted((SHARED / "files").glob("*"))
    if not files:
        pytest.fail(f"no shared resumes at {SHARED}: the benchmark needs ../shared/resumes")
    scorer = _scorer()
    with tempfile.TemporaryDirectory(prefix="hirebench-parse-") as folder:
        predictions = scorer.load_predictions(str(_parse(files, Path(folder))))
    missing = [f.name for f in files if f.name not in predictions]
    assert not missing, f"not parsed: {missing}"
    _report("shared", scorer.score(predictions), with_targets=True)


def test_parse_accuracy_on_generated_corpus() -> None:
    truth_dir = GENERATED / "truth"
    truths = {p.name[: -len(".json")]: json.loads(p.read_text()) for p in truth_dir.glob("*.json")}
    if len(truths) < 300:
        pytest.fail(f"the generated corpus has {len(truths)} labelled files in {truth_dir}")
    scorer = corpus_scorer()  # reads "+49 (0)30 …" truth as dialled
    files = [GENERATED / "files" / name for name in sorted(truths)]
    with tempfile.TemporaryDirectory(prefix="hirebench-parse-") as folder:
        predictions = scorer.load_predictions(str(_parse(files, Path(folder))))
    by_split: dict[str, set[str]] = defaultdict(set)
    by_template: dict[str, set[str]] = defaultdict(set)
    for name, truth in truths.items():
        by_split[truth["split"]].add(name)
        by_template[truth["template"]].add(name)
    assert by_split.get("held-back"), "no held-back templates in the generated corpus"
    _report("heldback", scorer.score(predictions, by_split["held-back"], str(truth_dir)), True)
    _report("tuning", scorer.score(predictions, by_split["tuning"], str(truth_dir)), False)
    _report("generated", scorer.score(predictions, None, str(truth_dir)), False)
    _print_templates(scorer, predictions, by_template, truths, truth_dir)


def _print_templates(
    scorer: ModuleType,
    predictions: dict,
    by_template: dict[str, set[str]],
    truths: dict[str, dict],
    truth_dir: Path,
) -> None:
    names = [name for _, _, name, _ in FIGURES]
    print("\nper template (held-back marked *):")
    print(f"{'template':34} {'n':>3} " + " ".join(f"{n[:8]:>8}" for n in names))
    for template in sorted(by_template):
        files = by_template[template]
        result = scorer.score(predictions, files, str(truth_dir))
        split = truths[next(iter(files))]["split"]
        label = template + ("*" if split == "held-back" else "")
        cells = " ".join(f"{_figure(result, k, key):8.2f}" for k, key, _, _ in FIGURES)
        print(f"{label:34} {len(files):3d} {cells}", flush=True)
