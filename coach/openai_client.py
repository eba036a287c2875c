"""The one module that imports the ``openai`` SDK.

Works with OpenAI and with any OpenAI-compatible server (Ollama, vLLM, LM Studio,
llama.cpp) at ``OPENAI_BASE_URL``. Errors are turned into :class:`ModelServerError` with a
message a person can act on; neither the API key nor credentials in the URL appear in them.

Every call has one total deadline (``COACH_CALL_DEADLINE``) that covers connecting, retries,
the waits a server asks for and the whole streamed answer; reads stop at
``COACH_MAX_ANSWER_CHARS``; text from the model is stripped of terminal escape sequences.
"""

from __future__ import annotations

import email.utils
import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from coach.errors import ConfigError
from coach.model_wire import Budget, StreamCleaner, bound_response, mask_http_logs, within
from coach.model_wire import ModelServerError as ModelServerError
from coach.model_wire import strip_controls as strip_controls
from coach.model_wire import where as _where
from coach.settings import Settings

# The longest wait a server may ask for (Retry-After) that a call sits through: a longer
# one ends the call at once and tells the user when to try again.
MAX_RETRY_WAIT = 5.0

_T = TypeVar("_T")


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
    cache_key = (hash(key_text), settings.openai_base_url, settings.request_timeout)
    c = _clients.get(cache_key)
    if c is None:
        import openai

        mask_http_logs()

        try:
            # Local servers ignore the key, but the SDK insists on one. The SDK's own retries
            # are off: they wait up to two minutes on a Retry-After, past any deadline.
            c = openai.OpenAI(
                api_key=key_text or "not-needed",
                base_url=settings.openai_base_url,
                timeout=settings.request_timeout,
                max_retries=0,
                http_client=openai.DefaultHttpxClient(event_hooks={"response": [bound_response]}),
            )
        # a malformed URL (the SDK and httpx raise several kinds); its text may hold
        # credentials, so not shown
        except Exception:  # noqa: BLE001 (many kinds for a bad URL; not shown)
            raise ConfigError(
                f"OPENAI_BASE_URL is not a usable URL ({_where(settings)}); it should look "
                "like http://127.0.0.1:11434/v1"
            ) from None
        _clients[cache_key] = c
    return c


def describe_error(exc: BaseException, settings: Settings) -> str:
    """A short description of what went wrong talking to the server, free of secrets."""
    import openai

    where = _where(settings)
    if isinstance(exc, openai.APITimeoutError):
        return f"the model server at {where} did not answer within {settings.request_timeout:g}s"
    if isinstance(exc, openai.APIConnectionError):
        return f"could not connect to the model server at {where}"
    if isinstance(exc, openai.RateLimitError):
        return f"the model server at {where} is rate limiting (HTTP 429)"
    if isinstance(exc, openai.AuthenticationError):
        return f"the model server at {where} rejected the API key (HTTP 401); check OPENAI_API_KEY"
    if isinstance(exc, openai.APIStatusError):
        return f"the model server at {where} answered HTTP {exc.status_code}"
    if isinstance(exc, openai.APIError):
        return f"the model server at {where} reported an error while answering"
    if isinstance(exc, json.JSONDecodeError):
        return _not_compatible(where, "not valid JSON")
    if isinstance(exc, (ValueError, TypeError, AttributeError, KeyError, IndexError)):
        return _not_compatible(where, "not the expected fields")
    return f"the model server at {where} gave an unusable answer ({type(exc).__name__})"


def _not_compatible(where: str, what: str) -> str:
    return (
        f"the model server at {where} gave an unusable answer: its reply was not an "
        f"OpenAI-compatible response ({what}); check that OPENAI_BASE_URL ends in /v1"
    )


def _retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked to wait (Retry-After, in seconds or as a date), if it did."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            try:
                when = email.utils.parsedate_tz(value)
                seconds = email.utils.mktime_tz(when) - time.time() if when else math.nan
            except (TypeError, ValueError, OverflowError):
                continue
        if math.isfinite(seconds):
            return max(seconds, 0.0)
    return None


def _retryable(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return isinstance(exc, openai.APIConnectionError)


def _with_retries(
    settings: Settings,
    budget: Budget,
    attempt: Callable[[float], _T],
    may_retry: Callable[[], bool] = lambda: True,
) -> _T:
    """``attempt(timeout)`` until it succeeds, retrying 429, 5xx and lost connections with
    backoff up to ``COACH_MAX_RETRIES`` times, never waiting past the budget's deadline."""
    tries = 0
    while True:
        left = budget.left()
        if left <= 0:
            raise budget.expired()
        try:
            return attempt(min(settings.request_timeout, left))
        except ModelServerError:
            raise
        except Exception as exc:  # noqa: BLE001 (SDK errors, broken streams, bad answers)
            if budget.left() <= 0:
                raise budget.expired() from None
            asked = _retry_after(exc)
            why = describe_error(exc, settings)
            if tries:
                why += f" after {tries} {'retry' if tries == 1 else 'retries'}"
            if asked is not None and asked >= 0.5:
                why += f"; try again in {math.ceil(asked)} s"
            if not _retryable(exc) or not may_retry() or tries >= settings.max_retries:
                raise ModelServerError(why) from None
            backoff = min(0.5 * 2**tries, 8.0) * (1 - 0.25 * random.random())
            wait = backoff if asked is None else asked
            if wait > MAX_RETRY_WAIT or wait >= budget.left():
                raise ModelServerError(why) from None
            time.sleep(wait)
            tries += 1


def list_models(settings: Settings, seconds: float = 5.0) -> list[str]:
    """The names of the models the server offers, asked once within ``seconds``."""
    api = client(settings)
    budget = Budget(_where(settings), seconds, time.monotonic() + seconds, 0, 4_000_000)
    try:
        with within(budget):
            models = api.models.list(timeout=seconds)
            return [str(m.id) for m in models.data]
    except ModelServerError:
        raise
    except Exception as exc:  # noqa: BLE001 (SDK errors and malformed answers alike)
        if budget.left() <= 0:
            raise budget.expired() from None
        raise ModelServerError(describe_error(exc, settings)) from None


def embed(settings: Settings, texts: list[str]) -> list[list[float]]:
    """Embed ``texts`` with ``settings.embedding_model``; raise :class:`ModelServerError`."""
    api = client(settings)

    def attempt(timeout: float) -> list[Any]:
        resp = api.embeddings.create(model=settings.embedding_model, input=texts, timeout=timeout)
        return sorted(resp.data, key=lambda d: d.index)

    # no byte cap: the vectors of one batch run to megabytes; the deadline still holds
    budget = Budget.start(settings)
    try:
        with within(budget):
            data = _with_retries(settings, budget, attempt)
    except ModelServerError as exc:
        raise ModelServerError(
            f"Embedding failed: {exc}. Check the server, or set "
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

    Raises :class:`ModelServerError` for anything that is not a usable, non-empty answer
    within ``COACH_CALL_DEADLINE``: timeouts, refused connections, 429 and 5xx after bounded
    retries, answers over ``COACH_MAX_ANSWER_CHARS``, replies that are not OpenAI-compatible,
    empty answers. The text (and every streamed piece) is free of terminal escapes.
    """
    api = client(settings)
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    extra: dict[str, Any] = {"response_format": {"type": "json_object"}} if json_mode else {}
    if on_token is None:
        budget = Budget.start(settings, "json")

        def whole(timeout: float) -> Completion:
            raw = api.chat.completions.with_raw_response.create(
                model=settings.model, messages=messages, timeout=timeout, **extra
            )
            return _parse_completion(raw.content, budget)

        with within(budget):
            done = _with_retries(settings, budget, whole)
    else:
        budget = Budget.start(settings, "stream")
        shown: list[str] = []

        def streamed(timeout: float) -> Completion:
            stream = api.chat.completions.create(
                model=settings.model,
                messages=messages,
                stream=True,
                stream_options={"include_usage": True},
                timeout=timeout,
                **extra,
            )
            return _read_stream(stream, budget, on_token, shown)

        with within(budget):
            # once a piece has been shown, a retry would show it twice
            done = _with_retries(settings, budget, streamed, may_retry=lambda: not shown)
    if not done.text.strip():
        raise ModelServerError(f"the model server at {budget.where} returned an empty answer")
    return done


def _count(value: object) -> int:
    return value if isinstance(value, int) and value > 0 else 0


def _parse_completion(body: bytes, budget: Budget) -> Completion:
    """The answer in a chat-completion body, checked field by field (not trusted)."""
    try:
        data = json.loads(body)
    except ValueError:  # also UnicodeDecodeError
        page = body.lstrip()[:1] == b"<"
        raise ModelServerError(
            _not_compatible(budget.where, "an HTML page" if page else "not valid JSON")
        ) from None
    choices = data.get("choices") if isinstance(data, dict) else None
    first = choices[0] if isinstance(choices, list) and choices else {}
    message = first.get("message") if isinstance(first, dict) else None
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(choices, list) or (choices and not isinstance(message, dict)):
        raise ModelServerError(_not_compatible(budget.where, "no 'choices' with a 'message'"))
    if content is not None and not isinstance(content, str):
        raise ModelServerError(_not_compatible(budget.where, "the answer is not text"))
    if content and len(content) > budget.max_chars:
        raise budget.too_long()
    usage = data.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    return Completion(
        strip_controls(content or ""),
        _count(usage.get("prompt_tokens")),
        _count(usage.get("completion_tokens")),
    )


def _read_stream(
    stream: Any, budget: Budget, on_token: Callable[[str], None], shown: list[str]
) -> Completion:
    """Read a chat-completion stream, passing each cleaned piece to ``on_token``."""
    done = Completion("")
    cleaner = StreamCleaner()
    chunks = chars = 0
    try:
        for chunk in stream:
            choices = getattr(chunk, "choices", None)
            if not isinstance(choices, list):
                raise ModelServerError(_not_compatible(budget.where, "a chunk without 'choices'"))
            chunks += 1
            usage = getattr(chunk, "usage", None)
            if usage:
                done.prompt_tokens = _count(getattr(usage, "prompt_tokens", 0))
                done.completion_tokens = _count(getattr(usage, "completion_tokens", 0))
            for choice in choices:
                piece = getattr(getattr(choice, "delta", None), "content", None) or ""
                if not isinstance(piece, str):
                    raise ModelServerError(_not_compatible(budget.where, "a piece not text"))
                chars += len(piece)
                if chars > budget.max_chars:
                    raise budget.too_long()
                text = cleaner.feed(piece)
                if text:
                    shown.append(text)
                    on_token(text)
    finally:
        stream.close()  # also when we stop reading early: the connection is let go
    if not chunks:
        html = "html" in (stream.response.headers.get("content-type") or "")
        raise ModelServerError(
            _not_compatible(budget.where, "an HTML page" if html else "no stream events")
        )
    tail = cleaner.flush()
    if tail:
        shown.append(tail)
        on_token(tail)
    done.text = "".join(shown)
    return done
