"""Where a configuration value comes from, so that an error can name it.

A value comes from the YAML file (read as UTF-8, no key given twice, ``${VAR}``
references expanded with the key that holds them) or from a ``DLMON_<SECTION>__<KEY>``
environment variable (an error in such a value is blamed on the variable, and a
``DLMON_`` variable that matches no setting is refused).
"""

import os
import re
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from monitor.errors import ConfigError

ENV_PREFIX = "DLMON_"
OTHER_VARIABLES = frozenset({"DLMON_CONFIG", "DLMON_REVISION", "DLMON_URL", "DLMON_API_TOKEN"})
"""``DLMON_`` variables that are not settings (read by the command line itself): add any
new one here, or ``dlmon run`` refuses it as a misspelt setting."""

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def read_text(path: str | Path) -> str:
    """The text of a configuration file; ConfigError if unreadable or not UTF-8."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x});"
            " save the file as UTF-8"
        ) from None


def load_unique_keys(text: str, origin: str) -> Any:
    """``yaml.safe_load(text)``, refusing a mapping that gives the same key twice (YAML
    would keep only the last). One parse: the checked node tree is what is constructed.
    Raises ``yaml.YAMLError`` for text that is not YAML, ConfigError for a repeated key."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _walk(root, "", origin)
        return loader.construct_document(root)
    finally:
        loader.dispose()


def _walk(node: yaml.Node, path: str, origin: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            where = f"{path}.{key}" if path else str(key)
            if key is not None and key != "<<":
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise ConfigError(
                        f"{origin}: {where}: the key is given twice (lines {seen[key]} and"
                        f" {line}); YAML would silently keep only the last"
                    )
                seen[key] = line
            _walk(value_node, where, origin)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, f"{path}.{index}", origin)


def expand_env(value: Any, origin: str = "", path: str = "", seen: set[str] | None = None) -> Any:
    """Substitute ``${VAR}`` and ``${VAR:-default}`` in every string of a YAML tree.

    The names referenced are added to ``seen``; a missing variable is a ConfigError that
    names the file and the key.
    """
    if isinstance(value, str):

        def repl(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if seen is not None:
                seen.add(name)
            if name in os.environ:
                return os.environ[name]
            if default is not None:
                return default
            where = f"{origin}: {path}: " if origin else (f"{path}: " if path else "")
            raise ConfigError(f"{where}environment variable {name} is not set")

        return _ENV_REF.sub(repl, value)
    if isinstance(value, list):
        return [expand_env(v, origin, f"{path}.{i}", seen) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {
            k: expand_env(v, origin, f"{path}.{k}" if path else str(k), seen)
            for k, v in value.items()
        }
    return value


def blamed_variable(loc: Sequence[Any], prefix: Sequence[str] = ()) -> str | None:
    """The environment variable that set the value at ``loc``, if one did.

    ``DLMON_SERVER__PORT`` sets ``server.port``; ``DLMON_SERVER`` (JSON) sets all of
    ``server``. Names are matched without regard to case, as pydantic-settings does.
    """
    parts = [str(p) for p in (*prefix, *loc)]
    present = {name.upper(): name for name in os.environ if name.upper().startswith(ENV_PREFIX)}
    for end in range(len(parts), 0, -1):
        candidate = ENV_PREFIX + "__".join(parts[:end]).upper()
        if candidate in present:
            return present[candidate]
    deeper = ENV_PREFIX + "__".join(parts).upper() + "__"  # set a key inside this value
    below = sorted(present[name] for name in present if name.startswith(deeper))
    return ", ".join(below) or None


def unknown_variables(sections: Collection[str], referenced: Iterable[str]) -> list[str]:
    """``DLMON_`` variables that set no section and are not referenced as ``${VAR}``."""
    known = {s.lower() for s in sections}
    allowed = OTHER_VARIABLES | {name.upper() for name in referenced}
    unknown = []
    for name in sorted(os.environ):
        upper = name.upper()
        if not upper.startswith(ENV_PREFIX) or upper in allowed:
            continue
        section = upper[len(ENV_PREFIX) :].split("__", 1)[0].lower()
        if section not in known:
            unknown.append(name)
    return unknown


__all__ = [
    "ENV_PREFIX",
    "OTHER_VARIABLES",
    "blamed_variable",
    "expand_env",
    "load_unique_keys",
    "read_text",
    "unknown_variables",
]
