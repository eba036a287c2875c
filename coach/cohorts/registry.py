"""The cohorts and participants in the store: create, find, resolve a link, close, delete.

Only SHA-256 hashes of join tokens and facilitator keys are stored; the clear values exist
once, in the :class:`CreatedCohort` that :func:`create_cohort` returns. SQLAlchemy is
imported inside the functions so that importing :mod:`coach.cohorts` stays cheap.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from coach.cohorts.model import (
    DEFAULT_BASE_URL,
    DEFAULT_CAPACITY,
    MAX_PARTICIPANTS,
    MAX_TITLE,
    Cohort,
    CohortError,
    CreatedCohort,
    Participant,
    RosterEntry,
    _clean,
    _hash,
    _iso,
    _natural,
    _parse_time,
    _utcnow,
)
from coach.cohorts.roster import read_roster

_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")


def _engine() -> Any:
    from coach.store import get_store

    return get_store().engine


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise CohortError(
            f"Cohort name {name!r} is not allowed: use 1 to 64 letters, digits, '-' or '_' "
            "(for example spring-2026)."
        )
    return name


def _check_base_url(url: str) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise CohortError(
            f"Base URL {url!r} is not an http(s) address: give the address participants open, "
            f"like {DEFAULT_BASE_URL} or https://workshop.example.org"
        )
    if len(url) > 200:
        raise CohortError("Base URL is longer than 200 characters; use a shorter address.")
    return url


def _row_to_cohort(row: Any) -> Cohort:
    return Cohort(
        name=row.name,
        title=row.title,
        created_at=_parse_time(row.created_at) or _utcnow(),
        expires_at=_parse_time(row.expires_at) or _utcnow(),
        closed_at=_parse_time(row.closed_at) if row.closed_at else None,
        base_url=row.base_url,
        seed=int(row.seed),
        participant_count=int(getattr(row, "n", 0) or 0),
    )


def _row_to_participant(row: Any) -> Participant:
    return Participant(
        id=row.id,
        cohort=row.cohort,
        display_name=row.display_name,
        email=row.email,
        offers=tuple(json.loads(row.offers or "[]")),
        goals=tuple(json.loads(row.goals or "[]")),
        role=row.role or "mentee",
        capacity=int(row.capacity or 0) or DEFAULT_CAPACITY,
        organization=row.organization or "",
        wants=row.wants or "either",
    )


_PARTICIPANT_COLS = (
    "p.id, p.cohort, p.display_name, p.email, p.offers, p.goals, "
    "p.role, p.capacity, p.organization, p.wants"
)


def create_cohort(
    name: str,
    *,
    roster: Path | None = None,
    seats: int | None = None,
    base_url: str = DEFAULT_BASE_URL,
    days: int = 14,
    title: str | None = None,
    now: dt.datetime | None = None,
) -> CreatedCohort:
    """Create a cohort from a roster or ``seats`` anonymous seats, all or nothing.

    Returns the only copy of the join links and the facilitator link: print them into the
    handout, never log them. Only their SHA-256 hashes are stored.
    """
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from coach.store import SEAT_PREFIX  # the store refuses writes for a closed seat by it

    name = _check_name(name)
    base = _check_base_url(base_url)
    title = _clean(title or name)
    if not title or len(title) > MAX_TITLE:
        raise CohortError(f"The title must be 1 to {MAX_TITLE} characters.")
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise CohortError(f"--days must be a whole number from 1 to 365, not {days!r}.")
    if (roster is None) == (seats is None):
        raise CohortError(
            "Give either a roster (--roster roster.csv) or a number of seats (--seats 12)."
        )
    entries: list[RosterEntry] = []
    if seats is not None:
        if not 1 <= seats <= MAX_PARTICIPANTS:
            raise CohortError(f"--seats must be from 1 to {MAX_PARTICIPANTS}, not {seats}.")
        entries = [RosterEntry(0, f"Seat {n}", "", (), ()) for n in range(1, seats + 1)]
    elif roster is not None:
        report = read_roster(Path(roster))
        report.raise_for_problems()
        entries = report.entries
    if get_cohort(name) is not None:
        raise CohortError(
            f"There is already a cohort '{name}'. Choose another name "
            "(`mentor-coach cohort list` shows the cohorts)."
        )
    start = now or _utcnow()
    start = start.replace(microsecond=start.microsecond // 1000 * 1000)  # as stored
    key = secrets.token_urlsafe(24)
    cohort = Cohort(
        name,
        title,
        start,
        start + dt.timedelta(days=days),
        None,
        base,
        secrets.randbelow(2**31),
        len(entries),
    )
    links: list[tuple[Participant, str]] = []
    rows: list[dict[str, Any]] = []
    for e in entries:
        token = secrets.token_urlsafe(24)
        p = Participant(
            SEAT_PREFIX + secrets.token_hex(8),
            name,
            e.display_name,
            e.email,
            e.offers,
            e.goals,
            role=e.role,
            capacity=e.capacity,
            organization=e.organization,
            wants=e.wants,
        )
        links.append((p, f"{base}/join/{token}"))
        rows.append(
            {
                "id": p.id,
                "c": name,
                "d": p.display_name,
                "e": p.email,
                "o": json.dumps(list(p.offers), ensure_ascii=False),
                "g": json.dumps(list(p.goals), ensure_ascii=False),
                "h": _hash(token),
                "t": _iso(start),
                "r": p.role,
                "n": p.capacity,
                "org": p.organization,
                "w": p.wants,
            }
        )
    try:
        with _engine().begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO cohorts (name, title, created_at, expires_at, closed_at, "
                    "base_url, facilitator_hash, seed) VALUES (:n, :ti, :c, :x, NULL, :b, :h, :s)"
                ),
                {
                    "n": name,
                    "ti": title,
                    "c": _iso(start),
                    "x": _iso(cohort.expires_at),
                    "b": base,
                    "h": _hash(key),
                    "s": cohort.seed,
                },
            )
            conn.execute(
                text(
                    "INSERT INTO participants (id, cohort, display_name, email, offers, goals, "
                    "token_hash, created_at, role, capacity, organization, wants) "
                    "VALUES (:id, :c, :d, :e, :o, :g, :h, :t, :r, :n, :org, :w)"
                ),
                rows,
            )
    except IntegrityError:
        raise CohortError(f"There is already a cohort '{name}'. Choose another name.") from None
    return CreatedCohort(cohort, links, f"{base}/facilitator/{key}")


def delete_cohort(name: str) -> int:
    """Remove a cohort entirely (its participants and their records); returns records removed.

    For undoing a creation whose handout could not be written; use :func:`close_cohort`
    to end a workshop.
    """
    from sqlalchemy import text

    removed = close_cohort(name, purge=True)
    with _engine().begin() as conn:
        conn.execute(text("DELETE FROM cohorts WHERE name = :n"), {"n": name})
    return removed


def resolve_token(token: str, *, now: dt.datetime | None = None) -> Participant | None:
    """The participant a join token belongs to, or None (unknown, closed or expired)."""
    from sqlalchemy import text

    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    with _engine().connect() as conn:
        row = conn.execute(
            text(
                f"SELECT {_PARTICIPANT_COLS}, c.expires_at, c.closed_at FROM participants p "
                "JOIN cohorts c ON c.name = p.cohort WHERE p.token_hash = :h"
            ),
            {"h": _hash(token)},
        ).first()
    if (
        row is None
        or row.closed_at
        or (_parse_time(row.expires_at) or _utcnow()) <= (now or _utcnow())
    ):
        return None
    return _row_to_participant(row)


def resolve_facilitator(key: str, *, now: dt.datetime | None = None) -> Cohort | None:
    """The cohort a facilitator key opens, or None (unknown, closed or expired)."""
    if not isinstance(key, str) or not _TOKEN.fullmatch(key):
        return None
    found = _cohorts("WHERE c.facilitator_hash = :h", {"h": _hash(key)})
    return found[0] if found and found[0].is_open(now) else None


def _cohorts(where: str = "", params: dict[str, Any] | None = None) -> list[Cohort]:
    from sqlalchemy import text

    query = (
        "SELECT c.name, c.title, c.created_at, c.expires_at, c.closed_at, c.base_url, c.seed, "
        "(SELECT COUNT(*) FROM participants p WHERE p.cohort = c.name) AS n "
        f"FROM cohorts c {where} ORDER BY c.created_at DESC, c.name"
    )
    with _engine().connect() as conn:
        return [_row_to_cohort(r) for r in conn.execute(text(query), params or {}).all()]


def list_cohorts() -> list[Cohort]:
    """Every cohort, newest first, with its participant count."""
    return _cohorts()


def get_cohort(name: str) -> Cohort | None:
    """One cohort by name, or None."""
    found = _cohorts("WHERE c.name = :n", {"n": name})
    return found[0] if found else None


def _require(name: str) -> Cohort:
    cohort = get_cohort(_check_name(name))
    if cohort is None:
        raise CohortError(f"There is no cohort '{name}'. `mentor-coach cohort list` shows them.")
    return cohort


def participants(name: str) -> list[Participant]:
    """The cohort's participants, by display name ("Seat 2" before "Seat 10")."""
    from sqlalchemy import text

    _require(name)
    with _engine().connect() as conn:
        rows = conn.execute(
            text(f"SELECT {_PARTICIPANT_COLS} FROM participants p WHERE p.cohort = :c"), {"c": name}
        ).all()
    people = [_row_to_participant(r) for r in rows]
    return sorted(people, key=lambda p: (_natural(p.display_name), p.id))


def _participant(participant_id: str) -> Participant | None:
    """One participant by id (any cohort, open or not), or None."""
    from sqlalchemy import text

    with _engine().connect() as conn:
        row = conn.execute(
            text(f"SELECT {_PARTICIPANT_COLS} FROM participants p WHERE p.id = :i"),
            {"i": participant_id},
        ).first()
    return _row_to_participant(row) if row else None


def _records(name: str, kinds: tuple[str, ...]) -> list[Any]:
    """(owner, kind, key, data, updated_at) of the cohort's participants' records of
    ``kinds``. The data is there only for the kinds the facilitator's side may read
    (:data:`coach.workbook.kinds.FACILITATOR_READS`); for the rest it is ``{}``: the text
    of drafts, notes and candidates is never read, only that they exist."""
    from sqlalchemy import bindparam, text

    from coach.workbook.kinds import FACILITATOR_READS

    query = text(
        "SELECT r.owner, r.kind, r.key, CASE WHEN r.kind IN :readable THEN r.data "
        "ELSE '{}' END AS data, r.updated_at FROM records r "
        "WHERE r.kind IN :k AND r.owner IN (SELECT p.id FROM participants p WHERE p.cohort = :c)"
    ).bindparams(bindparam("k", expanding=True), bindparam("readable", expanding=True))
    params = {"k": list(kinds), "readable": sorted(FACILITATOR_READS), "c": name}
    with _engine().connect() as conn:
        return list(conn.execute(query, params).all())


def close_cohort(name: str, purge: bool = False, *, now: dt.datetime | None = None) -> int:
    """End access at once (join links and the facilitator link stop working).

    With ``purge``, also delete every participant's records and the participants
    themselves; returns how many records were removed (else 0). The close is committed
    first: from then on the store refuses every write for these seats (a page still open
    says the workshop has ended), so the purge cannot be followed by records coming back
    without a participant, out of reach of any later purge.
    """
    from sqlalchemy import text

    from coach.store import get_store
    from coach.workshop import cohort_owner

    cohort = _require(name)
    store = get_store()
    if cohort.closed_at is None:
        with store.transaction() as conn:
            conn.execute(
                text("UPDATE cohorts SET closed_at = :t WHERE name = :n AND closed_at IS NULL"),
                {"t": _iso(now or _utcnow()), "n": name},
            )
    if not purge:
        return 0
    with store.transaction() as conn:
        removed = conn.execute(
            text(
                "DELETE FROM records WHERE owner IN "
                "(SELECT p.id FROM participants p WHERE p.cohort = :c)"
            ),
            {"c": name},
        ).rowcount
        conn.execute(text("DELETE FROM participants WHERE cohort = :c"), {"c": name})
        # the cohort's own records (its mentor matches, the running segment) go too
        conn.execute(text("DELETE FROM records WHERE owner = :o"), {"o": cohort_owner(name)})
    return int(removed)
