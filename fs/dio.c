// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT: the bios go straight between the user's buffer and the LUNs
 * (iomap), each checked against the lease as it is sent (the fence, see
 * fs/data.c); what they wrote into UNWRITTEN blocks, the size and the mtime
 * are committed later, together ("Deferred O_DIRECT commits" below,
 * Documentation/tokens.rst).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/fs.h>
#include <linux/iomap.h>
#include <linux/pagemap.h>
#include <linux/uio.h>

#include "fs/xsan.h"
#include "fs/data.h"

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
void __xsan_dio_clear(struct xsan_inode_info *xi)
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
	u32 sgen;
	int err;

	lockdep_assert_held(&xi->dio_lock);
	if (!xi->dio_dirty)
		return 0;
	if (!xsan_data_sgen_current(inode, &sgen)) {
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
int xsan_dio_commit(struct inode *inode)
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
void xsan_dio_lost(struct inode *inode)
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

ssize_t xsan_dio_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	size_t prev_count = 0;
	ssize_t ret, done = 0;

	for (;;) {
		ret = xsan_data_lock(inode, XSAN_TOK_DIO | XSAN_TOK_ATTR_RD);
		if (ret)
			break;
		if (iocb->ki_flags & IOCB_NOWAIT) {
			if (!inode_trylock_shared(inode)) {
				xsan_data_unlock(inode);
				ret = -EAGAIN;
				break;
			}
		} else {
			inode_lock_shared(inode);
		}
		/*
		 * Pinning the user's pages must not fault under data_sem
		 * (see xsan_data_read_iter()): faults are off, what is left
		 * is faulted in without it, and the read goes on
		 * (IOMAP_DIO_PARTIAL; the count is cumulative).
		 */
		pagefault_disable();
		to->nofault = true;
		ret = iomap_dio_rw(iocb, to, &xsan_iomap_ops, &xsan_dio_read_ops,
				   IOMAP_DIO_PARTIAL, NULL, done);
		to->nofault = false;
		pagefault_enable();
		inode_unlock_shared(inode);
		xsan_data_unlock(inode);
		if (ret > 0)
			done = ret;
		else if (ret != -EFAULT)
			break;
		if (!xsan_fault_in_more(iocb, to, &prev_count))
			break;
	}
	if (ret < 0 && ret != -EFAULT)
		return ret;
	return done ? done : ret;
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

const struct iomap_dio_ops xsan_dio_write_ops = {
	.end_io		= xsan_dio_write_end_io,
	.submit_io	= xsan_dio_submit_io,
};
