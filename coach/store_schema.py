"""The workbook store's tables, as plain migration functions applied in order (append only:
a database created by any earlier version gets every later step, once)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


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


MIGRATIONS: list[Callable[[Any], None]] = [
    _m001_records,
    _m002_cohorts,
    _m003_wider_owner,
    _m004_record_version,
]
