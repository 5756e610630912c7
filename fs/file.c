// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfs regular files: the operation tables. The data path itself (iomap
 * over the LUNs, LAYOUT_GET/COMMIT, data tokens) is fs/data.c; mmap is not
 * there yet and fails with -EOPNOTSUPP.
 */

#include <linux/fs.h>
#include <linux/pagemap.h>

#include "fs/xsan.h"

static int xsan_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	return -EOPNOTSUPP;	/* not yet: page_mkwrite under DATA_WR */
}

const struct file_operations xsan_file_fops = {
	.llseek		= xsan_data_llseek,
	.read_iter	= xsan_data_read_iter,
	.write_iter	= xsan_data_write_iter,
	.mmap		= xsan_file_mmap,
	.open		= generic_file_open,
	.fsync		= xsan_data_fsync,
	.splice_read	= generic_file_splice_read,
	.splice_write	= iter_file_splice_write,
	.fallocate	= xsan_data_fallocate,
};

const struct inode_operations xsan_file_iops = {
	.getattr	= xsan_getattr,
	.setattr	= xsan_data_setattr,
	.fiemap		= xsan_data_fiemap,
	.permission	= xsan_permission,
	.listxattr	= xsan_listxattr,
};
