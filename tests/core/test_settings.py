"""Production settings refuse to start half-configured and pass Django's deploy checks.

Each test runs ``turnout`` in a fresh process with a clean environment: settings
are read once, at import, so they cannot be tried in the test process itself.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

TURNOUT = Path(sys.executable).parent / "turnout"


@pytest.fixture
def clean_env(tmp_path) -> dict[str, str]:
    """No TURNOUT_MODE, no debug: what an admin's server starts with."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "turnout.settings",
        "TURNOUT_DATABASE_URL": f"sqlite:///{tmp_path / 'turnout.sqlite3'}",
        "TURNOUT_VAR_DIR": str(tmp_path / "var"),
    }


@pytest.fixture
def production_env(clean_env) -> dict[str, str]:
    return {
        **clean_env,
        "TURNOUT_SECRET_KEY": secrets.token_urlsafe(50),
        "TURNOUT_BASE_URL": "https://events.example.org",
    }


def _turnout(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "turnout.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_and_base_url_refuses_to_start(clean_env, tmp_path):
    result = _turnout("manage", "check", env=clean_env, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "turnout: Turnout is in production mode and needs TURNOUT_SECRET_KEY and "
        "TURNOUT_BASE_URL. Set them (see .env.example), or set TURNOUT_DEBUG=1 on a "
        "development machine.\n"
    )


def test_production_without_base_url_names_only_that_variable(production_env, tmp_path):
    del production_env["TURNOUT_BASE_URL"]

    result = _turnout("manage", "check", env=production_env, cwd=tmp_path)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "needs TURNOUT_BASE_URL." in result.stderr
    assert "TURNOUT_SECRET_KEY" not in result.stderr


def test_production_without_secret_key_names_only_that_variable(production_env, tmp_path):
    del production_env["TURNOUT_SECRET_KEY"]

    result = _turnout("manage", "check", env=production_env, cwd=tmp_path)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "needs TURNOUT_SECRET_KEY." in result.stderr
    assert "TURNOUT_BASE_URL" not in result.stderr


def test_debug_mode_starts_without_secret_key_or_base_url(clean_env, tmp_path):
    result = _turnout("manage", "check", env={**clean_env, "TURNOUT_DEBUG": "1"}, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_a_bad_base_url_is_a_clear_error(production_env, tmp_path):
    env = {**production_env, "TURNOUT_BASE_URL": "events.example.org"}

    result = _turnout("manage", "check", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr == (
        "turnout: TURNOUT_BASE_URL must look like https://events.example.org\n"
    )


def test_a_bad_email_url_is_a_clear_error(production_env, tmp_path):
    env = {**production_env, "TURNOUT_EMAIL_URL": "smtp://"}

    result = _turnout("manage", "check", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr == (
        "turnout: TURNOUT_EMAIL_URL needs a host, e.g. smtp://mail.example.org\n"
    )


def test_check_deploy_with_https_warns_only_about_hsts_subdomains_and_preload(
    production_env, tmp_path
):
    result = _turnout("manage", "check", "--deploy", env=production_env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    warnings = sorted(
        line.split(")")[0].split("(")[1]
        for line in result.stderr.splitlines()
        if line.startswith("?: (")
    )
    assert warnings == ["security.W005", "security.W021"]
    assert "System check identified 2 issues (0 silenced)." in result.stderr


def test_check_deploy_with_hsts_preload_finds_nothing(production_env, tmp_path):
    env = {**production_env, "TURNOUT_HSTS_PRELOAD": "1"}

    result = _turnout("manage", "check", "--deploy", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert result.stderr == ""


def test_turnout_help_lists_the_commands(clean_env, tmp_path):
    result = subprocess.run(
        [TURNOUT, "--help"], env=clean_env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: turnout [-h] COMMAND ...\n")
    commands = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("    ")]
    assert commands == ["demo", "serve", "worker", "flyer", "manage"]  # as in DESIGN.md


def test_turnout_demo_refuses_port_zero(clean_env, tmp_path):
    result = _turnout("demo", "--port", "0", env=clean_env, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.endswith("turnout: error: --port must be between 1 and 65535\n")
    assert result.stderr.startswith("usage: turnout")
    assert list(tmp_path.iterdir()) == []  # refused before making ./var or a database


def test_turnout_serve_refuses_zero_workers(clean_env, tmp_path):
    result = _turnout("serve", "--workers", "0", env=clean_env, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.endswith("turnout: error: --workers must be at least 1\n")
    assert result.stderr.startswith("usage: turnout")


def test_turnout_without_a_command_is_a_usage_error(clean_env, tmp_path):
    result = _turnout(env=clean_env, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.startswith("usage: turnout")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("extra", "allowed"), [({}, "False"), ({"TURNOUT_DEBUG": "1"}, "True")])
def test_calendar_imports_may_reach_private_addresses_only_outside_production(
    production_env, tmp_path, extra, allowed
):
    code = (
        "from django.conf import settings; print(settings.TURNOUT_IMPORT_ALLOW_PRIVATE_ADDRESSES)"
    )

    result = _turnout("manage", "shell", "-c", code, env={**production_env, **extra}, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == allowed  # after the shell's own banner


@pytest.mark.parametrize(
    ("fallbacks", "read"),
    [
        (None, "[]"),
        ("", "[]"),
        ("old-secret-one", "['old-secret-one']"),
        (" old-one , old-two ", "['old-one', 'old-two']"),
        ("old-one\nold-two\n\n", "['old-one', 'old-two']"),
    ],
)
def test_old_secret_keys_are_read_from_turnout_secret_key_fallbacks(
    production_env, tmp_path, fallbacks, read
):
    env = dict(production_env)
    if fallbacks is not None:
        env["TURNOUT_SECRET_KEY_FALLBACKS"] = fallbacks
    code = "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)"

    result = _turnout("manage", "shell", "-c", code, env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == read


def test_production_refuses_an_http_base_url(production_env, tmp_path):
    env = {**production_env, "TURNOUT_BASE_URL": "http://events.example.org"}

    result = _turnout("manage", "check", env=env, cwd=tmp_path)

    assert result.returncode != 0
    assert (
        "TURNOUT_BASE_URL must start with https:// in production: over http:// "
        "cookies and passwords travel in clear. Set TURNOUT_ALLOW_HTTP=1 only for a test "
        "server on a private network."
    ) in result.stderr


def test_production_takes_an_http_base_url_when_the_admin_allows_it(production_env, tmp_path):
    env = {
        **production_env,
        "TURNOUT_BASE_URL": "http://127.0.0.1:8000",
        "TURNOUT_ALLOW_HTTP": "1",
    }

    result = _turnout("manage", "check", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["0", "-5", "five", "101", "2.5"])
def test_a_bad_upload_limit_is_a_clear_error(production_env, tmp_path, value):
    env = {**production_env, "TURNOUT_UPLOAD_MAX_MB": value}

    result = _turnout("manage", "check", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr == "turnout: TURNOUT_UPLOAD_MAX_MB must be a whole number from 1 to 100.\n"


MEDIA_SETTINGS = """
import django
django.setup()
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from turnout.core.headers import policy
print(settings.STORAGES["default"])
print(policy(framable=False).split("; ")[3])
try:
    print(reverse("media", kwargs={"path": "a.jpg"}))
except NoReverseMatch:
    print("not served")
"""


def _media_settings(env: dict[str, str], cwd: Path) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", MEDIA_SETTINGS],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_production_leaves_media_to_the_web_server_and_stores_files(production_env, tmp_path):
    storage, images, route = _media_settings(production_env, tmp_path)

    assert storage == "{'BACKEND': 'django.core.files.storage.FileSystemStorage'}"
    assert images == "img-src 'self' data:"
    assert route == "not served"


def test_an_s3_store_is_chosen_by_setting_and_its_host_may_serve_images(production_env, tmp_path):
    env = {
        **production_env,
        "TURNOUT_MEDIA_STORAGE": "s3",
        "TURNOUT_S3_BUCKET_NAME": "pictures",
        "TURNOUT_S3_ENDPOINT_URL": "https://s3.example.net",
        "TURNOUT_S3_CUSTOM_DOMAIN": "media.example.org",
    }

    storage, images, _route = _media_settings(env, tmp_path)

    assert "'BACKEND': 'storages.backends.s3.S3Storage'" in storage
    assert "'bucket_name': 'pictures'" in storage and "'querystring_auth': False" in storage
    assert images == "img-src 'self' data: https://s3.example.net https://media.example.org"


def test_the_demo_serves_media_itself(clean_env, tmp_path):
    env = {**clean_env, "TURNOUT_MODE": "demo"}

    _storage, _images, route = _media_settings(env, tmp_path)

    assert route == "/media/a.jpg"
