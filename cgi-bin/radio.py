#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Radio buttons: one value for one name."""
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


subject = read_form().get("subject", [""])[0]

print("Content-Type: text/html; charset=utf-8")
print()
print(HEAD + "<title>Radio</title></head><body>")
print("<h1>Radio buttons</h1>")
print('<form action="radio.py" method="post">')
print('<label class="choice"><input type="radio" name="subject" '
      'value="maths"> Maths</label>')
print('<label class="choice"><input type="radio" name="subject" '
      'value="physics"> Physics</label><br>')
print('<input type="submit" value="Select Subject"></form>')
if subject:
    print(f"<h2>Selected Subject is {html.escape(subject)}</h2>")
else:
    print("<h2>Not set</h2>")
print("</body></html>")
