"""The Codat pages: the owner's connections, the integration picker, connect, the return from
Link, and reconnect / disconnect / delete with a confirmation. Thin over ``services``."""

from .callback import callback
from .connections import connections
from .manage import delete, disconnect, reconnect
from .picker import connect, picker

__all__ = ["callback", "connect", "connections", "delete", "disconnect", "picker", "reconnect"]
