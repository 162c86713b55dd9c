"""The command line: admin commands on the store, and a client of the API for the watch."""
