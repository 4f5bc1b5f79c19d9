from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    """The resource library: guides, templates, checklists, videos, links and files, with
    tag-based recommendations (docs/resources.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "peerly.resources"
    verbose_name = "Resources"
