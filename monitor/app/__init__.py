"""The composition root: the one room that knows every other.

``build`` (settings -> pairs, feeds, clock; checks across sections), ``daemon`` (builds,
starts and stops everything; signals), ``alerting`` (alert and notify services together),
``tasks`` (the task supervisor), ``replay`` (the ``dlmon replay`` command).
"""
