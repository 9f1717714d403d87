"""LaTeX resumes from Debian's TeX Live: moderncv in five styles, a plain article (pdflatex),
a two-column paracol layout with a sidebar, and a letter-spaced XeTeX layout whose PDF does
not encode the spaces between words (the headings, name and job titles are tracked capitals).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.corpus import doc_format as fmt
from tests.corpus.templates import Template

TIMEOUT_SECONDS = 180
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def tex(text: str | None) -> str:
    """``text`` with LaTeX's special characters escaped."""
    return re.sub(r"[\\&%$#_{}~^]", lambda m: _SPECIAL[m.group(0)], text or "")


def compile_pdf(source: str, engine: str, out: Path, inputs: dict[str, str] | None = None) -> None:
    """Run ``engine`` twice (references, page totals) in a scratch folder; copy the PDF out.

    ``inputs`` are further files the source reads (file name: text), for classes such as
    curve that take each section from a file of its own.
    """
    binary = shutil.which(engine)
    if binary is None:
        raise RuntimeError(f"{engine} (Debian: texlive-xetex / texlive-latex-extra) is missing")
    with tempfile.TemporaryDirectory(prefix="corpus-tex-") as tmp:
        work = Path(tmp)
        (work / "resume.tex").write_text(source, encoding="utf-8")
        for name, text in (inputs or {}).items():
            (work / name).write_text(text, encoding="utf-8")
        for _ in range(2):
            done = subprocess.run(
                [binary, "-interaction=nonstopmode", "-halt-on-error", "resume.tex"],
                cwd=work,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
            )
        if done.returncode != 0 or not (work / "resume.pdf").exists():
            log = (work / "resume.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{engine} failed:\n{log}")
        shutil.copyfile(work / "resume.pdf", out)


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.partition(" ")
    return first, last


# --- moderncv ---------------------------------------------------------------------------

MODERNCV = {  # style: (colour, date style, engine)
    "classic": ("blue", "short", "xelatex"),
    "casual": ("orange", "numeric", "xelatex"),
    "banking": ("black", "full", "xelatex"),
    "oldstyle": ("green", "short", "xelatex"),
    "fancy": ("grey", "dotted", "pdflatex"),  # its XeTeX fonts are not in TeX Live's base
}


def _moderncv(style: str):
    colour, dates, engine = MODERNCV[style]

    def render(resume: dict, out: Path) -> None:
        b = resume["basics"]
        first, last = _split_name(b["name"])
        head = [
            r"\documentclass[11pt,a4paper,sans]{moderncv}",
            rf"\moderncvstyle{{{style}}}",
            rf"\moderncvcolor{{{colour}}}",
            r"\usepackage[scale=0.82]{geometry}",
            *(
                [
                    r"\usepackage[utf8]{inputenc}",
                    r"\usepackage[T1]{fontenc}",
                    r"\usepackage{lmodern}",
                ]
                if engine == "pdflatex"
                else []
            ),
            rf"\name{{{tex(first)}}}{{{tex(last)}}}",
        ]
        if b.get("label"):
            head.append(rf"\title{{{tex(b['label'])}}}")
        place = b.get("location")
        if place:
            head.append(rf"\address{{{tex(place['city'])}, {tex(place.get('region'))}}}{{}}{{}}")
        if b.get("phone"):
            head.append(rf"\phone[mobile]{{{tex(b['phone'])}}}")
        head.append(rf"\email{{{tex(b['email'])}}}")
        for link in fmt.links(b):
            head.append(rf"\homepage{{{tex(link)}}}")
            break
        body = [r"\begin{document}", r"\makecvtitle", r"\section{Experience}"]
        for w in resume.get("work", []):
            bullets = "".join(rf"\item {tex(h)} " for h in w.get("highlights", []))
            body.append(
                rf"\cventry{{{tex(fmt.date_range(w, dates))}}}{{{tex(w['position'])}}}"
                rf"{{{tex(w['name'])}}}{{{tex(w.get('location'))}}}{{}}"
                rf"{{\begin{{itemize}}{bullets}\end{{itemize}}}}"
            )
        body.append(r"\section{Education}")
        for e in resume.get("education", []):
            body.append(
                rf"\cventry{{{fmt.year(e)}}}{{{tex(fmt.degree(e))}}}{{{tex(e['institution'])}}}"
                r"{}{}{}"
            )
        body.append(r"\section{Skills}")
        for name, keywords in fmt.skill_groups(resume):
            body.append(rf"\cvitem{{{tex(name)}}}{{{tex(', '.join(keywords))}}}")
        links = fmt.links(b)[1:]
        if links:
            body.append(r"\section{Links}")
            body += [rf"\cvitem{{}}{{\url{{{tex(link)}}}}}" for link in links]
        body.append(r"\end{document}")
        compile_pdf("\n".join(head + body) + "\n", engine, out)

    return render


# --- plain article (pdflatex) ------------------------------------------------------------


def article(resume: dict, out: Path) -> None:
    b = resume["basics"]
    lines = [
        r"\documentclass[10pt]{article}",
        r"\usepackage[utf8]{inputenc}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{lmodern}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\usepackage[hidelinks]{hyperref}",
        r"\pagestyle{empty}\setlength{\parindent}{0pt}",
        r"\begin{document}",
        rf"{{\LARGE\bfseries {tex(b['name'])}}}\\[4pt]",
        " \\textbullet{} ".join(tex(i) for i in fmt.contact_items(b)) + r"\\",
        " \\textbullet{} ".join(rf"\href{{https://{tex(u)}}}{{{tex(u)}}}" for u in fmt.links(b)),
        r"\section*{Experience}",
    ]
    for w in resume.get("work", []):
        lines.append(
            rf"\textbf{{{tex(w['name'])}}}, {tex(w.get('location'))} \hfill "
            rf"{tex(fmt.date_range(w, 'numeric'))}\\ \emph{{{tex(w['position'])}}}"
        )
        lines.append(
            r"\begin{itemize}"
            + "".join(rf"\item {tex(h)} " for h in w.get("highlights", []))
            + r"\end{itemize}"
        )
    lines.append(r"\section*{Education}")
    for e in resume.get("education", []):
        lines.append(
            rf"\textbf{{{tex(e['institution'])}}} \hfill {fmt.year(e)}\\ {tex(fmt.degree(e))}\par"
            r"\smallskip"
        )
    lines.append(r"\section*{Skills}")
    for name, keywords in fmt.skill_groups(resume):
        lines.append(rf"\textbf{{{tex(name)}:}} {tex(', '.join(keywords))}\par")
    lines.append(r"\end{document}")
    compile_pdf("\n".join(lines) + "\n", "pdflatex", out)


# --- sidebar (paracol) -------------------------------------------------------------------


def sidebar(resume: dict, out: Path) -> None:
    b = resume["basics"]
    left = [rf"{{\Large\bfseries {tex(b['name'])}}}\par\medskip", r"\textbf{CONTACT}\par"]
    left += [rf"{tex(item)}\par" for item in fmt.contact_items(b)]
    left += [rf"\url{{{tex(u)}}}\par" for u in fmt.links(b)]
    left.append(r"\medskip\textbf{SKILLS}\par")
    left += [rf"{tex(k)}\par" for _, ks in fmt.skill_groups(resume) for k in ks]
    right = [r"\textbf{\large EXPERIENCE}\par\smallskip"]
    for w in resume.get("work", []):
        right.append(
            rf"\textbf{{{tex(w['position'])}}}\par {tex(w['name'])} | "
            rf"{tex(w.get('location'))}\par {{\small {tex(fmt.date_range(w, 'full'))}}}\par"
        )
        right += [rf"-- {tex(h)}\par" for h in w.get("highlights", [])]
        right.append(r"\smallskip")
    right.append(r"\textbf{\large EDUCATION}\par\smallskip")
    for e in resume.get("education", []):
        right.append(
            rf"\textbf{{{tex(fmt.degree(e))}}}\par {tex(e['institution'])}, "
            rf"{fmt.year(e)}\par\smallskip"
        )
    source = "\n".join(
        [
            r"\documentclass[10pt]{article}",
            r"\usepackage{fontspec}\setmainfont{DejaVu Sans}",
            r"\usepackage[margin=1.5cm]{geometry}",
            r"\usepackage{paracol}",
            r"\usepackage{xcolor}\usepackage[hidelinks]{hyperref}",
            r"\pagestyle{empty}\setlength{\parindent}{0pt}\columnratio{0.3}",
            r"\begin{document}\begin{paracol}{2}",
            *left,
            r"\switchcolumn",
            *right,
            r"\end{paracol}\end{document}",
        ]
    )
    compile_pdf(source + "\n", "xelatex", out)


# --- letter-spaced capitals (xelatex) ----------------------------------------------------


def spaced(resume: dict, out: Path) -> None:
    b = resume["basics"]

    def caps(text: str) -> str:
        return rf"{{\addfontfeatures{{LetterSpace=18}}{tex(text.upper())}}}"

    lines = [
        r"\documentclass[10pt]{article}",
        r"\usepackage{fontspec}\setmainfont{DejaVu Sans}",
        r"\usepackage[margin=2cm]{geometry}\usepackage[hidelinks]{hyperref}",
        r"\pagestyle{empty}\setlength{\parindent}{0pt}",
        r"\begin{document}\begin{center}",
        rf"{{\huge {caps(b['name'])}}}\\[6pt]",
    ]
    if b.get("label"):
        lines.append(rf"{{\large {caps(b['label'])}}}\\[6pt]")
    lines.append(" \\quad ".join(tex(i) for i in fmt.contact_items(b) + fmt.links(b)))
    lines += [r"\end{center}", rf"\section*{{{caps('Work Experience')}}}"]
    for w in resume.get("work", []):
        lines.append(
            rf"{caps(w['position'])}\hfill {tex(fmt.date_range(w, 'short'))}\\"
            rf"{tex(w['name'])}, {tex(w.get('location'))}\par"
        )
        lines.append(
            r"\begin{itemize}"
            + "".join(rf"\item {tex(h)} " for h in w.get("highlights", []))
            + r"\end{itemize}"
        )
    lines.append(rf"\section*{{{caps('Education')}}}")
    for e in resume.get("education", []):
        lines.append(rf"{tex(fmt.degree(e))}, {tex(e['institution'])} \hfill {fmt.year(e)}\par")
    lines.append(rf"\section*{{{caps('Skills')}}}")
    lines.append(tex(", ".join(k for _, ks in fmt.skill_groups(resume) for k in ks)))
    lines.append(r"\end{document}")
    compile_pdf("\n".join(lines) + "\n", "xelatex", out)


def templates() -> list[Template]:
    found = [
        Template(f"latex-moderncv-{style}", ".pdf", _moderncv(style), tools=(engine,))
        for style, (_, _, engine) in MODERNCV.items()
    ]
    return [
        *found,
        Template("latex-article", ".pdf", article, tools=("pdflatex",)),
        Template("latex-sidebar", ".pdf", sidebar, tools=("xelatex",)),
        Template("latex-spaced", ".pdf", spaced, tools=("xelatex",)),
    ]
