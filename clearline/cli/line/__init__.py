"""Commands that call a running line's API with a token (``--url``, ``--token``), as any
party's system would: the line checks the caller's role, screens each change at once and tells
the other parties."""
