"""Where things live: the user's data folder, the default database, the bundled resources."""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import logging.handlers
import os
import re
import sys
from pathlib import Path

import platformdirs

APP_NAME = "StationApp"
APP_TITLE = "代表联络站工作台"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESOURCES = PROJECT_ROOT / "resources"
FONT_FILE = RESOURCES / "fonts" / "wqy-microhei.ttc"
FONT_FAMILY = "WenQuanYi Micro Hei"
#: the program's own icon, drawn in station-app.svg and rendered to PNG (installer/render_icons.py)
ICONS = RESOURCES / "icons"


def data_dir() -> Path:
    """The user's data folder; STATION_APP_HOME overrides it (tests, portable installs)."""
    override = os.environ.get("STATION_APP_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def local_db_url() -> str:
    """This PC's own SQLite file, in the user's data folder."""
    return f"sqlite:///{data_dir() / 'station.sqlite'}"


def default_db_url() -> str:
    """The database the window and the command line open without --db: the one chosen in the settings
    page (a county's PostgreSQL server), else this PC's own SQLite file."""
    return chosen_db_url() or local_db_url()


def chosen_db_url() -> str:
    """The database URL chosen in the settings page for this user on this PC, or "" for none."""
    chosen = read_preferences().get("database_url")
    return chosen.strip() if isinstance(chosen, str) else ""


def save_db_url(url: str) -> None:
    """Open ``url`` from the next start on; "" goes back to this PC's own SQLite file."""
    _save_preferences(database_url=url.strip())


#: the interface languages a person can choose in the window, each named in itself
LANGUAGES = {"zh": "中文", "en": "English"}


def preferences_file() -> Path:
    """This user's own choices on this PC (not the station's settings, which live in its database)."""
    return data_dir() / "preferences.json"


def read_preferences() -> dict[str, object]:
    try:
        stored = json.loads(preferences_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or unreadable: the defaults
        return {}
    return stored if isinstance(stored, dict) else {}


def interface_language() -> str:
    """The language the window starts in: the one chosen in the settings page, Chinese until then."""
    chosen = read_preferences().get("language")
    return chosen if chosen in LANGUAGES else "zh"


def save_interface_language(language: str) -> None:
    """Remember the window's language for this user; it applies the next time the window opens."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _save_preferences(language=language)


def _save_preferences(**changes: object) -> None:
    preferences = {**read_preferences(), **changes}
    path = preferences_file()
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(preferences, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(path)


def log_file() -> Path:
    return data_dir() / "logs" / "station-app.log"


#: a password in a URL: postgresql://user:PASSWORD@host/db
_URL_PASSWORD = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)\S+@")
#: an 18-digit 身份证号 (the last may be X), not inside a longer number
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
#: the values SQLAlchemy adds to a database error: the row being written
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)


def redact(text: str) -> str:
    """``text`` fit for a log or a message: a URL's password, an ID number's middle digits and the values of a
    database statement taken out."""
    text = _URL_PASSWORD.sub(r"\1***@", text)
    text = _ID_NUMBER.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), text)
    return _SQL_PARAMETERS.sub("[parameters: hidden]", text)


class _RedactingFormatter(logging.Formatter):
    """Every line written to the log, traceback included, goes through :func:`redact`."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _PrivateFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files only their owner can read (0600): the log names people and places."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with contextlib.suppress(OSError):
            os.chmod(self.baseFilename, 0o600)  # a log file made by an older version, with the umask's permissions
        return os.fdopen(fd, self.mode, encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802
        """A full disk cannot take the log either: say nothing more than the message the person already got."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handleError(record)


def setup_logging() -> Path:
    path = log_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    root = logging.getLogger()
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        handler = _PrivateFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(_RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path


def window_lock_name(database_key: str) -> str:
    """The name of the one window open on a database (its lock file's and its local server's), from the key that
    is the same for every spelling of the database's URL (``services.database.database_key``)."""
    return "station-app-" + hashlib.sha256(database_key.encode("utf-8")).hexdigest()[:16]
