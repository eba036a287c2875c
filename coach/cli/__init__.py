"""``mentor-coach``: the command line. Every command takes ``--json``.

Errors print one line saying what went wrong and what to do (exit 2); a traceback is
shown only with ``--debug``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from coach.cli.common import json_option, print_json
from coach.errors import CoachError

Handler = Callable[[argparse.Namespace], int]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mentor-coach",
        description="Mentor Workbook's coach: search the mentoring guides, ask questions, "
        "draft outreach and plan meetings. Nothing is ever sent for you.",
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    js = [json_option()]
    ix = sub.add_parser(
        "index",
        parents=js,
        help="build or update a corpus from files and folders",
        description="Build or update a corpus. Every file gets a line in the report: indexed, "
        "unchanged, removed, skipped (a type it does not read, empty, not a regular file, "
        "larger than COACH_MAX_FILE_MB) or error (broken, binary, unreadable). A bad file "
        "never stops the run.",
        epilog="Exit status: 0 when no file has an error (skipped files are fine); 1 when "
        "at least one file has an error, on every run until it is fixed or removed, even "
        "when nothing else changed; 2 when the run could not start (configuration, store).",
    )
    ix.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (.md .txt .html .ipynb .pdf); default: the shipped corpus",
    )
    ix.add_argument("--corpus", metavar="NAME", help="corpus name (default: COACH_CORPUS)")
    ix.set_defaults(func=_cmd_index)

    se = sub.add_parser("search", help="search the corpus and print cited passages", parents=js)
    se.add_argument("query", metavar="QUERY", help="what to look for, in your own words")
    se.add_argument("-k", type=int, default=5, metavar="N", help="how many passages (1-100)")
    se.add_argument("--corpus", metavar="NAME", help="corpus name (default: COACH_CORPUS)")
    se.set_defaults(func=_cmd_search)

    from coach.cli.coach_cmds import add_commands
    from coach.cli.cohort_cmds import add_commands as add_cohort_commands
    from coach.cli.followup_cmds import add_commands as add_followup_commands
    from coach.cli.serve import add_command as add_serve

    add_commands(sub)
    add_serve(sub)
    add_cohort_commands(sub)
    add_followup_commands(sub)

    co = sub.add_parser("corpus", help="list or delete named corpora")
    co_sub = co.add_subparsers(dest="action", metavar="ACTION", required=True)
    cl = co_sub.add_parser("list", help="list corpora", parents=js)
    cl.set_defaults(func=_cmd_corpus_list)
    cd = co_sub.add_parser("delete", help="delete a corpus and its index", parents=js)
    cd.add_argument("name", metavar="NAME", help="the corpus to delete (see `corpus list`)")
    cd.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    cd.set_defaults(func=_cmd_corpus_delete)
    return p


def _cmd_search(args: argparse.Namespace) -> int:
    from coach.api import search

    passages = search(args.query, k=args.k, corpus=args.corpus)
    if args.json:
        print_json(
            [
                p.model_dump(include={"id", "title", "section", "source", "score", "text"})
                for p in passages
            ]
        )
        return 0
    from coach.cli.render import print_passages

    print_passages(passages)
    return 0


def _cmd_index(args: argparse.Namespace) -> int:
    from coach.cli.render import print_index_report, progress_bar
    from coach.indexer import index_paths
    from coach.settings import get_settings

    settings = get_settings()
    with progress_bar(enabled=not args.json and sys.stderr.isatty()) as progress:
        report = index_paths(settings, args.paths or None, args.corpus, progress=progress)
    if args.json:
        print_json(report.to_dict())
    else:
        print_index_report(report)
    # The same files give the same status on every run: a file that still has an error
    # is reported (and counted) again even when nothing changed since the last run.
    return 1 if report.count("error") else 0


def _cmd_corpus_list(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from coach.settings import get_settings
    from coach.vectorstore import list_corpora

    corpora = list_corpora(get_settings())
    if args.json:
        print_json([asdict(c) for c in corpora])
    elif not corpora:
        print("No corpora yet. `mentor-coach index` builds the default one.")
    else:
        for c in corpora:
            print(f"{c.name:<20} {c.chunks:>6} chunks  {c.files:>4} files  {c.embedder}")
    return 0


def _cmd_corpus_delete(args: argparse.Namespace) -> int:
    from coach.names import check_corpus_name
    from coach.settings import get_settings
    from coach.vectorstore import Corpus

    try:
        name = check_corpus_name(args.name)
    except ValueError as exc:
        raise CoachError(str(exc)) from None
    if not args.yes:
        if not sys.stdin.isatty():
            raise CoachError(f"Refusing to delete corpus '{name}' without --yes.")
        answer = input(f"Delete corpus '{name}' and its index? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing deleted.")
            return 1
    deleted = Corpus(get_settings(), name).drop()
    if args.json:
        print_json({"corpus": name, "deleted": deleted})
    elif deleted:
        print(f"Deleted corpus '{name}'.")
    else:
        print(f"There is no corpus '{name}'.")
    return 0 if deleted else 1


def _debug_setting() -> bool:
    """COACH_DEBUG, as the settings read it (a configuration too broken to read is an error
    the command itself reports, in plain words)."""
    from coach.settings import get_settings

    try:
        return get_settings().debug
    except CoachError:
        return False


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``mentor-coach``."""
    args = _parser().parse_args(argv)
    debug = args.debug or _debug_setting()
    try:
        return int(args.func(args))
    except CoachError as exc:
        if debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so plainly, keep the traceback for --debug
        if debug:
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc}. Run again with --debug and report it.",
            file=sys.stderr,
        )
        return 1
