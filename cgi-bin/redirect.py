#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Post/Redirect/Get: a POSTed form answered with 303 See Other.

The browser then GETs hello_get.py with the name in the query string, so
reloading the page it lands on sends nothing twice.  The Location is a
full URL, which the browser follows (a bare path would be a local
redirect, which cgijail follows itself without the browser knowing).
"""
import os
import sys
import urllib.parse

HEAD = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, '
        'initial-scale=1"><link rel="stylesheet" href="/style.css">')

if os.environ.get("REQUEST_METHOD") == "POST":
    length = int(os.environ.get("CONTENT_LENGTH") or 0)
    data = sys.stdin.buffer.read(length).decode("utf-8", "replace")
    name = urllib.parse.parse_qs(data).get("first_name", [""])[0]
    query = urllib.parse.urlencode({"first_name": name,
                                    "last_name": "(redirected)"})
    host = os.environ.get("HTTP_HOST") or os.environ.get("SERVER_NAME", "")
    print("Status: 303 See Other")
    print(f"Location: http://{host}/cgi-bin/hello_get.py?{query}")
    print("Content-Type: text/plain; charset=utf-8")
    print()
    print("See hello_get.py")
else:
    print("Content-Type: text/html; charset=utf-8")
    print()
    print(HEAD + "<title>Redirect</title></head><body>")
    print("<h1>A redirect</h1>")
    print("<p>The form is posted here; the answer is a 303 redirect to "
          "<code>hello_get.py</code>.</p>")
    print('<form action="redirect.py" method="post">'
          '<label for="first_name">First name</label>'
          '<input type="text" id="first_name" name="first_name">'
          '<input type="submit" value="Send and be redirected"></form>')
    print("</body></html>")
