"""The recognition step of `peerly tick`: badge rules and due certificates, for every
programme whose organisers switched something on. Idempotent (awards and certificates are
once per member by constraint); a programme that fails is logged and the rest still run."""

from __future__ import annotations

import datetime as dt
import logging

from peerly.programs.models import Program
from peerly.programs.models import ProgramStatus
from peerly.recognition import services
from peerly.recognition.models import RecognitionSettings

logger = logging.getLogger(__name__)


def tick(*, now: dt.datetime) -> dict[str, int]:
    counts = {"badges": 0, "certificates": 0}
    program_ids = RecognitionSettings.objects.values_list("program_id", flat=True)
    for program in Program.objects.filter(pk__in=program_ids).exclude(status=ProgramStatus.DRAFT):
        try:
            counts["badges"] += services.evaluate_rules(program=program, now=now)
            counts["certificates"] += services.issue_due_certificates(program=program, now=now)
        except Exception:
            logger.exception("recognition tick failed for programme %s", program.pk)
            counts["failed"] = counts.get("failed", 0) + 1
    return counts
