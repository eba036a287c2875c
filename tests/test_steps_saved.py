"""Every step shows what you saved, never cuts what you typed, speaks plainly and draws
crisp charts: each test does what a person would (type, press, come back) and checks what
they would see."""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
from typing import Any

import ipywidgets as w
import pytest

from coach.store import get_store
from coach.widgets import (
    candidates_widget,
    goals_widget,
    meetings_widget,
    network_widget,
    progress_widget,
    start_widget,
)
from coach.widgets.candidates import CandidateCard
from coach.widgets.goals import GoalEditor
from coach.widgets.network import PersonRow
from coach.widgets.progress import JournalEntry
from tests.conftest import REPO
from tests.helpers import blns
from tests.test_widgets import add_candidate, button, find

PYDANTIC_WORDS = ("String should", "List should", "validation", "Field required", "'name'")


@pytest.fixture(autouse=True)
def no_coach_warm_up(monkeypatch):
    """These tests are about what the pages keep: the coach never loads in the background."""
    from coach.widgets.common import CoachStatus

    monkeypatch.setattr(CoachStatus, "start_warm_up", staticmethod(lambda: None))


def shown(view: w.Widget) -> str:
    """Everything a person can read on a view: text, labels, choices, placeholders."""
    parts: list[str] = []

    def walk(x: object) -> None:
        if isinstance(x, w.HTML | w.Label | w.Text | w.Textarea):
            parts.append(str(x.value))
        if isinstance(x, w.Text | w.Textarea):
            parts.extend([x.placeholder, x.description])
        if isinstance(x, w.Dropdown | w.ToggleButtons):
            parts.extend([*(str(label) for label in x._options_labels), x.description])
        if isinstance(x, w.Button | w.Checkbox):
            parts.append(x.description)
        for child in getattr(x, "children", ()):
            walk(child)

    walk(view)
    return "\n".join(parts)


def saved(kind: str, key: str) -> dict[str, Any]:
    """What the store holds for this person under ``kind`` and ``key`` (it must be there)."""
    found = get_store().get("me", kind, key)
    assert found is not None, f"nothing saved for {kind} {key}"
    return found


def svg_of(view: w.Widget) -> str:
    """The SVG inside the view's chart image."""
    chart = next(h for h in find(view, w.HTML) if "mw-chart" in h.value).value
    assert 'style="width:100%;max-width:640px;height:auto"' in chart
    return base64.b64decode(chart.split("base64,")[1].split('"')[0]).decode()


def links_in(text: str) -> dict[str, bytes]:
    """{file name: content} of each download link in some HTML."""
    found = re.findall(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', text)
    return {name: base64.b64decode(b64) for name, b64 in found}


def naughty() -> list[str]:
    """A few strings from the Big List of Naughty Strings: markup, right-to-left, emoji,
    format strings and the longest one."""
    strings = [s for s in blns() if s.strip()]
    picks = [s for s in strings if "<script" in s][:2]
    picks += [s for s in strings if re.search("[\u0590-\u08ff]", s)][:1]  # right to left
    picks += [s for s in strings if re.search("[\U0001f300-\U0001faff]", s)][:1]  # emoji
    picks += [s for s in strings if "{0}" in s or "%s" in s][:1]
    picks.append(max(strings, key=len))
    return picks


# -- 01 goals: limits shown, nothing cut ---------------------------------------------------


def test_a_400_character_why_is_saved_whole_and_shown_again(clean_env):
    why = ("I want to find out whether product work suits me before I change jobs. " * 6)[:400]
    editor = find(goals_widget(), GoalEditor)[0]
    editor.title.value = "Lead a product discovery project by June"
    editor.why.value = why
    assert saved("goal", "1")["why"] == why
    again = find(goals_widget(), GoalEditor)[0]
    assert again.why.value == why
    assert "400 / 500 characters" in again.limited["why"].counter.value


def test_a_why_over_the_limit_stays_in_the_box_is_not_saved_and_says_how_much_to_cut(clean_env):
    editor = find(goals_widget(), GoalEditor)[0]
    editor.why.value = "short and saved"
    editor.why.value = "x" * 520
    assert editor.why.value == "x" * 520  # kept where the person typed it
    assert saved("goal", "1")["why"] == "short and saved"  # never cut
    counter = editor.limited["why"].counter.value
    assert "520 / 500 characters: cut 20 to save it" in counter and "#b00020" in counter
    editor.why.value = "x" * 500  # cut by the person: now it fits and is saved
    assert saved("goal", "1")["why"] == "x" * 500


def test_every_goal_field_shows_its_limit_where_you_type(clean_env):
    from coach.profiles import GOAL_TITLE_MAX, GOAL_WHY_MAX, Goal

    view = goals_widget()
    counters = [h.value for h in find(view, w.HTML) if "mw-limit" in h.value]
    assert any(f"0 / {GOAL_TITLE_MAX} characters" in c for c in counters)
    assert any(f"0 / {GOAL_WHY_MAX} characters" in c for c in counters)
    # the widget's limits are the model's: what is saved always validates
    Goal(title="x" * GOAL_TITLE_MAX, why="y" * GOAL_WHY_MAX)


def test_too_many_or_too_long_offers_are_refused_not_dropped(clean_env):
    view = goals_widget()
    offer = next(t for t in find(view, w.Textarea) if t.description == "I can offer")
    offer.value = "SQL dashboards, user interviews"
    offer.value = "SQL dashboards, " + "y" * 170
    assert saved("profile", "me")["offer"] == ["SQL dashboards", "user interviews"]
    assert "shorten offer 2 by 10 characters" in shown(view)
    offer.value = ", ".join(f"skill {i}" for i in range(12))
    assert "you listed 12, keep at most 10" in shown(view)
    assert len(saved("profile", "me")["offer"]) == 2


def test_a_name_over_the_limit_is_kept_in_the_box_and_not_saved(clean_env):
    view = start_widget()
    name = next(t for t in find(view, w.Text) if t.description == "Name")
    name.value = "Priya Raman"
    name.value = "P" * 75
    assert saved("profile", "me")["name"] == "Priya Raman"
    assert "cut 15 to save it" in shown(view)


def test_goals_typed_later_show_on_refresh(clean_env):
    view = goals_widget()
    get_store().put("me", "goal", "2", {"title": "Speak at a meetup", "why": "visibility"})
    view.refresh()
    second = find(view, GoalEditor)[1]
    assert second.title.value == "Speak at a meetup" and second.why.value == "visibility"
    assert saved("goal", "2")["title"] == "Speak at a meetup"  # not rewritten


# -- 02 network: an editable list, a crisp map -------------------------------------------


def add_person(view, name, *, side="inside", level="senior"):
    find(view, w.Text)[0].value = name
    toggles = find(view, w.ToggleButtons)
    toggles[0].value, toggles[1].value = side, level
    button(view, "Add to my network").click()


def test_the_network_lists_people_to_edit_and_delete(clean_env):
    view = network_widget()
    add_person(view, "Maria Chen", side="outside", level="peer")
    (row,) = find(view, PersonRow)
    assert "Maria Chen" in row.line.value and "Outside" in row.line.value
    assert "Peer" in row.line.value and "Same industry" in row.line.value
    row.edit.click()
    assert row.form is not None
    row.form.name.value = "Maria Chen-Alvarez"
    row.form.industry.value = True
    button(row, "Save").click()
    ((_k, person),) = get_store().all("me", "network")
    assert person["name"] == "Maria Chen-Alvarez" and person["industry"] == "other"
    (row,) = find(network_widget(), PersonRow)  # a reload shows the change
    assert "Maria Chen-Alvarez" in row.line.value and "Another industry" in row.line.value
    row.delete.click()  # asks first
    assert "Press again to confirm" in row.message.value
    assert len(get_store().all("me", "network")) == 1
    row.delete.click()
    assert get_store().all("me", "network") == []


def test_editing_a_person_can_be_cancelled(clean_env):
    view = network_widget()
    add_person(view, "Sam Ortiz")
    (row,) = find(view, PersonRow)
    row.edit.click()
    row.form.name.value = "Someone else"
    button(row, "Cancel").click()
    assert get_store().all("me", "network")[0][1]["name"] == "Sam Ortiz"
    assert row.form is None and "Sam Ortiz" in row.line.value


def test_the_network_map_is_svg_with_full_names(clean_env):
    view = network_widget()
    long_name = "Maria Chen (Head of Data Platform Engineering, Leeds)"
    add_person(view, long_name)
    svg = svg_of(view)
    assert svg.lstrip().startswith("<svg") and "</svg>" in svg
    words = " ".join(html.unescape(t) for t in re.findall(r">([^<>]+)</text>", svg))
    assert " ".join(words.split()).count(long_name) == 1  # wrapped onto lines, never cut


def test_a_refresh_shows_people_added_elsewhere(clean_env):
    view = network_widget()
    get_store().put(
        "me",
        "network",
        "k1",
        {"name": "Ada", "side": "outside", "level": "peer", "industry": "same"},
    )
    view.refresh()
    assert [r.person["name"] for r in find(view, PersonRow)] == ["Ada"]


# -- 03 candidates: plain messages, edit, delete ------------------------------------------


def test_a_candidate_without_name_or_notes_is_told_what_to_add_in_plain_words(clean_env):
    view = candidates_widget()
    add_candidate(view, "", "")
    said = html.unescape(shown(view))
    assert "Add the candidate's name and at least one thing you noticed about them." in said
    assert not any(word in said for word in PYDANTIC_WORDS)


def test_an_over_long_candidate_field_says_how_much_to_cut_and_keeps_the_text(clean_env):
    view = candidates_widget()
    headline = next(t for t in find(view, w.Text) if t.description == "Headline")
    headline.value = "h" * 175
    add_candidate(view, "Daniel Okafor", "wrote a post on discovery sprints")
    assert get_store().all("me", "candidate") == []
    assert headline.value == "h" * 175
    assert "Their headline is 175 characters long; the limit is 160, so cut 15." in (
        html.unescape(shown(view))
    )


def test_a_candidate_is_edited_in_every_field_and_keeps_its_stage(clean_env):
    view = candidates_widget()
    add_candidate(view, "Daniel Okafor", "wrote a post on discovery sprints")
    card = find(view, CandidateCard)[0]
    card.stage.value = "contacted"
    button(card, "Edit").click()
    form = card.form
    form.name.value = "Daniel Okafor-Reyes"
    form.headline.value = "VP Product"
    form.org.value = "Contoso Clinics"
    form.relation.value = "inside"
    form.channel.value = "alumni"
    form.notes.value = "wrote a post on discovery sprints\nstudied at Leeds"
    form.mutual.value = "Grace Hopper"
    button(card, "Save changes").click()
    ((_key, data),) = get_store().all("me", "candidate")
    assert data["name"] == "Daniel Okafor-Reyes" and data["headline"] == "VP Product"
    assert data["organization"] == "Contoso Clinics" and data["relation"] == "inside"
    assert data["channel"] == "alumni" and data["notes"][1] == "studied at Leeds"
    assert data["mutual_connection"] == "Grace Hopper" and data["stage"] == "contacted"
    card = find(candidates_widget(), CandidateCard)[0]  # a reload
    assert "Daniel Okafor-Reyes" in card.title.value and "Grace Hopper" in card.title.value


def test_deleting_a_candidate_asks_once_then_removes_their_drafts_and_meetings(clean_env):
    store = get_store()
    view = candidates_widget()
    add_candidate(view, "Daniel Okafor", "wrote a post on discovery sprints")
    add_candidate(view, "Grace Lee", "runs the analytics guild")
    (dan, _d), (grace, _g) = store.all("me", "candidate")
    store.put("me", "draft", f"{dan}-email", {"candidate": dan, "text": "Hi Daniel"})
    store.put("me", "meeting", f"{dan}-closing", {"candidate": dan, "notes": "bye"})
    store.put("me", "draft", f"{grace}-email", {"candidate": grace, "text": "Hi Grace"})
    card = find(view, CandidateCard)[0]
    card.delete.click()
    assert "Delete Daniel Okafor and their drafts and meetings? Press again to confirm" in (
        html.unescape(card.message.value)
    )
    assert len(store.all("me", "candidate")) == 2  # nothing gone yet
    card.delete.click()
    assert [k for k, _d in store.all("me", "candidate")] == [grace]
    assert [d["candidate"] for _k, d in store.all("me", "draft")] == [grace]
    assert store.all("me", "meeting") == []
    assert [c.data["name"] for c in find(view, CandidateCard)] == ["Grace Lee"]


def test_a_refresh_shows_candidates_added_in_another_view(clean_env):
    shown_first = candidates_widget()
    add_candidate(candidates_widget(), "Ada Lovelace", "wrote the first program")
    assert find(shown_first, CandidateCard) == []
    shown_first.refresh()
    assert [c.data["name"] for c in find(shown_first, CandidateCard)] == ["Ada Lovelace"]


# -- 05 meetings: the saved agenda comes back --------------------------------------------


@pytest.fixture
def fake_agenda(monkeypatch):
    """A fixed agenda instead of the coach (this is about what the page keeps)."""
    from coach import tasks
    from coach.results import Agenda, AgendaItem

    def agenda(phase, me, mentor, minutes):
        return Agenda(
            phase=phase,
            minutes=minutes,
            title=f"First meeting with {mentor.name}",
            items=[
                AgendaItem(title="Hellos and hopes", minutes=10, prompts=["What drew you in?"]),
                AgendaItem(title="My goal", minutes=minutes - 10, prompts=[me.goals[0].title]),
            ],
        )

    monkeypatch.setattr(tasks, "agenda", agenda)


def seed_pair():
    store = get_store()
    store.put("me", "profile", "me", {"name": "Priya Raman"})
    store.put("me", "goal", "1", {"title": "Lead a discovery project by June"})
    store.put("me", "candidate", "d1", {"name": "Daniel Okafor", "notes": ["led the app team"]})


def test_a_planned_meeting_is_shown_again_with_its_links_notes_and_actions(clean_env, fake_agenda):
    seed_pair()
    view = meetings_widget()
    find(view, w.BoundedIntText)[0].value = 30
    find(view, w.DatePicker)[0].value = dt.date(2030, 5, 6)
    next(t for t in find(view, w.Text) if t.description == "Time").value = "09:30"
    button(view, "Plan the meeting").click()
    find(view, w.Textarea)[0].value = "Daniel suggested two interviews a week"
    find(view, w.Textarea)[1].value = "send Daniel my notes by Friday"

    again = meetings_widget()  # a reload
    agenda = next(h for h in find(again, w.HTML) if "mw-agenda" in h.value).value
    assert "Hellos and hopes" in agenda and "Lead a discovery project by June" in agenda
    files = links_in(next(h for h in find(again, w.HTML) if "download=" in h.value).value)
    assert set(files) == {"agenda.md", "meeting.ics"}
    assert files["agenda.md"].decode().startswith("# First meeting with Daniel Okafor")
    from icalendar import Calendar, vDDDTypes

    (event,) = Calendar.from_ical(files["meeting.ics"]).walk("VEVENT")
    dtstart = event["dtstart"]  # a date and a time of day, not a whole day
    assert isinstance(dtstart, vDDDTypes) and isinstance(dtstart.dt, dt.datetime)
    start = dtstart.dt.astimezone()
    assert (start.date(), start.time()) == (dt.date(2030, 5, 6), dt.time(9, 30))
    assert find(again, w.BoundedIntText)[0].value == 30
    assert find(again, w.Textarea)[0].value == "Daniel suggested two interviews a week"
    assert find(again, w.Textarea)[1].value == "send Daniel my notes by Friday"


def test_meetings_you_planned_are_listed_and_open_on_choice(clean_env, fake_agenda):
    seed_pair()
    view = meetings_widget()
    phase = next(d for d in find(view, w.Dropdown) if d.description == "Phase")
    for chosen in ("first-meeting", "agreement"):
        phase.value = chosen
        button(view, "Plan the meeting").click()
    planned = next(d for d in find(view, w.Dropdown) if d.description == "Open")
    labels = list(planned._options_labels)
    assert len(labels) == 2 and all("Daniel Okafor" in label for label in labels)
    assert any("First meeting" in label for label in labels)
    assert any("Agreement" in label for label in labels)
    phase.value = "closing"  # nothing planned: the agenda area is empty
    assert not any("mw-agenda" in h.value for h in find(view, w.HTML))
    planned.value = "d1-first-meeting"  # choosing a planned meeting opens it
    assert phase.value == "first-meeting"
    assert any("Hellos and hopes" in h.value for h in find(view, w.HTML))


def test_a_refresh_picks_up_a_candidate_added_by_another_view(clean_env):
    view = meetings_widget()
    who = next(d for d in find(view, w.Dropdown) if d.description == "With")
    assert list(who.options) == []
    add_candidate(candidates_widget(), "Ada Lovelace", "wrote the first program")
    view.refresh()
    assert list(who._options_labels) == ["Ada Lovelace"] and who.value is not None


# -- 07 progress: journal, refresh, plan --------------------------------------------------


def test_the_journal_lists_entries_newest_first_and_each_can_be_deleted(clean_env):
    store = get_store()
    store.put("me", "goal", "1", {"title": "Lead a discovery project"})
    store.put("me", "journal", "a", {"date": "2025-01-05", "text": "older <b>one</b>"})
    store.put("me", "journal", "b", {"date": "2025-03-01", "text": "newest", "progress": {"1": 40}})
    store.put("me", "journal", "c", {"date": "2025-02-01", "text": "middle"})
    view = progress_widget()
    entries = find(view, JournalEntry)
    assert [e.key for e in entries] == ["b", "c", "a"]
    text = entries[0].children[0].value
    assert "2025-03-01" in text and "Lead a discovery project: 40 %" in text
    assert "&lt;b&gt;one&lt;/b&gt;" in entries[2].children[0].value  # escaped
    remove = button(entries[1], "Delete")
    remove.click()
    assert "Press again to confirm" in entries[1].children[-1].value
    assert len(store.all("me", "journal")) == 3
    remove.click()
    assert [k for k, _e in store.all("me", "journal")] == ["a", "b"]
    assert [e.key for e in find(view, JournalEntry)] == ["b", "a"]


def test_a_journal_entry_typed_today_comes_first_and_a_long_one_is_refused_whole(clean_env):
    get_store().put("me", "journal", "old", {"date": "2020-01-01", "text": "long ago"})
    view = progress_widget()
    text = find(view, w.Textarea)[0]
    text.value = "z" * 5001
    button(view, "Add journal entry").click()
    assert len(get_store().all("me", "journal")) == 1 and text.value == "z" * 5001
    assert "cut 1 to save it" in shown(view)
    text.value = "Met Daniel; he suggested user interviews"
    button(view, "Add journal entry").click()
    first = find(view, JournalEntry)[0].children[0].value
    assert "Met Daniel; he suggested user interviews" in first


def test_progress_rereads_goals_on_refresh(clean_env):
    view = progress_widget()
    assert find(view, w.IntSlider) == [] and "Set a goal in step 01" in shown(view)
    find(goals_widget(), GoalEditor)[0].title.value = "Speak at a meetup by May"
    view.refresh()
    (slider,) = find(view, w.IntSlider)
    assert "Speak at a meetup by May" in shown(view) and "Set a goal in step 01" not in shown(view)
    slider.value = 30
    find(view, w.Textarea)[0].value = "Booked a slot"
    button(view, "Add journal entry").click()
    assert get_store().all("me", "journal")[0][1]["progress"] == {"1": 30}
    assert "Speak at a meetup by May" in svg_of(view)  # the chart names the goal in full


def test_the_plan_export_includes_the_journal_and_the_saved_agenda(clean_env, fake_agenda):
    from pypdf import PdfReader

    seed_pair()
    meetings = meetings_widget()
    button(meetings, "Plan the meeting").click()
    get_store().put(
        "me",
        "journal",
        "j1",
        {"date": "2025-02-01", "text": "First call went well", "progress": {"1": 25}},
    )
    get_store().put("me", "journal", "j2", {"date": "2025-03-01", "text": "Ran two interviews"})
    view = progress_widget()
    button(view, "Export my plan (Markdown and PDF)").click()
    files = links_in(next(h for h in find(view, w.HTML) if "download=" in h.value).value)
    plan = files["mentoring-plan.md"].decode()
    assert "## Journal" in plan
    assert plan.index("Ran two interviews") < plan.index("First call went well")  # newest first
    assert "Lead a discovery project by June: 25 %" in plan
    assert "with Daniel Okafor" in plan and "10 min: Hellos and hopes" in plan
    assert "What drew you in?" in plan
    import io

    pdf = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(files["mentoring-plan.pdf"])).pages
    )
    assert "First call went well" in pdf and "Hellos and hopes" in pdf


def test_the_plan_keeps_a_long_why_whole(clean_env):
    from coach.widgets.progress import plan_markdown
    from coach.workbook import Workbook

    why = "because " + "I want to learn how product teams decide what to build next " * 6
    why = why[:420]
    get_store().put("me", "goal", "1", {"title": "Lead a discovery project", "why": why})
    assert why.strip() in plan_markdown(Workbook.open())


# -- messages and naughty strings on every page --------------------------------------------


def test_the_pages_show_no_keys_slugs_or_setting_names(clean_env, fake_agenda):
    seed_pair()
    views = [
        start_widget(),
        goals_widget(),
        network_widget(),
        candidates_widget(),
        meetings_widget(),
        progress_widget(),
    ]
    button(views[4], "Plan the meeting").click()
    text = re.sub(r"<[^>]*>", " ", "\n".join(shown(v) for v in views))  # what is read
    for word in ("COACH_", "corpus", "family-friends", "first-meeting", "_", "None"):
        assert word not in text, word


def test_the_start_notebook_explains_privacy_without_setting_names():
    nb = json.loads((REPO / "workbooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "privacy" in prose.lower() and "COACH_HOME" not in prose


def test_plain_messages_name_fields_the_way_people_do():
    from pydantic import ValidationError

    from coach.profiles import MentorCandidate, Profile, explain, say_what_to_fix

    with pytest.raises(ValidationError) as err:
        MentorCandidate(name="Ann", notes=["ok point", "x" * 2030], relation="outside")
    said = say_what_to_fix(err.value)
    assert said == "Point 2 you noticed is 2030 characters long; the limit is 2000, so cut 30."
    assert "'notes.1'" in explain(err.value, "mentor.yaml")  # the CLI still names the key
    with pytest.raises(ValidationError) as err:
        Profile(name="", goals=[{"title": "ab"}])
    said = say_what_to_fix(err.value)
    assert "Add your name." in said and "The title of goal 1 needs at least 3 characters." in said
    assert not any(word in said for word in PYDANTIC_WORDS)


def test_naughty_strings_in_network_names_are_saved_and_shown_as_text(clean_env):
    view = network_widget()
    from coach.profiles import NAME_MAX

    for s in naughty():
        add_person(view, s)
    saved = [p["name"] for _k, p in get_store().all("me", "network")]
    fits = [" ".join(s.split()) for s in naughty() if len(" ".join(s.split())) <= NAME_MAX]
    assert saved == fits  # the ones over the limit were refused, none was cut
    assert not any("<script" in h.value for h in find(view, w.HTML))
    for row in find(view, PersonRow):
        assert html.escape(row.person["name"], quote=True) in row.line.value
    assert "<svg" in svg_of(view)


def test_naughty_strings_in_candidate_fields_never_raise_and_are_escaped(clean_env):
    view = candidates_widget()
    for s in naughty():
        first_line = s.splitlines()[0] if s.splitlines() else s
        add_candidate(view, first_line[:60], f"noticed {s}"[:200])
    cards = find(view, CandidateCard)
    assert cards, "at least the short ones were added"
    for card in cards:
        assert "<script" not in card.title.value
        assert html.escape(card.data["name"], quote=True) in card.title.value
    edited = cards[0]
    edited.edit.click()
    edited.form.mutual.value = naughty()[0]
    button(edited, "Save changes").click()
    assert "<script" not in edited.title.value and "&lt;script" in edited.title.value
