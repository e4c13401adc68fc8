#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""GET and POST form handling without the deprecated cgi module."""
import html
import os
import sys
import urllib.parse

# the head every example page shares: a phone-sized viewport, /style.css
HEAD = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, '
        'initial-scale=1"><link rel="stylesheet" href="/style.css">')

method = os.environ.get("REQUEST_METHOD", "GET")
if method == "POST":
    length = int(os.environ.get("CONTENT_LENGTH") or 0)
    form = urllib.parse.parse_qs(sys.stdin.read(length))
else:
    form = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))

first = html.escape(form.get("first_name", [""])[0])
last = html.escape(form.get("last_name", [""])[0])
print("Content-Type: text/html; charset=utf-8")
print()
print(HEAD + "<title>Hello</title></head><body>")
print("<h1>Hello, form</h1>")
if first or last:
    print(f"<h2>Hello {first} {last}</h2>")
print('<form method="post" action="hello.py">')
print('<label for="first_name">First name</label>'
      '<input type="text" id="first_name" name="first_name">')
print('<label for="last_name">Last name</label>'
      '<input type="text" id="last_name" name="last_name">')
print('<input type="submit" value="Submit"></form>')
print("</body></html>")
