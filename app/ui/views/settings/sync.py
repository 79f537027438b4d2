"""The settings screen's sync section: the sync server and status page addresses, and
where the sign-in is kept. Riding never needs any of it."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.ui.widgets.form_fields import FieldError, Section

Urls = tuple[str | None, str | None]
"""(sync server, status page); None = not set."""


def check_url(text: str, label: str) -> tuple[str | None, str | None]:
    """(the address or None when empty, a problem or None)."""
    text = text.strip()
    if not text:
        return None, None
    url = QUrl(text, QUrl.ParsingMode.StrictMode)
    if not url.isValid() or url.scheme() not in ("http", "https") or not url.host():
        return None, f"{label}: enter a full address starting with https://"
    return text, None


def keyring_line(state: str) -> str:
    """Where the sign-in is kept, in words (`SettingsPort.keyring_state`)."""
    known = {
        "OS keyring": "Your sign-in is kept in the system keyring.",
        "memory only this session": (
            "No system keyring was found: your sign-in is kept in memory for this session "
            "only, so you will be asked again next time."
        ),
        "plaintext file (opted in)": (
            "Your sign-in is kept in a plain-text file on this computer (you chose this)."
        ),
    }
    return known.get(state, f"Sign-in storage: {state}.")


class SyncSection(Section):
    """`errors` for "server_url" and "status_page_url"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Sync", "Riding never needs an account. Sync is optional.", parent)
        self.server_url_field = QLineEdit()
        self.server_url_field.setPlaceholderText("https://sync.example.org  (not set)")
        self.server_url_field.setAccessibleName("Sync server address")
        self.errors: dict[str, FieldError] = {}
        self.errors["server_url"] = self.add_checked_field(
            "Server", self.server_url_field, wide=True
        )
        self.status_url_field = QLineEdit()
        self.status_url_field.setPlaceholderText("https://status.example.org  (not set)")
        self.status_url_field.setAccessibleName("Status page address")
        self.errors["status_page_url"] = self.add_checked_field(
            "Status page", self.status_url_field, wide=True
        )
        self.keyring_label = QLabel("")
        self.keyring_label.setProperty("role", "muted")
        self.keyring_label.setWordWrap(True)
        self.keyring_label.setAccessibleName("Account")
        self.add_field("Account", self.keyring_label, error=False, wide=True)

    def focus_widgets(self) -> list[QWidget]:
        return [self.server_url_field, self.status_url_field]

    def fill(self, urls: Urls) -> None:
        self.server_url_field.setText(urls[0] or "")
        self.status_url_field.setText(urls[1] or "")

    def show_keyring(self, keyring_state: str) -> None:
        self.keyring_label.setText(keyring_line(keyring_state))

    def state(self) -> tuple[object, ...]:
        return self.server_url_field.text().strip(), self.status_url_field.text().strip()

    def checked_urls(self) -> tuple[Urls | None, dict[str, str]]:
        """(the addresses, or None when one is not a web address; the problems by field)."""
        server, server_problem = check_url(self.server_url_field.text(), "Sync server")
        status, status_problem = check_url(self.status_url_field.text(), "Status page")
        problems: dict[str, str] = {}
        if server_problem:
            problems["server_url"] = server_problem
        if status_problem:
            problems["status_page_url"] = status_problem
        return (None if problems else (server, status)), problems
