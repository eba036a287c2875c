"""04 Outreach: the coach drafts a note, message or e-mail; you edit, copy and send it
yourself. Nothing is ever sent by the software."""

from __future__ import annotations

import datetime as dt

import ipywidgets as w

from coach.profiles import Profile
from coach.results import Draft
from coach.widgets.candidates import all_candidates, pair_for
from coach.widgets.common import (
    CoachStatus,
    esc,
    heading,
    note,
    owner,
    safe_markdown,
    store,
)
from coach.widgets.page import workbook_page

KINDS = [
    ("LinkedIn connection note", "linkedin-note"),
    ("LinkedIn message (1st-degree)", "linkedin-message"),
    ("InMail (Premium)", "inmail"),
    ("E-mail", "email"),
    ("Follow-up", "follow-up"),
    ("Thank-you", "thank-you"),
]
OK = '<span class="mw-ok" style="color:#2e7d32">✓</span>'
WARN = '<span class="mw-warn" style="color:#b26a00">⚠</span>'
COPY = (
    '<button class="mw-copy" onclick="navigator.clipboard.writeText('
    "document.querySelector('.mw-draft textarea').value);this.textContent='Copied'\">"
    "Copy text</button>"
)


def my_profile() -> Profile:
    """The Profile built from what the person saved in the workbook."""
    from coach.profiles import Goal

    data = dict(store().get(owner(), "profile", "me") or {})
    goals = []
    for _key, g in store().all(owner(), "goal"):
        if len(g.get("title", "").strip()) >= 3:
            goals.append(
                Goal(title=g["title"], why=g.get("why", ""), target_date=g.get("target_date"))
            )
    data["goals"] = goals
    return Profile.model_validate(data)


def source_list(passages: list) -> w.Accordion:
    """Each cited passage, opened on click, rendered as sanitised Markdown."""
    acc = w.Accordion(children=[w.HTML(safe_markdown(p.text)) for p in passages])
    for i, p in enumerate(passages):
        acc.set_title(i, f"[{i + 1}] {p.title} › {p.section}")
    acc.selected_index = None
    return acc


class OutreachWidget(w.VBox):
    """Pick a candidate and a channel, draft, edit with a live counter, copy, mark as sent."""

    def __init__(self) -> None:
        self.candidate = w.Dropdown(description="To")
        self.kind = w.Dropdown(options=KINDS, value="linkedin-note", description="As")
        self.go = w.Button(description="Draft it", button_style="primary", icon="pencil")
        self.more = w.Checkbox(description="Show 2 alternatives", value=False)
        self.subject = w.Text(description="Subject", layout=w.Layout(width="95%", display="none"))
        self.text = w.Textarea(layout=w.Layout(width="95%", height="160px"))
        self.text.add_class("mw-draft")
        self.counter = w.HTML()
        self.checks = w.HTML()
        self.why = w.VBox()
        self.alts = w.VBox()
        self.message = w.HTML()
        self.sent = w.Button(description="Mark as sent", icon="check", disabled=True)
        self.share = w.HBox()
        self.draft_key: str | None = None
        self.limit = 0
        self.go.on_click(self._draft)
        self.sent.on_click(self._mark_sent)
        self.text.observe(lambda _c: self._count(), names="value")
        self.text.observe(lambda _c: self._save(), names="value")
        self.reload()
        super().__init__(
            [
                CoachStatus(),
                heading("Draft outreach"),
                w.HBox([self.candidate, self.kind]),
                w.HBox([self.go, self.more]),
                self.message,
                self.subject,
                self.text,
                self.counter,
                w.HBox([w.HTML(COPY), self.sent, self.share]),
                self.checks,
                heading("Why this works", 4),
                self.why,
                self.alts,
                note(
                    "Nothing is sent for you: copy the text and send it from LinkedIn or "
                    "your e-mail."
                ),
            ]
        )

    def reload(self) -> None:
        """Refresh the candidate list from the store."""
        self.candidate.options = [(d["name"], k) for k, d in all_candidates()]
        if self.candidate.options and self.candidate.value is None:
            self.candidate.index = len(self.candidate.options) - 1  # the newest candidate
        if not self.candidate.options:
            self.message.value = note(
                "No mentor candidates yet: add one in step 3 (Candidates), then come back here."
            ).value

    def _count(self) -> None:
        n = len(self.text.value)
        if not self.limit:
            self.counter.value = ""
            return
        colour = "#b00020" if n > self.limit else "#2e7d32"
        self.counter.value = (
            f'<span class="mw-counter" style="color:{colour}">{n} / {self.limit} characters</span>'
        )

    def _draft(self, _b: object) -> None:
        from coach.errors import CoachError
        from coach.tasks import draft

        try:
            me, mentor = pair_for(self.candidate.value)
        except CoachError as exc:
            self.message.value = note(str(exc), "warn").value
            return
        self.message.value = note("The coach is writing…").value
        self.text.value = ""
        try:
            result = draft(
                self.kind.value,
                me,
                mentor,
                alternatives=3 if self.more.value else 1,
                on_token=self._token,
            )
        except CoachError as exc:
            self.message.value = note(str(exc), "warn").value
            return
        self.show(result)

    def _token(self, piece: str) -> None:
        self.text.value += piece

    def show(self, d: Draft) -> None:
        """Display a draft, its checks and its sources."""
        self.limit = int(
            next(
                (c.detail.split(" of ")[1].split()[0] for c in d.checks if c.name == "fits-limit"),
                "0",
            ).replace(",", "")
            or 0
        )
        self.subject.layout.display = "" if d.subject else "none"
        self.subject.value = d.subject or ""
        self.text.value = d.text
        self._count()
        ticks = "".join(
            f"<li>{OK if c.passed else WARN} <b>{esc(c.name)}</b>: {esc(c.detail)}</li>"
            for c in d.checks
        )
        self.checks.value = f'<ul class="mw-checks">{ticks}</ul>'
        tips = "".join(f"<li>{esc(t)}</li>" for t in d.advice)
        self.why.children = [w.HTML(f"<ul>{tips}</ul>"), source_list(d.citations)]
        self.alts.children = [
            w.HTML(
                f"<details><summary>Alternative {i}</summary><pre style='white-space:pre-wrap'>"
                f"{esc(a.text)}</pre></details>"
            )
            for i, a in enumerate(d.alternatives, 2)
        ]
        from coach.widgets.page import share_toggle

        self.draft_key = f"{self.candidate.value}-{self.kind.value}"[:64]
        self._save()
        self.share.children = [share_toggle("draft", self.draft_key, "text", "outreach draft")]
        fallback = f" ({d.fallback_reason})" if d.fallback_reason else ""
        self.message.value = note(f"Drafted by the {d.provider} coach{fallback}.", "ok").value
        self.sent.disabled = False

    def _save(self, sent: bool = False) -> None:
        """Keep the draft being edited (and, once sent, when), one record per person+kind."""
        if self.draft_key is None or not self.text.value.strip():
            return
        saved = store().get(owner(), "draft", self.draft_key) or {}
        saved.update(
            candidate=self.candidate.value,
            kind=self.kind.value,
            subject=self.subject.value,
            text=self.text.value[:20_000],
        )
        if sent:
            saved["sent_at"] = dt.datetime.now().isoformat(timespec="minutes")
        store().put(owner(), "draft", self.draft_key, saved)

    def _mark_sent(self, _b: object) -> None:
        key = self.candidate.value
        if self.draft_key is None:
            self.draft_key = f"{key}-{self.kind.value}"[:64]
        self._save(sent=True)
        data = store().get(owner(), "candidate", key) or {}
        if data.get("stage") in (None, "idea", "researched"):
            data["stage"] = "contacted"
            data.setdefault("stage_dates", {})["contacted"] = dt.date.today().isoformat()
            store().put(owner(), "candidate", key, data)
        self.sent.disabled = True
        self.message.value = note("Marked as sent; the candidate moved to 'contacted'.", "ok").value


@workbook_page("outreach", coach=True)
def outreach_widget() -> OutreachWidget:
    """The outreach step."""
    return OutreachWidget()
