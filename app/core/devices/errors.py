"""The one error the device codecs raise for bad bytes. Pure: no I/O, no logging.

Parsers turn every truncated, over-long or out-of-spec payload into `ProtocolError`, never
IndexError or struct.error, so a transport can catch one type and drop one notification.
"""

from __future__ import annotations

__all__ = ["ProtocolError"]

# How much of an offending payload the message shows; notifications are at most ~20 bytes,
# so this only trims garbage.
_MAX_HEX_BYTES = 32


class ProtocolError(ValueError):
    """Bytes that do not decode as `characteristic`; `reason` says why in plain words."""

    characteristic: str
    reason: str
    data: bytes | None

    def __init__(self, characteristic: str, reason: str, data: bytes | None = None) -> None:
        """Record which characteristic failed, why, and (optionally) the offending bytes."""
        self.characteristic = characteristic
        self.reason = reason
        self.data = data
        message = f"{characteristic}: {reason}"
        if data is not None:
            shown = data[:_MAX_HEX_BYTES].hex(" ")
            more = " ..." if len(data) > _MAX_HEX_BYTES else ""
            message += f" [{shown}{more}]"
        super().__init__(message)

    def __reduce__(self) -> tuple[type[ProtocolError], tuple[str, str, bytes | None]]:
        """Pickle with the typed fields (exceptions with custom __init__ need this)."""
        return (type(self), (self.characteristic, self.reason, self.data))
