"""More LaTeX layouts from Debian's TeX Live, each with a structure render_latex lacks.

* ``currvita``: the currvita package's cv environment, dates in a hanging left column
  (``\\item[dates]``), contact details on lines of their own under a centred name, skills
  one group a line with the group name in the date column.
* ``tabular``: an article with a two-column tabular per section (dates flush left in their
  own column, "full" month names with "to"), the contact block in the right half of the
  header beside the name, skills as a comma-free list separated by en-spaces.
"""

from __future__ import annotations

from pathlib import Path

from tests.corpus import doc_format as fmt
from tests.corpus.render_latex import compile_pdf, tex
from tests.corpus.templates import Template

_PREAMBLE = [
    r"\usepackage[utf8]{inputenc}",
    r"\usepackage[T1]{fontenc}",
    r"\usepackage{lmodern}",
    r"\usepackage[margin=2cm]{geometry}",
    r"\usepackage[hidelinks]{hyperref}",
    r"\pagestyle{empty}\setlength{\parindent}{0pt}",
]


def currvita(resume: dict, out: Path) -> None:
    b = resume["basics"]
    lines = [
        r"\documentclass[10pt]{article}",
        *_PREAMBLE,
        r"\usepackage[LabelsAligned]{currvita}",
        r"\begin{document}",
        rf"\begin{{cv}}{{{tex(b['name'])}}}",
        r"\begin{center}"
        + r"\\".join(tex(i) for i in [*fmt.contact_items(b), *fmt.links(b)])
        + r"\end{center}",
        r"\begin{cvlist}{Work Experience}",
    ]
    for w in resume.get("work", []):
        lines.append(
            rf"\item[{tex(fmt.date_range(w, 'numeric'))}] \textbf{{{tex(w['position'])}}}, "
            rf"{tex(w['name'])}, {tex(w.get('location'))}"
            r"\begin{itemize}"
            + "".join(rf"\item {tex(h)} " for h in w.get("highlights", []))
            + r"\end{itemize}"
        )
    lines.append(r"\end{cvlist}")
    lines.append(r"\begin{cvlist}{Education}")
    for e in resume.get("education", []):
        lines.append(rf"\item[{fmt.year(e)}] {tex(fmt.degree(e))}, {tex(e['institution'])}")
    lines.append(r"\end{cvlist}")
    lines.append(r"\begin{cvlist}{Skills}")
    for name, keywords in fmt.skill_groups(resume):
        lines.append(rf"\item[{tex(name)}] {tex(', '.join(keywords))}")
    lines += [r"\end{cvlist}", r"\end{cv}", r"\end{document}"]
    compile_pdf("\n".join(lines) + "\n", "pdflatex", out)


def tabular(resume: dict, out: Path) -> None:
    b = resume["basics"]
    contact = r"\\".join(tex(i) for i in [*fmt.contact_items(b), *fmt.links(b)])
    lines = [
        r"\documentclass[10pt]{article}",
        *_PREAMBLE,
        r"\usepackage{tabularx}",
        r"\begin{document}",
        r"\begin{minipage}[t]{0.55\textwidth}",
        rf"{{\huge {tex(b['name'])}}}\\[3pt]{{\large {tex(b.get('label'))}}}",
        r"\end{minipage}\hfill\begin{minipage}[t]{0.4\textwidth}\raggedleft\small",
        contact,
        r"\end{minipage}",
        r"\section*{Employment}",
        r"\begin{tabularx}{\textwidth}{@{}p{0.27\textwidth}X@{}}",
    ]
    for w in resume.get("work", []):
        lines.append(
            rf"{tex(fmt.date_range(w, 'full'))} & \textbf{{{tex(w['name'])}}}, "
            rf"{tex(w.get('location'))}\newline \emph{{{tex(w['position'])}}}"
            r"\begin{itemize}\setlength\itemsep{0pt}"
            + "".join(rf"\item {tex(h)} " for h in w.get("highlights", []))
            + r"\end{itemize}\\"
        )
    lines += [r"\end{tabularx}", r"\section*{Education}"]
    lines.append(r"\begin{tabularx}{\textwidth}{@{}p{0.27\textwidth}X@{}}")
    for e in resume.get("education", []):
        lines.append(rf"{fmt.year(e)} & {tex(e['institution'])}\newline {tex(fmt.degree(e))}\\")
    lines += [r"\end{tabularx}", r"\section*{Skills}"]
    keywords = [k for _, group in fmt.skill_groups(resume) for k in group]
    lines.append(r"\enspace\textbullet\enspace ".join(tex(k) for k in keywords) + r"\par")
    lines.append(r"\end{document}")
    compile_pdf("\n".join(lines) + "\n", "pdflatex", out)


def templates() -> list[Template]:
    return [
        Template("latex-currvita", ".pdf", currvita, tools=("pdflatex",)),
        Template("latex-tabular", ".pdf", tabular, tools=("pdflatex",)),
    ]
