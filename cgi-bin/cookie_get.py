#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""List the cookies the browser sent (HTTP_COOKIE), escaped."""
import html
import http.cookies
import os

# the head every example page shares: a phone-sized viewport, /style.css
HEAD = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, '
        'initial-scale=1"><link rel="stylesheet" href="/style.css">')

jar = http.cookies.SimpleCookie()
try:
    jar.load(os.environ.get("HTTP_COOKIE", ""))
except http.cookies.CookieError:
    jar = http.cookies.SimpleCookie()   # a malformed header: no cookies

print("Content-Type: text/html; charset=utf-8")
print()
print(HEAD + "<title>Cookies</title></head><body>")
print("<h1>The cookies you sent</h1>")
if not jar:
    print("<p>No cookies. <a href=\"cookie_set.py\">Set some</a>.</p>")
else:
    print("<ul>")
    for name, morsel in sorted(jar.items()):
        print(f"<li>{html.escape(name)} = {html.escape(morsel.value)}</li>")
    print("</ul>")
print("</body></html>")
