from .support import sandbox  # noqa: F401  (fixture)
