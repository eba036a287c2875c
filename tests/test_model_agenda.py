"""Model agendas are checked like drafts: one repair, then the offline agenda with the reason."""

import json

import coach
from coach import MentorCandidate, Profile
from coach.turnlog import recent
from tests.helpers import REPO, chats

ME = Profile.from_yaml(REPO / "examples" / "me.yaml")
MENTOR = MentorCandidate.from_yaml(REPO / "examples" / "mentor.yaml")

GOOD = {
    "items": [
        {
            "title": "Progress since last time",
            "minutes": 10,
            "prompts": ["Which actions from last time are done?", "What got in the way?"],
        },
        {
            "title": "Your main goal: the discovery project",
            "minutes": 15,
            "prompts": [
                "Where do you stand on the discovery project?",
                "What is the next measurable step, and by when?",
            ],
        },
        {
            "title": "Second goal or open question",
            "minutes": 10,
            "prompts": ["Which question is Priya stuck on right now?"],
        },
        {
            "title": "Actions and next contact",
            "minutes": 10,
            "prompts": ["Write down one or two actions, each with an owner and a date."],
        },
    ]
}
REPEATED = {
    "items": [
        {**i, "prompts": ["What is the next measurable step, and by when?"]} for i in GOOD["items"]
    ]
}


def test_a_good_model_agenda_is_used_with_its_checks_passing(model_server):
    model_server.replies = [json.dumps(GOOD)]
    a = coach.agenda("development", ME, MENTOR, 45)
    assert a.provider == "openai" and a.fallback_reason is None
    assert [i.title for i in a.items] == [i["title"] for i in GOOD["items"]]
    assert a.checks and all(c.passed for c in a.checks), a.checks
    assert len(chats(model_server)) == 1


def test_repeated_prompts_get_one_repair_then_the_offline_agenda_with_the_reason(model_server):
    model_server.replies = [json.dumps(REPEATED), json.dumps(REPEATED)]
    a = coach.agenda("development", ME, MENTOR, 45)
    assert len(chats(model_server)) == 2
    repair = chats(model_server)[1]["json"]["messages"][1]["content"]
    assert "failed these checks: agenda-no-duplicates" in repair
    assert "PREVIOUS AGENDA" in repair and "What is the next measurable step" in repair
    assert a.provider == "offline" and a.items[0].title == "Progress since last time"
    assert a.fallback_reason is not None
    assert "failed checks after one repair" in a.fallback_reason
    assert "more than once" in a.fallback_reason
    assert "used the offline coach" in a.fallback_reason
    assert sum(i.minutes for i in a.items) == 45
    assert {c.name for c in a.checks} >= {"agenda-no-duplicates", "agenda-minutes-add-up"}


def test_a_repaired_agenda_is_used_and_the_repair_logged(model_server):
    model_server.replies = [json.dumps(REPEATED), json.dumps(GOOD)]
    a = coach.agenda("development", ME, MENTOR, 45)
    assert a.provider == "openai" and a.fallback_reason is None
    assert all(c.passed for c in a.checks)
    assert recent(coach.get_settings().log_path, 1)[0]["repairs"] == 1


def test_a_model_agenda_missing_the_phase_items_or_copying_markup_falls_back(model_server):
    thin = {"items": [{"title": "Chat", "minutes": 45, "prompts": ["<script>x</script>"]}]}
    model_server.replies = [json.dumps(thin), json.dumps(thin)]
    a = coach.agenda("development", ME, MENTOR, 45)
    assert a.provider == "offline"
    assert a.fallback_reason is not None
    assert '"Progress since last time"' in a.fallback_reason
    assert "markup" in a.fallback_reason


def test_an_agenda_that_is_not_json_gets_the_repair_too(model_server):
    model_server.replies = ["Here is your agenda: talk a lot.", json.dumps(GOOD)]
    a = coach.agenda("development", ME, MENTOR, 45)
    assert a.provider == "openai"
    assert "not valid JSON" in chats(model_server)[1]["json"]["messages"][1]["content"]


def test_the_meetings_page_shows_the_agenda_checks_escaped(model_server):
    from coach.widgets.meetings import agenda_html

    bad = {"items": [{"title": "<b>Chat</b>", "minutes": 45, "prompts": ["Hi?"]}]}
    model_server.replies = [json.dumps(GOOD)]
    html = agenda_html(coach.agenda("development", ME, MENTOR, 45))
    assert 'class="mw-checks"' in html and "Asks each question once" in html
    assert "agenda-no-duplicates" not in html
    from coach.checks import agenda_checks
    from coach.prompts import get_prompt
    from coach.results import Agenda, AgendaItem

    items = [AgendaItem.model_validate(i) for i in bad["items"]]
    checks = agenda_checks(items, get_prompt("agenda-development"), 45)
    shown = agenda_html(
        Agenda(phase="development", minutes=45, title="T", items=items, checks=checks)
    )
    assert "<b>Chat</b>" not in shown and "&lt;b&gt;Chat&lt;/b&gt;" in shown
