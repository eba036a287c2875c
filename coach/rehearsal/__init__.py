"""Rehearse a workshop: simulated participants, all at once, against a running server.

``mentor-coach cohort rehearse NAME --participants N`` (and ``bench/workshop.py``, the
load benchmark built on it) runs through these parts: :mod:`~coach.rehearsal.page` (a
workbook page over HTTP and the kernel websocket, as a browser holds it),
:mod:`~coach.rehearsal.driver` (each person's journey and the facilitator's counts),
:mod:`~coach.rehearsal.sampler` (the server's process: memory, kernels, CPU),
:mod:`~coach.rehearsal.report` (what was measured, as text and JSON) and
:mod:`~coach.rehearsal.run` (a throwaway cohort, the run, the clean-up). Importing this
package loads only the standard library; httpx, tornado and psutil load when used.
"""

from __future__ import annotations

from coach.rehearsal.driver import Visit
from coach.rehearsal.report import Run
from coach.rehearsal.run import rehearsal_name, rehearse, run_participants

__all__ = ["Run", "Visit", "rehearsal_name", "rehearse", "run_participants"]
