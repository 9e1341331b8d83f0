from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "civitas.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from civitas.accounts import signals  # noqa: F401
