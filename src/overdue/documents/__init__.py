"""Documents: one template source per document type, rendered to DOCX and PDF, then checked."""
