"""Plain typed records shared by every layer. Imports nothing of Clearline but ``clock``."""
