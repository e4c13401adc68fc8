#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Set two cookies: each Set-Cookie line reaches the browser as it is.

Then visit cookie_get.py to see them come back in HTTP_COOKIE.
"""
import http.cookies

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
print("<!DOCTYPE html><html><head><title>Cookies set</title></head>")
print('<body><p>Two cookies set. <a href="cookie_get.py">Read them</a>.'
      "</p></body></html>")
