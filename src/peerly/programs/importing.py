"""Member CSV import: validate every row first, then save all or nothing.

Used by the organiser page (preview, then confirm) and by `peerly import members`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.accounts.models import split_tags
from peerly.accounts.models import validate_timezone
from peerly.accounts.selectors import profile_fields_for_viewer
from peerly.core import audit
from peerly.core.tasks import enqueue_on_commit
from peerly.notifications.services import EmailToQueue
from peerly.notifications.services import queue_emails
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.services import invite_member
from peerly.programs.services import roles_for

COLUMNS = (
    "email",
    "display_name",
    "team",
    "location",
    "timezone",
    "languages",
    "skills",
    "interests",
    "offers",
    "wants_to_learn",
    "role",
)
REQUIRED = ("email",)
TAG_COLUMNS = ("languages", "skills", "interests")
IMPORT_BATCH = 500
MAX_LENGTH = {"display_name": 120, "team": 120, "location": 120, "languages": 300}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    existing_user_id: int | None = None
    already_enrolled: bool = False


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new_accounts(self) -> int:
        return sum(1 for r in self.rows if r.existing_user_id is None)

    @property
    def to_invite(self) -> int:
        """Rows whose email has an account already: they are invited, not enrolled."""
        return sum(1 for r in self.rows if r.existing_user_id and not r.already_enrolled)

    def errors_for(self, line: int) -> list[RowError]:
        return [e for e in self.errors if e.line == line]


@dataclass(frozen=True)
class ImportResult:
    created_accounts: int
    enrolled: int
    skipped_already_enrolled: int
    invited: int = 0


def size_error(size: int) -> str | None:
    """The message for a file over the import limit, or None when it fits."""
    if size > settings.IMPORT_MAX_BYTES:
        return f"the file is {size:,} bytes; the limit is {settings.IMPORT_MAX_BYTES:,} bytes"
    return None


def decode(data: bytes) -> str:
    """Bytes to text, refusing what is not UTF-8 text (the error names the problem)."""
    too_big = size_error(len(data))
    if too_big:
        raise ValueError(too_big)
    if b"\x00" in data:
        raise ValueError("the file is not a text CSV file (it contains binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"the file is not UTF-8 text (byte {exc.start + 1} cannot be read); "
            "save it as “CSV UTF-8” and try again"
        ) from None


def parse_members_csv(data: bytes, *, program: Program | None = None) -> ImportPreview:
    preview = ImportPreview()
    try:
        text = decode(data)
    except ValueError as exc:
        preview.errors.append(RowError(0, "", str(exc)))
        return preview
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        preview.errors.append(RowError(1, "", "the file is empty; the first line must be a header"))
        return preview
    except csv.Error as exc:
        preview.errors.append(RowError(1, "", f"cannot read the header: {exc}"))
        return preview
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    problems = (("missing", missing), ("unknown", unknown), ("repeated", duplicated))
    parts = [f"{word} column {', '.join(names)}" for word, names in problems if names]
    if parts:
        preview.errors.append(
            RowError(1, "", "; ".join(parts) + f" (allowed columns: {', '.join(COLUMNS)})")
        )
        return preview

    seen: dict[str, int] = {}
    allowed_roles = roles_for(program) if program else None
    rows: list[ImportRow] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= settings.IMPORT_MAX_ROWS:
                preview.errors.append(
                    RowError(
                        line,
                        "",
                        f"too many rows: the limit is {settings.IMPORT_MAX_ROWS:,} members",
                    )
                )
                break
            if len(values) != len(header):
                preview.errors.append(
                    RowError(line, "", f"expected {len(header)} fields, found {len(values)}")
                )
                continue
            row = {h: v.strip() for h, v in zip(header, values, strict=True)}
            _validate_row(line, row, seen, allowed_roles, preview.errors)
            rows.append(ImportRow(line=line, values=row))
    except csv.Error as exc:
        preview.errors.append(RowError(reader.line_num, "", f"malformed CSV: {exc}"))
    if not rows and not preview.errors:
        preview.errors.append(RowError(2, "", "the file has a header but no members"))
    _mark_existing(rows, program)
    preview.rows = rows
    return preview


def _validate_row(
    line: int,
    row: dict[str, str],
    seen: dict[str, int],
    allowed_roles: Iterable[str] | None,
    errors: list[RowError],
) -> None:
    email = row.get("email", "").lower()
    row["email"] = email
    if not email:
        errors.append(RowError(line, "email", "an email address is required"))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(RowError(line, "email", f"“{email}” is not a valid email address"))
        if email in seen:
            errors.append(RowError(line, "email", f"{email} already appears on line {seen[email]}"))
        else:
            seen[email] = line
    tz = row.get("timezone", "")
    if tz:
        try:
            validate_timezone(tz)
        except ValidationError:
            errors.append(RowError(line, "timezone", f"“{tz}” is not a known IANA time zone"))
    for column, limit in MAX_LENGTH.items():
        if len(row.get(column, "")) > limit:
            errors.append(RowError(line, column, f"longer than {limit} characters"))
    role = row.get("role", "")
    if role and allowed_roles is not None and role not in allowed_roles:
        errors.append(
            RowError(
                line, "role", f"“{role}” is not a role here (use {' or '.join(allowed_roles)})"
            )
        )


def users_by_email(emails: Iterable[str]) -> QuerySet[User]:
    """Accounts whose email matches one of `emails` case-insensitively, in one query that
    uses the LOWER(email) unique index (give the emails lower-cased)."""
    return User.objects.alias(email_lower=Lower("email")).filter(email_lower__in=list(emails))


def _mark_existing(rows: list[ImportRow], program: Program | None) -> None:
    emails = [r.values["email"] for r in rows if r.values.get("email")]
    users = {u.email.lower(): u.pk for u in users_by_email(emails)}
    enrolled: set[int] = set()
    if program is not None:
        enrolled = set(
            Enrollment.objects.filter(
                program=program,
                user_id__in=users.values(),
                status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED],
            ).values_list("user_id", flat=True)
        )
    for row in rows:
        row.existing_user_id = users.get(row.values.get("email", ""))
        row.already_enrolled = row.existing_user_id in enrolled


@transaction.atomic
def apply_import(
    *, preview: ImportPreview, program: Program | None, actor: User | None
) -> ImportResult:
    """Save a preview with no errors. Everything or nothing: one transaction.

    Emails without an account get a new account, enrolled, and a "choose your password"
    link. Emails that have an account already are never enrolled (nor their profile touched):
    the person gets an invitation and joins only by accepting it and the programme's
    agreement; until then the organiser sees nothing more of them than before.
    """
    if not preview.ok:
        raise ValueError("cannot import a file with errors")
    created = enrolled = skipped = invited = 0
    now = timezone.now()
    emails = [row.values["email"] for row in preview.rows]
    # One query each, whatever the number of rows; LOWER(email) uses the case-insensitive
    # unique index (`email__iexact` is UPPER(email): a table scan per row).
    existing = {u.email.lower(): u for u in users_by_email(emails)}
    enrolled_ids: set[int] = set()
    if program is not None and existing:
        enrolled_ids = set(
            Enrollment.objects.filter(
                program=program,
                user_id__in=[u.pk for u in existing.values()],
                status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED],
            ).values_list("user_id", flat=True)
        )
    new_rows = []
    for row in preview.rows:
        v = row.values
        user = existing.get(v["email"])
        if user is None:
            new_rows.append(v)
            continue
        if program is None:
            continue
        if user.pk in enrolled_ids:
            skipped += 1
            continue
        invite_member(actor=actor, program=program, email=user.email, role=v.get("role") or None)
        invited += 1
    # New accounts: bulk inserts in batches, not three INSERTs and an email per row.
    users = []
    for v in new_rows:
        user = User(email=v["email"], display_name=v.get("display_name", ""))
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=IMPORT_BATCH)
    Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                team=v.get("team", ""),
                location=v.get("location", ""),
                timezone=v.get("timezone") or "UTC",
                languages=", ".join(split_tags(v.get("languages", ""))),
                skills=", ".join(split_tags(v.get("skills", ""))),
                interests=", ".join(split_tags(v.get("interests", ""))),
                offers=v.get("offers", ""),
                wants_to_learn=v.get("wants_to_learn", ""),
            )
            for user, v in zip(users, new_rows, strict=True)
        ],
        batch_size=IMPORT_BATCH,
    )
    created = len(users)
    if users:  # rendering 5,000 emails takes longer than the inserts: a background task
        from peerly.programs.tasks import send_import_welcomes_task

        enqueue_on_commit(
            send_import_welcomes_task,
            [u.pk for u in users],
            program.pk if program is not None else None,
        )
    if program is not None:
        default_role = roles_for(program)[0]
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    program=program,
                    user=user,
                    role=v.get("role") or default_role,
                    status=EnrollmentStatus.ACTIVE,
                    joined_at=now,
                )
                for user, v in zip(users, new_rows, strict=True)
            ],
            batch_size=IMPORT_BATCH,
        )
        enrolled = len(users)
    if program is not None:
        audit.record(
            actor=actor,
            action="program.import_members",
            obj=program,
            data={
                "created": created,
                "enrolled": enrolled,
                "skipped": skipped,
                "invited": invited,
            },
        )
    return ImportResult(
        created_accounts=created,
        enrolled=enrolled,
        skipped_already_enrolled=skipped,
        invited=invited,
    )


def queue_import_welcomes(*, user_ids: list[int], program_id: int | None) -> int:
    """Queue the welcome email ("choose your password") of each imported account, in bulk."""
    from peerly.accounts.services import password_set_url

    program = Program.objects.filter(pk=program_id).first() if program_id else None
    users = User.objects.filter(pk__in=user_ids).order_by("pk").iterator(chunk_size=IMPORT_BATCH)
    return queue_emails(
        EmailToQueue(
            key=f"import-welcome:{user.pk}",
            to=user,
            template="import_welcome",
            context={"program": program, "url": password_set_url(user)},
        )
        for user in users
    )


EXPORT_COLUMNS = (
    "email",
    "display_name",
    "team",
    "timezone",
    "languages",
    "role",
    "status",
    "joined_at",
)


EXPORT_CHUNK = 1000


def export_rows(
    program: Program,
    *,
    viewer: User | None = None,
    members: QuerySet[Enrollment] | None = None,
) -> Iterator[dict[str, str]]:
    """One row per member, with only the profile fields `viewer` may see ("" where the member
    hides a field; `viewer=None` is the operator's `peerly export`, at organiser level).
    `members`: the enrolments to export (the members list's filters), default all of them.

    A generator reading EXPORT_CHUNK members at a time (a server-side cursor on PostgreSQL),
    so the page can stream 10,000 members without holding them all in memory."""
    base = Enrollment.objects.all() if members is None else members
    qs = (
        base.filter(program=program)
        .select_related("user", "user__profile")
        .order_by("user__email")
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    level = None
    if viewer is not None:
        from peerly.accounts.selectors import program_level

        level = program_level(viewer=viewer, program=program)
    while chunk := list(islice(qs, EXPORT_CHUNK)):
        shown = profile_fields_for_viewer(
            viewer=viewer,
            users=[e.user for e in chunk],
            program=program,
            names=["team", "timezone", "languages"],
            level=level,
        )
        for e in chunk:
            fields = shown[e.user_id]
            yield {
                "email": e.user.email,
                "display_name": e.user.display_name,
                "team": fields.get("team", ""),
                "timezone": fields.get("timezone", ""),
                "languages": fields.get("languages", ""),
                "role": e.role,
                "status": e.status,
                "joined_at": e.joined_at.isoformat() if e.joined_at else "",
            }
