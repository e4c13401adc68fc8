/* SPDX-License-Identifier: ISC */
/*
 * page_style.h: the look of the pages cgijail makes itself (error pages,
 * the --debug pages, directory listings): a phone-sized viewport and one
 * small stylesheet, inline, since a page about a failure must not depend
 * on a second request.  The example pages' style.css has the same look.
 * Front role; fixed text, no input.
 */
#ifndef CGIJAIL_PAGE_STYLE_H
#define CGIJAIL_PAGE_STYLE_H

/* what goes in <head> after <meta charset> and <title> */
#define PAGE_STYLE							\
	"<meta name=\"viewport\" content=\"width=device-width, "	\
	"initial-scale=1\">\n<style>:root{color-scheme:light dark}"	\
	"body{margin:0 auto;max-width:46rem;padding:1rem 1.25rem;"	\
	"font:16px/1.55 system-ui,-apple-system,\"Segoe UI\",Roboto,"	\
	"\"DejaVu Sans\",sans-serif;color:#1f2933;background:#fff;"	\
	"overflow-wrap:break-word}"					\
	"h1{font-size:1.6rem;line-height:1.25;margin:1.5rem 0 .5rem}"	\
	"a{color:#0b62c4}pre{font:.85em/1.45 ui-monospace,"		\
	"\"DejaVu Sans Mono\",monospace;background:#f3f5f8;"		\
	"padding:.75rem 1rem;border-radius:6px;overflow-x:auto;"	\
	"white-space:pre-wrap}table{border-collapse:collapse;width:100%}" \
	"th,td{text-align:left;padding:.35rem .5rem;"			\
	"border-bottom:1px solid #dde2e8}td+td{white-space:nowrap}"	\
	".rid{color:#5f6b7a;font-size:.9rem}"				\
	"@media(prefers-color-scheme:dark){body{color:#e4e8ee;"		\
	"background:#15191f}a{color:#7fb4ff}pre{background:#1f252d}"	\
	"th,td{border-color:#323a45}.rid{color:#9aa5b4}}</style>\n"

#endif
