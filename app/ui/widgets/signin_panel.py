"""The account section: sign in to a sync server, or see who is signed in and sign out.

Signing in never blocks the app: `SyncControl.sign_in` returns a future completed on
another thread; meanwhile the panel shows "Signing in…" with a running bar and the rest
of the app stays usable. A refusal ("Wrong email or password.") shows inline under the
form, in the words the future's error carries. The password is never kept: the field is
cleared once the sign-in is done.

Signals: `signed_in(email)`, `signed_out()`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.auth.token import TokenStorage
from app.core.sync.status import SyncState, SyncStatus
from app.ui.ports.sync import SyncControl
from app.ui.sync_words import token_words
from app.ui.tasks import TaskRunner, error_text
from app.ui.theme import palette as c
from app.ui.theme.style import set_style_property
from app.ui.widgets.notice import Notice

__all__ = ["SignInPanel", "validate_sign_in"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LOOPBACK = ("localhost", "127.0.0.1", "::1")

_STYLE = f"""
QLabel[role="fieldError"] {{
    color: #ff8f8c;
    font-size: 10pt;
    font-weight: 600;
}}
QLineEdit[invalid="true"] {{
    border: 1px solid {c.DANGER};
}}
QLabel[role="account"] {{
    font-size: 13pt;
    font-weight: 700;
}}
QLabel[role="tokenLine"] {{
    color: {c.TEXT_MUTED};
    font-size: 10.5pt;
}}
QLabel[role="tokenLine"][tone="good"] {{ color: #9fe3bb; }}
QLabel[role="tokenLine"][tone="warning"] {{ color: #ffd58a; }}
"""


def validate_sign_in(server_url: str, email: str, password: str) -> dict[str, str]:
    """Problems with the form, by field ("server", "email", "password"); {} when fine.
    The adapter checks the server address again (the same rules)."""
    problems: dict[str, str] = {}
    server = server_url.strip()
    if not server:
        problems["server"] = "Enter the server's address, e.g. https://sync.example.com"
    else:
        parts = urlsplit(server)
        if parts.scheme not in ("http", "https"):
            problems["server"] = "Start the address with https://"
        elif not parts.hostname:
            problems["server"] = "That address has no server name in it."
        elif parts.scheme == "http" and parts.hostname not in _LOOPBACK:
            problems["server"] = "Use https:// — plain http:// would send your password openly."
    if not email.strip():
        problems["email"] = "Enter your account's email."
    elif not _EMAIL.match(email.strip()):
        problems["email"] = "Not an email address (name@example.com)."
    if not password:
        problems["password"] = "Enter your password."
    return problems


def _token_tone(storage: TokenStorage) -> str:
    if storage is TokenStorage.KEYRING:
        return "good"
    if storage in (TokenStorage.MEMORY_ONLY, TokenStorage.PLAINTEXT):
        return "warning"
    return "muted"


class _Field(QWidget):
    """A caption, a line edit and the line edit's own error line."""

    def __init__(self, caption: str, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel(caption.upper())
        self.caption.setProperty("role", "statLabel")
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setAccessibleName(caption)
        self.caption.setBuddy(self.edit)
        self.error = QLabel("")
        self.error.setProperty("role", "fieldError")
        self.error.setWordWrap(True)
        self.error.setAccessibleName(f"{caption} problem")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.caption)
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        self.edit.textEdited.connect(self.clear_error)

    def set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        set_style_property(self.edit, "invalid", bool(text))

    @Slot()
    def clear_error(self) -> None:
        if self.error.isVisible() or self.edit.property("invalid"):
            self.set_error("")


class SignInPanel(QWidget):
    """Signals: `signed_in(email)`, `signed_out()`; `attention(widget)` when something the
    rider must see appeared (an error), for a scroll area around the panel to show it."""

    signed_in = Signal(str)
    signed_out = Signal()
    attention = Signal(QWidget)

    def __init__(
        self,
        control: SyncControl,
        *,
        default_server_url: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Account")
        self.setStyleSheet(_STYLE)
        self.control = control
        self.tasks = TaskRunner(self, name="account")
        self._default_server = default_server_url
        self._server_edited = False
        self._busy = ""  # "sign_in" | "sign_out" while a future runs
        self._signed_in = False
        self._status: SyncStatus | None = None

        # -- signed out: the form -----------------------------------------------------------
        self.form = QWidget()
        intro = QLabel("Sign in to sync rides, workouts and your calendar.")
        intro.setProperty("role", "muted")
        intro.setWordWrap(True)
        self.server = _Field("Server", "https://sync.example.com")
        self.server.edit.setText(default_server_url)
        self.server.edit.textEdited.connect(self._on_server_edited)
        self.email = _Field("Email", "name@example.com")
        self.password = _Field("Password", "")
        self.password.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.sign_in_button = QPushButton("Sign in")
        self.sign_in_button.setProperty("primary", True)
        self.sign_in_button.setAccessibleName("Sign in")
        self.sign_in_button.clicked.connect(self.submit)
        for field in (self.server, self.email, self.password):
            field.edit.returnPressed.connect(self.submit)
        self.keeps_line = QLabel("Freewheel keeps a sign-in token, never your password.")
        self.keeps_line.setProperty("role", "tokenLine")
        self.keeps_line.setWordWrap(True)
        form_layout = QVBoxLayout(self.form)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.setSpacing(10)
        form_layout.addWidget(intro)
        form_layout.addWidget(self.server)
        form_layout.addWidget(self.email)
        form_layout.addWidget(self.password)
        button_row = QHBoxLayout()
        button_row.setSpacing(12)
        button_row.addWidget(self.keeps_line, 1)
        button_row.addWidget(self.sign_in_button, 0, Qt.AlignmentFlag.AlignVCenter)
        form_layout.addLayout(button_row)

        # -- signed in: who, where, and sign out --------------------------------------------
        self.account = QWidget()
        self.account_label = QLabel("")
        self.account_label.setProperty("role", "account")
        self.account_label.setWordWrap(True)
        self.account_label.setAccessibleName("Signed in as")
        self.account_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.server_label = QLabel("")
        self.server_label.setProperty("role", "muted")
        self.server_label.setAccessibleName("Server")
        self.server_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.token_line = QLabel("")
        self.token_line.setProperty("role", "tokenLine")
        self.token_line.setWordWrap(True)
        self.token_line.setAccessibleName("Where the sign-in is kept")
        self.sign_out_button = QPushButton("Sign out")
        self.sign_out_button.setProperty("danger", True)
        self.sign_out_button.setAccessibleName("Sign out")
        self.sign_out_button.clicked.connect(self.sign_out)
        who = QVBoxLayout()
        who.setSpacing(2)
        who.addWidget(self.account_label)
        who.addWidget(self.server_label)
        head = QHBoxLayout()
        head.setSpacing(12)
        head.addLayout(who, 1)
        head.addWidget(self.sign_out_button, 0, Qt.AlignmentFlag.AlignTop)
        account_layout = QVBoxLayout(self.account)
        account_layout.setContentsMargins(0, 0, 0, 0)
        account_layout.setSpacing(8)
        account_layout.addLayout(head)
        account_layout.addWidget(self.token_line)

        # -- progress and errors, inline ----------------------------------------------------
        self.notice = Notice()
        self.notice.setAccessibleName("Account notice")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.form)
        layout.addWidget(self.account)
        layout.addWidget(self.notice)
        self._show_signed_in(False)

    # -- state --------------------------------------------------------------------------
    @property
    def is_signed_in(self) -> bool:
        return self._signed_in

    @property
    def busy(self) -> bool:
        return bool(self._busy)

    @Slot(object)
    def set_status(self, status: SyncStatus) -> None:
        self._status = status
        if not self._server_edited:  # prefill; never overwrite what the rider typed
            current = self.server.edit.text()
            wanted = status.server_url or current.strip() or self._default_server
            if wanted != current:
                self.server.edit.setText(wanted)
        if status.account_email and not self.email.edit.text().strip():
            self.email.edit.setText(status.account_email)
        if self._busy:
            return  # the future's answer decides; a status from before it would flicker
        signed_in = (
            status.state is not SyncState.SIGN_IN_NEEDED
            and status.token_state is not TokenStorage.SIGNED_OUT
        )
        self._show_signed_in(signed_in, status.account_email, status.server_url)
        self._set_token_line(status.token_state if signed_in else TokenStorage.SIGNED_OUT)

    def _show_signed_in(
        self, signed_in: bool, email: str | None = None, server: str | None = None
    ) -> None:
        self._signed_in = signed_in
        self.form.setVisible(not signed_in)
        self.account.setVisible(signed_in)
        if signed_in:
            self.account_label.setText(f"Signed in as {email}" if email else "Signed in")
            self.server_label.setText(f"on {server}" if server else "")
            self.server_label.setVisible(bool(server))

    def _set_token_line(self, storage: TokenStorage) -> None:
        self.token_line.setText(token_words(storage))
        set_style_property(self.token_line, "tone", _token_tone(storage))

    def token_text(self) -> str:
        return self.token_line.text()

    @Slot()
    def _on_server_edited(self) -> None:
        self._server_edited = True

    def focus_form(self) -> None:
        """Put the cursor where the rider should type next."""
        if self._signed_in:
            self.sign_out_button.setFocus()
            return
        for field in (self.server, self.email, self.password):
            if not field.edit.text().strip():
                field.edit.setFocus()
                return
        self.password.edit.setFocus()

    # -- sign in ------------------------------------------------------------------------
    @Slot()
    def submit(self) -> None:
        if self._busy or self._signed_in:
            return
        server = self.server.edit.text().strip()
        email = self.email.edit.text().strip()
        password = self.password.edit.text()
        problems = validate_sign_in(server, email, password)
        fields = {"server": self.server, "email": self.email, "password": self.password}
        for name, field in fields.items():
            field.set_error(problems.get(name, ""))
        if problems:
            first = next(name for name in fields if name in problems)
            fields[first].edit.setFocus()
            self.notice.dismiss()
            return
        self._set_busy("sign_in")
        self.notice.show_message(
            "busy", f"Signing in to {server}… You can keep using Freewheel meanwhile."
        )
        self.tasks.ask(
            lambda: self.control.sign_in(server, email, password),
            lambda _: self._on_signed_in(email, server),
            self._on_sign_in_failed,
        )

    def _on_sign_in_failed(self, error: BaseException) -> None:
        self._set_busy("")
        self.notice.show_message(
            "error", f"Could not sign in. {error_text(error, 'Sign-in failed.')}"
        )
        self.password.edit.setFocus()
        self.password.edit.selectAll()
        self.attention.emit(self.notice)

    def _on_signed_in(self, email: str, server: str) -> None:
        self._set_busy("")
        self.password.edit.clear()
        self._server_edited = False
        self._show_signed_in(True, email, server)
        storage = self._status.token_state if self._status is not None else None
        if storage is not None and storage is not TokenStorage.SIGNED_OUT:
            self._set_token_line(storage)
        else:
            self.token_line.setText("Signed in; syncing now.")
            set_style_property(self.token_line, "tone", "good")
        self.notice.show_message("success", f"Signed in as {email}.")
        self.signed_in.emit(email)

    # -- sign out -----------------------------------------------------------------------
    @Slot()
    def sign_out(self) -> None:
        if self._busy or not self._signed_in:
            return
        self._set_busy("sign_out")
        self.notice.show_message("busy", "Signing out…")
        self.tasks.ask(self.control.sign_out, self._on_signed_out, self._on_sign_out_failed)

    def _on_sign_out_failed(self, error: BaseException) -> None:
        self._set_busy("")
        self.notice.show_message(
            "error", f"Could not sign out. {error_text(error, 'Sign-out failed.')}"
        )
        self.attention.emit(self.notice)

    def _on_signed_out(self, _: None) -> None:
        self._set_busy("")
        self._show_signed_in(False)
        self._set_token_line(TokenStorage.SIGNED_OUT)
        self.notice.show_message(
            "success", "Signed out. Your rides stay on this computer; sign in to sync again."
        )
        self.signed_out.emit()

    def _set_busy(self, what: str) -> None:
        self._busy = what
        running = bool(what)
        for field in (self.server, self.email, self.password):
            field.edit.setEnabled(not running)
        self.sign_in_button.setEnabled(not running)
        self.sign_in_button.setText("Signing in…" if what == "sign_in" else "Sign in")
        self.sign_out_button.setEnabled(not running)
        self.sign_out_button.setText("Signing out…" if what == "sign_out" else "Sign out")
