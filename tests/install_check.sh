#!/bin/bash
# SPDX-License-Identifier: ISC
#
# install_check.sh: `make install` into a DESTDIR, listed and compared
# with what must land where (paths and modes); the installed binary, man
# pages and units checked; the _cgijail account made only without
# DESTDIR (with a stand-in for useradd); `make uninstall` leaves no file.
# Run by `make install-check` (and `make test`); touches nothing outside
# its temporary directories.
#
# usage: tests/install_check.sh [BUILD]	(default build)

set -euo pipefail

build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install-check: FAIL: $*" >&2; exit 1; }
mk() { make -s --no-print-directory -C "$top" BUILD="$build" "$@"; }

# a useradd that only says how it was called
cat > "$tmp/useradd" <<'STUB'
#!/bin/sh
echo "$@" >> "$(dirname "$0")/useradd.calls"
STUB
chmod 755 "$tmp/useradd"

# ---- into a DESTDIR, PREFIX /usr/local ------------------------------
dest=$tmp/dest
mk install DESTDIR="$dest" USERADD="$tmp/useradd" >/dev/null
listing=$(cd "$dest" && find . -mindepth 1 \( -type f -o -type d -empty \) \
    -printf '%m %p\n' | sed 's| \./| /|' | sort -k2)
examples=$(cd "$top" && printf '%s\n' examples/*.conf examples/*.limits | sort)
want=$( {
	echo "755 /etc/cgijail"
	echo "644 /etc/logrotate.d/cgijail"
	echo "644 /usr/local/lib/systemd/system/cgijail.service"
	echo "644 /usr/local/lib/systemd/system/cgijail.socket"
	echo "755 /usr/local/sbin/cgijail"
	echo "644 /usr/local/share/cgijail/README.policy"
	echo "644 /usr/local/share/cgijail/default.policy"
	echo "644 /usr/local/share/cgijail/strict.policy"
	for e in $examples; do
		echo "644 /usr/local/share/doc/cgijail/$e"
	done
	echo "644 /usr/local/share/man/man5/cgijail.conf.5"
	echo "644 /usr/local/share/man/man8/cgijail.8"
	echo "750 /var/log/cgijail"
} | sort -k2)
echo "install-check: make install DESTDIR=... put there:"
while read -r line; do echo "    $line"; done <<< "$listing"
[ "$listing" = "$want" ] || fail "unexpected files; wanted:
$want"
[ ! -e "$tmp/useradd.calls" ] || fail "useradd ran under DESTDIR"

"$dest/usr/local/sbin/cgijail" --version | grep -q '^cgijail ' ||
    fail "the installed binary does not run"
grep -qx 'ExecStart=/usr/local/sbin/cgijail -c /etc/cgijail/cgijail.conf' \
    "$dest/usr/local/lib/systemd/system/cgijail.service" ||
    fail "ExecStart does not name the installed binary"
mandoc -Tlint -Wwarning "$dest/usr/local/share/man/man8/cgijail.8" \
    "$dest/usr/local/share/man/man5/cgijail.conf.5" ||
    fail "installed man pages"
# systemd's own check of the units (their binary where it was installed)
mkdir "$tmp/units"
sed "s|/usr/local/sbin/cgijail|$dest/usr/local/sbin/cgijail|" \
    "$dest/usr/local/lib/systemd/system/cgijail.service" \
    > "$tmp/units/cgijail.service"
cp "$dest/usr/local/lib/systemd/system/cgijail.socket" "$tmp/units/"
out=$(systemd-analyze verify --man=no "$tmp/units/cgijail.service" \
    "$tmp/units/cgijail.socket" 2>&1) || fail "systemd-analyze: $out"
[ -z "$out" ] || fail "systemd-analyze verify: $out"

# ---- PREFIX=/usr, SYSCONFDIR=/etc/x: the units follow ---------------
mk install DESTDIR="$tmp/usr" PREFIX=/usr SYSCONFDIR=/etc/x >/dev/null
grep -qx 'ExecStart=/usr/sbin/cgijail -c /etc/x/cgijail/cgijail.conf' \
    "$tmp/usr/usr/lib/systemd/system/cgijail.service" ||
    fail "PREFIX=/usr: ExecStart"
[ -f "$tmp/usr/etc/x/logrotate.d/cgijail" ] || fail "SYSCONFDIR"

# ---- no DESTDIR: the account, unless it exists ----------------------
root=$tmp/root
mk install PREFIX="$root/usr" SYSCONFDIR="$root/etc" \
    LOCALSTATEDIR="$root/var" UNITDIR="$root/units" \
    USERADD="$tmp/useradd" >/dev/null
if id -u _cgijail >/dev/null 2>&1; then
	[ ! -e "$tmp/useradd.calls" ] ||
	    fail "useradd ran though _cgijail exists"
	echo "install-check: _cgijail exists: not created again"
else
	grep -qx -- '--system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin _cgijail' \
	    "$tmp/useradd.calls" || fail "useradd not run as expected"
	echo "install-check: without DESTDIR: useradd $(cat "$tmp/useradd.calls")"
fi

# ---- uninstall --------------------------------------------------------
mk uninstall DESTDIR="$dest" >/dev/null
left=$(cd "$dest" && find . -type f | sort)
[ -z "$left" ] || fail "uninstall left: $left"
for d in usr/local/share/cgijail usr/local/share/doc/cgijail etc/cgijail \
    var/log/cgijail; do
	[ ! -e "$dest/$d" ] || fail "uninstall left $d"
done
echo "install-check: make uninstall removed every file"
