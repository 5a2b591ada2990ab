"""Signals for host apps. Conductor has no webhooks; these fire whenever this app learns
something, from whichever path learnt it (settings view, callback, API, admin, commands, tasks).

- ``end_user_created(sender=owner model, owner, end_user_id)``
- ``auth_session_created(sender=owner model, owner, record)`` with the ``AuthSessionRecord``
- ``connection_status_changed(sender=owner model, owner, end_user_id, old_status, new_status,
  error_code, user_facing_message)``
- ``connection_completed(sender=owner model, owner, end_user_id)``: the first passing check after
  the connection was not known to work.
- ``end_user_missing(sender=owner model, owner, end_user_id, request_id)``: Conductor no longer
  has the owner's stored end-user (deleted on its dashboard, or the keys now open another
  project); the app forgot the id, once, and gives the owner another (``end_user_created``
  follows when it is created or adopted).

``owner`` may be None where the end-user id no longer matches a host row.
"""

from django.dispatch import Signal

end_user_created = Signal()
auth_session_created = Signal()
connection_status_changed = Signal()
connection_completed = Signal()
end_user_missing = Signal()
