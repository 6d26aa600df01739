"""House-style charts (Altair): palette, theme, one module per chart, and the catalogue of
published charts. Importing the package registers and enables the ``ofsted_record`` theme."""

from ofsted_record.charts import theme as theme  # noqa: F401
