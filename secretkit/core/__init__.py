"""The core every service stands on: the simulated clock, the event log, seeded ids, AWS
errors, AES-GCM envelope crypto, and the operation decorator with the server-side checks.

Nothing here knows any service; every service knows this.
"""
