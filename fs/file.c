// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfs regular files: open(2) sends OPEN and keeps the MDC's handle in
 * the file, release sends CLOSE: while the handle is open the MDC keeps
 * the inode, so a file unlinked (here or on another client) stays usable
 * until the last close. The data path itself (iomap over the LUNs,
 * LAYOUT_GET/COMMIT, data tokens, mmap) is fs/data.c.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "fs/xsan.h"

/**
 * struct xsan_file - what an open regular file keeps (file->private_data)
 * @list: in xsan_inode_info.open_files (under its open_lock)
 * @handle: the handle the MDC's OPEN reply named; CLOSE gives it back.
 *	Set before open returns; changed only by a reclaim after an MDC
 *	restart (xsan_file_reopen_all()), under the inode's open_lock
 * @oflags: XSAN_OPEN_* it was opened with (fixed)
 * @reopened: the reclaim round that opened it again last (open_lock)
 *
 * While a session holds a handle the MDC keeps the inode even when its
 * last name goes (POSIX: usable until the last close).
 */
struct xsan_file {
	struct list_head list;
	u64 handle;
	u32 oflags;
	u32 reopened;
};

/*
 * OPEN on the MDC: it checks the access mode against the file's
 * permissions, returns a handle, fresh attributes and, if free, ATTR_RD.
 * O_TRUNC is not sent: the VFS truncates after ->open, with one
 * SETATTR of the size through ->setattr.
 */
static int xsan_file_open(struct inode *inode, struct file *file)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct xsan_req req = { .op = XSAN_OP_OPEN };
	struct xsan_msg_buf *buf = NULL;
	struct xsan_file *xf;
	struct xsan_rep rep;
	int err, resets;

	err = generic_file_open(inode, file);
	if (err)
		return err;
	xf = kzalloc(sizeof(*xf), GFP_KERNEL);
	if (!xf)
		return -ENOMEM;
	/* open(O_TMPFILE): TMPFILE opened it already (fs/namei.c) */
	spin_lock(&xi->open_lock);
	xf->handle = xi->tmp_handle;
	xi->tmp_handle = 0;
	if (xf->handle) {
		xf->oflags = (file->f_flags & O_ACCMODE) == O_RDWR ?
			     XSAN_OPEN_RDWR : XSAN_OPEN_WRONLY;
		list_add_tail(&xf->list, &xi->open_files);
		file->private_data = xf;
	}
	spin_unlock(&xi->open_lock);
	if (file->private_data)
		return 0;
	xsan_fill_cred(&req.cred);
	req.fid = XSAN_I(inode)->fid;
	switch (file->f_flags & O_ACCMODE) {
	case O_WRONLY:
		req.layout.flags = XSAN_OPEN_WRONLY;
		break;
	case O_RDWR:
		req.layout.flags = XSAN_OPEN_RDWR;
		break;
	default:		/* O_RDONLY, and 3 (ioctl-only) */
		req.layout.flags = XSAN_OPEN_RDONLY;
		/* execve(): execute permission suffices, as locally */
		if (file->f_mode & FMODE_EXEC)
			req.layout.flags |= XSAN_OPEN_EXEC;
		break;
	}
	/*
	 * The open of the creat(2) that made the file gets the access it
	 * asked for whatever the new mode says (open(O_CREAT | O_RDWR, 0)),
	 * as the VFS grants it locally (no may_open() for FMODE_CREATED):
	 * vouch for it.
	 */
	if (file->f_mode & FMODE_CREATED)
		req.cred.caps |= XSAN_CAP_DAC_OVERRIDE;
	if (!xsan_tok_valid(inode, XSAN_TOK_ATTR_RD))
		req.tok.types = XSAN_TOK_ATTR_RD;
	resets = atomic_read(&sbi->tok_resets);
	err = xsan_msgr_call(sbi->msgr, &req, &rep, &buf);
	if (err)
		goto out;
	err = xsan_refresh_from_rep(inode, &rep, 0, buf->seq);
	if (!err && rep.tok.granted &&
	    atomic_read(&sbi->tok_resets) == resets)
		xsan_tok_grant(inode, rep.tok.granted, buf);
	if (!err) {
		xf->handle = rep.layout.handle;
		xf->oflags = req.layout.flags;
		spin_lock(&xi->open_lock);
		list_add_tail(&xf->list, &xi->open_files);
		spin_unlock(&xi->open_lock);
		file->private_data = xf;
		xf = NULL;
	}
	/*
	 * An -EIO here (bad attributes) leaves an open handle at the MDC;
	 * it goes with the session.
	 */
	xsan_msg_buf_free(buf);
out:
	kfree(xf);
	return err;
}

/*
 * close(2) of a descriptor open for writing: what was written through it
 * reaches the LUNs and the MDC now (as NFS does at close), and a write
 * error this open file has not reported yet (errseq) is close's error.
 * Like NFS, close does not mark it reported: fsync still returns it once
 * (a close of a dup'd descriptor must not hide it from the others).
 */
static int xsan_file_flush(struct file *file, fl_owner_t id)
{
	struct inode *inode = file_inode(file);
	int err;

	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	err = xsan_data_write_back(inode);
	/* as NFS: reported, not consumed (a dup's close leaves it to fsync) */
	return filemap_check_wb_err(file->f_mapping, file->f_wb_err) ?: err;
}

/*
 * CLOSE, not waited for: release cannot fail, and the MDC answers in
 * order on this connection, so a request we send after it sees the file
 * closed. A handle the send could not deliver goes with the session.
 */
/* Is one of @xi's open files open for writing? Caller holds open_lock. */
static bool xsan_open_writers(struct xsan_inode_info *xi)
{
	struct xsan_file *f;

	lockdep_assert_held(&xi->open_lock);
	list_for_each_entry(f, &xi->open_files, list)
		if ((f->oflags & XSAN_OPEN_ACCMODE) != XSAN_OPEN_RDONLY)
			return true;
	return false;
}

static int xsan_file_release(struct inode *inode, struct file *file)
{
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct xsan_req req = { .op = XSAN_OP_CLOSE };
	struct xsan_file *xf = file->private_data;
	bool last_writer;
	int err;

	if (!xf)
		return 0;
	/* commits need the grants CLOSE may end (its error stays for fsync) */
	if (file->f_mode & FMODE_WRITE)
		xsan_data_flush(inode);
	/*
	 * The layout goes first: a last CLOSE frees the blocks granted and
	 * not committed, and a write that still found them cached here
	 * could land in blocks another file has been given since.
	 */
	xsan_data_closed(inode);
	xsan_fill_cred(&req.cred);
	req.fid = XSAN_I(inode)->fid;
	spin_lock(&XSAN_I(inode)->open_lock);
	list_del(&xf->list);
	req.layout.handle = xf->handle;
	last_writer = (file->f_mode & FMODE_WRITE) &&
		      !xsan_open_writers(XSAN_I(inode));
	spin_unlock(&XSAN_I(inode)->open_lock);
	err = xsan_msgr_send(sbi->msgr, &req);
	/* the MDC frees what it allocated ahead for us: st_blocks changes */
	if (last_writer)
		set_bit(XSAN_BLOCKS_STALE, &XSAN_I(inode)->data_flags);
	if (err)
		pr_warn_ratelimited("volume %s: could not close inode %llu (error %d)\n",
				    sbi->volume, req.fid.ino, err);
	file->private_data = NULL;
	kfree(xf);
	return 0;
}

/* The next open file of @xi not opened again in round @round, or NULL. */
static struct xsan_file *xsan_file_next_reopen(struct xsan_inode_info *xi,
					       u32 round, u32 *oflags)
{
	struct xsan_file *xf;

	spin_lock(&xi->open_lock);
	list_for_each_entry(xf, &xi->open_files, list) {
		if (xf->reopened != round) {
			xf->reopened = round;
			*oflags = xf->oflags;
			spin_unlock(&xi->open_lock);
			return xf;
		}
	}
	spin_unlock(&xi->open_lock);
	return NULL;
}

/**
 * xsan_file_reopen_all() - OPEN every open file of @inode again
 * @inode: a regular file
 *
 * After an MDC restart the MDC forgot our handles (Documentation/
 * tokens.rst, "Reconnect and reclaim"): while none is open there, it
 * could free the file once its last name goes. Each open file gets a new
 * handle with the mode it was opened with; a file released meanwhile
 * gives its new handle back at once. An OPEN that fails leaves the old
 * handle (its CLOSE then fails at the MDC, harmlessly) and says so.
 *
 * Context: process context, may sleep; the mount's reclaim.
 */
void xsan_file_reopen_all(struct inode *inode)
{
	static atomic_t rounds = ATOMIC_INIT(0);
	struct xsan_inode_info *xi = XSAN_I(inode);
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	u32 round = atomic_inc_return(&rounds), oflags;
	struct xsan_file *xf, *cur;
	struct xsan_msg_buf *buf;
	struct xsan_req *req;
	struct xsan_rep *rep;
	bool found;
	int err;

	/* off the stack: a request and its reply are large (KASAN: more) */
	req = kmalloc(sizeof(*req), GFP_NOFS);
	rep = kmalloc(sizeof(*rep), GFP_NOFS);
	if (!req || !rep) {
		pr_warn("volume %s: inode %llu: no memory to open it again after the metadata controller restarted\n",
			sbi->volume, xi->fid.ino);
		goto out;
	}
	while ((xf = xsan_file_next_reopen(xi, round, &oflags))) {
		/* by fid, with the worker's (root's) credentials; a file
		 * with no name left can only be opened again as a reclaim
		 */
		memset(req, 0, sizeof(*req));
		req->op = XSAN_OP_OPEN;
		xsan_fill_cred(&req->cred);
		req->fid = xi->fid;
		req->layout.flags = oflags;
		if (!inode->i_nlink)
			req->layout.flags |= XSAN_OPEN_RECLAIM;
		buf = NULL;
		err = xsan_msgr_call(sbi->msgr, req, rep, &buf);
		/* unlinked elsewhere (our nlink may be old): as a reclaim */
		if (err == -ESTALE && !(req->layout.flags & XSAN_OPEN_RECLAIM)) {
			req->layout.flags |= XSAN_OPEN_RECLAIM;
			err = xsan_msgr_call(sbi->msgr, req, rep, &buf);
		}
		if (err) {
			pr_warn("volume %s: inode %llu: could not open it again after the metadata controller restarted (error %d)\n",
				sbi->volume, xi->fid.ino, err);
			continue;
		}
		found = false;
		spin_lock(&xi->open_lock);
		list_for_each_entry(cur, &xi->open_files, list) {
			/* (a new file at the same address has round 0) */
			if (cur == xf && cur->reopened == round) {
				cur->handle = rep->layout.handle;
				found = true;
				break;
			}
		}
		spin_unlock(&xi->open_lock);
		if (!found) {
			memset(req, 0, sizeof(*req));
			req->op = XSAN_OP_CLOSE;
			req->fid = xi->fid;
			req->layout.handle = rep->layout.handle;
			xsan_msgr_send(sbi->msgr, req);
		}
		xsan_msg_buf_free(buf);
	}
out:
	kfree(rep);
	kfree(req);
}

/*
 * FS_IOC_GETVERSION: the file's generation (the MDC gives a freed inode
 * number out again with the next one, so inode number and generation
 * name a file for good: lsattr -v, the fuzzer's checker)
 */
static long xsan_file_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	switch (cmd) {
	case FS_IOC_GETVERSION:
		return put_user(file_inode(file)->i_generation,
				(int __user *)arg);
	default:
		return -ENOTTY;
	}
}

#ifdef CONFIG_COMPAT
static long xsan_file_compat_ioctl(struct file *file, unsigned int cmd,
				   unsigned long arg)
{
	if (cmd == FS_IOC32_GETVERSION)
		cmd = FS_IOC_GETVERSION;
	return xsan_file_ioctl(file, cmd, (unsigned long)compat_ptr(arg));
}
#endif

const struct file_operations xsan_file_fops = {
	.unlocked_ioctl	= xsan_file_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl	= xsan_file_compat_ioctl,
#endif
	.llseek		= xsan_data_llseek,
	.read_iter	= xsan_data_read_iter,
	.write_iter	= xsan_data_write_iter,
	.mmap		= xsan_data_mmap,
	.open		= xsan_file_open,
	.flush		= xsan_file_flush,
	.release	= xsan_file_release,
	.fsync		= xsan_data_fsync,
	.splice_read	= generic_file_splice_read,
	.splice_write	= iter_file_splice_write,
	.fallocate	= xsan_data_fallocate,
	.lock		= xsan_lock,
	.flock		= xsan_flock,
};

const struct inode_operations xsan_file_iops = {
	.getattr	= xsan_getattr,
	.setattr	= xsan_data_setattr,
	.fiemap		= xsan_data_fiemap,
	.permission	= xsan_permission,
	.get_acl	= xsan_get_acl,
	.set_acl	= xsan_set_acl,
	.fileattr_get	= xsan_fileattr_get,
	.fileattr_set	= xsan_fileattr_set,
	.listxattr	= xsan_listxattr,
};
