from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Single-use: the hash changes once the email is confirmed.

    Valid for ``ACCOUNT_CONFIRM_DAYS`` (what the email promises), not Django's
    ``PASSWORD_RESET_TIMEOUT``.
    """

    key_salt = "peerly.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):  # type: ignore[no-untyped-def]
        return f"{user.pk}{user.email}{user.email_confirmed_at}{user.is_active}{timestamp}"

    def check_token(self, user, token):  # type: ignore[no-untyped-def]
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - ts
        return age <= settings.ACCOUNT_CONFIRM_DAYS * 24 * 60 * 60


email_confirmation_token = EmailConfirmationTokenGenerator()
