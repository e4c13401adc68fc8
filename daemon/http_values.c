/* SPDX-License-Identifier: ISC */
/*
 * http_values.c: RFC 9110 field values the front reads and writes: reason
 * phrases, HTTP dates, byte ranges, entity tags, HTML escaping.  Pure code:
 * no I/O, no allocation, no locale.  Runs in the front on hostile values.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http.h"
#include "http_priv.h"

const char *
http_reason(int status)
{
	static const struct {
		int		 code;
		const char	*text;
	} reasons[] = {
		{ 100, "Continue" }, { 101, "Switching Protocols" },
		{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
		{ 204, "No Content" }, { 206, "Partial Content" },
		{ 301, "Moved Permanently" }, { 302, "Found" },
		{ 303, "See Other" }, { 304, "Not Modified" },
		{ 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 403, "Forbidden" }, { 404, "Not Found" },
		{ 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
		{ 408, "Request Timeout" }, { 409, "Conflict" },
		{ 410, "Gone" }, { 411, "Length Required" },
		{ 412, "Precondition Failed" }, { 413, "Content Too Large" },
		{ 414, "URI Too Long" }, { 415, "Unsupported Media Type" },
		{ 416, "Range Not Satisfiable" },
		{ 417, "Expectation Failed" },
		{ 421, "Misdirected Request" },
		{ 422, "Unprocessable Content" },
		{ 426, "Upgrade Required" }, { 428, "Precondition Required" },
		{ 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
		{ 505, "HTTP Version Not Supported" }
	};
	size_t	i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == status)
			return reasons[i].text;
	return "Unknown";
}

static const char *const http_wdays[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday"
};
static const char *const http_months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec"
};

void
http_date_format(time_t t, char *buf, size_t bufsz)
{
	struct tm	tm;

	if (bufsz == 0)
		return;
	buf[0] = '\0';
	if (bufsz < 30 || gmtime_r(&t, &tm) == NULL ||
	    tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		return;
	snprintf(buf, bufsz, "%.3s, %02d %s %04d %02d:%02d:%02d GMT",
	    http_wdays[tm.tm_wday], tm.tm_mday, http_months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* exactly n digits (a leading SP allowed where sp is set) */
static int
http_date_num(const char *s, size_t n, int sp, int *v)
{
	size_t	i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (i == 0 && sp && s[i] == ' ' && n > 1)
			continue;
		if (!http_is_digit(s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int
http_date_month(const char *s)
{
	int	i;

	for (i = 0; i < 12; i++)
		if (strncmp(s, http_months[i], 3) == 0)
			return i;
	return -1;
}

/* the day name: 3 letters, or the full name (long), then *end */
static int
http_date_wday(const char *s, int full, const char **end)
{
	size_t	i, n;

	for (i = 0; i < 7; i++) {
		n = full ? strlen(http_wdays[i]) : 3;
		if (strncmp(s, http_wdays[i], n) == 0) {
			*end = s + n;
			return 0;
		}
	}
	return -1;
}

/* "hh:mm:ss" */
static int
http_date_time(const char *s, struct tm *tm)
{
	if (s[2] != ':' || s[5] != ':' ||
	    http_date_num(s, 2, 0, &tm->tm_hour) != 0 ||
	    http_date_num(s + 3, 2, 0, &tm->tm_min) != 0 ||
	    http_date_num(s + 6, 2, 0, &tm->tm_sec) != 0)
		return -1;
	return 0;
}

static int
http_date_finish(struct tm *tm, int year, const char *mon, time_t *t)
{
	static const int mdays[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int	leap;

	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if ((tm->tm_mon = http_date_month(mon)) < 0 || tm->tm_mday < 1 ||
	    tm->tm_mday > mdays[tm->tm_mon] ||
	    (tm->tm_mon == 1 && !leap && tm->tm_mday > 28) ||
	    tm->tm_hour > 23 || tm->tm_min > 59 || tm->tm_sec > 60)
		return -1;
	tm->tm_year = year - 1900;
	tm->tm_isdst = 0;
	*t = timegm(tm);
	return 0;
}

/*
 * RFC 9110 5.6.7.  RFC 850 two-digit years: 70-99 are 19xx, the rest
 * 20xx, a fixed pivot so that the answer does not depend on the clock.
 */
int
http_date_parse(const char *s, time_t *t)
{
	struct tm	 tm;
	const char	*p;
	int		 year;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || http_date_wday(s, 0, &p) != 0)
		return -1;
	if (strlen(s) == 29 && s[3] == ',' && s[4] == ' ' && s[7] == ' ' &&
	    s[11] == ' ' && s[16] == ' ' && strcmp(s + 25, " GMT") == 0 &&
	    http_date_num(s + 5, 2, 0, &tm.tm_mday) == 0 &&
	    http_date_num(s + 12, 4, 0, &year) == 0 &&
	    http_date_time(s + 17, &tm) == 0)
		return http_date_finish(&tm, year, s + 8, t);
	if (strlen(s) == 24 && s[3] == ' ' && s[7] == ' ' && s[10] == ' ' &&
	    s[19] == ' ' && http_date_num(s + 8, 2, 1, &tm.tm_mday) == 0 &&
	    http_date_num(s + 20, 4, 0, &year) == 0 &&
	    http_date_time(s + 11, &tm) == 0)
		return http_date_finish(&tm, year, s + 4, t);
	if (http_date_wday(s, 1, &p) != 0)
		return -1;
	if (strlen(p) == 24 && p[0] == ',' && p[1] == ' ' && p[4] == '-' &&
	    p[8] == '-' && p[11] == ' ' && strcmp(p + 20, " GMT") == 0 &&
	    http_date_num(p + 2, 2, 0, &tm.tm_mday) == 0 &&
	    http_date_num(p + 9, 2, 0, &year) == 0 &&
	    http_date_time(p + 12, &tm) == 0)
		return http_date_finish(&tm, year + (year < 70 ? 2000 : 1900),
		    p + 5, t);
	return -1;
}

/* digits at *pp, saturating at INT64_MAX; returns how many there were */
static size_t
http_range_num(const char **pp, int64_t *v)
{
	const char	*start = *pp, *p = *pp;

	*v = 0;
	for (; http_is_digit(*p); p++) {
		if (*v > (INT64_MAX - (*p - '0')) / 10)
			*v = INT64_MAX;
		else
			*v = *v * 10 + (*p - '0');
	}
	*pp = p;
	return p - start;
}

/*
 * RFC 9110 14.1.2.  A last-pos past the end is clamped; a first-pos past
 * it, a zero suffix, or any range of an empty file is unsatisfiable.
 */
int
http_range_parse(const char *s, off_t size, off_t *off, off_t *len)
{
	const char	*p, *eq;
	int64_t		 a, b;
	size_t		 na, nb;

	if (s == NULL || size < 0)
		return -1;
	if (strncasecmp(s, "bytes=", 6) != 0) {
		eq = strchr(s, '=');
		return (eq != NULL && http_is_token(s, eq - s)) ? 0 : -1;
	}
	if (strchr(s, ',') != NULL)
		return 0;
	for (p = s + 6; *p == ' ' || *p == '\t'; p++)
		;
	na = http_range_num(&p, &a);
	if (*p != '-')
		return -1;
	p++;
	nb = http_range_num(&p, &b);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0' || (na == 0 && nb == 0) || (na > 0 && nb > 0 && b < a))
		return -1;
	if (na == 0) {
		if (b == 0 || size == 0)
			return -416;
		*off = b >= size ? 0 : size - b;
		*len = size - *off;
		return 1;
	}
	if (a >= size)
		return -416;
	*off = a;
	*len = (nb == 0 || b >= size ? size - 1 : b) - a + 1;
	return 1;
}

/* [W/]"etagc*" at p: the opaque part in *tag, *n; the end, or NULL */
static const char *
http_etag_scan(const char *p, const char **tag, size_t *n, int *weak)
{
	const char	*q;

	*weak = p[0] == 'W' && p[1] == '/';
	if (*weak)
		p += 2;
	if (*p != '"')
		return NULL;
	for (q = p + 1; *q != '"'; q++)
		if (*q == '\0' || (unsigned char)*q < 0x21 ||
		    (unsigned char)*q == 0x7f)
			return NULL;
	*tag = p + 1;
	*n = q - p - 1;
	return q + 1;
}

/*
 * RFC 9110 13.1.2: does the list (or "*") name etag?  Weak comparison
 * ignores W/ on both sides; strong comparison (If-Match) matches no
 * weak tag.
 */
static int
http_etag_list(const char *list, const char *etag, int strong)
{
	const char	*a, *b, *end;
	size_t		 alen, blen;
	int		 aweak, bweak;

	if (list == NULL || etag == NULL || (end = http_etag_scan(etag, &b,
	    &blen, &bweak)) == NULL || *end != '\0')
		return 0;
	while (*list == ' ' || *list == '\t')
		list++;
	if (list[0] == '*' && list[strspn(list + 1, " \t") + 1] == '\0')
		return 1;	/* any current representation */
	if (strong && bweak)
		return 0;
	for (;;) {
		while (*list == ' ' || *list == '\t' || *list == ',')
			list++;
		if (*list == '\0' || (list = http_etag_scan(list, &a,
		    &alen, &aweak)) == NULL)
			return 0;
		if (alen == blen && memcmp(a, b, alen) == 0 &&
		    (!strong || !aweak))
			return 1;
		list += strspn(list, " \t");
		if (*list != ',' && *list != '\0')
			return 0;
	}
}

int
http_etag_match(const char *inm, const char *etag)
{
	return http_etag_list(inm, etag, 0);
}

int
http_etag_match_strong(const char *im, const char *etag)
{
	return http_etag_list(im, etag, 1);
}

int
http_html_escape(char *dst, size_t dstsz, const char *src)
{
	const char	*rep;
	char		 one[2] = { 0, 0 };
	size_t		 o = 0, n;

	if (dstsz == 0)
		return -1;
	for (; *src != '\0'; src++) {
		switch (*src) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: one[0] = *src; rep = one; break;
		}
		n = strlen(rep);
		if (n >= dstsz - o || o + n > INT32_MAX) {
			dst[0] = '\0';
			return -1;
		}
		memcpy(dst + o, rep, n);
		o += n;
	}
	dst[o] = '\0';
	return (int)o;
}
