#!/bin/sh
# SPDX-License-Identifier: ISC
# examples/man2html/setup.sh [APPDIR]: the document root and the
# configuration of examples/man2html.conf in APPDIR (default
# /srv/cgijail/man2html); APPDIR/man/manN/ holds pages of your own.
# Run as root; needs Debian's man2html package.
set -eu
app=${1:-/srv/cgijail/man2html}
here=$(dirname "$0")
case $app in
/*[!A-Za-z0-9._/-]*|[!/]*) echo "setup.sh: $app: an absolute path of" \
    "letters, digits and ._/- please" >&2; exit 1 ;;
esac
test -x /usr/lib/cgi-bin/man/man2html || { echo "setup.sh: apt-get install man2html" >&2; exit 1; }
umask 022
install -d -m 0755 "$app" "$app/www" "$app/www/cgi-bin" \
    "$app/www/cgi-bin/man" "$app/man" "$app/man/man1" "$app/man/man8"
printf '#!/bin/sh\nexec /usr/lib/cgi-bin/man/man2html\n' \
    > "$app/www/cgi-bin/man/man2html"
chmod 0755 "$app/www/cgi-bin/man/man2html"
sed -e "s|/srv/cgijail/man2html|$app|g" "$here/../man2html.conf" \
    > "$app/cgijail.conf"
chmod 0644 "$app/cgijail.conf"
echo "cgijail -d $app/www -c $app/cgijail.conf 8080:" \
    "man2html at /cgi-bin/man/man2html"
