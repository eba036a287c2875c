"""Everything a person enters, saved as they go: a small document store on SQLAlchemy.

SQLite under ``COACH_HOME`` by default (WAL mode, so two tabs and a kernel restart are
fine); the same code runs on PostgreSQL when a database URL is given. Each record is one
JSON document keyed by (owner, kind, key) and every write is one transaction, so nothing is
ever half-written. Migrations are plain functions, applied in order, append only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coach.errors import CoachError

OWNER = "me"  # the single user of a personal workbook; workshops use participant ids


class StoreError(CoachError):
    """The store cannot be opened or written; the message says what to do."""


def _m001_records(conn: Any) -> None:
    from sqlalchemy import text

    conn.execute(
        text(
            """CREATE TABLE records (
                owner VARCHAR(64) NOT NULL,
                kind VARCHAR(32) NOT NULL,
                key VARCHAR(64) NOT NULL,
                data TEXT NOT NULL,
                created_at VARCHAR(32) NOT NULL,
                updated_at VARCHAR(32) NOT NULL,
                PRIMARY KEY (owner, kind, key)
            )"""
        )
    )


def _m002_cohorts(conn: Any) -> None:
    from sqlalchemy import text

    conn.execute(
        text(
            """CREATE TABLE cohorts (
                name VARCHAR(64) PRIMARY KEY,
                title VARCHAR(200) NOT NULL,
                created_at VARCHAR(32) NOT NULL,
                expires_at VARCHAR(32) NOT NULL,
                closed_at VARCHAR(32),
                base_url VARCHAR(200) NOT NULL,
                facilitator_hash VARCHAR(64) NOT NULL UNIQUE,
                seed INTEGER NOT NULL
            )"""
        )
    )
    conn.execute(
        text(
            """CREATE TABLE participants (
                id VARCHAR(32) PRIMARY KEY,
                cohort VARCHAR(64) NOT NULL REFERENCES cohorts (name),
                display_name VARCHAR(80) NOT NULL,
                email VARCHAR(254) NOT NULL,
                offers TEXT NOT NULL,
                goals TEXT NOT NULL,
                token_hash VARCHAR(64) NOT NULL UNIQUE,
                created_at VARCHAR(32) NOT NULL
            )"""
        )
    )
    conn.execute(text("CREATE INDEX ix_participants_cohort ON participants (cohort)"))


def _m003_wider_owner(conn: Any) -> None:
    """Owners like ``cohort:<64-character name>`` (a cohort's shared state) need 80."""
    from sqlalchemy import text

    if conn.dialect.name == "postgresql":  # SQLite does not enforce VARCHAR lengths
        conn.execute(text("ALTER TABLE records ALTER COLUMN owner TYPE VARCHAR(80)"))


MIGRATIONS: list[Callable[[Any], None]] = [_m001_records, _m002_cohorts, _m003_wider_owner]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


class Store:
    """JSON documents by owner, kind and key."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, event

        try:
            # a workbook page uses one or two connections; keep each kernel's pool small so
            # a PostgreSQL server's connection limit covers many participants
            pool = {} if url.startswith("sqlite") else {"pool_size": 2, "max_overflow": 3}
            self._engine = create_engine(url, future=True, pool_pre_ping=True, **pool)
            if url.startswith("sqlite"):

                @event.listens_for(self._engine, "connect")
                def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                    cur = dbapi_conn.cursor()
                    cur.execute("PRAGMA busy_timeout=10000")  # first: WAL needs a lock
                    cur.execute("PRAGMA journal_mode=WAL")
                    cur.execute("PRAGMA synchronous=NORMAL")
                    cur.close()

            self._migrate()
        except Exception as exc:  # a database that cannot open: say what to do, never the URL
            if url.startswith("sqlite"):
                advice = "Check that COACH_HOME is writable and the disk is not full."
            else:
                advice = (
                    "Check that the database server in COACH_DATABASE_URL is running and that "
                    "its host, port, database, user and password are right."
                )
            raise StoreError(
                f"Cannot open the workbook store ({type(exc).__name__}). {advice}"
            ) from None

    def _migrate(self, attempts: int = 5) -> None:
        """Apply pending migrations, safely when several kernels open a new database at once.

        Each migration is claimed by inserting its row first, in the same transaction as
        the migration itself: a second process waits on that write, then finds the row
        and skips the migration (or, on a race we lose, retries from the top).
        """
        import time

        from sqlalchemy import exc as sa_exc
        from sqlalchemy import text

        for attempt in range(attempts):
            try:
                with self._engine.begin() as conn:
                    conn.execute(
                        text(
                            "CREATE TABLE IF NOT EXISTS schema_migrations "
                            "(name VARCHAR(64) PRIMARY KEY)"
                        )
                    )
                for migration in MIGRATIONS:
                    with self._engine.begin() as conn:
                        found = conn.execute(
                            text("SELECT name FROM schema_migrations WHERE name = :n"),
                            {"n": migration.__name__},
                        ).first()
                    if found:
                        continue
                    with self._engine.begin() as conn:
                        conn.execute(
                            text("INSERT INTO schema_migrations (name) VALUES (:n)"),
                            {"n": migration.__name__},
                        )
                        migration(conn)
                return
            except (sa_exc.IntegrityError, sa_exc.OperationalError, sa_exc.ProgrammingError):
                if attempt == attempts - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))

    @property
    def engine(self) -> Any:
        """The SQLAlchemy engine (read-only access for modules with their own tables)."""
        return self._engine

    def put(self, owner: str, kind: str, key: str, data: dict[str, Any]) -> None:
        """Save one document (insert or replace) in its own transaction."""
        from sqlalchemy import text

        payload = json.dumps(data, ensure_ascii=False, default=str)
        now = _now()
        with self._engine.begin() as conn:
            updated = conn.execute(
                text(
                    "UPDATE records SET data = :d, updated_at = :t "
                    "WHERE owner = :o AND kind = :k AND key = :key"
                ),
                {"d": payload, "t": now, "o": owner, "k": kind, "key": key},
            )
            if updated.rowcount == 0:
                conn.execute(
                    text(
                        "INSERT INTO records (owner, kind, key, data, created_at, updated_at) "
                        "VALUES (:o, :k, :key, :d, :t, :t)"
                    ),
                    {"d": payload, "t": now, "o": owner, "k": kind, "key": key},
                )

    def get(self, owner: str, kind: str, key: str) -> dict[str, Any] | None:
        """One document, or None."""
        from sqlalchemy import text

        with self._engine.connect() as conn:
            row = conn.execute(
                text("SELECT data FROM records WHERE owner = :o AND kind = :k AND key = :key"),
                {"o": owner, "k": kind, "key": key},
            ).first()
        return json.loads(row[0]) if row else None

    def all(self, owner: str, kind: str) -> list[tuple[str, dict[str, Any]]]:
        """Every document of a kind, oldest first."""
        from sqlalchemy import text

        with self._engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT key, data FROM records WHERE owner = :o AND kind = :k "
                    "ORDER BY created_at, key"
                ),
                {"o": owner, "k": kind},
            ).all()
        return [(r[0], json.loads(r[1])) for r in rows]

    def delete(self, owner: str, kind: str, key: str) -> None:
        """Remove one document."""
        from sqlalchemy import text

        with self._engine.begin() as conn:
            conn.execute(
                text("DELETE FROM records WHERE owner = :o AND kind = :k AND key = :key"),
                {"o": owner, "k": kind, "key": key},
            )

    def export(self, owner: str) -> dict[str, Any]:
        """All of one person's data, as JSON-ready data ("download my data")."""
        from sqlalchemy import text

        with self._engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT kind, key, data FROM records WHERE owner = :o ORDER BY kind, created_at"
                ),
                {"o": owner},
            ).all()
        out: dict[str, Any] = {"exported_at": _now(), "records": {}}
        for kind, key, data in rows:
            out["records"].setdefault(kind, {})[key] = json.loads(str(data))
        return out

    def erase(self, owner: str) -> int:
        """Delete all of one person's data ("delete my data"); returns how many records."""
        from sqlalchemy import text

        with self._engine.begin() as conn:
            return int(
                conn.execute(text("DELETE FROM records WHERE owner = :o"), {"o": owner}).rowcount
            )


_stores: dict[str, Store] = {}


def database_url(home: Path) -> str:
    """The default database: a SQLite file under COACH_HOME."""
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / 'workbook.sqlite3'}"


def get_store() -> Store:
    """The store for the current settings (one per database per process)."""
    from coach.settings import get_settings

    settings = get_settings()
    configured = settings.database_url
    url = configured.get_secret_value() if configured else database_url(settings.home)
    store = _stores.get(url)
    if store is None:
        store = _stores[url] = Store(url)
    return store


def forget_stores() -> None:
    """Drop cached stores (tests switch COACH_HOME between cases)."""
    _stores.clear()
