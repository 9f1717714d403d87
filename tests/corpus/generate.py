"""Render the generated resume corpus and its truth (run by hand, not by pytest).

    python -m tests.corpus.generate [--only TEMPLATE] [--per-template N]

Collects templates from every renderer module present, renders a distinct set of people
through each, writes ``generated/files``, ``generated/truth`` and ``generated/manifest.tsv``,
then checks that each truth scalar can be found in the file's text: a miss means a template's
``hides`` is wrong or its render broke, and the run exits non-zero.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from tests.corpus.people import people, truth_for
from tests.corpus.splits import HELD_BACK, family, split_of
from tests.corpus.templates import Template

ROOT = Path(__file__).resolve().parent / "generated"
MODULES = (
    "render_web",
    "render_latex",
    "render_latex_more",
    "render_latex_classes",
    "render_docx",
    "render_docx_more",
    "render_docx_skills",
    "render_docx_layouts",
    "render_office",
)
PER_TEMPLATE = 13


def collect() -> list[Template]:
    """Templates from every renderer module that is importable, sorted by name."""
    found: list[Template] = []
    for name in MODULES:
        try:
            module = importlib.import_module(f"tests.corpus.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"tests.corpus.{name}":
                raise
            print(f"note: renderer module {name} is absent; its templates are skipped")
            continue
        found.extend(module.templates())
    names = [t.name for t in found]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise SystemExit(f"duplicate template names: {sorted(dupes)}")
    return sorted(found, key=lambda t: t.name)


@cache
def tool_version(tool: str) -> str:
    """First line of ``tool --version``, for the manifest."""
    try:
        out = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return f"{tool} ?"
    line = (out.stdout or out.stderr).strip().splitlines()
    return line[0].strip() if line else f"{tool} ?"


def generator_of(template: Template) -> str:
    """The tool versions that produced a template's files."""
    versions = [tool_version(t) for t in template.tools]
    theme = _npm_theme_version(template.name)
    return "; ".join(([theme] if theme else []) + versions) or "python"


def _npm_theme_version(name: str) -> str | None:
    if not name.startswith("jsonresume-"):
        return None
    pkg = (
        Path(__file__).resolve().parent
        / ".node"
        / "node_modules"
        / f"jsonresume-theme-{name.split('-', 1)[1]}"
        / "package.json"
    )
    if not pkg.exists():
        return None
    return f"jsonresume-theme-{name.split('-', 1)[1]} {json.loads(pkg.read_text())['version']}"


def people_for(template: str, n: int) -> list[dict]:
    """A distinct, deterministic set of people per template (seeded by its name)."""
    return people(n, seed=f"corpus:{template}")


# --- text extraction for the sanity check ------------------------------------------------


def file_text(path: Path) -> str:
    """Plain text and link targets of a rendered file, independent of the parser."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            parts = [page.extract_text() or "" for page in pdf.pages]
            parts += [a.get("uri") or "" for page in pdf.pages for a in page.hyperlinks]
        return "\n".join(parts)
    if suffix in (".docx", ".odt"):
        with zipfile.ZipFile(path) as zf:
            xml = " ".join(
                zf.read(n).decode("utf-8", "replace")
                for n in zf.namelist()
                if n.endswith(".xml") or n.endswith(".rels")
            )
        xml = re.sub(r"<(w:p|text:p|text:h)\b", r"\n<\1", xml)
        return re.sub(r"<[^>]+>", "", xml) + " " + " ".join(re.findall(r'Target="([^"]+)"', xml))
    if suffix in (".txt", ".html", ".md"):
        return path.read_text(encoding="utf-8", errors="replace")
    from app.parsing.extract import extract

    got = extract(path)
    return got.text + "\n" + "\n".join(got.links)


def squash(text: str) -> str:
    """Lower case, no accents' combining marks, no whitespace: survives wraps and spacing.

    A typographic apostrophe counts as a straight one (TeX sets "O'Connor" with U+2019, and
    the shared scorer folds it the same way).
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    return re.sub(r"\s+", "", text)


def misses(truth: dict, text: str) -> tuple[list[str], list[str]]:
    """(scalar fields not found, list items not found) in ``text``."""
    flat, digits = squash(text), re.sub(r"\D", "", text)
    hard: list[str] = []
    for key in ("email", "current_title"):
        if truth[key] and squash(truth[key]) not in flat:
            hard.append(key)
    # Some themes print given and family names in separate boxes: each part must be there.
    if truth["name"] and not all(squash(part) in flat for part in truth["name"].split()):
        hard.append("name")
    if truth["phone"] and re.sub(r"\D", "", truth["phone"]) not in digits:
        hard.append("phone")
    if truth["location"] and squash(truth["location"].split(",")[0]) not in flat:
        hard.append("location")
    soft = [f"link {u}" for u in truth["links"] or [] if squash(u) not in flat]
    soft += [
        f"company {e['company']}"
        for e in truth["employers"] or []
        if squash(e["company"]) not in flat
    ]
    soft += [
        f"institution {e['institution']}"
        for e in truth["education"] or []
        if squash(e["institution"]) not in flat
    ]
    soft += [f"skill {s}" for s in truth["skills"] or [] if squash(s) not in flat]
    return hard, soft


# --- the run -----------------------------------------------------------------------------


def render_one(template: Template, person: dict, files: Path, truth_dir: Path) -> dict:
    """Render one person, write the truth, return the sanity-check outcome."""
    out = files / f"{template.name}--{person['meta']['id']}{template.suffix}"
    resume = {k: v for k, v in person.items() if k != "meta"}
    template.render(resume, out)
    truth = truth_for(resume, template.hides)
    truth.update(
        template=template.name, split=split_of(template.name), generator=generator_of(template)
    )
    (truth_dir / f"{out.name}.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    hard, soft = misses(truth, file_text(out))
    return {"file": out.name, "template": template.name, "hard": hard, "soft": soft}


def write_manifest(root: Path) -> int:
    """Rebuild manifest.tsv from the truth files present; returns the row count."""
    rows = ["file\ttemplate\tsplit\tgenerator"]
    for path in sorted((root / "truth").glob("*.json")):
        t = json.loads(path.read_text(encoding="utf-8"))
        rows.append(f"{path.name[:-5]}\t{t['template']}\t{t['split']}\t{t['generator']}")
    (root / "manifest.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows) - 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", help="render only this template (repeatable)")
    ap.add_argument("--per-template", type=int, default=PER_TEMPLATE)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT)
    args = ap.parse_args(argv)

    templates = collect()
    for fam in sorted({family(t.name) for t in templates} - {family(n) for n in HELD_BACK}):
        print(
            f"WARNING: family {fam!r} has no held-back template: add about 30% of its "
            "templates to splits.HELD_BACK before measuring anything on them"
        )
    if args.only:
        unknown = set(args.only) - {t.name for t in templates}
        if unknown:
            raise SystemExit(f"unknown templates: {sorted(unknown)}")
        templates = [t for t in templates if t.name in args.only]
    files, truth_dir = args.out / "files", args.out / "truth"
    files.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)

    jobs, failed = [], []
    for t in templates:
        missing = [tool for tool in t.tools if not shutil.which(tool)]
        if missing:
            print(f"SKIP {t.name}: missing tools {missing}")
            failed.append(t.name)
            continue
        for old in files.glob(f"{t.name}--*"):
            old.unlink()
        for old in truth_dir.glob(f"{t.name}--*"):
            old.unlink()
        jobs += [(t, p) for p in people_for(t.name, args.per_template)]

    def run(job: tuple[Template, dict]) -> dict:
        try:
            return render_one(job[0], job[1], files, truth_dir)
        except Exception as err:
            return {
                "file": f"{job[0].name}--{job[1]['meta']['id']}",
                "template": job[0].name,
                "hard": [f"render failed: {err}"],
                "soft": [],
            }

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(run, jobs))
    bad = [r for r in results if r["hard"]]
    for r in bad:
        print(f"SANITY FAIL {r['file']}: {r['hard']}")
    by_template: dict[str, int] = {}
    for r in results:
        by_template[r["template"]] = by_template.get(r["template"], 0) + len(r["soft"])
    for name, count in sorted(by_template.items()):
        if count:
            print(f"note: {name}: {count} list items not found verbatim in the text")
    rows = write_manifest(args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(
        f"rendered {len(results) - len(bad)}/{len(results)} files; manifest {rows} rows; "
        f"{size / 1e6:.1f} MB in {args.out}"
    )
    return 1 if bad or failed else 0


if __name__ == "__main__":
    sys.exit(main())
