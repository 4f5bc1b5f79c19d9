from django.contrib.auth import views as auth_views
from django.urls import path
from django.urls import reverse_lazy

from peerly.accounts import views
from peerly.accounts.forms import LoginForm
from peerly.accounts.forms import QueuedPasswordResetForm

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("confirm/resend/", views.confirm_resend, name="confirm-resend"),
    path("confirm/<uidb64>/<token>/", views.confirm, name="confirm"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_form.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_done.html"),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            form_class=QueuedPasswordResetForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("profile/", views.profile_me, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile-edit"),
    path("profile/availability/", views.availability_edit, name="availability"),
    path("profile/do-not-pair/", views.do_not_pair, name="do-not-pair"),
    path(
        "profile/do-not-pair/<int:other_id>/remove/",
        views.do_not_pair_remove,
        name="do-not-pair-remove",
    ),
    path("profile/pause/", views.pause, name="pause"),
    path("members/<int:user_id>/", views.profile_detail, name="member"),
    path("profile/data/", views.data_overview, name="data"),
    path("profile/data/export/", views.data_export, name="data-export"),
    path("profile/delete/", views.account_delete, name="delete"),
]
