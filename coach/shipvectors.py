"""Write the shipped corpus's vectors (``coach/data/vectors.sqlite3``) anew.

Run ``python -m coach.shipvectors`` (or ``make vectors``) after editing ``corpus/``: it
embeds, with the offline model, every text the product embeds for the shipped corpus (each
chunk with its heading, the questions it answers, and the sentences an offline answer is
chosen from) and writes them in the vector cache's own format. ``tests/test_shipvectors.py``
fails while a text is missing or a vector differs from the model's.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from coach.chunking import Chunk


def shipped_texts() -> list[str]:
    """Every text the offline engine embeds for the shipped corpus, each once."""
    from coach.answering import is_fragment
    from coach.indexer import _walk, chunks_of
    from coach.offline import sentences
    from coach.paths import corpus_dir
    from coach.settings import Settings

    settings = Settings()
    root = corpus_dir()
    texts: dict[str, None] = {}
    for path in _walk(root):
        chunks: list[Chunk] = chunks_of(settings, path.read_bytes(), path, root)
        for c in chunks:
            texts[c.search_text()] = None
            texts.update(dict.fromkeys(c.hints))
            texts.update(dict.fromkeys(s for s in sentences(c.text) if not is_fragment(s)))
    return list(texts)


def write(target: Path) -> int:
    """Embed :func:`shipped_texts` into a fresh file at ``target``; how many vectors."""
    import numpy as np

    from coach.embcache import CREATE, key_of
    from coach.embeddings import MiniLMEmbedder

    embedder = MiniLMEmbedder()
    texts = shipped_texts()
    vectors = embedder.embed_documents(texts)
    fresh = target.with_suffix(".new")
    fresh.unlink(missing_ok=True)
    db = sqlite3.connect(fresh)
    try:
        with db:
            db.execute(CREATE)
            db.executemany(
                "INSERT INTO vec (key, v) VALUES (?, ?)",
                [
                    (key_of(embedder.name, t), np.asarray(v, dtype=np.float32).tobytes())
                    for t, v in zip(texts, vectors)
                ],
            )
        db.execute("VACUUM")
    finally:
        db.close()
    fresh.replace(target)
    return len(texts)


def main() -> int:
    from coach.embcache import SHIPPED

    count = write(SHIPPED)
    print(f"wrote {count} vectors of the shipped corpus to {SHIPPED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
