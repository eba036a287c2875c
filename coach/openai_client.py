"""The one module that imports the ``openai`` SDK.

Works with OpenAI and with any OpenAI-compatible server (Ollama, vLLM, LM Studio,
llama.cpp) at ``OPENAI_BASE_URL``. Errors are turned into :class:`ModelServerError` with a
message a person can act on; the API key never appears in them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coach.errors import CoachError, ConfigError
from coach.settings import Settings


class ModelServerError(CoachError):
    """The model server could not be reached or gave an unusable answer."""


_clients: dict[tuple[Any, ...], Any] = {}


def client(settings: Settings) -> Any:
    """An ``openai.OpenAI`` client for these settings (cached per configuration)."""
    key_text = settings.api_key()
    if not key_text and not settings.openai_base_url:
        raise ConfigError(
            "No model server is configured: set OPENAI_API_KEY for OpenAI, or "
            "OPENAI_BASE_URL for a compatible server such as Ollama "
            "(http://127.0.0.1:11434/v1)."
        )
    cache_key = (
        hash(key_text),
        settings.openai_base_url,
        settings.request_timeout,
        settings.max_retries,
    )
    c = _clients.get(cache_key)
    if c is None:
        import openai

        # Local servers ignore the key, but the SDK insists on one.
        c = openai.OpenAI(
            api_key=key_text or "not-needed",
            base_url=settings.openai_base_url,
            timeout=settings.request_timeout,
            max_retries=settings.max_retries,
        )
        _clients[cache_key] = c
    return c


def describe_error(exc: BaseException, settings: Settings) -> str:
    """A short, key-free description of what went wrong talking to the server."""
    import openai

    where = settings.openai_base_url or "OpenAI"
    if isinstance(exc, openai.APITimeoutError):
        return f"the model server at {where} did not answer within {settings.request_timeout:g}s"
    if isinstance(exc, openai.APIConnectionError):
        return f"could not connect to the model server at {where}"
    if isinstance(exc, openai.RateLimitError):
        return f"the model server at {where} is rate limiting (HTTP 429) after retries"
    if isinstance(exc, openai.AuthenticationError):
        return f"the model server at {where} rejected the API key (HTTP 401); check OPENAI_API_KEY"
    if isinstance(exc, openai.APIStatusError):
        return f"the model server at {where} answered HTTP {exc.status_code}"
    return f"the model server at {where} gave an unusable answer ({type(exc).__name__})"


def embed(settings: Settings, texts: list[str]) -> list[list[float]]:
    """Embed ``texts`` with ``settings.embedding_model``; raise :class:`ModelServerError`."""
    api = client(settings)
    try:
        resp = api.embeddings.create(model=settings.embedding_model, input=texts)
        data = sorted(resp.data, key=lambda d: d.index)
    except Exception as exc:  # SDK errors and malformed answers alike
        raise ModelServerError(
            f"Embedding failed: {describe_error(exc, settings)}. Check the server, or set "
            "COACH_EMBEDDINGS=offline to index without a model server."
        ) from None
    if len(data) != len(texts) or any(not d.embedding for d in data):
        raise ModelServerError(
            f"Embedding failed: the server returned {len(data)} vectors for {len(texts)} texts."
        )
    return [list(d.embedding) for d in data]


@dataclass
class Completion:
    """A chat completion: its text and the tokens it used (0 when the server did not say)."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


def chat(
    settings: Settings,
    system: str,
    user: str,
    on_token: Callable[[str], None] | None = None,
    json_mode: bool = False,
) -> Completion:
    """One chat completion from ``settings.model``, streamed to ``on_token`` when given.

    Raises :class:`ModelServerError` for anything that is not a usable, non-empty answer:
    timeouts, refused connections, 429 after the SDK's retries with backoff, 5xx, malformed
    or empty output.
    """
    api = client(settings)
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    extra: dict[str, Any] = {"response_format": {"type": "json_object"}} if json_mode else {}
    try:
        if on_token is None:
            resp = api.chat.completions.create(model=settings.model, messages=messages, **extra)
            text = resp.choices[0].message.content or ""
            usage = resp.usage
            done = Completion(
                text,
                getattr(usage, "prompt_tokens", 0) or 0,
                getattr(usage, "completion_tokens", 0) or 0,
            )
        else:
            stream = api.chat.completions.create(
                model=settings.model,
                messages=messages,
                stream=True,
                stream_options={"include_usage": True},
                **extra,
            )
            parts: list[str] = []
            done = Completion("")
            for chunk in stream:
                if getattr(chunk, "usage", None):
                    done.prompt_tokens = chunk.usage.prompt_tokens or 0
                    done.completion_tokens = chunk.usage.completion_tokens or 0
                for choice in chunk.choices or []:
                    piece = getattr(choice.delta, "content", None) or ""
                    if piece:
                        parts.append(piece)
                        on_token(piece)
            done.text = "".join(parts)
    except ModelServerError:
        raise
    except Exception as exc:  # SDK errors, broken streams and malformed answers alike
        raise ModelServerError(describe_error(exc, settings)) from None
    if not done.text.strip():
        raise ModelServerError(
            f"the model server at {settings.openai_base_url or 'OpenAI'} returned an empty answer"
        )
    return done
