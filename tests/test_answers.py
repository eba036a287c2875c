"""Answers that lead with the answer: offline on the real index, and checked from a model."""

import json
import re

import pytest

import coach
from coach import tasks
from coach.answering import is_fragment, read_question
from coach.offline import sentences
from coach.settings import reset_settings
from coach.turnlog import recent
from tests.helpers import REPO, chats

QUESTIONS = [
    json.loads(line)
    for line in (REPO / "tests" / "data" / "answer_questions.jsonl").read_text().splitlines()
    if line.strip()
]


def lead(text: str) -> str:
    """The first sentence of an answer, without its citation."""
    first = text.strip().splitlines()[0]
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])|\s\[\d+\]", first)[0]


def test_the_question_set_is_written_in_ordinary_words_and_big_enough():
    assert len(QUESTIONS) >= 20
    assert all(q["q"].endswith("?") and re.compile(q["lead"]) for q in QUESTIONS)


def test_nine_in_ten_offline_answers_open_with_the_sentence_that_answers(indexed):
    misses = []
    for q in QUESTIONS:
        a = coach.ask(q["q"])
        assert a.covered and a.provider == "offline", q["q"]
        if not re.search(q["lead"], lead(a.text), re.IGNORECASE):
            misses.append(f"{q['q']!r} -> {lead(a.text)!r}")
    share = 1 - len(misses) / len(QUESTIONS)
    assert share >= 0.9, f"{share:.0%} lead with the answer; misses:\n" + "\n".join(misses)


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("How often should we meet in the first three months?", r"every \w+ weeks|monthly"),
        # the real model's question (tests/test_real_model.py): it led with what a mentor
        # does, and its frequency was the third point
        ("How often should a mentor and mentee meet?", r"every \w+ (or \w+ )?weeks|monthly"),
        ("How many goals should I bring to a mentor?", r"one or two"),
        ("Why do experienced people volunteer to mentor?", r"giving back|motivator"),
        ("What share of CFOs have mentored someone?", r"^62 percent"),
    ],
)
def test_the_issues_examples_lead_with_the_answer(indexed, question, wanted):
    assert re.search(wanted, lead(coach.ask(question).text), re.IGNORECASE)


def test_an_answer_is_a_cited_lead_then_distinct_cited_points_without_fragments(indexed):
    for q in QUESTIONS[:12]:
        a = coach.ask(q["q"])
        lines = a.text.splitlines()
        assert re.search(r"\.\S* \[1\]$", lines[0]), a.text  # the lead is a whole sentence
        points = [line[2:] for line in lines if line.startswith("- ")]
        assert all(p.endswith("]") for p in points)
        said = [re.sub(r" \[\d+\]$", "", s) for s in [lines[0], *points]]
        assert len(set(said)) == len(said)
        assert not any(is_fragment(s) for s in said), a.text
        numbers = {int(n) for n in re.findall(r"\[(\d+)\]", a.text)}
        assert numbers == set(range(1, len(a.citations) + 1))
        assert "each in one sentence;" not in a.text


@pytest.mark.parametrize("question", ["What's the weather in Paris?", "Write me a poem about cats"])
def test_out_of_scope_questions_say_in_plain_words_that_the_guides_dont_cover_them(
    indexed, question
):
    a = coach.ask(question)
    assert not a.covered and a.citations == []
    assert a.text.startswith("The guides don't cover that.")
    assert "corpus" not in a.text and "meetings" in a.text  # and what they do cover


def test_sentences_keep_numbers_and_drop_headings_quotes_and_labels():
    text = (
        "## A heading that is not a sentence\n"
        "A survey gives concrete figures on mentoring among senior leaders:\n\n"
        "- **62 percent** of the CFOs surveyed reported having mentored someone.\n"
        "> Hi Sam, an example note that is quoted, not advice to repeat.\n"
        "1. **Backgrounds (15 to 20 minutes).** Each of you shares your story first.\n"
    )
    found = sentences(text)
    assert "62 percent of the CFOs surveyed reported having mentored someone." in found
    assert not any("heading" in s or "Hi Sam" in s for s in found)
    assert is_fragment("Backgrounds (15 to 20 minutes).")
    assert is_fragment("the one or two SMART goals, each in one sentence;")
    assert is_fragment("A survey gives concrete figures on mentoring among senior leaders:")
    assert not is_fragment("Each of you shares your story first.")


def test_a_paragraph_before_a_labelled_list_names_its_labels():
    text = (
        "SMART is a simple checklist for writing a development goal. Each letter is a test.\n\n"
        "- **Specific**: it names one thing.\n- **Measurable**: you can tell.\n"
        "- **Achievable**: within reach.\n- **Relevant**: it matters.\n"
        "- **Time-bound**: it has a date.\n"
    )
    assert sentences(text)[0] == (
        "SMART is a simple checklist for writing a development goal: specific, measurable, "
        "achievable, relevant and time-bound."
    )


def test_question_types_are_read_from_ordinary_words():
    assert read_question("How often should we meet?").kinds == ("frequency",)
    assert read_question("How long should a first meeting be?").kinds == ("duration",)
    assert read_question("What share of CFOs have mentored someone?").kinds == ("count",)
    assert read_question("Why do people mentor?").kinds == ("why",)
    assert read_question("What is reverse mentoring?").term == "reverse mentoring"


# -- model answers, checked: the real openai client against the scripted fake server --

GOOD = "Bring one or two goals [1]; a short list you can reach beats a long one [2]."


@pytest.fixture
def model_server(model_server, monkeypatch):
    """The shared scripted model server, with no retries, the default timeout, and three
    passages given to the model."""
    monkeypatch.setenv("COACH_MAX_RETRIES", "0")
    monkeypatch.delenv("COACH_REQUEST_TIMEOUT")
    reset_settings()
    search = tasks._search
    monkeypatch.setattr(tasks, "_search", lambda q, k: search(q, 3))  # three passages given
    return model_server


def ask_goals() -> coach.Answer:
    return coach.ask("How many goals should I bring to a mentor?")


def test_a_good_model_answer_passes_unchanged(model_server):
    model_server.replies = [GOOD]
    a = ask_goals()
    assert a.provider == "openai" and a.fallback_reason is None
    assert a.text == GOOD and len(a.citations) == 2
    assert len(chats(model_server)) == 1
    assert recent(coach.get_settings().log_path, 1)[0]["repairs"] == 0


def test_citing_passage_7_of_3_is_repaired(model_server):
    model_server.replies = ["Bring one or two goals [7].", GOOD]
    a = ask_goals()
    assert a.provider == "openai" and a.text == GOOD
    repair = chats(model_server)[1]["json"]["messages"][1]["content"]
    assert "it cites [7], but only passages [1] to [3] were given" in repair
    assert "Bring one or two goals [7]." in repair  # the previous answer is shown
    assert recent(coach.get_settings().log_path, 1)[0]["repairs"] == 1


def test_an_answer_without_citations_twice_falls_back_to_offline_with_the_reason(model_server):
    model_server.replies = ["Bring one or two goals.", "Really, one or two goals."]
    a = ask_goals()
    assert a.provider == "offline" and len(chats(model_server)) == 2
    assert a.fallback_reason is not None
    assert "failed checks after one repair (it cites no passage)" in a.fallback_reason
    assert "used the offline coach" in a.fallback_reason
    assert re.search("one or two", lead(a.text))


def test_saying_not_covered_when_the_passages_answer_is_repaired_then_falls_back(model_server):
    model_server.replies = ["The guides do not cover how many goals to bring."] * 2
    a = ask_goals()
    assert a.provider == "offline"
    assert "the guides do not cover the question, but the passages given answer it" in (
        a.fallback_reason or ""
    )
    model_server.replies = ["The guides don't cover how many goals.", GOOD]
    b = ask_goals()
    assert b.provider == "openai" and b.text == GOOD
