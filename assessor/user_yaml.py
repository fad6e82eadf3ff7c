"""YAML that people write for assessor (portal lists, review files), read with the line of every value.

The data comes with its composed node tree, so that a mistake found later (a field of the wrong
type, an unknown key) can name its line. What PyYAML itself would let pass is caught here: a key
given twice in one mapping, of which it silently keeps the last value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

# A step from a mapping to one of its values (its key) or from a list to an item (its index).
PathStep = str | int


class UserYamlError(ValueError):
    """Text that is not valid YAML; `line` is where the parser found the problem, if it knows."""

    def __init__(self, line: int | None, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class RepeatedKey:
    """A key given a second time in one mapping; `path` leads from the document to it."""

    path: tuple[PathStep, ...]
    line: int
    first_line: int

    @property
    def said(self) -> str:
        """`key 'points' given twice (first on line 7)`, to follow the file and line it is at."""
        return f"key '{self.path[-1]}' given twice (first on line {self.first_line})"


@dataclass(frozen=True)
class UserYaml:
    data: Any
    root: yaml.Node | None  # None for an empty document
    repeated_keys: list[RepeatedKey]
    # The nodes that an alias (`*name`) repeats: settings written once under an anchor and used
    # by reference, as in `<<: *defaults`.
    aliased: list[yaml.Node]

    def is_aliased(self, node: yaml.Node) -> bool:
        return any(node is other for other in self.aliased)


def read_yaml(text: str) -> UserYaml:
    """The data of `text`, its node tree, and the keys it gives twice. Raises UserYamlError."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        # Looked for before the data is built: building merges `<<: *anchor` keys into the nodes,
        # and a key that overrides a merged one is not given twice.
        aliased: list[yaml.Node] = []
        repeated = list(_repeated_keys(root, (), {}, aliased))
        data = None if root is None else loader.construct_document(root)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UserYamlError(mark.line + 1 if mark else None, str(getattr(exc, "problem", None) or exc)) from None
    finally:
        loader.dispose()
    return UserYaml(data, root, repeated, aliased)


def _repeated_keys(node: yaml.Node | None, path: tuple[PathStep, ...], seen: dict[int, yaml.Node],
                   aliased: list[yaml.Node]) -> Iterator[RepeatedKey]:
    if node is None:
        return
    if id(node) in seen:  # an alias repeats a node already walked
        aliased.append(node)
        return
    seen[id(node)] = node
    if isinstance(node, yaml.MappingNode):
        first_lines: dict[tuple[str, str], int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                line = key.start_mark.line + 1
                if (key.tag, key.value) in first_lines:
                    yield RepeatedKey((*path, key.value), line, first_lines[key.tag, key.value])
                else:
                    first_lines[key.tag, key.value] = line
            yield from _repeated_keys(value, (*path, key.value if isinstance(key, yaml.ScalarNode) else "?"), seen,
                                      aliased)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _repeated_keys(item, (*path, index), seen, aliased)


def yaml_node(node: yaml.Node, path: tuple[Any, ...]) -> yaml.Node:
    """The YAML node at `path` (mapping keys and list indexes), or the deepest that exists on the way."""
    for step in path:
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            child = node.value[step]
        else:
            child = None
        if child is None:
            break
        node = child
    return node


def yaml_line(node: yaml.Node, path: tuple[Any, ...]) -> int:
    """The 1-based line of the YAML node at `path`, or of the deepest that exists on the way."""
    return yaml_node(node, path).start_mark.line + 1


def key_lines(node: yaml.Node) -> dict[str, int]:
    """The line of each key of a mapping node (its first, if given twice)."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                lines.setdefault(key.value, key.start_mark.line + 1)
    return lines


def key_values(node: yaml.Node) -> dict[str, str]:
    """The text of each scalar value of a mapping node, by key: what the person wrote, before
    YAML turns `01` into the number 1."""
    values: dict[str, str] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode):
                values.setdefault(key.value, value.value)
    return values
