#!/usr/bin/env python3
"""Fails (exit 1) if a syscall handler is defined more than once in kernel/syscalls/.

Handlers are declared weak (kernel/syscalls/dispatch.h: an unwritten one answers NotSupported), so
the linker would silently keep one of two definitions. Python 3 stdlib only.

    check_handlers.py [--abi DIR] [--syscalls DIR]
"""
import argparse
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))


def syscall_names(def_path):
    text = open(def_path, encoding='utf-8').read()
    return ['sys_%s_%s' % m for m in re.findall(r'^SYSCALL\(\s*\d+\s*,\s*(\w+)\s*,\s*(\w+)\s*,', text, re.M)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--abi', default=os.path.join(ROOT, 'kernel', 'abi', 'koios'))
    parser.add_argument('--syscalls', default=os.path.join(ROOT, 'kernel', 'syscalls'))
    args = parser.parse_args()
    names = syscall_names(os.path.join(args.abi, 'syscalls.def'))
    if not names:
        print('check_handlers: no syscalls found in', args.abi)
        return 1
    seen = {name: [] for name in names}
    for file in sorted(os.listdir(args.syscalls)):
        if not file.endswith('.cc'):
            continue
        text = open(os.path.join(args.syscalls, file), encoding='utf-8').read()
        # A definition: the name, its parameter list, then an opening brace (not a ';').
        for m in re.finditer(r'\b(sys_\w+)\s*\(([^;{}]*)\)\s*\{', text):
            if m.group(1) in seen:
                seen[m.group(1)].append(file)
    bad = {name: files for name, files in seen.items() if len(files) > 1}
    for name, files in sorted(bad.items()):
        print('check_handlers: %s is defined in %s; the weak linkage would keep one silently'
              % (name, ', '.join(files)))
    defined = sum(1 for files in seen.values() if files)
    print('check_handlers: %d of %d syscalls have a handler, none twice' % (defined, len(names))
          if not bad else 'check_handlers: FAILED')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
