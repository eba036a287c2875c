"""Follow-up nudges: they follow the pipeline's dates and the meetings with a fixed clock,
can be snoozed or dismissed, become calendar reminders, and show on the outreach and
meetings steps, the step bar and `mentor-coach followups`."""

from __future__ import annotations

import datetime as dt
import html
import json
import threading
from typing import Any

import ipywidgets as w
import pytest

from coach.store import get_store
from coach.workbook import Workbook, followups
from coach.workbook.followups import CHECK_IN_DAYS, FOLLOW_UP_DAYS, Nudge
from coach.workbook.records import CandidateRecord, DraftRecord, MeetingRecord, NudgeRecord
from tests.test_widgets import find

SENT = dt.date(2026, 3, 2)  # the day the first message went, in the rules' tests
DANIEL = {
    "name": "Daniel Okafor",
    "headline": "Director of Product",
    "notes": ["wrote a post on running discovery sprints"],
    "relation": "outside",
    "channel": "linkedin",
}


def stored(kind: str, key: str) -> dict[str, Any]:
    """A record as the store holds it (it must be there)."""
    data = get_store().get("me", kind, key)
    assert data is not None, (kind, key)
    return data


def days(n: int, since: dt.date = SENT) -> dt.date:
    return since + dt.timedelta(days=n)


def contacted(on: dt.date = SENT, follow_ups: tuple[dt.date, ...] = ()) -> CandidateRecord:
    return CandidateRecord(
        name="Daniel Okafor",
        stage="contacted",
        stage_dates={"idea": "2026-02-20", "contacted": on.isoformat()},
        follow_ups=[d.isoformat() for d in follow_ups],
    )


def due(
    who: CandidateRecord,
    today: dt.date,
    drafts: list[DraftRecord] | None = None,
    meetings: list[tuple[str, MeetingRecord]] | None = None,
    marks: dict[str, NudgeRecord] | None = None,
) -> list[Nudge]:
    return followups.nudges([("d1", who)], drafts or [], meetings or [], marks or {}, today)


# -- the rules, with a fixed clock ---------------------------------------------------------


def test_a_follow_up_is_due_a_week_after_the_first_message_and_not_a_day_before():
    assert due(contacted(), days(FOLLOW_UP_DAYS - 1)) == []
    (nudge,) = due(contacted(), days(FOLLOW_UP_DAYS))
    assert (nudge.kind, nudge.action, nudge.candidate) == ("follow-up", "follow-up", "d1")
    assert nudge.due == days(7) and nudge.since == SENT and nudge.step == "outreach"
    assert nudge.title == (
        "Follow up with Daniel: your note went 7 days ago and there is no reply yet."
    )
    later = due(contacted(), days(10))[0]  # the same nudge on a later day: the same id
    assert later.id == nudge.id == "follow-up:d1:2026-03-02"
    assert "10 days ago" in later.title and later.due == nudge.due


def test_the_first_message_is_the_earliest_one_marked_as_sent():
    drafts = [
        DraftRecord(candidate="d1", kind="linkedin-note", sent_at="2026-02-26T09:15:00"),
        DraftRecord(candidate="d1", kind="follow-up", sent_at="2026-02-01T09:00:00"),  # later kind
        DraftRecord(candidate="s2", kind="email", sent_at="2026-01-01T09:00:00"),  # someone else
    ]
    (nudge,) = due(contacted(), dt.date(2026, 3, 5), drafts)
    assert nudge.since == dt.date(2026, 2, 26) and nudge.due == dt.date(2026, 3, 5)
    assert nudge.id == "follow-up:d1:2026-02-26"


def test_after_one_follow_up_a_last_one_is_due_a_week_later_then_let_go_kindly():
    first = days(8)
    one = contacted(follow_ups=(first,))
    assert due(one, days(FOLLOW_UP_DAYS - 1, first)) == []
    (second,) = due(one, days(FOLLOW_UP_DAYS, first))
    assert second.kind == "follow-up" and second.action == "follow-up"
    assert "last follow-up" in second.title.lower() and "7 days ago" in second.title
    assert second.id != due(contacted(), days(8))[0].id  # a new nudge, not the first again

    two = contacted(follow_ups=(first, days(8, first)))
    assert due(two, days(14, first)) == []
    (go,) = due(two, days(15, first))
    assert (go.kind, go.action, go.label) == ("let-go", "close", "Move to closed")
    assert "Let Daniel go, kindly" in go.title
    assert "No more messages" in go.detail and "'closed'" in go.detail
    assert "another candidate" in go.detail


def test_a_reply_or_a_later_stage_means_no_follow_up():
    for stage in ("idea", "researched", "replied", "meeting", "closed"):
        who = contacted().model_copy(update={"stage": stage})
        assert due(who, days(30)) == [], stage


def test_a_past_meeting_without_notes_asks_for_notes_and_a_thank_you():
    who = CandidateRecord(name="Daniel Okafor", stage="meeting")
    held = MeetingRecord(candidate="d1", phase="first-meeting", date="2026-03-10", time="10:00")
    (nudge,) = due(who, dt.date(2026, 3, 11), meetings=[("d1-first-meeting", held)])
    assert (nudge.kind, nudge.action, nudge.step, nudge.phase) == (
        "notes",
        "thank-you",
        "meeting",
        "first-meeting",
    )
    assert "notes from the meeting with Daniel on 10 March" in nudge.title
    assert "thank-you" in nudge.title
    for meeting, today in [
        (held, dt.date(2026, 3, 10)),  # today: not yet
        (held, dt.date(2026, 3, 9)),  # in the future
        (held.model_copy(update={"notes": "Talked about sprints"}), dt.date(2026, 4, 1)),
        (held.model_copy(update={"date": ""}), dt.date(2026, 4, 1)),  # no date
    ]:
        assert due(who, today, meetings=[("m", meeting)]) == []
    nobody = followups.nudges([], [], [("m", held)], {}, dt.date(2026, 4, 1))
    assert nobody == []  # the candidate was deleted: nothing to nudge about


def test_an_active_mentor_not_heard_from_for_thirty_days_gets_a_check_in():
    last = dt.date(2026, 1, 10)
    who = CandidateRecord(
        name="Daniel Okafor",
        stage="active",
        stage_dates={"contacted": "2025-12-01", "active": "2026-01-05"},
    )
    meetings = [
        (
            "past",
            MeetingRecord(candidate="d1", phase="agreement", date=last.isoformat(), notes="x"),
        ),
        ("future", MeetingRecord(candidate="d1", phase="closing", date="2026-06-01", notes="x")),
    ]
    assert [n for n in due(who, days(CHECK_IN_DAYS - 1, last), meetings=meetings)] == []
    (nudge,) = due(who, days(CHECK_IN_DAYS, last), meetings=meetings)
    assert nudge.kind == "check-in" and nudge.since == last and nudge.due == days(30, last)
    assert "Check in with Daniel" in nudge.title and "30 days ago" in nudge.title
    assert nudge.action == "thank-you"
    sent = DraftRecord(candidate="d1", kind="thank-you", sent_at="2026-02-01T08:00:00")
    assert due(who, days(CHECK_IN_DAYS, last), [sent], meetings) == []  # written since


def test_snoozed_comes_back_on_its_day_and_dismissed_never(clean_env):
    book = Workbook.open()
    get_store().put("me", "candidate", "d1", contacted().stored())
    today = days(9)
    (nudge,) = followups.for_book(book, today)
    mark = followups.snooze(book, nudge.id, today=today)
    assert mark.until == days(16).isoformat()
    assert followups.for_book(book, today) == []
    assert followups.for_book(book, days(15)) == []
    assert [n.id for n in followups.for_book(book, days(16))] == [nudge.id]  # back on the day
    assert [n.id for n in followups.for_book(book, today, include_hidden=True)] == [nudge.id]
    followups.dismiss(book, nudge.id)
    for later in (days(16), days(400)):
        assert followups.for_book(book, later) == []
    stored = get_store().get("me", "nudge", nudge.id)
    assert stored and stored["state"] == "dismissed"


def test_ids_fit_a_store_key_and_stay_the_same_across_days():
    key = "k" * 64
    who = [(key, contacted())]
    first = followups.nudges(who, [], [], {}, days(7))[0]
    again = followups.nudges(who, [], [], {}, days(12))[0]
    assert len(first.id) <= 64 and first.id.startswith("follow-up:")
    assert first.id == again.id


def test_marking_a_follow_up_sent_adds_the_day_once(clean_env):
    book = Workbook.open()
    get_store().put("me", "candidate", "d1", contacted().stored())
    assert book.mark_follow_up_sent("d1", days(8))
    assert not book.mark_follow_up_sent("d1", days(8))  # a second tab, the same day
    assert book.mark_follow_up_sent("d1", days(16))
    assert stored("candidate", "d1")["follow_ups"] == ["2026-03-10", "2026-03-18"]
    assert not book.mark_follow_up_sent("gone", days(8))
    assert get_store().get("me", "candidate", "gone") is None  # nobody is made up
    assert book.draft_history("d1", days(8)).first_sent == SENT  # still the first message


def test_the_wording_file_is_checked_when_read(clean_env, tmp_path, monkeypatch):
    from coach import paths
    from coach.prompts import PromptError

    text = (paths.prompts_dir() / "pages" / "nudges.yaml").read_text(encoding="utf-8")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "nudges.yaml").write_text(
        text.replace("with {name}:", "with {nom}:", 1), encoding="utf-8"
    )
    monkeypatch.setattr(paths, "prompts_dir", lambda: tmp_path)
    followups.wording.cache_clear()
    try:
        with pytest.raises(PromptError, match=r"(?s)nudges\.yaml.*nom"):
            followups.wording()
    finally:
        followups.wording.cache_clear()


# -- the calendar reminder -------------------------------------------------------------


def test_the_reminder_is_a_quarter_hour_on_the_due_day_with_an_alarm():
    from icalendar import Calendar

    from coach.exports import nudge_ics

    (nudge,) = due(contacted(), days(7))
    ics = nudge_ics(nudge, today=days(7))
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    start = event.decoded("dtstart")
    assert (start.date(), start.hour, start.minute) == (nudge.due, 9, 0)
    assert event.decoded("dtend") - start == dt.timedelta(minutes=15)
    assert str(event["summary"]) == nudge.title
    (alarm,) = event.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY"
    overdue = Calendar.from_ical(nudge_ics(nudge, dt.time(17, 30), today=days(12)))
    (late,) = overdue.walk("VEVENT")
    moved = late.decoded("dtstart")
    assert (moved.date(), moved.hour) == (days(13), 17)  # tomorrow
    assert str(late["uid"]) == str(event["uid"])  # the same reminder, moved


# -- the command -----------------------------------------------------------------------


def run(capsys, *args: str) -> tuple[int, str, str]:
    from coach.cli import main

    code = main(["followups", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_command_lists_snoozes_dismisses_and_writes_reminders(clean_env, capsys, tmp_path):
    code, out, _ = run(capsys)
    assert code == 0 and out.strip() == "No follow-ups due."
    store = get_store()
    store.put("me", "candidate", "d1", {**DANIEL, **contacted().stored()})
    store.put("me", "candidate", "s2", {**DANIEL, "name": "Sarah Lindqvist", "stage": "idea"})
    today = ["--today", days(9).isoformat()]

    code, out, _ = run(capsys, *today)
    assert code == 0
    assert out.strip() == (
        "follow-up:d1:2026-03-02  2026-03-09  Follow up with Daniel: your note went 9 days "
        "ago and there is no reply yet."
    )
    code, out, _ = run(capsys, "--json", *today)
    (row,) = json.loads(out)
    assert row["id"] == "follow-up:d1:2026-03-02" and row["due"] == "2026-03-09"
    assert (row["kind"], row["name"], row["action"]) == ("follow-up", "Daniel Okafor", "follow-up")

    reminder = tmp_path / "nudge.ics"
    code, out, _ = run(capsys, "ics", row["id"], "--out", str(reminder), *today)
    from icalendar import Calendar

    assert code == 0 and Calendar.from_ical(reminder.read_bytes()).walk("VEVENT")

    code, out, _ = run(capsys, "snooze", row["id"], "--days", "3", "--json", *today)
    assert json.loads(out) == {"id": row["id"], "state": "snoozed", "until": "2026-03-14"}
    assert run(capsys, *today)[1].strip() == "No follow-ups due."
    assert row["id"] in run(capsys, "--today", "2026-03-14")[1]  # back on its day
    code, out, _ = run(capsys, "dismiss", row["id"], "--today", "2026-03-14")
    assert code == 0 and "Dismissed" in out
    assert run(capsys, "--today", "2026-05-01")[1].strip() == "No follow-ups due."


def test_the_command_says_what_to_do_with_a_wrong_id_or_option(clean_env, capsys):
    for args, words in [
        (["snooze", "follow-up:nobody:2026-01-01"], "`mentor-coach followups` lists"),
        (["dismiss"], "needs the follow-up's id"),
        (["ics", "x"], "`mentor-coach followups` lists"),
        (["--days", "3"], "--days goes with snooze"),
    ]:
        code, out, err = run(capsys, *args)
        assert code == 2 and words in err and "Traceback" not in err + out, args


def test_every_followups_argument_has_help():
    import argparse

    from coach.cli import _parser

    parser = _parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    actions = sub.choices["followups"]._actions
    assert all(a.help for a in actions), [a.dest for a in actions if not a.help]


# -- the panels, the outreach and meetings steps, the step bar -------------------------------


@pytest.fixture
def quick(clean_env, monkeypatch):
    """The offline coach with a fixed passage and no warm-up (as the outreach tests)."""
    from coach import tasks
    from coach.models import Passage
    from coach.widgets.common import CoachStatus

    guide = Passage(
        id="p1",
        text="Wait a week, then follow up once.",
        title="Following up",
        section="When",
        source="corpus/outreach.md",
        score=1.0,
    )
    monkeypatch.setattr(tasks, "_search", lambda _query, _k: [guide])
    monkeypatch.setattr(CoachStatus, "_thread", threading.Thread(target=lambda: None))
    return clean_env


def seed(sent_days_ago: int = 10, **candidate: object) -> dt.date:
    """Priya, her goal, and Daniel contacted ``sent_days_ago`` days ago; that day."""
    sent = dt.date.today() - dt.timedelta(days=sent_days_ago)
    store = get_store()
    store.put("me", "profile", "me", {"name": "Priya Raman", "headline": "Data analyst"})
    store.put("me", "goal", "1", {"title": "Lead a product discovery project by June"})
    data = {**DANIEL, **contacted(sent).stored(), **candidate}
    store.put("me", "candidate", "d1", data)
    return sent


def buttons(panel) -> dict[str, w.Button]:
    return {b.description: b for b in find(panel, w.Button)}


def test_the_panel_escapes_names_and_snooze_or_dismiss_hides_the_nudge(clean_env):
    from coach.widgets.nudges import NudgePanel

    get_store().put("me", "candidate", "d1", {**contacted().stored(), "name": '<b>Zoë</b> & "Co"'})
    today = days(8)
    panel = NudgePanel(Workbook.open(), today=lambda: today)
    shown = " ".join(h.value for h in find(panel, w.HTML))
    assert "&lt;b&gt;Zoë&lt;/b&gt;" in shown and "<b>Zoë" not in shown
    assert 'download="follow-up.ics"' in shown and panel.layout.display == ""
    buttons(panel)["Snooze a week"].click()
    assert panel.shown == [] and "Snoozed until 17 March" in panel.message.value
    again = NudgePanel(Workbook.open(), today=lambda: today)
    assert not again.children and again.layout.display == "none"  # nothing at all
    later = NudgePanel(Workbook.open(), today=lambda: days(16))
    assert len(later.shown) == 1  # its week is over
    buttons(later)["Dismiss"].click()
    assert NudgePanel(Workbook.open(), today=lambda: days(90)).shown == []
    assert NudgePanel(Workbook.open(), steps=("meeting",), today=lambda: today).shown == []


def test_the_let_go_nudge_moves_the_candidate_to_closed(clean_env):
    from coach.widgets.nudges import NudgePanel

    two = contacted(follow_ups=(days(8), days(16)))
    get_store().put("me", "candidate", "d1", two.stored())
    panel = NudgePanel(Workbook.open(), today=lambda: days(30))
    buttons(panel)["Move to closed"].click()
    assert stored("candidate", "d1")["stage"] == "closed"
    assert panel.shown == [] and "moved to 'closed'" in html.unescape(panel.message.value)


def test_the_follow_up_is_one_click_away_and_sending_it_counts(quick):
    from coach.widgets.outreach import outreach_widget

    seed(10)
    view = outreach_widget()
    assert [n.kind for n in view.nudges.shown] == ["follow-up"]
    assert view.children[1] is view.nudges  # at the top of the step, after the status
    buttons(view.nudges)["Draft the follow-up"].click()
    assert (view.candidate.value, view.kind.value) == ("d1", "follow-up")
    assert view.text.value.startswith("Hi Daniel, this is a gentle follow-up")
    assert "last week" in view.text.value  # it knows when the first message went
    assert view.sent.description == "Mark as sent" and not view.sent.disabled
    view.sent.click()
    assert stored("candidate", "d1")["follow_ups"] == [dt.date.today().isoformat()]
    assert view.nudges.shown == [] and view.sent.disabled


def test_a_second_follow_up_can_be_marked_as_sent_again(quick):
    from coach.widgets.outreach import outreach_widget

    week_ago = (dt.date.today() - dt.timedelta(days=8)).isoformat()
    seed(16, follow_ups=[week_ago])
    get_store().put(
        "me",
        "draft",
        "d1-follow-up",
        {
            "candidate": "d1",
            "kind": "follow-up",
            "text": "Hi Daniel, a gentle follow-up from Priya.",
            "sent_at": f"{week_ago}T10:00:00",
            "edited_at": f"{week_ago}T10:00:00",
        },
    )
    view = outreach_widget()
    (nudge,) = view.nudges.shown
    assert "last follow-up" in nudge.title.lower()
    buttons(view.nudges)["Draft the last follow-up"].click()
    assert view.text.value != "Hi Daniel, a gentle follow-up from Priya."
    assert (
        stored("draft", "d1-follow-up")["earlier"] == "Hi Daniel, a gentle follow-up from Priya."
    )  # kept
    assert view.sent.description == "Mark as sent again" and not view.sent.disabled
    view.sent.click()
    follow_ups = stored("candidate", "d1")["follow_ups"]
    assert follow_ups == [week_ago, dt.date.today().isoformat()]
    assert view.nudges.shown == [] and view.sent.disabled


def test_a_nudge_never_replaces_a_follow_up_the_person_wrote(quick):
    from coach.widgets.outreach import outreach_widget

    seed(10)
    mine = "Hi Daniel, my own words for a follow-up."
    get_store().put(
        "me", "draft", "d1-follow-up", {"candidate": "d1", "kind": "follow-up", "text": mine}
    )
    view = outreach_widget()
    view.kind.value = "linkedin-note"
    buttons(view.nudges)["Draft the follow-up"].click()
    assert (view.kind.value, view.text.value) == ("follow-up", mine)
    assert "as you left it" in view.message.value


def test_the_meetings_step_asks_for_notes_and_opens_the_meeting(quick):
    from coach.widgets.meetings import meetings_widget

    seed(20, stage="meeting")
    held = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    get_store().put(
        "me",
        "meeting",
        "d1-agreement",
        {"candidate": "d1", "phase": "agreement", "date": held, "time": "10:00"},
    )
    view = meetings_widget()
    panel = view.children[1]
    assert [n.kind for n in panel.shown] == ["notes"]
    phase = next(d for d in find(view, w.Dropdown) if d.description == "Phase")
    assert phase.value != "agreement"
    buttons(panel)["Add notes"].click()
    assert phase.value == "agreement"
    assert any("Add your notes from the meeting with Daniel" in h.value for h in find(view, w.HTML))
    find(view, w.Textarea)[0].value = "We talked about discovery sprints"
    assert panel.shown == [] and panel.layout.display == "none"
    assert stored("meeting", "d1-agreement")["notes"].startswith("We talked")


def test_the_step_bar_counts_what_is_due_and_never_breaks_for_it(quick, monkeypatch):
    from coach.widgets.app import WorkbookApp

    seed(10)
    held = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    get_store().put("me", "meeting", "m1", {"candidate": "d1", "phase": "agreement", "date": held})
    app = WorkbookApp().show_first(Workbook.open())
    outreach, meeting = app.buttons["outreach"], app.buttons["meeting"]
    assert outreach.description.endswith("04 Outreach · 1")
    assert outreach.tooltip == "1 follow-up due" and "mw-step-nudge" in outreach._dom_classes
    assert meeting.description.endswith("05 Meetings · 1")
    assert meeting.tooltip == "1 meeting needs notes"
    assert "mw-step-nudge" not in app.buttons["goals"]._dom_classes

    def broken(*_a: object, **_k: object) -> list[Nudge]:
        raise RuntimeError("the store is down")

    monkeypatch.setattr(followups, "for_book", broken)
    app.go("goals")
    assert outreach.description.endswith("04 Outreach") and outreach.tooltip == "Outreach"
    assert "mw-step-nudge" not in outreach._dom_classes
