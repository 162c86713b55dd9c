"""What the tests share: builders of notices, tracks and messages, clients that act as demo
users, real server processes, refusal checks, reference data. No test module imports another."""
