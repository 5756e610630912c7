// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfs regular files, namespace side only. The data path (iomap over the
 * LUNs, LAYOUT_GET/COMMIT) is a later issue: until then open and release
 * succeed so that files can be created, stat'ed, renamed, truncated to any
 * size through SETATTR and removed, but read and write fail with
 * -EOPNOTSUPP (Documentation/admin-guide.rst says so). O_TRUNC works: it
 * is a SETATTR of the size.
 */

#include <linux/fs.h>
#include <linux/pagemap.h>

#include "fs/xsan.h"

static ssize_t xsan_file_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return -EOPNOTSUPP;	/* no data path yet */
}

static ssize_t xsan_file_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return -EOPNOTSUPP;	/* no data path yet */
}

static int xsan_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	return -EOPNOTSUPP;	/* no data path yet */
}

const struct file_operations xsan_file_fops = {
	.llseek		= generic_file_llseek,
	.read_iter	= xsan_file_read_iter,
	.write_iter	= xsan_file_write_iter,
	.mmap		= xsan_file_mmap,
	.open		= generic_file_open,
	.fsync		= noop_fsync,
};

const struct inode_operations xsan_file_iops = {
	.getattr	= xsan_getattr,
	.setattr	= xsan_setattr,
	.permission	= xsan_permission,
	.listxattr	= xsan_listxattr,
};

/* No page ever enters the cache without a data path. */
const struct address_space_operations xsan_aops = {
	.dirty_folio	= noop_dirty_folio,
};
