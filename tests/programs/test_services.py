import pytest
from django.core import mail

from peerly.core.errors import ServiceError
from peerly.core.errors import TransitionError
from peerly.core.models import AuditEvent
from peerly.programs import services
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentMode
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Invitation
from peerly.programs.models import ProgramKind
from peerly.programs.models import QuestionKind
from peerly.programs.models import SignupQuestion
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = EnrollmentStatus


def test_join_open_programme_is_active_at_once():
    program = ProgramFactory()
    user = UserFactory()
    enrollment = services.join_program(user=user, program=program)
    assert enrollment.status == S.ACTIVE and enrollment.joined_at is not None
    assert AuditEvent.objects.filter(action="enrollment.join").count() == 1


def test_join_requires_agreement_when_programme_has_one():
    program = ProgramFactory(expectations="Meet once a month.")
    user = UserFactory()
    with pytest.raises(ServiceError, match="agreement"):
        services.join_program(user=user, program=program)
    assert not Enrollment.objects.exists()
    enrollment = services.join_program(user=user, program=program, accept_agreement=True)
    assert enrollment.agreement_accepted_at is not None


def test_answers_are_validated_against_questions():
    program = ProgramFactory()
    q_text = SignupQuestion.objects.create(program=program, label="Why?", kind=QuestionKind.TEXT)
    q_choice = SignupQuestion.objects.create(
        program=program, label="Pick", kind=QuestionKind.CHOICE, choices="A\nB"
    )
    q_scale = SignupQuestion.objects.create(
        program=program, label="Rate", kind=QuestionKind.SCALE, required=False
    )
    user = UserFactory()
    with pytest.raises(ServiceError, match="Why"):
        services.join_program(user=user, program=program, answers={str(q_choice.pk): "A"})
    with pytest.raises(ServiceError, match="not a choice"):
        services.join_program(
            user=user, program=program, answers={str(q_text.pk): "x", str(q_choice.pk): "C"}
        )
    with pytest.raises(ServiceError, match="between 1 and 5"):
        services.join_program(
            user=user,
            program=program,
            answers={str(q_text.pk): "x", str(q_choice.pk): "A", str(q_scale.pk): "9"},
        )
    assert not Enrollment.objects.exists()
    enrollment = services.join_program(
        user=user,
        program=program,
        answers={str(q_text.pk): " growth ", str(q_choice.pk): "B", str(q_scale.pk): "4"},
    )
    assert enrollment.answers == {
        str(q_text.pk): "growth",
        str(q_choice.pk): "B",
        str(q_scale.pk): 4,
    }


def test_approval_flow_emails_organiser_and_member(django_capture_on_commit_callbacks):
    organiser = UserFactory()
    program = ProgramFactory(enrollment_mode=EnrollmentMode.APPROVAL, organisers=[organiser])
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = services.join_program(user=user, program=program)
    assert enrollment.status == S.APPLIED
    assert [m.to for m in mail.outbox] == [[organiser.email]]
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_enrollment(actor=organiser, enrollment=enrollment)
        services.approve_enrollment(actor=organiser, enrollment=enrollment)  # idempotent
    enrollment.refresh_from_db()
    assert enrollment.status == S.ACTIVE and enrollment.decided_by == organiser
    assert len(mail.outbox) == 2 and mail.outbox[1].to == [user.email]
    assert AuditEvent.objects.filter(action="enrollment.approve").count() == 1


def test_decline_needs_reason_and_tells_member(django_capture_on_commit_callbacks):
    organiser = UserFactory()
    program = ProgramFactory(enrollment_mode=EnrollmentMode.APPROVAL, organisers=[organiser])
    enrollment = EnrollmentFactory(program=program, status=S.APPLIED, joined_at=None)
    with pytest.raises(ServiceError):
        services.decline_enrollment(actor=organiser, enrollment=enrollment, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_enrollment(actor=organiser, enrollment=enrollment, reason="Full season")
    enrollment.refresh_from_db()
    assert enrollment.status == S.DECLINED
    assert "Full season" in mail.outbox[-1].body
    # Declined members may ask again later.
    again = services.join_program(user=enrollment.user, program=program)
    assert again.status == S.APPLIED and again.decline_reason == ""


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.LEFT, "approve"),
        (S.PAUSED, "approve"),
        (S.ACTIVE, "decline"),
        (S.LEFT, "pause"),
        (S.LEFT, "resume"),
        (S.APPLIED, "pause"),
        (S.DECLINED, "leave"),
        (S.ACTIVE, "join"),
        (S.PAUSED, "join"),
    ],
)
def test_refused_transitions_change_nothing(status, action):
    organiser = UserFactory()
    enrollment = EnrollmentFactory(status=status)
    before = Enrollment.objects.filter(pk=enrollment.pk).values().get()
    audit_before = AuditEvent.objects.count()
    call = {
        "approve": lambda: services.approve_enrollment(actor=organiser, enrollment=enrollment),
        "decline": lambda: services.decline_enrollment(
            actor=organiser, enrollment=enrollment, reason="r"
        ),
        "pause": lambda: services.pause_enrollment(
            user=enrollment.user, enrollment=enrollment, until=None
        ),
        "resume": lambda: services.resume_enrollment(user=enrollment.user, enrollment=enrollment),
        "leave": lambda: services.leave_program(user=enrollment.user, enrollment=enrollment),
        "join": lambda: services.join_program(user=enrollment.user, program=enrollment.program),
    }[action]
    with pytest.raises(TransitionError):
        call()
    assert Enrollment.objects.filter(pk=enrollment.pk).values().get() == before
    assert AuditEvent.objects.count() == audit_before


def test_pause_resume_leave_rejoin():
    enrollment = EnrollmentFactory()
    services.pause_enrollment(user=enrollment.user, enrollment=enrollment, until=None)
    enrollment.refresh_from_db()
    assert enrollment.status == S.PAUSED
    services.resume_enrollment(user=enrollment.user, enrollment=enrollment)
    services.leave_program(user=enrollment.user, enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == S.LEFT and enrollment.left_at is not None
    again = services.join_program(user=enrollment.user, program=enrollment.program)
    assert again.pk == enrollment.pk and again.status == S.ACTIVE and again.left_at is None


def test_resume_due_enrollments():
    import datetime as dt

    enrollment = EnrollmentFactory(status=S.PAUSED, paused_until=dt.date(2026, 1, 1))
    assert services.resume_due_enrollments(today=dt.date(2026, 1, 1)) == 0
    assert services.resume_due_enrollments(today=dt.date(2026, 1, 2)) == 1
    enrollment.refresh_from_db()
    assert enrollment.status == S.ACTIVE


def test_invitation_only_programme(django_capture_on_commit_callbacks):
    organiser = UserFactory()
    program = ProgramFactory(enrollment_mode=EnrollmentMode.INVITATION, organisers=[organiser])
    invitee = UserFactory(email="guest@example.org")
    with pytest.raises(ServiceError, match="invitation only"):
        services.join_program(user=invitee, program=program)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_member(
            actor=organiser, program=program, email="Guest@Example.org"
        )
        again = services.invite_member(actor=organiser, program=program, email="guest@example.org")
    assert invitation.pk == again.pk
    assert len(mail.outbox) == 1 and invitation.token in mail.outbox[0].body
    stranger = UserFactory()
    with pytest.raises(ServiceError, match="was sent to guest@example.org"):
        services.accept_invitation(user=stranger, token=invitation.token)
    enrollment = services.accept_invitation(user=invitee, token=invitation.token)
    assert enrollment.status == S.ACTIVE
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    with pytest.raises(ServiceError, match="already a member"):
        services.invite_member(actor=organiser, program=program, email="guest@example.org")
    assert Invitation.objects.count() == 1


def test_mentorship_roles():
    program = ProgramFactory(kind=ProgramKind.MENTORSHIP)
    user = UserFactory()
    with pytest.raises(ServiceError, match="not a role"):
        services.join_program(user=user, program=program, role="participant")
    assert services.join_program(user=user, program=program).role == "mentee"


def test_nobody_self_enrols_as_mentor():
    program = ProgramFactory(kind=ProgramKind.MENTORSHIP)
    user = UserFactory()
    with pytest.raises(ServiceError, match="nominated"):
        services.join_program(user=user, program=program, role="mentor")
    assert not Enrollment.objects.exists()
