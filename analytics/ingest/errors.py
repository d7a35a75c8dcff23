"""The one exception type the ingest raises for bad input: its message is shown to the user as is."""


class IngestError(ValueError):
    """A file that cannot be imported, with a plain-language message (no traceback is ever shown).

    ``rejected`` carries the per-row reasons when the problem is that every row was rejected, so the
    user can still see why.
    """

    def __init__(self, message: str, rejected: list | None = None):
        super().__init__(message)
        self.message = message
        self.rejected = rejected or []
