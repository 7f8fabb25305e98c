"""The configuration models, one module per section; none of them imports another room.

``base`` (:class:`~monitor.settings.base.Model`, secret files: imports nothing of ours),
``alerts``, ``notify``, ``recorder`` (their sections), ``root`` (the whole
:class:`~monitor.settings.root.Settings` and its loader). Feed providers keep their
options in ``monitor/feeds/<provider>/config.py``; the composition root validates them.
"""
