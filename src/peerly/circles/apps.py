from django.apps import AppConfig


class CirclesConfig(AppConfig):
    name = "peerly.circles"
    label = "circles"

    def ready(self) -> None:
        from peerly.circles.kind import CircleKind
        from peerly.programs import kinds

        kinds.register(CircleKind())
