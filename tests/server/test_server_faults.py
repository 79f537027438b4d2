"""The fault grammar (app/server/faults.py): what parses, what it means, what is refused."""

from __future__ import annotations

import pytest

from app.server.faults import (
    DEFAULT_WAIT_S,
    GROUPS,
    Fault,
    FaultConfig,
    FaultSpecError,
    group_for_path,
    parse_assignment,
    parse_fault,
)


@pytest.mark.parametrize(
    ("spec", "fault"),
    [
        ("503", Fault(kind="status", status=503)),
        ("503:retry-after=5", Fault(kind="status", status=503, retry_after="5")),
        ("429:retry-after=Wed, 21 Oct 2015 07:28:00 GMT",
         Fault(kind="status", status=429, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")),
        ("503:retry-after=Wed, 21 Oct 2015 07:28:00 GMT:times=1",
         Fault(kind="status", status=503, retry_after="Wed, 21 Oct 2015 07:28:00 GMT", times=1)),
        ("latency:2000", Fault(latency_ms=2000)),
        ("hang", Fault(kind="hang", seconds=DEFAULT_WAIT_S)),
        ("hang:2.5", Fault(kind="hang", seconds=2.5)),
        ("drop", Fault(kind="drop")),
        ("malformed", Fault(kind="malformed")),
        ("wrong-types", Fault(kind="wrong-types")),
        ("endless:10", Fault(kind="endless", seconds=10)),
        ("latency:300+500:times=2", Fault(kind="status", status=500, latency_ms=300, times=2)),
        (" DROP ", Fault(kind="drop")),
    ],
)  # fmt: skip
def test_specs_parse(spec, fault):
    assert parse_fault(spec) == fault


@pytest.mark.parametrize(
    "spec",
    ["503:retry-after=5", "latency:2000", "hang:60", "drop", "malformed", "wrong-types",
     "endless:1.5", "latency:300+500:times=2", "hang:5:times=1"],
)  # fmt: skip
def test_canonical_specs_round_trip(spec):
    fault = parse_fault(spec)
    assert fault is not None
    assert fault.spec() == spec
    assert parse_fault(fault.spec()) == fault


@pytest.mark.parametrize("spec", ["off", "OFF", "none", ""])
def test_off_clears(spec):
    assert parse_fault(spec) is None


@pytest.mark.parametrize(
    "spec",
    ["teapot", "99", "600", "latency", "latency:fast", "latency:9999999", "hang:0",
     "hang:100000", "endless:x", "503+drop", "drop:5", "503:5", "503:colour=red",
     "latency:5:retry-after=1", "drop:times=0", "hang:1:2", "503:retry-after=",
     "drop:retry-after=5"],
)  # fmt: skip
def test_bad_specs_are_refused_with_a_reason(spec):
    with pytest.raises(FaultSpecError) as info:
        parse_fault(spec)
    assert str(info.value)


def test_assignments_name_groups_and_all_means_every_group():
    assert parse_assignment("library=503") == (("library",), Fault(kind="status", status=503))
    groups, fault = parse_assignment("all=drop")
    assert groups == GROUPS and fault == Fault(kind="drop")
    for text in ("library", "website=503", "=503"):
        with pytest.raises(FaultSpecError):
            parse_assignment(text)


def test_config_later_assignments_win_and_times_counts_down():
    config = FaultConfig.from_specs(["all=500", "library=latency:10", "status=off"])
    assert config.describe() == {
        "auth": "500", "calendar": "500", "library": "latency:10", "profile": "500",
        "rides": "500",
    }  # fmt: skip
    config.apply("rides=503:times=2")
    assert config.take("rides") == Fault(kind="status", status=503, times=2)
    assert config.take("rides") == Fault(kind="status", status=503, times=1)
    assert config.take("rides") is None
    assert config.take("status") is None
    config.clear()
    assert not config


@pytest.mark.parametrize(
    ("path", "group"),
    [("/api/v1/auth/token", "auth"), ("/api/v1/auth/renew", "auth"),
     ("/api/v1/library", "library"), ("/api/v1/calendar", "calendar"),
     ("/api/v1/rides", "rides"), ("/api/v1/rides/abc", "rides"), ("/api/v1/me", "profile"),
     ("/api/v2/summary.json", "status"), ("/healthz", None), ("/_admin/faults", None),
     ("/api/v1/ridesx", None)],
)  # fmt: skip
def test_paths_map_to_groups(path, group):
    assert group_for_path(path) == group
