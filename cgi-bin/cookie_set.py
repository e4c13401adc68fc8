#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Set two cookies: each Set-Cookie line reaches the browser as it is.

Then visit cookie_get.py to see them come back in HTTP_COOKIE.
"""
import http.cookies

# the head every example page shares: a phone-sized viewport, /style.css
HEAD = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, '
        'initial-scale=1"><link rel="stylesheet" href="/style.css">')

jar = http.cookies.SimpleCookie()
jar["UserID"] = "XYZ"
jar["Theme"] = "dark"
for name in jar:
    jar[name]["path"] = "/"
    jar[name]["max-age"] = 3600
    jar[name]["httponly"] = True
    jar[name]["samesite"] = "Lax"

# before the empty line, one field per cookie
print(jar.output(sep="\n"))
print("Content-Type: text/html; charset=utf-8")
print()
print(HEAD + "<title>Cookies set</title></head><body>")
print("<h1>Cookies set</h1>")
print('<p>Two cookies set: UserID and Theme. <a href="cookie_get.py">'
      "Read them back</a> (another script).</p></body></html>")
