#!/bin/bash
# SPDX-License-Identifier: ISC
#
# layers.sh: the architecture, checked on the compiled objects with nm.
# The front never reaches the sandbox or makes a process; the executor
# never touches HTTP; the pure modules do no I/O.  Run by `make layers`
# (and `make test`); prints every offending symbol with its object.
#
# usage: tests/layers.sh [OBJDIR]	(default build/obj)
#
# What nm can and cannot see: it lists the symbols an object references,
# so a call made through syscall(2) or a function pointer handed in by
# another object is invisible here; the roles' seccomp filters cover those
# at run time.  An object counts only while its source file exists, so a
# stale object left in OBJDIR by a file that moved is ignored.

set -euo pipefail

# ---- the groups: update these when files move -------------------------
# Paths are relative to OBJDIR; globs may match nothing.  Each group names
# today's files and the names of the splits in flight (cgi.c -> cgi_env.c
# + cgi_resp.c, front.c -> front.c + front_conn.c, static.c's mime table
# -> mime.c, http.c -> two http*.c, confinement -> confine.c).

# the front: the network-facing role, its static files, the HTTP parser,
# the CGI response parser (still in cgi.c until the split), stderr hints
FRONT_OBJS=(daemon/front*.o daemon/static*.o daemon/mime*.o daemon/http*.o
	daemon/cgi.o daemon/cgi_resp*.o daemon/cgi_hint*.o daemon/proxy.o)

# the executor: the privileged role, its script validation, the CGI
# environment builder (still in cgi.c until the split), the sandbox
EXEC_OBJS=(daemon/executor*.o daemon/exec_*.o daemon/cgi.o daemon/cgi_env*.o
	sandbox/*.o daemon/explain*.o)

# the pure modules: HTTP parser, CGI env builder and response parser,
# stderr hints, config parser (its keyword files too), message codec,
# policy parser and merge, the userdir table and limits file
PURE_OBJS=(daemon/http*.o daemon/cgi_env*.o daemon/cgi_resp*.o
	daemon/cgi_hint*.o daemon/config.o daemon/config_kw*.o daemon/msg.o
	daemon/config_listen.o daemon/proxy.o daemon/auth.o
	sandbox/filter_parse.o sandbox/filter_merge.o daemon/userdir.o)

# shared mechanism, in no role group and not checked here; named only so
# that an object in no group at all is reported
# auth_verify.o: the password verifier the front forks before its drop
# (the front's own objects never fork; its seccomp filter forbids it)
SHARED_OBJS=(daemon/main.o daemon/parent*.o daemon/proc*.o daemon/log*.o daemon/path.o
	daemon/msg*.o daemon/config*.o daemon/confine*.o daemon/userdir*.o
	daemon/keys.o daemon/auth_verify.o)

# ---- what each group must not reference (anchored EREs) ---------------

# the front: nothing of sandbox/ (its API prefixes), nothing of the
# executor's code, no process creation or exec, no namespace, mount or
# signal to another process, no capability or seccomp call
FRONT_FORBIDDEN=(
	'sandbox_.*' 'filter_.*' 'jail_.*' 'ns_.*' 'limits_.*' 'caps_.*'
	'landlock_.*'
	'exec_.*' 'cgi_env_.*'
	'clone' 'clone3' 'fork' 'vfork' '_Fork' 'execve' 'execveat' 'fexecve'
	'execv[pe]*' 'execl[pe]*' 'posix_spawn.*' 'system' 'popen'
	'unshare' 'setns' 'mount' 'umount2?' 'pivot_root' 'ptrace'
	'kill' 'tgkill' 'pidfd_.*' 'prlimit(64)?'
	'cap_.*' 'seccomp_.*'
)
# OBJECT-GLOB:SYMBOL-ERE pairs allowed despite the list above
FRONT_EXCEPT=(
	# none: the front's own confinement (its seccomp filter) lives in
	# daemon/confine.c, shared mechanism outside the front's objects
)

# the executor: nothing of HTTP, of the CGI response parser or of the front
# (plus every global symbol an object only the front links defines)
EXEC_FORBIDDEN=(
	'http_.*'
	'cgi_parse_response' 'cgi_parse_nph' 'cgi_response_.*' 'cgi_field_.*'
	'cgi_nph_.*'
	'front_.*' 'static_.*'
)

# the pure modules may reference only these (and what other pure objects
# define): libc string, memory, number and time conversions, no locale
# (strftime, localtime read files), no clock, no environment, no stdio;
# each NAME also allows its _FORTIFY_SOURCE form __NAME_chk
PURE_ALLOWED=(
	# memory
	memchr memcmp bcmp memcpy memmove memset
	malloc calloc realloc reallocarray free qsort explicit_bzero
	# strings
	strlen strnlen strchr strrchr strcmp strncmp strcasecmp strncasecmp
	strspn strcspn strpbrk strstr strsep strlcpy strlcat strerror
	snprintf vsnprintf strvisx
	# numbers and addresses, text to binary
	strtonum strtol strtoll strtoul strtoull inet_pton
	__ctype_b_loc __ctype_tolower_loc __ctype_toupper_loc
	# time conversion (UTC, no clock read)
	gmtime_r timegm
	# compiler and libc runtime
	__stack_chk_fail __errno_location
)
# instrumentation of sanitizer builds
PURE_ALLOWED_RE='__(asan|ubsan|sanitizer|lsan|msan)_.*|__sancov_.*'
# known I/O in files that mix a pure part with its I/O, per object; a
# listed symbol the object no longer references is reported as a note
PURE_EXCEPT=(
	# filter_parse.c: syscall names are looked up in libseccomp's own
	# tables (no I/O; the only way to know every architecture's names)
	'sandbox/filter_parse.o:seccomp_syscall_resolve_name'
	# filter_merge.c: filter_parse.c's rule lists (pure, but that
	# object's names are not trusted wholesale for the exception above)
	'sandbox/filter_merge.o:filter_push filter_policy_free'
)

# ---- mechanism ---------------------------------------------------------

objdir=${1:-build/obj}
root=$(cd "$(dirname "$0")/.." && pwd)
NM=${NM:-nm}
fail=0

if [ ! -d "$objdir" ]; then
	echo "layers: no object directory $objdir (run make all)" >&2
	exit 2
fi

# expand a group's globs to the objects whose source still exists
expand() {
	local pat o src
	shopt -s nullglob
	for pat in "$@"; do
		for o in "$objdir"/$pat; do
			o=${o#"$objdir"/}
			src=${o%.o}
			if [ -e "$root/$src.c" ] || [ -e "$root/$src.S" ]; then
				echo "$o"
			fi
		done
	done | sort -u
	shopt -u nullglob
}

undefined() {
	"$NM" -P -u "$objdir/$1" | awk '{ print $1 }' | sort -u
}

defined() {
	"$NM" -P -g --defined-only "$objdir/$1" | awk '{ print $1 }' | sort -u
}

# one anchored ERE out of a list of EREs
alt() {
	local IFS='|'
	echo "^($*)\$"
}

# the exception ERE of object $1 in newline-separated OBJECT-GLOB:ERE pairs $2
except_re() {
	local o=$1 e glob re=""
	while read -r e; do
		[ -n "$e" ] || continue
		glob=${e%%:*}
		# shellcheck disable=SC2053 # the glob is meant to match
		if [[ $o == $glob ]]; then
			re="${re:+$re|}${e#*:}"
		fi
	done <<<"$2"
	[ -n "$re" ] && echo "^($re)\$"
	return 0
}

violation() {
	echo "layers: $1: $2: $3" >&2
	fail=1
}

mapfile -t front < <(expand "${FRONT_OBJS[@]}")
mapfile -t executor < <(expand "${EXEC_OBJS[@]}")
mapfile -t pure < <(expand "${PURE_OBJS[@]}")
mapfile -t shared < <(expand "${SHARED_OBJS[@]}")
mapfile -t all < <(expand 'daemon/*.o' 'sandbox/*.o')

# objects in one role group only: what the other role must never reach
mapfile -t front_only < <(comm -23 <(printf '%s\n' "${front[@]}") \
    <(printf '%s\n' "${executor[@]}"))
mapfile -t exec_only < <(comm -23 <(printf '%s\n' "${executor[@]}") \
    <(printf '%s\n' "${front[@]}"))

# a group that matches nothing means the lists above are out of date
for g in front executor pure; do
	declare -n grp=$g
	if [ "${#grp[@]}" -eq 0 ]; then
		echo "layers: group $g matches no object in $objdir" >&2
		fail=1
	fi
	unset -n grp
done

for o in "${all[@]}"; do
	case " ${front[*]} ${executor[*]} ${pure[*]} ${shared[*]} " in
	*" $o "*) ;;
	*) echo "layers: warning: $o is in no group; update $0" >&2 ;;
	esac
done

# role check: what the rule says, the forbidden ERE, the objects of the
# other role (their definitions are forbidden too), the exception pairs
# (newline-separated), then the objects checked
check_role() {
	local what=$1 re=$2 other=$3 except=$4 o s exre x
	local -A theirs=()

	shift 4
	for x in $other; do
		while read -r s; do
			theirs[$s]=$x
		done < <(defined "$x")
	done
	for o in "$@"; do
		exre=$(except_re "$o" "$except")
		while read -r s; do
			if [ -n "$exre" ] && [[ $s =~ $exre ]]; then
				continue
			fi
			if [[ $s =~ $re ]]; then
				violation "$o" "$s" "$what"
			elif [ -n "${theirs[$s]:-}" ]; then
				violation "$o" "$s" "$what (defined in ${theirs[$s]})"
			fi
		done < <(undefined "$o")
	done
}

check_role "the front must not reach the sandbox, the executor or spawn a process" \
    "$(alt "${FRONT_FORBIDDEN[@]}")" "${exec_only[*]}" \
    "$(printf '%s\n' "${FRONT_EXCEPT[@]}")" "${front[@]}"
check_role "the executor must not reach HTTP parsing or the front" \
    "$(alt "${EXEC_FORBIDDEN[@]}")" "${front_only[*]}" "" "${executor[@]}"

# pure modules: allow-list, plus whatever the other pure objects without
# exceptions define (http_values.o calls http.o's http_is_token)
declare -A ok=()
for s in "${PURE_ALLOWED[@]}"; do
	ok[$s]=1
	ok[__${s}_chk]=1
done
for o in "${pure[@]}"; do
	case " ${PURE_EXCEPT[*]} " in
	*" $o:"*) continue ;;
	esac
	while read -r s; do
		ok[$s]=1
	done < <(defined "$o")
done
for o in "${pure[@]}"; do
	declare -A extra=()
	for e in "${PURE_EXCEPT[@]}"; do
		if [ "${e%%:*}" = "$o" ]; then
			# shellcheck disable=SC2086 # a list of names
			for s in ${e#*:}; do
				extra[$s]=0
			done
		fi
	done
	while read -r s; do
		if [ -n "${ok[$s]:-}" ] || [[ $s =~ ^($PURE_ALLOWED_RE)$ ]]; then
			continue
		fi
		if [ -n "${extra[$s]:-}" ]; then
			extra[$s]=1
			continue
		fi
		violation "$o" "$s" "a pure module may reference only libc string, memory and time conversions (PURE_ALLOWED)"
	done < <(undefined "$o")
	for s in "${!extra[@]}"; do
		if [ "${extra[$s]}" = 0 ]; then
			echo "layers: note: $o no longer references $s; drop it from PURE_EXCEPT" >&2
		fi
	done
	unset extra
done

if [ "$fail" -ne 0 ]; then
	echo "layers: FAILED (groups and lists: $0)" >&2
	exit 1
fi
echo "layers: ok (${#front[@]} front, ${#executor[@]} executor, ${#pure[@]} pure objects)"
