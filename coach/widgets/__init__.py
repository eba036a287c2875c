"""The workbook's widgets: each notebook in workbooks/ shows one of these."""

from coach.widgets.ask import coach_widget
from coach.widgets.candidates import candidates_widget
from coach.widgets.goals import goals_widget
from coach.widgets.meetings import meetings_widget
from coach.widgets.network import network_widget
from coach.widgets.outreach import outreach_widget
from coach.widgets.profile import profile_widget
from coach.widgets.progress import progress_widget
from coach.widgets.start import start_widget

__all__ = [
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
