"""Benchmarks of conductor-django against its floors, run with ``python -m bench``.

Everything runs against the offline sandbox served by gunicorn (one process, many threads) on
127.0.0.1, started and stopped by the command; the figures go to ``docs/benchmarks.md``.
"""
