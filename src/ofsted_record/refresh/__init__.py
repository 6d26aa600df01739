"""Stay current as Ofsted publishes: discover, download, verify, extract, log changes.

See ``docs/refresh.md``. Modules: ``discover`` (parse provider pages), ``client`` (polite,
retrying HTTP), ``cache`` (manifest, seeding, temp-file hygiene), ``changelog``, ``run``
(orchestration), ``fakesite`` (a local fake Ofsted site for tests and benchmarks).
"""
