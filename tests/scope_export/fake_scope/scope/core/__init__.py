from .plugins.hookspecs import hookimpl  # noqa: F401  (scope.core.hookimpl)
