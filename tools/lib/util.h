/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the userspace tools and the MDC. */
#ifndef XSAN_UTIL_H
#define XSAN_UTIL_H

#include <stddef.h>

void xsan_seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* XSAN_UTIL_H */
