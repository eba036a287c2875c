"""Every setting of the coach, in one place, read from the environment on first use.

Precedence (highest first): explicit arguments to ``Settings(...)``, ``COACH_*``
environment variables, the standard ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL``, defaults.
Nothing here runs at import time: call :func:`get_settings`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from coach.errors import ConfigError

_USERINFO = re.compile(r"^((?:[A-Za-z][A-Za-z0-9+.-]*://)?)[^/?#]*@")
_SECRET_PARAM = re.compile(
    r"([?&;][^=&;#]*(?:key|token|secret|pass|pwd|auth|sig|cred|session)[^=&;#]*=)[^&;#]*",
    re.IGNORECASE,
)


def safe_url(url: str | None) -> str:
    """``url`` fit to show, log or store: ``user:password@`` becomes ``…@`` and the values
    of key-like query parameters (``api_key=``, ``token=``…) become ``…``."""
    if not url:
        return ""
    # text, not urlparse: a malformed URL must be masked too, never raise
    shown = _USERINFO.sub(r"\1…@", url.strip())
    shown = _SECRET_PARAM.sub(r"\1…", shown)
    return shown.split("#", 1)[0]


_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>]+")


def mask_urls(text: str) -> str:
    """``text`` (a message, a log line) with :func:`safe_url` applied to every URL in it."""
    return _URL_IN_TEXT.sub(lambda m: safe_url(m.group()), text)


def _default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("mentor-workbook", appauthor=False))


def _default_cache() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mentor-workbook", appauthor=False))


class Settings(BaseSettings):
    """All configuration of Mentor Workbook (environment prefix ``COACH_``)."""

    model_config = SettingsConfigDict(
        env_prefix="COACH_", extra="ignore", populate_by_name=True, validate_default=True
    )

    home: Path = Field(
        default_factory=_default_home,
        json_schema_extra={"shown_default": "your platform's user-data folder"},
        description="Folder for all user data: the embedded index, the store, logs.",
    )
    cache_dir: Path | None = Field(
        default_factory=_default_cache,
        json_schema_extra={"shown_default": "your platform's cache folder"},
        description="Cache of document vectors (safe to delete). Empty: no cache.",
    )
    corpus: str = Field(
        "default", description="Name of the corpus that search and the coach read from."
    )
    chroma_url: str | None = Field(
        None,
        description="URL of a chroma server (e.g. http://127.0.0.1:8000). "
        "Unset: an embedded store under COACH_HOME.",
    )
    database_url: SecretStr | None = Field(
        None,
        description="Where the workbook store lives: unset for a SQLite file under COACH_HOME, "
        "or a PostgreSQL URL such as postgresql://user:password@host:5432/mentor "
        "(secret: never printed).",
    )
    # any registered embedder's name (coach.engines.registry): checked when one is made
    embeddings: str = Field(
        "offline",
        description="Embedding provider: 'offline' (all-MiniLM-L6-v2 from the installed "
        "model package, run locally, no network), 'offline-hash' (hashed word features, no "
        "model at all), 'openai' (OpenAI or the compatible server at OPENAI_BASE_URL), or an "
        "installed plug-in's name (mentor_workbook.embedders entry points).",
    )
    embedding_model: str = Field(
        "text-embedding-3-small", description="Model name for the 'openai' embeddings."
    )
    offline_dims: int = Field(
        1024, ge=64, le=8192, description="Vector size of the offline hashed embeddings."
    )
    openai_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("COACH_OPENAI_API_KEY", "OPENAI_API_KEY"),
        description="API key for OpenAI or a compatible server. Never logged or exported.",
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("COACH_OPENAI_BASE_URL", "OPENAI_BASE_URL"),
        description="Base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1.",
    )
    # 'auto' or any registered engine's name (coach.engines.registry): checked by engine()
    provider: str = Field(
        "auto",
        description="Coach engine: 'offline' (templates and extraction, no network), 'openai' "
        "(OpenAI or a compatible server), 'local' (the GGUF file COACH_LOCAL_MODEL, run by "
        "llama.cpp on this machine), or 'auto': openai when OPENAI_API_KEY or "
        "OPENAI_BASE_URL is set, offline otherwise; or an installed plug-in's name "
        "(mentor_workbook.engines entry points; `mentor-coach doctor` lists them).",
    )
    model: str | None = Field(
        None,
        description="Chat model for the coach, e.g. gpt-4o-mini or llama3.2 for Ollama; required "
        "when OPENAI_API_KEY or OPENAI_BASE_URL is set.",
    )
    local_model: Path | None = Field(
        None,
        description="A GGUF model file on this machine (any instruct model, e.g. "
        "~/models/qwen2.5-1.5b-instruct-q4_k_m.gguf) for COACH_PROVIDER=local, which runs it "
        "with llama.cpp's server (the xllamacpp package) on a loopback port, started on first "
        "use and stopped at exit.",
    )
    local_max_tokens: int = Field(
        768,
        ge=16,
        le=32768,
        description="Longest answer the COACH_PROVIDER=local model may write, in tokens; a "
        "small model that rambles stops here (a draft needs about 150).",
    )
    local_threads: int = Field(
        -1,
        ge=-1,
        le=256,
        description="CPU threads the COACH_PROVIDER=local model computes with; -1: as many "
        "as llama.cpp finds useful. Fewer leave cores for the rest of the machine (llama.cpp "
        "slows down sharply on cores that are busy with other work).",
    )
    min_relevance: float = Field(
        0.35,
        ge=0,
        le=1,
        description="Below this similarity to every passage, a question is 'not covered'.",
    )
    request_timeout: float = Field(
        30.0, gt=0, le=600, description="Seconds before a model-server request is abandoned."
    )
    max_retries: int = Field(
        2,
        ge=0,
        le=10,
        description="Retries with backoff on 429 and 5xx answers; a Retry-After of at most 5 s "
        "is waited for, a longer one ends the call ('try again in N s').",
    )
    call_deadline: float = Field(
        60.0,
        gt=0,
        le=3600,
        description="Seconds one model call may take in all: connecting, retries, waits a "
        "server asks for (Retry-After) and the whole streamed answer. Past it the call is "
        "abandoned and the offline coach answers.",
    )
    max_answer_chars: int = Field(
        20_000,
        ge=100,
        le=1_000_000,
        description="Longest model answer accepted, in characters; reading stops there.",
    )
    max_query_chars: int = Field(
        2000, ge=10, le=1_000_000, description="Longest question or search accepted."
    )
    max_file_mb: float = Field(
        25.0, gt=0, description="Files larger than this are skipped when indexing."
    )
    chunk_chars: int = Field(1400, ge=200, le=20_000, description="Target chunk size.")
    chunk_overlap: int = Field(200, ge=0, le=5_000, description="Overlap between chunks.")
    # LinkedIn's limits change from time to time, so they are settings, not constants.
    linkedin_note_limit_free: int = Field(
        200, ge=1, description="Characters in a connection note, free account."
    )
    linkedin_note_limit_premium: int = Field(
        300, ge=1, description="Characters in a connection note, Premium account."
    )
    inmail_subject_limit: int = Field(200, ge=1, description="Characters in an InMail subject.")
    inmail_body_limit: int = Field(1900, ge=1, description="Characters in an InMail body.")
    free_notes_per_month: int = Field(
        5,
        ge=0,
        le=1000,
        description="Personalised connection notes a free LinkedIn account may send in a "
        "calendar month: 5 is LinkedIn's own figure at the time of writing (2026; other sources "
        "report 3 to 10). Premium has no such budget.",
    )
    pacing_invitations: int = Field(
        5,
        ge=1,
        le=1000,
        description="LinkedIn invitations marked as sent within a day after which the outreach "
        "step shows the guides' advice on pacing (LinkedIn caps invitations a week; the cap "
        "is unpublished).",
    )
    # House limits: short first messages get answered; LinkedIn itself allows more.
    linkedin_message_limit: int = Field(
        1200, ge=1, description="House limit for a first LinkedIn message, in characters."
    )
    email_limit: int = Field(1500, ge=1, description="House limit for a first e-mail body.")
    email_subject_limit: int = Field(120, ge=1, description="House limit for an e-mail subject.")
    follow_up_limit: int = Field(600, ge=1, description="House limit for a follow-up.")
    thank_you_limit: int = Field(800, ge=1, description="House limit for a thank-you note.")

    service_url: str | None = Field(
        None,
        description="URL of the shared coach service (e.g. http://127.0.0.1:41234) that "
        "searches and embeds for this process; set by `mentor-coach serve` for its kernels. "
        "Unset: the coach runs in this process.",
    )
    service_token: SecretStr | None = Field(
        None,
        description="Bearer token of the coach service at COACH_SERVICE_URL (set by "
        "`mentor-coach serve`, new on every start; secret: never printed).",
    )

    debug: bool = Field(
        False,
        description="Show full tracebacks on errors, as `mentor-coach --debug` does (for "
        "reporting a bug; never needed to use the product).",
    )
    workshop: bool = Field(
        False,
        description="Workshop server: every workbook page needs a participant's join link "
        "(set by `mentor-coach serve --workshop`).",
    )
    stuck_minutes: int = Field(
        10, ge=1, le=240, description="Minutes on one step before the dashboard calls it stuck."
    )
    kernels_per_seat: int = Field(
        3,
        ge=1,
        le=50,
        description="Workbook pages (a kernel each) one participant, or one cohort's "
        "facilitator, may have open at once on a workshop server; one more shows a 'too many "
        "open pages' page asking to close another tab.",
    )
    orphan_kernel_seconds: float = Field(
        60.0,
        ge=1,
        le=3600,
        description="Seconds a workbook page's kernel is kept once its page has lost its "
        "connection without closing (a browser that crashed, a laptop that slept); then it is "
        "shut down and no longer counts against COACH_KERNELS_PER_SEAT. A page that "
        "reconnects sooner keeps it; pre-heated pages no one has opened are kept.",
    )
    max_kernels: int | None = Field(
        None,
        ge=1,
        json_schema_extra={"shown_default": "what the free memory fits"},
        description="Workbook pages open at once on the whole server (pre-heated pages no one "
        "has opened yet not counted). Unset: as many as the free memory at start fits, at "
        "about 130 MB a page, and at least 10.",
    )
    trust_proxy: bool = Field(
        False,
        description="The server is reached only through a reverse proxy (HTTPS) that sets "
        "X-Forwarded-Proto and X-Forwarded-For: trust those headers (the seat cookie is then "
        "Secure, and guesses are counted per client). Unset, they are ignored.",
    )
    join_attempts_per_minute: int = Field(
        20,
        ge=1,
        le=10_000,
        description="Wrong join or facilitator links (or seat cookies) one address may try "
        "per minute; the next get a 'too many attempts' page.",
    )

    @field_validator("home", mode="before")
    @classmethod
    def _home(cls, v: object) -> object:
        # ``COACH_HOME=`` (set but empty) means the default, not the current folder
        return _default_home() if isinstance(v, str) and not v.strip() else v

    @field_validator("provider", "embeddings", mode="before")
    @classmethod
    def _registered_name(cls, v: object, info: ValidationInfo) -> object:
        # a name, however it is typed; set but empty means the default
        if not isinstance(v, str):
            return v
        name = v.strip().lower()
        return name or cls.model_fields[info.field_name or ""].default

    @field_validator("corpus")
    @classmethod
    def _corpus_name(cls, v: str) -> str:
        from coach.names import check_corpus_name

        return check_corpus_name(v)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, v: SecretStr | None) -> SecretStr | None:
        if v is None or not v.get_secret_value().strip():
            return None
        url = v.get_secret_value().strip()
        scheme = url.split("://", 1)[0].lower() if "://" in url else ""
        if scheme in ("postgres", "postgresql"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        elif scheme not in ("postgresql+psycopg", "sqlite"):
            raise ValueError(
                "COACH_DATABASE_URL must start with postgresql:// (or sqlite:///); "
                "leave it unset for the default SQLite file under COACH_HOME"
            )
        return SecretStr(url)

    @field_validator("chroma_url")
    @classmethod
    def _chroma_url(cls, v: str | None) -> str | None:
        if not v:
            return None
        parsed = urlparse(v)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"COACH_CHROMA_URL must look like http://127.0.0.1:8000, got {v!r}")
        return v

    @field_validator("local_threads")
    @classmethod
    def _local_threads(cls, v: int) -> int:
        if v == 0:
            raise ValueError("0 threads cannot compute: use -1 (as many as useful) or 1 or more")
        return v

    @field_validator("local_model", mode="before")
    @classmethod
    def _local_model(cls, v: object) -> object:
        if isinstance(v, str):
            return Path(v.strip()).expanduser() if v.strip() else None
        return v

    @field_validator("max_kernels", mode="before")
    @classmethod
    def _max_kernels(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("service_url")
    @classmethod
    def _service_url(cls, v: str | None) -> str | None:
        if not v or not v.strip():
            return None
        parsed = urlparse(v.strip())
        if parsed.scheme != "http" or not parsed.hostname or not parsed.port:
            raise ValueError(f"COACH_SERVICE_URL must look like http://127.0.0.1:41234, got {v!r}")
        return v.strip().rstrip("/")

    @field_validator("service_token")
    @classmethod
    def _service_token(cls, v: SecretStr | None) -> SecretStr | None:
        return v if v is not None and v.get_secret_value().strip() else None

    @property
    def chroma_path(self) -> Path:
        """Where the embedded chroma store lives."""
        return self.home / "chroma"

    @property
    def log_path(self) -> Path:
        """The SQLite turn log of every coach call."""
        return self.home / "coach-log.sqlite3"

    def engine(self) -> str:
        """The name of the coach engine these settings select ('offline', 'openai' or an
        installed plug-in's), checked: a ConfigError when it is unknown or misconfigured."""
        from coach.engines.registry import get_engine

        return get_engine(self).name

    def api_key(self) -> str | None:
        """The API key as plain text, for the one module that talks to the server."""
        return self.openai_api_key.get_secret_value() if self.openai_api_key else None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings once per process (call :func:`reset_settings` after changing env)."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"Invalid configuration: {problems}") from None


def reset_settings() -> None:
    """Forget the cached settings so the next call reads the environment again."""
    get_settings.cache_clear()
