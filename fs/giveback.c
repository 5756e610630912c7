// SPDX-License-Identifier: GPL-2.0
/*
 * The data side of the token cache: holding a data token while the page
 * cache or the LUNs are used under it (data_sem), giving a token back
 * (REVOKE or idle) once its users drained and what it covered is written
 * and dropped, and dropping what a lost session left behind. fs/token.c
 * owns the bits; this file the caches they cover. The give-back rule is
 * Documentation/tokens.rst, "REVOKE".
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/pagemap.h>
#include <linux/writeback.h>

#include "fs/xsan.h"
#include "fs/data.h"

/* ---- tokens ------------------------------------------------------------- */

/*
 * Drop what @inode cached under a session that is gone: the page cache
 * (dirty pages: EIO, in the errseq), the layout cache and the O_DIRECT
 * commits owed; then the cache is the current session's. Nothing of it is
 * written: the blocks and tokens may be another client's by now.
 * Context: process context, may sleep; takes data_sem exclusive, so not
 * under data_sem or fault_sem.
 */
static void xsan_data_lost(struct inode *inode)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	struct address_space *mapping = inode->i_mapping;
	u32 sgen = xsan_msgr_sgen(XSAN_SB(inode->i_sb)->msgr);

	down_write(&xi->data_sem);
	down_write(&xi->fault_sem);
	up_write(&xi->fault_sem);
	if (READ_ONCE(xi->data_sgen) != sgen) {
		inode_dio_wait(inode);
		xsan_dio_lost(inode);
		if (mapping_tagged(mapping, PAGECACHE_TAG_DIRTY)) {
			pr_warn_ratelimited("volume %s: inode %llu: session lost, dirty data not written (reported as EIO)\n",
					    XSAN_SB(inode->i_sb)->volume,
					    xi->fid.ino);
			mapping_set_error(mapping, -EIO);
		}
		/* waits for writeback in flight (it fails: the fence) */
		truncate_pagecache(inode, 0);
		xsan_layout_forget(&xi->layout, 0, U64_MAX);
		WRITE_ONCE(xi->data_sgen, sgen);
	}
	up_write(&xi->data_sem);
}

/*
 * Take @types and hold data_sem shared while they are valid: a REVOKE
 * needs data_sem exclusive to flush and invalidate before it answers, so
 * the caller's use of the cache is over before another client's starts.
 * The token is asked for before data_sem is taken (the MDC may have to
 * revoke from us first, which needs data_sem). A cache of an older
 * session is dropped before the new session's token is used on it.
 */
int xsan_data_lock(struct inode *inode, u32 types)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	int tries, err;
	u32 sgen;

	/* all but an O_DIRECT write see its deferred commits done (errseq) */
	if ((types & (XSAN_TOK_DIO | XSAN_TOK_ATTR_WR)) !=
	    (XSAN_TOK_DIO | XSAN_TOK_ATTR_WR))
		xsan_dio_commit(inode);
	for (tries = 0;; tries++) {
		err = xsan_tok_backoff(inode, tries);
		if (err)
			return err;
		err = xsan_tok_get(inode, types);
		if (err)
			return err;
		down_read(&xi->data_sem);
		if (xsan_tok_valid_gen(inode, types, &sgen)) {
			if (READ_ONCE(xi->data_sgen) == sgen)
				return 0;
			up_read(&xi->data_sem);
			xsan_data_lost(inode);
			continue;
		}
		up_read(&xi->data_sem);
	}
}

void xsan_data_unlock(struct inode *inode)
{
	up_read(&XSAN_I(inode)->data_sem);
}

/**
 * xsan_data_giveback_waits() - does giving back @types wait for the data
 * path to drain?
 * @inode: the inode
 * @types: XSAN_TOK_* to give back
 *
 * Context: any context.
 * Return: true for a data token or ATTR_WR of a regular file.
 */
bool xsan_data_giveback_waits(struct inode *inode, u32 types)
{
	return S_ISREG(inode->i_mode) &&
	       (types & (XSAN_TOK_DATA | XSAN_TOK_ATTR_WR));
}

/**
 * xsan_data_giveback_begin() - stop new users of the caches @types cover
 * @inode: the inode
 * @types: the XSAN_TOK_* about to be given back (REVOKE or idle release)
 * @covered: set to the types whose bits the caller may now clear
 *
 * For a data token or ATTR_WR of a regular file: takes data_sem exclusive
 * (readers and writers drain) and fault_sem exclusive (faults drain, new
 * ones wait). The caller clears the bits, then calls
 * xsan_data_giveback_end(), which lets fault_sem go first: a fault after
 * it sees the bits gone and asks for the token again.
 *
 * Context: process context (the revoke or token workqueue), may sleep;
 * never under data_sem, fault_sem or i_rwsem of @inode.
 * Return: true if the locks were taken (pass it to _end()).
 */
bool xsan_data_giveback_begin(struct inode *inode, u32 types, u32 *covered)
{
	struct xsan_inode_info *xi = XSAN_I(inode);

	if (!xsan_data_giveback_waits(inode, types)) {
		*covered = S_ISREG(inode->i_mode) ?
			   XSAN_TOK_ALL & ~(XSAN_TOK_DATA | XSAN_TOK_ATTR_WR) :
			   XSAN_TOK_ALL;
		return false;
	}
	down_write(&xi->data_sem);
	down_write(&xi->fault_sem);
	*covered = XSAN_TOK_ALL;
	return true;
}

/**
 * xsan_data_giveback_end() - make the data caches safe to give back tokens
 * @inode: the inode
 * @types: the XSAN_TOK_* whose bits were cleared and go back now
 * @locked: what xsan_data_giveback_begin() returned
 *
 * DATA_WR: the dirty pages are written and committed; DATA_RD, DATA_WR:
 * the page cache is emptied; DIO, ATTR_WR: direct I/O in flight is waited
 * for and its deferred commits are sent. The layout cache is dropped for
 * any of them but ATTR_WR alone, and for ATTR_RD (which alone needs
 * nothing else). Called before the TOKEN_PUT. Lets the locks of _begin()
 * go.
 *
 * Context: as xsan_data_giveback_begin().
 */
void xsan_data_giveback_end(struct inode *inode, u32 types, bool locked)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	int err;

	if (locked)
		up_write(&xi->fault_sem);
	if (!S_ISREG(inode->i_mode))
		goto out;
	if (!(types & (XSAN_TOK_DATA | XSAN_TOK_ATTR_WR))) {
		/*
		 * ATTR_RD goes when another session is about to change the
		 * file (it takes ATTR_WR for O_DIRECT writes, or commits):
		 * what this session's layout cache says may be old now.
		 */
		if (types & XSAN_TOK_ATTR_RD)
			xsan_layout_forget(&xi->layout, 0, U64_MAX);
		goto out;
	}
	if (WARN_ON_ONCE(!locked))
		return;
	if (types & (XSAN_TOK_DIO | XSAN_TOK_ATTR_WR)) {
		inode_dio_wait(inode);
		/* the next holder's stat or read sees them */
		err = xsan_dio_commit(inode);
		if (err)
			pr_warn_ratelimited("volume %s: inode %llu: O_DIRECT commit before giving back a token failed (error %d)\n",
					    XSAN_SB(inode->i_sb)->volume,
					    xi->fid.ino, err);
	}
	if ((types & XSAN_TOK_ATTR_WR) && !(types & XSAN_TOK_DATA_WR) &&
	    (mapping_tagged(inode->i_mapping, PAGECACHE_TAG_DIRTY) ||
	     mapping_tagged(inode->i_mapping, PAGECACHE_TAG_WRITEBACK))) {
		/*
		 * Buffered writes under ATTR_WR moved the size and mtime
		 * here only: committed now, without waiting for their
		 * writeback, so that the next holder's stat sees them. The
		 * blocks past what is written stay UNWRITTEN (zeros) until
		 * the writeback commits them; reading them takes DATA_WR,
		 * which writes them back first.
		 */
		err = xsan_commit(inode, NULL, 0, i_size_read(inode));
		if (err)
			pr_warn_ratelimited("volume %s: inode %llu: size commit before giving back ATTR_WR failed (error %d)\n",
					    XSAN_SB(inode->i_sb)->volume,
					    xi->fid.ino, err);
	}
	if (types & (XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR)) {
		/*
		 * Not across a truncate's zeroing, SETATTR and cut of the
		 * page cache, nor a page_mkwrite (they hold it): the pages
		 * go back whole, after the truncate or before it.
		 */
		filemap_invalidate_lock(inode->i_mapping);
		err = filemap_write_and_wait(inode->i_mapping);
		if (err)
			pr_warn_ratelimited("volume %s: inode %llu: writeback before giving back a data token failed (error %d)\n",
					    XSAN_SB(inode->i_sb)->volume,
					    xi->fid.ino, err);
		err = invalidate_inode_pages2(inode->i_mapping);
		filemap_invalidate_unlock(inode->i_mapping);
		if (err)
			pr_warn_ratelimited("volume %s: inode %llu: page cache not emptied (error %d)\n",
					    XSAN_SB(inode->i_sb)->volume,
					    xi->fid.ino, err);
	}
	/* ATTR_WR alone: nobody else changed the file, the layout holds */
	if (types & (XSAN_TOK_DATA | XSAN_TOK_ATTR_RD))
		xsan_layout_forget(&xi->layout, 0, U64_MAX);
out:
	if (locked)
		up_write(&xi->data_sem);
}

/* The session-lost drop, queued by the reset walk (holds a reference). */
void xsan_lost_work(struct work_struct *work)
{
	struct xsan_inode_info *xi = container_of(work, struct xsan_inode_info,
						  lost_work);
	struct inode *inode = &xi->vfs_inode;

	clear_bit(XSAN_DATA_LOST, &xi->data_flags);
	xsan_data_lost(inode);
	iput(inode);
}

/**
 * xsan_data_session_lost() - the session @inode's caches were built under
 * is gone: queue their drop
 * @inode: the inode
 *
 * The data path does not wait for it: it checks the generation
 * (xsan_data_lock(), the fence) and drops them itself if need be.
 *
 * Context: any context that may take inode->i_lock (the messenger's
 * reset callback calls it under sb->s_inode_list_lock).
 */
void xsan_data_session_lost(struct inode *inode)
{
	struct xsan_inode_info *xi = XSAN_I(inode);

	/*
	 * Not once unmount has begun (SB_ACTIVE goes before evict_inodes()):
	 * a reference taken here would make the inode busy after unmount.
	 */
	if (!S_ISREG(inode->i_mode) ||
	    !(READ_ONCE(inode->i_sb->s_flags) & SB_ACTIVE) ||
	    test_and_set_bit(XSAN_DATA_LOST, &xi->data_flags))
		return;
	/* an inode being evicted has nothing left to drop */
	if (!igrab(inode)) {
		clear_bit(XSAN_DATA_LOST, &xi->data_flags);
		return;
	}
	queue_work(XSAN_SB(inode->i_sb)->tok_wq, &xi->lost_work);
}
