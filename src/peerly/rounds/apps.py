from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "peerly.rounds"
    label = "rounds"

    def ready(self) -> None:
        from peerly.core import jobs
        from peerly.notifications import attachments
        from peerly.programs import kinds
        from peerly.rounds import calendars
        from peerly.rounds import jobs as rounds_jobs
        from peerly.rounds.kind import CoffeeKind

        kinds.register(CoffeeKind())
        from peerly.evaluation import kpi
        from peerly.rounds import metrics

        kpi.register(*metrics.METRICS)  # the kind's metrics in the KPI dictionary
        attachments.register(calendars.SUGGESTION_RENDERER, calendars.suggestion_ics_of_group)
        jobs.register(rounds_jobs.JOB_KIND, rounds_jobs.run_publish)
        jobs.register(rounds_jobs.EMAILS_KIND, rounds_jobs.run_publish_emails)
