#!/bin/sh
# SPDX-License-Identifier: ISC
# examples/php/setup.sh [APPDIR]: the document root, the session
# directory and the configuration of examples/php.conf in APPDIR
# (default /srv/cgijail/php).  Run as root; needs Debian's php-cgi.
set -eu
app=${1:-/srv/cgijail/php}
here=$(dirname "$0")
case $app in
/*[!A-Za-z0-9._/-]*|[!/]*) echo "setup.sh: $app: an absolute path of" \
    "letters, digits and ._/- please" >&2; exit 1 ;;
esac
test -x /usr/bin/php-cgi || { echo "setup.sh: apt-get install php-cgi" >&2; exit 1; }
umask 022
install -d -m 0755 "$app" "$app/www" "$app/www/php"
# PHP's session files, private to the script user: Debian's cron job
# cleans only /var/lib/php/sessions, so age these out yourself, e.g.
# with systemd-tmpfiles: "d /srv/cgijail/php/sessions 0700 nobody nogroup 1d"
install -d -m 0700 -o nobody -g nogroup "$app/sessions"
install -m 0644 "$here"/php/*.php "$app/www/php/"
install -m 0644 "$here/../../style.css" "$app/www/style.css"
sed -e "s|/srv/cgijail/php|$app|g" "$here/../php.conf" > "$app/cgijail.conf"
chmod 0644 "$app/cgijail.conf"
echo "cgijail -d $app/www -c $app/cgijail.conf 8080: PHP at /php/"
