"""Named errors. Each message says what went wrong and what to do about it."""


class StorylineError(Exception):
    """Base class for errors storyline reports to the user."""


class InputError(StorylineError):
    """One input could not be read as an article; the rest of the batch goes on."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class StoreError(StorylineError):
    """The database could not be opened or written."""


class ModelError(StorylineError):
    """The spaCy model is missing or broken."""
