"""Transforms: article model in → article model out, as pure functions.

Full-width punctuation, the traditional-Chinese conversion and printable text change the
model's text, never its structure, so writers stay ignorant of how an edition was made.
"""
