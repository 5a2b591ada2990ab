"""Connect Django users (or organizations) to QuickBooks Desktop through Conductor."""

__version__ = "0.1.0"
