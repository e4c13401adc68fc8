#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# bench/peers.sh: the document root and the servers bench/run.sh compares,
# each on 127.0.0.1 with a port, a config file and an access log of its
# own under $WORK; nothing of a peer's global config or site is touched.
# Sourced after bench/lib.sh.

# name, port offset from BENCH_PORT; the first is the one measured (the
# names are bench/report.py's too)
# shellcheck disable=SC2034
SERVERS=(cgijail lighttpd nginx apache python)
declare -A SERVER_PORT=([cgijail]=0 [lighttpd]=1 [nginx]=2 [apache]=3
    [python]=4)
# the peers run their scripts unsandboxed, as www-data (python: nobody)
BENCH_USER=${BENCH_USER:-www-data}
# Debian's python3 (the one env.py names), whatever else is on PATH
BENCH_PYTHON=${BENCH_PYTHON:-/usr/bin/python3}

bench_port() { echo $((BENCH_PORT + SERVER_PORT[$1])); }

# the same scripts and files for every server
bench_docroot() {
	local r=$WORK/root
	mkdir -p "$r/cgi-bin" "$WORK/logs" "$WORK/run"
	install -m 755 "$BUILD/bench/hello" "$r/cgi-bin/hello-c"
	install -m 755 "$BUILD/bench/echo" "$r/cgi-bin/echo"
	install -m 755 "$TOP/cgi-bin/env.py" "$r/cgi-bin/env.py"
	printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\nhello\\n"\n' \
	    >"$r/cgi-bin/hello.sh"
	chmod 755 "$r/cgi-bin/hello.sh"
	head -c 4096 /dev/urandom >"$r/4k.bin"
	head -c 1048576 /dev/urandom >"$r/1m.bin"
	echo '<html>bench</html>' >"$r/index.html"
	chmod -R a+rX "$r"
	chown "$BENCH_USER" "$WORK/logs" "$WORK/run"
}

# a student's ~/public_html/cgi-bin with the same two hellos, for the
# userdir rows: an account of our own, home in $WORK, its files its own
# and readable by all (the peers run them as $BENCH_USER); without it
# those rows have no result
bench_student() {
	local h=$WORK/home/$BENCH_STUDENT
	mkdir -p "$WORK/home"
	if getent passwd "$BENCH_STUDENT" >/dev/null ||
	    ! useradd -M -d "$h" -s /usr/sbin/nologin "$BENCH_STUDENT" \
	    >/dev/null 2>&1; then
		echo "bench: no account $BENCH_STUDENT: the userdir rows" \
		    "have no result" >&2
		return 0
	fi
	BENCH_STUDENT_MADE=1
	mkdir -p "$h/public_html/cgi-bin"
	cp "$WORK/root/cgi-bin/hello-c" "$WORK/root/cgi-bin/hello.sh" \
	    "$h/public_html/cgi-bin/"
	chown -R "$BENCH_STUDENT:" "$h"
	chmod -R go-w,a+rX "$h"
}

# cgijail with every layer, its access log on stderr as it writes it;
# students' pages under /~NAME/ (userdir), which is one line of config
bench_start_cgijail() {
	echo "userdir public_html" >"$WORK/cgijail.conf"
	bench_spawn "$WORK/logs/cgijail.log" "$CGIJAIL" -c "$WORK/cgijail.conf" \
	    -b 127.0.0.1 -d "$WORK/root" "$1"
}

bench_start_lighttpd() {
	cat >"$WORK/lighttpd.conf" <<CONF
server.document-root = "$WORK/root"
server.port = $1
server.bind = "127.0.0.1"
server.username = "$BENCH_USER"
server.groupname = "$BENCH_USER"
server.pid-file = "$WORK/run/lighttpd.pid"
server.errorlog = "$WORK/logs/lighttpd-error.log"
server.modules = ( "mod_access", "mod_userdir", "mod_cgi", "mod_accesslog" )
accesslog.filename = "$WORK/logs/lighttpd-access.log"
server.max-connections = 1024
userdir.path = "public_html"
\$HTTP["url"] =~ "^/(~[^/]+/)?cgi-bin/" { cgi.assign = ( "" => "" ) }
mimetype.assign = ( ".html" => "text/html",
    ".bin" => "application/octet-stream" )
CONF
	bench_spawn "$WORK/logs/lighttpd.out" lighttpd -D \
	    -f "$WORK/lighttpd.conf"
}

# nginx (sendfile on, as Debian's own config) and fcgiwrap with one
# preforked child per connection of the c=16 rows
bench_start_nginx() {
	local d=$WORK/nginx
	mkdir -p "$d"
	chown "$BENCH_USER" "$d"
	cat >"$WORK/nginx.conf" <<CONF
daemon off;
user $BENCH_USER;
worker_processes auto;
pid $WORK/run/nginx.pid;
error_log $WORK/logs/nginx-error.log;
events { worker_connections 1024; }
http {
	types { text/html html; application/octet-stream bin; }
	access_log $WORK/logs/nginx-access.log;
	sendfile on;
	tcp_nopush on;
	client_max_body_size 2m;
	client_body_buffer_size 128k;
	client_body_temp_path $d/body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	server {
		listen 127.0.0.1:$1;
		root $WORK/root;
		location /cgi-bin/ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
			fastcgi_pass unix:$WORK/run/fcgiwrap.sock;
		}
		location ~ ^/~(?<u>[a-z0-9]+)/cgi-bin/(?<s>[^/]+)\$ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $WORK/home/\$u/public_html/cgi-bin/\$s;
			fastcgi_pass unix:$WORK/run/fcgiwrap.sock;
		}
	}
}
CONF
	bench_spawn "$WORK/logs/fcgiwrap.log" setpriv --reuid="$BENCH_USER" \
	    --regid="$BENCH_USER" --init-groups fcgiwrap -c 16 \
	    -s "unix:$WORK/run/fcgiwrap.sock"
	bench_spawn "$WORK/logs/nginx.out" nginx -e "$WORK/logs/nginx-error.log" \
	    -p "$d" -c "$WORK/nginx.conf"
}

bench_start_apache() {
	local m=/usr/lib/apache2/modules
	cat >"$WORK/apache2.conf" <<CONF
ServerRoot $WORK
ServerName 127.0.0.1
Listen 127.0.0.1:$1
PidFile $WORK/run/apache2.pid
DefaultRuntimeDir $WORK/run
Mutex file:$WORK/run default
User $BENCH_USER
Group $BENCH_USER
LoadModule mpm_event_module $m/mod_mpm_event.so
LoadModule authz_core_module $m/mod_authz_core.so
LoadModule mime_module $m/mod_mime.so
LoadModule alias_module $m/mod_alias.so
LoadModule dir_module $m/mod_dir.so
LoadModule cgid_module $m/mod_cgid.so
LoadModule userdir_module $m/mod_userdir.so
TypesConfig /etc/mime.types
ErrorLog $WORK/logs/apache-error.log
LogFormat "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" combined
CustomLog $WORK/logs/apache-access.log combined
KeepAlive On
MaxKeepAliveRequests 1000
EnableSendfile On
ScriptSock $WORK/run/cgid.sock
DocumentRoot $WORK/root
<Directory />
	Require all denied
</Directory>
<Directory $WORK/root>
	Require all granted
</Directory>
ScriptAlias /cgi-bin/ $WORK/root/cgi-bin/
UserDir public_html
<Directory $WORK/home/*/public_html>
	Require all granted
</Directory>
<Directory $WORK/home/*/public_html/cgi-bin>
	Options +ExecCGI
	SetHandler cgi-script
</Directory>
CONF
	bench_spawn "$WORK/logs/apache.out" apache2 -f "$WORK/apache2.conf" \
	    -DFOREGROUND
}

# python3's own CGI server: it runs scripts as nobody, logs to stderr
bench_start_python() {
	bench_spawn "$WORK/logs/python-access.log" "$BENCH_PYTHON" -m http.server \
	    --cgi --bind 127.0.0.1 --directory "$WORK/root" "$1"
}

# what each peer is, for the report
bench_versions() {
	{
		echo "cgijail	$("$CGIJAIL" --version 2>&1 | head -1)"
		echo "lighttpd	$(lighttpd -v 2>&1 | head -1)"
		echo "nginx	$(nginx -v 2>&1 | head -1), $(dpkg-query -W \
		    -f='fcgiwrap ${Version}' fcgiwrap 2>/dev/null)"
		echo "apache	$(apache2 -v 2>&1 | head -1)"
		echo "python	$("$BENCH_PYTHON" --version 2>&1)"
		echo "wrk	$(wrk -v 2>&1 | head -1)"
	} >"$WORK/versions.tsv"
}
