"""The example project with organizations as owners (``EXAMPLE_OWNER=organization``)."""

from tests.settings import *  # noqa: F403
from tests.settings import CODAT_TEST_SETTINGS, CONDUCTOR

CONDUCTOR = {
    **CONDUCTOR,
    "OWNER_MODEL": "organizations.Organization",
    "OWNER_RESOLVER": "example_project.organizations.owners.organization_of",
    "CAN_MANAGE_CONNECTION": "example_project.organizations.owners.is_organization_admin",
}
# Organizations get a Codat company at creation, as with Codat's defaults.
CODAT = CODAT_TEST_SETTINGS
CONDUCTOR_TEST_SHAPE = "tests.hosts.shapes.ExampleOrganizations"
