/* SPDX-License-Identifier: ISC */
/*
 * cgi_resp.h: a CGI/1.1 (RFC 3875) script's response head.
 * cgi_parse_response() and cgi_parse_nph() run in the front on a script's
 * hostile stdout.  No I/O, no allocation.
 */
#ifndef CGIJAIL_CGI_RESP_H
#define CGIJAIL_CGI_RESP_H

#include <stddef.h>
#include <stdint.h>

#define CGI_RESP_HEAD_MAX	(64 * 1024)	/* script header block */
#define CGI_RESP_FIELDS_MAX	100

/*
 * RFC 3875 6.2.  DOCUMENT: Content-Type required unless Status is 204 or
 * 304.  LOCAL_REDIRECT: Location "/..." and no Status; the front ignores
 * the other fields and the body, and must still parse and normalise the
 * path as a new request target.  CLIENT_REDIRECT: Location is an
 * absolute URI (status 302 unless Status) or "/..." with a 3xx Status.
 */
enum cgi_resp_kind {
	CGI_RESP_DOCUMENT = 0,	/* Content-Type (+ optional Status) */
	CGI_RESP_LOCAL_REDIRECT,	/* Location: /path, no Status */
	CGI_RESP_CLIENT_REDIRECT	/* Location: absolute-URI, or 3xx */
};

struct cgi_field {
	uint32_t	cf_name;	/* into cr_buf, NUL-terminated */
	uint32_t	cf_value;
};

struct cgi_response {
	enum cgi_resp_kind	cr_kind;
	int			cr_status;	/* from Status or implied */
	char			cr_reason[128];	/* "" = default */
	int			cr_has_ctype;
	int64_t			cr_content_length;	/* -1 = absent */
	const char		*cr_location;	/* into cr_buf or NULL */
	/*
	 * Fields to forward, in order.  Kept out: Status, Location,
	 * Content-Length (the front frames the body itself), Date and Server
	 * (the front writes its own), hop-by-hop fields (Connection,
	 * Keep-Alive, Upgrade, TE, Trailer, Proxy-Connection).
	 */
	struct cgi_field	cr_fields[CGI_RESP_FIELDS_MAX];
	size_t			cr_nfields;
	char			cr_buf[CGI_RESP_HEAD_MAX + 1];
	size_t			cr_buf_len;
	size_t			cr_scan;	/* bytes examined so far */
	/* parser state, private to cgi_resp.c */
	size_t			cr_line;	/* start of the current line */
	size_t			cr_nseen;	/* field lines, kept or not */
	int			cr_has_status;
	int			cr_state;
	const char		*cr_why;	/* once malformed */
};

/*
 * Parse the script's response header block from buf[0..len) (the same
 * prefix plus new bytes on each call).  LF or CRLF line ends; a bare CR,
 * a NUL, obs-fold, a line without ':', a field name that is not a token,
 * a control byte (but HT) in a value, a repeated Status, Content-Type,
 * Location or Content-Length, a Status outside 200-599 (1xx is not a
 * final answer), Transfer-Encoding, more than CGI_RESP_FIELDS_MAX fields
 * or a block (with its empty line) over CGI_RESP_HEAD_MAX bytes are all
 * malformed.  Call cgi_response_reset() first.
 * Returns 0 = need more, >0 = header block length consumed (the body
 * starts there), -1 = malformed (the front answers 500; static reason in
 * *why).  Once done or malformed, further calls return the same.
 */
void	cgi_response_reset(struct cgi_response *);
int	cgi_parse_response(struct cgi_response *, const char *buf, size_t len,
	    const char **why);
/* forwarded field name/value by index, NULL past cr_nfields */
const char *cgi_field_name(const struct cgi_response *, size_t);
const char *cgi_field_value(const struct cgi_response *, size_t);

/*
 * RFC 3875 5: an nph- script writes the HTTP head itself.  The front
 * relays it as it is, but must know where that response ends, or bytes
 * after it would answer the client's next request.
 * cgi_nph_head_end(): the length of the head with its empty line in
 * buf[0..len), looking at line ends from `from` on (the length seen
 * before, so a head read in pieces is scanned once), or 0: not yet.
 * cgi_parse_nph(): that head: a status line "HTTP/1.x NNN reason" with
 * NNN in 200-599, then fields as cgi_parse_response() wants them, the
 * empty line last.  0 with *status and *clen (-1: none), or -1 and a
 * static reason: also for a repeated or bad Content-Length and for any
 * Transfer-Encoding (the front finds no end in chunks it only relays).
 */
size_t	cgi_nph_head_end(const char *buf, size_t len, size_t from);
int	cgi_parse_nph(const char *head, size_t len, int *status,
	    int64_t *clen, const char **why);

#endif
