"""The EPUB 3 edition: one XHTML document per article, subset fonts, a designed cover."""
