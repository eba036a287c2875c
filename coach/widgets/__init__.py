"""The workbook's widgets: each notebook in workbooks/ shows one of these.

Each widget loads with its own module on first use, so a page imports only what it shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach._lazy import lazy_names

if TYPE_CHECKING:
    from coach.widgets.app import app_widget
    from coach.widgets.ask import coach_widget
    from coach.widgets.candidates import candidates_widget
    from coach.widgets.goals import goals_widget
    from coach.widgets.meetings import meetings_widget
    from coach.widgets.network import network_widget
    from coach.widgets.outreach import outreach_widget
    from coach.widgets.profile import profile_widget
    from coach.widgets.progress import progress_widget
    from coach.widgets.start import start_widget

_HOME = {
    "app_widget": "app",
    "candidates_widget": "candidates",
    "coach_widget": "ask",
    "goals_widget": "goals",
    "meetings_widget": "meetings",
    "network_widget": "network",
    "outreach_widget": "outreach",
    "profile_widget": "profile",
    "progress_widget": "progress",
    "start_widget": "start",
}

__all__ = [
    "app_widget",
    "candidates_widget",
    "coach_widget",
    "goals_widget",
    "meetings_widget",
    "network_widget",
    "outreach_widget",
    "profile_widget",
    "progress_widget",
    "start_widget",
]


__getattr__, __dir__ = lazy_names(__name__, _HOME, globals())
