from .codat_support import codat_sandbox  # noqa: F401  (fixture)
from .support import sandbox  # noqa: F401  (fixture)
