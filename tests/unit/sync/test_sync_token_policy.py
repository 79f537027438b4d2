"""The token model never shows its secret; the renewal policy and the HTTP outcome
classification are pure functions of their inputs."""

from __future__ import annotations

import logging
import pickle
from datetime import UTC, datetime, timedelta

import pytest
from sync_fakes import SECRET_VALUE, T0, make_token

from app.core.auth.policy import (
    EXPIRY_MARGIN,
    AuthEffect,
    TokenDecision,
    classify_status,
    classify_transport_failure,
    decide,
)
from app.core.auth.token import (
    Secret,
    StoredTokenError,
    Token,
    token_from_storage_json,
    token_to_storage_json,
)


def test_secret_never_shows_its_value(caplog):
    secret = Secret(SECRET_VALUE)
    assert repr(secret) == str(secret) == f"{secret}" == f"{secret:>40}" == "***"
    assert "{} {!r}".format(secret, secret) == "*** ***"  # noqa: UP032
    token = make_token()
    for text in (repr(token), str(token), f"{token}", repr([token]), repr({"t": token})):
        assert SECRET_VALUE not in text
        assert "***" in text
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("test").info("token %s %r", token, token.secret)
    assert SECRET_VALUE not in caplog.text
    assert secret.reveal() == SECRET_VALUE


def test_secret_cannot_be_pickled_and_compares_by_value():
    with pytest.raises(TypeError):
        pickle.dumps(Secret("abc"))
    assert Secret("abc") == Secret("abc")
    assert Secret("abc") != Secret("abd")
    with pytest.raises(ValueError):
        Secret("")


def test_token_times_must_be_aware():
    with pytest.raises(ValueError):
        Token(Secret("x"), datetime(2026, 1, 1), T0, make_token().account)


def test_storage_json_round_trip_and_damage():
    token = make_token()
    text = token_to_storage_json(token)
    assert SECRET_VALUE in text  # the one form that carries it: for the keyring only
    back = token_from_storage_json(text)
    assert back == token
    for damaged in (
        "",
        "{",
        "[]",
        '{"v": 2}',
        text.replace('"token":', '"tokn":'),
        text.replace('"expires_at":"', '"expires_at":"x'),
    ):
        with pytest.raises(StoredTokenError) as info:
            token_from_storage_json(damaged)
        assert SECRET_VALUE not in str(info.value)


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (timedelta(0), TokenDecision.USE),
        (timedelta(days=6, hours=23), TokenDecision.USE),
        (timedelta(days=7), TokenDecision.RENEW),
        (timedelta(days=29, hours=23), TokenDecision.RENEW),
        (timedelta(days=30), TokenDecision.EXPIRED),
        (timedelta(days=400), TokenDecision.EXPIRED),
    ],
)
def test_decide_from_the_clock(offset, expected):
    assert decide(T0 + offset, make_token(T0)) is expected


def test_renew_close_to_expiry_even_if_renew_after_is_later():
    token = make_token(T0, renew_in=timedelta(days=40), expires_in=timedelta(days=30))
    assert decide(T0, token) is TokenDecision.USE
    assert decide(T0 + timedelta(days=30) - EXPIRY_MARGIN, token) is TokenDecision.RENEW


def test_decide_across_time_zones():
    token = make_token(T0)
    elsewhere = (T0 + timedelta(days=8)).astimezone(datetime.now(UTC).astimezone().tzinfo)
    assert decide(elsewhere, token) is TokenDecision.RENEW


@pytest.mark.parametrize(
    ("status", "renewing", "effect"),
    [
        (200, False, AuthEffect.OK),
        (204, True, AuthEffect.OK),
        (304, False, AuthEffect.OK),
        (401, True, AuthEffect.SIGNED_OUT),
        (401, False, AuthEffect.RENEW_AND_RETRY),
        (408, False, AuthEffect.TRANSIENT),
        (425, True, AuthEffect.TRANSIENT),
        (429, True, AuthEffect.TRANSIENT),
        (500, True, AuthEffect.TRANSIENT),
        (503, False, AuthEffect.TRANSIENT),
        (599, False, AuthEffect.TRANSIENT),
        (400, False, AuthEffect.REJECTED),
        (403, True, AuthEffect.REJECTED),
        (409, False, AuthEffect.REJECTED),
    ],
)
def test_classify_status(status, renewing, effect):
    assert classify_status(status, renewing=renewing) is effect


def test_transport_failures_never_sign_out():
    assert classify_transport_failure() is AuthEffect.TRANSIENT
