from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "peerly.mentorship"
    label = "mentorship"

    def ready(self) -> None:
        from peerly.core import jobs
        from peerly.mentorship import jobs as mentorship_jobs
        from peerly.mentorship.kind import MentorshipKind
        from peerly.programs import kinds

        kinds.register(MentorshipKind())
        from peerly.evaluation import kpi
        from peerly.mentorship import metrics

        kpi.register(*metrics.METRICS)  # the kind's metrics in the KPI dictionary
        jobs.register(mentorship_jobs.JOB_KIND, mentorship_jobs.run_batch)
