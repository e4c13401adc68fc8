#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Checkboxes: a field is sent only when its box is ticked."""
import os
import sys
import urllib.parse

# the head every example page shares: a phone-sized viewport, /style.css
HEAD = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, '
        'initial-scale=1"><link rel="stylesheet" href="/style.css">')


def read_form():
    if os.environ.get("REQUEST_METHOD") == "POST":
        length = int(os.environ.get("CONTENT_LENGTH") or 0)
        data = sys.stdin.buffer.read(length).decode("utf-8", "replace")
    else:
        data = os.environ.get("QUERY_STRING", "")
    return urllib.parse.parse_qs(data)


form = read_form()
maths = "ON" if "maths" in form else "OFF"
physics = "ON" if "physics" in form else "OFF"

print("Content-Type: text/html; charset=utf-8")
print()
print(HEAD + "<title>Checkbox</title></head><body>")
print("<h1>Checkboxes</h1>")
print('<form action="checkbox.py" method="post">')
print('<label class="choice"><input type="checkbox" name="maths" '
      'value="on"> Maths</label>')
print('<label class="choice"><input type="checkbox" name="physics" '
      'value="on"> Physics</label><br>')
print('<input type="submit" value="Select Subject"></form>')
if form:
    print(f"<h2>CheckBox Maths is : {maths}</h2>")
    print(f"<h2>CheckBox Physics is : {physics}</h2>")
print("</body></html>")
