"""The sandbox plays Conductor, a remote service with storage of its own: its tables live in a
database of their own, so its writes never take the app's SQLite lock (as Conductor's never
would)."""

SANDBOX = "conductor_sandbox"


class SandboxRouter:
    def _database(self, model):
        return "sandbox" if model._meta.app_label == SANDBOX else None

    def db_for_read(self, model, **hints):
        return self._database(model)

    def db_for_write(self, model, **hints):
        return self._database(model)

    def allow_migrate(self, db, app_label, **hints):
        return (app_label == SANDBOX) == (db == "sandbox")
