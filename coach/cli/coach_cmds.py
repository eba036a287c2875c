"""`mentor-coach ask | draft | agenda | doctor`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from coach.cli.common import json_option, print_json
from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.workbook.budget import NoteBudget


def add_commands(sub: Any) -> None:
    """Register the coach commands on the CLI's subparsers; the kinds of draft and the
    meeting phases are those of ``prompts/vocabulary.yaml``."""
    js = [json_option()]
    a = sub.add_parser(
        "ask", help="ask the coach a question; the answer cites its sources", parents=js
    )
    a.add_argument("question", metavar="QUESTION", help="your question, in quotes")
    a.set_defaults(func=cmd_ask)

    d = sub.add_parser("draft", help="draft outreach to a possible mentor (never sent)", parents=js)
    d.add_argument("kind", choices=_Names("draft_kinds"), metavar="KIND", help="one of %(choices)s")
    d.add_argument("--me", type=Path, required=True, help="your profile (see examples/me.yaml)")
    d.add_argument("--mentor", type=Path, required=True, help="the mentor (examples/mentor.yaml)")
    d.add_argument(
        "--alternatives",
        type=int,
        default=1,
        choices=[1, 2, 3],
        help="how many different versions to draft (1)",
    )
    d.add_argument(
        "--sent",
        type=_date,
        metavar="YYYY-MM-DD",
        help="for a follow-up or thank-you: the day the first message was sent",
    )
    d.add_argument("--discussed", metavar="TEXT", help="for a thank-you: what the meeting covered")
    d.set_defaults(func=cmd_draft)

    g = sub.add_parser("agenda", help="plan a mentoring meeting that fits its length", parents=js)
    g.add_argument(
        "phase", choices=_Names("agenda_phases"), metavar="PHASE", help="one of %(choices)s"
    )
    g.add_argument("--me", type=Path, required=True, help="your profile (see examples/me.yaml)")
    g.add_argument("--mentor", type=Path, required=True, help="the mentor (examples/mentor.yaml)")
    g.add_argument("--minutes", type=int, default=45, help="how long the meeting is (%(default)s)")
    g.add_argument("--markdown", type=Path, metavar="FILE", help="also write the agenda here")
    g.add_argument("--ics", type=Path, metavar="FILE", help="also write a calendar event here")
    g.add_argument("--start", metavar="'YYYY-MM-DD HH:MM'", help="meeting start, for --ics")
    g.set_defaults(func=cmd_agenda)

    r = sub.add_parser(
        "refine-goal", help="suggest sharper, SMART wording for a development goal", parents=js
    )
    r.add_argument("goal", metavar="GOAL", help="the goal in your own words, in quotes")
    r.add_argument("--measure", default="", help="how you will know it is done")
    r.add_argument("--by", type=_date, metavar="YYYY-MM-DD", help="your target date")
    r.add_argument("--why", default="", help="why the goal matters to you")
    r.set_defaults(func=cmd_refine_goal)

    doc = sub.add_parser(
        "doctor", help="what is configured and reachable (secrets masked)", parents=js
    )
    doc.set_defaults(func=cmd_doctor)


class _Names(Sequence[str]):
    """Choices from ``coach.prompts`` (``draft_kinds``, ``agenda_phases``), read when
    argparse first needs them: `mentor-coach --help` and the other commands do not pay for
    the prompt files (and pydantic) to be read."""

    def __init__(self, reader: str) -> None:
        self._reader = reader
        self._names: tuple[str, ...] | None = None

    def _all(self) -> tuple[str, ...]:
        if self._names is None:
            import coach.prompts

            self._names = getattr(coach.prompts, self._reader)()
        return self._names

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        return self._all()[i]

    def __len__(self) -> int:
        return len(self._all())


def _date(text: str) -> dt.date:
    """A YYYY-MM-DD argument, or an error argparse shows with the option's name."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-03") from None


class _Streamer:
    """Prints tokens as a model writes them, and remembers what it printed."""

    def __init__(self) -> None:
        self.text = ""

    def __call__(self, piece: str) -> None:
        self.text += piece
        sys.stdout.write(piece)
        sys.stdout.flush()

    def showed(self, text: str) -> bool:
        """True when ``text`` is exactly what was streamed (no need to print it again)."""
        return self.text.strip() == text.strip()


def _streamer(args: argparse.Namespace) -> _Streamer | None:
    """A streamer when a model will write (never in --json mode): an engine that composes
    (it has no model) gives its result whole."""
    from coach.engines.registry import get_engine
    from coach.settings import get_settings

    if args.json or get_engine(get_settings()).model is None:
        return None
    print("The model is writing…", file=sys.stderr)
    return _Streamer()


def _sources(passages: list[Any]) -> None:
    if passages:
        print("\nSources:")
        for n, p in enumerate(passages, 1):
            print(f"  [{n}] {p.title} › {p.section} ({p.source})")


def _engine_line(provider: str, fallback: str | None) -> None:
    if fallback:
        print(f"note: {fallback}", file=sys.stderr)
    print(f"(coach engine: {provider})", file=sys.stderr)


def _note_budget(account: str) -> NoteBudget | None:
    """This month's budget of personalised LinkedIn notes for an account of this type, from
    the notes marked as sent in the workbook (None when the workbook cannot be read)."""
    from coach.settings import get_settings
    from coach.store import StoreError
    from coach.workbook import ProfileRecord, Workbook
    from coach.workbook.budget import note_budget

    try:
        book = Workbook.open()
        profile = ProfileRecord(linkedin_account=account, timezone=book.profile().timezone)
        drafts = [d for _k, d in book.drafts()]
    except (CoachError, StoreError):
        return None
    per_month = get_settings().free_notes_per_month
    return note_budget(profile, drafts, per_month=per_month)


def _budget_lines(budget: NoteBudget) -> list[str]:
    """The budget line, and what works instead when no note is left."""
    from coach.prompts import page_texts

    lines = [f"Note budget: {budget.line()}"]
    if budget.exhausted:
        lines.append("No personalised note left this month. What works instead:")
        for way in page_texts("note-budget").get("instead"):
            lines.append(f"  - {way['label']} (mentor-coach draft {way['kind']}): {way['how']}")
    return lines


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer a question from the corpus."""
    from coach.tasks import ask

    stream = _streamer(args)
    answer = ask(args.question, on_token=stream)
    if args.json:
        print_json(answer.model_dump(mode="json"))
        return 0
    if stream and stream.text:
        print("\n")
    if not (stream and stream.showed(answer.text)):
        print(answer.text)
    _sources(answer.citations)
    _engine_line(answer.provider, answer.fallback_reason)
    return 0


def cmd_refine_goal(args: argparse.Namespace) -> int:
    """Suggest a SMART rewording of a goal, with what changed and what is still missing."""
    from coach.tasks import refine_goal

    found = refine_goal(args.goal, why=args.why, measure=args.measure, target_date=args.by)
    if args.json:
        print_json(found.model_dump(mode="json"))
        return 0
    if found.suggestion:
        print(f"Suggestion: {found.suggestion}")
    print(found.reason)
    _sources(found.citations)
    _engine_line(found.provider, found.fallback_reason)
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    """Draft outreach and show its checks and sources."""
    from coach.profiles import MentorCandidate, Profile
    from coach.tasks import draft

    me, mentor = Profile.from_yaml(args.me), MentorCandidate.from_yaml(args.mentor)
    stream = _streamer(args)
    history = None
    if args.sent or args.discussed:
        from coach.language import DraftHistory

        history = DraftHistory(args.sent, dt.date.today(), args.discussed or "")
    result = draft(
        args.kind, me, mentor, alternatives=args.alternatives, on_token=stream, history=history
    )
    from coach.workbook.budget import NOTE_KIND

    budget = _note_budget(me.linkedin_account) if args.kind == NOTE_KIND else None
    if args.json:
        data = result.model_dump(mode="json")
        if budget is not None:
            data["note_budget"] = budget.to_dict()
        print_json(data)
        return 0
    if stream and stream.text:
        print("\n")
    for n, version in enumerate([result, *result.alternatives], 1):
        if args.alternatives > 1:
            print(f"--- version {n} ---")
        shown = stream is not None and n == 1 and stream.showed(version.text)
        if stream and stream.text and not shown and n == 1:
            print("Final draft:")
        if version.subject and not shown:
            print(f"Subject: {version.subject}\n")
        if not shown:
            print(version.text)
        print("\nChecks:")
        for c in version.checks:
            print(f"  {'✓' if c.passed else '✗'} {c.name}: {c.detail}")
        print()
    for tip in result.advice:
        print(f"Tip: {tip}")
    _sources(result.citations)
    if budget is not None:
        print("\n" + "\n".join(_budget_lines(budget)))
    print("\nNothing has been sent: copy the text and send it yourself.")
    _engine_line(result.provider, result.fallback_reason)
    return 0


def cmd_agenda(args: argparse.Namespace) -> int:
    """Plan a meeting; optionally write Markdown and .ics files."""
    from coach.exports import agenda_ics, agenda_markdown
    from coach.profiles import MentorCandidate, Profile
    from coach.tasks import agenda

    me, mentor = Profile.from_yaml(args.me), MentorCandidate.from_yaml(args.mentor)
    result = agenda(args.phase, me, mentor, args.minutes)
    md = agenda_markdown(result)
    if args.markdown:
        args.markdown.write_text(md, encoding="utf-8")
    if args.ics:
        if not args.start:
            raise CoachError("--ics needs --start 'YYYY-MM-DD HH:MM' (the meeting's start)")
        try:
            start = dt.datetime.fromisoformat(args.start)
        except ValueError:
            raise CoachError(
                f"--start {args.start!r} is not a date and time like 2026-12-01 10:00"
            ) from None
        args.ics.write_bytes(agenda_ics(result, start))
    if args.json:
        print_json(result.model_dump(mode="json"))
        return 0
    print(md, end="")
    for path in (args.markdown, args.ics):
        if path:
            print(f"wrote {path}", file=sys.stderr)
    _engine_line(result.provider, result.fallback_reason)
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """Report configuration and reachability, with secrets masked."""
    from coach.doctor import diagnose

    report = diagnose()
    if args.json:
        print_json(report)
        return 0
    for section, rows in report.items():
        print(section)
        for key, value in rows.items():
            print(f"  {key:<22} {value}")
    return 0
