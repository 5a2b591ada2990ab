"""What every provider shares: owners and who may manage them, the one-time state carried through
a hosted flow, exactly-once provisioning with a lease, the task plumbing, bulk runs, the audit of
duplicates, single flight through the cache, the admin bases and the REST API's error contract.

Nothing here names a provider. Each provider's package (``conductor_django`` itself for
Conductor, ``conductor_django.codat`` for Codat) supplies what differs: its client, its settings
dict, its models and its words. No concrete model lives here (abstract bases only), so the core
adds no table and no migration.
"""
