"""The outreach step, driven in-process as a person would: draft, edit, switch, come back."""

from __future__ import annotations

import inspect
import threading

import pytest

from coach.models import Passage
from coach.store import get_store
from coach.widgets.outreach import outreach_widget
from coach.workbook import Workbook
from tests.helpers import present
from tests.test_widgets import find

GUIDE = Passage(
    id="p1",
    text="Ask for **one small thing**, such as a 15-minute call.",
    title="Reaching out",
    section="The first message",
    source="corpus/outreach.md",
    score=1.0,
)

DANIEL = {
    "name": "Daniel Okafor",
    "headline": "Director of Product",
    "notes": ["wrote a post on running discovery sprints"],
    "relation": "outside",
    "channel": "linkedin",
    "stage": "idea",
}
SARAH = {
    "name": "Sarah Lindqvist",
    "headline": "Head of Research",
    "notes": ["gave a talk on interviewing patients"],
    "relation": "outside",
    "channel": "linkedin",
    "stage": "idea",
}


@pytest.fixture
def quick(clean_env, monkeypatch):
    """The offline coach with a fixed passage: these tests are about the page, not search
    (and no background warm-up competes for the CPU)."""
    from coach import tasks
    from coach.widgets.common import CoachStatus

    monkeypatch.setattr(tasks, "_search", lambda _query, _k: [GUIDE])
    monkeypatch.setattr(CoachStatus, "_thread", threading.Thread(target=lambda: None))
    return clean_env


def _two_candidates(account: str = "free") -> None:
    store = get_store()
    store.put(
        "me",
        "profile",
        "me",
        {"name": "Priya Raman", "headline": "Data analyst", "linkedin_account": account},
    )
    store.put("me", "goal", "1", {"title": "Lead a product discovery project by June"})
    store.put("me", "candidate", "d1", DANIEL)
    store.put("me", "candidate", "s2", SARAH)


def test_switching_recipient_never_marks_the_wrong_person_as_sent(quick):
    _two_candidates()
    view = outreach_widget()
    view.candidate.value = "d1"
    view.go.click()
    assert view.text.value.startswith("Hi Daniel")
    view.candidate.value = "s2"  # the person changes "To" and presses Mark as sent
    assert "Daniel" not in view.text.value
    assert "No draft for Sarah" in view.message.value
    view.sent.click()
    store = get_store()
    assert present(store.get("me", "candidate", "s2"))["stage"] == "idea"
    assert not any(
        d.get("candidate") == "s2" and "Daniel" in d.get("text", "")
        for _k, d in store.all("me", "draft")
    )
    view.candidate.value = "d1"  # Daniel's draft comes back, and is the one marked sent
    assert view.text.value.startswith("Hi Daniel")
    view.sent.click()
    assert present(store.get("me", "candidate", "d1"))["stage"] == "contacted"
    assert present(store.get("me", "candidate", "s2"))["stage"] == "idea"


def _page_text(view) -> str:
    """Everything the page says: HTML, labels, options, descriptions (markup removed)."""
    import html
    import re

    import ipywidgets as w

    parts = []
    stack = [view]
    while stack:
        widget = stack.pop()
        if isinstance(widget, w.HTML):
            parts.append(widget.value)
        for name in ("description", "placeholder", "tooltip"):
            parts.append(str(getattr(widget, name, "") or ""))
        if isinstance(widget, w.Dropdown):
            parts.extend(label for label, _v in widget.options)
        if isinstance(widget, w.Accordion):
            parts.extend(widget.titles)
        stack.extend(getattr(widget, "children", ()))
    return html.unescape(re.sub(r"<[^>]+>", " ", " ".join(parts)))


def test_saved_work_comes_back_on_a_new_view_and_on_refresh(quick):
    _two_candidates()
    view = outreach_widget()
    view.candidate.value, view.kind.value = "d1", "email"
    view.go.click()
    assert view.subject.layout.display == "" and view.subject.value
    view.subject.value = "A question about discovery sprints"
    view.text.value = view.text.value.replace("Hi Daniel,", "Dear Daniel,")
    edited = view.text.value
    view.sent.click()
    assert view.sent.disabled and "Marked as sent on" in view.sent_note.value

    again = inspect.unwrap(outreach_widget)(Workbook.open())  # the app builds it anew: work is back
    assert (again.candidate.value, again.kind.value) == ("d1", "email")
    assert again.text.value == edited
    assert again.subject.value == "A question about discovery sprints"
    assert "Marked as sent on" in again.sent_note.value and again.sent.disabled
    assert f"{len(edited)} of 1500 characters" in again.checks.value  # re-run, not stored
    assert "Reaching out" in _page_text(again)  # its sources came back too

    store = get_store()  # another tab edits the draft and adds a candidate
    saved = present(store.get("me", "draft", "d1-email"))
    store.put("me", "draft", "d1-email", {**saved, "text": "Dear Daniel, thank you."})
    store.put("me", "candidate", "n3", {**SARAH, "name": "Noor Haddad"})
    again.refresh()
    assert again.text.value == "Dear Daniel, thank you."
    assert "23 / 1500 characters" in again.counter.value
    assert "Noor Haddad" in [label for label, _k in again.candidate.options]
    store.delete("me", "candidate", "d1")  # and deletes Daniel: the page moves on
    again.refresh()
    assert again.candidate.value in ("s2", "n3") and "Daniel" not in again.text.value


def test_drafting_again_keeps_the_earlier_text(quick):
    _two_candidates()
    view = outreach_widget()
    view.candidate.value = "d1"
    view.text.value = "Hi Daniel, my own words."
    view.go.click()
    assert view.text.value != "Hi Daniel, my own words."
    assert "Your earlier text" in _page_text(view) and "my own words" in _page_text(view)


def test_checks_and_counter_agree_after_every_edit(quick):
    _two_candidates()
    view = outreach_widget()
    view.candidate.value, view.kind.value = "d1", "email"
    view.go.click()
    view.text.value = view.text.value + " " + "More detail here. " * 40
    n = len(view.text.value)
    assert f"{n} / 1500 characters" in view.counter.value
    assert f"{n} of 1500 characters" in view.checks.value
    view.subject.value = "S" * 130
    assert "subject 130 / 120" in view.counter.value and "#b00020" in view.counter.value
    assert "subject 130 of 120" in view.checks.value
    assert "Shorten the subject to 120 characters" in view.hint.value


def test_inmail_is_offered_only_with_premium_and_nothing_is_cleared(quick):
    _two_candidates("free")
    view = outreach_widget()
    assert "inmail" not in [v for _label, v in view.kind.options]
    assert "InMail needs LinkedIn Premium; change your account type in step 00" in (
        view.kind_note.value
    )
    store = get_store()
    store.put(
        "me",
        "profile",
        "me",
        {**present(store.get("me", "profile", "me")), "linkedin_account": "premium"},
    )
    view.refresh()
    assert "inmail" in [v for _label, v in view.kind.options] and not view.kind_note.value
    view.candidate.value, view.kind.value = "d1", "inmail"
    view.text.value = "Hi Daniel, an InMail of my own."
    assert "0 / 200" in view.counter.value  # body and subject limits of InMail
    assert "/ 1900 characters" in view.counter.value
    store.put(
        "me",
        "profile",
        "me",
        {**present(store.get("me", "profile", "me")), "linkedin_account": "free"},
    )
    view.refresh()
    assert view.kind.value != "inmail" and "Daniel, an InMail" not in view.text.value
    assert (
        present(store.get("me", "draft", "d1-inmail"))["text"] == "Hi Daniel, an InMail of my own."
    )


def test_checks_read_as_sentences_and_the_page_speaks_no_developer(quick):
    from coach.checks import CHECKS, LABELS

    assert set(LABELS) == set(CHECKS)
    _two_candidates()
    view = outreach_widget()
    view.candidate.value = "d1"
    view.go.click()
    page = _page_text(view)
    assert "Fits LinkedIn's 200-character limit for free accounts" in page
    assert "Greets Daniel alone, by name" in page
    for word in [*CHECKS, "linkedin_account", "corpus", "COACH_", "OPENAI_", "pydantic"]:
        assert word not in page, word


def test_what_to_fill_in_and_engine_errors_are_said_in_plain_words(quick, monkeypatch):
    from coach.settings import reset_settings

    get_store().put("me", "candidate", "d1", DANIEL)  # no profile yet
    view = outreach_widget()
    assert "Add your name in step 00" in view.message.value
    view.go.click()
    assert "Add your name in step 00" in view.message.value
    _two_candidates()
    view.refresh()
    view.candidate.value = "d1"
    view.text.value = "Hi Daniel, my own words."
    monkeypatch.setenv("COACH_PROVIDER", "openai")  # a model chosen, but none named
    reset_settings()
    view.go.click()
    assert "not set up correctly" in view.message.value
    assert "COACH_" not in view.message.value
    assert view.text.value == "Hi Daniel, my own words."  # kept when the coach fails


def test_a_long_text_is_kept_whole_and_flagged(quick):
    _two_candidates()
    view = outreach_widget()
    view.candidate.value = "d1"
    long = "Hi Daniel, " + "x" * 25_000
    view.text.value = long
    assert present(get_store().get("me", "draft", "d1-linkedin-note"))["text"] == long
    assert f"{len(long)} / 200 characters" in view.counter.value
    assert "#b00020" in view.counter.value
    assert "cut it to 200 characters" in view.hint.value
    assert "mw-warn" in view.checks.value


def test_copy_is_a_real_button_and_the_draft_is_not_monospace(quick):
    import ipywidgets as w

    from coach.widgets.outreach import COPY

    view = outreach_widget()
    assert "mw-draft" in view.text._dom_classes
    assert any(h.value == COPY for h in find(view, w.HTML))
    assert '<button type="button" class="mw-button mw-copy"' in COPY
    assert "navigator.clipboard.writeText" in COPY and "<script" not in COPY
    assert ".mw-draft textarea{font-family:inherit" in COPY


def test_a_streamed_draft_shows_as_it_comes_and_is_kept(quick, monkeypatch):
    from coach import tasks
    from coach.results import Draft

    seen = []

    def streaming(kind, me, mentor, *, alternatives=1, on_token=None):
        for piece in ("Hi Daniel, ", "a quick question?"):
            on_token(piece)
            seen.append(view.text.value)
        return Draft(kind=kind, text="Hi Daniel, a quick question?", citations=[GUIDE])

    monkeypatch.setattr(tasks, "draft", streaming)
    _two_candidates()
    view = outreach_widget()
    view.candidate.value = "d1"
    view.go.click()
    assert seen == ["Hi Daniel, ", "Hi Daniel, a quick question?"]
    assert present(get_store().get("me", "draft", "d1-linkedin-note"))["text"] == view.text.value


def test_a_draft_edited_in_two_tabs_asks_before_replacing_the_other(quick):
    _two_candidates()
    one, two = outreach_widget(), outreach_widget()
    for tab in (one, two):
        tab.candidate.value = "d1"
    one.go.click()
    drafted = one.text.value
    two.refresh()  # tab 2 shows the draft tab 1 wrote
    assert two.text.value == drafted
    one.text.value = drafted + " Tab one's edit."
    two.text.value = drafted + " Tab two's edit."  # from the draft it last saw
    from coach.workbook import draft_key

    def saved() -> str:
        return str(
            present(get_store().get("me", "draft", draft_key("d1", "linkedin-note")))["text"]
        )

    assert saved().endswith("Tab one's edit.")  # not overwritten by tab 2
    assert two.conflict.layout.display is None
    assert "Changed in another tab" in two.conflict.message.value
    assert "Tab one" in two.conflict.message.value  # what the other tab saved, quoted
    assert two.text.value.endswith("Tab two's edit.")  # nothing typed is lost
    two.sent.click()  # nor marked as sent over the other tab's text
    assert present(get_store().get("me", "candidate", "d1"))["stage"] == "idea"
    two.conflict.keep.click()
    assert saved().endswith("Tab two's edit.") and two.conflict.layout.display == "none"
    one.text.value = drafted + " Tab one again."  # tab 1 is the stale one now
    assert "Changed in another tab" in one.conflict.message.value
    one.conflict.reload.click()
    assert one.text.value.endswith("Tab two's edit.")
