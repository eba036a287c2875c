"""A widget's background thread ends when the widget is closed, not with the kernel."""

from __future__ import annotations

import threading
import time


def running(name: str) -> int:
    return sum(t.name == name and t.is_alive() for t in threading.enumerate())


def wait_until(check, seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_the_cohort_banner_stops_following_when_it_is_closed(clean_env):
    from coach.widgets.page import CohortBanner

    before = running("mw-cohort-banner")
    banner = CohortBanner("spring")
    assert running("mw-cohort-banner") == before + 1
    banner.close()
    assert wait_until(lambda: running("mw-cohort-banner") == before)


def test_the_match_panel_and_the_dashboard_stop_following_when_closed(clean_env):
    from coach.cohorts import create_cohort
    from coach.widgets.dashboard import Dashboard
    from coach.widgets.match import MatchPanel

    created = create_cohort("threads", seats=1)
    for widget, name in (
        (lambda: MatchPanel(created.links[0][0].id), "mw-match"),
        (lambda: Dashboard("threads"), "mw-dashboard-clock"),
    ):
        before = running(name)
        shown = widget()
        assert running(name) == before + 1
        shown.close()
        assert wait_until(lambda n=name, b=before: running(n) == b), name
