"""Errors the command line reports as one line naming the file, with exit status 2."""


class InputError(Exception):
    """An issue file typeset cannot read: missing, empty, binary, or with no article."""
