"""LaTeX resumes set with CV classes from Debian's TeX Live and one two-column article, each a
structure the other LaTeX renderers lack (all pdflatex):

* ``europecv``: the Europass layout of the europecv class: every field is a row of a
  two-column table whose left column holds its label right-aligned ("Name / Surname",
  "Telephone", "Dates", "Occupation or position held", "Name and address of employer",
  "Title of qualification awarded"), with a vertical rule between the columns, the
  "Europass Curriculum Vitae" title in the left column, "dotted" dates ("04.2023 – today"),
  all links on one "Home page" row, skills one group a row labelled with the group's name.
* ``curve``: the curve class: the name and headline in the left header, the contact items in
  the right one, a "Curriculum Vitae" title under them, each section a rubric (a long
  table) whose entries hang from a key column: a job's "full" dates, then the employer with
  its place pushed right and the title in italics under it; education keyed by year;
  skills keyed by group name, items parted by semicolons.
* ``rightcol``: an article with a header table (the name in small capitals and headline
  left, the contact items right-aligned right) and a paracol body: experience and education
  in the wide left column, "Company \\hfill dates" over the title; a narrow right column of
  "Skills" with each group's name in bold over its items one a line, then the links.
* ``colourbar``: an article in Helvetica with a dark band down the left edge of every page,
  drawn with tikz behind the text; on the first page the band holds a tikz node with the
  contact items and links under small-capital headings and the skills, each group's name
  in bold over its items as a comma list, in light type. The main column to its right opens
  with the name and the headline; its sections ("Profile", "Experience", "Education") are
  coloured small capitals over a rule; a job is its title in bold with the dates pushed
  right, then the employer and place in italics, then bullets.
"""

from __future__ import annotations

from pathlib import Path

from tests.corpus import doc_format as fmt
from tests.corpus.render_latex import compile_pdf, tex
from tests.corpus.templates import Template

_FONTS = [
    r"\usepackage[utf8]{inputenc}",
    r"\usepackage[T1]{fontenc}",
    r"\usepackage{lmodern}",
]


def europecv(resume: dict, out: Path) -> None:
    b = resume["basics"]
    head = [
        r"\documentclass[english,a4paper,nologo]{europecv}",
        *_FONTS,
        r"\usepackage[margin=1.8cm]{geometry}",
        r"\usepackage[hidelinks]{hyperref}",
        rf"\ecvname{{{tex(b['name'])}}}",
    ]
    place = fmt.contact_items({"location": b.get("location")})
    if place:
        head.append(rf"\ecvaddress{{{tex(place[0])}}}")
    if b.get("phone"):
        head.append(rf"\ecvtelephone{{{tex(b['phone'])}}}")
    head.append(rf"\ecvemail{{{tex(b['email'])}}}")
    if fmt.links(b):
        head.append(rf"\ecvhomepage{{{tex(', '.join(fmt.links(b)))}}}")
    body = [r"\begin{document}", r"\begin{europecv}", r"\ecvpersonalinfo"]
    if b.get("label"):
        body.append(rf"\ecvitem{{\large Desired employment}}{{\large {tex(b['label'])}}}")
    body.append(r"\ecvsection{Work experience}")
    for w in resume.get("work", []):
        body += [
            rf"\ecvitem{{\large Dates}}{{\large {tex(fmt.date_range(w, 'dotted'))}}}",
            rf"\ecvitem{{Occupation or position held}}{{{tex(w['position'])}}}",
            rf"\ecvitem{{Main activities and responsibilities}}"
            rf"{{{tex('; '.join(w.get('highlights', [])))}}}",
            rf"\ecvitem{{Name and address of employer}}{{{tex(w['name'])}, "
            rf"{tex(w.get('location'))}}}",
            r"\ecvitem{}{}",
        ]
    body.append(r"\ecvsection{Education and training}")
    for e in resume.get("education", []):
        years = "–".join(d[:4] for d in (e.get("startDate"), e.get("endDate")) if d)
        body += [
            rf"\ecvitem{{\large Dates}}{{\large {years}}}",
            rf"\ecvitem{{Title of qualification awarded}}{{{tex(fmt.degree(e))}}}",
            r"\ecvitem{Name and type of organisation providing education and training}"
            rf"{{{tex(e['institution'])}}}",
            r"\ecvitem{}{}",
        ]
    body.append(r"\ecvsection{Personal skills and competences}")
    for name, keywords in fmt.skill_groups(resume):
        body.append(rf"\ecvitem{{\large {tex(name)}}}{{{tex(', '.join(keywords))}}}")
    body += [r"\end{europecv}", r"\end{document}"]
    compile_pdf("\n".join(head + body) + "\n", "pdflatex", out)


def curve(resume: dict, out: Path) -> None:
    b = resume["basics"]
    right = r"\\".join(tex(i) for i in fmt.contact_items(b) + fmt.links(b))
    left = rf"{{\LARGE\bfseries {tex(b['name'])}}}"
    if b.get("label"):
        left += rf"\\[2pt] {tex(b['label'])}"
    source = [
        r"\documentclass[a4paper,10pt]{curve}",
        *_FONTS,
        r"\usepackage[margin=2cm]{geometry}",
        r"\usepackage{url}",
        rf"\leftheader{{{left}}}",
        rf"\rightheader{{{right}}}",
        r"\title{Curriculum Vitae}",
        r"\begin{document}",
        r"\makeheaders[t]",
        r"\maketitle",
        r"\makerubric{employment}",
        r"\makerubric{education}",
        r"\makerubric{skills}",
        r"\end{document}",
    ]
    jobs = [r"\begin{rubric}{Employment}"]
    for w in resume.get("work", []):
        bullets = "".join(rf"\newline -- {tex(h)}" for h in w.get("highlights", []))
        jobs.append(
            rf"\entry*[{tex(fmt.date_range(w, 'full'))}] \textbf{{{tex(w['name'])}}}"
            rf" \hfill {tex(w.get('location'))}\newline \emph{{{tex(w['position'])}}}{bullets}"
        )
    jobs.append(r"\end{rubric}")
    schools = [r"\begin{rubric}{Education}"]
    for e in resume.get("education", []):
        schools.append(
            rf"\entry*[{fmt.year(e)}] \textbf{{{tex(fmt.degree(e))}}}, {tex(e['institution'])}."
        )
    schools.append(r"\end{rubric}")
    skills = [r"\begin{rubric}{Skills}"]
    for name, keywords in fmt.skill_groups(resume):
        skills.append(rf"\entry*[{tex(name)}] {tex('; '.join(keywords))}")
    skills.append(r"\end{rubric}")
    inputs = {
        "employment.tex": "\n".join(jobs) + "\n",
        "education.tex": "\n".join(schools) + "\n",
        "skills.tex": "\n".join(skills) + "\n",
    }
    compile_pdf("\n".join(source) + "\n", "pdflatex", out, inputs)


def rightcol(resume: dict, out: Path) -> None:
    b = resume["basics"]
    contact = (
        r"\begin{tabular}[t]{@{}r@{}}"
        + r"\\".join(tex(i) for i in fmt.contact_items(b))
        + r"\end{tabular}"
    )
    title = rf"{{\Huge\scshape {tex(b['name'])}}}"
    if b.get("label"):
        title += rf"\newline {{\large {tex(b['label'])}}}"
    main = [r"\section*{Experience}"]
    for w in resume.get("work", []):
        main.append(
            rf"\textbf{{{tex(w['name'])}}}, {tex(w.get('location'))} \hfill "
            rf"{{\small {tex(fmt.date_range(w, 'short'))}}}\\ \emph{{{tex(w['position'])}}}"
        )
        main.append(
            r"\begin{itemize}\setlength\itemsep{0pt}"
            + "".join(rf"\item {tex(h)} " for h in w.get("highlights", []))
            + r"\end{itemize}"
        )
    main.append(r"\section*{Education}")
    for e in resume.get("education", []):
        main.append(
            rf"\textbf{{{tex(e['institution'])}}} \hfill {fmt.year(e)}\\ {tex(fmt.degree(e))}"
            r"\par\smallskip"
        )
    side = [r"\section*{Skills}"]
    for name, keywords in fmt.skill_groups(resume):
        side.append(rf"\textbf{{{tex(name)}}}\\ " + r"\\ ".join(tex(k) for k in keywords))
        side.append(r"\par\smallskip")
    if fmt.links(b):
        side.append(r"\section*{Links}")
        side.append(r"\\ ".join(rf"\url{{{tex(u)}}}" for u in fmt.links(b)) + r"\par")
    source = [
        r"\documentclass[10pt]{article}",
        *_FONTS,
        r"\usepackage[margin=1.8cm]{geometry}",
        r"\usepackage{tabularx,paracol}",
        r"\usepackage[hidelinks]{hyperref}",
        r"\pagestyle{empty}\setlength{\parindent}{0pt}\columnratio{0.7}",
        r"\begin{document}",
        r"\begin{tabularx}{\textwidth}{@{}X>{\raggedleft\arraybackslash}p{0.4\textwidth}@{}}",
        rf"{title} & {contact}\\",
        r"\end{tabularx}",
        r"\begin{paracol}{2}",
        *main,
        r"\switchcolumn",
        r"\raggedright",
        *side,
        r"\end{paracol}",
        r"\end{document}",
    ]
    compile_pdf("\n".join(source) + "\n", "pdflatex", out)


def colourbar(resume: dict, out: Path) -> None:
    b = resume["basics"]

    def heading(text: str) -> str:
        return rf"\par\bigskip{{\color{{barhead}}\scshape\large {tex(text)}}}\par\smallskip"

    bar = [heading("Contact").replace(r"\par\bigskip", "", 1)]
    bar += [rf"{tex(item)}\par\smallskip" for item in fmt.contact_items(b)]
    if fmt.links(b):
        bar.append(heading("Links"))
        bar += [rf"\url{{{tex(u)}}}\par\smallskip" for u in fmt.links(b)]
    bar.append(heading("Skills"))
    for name, keywords in fmt.skill_groups(resume):
        bar.append(
            rf"\textbf{{{tex(name)}}}\par {{\color{{barlight}}{tex(', '.join(keywords))}}}"
            r"\par\medskip"
        )
    main = [rf"{{\fontsize{{26}}{{30}}\selectfont\bfseries {tex(b['name'])}}}\par"]
    if b.get("label"):
        main.append(rf"\smallskip{{\Large\color{{accent}} {tex(b['label'])}}}\par")
    if b.get("summary"):
        main += [r"\section*{Profile}", rf"{tex(b['summary'])}\par"]
    main.append(r"\section*{Experience}")
    for w in resume.get("work", []):
        main.append(
            rf"\textbf{{{tex(w['position'])}}}\hfill{{\small\color{{grey}}"
            rf" {tex(fmt.date_range(w, 'short'))}}}\par"
            rf"\textit{{{tex(w['name'])}, {tex(w.get('location'))}}}\par"
        )
        if w.get("highlights"):
            main.append(
                r"\begin{itemize}"
                + "".join(rf"\item {tex(h)} " for h in w["highlights"])
                + r"\end{itemize}"
            )
        main.append(r"\medskip")
    main.append(r"\section*{Education}")
    for e in resume.get("education", []):
        main.append(
            rf"\textbf{{{tex(fmt.degree(e))}}}\hfill{{\small\color{{grey}} {fmt.year(e)}}}\par"
            rf"\textit{{{tex(e['institution'])}}}\par\smallskip"
        )
    source = [
        r"\documentclass[10pt,a4paper]{article}",
        *_FONTS[:2],
        r"\usepackage{helvet}\renewcommand{\familydefault}{\sfdefault}",
        r"\usepackage[left=7.2cm,right=1.5cm,top=1.5cm,bottom=1.8cm]{geometry}",
        r"\usepackage{xcolor,tikz,eso-pic,titlesec,enumitem,url}\urlstyle{same}",
        r"\usepackage[hidelinks]{hyperref}",
        r"\definecolor{bar}{HTML}{2B3A4F}\definecolor{barhead}{HTML}{9CC3E6}",
        r"\definecolor{barlight}{HTML}{D5DDE6}\definecolor{accent}{HTML}{1F6F8B}",
        r"\definecolor{grey}{HTML}{666666}",
        r"\pagestyle{empty}\setlength{\parindent}{0pt}",
        r"\titleformat{\section}{\large\scshape\color{accent}}{}{0pt}{}"
        r"[{\color{accent}\titlerule}]",
        r"\titlespacing*{\section}{0pt}{14pt}{6pt}",
        r"\setlist[itemize]{leftmargin=1.2em,itemsep=0pt,topsep=2pt,"
        r"label={\color{accent}\textbullet}}",
        r"\AddToShipoutPictureBG{\begin{tikzpicture}[remember picture,overlay]"
        r"\fill[bar] (current page.north west) rectangle"
        r" ([xshift=6.3cm]current page.south west);\end{tikzpicture}}",
        r"\begin{document}",
        r"\begin{tikzpicture}[remember picture,overlay]",
        r"\node[anchor=north west,text width=5.1cm,inner sep=0pt,text=white,font=\small,"
        r"align=left] at ([xshift=0.6cm,yshift=-1.3cm]current page.north west) {%",
        *bar,
        r"};",
        r"\end{tikzpicture}%",
        *main,
        r"\end{document}",
    ]
    compile_pdf("\n".join(source) + "\n", "pdflatex", out)


def templates() -> list[Template]:
    return [
        Template("latex-europecv", ".pdf", europecv, tools=("pdflatex",)),
        Template("latex-curve", ".pdf", curve, tools=("pdflatex",)),
        Template("latex-rightcol", ".pdf", rightcol, tools=("pdflatex",)),
        Template("latex-colourbar", ".pdf", colourbar, tools=("pdflatex",)),
    ]
