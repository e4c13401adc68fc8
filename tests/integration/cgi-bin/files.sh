#!/bin/sh
# SPDX-License-Identifier: ISC
# what the script can read and write; one "name=yes|no" line per attempt.
# The single-quoted commands are expanded by the inner sh, on purpose.
# shellcheck disable=SC2016,SC2012
printf 'Content-Type: text/plain\n\n'
try() {
	name=$1
	shift
	if "$@" >/dev/null 2>&1; then echo "$name=yes"; else echo "$name=no"; fi
}
try tmp_had_x test -e /tmp/x
try shadow_read cat /etc/shadow
try shadow_exists test -e /etc/shadow
try host_passwd_root_home grep -q '^root:.*:/root:' /etc/passwd
try docroot_write sh -c 'echo x > "$DOCUMENT_ROOT/pwned"'
try cgibin_write sh -c 'echo x > "${SCRIPT_FILENAME%/*}/pwned"'
try script_overwrite sh -c 'echo x >> "$SCRIPT_FILENAME"'
try script_chmod chmod 777 "$SCRIPT_FILENAME"
try tmp_write sh -c 'echo secret > /tmp/x'
try tmp_readback grep -q secret /tmp/x
try var_tmp_write sh -c 'mkdir -p /var/tmp && echo x > /var/tmp/x'
try dev_shm_write sh -c 'mkdir -p /dev/shm && echo x > /dev/shm/x'
try run_write sh -c 'mkdir -p /run && echo x > /run/x'
try root_write sh -c 'echo x > /x'
try etc_write sh -c 'echo x >> /etc/passwd'
try usr_write sh -c 'echo x > /usr/pwned'
try dev_null_write sh -c 'echo x > /dev/null'
try script_read head -c 2 "$SCRIPT_FILENAME"
try docroot_list ls "$DOCUMENT_ROOT"
try docroot_sibling test -e "${DOCUMENT_ROOT%/*}/daemon.log"
try proc_sysrq sh -c 'echo h > /proc/sysrq-trigger'
echo "root=$(ls -A / | tr '\n' ' ')"
echo "script=$(head -c 9 "$SCRIPT_FILENAME")"
