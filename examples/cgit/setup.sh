#!/bin/sh
# SPDX-License-Identifier: ISC
# examples/cgit/setup.sh [APPDIR [GITDIR]]: the document root and the
# configuration of examples/cgit.conf in APPDIR (default /srv/cgijail/cgit),
# for the repositories in GITDIR (default /srv/git).  Run as root; needs
# Debian's cgit package.  Running it again brings APPDIR up to date.
set -eu
app=${1:-/srv/cgijail/cgit}
git=${2:-/srv/git}
here=$(dirname "$0")
for p in "$app" "$git"; do
	case $p in
	/*[!A-Za-z0-9._/-]*|[!/]*) echo "setup.sh: $p: an absolute path of" \
	    "letters, digits and ._/- please" >&2; exit 1 ;;
	esac
done
test -x /usr/lib/cgit/cgit.cgi || { echo "setup.sh: apt-get install cgit" >&2; exit 1; }
umask 022
install -d -m 0755 "$app" "$app/www" "$app/www/cgi-bin" "$app/www/cgit-css" "$git"
install -m 0644 /usr/share/cgit/cgit.css /usr/share/cgit/cgit.png \
    /usr/share/cgit/favicon.ico "$app/www/cgit-css/"
printf '#!/bin/sh\nexec /usr/lib/cgit/cgit.cgi\n' > "$app/www/cgi-bin/cgit"
chmod 0755 "$app/www/cgi-bin/cgit"
sed -e "s|/srv/git|$git|g" "$here/cgitrc" > "$app/cgitrc"
sed -e "s|/srv/cgijail/cgit|$app|g" -e "s|/srv/git|$git|g" \
    "$here/../cgit.conf" > "$app/cgijail.conf"
chmod 0644 "$app/cgitrc" "$app/cgijail.conf"
echo "cgijail -d $app/www -c $app/cgijail.conf 8080: cgit at /cgit/"
