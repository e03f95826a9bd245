"""Settings are read once per process, so each case runs Django in a fresh subprocess."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ONLY = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ONLY}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", "HOINGHI_VAR_DIR": str(tmp_path / "var")}
    environment |= env
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_settings_refuse_to_load_without_secret_key_when_debug_is_off(tmp_path):
    result = run(["-c", "import django; django.setup()"], tmp_path, DEBUG="false")

    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off." in (
        result.stderr
    )


def test_settings_load_without_secret_key_in_debug(tmp_path):
    result = run(
        ["-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"],
        tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy"],
        tmp_path,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60)[:60],
        ALLOWED_HOSTS="hoinghi.example.gov.vn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_production_settings_turn_on_https_protections(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.LANGUAGE_CODE, s.TIME_ZONE)"
    )

    result = run(
        ["-c", code],
        tmp_path,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60)[:60],
        ALLOWED_HOSTS="hoinghi.example.gov.vn",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "False ['hoinghi.example.gov.vn'] True True True 31536000 vi Asia/Ho_Chi_Minh"
    )


def test_loading_the_settings_creates_no_folder(tmp_path):
    result = run(
        ["-c", "import django; django.setup(); from django.conf import settings; print(settings.VAR_DIR)"],
        tmp_path,
        STATIC_ROOT=str(tmp_path / "static"),
        CELERY_BROKER_URL="filesystem://localhost/",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "var")
    assert list(tmp_path.iterdir()) == []


def test_manage_py_makes_the_local_folders_it_needs(tmp_path):
    result = run(
        ["manage.py", "check"],
        tmp_path,
        STATIC_ROOT=str(tmp_path / "static"),
        CELERY_BROKER_URL="filesystem://localhost/",
    )

    assert result.returncode == 0, result.stderr
    made = {str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*") if path.is_dir()}
    assert {"static", "var/broker/control", "var/broker/processed", "var/broker/queue"} <= made


def test_settings_read_trusted_proxies_as_addresses_and_networks(tmp_path):
    code = "import django; django.setup(); from django.conf import settings as s; print(s.TRUSTED_PROXIES)"

    result = run(["-c", code], tmp_path, TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/24")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['127.0.0.1', '10.0.0.0/24']"


def test_settings_refuse_a_trusted_proxy_that_is_not_an_address(tmp_path):
    result = run(["-c", "import django; django.setup()"], tmp_path, TRUSTED_PROXIES="127.0.0.1,nginx")

    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'nginx' is not an address or network." in result.stderr


def test_settings_read_the_sign_in_lockout_from_the_environment(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME, s.AXES_LOCKOUT_PARAMETERS, "
        "s.AXES_CLIENT_IP_CALLABLE)"
    )

    default = run(["-c", code], tmp_path)
    tuned = run(["-c", code], tmp_path, LOGIN_FAILURE_LIMIT="5", LOGIN_LOCKOUT_MINUTES="60")

    assert default.stdout.strip() == "10 0:15:00 ['username', 'ip_address'] core.http.client_ip", (
        default.stderr
    )
    assert tuned.stdout.strip() == "5 1:00:00 ['username', 'ip_address'] core.http.client_ip", tuned.stderr
