"""The base of every configuration section; it imports nothing of dlmon's.

Sections are frozen pydantic models that refuse unknown keys. Any secret field ``x``
(a :class:`~pydantic.SecretStr`) may instead be given as ``x_file``: a path whose content
is the secret (Docker and Kubernetes secrets are files).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


class Model(BaseModel):
    """Base of config sections: unknown keys are errors; ``<secret>_file`` is read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _read_secret_files(cls, data: Any) -> Any:
        return read_secret_files(cls, data)


def read_secret_files(cls: type[BaseModel], data: Any) -> Any:
    """Replace ``<field>_file: PATH`` by ``<field>: <content of PATH>`` for secret fields."""
    if not isinstance(data, Mapping):
        return data
    out = dict(data)
    for key in list(out):
        if not key.endswith("_file"):
            continue
        name = key[: -len("_file")]
        target = cls.model_fields.get(name)
        if target is None or "SecretStr" not in repr(target.annotation):
            continue
        path = Path(str(out.pop(key)))
        try:
            out[name] = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ValueError(f"cannot read {key} {str(path)!r}: {exc.strerror}") from None
    return out


__all__ = ["Model", "read_secret_files"]
