from django_tasks import task

from peerly.notifications.services import send_email


@task()
def send_email_task(email_id: int) -> bool:
    return send_email(email_id=email_id)


@task()
def send_emails_task(email_ids: list[int]) -> int:
    """Send a batch queued by `queue_emails` (each one at most once: `send_email` locks the
    row and skips what was sent). Returns how many went out now."""
    cache: dict[str, str] = {}  # a group's calendar files, made once for the batch
    return sum(send_email(email_id=i, attachment_cache=cache) for i in email_ids)
