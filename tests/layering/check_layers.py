#!/usr/bin/env python3
"""Fails when a lib/ module includes a header from a module it does not depend on.

The layers are the `rollout_module(NAME DEPS ...)` declarations in lib/CMakeLists.txt: a
module may include its own headers and those of the modules it depends on, directly or
through them. An include from anywhere else is a module reaching above itself (or
sideways), which the linker only catches once a symbol is used; this catches the include.
Usage: check_layers.py SOURCE_DIR. Prints one line per offending include, exits 1 if any.
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
lib = root / "lib"
declared = re.findall(r"rollout_module\(\s*(\w+)((?:\s+DEPS)?[^)]*)\)",
                      (lib / "CMakeLists.txt").read_text())
deps = {name: set(re.findall(r"rollout_(\w+)", rest)) for name, rest in declared}

def closure(name, seen=None):
    seen = set() if seen is None else seen
    for d in deps.get(name, ()):
        if d not in seen:
            seen.add(d)
            closure(d, seen)
    return seen

include = re.compile(r'^\s*#\s*include\s+"([A-Za-z_]+)/[^"]+"', re.M)
bad = []
for module in sorted(p.name for p in lib.iterdir() if p.is_dir()):
    if module not in deps:
        bad.append(f"lib/{module}/: not declared with rollout_module() in lib/CMakeLists.txt")
        continue
    allowed = closure(module) | {module}
    for path in sorted((lib / module).glob("*.[ch]pp")):
        text = path.read_text()
        for m in include.finditer(text):
            target = m.group(1)
            if target in deps and target not in allowed:
                line = text.count("\n", 0, m.start()) + 1
                bad.append(f"{path.relative_to(root)}:{line}: includes {target}/, "
                           f"which {module} does not depend on "
                           f"(it depends on: {', '.join(sorted(closure(module))) or 'nothing'})")
for b in bad:
    print(b)
if bad:
    sys.exit(1)
print(f"layering: {len(deps)} modules, every include within its module's dependencies")
