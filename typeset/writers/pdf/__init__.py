"""The print edition: the model set as HTML (`html`), laid out by WeasyPrint with Chinese
justification (`justify`), written as PDF/X-4 (`render`)."""
