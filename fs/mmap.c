// SPDX-License-Identifier: GPL-2.0
/*
 * mmap of regular files: faults read the page cache under DATA_RD,
 * page_mkwrite dirties it under DATA_RD|DATA_WR, both behind fault_sem
 * rather than data_sem (read(2) into a mapping of the same file faults
 * while data_sem is held shared). See the head of fs/data.c and
 * Documentation/tokens.rst, "Kernel client: data tokens".
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/iomap.h>
#include <linux/mm.h>
#include <linux/pagemap.h>

#include "fs/xsan.h"
#include "fs/data.h"

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
