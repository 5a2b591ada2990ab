"""The sandboxes play Conductor and Codat, remote services with storage of their own: their
tables live in a database of their own, so their writes never take the app's SQLite lock (as
Conductor's or Codat's never would)."""

SANDBOXES = frozenset({"conductor_sandbox", "codat_sandbox"})


class SandboxRouter:
    def _database(self, model):
        return "sandbox" if model._meta.app_label in SANDBOXES else None

    def db_for_read(self, model, **hints):
        return self._database(model)

    def db_for_write(self, model, **hints):
        return self._database(model)

    def allow_migrate(self, db, app_label, **hints):
        return (app_label in SANDBOXES) == (db == "sandbox")
