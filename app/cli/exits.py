"""Exit codes and the one error every command may raise for bad usage or bad input."""

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad usage or bad input: reported in one line, exit code 2."""


class CommandFailed(Exception):
    """A command that cannot go on (e.g. the data folder is in use): one line, exit 1."""
