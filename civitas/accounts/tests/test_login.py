import pytest
from django.test import Client, override_settings
from django.urls import reverse

from civitas.accounts.models import User
from civitas.core.models import AuditEvent
from civitas.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_a_user_logs_in_and_the_login_is_audited(personas):
    resp = _login(Client(), "police_t1", PASSWORD)
    assert resp.status_code == 302
    assert AuditEvent.objects.filter(action="account.login", actor=personas["police"]).exists()


@override_settings(CIVITAS_LOGIN_MAX_FAILURES=3, CIVITAS_LOGIN_LOCK_MINUTES=15)
def test_repeated_failures_lock_the_account_even_for_the_right_password(personas):
    c = Client()
    for _ in range(3):
        assert _login(c, "police_t1", "wrong password").status_code == 200
    assert User.objects.get(username="police_t1").is_locked()
    resp = _login(c, "police_t1", PASSWORD)
    assert resp.status_code == 200
    assert "locked" in resp.content.decode() or "锁定" in resp.content.decode()
    assert AuditEvent.objects.filter(action="account.locked").count() == 1


def test_a_wrong_password_says_so_without_revealing_whether_the_user_exists(personas):
    a = _login(Client(), "police_t1", "nope").content.decode()
    b = _login(Client(), "nobody", "nope").content.decode()
    assert a.count("errorlist") == b.count("errorlist") == 1


def test_passwords_are_hashed_with_argon2_outside_the_test_suite():
    import subprocess
    import sys

    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.pop('CIVITAS_FAST_HASHER', None); "
            "os.environ['DJANGO_SETTINGS_MODULE']='civitas.settings'; django.setup(); "
            "from django.contrib.auth.hashers import make_password; print(make_password('x'))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in __import__("os").environ.items() if k != "CIVITAS_FAST_HASHER"},
    )
    assert out.stdout.startswith("argon2$argon2id$")


def test_pages_carry_security_headers(personas):
    c = Client()
    c.force_login(personas["police"])
    resp = c.get(reverse("core:home"))
    assert resp["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in resp["Content-Security-Policy"]
    assert resp["Cache-Control"].startswith("no-store")
    assert resp["X-Content-Type-Options"] == "nosniff"


@override_settings(CIVITAS_LOGIN_MAX_FAILURES=2)
def test_a_locked_account_and_an_unknown_user_get_the_same_answer(personas):
    c = Client()
    for _ in range(3):
        _login(c, "police_t1", "wrong")
    locked = _login(c, "police_t1", "wrong").content.decode()
    unknown = _login(c, "nobody-here", "wrong").content.decode()
    strip = lambda html: html.replace("police_t1", "X").replace("nobody-here", "X")  # noqa: E731
    assert strip(locked).count("errorlist") == strip(unknown).count("errorlist")
    assert "errorlist" in locked


def test_an_administrator_can_lift_a_lock_and_it_is_audited(personas):
    from django.core.management import call_command
    from django.utils import timezone

    User.objects.filter(username="police_t1").update(locked_until=timezone.now() + timezone.timedelta(hours=1))
    call_command("unlock_user", "police_t1", "--by", "admin")
    assert not User.objects.get(username="police_t1").is_locked()
    assert AuditEvent.objects.filter(action="account.unlocked").exists()
    assert _login(Client(), "police_t1", PASSWORD).status_code == 302


def test_a_form_posted_without_its_csrf_token_is_refused(personas):
    c = Client(enforce_csrf_checks=True)
    assert _login(c, "police_t1", PASSWORD).status_code == 403
    page = c.get(reverse("accounts:login"))
    token = page.cookies["csrftoken"].value
    resp = c.post(
        reverse("accounts:login"), {"username": "police_t1", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert resp.status_code == 302


def test_a_signed_in_form_posted_without_its_csrf_token_is_refused(personas):
    c = Client(enforce_csrf_checks=True)
    c.force_login(personas["police"])
    assert c.post(reverse("accounts:logout")).status_code == 403
