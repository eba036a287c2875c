"""A model's answer must answer: the words-level checks beside the citation checks."""

from __future__ import annotations

import pytest

from coach.answering import reply_problems

# What SmolLM2-135M behind llama.cpp's server really answered (tests/llamaserver.py), each
# with [1] in it, so the citation checks alone let it through.
ECHOED = """<<<QUESTION
How often should a mentor and mentee meet?
QUESTION>>

<<<PASSAGES
[1] The four phases of a mentoring relationship > Phase 2: Negotiating agreement"""
REPEATED = (
    "This is a great suggestion. I will create a new set of guidelines for the fourth phase "
    "of a mentoring relationship [1]. This is a great suggestion. I will create a new set of "
    "guidelines for the fourth phase of a mentoring relationship [1]."
)


@pytest.mark.parametrize(
    ("question", "answer", "problem"),
    [
        ("How often should a mentor and mentee meet?", ECHOED, "repeats the prompt's markers"),
        ("How do I end a mentoring relationship well?", REPEATED, "same sentence twice"),
        (
            "How many goals should I bring to a first meeting?",
            "[1] Planning ahead for the first meeting with a mentor › How to prepare\n\n"
            "There is a common misconception that you need a few years of experience.",
            "copies a passage's heading",
        ),
        (
            "How often should a mentor and mentee meet?",
            "Meetings are a great way to build trust and learn together [1].",
            "asks how often, and it gives no number",
        ),
        (
            "How many goals should I bring to a first meeting?",
            "Bring goals that matter to you and say why they matter [1].",
            "asks how many or how much",
        ),
        (
            "What should I put in a LinkedIn connection note?",
            "Photosynthesis turns sunlight into sugar in green leaves [1].",
            "does not mention what the question is about",
        ),
    ],
)
def test_answers_that_do_not_answer_are_caught(question, answer, problem):
    problems = reply_problems(question, answer)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (
            "How often should a mentor and mentee meet?",
            "Most pairs meet every two weeks for the first three months, then monthly [1].",
        ),
        ("How many goals should I bring to a first meeting?", "One or two goals are enough [1]."),
        (
            "What should I put in a LinkedIn connection note?",
            "Say who you are, what you noticed about their work, and one clear ask; a free "
            "account's note holds 200 characters [1].",
        ),
        (
            "Why do experienced people volunteer to mentor?",
            "Experienced people volunteer because they gain as much as they give: fresh views "
            "and the reward of seeing someone grow [1] [2].",
        ),
    ],
)
def test_answers_that_answer_pass(question, answer):
    assert reply_problems(question, answer) == []


def test_an_answer_in_the_words_of_its_passages_is_on_topic_though_not_the_questions():
    question = "Why do experienced people volunteer to mentor?"
    answer = "They gain fresh views and the reward of seeing someone grow [1]."
    passage = "Mentors report that they gain fresh views, and the reward of seeing people grow."
    assert reply_problems(question, answer, [passage]) == []
    assert "does not mention" in " ".join(reply_problems(question, answer, ["Unrelated."]))


def test_the_offline_coachs_answers_to_the_evaluation_questions_pass_too(indexed):
    """The same bar for both engines: what the offline coach answers in scope passes."""
    import coach
    from coach.evaluation import load_questions
    from tests.test_retrieval_quality import QUESTIONS

    asked = [item.q for item in load_questions(QUESTIONS)]
    assert len(asked) > 30
    failing = []
    for question in asked:
        a = coach.ask(question)
        assert a.provider == "offline"
        # an honest "the guides don't cover that" is the citation checks' business
        if a.covered and (
            problems := reply_problems(question, a.text, [c.text for c in a.citations])
        ):
            failing.append((question, problems, a.text[:300]))
    assert failing == []
