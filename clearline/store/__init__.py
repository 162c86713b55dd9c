"""Persistence behind one interface: SQLite by default, PostgreSQL by URL (SQLAlchemy 2 Core).

Repository modules take an open ``Connection`` so that a service can group several writes in
the one transaction that the writer commits before anything is acknowledged to a client.
"""
