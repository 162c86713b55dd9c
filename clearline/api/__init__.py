"""HTTP and WebSocket interface (FastAPI): auth, shapes and routes; no logic of its own."""
