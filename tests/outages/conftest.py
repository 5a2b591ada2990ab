from tests.tasks.support import owner, sandbox, secrets_absent  # noqa: F401  (fixtures)
