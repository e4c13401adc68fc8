#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""A drop-down box: the selected option's value."""
import html
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


choice = read_form().get("dropdown", [""])[0]

print("Content-Type: text/html; charset=utf-8")
print()
print(HEAD + "<title>Drop-down</title></head><body>")
print("<h1>A drop-down box</h1>")
print('<form action="dropdown.py" method="post">'
      '<label for="dropdown">Subject</label>'
      '<select id="dropdown" name="dropdown">')
print('<option value="Maths" selected>Maths</option>')
print('<option value="Physics">Physics</option>')
print('</select><input type="submit" value="Submit"></form>')
if choice:
    print(f"<h2>Selected Subject is {html.escape(choice)}</h2>")
else:
    print("<h2>Not entered</h2>")
print("</body></html>")
