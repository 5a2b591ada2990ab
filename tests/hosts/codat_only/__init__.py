"""A host that uses Codat only: its owner model carries ``CodatCompanyMixin`` and not
Conductor's. Installed by the tests that need it (no table: the checks only read the model)."""
