"""Every link that carries a secret: it is checked before anything happens, it expires, it is
single-use where that makes sense, and a bad one never logs anybody in or changes anything.

Flows: email confirmation, password reset, set-password for imported accounts, resume from a
silence pause (rounds), programme invitations.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from peerly.accounts import services
from peerly.accounts.models import User
from peerly.accounts.tokens import email_confirmation_token
from peerly.notifications.models import OutboundEmail
from peerly.programs import services as program_services
from peerly.programs.importing import apply_import
from peerly.programs.importing import parse_members_csv
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Invitation
from peerly.rounds import emails as round_emails
from peerly.rounds import services as round_services
from peerly.rounds.models import Round
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def logged_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def path_of(url: str) -> str:
    return url.removeprefix(settings.SITE_URL)


def pending_user(email: str = "new@example.org") -> User:
    user = services.sign_up(email=email, password="a-very-good-passphrase", display_name="New")
    assert user is not None
    return user


# ------------------------------------------------------------------------ email confirmation
def confirm_url_for(user: User, token: str) -> str:
    return reverse("accounts:confirm", kwargs={"uidb64": uid(user), "token": token})


def test_confirmed_account_link_with_any_token_logs_nobody_in(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    response = client.get(confirm_url_for(admin, "anything"))
    assert response.status_code == 400
    assert logged_in_as(client) is None
    assert "send me a new confirmation link" in response.content.decode().lower()


@pytest.mark.parametrize(
    "case", ["garbage", "other_users_token", "bad_uid", "token_for_confirmed_state"]
)
def test_bad_confirmation_link_changes_nothing(client, case):
    user = pending_user()
    other = pending_user("other@example.org")
    if case == "garbage":
        url = confirm_url_for(user, "abc-123")
    elif case == "other_users_token":
        url = confirm_url_for(user, email_confirmation_token.make_token(other))
    elif case == "bad_uid":
        url = reverse("accounts:confirm", kwargs={"uidb64": "zzzz", "token": "abc-123"})
    else:  # a token computed for the confirmed state cannot confirm (or log in) anything
        user.email_confirmed_at = timezone.now()
        user.is_active = True
        url = confirm_url_for(user, email_confirmation_token.make_token(user))
        user.refresh_from_db()
    response = client.get(url)
    assert response.status_code == 400
    assert logged_in_as(client) is None
    user.refresh_from_db()
    assert (user.is_active, user.email_confirmed_at) == (False, None)


def test_confirmation_link_is_single_use():
    user = pending_user()
    url = confirm_url_for(user, email_confirmation_token.make_token(user))
    first = Client()
    assert first.get(url).status_code == 302
    assert logged_in_as(first) == user.pk
    second = Client()
    response = second.get(url)
    assert response.status_code == 400
    assert logged_in_as(second) is None
    assert "used already or has expired" in response.content.decode()


def test_confirmation_link_works_for_the_advertised_days_then_expires(client):
    start = dt.datetime(2030, 3, 1, 9, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        user = pending_user()
        url = confirm_url_for(user, email_confirmation_token.make_token(user))
    late = start + dt.timedelta(days=settings.ACCOUNT_CONFIRM_DAYS, hours=1)
    with time_machine.travel(late, tick=False):
        assert client.get(url).status_code == 400
    assert logged_in_as(client) is None
    user.refresh_from_db()
    assert not user.is_active
    in_time = start + dt.timedelta(days=settings.ACCOUNT_CONFIRM_DAYS) - dt.timedelta(hours=1)
    with time_machine.travel(in_time, tick=False):
        assert client.get(url).status_code == 302
    user.refresh_from_db()
    assert user.is_active


def test_resend_confirmation_sends_a_fresh_working_link_to_pending_accounts_only(
    client, django_capture_on_commit_callbacks
):
    user = pending_user()
    UserFactory(email="done@example.org")
    resend = reverse("accounts:confirm-resend")
    pages = []
    for email in ("NEW@example.org ", "nobody@example.org", "done@example.org"):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(resend, {"email": email})
        assert response.status_code == 200
        # CSRF tokens (the footer's language switch is a form) are masked afresh on every page.
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        pages.append((page, [m.to[0] for m in mail.outbox]))
    # The same page whatever the address: the form does not reveal who has an account.
    assert pages[0][0] == pages[1][0] == pages[2][0]
    assert [p[1] for p in pages] == [["new@example.org"], [], []]
    link = re.search(r"/accounts/confirm/\S+/\S+/", OutboundEmail.objects.first().body_text)
    response = client.get(link.group(0))
    assert response.status_code == 302
    assert logged_in_as(client) == user.pk


def test_resend_confirmation_refuses_a_bad_address(client):
    response = client.post(reverse("accounts:confirm-resend"), {"email": "not an email"})
    assert response.status_code == 400
    assert not OutboundEmail.objects.exists()


# ---------------------------------------------------------------------------- password reset
def reset_url_for(user: User, token: str) -> str:
    return reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid(user), "token": token})


NEW_PASSWORD = "brand-new-passphrase-42"


def try_reset(client: Client, url: str, new_password: str = NEW_PASSWORD) -> bool:
    """Follow a reset link and submit a new password; True if the page accepted it."""
    page = client.get(url, follow=True)
    if "Set password" not in page.content.decode():
        return False
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else url,
        {"new_password1": new_password, "new_password2": new_password},
    )
    return response.status_code == 302


@pytest.mark.parametrize("case", ["garbage", "other_users_token", "used", "expired"])
def test_bad_password_reset_link_changes_nothing(client, case):
    user = UserFactory()
    other = UserFactory()
    token = default_token_generator.make_token(user)
    if case == "garbage":
        url = reset_url_for(user, "abc-123")
    elif case == "other_users_token":
        url = reset_url_for(user, default_token_generator.make_token(other))
    elif case == "used":
        url = reset_url_for(user, token)
        assert try_reset(Client(), url, "first-new-passphrase-1")
        user.refresh_from_db()
    else:
        url = reset_url_for(user, token)
    before = User.objects.get(pk=user.pk).password
    later = timezone.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later if case == "expired" else timezone.now(), tick=False):
        assert not try_reset(client, url)
    assert logged_in_as(client) is None
    assert User.objects.get(pk=user.pk).password == before


def test_good_password_reset_sets_the_password_but_logs_nobody_in(client):
    user = UserFactory()
    assert try_reset(client, reset_url_for(user, default_token_generator.make_token(user)))
    assert logged_in_as(client) is None
    user.refresh_from_db()
    assert user.check_password("brand-new-passphrase-42")


# ----------------------------------------------------- set password for an imported account
def imported_user(django_capture_on_commit_callbacks) -> tuple[User, str]:
    program = ProgramFactory()
    preview = parse_members_csv(b"email\nimp@example.org\n", program=program)
    with django_capture_on_commit_callbacks(execute=True):
        apply_import(preview=preview, program=program, actor=None)
    user = User.objects.get(email="imp@example.org")
    link = re.search(r"/accounts/password/reset/\S+/\S+/", mail.outbox[-1].body).group(0)
    return user, link


@pytest.mark.parametrize("case", ["garbage", "other_users_token", "used", "expired"])
def test_bad_set_password_link_for_imported_account(
    client, django_capture_on_commit_callbacks, case
):
    user, link = imported_user(django_capture_on_commit_callbacks)
    if case == "garbage":
        link = reset_url_for(user, "abc-123")
    elif case == "other_users_token":
        link = reset_url_for(user, default_token_generator.make_token(UserFactory()))
    elif case == "used":
        assert try_reset(Client(), link, "first-new-passphrase-1")
    user.refresh_from_db()
    before = user.password
    later = timezone.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later if case == "expired" else timezone.now(), tick=False):
        assert not try_reset(client, link)
    assert logged_in_as(client) is None
    assert User.objects.get(pk=user.pk).password == before


def test_imported_account_whose_link_expired_can_ask_for_a_new_one(
    client, django_capture_on_commit_callbacks
):
    user, _ = imported_user(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert [m.to[0] for m in mail.outbox] == [user.email]
    link = re.search(r"/accounts/password/reset/\S+/\S+/", mail.outbox[0].body).group(0)
    assert try_reset(client, link)
    assert logged_in_as(client) is None


# ---------------------------------------------------------------------- resume from a pause
@pytest.fixture
def paused():
    enrollment = EnrollmentFactory(status=EnrollmentStatus.PAUSED)
    return enrollment, round_services.resume_token(enrollment)


def resume_url(enrollment: Enrollment, token: str) -> str:
    return reverse("rounds:resume", kwargs={"slug": enrollment.program.slug, "token": token})


@pytest.mark.parametrize("case", ["garbage", "other_users_token", "other_programme", "expired"])
def test_bad_resume_link_changes_nothing(client, paused, case):
    enrollment, token = paused
    other = EnrollmentFactory(status=EnrollmentStatus.PAUSED, program=enrollment.program)
    elsewhere = EnrollmentFactory(status=EnrollmentStatus.PAUSED)
    url = resume_url(enrollment, token)
    when = timezone.now()
    if case == "garbage":
        url = resume_url(enrollment, token[:-3] + "xyz")
    elif case == "other_users_token":
        # The other member's link resumes the other member, never the one in the URL's place.
        client.post(resume_url(enrollment, round_services.resume_token(other)))
        url = resume_url(enrollment, "nope")
    elif case == "other_programme":
        url = resume_url(enrollment, round_services.resume_token(elsewhere))
    else:
        when = timezone.now() + dt.timedelta(days=91)
    with time_machine.travel(when, tick=False):
        response = client.post(url)
    assert response.status_code == 400
    assert logged_in_as(client) is None
    enrollment.refresh_from_db()
    elsewhere.refresh_from_db()
    assert enrollment.status == elsewhere.status == EnrollmentStatus.PAUSED


def test_resume_link_get_changes_nothing_and_post_resumes_without_login(client, paused):
    enrollment, token = paused
    assert client.get(resume_url(enrollment, token)).status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.PAUSED
    assert client.post(resume_url(enrollment, token)).status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
    # Used again: nothing more happens and still nobody is logged in.
    assert client.post(resume_url(enrollment, token)).status_code == 200
    assert logged_in_as(client) is None


def test_resume_link_cannot_undo_leaving(client, paused):
    enrollment, token = paused
    Enrollment.objects.filter(pk=enrollment.pk).update(status=EnrollmentStatus.LEFT)
    assert client.post(resume_url(enrollment, token)).status_code == 400
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.LEFT


# ------------------------------------------------------------------------------ invitations
@pytest.fixture
def invite():
    organiser = UserFactory()
    program = ProgramFactory(organisers=[organiser], expectations="Be kind.")
    invitee = UserFactory(email="guest@example.org")
    invitation = program_services.invite_member(
        actor=organiser, program=program, email=invitee.email
    )
    return invitation, invitee


def accept(client: Client, token: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("programs:invitation", kwargs={"token": token}), {"agreement": "on"})


def test_invitation_link_never_logs_in(client, invite):
    invitation, _ = invite
    response = client.get(reverse("programs:invitation", kwargs={"token": invitation.token}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert logged_in_as(client) is None


@pytest.mark.parametrize("case", ["garbage", "other_users_token", "used", "expired", "revoked"])
def test_bad_invitation_link_changes_nothing(client, invite, case):
    invitation, invitee = invite
    token = invitation.token
    client.force_login(invitee)
    if case == "garbage":
        token = token[:-2] + "zz"
    elif case == "other_users_token":
        client.force_login(UserFactory(email="someone@example.org"))
    elif case == "used":
        assert accept(client, token).status_code == 302
        Enrollment.objects.filter(user=invitee).update(status=EnrollmentStatus.LEFT)
    elif case == "expired":
        created = timezone.now() - dt.timedelta(days=settings.INVITATION_DAYS, hours=1)
        Invitation.objects.filter(pk=invitation.pk).update(created_at=created)
    else:
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    response = accept(client, token)
    assert response.status_code in (400, 403, 404)
    assert not Enrollment.objects.filter(
        program=invitation.program, status=EnrollmentStatus.ACTIVE
    ).exists()


def test_good_invitation_records_the_agreement(client, invite):
    invitation, invitee = invite
    client.force_login(invitee)
    page = client.get(reverse("programs:invitation", kwargs={"token": invitation.token}))
    assert "Be kind." in page.content.decode()
    assert accept(client, invitation.token).status_code == 302
    enrollment = Enrollment.objects.get(program=invitation.program, user=invitee)
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert enrollment.agreement_accepted_at is not None
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_expired_invitation_is_replaced_when_the_organiser_invites_again(invite):
    invitation, invitee = invite
    later = invitation.created_at + dt.timedelta(days=settings.INVITATION_DAYS + 1)
    with time_machine.travel(later, tick=False):
        again = program_services.invite_member(
            actor=invitation.invited_by, program=invitation.program, email=invitee.email
        )
    assert again.pk != invitation.pk
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


# ------------------------------------------------------------- links are not in the admin
def admin_pages_for(email: OutboundEmail) -> str:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    pages = [
        client.get(reverse("admin:notifications_outboundemail_changelist")),
        client.get(reverse("admin:notifications_outboundemail_change", args=[email.pk])),
        client.get(reverse("admin:notifications_outboundemail_changelist"), {"q": email.to_email}),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200]
    return "".join(p.content.decode() for p in pages)


def secret_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def test_admin_does_not_show_password_reset_links(client):
    user = UserFactory()
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    email = OutboundEmail.objects.get(to_email=user.email)
    link = re.search(r"/accounts/password/reset/\S+/\S+/", email.body_text).group(0)
    html = admin_pages_for(email)
    assert secret_of(link) not in html
    assert link not in html
    assert email.subject in html  # the row itself is still there to inspect


@pytest.mark.parametrize("flow", ["confirm", "import_welcome", "invitation", "resume"])
def test_admin_does_not_show_links_that_carry_a_secret(flow, django_capture_on_commit_callbacks):
    if flow == "confirm":
        user = pending_user()
        secret = email_confirmation_token.make_token(user)
    elif flow == "import_welcome":
        program = ProgramFactory()
        preview = parse_members_csv(b"email\nimp@example.org\n", program=program)
        with django_capture_on_commit_callbacks(execute=True):  # welcomes queue after commit
            apply_import(preview=preview, program=program, actor=None)
        body = OutboundEmail.objects.get(to_email="imp@example.org").body_text
        secret = secret_of(re.search(r"/accounts/password/reset/\S+/\S+/", body).group(0))
    elif flow == "invitation":
        organiser = UserFactory()
        program = ProgramFactory(organisers=[organiser])
        secret = program_services.invite_member(
            actor=organiser, program=program, email="guest@example.org"
        ).token
    else:
        enrollment = EnrollmentFactory(status=EnrollmentStatus.PAUSED)
        today = timezone.localdate()
        round_ = Round.objects.create(
            program=enrollment.program,
            number=1,
            published_at=timezone.now(),
            meets_from=today,
            meet_by=today,
        )
        secret = round_services.resume_token(enrollment)
        round_emails.paused_for_silence(enrollment, round_=round_, token=secret)
    email = OutboundEmail.objects.latest("pk")
    assert secret in email.body_text + email.body_html  # the email itself carries it
    assert secret not in admin_pages_for(email)


def test_resume_link_is_for_the_pause_it_was_sent_for(client):
    """A link from an earlier pause email cannot undo a later pause the member chose."""
    from peerly.programs import services as programme_services

    enrollment = EnrollmentFactory(status=EnrollmentStatus.ACTIVE)
    programme_services.pause_enrollment(user=None, enrollment=enrollment, until=None)  # type: ignore[arg-type]
    token = round_services.resume_token(enrollment)
    assert client.post(resume_url(enrollment, token)).status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE

    programme_services.pause_enrollment(user=enrollment.user, enrollment=enrollment, until=None)
    response = client.post(resume_url(enrollment, token))
    assert response.status_code == 400
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.PAUSED
    # The link sent for the new pause works.
    fresh = round_services.resume_token(enrollment)
    assert client.post(resume_url(enrollment, fresh)).status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
