"""Every parser, fed arbitrary bytes, returns a value or raises ProtocolError - nothing else
(no IndexError, struct.error, ValueError from an enum, UnicodeDecodeError, ...)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import app.core.devices as devices
from app.core.devices import IndoorBikeDataAssembler, ProtocolError, encode_fec_frame

PARSERS = sorted(name for name in devices.__all__ if name.startswith("parse_"))


def test_every_module_parser_is_fuzzed():
    assert len(PARSERS) >= 19
    assert "parse_indoor_bike_data" in PARSERS
    assert "parse_fec_message" in PARSERS


# Plain noise, plus noise behind prefixes that get past the first checks, so the deeper
# branches (op-code dispatch, page decoders) see garbage too.
payloads = st.one_of(
    st.binary(max_size=40),
    st.tuples(
        st.sampled_from([b"\x80", b"\x07", b"\x12", b"\x10", b"\x19", b"\x43"]),
        st.binary(max_size=12),
    ).map(b"".join),
)


@pytest.mark.parametrize("name", PARSERS)
@given(data=payloads)
def test_parser_raises_only_protocol_error(name, data):
    parse = getattr(devices, name)
    try:
        parse(data)
    except ProtocolError as err:
        assert err.characteristic
        assert err.reason
    for view in (bytearray(data), memoryview(data)):
        with contextlib.suppress(ProtocolError):
            parse(view)


@given(page=st.binary(min_size=8, max_size=8), channel=st.integers(0, 255))
def test_fec_pages_in_valid_frames_raise_only_protocol_error(page, channel):
    with contextlib.suppress(ProtocolError):
        devices.parse_fec_message(encode_fec_frame(page, channel=channel))


@given(st.lists(st.binary(max_size=32), max_size=8))
def test_assembler_raises_only_protocol_error(notifications):
    assembler = IndoorBikeDataAssembler()
    for data in notifications:
        try:
            readings = assembler.feed(data)
        except ProtocolError:
            continue
        assert all(not r.more_data for r in readings)
