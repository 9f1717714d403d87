"""Seeded, varied JSON Resume documents and the truth records derived from them.

The truth comes from the same data the templates render, so the corpus needs no hand
labelling. Every e-mail domain is fictional and every phone number sits in a range reserved
for drama or documentation where the country has one.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable

# --- countries: cities, how the region is printed, phone formatters --------------------

PhoneFmt = Callable[[random.Random], str]


def _d(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def _us_phone(rng: random.Random, area: str) -> str:
    tail = f"01{rng.randint(0, 9)}{rng.randint(0, 9)}"  # 555-0100..0199 is reserved for fiction
    style = rng.randrange(4)
    if style == 0:
        return f"({area}) 555-{tail}"
    if style == 1:
        return f"+1 {area}-555-{tail}"
    if style == 2:
        return f"{area}.555.{tail}"
    return f"+1 ({area}) 555-{tail}"


COUNTRIES: list[dict] = [
    {
        "code": "US",
        "cities": [
            ("Chicago", "IL", "312"),
            ("Austin", "TX", "512"),
            ("Seattle", "WA", "206"),
            ("Boston", "MA", "617"),
            ("Denver", "CO", "303"),
        ],
        "phone": lambda rng, area: _us_phone(rng, area),
    },
    {
        "code": "CA",
        "cities": [("Toronto", "ON", "416"), ("Vancouver", "BC", "604"), ("Montréal", "QC", "514")],
        "phone": lambda rng, area: _us_phone(rng, area),
    },
    {
        "code": "GB",
        "cities": [
            ("Manchester", "UK", "161"),
            ("London", "UK", "20"),
            ("Leeds", "UK", "113"),
            ("Edinburgh", "UK", "131"),
        ],
        "phone": lambda rng, area: rng.choice(
            [
                f"(+44) {area} {'7946 0' if area == '20' else '496 0'}{_d(rng, 3)}",
                f"+44 7700 900{_d(rng, 3)}",
                f"07700 900{_d(rng, 3)}",
            ]
        ),
    },
    {
        "code": "IN",
        "cities": [("Bengaluru", "India", ""), ("Pune", "India", ""), ("Hyderabad", "India", "")],
        "phone": lambda rng, area: rng.choice(
            [f"(+91) 98765 {_d(rng, 5)}", f"+91-98765-{_d(rng, 5)}", f"+91 98765{_d(rng, 5)}"]
        ),
    },
    {
        "code": "DE",
        "cities": [
            ("Berlin", "Germany", "30"),
            ("München", "Germany", "89"),
            ("Hamburg", "Germany", "40"),
        ],
        "phone": lambda rng, area: rng.choice(
            [
                f"+49 {area} {_d(rng, 8)}",
                f"+49 (0){area} {_d(rng, 4)} {_d(rng, 4)}",
                f"0{area} {_d(rng, 7)}",
            ]
        ),
    },
    {
        "code": "FR",
        "cities": [("Paris", "France", "1"), ("Lyon", "France", "4"), ("Toulouse", "France", "5")],
        "phone": lambda rng, area: rng.choice(
            [
                f"+33 {area} {_d(rng, 2)} {_d(rng, 2)} {_d(rng, 2)} {_d(rng, 2)}",
                f"0{area} {_d(rng, 2)} {_d(rng, 2)} {_d(rng, 2)} {_d(rng, 2)}",
                f"+33 6 {_d(rng, 2)} {_d(rng, 2)} {_d(rng, 2)} {_d(rng, 2)}",
            ]
        ),
    },
    {
        "code": "AU",
        "cities": [("Sydney", "NSW", "2"), ("Melbourne", "VIC", "3"), ("Brisbane", "QLD", "7")],
        "phone": lambda rng, area: rng.choice(
            [
                f"+61 {area} 5550 {_d(rng, 4)}",
                f"(0{area}) 5550 {_d(rng, 4)}",
                f"0491 570 {rng.randint(110, 159)}",
            ]
        ),
    },
    {
        "code": "NL",
        "cities": [
            ("Amsterdam", "Netherlands", "20"),
            ("Rotterdam", "Netherlands", "10"),
            ("Utrecht", "Netherlands", "30"),
        ],
        "phone": lambda rng, area: rng.choice(
            [
                f"+31 {area} {_d(rng, 3)} {_d(rng, 4)}",
                f"+31 6 {_d(rng, 8)}",
                f"0{area}-{_d(rng, 7)}",
            ]
        ),
    },
    {
        "code": "SG",
        "cities": [("Singapore", "", "")],
        "phone": lambda rng, area: rng.choice(
            [
                f"+65 {rng.choice('689')}{_d(rng, 3)} {_d(rng, 4)}",
                f"(+65) 9{_d(rng, 3)}-{_d(rng, 4)}",
            ]
        ),
    },
    {
        "code": "ES",
        "cities": [("Madrid", "Spain", ""), ("Barcelona", "Spain", ""), ("Valencia", "Spain", "")],
        "phone": lambda rng, area: f"+34 6{_d(rng, 2)} {_d(rng, 3)} {_d(rng, 3)}",
    },
]

# --- names -------------------------------------------------------------------------------

NAMES: dict[str, tuple[list[str], list[str]]] = {
    "anglo": (
        [
            "Emily",
            "James",
            "Olivia",
            "Liam",
            "Charlotte",
            "Noah",
            "Harriet",
            "Ethan",
            "Grace",
            "Oliver",
        ],
        [
            "Thompson",
            "Walker",
            "Hughes",
            "Carter",
            "Bennett",
            "Fletcher",
            "Harris-Wright",
            "O'Connor",
            "McAllister",
            "Brooks",
        ],
    ),
    "hispanic": (
        ["José", "María", "Lucía", "Andrés", "Sofía", "Javier", "Inés", "Martín"],
        ["García López", "Fernández", "Martínez Ruiz", "Núñez", "de la Cruz", "Ramírez", "Ortega"],
    ),
    "german": (
        ["Jürgen", "Anna-Lena", "Matthias", "Käthe", "Lukas", "Svenja"],
        ["Müller", "Schäfer", "Becker-Hoffmann", "von Arnim", "Weiß", "Krüger"],
    ),
    "french": (
        ["Hélène", "Jean-Baptiste", "Chloé", "Théo", "Amélie", "François"],
        ["Lefèvre", "Dubois", "Moreau", "Giraud-Lambert", "Bélanger"],
    ),
    "indian": (
        ["Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Sneha"],
        ["Sharma", "Iyer", "Reddy", "Banerjee", "Venkataraman", "Patel", "Nair"],
    ),
    "east_asian": (
        ["Wei", "Mei Ling", "Hiroshi", "Yuna", "Jun-ho", "Xiaoyu"],
        ["Chen", "Tanaka", "Kim", "Nguyen", "Lim", "Zhang"],
    ),
    "dutch": (
        ["Sanne", "Daan", "Femke", "Joris", "Lotte"],
        ["de Vries", "van den Berg", "Jansen", "Bakker", "van Dijk"],
    ),
    "african": (
        ["Chinedu", "Amara", "Kwame", "Zanele", "Tendai"],
        ["Okafor", "Mensah", "Adeyemi", "Dlamini", "Mwangi"],
    ),
}

CULTURES_BY_COUNTRY = {
    "US": ["anglo", "hispanic", "indian", "east_asian", "african"],
    "CA": ["anglo", "french", "east_asian", "indian"],
    "GB": ["anglo", "indian", "african", "east_asian"],
    "IN": ["indian"],
    "DE": ["german", "anglo"],
    "FR": ["french", "african"],
    "AU": ["anglo", "east_asian"],
    "NL": ["dutch", "german"],
    "SG": ["east_asian", "indian"],
    "ES": ["hispanic"],
}

# --- professions -------------------------------------------------------------------------

FIELDS: dict[str, dict] = {
    "software": {
        "titles": [
            "Junior Developer",
            "Software Engineer",
            "Senior Software Engineer",
            "Staff Engineer",
            "Engineering Manager",
            "Backend Developer",
            "Site Reliability Engineer",
        ],
        "companies": [
            "Northwind Labs",
            "Bluefin Systems",
            "Quillstack",
            "Orbital Data GmbH",
            "Helio Software Ltd",
            "Tessellate Inc.",
        ],
        "skills": {
            "Languages": ["Python", "Go", "TypeScript", "Java", "Rust", "SQL"],
            "Tools": ["Docker", "Kubernetes", "Terraform", "PostgreSQL", "Git", "AWS"],
            "Practices": ["CI/CD", "Code review", "TDD", "Observability"],
        },
        "highlights": [
            "Cut API latency by 40% by caching hot queries",
            "Led migration of 30 services to Kubernetes",
            "Mentored four junior engineers",
            "Built the billing pipeline processing 2M events a day",
        ],
        "areas": ["Computer Science", "Software Engineering", "Mathematics"],
    },
    "nursing": {
        "titles": [
            "Staff Nurse",
            "Registered Nurse",
            "Charge Nurse",
            "Clinical Nurse Specialist",
            "Ward Manager",
        ],
        "companies": [
            "St. Brigid's Hospital",
            "Riverside Health Trust",
            "Mercy Valley Clinic",
            "Lakeshore Medical Centre",
        ],
        "skills": {
            "Clinical": ["Triage", "Wound care", "IV therapy", "Medication administration"],
            "Certifications": ["BLS", "ACLS", "PALS"],
            "Systems": ["Epic", "Cerner"],
        },
        "highlights": [
            "Coordinated care for a 28-bed surgical ward",
            "Trained new staff on infection-control protocols",
            "Reduced patient falls by 25% through hourly rounding",
        ],
        "areas": ["Nursing", "Adult Nursing", "Public Health"],
    },
    "finance": {
        "titles": [
            "Financial Analyst",
            "Senior Accountant",
            "Finance Manager",
            "Controller",
            "Audit Associate",
        ],
        "companies": [
            "Harbourline Capital",
            "Greystone Partners",
            "Ledgerwise LLP",
            "Crestview Bank",
        ],
        "skills": {
            "Technical": ["Financial modelling", "IFRS", "US GAAP", "Excel", "SAP"],
            "Analysis": ["Forecasting", "Variance analysis", "Budgeting"],
        },
        "highlights": [
            "Closed the monthly books two days faster",
            "Built a rolling 18-month cash-flow forecast",
            "Led the statutory audit for three subsidiaries",
        ],
        "areas": ["Accounting", "Finance", "Economics"],
    },
    "sales": {
        "titles": [
            "Sales Development Representative",
            "Account Executive",
            "Senior Account Manager",
            "Regional Sales Director",
        ],
        "companies": [
            "Brightpath Media",
            "Kestrel Outfitters",
            "Solace Retail Group",
            "Pinnacle Telecom",
        ],
        "skills": {
            "Sales": [
                "Salesforce",
                "Negotiation",
                "Pipeline management",
                "Cold calling",
                "HubSpot",
            ],
            "Languages": ["English", "Spanish", "French"],
        },
        "highlights": [
            "Exceeded annual quota by 132%",
            "Opened 40 new enterprise accounts",
            "Grew regional revenue from 1.2M to 3.4M",
        ],
        "areas": ["Marketing", "Business Administration", "Communications"],
    },
    "logistics": {
        "titles": [
            "Warehouse Supervisor",
            "Logistics Coordinator",
            "Supply Chain Analyst",
            "Operations Manager",
            "Fleet Manager",
        ],
        "companies": [
            "Meridian Freight",
            "Coastal Distribution BV",
            "Atlas Cargo Pte Ltd",
            "Trailhead Logistics",
        ],
        "skills": {
            "Operations": ["Inventory control", "Route planning", "Lean", "Six Sigma"],
            "Systems": ["SAP EWM", "Oracle WMS", "Power BI"],
        },
        "highlights": [
            "Cut picking errors by 60% with barcode scanning",
            "Managed a fleet of 45 vehicles",
            "Negotiated carrier contracts",
        ],
        "areas": ["Supply Chain Management", "Logistics", "Industrial Engineering"],
    },
    "design": {
        "titles": [
            "Junior Designer",
            "Graphic Designer",
            "UX Designer",
            "Senior Product Designer",
            "Design Lead",
        ],
        "companies": ["Studio Kaleido", "Paperplane Agency", "Monocle & Pine", "Fieldnote Design"],
        "skills": {
            "Design": ["Figma", "Sketch", "Adobe Illustrator", "Typography", "Prototyping"],
            "Research": ["User interviews", "Usability testing", "Journey mapping"],
        },
        "highlights": [
            "Redesigned onboarding, lifting activation by 18%",
            "Built the company design system",
            "Ran 60 usability sessions",
        ],
        "areas": ["Graphic Design", "Interaction Design", "Visual Communication"],
    },
    "teaching": {
        "titles": [
            "Teaching Assistant",
            "Mathematics Teacher",
            "Head of Department",
            "Deputy Head Teacher",
        ],
        "companies": [
            "Oakridge Academy",
            "Hillcrest Secondary School",
            "Lycée Saint-Exupéry",
            "Greenfield International School",
        ],
        "skills": {
            "Teaching": [
                "Curriculum design",
                "Classroom management",
                "Differentiation",
                "Assessment",
            ],
            "Tools": ["Google Classroom", "Moodle"],
        },
        "highlights": [
            "Raised GCSE pass rate from 68% to 84%",
            "Coordinated the school's STEM outreach programme",
        ],
        "areas": ["Mathematics", "Education", "Physics"],
    },
}

UNIVERSITIES = {
    "US": [
        "University of Illinois Urbana-Champaign",
        "Boston University",
        "University of Texas at Austin",
    ],
    "CA": ["University of Toronto", "McGill University", "University of British Columbia"],
    "GB": ["University of Manchester", "University of Leeds", "King's College London"],
    "IN": ["Indian Institute of Technology Bombay", "University of Pune", "Anna University"],
    "DE": [
        "Technische Universität München",
        "Humboldt-Universität zu Berlin",
        "Universität Hamburg",
    ],
    "FR": ["Université Paris-Saclay", "Université Lyon 2", "Sciences Po"],
    "AU": ["University of Sydney", "Monash University", "University of Queensland"],
    "NL": ["Universiteit van Amsterdam", "TU Delft", "Erasmus Universiteit Rotterdam"],
    "SG": ["National University of Singapore", "Nanyang Technological University"],
    "ES": ["Universidad Complutense de Madrid", "Universitat de Barcelona"],
}

DOMAINS = ["example.com", "example.org", "example.net", "mailbox.example", "inbox.test"]


def _bachelor(rng: random.Random, area: str) -> tuple[str, str]:
    kind = rng.randrange(6)
    # Long forms carry the major in the study type, as people write them.
    return [
        ("BSc", area),
        ("B.S.", area),
        (f"Bachelor of Science in {area}", ""),
        ("BA", area),
        ("B.A.", area),
        (f"Bachelor of Arts in {area}", ""),
    ][kind]


def _degrees(rng: random.Random, field: dict, code: str, end_year: int) -> list[dict]:
    unis = UNIVERSITIES[code]
    area = rng.choice(field["areas"])
    if rng.random() < 0.12:
        return [
            {
                "institution": rng.choice(unis),
                "studyType": "Diploma",
                "area": area,
                "startDate": str(end_year - 2),
                "endDate": str(end_year),
            }
        ]
    study, area = _bachelor(rng, area)
    eds = [
        {
            "institution": rng.choice(unis),
            "studyType": study,
            "area": area,
            "endDate": str(end_year),
        }
    ]
    eds[0]["startDate"] = str(end_year - 3)
    extra = rng.random()
    if extra < 0.18:
        eds.insert(
            0,
            {
                "institution": rng.choice(unis),
                "studyType": "MBA",
                "area": "",
                "startDate": str(end_year + 3),
                "endDate": str(end_year + 5),
            },
        )
    elif extra < 0.35:
        eds.insert(
            0,
            {
                "institution": rng.choice(unis),
                "studyType": rng.choice(["MSc", "M.S."]),
                "area": rng.choice(field["areas"]),
                "startDate": str(end_year + 1),
                "endDate": str(end_year + 2),
            },
        )
    elif extra < 0.42:
        eds.insert(
            0,
            {
                "institution": rng.choice(unis),
                "studyType": "PhD",
                "area": area,
                "startDate": str(end_year + 1),
                "endDate": str(end_year + 5),
            },
        )
    return eds


def _ascii(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


def _handle(first: str, last: str) -> str:
    return _ascii(f"{first}{last}").lower().replace(" ", "").replace("'", "").replace("-", "")


def make_person(rng: random.Random, index: int) -> dict:
    """One JSON Resume document; ``meta.id`` is a stable person id."""
    country = rng.choice(COUNTRIES)
    code = country["code"]
    city, region, area = rng.choice(country["cities"])
    first_pool, last_pool = NAMES[rng.choice(CULTURES_BY_COUNTRY[code])]
    first, last = rng.choice(first_pool), rng.choice(last_pool)
    name = f"{first} {last}"
    field_name = rng.choice(sorted(FIELDS))
    field = FIELDS[field_name]
    handle = _handle(first, last)
    dotted = f"{_ascii(first)}.{_ascii(last)}".lower().replace(" ", "").replace("'", "")
    email = (
        f"{rng.choice([handle, dotted, _ascii(first).lower().replace(' ', '')])}"
        f"@{rng.choice(DOMAINS)}"
    )
    n_jobs = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 8])
    year, month = 2026, rng.randint(1, 11)
    current = rng.random() < 0.7
    work: list[dict] = []
    titles = field["titles"]
    for j in range(n_jobs):
        length = rng.randint(8, 60)
        end = None if (j == 0 and current) else f"{year}-{month:02d}"
        months = year * 12 + month - 1 - length
        sy, sm = divmod(months, 12)
        title = titles[max(0, min(len(titles) - 1, n_jobs - 1 - j + rng.randint(-1, 1)))]
        ccity, cregion, _ = rng.choice(country["cities"])
        company = rng.choice(field["companies"])
        # "company" is the older schema's key; many published themes still read it.
        bullets = field["highlights"]
        entry = {
            "name": company,
            "company": company,
            "position": title,
            "location": f"{ccity}, {cregion}" if cregion else ccity,
            "startDate": f"{sy}-{sm + 1:02d}",
            "highlights": rng.sample(bullets, rng.randint(1, min(3, len(bullets)))),
        }
        if end:
            entry["endDate"] = end
        work.append(entry)
        gap = rng.choice([0, 0, 0, 1, 2, 7, 14])  # some careers have gaps
        months -= gap
        year, month = divmod(months, 12)
        month += 1
    first_start = int(work[-1]["startDate"][:4])
    education = _degrees(rng, field, code, first_start - rng.randint(0, 1))

    categories = rng.sample(sorted(field["skills"]), rng.randint(1, len(field["skills"])))
    skills = [
        {
            "name": c,
            "keywords": rng.sample(field["skills"][c], rng.randint(2, len(field["skills"][c]))),
        }
        for c in categories
    ]

    basics: dict = {
        "name": name,
        "label": work[0]["position"],
        "email": email,
        "summary": f"{field_name.capitalize()} professional with "
        f"{2026 - first_start} years of experience.",
    }
    if rng.random() < 0.85:
        basics["phone"] = country["phone"](rng, area)
    if rng.random() < 0.85:
        basics["location"] = {"city": city, "region": region, "countryCode": code}
    profiles = []
    if rng.random() < 0.7:
        profiles.append(
            {"network": "LinkedIn", "username": handle, "url": f"https://linkedin.com/in/{handle}"}
        )
    if field_name in ("software", "design") and rng.random() < 0.7:
        net, host = (
            ("GitHub", "github.com") if field_name == "software" else ("Behance", "behance.net")
        )
        profiles.append({"network": net, "username": handle, "url": f"https://{host}/{handle}"})
    if profiles:
        basics["profiles"] = profiles
    if rng.random() < 0.25:
        # "website" is the older schema's key for the same link.
        basics["url"] = basics["website"] = f"https://{handle}.example.com"
    return {
        "basics": basics,
        "work": work,
        "education": education,
        "skills": skills,
        "meta": {"id": f"p{index:03d}", "field": field_name},
    }


def people(n: int, seed: int | str = 20261204) -> list[dict]:
    """``n`` deterministic resumes: same seed, same people."""
    rng = random.Random(seed)
    return [make_person(rng, i) for i in range(n)]


# --- truth -------------------------------------------------------------------------------


def location_text(loc: dict | None, city_only: bool = False) -> str | None:
    """The candidate location as every renderer prints at least: "City, Region" (only the
    city for a template that leaves the region out)."""
    if not loc:
        return None
    if city_only:
        return loc["city"]
    return f"{loc['city']}, {loc['region']}" if loc.get("region") else loc["city"]


def degree_text(ed: dict) -> str:
    """The degree line as renderers print it: study type and area."""
    study, area = ed.get("studyType", ""), ed.get("area", "")
    return f"{study} {area}".strip()


def _strip_scheme(url: str) -> str:
    return url.split("://", 1)[-1].rstrip("/")


def truth_for(resume: dict, shows: frozenset[str] = frozenset()) -> dict:
    """The truth record for ``resume``; ``shows`` names the fields the template hides.

    (The parameter holds the template's ``hides`` set: a hidden field becomes null.)
    """
    hidden = shows
    b = resume["basics"]

    def keep(field: str, value):
        return None if field in hidden or value in (None, [], "") else value

    links = [
        _strip_scheme(p["url"])
        for p in b.get("profiles", [])
        if p.get("url") and "profiles" not in hidden  # "profiles": only the website shows
    ]
    if b.get("url") and "website" not in hidden:  # "website": only the profiles show
        links.insert(0, _strip_scheme(b["url"]))
    # "job_years": the template prints a job's years only ("2019 - 2021").
    cut = 4 if "job_years" in hidden else 7
    employers = [
        {
            "company": w["name"],
            "title": w["position"],
            "start": w["startDate"][:cut],
            "end": w["endDate"][:cut] if w.get("endDate") else "present",
            "section": "experience",
            "location": None if "employer_location" in hidden else w.get("location"),
        }
        for w in resume.get("work", [])
    ]
    education = [
        {
            "institution": e["institution"],
            "degree": degree_text(e),
            "year": e.get("endDate", "")[:4] or None,
        }
        for e in resume.get("education", [])
    ]
    skills = [k for s in resume.get("skills", []) for k in s.get("keywords", [])]
    work = resume.get("work", [])
    return {
        "name": keep("name", b.get("name")),
        "email": keep("email", b.get("email")),
        "phone": keep("phone", b.get("phone")),
        "location": keep("location", location_text(b.get("location"), "location_region" in hidden)),
        "links": keep("links", links),
        "current_title": keep("current_title", work[0]["position"] if work else None),
        "employers": keep("employers", employers),
        "education": keep("education", education),
        "skills": keep("skills", skills),
    }
