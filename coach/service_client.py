"""The one module that talks to the coach service (``coach.service``) over loopback HTTP.

Under `mentor-coach serve` every kernel searches and embeds through the one shared
service instead of loading chromadb, BM25 and the embedder itself. Plain ``http.client``:
it costs some 40 ms to import (httpx five times that), and one JSON request per call needs
nothing more. The token goes in a header only, never into a message or a log.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from typing import Any
from urllib.parse import urlparse

from coach.errors import CoachError, ConfigError, CorpusIndexError, QueryError
from coach.models import Passage
from coach.settings import Settings

__all__ = ["MAX_TEXTS", "TIMEOUT", "RemoteEmbedder", "ServiceClient", "service_client"]

# A search takes milliseconds; the first minute of a workshop, with thirty pages opening at
# once on two cores, can queue a request for seconds, never for a minute.
TIMEOUT = 60.0
MAX_TEXTS = 256  # texts per /embed request; the service refuses more


class ServiceClient:
    """Searches and embeds through the coach service at ``url``."""

    def __init__(self, url: str, token: str, timeout: float = TIMEOUT) -> None:
        parsed = urlparse(url)
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or 80
        self.where = f"{self.host}:{self.port}"
        self._token = token
        self._timeout = timeout

    def _unreachable(self, why: str) -> CorpusIndexError:
        return CorpusIndexError(
            f"The coach service at {self.where} did not answer ({why}); "
            "restart `mentor-coach serve`."
        )

    def request(self, method: str, path: str, body: object = None) -> Any:
        """Send one JSON request and return the decoded answer, or raise a CoachError."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self._timeout)
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                status, raw = resp.status, resp.read()
                break
            except TimeoutError:
                raise self._unreachable(f"no answer within {self._timeout:.0f} s") from None
            except (ConnectionResetError, http.client.BadStatusLine) as exc:
                # a service restarted under our request: every request is safe to repeat
                if attempt == 2:
                    raise self._unreachable(type(exc).__name__) from None
                time.sleep(0.5)
            except OSError as exc:
                raise self._unreachable(exc.strerror or type(exc).__name__) from None
            finally:
                conn.close()
        text = raw.decode("utf-8", "replace").strip()
        if status == 200:
            try:
                return json.loads(text)
            except ValueError:
                raise CoachError(
                    f"The coach service at {self.where} sent an answer that is not JSON; "
                    "restart `mentor-coach serve`."
                ) from None
        raise self._error(status, text)

    def _error(self, status: int, text: str) -> CoachError:
        if status == 401:
            return ConfigError(
                f"The coach service at {self.where} refused this process's COACH_SERVICE_TOKEN; "
                "reload the page, or restart `mentor-coach serve` if it was restarted."
            )
        if status in (400, 413):
            return QueryError(text)
        if status == 409:
            return CorpusIndexError(text)
        if status == 503:
            return CorpusIndexError(
                f"The coach service at {self.where} is not ready ({text}); try again in a moment."
            )
        return CoachError(f"The coach service at {self.where} failed ({status}): {text}")

    def health(self) -> dict[str, Any]:
        """The service's state: ``status`` and the ``embedder`` it runs."""
        return dict(self.request("GET", "/health"))

    def search(self, query: str, k: int, corpus: str | None) -> list[Passage]:
        """The service's answer to ``coach.search(query, k, corpus=corpus)``."""
        if not isinstance(query, str):  # anything else would not survive JSON as itself
            raise QueryError(f"The query must be text, not {type(query).__name__}.")
        got = self.request("POST", "/search", {"query": query, "k": k, "corpus": corpus})
        return [Passage.model_validate(p) for p in got["passages"]]

    def embed(self, texts: list[str], kind: str) -> list[list[float]]:
        """Vectors for ``texts`` (``kind`` 'query' or 'documents'), in batches."""
        out: list[list[float]] = []
        for start in range(0, len(texts), MAX_TEXTS):
            part = texts[start : start + MAX_TEXTS]
            out.extend(self.request("POST", "/embed", {"texts": part, "kind": kind})["vectors"])
        return out


class RemoteEmbedder:
    """The service's embedder, seen from a kernel (same name, same vectors)."""

    def __init__(self, client: ServiceClient) -> None:
        self._client = client
        # the cache of document vectors is keyed by this name: the service's, not ours
        self.name: str = str(client.health()["embedder"])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors for texts to be stored or compared."""
        return self._client.embed(texts, "documents") if texts else []

    def embed_query(self, text: str) -> list[float]:
        """The vector for one search query."""
        return self._client.embed([text], "query")[0]


_clients: dict[tuple[str, str], ServiceClient] = {}
_lock = threading.Lock()


def service_client(settings: Settings) -> ServiceClient:
    """The client for ``settings.service_url`` (one per URL and token in this process)."""
    if not settings.service_url:
        raise ConfigError("COACH_SERVICE_URL is not set; there is no coach service to call.")
    if settings.service_token is None:
        raise ConfigError(
            "COACH_SERVICE_URL is set but COACH_SERVICE_TOKEN is empty; set both (as "
            "`mentor-coach serve` does for its pages) or unset COACH_SERVICE_URL."
        )
    key = (settings.service_url, settings.service_token.get_secret_value())
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = ServiceClient(*key)
        return client
