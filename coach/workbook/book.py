"""One person's workbook: their records, typed, over the store, for an owner given
explicitly. Every page, the workbook app, the facilitator's side and the plan export read
and write a person's work through a :class:`Workbook`, so the rules are applied the same
everywhere and nobody's page can reach anyone else's records."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from coach.workbook import kinds, rules
from coach.workbook.owners import OWNER_MAX, default_owner
from coach.workbook.records import (
    RECORDS,
    CandidateRecord,
    DraftRecord,
    GoalRecord,
    JournalRecord,
    MeetingRecord,
    NetworkRecord,
    ProfileRecord,
    Record,
    SharedRecord,
    model_of,
)

if TYPE_CHECKING:
    from coach.language import DraftHistory
    from coach.profiles import MentorCandidate, Profile
    from coach.store import Store
    from coach.workbook.budget import NoteBudget

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class SharedItem:
    """Something a participant chose to show their facilitator."""

    label: str
    text: str


class Workbook:
    """The records of one owner in a store, typed, with the workbook's rules."""

    def __init__(self, store: Store, owner: str) -> None:
        if not owner or len(owner) > OWNER_MAX:
            raise ValueError(f"An owner is 1 to {OWNER_MAX} characters, not {owner!r}")
        self.store, self.owner = store, owner

    @classmethod
    def open(cls, owner: str | None = None) -> Workbook:
        """``owner``'s workbook in the configured store (default: :func:`default_owner`)."""
        from coach.store import get_store

        return cls(get_store(), owner if owner is not None else default_owner())

    def __repr__(self) -> str:
        return f"Workbook(owner={self.owner!r})"

    # -- any kind ------------------------------------------------------------------------

    def get(self, model: type[R], key: str) -> R | None:
        """One record of ``model``'s kind, or None."""
        data = self.store.get(self.owner, model.KIND, key)
        return None if data is None else model.load(data)

    def all(self, model: type[R]) -> list[tuple[str, R]]:
        """Every record of ``model``'s kind (key, record), oldest first."""
        return [(k, model.load(d)) for k, d in self.store.all(self.owner, model.KIND)]

    def patch(
        self,
        kind: str,
        key: str,
        changes: dict[str, Any],
        *,
        expected: dict[str, Any] | None = None,
    ) -> int:
        """Save only the given fields of one record (see :meth:`coach.store.Store.patch`:
        :class:`~coach.store.Conflict` when another tab changed one of ``expected``)."""
        fields = model_of(kind).model_fields
        unknown = sorted(set(changes) - set(fields))
        if unknown:
            raise ValueError(f"A {kind} record has no field {', '.join(unknown)}")
        return self.store.patch(self.owner, kind, key, changes, expected=expected)

    def delete(self, kind: str, key: str) -> None:
        """Remove one record (and the note that it is shared, if it was)."""
        self.store.delete(self.owner, kind, key)
        self.store.delete(self.owner, kinds.SHARED, kinds.shared_key(kind, key))

    def export(self) -> dict[str, Any]:
        """Everything this person saved, JSON-ready ("download my data")."""
        return self.store.export(self.owner)

    def erase(self) -> int:
        """Delete everything this person saved ("delete my data"); how many records went."""
        return self.store.erase(self.owner)

    # -- the person ----------------------------------------------------------------------

    def profile(self) -> ProfileRecord:
        """Who the person said they are (empty fields until they do)."""
        return self.get(ProfileRecord, kinds.PROFILE_KEY) or ProfileRecord()

    def goals(self) -> list[tuple[str, GoalRecord]]:
        """The saved goals (key, goal)."""
        return self.all(GoalRecord)

    def goal_titles(self) -> dict[str, str]:
        """Each goal with a title: key -> title."""
        return rules.goal_titles(self.goals())

    def mentee(self) -> Profile:
        """The person as the coach sees them (raises ValidationError: what to fix)."""
        return rules.mentee_of(self.profile(), (g for _k, g in self.goals()))

    # -- the network ---------------------------------------------------------------------

    def network(self) -> list[tuple[str, NetworkRecord]]:
        """Everyone in the person's developmental network."""
        return self.all(NetworkRecord)

    def add_person(self, person: NetworkRecord) -> str:
        """Add someone to the network; returns their key."""
        key = uuid.uuid4().hex[:12]
        self.store.put(self.owner, kinds.NETWORK, key, person.stored())
        return key

    # -- candidates ----------------------------------------------------------------------

    def candidates(self) -> list[tuple[str, CandidateRecord]]:
        """Every candidate (key, candidate), oldest first."""
        return self.all(CandidateRecord)

    def candidate(self, key: str) -> CandidateRecord | None:
        """One candidate, or None."""
        return self.get(CandidateRecord, key)

    def add_candidate(self, mentor: MentorCandidate, today: dt.date | None = None) -> str:
        """Add a candidate at the pipeline's first stage; returns their key."""
        key = uuid.uuid4().hex[:12]
        self.store.put(self.owner, kinds.CANDIDATE, key, rules.new_candidate(mentor, today))
        return key

    def _change_candidate(
        self,
        key: str,
        change: Callable[[CandidateRecord], dict[str, Any]],
        fallback: CandidateRecord | None,
    ) -> CandidateRecord:
        """Change a candidate atomically (another tab's edits stay); a candidate deleted
        meanwhile comes back as ``fallback`` with the change. Returns it as saved."""
        saved: list[dict[str, Any]] = []

        def apply(data: dict[str, Any]) -> dict[str, Any]:
            base = data or (fallback.stored() if fallback else {})
            new = {**base, **change(CandidateRecord.load(base))}
            saved.append(new)
            return new

        self.store.update(self.owner, kinds.CANDIDATE, key, apply)
        return CandidateRecord.load(saved[-1])

    def move_candidate(
        self,
        key: str,
        stage: str,
        *,
        today: dt.date | None = None,
        fallback: CandidateRecord | None = None,
    ) -> CandidateRecord:
        """Move a candidate to ``stage``, with the day it was reached."""
        return self._change_candidate(key, lambda c: rules.stage_changes(c, stage, today), fallback)

    def rate_candidate(
        self, key: str, question: str, value: int, *, fallback: CandidateRecord | None = None
    ) -> CandidateRecord:
        """Save one of the five ratings (the other four as saved, maybe by another tab)."""
        return self._change_candidate(
            key, lambda c: {"ratings": {**c.ratings, question: value}}, fallback
        )

    def mark_contacted(self, key: str, today: dt.date | None = None) -> bool:
        """A first message went: move the candidate to 'contacted' if they were not there
        or further yet. Whether they moved."""
        moved = False

        def contacted(data: dict[str, Any]) -> dict[str, Any] | None:
            nonlocal moved
            changes = rules.contacted_changes(CandidateRecord.load(data), today) if data else {}
            moved = bool(changes)
            return {**data, **changes} if moved else None

        self.store.update(self.owner, kinds.CANDIDATE, key, contacted)
        return moved

    def mark_follow_up_sent(self, key: str, today: dt.date | None = None) -> bool:
        """A follow-up went: add today's day to the candidate's follow-ups, atomically (once
        a day). Whether it was added."""
        added = False

        def follow_up(data: dict[str, Any]) -> dict[str, Any] | None:
            nonlocal added
            changes = rules.follow_up_changes(CandidateRecord.load(data), today) if data else {}
            added = bool(changes)
            return {**data, **changes} if added else None

        self.store.update(self.owner, kinds.CANDIDATE, key, follow_up)
        return added

    def delete_candidate(self, key: str) -> int:
        """Delete a candidate with their drafts and meetings (and what was shared of them);
        returns how many records went."""
        gone = [(kinds.DRAFT, k) for k, d in self.drafts() if d.candidate == key]
        gone += [(kinds.MEETING, k) for k, m in self.meetings() if m.candidate == key]
        gone += [(kinds.SHARED, kinds.shared_key(kind, k)) for kind, k in gone]
        gone.append((kinds.CANDIDATE, key))
        for kind, k in gone:
            self.store.delete(self.owner, kind, k)
        return len(gone)

    def pair_for(self, key: str | None) -> tuple[Profile, MentorCandidate]:
        """(The person, the candidate under ``key``) as the coach drafts from them, or a
        :class:`~coach.errors.CoachError` saying what to fill in first, and where."""
        from pydantic import ValidationError

        from coach.errors import CoachError
        from coach.profiles import say_what_to_fix

        if key is None:
            raise CoachError("Add a candidate in step 03 first.")
        found = self.candidate(key)
        if found is None:
            raise CoachError(
                "That candidate is no longer saved: choose another, or add them again."
            )
        try:
            me = self.mentee()
        except ValidationError as exc:
            raise CoachError(
                f"{say_what_to_fix(exc)} (in step 00, Start here, or step 01, Goals)"
            ) from None
        try:
            return me, rules.mentor_of(found)
        except ValidationError as exc:
            raise CoachError(f"{say_what_to_fix(exc)} (in step 03, Candidates)") from None

    # -- outreach ------------------------------------------------------------------------

    def drafts(self) -> list[tuple[str, DraftRecord]]:
        """Every saved draft (key, draft)."""
        return self.all(DraftRecord)

    def latest_draft(self, candidate: str, kind: str) -> DraftRecord | None:
        """The draft kept for ``candidate`` as ``kind``, or None."""
        found = self.get(DraftRecord, kinds.draft_key(candidate, kind))
        if found and (found.candidate, found.kind) != (candidate, kind):
            return None  # a key cut at 64 characters that belongs to another pair
        return found

    def save_draft(
        self,
        candidate: str,
        kind: str,
        changes: dict[str, Any],
        *,
        expected: dict[str, Any] | None = None,
    ) -> int:
        """Save fields of the draft kept for ``candidate`` as ``kind``."""
        fields = {**changes, "candidate": candidate, "kind": kind}
        key = kinds.draft_key(candidate, kind)
        return self.patch(kinds.DRAFT, key, fields, expected=expected)

    def last_worked_on(
        self, candidates: Iterable[str], draft_kinds: Iterable[str]
    ) -> tuple[str, str] | None:
        """(candidate, kind) of the saved draft edited last, among those given."""
        allowed, shown = set(candidates), set(draft_kinds)
        drafts = [d for _k, d in self.drafts() if d.candidate in allowed and d.kind in shown]
        if not drafts:
            return None
        last = max(reversed(drafts), key=lambda d: str(d.edited_at or ""))
        return last.candidate, last.kind

    def draft_history(self, candidate: str, today: dt.date | None = None) -> DraftHistory:
        """What a follow-up or thank-you to ``candidate`` can say: the day the first message
        was marked as sent (or the candidate moved to 'contacted'), and the latest
        meeting's notes."""
        from coach.language import DraftHistory

        found = self.candidate(candidate) or CandidateRecord()
        first = rules.first_sent(candidate, found, (d for _k, d in self.drafts()))
        meetings = [m for _k, m in self.meetings() if m.candidate == candidate and m.notes.strip()]
        latest = max(meetings, key=lambda m: m.date, default=None)
        return DraftHistory(
            first_sent=first,
            today=today or dt.date.today(),
            discussed=latest.notes if latest else "",
        )

    def note_budget(self, now: dt.datetime | None = None) -> NoteBudget:
        """The personalised LinkedIn notes left this calendar month (in the person's time
        zone), and how many invitations went in the last day (see
        :mod:`coach.workbook.budget`)."""
        from coach.settings import get_settings
        from coach.workbook.budget import note_budget

        per_month = get_settings().free_notes_per_month
        drafts = (d for _k, d in self.drafts())
        return note_budget(self.profile(), drafts, per_month=per_month, now=now)

    def set_timezone(self, name: str) -> bool:
        """Keep the time zone the person's browser reported, when it is one this machine
        knows and differs from the saved one; whether it was saved."""
        from coach.workbook.budget import valid_zone

        if not valid_zone(name) or self.profile().timezone == name:
            return False
        self.patch(kinds.PROFILE, kinds.PROFILE_KEY, {"timezone": name})
        return True

    # -- meetings ------------------------------------------------------------------------

    def meetings(self) -> list[tuple[str, MeetingRecord]]:
        """Every saved meeting (key, meeting)."""
        return self.all(MeetingRecord)

    def meeting(self, candidate: str, phase: str) -> MeetingRecord | None:
        """The meeting kept for ``candidate`` and ``phase``, or None."""
        return self.get(MeetingRecord, kinds.meeting_key(candidate, phase))

    def planned_meetings(self) -> list[tuple[str, MeetingRecord, CandidateRecord]]:
        """(key, meeting, with whom) for each meeting with a planned agenda, with a
        candidate who is still saved."""
        people = dict(self.candidates())
        return [
            (key, m, people[m.candidate])
            for key, m in self.meetings()
            if m.has_agenda and m.candidate in people
        ]

    def plan_meeting(
        self, candidate: str, phase: str, agenda: dict[str, Any], day: dt.date, time: str
    ) -> int:
        """Keep a planned agenda with its date and time (the meeting's notes and actions,
        maybe typed in another tab, stay as saved)."""
        changes = {
            "agenda": agenda,
            "date": day.isoformat(),
            "time": time,
            "candidate": candidate,
            "phase": phase,
        }
        return self.patch(kinds.MEETING, kinds.meeting_key(candidate, phase), changes)

    # -- the journal ---------------------------------------------------------------------

    def journal(self) -> list[tuple[str, JournalRecord]]:
        """The journal (key, entry), newest first."""
        return rules.journal_newest_first(self.all(JournalRecord))

    def add_journal_entry(
        self, text: str, progress: dict[str, int], now: dt.datetime | None = None
    ) -> str:
        """A new entry under its own key (nothing another tab wrote is touched); its key."""
        now = now or dt.datetime.now()
        entry = JournalRecord(date=now.date().isoformat(), text=text, progress=progress)
        key = rules.journal_key(now)
        self.store.put(self.owner, kinds.JOURNAL, key, entry.stored())
        return key

    # -- sharing with a facilitator ------------------------------------------------------

    def is_shared(self, kind: str, key: str) -> bool:
        """Whether the item is shared with the facilitator."""
        return self.store.get(self.owner, kinds.SHARED, kinds.shared_key(kind, key)) is not None

    def share(self, kind: str, key: str, field: str, label: str) -> None:
        """Show one field of one item to the workshop's facilitator."""
        if field not in model_of(kind).model_fields:
            raise ValueError(f"A {kind} record has no field {field!r}")
        ref = SharedRecord(kind=kind, key=key, field=field, label=label)
        self.store.put(self.owner, kinds.SHARED, kinds.shared_key(kind, key), ref.stored())

    def unshare(self, kind: str, key: str) -> None:
        """Stop showing the item to the facilitator."""
        self.store.delete(self.owner, kinds.SHARED, kinds.shared_key(kind, key))

    def shared_items(self) -> list[SharedItem]:
        """What the person shared (and still has): the only text a facilitator sees."""
        out = []
        for _key, ref in self.all(SharedRecord):
            model = RECORDS.get(ref.kind)
            item = self.get(model, ref.key) if model else None
            text = item.saved(ref.field) if item else None
            if text:
                out.append(SharedItem(ref.label, str(text)))
        return out

    # -- progress ------------------------------------------------------------------------

    def steps_done(self) -> set[str]:
        """The steps this person has done (see :func:`coach.workbook.rules.step_completed`)."""
        step_kinds = tuple(kinds.STEP_OF_KIND)
        rows = self.store.records(self.owner, step_kinds)
        return rules.steps_completed((kind, data) for kind, _key, data in rows)

    def record_activity(self, step: str, at: str) -> None:
        """Note where a workshop participant is now (the step last opened, and when)."""
        from coach.workbook.records import ActivityRecord

        data = ActivityRecord(step=step, at=at).stored()
        self.store.put(self.owner, kinds.ACTIVITY, kinds.ACTIVITY_KEY, data)
