# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The complexity ceiling of a folder (make lint runs it on plugins/module_utils): at most CEILING
functions above LIMIT by radon's count.  ruff's C901 (max 10, ruff.toml) holds every function to
10 by McCabe's count; radon also counts boolean operators and comprehension conditions, and issue
27 set the ceiling on that count.  Prints the functions above LIMIT; exits 1 when there are more
than the ceiling.

    python tools/complexity.py [--ceiling N] FOLDER
"""

from __future__ import annotations

import argparse
import os
import sys

from radon.complexity import cc_visit

LIMIT = 10
CEILING = 8


def above(folder, limit=LIMIT):
    """[(path, line, name, complexity)] of the functions and methods above ``limit``."""
    found = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".py"):
            continue
        path = os.path.join(folder, name)
        with open(path, encoding="utf-8") as handle:
            blocks = cc_visit(handle.read())
        for block in blocks:
            inner = getattr(block, "methods", [])  # a class's own number is its methods'
            for item in inner or [block]:
                if item.complexity > limit:
                    found.append((path, item.lineno, item.fullname, item.complexity))
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("folder")
    parser.add_argument("--ceiling", type=int, default=CEILING)
    args = parser.parse_args(argv)
    found = above(args.folder)
    for path, line, name, complexity in found:
        print("%s:%d: %s has complexity %d (radon)" % (path, line, name, complexity))
    verdict = "at most" if len(found) <= args.ceiling else "MORE than"
    print(
        "%d function(s) above %d in %s: %s the ceiling of %d" % (len(found), LIMIT, args.folder, verdict, args.ceiling)
    )
    return 0 if len(found) <= args.ceiling else 1


if __name__ == "__main__":
    sys.exit(main())
