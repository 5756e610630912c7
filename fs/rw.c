// SPDX-License-Identifier: GPL-2.0
/*
 * read(2), write(2), fsync(2) and close(2)'s write-back of regular files:
 * the entry points that take the data tokens (fs/giveback.c) and hand the
 * bytes to iomap, buffered (fs/data.c) or O_DIRECT (fs/dio.c).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/iomap.h>
#include <linux/pagemap.h>
#include <linux/uio.h>
#include <linux/writeback.h>

#include "fs/xsan.h"
#include "fs/data.h"

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
	size_t prev_count = 0;
	ssize_t ret, done = 0;

	if (!iov_iter_count(to))
		return 0;
	ret = xsan_lock_check(iocb->ki_filp);
	if (ret)
		return ret;
	if (iocb->ki_flags & IOCB_DIRECT)
		return xsan_dio_read(iocb, to);
	for (;;) {
		ret = xsan_data_lock(inode, XSAN_TOK_DATA_RD);
		if (ret)
			break;
		/*
		 * No page fault under data_sem (as gfs2 under its glock): a
		 * read into a shared writable mapping of this same file
		 * faults into page_mkwrite, which needs DATA_WR; another
		 * client waiting for it has the MDC revoke our DATA_RD,
		 * whose give-back waits for data_sem. The pages are faulted
		 * in with data_sem let go, and the read goes on.
		 */
		pagefault_disable();
		ret = generic_file_read_iter(iocb, to);
		pagefault_enable();
		xsan_data_unlock(inode);
		if (ret > 0)
			done += ret;
		else if (ret != -EFAULT)
			break;
		if (!xsan_fault_in_more(iocb, to, &prev_count))
			break;
	}
	return done ? done : ret;
}

/**
 * xsan_fault_in_more() - fault in the next part of the buffer of an I/O
 * that ran with page faults off and stopped short (fs/gfs2's
 * should_fault_in_pages() and what follows it)
 * @iocb: the I/O
 * @i: what is left of its buffer
 * @prev_count: what was left the previous time (0 at first)
 *
 * Several pages at first; one at a time when that made no progress.
 *
 * Context: process context, may sleep; no lock of the file held.
 * Return: true if something was faulted in and the I/O should go on.
 */
bool xsan_fault_in_more(struct kiocb *iocb, struct iov_iter *i,
			size_t *prev_count)
{
	size_t count = iov_iter_count(i), window = PAGE_SIZE;

	if (!count || !user_backed_iter(i))
		return false;
	if (*prev_count != count)
		window = SZ_1M;
	*prev_count = count;
	window -= offset_in_page(iocb->ki_pos);
	return fault_in_iov_iter_writeable(i, window) < window;
}

static ssize_t xsan_write_checks(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	ssize_t ret;
	int gen;

	/* made immutable (here or elsewhere) while open: as ext4 */
	if (IS_IMMUTABLE(inode))
		return -EPERM;
	ret = generic_write_checks(iocb, from);
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
	ret = xsan_lock_check(iocb->ki_filp);
	if (ret)
		return ret;
	ret = xsan_data_lock(inode, dio ? XSAN_TOK_DIO | XSAN_TOK_ATTR_RD |
				 XSAN_TOK_ATTR_WR :
				 XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR |
				 XSAN_TOK_ATTR_RD | XSAN_TOK_ATTR_WR);
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
	/* after the writeback: what was written is the caller's to know */
	if (!err)
		err = xsan_lock_check(file);
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
