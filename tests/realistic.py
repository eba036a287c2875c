"""Realistic profiles and mentor files, the way people really fill them in: titles in names,
mononyms and particles, non-English names and headlines, LinkedIn headlines with separators,
notes pasted as written (third person, noun phrases, "met at the alumni dinner", whole
paragraphs), mutual connections, free and premium accounts, and what is known of earlier
contact for follow-ups and thank-yous.

Shared by the property tests (``tests/test_properties.py``, which hands a Hypothesis-driven
``random.Random`` to :func:`realistic_case`) and the benchmark (``bench/coach.py``, which
hands a seeded one), so both judge the same inputs. Imports neither pytest nor Hypothesis.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "PLAIN_MESSAGE",
    "Case",
    "build",
    "build_history",
    "message_problem",
    "realistic_case",
    "realistic_cases",
]

TITLES = ["Dr.", "Dr", "Prof.", "Mr.", "Ms.", "Mx.", "Mrs."]
FIRST = [
    "Anna", "Daniel", "Priya", "José", "Łucja", "Søren", "Aarav", "Grace", "Ngozi", "Jan",
    "María", "Seán", "Zoë", "Yuki", "Ahmad", "Siobhán", "Olúwáṣeun", "Chloé", "Mateus",
    "Fatima", "Kwame", "Ines", "Björn", "Mei", "Tomasz",
]  # fmt: skip
HYPHENATED_FIRST = ["Anna-Lena", "Jean-Luc", "Mary-Kate", "Min-jun", "Ana-María"]
LAST = [
    "Weiss", "Okafor", "Raman", "Núñez", "Wróbel", "Kierkegaard", "Sharma", "Liu", "Tanaka",
    "Adébáyọ̀", "Gonçalves", "Müller", "Haddad", "Mensah", "Kowalski", "Ortiz", "Shah",
]  # fmt: skip
HYPHENATED_LAST = ["Okonjo-Iweala", "Smith-Jones", "García-Márquez", "Al-Fayed", "Lloyd-Webber"]
PARTICLE_LAST = [
    "van der Berg", "de la Cruz", "bin Ismail", "O'Brien", "O'Neill", "von Trapp", "da Silva",
    "van Dijk", "Ní Bhriain", "al-Rashid", "de Vries",
]  # fmt: skip
WHOLE_NAMES = [
    "Cher", "Björk", "Madonna", "李小龍", "Nguyễn Thị Minh Khai", "Søren Kierkegaard",
    "José Núñez", "Łucja Wróbel", "Aarav Sharma", "Dr Anna Weiss PhD", "Kim Min-jun",
    "Prof. Maria de la Cruz", "Ahmad bin Ismail", "Siobhán Ní Bhriain", "Ana Luísa Gonçalves",
    "Zoë Saldaña", "Mohammed Al-Fayed", "山田 太郎", "Jan van der Berg", "Seán O'Brien",
]  # fmt: skip

MY_HEADLINES = [
    "Customer Success Manager | SaaS | ex-retail", "PhD student · ML", "VP of Sales - EMEA",
    "Data analyst moving into product management", "MBA student", "UX Designer",
    "Software Engineer @ Monzo", "Ingeniera de datos | Madrid", "Analista de dados sênior",
    "数据分析师", "Junior developer, career changer", "Nurse → aspiring product manager",
    "Marketing Coordinator | B2B | Content", "phD candidate in computational biology",
    "Head of Patient Apps", "Graduate trainee", "Senior QA engineer • test automation",
    "Product Owner (Payments)", "iOS developer", "Freelance illustrator", "",
]  # fmt: skip
MENTOR_HEADLINES = [
    "VP of Customer Success | SaaS", "Director of Product at Contoso Clinics",
    "Staff Engineer · Platform", "Profesora titular - Universidad de Valencia",
    "CTO @ a fintech start-up", "Engineering Manager | ex-Google | mentor",
    "Chief Nursing Information Officer", "Founder, Kowalski Design", "Head of Data – NHS",
    "Principal UX Researcher", "", "",
]  # fmt: skip
ORGANIZATIONS = [
    "Northwind Health", "Monzo", "Universidad de Valencia", "Łódź University of Technology",
    "株式会社サンプル", "NHS Digital", "Contoso Clinics", "self-employed", "Société Générale",
    "Tata Consultancy Services", "", "",
]  # fmt: skip
GOALS = [  # (title, why)
    (
        "Lead a product discovery project by June",
        "I want to test whether product management suits me",
    ),
    ("Move into a product role by the end of 2026", "because my current role has no room to grow"),
    ("Get better at public speaking", "so I can present at our quarterly review"),
    ("Publish my first research paper", ""),
    (
        "Prepare for a staff engineer promotion",
        "My manager suggested I find a mentor outside my team.",
    ),
    ("ship a side project", "to build confidence"),
    ("Learn SQL well enough to build my own dashboards", "I spend hours waiting on the data team"),
    ("A product manager job at a health-tech company", ""),
    ("Become a better people manager for my new team of five", "I was promoted in March"),
    ("Aprender a liderar equipos remotos", ""),
    ("Decide between a PhD and an industry job by September", "both offers expire soon"),
]  # fmt: skip
OFFERS = [
    ["SQL dashboards", "user interviews"], ["Spanish and Portuguese translation"], [],
    ["help with Python", "a fresh pair of eyes on slides"], ["feedback on accessibility"],
    ["data visualisation"],
]  # fmt: skip

THIRD_PERSON = [
    "She runs the onboarding guild", "He has mentored three people into PM roles",
    "is a former tech lead at Monzo", "runs the internal architecture guild",
    "has mentored junior designers for years", "She wrote a book about onboarding",
    "They organise the women in data meetup", "He was my manager's manager at Contoso",
    "She spoke at ProductCon about onboarding playbooks",
    "is on the board of the Leeds alumni network", "{first} wrote a post on hiring for curiosity",
    "{first} moved from nursing into product, like I want to",
]  # fmt: skip
NOUN_PHRASES = [
    "her talk at ProductCon on onboarding playbooks", "his podcast on hiring for curiosity",
    "a talk on accessibility at Web Summit", "their newsletter about data careers",
    "Seasoned product leader", "former Head of Growth at Monzo",
    "the keynote at the NHS Digital conference last year",
]  # fmt: skip
PASTED = [
    "my aunt's former colleague; ran the relaunch campaign",
    "Sam's old manager - ran the relaunch campaign…",
    "both studied at the University of Leeds", "both of us studied at the University of Leeds",
    "met at the alumni dinner", "met her at the alumni dinner in March",
    "we both volunteer at Code Club", "ex-colleague of my manager, Sam Ortiz",
    "wrote a post on running discovery sprints in regulated healthcare",
    "led the redesign of the patient booking app last year",
    "recommended by my mentor at uni...", "Posted about moving from QA to product (LinkedIn, May)",
    "PhD in HCI; now leads research at Contoso",
    "gave a workshop on SMART goals at our company offsite",
]  # fmt: skip
LONG_OPENINGS = {
    "she": "She wrote a long post on running discovery sprints in regulated healthcare, which "
    "is how I found her.",
    "he": "He gave the closing keynote at the Leeds product meetup on mentoring career changers.",
    "they": "Runs the platform team at Contoso Clinics and writes about incident reviews.",
}
# One person's pronouns through a pasted paragraph: {s}/{S} subject, {p} possessive,
# {v} the verb ending ("s" or ""), {be} was/were.
LONG_SENTENCES = [
    "In part {n} {s} explain{v} how {p} team kept compliance on board.",
    "{S} describe{v} how the team ran {n} rounds of interviews before the first prototype.",
    "The post covers stakeholder maps, weekly demos and how to say no to features.",
    "{S} also mention{v} that {s} mentor{v} two people a year through the alumni scheme.",
    "{S} moved from support into product after {n} years, which is the move I want to make.",
    "{S} {be} careful to say what did not work, including a pilot that was stopped early.",
    "Section {n} is about hiring: {s} look{v} for curiosity over polish.",
    "{S} keep{v} a public reading list on product discovery, updated every month.",
    "Before that {s} spent {n} years in hospital operations at Northwind Health.",
    "Several comments thank {p} team for sharing the templates.",
    "{S} answered most questions under the post, kindly and in detail.",
    "At the end {s} invite{v} people to get in touch about mentoring.",
]
PRONOUNS = {
    "she": {"s": "she", "S": "She", "p": "her", "v": "s", "be": "was"},
    "he": {"s": "he", "S": "He", "p": "his", "v": "s", "be": "was"},
    "they": {"s": "they", "S": "They", "p": "their", "v": "", "be": "were"},
}
MUTUALS = [
    "Priya Shah", "my manager, Sam Ortiz", "Łucja Wróbel", "Dr. Tom O'Neill", "my aunt",
    "José from the data team", "李小龍",
]  # fmt: skip
RELATIONS = ["inside", "outside"]
CHANNELS = ["linkedin", "alumni", "family-friends", "colleague", "event", "group"]
DISCUSSED = [
    "We talked about stakeholder maps; more next time",
    "discussed how to run a discovery sprint with compliance in the room",
    "Topics: my CV, the PM interview loop",
    "talked about stakeholder maps",
    "",
]

# What a message a person is shown must never hold: pydantic's wording, YAML keys in
# quotes, Python's types or tracebacks.
PLAIN_MESSAGE = re.compile(
    r"String should|Input should|validation error|Value error|pydantic|Traceback|"
    r"errors\.pydantic|type=|\bNoneType\b|\bKeyError\b|\bTypeError\b|"
    r"'(?:name|headline|organization|industry|notes|goals|offer|mutual_connection|"
    r"linkedin_account|relation|channel)(?:\.\d+)*(?:\.\w+)*'",
)


def message_problem(message: str) -> str | None:
    """Why ``message`` is not one a person can act on, or None when it is."""
    if len(message) < 12 or not re.search(r"[^\W\d_]{3}", message):
        return f"too short to say what to do: {message!r}"
    found = PLAIN_MESSAGE.search(message)
    if found:
        return f"speaks in code ({found.group(0)!r}): {message!r}"
    return None


@dataclass
class Case:
    """One realistic pair of files and what is known of earlier contact."""

    profile: dict[str, Any]
    mentor: dict[str, Any]
    history: dict[str, Any] | None = None
    tags: list[str] = field(default_factory=list)


def _name(rng: random.Random, *, titled: float = 0.25) -> str:
    """A realistic name: whole ones people really have, or built from parts."""
    if rng.random() < 0.35:
        return rng.choice(WHOLE_NAMES)
    first = rng.choice(HYPHENATED_FIRST if rng.random() < 0.15 else FIRST)
    shape = rng.random()
    if shape < 0.08:
        return first  # a mononym
    last_pool = HYPHENATED_LAST if shape < 0.25 else PARTICLE_LAST if shape < 0.5 else LAST
    name = f"{first} {rng.choice(last_pool)}"
    if rng.random() < titled:
        name = f"{rng.choice(TITLES)} {name}"
    return name


def _long_note(rng: random.Random, limit: int = 2000) -> str:
    """A pasted paragraph of up to ``limit`` characters (~300 words)."""
    who = rng.choice(sorted(LONG_OPENINGS))
    text, words = LONG_OPENINGS[who], PRONOUNS[who]
    target = rng.randint(400, limit)
    order = rng.sample(LONG_SENTENCES, len(LONG_SENTENCES))
    n = 2
    while True:
        more = order[n % len(order)].format(n=n, **words)
        if len(text) + 1 + len(more) > target:
            return text
        text = f"{text} {more}"
        n += 1


def _note(rng: random.Random, first: str) -> str:
    r = rng.random()
    pool = THIRD_PERSON if r < 0.35 else NOUN_PHRASES if r < 0.55 else PASTED
    if r > 0.93:
        return _long_note(rng)
    return rng.choice(pool).format(first=first)


def realistic_case(rng: random.Random, today: dt.date | None = None) -> Case:
    """A realistic (profile, mentor, history) drawn from ``rng``."""
    today = today or dt.date(2026, 12, 1)
    tags: list[str] = []
    profile: dict[str, Any] = {
        "name": _name(rng, titled=0.1),
        "linkedin_account": rng.choice(["free", "premium"]),
    }
    for key, pool, p in (
        ("headline", MY_HEADLINES, 0.9),
        ("organization", ORGANIZATIONS, 0.7),
        ("industry", ["healthcare", "fintech", "education", "retail"], 0.4),
    ):
        if rng.random() < p and (value := rng.choice(pool)):
            profile[key] = value
    if rng.random() < 0.8:
        goals = rng.sample(GOALS, rng.choice([1, 1, 1, 2]))
        profile["goals"] = []
        for title, why in goals:
            goal: dict[str, Any] = {"title": title}
            if why and rng.random() < 0.7:
                goal["why"] = why
            if rng.random() < 0.3:
                goal["target_date"] = (today + dt.timedelta(days=rng.randint(30, 400))).isoformat()
            profile["goals"].append(goal)
    else:
        tags.append("no goal")
    if rng.random() < 0.6 and (offer := rng.choice(OFFERS)):
        profile["offer"] = offer
    m_name = _name(rng)
    words = m_name.split()
    first = words[1] if len(words) > 1 and words[0] in TITLES else words[0]
    notes = list(dict.fromkeys(_note(rng, first) for _ in range(rng.choice([1, 1, 2, 2, 3]))))
    mentor: dict[str, Any] = {"name": m_name, "notes": notes}
    if rng.random() < 0.7 and (head := rng.choice(MENTOR_HEADLINES)):
        mentor["headline"] = head
    if rng.random() < 0.5 and (org := rng.choice(ORGANIZATIONS)):
        mentor["organization"] = org
    if rng.random() < 0.5:
        mentor["relation"] = rng.choice(RELATIONS)
        mentor["channel"] = rng.choice(CHANNELS)
    if rng.random() < 0.4:
        mentor["mutual_connection"] = rng.choice(MUTUALS)
        tags.append("mutual connection")
    history = None
    if rng.random() < 0.6:
        days = rng.choice([0, 1, 3, 8, 15, 40])
        history = {
            "first_sent": (today - dt.timedelta(days=days)).isoformat()
            if rng.random() < 0.85
            else None,
            "today": today.isoformat(),
            "discussed": rng.choice(DISCUSSED),
        }
    if any(len(n) > 200 for n in notes):
        tags.append("long note")
    return Case(profile, mentor, history, tags)


def realistic_cases(n: int, seed: int = 13) -> list[Case]:
    """``n`` realistic cases from a fixed seed (the benchmark's inputs)."""
    rng = random.Random(seed)
    return [realistic_case(rng) for _ in range(n)]


def build(profile: dict[str, Any], mentor: dict[str, Any]) -> tuple[Any, Any]:
    """(Profile, MentorCandidate) from the dicts, or a ProfileError saying what to fix in
    plain words, as the workbook's pages say it (``coach.profiles.say_what_to_fix``)."""
    from pydantic import ValidationError

    from coach.profiles import MentorCandidate, Profile, ProfileError, say_what_to_fix

    try:
        return Profile.model_validate(profile), MentorCandidate.model_validate(mentor)
    except ValidationError as exc:
        raise ProfileError(say_what_to_fix(exc)) from None


def build_history(history: dict[str, Any] | None) -> Any:
    """The :class:`coach.language.DraftHistory` a case's ``history`` dict describes."""
    from coach.language import DraftHistory

    if history is None:
        return None
    sent = history.get("first_sent")
    return DraftHistory(
        dt.date.fromisoformat(sent) if sent else None,
        dt.date.fromisoformat(history["today"]),
        history.get("discussed", ""),
    )


# Live markup that must never reach a draft or an agenda, whatever the inputs held.
LIVE_MARKUP = re.compile(
    r"<\s*/?\s*(?:script|img|svg|iframe|object|embed|style|a\s|body|html|meta|link|input|form)"
    r"|\bon[a-z]+\s*=|javascript\s*:",
    re.IGNORECASE,
)


@dataclass
class Outcome:
    """What one task made of a case: its text, what is wrong with it, or the refusal."""

    task: str  # a draft kind or an agenda phase
    text: str = ""
    problems: list[str] = field(default_factory=list)
    refused: str | None = None
    ms: float = 0.0


def draft_outcome(kind: str, me: Any, mentor: Any, history: Any = None) -> Outcome:
    """Draft ``kind`` offline; a CoachError is a refusal, every failed check a problem."""
    import time

    import coach

    t0 = time.perf_counter()
    try:
        d = coach.draft(kind, me, mentor, history=history)
    except coach.CoachError as exc:
        out = Outcome(kind, refused=str(exc), ms=(time.perf_counter() - t0) * 1000)
        bad = message_problem(str(exc))
        out.problems += [bad] if bad else []
        return out
    out = Outcome(kind, text=f"{d.subject or ''}\n{d.text}".strip())
    out.ms = (time.perf_counter() - t0) * 1000
    out.problems += [f"{c.name}: {c.detail}" for c in d.checks if not c.passed]
    if not d.checks:
        out.problems.append("no checks ran")
    markup = LIVE_MARKUP.search(out.text)
    if markup:
        out.problems.append(f"live markup: {markup.group(0)!r}")
    return out


def agenda_outcome(phase: str, me: Any, mentor: Any, minutes: int = 45) -> Outcome:
    """An agenda for ``phase`` offline; every failed check a problem."""
    import time

    import coach

    t0 = time.perf_counter()
    try:
        a = coach.agenda(phase, me, mentor, minutes)
    except coach.CoachError as exc:
        out = Outcome(phase, refused=str(exc), ms=(time.perf_counter() - t0) * 1000)
        bad = message_problem(str(exc))
        out.problems += [bad] if bad else []
        return out
    out = Outcome(phase, ms=(time.perf_counter() - t0) * 1000)
    out.text = "\n".join([a.title, *(p for i in a.items for p in (i.title, *i.prompts))])
    out.problems += [f"{c.name}: {c.detail}" for c in a.checks if not c.passed]
    if sum(i.minutes for i in a.items) != minutes:
        out.problems.append("minutes do not add up")
    markup = LIVE_MARKUP.search(out.text)
    if markup:
        out.problems.append(f"live markup: {markup.group(0)!r}")
    return out


INMAIL_REFUSAL = "InMail is a LinkedIn Premium feature"


def case_outcomes(case: Case, kinds: Any = None, phases: Any = None) -> list[Outcome]:
    """Every draft kind and agenda phase (or those given) for ``case``; a case refused as a
    whole (its files do not validate) gives one refused Outcome per task."""
    import coach

    kinds = coach.DRAFT_KINDS if kinds is None else kinds
    phases = coach.PHASES if phases is None else phases
    try:
        me, mentor = build(case.profile, case.mentor)
    except coach.CoachError as exc:
        bad = message_problem(str(exc))
        return [Outcome(t, refused=str(exc), problems=[bad] if bad else []) for t in kinds]
    history = build_history(case.history)
    out = []
    for kind in kinds:
        o = draft_outcome(kind, me, mentor, history if kind in ("follow-up", "thank-you") else None)
        if kind == "inmail" and me.linkedin_account == "free":
            if o.refused is None or INMAIL_REFUSAL not in o.refused:
                o.problems.append("InMail from a free account was not refused")
        elif o.refused and o.refused.startswith(INMAIL_REFUSAL):
            o.problems.append("InMail refused for a premium account")
        out.append(o)
    out += [agenda_outcome(phase, me, mentor) for phase in phases]
    return out


# Composer faults found by these tests are fixed where they are found; an entry here (a
# name and a test recognising what the fault produces) would let the property tests hold
# everything else to the full standard while one is open. None is open.
KNOWN_FAULTS: dict[str, Callable[[Case, Outcome], bool]] = {}


def known_fault(case: Case, o: Outcome) -> str | None:
    """The name of the reported fault that explains ``o``'s problems, or None."""
    return next((name for name, test in KNOWN_FAULTS.items() if test(case, o)), None)


_SEARCHED: dict[tuple[str, int], list[Any]] = {}


def search_once(monkeypatch: Any) -> None:
    """Make the tasks search the real index once per (query, k) and reuse the passages: a
    draft's query is its prompt's, so every draft of a kind cites the same passages, and
    the tests time the composer rather than the embedding of the same query again."""
    from coach import tasks

    real = tasks._search

    def search(query: str, k: int) -> list[Any]:
        if (query, k) not in _SEARCHED:
            _SEARCHED[(query, k)] = real(query, k)
        return _SEARCHED[(query, k)]

    monkeypatch.setattr(tasks, "_search", search)
