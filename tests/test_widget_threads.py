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
