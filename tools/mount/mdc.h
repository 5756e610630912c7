/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdc=HOST[:PORT]: the kernel accepts only numeric addresses, so the mount
 * helper resolves names and hands the kernel the numeric form.
 */
#ifndef XMOUNT_MDC_H
#define XMOUNT_MDC_H

#include <stddef.h>
#include <sys/socket.h>

/* Longest numeric form plus NUL: "[" IPv6 "]:65535". */
#define XMOUNT_MDC_MAX	64

/*
 * Look up @host (a name or a literal, without brackets or port) and store
 * one IPv4 or IPv6 address in @ss. Returns 0 or an EAI_* code, as
 * getaddrinfo() does; with EAI_SYSTEM, errno says why.
 */
typedef int (*xmount_resolve_fn)(const char *host, struct sockaddr_storage *ss);

int xmount_resolve_host(const char *host, struct sockaddr_storage *ss);
int xmount_mdc_normalise(const char *in, char *out, size_t outlen,
			 xmount_resolve_fn resolve, char *err, size_t errlen);

#endif /* XMOUNT_MDC_H */
