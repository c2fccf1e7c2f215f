"""Cron as Kubeflow's scheduler reads it: six fields, seconds first (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from atlas.kubeflow.cron import Cron, CronError


def at(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).timestamp()


def test_daily_at_three_and_its_period():
    cron = Cron("0 0 3 * * *")
    assert cron.next_after(at("2026-09-21T14:13:20")) == at("2026-09-22T03:00:00")
    assert cron.next_after(at("2026-09-22T03:00:00")) == at("2026-09-23T03:00:00")  # strictly after
    assert cron.period_after(at("2026-09-22T03:00:00")) == 86400


def test_weekly_mondays_ranges_steps_and_names():
    assert Cron("0 0 4 * * 1").next_after(at("2026-09-21T05:00:00")) == at("2026-09-28T04:00:00")
    assert Cron("0 0 4 * * MON").next_after(at("2026-09-21T03:00:00")) == at("2026-09-21T04:00:00")
    assert Cron("30 */15 9-17 * * 1-5").next_after(at("2026-09-19T12:00:00")) == at("2026-09-21T09:00:30")


def test_vertex_five_fields_with_a_time_zone_prefix_read_as_seconds_zero():
    assert Cron("TZ=UTC 0 3 * * *").next_after(at("2026-09-21T14:00:00")) == at("2026-09-22T03:00:00")
    assert Cron("@daily").period_after(at("2026-09-22T00:00:00")) == 86400


@pytest.mark.parametrize("text", ["0 0 25 * * *", "0 0 3 * *  * *", "x 0 3 * * *", "0 0 3 * * */0"])
def test_a_bad_cron_is_one_line(text):
    with pytest.raises(CronError, match="cron"):
        Cron(text)


def test_a_vertex_time_zone_prefix_moves_the_fire_times_and_an_unknown_zone_is_refused():
    import pytest

    from atlas.kubeflow.cron import Cron, CronError

    sep21 = 1_790_000_000  # 14:13:20 UTC
    assert Cron("TZ=America/New_York 0 3 * * *").next_after(sep21) == Cron("0 0 7 * * *").next_after(sep21)
    assert Cron("CRON_TZ=UTC 0 3 * * *").next_after(sep21) == Cron("0 3 * * *", "vertex").next_after(sep21)
    with pytest.raises(CronError, match="unknown time zone 'Mars/Olympus'"):
        Cron("TZ=Mars/Olympus 0 3 * * *")


@pytest.mark.parametrize("text,period", [("@every 6h", 6 * 3600), ("@every 1h30m", 5400), ("@every 1.5h", 5400),
                                         ("@every 90s", 90), ("@every 500ms", 1), ("@hourly", 3600),
                                         ("@midnight", 86400), ("@annually", None)])
def test_robfig_descriptors_kfp_accepts_read_as_schedules(text, period):
    # robfig/cron v1.2.0 parseDescriptor (KFP's go.mod); @every fires the previous fire plus the delay
    cron = Cron(text)
    fire = cron.next_after(at("2026-09-21T14:13:20"))
    assert fire is not None
    if text.startswith("@every"):
        assert fire == at("2026-09-21T14:13:20") + period
    if period is not None:
        assert cron.period_after(fire) == period


@pytest.mark.parametrize("text,why", [("0 0 3 * * 7", "above the maximum 6"), ("0 0 3 * * 1-7", "above the maximum 6"),
                                      ("@DAILY", "unrecognized descriptor"), ("@every", "unrecognized descriptor"),
                                      ("@every 6", "failed to parse duration"), ("@every 6 h", "failed to parse duration"),
                                      (" @daily", "expected six fields")])
def test_what_kfp_refuses_is_refused(text, why):
    with pytest.raises(CronError, match=why):
        Cron(text)


def test_a_vertex_five_field_sunday_may_still_be_seven():
    assert Cron("0 3 * * 7", "vertex").next_after(at("2026-09-21T14:00:00")) == at("2026-09-27T03:00:00")


def test_five_fields_on_self_hosted_kfp_are_seconds_first_as_robfig_reads_them():
    """robfig v1.2.0 (KFP's scheduler): five fields are second, minute, hour, day, month, so
    `0 3 * * *` fires at minute 3 of every hour, not at 03:00 as unix cron would."""
    kfp = Cron("0 3 * * *")
    assert kfp.next_after(at("2026-09-21T14:00:00")) == at("2026-09-21T14:03:00")
    assert kfp.next_after(at("2026-09-21T14:03:00")) == at("2026-09-21T15:03:00")
    assert Cron("0 3 * * *", "vertex").next_after(at("2026-09-21T14:00:00")) == at("2026-09-22T03:00:00")
