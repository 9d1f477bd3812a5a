"""Walk demo cases through their steps as the people of demo/organisation.yaml would."""
from __future__ import annotations

from datetime import timedelta


class Driver:
    """A case type's valid demo data; subclasses give `case_type`, `actors` (task -> person),
    `reporter`, `report(**overrides)` and `form(task, **overrides)`."""

    case_type: str
    actors: dict[str, str]
    reporter: str | None

    def __init__(self, runner, clock):
        self.runner, self.clock = runner, clock

    def day(self, offset: int = 0) -> str:
        return (self.clock.today() + timedelta(days=offset)).isoformat()

    def file(self, **overrides) -> str:
        return self.runner.file_case(self.case_type, self.report(**overrides), self.reporter).diary_number

    def complete(self, case: str, task: str, **overrides):
        return self.runner.complete_task(case, task, self.form(task, **overrides), self.actors[task])

    def walk(self, case: str, *tasks: str, **overrides_by_task):
        view = None
        for task in tasks:
            view = self.complete(case, task, **overrides_by_task.get(task, {}))
        return view

    def ready(self, case: str) -> list[str]:
        return sorted(t.name for t in self.runner.show_case(case, "fredrik").tasks)
