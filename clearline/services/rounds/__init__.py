"""Rounds of talks (``rounds``), and the report each opens with: its figures as each viewer
may see them (``figures``), its plots (``plots``), and its JSON, HTML and PDF (``report``)."""
