"""Workshops in the kernel: whose data a page shows, isolation between participants, the
facilitator's dashboard (counts, never private text), sharing and the cohort banner.

These run the widgets in-process with the environment Voilà gives a page's kernel
(``COACH_WORKSHOP`` and the request's ``HTTP_COOKIE``); tests/test_server.py covers the
HTTP side and tests/browser/test_workshop.py the whole thing in Chromium.
"""

from __future__ import annotations

import re

import ipywidgets as w
import pytest

from coach.cohorts import create_cohort
from coach.errors import CoachError
from coach.store import get_store
from coach.workbook import Workbook, default_owner, personal_owner
from coach.workshop import FACILITATOR_COOKIE, SEAT_COOKIE
from tests.helpers import present


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def all_html(widget: w.Widget) -> str:
    """Every piece of HTML and text a widget tree would show."""
    parts: list[str] = []

    def walk(x: object) -> None:
        if isinstance(x, w.HTML | w.Label | w.Text | w.Textarea):
            parts.append(str(x.value))
        if isinstance(x, w.Dropdown):
            parts.extend(str(o) for o in x.options)
        for child in getattr(x, "children", ()):
            walk(child)

    walk(widget)
    return "\n".join(parts)


def find(widget: w.Widget, kind: type) -> list:
    out: list = []

    def walk(x: object) -> None:
        if isinstance(x, kind):
            out.append(x)
        for child in getattr(x, "children", ()):
            walk(child)

    walk(widget)
    return out


@pytest.fixture
def cohort(monkeypatch):
    created = create_cohort("spring", seats=3, title="Spring <b>mentoring</b> workshop")
    monkeypatch.setenv("COACH_WORKSHOP", "1")
    from coach.settings import reset_settings

    reset_settings()
    return created


def open_as(monkeypatch, cookie: str | None) -> None:
    """A new page's kernel: the request's cookies (whose workbook it opens follows from them)."""
    if cookie is None:
        monkeypatch.delenv("HTTP_COOKIE", raising=False)
    else:
        monkeypatch.setenv("HTTP_COOKIE", cookie)


def seat(created, i: int) -> str:
    return f"_xsrf=abc; {SEAT_COOKIE}={token_of(created.links[i][1])}"


def test_each_participant_reads_and_writes_only_their_own_records(cohort, monkeypatch):
    from coach.widgets import candidates_widget, goals_widget

    (a, _), (b, _), _c = cohort.links
    open_as(monkeypatch, seat(cohort, 0))
    view = goals_widget()
    find(view, w.Text)[0].value = "Ada's secret goal: lead the data team"
    assert present(get_store().get(a.id, "goal", "1"))["title"].startswith("Ada's secret goal")
    assert get_store().all(b.id, "goal") == [] and get_store().all("me", "goal") == []

    open_as(monkeypatch, seat(cohort, 1))
    view = goals_widget()
    assert "Ada's secret goal" not in all_html(view)
    view = candidates_widget()
    assert "Ada" not in all_html(view)


def test_a_workshop_page_without_a_valid_seat_shows_nothing(cohort, monkeypatch):
    from coach.widgets import goals_widget, outreach_widget

    get_store().put("me", "goal", "1", {"title": "the server owner's own goal"})
    for cookie in (None, "", f"{SEAT_COOKIE}=forged-token-forged-token", "garbage;;=="):
        open_as(monkeypatch, cookie)
        for build in (goals_widget, outreach_widget):
            view = build()
            assert isinstance(view, w.HTML) and "join link" in view.value
            assert "own goal" not in all_html(view)
    open_as(monkeypatch, None)
    with pytest.raises(Exception, match="join link"):
        default_owner()  # nothing falls back to the local person's data


def test_a_closed_or_expired_cohort_shows_nothing(cohort, monkeypatch):
    from coach.cohorts import close_cohort
    from coach.widgets import goals_widget

    close_cohort("spring")
    open_as(monkeypatch, seat(cohort, 0))
    view = goals_widget()
    assert isinstance(view, w.HTML) and "join link" in view.value


def test_tampering_with_a_widget_cannot_reach_another_participants_record(cohort, monkeypatch):
    from traitlets import TraitError

    from coach.widgets import outreach_widget

    (a, _), (b, _), _c = cohort.links
    get_store().put(b.id, "candidate", "bkey", {"name": "Bea's mentor", "notes": ["x"]})
    get_store().put(a.id, "candidate", "akey", {"name": "Ada's mentor", "notes": ["ran a guild"]})
    open_as(monkeypatch, seat(cohort, 0))
    view = outreach_widget()
    dropdown = find(view, w.Dropdown)[0]
    assert [label for label, _k in dropdown.options] == ["Ada's mentor"]
    with pytest.raises(TraitError):
        dropdown.value = "bkey"  # what a forged comm message would try
    # Ada has a profile, so only the lookup itself can refuse Bea's record
    get_store().put(a.id, "profile", "me", {"name": "Ada Lovelace", "headline": "Analyst"})
    pair_for = Workbook(get_store(), a.id).pair_for  # the workbook Ada's page opened
    assert pair_for("akey")[1].name == "Ada's mentor"
    with pytest.raises(CoachError, match="That candidate is no longer saved"):
        pair_for("bkey")  # looked up under Ada's id: not there


def test_the_banner_names_the_workshop_and_the_running_segment(cohort, monkeypatch):
    import time

    from coach.widgets import start_widget
    from coach.workshop import cohort_owner

    get_store().put(
        cohort_owner("spring"),
        "segment",
        "current",
        {"name": "Goals", "minutes": 15, "started": time.time() - 60},
    )
    open_as(monkeypatch, seat(cohort, 2))
    view = start_widget()
    banner = view.children[0].value
    assert "Spring &lt;b&gt;mentoring&lt;/b&gt; workshop" in banner  # escaped, as text
    assert re.search(r"Now: Goals · 1[34]:\d\d left", banner)
    from coach.cohorts import status

    row = next(
        p for p in status("spring").participants if p.participant_id == cohort.links[2][0].id
    )
    assert row.current_step == "start"


def test_the_dashboard_shows_counts_and_names_never_private_text(cohort, monkeypatch):
    from coach.widgets import goals_widget
    from coach.widgets.dashboard import dashboard_widget

    (a, _), _b, _c = cohort.links
    open_as(monkeypatch, seat(cohort, 0))
    goals = goals_widget()
    find(goals, w.Text)[0].value = "Become a staff engineer by 2027"
    get_store().put(a.id, "candidate", "k1", {"name": "Private Mentor Name", "notes": ["n"]})

    open_as(monkeypatch, f"{FACILITATOR_COOKIE}={token_of(cohort.facilitator_url)}")
    board = dashboard_widget()
    shown = all_html(board)
    assert "Set a goal: <b>1</b> of 3" in shown and "Added a candidate: <b>1</b> of 3" in shown
    assert "Seat 1" in shown
    assert "staff engineer" not in shown and "Private Mentor Name" not in shown

    # Ada shares her goal: now (and only now) the facilitator sees it; unsharing hides it
    open_as(monkeypatch, seat(cohort, 0))
    goals = goals_widget()
    toggle = next(t for t in find(goals, w.ToggleButton) if "Share" in t.description)
    toggle.value = True
    board.refresh()
    assert "Become a staff engineer by 2027" in all_html(board)
    toggle.value = False
    board.refresh()
    assert "staff engineer" not in all_html(board)


def test_the_dashboard_refuses_participants_and_strangers(cohort, monkeypatch):
    from coach.widgets.dashboard import dashboard_widget

    for cookie in (seat(cohort, 0), None, f"{FACILITATOR_COOKIE}={token_of(cohort.links[0][1])}"):
        open_as(monkeypatch, cookie)
        view = dashboard_widget()
        assert isinstance(view, w.HTML) and "facilitator link" in view.value


def test_run_of_show_timer_and_groups(cohort, monkeypatch):
    from coach.widgets.dashboard import dashboard_widget
    from coach.workshop import current_segment

    open_as(monkeypatch, f"{FACILITATOR_COOKIE}={token_of(cohort.facilitator_url)}")
    board = dashboard_widget()
    goals_button = next(b for b in find(board, w.Button) if "Goals" in b.description)
    goals_button.click()
    assert present(current_segment("spring"))["name"] == "Goals"
    assert "Goals · 15:00 left" in board.timer.value or "Goals · 14:5" in board.timer.value
    next(b for b in find(board, w.Button) if b.description == "Form groups").click()
    assert board.groups.value.count("<li>") == 1  # three seats: one triad-sized group of 3
    next(b for b in find(board, w.Button) if b.description.startswith("Export")).click()
    assert 'download="spring-progress.csv"' in board.export_link.value


def test_outside_a_workshop_nothing_changes(monkeypatch):
    from coach.widgets import goals_widget

    monkeypatch.setenv("HTTP_COOKIE", f"{SEAT_COOKIE}=whatever-whatever-whatever")
    view = goals_widget()
    find(view, w.Text)[0].value = "my own goal"
    assert present(get_store().get("me", "goal", "1"))["title"] == "my own goal"
    assert not any("Share" in t.description for t in find(view, w.ToggleButton))


def test_on_jupyterhub_each_person_owns_their_records(monkeypatch):
    """A single-user server under JupyterHub (JUPYTERHUB_USER set by the hub) stores under
    the hub user's name, so people sharing one database never see each other's records."""
    from coach.widgets import goals_widget

    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    find(goals_widget(), w.Text)[0].value = "alice's goal"
    monkeypatch.setenv("JUPYTERHUB_USER", "bob")
    bobs = goals_widget()
    assert find(bobs, w.Text)[0].value == ""
    assert present(get_store().get("hub:alice", "goal", "1"))["title"] == "alice's goal"
    assert get_store().all("me", "goal") == []
    monkeypatch.setenv("JUPYTERHUB_USER", "a" * 100)  # still fits the owner column, stably
    assert personal_owner() == personal_owner()
    assert len(personal_owner()) <= 80
