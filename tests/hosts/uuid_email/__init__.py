"""A host project unlike the example: UUID-keyed users who log in by e-mail, no DRF app."""
