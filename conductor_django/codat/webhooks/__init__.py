"""Codat's webhooks: a signed event reaches the recorded connection and the status signals.

Mount ``conductor_django.codat.webhooks.urls`` (e.g. at ``codat/webhooks/``) and register that
URL in Codat's Portal with its signing secret in ``CODAT["WEBHOOK_SECRETS"]``. The view
(``views.receive``) verifies each delivery (``verify``), stores the event once by its
``webhook-id`` (``models.CodatWebhookEvent``) and queues it; the task (``tasks``) hands it to
``processing``, which records what Codat said through ``records``, so an older event never
overwrites a newer fact.

Nothing is imported here: the app's models module imports ``webhooks.models``.
"""
