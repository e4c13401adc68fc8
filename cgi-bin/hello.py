#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""GET and POST form handling without the deprecated cgi module."""
import html
import os
import sys
import urllib.parse

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
print("<!DOCTYPE html><html><head><title>Hello</title></head><body>")
if first or last:
    print(f"<h2>Hello {first} {last}</h2>")
print('<form method="post" action="hello.py">')
print('First name: <input type="text" name="first_name"><br>')
print('Last name: <input type="text" name="last_name">')
print('<input type="submit" value="Submit"></form>')
print("</body></html>")
