// SPDX-License-Identifier: GPL-2.0
/*
 * xsanmdc's log: one line per event on stderr with a timestamp (what
 * journald and a terminal both want) and, with -s, the same line to
 * syslog. Debug lines (LOG_DEBUG) only with -v. Control characters in
 * a line (from names clients send) are logged as '?'.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "mdc.h"

static bool log_syslog;
static bool log_verbose;

void mdc_log_init(bool use_syslog, bool verbose)
{
	log_syslog = use_syslog;
	log_verbose = verbose;
	if (use_syslog)
		openlog("xsanmdc", LOG_PID, LOG_DAEMON);
}

void mdc_log(int prio, const char *fmt, ...)
{
	static const char *const lvl[] = {
		"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"
	};
	char line[1024], stamp[32], *p;
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (prio == LOG_DEBUG && !log_verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/*
	 * Host and volume names come from clients and may hold any byte
	 * but NUL: a newline would forge a line, an escape sequence would
	 * drive the admin's terminal. One event stays one line.
	 */
	for (p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ldZ xsanmdc %s: %s\n", stamp, ts.tv_nsec / 1000000,
		lvl[prio & 7], line);
	if (log_syslog)
		syslog(prio, "%s", line);
}

long long mdc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void mdc_wallclock(struct xsan_time *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	t->sec = ts.tv_sec;
	t->nsec = (uint32_t)ts.tv_nsec;
}
