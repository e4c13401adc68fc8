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
print("<!DOCTYPE html><html><head><title>Hello</title></head><body>")
if first or last:
    print(f"<h2>Hello {first} {last}</h2>")
print('<form action="hello_get.py" method="post">')
print('First name: <input type="text" name="first_name"><br>')
print('Last name: <input type="text" name="last_name">')
print('<input type="submit" value="Submit"></form>')
print("</body></html>")
