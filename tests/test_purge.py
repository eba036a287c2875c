"""A purge purges, even with a participant's page still open (issue 14, item 4).

``cohort close NAME --purge`` ends the seats first; the store then refuses every write for
them, so an open page says the workshop has ended instead of writing records back without
a participant. On SQLite and on PostgreSQL (``backend``)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from coach import cohorts
from coach.store import ENDED, SeatClosed, get_store
from coach.widgets import goals_widget
from coach.widgets.goals import GoalEditor
from coach.workshop import SEAT_COOKIE
from tests.helpers import find

pytestmark = pytest.mark.usefixtures("backend")


def orphans() -> list[str]:
    """Owners of seat records with no participant: what no later purge could reach."""
    with get_store().engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT DISTINCT owner FROM records WHERE substr(owner, 1, 2) = 'p_' "
                "AND owner NOT IN (SELECT id FROM participants)"
            )
        ).all()
    return [r[0] for r in rows]


@pytest.fixture
def workshop(monkeypatch):
    from coach.settings import reset_settings

    created = cohorts.create_cohort("spring", seats=2)
    monkeypatch.setenv("COACH_WORKSHOP", "1")
    reset_settings()
    return created


def open_page(monkeypatch, created, i: int = 0) -> GoalEditor:
    """Seat ``i``'s goals page, opened from its join link (the cookie it set)."""
    token = created.links[i][1].rsplit("/", 1)[1]
    monkeypatch.setenv("HTTP_COOKIE", f"{SEAT_COOKIE}={token}")
    return find(goals_widget(), GoalEditor)[0]


def test_an_open_page_saving_after_a_purge_is_refused_and_writes_nothing(workshop, monkeypatch):
    seat = workshop.links[0][0].id
    editor = open_page(monkeypatch, workshop)
    editor.title.value = "Lead the data team"
    goal = get_store().get(seat, "goal", "1")
    assert goal is not None and goal["title"] == "Lead the data team"

    assert cohorts.close_cohort("spring", purge=True) >= 1
    editor.why.value = "Because I want to grow"  # the page is still open in the browser
    note = next(f.note for f in editor.fields if f.field == "why")
    assert note.layout.display != "none" and ENDED in note.message.value
    assert note.buttons.layout.display == "none"  # nothing to choose: it has ended
    assert editor.why.value == "Because I want to grow"  # what was typed stays on screen
    assert get_store().export(seat)["records"] == {}
    assert orphans() == []
    assert cohorts.close_cohort("spring", purge=True) == 0  # nothing left behind


def test_writes_for_a_closed_or_unknown_seat_are_refused_and_others_go_on(workshop):
    (a, _), (b, _) = workshop.links
    store = get_store()
    store.put(a.id, "goal", "1", {"title": "before the close"})
    cohorts.close_cohort("spring")  # closed, not purged: the data stays, writes stop
    assert cohorts.resolve_token(workshop.links[0][1].rsplit("/", 1)[1]) is None
    for write in (
        lambda: store.put(a.id, "goal", "1", {"title": "after"}),
        lambda: store.patch(b.id, "goal", "1", {"title": "after"}),
        lambda: store.update(a.id, "count", "n", lambda d: {"n": 1}),
        lambda: store.put("p_0123456789abcdef", "goal", "1", {"title": "no such seat"}),
    ):
        with pytest.raises(SeatClosed, match="This workshop has ended"):
            write()
    assert store.get(a.id, "goal", "1") == {"title": "before the close"}
    store.put("me", "goal", "1", {"title": "a personal workbook is not a seat"})
    assert store.get("me", "goal", "1")


def test_a_purge_while_a_page_keeps_writing_leaves_nothing_orphaned(workshop, clean_env, tmp_path):
    """Another kernel saves a seat's field as fast as it can while the facilitator purges."""
    from coach.settings import get_settings
    from coach.store import database_url

    configured = get_settings().database_url
    url = configured.get_secret_value() if configured else database_url(clean_env)
    seat = workshop.links[0][0].id
    code = (
        "import sys\n"
        "from coach.store import SeatClosed, Store\n"
        "store = Store(sys.argv[1])\n"
        "n = 0\n"
        "try:\n"
        "    while n < 100000:\n"
        "        n += 1\n"
        "        store.patch(sys.argv[2], 'goal', str(n % 7), {'why': str(n)})\n"
        "except SeatClosed as exc:\n"
        "    print('refused', n, exc)\n"
    )
    page = subprocess.Popen(
        [sys.executable, "-c", code, url, seat], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while len(get_store().all(seat, "goal")) < 7:  # the page is writing
            assert page.poll() is None, page.communicate()[1].decode()[-2000:]
            assert time.monotonic() < deadline, "the page never wrote"
            time.sleep(0.01)
        assert cohorts.close_cohort("spring", purge=True) >= 1
        out, err = page.communicate(timeout=60)  # refused at its next save
    finally:
        page.kill()
    assert out.decode().startswith("refused") and ENDED in out.decode(), err.decode()[-2000:]
    assert get_store().export(seat)["records"] == {}
    assert orphans() == []
    assert cohorts.close_cohort("spring", purge=True) == 0
