# SPDX-License-Identifier: ISC
"""
cdp: a small client of the Chrome DevTools Protocol over the pipe that
`chromium --remote-debugging-pipe` reads on fd 3 and writes on fd 4
(JSON messages, each ended by a NUL byte): no websocket, no npm.  Runs
Debian's chromium headless with a fresh profile; every wait is bounded.
"""

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time

CHROMIUM = '/usr/bin/chromium'
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu',
         '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--no-first-run', '--no-default-browser-check',
         '--disable-extensions', '--mute-audio', '--hide-scrollbars',
         '--remote-debugging-pipe']
MESSAGE_MAX = 64 * 1024 * 1024


class CDPError(AssertionError):
    pass


def _high_pipe():
    """A pipe whose ends are above 9, so that moving them to 3 and 4
    in the shell never closes one that was already moved."""
    out = []
    for fd in os.pipe():
        out.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10))
        os.close(fd)
    return out


class Browser:
    """One headless chromium; page() gives the tab the tests drive."""

    def __init__(self, log_path, timeout=15.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix='cgijail-chromium-')
        self.next_id = 0
        self.buf = b''
        self.events = []
        cmd_r, self.cmd_w = _high_pipe()
        self.res_r, res_w = _high_pipe()
        self.log = open(log_path, 'wb')
        # bash (dash takes no fd above 9) puts the pipes on 3 and 4
        script = 'exec "$0" "$@" 3<&%d 4>&%d %d<&- %d>&-' % (
            cmd_r, res_w, cmd_r, res_w)
        self.proc = subprocess.Popen(
            ['/bin/bash', '-c', script, CHROMIUM] + FLAGS +
            ['--user-data-dir=' + self.profile, 'about:blank'],
            pass_fds=(cmd_r, res_w), stdin=subprocess.DEVNULL,
            stdout=self.log, stderr=self.log, start_new_session=True)
        os.close(cmd_r)
        os.close(res_w)

    def close(self):
        try:
            self.call('Browser.close', timeout=3)
        except Exception:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        for fd in (self.cmd_w, self.res_r):
            try:
                os.close(fd)
            except OSError:
                pass
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _read_message(self, deadline):
        while b'\0' not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError('chromium said nothing in time')
            r, _, _ = select.select([self.res_r], [], [], left)
            if not r:
                continue
            chunk = os.read(self.res_r, 1 << 20)
            if not chunk:
                raise CDPError('chromium closed its pipe (exit %s)' %
                               self.proc.poll())
            self.buf += chunk
            if len(self.buf) > MESSAGE_MAX:
                raise CDPError('message too large')
        msg, self.buf = self.buf.split(b'\0', 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None, timeout=None):
        """Send one command and return its result; events that arrive
        meanwhile are queued for wait_event()."""
        self.next_id += 1
        msg = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session:
            msg['sessionId'] = session
        data = json.dumps(msg).encode() + b'\0'
        while data:
            data = data[os.write(self.cmd_w, data):]
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            m = self._read_message(deadline)
            if m.get('id') == self.next_id:
                if 'error' in m:
                    raise CDPError('%s: %s' % (method, m['error']))
                return m.get('result', {})
            if 'method' in m:
                self.events.append(m)

    def wait_event(self, method, session=None, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, e in enumerate(self.events):
                if e['method'] == method and (
                        session is None or e.get('sessionId') == session):
                    return self.events.pop(i)
            m = self._read_message(deadline)
            if 'method' in m:
                self.events.append(m)

    def page(self, width=390, height=844, mobile=True):
        target = self.call('Target.createTarget',
                           {'url': 'about:blank'})['targetId']
        session = self.call('Target.attachToTarget',
                            {'targetId': target, 'flatten': True})[
                                'sessionId']
        p = Page(self, session)
        p.call('Page.enable')
        p.call('Runtime.enable')
        p.call('Emulation.setDeviceMetricsOverride', {
            'width': width, 'height': height, 'deviceScaleFactor': 1,
            'mobile': mobile})
        return p


class Page:
    """A tab: navigate, type, click, evaluate, screenshot."""

    def __init__(self, browser, session):
        self.b = browser
        self.session = session

    def call(self, method, params=None, timeout=None):
        return self.b.call(method, params, self.session, timeout)

    def _loaded(self, action):
        """Run action, then wait for the page it leads to to load."""
        self.b.events = [e for e in self.b.events
                         if e['method'] != 'Page.loadEventFired']
        action()
        self.b.wait_event('Page.loadEventFired', self.session)

    def goto(self, url):
        def nav():
            r = self.call('Page.navigate', {'url': url})
            if r.get('errorText'):
                raise CDPError('%s: %s' % (url, r['errorText']))
        self._loaded(nav)

    def eval(self, expr):
        r = self.call('Runtime.evaluate', {'expression': expr,
                                           'returnByValue': True,
                                           'awaitPromise': True})
        if 'exceptionDetails' in r:
            raise CDPError('%s: %s' % (expr, r['exceptionDetails']))
        return r['result'].get('value')

    def type(self, selector, text):
        """Focus the field and type text into it, as a person would."""
        self.eval('(() => { const e = document.querySelector(%s); '
                  'e.focus(); e.value = ""; })()' % json.dumps(selector))
        self.call('Input.insertText', {'text': text})

    def click(self, selector, navigates=True):
        js = 'document.querySelector(%s).click()' % json.dumps(selector)
        if navigates:
            self._loaded(lambda: self.eval(js))
        else:
            self.eval(js)

    def set_file(self, selector, path):
        r = self.call('Runtime.evaluate', {
            'expression': 'document.querySelector(%s)' %
            json.dumps(selector)})
        self.call('DOM.setFileInputFiles', {
            'files': [path], 'objectId': r['result']['objectId']})

    def url(self):
        return self.eval('location.href')

    def text(self, selector='body'):
        return self.eval('document.querySelector(%s).innerText' %
                         json.dumps(selector))

    def screenshot(self, path):
        r = self.call('Page.captureScreenshot', {'format': 'png'})
        data = base64.b64decode(r['data'])
        with open(path, 'wb') as f:
            f.write(data)
        return len(data)

    def looks(self):
        """What a person would see first: the body's font, the viewport
        meta, whether the page is wider than the screen."""
        return self.eval('''(() => ({
            font: getComputedStyle(document.body).fontFamily,
            viewport: !!document.querySelector('meta[name=viewport]'),
            overflow: document.documentElement.scrollWidth >
                document.documentElement.clientWidth,
            title: document.title}))()''')
