// SPDX-License-Identifier: GPL-2.0
/* Small helpers shared by the userspace tools and the MDC. */
#include <stdarg.h>
#include <stdio.h>

#include "util.h"

/**
 * xsan_seterr() - format a message into a caller's error buffer
 * @err: the buffer, or NULL when the caller does not want the text
 * @errlen: its size
 * @fmt: printf format
 */
void xsan_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
