"""Wording faults found in realistic drafts, each reproduced through ``coach.draft`` and
``coach.agenda`` (with a fixed passage: these tests are about wording, not search), and the
rule that caused it tested where it lives."""

from __future__ import annotations

import re

import pytest

import coach
from coach import DRAFT_KINDS, MentorCandidate, Profile
from coach.checks import Context, distinct_notes, notes_mentioned, run_checks
from coach.language import article, greeting_name, headline_role, read_note
from coach.models import Passage
from coach.naturalness import problem, subject_problem

GUIDE = Passage(
    id="p1",
    text="Ask for one small thing, such as a 15-minute call.",
    title="Reaching out",
    section="The first message",
    source="corpus/outreach.md",
    score=1.0,
)
ME = Profile(
    name="Priya Raman",
    headline="Data analyst moving into product management",
    organization="Northwind Health",
    linkedin_account="premium",
    goals=[{"title": "Lead a product discovery project by June"}],
)


@pytest.fixture(autouse=True)
def fixed_passage(monkeypatch):
    from coach import tasks

    monkeypatch.setattr(tasks, "_search", lambda _query, _k: [GUIDE])


def every_text(me: Profile, mentor: MentorCandidate) -> str:
    """Every draft kind (subjects too) and every agenda phase, each passing every check."""
    out = []
    for kind in DRAFT_KINDS:
        d = coach.draft(kind, me, mentor)
        assert d.ok, (kind, d.text, [c for c in d.checks if not c.passed])
        out += [d.subject or "", d.text]
    for phase in coach.PHASES:
        a = coach.agenda(phase, me, mentor, 45)
        assert all(c.passed for c in a.checks), (phase, a.checks)
        out += [p for i in a.items for p in (i.title, *i.prompts)]
    return "\n\n".join(out)


# 1. Every verb of the mentor's clause agrees with "you" (and "they" in agendas).


@pytest.mark.parametrize(
    ("note", "clause"),
    [
        ("runs the guild and teaches design", "you run the guild and teach design"),
        ("She wrote a book and speaks at meetups", "you wrote a book and speak at meetups"),
        ("runs the guild and also speaks at meetups", "you run the guild and also speak at"),
        ("is a former tech lead and mentors juniors", "you are a former tech lead and mentor"),
        ("runs the guild and hosts events", "you run the guild and host events"),
        ("runs workshops and talks", "you run workshops and talks"),  # "talks": a noun
        ("She runs the guild, which meets and grows", "which meets and grows"),
        ("runs the guild and her team speaks", "and your team speaks"),
    ],
)
def test_every_verb_after_and_agrees_with_you(note, clause):
    point = read_note(note, "Anna Weiss")
    assert point is not None
    assert clause in point.clause()


def test_a_second_verb_agrees_in_every_draft_and_agenda():
    mentor = MentorCandidate(name="Anna Weiss", notes=["runs the guild and teaches design"])
    text = every_text(ME, mentor)
    assert "teaches" not in text
    assert "run the guild and teach design" in text
    assert "they run the guild and teach design" in text


def test_the_check_names_a_second_verb_that_does_not_agree():
    said = problem("I noticed that you run the guild and teaches design.")
    assert said is not None and "teach" in said
    assert problem("I noticed that you run the guild and teach design.") is None
    assert problem("I noticed that you run workshops and talks.") is None
    assert problem("I noticed that you lead the team, which meets and grows.") is None
    said = problem("Tell Anna why you got in touch: they run the guild and teaches.", agenda=True)
    assert said is not None and "they" in said


# 2. "I came across" never glued to a clause.


@pytest.mark.parametrize(
    ("note", "noticed"),
    [
        ("her team at Monzo grew 3x", "I noticed that your team at Monzo grew 3x"),
        ("Anna's team grew 3x", "I noticed that your team grew 3x"),
        ("his team led the redesign", "I noticed that your team led the redesign"),
        ("her talk at ProductCon", "I enjoyed your talk at ProductCon"),  # a thing stays one
        ("their newsletter about data careers", "I enjoyed your newsletter about data careers"),
    ],
)
def test_a_possessive_note_with_its_own_verb_is_a_clause(note, noticed):
    point = read_note(note, "Anna Weiss")
    assert point is not None
    assert point.noticed() == noticed


def test_a_clause_about_their_team_reads_naturally_in_every_draft():
    mentor = MentorCandidate(name="Anna Weiss", notes=["her team at Monzo grew 3x"])
    text = every_text(ME, mentor)
    assert "came across your team" not in text
    assert "question about your team" not in text
    assert "your team at Monzo grew 3x" in text
    assert "their team at Monzo grew 3x" in text


# 3. No article in front of a past participle.


@pytest.mark.parametrize(
    ("note", "clause", "noticed"),
    [
        (
            "recommended by my manager",
            "you were recommended to me by my manager",
            "I heard about you from my manager, who recommended you",
        ),
        (
            "Recommended by my mentor at uni...",
            "you were recommended to me by my mentor at uni",
            "I heard about you from my mentor at uni, who recommended you",
        ),
        ("introduced by Sam", "you were introduced to me by Sam", "I was introduced to you by Sam"),
        (
            "referred to me by my manager",
            "you were referred to me by my manager",
            "I was referred to you by my manager",
        ),
    ],
)
def test_a_recommendation_is_said_as_one(note, clause, noticed):
    point = read_note(note, "Anna Weiss")
    assert point is not None
    assert point.clause() == clause
    assert point.noticed() == noticed
    assert " a recommended" not in point.third("Anna")


def test_no_draft_says_a_recommended():
    mentor = MentorCandidate(name="Anna Weiss", notes=["recommended by my manager"])
    text = every_text(ME, mentor)
    assert not re.search(r"\ban? (recommended|referred)\b", text)
    assert "they were recommended to you by your manager" in text
    assert article("recommended by my manager") == "recommended by my manager"
    said = problem("I noticed that you are a recommended by my manager.")
    assert said is not None and "recommended" in said


# 4. A role cut at a separator keeps its article.


@pytest.mark.parametrize(
    ("headline", "said"),
    [
        ("Marketing Coordinator | B2B | ex-agency", "a marketing coordinator"),
        ("Engineering Manager | ex-Google | mentor", "an engineering manager"),
        ("Nursing student", "a nursing student"),
        ("Aspiring product manager", "an aspiring product manager"),
        ("Training manager", "a training manager"),
        ("Leading a team of eight", "leading a team of eight"),
        ("Helping founders grow", "helping founders grow"),
        ("Product managers", "product managers"),
        ("Data & Analytics", "data & analytics"),
        ("Marketing", "marketing"),
        ("Retired", "retired"),
        ("Head of Patient Apps", "head of patient apps"),
        ("the founder of Contoso", "the founder of Contoso"),
        ("Monzo", "Monzo"),
        ("数据分析师", "数据分析师"),
        ("VP of Sales - EMEA", "a VP of Sales"),
        ("Junior developer, career changer", "a junior developer, career changer"),
    ],
)
def test_a_role_takes_an_article_only_when_it_names_one_person(headline, said):
    assert article(headline_role(headline)) == said


def test_the_mentee_introduces_herself_with_an_article():
    me = Profile(
        name="Cher", headline="Marketing Coordinator | B2B | ex-agency", linkedin_account="premium"
    )
    mentor = MentorCandidate(name="Anna Weiss", notes=["runs the onboarding guild"])
    d = coach.draft("linkedin-note", me, mentor)
    assert "I'm Cher, a marketing coordinator." in d.text
    assert "Cher, marketing coordinator" not in every_text(me, mentor)


# 5. Arrows, guillemets, bullets, middle dots, dashes and spaced slashes are separators.


@pytest.mark.parametrize(
    ("headline", "role"),
    [
        ("Designer → Product Manager", "designer"),
        ("Designer » Maker", "designer"),
        ("Designer • Maker", "designer"),
        ("Designer · Maker", "designer"),
        ("Designer – Maker", "designer"),
        ("Designer / Maker", "designer"),
        ("Designer -> Product Manager", "designer"),
        ("UX/UI Designer", "UX/UI designer"),  # a slash inside a word is no separator
        ("Staff Engineer - Platform", "staff engineer"),
    ],
)
def test_headline_separators(headline, role):
    assert headline_role(headline) == role


def test_an_arrow_headline_reads_sensibly_in_every_draft():
    for org in ("Northwind Health", ""):
        me = ME.model_copy(update={"headline": "Designer → Product Manager", "organization": org})
        mentor = MentorCandidate(name="Anna Weiss", notes=["runs the onboarding guild"])
        text = every_text(me, mentor)
        assert "→" not in text
        assert "a designer" in text


# 6. No stray spaces in any draft, and the check names them.


def test_a_mentee_without_goals_gets_drafts_without_stray_spaces():
    me = ME.model_copy(update={"goals": []})
    mentor = MentorCandidate(name="Anna Weiss", notes=["runs the onboarding guild"])
    text = every_text(me, mentor)
    for line in text.splitlines():
        assert line == line.strip(), repr(line)
        assert "  " not in line, repr(line)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Hi Anna,\n\n Could we talk for 15 minutes?", "starts with a space"),
        ("Hi Anna, could we talk for 15 minutes? \nThanks", "ends with a space"),
        ("Hi Anna,  could we talk for 15 minutes?", "two spaces"),
    ],
)
def test_the_check_names_stray_spaces(text, said):
    found = problem(text)
    assert found is not None and said in found


# 7. Greeting names: family name first, and patronymic connectors.


@pytest.mark.parametrize(
    ("name", "informal", "formal"),
    [
        ("Nguyễn Văn An", "Nguyễn Văn An", "Nguyễn Văn An"),
        ("Nguyen Thi Minh Khai", "Nguyen Thi Minh Khai", "Nguyen Thi Minh Khai"),
        ("Dr. Trần Thị Lan", "Trần Thị Lan", "Dr. Trần Thị Lan"),
        ("Kim Min-jun", "Kim Min-jun", "Kim Min-jun"),
        ("Kim Smith", "Kim", "Kim"),  # given name first: greeted as usual
        ("Dr. Ahmad bin Ismail", "Ahmad", "Dr. Ahmad"),
        ("Siti binti Abdullah", "Siti", "Siti"),
        ("Dr. Nur Aisyah binti Abdullah", "Nur Aisyah", "Dr. Nur Aisyah"),
        ("Prof. Kumar a/l Subramaniam", "Kumar", "Prof. Kumar"),
        ("Dr. Anna Weiss", "Anna", "Dr. Weiss"),
    ],
)
def test_greetings_for_family_name_first_and_patronymic_names(name, informal, formal):
    assert greeting_name(name) == informal
    assert greeting_name(name, formal=True) == formal


def test_drafts_greet_the_person_not_the_family():
    mentor = MentorCandidate(name="Nguyễn Văn An", notes=["runs the onboarding guild"])
    assert coach.draft("linkedin-note", ME, mentor).text.startswith("Hi Nguyễn Văn An, ")
    mentor = MentorCandidate(name="Dr. Ahmad bin Ismail", notes=["runs the onboarding guild"])
    text = every_text(ME, mentor)
    assert "Dear Dr. Ahmad," in text
    assert "bin Ismail," not in text


# 8. A note written twice is one point.


def test_a_note_written_twice_is_said_and_counted_once():
    notes = ["runs the onboarding guild", "Runs the onboarding guild.", "wrote a post on hiring"]
    assert distinct_notes(notes) == [notes[0], notes[2]]
    mentor = MentorCandidate(name="Anna Weiss", notes=notes)
    text = every_text(ME, mentor)
    assert text.count("run the onboarding guild") == text.count("onboarding guild")
    for kind in DRAFT_KINDS:
        assert coach.draft(kind, ME, mentor).text.count("onboarding guild") <= 1
    ctx = Context("email", ME, mentor, 2000, 100, frozenset())
    said = "I noticed that you run the onboarding guild and wrote a post on hiring."
    assert notes_mentioned(said, mentor) == 2
    (check,) = run_checks(["mentions-specific-points"], said, None, ctx)
    assert check.passed


# 9. A subject never says "about" twice.


@pytest.mark.parametrize(
    "note", ["her talk about onboarding at ProductCon", "wrote a post about onboarding"]
)
def test_a_subject_says_about_once(note):
    mentor = MentorCandidate(name="Anna Weiss", notes=[note])
    for kind in ("email", "inmail"):
        d = coach.draft(kind, ME, mentor)
        assert d.subject is not None
        assert len(re.findall(r"\babout\b", d.subject, re.IGNORECASE)) <= 1, d.subject
        assert "onboarding" in d.subject


def test_the_check_names_a_subject_that_says_about_twice():
    said = subject_problem("A question about your talk about onboarding, from Priya")
    assert said is not None and "about" in said
    assert subject_problem("About about onboarding") is not None
    assert subject_problem("A question about your talk on onboarding, from Priya") is None


# Found reading realistic drafts (tests/realistic.py over many seeds).


def test_no_article_in_front_of_a_possessive():
    point = read_note("Sam's old manager - ran the relaunch campaign…", "Anna Weiss")
    assert point is not None
    assert "a Sam's" not in point.more() + point.clause()
    assert article("Sam's old manager") == "Sam's old manager"


def test_a_shortened_role_never_ends_on_an_adjective():
    from coach.offline import _cut_words

    assert _cut_words("phD candidate in computational biology", 4) == "phD candidate"
    assert _cut_words("senior product manager for payments", 4) == "senior product manager"


def test_self_employed_is_no_organization():
    me = ME.model_copy(update={"organization": "self-employed"})
    mentor = MentorCandidate(name="Anna Weiss", notes=["runs the onboarding guild"])
    text = every_text(me, mentor)
    assert "at self-employed" not in text and "from self-employed" not in text
    me = ME.model_copy(update={"organization": "Self-employed", "headline": ""})
    text = every_text(me, mentor)
    assert "I'm Priya, self-employed." in text or "I'm Priya Raman, self-employed." in text


def test_a_purpose_is_not_said_after_because():
    from coach.language import why_clause

    assert why_clause("so I can present at our quarterly review") == (
        "I want to present at our quarterly review"
    )
    assert why_clause("so that my team grows") == ""
    goal = {"title": "Get better at public speaking", "why": "so that my team trusts me"}
    me = Profile(**{**ME.model_dump(), "goals": [goal]})
    mentor = MentorCandidate(name="Anna Weiss", notes=["runs the onboarding guild"])
    assert "because so" not in every_text(me, mentor)


def test_an_agenda_addresses_a_name_greeted_whole():
    me = ME.model_copy(update={"name": "Nguyễn Thị Minh Khai"})
    mentor = MentorCandidate(name="Anna Weiss", notes=["runs the onboarding guild"])
    assert "Nguyễn Thị Minh Khai: two minutes on your path" in every_text(me, mentor)
