"""As scope/core/plugins/hookspecs.py: pluggy markers for project "scope"."""
import pluggy

hookspec = pluggy.HookspecMarker("scope")
hookimpl = pluggy.HookimplMarker("scope")


class ScopeHookSpec:
    @hookspec
    def register_pipelines(self, register):
        """Register pipeline classes: register(PipelineClass)."""

    @hookspec
    def register_nodes(self, register):
        """Register node / input-source classes."""
