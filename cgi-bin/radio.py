#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Radio buttons: one value for one name."""
import html
import os
import sys
import urllib.parse


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
print("<!DOCTYPE html><html><head><title>Radio</title></head><body>")
print('<form action="radio.py" method="post">')
print('<input type="radio" name="subject" value="maths"> Maths')
print('<input type="radio" name="subject" value="physics"> Physics')
print('<input type="submit" value="Select Subject"></form>')
if subject:
    print(f"<h2>Selected Subject is {html.escape(subject)}</h2>")
else:
    print("<h2>Not set</h2>")
print("</body></html>")
