/* SPDX-License-Identifier: ISC */
/*
 * check_config.c: unit tests for config.c (file parser, command line,
 * defaults, list limits).  Table-driven; every error's full "FILE:LINE:
 * message" text is compared, so a message that moves lines is caught.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define T_FILE	"t.conf"

/* socket paths: sun_path holds 107 bytes and a NUL */
#define CFG_10	"aaaaaaaaaa"
#define CFG_106	CFG_10 CFG_10 CFG_10 CFG_10 CFG_10 CFG_10 CFG_10 CFG_10 \
		CFG_10 CFG_10 "aaaaa"
#define CFG_107	CFG_106 "a"

struct cfg_case {
	const char	*cc_text;
	const char	*cc_err;	/* NULL: must parse */
	const char	*cc_key;	/* field shown after a good parse */
	const char	*cc_want;
};

static const struct cfg_case cfg_cases[] = {
	/* syntax: comments, blanks, quotes, line ends */
	{ "", NULL, "listen", "" },
	{ "# only a comment\n\n   \t\n", NULL, "root", "" },
	{ "root /srv/www\n", NULL, "root", "/srv/www" },
	{ "root www", NULL, "root", "www" },
	{ "root \"/srv/my site\"\n", NULL, "root", "/srv/my site" },
	{ "root /a # trailing comment\n", NULL, "root", "/a" },
	{ "root /a#b\n", NULL, "root", "/a" },
	{ "\troot\t/tab\t\n", NULL, "root", "/tab" },
	{ "root /crlf\r\n", NULL, "root", "/crlf" },
	{ "root \"/q\"# c\n", NULL, "root", "/q" },
	{ "root /a\nroot /b\n", NULL, "root", "/b" },
	{ "root \"/unterminated\n", T_FILE ":1: unterminated quote", NULL,
	    NULL },
	{ "root a\"b\n", T_FILE ":1: quote inside a word", NULL, NULL },
	{ "root \"a\"b\n", T_FILE ":1: text after a closing quote", NULL,
	    NULL },
	{ "root /a\x01\n", T_FILE ":1: control character 0x01 in line", NULL,
	    NULL },
	{ "root /a\n\x7f\n", T_FILE ":2: control character 0x7f in line", NULL,
	    NULL },
	{ "# c\n\nbogus 1\n", T_FILE ":3: unknown keyword 'bogus'", NULL,
	    NULL },
	{ "Root /a\n", T_FILE ":1: unknown keyword 'Root'", NULL, NULL },
	{ "\"\"\n", T_FILE ":1: unknown keyword ''", NULL, NULL },
	{ "root\n", T_FILE ":1: missing argument for 'root'", NULL, NULL },
	{ "root a b\n", T_FILE ":1: too many arguments for 'root'", NULL,
	    NULL },
	{ "root \"\"\n", T_FILE ":1: root: empty directory", NULL, NULL },
	{ "root \"a\tb\"\n", T_FILE ":1: root: control character in directory",
	    NULL, NULL },
	/* userdir (issue 12) */
	{ "userdir public_html\n", NULL, "userdir",
	    "public_html|1000|4||0|" },
	{ "userdir www/public\nuserdir-min-uid 2000\n"
	    "userdir-max-scripts 1\nuserdir-writable data\n"
	    "userdir-debug on\nuserdir-limits /etc/cgijail/class.limits\n",
	    NULL, "userdir", "www/public|2000|1|data|1|"
	    "/etc/cgijail/class.limits" },
	{ "userdir\n", T_FILE ":1: missing argument for 'userdir'", NULL,
	    NULL },
	{ "userdir /home\n", T_FILE ":1: userdir: '/home' must be relative "
	    "to the home directory", NULL, NULL },
	{ "userdir \"\"\n", T_FILE ":1: userdir: '' is empty", NULL, NULL },
	{ "userdir a//b\n", T_FILE ":1: userdir: 'a//b' must not contain "
	    "'//' or end in '/'", NULL, NULL },
	{ "userdir www/\n", T_FILE ":1: userdir: 'www/' must not contain "
	    "'//' or end in '/'", NULL, NULL },
	{ "userdir ../x\n", T_FILE ":1: userdir: '../x' must not contain "
	    "'.' or '..' components", NULL, NULL },
	{ "userdir a/./b\n", T_FILE ":1: userdir: 'a/./b' must not contain "
	    "'.' or '..' components", NULL, NULL },
	{ "userdir \"my site\"\n", T_FILE ":1: userdir: 'my site' must be "
	    "printable ASCII without blanks", NULL, NULL },
	{ "userdir p\xc3\xa9\n", T_FILE ":1: userdir: 'p\\303\\251' must be "
	    "printable ASCII without blanks", NULL, NULL },
	{ "userdir x\nuserdir-min-uid 0\n", T_FILE ":2: userdir-min-uid: '0' "
	    "is too small (expected 1-4294967294)", NULL, NULL },
	{ "userdir x\nuserdir-min-uid 4294967295\n", T_FILE ":2: "
	    "userdir-min-uid: '4294967295' is too large (expected "
	    "1-4294967294)", NULL, NULL },
	{ "userdir x\nuserdir-min-uid 1\n", NULL, "userdir", "x|1|4||0|" },
	{ "userdir x\nuserdir-max-scripts 0\n", T_FILE ":2: "
	    "userdir-max-scripts: '0' is too small (expected 1-4096)", NULL,
	    NULL },
	{ "userdir x\nuserdir-max-scripts 4097\n", T_FILE ":2: "
	    "userdir-max-scripts: '4097' is too large (expected 1-4096)", NULL,
	    NULL },
	{ "userdir x\nuserdir-max-scripts 4096\n", NULL, "userdir",
	    "x|1000|4096||0|" },
	{ "userdir x\nuserdir-writable /data\n", T_FILE ":2: "
	    "userdir-writable: '/data' must be relative to the home directory",
	    NULL, NULL },
	{ "userdir x\nuserdir-debug yes\n", T_FILE ":2: userdir-debug: "
	    "expected 'on' or 'off', not 'yes'", NULL, NULL },
	{ "userdir x\nuserdir-limits x.limits\n", T_FILE ":2: "
	    "userdir-limits: 'x.limits' must be an absolute path", NULL, NULL },
	{ "# c\nuserdir-writable data\n", T_FILE ":2: userdir-writable "
	    "without userdir", NULL, NULL },
	{ "userdir-limits /x\n\n", T_FILE ":1: userdir-limits without "
	    "userdir", NULL, NULL },
	{ "userdir-min-uid 500\nuserdir-max-scripts 2\nuserdir-debug on\n",
	    NULL, "userdir", "|500|2||1|" },
	/* listen */
	{ "listen * 8080\n", NULL, "listen", "|8080" },
	{ "listen 127.0.0.1 80\n", NULL, "listen", "127.0.0.1|80" },
	{ "listen ::1 8000\n", NULL, "listen", "::1|8000" },
	{ "listen [::1] 8000\n", NULL, "listen", "::1|8000" },
	{ "listen localhost 1\n", NULL, "listen", "localhost|1" },
	{ "listen 0.0.0.0 080\nlisten * 65535\n", NULL, "listen",
	    "0.0.0.0|80,|65535" },
	{ "listen 127.0.0.1:8080\n", NULL, "listen", "127.0.0.1|8080" },
	{ "listen [::1]:8080\n", NULL, "listen", "::1|8080" },
	{ "listen 8080\n", NULL, "listen", "|8080" },
	{ "listen *:8080\n", NULL, "listen", "|8080" },
	{ "listen localhost:81\nlisten [::]:81\n", NULL, "listen",
	    "localhost|81,::|81" },
#define T_TLS	"tls-certificate /c.pem\ntls-key /k.pem\n"
#define T_PROXY	"proxy-from 10.0.0.1\n"
	/* listen options: tls, proxy-protocol, in either order, once each */
	{ "listen * 443 tls\n" T_TLS, NULL, "listen", "|443+tls" },
	{ "listen 127.0.0.1:8443 tls\n" T_TLS, NULL, "listen",
	    "127.0.0.1|8443+tls" },
	{ "listen 8080 proxy-protocol\n" T_PROXY, NULL, "listen",
	    "|8080+proxy" },
	{ "listen ::1 80 tls proxy-protocol\n" T_TLS T_PROXY, NULL, "listen",
	    "::1|80+tls+proxy" },
	{ "listen [::1]:80 proxy-protocol tls\n" T_TLS T_PROXY, NULL,
	    "listen", "::1|80+tls+proxy" },
	{ "listen 80\nlisten 443 tls\n" T_TLS, NULL, "listen",
	    "|80,|443+tls" },
	{ "listen * 80 tls tls\n", T_FILE ":1: listen: 'tls' given twice",
	    NULL, NULL },
	{ "listen 80 proxy-protocol proxy-protocol\n", T_FILE ":1: listen: "
	    "'proxy-protocol' given twice", NULL, NULL },
	{ "listen * 80 TLS\n", T_FILE ":1: listen: unknown option 'TLS'",
	    NULL, NULL },
	{ "listen 80 tls bogus\n", T_FILE ":1: listen: unknown option "
	    "'bogus'", NULL, NULL },
	/* what a tls or proxy-protocol listener needs, and only it */
	{ "\nlisten * 443 tls\n", T_FILE ":2: listen: 'tls' needs a "
	    "tls-certificate line", NULL, NULL },
	{ "listen * 443 tls\ntls-certificate /c.pem\n", T_FILE ":1: listen: "
	    "'tls' needs a tls-key line", NULL, NULL },
	{ "listen 80\nlisten 81 tls\nlisten 82 tls\n", T_FILE ":2: listen: "
	    "'tls' needs a tls-certificate line", NULL, NULL },
	{ "listen 80\n" T_TLS, T_FILE ":2: tls-certificate: no listen line "
	    "has 'tls'", NULL, NULL },
	{ "tls-key /k.pem\n", T_FILE ":1: tls-key: no listen line has 'tls'",
	    NULL, NULL },
	{ "tls-ocsp-staple /o.der\n", T_FILE ":1: tls-ocsp-staple: no listen "
	    "line has 'tls'", NULL, NULL },
	{ "listen 443 tls\n" T_TLS "tls-ocsp-staple /o.der\n", NULL, "tls",
	    "/c.pem|/k.pem|/o.der" },
	{ "listen 443 tls\n" T_TLS "tls-key /k2.pem\n", NULL, "tls",
	    "/c.pem|/k2.pem|" },
	{ "listen 443 tls\ntls-certificate c.pem\n", T_FILE ":2: "
	    "tls-certificate: 'c.pem' must be an absolute path", NULL, NULL },
	{ "listen 443 tls\ntls-key /a/../k\n", T_FILE ":2: tls-key: "
	    "'/a/../k' must not contain '.' or '..' components", NULL, NULL },
	{ "tls-certificate /a /b\n", T_FILE ":1: too many arguments for "
	    "'tls-certificate'", NULL, NULL },
	{ "\n\nlisten 80 proxy-protocol\n", T_FILE ":3: listen: "
	    "'proxy-protocol' needs a proxy-from line (the load balancers "
	    "trusted to send it)", NULL, NULL },
	{ "listen 80\n" T_PROXY, T_FILE ":2: proxy-from: no listen line has "
	    "'proxy-protocol'", NULL, NULL },
	/* proxy-from: addresses and networks, IPv4 kept as ::ffff:0:0/96 */
	{ "listen 80 proxy-protocol\nproxy-from 10.0.0.1 192.168.0.0/16\n",
	    NULL, "proxyfrom", "10.0.0.1/128,192.168.0.0/112" },
	{ "listen 80 proxy-protocol\nproxy-from ::1\nproxy-from "
	    "fd00::/8 0.0.0.0/0\n", NULL, "proxyfrom",
	    "::1/128,fd00::/8,0.0.0.0/96" },
	{ "listen 80 proxy-protocol\nproxy-from 10.0.0.0/33\n", T_FILE ":2: "
	    "proxy-from: '33' is too large (expected 0-32)", NULL, NULL },
	{ "listen 80 proxy-protocol\nproxy-from ::/129\n", T_FILE ":2: "
	    "proxy-from: '129' is too large (expected 0-128)", NULL, NULL },
	{ "listen 80 proxy-protocol\nproxy-from 10.0.0.1/8\n", T_FILE ":2: "
	    "proxy-from: '10.0.0.1/8' has bits set beyond its /8 prefix",
	    NULL, NULL },
	{ "listen 80 proxy-protocol\nproxy-from 10.0.0.0/\n", T_FILE ":2: "
	    "proxy-from: '' is invalid (expected 0-32)", NULL, NULL },
	{ "listen 80 proxy-protocol\nproxy-from 10.0.0.0/+8\n", T_FILE ":2: "
	    "proxy-from: '+8' is invalid (expected 0-32)", NULL, NULL },
	{ "listen 80 proxy-protocol\nproxy-from localhost\n", T_FILE ":2: "
	    "proxy-from: bad address 'localhost' (expected an IP address or "
	    "ADDRESS/BITS)", NULL, NULL },
	{ "listen 80 proxy-protocol\nproxy-from 10.0.0.256\n", T_FILE ":2: "
	    "proxy-from: bad address '10.0.0.256' (expected an IP address or "
	    "ADDRESS/BITS)", NULL, NULL },
	{ "listen 80 proxy-protocol\nproxy-from [::1]\n", T_FILE ":2: "
	    "proxy-from: bad address '[::1]' (expected an IP address or "
	    "ADDRESS/BITS)", NULL, NULL },
	{ "listen 80 proxy-protocol\nproxy-from 10.0.0.1 10.0.0.1/32\n",
	    T_FILE ":2: proxy-from: '10.0.0.1/32' given twice", NULL, NULL },
	{ "listen 80 proxy-protocol\nproxy-from ::ffff:10.0.0.1\nproxy-from "
	    "10.0.0.1\n", T_FILE ":3: proxy-from: '10.0.0.1' given twice",
	    NULL, NULL },
	{ "listen 80 proxy-protocol\nproxy-from\n", T_FILE ":2: missing "
	    "argument for 'proxy-from'", NULL, NULL },
	{ "listen 127.0.0.1:\n", T_FILE ":1: listen: no port in '127.0.0.1:' "
	    "(expected ADDRESS PORT, ADDRESS:PORT, [IPv6]:PORT or PORT)", NULL,
	    NULL },
	{ "listen ::1\n", T_FILE ":1: listen: no port in '::1' (expected "
	    "ADDRESS PORT, ADDRESS:PORT, [IPv6]:PORT or PORT)", NULL, NULL },
	{ "listen [::1]\n", T_FILE ":1: listen: no port in '[::1]' (expected "
	    "ADDRESS PORT, ADDRESS:PORT, [IPv6]:PORT or PORT)", NULL, NULL },
	{ "listen 1.2.3.4:0\n", T_FILE ":1: listen: '0' is too small "
	    "(expected 1-65535)", NULL, NULL },
	{ "listen 1.2.3:80\n", T_FILE ":1: listen: bad address '1.2.3' "
	    "(expected *, localhost or an IP address)", NULL, NULL },
	{ "listen [1.2.3.4]:80\n", T_FILE ":1: listen: bad address "
	    "'[1.2.3.4]' (expected *, localhost or an IP address)", NULL,
	    NULL },
	{ "listen 127.0.0.1:80 81\n", T_FILE ":1: listen: bad address "
	    "'127.0.0.1:80' (expected *, localhost or an IP address)", NULL,
	    NULL },
	{ "listen 99999999999999999999\n", T_FILE ":1: listen: "
	    "'99999999999999999999' is too large (expected 1-65535)", NULL,
	    NULL },
	{ "listen * 80 bogus\n", T_FILE ":1: listen: unknown option 'bogus'",
	    NULL, NULL },
	{ "listen *\n", T_FILE ":1: listen: no port in '*' (expected ADDRESS "
	    "PORT, ADDRESS:PORT, [IPv6]:PORT or PORT)", NULL,
	    NULL },
	{ "listen * 1 tls proxy-protocol x\n", T_FILE ":1: too many arguments "
	    "for 'listen'", NULL, NULL },
	{ "listen * 0\n", T_FILE ":1: listen: '0' is too small (expected "
	    "1-65535)", NULL, NULL },
	{ "listen * 65536\n", T_FILE ":1: listen: '65536' is too large "
	    "(expected 1-65535)", NULL, NULL },
	{ "listen * 8x\n", T_FILE ":1: listen: '8x' is invalid (expected "
	    "1-65535)", NULL, NULL },
	{ "listen * -1\n", T_FILE ":1: listen: '-1' is invalid (expected "
	    "1-65535)", NULL, NULL },
	{ "listen 1.2.3 80\n", T_FILE ":1: listen: bad address '1.2.3' "
	    "(expected *, localhost or an IP address)", NULL, NULL },
	{ "listen [1.2.3.4] 80\n", T_FILE ":1: listen: bad address '[1.2.3.4]' "
	    "(expected *, localhost or an IP address)", NULL, NULL },
	{ "listen [] 80\n", T_FILE ":1: listen: bad address '[]' (expected *, "
	    "localhost or an IP address)", NULL, NULL },
	{ "listen * 80\nlisten * 080\n", T_FILE ":2: listen: address and port "
	    "given twice", NULL, NULL },
	/* content */
	{ "max-connections 10\n", NULL, "maxconn", "10" },
	{ "max-connections 0\n", T_FILE ":1: max-connections: '0' is too small "
	    "(expected 1-1048576)", NULL, NULL },
	{ "max-connections abc\n", T_FILE ":1: max-connections: 'abc' is "
	    "invalid (expected 1-1048576)", NULL, NULL },
	{ "max-connections \" 5\"\n", T_FILE ":1: max-connections: ' 5' is "
	    "invalid (expected 1-1048576)", NULL, NULL },
	{ "max-connections-per-client 16\n", NULL, "maxperclient", "16" },
	{ "max-connections-per-client 0\n", NULL, "maxperclient", "0" },
	{ "max-connections-per-client -1\n", T_FILE ":1: "
	    "max-connections-per-client: '-1' is invalid (expected "
	    "0-1048576)", NULL, NULL },
	{ "max-connections-per-client 1048577\n", T_FILE ":1: "
	    "max-connections-per-client: '1048577' is too large (expected "
	    "0-1048576)", NULL, NULL },
	{ "index a.html b.html\n", NULL, "index", "a.html,b.html" },
	{ "index a b c d e f g h\n", NULL, "index", "a,b,c,d,e,f,g,h" },
	{ "index a b c d e f g h i\n", T_FILE ":1: too many arguments for "
	    "'index'", NULL, NULL },
	{ "index a/b\n", T_FILE ":1: index: 'a/b' is not a file name", NULL,
	    NULL },
	{ "index ..\n", T_FILE ":1: index: '..' is not a file name", NULL,
	    NULL },
	{ "index\n", T_FILE ":1: missing argument for 'index'", NULL, NULL },
	{ "autoindex on\n", NULL, "autoindex", "1" },
	{ "autoindex on\nautoindex off\n", NULL, "autoindex", "0" },
	{ "autoindex yes\n", T_FILE ":1: autoindex: expected 'on' or 'off', "
	    "not 'yes'", NULL, NULL },
	{ "max-body 10M\n", NULL, "maxbody", "10485760" },
	{ "max-body 0\n", NULL, "maxbody", "0" },
	{ "max-body 1T\n", NULL, "maxbody", "1099511627776" },
	{ "max-body 10X\n", T_FILE ":1: max-body: bad size '10X' (a number "
	    "with an optional K, M, G or T)", NULL, NULL },
	{ "max-body 99999999999G\n", T_FILE ":1: max-body: bad size "
	    "'99999999999G' (a number with an optional K, M, G or T)", NULL,
	    NULL },
	/* CGI */
	{ "cgi-dir /scripts/\n", NULL, "cgidir", "/scripts|" },
	{ "cgi-dir /s /etc/cgijail/strict.policy\n", NULL, "cgidir",
	    "/s|/etc/cgijail/strict.policy" },
	{ "cgi-dir cgi-bin\n", T_FILE ":1: cgi-dir: 'cgi-bin' must start with "
	    "'/'", NULL, NULL },
	{ "cgi-dir /a/../b\n", T_FILE ":1: cgi-dir: '/a/../b' must not contain "
	    "'..'", NULL, NULL },
	{ "cgi-dir /a..b\n", T_FILE ":1: cgi-dir: '/a..b' must not contain "
	    "'..'", NULL, NULL },
	{ "cgi-dir /a//b\n", T_FILE ":1: cgi-dir: '/a//b' must not contain "
	    "'//'", NULL, NULL },
	{ "cgi-dir /a/./b\n", T_FILE ":1: cgi-dir: '/a/./b' must not contain "
	    "'.' or '..' components", NULL, NULL },
	{ "cgi-dir \"/a b\"\n", T_FILE ":1: cgi-dir: '/a b' must not contain "
	    "spaces or ?#%\\\"", NULL, NULL },
	{ "cgi-dir \"/a\tb\"\n", T_FILE ":1: cgi-dir: '/a\\tb' must not "
	    "contain control characters", NULL, NULL },
	{ "cgi-dir /\n", T_FILE ":1: cgi-dir: '/' would make every file a "
	    "script; use cgi-route", NULL, NULL },
	{ "cgi-dir /x rel.policy\n", T_FILE ":1: cgi-dir: 'rel.policy' must be "
	    "an absolute path", NULL, NULL },
	{ "cgi-dir /x\ncgi-dir /x/\n", T_FILE ":2: cgi-dir: '/x' given twice",
	    NULL, NULL },
	{ "cgi-route /api /cgi-bin/api.py\n", NULL, "route",
	    "/api>/cgi-bin/api.py" },
	{ "cgi-route /api\n", T_FILE ":1: missing argument for 'cgi-route'",
	    NULL, NULL },
	{ "cgi-route /api cgi-bin/x\n", T_FILE ":1: cgi-route: 'cgi-bin/x' "
	    "must start with '/'", NULL, NULL },
	{ "cgi-route /api /cgi-bin/\n", T_FILE ":1: cgi-route: script "
	    "'/cgi-bin/' is a directory", NULL, NULL },
	{ "cgi-route /a /s\ncgi-route /a /t\n", T_FILE ":2: cgi-route: '/a' "
	    "given twice", NULL, NULL },
	{ "interpreter .py /usr/bin/python3\n", NULL, "interp",
	    ".py=/usr/bin/python3" },
	{ "interpreter py /usr/bin/python3\n", T_FILE ":1: interpreter: bad "
	    "extension 'py' (expected .[A-Za-z0-9]+)", NULL, NULL },
	{ "interpreter . /x\n", T_FILE ":1: interpreter: bad extension '.' "
	    "(expected .[A-Za-z0-9]+)", NULL, NULL },
	{ "interpreter .p-y /x\n", T_FILE ":1: interpreter: bad extension "
	    "'.p-y' (expected .[A-Za-z0-9]+)", NULL, NULL },
	{ "interpreter .abcdefghijklmnop /x\n", T_FILE ":1: interpreter: too "
	    "long (max 15 bytes)", NULL, NULL },
	{ "interpreter .py python3\n", T_FILE ":1: interpreter: 'python3' must "
	    "be an absolute path", NULL, NULL },
	{ "interpreter .py /a\ninterpreter .py /b\n", T_FILE ":2: interpreter: "
	    "'.py' given twice", NULL, NULL },
	{ "setenv GREETING hello world  \n", NULL, "setenv", "GREETING=hello "
	    "world" },
	{ "setenv X \"a # b\"\n", NULL, "setenv", "X=a # b" },
	{ "setenv X a # comment\n", NULL, "setenv", "X=a" },
	{ "setenv X \"\"\n", NULL, "setenv", "X=" },
	{ "setenv _x9 a\tb\n", NULL, "setenv", "_x9=a\tb" },
	{ "setenv X a b c d e f g h i j k l m n o p q r s\n", NULL, "setenv",
	    "X=a b c d e f g h i j k l m n o p q r s" },
	{ "setenv X\n", T_FILE ":1: missing argument for 'setenv'", NULL,
	    NULL },
	{ "setenv PATH /bin\n", T_FILE ":1: setenv: 'PATH' is set by cgijail "
	    "(/usr/local/bin:/usr/bin:/bin in the jail); call other programs "
	    "by their full path", NULL, NULL },
	{ "setenv SCRIPT_FILENAME /x\n", T_FILE ":1: setenv: 'SCRIPT_FILENAME' "
	    "is a CGI meta-variable that cgijail sets", NULL, NULL },
	{ "setenv HTTP_PROXY x\n", T_FILE ":1: setenv: 'HTTP_PROXY' is "
	    "reserved for request headers (HTTP_*)", NULL, NULL },
	{ "setenv http_proxy x\n", T_FILE ":1: setenv: 'http_proxy' is "
	    "reserved for request headers (HTTP_*)", NULL, NULL },
	{ "setenv LD_PRELOAD /x.so\n", T_FILE ":1: setenv: 'LD_PRELOAD' would "
	    "change how the dynamic loader runs every script (LD_*)", NULL,
	    NULL },
	{ "setenv 1X a\n", T_FILE ":1: setenv: '1X' is not a variable name "
	    "([A-Za-z_][A-Za-z0-9_]*)", NULL, NULL },
	{ "setenv X-Y a\n", T_FILE ":1: setenv: 'X-Y' is not a variable name "
	    "([A-Za-z_][A-Za-z0-9_]*)", NULL, NULL },
	{ "setenv X a \"b\"\n", T_FILE ":1: setenv: quote the whole value or "
	    "none of it", NULL, NULL },
	{ "setenv X \"a\" b\n", T_FILE ":1: setenv: text after the quoted "
	    "value", NULL, NULL },
	{ "setenv X 1\nsetenv X 2\n", T_FILE ":2: setenv: 'X' given twice",
	    NULL, NULL },
	{ "pass-authorization on\n", NULL, "passauth", "1" },
	{ "pass-authorization maybe\n", T_FILE ":1: pass-authorization: "
	    "expected 'on' or 'off', not 'maybe'", NULL, NULL },
	{ "max-scripts 8\n", NULL, "maxscripts", "8" },
	{ "max-scripts 0\n", T_FILE ":1: max-scripts: '0' is too small "
	    "(expected 1-4096)", NULL, NULL },
	{ "debug on\n", NULL, "debug", "1" },
	{ "debug 1\n", T_FILE ":1: debug: expected 'on' or 'off', not '1'",
	    NULL, NULL },
	/* sandbox */
	{ "user _cgijail\n", NULL, "user", "_cgijail" },
	{ "script-user www-data\n", NULL, "scriptuser", "www-data" },
	{ "user root\n", T_FILE ":1: user: must not be root", NULL, NULL },
	{ "script-user root\n", T_FILE ":1: script-user: must not be root",
	    NULL, NULL },
	{ "user bad/name\n", T_FILE ":1: user: 'bad/name' is not a user name",
	    NULL, NULL },
	{ "user -x\n", T_FILE ":1: user: '-x' is not a user name", NULL, NULL },
	{ "user nobody\n", T_FILE ":1: user: the front and the scripts must "
	    "run as different users", NULL, NULL },
	{ "user a\nscript-user a\n", T_FILE ":2: script-user: the front and "
	    "the scripts must run as different users", NULL, NULL },
	{ "timeout 0\n", NULL, "timeout", "0" },
	{ "timeout 86400\n", NULL, "timeout", "86400" },
	{ "timeout 86401\n", T_FILE ":1: timeout: '86401' is too large "
	    "(expected 0-86400)", NULL, NULL },
	{ "timeout 1.5\n", T_FILE ":1: timeout: '1.5' is invalid (expected "
	    "0-86400)", NULL, NULL },
	{ "timeout-status 504\n", NULL, "timeoutstatus", "504" },
	{ "timeout-status 502\n", T_FILE ":1: timeout-status: expected 500 or "
	    "504, not '502'", NULL, NULL },
	{  "limit cpu 5\nlimit memory 1G\nlimit processes 10\nlimit file-size "
	    "4k\nlimit open-files 64\nlimit tmp 32M\n", NULL, "limits",
	    "5,1073741824,10,4096,64,33554432" },
	{ "limit cpu 1K\n", T_FILE ":1: limit cpu: '1K' is invalid (expected "
	    "1-86400)", NULL, NULL },
	{ "limit cpu 0\n", T_FILE ":1: limit cpu: '0' is out of range "
	    "(expected 1-86400)", NULL, NULL },
	{ "limit memory 1\n", T_FILE ":1: limit memory: '1' is out of range "
	    "(expected 1M-16T, a size with K, M, G or T)", NULL, NULL },
	{ "limit memory 17T\n", T_FILE ":1: limit memory: '17T' is out of "
	    "range (expected 1M-16T, a size with K, M, G or T)", NULL, NULL },
	{ "limit file-size 16T\n", NULL, "limits",
	    "10,536870912,64,17592186044416,256,16777216" },
	{ "limit tmp 1X\n", T_FILE ":1: limit tmp: '1X' is invalid (expected "
	    "64K-1T, a size with K, M, G or T)", NULL, NULL },
	{ "limit open-files 2000000\n", T_FILE ":1: limit open-files: "
	    "'2000000' is out of range (expected 8-1048576)", NULL, NULL },
	{ "limit bogus 1\n", T_FILE ":1: limit: unknown limit 'bogus' (cpu, "
	    "memory, processes, file-size, open-files, tmp)", NULL, NULL },
	{ "limit cpu\n", T_FILE ":1: missing argument for 'limit'", NULL,
	    NULL },
	{ "jail-bind /opt/data\n", NULL, "bind", "/opt/data>/opt/data:ro" },
	{ "jail-bind-rw /srv/x /data\n", NULL, "bind", "/srv/x>/data:rw" },
	{ "jail-bind relative\n", T_FILE ":1: jail-bind: 'relative' must be an "
	    "absolute path", NULL, NULL },
	{ "jail-bind /a /\n", T_FILE ":1: jail-bind: target '/' is one of the "
	    "jail's own mount points (/, /proc, /dev, /tmp); bind below it or "
	    "elsewhere", NULL, NULL },
	{ "jail-bind /proc\n", T_FILE ":1: jail-bind: target '/proc' is one "
	    "of the jail's own mount points (/, /proc, /dev, /tmp); bind below "
	    "it or elsewhere", NULL, NULL },
	{ "jail-bind-rw /srv /dev/\n", T_FILE ":1: jail-bind-rw: target "
	    "'/dev' is one of the jail's own mount points (/, /proc, /dev, "
	    "/tmp); bind below it or elsewhere", NULL, NULL },
	{ "\njail-bind /tmp\n", T_FILE ":2: jail-bind: target '/tmp' is one "
	    "of the jail's own mount points (/, /proc, /dev, /tmp); bind below "
	    "it or elsewhere", NULL, NULL },
	{ "jail-bind /tmp/repos\n", NULL, "bind", "/tmp/repos>/tmp/repos:ro" },
	{ "jail-bind-rw /srv/x/ /tmp/x//\n", T_FILE ":1: jail-bind-rw: "
	    "'/tmp/x//' must not contain '//'", NULL, NULL },
	{ "jail-bind-rw /srv/x/ /tmp/x/\n", NULL, "bind", "/srv/x>/tmp/x:rw" },
	{ "jail-bind /tmp/a\njail-bind /tmp/a/\n", T_FILE ":2: jail-bind: "
	    "target '/tmp/a' given twice", NULL, NULL },
	{ "jail-bind /a /b/../c\n", T_FILE ":1: jail-bind: '/b/../c' must not "
	    "contain '.' or '..' components", NULL, NULL },
	{ "jail-bind /a /t\njail-bind-rw /b /t\n", T_FILE ":2: jail-bind-rw: "
	    "target '/t' given twice", NULL, NULL },
	{ "script-network on\n", NULL, "network", "1" },
	{ "script-network maybe\n", T_FILE ":1: script-network: expected 'on' "
	    "or 'off', not 'maybe'", NULL, NULL },
	/* layers that must not fail open */
	{ "", NULL, "landlock", "1,6,0" },
	{ "\nlandlock off\n", NULL, "landlock", "0,6,2" },
	{ "landlock-min-abi 4\n", NULL, "landlock", "1,4,1" },
	{ "landlock-min-abi 0\n", T_FILE ":1: landlock-min-abi: ABI 0 is no "
	    "landlock at all; to run scripts without it, say 'landlock off'",
	    NULL, NULL },
	{ "landlock-min-abi 65\n", T_FILE ":1: landlock-min-abi: '65' is too "
	    "large (expected 1-64)", NULL, NULL },
	{ "landlock maybe\n", T_FILE ":1: landlock: expected 'on' or 'off', "
	    "not 'maybe'", NULL, NULL },
	{ "", NULL, "cgroup", "1" },
	{ "cgroup off\n", NULL, "cgroup", "0" },
	{ "cgroup no\n", T_FILE ":1: cgroup: expected 'on' or 'off', not "
	    "'no'", NULL, NULL },
	/* the scripts' host uids */
	{ "", NULL, "uidrange", "1879048192+1024@0" },
	{ "# c\nscript-uid-range 2000000000-2000000063\n", NULL, "uidrange",
	    "2000000000+64@2" },
	{ "script-uid-range 65536-65536\nmax-scripts 1\n", NULL, "uidrange",
	    "65536+1@1" },
	{ "script-uid-range 4294967294-4294967294\nmax-scripts 1\n", NULL,
	    "uidrange", "4294967294+1@1" },
	{ "script-uid-range 65535-70000\n", T_FILE ":1: script-uid-range: "
	    "'65535' is too small (expected 65536-4294967294)", NULL, NULL },
	{ "script-uid-range 100000-4294967295\n", T_FILE ":1: "
	    "script-uid-range: '4294967295' is too large (expected "
	    "65536-4294967294)", NULL, NULL },
	{ "script-uid-range 200000-100000\n", T_FILE ":1: script-uid-range: "
	    "LAST 100000 is below FIRST 200000", NULL, NULL },
	{ "script-uid-range 100000\n", T_FILE ":1: script-uid-range: '100000' "
	    "is not FIRST-LAST (e.g. 1879048192-1879049215)", NULL, NULL },
	{ "script-uid-range -100000\n", T_FILE ":1: script-uid-range: "
	    "'-100000' is not FIRST-LAST (e.g. 1879048192-1879049215)", NULL,
	    NULL },
	{ "script-uid-range 100000-+100009\n", T_FILE ":1: script-uid-range: "
	    "'+100009' is invalid (expected 65536-4294967294)", NULL, NULL },
	{ "max-scripts 64\nscript-uid-range 1879113728-1879113735\n", T_FILE
	    ":2: script-uid-range 1879113728-1879113735 holds 8 uids, fewer "
	    "than max-scripts 64: each running script needs a uid of its own; "
	    "widen the range or lower max-scripts", NULL, NULL },
	{ "script-uid-range 100000-100007\n\nmax-scripts 9\n", T_FILE ":3: "
	    "script-uid-range 100000-100007 holds 8 uids, fewer than "
	    "max-scripts 9: each running script needs a uid of its own; widen "
	    "the range or lower max-scripts", NULL, NULL },
	{ "max-scripts 4096\n", T_FILE ":1: script-uid-range 1879048192-"
	    "1879049215 holds 1024 uids, fewer than max-scripts 4096: each "
	    "running script needs a uid of its own; widen the range or lower "
	    "max-scripts", NULL, NULL },
	/* logs */
	{ "access-log syslog\n", NULL, "accesslog", "syslog@" },
	{ "error-log /var/log/cgijail.err\n", NULL, "errorlog",
	    "/var/log/cgijail.err@" },
	{ "access-log relative.log\n", T_FILE ":1: access-log: 'relative.log' "
	    "must be an absolute path", NULL, NULL },
	{ "error-log syslog /run/x/log.sock\n", NULL, "errorlog",
	    "syslog@/run/x/log.sock" },
	{ "access-log syslog\n", NULL, "accesslog", "syslog@" },
	{ "access-log syslog /a\naccess-log syslog\n", NULL, "accesslog",
	    "syslog@" },
	{ "error-log syslog /a\nerror-log /var/e.log\n", NULL, "errorlog",
	    "/var/e.log@" },
	{ "error-log /var/e.log\nerror-log stderr\n", NULL, "errorlog", "@" },
	{ "access-log stderr\n", NULL, "accesslog", "@" },
	{ "access-log /a.log /b.log\n", T_FILE ":1: access-log: a second "
	    "argument (a socket) only after 'syslog'", NULL, NULL },
	{ "error-log stderr /x\n", T_FILE ":1: error-log: a second argument (a "
	    "socket) only after 'syslog'", NULL, NULL },
	{ "error-log syslog log.sock\n", T_FILE ":1: error-log: 'log.sock' must "
	    "be an absolute path", NULL, NULL },
	{ "error-log syslog /x /y\n", T_FILE ":1: too many arguments for "
	    "'error-log'", NULL, NULL },
	{ "access-log syslog /" CFG_107 "x\n", T_FILE ":1: access-log: too long "
	    "(max 107 bytes)", NULL, NULL },
	{ "access-log syslog /" CFG_106 "\n", NULL, "accesslog",
	    "syslog@/" CFG_106 },
	/* metrics: one listener of its own, loopback unless said */
	{ "", NULL, "metrics", "||0" },
	{ "metrics 127.0.0.1 9100\n", NULL, "metrics", "127.0.0.1|9100|0" },
	{ "metrics 127.8.9.10 1\n", NULL, "metrics", "127.8.9.10|1|0" },
	{ "metrics localhost 65535\n", NULL, "metrics", "127.0.0.1|65535|0" },
	{ "metrics ::1 9100\n", NULL, "metrics", "::1|9100|0" },
	{ "metrics [::1] 9100\n", NULL, "metrics", "::1|9100|0" },
	{ "metrics 10.0.0.1 9100 non-loopback\n", NULL, "metrics",
	    "10.0.0.1|9100|1" },
	{ "metrics [2001:db8::1] 9100 non-loopback\n", NULL, "metrics",
	    "2001:db8::1|9100|1" },
	{ "metrics 10.0.0.1 9100\n", T_FILE ":1: metrics: 10.0.0.1 is not a "
	    "loopback address: anyone who can reach it would read the "
	    "counters; if that is meant (a private network, a firewall), say "
	    "so at the end of the line: non-loopback", NULL, NULL },
	{ "metrics 127.0.0.1 9100 non-loopback\n", T_FILE ":1: metrics: "
	    "127.0.0.1 is a loopback address: 'non-loopback' is for the "
	    "others; remove it", NULL, NULL },
	{ "metrics * 9100\n", T_FILE ":1: metrics: '*' is every address, the "
	    "public ones too: name the one address to be scraped on", NULL,
	    NULL },
	{ "metrics 0.0.0.0 9100\n", T_FILE ":1: metrics: '0.0.0.0' is every "
	    "address, the public ones too: name the one address to be scraped "
	    "on", NULL, NULL },
	{ "metrics [::] 9100\n", T_FILE ":1: metrics: '::' is every address, "
	    "the public ones too: name the one address to be scraped on", NULL,
	    NULL },
	{ "metrics \"\" 9100\n", T_FILE ":1: metrics: '' is every address, "
	    "the public ones too: name the one address to be scraped on", NULL,
	    NULL },
	{ "metrics ::ffff:127.0.0.1 9100\n", T_FILE ":1: metrics: "
	    "'::ffff:127.0.0.1' is an IPv4-mapped address: write it as IPv4",
	    NULL, NULL },
	{ "metrics [127.0.0.1] 9100\n", T_FILE ":1: metrics: bad address "
	    "'[127.0.0.1]'", NULL, NULL },
	{ "metrics localhost.example 9100\n", T_FILE ":1: metrics: bad "
	    "address 'localhost.example' (expected an IPv4 or IPv6 address, "
	    "or localhost)", NULL, NULL },
	{ "metrics 127.0.0.1 0\n", T_FILE ":1: metrics: '0' is too small "
	    "(expected 1-65535)", NULL, NULL },
	{ "metrics 127.0.0.1 65536\n", T_FILE ":1: metrics: '65536' is too "
	    "large (expected 1-65535)", NULL, NULL },
	{ "metrics 127.0.0.1 +1\n", T_FILE ":1: metrics: '+1' is invalid "
	    "(expected 1-65535)", NULL, NULL },
	{ "metrics 127.0.0.1\n", T_FILE ":1: missing argument for 'metrics'",
	    NULL, NULL },
	{ "metrics 127.0.0.1 1 non-loopback x\n", T_FILE ":1: too many "
	    "arguments for 'metrics'", NULL, NULL },
	{ "metrics 127.0.0.1 1 public\n", T_FILE ":1: metrics: unknown option "
	    "'public' (expected non-loopback)", NULL, NULL },
	{ "metrics 127.0.0.1 1\n#\nmetrics 127.0.0.1 2\n", T_FILE ":3: "
	    "metrics: given twice (there is one metrics listener)", NULL, NULL },
};

static void
cfg_render(const struct config *cf, const char *key, char *buf, size_t sz)
{
	size_t	i, n = 0;

	buf[0] = '\0';
#define CAT(...)	(n += (size_t)snprintf(buf + n, n < sz ? sz - n : 0, \
			    __VA_ARGS__))
	if (strcmp(key, "metrics") == 0)
		CAT("%s|%s|%d", cf->cf_metrics_addr, cf->cf_metrics_port,
		    cf->cf_metrics_nonloopback);
	else if (strcmp(key, "listen") == 0)
		for (i = 0; i < cf->cf_nlisten; i++)
			CAT("%s%s|%s%s%s", i ? "," : "",
			    cf->cf_listen[i].cl_addr, cf->cf_listen[i].cl_port,
			    cf->cf_listen[i].cl_opts & CONFIG_LISTEN_TLS ?
			    "+tls" : "", cf->cf_listen[i].cl_opts &
			    CONFIG_LISTEN_PROXY ? "+proxy" : "");
	else if (strcmp(key, "tls") == 0)
		CAT("%.100s|%.100s|%.100s", cf->cf_tls_cert, cf->cf_tls_key,
		    cf->cf_tls_ocsp);
	else if (strcmp(key, "proxyfrom") == 0)
		for (i = 0; i < cf->cf_nproxy_from; i++) {
			char	a[INET6_ADDRSTRLEN];
			const struct config_cidr *cc = &cf->cf_proxy_from[i];

			if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)
			    (const void *)cc->cc_addr))
				inet_ntop(AF_INET, cc->cc_addr + 12, a,
				    sizeof(a));
			else
				inet_ntop(AF_INET6, cc->cc_addr, a, sizeof(a));
			CAT("%s%s/%u", i ? "," : "", a, cc->cc_bits);
		}
	else if (strcmp(key, "root") == 0)
		CAT("%s", cf->cf_root);
	else if (strcmp(key, "index") == 0)
		for (i = 0; i < cf->cf_nindex; i++)
			CAT("%s%s", i ? "," : "", cf->cf_index[i]);
	else if (strcmp(key, "cgidir") == 0)
		for (i = 0; i < cf->cf_ncgidir; i++)
			CAT("%s%s|%s", i ? "," : "",
			    cf->cf_cgidir[i].cd_urlpath,
			    cf->cf_cgidir[i].cd_policy);
	else if (strcmp(key, "route") == 0)
		for (i = 0; i < cf->cf_nroute; i++)
			CAT("%s%s>%s", i ? "," : "", cf->cf_route[i].cr_prefix,
			    cf->cf_route[i].cr_script);
	else if (strcmp(key, "interp") == 0)
		for (i = 0; i < cf->cf_ninterp; i++)
			CAT("%s%s=%s", i ? "," : "", cf->cf_interp[i].ci_ext,
			    cf->cf_interp[i].ci_path);
	else if (strcmp(key, "setenv") == 0)
		for (i = 0; i < cf->cf_nsetenv; i++)
			CAT("%s%s=%s", i ? "," : "", cf->cf_setenv[i].cs_name,
			    cf->cf_setenv[i].cs_value);
	else if (strcmp(key, "bind") == 0)
		for (i = 0; i < cf->cf_nbind; i++)
			CAT("%s%s>%s:%s", i ? "," : "", cf->cf_bind[i].cb_src,
			    cf->cf_bind[i].cb_dst,
			    cf->cf_bind[i].cb_rw ? "rw" : "ro");
	else if (strcmp(key, "limits") == 0)
		CAT("%llu,%llu,%llu,%llu,%llu,%llu",
		    (unsigned long long)cf->cf_limits.lim_cpu_sec,
		    (unsigned long long)cf->cf_limits.lim_memory_bytes,
		    (unsigned long long)cf->cf_limits.lim_processes,
		    (unsigned long long)cf->cf_limits.lim_file_size_bytes,
		    (unsigned long long)cf->cf_limits.lim_open_files,
		    (unsigned long long)cf->cf_limits.lim_tmp_bytes);
	else if (strcmp(key, "maxconn") == 0)
		CAT("%d", cf->cf_max_connections);
	else if (strcmp(key, "maxperclient") == 0)
		CAT("%d", cf->cf_max_per_client);
	else if (strcmp(key, "autoindex") == 0)
		CAT("%d", cf->cf_autoindex);
	else if (strcmp(key, "maxbody") == 0)
		CAT("%llu", (unsigned long long)cf->cf_max_body_bytes);
	else if (strcmp(key, "passauth") == 0)
		CAT("%d", cf->cf_pass_authorization);
	else if (strcmp(key, "maxscripts") == 0)
		CAT("%d", cf->cf_max_scripts);
	else if (strcmp(key, "debug") == 0)
		CAT("%d", cf->cf_debug);
	else if (strcmp(key, "user") == 0)
		CAT("%s", cf->cf_user);
	else if (strcmp(key, "scriptuser") == 0)
		CAT("%s", cf->cf_script_user);
	else if (strcmp(key, "timeout") == 0)
		CAT("%llu", (unsigned long long)cf->cf_timeout_sec);
	else if (strcmp(key, "timeoutstatus") == 0)
		CAT("%d", cf->cf_timeout_status);
	else if (strcmp(key, "network") == 0)
		CAT("%d", cf->cf_script_network);
	else if (strcmp(key, "accesslog") == 0)
		CAT("%s@%s", cf->cf_access_log, cf->cf_access_syslog);
	else if (strcmp(key, "errorlog") == 0)
		CAT("%s@%s", cf->cf_error_log, cf->cf_error_syslog);
	else if (strcmp(key, "landlock") == 0)
		CAT("%d,%d,%zu", cf->cf_landlock, cf->cf_landlock_min_abi,
		    cf->cf_landlock_line);
	else if (strcmp(key, "rootline") == 0) {
		if (cf->cf_root_line == CONFIG_LINE_CLI)
			CAT("%s@command line", cf->cf_root);
		else
			CAT("%s@%zu", cf->cf_root, cf->cf_root_line);
	} else if (strcmp(key, "cgroup") == 0)
		CAT("%d", cf->cf_cgroup);
	else if (strcmp(key, "userdir") == 0)
		CAT("%s|%u|%d|%s|%d|%s", cf->cf_userdir,
		    (unsigned)cf->cf_userdir_min_uid,
		    cf->cf_userdir_max_scripts, cf->cf_userdir_writable,
		    cf->cf_userdir_debug, cf->cf_userdir_limits);
	else if (strcmp(key, "uidrange") == 0)
		CAT("%u+%u@%zu", (unsigned)cf->cf_script_uid_first,
		    (unsigned)cf->cf_script_uid_count,
		    cf->cf_script_uid_line);
	else
		ck_abort_msg("unknown render key %s", key);
#undef CAT
}

static struct config *
cfg_new(void)
{
	struct config	*cf;

	cf = calloc(1, sizeof(*cf));
	ck_assert_ptr_nonnull(cf);
	config_defaults(cf);
	return cf;
}

/* parse text; on success compare key, on failure the whole message */
static void
cfg_expect(const char *text, size_t len, const char *want_err,
    const char *key, const char *want)
{
	struct config	*cf = cfg_new();
	char		 err[CONFIG_ERR_MAX], got[8192];
	int		 rc;

	memset(err, 'X', sizeof(err));
	rc = config_parse(cf, text, len, T_FILE, err, sizeof(err));
	ck_assert_ptr_nonnull(memchr(err, '\0', sizeof(err)));
	if (want_err != NULL) {
		ck_assert_msg(rc == -1, "accepted: %s", text);
		ck_assert_str_eq(err, want_err);
	} else {
		ck_assert_msg(rc == 0, "rejected: %s: %s", text, err);
		ck_assert_str_eq(err, "");
		cfg_render(cf, key, got, sizeof(got));
		ck_assert_str_eq(got, want);
	}
	free(cf);
}

START_TEST(test_config_table)
{
	const struct cfg_case	*c = &cfg_cases[_i];

	cfg_expect(c->cc_text, strlen(c->cc_text), c->cc_err, c->cc_key,
	    c->cc_want);
}
END_TEST

START_TEST(test_config_nul_byte_names_its_line)
{
	static const char	text[] = "root /a\nroot /b\0c\nroot /c\n";

	cfg_expect(text, sizeof(text) - 1, T_FILE ":2: NUL byte in line",
	    NULL, NULL);
}
END_TEST

START_TEST(test_config_len_bounds_the_text)
{
	/* only "root /a" is inside len; the rest must never be read */
	cfg_expect("root /abogus", 7, NULL, "root", "/a");
}
END_TEST

START_TEST(test_config_line_length_limit)
{
	char	*text = malloc(4200);

	ck_assert_ptr_nonnull(text);
	memset(text, 'x', 4200);
	text[0] = '#';
	text[4096] = '\n';
	memcpy(text + 4097, "root /ok\n", 9);
	cfg_expect(text, 4106, NULL, "root", "/ok");
	text[4096] = 'x';
	text[4097] = '\n';
	cfg_expect(text, 4098, T_FILE ":1: line too long (max 4096 bytes)",
	    NULL, NULL);
	free(text);
}
END_TEST

START_TEST(test_config_too_many_words)
{
	static const char	text[] =
	    "index a b c d e f g h i j k l m n o p q\n";

	cfg_expect(text, strlen(text), T_FILE ":1: too many arguments for "
	    "'index'", NULL, NULL);
}
END_TEST

/* one more line than a list holds: the error names the extra line */
static const struct {
	const char	*lc_pre;	/* the line number goes in between */
	const char	*lc_post;
	int		 lc_max;
	const char	*lc_err;
} cfg_lists[] = {
	{ "listen 127.0.0.1 ", " \n", CONFIG_LISTEN_MAX,
	    "too many listen lines (max 16)" },
	{ "cgi-dir /d", "\n", CONFIG_CGIDIR_MAX,
	    "too many cgi-dir lines (max 16)" },
	{ "cgi-route /r", " /cgi-bin/x\n", CONFIG_ROUTE_MAX,
	    "too many cgi-route lines (max 16)" },
	{ "interpreter .e", " /usr/bin/x\n", CONFIG_INTERP_MAX,
	    "too many interpreter lines (max 16)" },
	{ "setenv V", " x\n", CONFIG_SETENV_MAX,
	    "too many setenv lines (max 32)" },
	{ "jail-bind /b", "\n", CONFIG_BIND_MAX,
	    "too many jail-bind lines (max 32)" },
};

START_TEST(test_config_list_limits)
{
	char	text[4096], want[256];
	size_t	n = 0;
	int	i;

	for (i = 1; i <= cfg_lists[_i].lc_max; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%d%s",
		    cfg_lists[_i].lc_pre, i, cfg_lists[_i].lc_post);
	cfg_expect(text, n, NULL, "root", "");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%d%s",
	    cfg_lists[_i].lc_pre, i, cfg_lists[_i].lc_post);
	ck_assert_uint_lt(n, sizeof(text));
	(void)snprintf(want, sizeof(want), T_FILE ":%d: %s", i,
	    cfg_lists[_i].lc_err);
	cfg_expect(text, n, want, NULL, NULL);
}
END_TEST

START_TEST(test_config_value_too_long)
{
	char	text[2048];

	memset(text, 'v', sizeof(text));
	memcpy(text, "setenv X ", 9);
	text[9 + 1023] = '\n';
	cfg_expect(text, 9 + 1024, NULL, "root", "");
	text[9 + 1023] = 'v';
	text[9 + 1024] = '\n';
	cfg_expect(text, 9 + 1025,
	    T_FILE ":1: setenv: value: too long (max 1023 bytes)", NULL, NULL);
}
END_TEST

START_TEST(test_config_defaults)
{
	struct config	*cf = cfg_new();

	ck_assert_uint_eq(cf->cf_nlisten, 0);
	ck_assert_int_eq(cf->cf_max_connections, 1024);
	ck_assert_int_eq(cf->cf_max_per_client, 256);
	ck_assert_str_eq(cf->cf_metrics_addr, "");	/* off */
	ck_assert_str_eq(cf->cf_root, "");
	ck_assert_uint_eq(cf->cf_nindex, 1);
	ck_assert_str_eq(cf->cf_index[0], "index.html");
	ck_assert_int_eq(cf->cf_autoindex, 0);
	ck_assert_uint_eq(cf->cf_max_body_bytes, 64ULL << 20);
	ck_assert_uint_eq(cf->cf_ncgidir, 0);
	ck_assert_int_eq(cf->cf_max_scripts, 64);
	ck_assert_int_eq(cf->cf_debug, 0);
	ck_assert_str_eq(cf->cf_user, "");
	ck_assert_str_eq(cf->cf_script_user, "nobody");
	ck_assert_uint_eq(cf->cf_timeout_sec, 30);
	ck_assert_int_eq(cf->cf_timeout_status, 500);
	ck_assert_uint_eq(cf->cf_limits.lim_cpu_sec, 10);
	ck_assert_uint_eq(cf->cf_limits.lim_memory_bytes, 512ULL << 20);
	ck_assert_uint_eq(cf->cf_limits.lim_processes, 64);
	ck_assert_uint_eq(cf->cf_limits.lim_file_size_bytes, 64ULL << 20);
	ck_assert_uint_eq(cf->cf_limits.lim_open_files, 256);
	ck_assert_uint_eq(cf->cf_limits.lim_tmp_bytes, 16ULL << 20);
	ck_assert_int_eq(cf->cf_script_network, 0);
	ck_assert_uint_eq(cf->cf_script_uid_first, 1879048192);
	ck_assert_uint_eq(cf->cf_script_uid_count, 1024);
	ck_assert_int_eq(cf->cf_landlock, 1);
	ck_assert_int_eq(cf->cf_landlock_min_abi, 6);
	ck_assert_int_eq(cf->cf_cgroup, 1);
	ck_assert_str_eq(cf->cf_tls_cert, "");
	ck_assert_str_eq(cf->cf_tls_key, "");
	ck_assert_str_eq(cf->cf_tls_ocsp, "");
	ck_assert_uint_eq(cf->cf_nproxy_from, 0);
	ck_assert_uint_eq(cf->cf_root_line + cf->cf_user_line +
	    cf->cf_script_user_line + cf->cf_max_scripts_line +
	    cf->cf_script_uid_line + cf->cf_landlock_line, 0);
	ck_assert_str_eq(cf->cf_access_log, "");
	ck_assert_str_eq(cf->cf_error_log, "");
	ck_assert_str_eq(cf->cf_userdir, "");
	ck_assert_uint_eq(cf->cf_userdir_min_uid, 1000);
	ck_assert_int_eq(cf->cf_userdir_max_scripts, 4);
	ck_assert_str_eq(cf->cf_userdir_writable, "");
	ck_assert_int_eq(cf->cf_userdir_debug, 0);
	ck_assert_str_eq(cf->cf_userdir_limits, "");
	ck_assert_ptr_null(cf->cf_userdir_table);
	free(cf);
}
END_TEST

START_TEST(test_config_finish_fills_only_what_is_unset)
{
	static const char	 text[] = "cgi-dir /x\nlisten ::1 9\nroot /r\n";
	struct config		*cf = cfg_new();
	char			 got[512];

	config_finish(cf);
	cfg_render(cf, "listen", got, sizeof(got));
	ck_assert_str_eq(got, "|8000");
	/* under socket activation, no listen line means every socket */
	ck_assert_int_eq(cf->cf_listen_default, 1);
	cfg_render(cf, "cgidir", got, sizeof(got));
	ck_assert_str_eq(got, "/cgi-bin|,/htbin|");
	ck_assert_str_eq(cf->cf_root, ".");
	config_defaults(cf);
	ck_assert_int_eq(config_parse(cf, text, strlen(text), T_FILE, got,
	    sizeof(got)), 0);
	config_finish(cf);
	cfg_render(cf, "listen", got, sizeof(got));
	ck_assert_str_eq(got, "::1|9");
	ck_assert_int_eq(cf->cf_listen_default, 0);
	cfg_render(cf, "cgidir", got, sizeof(got));
	ck_assert_str_eq(got, "/x|");
	ck_assert_str_eq(cf->cf_root, "/r");
	free(cf);
}
END_TEST

struct cli_case {
	const char	*lc_conf;	/* parsed before the command line */
	const char	*lc_addr, *lc_port, *lc_root, *lc_timeout;
	const char	*lc_cgidir[3];
	int		 lc_debug;
	const char	*lc_err;	/* NULL: must apply */
	const char	*lc_key;
	const char	*lc_want;
};

static const struct cli_case cli_cases[] = {
	{ .lc_conf = "listen * 1\nlisten * 2\n", .lc_addr = "127.0.0.1",
	    .lc_key = "listen", .lc_want = "127.0.0.1|8000" },
	{ .lc_conf = "listen ::1 1\n", .lc_port = "9000", .lc_key = "listen",
	    .lc_want = "|9000" },
	{ .lc_conf = "", .lc_addr = "[::1]", .lc_port = "81",
	    .lc_key = "listen", .lc_want = "::1|81" },
	{ .lc_conf = "listen * 1\n", .lc_key = "listen", .lc_want = "|1" },
	{ .lc_conf = "", .lc_addr = "nowhere", .lc_err = "command line: -b: "
	    "bad address 'nowhere' (expected *, localhost or an IP address)" },
	{ .lc_conf = "", .lc_port = "0", .lc_err = "command line: PORT: '0' "
	    "is too small (expected 1-65535)" },
	{ .lc_conf = "", .lc_addr = "::1", .lc_port = "http", .lc_err =
	    "command line: PORT: 'http' is invalid (expected 1-65535)" },
	{ .lc_conf = "root /conf\n", .lc_root = "/cli", .lc_key = "root",
	    .lc_want = "/cli" },
	{ .lc_conf = "", .lc_root = "", .lc_err =
	    "command line: -d: empty directory" },
	{ .lc_conf = "timeout 9\n", .lc_timeout = "5", .lc_key = "timeout",
	    .lc_want = "5" },
	{ .lc_conf = "", .lc_timeout = "-1", .lc_err =
	    "command line: -t: '-1' is invalid (expected 0-86400)" },
	{ .lc_conf = "", .lc_timeout = "100000", .lc_err =
	    "command line: -t: '100000' is too large (expected 0-86400)" },
	{ .lc_conf = "cgi-dir /a /etc/p.policy\n", .lc_cgidir = { "/x",
	    "/y/" }, .lc_key = "cgidir", .lc_want = "/x|,/y|" },
	{ .lc_conf = "", .lc_cgidir = { "x" }, .lc_err =
	    "command line: --cgi-dir: 'x' must start with '/'" },
	{ .lc_conf = "", .lc_cgidir = { "/x", "/x" }, .lc_err =
	    "command line: --cgi-dir: '/x' given twice" },
	{ .lc_conf = "debug off\n", .lc_debug = 1, .lc_key = "debug",
	    .lc_want = "1" },
	{ .lc_conf = "debug on\n", .lc_key = "debug", .lc_want = "1" },
	/* where a value comes from, for the FILE:LINE of later checks */
	{ .lc_conf = "root /conf\n", .lc_root = "/cli", .lc_key = "rootline",
	    .lc_want = "/cli@command line" },
	{ .lc_conf = "\nroot /conf\n", .lc_key = "rootline",
	    .lc_want = "/conf@2" },
	{ .lc_conf = "", .lc_key = "rootline", .lc_want = "@0" },
	{ .lc_conf = "", .lc_addr = "127.0.0.1:80", .lc_err = "command line: "
	    "-b: bad address '127.0.0.1:80' (expected *, localhost or an IP "
	    "address)" },
};

START_TEST(test_config_cli_table)
{
	const struct cli_case	*c = &cli_cases[_i];
	struct config		*cf = cfg_new();
	struct config_cli	 cli;
	char			 err[CONFIG_ERR_MAX], got[1024];
	int			 rc;

	ck_assert_int_eq(config_parse(cf, c->lc_conf, strlen(c->lc_conf),
	    T_FILE, err, sizeof(err)), 0);
	memset(&cli, 0, sizeof(cli));
	cli.cli_address = c->lc_addr;
	cli.cli_port = c->lc_port;
	cli.cli_root = c->lc_root;
	cli.cli_timeout = c->lc_timeout;
	for (; cli.cli_ncgidir < 3 && c->lc_cgidir[cli.cli_ncgidir] != NULL;
	    cli.cli_ncgidir++)
		cli.cli_cgidir[cli.cli_ncgidir] = c->lc_cgidir[cli.cli_ncgidir];
	cli.cli_debug = c->lc_debug;
	rc = config_apply_cli(cf, &cli, err, sizeof(err));
	if (c->lc_err != NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err, c->lc_err);
	} else {
		ck_assert_msg(rc == 0, "rejected: %s", err);
		cfg_render(cf, c->lc_key, got, sizeof(got));
		ck_assert_str_eq(got, c->lc_want);
	}
	free(cf);
}
END_TEST

START_TEST(test_config_cli_too_many_cgidirs)
{
	struct config		*cf = cfg_new();
	struct config_cli	 cli;
	char			 err[256];

	memset(&cli, 0, sizeof(cli));
	cli.cli_ncgidir = CONFIG_CGIDIR_MAX + 1;
	ck_assert_int_eq(config_apply_cli(cf, &cli, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "command line: too many --cgi-dir (max 16)");
	free(cf);
}
END_TEST

static const struct {
	const char	*sz_in;
	int		 sz_rc;
	uint64_t	 sz_want;
} size_cases[] = {
	{ "0", 0, 0 },
	{ "123", 0, 123 },
	{ "4K", 0, 4096 },
	{ "4k", 0, 4096 },
	{ "512M", 0, 512ULL << 20 },
	{ "2G", 0, 2ULL << 30 },
	{ "2g", 0, 2ULL << 30 },
	{ "18446744073709551615", 0, UINT64_MAX },
	{ "17179869183G", 0, 17179869183ULL << 30 },
	{ "18446744073709551616", -1, 0 },
	{ "17179869184G", -1, 0 },
	{ "", -1, 0 },
	{ "K", -1, 0 },
	{ "1KB", -1, 0 },
	{ "1T", 0, 1ULL << 40 },
	{ "16t", 0, 16ULL << 40 },
	{ "16777215T", 0, 16777215ULL << 40 },
	{ "16777216T", -1, 0 },
	{ "1P", -1, 0 },
	{ "-1", -1, 0 },
	{ "+1", -1, 0 },
	{ " 1", -1, 0 },
	{ "1 ", -1, 0 },
	{ "0x10", -1, 0 },
};

START_TEST(test_config_parse_size)
{
	uint64_t	v = 7;
	int		rc;

	rc = config_parse_size(size_cases[_i].sz_in, &v);
	ck_assert_int_eq(rc, size_cases[_i].sz_rc);
	if (rc == 0)
		ck_assert_uint_eq(v, size_cases[_i].sz_want);
	else
		ck_assert_uint_eq(v, 7);
}
END_TEST

/*
 * config_metrics_check(), after the file and the command line: the
 * listen line that uses or covers the metrics address and port is named.
 */
static const struct {
	const char	*mc_text;
	const char	*mc_cli_addr;	/* -b, with PORT 9100 */
	const char	*mc_err;	/* NULL: clear */
} metrics_checks[] = {
	{ "metrics 127.0.0.1 9100\nlisten 127.0.0.1 9101\n", NULL, NULL },
	{ "metrics 127.0.0.1 9100\nlisten 127.0.0.2 9100\n", NULL, NULL },
	{ "metrics 127.0.0.1 9100\nlisten ::1 9100\n", NULL, NULL },
	{ "metrics ::1 9100\nlisten 0.0.0.0 9100\n", NULL, NULL },
	{ "metrics 127.0.0.1 9100\nlisten [::] 9100\n", NULL, NULL },
	{ "metrics 127.0.0.2 9100\nlisten localhost 9100\n", NULL, NULL },
	{ "listen 127.0.0.1 9100\nmetrics 127.0.0.1 9100\n", NULL,
	    "W: metrics 127.0.0.1 9100: the listen address 127.0.0.1 port 9100 "
	    "serves documents there; give the metrics a port of their own" },
	{ "metrics 127.0.0.5 9100\nlisten * 9100\n", NULL,
	    "W: metrics 127.0.0.5 9100: the listen address * port 9100 serves "
	    "documents there; give the metrics a port of their own" },
	{ "metrics ::1 9100\nlisten 1.2.3.4 9100\nlisten [::] 9100\n", NULL,
	    "W: metrics ::1 9100: the listen address :: port 9100 serves "
	    "documents there; give the metrics a port of their own" },
	{ "metrics 127.9.9.9 9100\nlisten 0.0.0.0 9100\n", NULL, "W: metrics "
	    "127.9.9.9 9100: the listen address 0.0.0.0 port 9100 serves "
	    "documents there; give the metrics a port of their own" },
	{ "metrics ::1 9100\nlisten localhost 9100\n", NULL, "W: metrics ::1 "
	    "9100: the listen address localhost port 9100 serves documents "
	    "there; give the metrics a port of their own" },
	{ "metrics 127.0.0.1 9100\nlisten localhost 9100\n", NULL, "W: "
	    "metrics 127.0.0.1 9100: the listen address localhost port 9100 "
	    "serves documents there; give the metrics a port of their own" },
	{ "metrics 10.1.2.3 9100 non-loopback\nlisten 10.1.2.3 9100\n", NULL,
	    "W: metrics 10.1.2.3 9100: the listen address 10.1.2.3 port 9100 "
	    "serves documents there; give the metrics a port of their own" },
	/* the command line replaces the listen lines: -b ADDRESS 9100 */
	{ "metrics 127.0.0.1 9100\nlisten 127.0.0.1 9100\n", "127.0.0.2",
	    NULL },
	{ "metrics 127.0.0.1 9100\n", "127.0.0.1", "W: metrics 127.0.0.1 "
	    "9100: the listen address 127.0.0.1 port 9100 serves documents "
	    "there; give the metrics a port of their own" },
	{ "metrics 127.0.0.1 9100\n", "*", "W: metrics 127.0.0.1 9100: the "
	    "listen address * port 9100 serves documents there; give the "
	    "metrics a port of their own" },
	{ "listen 127.0.0.1 9100\n", NULL, NULL },
};

START_TEST(test_config_metrics_check)
{
	struct config		*cf = cfg_new();
	struct config_cli	 cli;
	const char		*text = metrics_checks[_i].mc_text;
	char			 err[CONFIG_ERR_MAX];

	memset(&cli, 0, sizeof(cli));
	cli.cli_address = metrics_checks[_i].mc_cli_addr;
	cli.cli_port = cli.cli_address != NULL ? "9100" : NULL;
	ck_assert_int_eq(config_parse(cf, text, strlen(text), T_FILE, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(config_apply_cli(cf, &cli, err, sizeof(err)), 0);
	config_finish(cf);
	err[0] = '\0';
	if (metrics_checks[_i].mc_err == NULL)
		ck_assert_int_eq(config_metrics_check(cf, "W", err,
		    sizeof(err)), 0);
	else {
		ck_assert_int_eq(config_metrics_check(cf, "W", err,
		    sizeof(err)), -1);
		ck_assert_str_eq(err, metrics_checks[_i].mc_err);
	}
	free(cf);
}
END_TEST

START_TEST(test_config_error_buffer_is_bounded)
{
	struct config	*cf = cfg_new();
	char		 err[12];

	memset(err, 'X', sizeof(err));
	ck_assert_int_eq(config_parse(cf, "bogus\n", 6, T_FILE, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:1: u");
	ck_assert_int_eq(config_parse(cf, "bogus\n", 6, T_FILE, NULL, 0), -1);
	free(cf);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_config_table, 0,
	    sizeof(cfg_cases) / sizeof(cfg_cases[0]));
	tcase_add_test(tc, test_config_nul_byte_names_its_line);
	tcase_add_test(tc, test_config_len_bounds_the_text);
	tcase_add_test(tc, test_config_line_length_limit);
	tcase_add_test(tc, test_config_too_many_words);
	tcase_add_loop_test(tc, test_config_list_limits, 0,
	    sizeof(cfg_lists) / sizeof(cfg_lists[0]));
	tcase_add_test(tc, test_config_value_too_long);
	tcase_add_test(tc, test_config_error_buffer_is_bounded);
	tcase_add_loop_test(tc, test_config_metrics_check, 0,
	    sizeof(metrics_checks) / sizeof(metrics_checks[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("defaults_and_cli");
	tcase_add_test(tc, test_config_defaults);
	tcase_add_test(tc, test_config_finish_fills_only_what_is_unset);
	tcase_add_loop_test(tc, test_config_cli_table, 0,
	    sizeof(cli_cases) / sizeof(cli_cases[0]));
	tcase_add_test(tc, test_config_cli_too_many_cgidirs);
	tcase_add_loop_test(tc, test_config_parse_size, 0,
	    sizeof(size_cases) / sizeof(size_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(config_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
