from tests.tasks.codat_support import codat_sandbox  # noqa: F401  (fixture)
from tests.tasks.support import sandbox  # noqa: F401  (fixture)
