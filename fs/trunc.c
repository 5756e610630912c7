// SPDX-License-Identifier: GPL-2.0
/*
 * Size and space changes of regular files: truncate (SETATTR of the size
 * with the page cache and the layout cache) and fallocate(2) (FALLOCATE),
 * each with the partial blocks at its edges zeroed in the page cache.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/falloc.h>
#include <linux/iomap.h>
#include <linux/mm.h>
#include <linux/pagemap.h>

#include "fs/xsan.h"
#include "fs/data.h"

/**
 * xsan_data_setattr() - setattr of a regular file: truncate is SETATTR
 * plus the page cache and the layout cache
 * @mnt_userns: the mount's idmapping
 * @dentry: the file
 * @iattr: the change
 *
 * Before a size change the dirty pages are written and committed (a
 * commit after the SETATTR would grow the file again) and the tail of a
 * shrunk last block is zeroed; after it the cached layout past the new
 * size is dropped.
 *
 * Context: process context, i_rwsem held (notify_change()).
 * Return: 0 or -errno.
 */
int xsan_data_setattr(struct user_namespace *mnt_userns, struct dentry *dentry,
		      struct iattr *iattr)
{
	struct inode *inode = d_inode(dentry);
	struct xsan_inode_info *xi = XSAN_I(inode);
	u32 bsize = XSAN_SB(inode->i_sb)->bsize;
	bool partial, shrink;
	loff_t old_size;
	int err, tries;
	u32 want;

	if (!(iattr->ia_valid & ATTR_SIZE) || !S_ISREG(inode->i_mode))
		return xsan_setattr(mnt_userns, dentry, iattr);
	if (iattr->ia_size < 0)
		return -EINVAL;
	inode_dio_wait(inode);
	/* before the SETATTR, or their size would grow the file again */
	xsan_dio_commit(inode);
	/*
	 * Written back first: iomap_truncate_page() skips an UNWRITTEN block
	 * (it reads as zeros) even if a dirty page holds data for it.
	 */
	err = filemap_write_and_wait(inode->i_mapping);
	if (err)
		return err;
	old_size = i_size_read(inode);
	shrink = iattr->ia_size < old_size;
	partial = shrink && bsize <= PAGE_SIZE && (iattr->ia_size & (bsize - 1));
	want = XSAN_TOK_ATTR_RD;
	if (partial)
		want |= XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR;
	/*
	 * The invalidate lock keeps a give-back's writeback and cut of the
	 * page cache, and page_mkwrite, out of the zeroing and the cut here.
	 * data_sem cannot be taken under i_rwsem (a writer holds it shared
	 * while it waits for i_rwsem). No MDC request may wait under it that
	 * the MDC could park behind a give-back of ours or of a client whose
	 * give-back waits for us (two clients truncating one file: each
	 * SETATTR waits for the other's give-back, each give-back for the
	 * other's lock): the tokens are asked for before it and checked
	 * under it, and the SETATTR goes after it is let go. A give-back
	 * that cleared the bits meanwhile would write and drop the zeroed
	 * page before its PUT, but the zeroing must be made under a token the
	 * MDC still counts as ours.
	 */
	for (tries = 0;; tries++) {
		err = xsan_tok_backoff(inode, tries);
		if (err)
			return err;
		err = xsan_tok_get(inode, want);
		if (err)
			return err;
		filemap_invalidate_lock(inode->i_mapping);
		if (xsan_tok_valid(inode, want))
			break;
		filemap_invalidate_unlock(inode->i_mapping);
	}
	if (partial) {
		bool did_zero = false;

		err = iomap_truncate_page(inode, iattr->ia_size, &did_zero,
					  &xsan_iomap_ops);
		if (err)
			goto unlock;
	}
	err = filemap_write_and_wait(inode->i_mapping);
	if (err)
		goto unlock;
	/*
	 * Shrinking: the new size holds from here, so that no page past it
	 * is dirtied through a mapping (page_mkwrite) or written back during
	 * the SETATTR round trip (its commit would raise the size again,
	 * into blocks the SETATTR frees), and replies do not raise it back
	 * (trunc_busy). The pages past it are clean: they go now.
	 */
	spin_lock(&xi->tok_lock);
	xi->trunc_busy = true;
	spin_unlock(&xi->tok_lock);
	if (shrink) {
		i_size_write(inode, iattr->ia_size);
		truncate_pagecache(inode, iattr->ia_size);
	}
	filemap_invalidate_unlock(inode->i_mapping);

	err = __xsan_setattr(mnt_userns, dentry, iattr, false);

	filemap_invalidate_lock(inode->i_mapping);
	spin_lock(&xi->tok_lock);
	xi->trunc_busy = false;
	/* failed: the file still has its old size (if nothing changed it) */
	if (err && shrink && i_size_read(inode) == iattr->ia_size)
		i_size_write(inode, old_size);
	spin_unlock(&xi->tok_lock);
	if (err)
		goto unlock;
	truncate_setsize(inode, iattr->ia_size);
	xsan_layout_forget(&xi->layout, round_down(iattr->ia_size, bsize),
			   U64_MAX);
unlock:
	filemap_invalidate_unlock(inode->i_mapping);
	return err;
}

/*
 * Zero [@from, @to) in the page cache, the part below EOF only: past it
 * nothing is cached, the blocks read as zeros (the MDC's), and
 * iomap_zero_range() would move i_size to @to (iomap_write_end()), which
 * KEEP_SIZE forbids and which, without it, is the MDC's reply's to set.
 */
static int xsan_zero_below_eof(struct inode *inode, loff_t from, loff_t to)
{
	to = min_t(loff_t, to, i_size_read(inode));
	if (from >= to)
		return 0;
	return iomap_zero_range(inode, from, to - from, NULL, &xsan_iomap_ops);
}

/**
 * xsan_data_fallocate() - fallocate(2) through FALLOCATE
 * @file: the file
 * @mode: 0, KEEP_SIZE, PUNCH_HOLE|KEEP_SIZE, ZERO_RANGE[|KEEP_SIZE]
 * @offset: start of the range
 * @len: its length
 *
 * The page cache of the range is written back first and, for PUNCH_HOLE
 * and ZERO_RANGE, dropped (the blocks go, or read as zeros). The partial
 * blocks at the edges of a punched range are zeroed here (the MDC frees
 * only whole blocks).
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno.
 */
long xsan_data_fallocate(struct file *file, int mode, loff_t offset,
			 loff_t len)
{
	struct inode *inode = file_inode(file);
	struct xsan_inode_info *xi = XSAN_I(inode);
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct xsan_req req = { .op = XSAN_OP_FALLOCATE };
	struct xsan_msg_buf *buf = NULL;
	struct xsan_rep rep;
	bool cut = mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE);
	loff_t end, lo, hi;
	int err;

	switch (mode) {
	case 0:
	case FALLOC_FL_KEEP_SIZE:
	case FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE:
	case FALLOC_FL_ZERO_RANGE:
	case FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE:
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (sbi->opts.ro)
		return -EROFS;
	if (offset < 0 || len <= 0 || len > XSAN_FILE_MAX - offset)
		return -EINVAL;
	if (cut && sbi->bsize > PAGE_SIZE)
		return -EOPNOTSUPP;
	end = offset + len;
	err = xsan_data_lock(inode, XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR);
	if (err)
		return err;
	inode_lock(inode);
	/* past RLIMIT_FSIZE: EFBIG (and SIGXFSZ), as write(2) and ext4 */
	if (!(mode & FALLOC_FL_KEEP_SIZE) && end > i_size_read(inode)) {
		err = inode_newsize_ok(inode, end);
		if (err)
			goto out;
	}
	inode_dio_wait(inode);
	/* iomap_zero_range() skips UNWRITTEN blocks, dirty pages or not */
	err = filemap_write_and_wait(inode->i_mapping);
	if (err)
		goto out;
	/* the whole blocks of a punched or zeroed range: [lo, hi) */
	lo = round_up(offset, sbi->bsize);
	hi = round_down(end, sbi->bsize);
	if (cut) {
		/* the partial blocks at the edges, in the page cache */
		if (lo > hi) {
			err = xsan_zero_below_eof(inode, offset, end);
		} else {
			if (offset < lo)
				err = xsan_zero_below_eof(inode, offset, lo);
			if (!err && hi < end)
				err = xsan_zero_below_eof(inode, hi, end);
		}
		if (err)
			goto out;
	}
	/* commits of the range done before the MDC changes it */
	err = filemap_write_and_wait(inode->i_mapping);
	if (err)
		goto out;
	if (cut && lo < hi)
		truncate_pagecache_range(inode, lo, hi - 1);
	xsan_fill_cred(&req.cred);
	req.fid = xi->fid;
	req.layout.flags = mode;
	req.layout.offset = offset;
	req.layout.length = len;
	err = xsan_msgr_call(sbi->msgr, &req, &rep, &buf);
	xsan_layout_forget(&xi->layout, round_down(offset, sbi->bsize),
			   round_up(end, sbi->bsize) -
			   round_down(offset, sbi->bsize));
	if (err)
		goto out;
	xsan_msg_buf_free(buf);
	if (!(mode & FALLOC_FL_KEEP_SIZE) && end > i_size_read(inode))
		i_size_write(inode, end);
	file_update_time(file);
out:
	inode_unlock(inode);
	xsan_data_unlock(inode);
	return err;
}
