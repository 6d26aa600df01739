"""Ofsted's official 2009-2023 judgement table: tidy it, reconcile the extraction with it, and
fill the gaps it covers (pre-2013 frameworks, abolished councils) into the complete record."""
