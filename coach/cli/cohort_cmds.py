"""`mentor-coach cohort create | list | status | pairs | match | export | close | rehearse`:
run a workshop."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from coach.cli.common import json_option, print_json
from coach.errors import CoachError

COHORT = "the cohort's name (see `mentor-coach cohort list`)"


def add_commands(sub: Any) -> None:
    """Register ``cohort`` and its subcommands on the CLI's subparsers."""
    co = sub.add_parser(
        "cohort", help="run a workshop: cohorts, join links, progress, pairs, matches, rehearsals"
    )
    acts = co.add_subparsers(dest="action", metavar="ACTION", required=True)
    js = [json_option()]

    c = acts.add_parser(
        "create",
        help="create a cohort and a printable handout of join links",
        parents=js,
        epilog="--json includes the secret join links: keep its output private.",
    )
    c.add_argument("name", metavar="NAME", help="letters, digits, '-' or '_' (e.g. spring-2026)")
    who = c.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--roster",
        type=Path,
        metavar="CSV",
        help="UTF-8 CSV: name[,email,offers,goals]; for mentor matching also role (mentor, "
        "mentee or both), capacity (mentees per mentor, 2 if empty), organization and wants "
        "(inside, outside or either)",
    )
    who.add_argument("--seats", type=int, metavar="N", help="N anonymous seats instead")
    c.add_argument(
        "--base-url",
        default="http://127.0.0.1:8866",
        metavar="URL",
        help="the address participants open (default: %(default)s)",
    )
    c.add_argument("--days", type=int, default=14, metavar="N", help="links work N days (14)")
    c.add_argument("--title", metavar="TEXT", help="workshop title on the handout")
    c.add_argument(
        "--out", type=Path, default=Path("."), metavar="DIR", help="where the handout goes (.)"
    )
    c.set_defaults(func=cmd_create)

    ls = acts.add_parser("list", help="list cohorts", parents=js)
    ls.set_defaults(func=cmd_list)

    st = acts.add_parser("status", help="steps done per participant and who is stuck", parents=js)
    st.add_argument("name", metavar="NAME", help=COHORT)
    st.set_defaults(func=cmd_status)

    pa = acts.add_parser(
        "pairs", help="pairs or triads for peer practice (goals meet offers)", parents=js
    )
    pa.add_argument("name", metavar="NAME", help=COHORT)
    pa.add_argument(
        "--size", type=int, default=2, choices=[2, 3], help="2 for pairs, 3 for triads (2)"
    )
    pa.add_argument("--seed", type=int, metavar="N", help="another seed, other groups")
    pa.set_defaults(func=cmd_pairs)

    ma = acts.add_parser(
        "match",
        help="propose one mentor per mentee (goals meet offers, within capacity)",
        parents=js,
        description="Propose one mentor per mentee from the roster's roles: each mentor takes "
        "up to their capacity, goals that meet a mentor's offers come first, and a mentee who "
        "asked for a mentor inside (or outside) their organization gets one where anyone fits. "
        "Proposing again replaces the proposals; approved matches stay. Each match has a score "
        "(0-100: the share of the mentee's goal words the mentor offers) and a reason naming "
        "only the words that matched.",
        epilog="Participants see a match only once it is approved: on the facilitator "
        "dashboard, or with --approve-all.",
    )
    ma.add_argument("name", metavar="NAME", help=COHORT)
    ma.add_argument(
        "--seed", type=int, metavar="N", help="another seed, other ties broken (the cohort's)"
    )
    ma.add_argument(
        "--approve-all",
        action="store_true",
        help="approve every proposed match now (without the dashboard): participants see them",
    )
    ma.set_defaults(func=cmd_match)

    ex = acts.add_parser(
        "export", help="progress as CSV: steps done, last active (no text)", parents=js
    )
    ex.add_argument("name", metavar="NAME", help=COHORT)
    ex.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    ex.set_defaults(func=cmd_export)

    cl = acts.add_parser(
        "close", help="end access now; --purge also deletes participant data", parents=js
    )
    cl.add_argument("name", metavar="NAME", help=COHORT)
    cl.add_argument("--purge", action="store_true", help="delete every participant's data")
    cl.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    cl.set_defaults(func=cmd_close)

    rh = acts.add_parser(
        "rehearse",
        parents=js,
        help="simulated participants, all at once, against a running workshop server",
        description="Rehearse a workshop before the day: N simulated participants open their "
        "join links at the same moment, then set a goal, add a mentor candidate and draft "
        "outreach, as their browsers would (over HTTP and the kernel websocket). They use "
        "seats of a throwaway cohort NAME-rehearsal, deleted with everything they saved "
        "afterwards: cohort NAME's own seats and data are never touched. Run it where the "
        "server's store is (the same COACH_HOME or COACH_DATABASE_URL); on the server's "
        "machine it also shows the server's memory per participant.",
        epilog="Exit status: 0 when nothing failed; 1 when a step failed, something was "
        "not saved, or the dashboard did not add up; 2 when the rehearsal could not start "
        "(no server at the address, another store, a name in use).",
    )
    rh.add_argument(
        "name",
        metavar="NAME",
        help="the cohort to rehearse for (it need not exist yet; its address is the default)",
    )
    rh.add_argument(
        "--participants",
        type=int,
        metavar="N",
        help="simulated participants at once, 1 to 500 (default: cohort NAME's seats)",
    )
    rh.add_argument(
        "--url",
        metavar="URL",
        help="the workshop server's address (default: cohort NAME's --base-url, else "
        "http://127.0.0.1:8866, where `mentor-coach serve --workshop` listens by default)",
    )
    rh.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="S",
        help="seconds a simulated person waits for each step (default: %(default)s)",
    )
    rh.set_defaults(func=cmd_rehearse)


def _write_private(path: Path, data: bytes) -> None:
    """Write a new file readable by its owner only (it holds join links)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def cmd_create(args: argparse.Namespace) -> int:
    """Create the cohort, write the handout (HTML and PDF), show the facilitator link."""
    from coach.cohorts import create_cohort, delete_cohort, handout_html, handout_pdf

    out: Path = args.out
    html_path, pdf_path = out / f"{args.name}-handout.html", out / f"{args.name}-handout.pdf"
    for path in (html_path, pdf_path):
        if path.exists():  # checked first: the links exist only until the handout is written
            raise CoachError(f"{path} already exists; move it away or choose --out DIR.")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CoachError(f"Cannot create {out}: {exc.strerror}. Choose --out DIR.") from None
    created = create_cohort(
        args.name,
        roster=args.roster,
        seats=args.seats,
        base_url=args.base_url,
        days=args.days,
        title=args.title,
    )
    try:
        page, pdf = handout_html(created).encode("utf-8"), handout_pdf(created)
        _write_private(html_path, page)
        _write_private(pdf_path, pdf)
    # whatever failed, the links would be lost: undo the cohort, say why
    except Exception as exc:  # noqa: BLE001 (links lost: undo, say why)
        for path in (html_path, pdf_path):
            path.unlink(missing_ok=True)
        delete_cohort(created.cohort.name)  # its links were never handed out
        raise CoachError(
            f"Could not write the handout ({type(exc).__name__}: {exc}); the cohort was not "
            "kept. Fix that and run the command again."
        ) from None
    cohort = created.cohort
    if args.json:
        print_json(
            {
                "cohort": cohort.to_dict(),
                "handout": {"html": str(html_path), "pdf": str(pdf_path)},
                "facilitator_url": created.facilitator_url,
                "secret_join_links": [
                    {"participant_id": p.id, "display_name": p.display_name, "join_url": url}
                    for p, url in created.links
                ],
            }
        )
        return 0
    print(
        f"Created cohort '{cohort.name}' ({cohort.title}): {cohort.participant_count} "
        f"participants, links work until {cohort.expires_at:%Y-%m-%d %H:%M} UTC."
    )
    print("Handout with everyone's private join link (print it, hand it out, then delete it):")
    print(f"  {html_path}\n  {pdf_path}")
    print("Facilitator dashboard (shown only this once; keep it private):")
    print(f"  {created.facilitator_url}")
    port = (
        created.cohort.base_url.rsplit(":", 1)[-1] if created.cohort.base_url.count(":") > 1 else ""
    )
    where = "--host 0.0.0.0 " if "127.0.0.1" not in created.cohort.base_url else ""
    print(
        "Start the workshop server with:\n"
        f"  mentor-coach serve --workshop {where}" + (f"--port {port}" if port.isdigit() else "")
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """List cohorts with their state and size."""
    from coach.cohorts import list_cohorts

    cohorts = list_cohorts()
    if args.json:
        print_json([c.to_dict() for c in cohorts])
    elif not cohorts:
        print("No cohorts yet. `mentor-coach cohort create NAME --roster roster.csv` makes one.")
    else:
        for c in cohorts:
            print(
                f"{c.name:<24} {c.state():<8} {c.participant_count:>4} participants  "
                f"until {c.expires_at:%Y-%m-%d}  {c.title}"
            )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """A table of steps done per participant, the current step and minutes on it."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from coach.cohorts import STEPS, status

    report = status(args.name)
    if args.json:
        print_json(report.to_dict())
        return 0
    cohort = report.cohort
    table = Table(title=Text(f"{cohort.title} ({cohort.state()})"), title_justify="left")
    table.add_column("Participant")
    for step in STEPS:
        table.add_column(step.capitalize(), justify="center")
    table.add_column("Now on")
    table.add_column("Minutes", justify="right")
    for p in report.participants:
        table.add_row(
            Text(p.display_name),  # a Text, so a name is never read as rich markup
            *("✓" if s in p.steps_done else "·" for s in STEPS),
            Text(p.current_step or "-"),
            "" if p.minutes_on_step is None else str(p.minutes_on_step),
        )
    table.add_section()
    table.add_row(
        f"done ({len(report.participants)})",
        *(str(report.counts[s]) for s in STEPS),
        "",
        "",
        style="bold",
    )
    # a pipe or a file gets the whole table, not 80 columns of truncated names
    Console(width=None if sys.stdout.isatty() else 120).print(table)
    return 0


def cmd_pairs(args: argparse.Namespace) -> int:
    """Print peer-practice groups: display names and the words that matched."""
    from coach.cohorts import get_cohort, pairs

    groups = pairs(args.name, size=args.size, seed=args.seed)
    cohort = get_cohort(args.name)
    seed = args.seed if args.seed is not None else (cohort.seed if cohort else None)
    if args.json:
        print_json(
            {
                "cohort": args.name,
                "size": args.size,
                "seed": seed,
                "groups": [
                    {"members": [p.display_name for p in g], "reason": g.reason} for g in groups
                ],
            }
        )
        return 0
    kind = "Pairs" if args.size == 2 else "Triads"
    print(f"{kind} for '{args.name}' (seed {seed}; --seed N gives other groups):")
    for n, g in enumerate(groups, 1):
        print(f"{n:>3}. {' + '.join(p.display_name for p in g)}  ({g.reason})")
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    """Propose mentor matches (and with --approve-all approve them); print each one."""
    from coach.cohorts import approve, get_cohort, matches, propose

    found = propose(args.name, seed=args.seed)
    if args.approve_all:
        approve(args.name)
        found = matches(args.name)
    cohort = get_cohort(args.name)
    seed = args.seed if args.seed is not None else (cohort.seed if cohort else None)
    unmatched = [m for m in found if not m.matched]
    if args.json:
        print_json(
            {
                "cohort": args.name,
                "seed": seed,
                "matches": [m.to_dict() for m in found if m.matched],
                "unmatched": [m.to_dict() for m in unmatched],
            }
        )
        return 0
    print(f"Mentor matches for '{args.name}' (seed {seed}; --seed N breaks ties otherwise):")
    for m in found:
        if m.matched:
            print(f"  {m.mentee_name} → {m.mentor_name}  score {m.score}, {m.status}: {m.reason}")
    for m in unmatched:
        print(f"  {m.mentee_name}: {m.reason}")
    if args.approve_all:
        print("All proposed matches are approved: participants see their match in the workbook.")
    else:
        print(
            "Review, swap and approve them on the facilitator dashboard; participants see a "
            "match only once it is approved."
        )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Progress as CSV (or JSON rows), to stdout or a file."""
    import csv
    import io

    from coach.cohorts import export_csv

    text = export_csv(args.name)
    if args.json:
        rows = list(csv.DictReader(io.StringIO(text)))
        if args.out:
            args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
        else:
            print_json(rows)
        return 0
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out} ({text.count(chr(10)) - 1} participants)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    """Close a cohort; with --purge (after confirmation) delete participant data."""
    from coach.cohorts import close_cohort, get_cohort

    cohort = get_cohort(args.name)
    if cohort is None:
        raise CoachError(
            f"There is no cohort '{args.name}'. `mentor-coach cohort list` shows them."
        )
    if args.purge and not args.yes:
        if not sys.stdin.isatty():
            raise CoachError(f"Refusing to purge cohort '{args.name}' without --yes.")
        answer = input(
            f"Close cohort '{args.name}' and delete the data of its "
            f"{cohort.participant_count} participants? [y/N] "
        )
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing deleted.")
            return 1
    removed = close_cohort(args.name, purge=args.purge)
    if args.json:
        print_json({"cohort": args.name, "closed": True, "purged": args.purge, "records": removed})
        return 0
    print(f"Closed cohort '{args.name}': its join links and facilitator link no longer work.")
    if args.purge:
        print(
            f"Deleted {removed} records and the {cohort.participant_count} participants' entries."
        )
    return 0


def cmd_rehearse(args: argparse.Namespace) -> int:
    """Rehearse with simulated participants; exit 1 if anything failed."""
    from coach.cohorts import MAX_PARTICIPANTS, get_cohort
    from coach.rehearsal import rehearsal_name, rehearse
    from coach.rehearsal.report import lines, to_dict

    n = args.participants
    if n is None:
        cohort = get_cohort(args.name)
        if cohort is None:
            raise CoachError(
                f"There is no cohort '{args.name}' to take the number of seats from: "
                "give --participants N."
            )
        n = cohort.participant_count
    if not 1 <= n <= MAX_PARTICIPANTS:
        raise CoachError(f"--participants must be from 1 to {MAX_PARTICIPANTS}, not {n}.")
    if args.timeout <= 0:
        raise CoachError(f"--timeout must be a number of seconds above 0, not {args.timeout}.")
    throwaway = rehearsal_name(args.name)
    people = f"{n} participant{'s' if n != 1 else ''}"
    if not args.json:
        print(
            f"Rehearsing '{args.name}': {people} at once, simulated, in the throwaway "
            f"cohort '{throwaway}' (deleted afterwards)...",
            file=sys.stderr,
            flush=True,
        )
    run = rehearse(args.name, n, url=args.url, timeout=args.timeout)
    if args.json:
        print_json(
            {"cohort": args.name, "rehearsal_cohort": throwaway, "url": run.url, **to_dict(run)}
        )
    else:
        print(f"Rehearsal of '{args.name}' at {run.url}: {people} at once")
        print("\n".join(lines(run)))
        print("Nothing failed." if not run.failures else f"{run.failures} failed: see above.")
        print(f"The throwaway cohort '{throwaway}' and all it saved have been deleted.")
    return 0 if not run.failures else 1
