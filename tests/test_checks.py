import pytest

from coach import MentorCandidate, Profile
from coach.checks import CHECKS, Context, run_checks

ME = Profile(name="Priya Raman", headline="Data analyst moving into product management")
MENTOR = MentorCandidate(
    name="Daniel Okafor",
    notes=["wrote a post on running discovery sprints", "both of us studied at Leeds"],
)
CTX = Context("linkedin-note", ME, MENTOR, 200, None, frozenset({"Hi", "Could", "Would"}))
GOOD = (
    "Hi Daniel, I'm Priya, a data analyst moving into product management. I noticed that "
    "you wrote a post on running discovery sprints. Would you have 15 minutes for a call?"
)


def verdicts(text, subject=None):
    return {c.name: c.passed for c in run_checks(list(CHECKS), text, subject, CTX)}


def test_a_good_note_passes_every_check_but_the_thank_you():
    v = verdicts(GOOD)
    assert all(ok for name, ok in v.items() if name != "says-thank-you"), v


@pytest.mark.parametrize(
    ("text", "failing"),
    [
        (GOOD + " " + "Really. " * 20, "fits-limit"),
        (
            GOOD.replace("wrote a post on running discovery sprints", "am great"),
            "mentions-specific-points",
        ),
        (
            GOOD.replace("I'm Priya, a data analyst moving into product management", "hello"),
            "says-who-i-am",
        ),
        (
            GOOD.replace("Would you have 15 minutes for a call?", "Will you be my mentor?"),
            "one-small-ask",
        ),
        (GOOD.replace("for a call?", "for a call? And one more thing?"), "one-small-ask"),
        (GOOD.replace("Daniel", "[Name]"), "no-placeholders"),
        (GOOD.replace("I noticed", "Sarah Jones told me"), "no-unsupported-names"),
        (GOOD.replace("Hi Daniel", "Hi all"), "one-recipient"),
    ],
)
def test_each_check_catches_its_fault(text, failing):
    assert verdicts(text)[failing] is False


def test_subject_limits_count():
    ctx = Context("email", ME, MENTOR, 2000, 10, frozenset())
    (fits,) = run_checks(["fits-limit"], GOOD, "A subject that is too long", ctx)
    assert not fits.passed and "subject 26 of 10" in fits.detail
