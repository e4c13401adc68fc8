#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The classic first form: first and last name, by GET or by POST.

Try /cgi-bin/hello_get.py?first_name=Ada&last_name=Lovelace, or submit
the form (it POSTs).  No `import cgi`: that module is gone from Python.
"""
import html
import os
import sys
import urllib.parse

# the head every example page shares: a phone-sized viewport, /style.css
HEAD = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, '
        'initial-scale=1"><link rel="stylesheet" href="/style.css">')


def read_form():
    """The fields of the query string, or of a urlencoded POST body."""
    if os.environ.get("REQUEST_METHOD") == "POST":
        length = int(os.environ.get("CONTENT_LENGTH") or 0)
        data = sys.stdin.buffer.read(length).decode("utf-8", "replace")
    else:
        data = os.environ.get("QUERY_STRING", "")
    return urllib.parse.parse_qs(data)


form = read_form()
first = html.escape(form.get("first_name", [""])[0])
last = html.escape(form.get("last_name", [""])[0])

print("Content-Type: text/html; charset=utf-8")
print()
print(HEAD + "<title>Hello</title></head><body>")
print("<h1>Hello, form</h1>")
if first or last:
    print(f"<h2>Hello {first} {last}</h2>")
print('<form action="hello_get.py" method="post">')
print('<label for="first_name">First name</label>'
      '<input type="text" id="first_name" name="first_name">')
print('<label for="last_name">Last name</label>'
      '<input type="text" id="last_name" name="last_name">')
print('<input type="submit" value="Submit"></form>')
print("</body></html>")
