"""`mentor-coach serve --workshop` pre-heats one app page per open seat, as far as free
memory allows, and says what it chose."""

from __future__ import annotations

from coach.cli.serve import KERNEL_MB, RESERVE_MB, workshop_pool


def test_a_workshop_pre_heats_a_page_per_open_seat(clean_env):
    from coach.cohorts import close_cohort, create_cohort

    create_cohort("morning", seats=12)
    create_cohort("evening", seats=5)
    create_cohort("gone", seats=40)
    close_cohort("gone")
    pool, said = workshop_pool(available_mb=24_000)
    assert pool == 17
    assert said.startswith("Pre-heating 17 app pages (17 open seats")


def test_the_pool_is_capped_by_free_memory_and_says_so(clean_env):
    from coach.cohorts import create_cohort

    create_cohort("big", seats=200)
    fits = 20
    pool, said = workshop_pool(available_mb=RESERVE_MB + fits * KERNEL_MB + 10)
    assert pool == fits
    assert "200 open seats" in said and f"fits {fits}" in said


def test_no_open_cohort_still_keeps_one_page_ready(clean_env):
    pool, said = workshop_pool(available_mb=24_000)
    assert pool == 1
    assert "0 open seats" in said
