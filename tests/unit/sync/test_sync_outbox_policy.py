"""The outbox state machine: delivered, failed for good with a reason, or retried later
with capped exponential backoff, jitter and the server's Retry-After."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sync_fakes import T0

from app.core.sync.models import UploadResult
from app.core.sync.outbox import (
    BACKOFF_BASE_S,
    BACKOFF_CAP_S,
    RETRY_AFTER_CAP_S,
    OutboxRow,
    OutboxState,
    backoff_delay_s,
    decide_upload,
    is_due,
)


@pytest.mark.parametrize("status", [200, 201])
def test_200_and_201_are_delivered(status):
    decision = decide_upload(UploadResult(status), 1, T0, lambda: 0.5)
    assert decision.state is OutboxState.DELIVERED and decision.delivered
    assert decision.last_error is None


@pytest.mark.parametrize(
    ("status", "words"), [(409, "different ride"), (413, "too large"), (422, "could not read")]
)
def test_409_413_422_fail_for_good_with_a_reason_for_the_rider(status, words):
    decision = decide_upload(UploadResult(status, "x"), 3, T0, lambda: 0.5)
    assert decision.state is OutboxState.FAILED
    assert words in decision.last_error
    assert "kept on this computer" in decision.last_error
    assert decision.next_attempt_at is None


@pytest.mark.parametrize("status", [400, 403, 404, 408, 425, 429, 500, 502, 503, 504, 418])
def test_everything_else_is_retried_later(status):
    decision = decide_upload(UploadResult(status), 1, T0, lambda: 0.5)
    assert decision.state is OutboxState.PENDING
    assert decision.next_attempt_at is not None
    assert decision.next_attempt_at > T0
    assert str(status) in decision.last_error


def test_401_waits_for_sign_in_without_backoff():
    decision = decide_upload(UploadResult(401), 4, T0, lambda: 0.5)
    assert decision.needs_sign_in
    assert decision.state is OutboxState.PENDING
    assert decision.next_attempt_at is None


def test_backoff_grows_exponentially_and_is_capped():
    top = [backoff_delay_s(n, lambda: 1.0) for n in range(1, 12)]
    assert top[0] == BACKOFF_BASE_S
    assert top[1] == 2 * BACKOFF_BASE_S
    assert top[-1] == BACKOFF_CAP_S
    assert all(a <= b for a, b in itertools.pairwise(top))
    assert backoff_delay_s(10_000, lambda: 1.0) == BACKOFF_CAP_S


def test_backoff_jitter_stays_within_half_to_full():
    for n in (1, 3, 8):
        low = backoff_delay_s(n, lambda: 0.0)
        high = backoff_delay_s(n, lambda: 1.0)
        assert low == high / 2
        assert low <= backoff_delay_s(n, lambda: 0.37) <= high


def test_retry_after_is_honoured_and_capped():
    assert backoff_delay_s(1, lambda: 0.0, retry_after_s=600) == 600
    assert backoff_delay_s(1, lambda: 0.0, retry_after_s=1) == BACKOFF_BASE_S / 2
    assert backoff_delay_s(1, lambda: 0.0, retry_after_s=10**9) == RETRY_AFTER_CAP_S
    decision = decide_upload(UploadResult(503, retry_after_s=900), 1, T0, lambda: 0.0)
    assert decision.next_attempt_at == T0 + timedelta(seconds=900)


def test_is_due():
    row = OutboxRow("r", OutboxState.PENDING, 1, T0 + timedelta(seconds=30), None)
    assert not is_due(row, T0)
    assert is_due(row, T0 + timedelta(seconds=30))
    assert is_due(OutboxRow("r", OutboxState.PENDING, 0, None, None), T0)
    assert not is_due(OutboxRow("r", OutboxState.FAILED, 0, None, "x"), T0)
    assert not is_due(OutboxRow("r", OutboxState.DELIVERED, 0, None, None), T0)
