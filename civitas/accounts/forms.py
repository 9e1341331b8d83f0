from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # One message for a wrong password, an unknown user and a locked account: no enumeration.
        "invalid_login": _(
            "Wrong user name or password. After {n} failed attempts the account is locked for {m} minutes."
        ),
    }

    def get_invalid_login_error(self) -> forms.ValidationError:
        from django.conf import settings

        return forms.ValidationError(
            str(self.error_messages["invalid_login"]).format(
                n=settings.CIVITAS_LOGIN_MAX_FAILURES, m=settings.CIVITAS_LOGIN_LOCK_MINUTES
            ),
            code="invalid_login",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("User name")
        self.fields["password"].label = _("Password")
