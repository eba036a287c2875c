"""The shipped corpus's vectors (``coach/data/vectors.sqlite3``): a new machine indexes the
shipped corpus and answers from it without running the model over it, and what ships is
what the model gives today. After an edit to ``corpus/``, ``make vectors`` writes it anew."""

from __future__ import annotations

import random

import numpy as np
import pytest

from coach import embcache
from coach.embeddings import MiniLMEmbedder
from coach.shipvectors import shipped_texts

STALE = "run `make vectors` after editing corpus/ (coach/data/vectors.sqlite3 is stale)"


QUESTION = "How do I prepare for a first meeting with a mentor?"


@pytest.fixture
def model_asked(monkeypatch):
    """The texts the offline model is asked to embed; it embeds only :data:`QUESTION` (a
    question is never shipped) and fails for anything else."""
    from coach.minilm import MiniLM

    asked: list[str] = []
    real = MiniLM.encode

    def encode(self, texts, batch=16):
        asked.extend(texts)
        assert texts == [QUESTION], f"the model was asked for {len(texts)} texts: {STALE}"
        return real(self, texts, batch)

    monkeypatch.setattr(MiniLM, "encode", encode)
    return asked


def test_every_text_of_the_shipped_corpus_has_a_shipped_vector():
    texts = shipped_texts()
    keys = [embcache.key_of(MiniLMEmbedder.name, t) for t in texts]
    found = embcache.shipped(keys)
    lacking = [t[:60] for t, k in zip(texts, keys) if k not in found]
    assert not lacking, f"{len(lacking)} texts, such as {lacking[:3]}: {STALE}"


def test_a_new_machine_indexes_and_answers_from_the_shipped_vectors(
    clean_env, tmp_path, monkeypatch, model_asked
):
    import coach
    from coach.indexer import index_paths
    from coach.settings import Settings, reset_settings

    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "new-machine-cache"))
    reset_settings()
    report = index_paths(Settings(), None, "default")
    assert report.count("indexed") == 17 and report.count("error") == 0
    assert model_asked == []
    answer = coach.ask(QUESTION)  # its passages' sentences are shipped too
    assert answer.provider == "offline" and answer.citations and "[1]" in answer.text
    assert set(model_asked) == {QUESTION}  # the search and the answer embed the question


def test_what_ships_is_what_the_model_gives():
    sample = random.Random(7).sample(shipped_texts(), 24)
    model = MiniLMEmbedder()
    fresh = np.asarray(model.embed_documents(sample), dtype=np.float32)
    keys = [embcache.key_of(model.name, t) for t in sample]
    found = embcache.shipped(keys)
    stored = np.asarray([found[k] for k in keys], dtype=np.float32)
    assert np.allclose((fresh * stored).sum(1), 1.0, atol=1e-5), STALE


def test_a_text_that_was_not_shipped_is_embedded_by_the_model_and_kept(tmp_path):
    model = MiniLMEmbedder()
    guide = shipped_texts()[0]
    mine = "A note of my own, in none of the guides."
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> list[list[float]]:
        calls.append(texts)
        return model.embed_documents(texts)

    first = embcache.cached_embed(tmp_path, model.name, [mine, guide], embed)
    assert calls == [[mine]]
    key = embcache.key_of(model.name, guide)
    assert first[1] == embcache.shipped([key])[key]
    again = embcache.cached_embed(tmp_path, model.name, [mine, guide], embed)
    assert calls == [[mine]] and again == first  # both kept in the cache
