"""The protocol as a document: its canonical JSON, YAML and field-by-field diff
(``document``), and the versions of an agreement's protocol a user may read (``versions``)."""
