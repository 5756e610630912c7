/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The consistency checker of a volume's metadata store, which
 * fsck.xsanfs runs: link counts, dangling entries, orphan inodes,
 * directory loops and second parents, the READDIR index, the free inode
 * list and the next inode number; with @repair it fixes each.
 */
#ifndef XSAN_MDC_CHECK_H
#define XSAN_MDC_CHECK_H

#include <stdint.h>
#include <stdio.h>

#include "store.h"

/**
 * struct xsan_check_stats - what a check found
 * @inodes: inodes in use (after repairs)
 * @dirs: of which directories
 * @problems: problems found, one line each
 * @fixed: of which repaired
 */
struct xsan_check_stats {
	uint64_t inodes;
	uint64_t dirs;
	unsigned int problems;
	unsigned int fixed;
};

/*
 * Check @st, printing one line per problem to @out (NULL: silent). With
 * @repair (the store open read-write) every problem is fixed in one
 * transaction committed at the end. Returns 0 when the check ran (see
 * @stats for the verdict) or a negative errno when it could not.
 */
int xsan_check(struct xsan_store *st, bool repair, FILE *out,
	       struct xsan_check_stats *stats);

#endif /* XSAN_MDC_CHECK_H */
