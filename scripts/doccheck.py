#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check Documentation/*.rst with docutils: any warning or error fails.

Sphinx's :doc: role and toctree directive are not docutils', so they are
accepted here as what they are: a cross-reference and the index.
Prints one PASS:/FAIL: docs.NAME line per page.
"""
import glob
import io
import os
import sys

import docutils.core
from docutils.parsers.rst import directives, roles, Directive


class TocTree(Directive):
    has_content = True
    option_spec = {"maxdepth": directives.unchanged}

    def run(self):
        return []


directives.register_directive("toctree", TocTree)
roles.register_generic_role("doc", __import__("docutils.nodes").nodes.emphasis)

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
failed = 0
for path in sorted(glob.glob(os.path.join(top, "Documentation", "*.rst"))):
    name = os.path.splitext(os.path.basename(path))[0]
    err = io.StringIO()
    with open(path, encoding="utf-8") as f:
        docutils.core.publish_string(
            f.read(), source_path=path, writer_name="null",
            settings_overrides={"halt_level": 5, "report_level": 2,
                                "warning_stream": err})
    if err.getvalue():
        failed = 1
        print(f"FAIL: docs.{name}")
        sys.stderr.write(err.getvalue())
    else:
        print(f"PASS: docs.{name}")
sys.exit(failed)
