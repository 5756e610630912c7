/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the data path share (fs/data.c: mapping, commits,
 * writeback; fs/dio.c: O_DIRECT and its deferred commits; fs/giveback.c:
 * data tokens, give-back, lost sessions; fs/mmap.c; fs/rw.c: read, write,
 * fsync; fs/trunc.c: truncate, fallocate). Not for the rest of fs/, which
 * uses the entry points in fs/xsan.h.
 */
#ifndef _XSAN_DATA_H
#define _XSAN_DATA_H

#include <linux/iomap.h>
#include <linux/sizes.h>

/* A read miss asks for at least this much layout. */
#define XSAN_LG_READ_MIN	(64ull * SZ_1M)
/*
 * An O_DIRECT write at or past the end of the file allocates at least this
 * much (a streaming writer asks the MDC once per this many bytes; what it
 * does not write goes back at CLOSE), and its commits are deferred until
 * this many bytes are owed (see "Deferred O_DIRECT commits").
 */
#define XSAN_DIO_AHEAD		(64ull * SZ_1M)
#define XSAN_DIO_PEND_BYTES	(64ull * SZ_1M)
/* Writeback that finds no allocation allocates at most this much. */
#define XSAN_LG_WB_MAX		((u64)SZ_1M)
/* Ranges per LAYOUT_COMMIT from the writeback completion work. */
#define XSAN_COMMIT_BATCH	32
/*
 * Tries at taking a data token that a REVOKE keeps taking back before
 * xsan_tok_backoff() starts sleeping between them (it never gives up:
 * contention or a lease renewed late is a wait, not an error).
 */
#define XSAN_TOK_TRIES		8

#define XSAN_TOK_DATA	(XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR | XSAN_TOK_DIO)

/* fs/token.c */
int xsan_tok_backoff(struct inode *inode, int tries);

/* fs/data.c */
extern const struct iomap_ops xsan_iomap_ops;
int xsan_data_fence(struct inode *inode, u32 *sgen);
bool xsan_data_fence_holds(struct inode *inode, u32 sgen);
bool xsan_data_sgen_current(struct inode *inode, u32 *sgen);
int xsan_flush_luns(struct xsan_sb_info *sbi);
int xsan_commit(struct inode *inode, const struct xsan_range *r, u32 n,
		u64 size);

/* fs/dio.c */
extern const struct iomap_dio_ops xsan_dio_write_ops;
void __xsan_dio_clear(struct xsan_inode_info *xi);
int xsan_dio_commit(struct inode *inode);
void xsan_dio_lost(struct inode *inode);
ssize_t xsan_dio_read(struct kiocb *iocb, struct iov_iter *to);

/* fs/rw.c */
bool xsan_fault_in_more(struct kiocb *iocb, struct iov_iter *i,
			size_t *prev_count);

/* fs/giveback.c */
int xsan_data_lock(struct inode *inode, u32 types);
void xsan_data_unlock(struct inode *inode);
void xsan_lost_work(struct work_struct *work);

#endif /* _XSAN_DATA_H */
