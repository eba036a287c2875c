"""04 Outreach: the coach drafts a note, message or e-mail; you edit, copy and send it
yourself. Nothing is ever sent by the software.

One saved draft per candidate and kind: whatever is in the box belongs to the pair shown in
"To" and "As", is saved as typed, and comes back when the step is shown again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as w

from coach.checks import Context
from coach.errors import CoachError
from coach.profiles import Profile
from coach.results import Draft
from coach.store import Conflict, StoreError
from coach.widgets.budget import NoteBudgetPanel
from coach.widgets.common import CoachStatus, StepView, esc, heading, note
from coach.widgets.fields import ConflictNote, source_list
from coach.widgets.nudges import NudgePanel
from coach.widgets.page import workbook_page
from coach.workbook import DraftRecord, Workbook
from coach.workbook.followups import Nudge
from coach.workbook.kinds import DRAFT, LATER_MESSAGES, draft_key

INMAIL_NOTE = "InMail needs LinkedIn Premium; change your account type in step 00."
OK = '<span class="mw-ok" style="color:#2e7d32">✓</span>'
WARN = '<span class="mw-warn" style="color:#b26a00">⚠</span>'
RED, GREEN = "#b00020", "#2e7d32"
# ipywidgets' HTML runs no <script>, but an onclick attribute works (in Voilà too); the
# <style> keeps the draft in the page's font where no template styles `.mw-draft`.
COPY = (
    "<style>.mw-draft textarea{font-family:inherit;font-size:inherit;line-height:1.4}</style>"
    '<button type="button" class="mw-button mw-copy" title="Copy the text to paste it into '
    'LinkedIn or your e-mail" onclick="'
    "var t=document.querySelector('.mw-draft textarea');"
    "if(navigator.clipboard){navigator.clipboard.writeText(t.value)}"
    "else{t.select();document.execCommand('copy')}"
    "this.textContent='Copied';setTimeout(()=>{this.textContent='Copy text'},2000)"
    '">Copy text</button>'
)


def all_kinds() -> list[tuple[str, str]]:
    """(label, kind) of every kind of draft, in prompts/vocabulary.yaml's order (read when
    first asked for, not when this module is imported)."""
    from coach.prompts import vocabulary

    return [(spec.label, kind) for kind, spec in vocabulary().kinds.items()]


def kind_noun(kind: str, default: str = "this") -> str:
    """A kind of draft in a sentence: "a LinkedIn connection note"."""
    from coach.prompts import vocabulary

    spec = vocabulary().kinds.get(kind)
    return spec.noun if spec else default


def kinds_for(account: str) -> list[tuple[str, str]]:
    """The kinds a person with this LinkedIn account can send (InMail needs Premium)."""
    from coach.prompts import vocabulary

    kinds = vocabulary().kinds
    return [k for k in all_kinds() if account == "premium" or not kinds[k[1]].premium_only]


def readable(exc: CoachError, kind: str) -> str:
    """An error from the coach, said in the words of the page (no settings or field names)."""
    from coach.errors import ConfigError, CorpusIndexError
    from coach.offline import DraftError
    from coach.profiles import ProfileError

    ask = "Ask whoever set up this workbook to run `mentor-coach doctor`, which says what to fix."
    if isinstance(exc, ConfigError):
        return f"The coach is not set up correctly, so it cannot write a draft just now. {ask}"
    if isinstance(exc, CorpusIndexError):
        return f"The coach cannot open its guides, so it cannot write a draft just now. {ask}"
    if isinstance(exc, ProfileError) and "InMail" in str(exc):
        return INMAIL_NOTE
    if isinstance(exc, DraftError):
        return (
            f"The coach could not write {kind_noun(kind)} from what you have filled "
            "in so far: add a goal in step 01 or shorten the first point about this person in "
            "step 03, then try again (or write it yourself here)."
        )
    return (
        "The coach could not write this draft just now. Try again; if it keeps happening, "
        "tell whoever set up this workbook."
    )


def _when(iso: str) -> str:
    try:
        t = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{t.day} {t:%B %Y} at {t:%H:%M}"


class OutreachWidget(StepView):
    """Pick a candidate and a channel, draft, edit with a live counter, copy, mark as sent."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.candidate = w.Dropdown(description="To")
        kinds = all_kinds()
        self.kind = w.Dropdown(options=kinds, value=kinds[0][1], description="As")
        self.kind_note = w.HTML()
        self.budget = NoteBudgetPanel(book, on_draft=self._draft_instead)
        self.go = w.Button(description="Draft it", button_style="primary", icon="pencil")
        self.more = w.Checkbox(description="Show 2 alternatives", value=False)
        self.subject = w.Text(description="Subject", layout=w.Layout(width="95%", display="none"))
        self.text = w.Textarea(
            placeholder="Press Draft it, or write your own message here.",
            layout=w.Layout(width="95%", height="160px"),
        )
        self.text.add_class("mw-draft")
        self.counter = w.HTML()
        self.hint = w.HTML()
        self.checks = w.HTML()
        self.why = w.VBox()
        self.alts = w.VBox()
        self.message = w.HTML()
        # the draft as this tab last loaded or saved it: what a save expects to replace
        self.conflict = ConflictNote()
        self._base: dict[str, Any] = {}
        self.sent = w.Button(description="Mark as sent", icon="check", disabled=True)
        self.sent_note = w.HTML()
        self.share = w.HBox()
        self.pair: tuple[str, str] | None = None  # whose text is in the box: (candidate, kind)
        self.ctx: Context | None = None  # what the checks judge it against; None: cannot
        self.limit = 0
        self.subject_limit: int | None = None
        self._quiet = False
        self.nudges = NudgePanel(book, steps=("outreach",), on_action=self._nudged)
        self.go.on_click(self._draft)
        self.sent.on_click(self._mark_sent)
        self.candidate.observe(self._switched, names="value")
        self.kind.observe(self._switched, names="value")
        self.text.observe(self._edited, names="value")
        self.subject.observe(self._edited, names="value")
        super().__init__(
            [
                CoachStatus(),
                self.nudges,
                heading("Draft outreach"),
                w.HBox([self.candidate, self.kind]),
                self.kind_note,
                self.budget,
                w.HBox([self.go, self.more]),
                self.message,
                self.subject,
                self.text,
                self.conflict,
                self.counter,
                self.hint,
                w.HBox([w.HTML(COPY), self.sent, self.share]),
                self.sent_note,
                self.checks,
                heading("Why this works", 4),
                self.why,
                self.alts,
                note(
                    "Nothing is sent for you: copy the text and send it from LinkedIn or "
                    "your e-mail."
                ),
            ],
            refresh=self._reread,
        )
        self.refresh()

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Change widgets without it counting as the person's edit or choice."""
        was, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = was

    # -- reading the store -------------------------------------------------------------

    def _reread(self) -> None:
        """Candidates, the kinds this account can send and the shown pair's saved draft."""
        kinds = kinds_for(self.book.profile().linkedin_account)
        options = [(d.name or "(no name)", k) for k, d in self.book.candidates()]
        keys = [k for _name, k in options]
        values = [v for _label, v in kinds]
        chosen, kind = self.candidate.value, self.kind.value
        if chosen is None:  # first shown: open on the draft worked on last
            chosen, kind = self.book.last_worked_on(keys, values) or (None, kind)
        with self._quietly():
            self.candidate.options = options
            self.candidate.value = chosen if chosen in keys else (keys[-1] if keys else None)
            self.kind.options = kinds
            self.kind.value = kind if kind in values else values[0]
        self.kind_note.value = (
            "" if len(kinds) == len(all_kinds()) else f"<small>{esc(INMAIL_NOTE)}</small>"
        )
        self._load()
        self.nudges.refresh()

    def _switched(self, _change: object) -> None:
        if not self._quiet:
            self._load()

    def _saved(self) -> DraftRecord | None:
        return self.book.latest_draft(*self.pair) if self.pair else None

    def _load(self) -> None:
        """Show the saved draft of the pair in "To" and "As", or an empty box that says so."""
        key, kind = self.candidate.value, self.kind.value
        self.pair = None if key is None else (key, kind)
        problem = self._judge(key, kind)
        self.budget.show(kind)
        saved = self._saved()
        self._base = {"subject": None, "text": None}
        if saved is not None:
            self._base = {"subject": saved.saved("subject"), "text": saved.saved("text")}
        self.conflict.clear()
        with self._quietly():
            self.subject.value = (saved.subject if saved else None) or ""
            self.text.value = saved.text if saved else ""
        self.subject.layout.display = "" if self.subject_limit is not None else "none"
        self._show_extras(saved)
        if key is None:
            self.message.value = note(
                "No mentor candidates yet: add one in step 03 (Candidates), then come back here."
            ).value
        elif problem:
            self.message.value = note(problem, "warn").value
        elif saved and saved.text:
            self.message.value = note(
                f"Your saved draft to {self._first()} as {kind_noun(kind)}.", "ok"
            ).value
        else:
            self.message.value = note(
                f"No draft for {self._first()} as {kind_noun(kind)} yet: press Draft it."
            ).value
        self._update()

    def _first(self) -> str:
        found = self.book.candidate(self.pair[0]) if self.pair else None
        return found.first_name if found else "this person"

    def _judge(self, key: str | None, kind: str) -> str | None:
        """Set the context and limits for ``kind``; say why the draft cannot be checked."""
        from coach.profiles import MentorCandidate
        from coach.settings import get_settings
        from coach.tasks import _context as draft_context

        settings = get_settings()
        problem = None
        try:
            me, mentor = self.book.pair_for(key)
            self.ctx = draft_context(kind, me, mentor, settings)
        except CoachError:
            problem = self._explain(key) if key is not None else None
            account = self.book.profile().linkedin_account
            stand_in = Profile.model_construct(name="", linkedin_account=account)
            limits = draft_context(
                kind, stand_in, MentorCandidate.model_construct(name="", notes=[]), settings
            )
            self.ctx = None
            self.limit, self.subject_limit = limits.limit, limits.subject_limit
        else:
            self.limit, self.subject_limit = self.ctx.limit, self.ctx.subject_limit
        return problem

    def _explain(self, key: str) -> str:
        """What to fill in before the coach can draft to the candidate under ``key``."""
        from pydantic import ValidationError

        from coach.workbook import CandidateRecord
        from coach.workbook.rules import mentor_of

        try:
            self.book.mentee()
        except (ValidationError, CoachError):
            if not self.book.profile().name.strip():
                return "Add your name in step 00 (About you) first, then come back here."
            return (
                "Something in step 00 (About you) or in your goals (step 01) is too long: "
                "have a look there, then come back here."
            )
        data = self.book.candidate(key) or CandidateRecord()
        first = self._first()
        try:
            mentor_of(data)
        except ValidationError:
            if not data.notes:
                return (
                    f"Add one or two specific things you noticed about {first} in step 03 "
                    "(Candidates) first: the coach writes from them."
                )
            return f"Some of {first}'s details in step 03 (Candidates) need a look first."
        return f"Check your profile (step 00) and {first}'s details (step 03) first."

    # -- what is shown for the text in the box --------------------------------------------

    def _update(self) -> None:
        """Counter, hint, checks and the sent button, all from the text in the box now."""
        self._count()
        self._check()
        saved = self._saved()
        sent_at = saved.sent_at if saved else None
        self.sent_note.value = (
            f"<small>Marked as sent on {esc(_when(sent_at))}.</small>" if sent_at else ""
        )
        again = _sent_again(saved)  # a later message (another follow-up, a check-in)
        self.sent.description = "Mark as sent again" if again else "Mark as sent"
        self.sent.disabled = (bool(sent_at) and not again) or not self.text.value.strip()

    def _count(self) -> None:
        n, s = len(self.text.value), len(self.subject.value)
        over = n > self.limit
        subject_over = self.subject_limit is not None and s > self.subject_limit
        parts = [f"{n} / {self.limit} characters"]
        if self.subject_limit is not None:
            parts.append(f"subject {s} / {self.subject_limit}")
        colour = RED if over or subject_over else GREEN
        self.counter.value = (
            f'<span class="mw-counter" style="color:{colour}">{esc(" · ".join(parts))}</span>'
        )
        hints = []
        if over and self.pair:
            hints.append(
                f"Longer than {kind_noun(self.pair[1])} should be: cut it to {self.limit} "
                "characters before you send it (what you typed is kept)."
            )
        if subject_over:
            hints.append(f"Shorten the subject to {self.subject_limit} characters.")
        self.hint.value = (
            f'<small class="mw-hint" style="color:{RED}">{esc(" ".join(hints))}</small>'
            if hints
            else ""
        )

    def _check(self) -> None:
        from coach.checks import label, run_checks
        from coach.prompts import get_prompt

        if self.ctx is None or self.pair is None or not self.text.value.strip():
            self.checks.value = ""
            return
        subject = self.subject.value if self.subject_limit is not None else None
        names = get_prompt(f"draft-{self.pair[1]}").checks
        ticks = "".join(
            f"<li>{OK if c.passed else WARN} {esc(label(c.name, self.ctx))}"
            f" <small>({esc(c.detail)})</small></li>"
            for c in run_checks(names, self.text.value, subject, self.ctx)
        )
        self.checks.value = f'<ul class="mw-checks">{ticks}</ul>'

    def _show_extras(self, saved: DraftRecord | None) -> None:
        """Advice, sources, alternatives and the share toggle kept with the draft."""
        from coach.widgets.page import share_toggle

        advice = saved.advice if saved else []
        sources = saved.citations() if saved else []
        tips = "".join(f"<li>{esc(t)}</li>" for t in advice)
        self.why.children = [
            *([w.HTML(f"<ul>{tips}</ul>")] if advice else []),
            *([source_list(sources)] if sources else []),
        ]
        alternatives = saved.alternatives if saved else []
        blocks = [(f"Alternative {i}", a) for i, a in enumerate(alternatives, 2)]
        if saved and saved.earlier:
            blocks.append(("Your earlier text", saved.earlier))
        self.alts.children = [
            w.HTML(
                f"<details><summary>{esc(title)}</summary><pre style='white-space:pre-wrap;"
                f"font-family:inherit'>{esc(text)}</pre></details>"
            )
            for title, text in blocks
        ]
        self.share.children = (
            [share_toggle(self.book, DRAFT, draft_key(*self.pair), "text", "outreach draft")]
            if self.pair and saved
            else []
        )

    # -- the person's actions ---------------------------------------------------------

    def _edited(self, _change: object) -> None:
        if self._quiet:
            return
        self._save()
        self._update()

    def _draft(self, _b: object) -> bool:
        """Draft for the pair shown; whether a draft is in the box now."""
        from coach.tasks import draft

        if self.pair is None:
            self.message.value = note(
                "Add a candidate in step 03 (Candidates) first, then come back here.", "warn"
            ).value
            return False
        key, kind = self.pair
        try:
            me, mentor = self.book.pair_for(key)
        except CoachError:
            self.message.value = note(self._explain(key), "warn").value
            return False
        before = self.text.value
        self.message.value = note("The coach is writing…").value
        with self._quietly():
            self.text.value = ""
        # Only a follow-up or thank-you says when the first message went or what was said.
        later = {"history": self.book.draft_history(key)} if kind in LATER_MESSAGES else {}
        try:
            result = draft(
                kind,
                me,
                mentor,
                alternatives=3 if self.more.value else 1,
                on_token=self._token,
                **later,
            )
        except CoachError as exc:
            with self._quietly():
                self.text.value = before  # nothing the person wrote is lost
            self._update()
            self.message.value = note(readable(exc, kind), "warn").value
            return False
        self.show(result, earlier=before)
        return True

    def _token(self, piece: str) -> None:
        with self._quietly():
            self.text.value += piece
        self._count()

    def show(self, d: Draft, earlier: str = "") -> None:
        """Put a new draft in the box for the pair shown, and keep it with its sources."""
        if self.pair is None:
            return
        with self._quietly():
            self.subject.value = d.subject or ""
            self.text.value = d.text
        extras: dict[str, Any] = {
            "advice": list(d.advice),
            "sources": [p.model_dump(mode="json") for p in d.citations],
            "alternatives": [a.text for a in d.alternatives],
            "provider": d.provider,
            "drafted_at": dt.datetime.now().isoformat(timespec="minutes"),
        }
        if earlier.strip() and earlier != d.text:
            extras["earlier"] = earlier
        self._save(**extras)
        self._show_extras(self._saved())
        who = "offline" if d.provider == "offline" else "model"
        done = f"Drafted by the {who} coach: edit it, copy it, and send it yourself."
        if d.fallback_reason:
            done = "The model could not be used just now, so the offline coach drafted this."
        self.message.value = note(done, "ok").value
        self._update()

    def _save(self, sent: bool = False, mine: bool = False, **extras: Any) -> bool:
        """Keep the text as typed (never cut), one record per candidate and kind; False when
        nothing could be saved (another tab changed this draft meanwhile, which the note
        beside the text says, or the workshop has ended)."""
        if self.pair is None:
            return False
        key, kind = self.pair
        if self._saved() is None and not (self.text.value.strip() or self.subject.value.strip()):
            return False  # nothing written for this pair yet
        now = dt.datetime.now().isoformat(timespec="seconds")
        mine_now = {"subject": self.subject.value, "text": self.text.value}
        changes = dict(**mine_now, **extras, edited_at=now)
        if sent:  # with its offset: the note budget counts by the person's calendar month
            changes["sent_at"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        try:
            self.book.save_draft(key, kind, changes, expected=None if mine else dict(self._base))
        except Conflict as exc:

            def keep() -> None:
                if self._save(sent, mine=True, **extras):
                    self._update()

            self.conflict.conflict(
                [str(exc.stored.get("text") or "")], keep=keep, reload=self._load
            )
            return False
        except StoreError as exc:
            self.conflict.refused(exc)
            return False
        self._base = mine_now
        self.conflict.clear()
        return True

    def _mark_sent(self, _b: object, *, confirmed: bool = False) -> None:
        if self.pair is None or not self.text.value.strip():
            self.message.value = note(
                "There is nothing to mark as sent yet: press Draft it or write the text first.",
                "warn",
            ).value
            return
        key, kind = self.pair
        if not confirmed and not self.budget.check_before_sending(
            lambda: self._mark_sent(None, confirmed=True)
        ):
            return  # no personalised notes left this month: the panel asks first
        if not self._save(sent=True):
            return  # the note beside the text says why
        first = self._first()
        try:
            moved = self.book.mark_contacted(key)
            if kind == "follow-up":
                self.book.mark_follow_up_sent(key)
        except StoreError as exc:
            self.message.value = note(str(exc), "warn").value
            return
        self.message.value = note(
            f"Marked as sent; {first} moved to 'contacted'." if moved else "Marked as sent.", "ok"
        ).value
        self._update()
        self.nudges.refresh()
        self.budget.show(kind)

    def _draft_instead(self, kind: str, how: str) -> None:
        """One of the ways in without a personalised note: draft it as ``kind`` for the
        candidate shown (what the box holds for that kind is kept as the earlier text), and
        say how to send it."""
        if self.pair is None:
            return
        self.kind.value = kind  # shows that kind's saved draft for the candidate
        if self._draft(None):
            self.message.value = note(f"Drafted as {kind_noun(kind)}. {how}", "ok").value

    def _nudged(self, nudge: Nudge) -> None:
        """A nudge's action: show its candidate and kind of draft, and draft it, unless
        the box holds the person's own text for it (which stays, as they left it)."""
        from coach.workbook.followups import say, wording

        if nudge.candidate not in [k for _n, k in self.candidate.options]:
            self._reread()  # added in another tab, maybe; or gone
        if nudge.candidate not in [k for _n, k in self.candidate.options] or nudge.action not in [
            k for _l, k in self.kind.options
        ]:
            self.message.value = note(say(wording().messages.gone, name=nudge.first_name)).value
            return
        with self._quietly():
            self.candidate.value, self.kind.value = nudge.candidate, nudge.action
        self._load()
        saved = self._saved()
        if saved and saved.text.strip() and (not saved.sent_at or _sent_again(saved)):
            self.message.value = note(
                say(wording().messages.kept, name=nudge.first_name), "ok"
            ).value
            return
        self._draft(self.go)


def _sent_again(saved: DraftRecord | None, today: dt.date | None = None) -> bool:
    """Whether a later message marked as sent on an earlier day has been drafted or edited
    since: another follow-up or a check-in, to mark as sent again."""
    if saved is None or saved.kind not in LATER_MESSAGES or not saved.sent_at:
        return False
    try:  # both the person's own clock (sent_at has its offset, edited_at none)
        sent = dt.datetime.fromisoformat(saved.sent_at).replace(tzinfo=None)
        edited = dt.datetime.fromisoformat(str(saved.edited_at)).replace(tzinfo=None)
    except ValueError:
        return False
    return sent.date() < (today or dt.date.today()) and edited > sent


@workbook_page("outreach", coach=True)
def outreach_widget(book: Workbook) -> OutreachWidget:
    """The outreach step."""
    return OutreachWidget(book)
