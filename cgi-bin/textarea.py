#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""A text area: free text, echoed back escaped (never as HTML)."""
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


text = read_form().get("textcontent", [""])[0]

print("Content-Type: text/html; charset=utf-8")
print()
print(HEAD + "<title>Text area</title></head><body>")
print("<h1>A text area</h1>")
print('<form action="textarea.py" method="post">'
      '<label for="textcontent">Your text</label>')
print('<textarea id="textcontent" name="textcontent" rows="4">'
      "Type your text here...</textarea>")
print('<input type="submit" value="Submit"></form>')
if text:
    print(f"<h2>Entered Text Content is</h2><pre>{html.escape(text)}</pre>")
else:
    print("<h2>Not entered</h2>")
print("</body></html>")
