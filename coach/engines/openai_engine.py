"""OpenAI, or any OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp's server), as
an engine: it sends the rendered messages through ``coach.openai_client`` and gives back
what the model wrote. The ``openai`` package is imported on the first request, not here.
"""

from __future__ import annotations

from coach.engines.base import EngineError, Reply, Request
from coach.errors import ConfigError
from coach.settings import Settings


class OpenAIEngine:
    """The chat model ``COACH_MODEL`` on OpenAI or at ``OPENAI_BASE_URL``."""

    name = "openai"

    def __init__(self, settings: Settings) -> None:
        if not settings.model:
            what = "OPENAI_API_KEY" if settings.openai_api_key else "OPENAI_BASE_URL"
            if not (settings.openai_api_key or settings.openai_base_url):
                what = "COACH_PROVIDER=openai"
            raise ConfigError(
                f"{what} is set but COACH_MODEL is empty; set COACH_MODEL (e.g. gpt-4o-mini, "
                "or llama3.2 for Ollama) or set COACH_PROVIDER=offline"
            )
        self._settings = settings
        self.model: str | None = settings.model

    def complete(self, request: Request) -> Reply:
        """The model's reply, streamed to ``request.on_token`` as it is written."""
        from coach.openai_client import ModelServerError, chat

        try:
            done = chat(
                self._settings,
                request.system,
                request.user,
                request.on_token,
                json_mode=request.json_mode,
            )
        except ModelServerError as exc:
            raise EngineError(str(exc)) from exc
        return Reply(done.text, done.prompt_tokens, done.completion_tokens)

    def status(self) -> str:
        """Whether the server answers, and the first models it lists (within 5 seconds)."""
        from coach.errors import CoachError
        from coach.openai_client import list_models

        try:
            names = list_models(self._settings, seconds=5.0)[:5]
            return "reachable" + (f"; models: {', '.join(names)}" if names else "")
        except CoachError as exc:  # any failure is a finding, not a crash
            return f"unreachable: {exc}"
