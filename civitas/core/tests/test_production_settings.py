"""Production settings, read in a fresh interpreter from the environment as a deployment sets it."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, "
    "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
)


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CIVITAS_")}
    base.update({"DJANGO_SETTINGS_MODULE": "civitas.settings", **env})
    return subprocess.run([sys.executable, "-c", PRINT], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60)


def production(**extra: str) -> dict[str, str]:
    return {
        "CIVITAS_PRODUCTION": "1",
        "CIVITAS_SECRET_KEY": secrets.token_urlsafe(50),
        "CIVITAS_DATA_KEY": _key(),
        "CIVITAS_INDEX_KEY": _key(),
        "CIVITAS_SIGNING_KEY": _key(),
        "CIVITAS_ALLOWED_HOSTS": "civitas.example.gov.cn",
        **extra,
    }


def test_production_refuses_to_start_without_its_keys():
    env = production()
    del env["CIVITAS_DATA_KEY"]
    result = settings_with(**env)
    assert result.returncode != 0
    assert "CIVITAS_DATA_KEY is required when CIVITAS_PRODUCTION=1" in result.stderr


def test_production_turns_debug_off_and_cookies_secure_and_redirects_to_https():
    result = settings_with(**production())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "31536000", "True", "None"]


def test_the_forwarded_protocol_is_trusted_only_when_the_deployment_says_so():
    result = settings_with(**production(CIVITAS_TRUST_FORWARDED_PROTO="1"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("('HTTP_X_FORWARDED_PROTO', 'https')")
