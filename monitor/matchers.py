"""Alertmanager-style label matchers (``=``, ``!=``, ``=~``, ``!~``) for silences,
inhibition and routing (pure).

Syntax and semantics follow Alertmanager's: ``name op value`` with the value unquoted or
double-quoted (``\\"``, ``\\\\`` and ``\\n`` escapes); several matchers are joined by
commas, optionally inside ``{...}``; regular expressions are anchored at both ends; a
missing label matches as the empty string; every matcher of a list must match.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_ONE = re.compile(
    rf'^\s*(?P<name>{_NAME}|"(?:[^"\\]|\\.)*")\s*(?P<op>=~|!~|!=|=)\s*(?P<value>.*?)\s*$', re.S
)


class Op(enum.StrEnum):
    EQ = "="
    NE = "!="
    RE = "=~"
    NRE = "!~"


@dataclass(frozen=True, slots=True)
class Matcher:
    """One label matcher."""

    name: str
    op: Op
    value: str
    _regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, name: str, op: Op | str, value: str) -> Matcher:
        """Build a matcher; raise ``ValueError`` for an invalid name or regex."""
        if not re.fullmatch(_NAME, name):
            raise ValueError(f"invalid label name {name!r}")
        kind = Op(op)
        regex = None
        if kind in (Op.RE, Op.NRE):
            try:
                regex = re.compile(f"^(?:{value})$", re.S)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {value!r}: {exc}") from None
        return cls(name, kind, value, regex)

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether ``labels`` satisfy this matcher (a missing label is ``""``)."""
        value = labels.get(self.name, "")
        if self.op is Op.EQ:
            return value == self.value
        if self.op is Op.NE:
            return value != self.value
        assert self._regex is not None
        found = self._regex.match(value) is not None
        return found if self.op is Op.RE else not found

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'{self.name}{self.op.value}"{escaped}"'

    def to_json(self) -> dict[str, object]:
        """Alertmanager API v2 shape: ``name``, ``value``, ``isRegex``, ``isEqual``."""
        return {
            "name": self.name,
            "value": self.value,
            "isRegex": self.op in (Op.RE, Op.NRE),
            "isEqual": self.op in (Op.EQ, Op.RE),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Matcher:
        """Parse the Alertmanager API v2 shape (``isEqual`` defaults to true)."""
        regex, equal = bool(data.get("isRegex", False)), bool(data.get("isEqual", True))
        op = {(False, True): Op.EQ, (False, False): Op.NE, (True, True): Op.RE}.get(
            (regex, equal), Op.NRE
        )
        return cls.of(str(data["name"]), op, str(data.get("value", "")))


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        body = text[1:-1]
        return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), body)
    return text


def parse_matcher(text: str) -> Matcher:
    """Parse one matcher, e.g. ``pair="PONY"``, ``severity =~ warning|critical``."""
    m = _ONE.match(text)
    if m is None:
        raise ValueError(f"not a label matcher: {text!r} (expected name=value, !=, =~ or !~)")
    return Matcher.of(_unquote(m.group("name")), m.group("op"), _unquote(m.group("value")))


def _split(text: str) -> list[str]:
    """Split on commas outside double quotes."""
    parts, current, quoted, escaped = [], [], False, False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            current.append(ch)
            escaped = quoted
        elif ch == '"':
            current.append(ch)
            quoted = not quoted
        elif ch == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if quoted:
        raise ValueError(f"unterminated quote in {text!r}")
    parts.append("".join(current))
    return parts


def parse_matchers(text: str) -> list[Matcher]:
    """Parse ``{a="1", b=~"x|y"}`` or ``a="1", b=~"x|y"`` (a trailing comma is allowed)."""
    body = text.strip()
    if body.startswith("{") != body.endswith("}"):
        raise ValueError(f"unbalanced braces in {text!r}")
    if body.startswith("{"):
        body = body[1:-1]
    parts = _split(body)
    if parts and not parts[-1].strip():
        parts.pop()
    return [parse_matcher(p) for p in parts]


def parse_list(items: Iterable[str]) -> list[Matcher]:
    """Parse a YAML list of matcher strings (each may hold several, comma-separated)."""
    return [m for item in items for m in parse_matchers(item)]


def match_all(matchers: Iterable[Matcher], labels: Mapping[str, str]) -> bool:
    """Whether every matcher matches ``labels`` (true for no matchers)."""
    return all(m.matches(labels) for m in matchers)
