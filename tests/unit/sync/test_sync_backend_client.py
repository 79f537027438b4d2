"""BackendClient against httpx.MockTransport: every answer a broken or hostile server can
give becomes a typed error, never a crash; short retries only where they belong."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sync_fakes import SECRET_VALUE, make_token

from app.core.auth.token import Secret
from app.core.sync.errors import (
    AuthRejected,
    BadResponse,
    RequestRejected,
    ResponseTooLarge,
    ServerTrouble,
    Unreachable,
)
from app.core.workouts.formats import SYNC_WIRE_NAMES
from app.infra.http.backend import BackendClient, normalize_server_url
from app.infra.http.fetch import LIBRARY_MAX_BYTES, parse_retry_after

BASE = "http://127.0.0.1:9"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TOKEN_BODY = {
    "token": "fresh-SECRET-token",
    "token_type": "Bearer",
    "expires_at": "2026-04-01T08:00:00+00:00",
    "renew_after": "2026-03-09T08:00:00Z",
    "account": {"id": "u1", "email": "rider@example.com", "display_name": "Rider"},
    "extra": "ignored",
}
PROFILE_BODY = {
    "id": "u1",
    "email": "rider@example.com",
    "display_name": "Rider",
    "ftp_w": 250,
    "weight_kg": None,
    "entitlement": {"active": True, "valid_until": None},
}
WORKOUT = {
    "id": "w1",
    "version": 3,
    "updated_at": "2026-03-01T10:00:00+01:00",
    "name": "Sweet",
    "format": "zwo",
    "content": "<workout_file/>",
    "tags": ["sst"],
}


class Script:
    """A MockTransport handler answering from a list (the last answer repeats)."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def client(*answers: httpx.Response | Exception, token=None, sleeps=None):
    script = Script(*answers)
    slept = sleeps if sleeps is not None else []
    c = BackendClient(
        BASE,
        lambda: make_token(NOW, server=normalize_server_url(BASE)) if token is None else token,
        httpx.MockTransport(script),
        sleep=slept.append,
        now=lambda: NOW,
    )
    return c, script, slept


def ok(body, status=200, **headers) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def raw(content: bytes | str, status=200, **headers) -> httpx.Response:
    return httpx.Response(status, content=content, headers=headers)


# -- happy paths ---------------------------------------------------------------------------


def test_sign_in_sends_credentials_and_parses_the_token():
    c, script, _ = client(ok(TOKEN_BODY))
    token = c.sign_in("rider@example.com", Secret("pw"), "bike")
    sent = json.loads(script.requests[0].content)
    assert sent == {"email": "rider@example.com", "password": "pw", "device_name": "bike"}
    assert "authorization" not in script.requests[0].headers
    assert token.secret.reveal() == "fresh-SECRET-token"
    assert token.expires_at == datetime(2026, 4, 1, 8, tzinfo=UTC)
    assert token.server_url == BASE
    assert "fresh-SECRET-token" not in repr(token)


def test_authenticated_calls_carry_the_bearer_token():
    c, script, _ = client(ok(PROFILE_BODY))
    profile = c.me()
    assert script.requests[0].headers["authorization"] == f"Bearer {SECRET_VALUE}"
    assert profile.ftp_w == 250 and profile.weight_kg is None and profile.entitlement.active


def test_library_page_with_cursor_etag_and_304():
    body = {"workouts": [WORKOUT], "deleted": ["old"], "cursor": "c2", "has_more": True}
    c, script, _ = client(ok(body, etag='"abc"'), raw(b"", 304))
    page = c.library_page("c1")
    assert script.requests[0].url.params["cursor"] == "c1"
    assert page.workouts[0].id == "w1" and page.workouts[0].tags == ("sst",)
    assert page.deleted == ("old",) and page.cursor == "c2" and page.has_more
    assert page.etag == '"abc"'
    assert c.library_page("c2", '"abc"') is None
    assert script.requests[1].headers["if-none-match"] == '"abc"'


def test_a_bad_workout_is_skipped_and_reported_not_the_page():
    bad = [
        dict(WORKOUT, id="v", version="3"),
        dict(WORKOUT, id="f", format="fit"),
        {"name": "no id"},
        "not even an object",
        dict(WORKOUT, id="ok"),
    ]
    c, _, _ = client(ok({"workouts": bad, "deleted": [], "cursor": "c", "has_more": False}))
    page = c.library_page(None)
    assert [w.id for w in page.workouts] == ["ok"]
    assert [ident for ident, _ in page.invalid] == ["v", "f", "(no id)", "(no id)"]
    assert "version" in page.invalid[0][1]


def test_every_syncable_format_is_read_and_an_unknown_one_skipped_naming_them():
    known = [dict(WORKOUT, id=f"w-{name}", format=name) for name in SYNC_WIRE_NAMES]
    odd = dict(WORKOUT, id="odd", format="gpx")
    body = {"workouts": [odd, *known], "deleted": [], "cursor": "c", "has_more": False}
    c, _, _ = client(ok(body))
    page = c.library_page(None)
    assert [w.format for w in page.workouts] == list(SYNC_WIRE_NAMES)
    [(ident, why)] = page.invalid
    assert ident == "odd" and why.startswith("workout: format: Input should be ")
    assert all(f"'{name}'" in why for name in SYNC_WIRE_NAMES) and "gpx" not in why


def test_calendar_and_rides():
    cal = {"entries": [{"date": "2026-03-02", "workout_id": "w1", "note": None}]}
    sha = "ab" * 32
    rides = {
        "rides": [
            {
                "id": "r",
                "started_at": "2026-03-01T07:00:00Z",
                "duration_s": 3600,
                "sha256": sha,
                "size": 5,
            }
        ]
    }
    c, script, _ = client(ok(cal), ok(rides))
    entries = c.calendar(date(2026, 3, 2), date(2026, 3, 29))
    assert script.requests[0].url.params["from"] == "2026-03-02"
    assert script.requests[0].url.params["to"] == "2026-03-29"
    assert entries[0].date == date(2026, 3, 2) and entries[0].note is None
    assert c.rides()[0].sha256 == sha


@pytest.mark.parametrize("status", [200, 201, 409, 413, 422, 400, 401])
def test_put_ride_returns_the_final_status(status):
    body = {"id": "ride-1", "sha256": "CD" * 32} if status < 300 else {"error": "conflict"}
    c, script, _ = client(ok(body, status))
    result = c.put_ride("ride-1", b"FITDATA", "cd" * 32)
    sent = script.requests[0]
    assert sent.method == "PUT" and sent.url.path == "/api/v1/rides/ride-1"
    assert sent.headers["content-type"] == "application/vnd.ant.fit"
    assert sent.headers["content-sha256"] == "cd" * 32
    assert sent.content == b"FITDATA"
    assert result.status == status
    assert len(script.requests) == 1  # no retry for any of these
    if status >= 400:
        assert result.error_code == "conflict"
    else:
        assert result.error_code == ""


@pytest.mark.parametrize(
    "answer",
    [
        raw(b"<html>Welcome to the airport wifi</html>"),
        ok([1, 2]),
        ok({"id": "another-ride", "sha256": "ef" * 32}),
        ok({"id": "r", "sha256": "00" * 32}),
        ok({"rides": {"id": 1}, "id": ["x"], "sha256": 0}),
    ],
)
def test_a_200_that_is_not_an_upload_answer_is_not_a_delivery(answer):
    c, _, _ = client(answer)
    with pytest.raises(BadResponse):
        c.put_ride("r", b"x", "ef" * 32)


def test_a_201_without_a_body_is_fine():
    c, _, _ = client(raw(b"", 201))
    assert c.put_ride("r", b"x", "ef" * 32).status == 201


def test_put_ride_retries_503_and_sends_identical_bytes():
    c, script, slept = client(ok({}, 503), raw(b"", 502), ok({"sha256": "ef" * 32}, 201))
    assert c.put_ride("r", b"SAME", "ef" * 32).status == 201
    assert [r.content for r in script.requests] == [b"SAME"] * 3
    assert len(slept) == 2


def test_put_ride_after_exhausted_retries_returns_the_trouble_with_retry_after():
    c, script, slept = client(ok({"error": "x"}, 503, **{"retry-after": "7"}))
    result = c.put_ride("r", b"x", "ef" * 32)
    assert result.status == 503 and result.retry_after_s == 7
    assert len(script.requests) == 3 and slept == [7, 7]


# -- garbage -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        raw(b"<html>Bad gateway</html>"),
        raw(b'{"token": "x", '),
        raw(b""),
        raw(b"null"),
        raw(b"[]"),
        raw("\ud800".encode("utf-8", "surrogatepass")),
        raw(b"\xff\xfe\x00garbage"),
        ok(
            {
                "token": 123,
                "token_type": "Bearer",
                "expires_at": "x",
                "renew_after": [],
                "account": "me",
            }
        ),
        ok(dict(TOKEN_BODY, expires_at="2026-04-01T08:00:00")),  # no offset
        ok(dict(TOKEN_BODY, token="")),
        ok(dict(TOKEN_BODY, token_type="MAC")),
        ok({k: v for k, v in TOKEN_BODY.items() if k != "account"}),
        ok(dict(TOKEN_BODY, account={"id": "u1"})),
        raw(b'{"token": NaN}'),
        raw(b"[" * 100_000),
    ],
)
def test_garbage_from_sign_in_is_bad_response(answer):
    c, _, _ = client(answer)
    with pytest.raises(BadResponse) as info:
        c.sign_in("e", "pw", "d")
    assert "pw" not in str(info.value).split(":")[0]


@pytest.mark.parametrize(
    "body",
    [
        {"workouts": "not a list", "deleted": [], "cursor": "c", "has_more": False},
        {"workouts": [], "deleted": [{"id": 1}], "cursor": "c", "has_more": False},
        {"workouts": [], "deleted": [], "cursor": 42, "has_more": False},
        {"workouts": [], "deleted": [], "cursor": "", "has_more": False},
        {"workouts": [], "deleted": [], "cursor": "c", "has_more": "yes"},
        {"workouts": [], "deleted": [], "cursor": "c"},
        {"workouts": [], "deleted": [], "cursor": "c", "has_more": 1},
    ],
)
def test_wrong_types_or_missing_fields_in_library_are_bad_response(body):
    c, _, _ = client(ok(body))
    with pytest.raises(BadResponse):
        c.library_page(None)


@pytest.mark.parametrize(
    "body",
    [
        dict(PROFILE_BODY, ftp_w="250"),
        dict(PROFILE_BODY, ftp_w=2.5),
        dict(PROFILE_BODY, ftp_w=10**30),
        dict(PROFILE_BODY, weight_kg="heavy"),
        dict(PROFILE_BODY, entitlement=[]),
        {k: v for k, v in PROFILE_BODY.items() if k != "email"},
    ],
)
def test_wrong_profile_is_bad_response(body):
    c, _, _ = client(ok(body))
    with pytest.raises(BadResponse):
        c.me()


def test_bad_calendar_and_rides():
    c, _, _ = client(ok({"entries": [{"date": 20240101, "workout_id": None, "note": 5}]}))
    with pytest.raises(BadResponse):
        c.calendar(date(2026, 1, 1), date(2026, 1, 2))
    c, _, _ = client(
        ok(
            {
                "rides": [
                    {
                        "id": "r",
                        "started_at": "2026-03-01T07:00:00Z",
                        "duration_s": 1,
                        "sha256": "zz",
                    }
                ]
            }
        )
    )
    with pytest.raises(BadResponse):
        c.rides()


def test_huge_declared_body_is_refused_without_reading():
    c, _, _ = client(raw(b"{}", **{"content-length": str(2 * 1024 * 1024)}))
    with pytest.raises(ResponseTooLarge):
        c.me()


def test_huge_streamed_body_is_cut_off():
    def endless():
        yield b'{"workouts": ['
        chunk = b'{"id": "x"},' * 10_000
        for _ in range(10_000):
            yield chunk

    c, _, _ = client(httpx.Response(200, content=endless()))
    with pytest.raises(ResponseTooLarge) as info:
        c.library_page(None)
    assert info.value.limit_bytes == LIBRARY_MAX_BYTES
    c, _, _ = client(httpx.Response(200, content=endless()))
    with pytest.raises(ResponseTooLarge) as info:
        c.me()
    assert info.value.limit_bytes == 1024 * 1024


def test_library_pages_may_be_big():
    many = [dict(WORKOUT, id=f"w{i}", content="x" * 5000) for i in range(600)]  # ~3 MB
    c, _, _ = client(ok({"workouts": many, "deleted": [], "cursor": "c", "has_more": False}))
    assert len(c.library_page(None).workouts) == 600


def test_unexpected_redirect_is_not_followed():
    c, script, _ = client(raw(b"", 302, location="https://evil.example/steal"))
    with pytest.raises(BadResponse):
        c.me()
    assert len(script.requests) == 1


def test_304_without_etag_is_bad_response():
    c, _, _ = client(raw(b"", 304))
    with pytest.raises(BadResponse):
        c.library_page("c")


# -- statuses and retries ------------------------------------------------------------------


@pytest.mark.parametrize("status", [401])
def test_401_is_auth_rejected_with_the_code(status):
    c, script, _ = client(ok({"error": "token_revoked", "message": "m"}, status))
    with pytest.raises(AuthRejected) as info:
        c.renew()
    assert info.value.code == "token_revoked"
    assert len(script.requests) == 1


def test_wrong_password_is_auth_rejected():
    c, _, _ = client(ok({"error": "invalid_credentials", "message": "wrong"}, 401))
    with pytest.raises(AuthRejected) as info:
        c.sign_in("e", "pw", "d")
    assert info.value.code == "invalid_credentials"


@pytest.mark.parametrize("status", [400, 403, 404, 409, 413, 422])
def test_other_4xx_are_request_rejected_without_retry(status):
    c, script, _ = client(ok({"error": "nope", "message": "m"}, status))
    with pytest.raises(RequestRejected) as info:
        c.me()
    assert info.value.status == status
    assert len(script.requests) == 1


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504, 599])
def test_transient_statuses_are_retried_three_times_then_server_trouble(status):
    c, script, slept = client(ok({"error": "busy"}, status))
    with pytest.raises(ServerTrouble) as info:
        c.me()
    assert info.value.status == status
    assert len(script.requests) == 3
    assert len(slept) == 2 and all(0 < s <= 5 for s in slept)


def test_retry_then_success():
    c, script, _ = client(ok({}, 503), httpx.ConnectError("refused"), ok(PROFILE_BODY))
    assert c.me().id == "u1"
    assert len(script.requests) == 3


def test_retry_after_seconds_and_http_date_are_honoured():
    later = (NOW + timedelta(seconds=4)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    c, _, slept = client(
        ok({}, 503, **{"retry-after": "2"}), ok({}, 429, **{"retry-after": later}), ok(PROFILE_BODY)
    )
    c.me()
    assert slept == [2, 4]


def test_long_retry_after_is_not_waited_for_inside_a_call():
    c, script, slept = client(ok({}, 503, **{"retry-after": "3600"}))
    with pytest.raises(ServerTrouble) as info:
        c.me()
    assert info.value.retry_after_s == 3600
    assert len(script.requests) == 1 and slept == []


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), "connect"),
        (httpx.ConnectError("[Errno -2] Name or service not known"), "dns"),
        (
            httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
            "tls",
        ),
        (httpx.ConnectTimeout("timed out"), "timeout"),
        (httpx.ReadTimeout("timed out"), "timeout"),
        (httpx.WriteTimeout("timed out"), "timeout"),
        (httpx.PoolTimeout("timed out"), "timeout"),
        (
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            "dropped",
        ),
        (httpx.ReadError("Connection reset by peer"), "dropped"),
    ],
)
def test_transport_failures_are_retried_then_unreachable(error, kind):
    c, script, slept = client(error)
    with pytest.raises(Unreachable) as info:
        c.me()
    assert info.value.kind == kind
    assert len(script.requests) == 3 and len(slept) == 2


def test_a_broken_url_is_not_retried():
    c, script, _ = client(httpx.UnsupportedProtocol("no"))
    with pytest.raises(Unreachable):
        c.me()
    assert len(script.requests) == 1


def test_no_token_or_a_token_for_another_server_is_never_sent():
    c, script, _ = client(ok(PROFILE_BODY), token=make_token(NOW, server="https://other.example"))
    with pytest.raises(AuthRejected):
        c.me()
    assert script.requests == []
    c = BackendClient(BASE, lambda: None, httpx.MockTransport(Script(ok(PROFILE_BODY))))
    with pytest.raises(AuthRejected):
        c.me()


def test_the_token_is_in_no_error_message():
    leaky = ok({"error": SECRET_VALUE[:3], "message": "x"}, 400)
    for answer in (ok({}, 500), leaky, raw(b"junk"), httpx.ReadError("reset")):
        c, _, _ = client(answer)
        try:
            c.me()
        except Exception as exc:
            assert SECRET_VALUE not in str(exc) and SECRET_VALUE not in repr(exc)


def test_sign_out_accepts_204_and_401():
    for status in (204, 401):
        c, script, _ = client(raw(b"", status))
        c.sign_out()
        assert script.requests[0].method == "DELETE"


def test_server_url_rules():
    assert normalize_server_url("HTTPS://Sync.Example.com/") == "https://sync.example.com"
    assert normalize_server_url("http://127.0.0.1:8787") == "http://127.0.0.1:8787"
    assert normalize_server_url("http://localhost:1/x/") == "http://localhost:1/x"
    assert normalize_server_url("http://lan:1", allow_insecure_http=True) == "http://lan:1"
    for bad in (
        "ftp://x",
        "http://example.com",
        "https://",
        "https://u:p@x",
        "https://x/?q=1",
        "sync.example.com",
    ):
        with pytest.raises(ValueError):
            normalize_server_url(bad)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (None, None),
        ("", None),
        ("5", 5.0),
        ("0.5", 0.5),
        ("-3", 0.0),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        ("Mon, 02 Mar 2026 08:00:10 GMT", 10.0),
        ("Mon, 02 Mar 2026 07:00:00 GMT", 0.0),
    ],
)
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value, lambda: NOW) == seconds


def test_cancel_ends_the_in_call_retries():
    c, script, slept = client(ok({}, 503, **{"retry-after": "2"}))
    c.cancel()  # the app is closing
    with pytest.raises(ServerTrouble) as info:
        c.me()
    assert info.value.retry_after_s == 2  # the answer still says what the server wants
    assert len(script.requests) == 1 and slept == []


def test_the_default_pause_between_attempts_ends_when_cancelled():
    pausing = threading.Event()

    class Watched(BackendClient):
        def _pause(self, seconds: float) -> None:
            pausing.set()
            super()._pause(seconds)

    script = Script(ok({}, 503, **{"retry-after": "9"}))
    token = make_token(NOW, server=normalize_server_url(BASE))
    c = Watched(BASE, lambda: token, httpx.MockTransport(script))
    # the app closes from another thread while the client waits 9 s to retry
    closer = threading.Thread(target=lambda: pausing.wait(5) and c.cancel())
    closer.start()
    began = time.monotonic()
    with pytest.raises(ServerTrouble) as info:
        c.me()
    assert time.monotonic() - began < 5  # not the 9 s pause
    assert len(script.requests) == 1  # and no attempt after it
    assert info.value.status == 503
    closer.join(5)
    c.close()
    assert c.closed
