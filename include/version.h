/* SPDX-License-Identifier: ISC */
/*
 * version.h: the one place the version is written.  The Server header,
 * SERVER_SOFTWARE and `cgijail --version` all say the same thing.
 */
#ifndef CGIJAIL_VERSION_H
#define CGIJAIL_VERSION_H

#define CGIJAIL_VERSION		"0.1"
#define CGIJAIL_SOFTWARE	"cgijail/" CGIJAIL_VERSION

#endif
