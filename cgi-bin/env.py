#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Print the CGI environment, as the script sees it."""
import os

print("Content-Type: text/plain; charset=utf-8")
print()
for name in sorted(os.environ):
    print(f"{name}={os.environ[name]}")
