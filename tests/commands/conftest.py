from tests.admin.support import make_user  # noqa: F401
