"""The turn log: every coach call, recorded in SQLite under COACH_HOME.

What is logged: task, prompt name and version, engine and model, passage ids, latency,
token counts, fallback reason. Never an API key, never credentials in a URL (every URL is
stored through ``coach.settings.safe_url``), and never the user's text. Migrations are
plain functions, applied in order and never edited once released (append only), by the
same runner as the store's.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def _m001_turns(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            task TEXT NOT NULL,
            prompt TEXT NOT NULL,
            prompt_version INTEGER NOT NULL,
            engine TEXT NOT NULL,
            model TEXT,
            passage_ids TEXT NOT NULL,
            latency_ms REAL NOT NULL,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            fallback_reason TEXT
        )"""
    )


def _m002_repairs(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE turns ADD COLUMN repairs INTEGER NOT NULL DEFAULT 0")


def _masked(text: str | None) -> str | None:
    """``text`` with every URL in it fit to store: no ``user:password@``, no key in a query."""
    from coach.settings import mask_urls

    return mask_urls(text) if text else text


def _m003_mask_credentials(db: sqlite3.Connection) -> None:
    # logs written before URLs were masked hold OPENAI_BASE_URL credentials: rewrite them,
    # with the old bytes overwritten rather than left in free pages
    db.execute("PRAGMA secure_delete = ON")
    rows = db.execute("SELECT id, fallback_reason FROM turns WHERE fallback_reason LIKE '%://%'")
    for row_id, reason in rows.fetchall():
        db.execute("UPDATE turns SET fallback_reason = ? WHERE id = ?", (_masked(reason), row_id))


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _m001_turns,
    _m002_repairs,
    _m003_mask_credentials,
]


def connect(path: Path) -> sqlite3.Connection:
    """Open the log, applying any migrations it has not had yet (by the store's runner,
    :func:`coach.store_schema.apply_migrations`, into this log's own ``_migrations``)."""
    from coach.store_schema import apply_migrations

    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=10)
    db.execute("PRAGMA journal_mode=WAL")

    @contextmanager
    def begin() -> Iterator[sqlite3.Connection]:
        with db:  # one transaction: committed at the end, rolled back on an error
            yield db

    apply_migrations(
        MIGRATIONS,
        begin=begin,
        execute=lambda conn, sql, params: conn.execute(sql, params),
        table="_migrations",
        name_type="TEXT",
        retry_on=(sqlite3.IntegrityError, sqlite3.OperationalError),
    )
    return db


@dataclass
class Turn:
    """One coach call."""

    task: str
    prompt: str
    prompt_version: int
    engine: str
    model: str | None
    passage_ids: list[str]
    latency_ms: float
    prompt_tokens: int = 0
    completion_tokens: int = 0
    fallback_reason: str | None = None
    repairs: int = 0


def record(path: Path, turn: Turn) -> None:
    """Append ``turn`` to the log; a log that cannot be written never breaks the coach."""
    try:
        db = connect(path)
    except (sqlite3.Error, OSError):
        return
    try:
        with db:
            db.execute(
                """INSERT INTO turns (task, prompt, prompt_version, engine, model, passage_ids,
                latency_ms, prompt_tokens, completion_tokens, fallback_reason, repairs)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    turn.task,
                    turn.prompt,
                    turn.prompt_version,
                    turn.engine,
                    _masked(turn.model),
                    json.dumps(turn.passage_ids),
                    round(turn.latency_ms, 2),
                    turn.prompt_tokens,
                    turn.completion_tokens,
                    _masked(turn.fallback_reason),
                    turn.repairs,
                ),
            )
    except sqlite3.Error:
        pass
    finally:
        db.close()


def recent(path: Path, limit: int = 20) -> list[dict[str, object]]:
    """The latest turns, newest first."""
    if not path.exists():
        return []
    db = connect(path)
    try:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM turns ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [dict(r) for r in rows]
    finally:
        db.close()
