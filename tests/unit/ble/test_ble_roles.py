"""Role merging with failover (app.core.devices.roles): pure, no clock but `now_s`."""

from __future__ import annotations

from app.core.devices.roles import Role, Roles, Source, SourceSample, merge_readings
from app.core.ports import TrainerReading

NOW = 100.0


def sample(at_s: float = NOW, **fields: float) -> SourceSample:
    return SourceSample(TrainerReading(**fields), at_s)


TRAINER = sample(power_w=200, cadence_rpm=90, hr_bpm=120, speed_mps=9.0)
METER = sample(power_w=190, cadence_rpm=88)
STRAP = sample(hr_bpm=140)
CADENCE = sample(cadence_rpm=86, speed_mps=8.5)


def test_every_role_present_takes_the_dedicated_device() -> None:
    reading, used = merge_readings(TRAINER, METER, STRAP, CADENCE, NOW)
    assert reading == TrainerReading(power_w=190, cadence_rpm=86, hr_bpm=140, speed_mps=9.0)
    assert (used.power, used.cadence, used.hr, used.speed) == (
        Source.POWER_METER,
        Source.CADENCE_SENSOR,
        Source.HR_STRAP,
        Source.TRAINER,
    )
    assert used.any and used.fresh == frozenset(Source)


def test_trainer_alone_supplies_everything() -> None:
    reading, used = merge_readings(TRAINER, None, None, None, NOW)
    assert reading == TRAINER.reading
    assert used.power is used.cadence is used.hr is used.speed is Source.TRAINER


def test_stale_power_meter_fails_over_to_trainer_power_and_cadence_to_trainer() -> None:
    stale_meter = sample(at_s=NOW - 3.5, power_w=190, cadence_rpm=88)
    reading, used = merge_readings(TRAINER, stale_meter, None, None, NOW)
    assert reading.power_w == 200 and used.power is Source.TRAINER
    assert reading.cadence_rpm == 90 and used.cadence is Source.TRAINER
    assert Source.POWER_METER not in used.fresh


def test_exactly_at_the_stale_limit_is_still_fresh() -> None:
    meter = sample(at_s=NOW - 3.0, power_w=190)
    _, used = merge_readings(TRAINER, meter, None, None, NOW, stale_after_s=3.0)
    assert used.power is Source.POWER_METER


def test_stale_hr_strap_fails_over_to_trainer_relayed_hr() -> None:
    reading, used = merge_readings(TRAINER, None, sample(at_s=NOW - 10, hr_bpm=150), None, NOW)
    assert reading.hr_bpm == 120 and used.hr is Source.TRAINER


def test_cadence_order_sensor_then_power_meter_then_trainer() -> None:
    stale_cadence = sample(at_s=NOW - 5, cadence_rpm=70)
    reading, used = merge_readings(TRAINER, METER, None, stale_cadence, NOW)
    assert reading.cadence_rpm == 88 and used.cadence is Source.POWER_METER
    meter_without_cadence = sample(power_w=190)
    reading, used = merge_readings(TRAINER, meter_without_cadence, None, None, NOW)
    assert reading.cadence_rpm == 90 and used.cadence is Source.TRAINER


def test_field_a_source_does_not_report_falls_through() -> None:
    trainer_no_hr = sample(power_w=200, cadence_rpm=90)
    reading, used = merge_readings(trainer_no_hr, None, None, None, NOW)
    assert reading.hr_bpm is None and used.hr is None


def test_speed_falls_back_to_the_cadence_sensor() -> None:
    reading, used = merge_readings(None, None, None, CADENCE, NOW)
    assert reading.speed_mps == 8.5 and used.speed is Source.CADENCE_SENSOR


def test_nothing_fresh_is_an_empty_reading_with_no_sources() -> None:
    old = NOW - 60
    reading, used = merge_readings(
        sample(at_s=old, power_w=1), sample(at_s=old, power_w=2), None, None, NOW
    )
    assert reading == TrainerReading()
    assert not used.any and used.power is None


def test_a_sample_from_the_future_counts_as_fresh() -> None:
    _, used = merge_readings(sample(at_s=NOW + 1, power_w=5), None, None, None, NOW)
    assert used.power is Source.TRAINER


def test_roles_assign_and_query() -> None:
    roles = Roles(trainer="AA").assign(Role.POWER, "BB").assign(Role.HR, "AA")
    assert roles.get(Role.POWER) == "BB"
    assert roles.roles_of("AA") == (Role.TRAINER, Role.HR)
    assert roles.addresses() == ("AA", "BB")
    assert roles.assign(Role.POWER, None).get(Role.POWER) is None
