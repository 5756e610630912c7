// SPDX-License-Identifier: GPL-2.0
/*
 * Normalising mdc=HOST[:PORT] into the numeric forms the kernel parses
 * (fs/super.c, xsan_parse_mdc_addr): "A.B.C.D[:PORT]", a bare IPv6 literal,
 * or "[IPv6]:PORT". The kernel cannot resolve names, so this is where a
 * name becomes an address, and where a name that does not resolve becomes
 * a sentence instead of the kernel's "is not an IP address".
 *
 * The port is passed only if the user gave one: the default belongs to the
 * kernel.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdc.h"
#include "util.h"

/**
 * xmount_resolve_host() - the resolver mount.xsanfs uses: getaddrinfo()
 * @host: a name or a literal
 * @ss: the first IPv4 or IPv6 address, in getaddrinfo()'s order (which
 *	follows RFC 6724 and /etc/gai.conf)
 *
 * Return: 0 or an EAI_* code.
 */
int xmount_resolve_host(const char *host, struct sockaddr_storage *ss)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
	};
	struct addrinfo *res, *ai;
	int rc;

	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc)
		return rc;
	rc = EAI_NONAME;
	for (ai = res; ai; ai = ai->ai_next) {
		if ((ai->ai_family == AF_INET || ai->ai_family == AF_INET6) &&
		    ai->ai_addrlen <= sizeof(*ss)) {
			memset(ss, 0, sizeof(*ss));
			memcpy(ss, ai->ai_addr, ai->ai_addrlen);
			rc = 0;
			break;
		}
	}
	freeaddrinfo(res);
	return rc;
}

/* "1".."65535", decimal digits only. Returns 0 if @s is not one. */
static unsigned int xmount_parse_port(const char *s)
{
	unsigned long v = 0;

	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 65535)
			return 0;
	}
	return (unsigned int)v;
}

/**
 * xmount_mdc_normalise() - the value of mdc= in the form the kernel takes
 * @in: "HOST", "HOST:PORT", an IPv6 literal, "[IPv6]" or "[IPv6]:PORT";
 *	HOST is an IPv4 literal or a name
 * @out: "A.B.C.D", "A.B.C.D:PORT", "IPv6" or "[IPv6]:PORT"
 * @outlen: size of @out; %XMOUNT_MDC_MAX is always enough
 * @resolve: called only for names, never for literals
 * @err: a sentence saying what is wrong
 * @errlen: size of @err
 *
 * Return: 0, or -1 with @err set.
 */
int xmount_mdc_normalise(const char *in, char *out, size_t outlen,
			 xmount_resolve_fn resolve, char *err, size_t errlen)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	char host[256], addr[INET6_ADDRSTRLEN];
	const char *h = in, *hend, *port_str = NULL, *colon;
	bool bracketed = false;
	unsigned int port = 0;
	int n, rc;

	if (!in || !*in) {
		xsan_seterr(err, errlen,
			     "mdc= is empty: give the metadata controller as mdc=ADDRESS[:PORT]");
		return -1;
	}

	if (in[0] == '[') {
		bracketed = true;
		h = in + 1;
		hend = strchr(h, ']');
		if (!hend) {
			xsan_seterr(err, errlen, "mdc=%s: missing ']'", in);
			return -1;
		}
		if (hend[1] == ':') {
			port_str = hend + 2;
		} else if (hend[1]) {
			xsan_seterr(err, errlen,
				     "mdc=%s: unexpected '%s' after ']' (use [IPv6]:PORT)",
				     in, hend + 1);
			return -1;
		}
	} else {
		colon = strchr(in, ':');
		/* Two colons or more: a bare IPv6 literal, which has no port. */
		if (colon && !strchr(colon + 1, ':')) {
			hend = colon;
			port_str = colon + 1;
		} else {
			hend = in + strlen(in);
		}
	}

	if (hend == h) {
		xsan_seterr(err, errlen, "mdc=%s: no address before the port", in);
		return -1;
	}
	if ((size_t)(hend - h) >= sizeof(host)) {
		xsan_seterr(err, errlen, "mdc=%.64s...: the host name is too long", in);
		return -1;
	}
	memcpy(host, h, (size_t)(hend - h));
	host[hend - h] = '\0';

	if (port_str) {
		port = xmount_parse_port(port_str);
		if (!port) {
			xsan_seterr(err, errlen,
				     "mdc=%s: '%s' is not a port number (1-65535)",
				     in, port_str);
			return -1;
		}
	}
	if (strchr(host, '%')) {
		xsan_seterr(err, errlen,
			     "mdc=%s: scoped IPv6 addresses (%%INTERFACE) are not supported",
			     in);
		return -1;
	}

	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
	} else if (bracketed) {
		xsan_seterr(err, errlen, "mdc=%s: '%s' is not an IPv6 address",
			     in, host);
		return -1;
	} else if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		ss.ss_family = AF_INET;
	} else {
		rc = resolve(host, &ss);
		if (rc) {
			xsan_seterr(err, errlen,
				     "cannot resolve metadata controller '%s': %s",
				     host, rc == EAI_SYSTEM ? strerror(errno) :
				     gai_strerror(rc));
			return -1;
		}
	}

	if (ss.ss_family == AF_INET6 && sin6->sin6_scope_id) {
		xsan_seterr(err, errlen,
			     "mdc=%s: '%s' is a link-local address with a scope, which is not supported",
			     in, host);
		return -1;
	}
	if ((ss.ss_family != AF_INET && ss.ss_family != AF_INET6) ||
	    !inet_ntop(ss.ss_family, ss.ss_family == AF_INET ?
		       (const void *)&sin->sin_addr : (const void *)&sin6->sin6_addr,
		       addr, sizeof(addr))) {
		xsan_seterr(err, errlen,
			     "metadata controller '%s' has no IPv4 or IPv6 address", host);
		return -1;
	}

	if (!port)
		n = snprintf(out, outlen, "%s", addr);
	else if (ss.ss_family == AF_INET)
		n = snprintf(out, outlen, "%s:%u", addr, port);
	else
		n = snprintf(out, outlen, "[%s]:%u", addr, port);
	if (n < 0 || (size_t)n >= outlen) {
		xsan_seterr(err, errlen, "mdc=%s: no room for the address", in);
		return -1;
	}
	return 0;
}
