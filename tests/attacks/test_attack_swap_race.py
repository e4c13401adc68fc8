# SPDX-License-Identifier: ISC
"""
test_attack_swap_race: the file that runs is the file the executor
validated.  While requests for /cgi-bin/run.sh arrive, a thread swaps
that entry (atomic renames) between a valid script and a symlink to a
world-writable script outside the CGI directory (in the document root,
so the jail shows it).  The outside script must never run: every answer is the valid script's
or a refusal (403/404/500 without its marker).
"""

import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attack_common import (Controls, Daemon, assert_no_leak,  # noqa: E402
                           files, script)

REQUESTS = 200
GOOD = script("printf 'Content-Type: text/plain\\n\\ngood'\n")
EVIL_MARK = 'EVIL-OUTSIDE-RAN-5f2c'
EVIL = script("printf 'Content-Type: text/plain\\n\\n%s'\n" % EVIL_MARK)


def test_swap_race_outside_file_never_runs():
    with Daemon(files({'cgi-bin/run.sh': (GOOD, 0o755),
                       'data/evil.sh': (EVIL, 0o777)})) as d:
        evil = d.path('data/evil.sh')
        os.chmod(evil, 0o777)       # writable by anyone: never to run
        cgi = d.path('cgi-bin')
        entry = os.path.join(cgi, 'run.sh')
        good_copy = os.path.join(cgi, '.good.sh')
        link_tmp = os.path.join(cgi, '.link.sh')
        with open(good_copy, 'w') as f:
            f.write(GOOD)
        os.chmod(good_copy, 0o755)
        stop = threading.Event()
        swaps = [0]

        def swapper():
            while not stop.is_set() and swaps[0] < 10 ** 7:
                try:
                    os.symlink(evil, link_tmp)
                except FileExistsError:
                    pass
                os.rename(link_tmp, entry)
                os.link(good_copy, link_tmp + '.g')
                os.rename(link_tmp + '.g', entry)
                swaps[0] += 1
        t = threading.Thread(target=swapper, daemon=True)
        ran_evil, statuses = 0, {}
        with Controls(d, timeout=15):
            t.start()
            try:
                for _ in range(REQUESTS):
                    r = d.get('/cgi-bin/run.sh', timeout=15)
                    statuses[r.status] = statuses.get(r.status, 0) + 1
                    if EVIL_MARK.encode() in r.body:
                        ran_evil += 1
                    assert_no_leak(r.body, 'swap race')
                    assert r.status in (200, 403, 404, 500), r
                    if r.status == 200:
                        assert r.body in (b'good', EVIL_MARK.encode()), r
            finally:
                stop.set()
                t.join(10)
        assert swaps[0] > REQUESTS, 'the swapper hardly ran: %d' % swaps[0]
        assert ran_evil == 0, \
            'the outside file ran %d times in %d requests (%r)' % (
                ran_evil, REQUESTS, statuses)
        print("statuses %r swaps %d" % (statuses, swaps[0]))
        assert statuses.get(200, 0) > 0, \
            'the valid script never ran: %r' % statuses
