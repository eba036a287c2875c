"""Split a loaded document into heading-aware chunks with stable ids and metadata."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from coach.loaders import LoadedDoc


@dataclass
class Chunk:
    """One retrievable piece of a document."""

    id: str
    text: str
    title: str
    section: str
    source: str
    tags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)

    def search_text(self) -> str:
        """What the chunk's own vector is made from: its heading carries meaning too."""
        return search_text(self.section, self.text)


def search_text(section: str, text: str) -> str:
    """The text a chunk is embedded from (the document title is left out on purpose: it is
    shared by every chunk of a file and pulls them together)."""
    return f"{section}\n{text}"


def lexical_text(title: str, section: str, text: str, hints: list[str]) -> str:
    """The text BM25 indexes for a chunk: headings, the questions it answers, the body."""
    return "\n".join([title, section, *hints, text])


def chunk_id(source: str | bytes, section: str, ordinal: int) -> str:
    """A stable id: the same file, section and position always give the same id.

    ``source`` may be the bytes of a path (``os.fsencode``): a file name that is not UTF-8
    still gets an id of its own."""
    # surrogatepass: text from a file name or a notebook may hold lone surrogates
    src = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
    tail = f"\x00{section}\x00{ordinal}".encode("utf-8", "surrogatepass")
    return hashlib.sha1(src + tail).hexdigest()[:20]


def split(
    doc: LoadedDoc, source: str, size: int, overlap: int, *, id_source: bytes | None = None
) -> list[Chunk]:
    """Chunk ``doc`` by its headings, then by size with overlap inside long sections.

    ``source`` is the citation label; ids come from ``id_source`` (the path's bytes) if given.
    """
    from langchain_text_splitters import (
        MarkdownHeaderTextSplitter,
        RecursiveCharacterTextSplitter,
    )

    by_heading = MarkdownHeaderTextSplitter(
        headers_to_split_on=[("#", "h1"), ("##", "h2"), ("###", "h3")],
        strip_headers=True,
    ).split_text(doc.markdown)
    sizer = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=min(overlap, size // 2))
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for part in by_heading:
        md = part.metadata
        section = md.get("h2") or md.get("h1") or doc.title
        if md.get("h2") and md.get("h3"):
            section = f"{md['h2']} › {md['h3']}"
        for piece in sizer.split_text(part.page_content):
            text = piece.strip()
            if not text:
                continue
            ordinal = seen.get(section, 0)
            seen[section] = ordinal + 1
            base = section.split(" › ")[0]
            hints = doc.asks.get(base, []) if ordinal == 0 else []
            chunks.append(
                Chunk(
                    id=chunk_id(id_source or source, section, ordinal),
                    text=text,
                    title=doc.title,
                    section=section,
                    source=source,
                    tags=list(doc.tags),
                    sources=list(doc.sources),
                    hints=list(hints),
                )
            )
    return chunks
