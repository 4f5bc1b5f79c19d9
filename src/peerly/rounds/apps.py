from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "peerly.rounds"
    label = "rounds"

    def ready(self) -> None:
        from peerly.programs import kinds
        from peerly.rounds.kind import CoffeeKind

        kinds.register(CoffeeKind())
