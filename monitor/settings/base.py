"""The base of every configuration section; it imports nothing of dlmon's.

Sections are frozen pydantic models that refuse unknown keys. Any secret field ``x``
(a :class:`~pydantic.SecretStr`) may instead be given as ``x_file``: a path whose content
is the secret (Docker and Kubernetes secrets are files). The choices of an enumeration
(``log.level: debug``, ``kind: Premium``) are accepted in any case.

Start-up cost: schemas are built once, for the whole configuration, when it is first
validated (``defer_build``); an empty default is written ``[]`` or ``{}`` (pydantic copies
it per instance), not ``default_factory=list``, whose signature pydantic would inspect.
The modules of ``settings/`` do without ``from __future__ import annotations``: their
annotations are objects when a class is made, which pydantic reads as they are instead
of evaluating each as a string (~17 M fewer instructions at start-up).
"""

import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.fields import FieldInfo


class Model(BaseModel):
    """Base of config sections: unknown keys are errors; ``<secret>_file`` is read."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _read_secret_files(cls, data: Any) -> Any:
        return fold_choice_case(cls, read_secret_files(cls, data))


def fold_choice_case(cls: type[BaseModel], data: Any) -> Any:
    """Spell every enumeration value of ``data`` as its model spells it (``debug`` -> ``DEBUG``)."""
    if not isinstance(data, Mapping):
        return data
    out = dict(data)
    for name, field in cls.model_fields.items():
        if name in out:
            out[name] = _fold(field.annotation, out[name])
    return out


def _fold(annotation: Any, value: Any) -> Any:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(value, str):
        return _spelled(_choices(annotation), value)
    if isinstance(value, list) and origin is list and args:
        return [_fold(args[0], item) for item in value]
    if isinstance(value, Mapping) and origin is dict and len(args) == 2:
        return {key: _fold(args[1], item) for key, item in value.items()}
    if isinstance(value, Mapping) and origin is typing.Annotated:
        return _fold_tag(args, value)
    return value


def _fold_tag(args: tuple[Any, ...], value: Mapping[str, Any]) -> Any:
    # A discriminated union: the tag (``kind``, ``type``) picks the model, so fold it first.
    tag = next((m.discriminator for m in args[1:] if isinstance(m, FieldInfo)), None)
    if not isinstance(tag, str) or not isinstance(value.get(tag), str):
        return value
    choices: list[str] = []
    for member in typing.get_args(args[0]):
        fields = getattr(member, "model_fields", {})
        if tag in fields:
            choices.extend(_choices(fields[tag].annotation))
    return {**value, tag: _spelled(tuple(choices), value[tag])}


def _choices(annotation: Any) -> tuple[str, ...]:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return tuple(a for a in typing.get_args(annotation) if isinstance(a, str))
    if origin is Union or origin is types.UnionType:
        return tuple(c for a in typing.get_args(annotation) for c in _choices(a))
    return ()


def _spelled(choices: tuple[str, ...], value: str) -> str:
    if not choices or value in choices:
        return value
    same = [c for c in choices if c.lower() == value.lower()]
    return same[0] if len(same) == 1 else value


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


__all__ = ["Model", "fold_choice_case", "read_secret_files"]
