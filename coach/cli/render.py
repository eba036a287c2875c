"""Terminal output of the CLI: passages, index reports, the progress bar."""

from __future__ import annotations

import contextlib
import shutil
import sys
import textwrap
from collections.abc import Iterator

from coach.indexer import IndexReport, Progress
from coach.models import Passage


def print_passages(passages: list[Passage]) -> None:
    """Print passages with numbered citations."""
    if not passages:
        print("No passages match. Try other words, or a broader question.")
        return
    width = min(100, shutil.get_terminal_size((100, 20)).columns)
    for n, p in enumerate(passages, 1):
        print(f"[{n}] {p.title} › {p.section}")
        print(f"    source: {p.source}   score: {p.score:.2f}   id: {p.id}")
        excerpt = p.text if len(p.text) <= 600 else p.text[:600].rsplit(" ", 1)[0] + " …"
        for line in textwrap.wrap(" ".join(excerpt.split()), width - 4):
            print("    " + line)
        print()


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator[Progress | None]:
    """A rich progress bar on stderr when it is a terminal, else nothing."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("indexing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}", markup=False),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(total: int, done: int, path: str) -> None:
            bar.update(task, total=total, completed=done, description=path[-60:])

        yield update


def print_index_report(report: IndexReport) -> None:
    """Print what happened to each file, then a summary line."""
    for notice in report.notices:
        print(notice)
    marks = {"indexed": "+", "unchanged": "=", "removed": "-", "skipped": "~", "error": "!"}
    for f in report.files:
        detail = f"{f.chunks} chunks" if f.status == "indexed" else f.reason
        if f.setting:
            detail += f"; {f.setting} sets the limit"
        print(f"{marks.get(f.status, '?')} {f.status:<9} {f.path}  ({detail})")
    summary = ", ".join(
        f"{report.count(s)} {s}" for s in ("indexed", "unchanged", "removed", "skipped", "error")
    )
    print(f"corpus '{report.corpus}' ({report.embedder}): {summary}")
    if report.count("error"):
        print(
            "Files marked ! were not indexed; the reason follows each name. Fix or remove "
            "them and run `mentor-coach index` again (it exits 1 until then).",
            file=sys.stderr,
        )
