#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""
run.py: the test runner for cgijail's real-daemon suites (run as root).

Runs every test_* function of test_*.py in tests/integration/ (the
contract), tests/attacks/ (hostile clients and scripts) and tests/load/
(load and faults) and tests/browser/ (a real browser) against the real
daemon, one worker process per file,
-j files at a time; load files run alone, so their time bounds do not
depend on what else runs.  After each test it checks that every daemon
the test started still answers GET / and stops cleanly.  Tests of every
suite import cgijail_test from tests/integration/.

usage: run.py [--suite integration|attacks|load|browser|all] [--daemon PATH]
              [--helpers DIR] [--sanitizer] [-k PATTERN] [-j N] [-v]
              [--keep] [--list]
"""

import argparse
import glob
import importlib.util
import io
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# suite -> directory; tests outside integration are named SUITE/FILE.FUNC
SUITES = {
    'integration': HERE,
    'attacks': os.path.join(REPO, 'tests', 'attacks'),
    'load': os.path.join(REPO, 'tests', 'load'),
    'browser': os.path.join(REPO, 'tests', 'browser'),
}
EXCLUSIVE = ('load',)       # suites whose files run with nothing beside

TEST_TIMEOUT = 60           # seconds per test (x3 with --sanitizer)
FINISH_TIMEOUT = 30         # the after-test check and stop
WORKER_TIMEOUT = 600        # a whole file, before its worker is killed


class TestTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise TestTimeout('test did not finish in time')


def matches(name, patterns):
    return not patterns or any(p in name for p in patterns)


def suite_of(path):
    d = os.path.dirname(os.path.abspath(path))
    for name, sdir in SUITES.items():
        if d == sdir:
            return name
    return 'integration'


def test_stem(path):
    """The name a file's tests are reported under: FILE for the
    integration suite (as before), SUITE/FILE for the others."""
    stem = os.path.splitext(os.path.basename(path))[0]
    suite = suite_of(path)
    return stem if suite == 'integration' else '%s/%s' % (suite, stem)


def suite_files(suite):
    names = list(SUITES) if suite == 'all' else [suite]
    files = []
    for name in names:
        files += sorted(glob.glob(os.path.join(SUITES[name], 'test_*.py')))
    return files


def module_name(path):
    return os.path.splitext(os.path.basename(path))[0]


def import_test_file(path):
    """Import one test file; its own directory and tests/integration/
    (cgijail_test) are importable from it."""
    for d in (HERE, os.path.dirname(os.path.abspath(path))):
        if d not in sys.path:
            sys.path.insert(0, d)
    spec = importlib.util.spec_from_file_location(module_name(path), path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_functions(mod):
    """test_* functions defined in mod, in source order."""
    out = []
    for name, obj in vars(mod).items():
        if (name.startswith('test_') and callable(obj) and
                getattr(obj, '__module__', None) == mod.__name__):
            out.append((name, obj))
    return out


# ---- worker: one file, tests in order ---------------------------------

class Worker:
    def __init__(self, path, patterns, out):
        self.path = path
        self.stem = test_stem(path)
        self.patterns = patterns
        self.out = out

    def emit(self, **rec):
        self.out.write(json.dumps(rec) + '\n')
        self.out.flush()

    def run(self):
        sys.path.insert(0, HERE)
        import cgijail_test as ct
        self.ct = ct
        ct.enable_subreaper()
        signal.signal(signal.SIGALRM, _alarm)
        try:
            mod = import_test_file(self.path)
        except Exception:
            if matches(self.stem, self.patterns):
                self.emit(name=self.stem + '.<import>', result='FAIL',
                          secs=0.0, detail=traceback.format_exc())
            return
        limit = getattr(mod, 'TIMEOUT', TEST_TIMEOUT) * ct.SLOW
        for name, fn in test_functions(mod):
            full = '%s.%s' % (self.stem, name)
            if matches(full, self.patterns):
                self.run_one(full, fn, limit)

    def run_one(self, full, fn, limit):
        ct = self.ct
        ct.registry_take()
        captured = io.StringIO()
        old = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = captured
        t0 = time.monotonic()
        result, detail = 'PASS', ''
        try:
            signal.alarm(int(limit))
            fn()
            signal.alarm(0)
        except ct.Skip as e:
            result, detail = 'SKIP', str(e)
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt):
                raise
            # the runner's own frame says nothing about the failure
            result, detail = 'FAIL', ''.join(traceback.format_exception(
                type(e), e, e.__traceback__.tb_next))
        finally:
            signal.alarm(0)
            sys.stdout, sys.stderr = old
        daemons = ct.registry_take()
        result, detail = self.finish(daemons, result, detail)
        secs = time.monotonic() - t0
        if result == 'FAIL':
            detail += self.log_tails(daemons, captured.getvalue())
        for d in daemons:
            d.cleanup()
        self.emit(name=full, result=result, secs=secs, detail=detail,
                  output=captured.getvalue()[-4000:])

    def finish(self, daemons, result, detail):
        """The fixture: a passing test's daemons must still answer and
        stop cleanly; a failing test's daemons are just killed."""
        for d in daemons:
            if result != 'PASS':
                d.kill()
                continue
            try:
                signal.alarm(FINISH_TIMEOUT * int(self.ct.SLOW))
                d.finish()
            except BaseException as e:
                if isinstance(e, KeyboardInterrupt):
                    raise
                result = 'FAIL'
                detail = 'after the test (fixture check on port %d):\n%s' % (
                    d.port, traceback.format_exc())
                d.kill()
            finally:
                signal.alarm(0)
        return result, detail

    @staticmethod
    def log_tails(daemons, output):
        s = ''
        if output.strip():
            s += '--- test output ---\n' + output[-4000:].rstrip() + '\n'
        for d in daemons:
            s += '--- daemon log tail (port %d, %s) ---\n%s\n' % (
                d.port, d.tmp, d.log_tail(40))
        return s


def worker_main(args):
    out = os.fdopen(int(os.environ['CGIJAIL_RESULT_FD']), 'w')
    try:
        Worker(args.worker, args.k, out).run()
    finally:
        out.write(json.dumps({'done': True}) + '\n')
        out.flush()
        # the subreaper may hold stray orphans; stop whatever is left
        import cgijail_test as ct
        for d in ct._ALL:
            if d.running():
                d.kill()
    return 0


# ---- master: schedule workers, print results ---------------------------

class Job:
    def __init__(self, path, args, env):
        self.path = path
        self.stem = test_stem(path)
        self.exclusive = suite_of(path) in EXCLUSIVE
        rfd, wfd = os.pipe()
        self.errf = tempfile.TemporaryFile()
        env = dict(env, CGIJAIL_RESULT_FD=str(wfd))
        cmd = [sys.executable, os.path.abspath(__file__), '--worker', path]
        for p in args.k:
            cmd += ['-k', p]
        self.proc = subprocess.Popen(cmd, env=env, pass_fds=(wfd,),
                                     stdin=subprocess.DEVNULL,
                                     stdout=self.errf, stderr=self.errf,
                                     start_new_session=True)
        os.close(wfd)
        self.rfd = rfd
        self.pending = b''
        self.deadline = time.monotonic() + WORKER_TIMEOUT * (
            3 if args.sanitizer else 1)
        self.done = False
        self.results = 0

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except OSError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()

    def stderr_tail(self):
        self.errf.seek(0)
        data = self.errf.read().decode('utf-8', 'replace')
        return '\n'.join(data.splitlines()[-40:])


class Master:
    def __init__(self, args):
        self.args = args
        self.counts = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}
        self.failed = []

    def report(self, rec):
        res, name = rec['result'], rec['name']
        self.counts[res] += 1
        if res == 'PASS':
            print('PASS %s (%.1fs)' % (name, rec['secs']), flush=True)
            if self.args.v and rec.get('output', '').strip():
                print('\n'.join('    ' + ln for ln in
                                 rec['output'].rstrip().splitlines()),
                      flush=True)
        elif res == 'SKIP':
            print('SKIP %s: %s' % (name, rec['detail']), flush=True)
        else:
            self.failed.append(name)
            body = '\n'.join('    ' + ln
                             for ln in rec['detail'].rstrip().splitlines())
            print('FAIL %s (%.1fs)\n%s' % (name, rec['secs'], body),
                  flush=True)

    def end_job(self, job, why=None):
        if why is None and not job.done:
            why = 'worker exited with status %s' % job.proc.poll()
        if why:
            self.report({'name': job.stem + '.<worker>', 'result': 'FAIL',
                         'secs': 0.0, 'detail': '%s\n%s' % (
                             why, job.stderr_tail())})
        os.close(job.rfd)
        job.errf.close()

    def can_start(self, path, running):
        """Load files run alone: they measure behaviour under load and
        would both disturb and be disturbed by a parallel file."""
        if not running:
            return True
        if len(running) >= self.args.j:
            return False
        if suite_of(path) in EXCLUSIVE:
            return False
        return not any(j.exclusive for j in running.values())

    def run(self, files, env):
        # big files first; load files last, one at a time
        todo = sorted(files, key=lambda p: (suite_of(p) in EXCLUSIVE,
                                            -os.path.getsize(p)))
        running = {}
        sel = selectors.DefaultSelector()
        try:
            while todo or running:
                while todo and self.can_start(todo[0], running):
                    job = Job(todo.pop(0), self.args, env)
                    running[job.rfd] = job
                    sel.register(job.rfd, selectors.EVENT_READ, job)
                for key, _ in sel.select(timeout=1.0):
                    job = key.data
                    if self.read_job(job):
                        continue
                    sel.unregister(job.rfd)
                    del running[job.rfd]
                    job.proc.wait()
                    self.end_job(job)
                now = time.monotonic()
                for job in [j for j in running.values() if now > j.deadline]:
                    sel.unregister(job.rfd)
                    del running[job.rfd]
                    job.kill()
                    self.end_job(job, 'worker killed after %ds' %
                                 WORKER_TIMEOUT)
        except KeyboardInterrupt:
            for job in running.values():
                job.kill()
            print('interrupted', flush=True)
            raise

    def read_job(self, job):
        """Handle the complete result lines available; False at EOF."""
        data = os.read(job.rfd, 65536)
        if not data:
            return False
        job.pending += data
        *lines, job.pending = job.pending.split(b'\n')
        for line in lines:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get('done'):
                job.done = True
            else:
                self.report(rec)
        return True


def list_tests(files, patterns):
    for path in files:
        stem = test_stem(path)
        try:
            mod = import_test_file(path)
        except Exception as e:
            print('%s.<import>: %s' % (stem, e))
            continue
        for name, _ in test_functions(mod):
            if matches('%s.%s' % (stem, name), patterns):
                print('%s.%s' % (stem, name))


def main():
    ap = argparse.ArgumentParser(description='cgijail real-daemon tests')
    ap.add_argument('--suite', default='all',
                    choices=sorted(SUITES) + ['all'],
                    help='which tests: integration, attacks, load, browser or all '
                    '(default all)')
    ap.add_argument('--daemon', default=os.path.join(REPO, 'build',
                                                     'cgijail'))
    ap.add_argument('--helpers', default=os.path.join(REPO, 'build',
                                                      'helpers'))
    ap.add_argument('--sanitizer', action='store_true',
                    help='the daemon is an ASan/UBSan build (longer '
                    'timeouts, sanitizer reports fail the test)')
    ap.add_argument('-k', action='append', default=[], metavar='PATTERN',
                    help='run tests whose FILE.FUNCTION name (SUITE/FILE.'
                    'FUNCTION outside integration) contains PATTERN '
                    '(repeatable)')
    ap.add_argument('-j', type=int, default=2, metavar='N',
                    help='test files run in parallel (default 2)')
    ap.add_argument('-v', action='store_true',
                    help='show what passing tests print (measurements)')
    ap.add_argument('--keep', action='store_true',
                    help='keep the temporary docroots and logs')
    ap.add_argument('--list', action='store_true',
                    help='list the selected tests and exit')
    ap.add_argument('--worker', help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.j = max(1, min(args.j, 16))

    if args.worker:
        return worker_main(args)

    env = dict(os.environ,
               CGIJAIL_DAEMON=os.path.abspath(args.daemon),
               CGIJAIL_HELPERS=os.path.abspath(args.helpers),
               CGIJAIL_SANITIZER='1' if args.sanitizer else '',
               CGIJAIL_KEEP='1' if args.keep else '',
               PYTHONDONTWRITEBYTECODE='1')
    files = suite_files(args.suite)
    if args.list:
        os.environ.update(env)
        list_tests(files, args.k)
        return 0
    if os.geteuid() != 0:
        print('run.py: the daemon must be started as root', file=sys.stderr)
    if not os.access(args.daemon, os.X_OK):
        print('run.py: %s: not an executable (make all)' % args.daemon,
              file=sys.stderr)
    m = Master(args)
    t0 = time.monotonic()
    try:
        m.run(files, env)
    except KeyboardInterrupt:
        pass
    if m.counts['SKIP']:
        print('%d skipped' % m.counts['SKIP'])
    if m.failed:
        print('failed: ' + ' '.join(m.failed))
    print('wall time %.1fs' % (time.monotonic() - t0))
    print('%d passed, %d failed' % (m.counts['PASS'], m.counts['FAIL']),
          flush=True)
    if m.counts['PASS'] + m.counts['FAIL'] + m.counts['SKIP'] == 0:
        print('run.py: no test matches %s' % ' '.join(args.k),
              file=sys.stderr)
        return 1
    return 1 if m.counts['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())
