"""How often a wrong password may be tried: per email, in a sliding window."""

from __future__ import annotations

import collections
import math
import threading
from datetime import datetime, timedelta


class SignInLimiter:
    """At most `max_failures` failed sign-ins per email in any `window_s` seconds."""

    def __init__(self, max_failures: int, window_s: float = 60.0) -> None:
        self.max_failures = max_failures
        self.window = timedelta(seconds=window_s)
        self._failures: dict[str, collections.deque[datetime]] = {}
        self._lock = threading.Lock()

    def retry_after_s(self, key: str, now: datetime) -> int | None:
        """Seconds until `key` may try again, or None if it may now."""
        with self._lock:
            failures = self._failures.get(key)
            if not failures:
                return None
            while failures and now - failures[0] >= self.window:
                failures.popleft()
            if len(failures) < self.max_failures:
                return None
            return max(1, math.ceil((failures[0] + self.window - now).total_seconds()))

    def failed(self, key: str, now: datetime) -> None:
        with self._lock:
            if len(self._failures) > 10_000:  # forget idle keys now and then
                self._failures = {
                    k: q for k, q in self._failures.items() if q and now - q[-1] < self.window
                }
            self._failures.setdefault(key, collections.deque()).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
