"""Readers for the files the index accepts: .md, .txt, .html, .ipynb and .pdf.

Each reader turns a file into Markdown with headings, plus its title, tags and sources.
A file that cannot be read raises a :class:`LoadError` with a reason a person can act on:
:class:`FileSkipped` for files left out on purpose, :class:`UnreadableFile` for broken ones.
Indexing reports it and goes on.

Files are hostile until read: the type and size are checked before a byte is read, only
regular files are opened (a FIFO hangs, ``/dev/zero`` never ends), at most the size limit
is read, and the text a file expands to (a PDF, front matter) is bounded too.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.errors import (
    EmptyFile,
    FileSkipped,
    FileTooLarge,
    LoadError,
    NotRegularFile,
    UnreadableFile,
    UnsupportedFile,
)

if TYPE_CHECKING:
    from coach.models import Passage

__all__ = [
    "SUPPORTED",
    "EmptyFile",
    "FileSkipped",
    "FileTooLarge",
    "LoadError",
    "LoadedDoc",
    "NotRegularFile",
    "UnreadableFile",
    "UnsupportedFile",
    "check_type",
    "load",
    "parse",
    "read_capped",
]

SUPPORTED = (".md", ".markdown", ".txt", ".html", ".htm", ".ipynb", ".pdf")
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?", re.DOTALL)
# Front matter is a few lines of metadata; more is a mistake or an attack (a YAML bomb).
FRONT_MATTER_MAX = 16 * 1024
# Reading one PDF's text stops after this long (a small PDF can draw text for minutes).
PDF_SECONDS = 60.0


@dataclass
class LoadedDoc:
    """One readable file, as Markdown with metadata."""

    title: str
    markdown: str
    tags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    # Questions people ask, per section heading: searched, never shown as passage text.
    asks: dict[str, list[str]] = field(default_factory=dict)


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file (contains NUL bytes); not indexed")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"not UTF-8 text (bad byte at position {exc.start}); save it as UTF-8 and re-index"
        ) from None


def _title_from(markdown: str, fallback: str) -> str:
    for line in markdown.splitlines():
        m = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
        if m:
            return m.group(1)
    for line in markdown.splitlines():
        if line.strip():
            return line.strip()[:120]
    return fallback


def _source_label(item: Any) -> str:
    if isinstance(item, dict):
        title = str(item.get("title", "")).strip()
        author = str(item.get("author", "")).strip()
        if author and author.lower() != "unknown":
            return f"{title} ({author})" if title else author
        return title
    return str(item).strip()


@functools.cache
def _front_loader() -> type:
    """A safe YAML loader that refuses anchors and aliases: front matter never needs them,
    and a few hundred bytes of nested aliases expand to gigabytes (a "billion laughs")."""
    import yaml

    class FrontMatterLoader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()  # type: ignore[no-untyped-call]
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise UnreadableFile(
                    "front matter uses YAML anchors or aliases (&name, *name); "
                    "write each value out and re-index"
                )
            return super().compose_node(parent, index)

    return FrontMatterLoader


def _front_matter(raw: str) -> dict[str, Any]:
    import yaml

    if len(raw) > FRONT_MATTER_MAX:
        raise UnreadableFile(
            f"front matter is longer than {FRONT_MATTER_MAX // 1024} KB; "
            "keep it to a few lines of metadata and re-index"
        )
    try:
        loaded = yaml.load(raw, Loader=_front_loader())  # a SafeLoader, so safe
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise UnreadableFile(
            f"front matter is not valid YAML{where}; fix it and re-index"
        ) from None
    except RecursionError:
        raise UnreadableFile(
            "front matter is nested too deeply; simplify it and re-index"
        ) from None
    if loaded is not None and not isinstance(loaded, dict):
        raise UnreadableFile("front matter must be a YAML mapping (key: value lines)")
    return loaded or {}


def _load_markdown(text: str, path: Path) -> LoadedDoc:
    meta: dict[str, Any] = {}
    m = _FRONT.match(text)
    if m:
        meta = _front_matter(m.group(1))
        text = text[m.end() :]
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    elif not isinstance(tags, list):
        tags = [tags]
    sources = meta.get("sources") or []
    if not isinstance(sources, list):
        sources = [sources]
    title = str(meta.get("title") or _title_from(text, path.stem))
    asks = meta.get("asks") or {}
    if not isinstance(asks, dict) or not all(
        isinstance(v, list) and all(isinstance(q, str) for q in v) for v in asks.values()
    ):
        raise UnreadableFile(
            "front matter 'asks' must map each section heading to a list of questions"
        )
    return LoadedDoc(
        title=title,
        markdown=text,
        tags=[str(t) for t in tags if str(t).strip()],
        sources=[s for s in (_source_label(x) for x in sources) if s],
        asks={str(k): [q.strip() for q in v if q.strip()] for k, v in asks.items()},
    )


def _load_html(text: str, path: Path) -> LoadedDoc:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for bad in soup(["script", "style", "noscript", "template", "svg"]):
        bad.decompose()
    title_tag = soup.find("title")
    lines: list[str] = []
    body = soup.body or soup
    for el in body.find_all(["h1", "h2", "h3", "h4", "p", "li", "pre", "blockquote", "td"]):
        words = " ".join(el.get_text(" ", strip=True).split())
        if not words:
            continue
        if el.name in ("h1", "h2", "h3"):
            lines.append("\n" + "#" * int(el.name[1]) + " " + words + "\n")
        elif el.name == "li":
            lines.append("- " + words)
        else:
            lines.append(words + "\n")
    markdown = "\n".join(lines)
    title = title_tag.get_text(strip=True) if title_tag else ""
    return LoadedDoc(title=title or _title_from(markdown, path.stem), markdown=markdown)


def _load_ipynb(text: str, path: Path) -> LoadedDoc:
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"not a valid notebook (JSON error at line {exc.lineno})") from None
    except RecursionError:
        raise UnreadableFile("not a valid notebook (nested too deeply to read)") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise UnreadableFile("not a valid notebook (no 'cells' list)")
    parts = []
    for n, cell in enumerate(cells, 1):
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            src = cell.get("source", "")
            if isinstance(src, list) and all(isinstance(line, str) for line in src):
                src = "".join(src)
            if not isinstance(src, str):
                raise UnreadableFile(f"not a valid notebook (the source of cell {n} is not text)")
            parts.append(src)
    markdown = "\n\n".join(parts)
    return LoadedDoc(title=_title_from(markdown, path.stem), markdown=markdown)


class _Stop(Exception):
    """Raised from pypdf's callbacks to end a PDF's text extraction early."""


def _load_pdf(data: bytes, path: Path, max_chars: int) -> LoadedDoc:
    import io

    from pypdf import PdfReader

    deadline = time.monotonic() + PDF_SECONDS
    stopped = ""  # once set, every callback raises: pypdf swallows errors inside a form
    total = 0

    def watch(*_: Any) -> None:  # before each drawing operation
        nonlocal stopped
        if not stopped and time.monotonic() > deadline:
            stopped = "time"
        if stopped:
            raise _Stop(stopped)

    def count(text: str, *_: Any) -> None:  # each piece of text shown
        nonlocal stopped, total
        total += len(text)
        if total > max_chars:
            stopped = "size"
        if stopped:
            raise _Stop(stopped)

    pages: list[tuple[int, str]] = []
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)  # its warnings about a broken file: the report says it
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnreadableFile("the PDF is encrypted; export an unlocked copy and re-index")
        for n, page in enumerate(reader.pages, 1):
            contents = page.get_contents()
            if contents is not None and len(contents.get_data()) > max_chars:
                raise FileTooLarge(f"page {n} is {_over_limit(max_chars)}")
            text = page.extract_text(visitor_operand_before=watch, visitor_text=count)
            watch()  # a stop inside the last form of a page is swallowed by pypdf
            pages.append((n, (text or "").strip()))
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except _Stop as stop:
        if str(stop) == "size":
            raise FileTooLarge(f"its text is {_over_limit(max_chars)}") from None
        raise UnreadableFile(
            f"reading its text took longer than {PDF_SECONDS:g} seconds; "
            "save it as text (or split it) and re-index"
        ) from None
    except LoadError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 (pypdf raises all kinds on a hostile PDF)
        raise UnreadableFile(f"the PDF could not be read ({type(exc).__name__})") from None
    finally:
        pypdf_log.setLevel(level)
    markdown = "\n\n".join(f"## Page {n}\n\n{t}" for n, t in pages if t)
    return LoadedDoc(title=str(meta_title).strip() or path.stem, markdown=markdown)


def _over_limit(max_bytes: int) -> str:
    """Words for "larger than COACH_MAX_FILE_MB allows" (the CLI adds the setting's name)."""
    return f"larger than the {max_bytes / 1e6:g} MB limit for one file"


def check_type(path: Path) -> None:
    """Raise :class:`UnsupportedFile` unless the index reads files like ``path``."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise UnsupportedFile(f"unsupported file type '{suffix or path.name}'")


def read_capped(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path``, read only if it is a supported, regular file of at most
    ``max_bytes`` (checked before reading, and never more than that is read)."""
    check_type(path)
    try:
        info = os.stat(path)  # follows symlinks: what counts is what a link points at
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile("not a regular file")
        _check_size(info.st_size, max_bytes)
        # O_NONBLOCK: should it have become a FIFO since the stat, opening it must not hang.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        with os.fdopen(os.open(path, flags | getattr(os, "O_BINARY", 0)), "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise NotRegularFile("not a regular file")
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise UnreadableFile("not found (a broken link, or deleted while indexing)") from None
    except PermissionError:
        raise UnreadableFile("permission denied; make the file readable and re-index") from None
    except OSError as exc:
        raise UnreadableFile(f"could not be read ({exc.strerror or type(exc).__name__})") from None
    _check_size(len(data), max_bytes)  # it grew since the stat
    return data


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise FileTooLarge(f"too large: {size / 1e6:.1f} MB, {_over_limit(max_bytes)}")


def parse(data: bytes, path: Path, max_bytes: int) -> LoadedDoc:
    """Turn the bytes of ``path`` into a :class:`LoadedDoc` whose text is at most
    ``max_bytes`` characters, or raise a :class:`LoadError` saying why not."""
    suffix = path.suffix.lower()
    if not data.strip():
        raise EmptyFile("empty file")
    try:
        if suffix == ".pdf":
            doc = _load_pdf(data, path, max_bytes)
        else:
            text = _decode(data)
            if suffix in (".md", ".markdown"):
                doc = _load_markdown(text, path)
            elif suffix in (".html", ".htm"):
                doc = _load_html(text, path)
            elif suffix == ".ipynb":
                doc = _load_ipynb(text, path)
            else:
                doc = LoadedDoc(title=_title_from(text, path.stem), markdown=text)
    except RecursionError:
        raise UnreadableFile("it is nested too deeply to read") from None
    if len(doc.markdown) > max_bytes:
        raise FileTooLarge(f"its text is {_over_limit(max_bytes)}")
    if not doc.markdown.strip():
        raise EmptyFile("no text found in the file")
    return _clean(doc)


def _text(s: str) -> str:
    """``s`` without lone surrogates (JSON and PDFs can hold them; storage cannot)."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return s.encode("utf-8", "replace").decode("utf-8")
    return s


def _clean(doc: LoadedDoc) -> LoadedDoc:
    return LoadedDoc(
        title=_text(doc.title),
        markdown=_text(doc.markdown),
        tags=[_text(t) for t in doc.tags],
        sources=[_text(s) for s in doc.sources],
        asks={_text(k): [_text(q) for q in v] for k, v in doc.asks.items()},
    )


def load(path: Path, max_bytes: int) -> LoadedDoc:
    """Read ``path`` into a :class:`LoadedDoc`, or raise :class:`LoadError` saying why not."""
    return parse(read_capped(path, max_bytes), path, max_bytes)


def guide_section(name: str, heading: str) -> Passage:
    """One section of a shipped guide (``corpus/<name>``, its ``## heading``) as a passage to
    cite: for advice a page shows at a known moment, not in answer to a question. A
    :class:`LoadError` when the guide or the section is not there."""
    import re

    from coach.models import Passage
    from coach.paths import corpus_dir

    path = corpus_dir() / name
    doc = load(path, 5_000_000)
    found = re.search(
        rf"^## {re.escape(heading)}[ \t]*\n(.*?)(?=^## |\Z)", doc.markdown, re.M | re.S
    )
    if found is None:
        raise LoadError(f"{name} has no section {heading!r}")
    return Passage(
        id=f"{name}#{heading}",
        text=found.group(1).strip(),
        title=doc.title,
        section=heading,
        source=f"corpus/{name}",
        score=1.0,
        relevance=1.0,
        tags=doc.tags,
        sources=doc.sources,
    )
