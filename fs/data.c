// SPDX-License-Identifier: GPL-2.0
/*
 * The data path of regular files: iomap moves the bytes between the page
 * cache (or the user's buffer, O_DIRECT) and the LUNs; this file tells it
 * where they are (mapping, the fence, commits, writeback, the address
 * space operations, SEEK_HOLE/DATA and fiemap), and keeps the MDC and the
 * other clients in the picture. The rest of the data path, by concern:
 * fs/dio.c (O_DIRECT, deferred commits), fs/giveback.c (data tokens,
 * give-back, lost sessions), fs/mmap.c, fs/rw.c (read, write, fsync,
 * close's write-back), fs/trunc.c (truncate, fallocate); fs/data.h is
 * what they share. This paragraph describes the whole.
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
 *   read, DATA_RD|DATA_WR before it is dirtied (with ATTR_WR for a
 *   write(2): its size and mtime are ours until written back), DIO for
 *   O_DIRECT (with ATTR_WR for a write). A REVOKE (or an idle give-back) of one reaches
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
#include "fs/data.h"

static void xsan_io_work(struct work_struct *work);

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
int xsan_data_fence(struct inode *inode, u32 *sgen)
{
	int err = xsan_msgr_lease_wait(XSAN_SB(inode->i_sb)->msgr, sgen);

	if (err)
		return err == -ERESTARTSYS ? err : -EIO;
	if (READ_ONCE(XSAN_I(inode)->data_sgen) != *sgen)
		return -EIO;
	return 0;
}

/**
 * xsan_data_sgen_current() - are @inode's data caches of the session in
 * force?
 * @inode: the inode
 * @sgen: set to the generation they belong to
 *
 * A reclaim under way after an MDC restart may carry them over to the new
 * session: it is waited for first (a hard mount as long as it takes).
 *
 * Context: process context, may sleep; not under data_sem held
 * exclusive (the reclaim does not take it, but its end is what we wait for).
 * Return: true if they are of the session in force.
 */
bool xsan_data_sgen_current(struct inode *inode, u32 *sgen)
{
	struct xsan_msgr *m = XSAN_SB(inode->i_sb)->msgr;

	*sgen = READ_ONCE(XSAN_I(inode)->data_sgen);
	if (xsan_msgr_sgen(m) == *sgen)
		return true;
	if (xsan_msgr_reclaim_wait(m))
		return false;
	*sgen = READ_ONCE(XSAN_I(inode)->data_sgen);
	return xsan_msgr_sgen(m) == *sgen;
}

/*
 * The last check before a bio is sent: the lease still holds and is the
 * session's that @sgen says.
 */
bool xsan_data_fence_holds(struct inode *inode, u32 sgen)
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
		xsan_refresh_blocks(inode, &rep, buf->seq);
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
	int err, tries;
	u32 sgen;

	if (pos < 0 || length <= 0)
		return -EINVAL;
	if (alloc && sbi->bsize > PAGE_SIZE)
		return -EOPNOTSUPP;
	/*
	 * A LAYOUT_GET sent before an MDC restart and answered after it is
	 * of another session than the fence checked (-EIO): when the session
	 * did change meanwhile, fence (which waits for the reclaim) and map
	 * again, once.
	 */
	for (tries = 0;; tries++) {
		err = xsan_data_fence(inode, &sgen);
		if (err)
			return err;
		err = xsan_get_lext(inode, pos, length, alloc,
				    flags & IOMAP_DIRECT, sgen, &e);
		if (err != -EIO || tries ||
		    xsan_msgr_sgen(sbi->msgr) == sgen)
			break;
	}
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

const struct iomap_ops xsan_iomap_ops = {
	.iomap_begin	= xsan_iomap_begin,
};

/* ---- commit ----------------------------------------------------------- */

/*
 * Empty the volatile write caches of the volume's LUNs: before UNWRITTEN
 * extents are committed (a crash must not leave a written extent whose
 * data was still in a cache: it would show the old bytes) and at fsync.
 */
int xsan_flush_luns(struct xsan_sb_info *sbi)
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
int xsan_commit(struct inode *inode, const struct xsan_range *r, u32 n,
		u64 size)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct xsan_req req = { .op = XSAN_OP_LAYOUT_COMMIT };
	struct xsan_msg_buf *buf = NULL;
	struct timespec64 mt = inode->i_mtime;
	struct xsan_rep rep;
	unsigned int nofs;
	u32 i, sgen;
	int err;

	/* grants of an older session cannot be committed in this one */
	if (!xsan_data_sgen_current(inode, &sgen))
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
	/*
	 * Sent before an MDC restart and answered after it (the messenger
	 * sends it again on the new connection): it counts if the reclaim
	 * carried this inode's data over to the session it was answered in.
	 */
	if (!err && buf->sgen != sgen &&
	    (!xsan_data_sgen_current(inode, &sgen) || buf->sgen != sgen)) {
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
	xsan_refresh_blocks(inode, &rep, buf->seq);
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
	if (err == -EIO && READ_ONCE(XSAN_I(inode)->data_sgen) !=
			   xsan_msgr_sgen(XSAN_SB(inode->i_sb)->msgr))
		pr_warn_ratelimited("volume %s: inode %llu: session lost, dirty data not written (reported as EIO)\n",
				    XSAN_SB(inode->i_sb)->volume,
				    XSAN_I(inode)->fid.ino);
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
