"""The diagnostics bundle holds no token, password or e-mail address."""

import json
import logging
import subprocess
import sys
import zipfile
from pathlib import Path

from app.infra.diagnostics import build_bundle
from app.infra.logs import setup_logging
from app.infra.paths import app_paths
from app.infra.redact import redact

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "q3Jx0V_8sLh2mZ4pWf9KcYt1uRb6EoNdA7gHiTjUkQw"  # the shape of token_urlsafe(32)
EMAIL = "rider.one@example.org"
PASSWORD = "correct horse battery staple"


def test_redact_scrubs_tokens_passwords_and_emails_but_keeps_ride_ids():
    ride_id = "69ae0d6a-46b2-4ad8-9c12-e32036a6529a"
    text = redact(
        f'Authorization: Bearer {TOKEN}\n{{"password": "{PASSWORD}", "email": "{EMAIL}"}}\n'
        f"uploaded ride {ride_id} token={TOKEN}",
        literals=(PASSWORD,),
    )
    assert TOKEN not in text and EMAIL not in text and PASSWORD not in text
    assert ride_id in text


def test_the_bundle_holds_no_token_password_or_email(tmp_path):
    paths = app_paths(tmp_path).ensure()
    setup_logging(paths.data_dir / "logs")
    log = logging.getLogger("app.infra.ble.trainer_link")
    log.warning("connected for %s with Bearer %s", EMAIL, TOKEN)
    try:
        raise RuntimeError(f"sign-in failed for {EMAIL} token {TOKEN}")
    except RuntimeError:
        logging.getLogger("app.infra.http").exception("sync failed")
    # something written around the logger, as another program might
    with open(paths.data_dir / "logs" / "freewheel.log", "a") as raw:
        raw.write(f"raw line password={PASSWORD} from {EMAIL}\n")
    paths.settings_file.write_text(json.dumps({"server_url": "http://127.0.0.1:8787",
                                               "ftp_w": 250, "email": EMAIL}))  # fmt: skip
    (paths.cache_dir / "sync_state.json").write_text(json.dumps({"account_email": EMAIL}))

    out = tmp_path / "bundle.zip"
    names = build_bundle(paths, out, secrets=(TOKEN, EMAIL, PASSWORD))

    assert {"versions.txt", "ble-trace.txt", "settings.json", "logs/freewheel.log"} <= set(names)
    with zipfile.ZipFile(out) as bundle:
        everything = "".join(bundle.read(n).decode() for n in bundle.namelist())
    assert TOKEN not in everything and EMAIL not in everything and PASSWORD not in everything
    assert "connected for <" in everything  # the BLE line is there, scrubbed
    assert "sync failed" in everything and "RuntimeError" in everything
    for handler in list(logging.getLogger().handlers):
        if getattr(handler, "baseFilename", "").startswith(str(tmp_path)):
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_freewheel_diagnostics_command(tmp_path):
    out = tmp_path / "report.zip"
    result = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path), "diagnostics", "--out",
         str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
             "HOME": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert zipfile.ZipFile(out).namelist()
