"""Widgets built in-process and driven with .value and .click(), as a person would."""

import base64
import io
import json
import re

import pytest

from coach.store import get_store
from coach.widgets import (
    candidates_widget,
    coach_widget,
    goals_widget,
    outreach_widget,
    start_widget,
)
from coach.widgets.candidates import CandidateCard
from coach.widgets.goals import GoalEditor
from tests.helpers import present


def find(widget, cls):
    """Every descendant of ``widget`` of type ``cls``, in order."""
    out = []
    for child in getattr(widget, "children", ()):
        if isinstance(child, cls):
            out.append(child)
        out.extend(find(child, cls))
    return out


def button(widget, label):
    import ipywidgets as w

    return next(b for b in find(widget, w.Button) if b.description == label)


def add_candidate(view, name, notes):
    import ipywidgets as w

    texts = find(view, w.Text)
    texts[0].value = name
    find(view, w.Textarea)[0].value = notes
    button(view, "Add candidate").click()


def test_goals_are_saved_as_they_are_typed(clean_env):
    view = goals_widget()
    editor = find(view, GoalEditor)[0]
    editor.title.value = "Lead a product discovery project"
    editor.why.value = "To test whether product suits me"
    stored = present(get_store().get("me", "goal", "1"))
    assert stored["title"] == "Lead a product discovery project"
    assert stored["why"] == "To test whether product suits me"
    # a new view (a reload) shows the same values
    again = find(goals_widget(), GoalEditor)[0]
    assert again.title.value == "Lead a product discovery project"


def test_goal_suggestions_point_at_what_is_missing(indexed):
    editor = find(goals_widget(), GoalEditor)[0]
    editor.title.value = "get better at product"
    editor.suggest.click()
    assert "measurable" in editor.advice.value and "time-bound" in editor.advice.value
    assert not editor.suggest.disabled  # ready for another go


def test_a_candidate_is_validated_saved_and_moves_through_the_pipeline(clean_env):
    view = candidates_widget()
    add_candidate(view, "", "")
    said = view.children[0].children[-1].value  # says what to add, in plain words
    assert "Add the candidate&#x27;s name and at least one thing you noticed" in said
    add_candidate(view, "Daniel Okafor", "wrote a post on discovery sprints")
    ((key, data),) = get_store().all("me", "candidate")
    assert data["name"] == "Daniel Okafor" and data["stage"] == "idea"
    card = find(view, CandidateCard)[0]
    card.stage.value = "contacted"
    card.ratings["approachable"].value = 5
    data = present(get_store().get("me", "candidate", key))
    assert data["stage"] == "contacted" and "contacted" in data["stage_dates"]
    assert data["ratings"]["approachable"] == 5


def test_html_in_a_candidate_name_is_escaped(clean_env):
    view = candidates_widget()
    add_candidate(view, "<img src=x onerror=alert(1)>", "spoke at a <b>meetup</b>")
    card = find(view, CandidateCard)[0]
    html = card.children[0].value
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>meetup" not in html


def test_outreach_drafts_counts_checks_and_marks_as_sent(indexed):
    store = get_store()
    store.put("me", "profile", "me", {"name": "Priya Raman", "headline": "Data analyst"})
    store.put(
        "me",
        "candidate",
        "d1",
        {
            "name": "Daniel Okafor",
            "notes": ["wrote a post on running discovery sprints"],
            "relation": "outside",
            "channel": "linkedin",
            "stage": "idea",
        },
    )
    view = outreach_widget()
    view.go.click()
    assert view.text.value.startswith("Hi Daniel") and len(view.text.value) <= 200
    assert re.search(r"\d+ / 200 characters", view.counter.value)
    assert "mw-ok" in view.checks.value and "mw-warn" not in view.checks.value
    view.text.value = "x" * 250
    assert "250 / 200" in view.counter.value and "#b00020" in view.counter.value
    view.sent.click()
    assert present(store.get("me", "candidate", "d1"))["stage"] == "contacted"
    ((_k, sent),) = store.all("me", "draft")
    assert sent["text"] == "x" * 250 and sent["sent_at"]


def test_outreach_without_candidates_says_what_to_do(clean_env):
    view = outreach_widget()
    assert "No mentor candidates yet" in view.message.value  # before anyone clicks
    view.go.click()
    assert "Add a candidate" in view.message.value


def test_the_coach_answers_with_sources_and_escapes_markup(indexed):
    import ipywidgets as w

    view = coach_widget()
    find(view, w.Textarea)[0].value = "how often should we meet? <script>alert(1)</script>"
    button(view, "Ask the coach").click()
    answer = view.children[3].value
    assert "mw-answer" in answer and "<script>" not in answer
    assert find(view, w.Accordion)


def test_download_and_delete_my_data(clean_env):
    import ipywidgets as w

    get_store().put("me", "goal", "1", {"title": "keep me"})
    view = start_widget()
    button(view, "Download my data (JSON)").click()
    link = next(h for h in find(view, w.HTML) if "download=" in h.value).value
    payload = json.loads(base64.b64decode(link.split("base64,")[1].split('"')[0]))
    assert payload["records"]["goal"]["1"]["title"] == "keep me"
    delete = button(view, "Delete my data")
    delete.click()  # first click asks for confirmation
    assert get_store().get("me", "goal", "1") is not None
    confirm = next(t for t in find(view, w.Text) if t.placeholder.startswith("type DELETE"))
    confirm.value = "DELETE"
    delete.click()
    assert get_store().get("me", "goal", "1") is None


@pytest.mark.parametrize("factory", [start_widget, goals_widget, candidates_widget])
def test_views_build_on_an_empty_store(clean_env, factory):
    assert factory().children


def test_the_network_map_shows_gaps_and_where_to_look(clean_env):
    import ipywidgets as w

    from coach.widgets import network_widget
    from coach.widgets.network import gaps

    view = network_widget()
    picture = next(h for h in find(view, w.HTML) if "mw-chart" in h.value)
    assert 'src="data:image/svg+xml;base64,' in picture.value
    advice = next(h for h in find(view, w.HTML) if "Where to look" in h.value)
    assert "manager" in advice.value and "Alumni" in advice.value
    find(view, w.Text)[0].value = "Sam <b>Ortiz</b>"
    button(view, "Add to my network").click()
    ((_k, person),) = get_store().all("me", "network")
    assert person == {
        "name": "Sam <b>Ortiz</b>",
        "side": "inside",
        "level": "senior",
        "industry": "same",
    }
    assert len(gaps([person])) == 4  # three cells and another industry still missing
    assert "manager" not in advice.value  # the inside-senior gap is filled


def test_meetings_plan_an_agenda_that_fits_and_keep_notes(indexed):
    import ipywidgets as w

    from coach.widgets import meetings_widget

    store = get_store()
    store.put("me", "profile", "me", {"name": "Priya Raman"})
    store.put("me", "goal", "1", {"title": "Lead a discovery project by June"})
    store.put("me", "candidate", "d1", {"name": "Daniel Okafor", "notes": ["led the app team"]})
    view = meetings_widget()
    find(view, w.BoundedIntText)[0].value = 30
    button(view, "Plan the meeting").click()
    agenda = next(h for h in find(view, w.HTML) if "mw-agenda" in h.value).value
    assert sum(int(m) for m in re.findall(r"<b>(\d+) min", agenda)) == 30
    assert "lead a discovery project by june" in agenda.lower()
    links = next(h for h in find(view, w.HTML) if "download=" in h.value).value
    assert 'download="agenda.md"' in links and 'download="meeting.ics"' in links
    notes = find(view, w.Textarea)[0]
    notes.value = "Daniel suggested two user interviews a week"
    assert present(store.get("me", "meeting", "d1-first-meeting"))["notes"].startswith(
        "Daniel suggested"
    )


def test_progress_journal_plot_and_plan_export(clean_env):
    import ipywidgets as w

    from coach.widgets import progress_widget

    store = get_store()
    store.put("me", "profile", "me", {"name": "Priya"})
    store.put("me", "goal", "1", {"title": "Lead a discovery project"})
    store.put(
        "me",
        "meeting",
        "d1-first-meeting",
        {
            "phase": "first-meeting",
            "actions": "send Daniel my notes",
            "agenda": {"items": [{"title": "Hellos and hopes", "minutes": 5, "prompts": []}]},
        },
    )
    store.put("me", "candidate", "d1", {"name": "Zoë Ørsted 李", "notes": ["wrote on <b>x</b>"]})
    view = progress_widget()
    find(view, w.Textarea)[0].value = "First meeting went well"
    find(view, w.IntSlider)[0].value = 25
    button(view, "Add journal entry").click()
    ((_k, entry),) = store.all("me", "journal")
    assert entry["progress"] == {"1": 25}
    assert any("data:image/svg+xml;base64," in h.value for h in find(view, w.HTML))
    button(view, "Export my plan (Markdown and PDF)").click()
    link = next(h for h in find(view, w.HTML) if "download=" in h.value).value
    assert 'download="mentoring-plan.md"' in link and 'download="mentoring-plan.pdf"' in link
    md_part, pdf_part = link.split("base64,")[1:3]
    plan = base64.b64decode(md_part.split('"')[0]).decode()
    assert plan.startswith("# Mentoring plan: Priya") and "Lead a discovery project" in plan
    assert "5 min: Hellos and hopes" in plan and "Zoë Ørsted 李" in plan
    pdf = base64.b64decode(pdf_part.split('"')[0])
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_plan_pdf_keeps_every_script_and_survives_long_text():
    from pypdf import PdfReader

    from coach.exports import markdown_pdf

    text = "# Plan: Zoë 李\n\n## Goals\n- " + "very long line " * 400 + "\n- <script>x</script>\n"
    reader = PdfReader(io.BytesIO(markdown_pdf(text)))
    content = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 2
    assert "Zoë" in content and "<script>x</script>" in content


def test_a_preheated_page_gets_its_request_from_voilas_own_handler_without_importing_voila():
    """``common.wait_for_request`` against Voilà's real query handler, in a fresh Python as
    a kernel is: it takes the request's cookie into the environment, and leaves Voilà's
    server side (3 s of CPU per kernel) unimported."""
    import asyncio
    import os
    import subprocess
    import sys
    import threading

    import tornado.web
    from voila.request_info_handler import RequestInfoSocketHandler

    from tests.helpers import free_port

    port, kernel = free_port(), "5e1f0c1e-0000-4000-8000-00000000abcd"
    ready, loop_box = threading.Event(), []

    def serve() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        app = tornado.web.Application([(r"/voila/query/([\w-]+)", RequestInfoSocketHandler)])
        app.listen(port, "127.0.0.1")
        loop_box.append(loop)
        ready.set()
        loop.run_forever()

    threading.Thread(target=serve, daemon=True).start()
    ready.wait(10)
    loop = loop_box[0]
    payload = json.dumps({"HTTP_COOKIE": "mw_seat=abc", "QUERY_STRING": "x=1"})
    # the person's request arrives while the kernel waits (Voilà's handler does this)
    loop.call_later(
        1.0, RequestInfoSocketHandler.send_updates, {"kernel_id": kernel, "payload": payload}
    )
    code = (
        "import os, sys\n"
        "from coach.widgets.common import wait_for_request\n"
        "wait_for_request()\n"
        "print(os.environ.get('HTTP_COOKIE'), os.environ.get('QUERY_STRING'))\n"
        "print(sorted(m for m in ('voila', 'jupyter_server', 'jsonschema') if m in sys.modules))\n"
    )
    env = {
        **os.environ,
        "VOILA_PREHEAT": "True",
        "VOILA_KERNEL_ID": kernel,
        "VOILA_APP_IP": "127.0.0.1",
        "VOILA_APP_PORT": str(port),
        "VOILA_SERVER_URL": "/",
    }
    try:
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        loop.call_soon_threadsafe(loop.stop)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["mw_seat=abc x=1", "[]"]
