"""The DESIGN.md quality bar on the project's own paraphrased question set."""

from coach import search
from coach.evaluation import evaluate, load_questions
from tests.conftest import REPO

QUESTIONS = REPO / "tests" / "eval" / "questions.jsonl"


def test_the_question_set_is_big_and_points_at_real_sections():
    qs = load_questions(QUESTIONS)
    assert len(qs) >= 60
    for q in qs:
        for file, section in q.answers():
            body = (REPO / "corpus" / file).read_text(encoding="utf-8")
            assert f"\n## {section}\n" in body, (file, section)


def test_offline_default_reaches_hit5_090_and_hit1_065(indexed):
    result = evaluate(load_questions(QUESTIONS), lambda q, k: search(q, k=k))
    report = "\n".join(f"{q!r}: wanted {want}, got {got}" for q, want, got in result.misses)
    assert result.hit_at[5] >= 0.90, f"hit@5 {result.hit_at[5]:.3f}\n{report}"
    assert result.hit_at[1] >= 0.65, f"hit@1 {result.hit_at[1]:.3f}\n{report}"
