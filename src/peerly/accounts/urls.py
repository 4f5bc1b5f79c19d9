from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.urls import path
from django.urls import reverse_lazy
from django.views import View

from peerly.accounts import views
from peerly.accounts.forms import LoginForm
from peerly.accounts.forms import QueuedPasswordResetForm
from peerly.programs.routes import ViewFunc
from peerly.programs.routes import under

app_name = "accounts"


def _auth_view(view: type[View[Any]], template: str, *, then: str = "", **options: Any) -> ViewFunc:
    """One of Django's auth views, rendered with templates/accounts/<template>; `then` names
    the page (in this namespace) its form goes on to when it succeeds."""
    if then:
        options["success_url"] = reverse_lazy(f"{app_name}:{then}")
    return view.as_view(template_name=f"accounts/{template}", **options)


urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("confirm/resend/", views.confirm_resend, name="confirm-resend"),
    path("confirm/<uidb64>/<token>/", views.confirm, name="confirm"),
    path(
        "login/",
        _auth_view(
            auth_views.LoginView,
            "login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        _auth_view(
            auth_views.PasswordChangeView, "password_form.html", then="password_change_done"
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        _auth_view(auth_views.PasswordChangeDoneView, "password_done.html"),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        _auth_view(
            auth_views.PasswordResetView,
            "password_reset_form.html",
            then="password_reset_done",
            form_class=QueuedPasswordResetForm,
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        _auth_view(auth_views.PasswordResetDoneView, "password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        _auth_view(
            auth_views.PasswordResetConfirmView,
            "password_reset_confirm.html",
            then="password_reset_complete",
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        _auth_view(auth_views.PasswordResetCompleteView, "password_reset_complete.html"),
        name="password_reset_complete",
    ),
    *under(
        "profile/",
        [
            path("", views.profile_me, name="profile"),
            path("edit/", views.profile_edit, name="profile-edit"),
            path("availability/", views.availability_edit, name="availability"),
            path("do-not-pair/", views.do_not_pair, name="do-not-pair"),
            path(
                "do-not-pair/<int:other_id>/remove/",
                views.do_not_pair_remove,
                name="do-not-pair-remove",
            ),
            path("pause/", views.pause, name="pause"),
            path("data/", views.data_overview, name="data"),
            path("data/export/", views.data_export, name="data-export"),
            path("delete/", views.account_delete, name="delete"),
        ],
    ),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("members/<int:user_id>/", views.profile_detail, name="member"),
]
