"""Writers: an edition's article model in → an output file (PDF, EPUB) out.

Writers never parse issue text: everything they print comes from the model and the
templates in `templates/`.
"""
