#!/usr/bin/env python3
"""Checks the Swift sources without a Swift compiler (there is none on our machines).

1. Parses every Swift file with tree-sitter and tree-sitter-swift (PyPI) and fails on any ERROR
   or MISSING node, naming the file, line and column. The grammar does not know uniffi's
   `@_documentation(visibility: ...)` attribute when it stands alone inside `#if ... #endif`, so
   it is blanked first (with as many spaces: lines and columns stay true).
2. Cross-checks every call our Swift makes into the generated bindings: a call whose name the
   generated Swift declares (a public type's initialiser, a method of a public type, a
   top-level function) must match one of its declarations' argument labels, in order, leaving
   out only parameters that have a default value.

What it cannot check: types, optionals, `try`, access levels, Apple's SDK calls, anything a
compiler would. Usage:

    scripts/check-swift.py --generated target/bindings/swift/callguard_ffi.swift FILE|DIR ...

Ends with "swift-check: N passed, N failed" (one check per parsed file and per FFI call);
exits 1 when anything failed.
"""

import argparse
import re
import sys
from pathlib import Path

import tree_sitter_swift
from tree_sitter import Language, Parser

LANGUAGE = Language(tree_sitter_swift.language())
DOC_ATTRIBUTE = re.compile(rb"@_documentation\(\s*visibility\s*:\s*\w+\s*\)")


def blank_unknown_attributes(source: bytes) -> bytes:
    return DOC_ATTRIBUTE.sub(lambda m: b" " * len(m.group(0)), source)


def parse_bytes(source: bytes):
    return Parser(LANGUAGE).parse(source)


def parse(path: Path):
    return parse_bytes(blank_unknown_attributes(path.read_bytes()))


def syntax_errors(node, out):
    """ERROR and MISSING nodes below `node`, as (line, column, what)."""
    if node.is_error or node.is_missing:
        kind = "missing " + node.type if node.is_missing else "syntax error"
        out.append((node.start_point.row + 1, node.start_point.column + 1, kind))
        if node.is_error:
            return out
    for child in node.children:
        if child.has_error or child.is_missing:
            syntax_errors(child, out)
    return out


def text(node) -> str:
    return node.text.decode("utf-8").strip("`")


def walk(node):
    yield node
    for child in node.children:
        yield from walk(child)


def is_public(declaration) -> bool:
    for child in declaration.children:
        if child.type == "modifiers":
            return any(c.type == "visibility_modifier" and c.text in (b"public", b"open")
                       for c in child.children)
    return False


def type_name(declaration):
    """The declared name of a class, struct, enum or the type an extension extends."""
    name = declaration.child_by_field_name("name")
    if name is None:
        return None
    identifiers = [n for n in walk(name) if n.type == "type_identifier"]
    return text(identifiers[-1]) if identifiers else text(name)


def signature(declaration):
    """A function's or initialiser's parameters as [(label or None, has a default)]."""
    params = []
    for child in declaration.children:
        if child.type == "parameter":
            external = child.child_by_field_name("external_name")
            if external is None:
                external = next((c for c in child.children if c.type == "simple_identifier"),
                                None)
            label = text(external) if external is not None else None
            params.append([None if label == "_" else label, False])
        elif child.type == "=" and params:
            params[-1][1] = True
    return [tuple(p) for p in params]


def function_name(declaration):
    for child in declaration.children:
        if child.type == "simple_identifier":
            return text(child)
    return None


def declarations(root, public_only):
    """{name: [signature, ...]}: initialisers under their type's name, functions and methods
    under theirs."""
    api = {}

    def add(name, sig):
        api.setdefault(name, []).append(sig)

    def visit(node, owner, owner_public):
        for child in node.children:
            if child.type in ("class_declaration", "protocol_declaration"):
                if child.type == "protocol_declaration":
                    continue  # the classes that conform declare the same members
                name = type_name(child)
                public = is_public(child) or not public_only
                kind = child.child_by_field_name("declaration_kind")
                if kind is not None and kind.text == b"extension":
                    public = True  # an extension's members carry their own modifiers
                body = child.child_by_field_name("body")
                if body is not None:
                    visit(body, name, public)
            elif child.type == "init_declaration":
                if owner and owner_public and (is_public(child) or not public_only):
                    add(owner, signature(child))
            elif child.type == "function_declaration":
                if (owner is None or owner_public) and (is_public(child) or not public_only):
                    name = function_name(child)
                    if name:
                        add(name, signature(child))

    visit(root, None, True)
    return api


def calls(root):
    """Every call as (line, column, name, labels, receiver?)."""
    for node in walk(root):
        if node.type != "call_expression" or not node.children:
            continue
        callee = node.children[0]
        suffix = next((c for c in node.children if c.type == "call_suffix"), None)
        if suffix is None or callee.type == "call_expression":
            continue  # a trailing closure after a call: the inner call is checked
        if callee.type == "simple_identifier":
            name, navigated = text(callee), False
        elif callee.type == "navigation_expression":
            nav = callee.child_by_field_name("suffix")
            member = nav.child_by_field_name("suffix") if nav is not None else None
            if member is None:
                continue
            name, navigated = text(member), True
        else:
            continue
        arguments = next((c for c in suffix.children if c.type == "value_arguments"), None)
        labels = []
        if arguments is not None:
            for argument in arguments.children:
                if argument.type != "value_argument":
                    continue
                label = argument.child_by_field_name("name")
                labels.append(text(label).rstrip(":") if label is not None else None)
        yield (node.start_point.row + 1, node.start_point.column + 1, name, labels, navigated)


def accepts(sig, labels) -> bool:
    """Whether a call with `labels` fits parameters `sig` (defaults may be left out)."""
    i = 0
    for label, has_default in sig:
        if i < len(labels) and labels[i] == label:
            i += 1
        elif not has_default:
            return False
    return i == len(labels)


def swift_files(paths):
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from sorted(path.rglob("*.swift"))
        elif path.exists():
            yield path


def main(argv=None) -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args.add_argument("--generated", required=True, type=Path,
                      help="the generated Swift bindings (scripts/bindings.sh)")
    args.add_argument("--list", action="store_true", help="print every FFI call checked")
    args.add_argument("sources", nargs="+", help="our Swift files or folders")
    options = args.parse_args(argv)

    passed = failed = 0
    generated = options.generated.resolve()
    ours = [p for p in swift_files(options.sources) if p.resolve() != generated]
    # A copy of the generated file inside our sources (the Swift package's) is not ours.
    ours = [p for p in ours if p.read_bytes() != generated.read_bytes()]
    trees = {}
    for path in [options.generated, *ours]:
        tree = parse(path)
        errors = syntax_errors(tree.root_node, [])
        for line, column, what in errors[:20]:
            print(f"{path}:{line}:{column}: {what}")
        if errors:
            failed += 1
        else:
            passed += 1
        trees[path] = tree
    api = declarations(trees[options.generated].root_node, public_only=True)
    own = {}
    for path in ours:
        for name, sigs in declarations(trees[path].root_node, public_only=False).items():
            own.setdefault(name, []).extend(sigs)

    checked = 0
    for path in ours:
        for line, column, name, labels, navigated in calls(trees[path].root_node):
            if name not in api:
                continue
            if not navigated and name in own:
                continue  # our own function of the same name, called on `self`
            fits_ffi = any(accepts(sig, labels) for sig in api[name])
            if not fits_ffi and any(accepts(sig, labels) for sig in own.get(name, [])):
                continue  # a method of ours with the same name, called on one of our types
            checked += 1
            shown = f"{name}({''.join((label or '_') + ':' for label in labels)})"
            if options.list:
                print(f"{path}:{line}:{column}: {shown}")
            if fits_ffi:
                passed += 1
            else:
                failed += 1
                known = "; ".join(
                    f"{name}({''.join((label or '_') + ':' for label, _ in sig)})"
                    for sig in api[name])
                print(f"{path}:{line}:{column}: {shown} is not in the generated Swift "
                      f"(it declares {known})")
    print(f"swift: {len(trees)} files parsed ({sum(1 for p in trees if p != options.generated)}"
          f" ours and the generated bindings), {checked} FFI calls checked")
    print(f"swift-check: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
