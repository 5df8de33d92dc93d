from .hookspecs import hookimpl, hookspec  # noqa: F401
