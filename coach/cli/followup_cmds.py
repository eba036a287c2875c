"""`mentor-coach followups [snooze | dismiss | ics ID]`: the follow-ups due in your workbook
(the personal one: the same nudges the outreach and meetings steps show)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.cli.common import json_option, print_json
from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.workbook import Workbook
    from coach.workbook.followups import Nudge

ACTIONS = ("list", "snooze", "dismiss", "ics")
LISTS_THEM = "`mentor-coach followups` lists the ids of the follow-ups due"


def add_commands(sub: Any) -> None:
    """Register ``followups`` on the CLI's subparsers."""
    f = sub.add_parser(
        "followups",
        parents=[json_option()],
        help="follow-ups due: no reply after a week, notes after a meeting, check-ins",
        description="The follow-ups due in your workbook, one a line: its id, the day it "
        "is due and what to do. Snooze one for a while, dismiss it for good, or write a "
        "calendar reminder for it. Nothing is ever sent for you.",
        epilog="Examples: mentor-coach followups; mentor-coach followups snooze ID --days 3; "
        "mentor-coach followups ics ID --out follow-up.ics",
    )
    f.add_argument(
        "action",
        nargs="?",
        default="list",
        choices=ACTIONS,
        metavar="ACTION",
        help="list (the default), snooze ID, dismiss ID, or ics ID --out FILE",
    )
    f.add_argument("id", nargs="?", metavar="ID", help=f"a follow-up's id ({LISTS_THEM})")
    f.add_argument(
        "--days", type=int, default=None, metavar="N", help="with snooze: hide it for N days (7)"
    )
    f.add_argument(
        "--out", type=Path, metavar="FILE", help="with ics: where to write the reminder (.ics)"
    )
    f.add_argument(
        "--today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="count from this day instead of today (to see what will be due)",
    )
    f.set_defaults(func=cmd_followups)


def _date(text: str) -> dt.date:
    """A YYYY-MM-DD argument, or an error argparse shows with the option's name."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-03") from None


def cmd_followups(args: argparse.Namespace) -> int:
    """List the follow-ups due, or snooze, dismiss or export one of them."""
    from coach.workbook import Workbook

    today: dt.date = args.today or dt.date.today()
    if args.action != "snooze" and args.days is not None:
        raise CoachError("--days goes with snooze: mentor-coach followups snooze ID --days N")
    if args.action != "ics" and args.out is not None:
        raise CoachError("--out goes with ics: mentor-coach followups ics ID --out FILE")
    book = Workbook.open()
    if args.action == "list":
        if args.id is not None:
            raise CoachError(
                f"'followups' alone takes no id: say what to do with {args.id!r} "
                "(snooze, dismiss or ics)"
            )
        return _list(book, today, args.json)
    nudge = _find(book, args.action, args.id, today)
    if args.action == "snooze":
        return _snooze(book, nudge, args.days, today, args.json)
    if args.action == "dismiss":
        return _dismiss(book, nudge, args.json)
    return _ics(nudge, args.out, today, args.json)


def _list(book: Workbook, today: dt.date, as_json: bool) -> int:
    from coach.workbook.followups import for_book, wording

    due = for_book(book, today)
    if as_json:
        print_json([n.as_json() for n in due])
    elif not due:
        print(wording().messages.none)
    else:
        for n in due:
            print(f"{n.id}  {n.due.isoformat()}  {n.title}")
    return 0


def _find(book: Workbook, action: str, nudge_id: str | None, today: dt.date) -> Nudge:
    from coach.workbook.followups import find

    if not nudge_id:
        raise CoachError(f"{action} needs the follow-up's id: {LISTS_THEM}.")
    found = find(book, nudge_id, today)
    if found is None:
        raise CoachError(
            f"There is no follow-up {nudge_id!r} due on {today.isoformat()}: {LISTS_THEM}."
        )
    return found


def _snooze(book: Workbook, nudge: Nudge, days: int | None, today: dt.date, as_json: bool) -> int:
    from coach.workbook.followups import SNOOZE_DAYS, say, snooze, wording

    days = SNOOZE_DAYS if days is None else days
    if not 1 <= days <= 365:
        raise CoachError(f"--days {days}: snooze for 1 to 365 days")
    mark = snooze(book, nudge.id, days, today)
    if as_json:
        print_json({"id": nudge.id, "state": mark.state, "until": mark.until})
    else:
        back = dt.date.fromisoformat(mark.until or today.isoformat())
        print(say(wording().messages.snoozed, date=back, today=today), nudge.title)
    return 0


def _dismiss(book: Workbook, nudge: Nudge, as_json: bool) -> int:
    from coach.workbook.followups import dismiss, wording

    mark = dismiss(book, nudge.id)
    if as_json:
        print_json({"id": nudge.id, "state": mark.state})
    else:
        print(wording().messages.dismissed, nudge.title)
    return 0


def _ics(nudge: Nudge, out: Path | None, today: dt.date, as_json: bool) -> int:
    from coach.exports import nudge_ics

    if out is None:
        raise CoachError("ics needs --out FILE: where to write the reminder (e.g. follow-up.ics)")
    try:
        out.write_bytes(nudge_ics(nudge, today=today))
    except OSError as exc:
        raise CoachError(
            f"Could not write {out}: {exc.strerror or exc}; choose another --out"
        ) from None
    if as_json:
        print_json({"id": nudge.id, "out": str(out)})
    else:
        print(f"wrote {out}: open it to add the reminder to your calendar")
    return 0
