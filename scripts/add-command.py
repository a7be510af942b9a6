#!/usr/bin/env python3
"""Registers new Tauri commands everywhere a command must be listed.

    python3 scripts/add-command.py admins::list_admins admins::switch_admin

`module` is the command's module as bindings.rs names it (`design`, not
`environments::design`); a new module is added at the top level of
commands/ and can be moved into its area's folder afterwards.

Adds each `module::command` to src-tauri/src/bindings.rs (collect_commands),
src-tauri/build.rs (the app manifest), capabilities/main.json (the
`allow-` permission) and commands/mod.rs. Then regenerate the bindings:
CUTOVER_WRITE_BINDINGS=1 cargo test -p cutover bindings
"""
import json
import re
import sys


def add(cmds):
    p = 'src-tauri/src/bindings.rs'
    s = open(p).read()
    for c in cmds:
        mod, name = c.split('::')
        if f"{c},\n" in s:
            continue
        s = s.replace("            app::report_interactive,\n",
                      f"            {c},\n            app::report_interactive,\n")
        # Every module any `use crate::commands::...::{...}` line brings in
        # (areas with several modules have a line of their own); a new
        # module joins the top-level line.
        known = [m.strip() for group in re.findall(r"use crate::commands::(?:\w+::)*\{([^}]*)\};", s)
                 for m in group.split(',') if m.strip()]
        mods = [m.strip() for m in re.search(r"use crate::commands::\{([^}]*)\};", s).group(1).split(',') if m.strip()]
        if mod not in known:
            mods = sorted(mods + [mod])
            s = re.sub(r"use crate::commands::\{([^}]*)\};",
                       "use crate::commands::{" + ", ".join(mods) + "};", s)
    open(p, 'w').write(s)

    p = 'src-tauri/build.rs'
    s = open(p).read()
    for c in cmds:
        name = c.split("::")[1]
        if f'"{name}",' not in s:
            s = s.replace('    "report_interactive",\n', f'    "{name}",\n    "report_interactive",\n')
    open(p, 'w').write(s)

    p = 'src-tauri/capabilities/main.json'
    d = json.load(open(p))
    for c in cmds:
        perm = 'allow-' + c.split('::')[1].replace('_', '-')
        if perm not in d['permissions']:
            d['permissions'].insert(len(d['permissions']) - 1, perm)
    open(p, 'w').write(json.dumps(d, indent=2) + "\n")

    p = 'src-tauri/src/commands/mod.rs'
    s = open(p).read()
    for c in cmds:
        mod = c.split('::')[0]
        if f"pub mod {mod};" not in s:
            lines = s.rstrip('\n').split('\n')
            head = [l for l in lines if not l.startswith('pub mod')]
            mods = sorted([l for l in lines if l.startswith('pub mod')] + [f"pub mod {mod};"])
            s = "\n".join(head + mods) + "\n"
    open(p, 'w').write(s)


if __name__ == '__main__':
    add(sys.argv[1:])
