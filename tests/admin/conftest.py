from .support import make_user  # noqa: F401
