"""Permission-scoped reads of programmes and their members."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models import Prefetch
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404

from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.accounts.models import Visibility
from peerly.accounts.selectors import visible_q
from peerly.programs import access
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramStatus


def is_organiser(user: User, program: Program) -> bool:
    """The gateway's rule (programs/access.py): a listed organiser or a superuser."""
    return access.is_organiser(user, program)


def list_programs_for_user(*, user: User) -> QuerySet[Program]:
    """The directory: active and closed programmes, plus drafts the user organises."""
    qs = Program.objects.all()
    if not user.is_superuser:
        qs = qs.filter(~Q(status=ProgramStatus.DRAFT) | Q(organisers=user)).distinct()
    return (
        qs.annotate(
            member_count=Count(
                "enrollments", filter=Q(enrollments__status=EnrollmentStatus.ACTIVE), distinct=True
            )
        )
        .prefetch_related(
            Prefetch("enrollments", queryset=Enrollment.objects.filter(user=user), to_attr="mine")
        )
        .order_by("status", "name")
    )


def get_program_for_user(*, user: User, slug: str) -> Program:
    program = Program.objects.filter(slug=slug).first()
    if program is None:
        raise Http404("No such programme.")
    if program.status == ProgramStatus.DRAFT and not is_organiser(user, program):
        raise Http404("No such programme.")
    return program


def get_program_for_organiser(*, user: User, slug: str) -> Program:
    return access.access_program(user, slug, need="organiser").program


def get_enrollment_for_user(*, user: User, program: Program) -> Enrollment | None:
    return Enrollment.objects.filter(program=program, user=user).first()


def get_enrollment_for_organiser(*, user: User, program: Program, enrollment_id: int) -> Enrollment:
    if not is_organiser(user, program):
        raise PermissionDenied
    enrollment = (
        Enrollment.objects.filter(program=program, pk=enrollment_id).select_related("user").first()
    )
    if enrollment is None:
        raise Http404("No such enrolment.")
    return enrollment


def list_members_for_organiser(
    *, program: Program, q: str = "", status: str = "", role: str = "", team: str = ""
) -> QuerySet[Enrollment]:
    """Members as organisers see them: search and the team filter only match profile fields
    the member shows organisers, so a hidden value never finds anybody."""
    seen = Visibility.ORGANISERS
    profile = "user__profile__"
    qs = Enrollment.objects.filter(program=program).select_related("user", "user__profile")
    if q:
        qs = qs.filter(
            Q(user__email__icontains=q)
            | Q(user__display_name__icontains=q)
            | (
                Q(user__profile__skills__icontains=q)
                & visible_q(field="skills", level=seen, prefix=profile)
            )
            | (
                Q(user__profile__interests__icontains=q)
                & visible_q(field="interests", level=seen, prefix=profile)
            )
        )
    if status:
        qs = qs.filter(status=status)
    if role:
        qs = qs.filter(role=role)
    if team:
        qs = qs.filter(
            Q(user__profile__team=team) & visible_q(field="team", level=seen, prefix=profile)
        )
    return qs.order_by("user__display_name", "user__email")


# What the members export reads (importing.export_rows and the visibility rule); everything
# else stays in the database: 10,000 enrolments, users and profiles with every column cost
# more to turn into objects (30,000 of them, 70,000 datetimes) than the query itself.
EXPORT_FIELDS = (
    "program",
    "user",
    "role",
    "status",
    "joined_at",
    "user__email",
    "user__display_name",
    "user__profile__user",
    "user__profile__field_visibility",
    "user__profile__team",
    "user__profile__timezone",
    "user__profile__languages",
)


def members_for_export(members: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """The members list's enrolments with only the columns the CSV export reads."""
    return members.select_related("user", "user__profile").only(*EXPORT_FIELDS)


def list_teams(*, program: Program) -> list[str]:
    """The teams organisers may filter on (teams members hide from organisers left out).

    Profiles whose user is enrolled (a semi-join on `user_id`), not enrolments joined through
    users to profiles: half the work at 10,000 members, on every member-list page."""
    enrolled = Enrollment.objects.filter(program=program).values("user_id")
    return sorted(
        t
        for t in Profile.objects.filter(user_id__in=enrolled)
        .filter(visible_q(field="team", level=Visibility.ORGANISERS))
        .exclude(team="")
        .order_by()  # no default ordering may turn DISTINCT into one row per profile
        .values_list("team", flat=True)
        .distinct()
        if t
    )


def list_active_members(*, program: Program) -> QuerySet[Enrollment]:
    """Active enrolments with profiles and windows, for the matching bridges."""
    return (
        Enrollment.objects.filter(program=program, status=EnrollmentStatus.ACTIVE)
        .select_related("user", "user__profile")
        .prefetch_related("user__profile__windows")
        .order_by("user_id")
    )
