"""The workbook store's tables, as plain migration functions applied in order (append only:
a database created by any earlier version gets every later step, once), and the runner that
applies them, which the turn log (:mod:`coach.turnlog`) uses for its own table too."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, TypeVar

C = TypeVar("C")


def apply_migrations(
    migrations: Sequence[Callable[[C], None]],
    *,
    begin: Callable[[], AbstractContextManager[C]],
    execute: Callable[[C, str, dict[str, Any]], Any],
    table: str,
    name_type: str = "VARCHAR(64)",
    retry_on: tuple[type[BaseException], ...] = (),
    attempts: int = 5,
) -> None:
    """Apply the migrations not applied yet, in order, each once, safely when several
    processes open a new database at the same time.

    Each migration is claimed by inserting its name into ``table`` first, in the same
    transaction as the migration itself: a second process waits on that write, then finds
    the name and skips the migration; on a race it loses (one of ``retry_on``) it starts
    again from the top. ``begin()`` opens one transaction on a connection (committed when
    the block ends, rolled back on an error) and ``execute(conn, sql, params)`` runs a
    statement with ``:name`` parameters in it: SQLAlchemy and :mod:`sqlite3` both take them.
    """
    for attempt in range(attempts):
        try:
            with begin() as conn:
                execute(
                    conn, f"CREATE TABLE IF NOT EXISTS {table} (name {name_type} PRIMARY KEY)", {}
                )
            for migration in migrations:
                with begin() as conn:
                    found = execute(
                        conn, f"SELECT name FROM {table} WHERE name = :n", {"n": migration.__name__}
                    ).fetchone()
                if found:
                    continue
                with begin() as conn:
                    execute(
                        conn, f"INSERT INTO {table} (name) VALUES (:n)", {"n": migration.__name__}
                    )
                    migration(conn)
            return
        except retry_on:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


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


def _m004_record_version(conn: Any) -> None:
    """A version per record, for optimistic checks; existing records start at 1."""
    from sqlalchemy import text

    conn.execute(text("ALTER TABLE records ADD COLUMN version INTEGER NOT NULL DEFAULT 1"))


def _m005_participant_roles(conn: Any) -> None:
    """Mentor matching: a participant's role, capacity, organization and where they want
    their mentor. Participants of earlier cohorts read as mentees who do not mind where."""
    from sqlalchemy import text

    for column in (
        "role VARCHAR(8) NOT NULL DEFAULT 'mentee'",
        "capacity INTEGER NOT NULL DEFAULT 2",
        "organization VARCHAR(120) NOT NULL DEFAULT ''",
        "wants VARCHAR(8) NOT NULL DEFAULT 'either'",
    ):
        conn.execute(text(f"ALTER TABLE participants ADD COLUMN {column}"))


MIGRATIONS: list[Callable[[Any], None]] = [
    _m001_records,
    _m002_cohorts,
    _m003_wider_owner,
    _m004_record_version,
    _m005_participant_roles,
]
