"""Readers: an issue file in → the article model (`typeset.model.Issue`) out.

A reader knows the layout of its input and nothing of HTML, PDF or EPUB; every later stage
sees only the model it returns.
"""
