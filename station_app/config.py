"""Where things live: the user's data folder, the default database, the bundled resources."""
from __future__ import annotations

import json
import logging
import logging.handlers
import os
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


def setup_logging() -> Path:
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path
