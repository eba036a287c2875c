"""Hostile and broken files: each gets its own line in the index report, and the run goes
on. Every bad file is built here, in a temporary folder; the indexer writes to a real store."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import zlib
from pathlib import Path

import pytest

import coach
from coach import loaders
from coach.chunking import chunk_id
from coach.cli import main as cli
from coach.cli.render import print_index_report
from coach.indexer import IndexReport, index_paths
from coach.loaders import FileTooLarge, UnreadableFile, load
from coach.settings import get_settings
from tests.helpers import pdf_file

MB = 1_000_000


def by_name(report: IndexReport) -> dict[str, tuple[str, str]]:
    return {Path(f.path).name: (f.status, f.reason) for f in report.files}


def folder_with_one_good_file(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "good.md").write_text(
        "# Circles\n\n## Peer circles\n\nFour colleagues meet monthly to swap advice.\n",
        encoding="utf-8",
    )
    return root


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports KB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (MB if sys.platform == "darwin" else 1000)


def flate(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data, 9)
    head = b"<< " + extra + b" /Filter /FlateDecode /Length " + str(len(packed)).encode()
    return head + b" >>\nstream\n" + packed + b"\nendstream"


def pdf_drawing(page: bytes, form: bytes | None = None) -> bytes:
    """A one-page PDF whose page draws ``page``; ``form`` is a Form XObject named /X."""
    font = b"/Font << /F1 5 0 R >>"
    xobject = b" /XObject << /X 6 0 R >>" if form is not None else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << " + font + xobject + b" >> >>",
        flate(page),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if form is not None:
        objects.append(
            flate(
                form,
                b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << " + font + b" >>",
            )
        )
    return pdf_file(objects)


def pdf_text_bomb(times: int) -> bytes:
    """A few KB of PDF whose one page draws a 1,000-character form ``times`` times."""
    form = b"BT /F1 12 Tf 72 720 Td (" + b"mentoring " * 100 + b") Tj ET"
    return pdf_drawing(b"/X Do\n" * times, form)


def pdf_content_bomb(mb: int) -> bytes:
    """About 200 KB of PDF whose one page holds ``mb`` MB of drawing instructions."""
    line = b"BT /F1 12 Tf 72 720 Td (" + b"mentoring " * 100 + b") Tj ET\n"
    return pdf_drawing(line * (mb * MB // len(line)))


def yaml_bomb() -> str:
    """A "billion laughs" in 400 bytes of front matter: nine levels of nine aliases."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "---\n" + "\n".join(lines) + "\ntitle: *i\n---\n# Body\n\nText.\n"


# --- broken notebooks and names: the run goes on --------------------------------------------


def test_a_deeply_nested_notebook_is_an_error_and_the_run_goes_on(tmp_path):
    folder = folder_with_one_good_file(tmp_path / "docs")
    depth = 100_000
    (folder / "deep.ipynb").write_text('{"cells": ' + "[" * depth + "]" * depth + "}")
    got = by_name(index_paths(get_settings(), [folder], "mine"))
    assert got["deep.ipynb"] == ("error", "not a valid notebook (nested too deeply to read)")
    assert got["good.md"][0] == "indexed"


@pytest.mark.parametrize("source", [[1, 2], {"text": "x"}, 7, ["ok", None]])
def test_a_cell_source_that_is_not_text_is_an_error_naming_the_cell(tmp_path, source):
    folder = folder_with_one_good_file(tmp_path / "docs")
    cells = [
        {"cell_type": "markdown", "source": "# Fine\n\nA first cell."},
        {"cell_type": "markdown", "source": source},
    ]
    (folder / "odd.ipynb").write_text(json.dumps({"cells": cells}), encoding="utf-8")
    got = by_name(index_paths(get_settings(), [folder], "mine"))
    assert got["odd.ipynb"] == ("error", "not a valid notebook (the source of cell 2 is not text)")
    assert got["good.md"][0] == "indexed"


def test_a_file_name_that_is_not_utf8_is_indexed_and_shown_readably(tmp_path, capsys):
    folder = folder_with_one_good_file(tmp_path / "docs")
    name = os.fsdecode(b"caf\xe9 notes.md")  # Latin-1 bytes, as an old archive extracts them
    (folder / name).write_text("# Cafe\n\n## Coffee chats\n\nMentoring over coffee.\n")
    report = index_paths(get_settings(), [folder], "mine")
    shown = "caf\\xe9 notes.md"
    assert by_name(report)[shown][0] == "indexed"
    assert report.count("error") == 0
    json.dumps(report.to_dict()).encode("utf-8")  # printable and storable as it is
    print_index_report(report)
    assert shown in capsys.readouterr().out
    hits = coach.search("mentoring over coffee chats", corpus="mine")
    assert hits[0].source == f"docs/{shown}"
    again = index_paths(get_settings(), [folder], "mine")
    assert by_name(again)[shown] == ("unchanged", "unchanged since the last run")


def test_chunk_ids_come_from_the_bytes_of_the_path():
    latin1, utf8 = b"docs/caf\xe9.md", "docs/café.md"
    assert chunk_id(latin1, "S", 0) != chunk_id(utf8, "S", 0)
    assert chunk_id(os.fsdecode(latin1), "S", 0)  # a surrogate-escaped name does not raise
    # a UTF-8 name keeps the id it had when ids were made from text
    assert chunk_id(os.fsencode(utf8), "S", 0) == chunk_id(utf8, "S", 0)


# --- size, kind and memory: nothing is read before it is checked -----------------------------


def test_huge_files_are_skipped_without_being_read(tmp_path):
    folder = folder_with_one_good_file(tmp_path / "docs")
    index_paths(get_settings(), [folder], "mine")  # load the model and the store first
    for name in ("film.mp4", "huge.md"):
        with open(folder / name, "wb") as f:
            f.truncate(1_500_000_000)  # sparse: 1.5 GB long, no disk used
    before = peak_rss_mb()
    got = by_name(index_paths(get_settings(), [folder], "mine"))
    assert peak_rss_mb() - before < 100
    assert got["film.mp4"] == ("skipped", "unsupported file type '.mp4'")
    assert got["huge.md"] == (
        "skipped",
        "too large: 1500.0 MB, larger than the 25 MB limit for one file",
    )
    assert got["good.md"][0] == "unchanged"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_link_to_dev_zero_is_not_a_regular_file(tmp_path):
    folder = folder_with_one_good_file(tmp_path / "docs")
    index_paths(get_settings(), [folder], "mine")
    (folder / "zero.txt").symlink_to("/dev/zero")
    before = peak_rss_mb()
    got = by_name(index_paths(get_settings(), [folder], "mine"))
    assert peak_rss_mb() - before < 100
    assert got["zero.txt"] == ("skipped", "not a regular file")


@pytest.mark.timeout(120)  # opening a FIFO for reading would block here forever
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifos_are_never_opened_linked_or_not(tmp_path):
    folder = folder_with_one_good_file(tmp_path / "docs")
    os.mkfifo(tmp_path / "pipe")
    (folder / "linked.md").symlink_to(tmp_path / "pipe")
    os.mkfifo(folder / "pipe.txt")
    (folder / "loop.md").symlink_to(folder / "loop.md")
    got = by_name(index_paths(get_settings(), [folder], "mine"))
    assert got["linked.md"] == got["pipe.txt"] == ("skipped", "not a regular file")
    assert got["loop.md"][0] == "error" and "could not be read" in got["loop.md"][1]
    assert got["good.md"][0] == "indexed"


def test_a_file_is_read_no_further_than_the_limit(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("x" * 5000)
    assert len(loaders.read_capped(p, 5000)) == 5000
    with pytest.raises(FileTooLarge, match="too large"):
        loaders.read_capped(p, 4999)


# --- front matter ---------------------------------------------------------------------------


def test_a_yaml_alias_bomb_in_front_matter_is_refused_at_once(tmp_path):
    folder = folder_with_one_good_file(tmp_path / "docs")
    (folder / "bomb.md").write_text(yaml_bomb(), encoding="utf-8")
    assert (folder / "bomb.md").stat().st_size < 500
    index_paths(get_settings(), [folder / "good.md"], "mine")
    before, started = peak_rss_mb(), time.monotonic()
    got = by_name(index_paths(get_settings(), [folder], "mine"))
    assert time.monotonic() - started < 10
    assert peak_rss_mb() - before < 100
    status, reason = got["bomb.md"]
    assert status == "error"
    assert "anchors or aliases" in reason and "write each value out" in reason


@pytest.mark.parametrize(
    ("front", "reason"),
    [
        ("base: &b {x: 1}\nother: 2", "anchors or aliases"),
        ("title: x\nnote: " + "y" * 17_000, "front matter is longer than 16 KB"),
        ("tags: " + "[" * 5000 + "]" * 5000, "front matter is nested too deeply"),
    ],
)
def test_front_matter_is_parsed_with_limits(tmp_path, front, reason):
    p = tmp_path / "a.md"
    p.write_text(f"---\n{front}\n---\n# T\n\nBody.\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match=reason):
        load(p, 25 * MB)


def test_front_matter_tags_of_any_shape_do_not_crash(tmp_path):
    p = tmp_path / "a.md"
    p.write_text("---\ntags: 5\n---\n# T\n\nBody.\n", encoding="utf-8")
    assert load(p, 25 * MB).tags == ["5"]


# --- PDFs whose text is much larger than the file -------------------------------------------


def test_a_small_pdf_with_a_huge_page_is_skipped_at_once(tmp_path):
    folder = folder_with_one_good_file(tmp_path / "docs")
    (folder / "bomb.pdf").write_bytes(pdf_content_bomb(50))
    assert (folder / "bomb.pdf").stat().st_size < 300_000
    started = time.monotonic()
    got = by_name(index_paths(get_settings(), [folder], "mine"))
    assert time.monotonic() - started < 60
    assert got["bomb.pdf"] == ("skipped", "page 1 is larger than the 25 MB limit for one file")


def test_the_size_limit_applies_to_the_text_a_pdf_holds(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COACH_MAX_FILE_MB", "0.5")
    folder = folder_with_one_good_file(tmp_path / "docs")
    (folder / "bomb.pdf").write_bytes(pdf_text_bomb(2000))  # 2 MB of text from 2 KB
    assert (folder / "bomb.pdf").stat().st_size < 5_000
    report = index_paths(get_settings(), [folder], "mine")
    bomb = next(f for f in report.files if f.path.endswith("bomb.pdf"))
    assert (bomb.status, bomb.reason) == (
        "skipped",
        "its text is larger than the 0.5 MB limit for one file",
    )
    assert bomb.setting == "COACH_MAX_FILE_MB"  # for the CLI: pages show only the words
    print_index_report(report)
    assert "(its text is larger than the 0.5 MB limit for one file; COACH_MAX_FILE_MB" in (
        capsys.readouterr().out
    )


def test_reading_one_pdf_stops_after_a_time_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(loaders, "PDF_SECONDS", 0.5)
    p = tmp_path / "slow.pdf"
    p.write_bytes(pdf_text_bomb(5000))  # 5 MB of text through 5,000 forms: slow to extract
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match=r"reading its text took longer than 0\.5 seconds"):
        load(p, 25 * MB)
    assert time.monotonic() - started < 5


# --- classification by exception type, never by message -------------------------------------


def index_where_parsing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> dict[str, tuple[str, str]]:
    """Index good.md and other.md, where parsing other.md raises ``error``: the report."""
    folder = folder_with_one_good_file(tmp_path / "docs")
    (folder / "other.md").write_text("# Other\n\nText.\n", encoding="utf-8")
    real = loaders.parse

    def parse(data: bytes, path: Path, max_bytes: int):
        if path.name == "other.md":
            raise error
        return real(data, path, max_bytes)

    monkeypatch.setattr("coach.indexer.parse", parse)
    return by_name(index_paths(get_settings(), [folder], "mine"))


def test_status_comes_from_the_kind_of_error_not_its_words(tmp_path, monkeypatch):
    error = UnreadableFile("an unsupported, empty-looking header")
    got = index_where_parsing_fails(tmp_path, monkeypatch, error)
    assert got["other.md"] == ("error", "an unsupported, empty-looking header")


def test_an_unexpected_failure_in_one_file_is_reported_and_the_run_goes_on(tmp_path, monkeypatch):
    got = index_where_parsing_fails(tmp_path, monkeypatch, RuntimeError("boom"))
    assert got["other.md"] == (
        "error",
        "could not be indexed (unexpected RuntimeError); please report it",
    )
    assert got["good.md"][0] == "indexed"


# --- exit status: the same files give the same answer on every run --------------------------


def test_errors_exit_1_on_every_run_and_skipped_files_exit_0(tmp_path, capsys):
    folder = folder_with_one_good_file(tmp_path / "docs")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (folder / "empty.md").write_text("")
    assert cli(["index", str(folder), "--corpus", "mine"]) == 0  # skipped only
    (folder / "broken.ipynb").write_text("{not json")
    assert cli(["index", str(folder), "--corpus", "mine"]) == 1
    capsys.readouterr()
    # nothing changed since: the broken file is still not indexed, so still 1
    assert cli(["index", str(folder), "--corpus", "mine", "--json"]) == 1
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert (summary["unchanged"], summary["skipped"], summary["error"]) == (1, 2, 1)
    (folder / "broken.ipynb").unlink()
    assert cli(["index", str(folder), "--corpus", "mine"]) == 0
