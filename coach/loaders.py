"""Readers for the files the index accepts: .md, .txt, .html, .ipynb and .pdf.

Each reader turns a file into Markdown with headings, plus its title, tags and sources.
A file that cannot be read raises :class:`LoadError` with a reason a person can act on;
indexing reports it and goes on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUPPORTED = (".md", ".markdown", ".txt", ".html", ".htm", ".ipynb", ".pdf")
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?", re.DOTALL)


class LoadError(Exception):
    """A file could not be read; the message is the reason shown in the index report."""


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
        raise LoadError("binary file (contains NUL bytes); not indexed")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
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


def _load_markdown(text: str, path: Path) -> LoadedDoc:
    meta: dict[str, Any] = {}
    m = _FRONT.match(text)
    if m:
        import yaml

        try:
            loaded = yaml.safe_load(m.group(1))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 2})" if mark is not None else ""
            raise LoadError(f"front matter is not valid YAML{where}; fix it and re-index") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise LoadError("front matter must be a YAML mapping (key: value lines)")
        meta = loaded or {}
        text = text[m.end() :]
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    sources = meta.get("sources") or []
    if not isinstance(sources, list):
        sources = [sources]
    title = str(meta.get("title") or _title_from(text, path.stem))
    asks = meta.get("asks") or {}
    if not isinstance(asks, dict) or not all(
        isinstance(v, list) and all(isinstance(q, str) for q in v) for v in asks.values()
    ):
        raise LoadError("front matter 'asks' must map each section heading to a list of questions")
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
        raise LoadError(f"not a valid notebook (JSON error at line {exc.lineno})") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise LoadError("not a valid notebook (no 'cells' list)")
    parts = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            src = cell.get("source", "")
            parts.append("".join(src) if isinstance(src, list) else str(src))
    markdown = "\n\n".join(parts)
    return LoadedDoc(title=_title_from(markdown, path.stem), markdown=markdown)


def _load_pdf(data: bytes, path: Path) -> LoadedDoc:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise LoadError("the PDF is encrypted; export an unlocked copy and re-index")
        pages = [(i + 1, (p.extract_text() or "").strip()) for i, p in enumerate(reader.pages)]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise LoadError(f"the PDF could not be read ({type(exc).__name__})") from None
    markdown = "\n\n".join(f"## Page {n}\n\n{t}" for n, t in pages if t)
    return LoadedDoc(title=str(meta_title).strip() or path.stem, markdown=markdown)


def load(path: Path, max_bytes: int) -> LoadedDoc:
    """Read ``path`` into a :class:`LoadedDoc`, or raise :class:`LoadError` saying why not."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(f"unsupported file type '{suffix or path.name}'")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(
                f"too large ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB, "
                "COACH_MAX_FILE_MB)"
            )
        data = path.read_bytes()
    except PermissionError:
        raise LoadError("permission denied; make the file readable and re-index") from None
    except OSError as exc:
        raise LoadError(f"could not be read ({exc.strerror or type(exc).__name__})") from None
    if not data.strip():
        raise LoadError("empty file")
    if suffix == ".pdf":
        doc = _load_pdf(data, path)
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
    if not doc.markdown.strip():
        raise LoadError("no text found in the file")
    return doc
