"""`mentor-coach doctor`: what is configured and what is reachable. Secrets are masked."""

from __future__ import annotations

from typing import Any


def _mask(secret: str | None) -> str:
    if not secret:
        return "not set"
    return f"set (…{secret[-2:]})" if len(secret) > 8 else "set"


def diagnose() -> dict[str, dict[str, Any]]:
    """A report in sections; every value is safe to print or share."""
    from coach.engines.registry import EMBEDDERS, ENGINES, get_engine
    from coach.errors import CoachError
    from coach.minilm import model_dir
    from coach.settings import get_settings, safe_url

    s = get_settings()
    status = None
    try:
        chosen = get_engine(s)
        engine = chosen.name
        status = getattr(chosen, "status", None)  # an engine with a server says if it answers
    except CoachError as exc:
        engine = f"misconfigured: {exc}"
    engines, engine_problems = ENGINES.report()
    embedders, embedder_problems = EMBEDDERS.report()
    coach = {
        "engine": engine,
        "engines": ", ".join(engines),
        **({"engine problems": "; ".join(engine_problems)} if engine_problems else {}),
        "model": s.model or "not set",
        "OPENAI_API_KEY": _mask(s.api_key()),
        "OPENAI_BASE_URL": safe_url(s.openai_base_url) or "not set (api.openai.com)",
        "model server": str(status()) if callable(status) else "not used",
        **({"local model": _local_model(s)} if s.provider == "local" else {}),
        "coach service": _service(s) if s.service_url else "not used (the coach runs in-process)",
    }
    store = {
        "COACH_HOME": str(s.home),
        "vector store": safe_url(s.chroma_url) or f"embedded ({s.chroma_path})",
        "embeddings": s.embeddings,
        "embedders": ", ".join(embedders),
        **({"embedder problems": "; ".join(embedder_problems)} if embedder_problems else {}),
        "offline model": str(model_dir()) if model_dir() else "not installed",
        "turn log": str(s.log_path),
        "workbook store": _database(s),
    }
    try:
        from coach.vectorstore import Corpus

        c = Corpus(s, s.corpus)
        store["corpus"] = (
            f"'{s.corpus}': {c.count()} chunks, {c.embedder}" if c.exists() else "not built yet"
        )
    except CoachError as exc:
        store["corpus"] = f"unreachable: {exc}"
    return {"coach": coach, "store": store, "settings": _variables()}


def _variables() -> dict[str, Any]:
    """``COACH_*`` variables that no setting reads: a misspelling would otherwise be
    ignored in silence (the settings accept unknown variables, as the environment is
    shared with everything else)."""
    import os

    from coach.settings_doc import unknown_variables

    unknown = unknown_variables(os.environ)
    return {"COACH_* variables": "; ".join(unknown) if unknown else "all known"}


def _local_model(s: Any) -> str:
    """COACH_LOCAL_MODEL and its size (whether it answers is the model server's line)."""
    from coach.local_server import describe

    return describe(s.local_model) if s.local_model is not None else "COACH_LOCAL_MODEL not set"


def _database(s: Any) -> str:
    """Which database holds the workbooks, whether it opens (no password shown)."""
    from sqlalchemy.engine import make_url

    from coach.errors import CoachError
    from coach.store import get_store

    if s.database_url is None:
        where = f"SQLite ({s.home / 'workbook.sqlite3'})"
    else:
        url = make_url(s.database_url.get_secret_value())
        where = f"PostgreSQL ({url.host or 'local socket'}:{url.port or 5432}/{url.database})"
    try:
        get_store()
        return f"{where}, opens"
    except CoachError as exc:
        return f"{where}, unreachable: {exc}"


def _service(s: Any) -> str:
    """The coach service's URL and whether it answers (its token is never shown)."""
    from coach.errors import CoachError
    from coach.service_client import ServiceClient

    if s.service_token is None:
        return f"{s.service_url}, but COACH_SERVICE_TOKEN is not set"
    try:
        info = ServiceClient(s.service_url, s.service_token.get_secret_value(), 3).health()
        return f"{s.service_url}, ready ({info.get('embedder', '?')})"
    except CoachError as exc:
        return f"{s.service_url}, unreachable: {exc}"
