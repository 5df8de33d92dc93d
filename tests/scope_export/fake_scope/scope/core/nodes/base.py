"""As scope/core/nodes/base.py (the parts a pipeline plugin touches)."""


class Node:
    def __init__(self, node_id: str = "", config: dict | None = None):
        self.node_id = node_id
        self.config = config or {}

    @classmethod
    def get_config_class(cls):
        return None

    @classmethod
    def get_definition(cls):
        config = cls.get_config_class()
        if config is None:
            raise TypeError(f"{cls.__name__} is not a pipeline")
        return {
            "node_type_id": config.pipeline_id,
            "category": "pipeline",
            "inputs": list(config.inputs) or ["video"],
            "outputs": list(config.outputs),
            "pipeline_meta": config.get_schema_with_metadata(),
        }

    def prepare(self, **kwargs):
        return None

    def __call__(self, **kwargs) -> dict:
        raise NotImplementedError

    def shutdown(self):
        pass


BaseNode = Node
