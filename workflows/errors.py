"""Errors the engine raises."""


class DefinitionError(Exception):
    """A definition file is not valid. `problems` are 'file: path: message' lines."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Invalid workflow definition:\n" + "\n".join(f"  {p}" for p in problems))
