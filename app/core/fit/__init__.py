"""Freewheel's own FIT codec: a pure-Python encoder and decoder for the FIT messages
of workout and activity files (stdlib only; see profile.py for the messages covered)."""

from app.core.fit.crc import crc16
from app.core.fit.decoder import FitFormatError, FitMessage, FitValue, decode, iter_messages
from app.core.fit.encoder import FieldSpec, FitEncodeError, FitEncoder, FitInput
from app.core.fit.profile import FIT_EPOCH_S, from_fit_time, to_fit_time

__all__ = [
    "FIT_EPOCH_S",
    "FieldSpec",
    "FitEncodeError",
    "FitEncoder",
    "FitFormatError",
    "FitInput",
    "FitMessage",
    "FitValue",
    "crc16",
    "decode",
    "from_fit_time",
    "iter_messages",
    "to_fit_time",
]
