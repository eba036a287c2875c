"""Property-based: any profile either gives drafts that pass every check, or is refused
with a clear error. Never a traceback, never a failing offline draft."""

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coach
from coach import DRAFT_KINDS, PHASES, MentorCandidate, Profile
from coach.offline import DraftError

text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=220,
)
name = st.one_of(
    text, st.sampled_from(["Ann", "José Núñez", "李小龍", "O'Brien-Smith", "<b>x</b>"])
)
note = st.one_of(
    text,
    st.sampled_from(
        [
            "wrote a post on running discovery sprints in regulated healthcare",
            "both of us studied at the University of Leeds",
            "<script>alert(1)</script> spoke at a conference",
            "ran the 🚀 launch of the booking app",
        ]
    ),
)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(
    me_name=name,
    headline=text,
    org=text,
    goal=st.one_of(st.just(""), text),
    account=st.sampled_from(["free", "premium"]),
    m_name=name,
    notes=st.lists(note, min_size=0, max_size=4),
    kind=st.sampled_from(DRAFT_KINDS),
)
def test_any_profile_gives_a_checked_draft_or_a_clear_error(
    indexed, me_name, headline, org, goal, account, m_name, notes, kind
):
    try:
        me = Profile(
            name=me_name,
            headline=headline,
            organization=org,
            linkedin_account=account,
            goals=[{"title": goal}] if goal else [],
        )
        mentor = MentorCandidate(name=m_name, notes=notes)
    except pydantic.ValidationError as exc:
        assert exc.errors()  # refused, and pydantic says which field
        return
    try:
        d = coach.draft(kind, me, mentor)
    except (DraftError, coach.ProfileError) as exc:
        assert len(str(exc)) > 20
        return
    assert d.ok, (d.text, [c for c in d.checks if not c.passed])


@SETTINGS
@given(
    minutes=st.integers(min_value=10, max_value=480),
    phase=st.sampled_from(PHASES),
    goal=st.one_of(st.just(""), text),
)
def test_any_agenda_adds_up(indexed, minutes, phase, goal):
    try:
        me = Profile(name="Ann", goals=[{"title": goal}] if goal else [])
    except pydantic.ValidationError:
        return
    mentor = MentorCandidate(name="Bo", notes=["led the app team"])
    a = coach.agenda(phase, me, mentor, minutes)
    assert sum(i.minutes for i in a.items) == minutes


@pytest.mark.parametrize("big", [10_000, 100_000])
def test_huge_fields_are_refused_by_validation(big):
    with pytest.raises(pydantic.ValidationError, match="at most"):
        MentorCandidate(name="Bo", notes=["x" * big])
