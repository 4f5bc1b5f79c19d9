from django_tasks import task

from peerly.notifications.services import send_email


@task()
def send_email_task(email_id: int) -> bool:
    return send_email(email_id=email_id)
