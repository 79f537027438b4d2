"""redact(): secrets go whole, ordinary words stay."""

from __future__ import annotations

import json

from hypothesis import example, given
from hypothesis import strategies as st

from app.infra.redact import REDACTED, redact

# a password a rider might choose: printable words separated by spaces; none of the
# characters that end an unquoted value (& , ; }) or quote one
_WORD = st.text(
    st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="&,;}\"'\\"),
    min_size=1,
    max_size=12,
)
passwords = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)


@given(passwords)
@example("correct horse battery staple")
def test_a_multi_word_password_after_an_equals_sign_goes_whole(password: str) -> None:
    assert redact(f"raw line password={password}") == f"raw line password={REDACTED}"


@given(passwords)
@example("correct horse battery staple")
def test_a_password_in_json_goes_whole_and_the_json_stays_json(password: str) -> None:
    text = redact(json.dumps({"password": password, "ftp_w": 250}))
    assert json.loads(text) == {"password": REDACTED, "ftp_w": 250}


@given(passwords)
def test_a_password_in_a_url_goes_and_the_rest_of_the_url_stays(password: str) -> None:
    password = password.replace(" ", "").replace("@", "").replace("/", "") or "pw"
    text = redact(f"GET https://rider:{password}@sync.example.org/api/v1/rides failed")
    assert text == f"GET https://rider:{REDACTED}@sync.example.org/api/v1/rides failed"


def test_a_query_string_value_ends_at_the_ampersand() -> None:
    assert redact("POST /signin?password=hunter 2&next=/home") == (
        f"POST /signin?password={REDACTED}&next=/home"
    )


def test_a_key_that_starts_a_line_takes_the_rest_of_the_line() -> None:
    text = redact("Authorization: Bearer abc.def\npassword: two words\nnext line")
    assert text == f"Authorization: {REDACTED}\npassword: {REDACTED}\nnext line"


def test_words_that_only_mention_a_secret_are_left_alone() -> None:
    for sentence in (
        "unclosed token: line 1, column 4",
        "the password was wrong; try again",
        "renewing the token failed: 503",
        "secret santa",
    ):
        assert redact(sentence) == sentence


def test_known_literals_go_first_whatever_they_look_like() -> None:
    assert redact("signed in as Rider One", literals=("Rider One",)) == f"signed in as {REDACTED}"


def test_emails_and_long_opaque_tokens_go_but_ride_ids_stay() -> None:
    token = "q3Jx0V_8sLh2mZ4pWf9KcYt1uRb6EoNdA7gHiTjUkQw"
    ride_id = "69ae0d6a-46b2-4ad8-9c12-e32036a6529a"
    text = redact(f"uploaded {ride_id} for rider.one@example.org with {token}")
    assert text == f"uploaded {ride_id} for <email> with {REDACTED}"
