"""What the line does: hotline, deadlines, line checks, accounts, rendering, the event bus.

Service functions take an open ``Connection`` and the time from the injected clock, so the API
runs them inside the writer's durable transaction and tests run them on fixed time.
"""
