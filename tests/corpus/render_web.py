"""HTML resumes printed to PDF by headless Chromium: npm JSON Resume themes and our own layouts.

Themes come from npm into the gitignored ``tests/corpus/.node`` folder (see README.md). Remote
stylesheets, scripts and images are stripped before printing so the render is offline and
repeatable: the page falls back to local fonts, which is what a parser meets in the wild anyway.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from functools import partial
from pathlib import Path

from tests.corpus import html_layouts
from tests.corpus.templates import Template

NODE_DIR = Path(__file__).resolve().parent / ".node"
RENDER_JS = NODE_DIR / "render.js"
# Written next to node_modules so both require() and import() resolve the themes there.
RENDER_JS_SOURCE = """\
// Usage: node render.js THEME resume.json out.html (CommonJS or ES module themes).
const fs = require('fs');
const [theme, src, out] = process.argv.slice(2);
const resume = JSON.parse(fs.readFileSync(src, 'utf8'));
async function load(name) {
  try { return require(name); } catch (err) {
    const mod = await import(name);
    return mod.default && mod.default.render ? mod.default : mod;
  }
}
load(theme).then((t) => t.render(resume)).then((html) => fs.writeFileSync(out, html));
"""

# theme -> fields it does not print (checked on renders with pdftotext).
# theme -> truth fields it does not print, read off renders with pdfplumber.
# "employer_location" nulls each employer's location; a theme printing the city alone keeps
# the location (the scorer compares by containment).
_NO_JOB_PLACE = frozenset({"employer_location"})
THEMES: dict[str, frozenset[str]] = {
    "even": frozenset({"location_region"}),  # prints the country's name for the region
    "stackoverflow": frozenset(),
    "elegant": _NO_JOB_PLACE,
    "flat": _NO_JOB_PLACE | {"location"},
    "kendall": frozenset(),
    "macchiato": _NO_JOB_PLACE,
    "onepage": _NO_JOB_PLACE | {"website"},  # prints the profiles, not the website
    "paper": _NO_JOB_PLACE | {"location", "profiles"},  # prints the website, not profiles
    "short": _NO_JOB_PLACE | {"location"},
    "spartan": _NO_JOB_PLACE,
    "actual": frozenset(),
    "kwan": _NO_JOB_PLACE,
    "straightforward": frozenset(),
    "caffeine": _NO_JOB_PLACE,
    "modern": _NO_JOB_PLACE | {"links", "job_years"},  # jobs' years only
    "crisp": _NO_JOB_PLACE | {"location_region", "job_years"},  # the city alone; years only
    "classy": _NO_JOB_PLACE,
    "cora": frozenset(),
    "eloquent": _NO_JOB_PLACE,
    "rocketspacer": _NO_JOB_PLACE | {"location"},  # two-column header; job dates beside company
    "simplyelegant": _NO_JOB_PLACE,
    "slick": _NO_JOB_PLACE | {"location"},
    "autumn": _NO_JOB_PLACE,
    "compact": _NO_JOB_PLACE | {"location"},  # skills before experience, company above title
    "dinesh": frozenset(),
    "sceptile": frozenset(),
    "pumpkin": frozenset({"location"}),  # group name over its keywords on one line; no address
    "direct": frozenset(),  # group name over its comma-separated keywords
    "simple": frozenset(),  # skill groups set side by side in columns
    "riga": frozenset({"location"}),  # group name over one keyword a line; no address
    "minyma": frozenset(),  # group name over its keywords as tags
    "keloran": frozenset(),  # capital headings, narrow skills column
    "jacrys": frozenset(),  # right-hand column: contact, education, then group over keywords
    "folio": frozenset(),  # "Group (level): a, b" rows set in two newspaper columns
    "onepage-plus": _NO_JOB_PLACE | {"website"},  # margin labels; "Group (level): a, b"
    "onepage-simplified": _NO_JOB_PLACE,  # margin labels; "Group: a, b" wrapping in its cell
    "simple-red": _NO_JOB_PLACE | {"profiles"},  # margin labels; group beside spaced keywords
    "relaxed": frozenset(),  # group over keyword pills separated by white space only
}
# Empty values for fields a theme dereferences without checking (valid, print nothing).
THEME_DEFAULTS: dict[str, dict] = {"elegant": {"location": {}}}
# Themes that read profiles[0] unchecked: a person without profiles gets one empty entry.
NEEDS_PROFILE = frozenset({"classy", "cora", "sceptile"})
# Themes that read each skill group's "level" unchecked (to size a bar): the groups get the
# schema's level words in turn. The truth is the keywords, so a printed level is noise to drop.
NEEDS_LEVEL = frozenset({"relaxed", "folio", "onepage-plus"})
SKILL_LEVELS = ("advanced", "intermediate", "master", "beginner")
# Left out: "class" overprints its skills and education columns (unreadable text);
# "professional" ships untranspiled JSX and does not load in node; "mocha-responsive" reads
# its template relative to the working folder; "papirus" prints 105 pages; "msresume" prints
# three jobs and the skill categories without their keywords.

_REMOTE = [
    re.compile(r"<link\b[^>]*href=[\"']?(?:https?:)?//[^>]*>", re.I),
    re.compile(r"<script\b[^>]*src=[\"']?(?:https?:)?//[^>]*>\s*</script>", re.I),
    re.compile(r"<img\b[^>]*src=[\"']?(?:https?:)?//[^>]*>", re.I),
    re.compile(r"@import\s+url\(\s*[\"']?(?:https?:)?//[^)]*\)\s*;?", re.I),
    re.compile(r"@import\s+[\"'](?:https?:)?//[^\"']*[\"']\s*;?", re.I),
]


def offline_html(html: str) -> str:
    """Drop remote assets so printing neither waits on the network nor depends on it."""
    for pattern in _REMOTE:
        html = pattern.sub("", html)
    return html


def print_pdf(html: str, out: Path) -> None:
    """Print ``html`` to ``out`` with headless Chromium (no header/footer, network refused)."""
    with tempfile.TemporaryDirectory(prefix="corpus-web-") as tmp:
        page = Path(tmp) / "resume.html"
        page.write_text(offline_html(html), encoding="utf-8")
        cmd = [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--proxy-server=127.0.0.1:9",
            "--user-data-dir=" + str(Path(tmp) / "profile"),
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=2000",
            f"--print-to-pdf={out}",
            "--no-pdf-header-footer",
            page.as_uri(),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    if not out.exists() or out.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no PDF for {out.name}")


def theme_html(theme: str, resume: dict) -> str:
    """Render ``resume`` through the npm theme ``jsonresume-theme-<theme>``."""
    with tempfile.TemporaryDirectory(prefix="corpus-theme-") as tmp:
        src, out = Path(tmp) / "resume.json", Path(tmp) / "resume.html"
        src.write_text(json.dumps(resume, ensure_ascii=False), encoding="utf-8")
        done = subprocess.run(
            ["node", str(RENDER_JS), f"jsonresume-theme-{theme}", str(src), str(out)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=NODE_DIR,
        )
        if done.returncode:
            raise RuntimeError(f"theme {theme} failed: {done.stderr.strip()[-400:]}")
        return out.read_text(encoding="utf-8")


def _render_theme(theme: str, resume: dict, out: Path) -> None:
    # Several themes crash on a missing "profiles" list; an empty one is valid and prints nothing.
    basics = {"profiles": [], **THEME_DEFAULTS.get(theme, {}), **resume["basics"]}
    if theme in NEEDS_PROFILE and not basics["profiles"]:
        basics["profiles"] = [{}]
    resume = {**resume, "basics": basics}
    if theme in NEEDS_LEVEL:
        resume["skills"] = [
            {"level": SKILL_LEVELS[i % len(SKILL_LEVELS)], **group}
            for i, group in enumerate(resume.get("skills", []))
        ]
    print_pdf(theme_html(theme, resume), out)


def _render_own(layout: str, resume: dict, out: Path) -> None:
    print_pdf(html_layouts.all_layouts()[0][layout](resume), out)


def theme_installed(theme: str) -> bool:
    """Whether the npm theme is present in the tools folder."""
    return (NODE_DIR / "node_modules" / f"jsonresume-theme-{theme}").is_dir()


def templates() -> list[Template]:
    """Installed npm themes plus our own HTML layouts, all printed by Chromium."""
    if NODE_DIR.is_dir() and (not RENDER_JS.exists() or RENDER_JS.read_text() != RENDER_JS_SOURCE):
        RENDER_JS.write_text(RENDER_JS_SOURCE)
    found = [
        Template(
            name=f"jsonresume-{theme}",
            suffix=".pdf",
            render=partial(_render_theme, theme),
            tools=("node", "chromium"),
            hides=hides,
        )
        for theme, hides in THEMES.items()
        if theme_installed(theme)
    ]
    missing = [t for t in THEMES if not theme_installed(t)]
    if missing and shutil.which("node"):
        print(f"render_web: themes not installed (see tests/corpus/README.md): {missing}")
    layouts, hides = html_layouts.all_layouts()
    found += [
        Template(
            name=f"html-{layout}",
            suffix=".pdf",
            render=partial(_render_own, layout),
            tools=("chromium",),
            hides=hides.get(layout, frozenset()),
        )
        for layout in layouts
    ]
    return found
