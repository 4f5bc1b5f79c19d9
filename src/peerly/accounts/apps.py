from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peerly.accounts"
    label = "accounts"
    verbose_name = "Accounts and profiles"
