"""As scope/core/pipelines/interface.py: Pipeline is an alias of Node."""
from pydantic import BaseModel

from ..nodes.base import Node

Pipeline = Node


class Requirements(BaseModel):
    input_size: int
