"""Whose workbook a page opens when no workshop seat says so: the person a personal server
belongs to. (A workshop page opens its participant's, from their join link: see
:func:`coach.widgets.page.open_workbook`.)"""

from __future__ import annotations

import hashlib
import os

OWNER_MAX = 80  # the store's owner column


def personal_owner() -> str:
    """The one person a personal server belongs to: "me" on a laptop; on JupyterHub, the
    hub user whose single-user server this is (the hub sets ``JUPYTERHUB_USER``), so many
    people can share one PostgreSQL store and each still sees only their own records."""
    from coach.store import OWNER

    user = os.environ.get("JUPYTERHUB_USER", "").strip()
    if not user:
        return OWNER
    owner = f"hub:{user}"
    if len(owner) > OWNER_MAX:  # a long name keeps a stable, unique id
        owner = "hub:" + hashlib.sha256(user.encode()).hexdigest()[:40]
    return owner


def default_owner() -> str:
    """Whose workbook a page opened without a workshop seat shows: the local person. A
    workshop refuses (:class:`coach.workshop.NoSeat`) rather than fall back to anyone's data:
    its pages open a participant's workbook from their join link."""
    from coach.settings import get_settings

    if get_settings().workshop:
        from coach.workshop import NoSeat

        raise NoSeat("This workshop page opens from your personal join link.")
    return personal_owner()
