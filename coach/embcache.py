"""A persistent cache of document vectors, keyed by embedder and text.

Embedding the shipped corpus with the offline model takes tens of seconds on a laptop; the
cache makes re-indexing, a second corpus with the same files, or a fresh ``COACH_HOME``
nearly free. Only document texts and their vectors are stored, never keys or queries.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np

Embed = Callable[[list[str]], list[list[float]]]


def _key(embedder: str, text: str) -> str:
    return hashlib.sha256(f"{embedder}\x00{text}".encode()).hexdigest()


def cached_embed(
    folder: Path | None, embedder: str, texts: list[str], embed: Embed
) -> list[list[float]]:
    """Vectors for ``texts``: from the cache where known, from ``embed`` for the rest."""
    if not texts:
        return []
    if folder is None:
        return embed(texts)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(folder / "embeddings.sqlite3", timeout=30)
    except (OSError, sqlite3.Error):
        return embed(texts)  # a cache that cannot open is not an error worth stopping for
    try:
        db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB NOT NULL)")
        keys = [_key(embedder, t) for t in texts]
        found: dict[str, list[float]] = {}
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ",".join("?" * len(part))
            for k, blob in db.execute(f"SELECT key, v FROM vec WHERE key IN ({marks})", part):
                found[k] = np.frombuffer(blob, dtype=np.float32).tolist()
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            fresh = embed([texts[i] for i in missing])
            with db:
                db.executemany(
                    "INSERT OR REPLACE INTO vec (key, v) VALUES (?, ?)",
                    [
                        (keys[i], np.asarray(v, dtype=np.float32).tobytes())
                        for i, v in zip(missing, fresh)
                    ],
                )
            for i, v in zip(missing, fresh):
                found[keys[i]] = list(v)
        return [found[k] for k in keys]
    finally:
        db.close()
