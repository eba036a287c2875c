"""LinkedIn's monthly budget of personalised notes: counted by calendar month in the
person's time zone, shown on the outreach step and by `mentor-coach draft linkedin-note`,
with what works instead once it is spent, and pacing after many invitations in a day."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import pytest

from coach.store import get_store
from coach.widgets.outreach import OutreachWidget
from coach.workbook import DraftRecord, ProfileRecord, Workbook
from coach.workbook.budget import note_budget
from tests.helpers import REPO
from tests.test_outreach_widget import GUIDE

UTC = dt.timezone.utc


def sent(at: str, kind: str = "linkedin-note") -> DraftRecord:
    return DraftRecord(candidate="c", kind=kind, text="Hi", sent_at=at)


def budget(drafts: list[DraftRecord], now: dt.datetime, zone: str = "", account: str = "free"):
    profile = ProfileRecord(linkedin_account=account, timezone=zone)
    return note_budget(profile, drafts, per_month=5, now=now)


# -- counting -------------------------------------------------------------------------------


def test_notes_count_by_calendar_month_in_the_persons_time_zone():
    # 23:30 on 30 November in New York is 04:30 on 1 December in UTC
    late = sent("2026-11-30T23:30:00-05:00")
    now = dt.datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    in_new_york = budget([late], now, "America/New_York")
    assert (in_new_york.used, in_new_york.month) == (0, "December 2026")
    in_berlin = budget([late], now, "Europe/Berlin")  # 05:30 on 1 December there
    assert in_berlin.used == 1
    # and the month turns at the person's midnight, not the server's
    just_before = dt.datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # 23:00 on 30 Nov in New York
    assert budget([late], just_before, "America/New_York").month == "November 2026"
    assert budget([late], just_before, "America/New_York").used == 1


def test_only_notes_marked_as_sent_count_and_the_line_says_what_is_left():
    now = dt.datetime(2026, 12, 20, 12, 0, tzinfo=UTC)
    drafts = [
        sent("2026-12-02T09:00:00+00:00"),
        sent("2026-12-03T09:00:00+00:00"),
        sent("2026-12-04T09:00:00+00:00", kind="email"),  # not a note
        DraftRecord(candidate="c", kind="linkedin-note", text="never sent"),
        sent("2026-11-28T09:00:00+00:00"),  # last month
        sent("not a time"),
    ]
    b = budget(drafts, now, "Europe/London")
    assert (b.used, b.left) == (2, 3)
    assert b.line() == "3 of 5 personalised notes left this month (December 2026)."
    assert not b.exhausted and not b.last_one


def test_the_last_note_is_warned_about_and_a_spent_budget_says_when_it_comes_back():
    now = dt.datetime(2026, 12, 20, 12, 0, tzinfo=UTC)
    four = [sent(f"2026-12-0{d}T09:00:00+00:00") for d in range(1, 5)]
    assert budget(four, now).last_one
    assert budget(four, now).line().endswith("left this month (December 2026): the last one.")
    six = [*four, sent("2026-12-05T09:00:00+00:00"), sent("2026-12-06T09:00:00+00:00")]
    spent = budget(six, now)
    assert spent.exhausted and spent.left == 0 and spent.used == 6
    assert spent.line().startswith("0 of 5 personalised notes left this month")
    assert "from 1 January" in spent.line()


def test_premium_has_no_note_budget():
    now = dt.datetime(2026, 12, 20, 12, 0, tzinfo=UTC)
    b = budget([sent("2026-12-02T09:00:00+00:00")] * 9, now, account="premium")
    assert b.limit is None and b.left is None and not b.exhausted
    assert b.line() == "LinkedIn Premium: no monthly budget for personalised notes."


def test_a_time_saved_without_an_offset_is_this_machines_and_a_bad_zone_is_ignored():
    here = dt.datetime(2026, 12, 10, 9, 0).astimezone()
    b = budget([sent("2026-12-10T09:00:00")], here + dt.timedelta(hours=1), "Not/AZone")
    assert b.used == 1 and b.recent_invitations == 1


def test_many_invitations_in_a_day_call_for_pacing():
    from coach.workbook.budget import needs_pacing

    now = dt.datetime(2026, 12, 10, 20, 0, tzinfo=UTC)
    burst = [sent(f"2026-12-10T1{h}:00:00+00:00") for h in range(5)]
    assert budget(burst, now).recent_invitations == 5
    assert needs_pacing(budget(burst, now), 5)
    assert not needs_pacing(budget(burst[:4], now), 5)
    assert budget(burst, now + dt.timedelta(days=2)).recent_invitations == 0


def test_the_monthly_figure_is_a_setting(monkeypatch):
    from coach.settings import get_settings

    monkeypatch.setenv("COACH_FREE_NOTES_PER_MONTH", "3")
    get_settings.cache_clear()
    book = Workbook(get_store(), "me")
    assert book.note_budget().limit == 3


def test_the_browsers_time_zone_is_kept_when_this_machine_knows_it():
    book = Workbook(get_store(), "me")
    assert book.set_timezone("Asia/Kolkata")
    assert not book.set_timezone("Asia/Kolkata")  # already saved: nothing written
    assert not book.set_timezone("<script>alert(1)</script>")
    assert not book.set_timezone("../../etc/passwd")
    assert book.profile().timezone == "Asia/Kolkata"
    assert book.profile().name == ""  # a profile that holds only a zone completes nothing
    assert "profile" not in book.steps_done()
    # and the zone is not something a draft is written from
    book.patch("profile", "me", {"name": "Priya Raman", "headline": "Data analyst"})
    book.store.put("me", "goal", "1", {"title": "Lead a product discovery project by June"})
    assert book.mentee().name == "Priya Raman"


# -- the outreach step ----------------------------------------------------------------------

PEOPLE = ["Daniel Okafor", "Sarah Lindqvist", "Kim Min-jun", "Amara Nwosu", "Luis García", "Zoë"]


@pytest.fixture
def page(clean_env, monkeypatch):
    """The outreach step for a free account with six candidates, the offline coach on a
    fixed passage (these tests are about the page, not search)."""
    from coach import tasks
    from coach.widgets.common import CoachStatus

    monkeypatch.setattr(tasks, "_search", lambda _query, _k: [GUIDE])
    monkeypatch.setattr(CoachStatus, "_thread", threading.Thread(target=lambda: None))
    store = get_store()
    store.put("me", "profile", "me", {"name": "Priya Raman", "headline": "Data analyst"})
    store.put("me", "goal", "1", {"title": "Lead a product discovery project by June"})
    for n, name in enumerate(PEOPLE):
        store.put(
            "me",
            "candidate",
            f"c{n}",
            {"name": name, "headline": "Director", "notes": ["wrote on discovery sprints"]},
        )
    return OutreachWidget(Workbook(store, "me"))


def _send_note_to(view: OutreachWidget, key: str) -> None:
    view.candidate.value = key
    view.kind.value = "linkedin-note"
    view.go.click()
    assert view.text.value.strip()
    view.sent.click()


def _sent_at(key: str, kind: str = "linkedin-note") -> Any:
    data = get_store().get("me", "draft", f"{key}-{kind}") or {}
    return data.get("sent_at")


def test_five_notes_spend_the_budget_and_a_sixth_asks_first_then_offers_other_ways(page):
    view = page
    view.candidate.value, view.kind.value = "c0", "linkedin-note"
    assert "5 of 5 personalised notes left this month" in view.budget.line.value
    for n in range(4):
        _send_note_to(view, f"c{n}")
    assert "1 of 5 personalised notes left" in view.budget.line.value
    assert "last personalised note this month" in view.budget.warning.value  # warned first
    _send_note_to(view, "c4")
    assert "0 of 5 personalised notes left" in view.budget.line.value
    assert [type(b).__name__ for b in view.budget.instead.children] == ["HBox"] * 3
    # the sixth: not marked at once; the page asks, and offers the other ways
    _send_note_to(view, "c5")
    assert _sent_at("c5") is None
    assert "Yes, it went" in [getattr(c, "description", "") for c in view.budget.confirm.children]
    yes = [
        c for c in view.budget.confirm.children if getattr(c, "description", "") == "Yes, it went"
    ]
    yes[0].click()  # LinkedIn let it go anyway: the person knows
    assert _sent_at("c5") and view.budget.confirm.children == ()
    assert view.budget.budget is not None and view.budget.budget.used == 6
    # the sent time keeps its offset, so the month is the person's
    assert dt.datetime.fromisoformat(_sent_at("c0")).tzinfo is not None


def test_what_works_instead_is_drafted_on_request_and_keeps_what_was_typed(page):
    view = page
    for n in range(5):
        _send_note_to(view, f"c{n}")
    view.candidate.value = "c5"
    view.kind.value = "email"
    view.text.value = "My own e-mail, half written"
    view.kind.value = "linkedin-note"
    email = view.budget.instead.children[0].children[0]
    assert email.description == "Draft an e-mail instead"
    email.click()
    assert view.kind.value == "email"
    assert view.text.value.startswith("Hi") and view.subject.value
    assert "Drafted as an e-mail" in view.message.value
    saved = get_store().get("me", "draft", "c5-email") or {}
    assert saved["earlier"] == "My own e-mail, half written"  # nothing typed is lost
    view.kind.value = "linkedin-note"
    view.budget.instead.children[1].children[0].click()  # a request without a note, then this
    assert view.kind.value == "linkedin-message" and view.text.value.strip()
    assert "without a note" in view.message.value


def test_a_burst_of_invitations_shows_the_guides_advice_on_pacing(page):
    view = page
    for n in range(4):
        _send_note_to(view, f"c{n}")
    assert view.budget.pacing.children == ()
    _send_note_to(view, "c4")  # the fifth in a day
    lead, sources = view.budget.pacing.children
    assert "5 LinkedIn invitations as sent in the last day" in lead.value
    assert "pacing your requests" in sources.get_title(0)
    assert "about 100 a week" in sources.children[0].value  # the guide's own words, cited


def test_premium_shows_no_budget_and_never_asks(page):
    view = page
    get_store().patch("me", "profile", "me", {"linkedin_account": "premium"})
    view.refresh()
    for n in range(6):
        _send_note_to(view, f"c{n}")
    assert all(_sent_at(f"c{n}") for n in range(6))
    assert "no monthly budget" in view.budget.line.value
    assert view.budget.instead.children == ()


def test_the_budget_shows_only_for_connection_notes(page):
    view = page
    view.candidate.value, view.kind.value = "c0", "email"
    assert view.budget.layout.display == "none"
    view.kind.value = "linkedin-note"
    assert view.budget.layout.display == ""


# -- the command line -----------------------------------------------------------------------


def test_draft_linkedin_note_prints_the_same_budget_line(clean_env, capsys):
    from coach.cli import main

    store = get_store()
    for n in range(5):
        store.put(
            "me",
            "draft",
            f"c{n}-linkedin-note",
            {"candidate": f"c{n}", "kind": "linkedin-note", "text": "Hi", "sent_at": _now()},
        )
    me, mentor = REPO / "examples" / "me.yaml", REPO / "examples" / "mentor.yaml"
    assert main(["draft", "linkedin-note", "--me", str(me), "--mentor", str(mentor)]) == 0
    out = capsys.readouterr().out
    assert "Note budget: 0 of 5 personalised notes left this month" in out
    assert "Draft an e-mail instead (mentor-coach draft email)" in out
    assert main(["draft", "linkedin-note", "--json", "--me", str(me), "--mentor", str(mentor)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["note_budget"]["left"] == 0 and data["note_budget"]["limit"] == 5
    assert main(["draft", "email", "--json", "--me", str(me), "--mentor", str(mentor)]) == 0
    assert "note_budget" not in json.loads(capsys.readouterr().out)


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")
