"""Build and update a corpus from files: skip what is unchanged, drop what was deleted,
report every file, and never stop at a bad one."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from coach.chunking import Chunk, split
from coach.embcache import cached_embed
from coach.embeddings import get_embedder
from coach.errors import CoachError, EmptyFile, FileSkipped, FileTooLarge, LoadError
from coach.loaders import parse, read_capped
from coach.paths import corpus_dir
from coach.settings import Settings
from coach.vectorstore import Corpus

# Folders that never hold a person's documents.
_SKIP_DIRS = {".git", ".hg", ".svn", ".ipynb_checkpoints", "__pycache__", "node_modules", ".venv"}

Progress = Callable[[int, int, str], None]
_log = logging.getLogger(__name__)


@dataclass
class FileReport:
    """What happened to one file."""

    path: str  # as a person can read it: see shown()
    status: str  # indexed | unchanged | removed | skipped | error
    chunks: int = 0
    reason: str = ""
    # The setting behind a limit the file hit (COACH_MAX_FILE_MB): the CLI names it after
    # the reason; a page, where nobody sets environment variables, does not.
    setting: str = ""


@dataclass
class IndexReport:
    """What one indexing run did."""

    corpus: str
    embedder: str
    files: list[FileReport] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many files ended with ``status``."""
        return sum(1 for f in self.files if f.status == status)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "corpus": self.corpus,
            "embedder": self.embedder,
            "notices": self.notices,
            "summary": {
                s: self.count(s) for s in ("indexed", "unchanged", "removed", "skipped", "error")
            },
            "files": [asdict(f) for f in self.files],
        }


def _walk(root: Path) -> Iterable[Path]:
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).parts
        if any(part in _SKIP_DIRS or part.startswith(".") for part in rel):
            continue
        if p.is_symlink() or not p.is_dir():  # FIFOs and sockets too: reported, never read
            yield p


def shown(path: str) -> str:
    """``path`` as text that can be printed and stored: bytes of a file name that are not
    UTF-8 (and control characters) become ``\\xNN``. The same path always gives the same
    text, so it is also the file's key in the store."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m.group()):02x}", text)


def _fingerprint(data: bytes, settings: Settings, embedder: str) -> str:
    h = hashlib.sha256(data)
    # Chunking and embedding settings change the stored result, so they are part of it.
    h.update(f"|{settings.chunk_chars}|{settings.chunk_overlap}|{embedder}".encode())
    return h.hexdigest()


def index_paths(
    settings: Settings,
    paths: list[Path] | None = None,
    corpus: str | None = None,
    progress: Progress | None = None,
) -> IndexReport:
    """Index ``paths`` (files or folders) into ``corpus``.

    Without paths, the folders and files the corpus was built from are brought up to date;
    a corpus that does not exist yet gets the shipped mentoring corpus.
    """
    name = corpus or settings.corpus
    embedder = get_embedder(settings)
    store = Corpus(settings, name)
    report = IndexReport(corpus=name, embedder=embedder.name)
    known_roots = sorted({s["root"] for s in store.file_states().values() if s["root"]})
    if paths:
        roots = [Path(p).expanduser().resolve() for p in paths]
    else:  # no paths: bring the corpus's own sources up to date (a new one: the shipped corpus)
        roots = [Path(r) for r in known_roots] or [corpus_dir()]

    if store.exists() and store.embedder != embedder.name:
        old_roots = set(known_roots)
        report.notices.append(
            f"Embeddings changed from {store.embedder} to {embedder.name}: rebuilding corpus "
            f"'{name}' from scratch ({len(old_roots)} source folder(s))."
        )
        store.drop()
        roots += [Path(r) for r in sorted(old_roots) if Path(r) not in roots and Path(r).exists()]
    if not store.exists():
        store.create(embedder.name)

    states = store.file_states()
    work: list[tuple[Path, Path]] = []  # (file, root)
    for root in roots:
        if root.is_dir():
            work.extend((f, root) for f in _walk(root))
        elif root.exists():
            work.append((root, root))
        else:
            report.files.append(FileReport(shown(str(root)), "error", reason="not found"))

    seen: set[str] = set()
    for done, (path, root) in enumerate(work):
        key = shown(str(path))
        if progress:
            progress(len(work), done, key)
        if key in seen:
            continue
        seen.add(key)
        report.files.append(_index_one(settings, store, embedder, path, root, states.get(key)))
    if progress:
        progress(len(work), len(work), "")

    # Files that were indexed under one of these folders and are gone now.
    folders = {str(r) for r in roots if r.is_dir()}
    for key, state in sorted(states.items()):
        single_and_gone = state["root"] == key and not Path(key).exists()
        if key not in seen and (state["root"] in folders or single_and_gone):
            store.remove_file(key)
            report.files.append(FileReport(key, "removed", reason="file no longer exists"))
    return report


def _index_one(
    settings: Settings,
    store: Corpus,
    embedder: object,
    path: Path,
    root: Path,
    state: dict[str, str] | None,
) -> FileReport:
    """Index one file; whatever goes wrong becomes its line in the report, never an abort."""
    key = shown(str(path))
    max_bytes = int(settings.max_file_mb * 1_000_000)
    try:
        data = read_capped(path, max_bytes)  # type, kind and size are checked before reading
    except LoadError as exc:
        return _not_indexed(store, key, state, exc)
    fp = _fingerprint(data, settings, embedder.name)  # type: ignore[attr-defined]
    if state and state["hash"] == fp:
        return FileReport(key, "unchanged", reason="unchanged since the last run")
    try:
        chunks = chunks_of(settings, data, path, root)
        del data
        if not chunks:
            raise EmptyFile("no text found in the file")
        texts = [c.search_text() for c in chunks] + [h for c in chunks for h in c.hints]
        every = cached_embed(settings.cache_dir, embedder.name, texts, embedder.embed_documents)  # type: ignore[attr-defined]
        vectors, flat = every[: len(chunks)], every[len(chunks) :]
        hint_vectors, at = [], 0
        for c in chunks:
            hint_vectors.append(flat[at : at + len(c.hints)])
            at += len(c.hints)
        store.replace_file(key, shown(str(root)), fp, chunks, vectors, hint_vectors)
    except CoachError as exc:  # a LoadError, or the embedder or the store failing
        return _not_indexed(store, key, state, exc)
    except Exception as exc:  # noqa: BLE001 (one file must not stop the run)
        _log.debug("indexing %s failed", key, exc_info=True)
        reason = f"could not be indexed (unexpected {type(exc).__name__}); please report it"
        return _not_indexed(store, key, state, CoachError(reason))
    return FileReport(key, "indexed", chunks=len(chunks))


def chunks_of(settings: Settings, data: bytes, path: Path, root: Path) -> list[Chunk]:
    """The chunks a file's bytes are stored as, with its citation label."""
    label = _label(path, root)
    doc = parse(data, path, int(settings.max_file_mb * 1_000_000))
    return split(
        doc,
        shown(label),
        settings.chunk_chars,
        settings.chunk_overlap,
        id_source=os.fsencode(label),
    )


def _not_indexed(
    store: Corpus, key: str, state: dict[str, str] | None, exc: CoachError
) -> FileReport:
    if state:
        store.remove_file(key)  # its old chunks no longer match the file
    status = "skipped" if isinstance(exc, FileSkipped) else "error"
    setting = exc.setting if isinstance(exc, FileTooLarge) else ""
    return FileReport(key, status, reason=str(exc), setting=setting)


def _label(path: Path, root: Path) -> str:
    """The citation label: ``folder/relative/path`` for folders, the file name for files."""
    if root.is_dir():
        return f"{root.name}/{path.relative_to(root).as_posix()}"
    return path.name


_ensured: set[tuple[str, str]] = set()
_ensure_lock = threading.Lock()


def ensure_shipped(settings: Settings) -> None:
    """Index the shipped corpus into the default corpus on first use in this process."""
    key = (settings.chroma_url or str(settings.home), settings.corpus)
    if key in _ensured:
        return
    with _ensure_lock:
        _ensure_shipped(settings, key)


def _ensure_shipped(settings: Settings, key: tuple[str, str]) -> None:
    if key in _ensured:
        return
    if settings.corpus == "default":
        report = index_paths(settings, None, "default")
        errors = [f for f in report.files if f.status == "error"]
        if errors:
            raise CoachError(
                "The shipped corpus could not be indexed: "
                + "; ".join(f"{f.path}: {f.reason}" for f in errors[:3])
            )
    _ensured.add(key)
