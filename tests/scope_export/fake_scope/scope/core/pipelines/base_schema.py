"""As scope/core/pipelines/base_schema.py (lightweight: pydantic only)."""
from enum import Enum
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field


class UsageType(str, Enum):
    PREPROCESSOR = "preprocessor"
    POSTPROCESSOR = "postprocessor"


class ModeDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid")
    default: bool = False
    height: int | None = None
    width: int | None = None
    denoising_steps: list[int] | None = None
    noise_scale: float | None = None
    noise_controller: bool | None = None
    input_size: int | None = None
    default_temporal_interpolation_steps: int | None = None


def ui_field_config(*, order: int | None = None, component: str | None = None,
                    modes: list[str] | None = None, is_load_param: bool = False,
                    label: str | None = None,
                    category: Literal["configuration", "input"] | None = None,
                    modulatable: bool = False, modulatable_min: float | None = None,
                    modulatable_max: float | None = None) -> dict:
    ui: dict[str, Any] = {"category": category or "configuration", "is_load_param": is_load_param}
    if order is not None:
        ui["order"] = order
    if component is not None:
        ui["component"] = component
    if modes is not None:
        ui["modes"] = modes
    if label is not None:
        ui["label"] = label
    if modulatable:
        ui["modulatable"] = True
        if modulatable_min is not None:
            ui["modulatable_min"] = modulatable_min
        if modulatable_max is not None:
            ui["modulatable_max"] = modulatable_max
    return {"ui": ui}


class BasePipelineConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pipeline_id: ClassVar[str] = "base"
    pipeline_name: ClassVar[str] = "Base"
    pipeline_description: ClassVar[str] = ""
    pipeline_version: ClassVar[str] = "1.0.0"
    docs_url: ClassVar[str | None] = None
    estimated_vram_gb: ClassVar[float | None] = None
    requires_models: ClassVar[bool] = False
    artifacts: ClassVar[list] = []
    supports_lora: ClassVar[bool] = False
    supports_vace: ClassVar[bool] = False
    produces_video: ClassVar[bool] = True
    produces_audio: ClassVar[bool] = False
    min_dimension: ClassVar[int] = 1
    usage: ClassVar[list] = []
    inputs: ClassVar[list] = ["video"]
    outputs: ClassVar[list] = ["video"]
    modes: ClassVar[dict] = {"text": ModeDefaults(default=True)}
    supports_prompts: ClassVar[bool] = True

    height: int = Field(default=512, ge=1)
    width: int = Field(default=512, ge=1)
    manage_cache: bool = True
    base_seed: int = Field(default=42, ge=0)
    denoising_steps: list[int] | None = None
    lora_merge_strategy: str | None = None
    noise_scale: float | None = None
    noise_controller: bool | None = None
    input_size: int | None = 1
    ref_images: list[str] | None = None
    vace_context_scale: float = 1.0

    @classmethod
    def get_schema_with_metadata(cls) -> dict:
        modes = cls.modes
        default_mode = next((m for m, d in modes.items() if d.default), next(iter(modes)))
        return {
            "id": cls.pipeline_id, "name": cls.pipeline_name,
            "description": cls.pipeline_description, "version": cls.pipeline_version,
            "supported_modes": list(modes), "default_mode": default_mode,
            "supports_prompts": cls.supports_prompts,
            "estimated_vram_gb": cls.estimated_vram_gb,
            "produces_video": cls.produces_video, "produces_audio": cls.produces_audio,
            "usage": [u.value if isinstance(u, Enum) else u for u in cls.usage],
            "inputs": list(cls.inputs), "outputs": list(cls.outputs),
            "config_schema": cls.model_json_schema(),
            "mode_defaults": {m: d.model_dump(exclude_none=True) for m, d in modes.items()},
        }
