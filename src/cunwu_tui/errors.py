"""Errors every layer shares. Import-free, so screens can catch them without
loading the database layer."""


class ValidationError(Exception):
    """Bad input: one Chinese message per field; nothing was saved."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()))


class SaveError(Exception):
    """A write that failed for a reason other than the input; nothing was saved."""
