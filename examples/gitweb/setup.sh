#!/bin/sh
# SPDX-License-Identifier: ISC
# examples/gitweb/setup.sh [APPDIR [GITDIR]]: the document root and the
# configuration of examples/gitweb.conf in APPDIR (default
# /srv/cgijail/gitweb), for the repositories in GITDIR (default /srv/git).
# Run as root; needs Debian's gitweb package.
set -eu
app=${1:-/srv/cgijail/gitweb}
git=${2:-/srv/git}
here=$(dirname "$0")
for p in "$app" "$git"; do
	case $p in
	/*[!A-Za-z0-9._/-]*|[!/]*) echo "setup.sh: $p: an absolute path of" \
	    "letters, digits and ._/- please" >&2; exit 1 ;;
	esac
done
test -f /usr/lib/cgi-bin/gitweb.cgi || { echo "setup.sh: apt-get install gitweb" >&2; exit 1; }
umask 022
install -d -m 0755 "$app" "$app/www" "$app/www/cgi-bin" "$app/www/static" "$git"
install -m 0644 /usr/share/gitweb/static/* "$app/www/static/"
printf '#!/bin/sh\nexec /usr/lib/cgi-bin/gitweb.cgi\n' > "$app/www/cgi-bin/gitweb"
chmod 0755 "$app/www/cgi-bin/gitweb"
sed -e "s|/srv/git|$git|g" "$here/gitweb.conf" > "$app/gitweb.conf"
sed -e "s|/srv/cgijail/gitweb|$app|g" -e "s|/srv/git|$git|g" \
    "$here/../gitweb.conf" > "$app/cgijail.conf"
chmod 0644 "$app/gitweb.conf" "$app/cgijail.conf"
echo "cgijail -d $app/www -c $app/cgijail.conf 8080: gitweb at /gitweb/"
