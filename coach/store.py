"""Everything a person enters, saved as they go: a small document store on SQLAlchemy.

SQLite under ``COACH_HOME`` by default (WAL mode, so two tabs and a kernel restart are
fine); the same code runs on PostgreSQL when a database URL is given. Each record is one
JSON document keyed by (owner, kind, key) and every write is one transaction, so nothing is
ever half-written. Migrations (:mod:`coach.store_schema`) are applied in order, once.

Each record carries a version, bumped by every write. Pages save one field at a time with
:meth:`Store.patch` (a field-level merge under the row's write lock, refused with
:class:`Conflict` when another tab changed that same field meanwhile), and counters and
lists change with :meth:`Store.update`, so two tabs or processes never erase each other's
work. A workshop seat's records are written only while its cohort is open (see
:class:`SeatClosed`), so a page still open when its workshop is purged cannot bring them back.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from coach.errors import CoachError
from coach.store_schema import MIGRATIONS, apply_migrations

OWNER = "me"  # the single user of a personal workbook; workshops use participant ids
SEAT_PREFIX = "p_"  # a workshop participant's id (coach.cohorts makes them "p_" + 16 hex)
ENDED = "This workshop has ended; your facilitator closed it. Nothing more is saved."


class StoreError(CoachError):
    """The store cannot be opened or written; the message says what to do."""


class Conflict(StoreError):
    """A field changed in another tab or window since this one loaded it; nothing was written.

    ``stored`` is the record as saved now, ``fields`` the names whose saved value differs
    from what this tab expected, ``version`` the record's version.
    """

    def __init__(self, fields: list[str], stored: dict[str, Any], version: int) -> None:
        super().__init__(
            f"Changed in another tab or window meanwhile: {', '.join(fields)}. Reload to see "
            "the other version, or save yours over it."
        )
        self.fields, self.stored, self.version = fields, stored, version


class SeatClosed(StoreError):
    """A write for a workshop seat whose cohort is closed or purged (an old open page)."""

    def __init__(self) -> None:
        super().__init__(ENDED)


_MISSING = object()


def as_stored(value: Any) -> Any:
    """A value as it would read back from the store (tuples become lists, dates text)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


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
        # a database that cannot open: say what to do, never the URL
        except Exception as exc:  # noqa: BLE001 (any driver's failure to open)
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

    def _migrate(self) -> None:
        """Apply pending migrations (:data:`coach.store_schema.MIGRATIONS`), safely when
        several kernels open a new database at once (see
        :func:`coach.store_schema.apply_migrations`)."""
        from sqlalchemy import exc as sa_exc
        from sqlalchemy import text

        apply_migrations(
            MIGRATIONS,
            begin=self._engine.begin,
            execute=lambda conn, sql, params: conn.execute(text(sql), params),
            table="schema_migrations",
            retry_on=(sa_exc.IntegrityError, sa_exc.OperationalError, sa_exc.ProgrammingError),
        )

    @property
    def engine(self) -> Any:
        """The SQLAlchemy engine (read-only access for modules with their own tables)."""
        return self._engine

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One write transaction holding the write lock from its first statement.

        SQLite: ``BEGIN IMMEDIATE`` (a read that turns into a write could otherwise fail at
        once when another connection wrote in between, and two read-modify-writes would both
        read the old value); PostgreSQL: the default, with rows locked by ``FOR UPDATE``.
        """
        with self._engine.connect() as conn, conn.begin():
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn

    def _check_seat(self, conn: Any, owner: str) -> None:
        """Refuse a write for a workshop seat that is closed or no longer exists.

        On PostgreSQL the cohort's row is share-locked until this write commits, so a
        close that runs meanwhile waits for it (and its purge then removes what it wrote),
        or has committed already, and then this write sees the cohort closed.
        """
        from sqlalchemy import text

        if not owner.startswith(SEAT_PREFIX):
            return
        lock = " FOR SHARE" if conn.dialect.name == "postgresql" else ""
        row = conn.execute(
            text(
                "SELECT c.closed_at FROM participants p JOIN cohorts c ON c.name = p.cohort "
                f"WHERE p.id = :o{lock}"
            ),
            {"o": owner},
        ).first()
        if row is None or row[0]:
            raise SeatClosed()

    def _read_locked(self, conn: Any, owner: str, kind: str, key: str) -> tuple[Any, int] | None:
        from sqlalchemy import text

        lock = " FOR UPDATE" if conn.dialect.name == "postgresql" else ""
        row = conn.execute(
            text(
                "SELECT data, version FROM records WHERE owner = :o AND kind = :k AND key = :key"
                + lock
            ),
            {"o": owner, "k": kind, "key": key},
        ).first()
        return (json.loads(row[0]), int(row[1])) if row else None

    def _write(
        self, conn: Any, owner: str, kind: str, key: str, data: dict[str, Any], version: int
    ) -> None:
        """Insert or replace one record at ``version`` (0: not stored before)."""
        from sqlalchemy import text

        args = {
            "d": json.dumps(data, ensure_ascii=False, default=str),
            "t": _now(),
            "o": owner,
            "k": kind,
            "key": key,
            "v": version + 1,
        }
        if version:
            conn.execute(
                text(
                    "UPDATE records SET data = :d, updated_at = :t, version = :v "
                    "WHERE owner = :o AND kind = :k AND key = :key"
                ),
                args,
            )
        else:  # two first writes at once on PostgreSQL: one fails here and is retried
            conn.execute(
                text(
                    "INSERT INTO records (owner, kind, key, data, created_at, updated_at, "
                    "version) VALUES (:o, :k, :key, :d, :t, :t, :v)"
                ),
                args,
            )

    def update(
        self,
        owner: str,
        kind: str,
        key: str,
        fn: Callable[[dict[str, Any]], dict[str, Any] | None],
    ) -> int:
        """Read, change and write one record atomically; returns its new version.

        ``fn`` gets the stored document (``{}`` when there is none) and returns the new one,
        or None to leave it as it is. No other write to the record can come in between, so
        counters and lists changed this way never lose an update.
        """
        return self._locked_change(owner, kind, key, lambda data, _version: fn(data))

    def _locked_change(
        self,
        owner: str,
        kind: str,
        key: str,
        fn: Callable[[dict[str, Any], int], dict[str, Any] | None],
    ) -> int:
        from sqlalchemy import exc as sa_exc

        for attempt in range(5):
            try:
                with self.transaction() as conn:
                    self._check_seat(conn, owner)
                    data, version = self._read_locked(conn, owner, kind, key) or ({}, 0)
                    new = fn(data, version)
                    if new is None:
                        return version
                    self._write(conn, owner, kind, key, new, version)
                    return version + 1
            except sa_exc.IntegrityError:
                if attempt == 4:
                    raise
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    def patch(
        self,
        owner: str,
        kind: str,
        key: str,
        changes: dict[str, Any],
        *,
        expected: dict[str, Any] | None = None,
    ) -> int:
        """Change only the given top-level fields of one record; returns its new version.

        ``expected`` holds the values of fields as this tab last saw them: when another tab
        has changed one of them meanwhile (to something other than what this one writes),
        :class:`Conflict` is raised with the stored record and nothing is written. A field
        not saved yet reads as None.
        """
        seen, new = as_stored(expected or {}), as_stored(changes)

        def merge(data: dict[str, Any], version: int) -> dict[str, Any]:
            clash = [
                name
                for name, value in seen.items()
                if data.get(name) != value and data.get(name, _MISSING) != new.get(name, _MISSING)
            ]
            if clash:
                raise Conflict(clash, data, version)
            return {**data, **new}

        return self._locked_change(owner, kind, key, merge)

    def put(self, owner: str, kind: str, key: str, data: dict[str, Any]) -> None:
        """Save one whole document (insert or replace) in its own transaction.

        For a new record or one this code alone writes; an edit of an existing record
        saves its changed fields with :meth:`patch`.
        """
        self.update(owner, kind, key, lambda _old: data)

    def get(self, owner: str, kind: str, key: str) -> dict[str, Any] | None:
        """One document, or None."""
        found = self.get_versioned(owner, kind, key)
        return found[0] if found else None

    def get_versioned(self, owner: str, kind: str, key: str) -> tuple[dict[str, Any], int] | None:
        """One document and its version, or None."""
        from sqlalchemy import text

        with self._engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT data, version FROM records "
                    "WHERE owner = :o AND kind = :k AND key = :key"
                ),
                {"o": owner, "k": kind, "key": key},
            ).first()
        return (json.loads(row[0]), int(row[1])) if row else None

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

    def records(self, owner: str, kinds: Sequence[str]) -> list[tuple[str, str, dict[str, Any]]]:
        """Every document of the given kinds (kind, key, document), oldest first: one query
        where :meth:`all` would need one per kind."""
        from sqlalchemy import bindparam, text

        if not kinds:
            return []
        query = text(
            "SELECT kind, key, data FROM records WHERE owner = :o AND kind IN :k "
            "ORDER BY created_at, key"
        ).bindparams(bindparam("k", expanding=True))
        with self._engine.connect() as conn:
            rows = conn.execute(query, {"o": owner, "k": list(kinds)}).all()
        return [(r[0], r[1], json.loads(r[2])) for r in rows]

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
