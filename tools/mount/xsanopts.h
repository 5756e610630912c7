/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The options xsanfs knows. options.c splits a -o list without knowing
 * any filesystem; this file then decides, for each item options.c would
 * hand to the kernel, whether xsanfs takes it (passed on), the helper
 * takes it (nameserver=, nsport=: removed), it is a StorNext option with
 * no meaning on Linux (threads=...: removed, with a note), it is refused
 * with a reason (lease=), or it is unknown (refused, or dropped with -s).
 * Pure logic: unit tests link it directly.
 */
#ifndef XMOUNT_XSANOPTS_H
#define XMOUNT_XSANOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "options.h"

/**
 * struct xmount_helper_opts - the options meant for mount.xsanfs itself
 * @nameservers: nameserver=HOST values in the order given (owned); when
 *	there are any, /etc/xsanfs/fsnameservers is not read
 * @nnameservers: how many
 * @nsport: nsport=PORT, the name service port; 0 when not given
 */
struct xmount_helper_opts {
	char **nameservers;
	size_t nnameservers;
	unsigned int nsport;
};

int xmount_opts_check(struct xmount_opts *o, bool sloppy,
		      struct xmount_helper_opts *h, FILE *notes, FILE *warn,
		      char *err, size_t errlen);
void xmount_helper_opts_free(struct xmount_helper_opts *h);

#endif /* XMOUNT_XSANOPTS_H */
