"""Where Turnout runs and how: its folders, its mode, and reading a yes/no variable.
The first part of turnout.settings, apart so that turnout/settings/limits.py can use it."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TURNOUT_VAR_DIR", "var")).resolve()

MODE = os.environ.get("TURNOUT_MODE", "production")  # "production", "demo" or "test"
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured("TURNOUT_MODE must be production, demo or test.")
DEBUG = env_bool("TURNOUT_DEBUG")
PRODUCTION = MODE == "production" and not DEBUG
