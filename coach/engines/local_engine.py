"""A GGUF model file on this machine as an engine: ``COACH_PROVIDER=local`` with
``COACH_LOCAL_MODEL=/path/to/model.gguf``.

On first use in a process it starts llama.cpp's server from the ``xllamacpp`` wheel on a
free loopback port (``coach.local_server``: one per process, stopped at exit and gone with
the process however it ends), then talks to it exactly as to any OpenAI-compatible server
(:class:`~coach.engines.openai_engine.OpenAIEngine`): streaming, deadlines, checks, repair
and fallback are the same. Nothing is downloaded and no key is needed.
"""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

from coach import local_server
from coach.engines.base import EngineError, Reply, Request
from coach.engines.openai_engine import OpenAIEngine
from coach.errors import CoachError, ConfigError
from coach.settings import Settings

START_SECONDS = 120.0  # loading a model on first use: a few seconds, more for a big one
DOCTOR_SECONDS = 60.0


class LocalEngine:
    """The model in the GGUF file ``COACH_LOCAL_MODEL``, run by llama.cpp in a child process."""

    name = "local"

    def __init__(self, settings: Settings) -> None:
        if settings.local_model is None:
            raise ConfigError("COACH_PROVIDER=local needs COACH_LOCAL_MODEL=/path/to/model.gguf")
        path = Path(settings.local_model).expanduser().resolve()
        problem = local_server.model_problem(path)
        if problem:
            raise ConfigError(problem)
        if not local_server.installed():
            raise ConfigError(
                "COACH_PROVIDER=local runs COACH_LOCAL_MODEL with llama.cpp's server from the "
                "xllamacpp package, which is not installed: pip install "
                "'mentor-workbook[local]' (or pip install xllamacpp)"
            )
        self._settings = settings
        self.path = path
        running = local_server.running()
        self.model: str | None = (
            running.model if running is not None and running.path == path else path.stem
        )

    def server(self, seconds: float = START_SECONDS) -> local_server.LlamaServer:
        """This process's server for the model, started if it is not running yet."""
        try:
            server = local_server.shared(
                self.path,
                seconds,
                self._settings.local_max_tokens,
                self._settings.local_threads,
            )
        except local_server.NotReady as exc:
            raise EngineError(str(exc)) from None
        self.model = server.model
        return server

    def _remote(self, server: local_server.LlamaServer) -> OpenAIEngine:
        return OpenAIEngine(
            self._settings.model_copy(
                update={
                    "openai_base_url": server.url,
                    "openai_api_key": None,
                    "model": server.model,
                }
            )
        )

    def complete(self, request: Request) -> Reply:
        """The model's reply, streamed to ``request.on_token`` as it is written."""
        server = self.server()
        try:
            return self._remote(server).complete(request)
        except EngineError as exc:
            if server.alive():
                raise
            # it died while answering (out of memory, say): the next call starts a new one
            raise EngineError(
                f"llama.cpp's server for {self.path.name} stopped while answering (exit code "
                f"{server.proc.returncode})"
            ) from exc

    def status(self) -> str:
        """Whether the model answers: the server is started (within 60 seconds) if it is not
        running, and asked for a few tokens."""
        try:
            server = self.server(DOCTOR_SECONDS)
        except CoachError as exc:
            return f"does not answer: {exc}"
        began = time.monotonic()
        body = json.dumps(
            {
                "model": server.model,
                "messages": [{"role": "user", "content": "Say hello."}],
                "max_tokens": 4,
            }
        ).encode()
        ask = urllib.request.Request(
            f"{server.url}/chat/completions", body, {"Content-Type": "application/json"}
        )
        try:
            with local_server.OPENER.open(ask, timeout=30) as r:  # no proxy: loopback
                json.loads(r.read())["choices"][0]["message"]
        except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            return f"does not answer: llama.cpp's server at {server.url} failed a request ({exc})"
        return (
            f"answers: {server.model} at {server.url} (llama.cpp, started in "
            f"{server.seconds:.1f} s; a 4-token reply took {time.monotonic() - began:.1f} s)"
        )
