#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""File upload (multipart/form-data) without the removed cgi module.

Nothing is saved: the file is read, and its name, size and SHA-256 are
reported.  A real handler would write it below /tmp, the one writable
place in the sandbox, under a name it chose itself (never the client's).
"""
import email.parser
import email.policy
import hashlib
import html
import os
import sys

# the head every example page shares: a phone-sized viewport, /style.css
HEAD = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, '
        'initial-scale=1"><link rel="stylesheet" href="/style.css">')

FORM = ('<form enctype="multipart/form-data" action="upload.py" '
        'method="post"><label for="filename">File</label>'
        '<input type="file" id="filename" name="filename">'
        '<input type="submit" value="Upload"></form>')


def page(status, body):
    if status != 200:
        print(f"Status: {status}")
    print("Content-Type: text/html; charset=utf-8")
    print()
    print(HEAD + "<title>Upload</title></head><body>")
    print("<h1>A file upload</h1>")
    print(body)
    print("</body></html>")


def parts():
    """The form's parts: the body, parsed as the MIME message it is."""
    ctype = os.environ.get("CONTENT_TYPE", "")
    length = int(os.environ.get("CONTENT_LENGTH") or 0)
    body = sys.stdin.buffer.read(length)
    head = f"Content-Type: {ctype}\r\n\r\n".encode("latin-1")
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        head + body)
    return list(msg.iter_parts()) if msg.is_multipart() else []


if os.environ.get("REQUEST_METHOD") != "POST":
    page(200, FORM)
elif not os.environ.get("CONTENT_TYPE", "").startswith("multipart/"):
    page(400, "<p>Expected multipart/form-data.</p>")
else:
    files = [p for p in parts() if p.get_filename() is not None]
    if not files:
        page(400, "<p>No file was uploaded.</p>" + FORM)
    else:
        rows = []
        for p in files:
            data = p.get_payload(decode=True) or b""
            name = os.path.basename(p.get_filename())
            rows.append(f"<li>{html.escape(name)}: {len(data)} bytes, "
                        f"sha256 {hashlib.sha256(data).hexdigest()}</li>")
        page(200, "<ul>" + "".join(rows) + "</ul>" + FORM)
