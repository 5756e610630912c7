/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding the metadata controller of a volume through the name service
 * (port 60868): the name servers come from /etc/xsanfs/fsnameservers or
 * from nameserver= options, and are asked in order with NS_LOOKUP.
 */
#ifndef XMOUNT_NSLOOKUP_H
#define XMOUNT_NSLOOKUP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mdc.h"
#include "xsanfs/msg.h"

/**
 * struct xmount_ns_answer - what the name service said about a volume
 * @mdc: the volume's session address in the kernel's numeric form
 *	("A.B.C.D:PORT" or "[IPv6]:PORT")
 * @server: the name server that answered, "HOST port PORT"
 * @uuid: the volume's uuid, which its LUN headers carry
 */
struct xmount_ns_answer {
	char mdc[XMOUNT_MDC_MAX];
	char server[300];
	uint8_t uuid[XSAN_UUID_SIZE];
};

/**
 * struct xmount_ns_list - name servers to ask, in order
 * @hosts: host names or literals (owned)
 * @n: how many
 */
struct xmount_ns_list {
	char **hosts;
	size_t n;
};

int xmount_ns_load(const char *path, const char *volume,
		   struct xmount_ns_list *list, FILE *warn,
		   char *err, size_t errlen);
void xmount_ns_list_free(struct xmount_ns_list *list);
int xmount_ns_lookup(const char *volume, char *const *hosts, size_t n,
		     unsigned int port, int timeout_ms, xmount_resolve_fn resolve,
		     struct xmount_ns_answer *ans, FILE *verbose,
		     char *err, size_t errlen);

#endif /* XMOUNT_NSLOOKUP_H */
