"""The process-wide on/off switch of logging: one flag, read on every hot path (log calls, ``set_time_*``).

``RERUN=off``, ``rr.init(default_enabled=False)`` and ``rr.set_enabled`` set it through
:func:`rerun._session.set_enabled`; nothing else writes it.
"""

enabled = True
