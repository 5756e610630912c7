// SPDX-License-Identifier: GPL-2.0
/*
 * The data path of regular files: iomap moves the bytes between the page
 * cache (or the user's buffer, O_DIRECT) and the LUNs; this file tells it
 * where they are, and keeps the MDC and the other clients in the picture.
 *
 * - Mapping (xsan_iomap_begin()): the layout cache (fs/layout.c), or a
 *   LAYOUT_GET on a miss; writes ask for an allocating LAYOUT_GET, which
 *   turns the holes of the range into UNWRITTEN extents granted to this
 *   session. An allocated extent becomes (LUN block device, sector) through
 *   xsan_lun_map() (fs/lundev.c), clipped at the stripe-unit boundary
 *   (a group of one LUN has none).
 *   UNWRITTEN reads as zeros: stale bytes of a deleted file never show.
 * - Commit: once the bios of a write are done, LAYOUT_COMMIT turns the
 *   UNWRITTEN ranges written and carries the new size and mtime. Writeback
 *   completions are batched per inode on the mount's workqueue; the pages
 *   stay under writeback until their commit is answered (durable at the
 *   MDC), so fsync (which waits for writeback) returns only when data and
 *   commit are both durable. O_DIRECT defers its commits under ATTR_WR
 *   (see "Deferred O_DIRECT commits").
 * - Tokens (Documentation/tokens.rst): DATA_RD before the page cache is
 *   read, DATA_RD|DATA_WR before it is dirtied, DIO for O_DIRECT (with
 *   ATTR_WR for a write). A REVOKE (or an idle give-back) of one reaches
 *   xsan_data_drop_tokens() before the TOKEN_PUT: it writes back and
 *   commits the dirty pages, waits for direct I/O and commits it, empties
 *   the page cache and the layout cache.
 * - mmap: the fault paths take the token first, like read and write, but
 *   not data_sem: read(2) into (or write(2) from) a mapping of the same
 *   file faults while data_sem is held shared, and a REVOKE waiting for it
 *   exclusive would block that second shared hold for ever. They hold
 *   fault_sem shared instead, never around a wait for data_sem or for
 *   writeback; a give-back takes fault_sem exclusive only as a fence
 *   (after the token is marked gone, before writeback), so it never holds
 *   it while a fault waits for a folio lock that writeback holds.
 * - Fencing (DESIGN.md 7, Documentation/tokens.rst "Fencing"): no bio
 *   goes to a LUN unless the lease holds and the file's cached state
 *   (page cache, layouts, O_DIRECT commits owed) belongs to the session in
 *   force (@data_sgen). Mapping waits for the lease (a hard mount waits,
 *   a soft one gives up after timeout=); the last check is made as the
 *   bio is sent (prepare_ioend for writeback, submit_io for O_DIRECT).
 *   What an older session cached is dropped, and reported as EIO, never
 *   written: its blocks and tokens may be another client's by now.
 * - Errors: a failed bio or commit ends its pages' writeback with the
 *   error, which mapping_set_error() keeps in the errseq of the mapping:
 *   fsync reports it once per open file, and so does close(2) of a
 *   descriptor open for writing (fs/file.c, ->flush, which writes back
 *   first). A lost session drops the page cache of files whose data
 *   tokens went with it; dirty pages among them are an -EIO for fsync,
 *   never silently gone.
 *
 * Only volumes whose block size is at most PAGE_SIZE are written: a
 * larger block would be made written by a commit while only the pages
 * written hold data, exposing the rest of the block (reads work for any
 * block size).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/iomap.h>
#include <linux/list_sort.h>
#include <linux/pagemap.h>
#include <linux/sizes.h>
#include <linux/sched/mm.h>
#include <linux/uio.h>
#include <linux/writeback.h>

#include "fs/xsan.h"

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
/* Tries at taking a data token that a REVOKE keeps taking back. */
#define XSAN_TOK_TRIES		8

#define XSAN_TOK_DATA	(XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR | XSAN_TOK_DIO)

static void xsan_io_work(struct work_struct *work);
static void xsan_lost_work(struct work_struct *work);

/**
 * xsan_data_init_inode() - set up the data path state of a new inode
 * @xi: the inode, fresh from the slab
 *
 * Context: any context.
 */
void xsan_data_init_inode(struct xsan_inode_info *xi)
{
	init_rwsem(&xi->data_sem);
	spin_lock_init(&xi->io_lock);
	INIT_LIST_HEAD(&xi->io_done);
	INIT_WORK(&xi->io_work, xsan_io_work);
	init_rwsem(&xi->fault_sem);
	xi->data_flags = 0;
	INIT_WORK(&xi->lost_work, xsan_lost_work);
	mutex_init(&xi->dio_lock);
	atomic_set(&xi->nosec_gen, 0);
	xi->data_sgen = 0;
	xi->dio_n = 0;
	xi->dio_bytes = 0;
	xi->dio_size = 0;
	xi->dio_dirty = false;
}

/**
 * xsan_data_evict_begin() - write back the dirty pages of a file still
 * linked, which is evicted (drop_inode is generic_delete_inode: the last
 * iput evicts, and eviction would drop them)
 * @inode: the inode, at the start of evict_inode
 *
 * Context: process context, may sleep.
 */
void xsan_data_evict_begin(struct inode *inode)
{
	int err;

	if (!S_ISREG(inode->i_mode) || !inode->i_nlink ||
	    !mapping_tagged(inode->i_mapping, PAGECACHE_TAG_DIRTY))
		return;
	err = filemap_write_and_wait(inode->i_mapping);
	if (err)
		pr_warn_ratelimited("volume %s: inode %llu: dirty data lost at eviction (error %d)\n",
				    XSAN_SB(inode->i_sb)->volume,
				    XSAN_I(inode)->fid.ino, err);
}

/**
 * xsan_data_evict() - wait for the data path work of an inode going away
 * @inode: the inode, in evict_inode after its pages are gone
 *
 * Context: process context, may sleep.
 */
void xsan_data_evict(struct inode *inode)
{
	flush_work(&XSAN_I(inode)->io_work);
	xsan_layout_destroy(&XSAN_I(inode)->layout);
}

/* ---- the fence ---------------------------------------------------------- */

/*
 * Wait until the lease holds (DESIGN.md 7) and check that what @inode
 * cached belongs to the session in force, whose generation goes to
 * *@sgen. Context: process context, may sleep. Return: 0, -EIO (the cache
 * is an older session's, umount -f, a soft mount's timeout), -ERESTARTSYS.
 */
static int xsan_data_fence(struct inode *inode, u32 *sgen)
{
	int err = xsan_msgr_lease_wait(XSAN_SB(inode->i_sb)->msgr, sgen);

	if (err)
		return err == -ERESTARTSYS ? err : -EIO;
	if (READ_ONCE(XSAN_I(inode)->data_sgen) != *sgen)
		return -EIO;
	return 0;
}

/*
 * The last check before a bio is sent: the lease still holds and is the
 * session's that @sgen says.
 */
static bool xsan_data_fence_holds(struct inode *inode, u32 sgen)
{
	u32 now;

	if (xsan_msgr_lease_gen(XSAN_SB(inode->i_sb)->msgr, &now) &&
	    now == sgen)
		return true;
	pr_warn_ratelimited("volume %s: inode %llu: lease expired or session lost as I/O was sent: not sent (EIO)\n",
			    XSAN_SB(inode->i_sb)->volume, XSAN_I(inode)->fid.ino);
	return false;
}

/* ---- layouts ---------------------------------------------------------- */

/* LAYOUT_GET [@pos, @pos + @len) and cache it; @out: the record at @pos */
static int xsan_layout_fetch(struct inode *inode, u64 pos, u64 len,
			     bool alloc, u32 sgen, struct xsan_lext *out)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct xsan_req req = { .op = XSAN_OP_LAYOUT_GET };
	struct xsan_msg_buf *buf = NULL;
	struct xsan_rep rep;
	unsigned int nofs;
	LIST_HEAD(stage);
	u64 gen;
	int err;

	if (pos > XSAN_FILE_MAX - 1)
		return -EFBIG;
	len = min(max(len, 1ull), XSAN_FILE_MAX - pos);
	gen = xsan_layout_gen(&xi->layout);
	xsan_fill_cred(&req.cred);
	req.fid = xi->fid;
	req.layout.offset = pos;
	req.layout.length = len;
	req.layout.flags = alloc ? XSAN_LG_WRITE : 0;
	/* also called from writeback: no recursion into the fs to reclaim */
	nofs = memalloc_nofs_save();
	err = xsan_msgr_call(sbi->msgr, &req, &rep, &buf);
	/* a grant of another session than the one the caller checked */
	if (!err && buf->sgen != sgen) {
		xsan_msg_buf_free(buf);
		err = -EIO;
	} else if (!err) {
		err = xsan_layout_stage(&rep.layout, pos, len, sbi->bsize,
					alloc ? XSAN_LX_GRANTED : 0, GFP_NOFS,
					&stage);
		xsan_msg_buf_free(buf);
	}
	memalloc_nofs_restore(nofs);
	pr_debug("LAYOUT_GET inode %llu [%llu, +%llu)%s: %d\n", xi->fid.ino,
		 pos, len, alloc ? " alloc" : "", err);
	if (err)
		return err;
	err = xsan_layout_insert(&xi->layout, &stage, gen, pos, out);
	pr_debug("  at %llu: [%llu, +%llu) sg %u block %llu flags %#x\n", pos,
		 out->offset, out->length, out->sg, out->block, out->flags);
	if (err)
		pr_warn_ratelimited("volume %s: LAYOUT_GET of inode %llu at %llu did not cover it\n",
				    sbi->volume, xi->fid.ino, pos);
	return err;
}

/*
 * The record at @pos: from the cache, or fetched. For an allocating
 * caller, a hole or an UNWRITTEN extent not granted to this session is
 * not good enough: it is asked for again, allocating. An O_DIRECT write
 * (@all_granted) commits its whole range when part of it was UNWRITTEN,
 * and only granted ranges may be committed: it needs every extent
 * granted. It asks for as much as one LAYOUT_GET can sensibly give:
 * XSAN_DIO_AHEAD at or past the end of the file (allocating ahead of a
 * streaming writer), or a written extent from @pos up to its end (a
 * grant, no allocation: the extent was looked up first).
 */
static int xsan_get_lext(struct inode *inode, u64 pos, u64 len, bool alloc,
			 bool all_granted, u32 sgen, struct xsan_lext *e)
{
	bool hit = xsan_layout_lookup(&XSAN_I(inode)->layout, pos, e);
	int err;

	if (hit) {
		if (!alloc)
			return 0;
		if (!(e->flags & XSAN_LX_HOLE) &&
		    (e->flags & XSAN_LX_GRANTED))
			return 0;
		if (!(e->flags & (XSAN_LX_HOLE | XSAN_EXT_UNWRITTEN)) &&
		    !all_granted)
			return 0;
	}
	if (!alloc)
		return xsan_layout_fetch(inode, pos, max(len, XSAN_LG_READ_MIN),
					 false, sgen, e);
	if (!all_granted)
		return xsan_layout_fetch(inode, pos, len, true, sgen, e);
	if (pos >= i_size_read(inode)) {
		/* ahead of a streaming writer, if the volume has the room */
		if (len < XSAN_DIO_AHEAD) {
			err = xsan_layout_fetch(inode, pos, XSAN_DIO_AHEAD, true,
						sgen, e);
			if (err != -ENOSPC)
				return err;
		}
		return xsan_layout_fetch(inode, pos, len, true, sgen, e);
	}
	/* inside the file: what is there decides how much to ask for */
	if (!hit) {
		err = xsan_layout_fetch(inode, pos, XSAN_LG_READ_MIN, false,
					sgen, e);
		if (err)
			return err;
	}
	if (!(e->flags & (XSAN_LX_HOLE | XSAN_EXT_UNWRITTEN)))
		len = min(e->offset + e->length, pos + XSAN_DIO_AHEAD) - pos;
	return xsan_layout_fetch(inode, pos, len, true, sgen, e);
}

static int xsan_iomap_begin(struct inode *inode, loff_t pos, loff_t length,
			    unsigned int flags, struct iomap *iomap,
			    struct iomap *srcmap)
{
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	bool alloc = (flags & IOMAP_WRITE) && !(flags & IOMAP_ZERO);
	struct xsan_io_map m;
	struct xsan_lext e;
	u64 start, sg_byte;
	u32 sgen;
	int err;

	if (pos < 0 || length <= 0)
		return -EINVAL;
	if (alloc && sbi->bsize > PAGE_SIZE)
		return -EOPNOTSUPP;
	err = xsan_data_fence(inode, &sgen);
	if (err)
		return err;
	err = xsan_get_lext(inode, pos, length, alloc, flags & IOMAP_DIRECT,
			    sgen, &e);
	if (err)
		return err;
	iomap->flags = 0;
	/* the session it was mapped in, for the check at submission */
	iomap->private = (void *)(uintptr_t)sgen;
	/*
	 * An O_DIRECT write owes a deferred commit (size, mtime, UNWRITTEN
	 * ranges): O_DSYNC must go through fsync, not FUA alone.
	 */
	if ((flags & (IOMAP_DIRECT | IOMAP_WRITE)) ==
	    (IOMAP_DIRECT | IOMAP_WRITE))
		iomap->flags |= IOMAP_F_DIRTY;
	iomap->bdev = NULL;
	if (e.flags & XSAN_LX_HOLE) {
		if (alloc) {
			pr_warn_ratelimited("volume %s: allocating LAYOUT_GET left a hole at %lld\n",
					    sbi->volume, pos);
			return -EIO;
		}
		iomap->type = IOMAP_HOLE;
		iomap->addr = IOMAP_NULL_ADDR;
		iomap->offset = e.offset;
		iomap->length = e.length;
		return 0;
	}
	/* the block holding @pos: a partial block is read whole */
	start = round_down((u64)pos, sbi->bsize);
	sg_byte = (e.block << ilog2(sbi->bsize)) + (start - e.offset);
	err = xsan_lun_map(sbi, e.sg, sg_byte, e.offset + e.length - start, &m);
	if (err)
		return -EIO;
	if (!m.len || start + m.len <= (u64)pos ||
	    (m.len & (bdev_logical_block_size(m.bdev) - 1)))
		return -EIO;
	iomap->type = (e.flags & XSAN_EXT_UNWRITTEN) ? IOMAP_UNWRITTEN :
						       IOMAP_MAPPED;
	pr_debug("map %lld+%lld flags %#x: %llu+%llu -> sector %llu type %u\n",
		 pos, length, flags, start, m.len, (u64)m.sector, iomap->type);
	iomap->bdev = m.bdev;
	iomap->addr = (u64)m.sector << SECTOR_SHIFT;
	iomap->offset = start;
	iomap->length = m.len;
	return 0;
}

static const struct iomap_ops xsan_iomap_ops = {
	.iomap_begin	= xsan_iomap_begin,
};

/* ---- commit ----------------------------------------------------------- */

/*
 * Empty the volatile write caches of the volume's LUNs: before UNWRITTEN
 * extents are committed (a crash must not leave a written extent whose
 * data was still in a cache: it would show the old bytes) and at fsync.
 */
static int xsan_flush_luns(struct xsan_sb_info *sbi)
{
	struct xsan_luns *luns = sbi->luns;
	int err = 0, e;
	u32 i;

	if (!luns)
		return 0;
	for (i = 0; i < luns->nlun; i++) {
		if (!luns->lun[i].bdev)
			continue;
		e = blkdev_issue_flush(luns->lun[i].bdev);
		if (e && !err)
			err = e;
	}
	return err;
}

/*
 * LAYOUT_COMMIT @n ranges (ascending, disjoint; may be 0) of @inode with
 * size @size (ignored by the MDC if smaller) and the inode's mtime. The
 * ranges' cached records are dropped: they are written now.
 */
static int xsan_commit(struct inode *inode, const struct xsan_range *r,
		       u32 n, u64 size)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct xsan_req req = { .op = XSAN_OP_LAYOUT_COMMIT };
	struct xsan_msg_buf *buf = NULL;
	struct timespec64 mt = inode->i_mtime;
	struct xsan_rep rep;
	unsigned int nofs;
	u32 i, sgen = READ_ONCE(xi->data_sgen);
	int err;

	/* grants of an older session cannot be committed in this one */
	if (xsan_msgr_sgen(sbi->msgr) != sgen)
		return -EIO;
	if (n) {
		err = xsan_flush_luns(sbi);
		if (err)
			return err;
	}
	xsan_fill_cred(&req.cred);
	req.fid = xi->fid;
	req.layout.flags = XSAN_LC_SIZE | XSAN_LC_MTIME;
	req.layout.size = size;
	req.layout.mtime.sec = mt.tv_sec;
	req.layout.mtime.nsec = mt.tv_nsec;
	req.layout.nranges = n;
	req.layout.ranges = r;
	nofs = memalloc_nofs_save();
	err = xsan_msgr_call(sbi->msgr, &req, &rep, &buf);
	memalloc_nofs_restore(nofs);
	pr_debug("LAYOUT_COMMIT inode %llu size %llu, %u ranges from %llu: %d\n",
		 xi->fid.ino, size, n, n ? r[0].offset : 0, err);
	if (!err && buf->sgen != sgen) {
		xsan_msg_buf_free(buf);
		err = -EIO;
	}
	if (err) {
		pr_warn_ratelimited("volume %s: LAYOUT_COMMIT of inode %llu failed (error %d)\n",
				    sbi->volume, xi->fid.ino, err);
		/*
		 * What the caller may report: not sent or not answered (it may
		 * try again), out of space, or EIO; never the MDC's EINVAL for
		 * grants a new session no longer has.
		 */
		if (err != -ERESTARTSYS && err != -EINTR && err != -ETIMEDOUT &&
		    err != -ENOMEM && err != -EAGAIN && err != -ENOSPC &&
		    err != -EDQUOT && err != -EFBIG)
			err = -EIO;
		return err;
	}
	xsan_msg_buf_free(buf);
	for (i = 0; i < n; i++)
		xsan_layout_forget(&xi->layout, r[i].offset, r[i].length);
	return 0;
}

/* Add [@off, @off + @len) to @r[*@n], merging with the last one. */
static void xsan_range_add(struct xsan_range *r, u32 *n, u64 off, u64 len)
{
	if (*n && r[*n - 1].offset + r[*n - 1].length == off) {
		r[*n - 1].length += len;
		return;
	}
	r[*n].offset = off;
	r[*n].length = len;
	(*n)++;
}

/* ---- deferred O_DIRECT commits ------------------------------------------ */

/*
 * An O_DIRECT write holds ATTR_WR besides DIO: no other session caches the
 * file's attributes while it does (and none caches its data: DIO excludes
 * DATA_RD and DATA_WR), so the UNWRITTEN ranges its bios wrote, the size
 * and the mtime need not reach the MDC before write(2) returns. They are
 * kept in the inode (@dio_r ...) and committed together, with one flush of
 * the LUNs' caches:
 * - from end_io, once XSAN_DIO_PEND_BYTES are owed or @dio_r is full;
 * - before anything else on this client uses the file's data or layout
 *   (xsan_data_lock() and xsan_fault_lock() for all but an O_DIRECT
 *   write; truncate): the layout cache still says UNWRITTEN there;
 * - at fsync and O_SYNC / O_DSYNC, and at release (before CLOSE);
 * - before ATTR_WR or DIO is given back (REVOKE or idle release): another
 *   session's stat or read that needs one of them waits for the commit.
 * Until committed, the ranges read as zeros everywhere and no old bytes
 * can show; a crash loses them, as it loses what was not fsynced, and a
 * lost session reports them as -EIO at fsync.
 */

/* Forget what is owed. Caller holds dio_lock. */
static void __xsan_dio_clear(struct xsan_inode_info *xi)
{
	lockdep_assert_held(&xi->dio_lock);
	xi->dio_n = 0;
	xi->dio_bytes = 0;
	xi->dio_size = 0;
	WRITE_ONCE(xi->dio_dirty, false);
}

/* Commit what is owed. Caller holds dio_lock. */
static int __xsan_dio_commit(struct inode *inode)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	int err;

	lockdep_assert_held(&xi->dio_lock);
	if (!xi->dio_dirty)
		return 0;
	if (xsan_msgr_sgen(XSAN_SB(inode->i_sb)->msgr) !=
	    READ_ONCE(xi->data_sgen)) {
		/* written under a session that is gone: lost, and said so */
		pr_warn_ratelimited("volume %s: inode %llu: session lost, O_DIRECT writes not committed (reported as EIO)\n",
				    XSAN_SB(inode->i_sb)->volume, xi->fid.ino);
		mapping_set_error(inode->i_mapping, -EIO);
		__xsan_dio_clear(xi);
		return -EIO;
	}
	err = xsan_commit(inode, xi->dio_r, xi->dio_n, xi->dio_size);
	/*
	 * Not sent or not answered (a signal, a soft mount's timeout, no
	 * memory): the writes are still owed, the next commit sends them.
	 */
	if (err == -ERESTARTSYS || err == -EINTR || err == -ETIMEDOUT ||
	    err == -ENOMEM || err == -EAGAIN)
		return err;
	__xsan_dio_clear(xi);
	/* written to the LUNs but not converted: fsync must say so */
	if (err)
		mapping_set_error(inode->i_mapping,
				  err == -ENOSPC ? -ENOSPC : -EIO);
	return err;
}

/*
 * Commit the O_DIRECT writes @inode owes the MDC. Context: process
 * context, may sleep; not under dio_lock. Return: 0 or the commit's error
 * (also kept in the mapping's errseq for fsync).
 */
static int xsan_dio_commit(struct inode *inode)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	int err;

	if (!READ_ONCE(xi->dio_dirty))
		return 0;
	mutex_lock(&xi->dio_lock);
	err = __xsan_dio_commit(inode);
	mutex_unlock(&xi->dio_lock);
	return err;
}

/*
 * Note an O_DIRECT write of [@off, @off + @len) done (@unwritten: it wrote
 * UNWRITTEN blocks, which the commit converts); commit at once if enough
 * is owed. Return: 0 or a commit error.
 */
static int xsan_dio_note(struct inode *inode, u64 off, u64 len,
			 bool unwritten)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	int err = 0;
	u32 i;

	mutex_lock(&xi->dio_lock);
	if (unwritten && !xsan_range_merge(xi->dio_r, &xi->dio_n,
					   XSAN_DIO_PEND_RANGES, off, len)) {
		/* full: commit those first, then this one starts anew */
		err = __xsan_dio_commit(inode);
		if (!xsan_range_merge(xi->dio_r, &xi->dio_n,
				      XSAN_DIO_PEND_RANGES, off, len)) {
			/*
			 * Those could not be committed and are still owed:
			 * this write cannot be remembered, so it fails (its
			 * blocks stay UNWRITTEN, read as zeros).
			 */
			pr_warn_ratelimited("volume %s: inode %llu: O_DIRECT write at %llu could not be recorded for commit (error %d)\n",
					    XSAN_SB(inode->i_sb)->volume,
					    xi->fid.ino, off, err);
			mapping_set_error(inode->i_mapping, -EIO);
			mutex_unlock(&xi->dio_lock);
			return err ?: -EIO;
		}
	}
	xi->dio_bytes = 0;
	for (i = 0; i < xi->dio_n; i++)
		xi->dio_bytes += xi->dio_r[i].length;
	xi->dio_size = max(xi->dio_size, off + len);
	WRITE_ONCE(xi->dio_dirty, true);
	/*
	 * A write not aligned to the volume block left its block UNWRITTEN
	 * in the layout cache, and iomap zeroes the rest of an UNWRITTEN
	 * block around a sub-block write: a second write into the same block
	 * would overwrite this one with zeros. Committed at once, the block
	 * is written (and forgotten by the cache) before the next write.
	 */
	if (xi->dio_bytes >= XSAN_DIO_PEND_BYTES ||
	    (unwritten && ((off | len) & (i_blocksize(inode) - 1)))) {
		int e = __xsan_dio_commit(inode);

		err = err ?: e;
	}
	mutex_unlock(&xi->dio_lock);
	return err;
}

/*
 * What a lost session took with it: the owed commits cannot be made any
 * more (the grants are gone). Reported as -EIO at fsync.
 */
static void xsan_dio_lost(struct inode *inode)
{
	struct xsan_inode_info *xi = XSAN_I(inode);

	mutex_lock(&xi->dio_lock);
	if (xi->dio_dirty) {
		pr_warn_ratelimited("volume %s: inode %llu: session lost, O_DIRECT writes not committed (reported as EIO)\n",
				    XSAN_SB(inode->i_sb)->volume, xi->fid.ino);
		mapping_set_error(inode->i_mapping, -EIO);
		__xsan_dio_clear(xi);
	}
	mutex_unlock(&xi->dio_lock);
}

static int xsan_ioend_cmp(void *priv, const struct list_head *a,
			  const struct list_head *b)
{
	const struct iomap_ioend *ia = list_entry(a, struct iomap_ioend, io_list);
	const struct iomap_ioend *ib = list_entry(b, struct iomap_ioend, io_list);

	if (ia->io_offset < ib->io_offset)
		return -1;
	return ia->io_offset > ib->io_offset;
}

/*
 * Writeback completions of an inode: commit what they wrote, then end
 * their pages' writeback (with the error, if the write or the commit
 * failed: mapping_set_error() keeps it for fsync).
 */
static void xsan_io_work(struct work_struct *work)
{
	struct xsan_inode_info *xi = container_of(work, struct xsan_inode_info,
						  io_work);
	struct inode *inode = &xi->vfs_inode;
	struct xsan_range r[XSAN_COMMIT_BATCH];
	struct iomap_ioend *io, *next, *batch;
	unsigned long irqf;
	LIST_HEAD(done);
	u64 size = 0;
	int err = 0;
	u32 n = 0;

	spin_lock_irqsave(&xi->io_lock, irqf);
	list_replace_init(&xi->io_done, &done);
	spin_unlock_irqrestore(&xi->io_lock, irqf);
	if (list_empty(&done))
		return;
	list_sort(NULL, &done, xsan_ioend_cmp);

	batch = list_first_entry(&done, struct iomap_ioend, io_list);
	list_for_each_entry_safe(io, next, &done, io_list) {
		bool last = list_is_last(&io->io_list, &done);
		int ioerr = blk_status_to_errno(io->io_bio->bi_status);

		if (!ioerr) {
			size = max_t(u64, size, io->io_offset + io->io_size);
			if (io->io_type == IOMAP_UNWRITTEN)
				xsan_range_add(r, &n, io->io_offset,
					       io->io_size);
		}
		if (!last && n < XSAN_COMMIT_BATCH)
			continue;
		size = min_t(u64, size, i_size_read(inode));
		err = xsan_commit(inode, r, n, size);
		/* end writeback of batch .. io, each with its own status */
		for (;;) {
			struct iomap_ioend *cur = batch;
			int e = blk_status_to_errno(cur->io_bio->bi_status);
			bool end = cur == io;

			if (!end)
				batch = list_next_entry(cur, io_list);
			list_del_init(&cur->io_list);
			if (!e && err)
				mapping_set_error(inode->i_mapping, err);
			iomap_finish_ioends(cur, e ?: err);
			if (end)
				break;
		}
		if (!last)
			batch = next;
		n = 0;
		size = 0;
	}
}

static void xsan_end_bio(struct bio *bio)
{
	struct iomap_ioend *ioend = bio->bi_private;
	struct inode *inode = ioend->io_inode;
	struct xsan_inode_info *xi = XSAN_I(inode);
	unsigned long irqf;
	bool first;

	spin_lock_irqsave(&xi->io_lock, irqf);
	first = list_empty(&xi->io_done);
	list_add_tail(&ioend->io_list, &xi->io_done);
	spin_unlock_irqrestore(&xi->io_lock, irqf);
	if (first)
		queue_work(XSAN_SB(inode->i_sb)->io_wq, &xi->io_work);
}

static int xsan_prepare_ioend(struct iomap_ioend *ioend, int status)
{
	struct inode *inode = ioend->io_inode;

	/* every write commits: size and mtime at least */
	ioend->io_bio->bi_end_io = xsan_end_bio;
	/* the fence, as the bio goes: mapped under this session, still it */
	if (!status &&
	    !xsan_data_fence_holds(inode, READ_ONCE(XSAN_I(inode)->data_sgen)))
		status = -EIO;
	return status;
}

static int xsan_map_blocks(struct iomap_writepage_ctx *wpc,
			   struct inode *inode, loff_t offset)
{
	loff_t isize = i_size_read(inode);
	struct block_device *prev;
	u16 shared;
	u64 len;
	int err;

	if (offset >= wpc->iomap.offset &&
	    offset < wpc->iomap.offset + wpc->iomap.length &&
	    wpc->iomap.type != IOMAP_HOLE)
		return 0;
	len = isize > offset ? isize - offset : PAGE_SIZE;
	len = min(len, XSAN_LG_WB_MAX);
	prev = wpc->iomap.bdev;
	shared = wpc->iomap.flags & IOMAP_F_SHARED;
	err = xsan_iomap_begin(inode, offset, len, IOMAP_WRITE, &wpc->iomap,
			       NULL);
	if (err)
		return err;
	/*
	 * 6.1's iomap appends a block to the open ioend when its sector
	 * follows the ioend's last one, without looking at the device, but
	 * never across a change of IOMAP_F_SHARED (which means nothing else
	 * to its writeback). Flip it whenever the LUN changes: the stripe
	 * unit of one LUN may end at the sector where the next LUN's begins.
	 */
	if (prev && wpc->iomap.bdev != prev)
		shared ^= IOMAP_F_SHARED;
	wpc->iomap.flags = (wpc->iomap.flags & ~IOMAP_F_SHARED) | shared;
	return 0;
}

static const struct iomap_writeback_ops xsan_writeback_ops = {
	.map_blocks	= xsan_map_blocks,
	.prepare_ioend	= xsan_prepare_ioend,
};

/* ---- address space ------------------------------------------------------ */

static int xsan_read_folio(struct file *file, struct folio *folio)
{
	return iomap_read_folio(folio, &xsan_iomap_ops);
}

/*
 * 6.1's iomap adds a block to the open read bio when its sector follows
 * the bio's last one, whatever the device: the stripe unit of one LUN can
 * end at the very sector where the next LUN's begins, and its bytes would
 * be read from the wrong LUN. So iomap_readahead() is given one mapping's
 * worth of pages at a time (its bio is submitted at the end of each call).
 * This trims the readahead_control's page count, which only readahead
 * helpers and this function look at while it runs.
 */
static void xsan_readahead(struct readahead_control *rac)
{
	struct inode *inode = rac->mapping->host;

	while (readahead_count(rac)) {
		unsigned int left = readahead_count(rac), n;
		struct iomap map = { };
		loff_t pos = readahead_pos(rac);
		u64 end;

		if (xsan_iomap_begin(inode, pos, readahead_length(rac), 0,
				     &map, NULL)) {
			n = left;	/* iomap_readahead() meets the error */
		} else {
			end = map.offset + map.length;
			n = max_t(u64, min_t(u64, (end - pos) >> PAGE_SHIFT,
					     left), 1);
		}
		rac->_nr_pages = n;
		iomap_readahead(rac, &xsan_iomap_ops);
		/* what it left unread goes back with the rest, to be dropped */
		rac->_nr_pages += left - n;
		if (readahead_count(rac) != left - n)
			break;
	}
}

static int xsan_writepages(struct address_space *mapping,
			   struct writeback_control *wbc)
{
	struct iomap_writepage_ctx wpc = { };

	return iomap_writepages(mapping, wbc, &wpc, &xsan_writeback_ops);
}

/* Regular files' address space: the page cache through iomap. */
const struct address_space_operations xsan_data_aops = {
	.read_folio		= xsan_read_folio,
	.readahead		= xsan_readahead,
	.writepages		= xsan_writepages,
	.dirty_folio		= filemap_dirty_folio,
	.release_folio		= iomap_release_folio,
	.invalidate_folio	= iomap_invalidate_folio,
	.migrate_folio		= filemap_migrate_folio,
	.is_partially_uptodate	= iomap_is_partially_uptodate,
	.error_remove_page	= generic_error_remove_page,
	.direct_IO		= noop_direct_IO,
};

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
static int xsan_data_lock(struct inode *inode, u32 types)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	int tries, err;
	u32 sgen;

	/* all but an O_DIRECT write see its deferred commits done (errseq) */
	if (!(types & XSAN_TOK_ATTR_WR))
		xsan_dio_commit(inode);
	for (tries = 0; tries < XSAN_TOK_TRIES; tries++) {
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
	return -EAGAIN;
}

static void xsan_data_unlock(struct inode *inode)
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
static void xsan_lost_work(struct work_struct *work)
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

/* ---- mmap --------------------------------------------------------------- */

/*
 * Take @types and hold fault_sem shared while they are valid (see the
 * head of this file for why not data_sem). Return: 0, -EAGAIN (a REVOKE
 * keeps taking the token back: the caller lets the access fault again),
 * or -errno from the MDC.
 */
static int xsan_fault_lock(struct inode *inode, u32 types)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	int tries, err;
	u32 sgen;

	xsan_dio_commit(inode);		/* see xsan_data_lock() */
	for (tries = 0; tries < XSAN_TOK_TRIES; tries++) {
		err = xsan_tok_get(inode, types);
		if (err)
			return err;
		down_read(&xi->fault_sem);
		if (xsan_tok_valid_gen(inode, types, &sgen)) {
			if (READ_ONCE(xi->data_sgen) == sgen)
				return 0;
			/*
			 * The page cache is an older session's and its drop
			 * has not run yet. It needs data_sem exclusive, which
			 * a read(2) into this mapping may hold shared: not
			 * waited for here (the access gets SIGBUS, or EFAULT
			 * in the kernel), only queued.
			 */
			up_read(&xi->fault_sem);
			xsan_data_session_lost(inode);
			return -EIO;
		}
		up_read(&xi->fault_sem);
	}
	return -EAGAIN;
}

static vm_fault_t xsan_fault_error(int err)
{
	/*
	 * -EAGAIN: no page mapped, the access faults again and asks for the
	 * token again. Not for a signal: an access from the kernel
	 * (copy_to_user) would fault again at once, for ever; SIGBUS makes
	 * it EFAULT there, and a task killed by the signal does not see it.
	 */
	if (err == -EAGAIN)
		return VM_FAULT_NOPAGE;
	return vmf_error(err);
}

static vm_fault_t xsan_filemap_fault(struct vm_fault *vmf)
{
	/* filemap_fault() may drop mmap_lock: keep the file (and inode) */
	struct file *file = get_file(vmf->vma->vm_file);
	struct inode *inode = file_inode(file);
	vm_fault_t ret;
	int err;

	err = xsan_fault_lock(inode, XSAN_TOK_DATA_RD);
	if (err) {
		ret = xsan_fault_error(err);
		goto out;
	}
	ret = filemap_fault(vmf);
	up_read(&XSAN_I(inode)->fault_sem);
out:
	fput(file);
	return ret;
}

static vm_fault_t xsan_page_mkwrite(struct vm_fault *vmf)
{
	struct file *file = vmf->vma->vm_file;
	struct inode *inode = file_inode(file);
	vm_fault_t ret;
	int err;

	sb_start_pagefault(inode->i_sb);
	err = xsan_fault_lock(inode, XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR);
	if (err) {
		ret = xsan_fault_error(err);
		goto out;
	}
	file_update_time(file);
	/*
	 * Under the invalidate lock, as ext4 and XFS: not across a truncate
	 * (its SETATTR round trip), so no page past the new EOF is dirtied
	 * and no later commit raises the size again. Allocates (LAYOUT_GET)
	 * under the folio lock, like a write.
	 */
	filemap_invalidate_lock_shared(inode->i_mapping);
	ret = iomap_page_mkwrite(vmf, &xsan_iomap_ops);
	filemap_invalidate_unlock_shared(inode->i_mapping);
	up_read(&XSAN_I(inode)->fault_sem);
out:
	sb_end_pagefault(inode->i_sb);
	return ret;
}

static const struct vm_operations_struct xsan_file_vm_ops = {
	.fault		= xsan_filemap_fault,
	.map_pages	= filemap_map_pages,
	.page_mkwrite	= xsan_page_mkwrite,
};

/**
 * xsan_data_mmap() - mmap(2) of a regular file
 * @file: the file
 * @vma: the new mapping
 *
 * Faults read under DATA_RD, page_mkwrite dirties under DATA_RD|DATA_WR;
 * a REVOKE writes back and unmaps (Documentation/architecture.rst). A
 * shared writable mapping needs a block size of at most PAGE_SIZE, as
 * write(2) does.
 *
 * Context: process context, mmap_lock held for write.
 * Return: 0 or -EOPNOTSUPP.
 */
int xsan_data_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct inode *inode = file_inode(file);

	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE) &&
	    XSAN_SB(inode->i_sb)->bsize > PAGE_SIZE)
		return -EOPNOTSUPP;
	file_accessed(file);
	vma->vm_ops = &xsan_file_vm_ops;
	return 0;
}

/* ---- file operations ---------------------------------------------------- */

/*
 * The fence of O_DIRECT, as each bio goes: the lease still holds, in the
 * session the range was mapped in (iomap->private, xsan_iomap_begin()).
 */
static void xsan_dio_submit_io(const struct iomap_iter *iter, struct bio *bio,
			       loff_t file_offset)
{
	if (!xsan_data_fence_holds(iter->inode,
				   (u32)(uintptr_t)iter->iomap.private)) {
		bio_io_error(bio);
		return;
	}
	submit_bio(bio);
}

static const struct iomap_dio_ops xsan_dio_read_ops = {
	.submit_io	= xsan_dio_submit_io,
};

static ssize_t xsan_dio_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	ssize_t ret;

	ret = xsan_data_lock(inode, XSAN_TOK_DIO | XSAN_TOK_ATTR_RD);
	if (ret)
		return ret;
	if (iocb->ki_flags & IOCB_NOWAIT) {
		if (!inode_trylock_shared(inode)) {
			ret = -EAGAIN;
			goto out;
		}
	} else {
		inode_lock_shared(inode);
	}
	ret = iomap_dio_rw(iocb, to, &xsan_iomap_ops, &xsan_dio_read_ops, 0,
			   NULL, 0);
	inode_unlock_shared(inode);
out:
	xsan_data_unlock(inode);
	return ret;
}

/**
 * xsan_data_read_iter() - read(2) and friends on a regular file
 * @iocb: the I/O
 * @to: the destination
 *
 * Context: process context, may sleep.
 * Return: bytes read or -errno.
 */
ssize_t xsan_data_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	ssize_t ret;

	if (!iov_iter_count(to))
		return 0;
	if (iocb->ki_flags & IOCB_DIRECT)
		return xsan_dio_read(iocb, to);
	ret = xsan_data_lock(inode, XSAN_TOK_DATA_RD);
	if (ret)
		return ret;
	ret = generic_file_read_iter(iocb, to);
	xsan_data_unlock(inode);
	return ret;
}

static int xsan_dio_write_end_io(struct kiocb *iocb, ssize_t size, int error,
				 unsigned int flags)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	u64 end = iocb->ki_pos + size;
	unsigned long irqf;

	int err;

	if (error)
		return error;
	if (!size)
		return 0;
	/*
	 * Committed later, under ATTR_WR ("Deferred O_DIRECT commits");
	 * noted before i_size grows, so that an attribute refresh in
	 * between sees dio_dirty and does not shrink it again.
	 */
	err = xsan_dio_note(inode, iocb->ki_pos, size,
			    flags & IOMAP_DIO_UNWRITTEN);
	spin_lock_irqsave(&XSAN_I(inode)->io_lock, irqf);
	if (end > i_size_read(inode))
		i_size_write(inode, end);
	spin_unlock_irqrestore(&XSAN_I(inode)->io_lock, irqf);
	return err;
}

static const struct iomap_dio_ops xsan_dio_write_ops = {
	.end_io		= xsan_dio_write_end_io,
	.submit_io	= xsan_dio_submit_io,
};

static ssize_t xsan_write_checks(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	ssize_t ret = generic_write_checks(iocb, from);
	int gen;

	if (ret <= 0)
		return ret;
	/*
	 * S_NOSEC (SB_NOSEC) spares file_remove_privs() a GETXATTR of
	 * security.capability per write; it holds only under ATTR_RD, which
	 * another client's chmod or setxattr takes back (fs/token.c). If
	 * ATTR_RD went while file_remove_privs() asked, the S_NOSEC it set
	 * was learnt from attributes that may be old: not kept.
	 */
	gen = atomic_read(&XSAN_I(inode)->nosec_gen);
	if (IS_NOSEC(inode) && !xsan_tok_valid(inode, XSAN_TOK_ATTR_RD))
		inode_set_flags(inode, 0, S_NOSEC);
	ret = file_remove_privs(iocb->ki_filp);
	if (IS_NOSEC(inode) &&
	    (atomic_read(&XSAN_I(inode)->nosec_gen) != gen ||
	     !xsan_tok_valid(inode, XSAN_TOK_ATTR_RD)))
		inode_set_flags(inode, 0, S_NOSEC);
	if (ret)
		return ret;
	ret = file_update_time(iocb->ki_filp);
	if (ret)
		return ret;
	return iov_iter_count(from);
}

/**
 * xsan_data_write_iter() - write(2) and friends on a regular file
 * @iocb: the I/O
 * @from: the source
 *
 * O_DIRECT needs the position, the length and the user buffer aligned to
 * the logical block size of the LUNs (Documentation/admin-guide.rst);
 * anything else is -EINVAL, as iomap checks per mapping.
 *
 * Context: process context, may sleep.
 * Return: bytes written or -errno.
 */
ssize_t xsan_data_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	bool dio = iocb->ki_flags & IOCB_DIRECT;
	unsigned int dio_flags = 0;
	ssize_t ret;

	if (XSAN_SB(inode->i_sb)->opts.ro)
		return -EROFS;
	if (iocb->ki_flags & IOCB_NOWAIT)
		return -EAGAIN;	/* tokens and layouts may need the MDC */
	ret = xsan_data_lock(inode, dio ? XSAN_TOK_DIO | XSAN_TOK_ATTR_RD |
				 XSAN_TOK_ATTR_WR :
				 XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR |
				 XSAN_TOK_ATTR_RD);
	if (ret)
		return ret;
	inode_lock(inode);
	ret = xsan_write_checks(iocb, from);
	if (ret <= 0)
		goto out;
	/*
	 * A write not aligned to the volume block zeroes the rest of an
	 * UNWRITTEN block around itself, and the block is converted only at
	 * its commit: two in flight at once in one block (AIO) would zero
	 * each other. As XFS does (xfs_file_dio_write_unaligned): it waits
	 * for the direct I/O in flight and runs alone, to its end (its end_io
	 * commits the block), under the exclusive i_rwsem held here.
	 */
	if (dio && ((iocb->ki_pos | iov_iter_count(from)) &
		    (i_blocksize(inode) - 1))) {
		inode_dio_wait(inode);
		dio_flags = IOMAP_DIO_FORCE_WAIT;
	}
	if (dio)
		ret = iomap_dio_rw(iocb, from, &xsan_iomap_ops,
				   &xsan_dio_write_ops, dio_flags, NULL, 0);
	else
		ret = iomap_file_buffered_write(iocb, from, &xsan_iomap_ops);
	/* 6.1's iomap leaves that to the filesystem */
	if (!dio && ret > 0)
		iocb->ki_pos += ret;
out:
	inode_unlock(inode);
	xsan_data_unlock(inode);
	if (ret > 0)
		ret = generic_write_sync(iocb, ret);
	return ret;
}

/**
 * xsan_data_fsync() - fsync(2), fdatasync(2) on a regular file
 * @file: the file
 * @start: first byte
 * @end: last byte
 * @datasync: fdatasync (the same here: the commit carries size and mtime)
 *
 * Pages stay under writeback until their LAYOUT_COMMIT is answered (an
 * answer means durable at the MDC; UNWRITTEN ranges are committed only
 * after the LUNs' caches were flushed); the LUNs' caches are flushed once
 * more for overwrites, which commit no range.
 *
 * Context: process context, may sleep.
 * Return: 0 or the write or commit error (errseq: reported once per file).
 */
int xsan_data_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct inode *inode = file_inode(file);
	int err, dio_err;

	/*
	 * A commit that failed for good is in the errseq, which the call
	 * below reports; one that is still owed (not sent, not answered: a
	 * soft mount's timeout, a signal, no memory) is this fsync's error
	 * all the same: the writes are not durable.
	 */
	dio_err = xsan_dio_commit(inode);
	err = file_write_and_wait_range(file, start, end);
	/* overwrites of written extents commit no range: flush them here */
	if (!err && !dio_err)
		err = xsan_flush_luns(XSAN_SB(inode->i_sb));
	return err ?: dio_err;
}

/**
 * xsan_data_write_back() - write back and commit a file's dirty pages and
 * its owed O_DIRECT commits, for close(2) (the LUNs' caches are not
 * flushed: close promises no durability, fsync does)
 * @inode: the file
 *
 * Context: process context, may sleep.
 * Return: 0 or the write or commit error (also in the mapping's errseq).
 */
int xsan_data_write_back(struct inode *inode)
{
	int err = xsan_dio_commit(inode);

	return filemap_write_and_wait(inode->i_mapping) ?: err;
}

/**
 * xsan_data_flush() - write back and commit a file's dirty data, for
 * release before its CLOSE (the MDC drops the session's grants at CLOSE:
 * a commit after it would fail)
 * @inode: the file
 *
 * Context: process context, may sleep.
 * Return: 0 or the write or commit error.
 */
int xsan_data_flush(struct inode *inode)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	int err = xsan_dio_commit(inode);

	if (READ_ONCE(xi->dio_dirty)) {
		/*
		 * Still owed after the try (not answered): CLOSE frees the
		 * blocks granted and not committed, so these writes are lost
		 * now. Said, and kept for fsync of the file's other opens.
		 */
		mutex_lock(&xi->dio_lock);
		if (xi->dio_dirty) {
			pr_warn("volume %s: inode %llu: O_DIRECT writes could not be committed before close (error %d): lost, reported as EIO\n",
				XSAN_SB(inode->i_sb)->volume, xi->fid.ino, err);
			mapping_set_error(inode->i_mapping, -EIO);
			__xsan_dio_clear(xi);
		}
		mutex_unlock(&xi->dio_lock);
	}
	err = filemap_write_and_wait(inode->i_mapping) ?: err;

	return err ?: xsan_flush_luns(XSAN_SB(inode->i_sb));
}

/**
 * xsan_data_closed() - the session's grants on a file are gone (after
 * CLOSE of its last handle): forget the cached layout that says otherwise
 * @inode: the file
 *
 * Context: any context.
 */
void xsan_data_closed(struct inode *inode)
{
	xsan_layout_forget(&XSAN_I(inode)->layout, 0, U64_MAX);
}

/**
 * xsan_data_llseek() - lseek(2), with SEEK_HOLE and SEEK_DATA from the
 * layout
 * @file: the file
 * @offset: as lseek(2)
 * @whence: as lseek(2)
 *
 * Context: process context, may sleep.
 * Return: the new position or -errno.
 */
loff_t xsan_data_llseek(struct file *file, loff_t offset, int whence)
{
	struct inode *inode = file_inode(file);
	int err;

	if (whence != SEEK_HOLE && whence != SEEK_DATA)
		return generic_file_llseek(file, offset, whence);
	err = xsan_data_lock(inode, XSAN_TOK_DATA_RD);
	if (err)
		return err;
	inode_lock_shared(inode);
	if (whence == SEEK_HOLE)
		offset = iomap_seek_hole(inode, offset, &xsan_iomap_ops);
	else
		offset = iomap_seek_data(inode, offset, &xsan_iomap_ops);
	inode_unlock_shared(inode);
	xsan_data_unlock(inode);
	if (offset < 0)
		return offset;
	return vfs_setpos(file, offset, inode->i_sb->s_maxbytes);
}

/**
 * xsan_data_fiemap() - FS_IOC_FIEMAP from the layout
 * @inode: the file
 * @fi: the request
 * @start: first byte
 * @len: bytes
 *
 * Physical addresses are byte offsets on the LUN that holds each mapping;
 * a stripe across LUNs shows as one extent per stripe unit.
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno.
 */
int xsan_data_fiemap(struct inode *inode, struct fiemap_extent_info *fi,
		     u64 start, u64 len)
{
	int err;

	err = xsan_data_lock(inode, XSAN_TOK_DATA_RD);
	if (err)
		return err;
	/* dirty pages have blocks (allocated at write), but flush them */
	err = filemap_write_and_wait(inode->i_mapping);
	if (!err) {
		inode_lock_shared(inode);
		err = iomap_fiemap(inode, fi, start, len, &xsan_iomap_ops);
		inode_unlock_shared(inode);
	}
	xsan_data_unlock(inode);
	return err;
}

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
	bool partial;
	int err, tries;

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
	partial = iattr->ia_size < i_size_read(inode) && bsize <= PAGE_SIZE &&
		  (iattr->ia_size & (bsize - 1));
	/*
	 * The invalidate lock keeps a give-back's writeback and cut of the
	 * page cache, and page_mkwrite, out of the zeroing, the SETATTR and
	 * the cut here. data_sem cannot be taken under i_rwsem (a writer
	 * holds it shared while it waits for i_rwsem). The token is asked
	 * for before the lock (its give-back takes the lock), and checked
	 * under it: a give-back that cleared the bits meanwhile would write
	 * and drop the zeroed page before its PUT, but the zeroing must be
	 * made under a token the MDC still counts as ours.
	 */
	for (tries = 0;; tries++) {
		if (partial) {
			err = xsan_tok_get(inode,
					   XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR);
			if (err)
				return err;
		}
		filemap_invalidate_lock(inode->i_mapping);
		if (!partial ||
		    xsan_tok_valid(inode, XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR))
			break;
		filemap_invalidate_unlock(inode->i_mapping);
		if (tries >= XSAN_TOK_TRIES)
			return -EAGAIN;
	}
	if (partial) {
		bool did_zero = false;

		err = iomap_truncate_page(inode, iattr->ia_size, &did_zero,
					  &xsan_iomap_ops);
		if (err)
			goto out;
	}
	err = filemap_write_and_wait(inode->i_mapping);
	if (err)
		goto out;
	err = xsan_setattr(mnt_userns, dentry, iattr);
	if (err)
		goto out;
	truncate_setsize(inode, iattr->ia_size);
	xsan_layout_forget(&xi->layout, round_down(iattr->ia_size, bsize),
			   U64_MAX);
out:
	filemap_invalidate_unlock(inode->i_mapping);
	return err;
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
	loff_t end;
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
	if ((mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) &&
	    sbi->bsize > PAGE_SIZE)
		return -EOPNOTSUPP;
	end = offset + len;
	err = xsan_data_lock(inode, XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR);
	if (err)
		return err;
	inode_lock(inode);
	inode_dio_wait(inode);
	/* iomap_zero_range() skips UNWRITTEN blocks, dirty pages or not */
	err = filemap_write_and_wait(inode->i_mapping);
	if (err)
		goto out;
	if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) {
		loff_t bs = sbi->bsize;
		loff_t lo = round_up(offset, bs), hi = round_down(end, bs);

		/* the partial blocks at the edges, in the page cache */
		if (lo > hi) {
			err = iomap_zero_range(inode, offset, len, NULL,
					       &xsan_iomap_ops);
		} else {
			if (offset < lo)
				err = iomap_zero_range(inode, offset,
						       lo - offset, NULL,
						       &xsan_iomap_ops);
			if (!err && hi < end)
				err = iomap_zero_range(inode, hi, end - hi,
						       NULL, &xsan_iomap_ops);
		}
		if (err)
			goto out;
	}
	/* commits of the range done before the MDC changes it */
	err = filemap_write_and_wait(inode->i_mapping);
	if (err)
		goto out;
	if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) {
		loff_t bs = sbi->bsize;
		loff_t lo = round_up(offset, bs), hi = round_down(end, bs);

		if (lo < hi)
			truncate_pagecache_range(inode, lo, hi - 1);
	}
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
