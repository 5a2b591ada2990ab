from tests.tasks.support import sandbox  # noqa: F401  (fixture)
