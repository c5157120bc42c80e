"""typeset: print-ready PDF and EPUB 3 editions of Chinese periodical issue files."""

from importlib.metadata import version

__version__ = version("typeset")
