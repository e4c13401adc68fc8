#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""List the cookies the browser sent (HTTP_COOKIE), escaped."""
import html
import http.cookies
import os

jar = http.cookies.SimpleCookie()
try:
    jar.load(os.environ.get("HTTP_COOKIE", ""))
except http.cookies.CookieError:
    jar = http.cookies.SimpleCookie()   # a malformed header: no cookies

print("Content-Type: text/html; charset=utf-8")
print()
print("<!DOCTYPE html><html><head><title>Cookies</title></head><body>")
if not jar:
    print("<p>No cookies. <a href=\"cookie_set.py\">Set some</a>.</p>")
else:
    print("<ul>")
    for name, morsel in sorted(jar.items()):
        print(f"<li>{html.escape(name)} = {html.escape(morsel.value)}</li>")
    print("</ul>")
print("</body></html>")
