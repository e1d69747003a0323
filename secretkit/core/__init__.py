"""The core every service stands on. Nothing here knows any service; every service knows this.

Read it in this order: :mod:`.clock` (simulated time), :mod:`.events` (the event log),
:mod:`.ids` (seeded ids and passwords), :mod:`.errors` (AWS errors), :mod:`.crypto`
(AES-GCM envelopes), :mod:`.checks` (the server-side argument checks), :mod:`.context`
(the request context of one call), :mod:`.service` (``Env``, ``Service`` and the
``@operation`` decorator that runs every call in its context), and :mod:`.expressions`
(``rate()``/``cron()`` schedules).
"""

__all__: list[str] = []
