"""Tactical alerting, live: track reports and identities (``tracks``, ``picture``), the
once-a-second sweep (``sweep``) that screens pairs of tracks for loss of well-clear
(``encounters``, with ``alerting``'s DO-365 filter) and tracks against zones, positions and
notices (``intrusions``), asks about unknown objects (``unknowns``), and replays an encounter
as DAIDALUS does (``replay``)."""
