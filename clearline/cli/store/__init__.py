"""Commands that work on the node's own database (``--db``), not through a line: set-up, the
ledger's export, agreed zones, the what-if check on what is filed. Run them beside the node;
what they record is sealed into the ledger as the server's writes are."""
