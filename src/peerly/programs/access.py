"""The one access gateway: who may see a programme's pages, and what "member" means.

    access = access_program(request.user, slug, kind="coffee", need="member")
    access.program, access.enrollment, access.is_organiser, access.role

The rule, the same for every kind (docs/architecture.md, "Access"):

- viewer: anyone signed in may see a programme that is not a draft; a draft only its
  organisers (others get 404, as if it did not exist).
- member: an enrolment that is waiting for approval, active or paused (MEMBER_STATUSES), OR
  an organiser of that programme. People who left or were declined are not members. An
  organiser passes member checks for the programme's pages; what is private to members (notes,
  reports, answers) stays protected by the per-object selectors, which the gateway does not
  replace.
- organiser: listed in the programme's organisers, or a superuser.

A missing programme, a draft the user may not see, and a programme of another kind than the
page's are 404; too little access is 403 (PermissionDenied) with a message saying why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramStatus

Need = Literal["viewer", "member", "organiser"]
NEEDS: tuple[Need, ...] = ("viewer", "member", "organiser")
MEMBER_STATUSES = (EnrollmentStatus.APPLIED, EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED)

NOT_FOUND = "No such programme."
WRONG_KIND = {
    "coffee": "This programme has no coffee rounds.",
    "circle": "This programme does not run peer-coaching circles.",
    "mentorship": "This programme has no mentoring.",
}
NEED_MEMBER = gettext_lazy("Join this programme to see this page.")
NEED_ORGANISER = gettext_lazy("Only this programme's organisers can do that.")


@dataclass(frozen=True)
class AccessResult:
    program: Program
    enrollment: Enrollment | None  # the viewer's enrolment in any status, if they have one
    is_organiser: bool
    is_member: bool  # an enrolment in MEMBER_STATUSES (organisers are not members by this)

    @property
    def role(self) -> Need:
        """The most the viewer may do: "organiser" > "member" > "viewer"."""
        return "organiser" if self.is_organiser else "member" if self.is_member else "viewer"

    def allows(self, need: Need) -> bool:
        return NEEDS.index(self.role) >= NEEDS.index(need)


def is_organiser(user: Any, program: Program) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return program.organisers.filter(pk=user.pk).exists()


def is_member_enrollment(enrollment: Enrollment | None) -> bool:
    return enrollment is not None and enrollment.status in MEMBER_STATUSES


def access_for(user: Any, program: Program, *, need: Need = "viewer") -> AccessResult:
    """The gateway for a programme already loaded (e.g. by id in the API)."""
    if need not in NEEDS:
        raise ValueError(f"unknown need {need!r}")
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to see this programme."))
    organiser = is_organiser(user, program)
    if program.status == ProgramStatus.DRAFT and not organiser:
        raise Http404(NOT_FOUND)
    enrollment = Enrollment.objects.filter(program=program, user=user).first()
    result = AccessResult(
        program=program,
        enrollment=enrollment,
        is_organiser=organiser,
        is_member=is_member_enrollment(enrollment),
    )
    if not result.allows(need):
        raise PermissionDenied(NEED_ORGANISER if need == "organiser" else NEED_MEMBER)
    return result


def access_program(
    user: Any, slug: str, *, kind: str | None = None, need: Need = "viewer"
) -> AccessResult:
    """Load the programme `slug` for `user` and check they have `need` (see module doc).
    `kind`: the page's programme kind; another kind's programme is 404."""
    program = Program.objects.filter(slug=slug).first()
    if program is None:
        raise Http404(NOT_FOUND)
    if kind is not None and program.kind != kind:
        if program.status == ProgramStatus.DRAFT and not is_organiser(user, program):
            raise Http404(NOT_FOUND)
        raise Http404(WRONG_KIND.get(kind, "This programme is of another kind."))
    return access_for(user, program, need=need)
