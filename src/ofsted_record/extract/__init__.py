"""Report PDFs -> tidy inspection and judgement tables (see ``pipeline.run_extraction``)."""
