"""Errors a user can cause. The CLI prints their message as one line on stderr and exits non-zero."""


class UserError(Exception):
    """Bad input or a missing prerequisite; the message names the file (and line) and what to do."""
