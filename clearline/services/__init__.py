"""What the line does, one folder a capability: ``line`` (the hotline), ``record`` (the signed
ledger), ``deconfliction`` (notices, zones, the conflict engine) and ``tactical`` (tracks and
alerting); ``accounts`` and ``agreements`` serve them all.

Service functions take an open ``Connection`` and the time from the injected clock, so the API
runs them inside the writer's durable transaction and tests run them on fixed time.
"""
