// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfs inodes: the inode cache and super_operations, turning the MDC's
 * attributes (struct xsan_attr) into VFS inodes and keeping them fresh from
 * every reply, getattr/setattr/permission on top of the token cache
 * (fs/token.c: attributes are trusted only while ATTR_RD is held), and the
 * credentials every request carries.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/fileattr.h>
#include <linux/namei.h>
#include <linux/pagemap.h>
#include <linux/posix_acl.h>
#include <linux/slab.h>
#include <linux/uidgid.h>
#include <linux/xattr.h>

#include "fs/xsan.h"

static struct kmem_cache *xsan_inode_cachep;

static struct inode *xsan_alloc_inode(struct super_block *sb)
{
	struct xsan_inode_info *xi;

	xi = alloc_inode_sb(sb, xsan_inode_cachep, GFP_KERNEL);
	if (!xi)
		return NULL;
	xi->fid.ino = 0;
	xi->fid.gen = 0;
	xsan_tok_init_inode(xi);
	xsan_layout_init(&xi->layout);
	xsan_data_init_inode(xi);
	spin_lock_init(&xi->open_lock);
	INIT_LIST_HEAD(&xi->open_files);
	xi->tmp_handle = 0;
	/* a new inode has nothing cached: it starts in the session in force */
	if (XSAN_SB(sb) && XSAN_SB(sb)->msgr) {
		xi->tok_sgen = xsan_msgr_sgen(XSAN_SB(sb)->msgr);
		xi->data_sgen = xi->tok_sgen;
	}
	return &xi->vfs_inode;
}

static void xsan_free_inode(struct inode *inode)
{
	kmem_cache_free(xsan_inode_cachep, XSAN_I(inode));
}

static void xsan_evict_inode(struct inode *inode)
{
	xsan_data_evict_begin(inode);
	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
	xsan_tok_release_inode(inode);
	xsan_data_evict(inode);
}

const struct super_operations xsan_super_ops = {
	.alloc_inode	= xsan_alloc_inode,
	.free_inode	= xsan_free_inode,
	.evict_inode	= xsan_evict_inode,
	.drop_inode	= generic_delete_inode,
	.statfs		= xsan_statfs,
	.show_options	= xsan_show_options,
	.umount_begin	= xsan_umount_begin,
};

static void xsan_inode_init_once(void *p)
{
	struct xsan_inode_info *xi = p;

	inode_init_once(&xi->vfs_inode);
}

/**
 * xsan_init_inodecache() - create the slab cache of xsanfs inodes
 *
 * Context: module init, process context.
 * Return: 0 or -ENOMEM.
 */
int xsan_init_inodecache(void)
{
	xsan_inode_cachep = kmem_cache_create("xsan_inode_cache",
					      sizeof(struct xsan_inode_info), 0,
					      SLAB_RECLAIM_ACCOUNT | SLAB_MEM_SPREAD |
					      SLAB_ACCOUNT,
					      xsan_inode_init_once);
	return xsan_inode_cachep ? 0 : -ENOMEM;
}

/**
 * xsan_destroy_inodecache() - destroy the slab cache of xsanfs inodes
 *
 * Context: module exit, after unregister_filesystem(); process context.
 */
void xsan_destroy_inodecache(void)
{
	/* free_inode runs after an RCU grace period: wait for the last ones */
	rcu_barrier();
	kmem_cache_destroy(xsan_inode_cachep);
}

/**
 * xsan_mode_ok() - is @mode one of the seven types the protocol allows,
 * with permission bits only below them?
 * @mode: a mode from the MDC
 *
 * Context: any context.
 * Return: true if valid.
 */
bool xsan_mode_ok(u32 mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return (mode & ~(u32)(S_IFMT | 07777)) == 0;
	default:
		return false;
	}
}

static void xsan_time_to_ts(const struct xsan_time *t, struct timespec64 *ts)
{
	ts->tv_sec = t->sec;
	ts->tv_nsec = t->nsec < NSEC_PER_SEC ? t->nsec : 0;
}

/*
 * Copy @a into the VFS fields of @inode. Type and fid are checked by the
 * callers. Caller holds tok_lock (orders concurrent refreshes by seq).
 */
static void __xsan_copy_attr(struct inode *inode, const struct xsan_attr *a)
{
	lockdep_assert_held(&XSAN_I(inode)->tok_lock);

	inode->i_mode = a->mode;
	/* chattr +i / +a: the VFS enforces them here (the MDC for all) */
	inode_set_flags(inode,
			((a->flags & XSAN_AF_IMMUTABLE) ? S_IMMUTABLE : 0) |
			((a->flags & XSAN_AF_APPEND) ? S_APPEND : 0),
			S_IMMUTABLE | S_APPEND);
	/* ACLs cached under other flags may be gone or new (fs/acl.c) */
	if (a->flags != XSAN_I(inode)->acl_flags) {
		XSAN_I(inode)->acl_flags = a->flags;
		forget_all_cached_acls(inode);
	}
	set_nlink(inode, a->nlink);
	inode->i_uid = make_kuid(&init_user_ns, a->uid);
	inode->i_gid = make_kgid(&init_user_ns, a->gid);
	/*
	 * Under DATA_WR the MDC's size lags ours until the next LAYOUT_COMMIT
	 * (fs/data.c): shrinking it would make writeback skip dirty pages.
	 * So it does under ATTR_WR, or while O_DIRECT writes owe a commit
	 * (ATTR_WR already given back, their commit not answered yet).
	 */
	if (!S_ISREG(inode->i_mode) ||
	    (!XSAN_I(inode)->trunc_busy &&
	     ((!(XSAN_I(inode)->tok_held & (XSAN_TOK_DATA_WR | XSAN_TOK_ATTR_WR)) &&
	       !READ_ONCE(XSAN_I(inode)->dio_dirty)) ||
	      a->size > i_size_read(inode))))
		i_size_write(inode, a->size);
	inode->i_blocks = a->blocks;
	xsan_time_to_ts(&a->atime, &inode->i_atime);
	xsan_time_to_ts(&a->mtime, &inode->i_mtime);
	xsan_time_to_ts(&a->ctime, &inode->i_ctime);
	if (S_ISCHR(a->mode) || S_ISBLK(a->mode))
		inode->i_rdev = MKDEV(a->rdev_major, a->rdev_minor);
}

/**
 * xsan_refresh_inode() - bring @inode up to date from attributes in a reply
 * @inode: the inode the reply is about
 * @a: its attributes as the MDC sent them
 * @seq: the reply's receive sequence number (xsan_msg_buf.seq)
 *
 * A reply read before the one the inode was last refreshed from is older
 * news and is ignored. Attributes that name another inode, or a type that
 * is not the inode's, are bad input from the MDC.
 *
 * Context: any context that may take a spinlock.
 * Return: 0, or -EIO (logged, rate-limited) for bad attributes.
 */
int xsan_refresh_inode(struct inode *inode, const struct xsan_attr *a, u64 seq)
{
	struct xsan_inode_info *xi = XSAN_I(inode);

	if (a->ino != xi->fid.ino || a->gen != xi->fid.gen ||
	    !xsan_mode_ok(a->mode) ||
	    (a->mode & S_IFMT) != (inode->i_mode & S_IFMT)) {
		pr_err_ratelimited("volume %s: MDC sent attributes of %llu:%u mode %o for inode %llu:%u mode %o\n",
				   XSAN_SB(inode->i_sb)->volume, a->ino, a->gen,
				   a->mode, xi->fid.ino, xi->fid.gen,
				   inode->i_mode);
		return -EIO;
	}
	spin_lock(&xi->tok_lock);
	if (seq >= xi->attr_seq) {
		blkcnt_t blocks = inode->i_blocks;

		xi->attr_seq = seq;
		__xsan_copy_attr(inode, a);
		/* a later layout reply brought newer blocks: keep them */
		if (seq < xi->blocks_seq)
			inode->i_blocks = blocks;
		else
			xi->blocks_seq = seq;
	}
	spin_unlock(&xi->tok_lock);
	return 0;
}

/**
 * xsan_refresh_blocks() - st_blocks from a LAYOUT_GET or LAYOUT_COMMIT reply
 * @inode: the inode of the request
 * @rep: its reply (attribute 0 is the inode's after the request)
 * @seq: the reply's receive sequence number
 *
 * A writer holding ATTR_WR keeps its own size and mtime, but the blocks
 * the MDC allocated for it (ahead of a streaming writer too) are the
 * MDC's to count: with them, st_blocks here is what every other host's
 * GETATTR answers. Nothing else of the attribute is taken.
 *
 * Context: any context that may take a spinlock.
 */
void xsan_refresh_blocks(struct inode *inode, const struct xsan_rep *rep,
			 u64 seq)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	const struct xsan_attr *a = &rep->attr[0];

	if (!rep->nattr || a->ino != xi->fid.ino || a->gen != xi->fid.gen)
		return;
	spin_lock(&xi->tok_lock);
	if (seq >= xi->blocks_seq) {
		xi->blocks_seq = seq;
		inode->i_blocks = a->blocks;
	}
	spin_unlock(&xi->tok_lock);
}

/**
 * xsan_refresh_from_rep() - refresh @inode from attribute @i of a reply
 * @inode: the inode the protocol says attribute @i is about
 * @rep: the decoded reply
 * @i: index into @rep->attr
 * @seq: the reply's receive sequence number
 *
 * Context: process context.
 * Return: 0, or -EIO if the reply does not carry attribute @i or it does
 * not match @inode.
 */
int xsan_refresh_from_rep(struct inode *inode, const struct xsan_rep *rep,
			  u32 i, u64 seq)
{
	if (i >= rep->nattr || i >= XSAN_REP_ATTRS) {
		pr_err_ratelimited("volume %s: MDC reply to %s carries %u attributes, need %u\n",
				   XSAN_SB(inode->i_sb)->volume,
				   xsan_op_name(rep->op), rep->nattr, i + 1);
		return -EIO;
	}
	return xsan_refresh_inode(inode, &rep->attr[i], seq);
}

struct xsan_iget_key {
	u64 ino;
	u32 gen;
};

static int xsan_iget_test(struct inode *inode, void *data)
{
	const struct xsan_iget_key *k = data;
	struct xsan_inode_info *xi = XSAN_I(inode);

	return xi->fid.ino == k->ino && xi->fid.gen == k->gen;
}

static int xsan_iget_set(struct inode *inode, void *data)
{
	const struct xsan_iget_key *k = data;
	struct xsan_inode_info *xi = XSAN_I(inode);

	xi->fid.ino = k->ino;
	xi->fid.gen = k->gen;
	inode->i_ino = k->ino;
	/* an inode number comes back with a new generation (FS_IOC_GETVERSION) */
	inode->i_generation = k->gen;
	return 0;
}

static void xsan_set_ops(struct inode *inode, const struct xsan_attr *a)
{
	struct super_block *sb = inode->i_sb;

	inode->i_mode = a->mode;
	switch (a->mode & S_IFMT) {
	case S_IFDIR:
		inode->i_op = &xsan_dir_iops;
		inode->i_fop = &xsan_dir_fops;
		break;
	case S_IFREG:
		inode->i_op = &xsan_file_iops;
		inode->i_fop = &xsan_file_fops;
		inode->i_mapping->a_ops = &xsan_data_aops;
		break;
	case S_IFLNK:
		inode->i_op = &xsan_symlink_iops;
		inode_nohighmem(inode);
		break;
	default:
		inode->i_op = &xsan_special_iops;
		init_special_inode(inode, a->mode,
				   MKDEV(a->rdev_major, a->rdev_minor));
		break;
	}
	/*
	 * fill_super (fs/super.c) reads the root first, before it makes the
	 * root dentry: every dentry of the mount gets our d_revalidate, and
	 * the xattr handlers are known, from here on.
	 */
	if (!sb->s_d_op)
		sb->s_d_op = &xsan_dentry_ops;
	if (!sb->s_xattr)
		sb->s_xattr = xsan_xattr_handlers;
}

/**
 * xsan_iget() - the inode that attributes from the MDC describe
 * @sb: the mount
 * @a: the attributes (a reply's, or the root's)
 * @seq: receive sequence number of the reply they came in
 *
 * Inodes are found by fid (ino and gen), so a reused inode number never
 * gets the old inode's cached state. A cached inode is refreshed from @a.
 *
 * Context: process context, may sleep.
 * Return: the inode with a reference, or ERR_PTR(-EIO) for attributes the
 * MDC should not have sent (inode 0, a bad mode, a type that differs from
 * the cached inode's), or ERR_PTR(-ENOMEM).
 */
struct inode *xsan_iget(struct super_block *sb, const struct xsan_attr *a,
			u64 seq)
{
	struct xsan_iget_key k = { .ino = a->ino, .gen = a->gen };
	struct inode *inode;
	int err;

	if (a->ino == 0 || !xsan_mode_ok(a->mode)) {
		pr_err_ratelimited("volume %s: MDC sent bad attributes (inode %llu:%u mode %o)\n",
				   XSAN_SB(sb)->volume, a->ino, a->gen, a->mode);
		return ERR_PTR(-EIO);
	}
	inode = iget5_locked(sb, (unsigned long)a->ino, xsan_iget_test,
			     xsan_iget_set, &k);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	if (inode->i_state & I_NEW) {
		xsan_set_ops(inode, a);
		err = xsan_refresh_inode(inode, a, seq);
		if (err) {
			iget_failed(inode);
			return ERR_PTR(err);
		}
		unlock_new_inode(inode);
		return inode;
	}
	err = xsan_refresh_inode(inode, a, seq);
	if (err) {
		iput(inode);
		return ERR_PTR(err);
	}
	return inode;
}

/**
 * xsan_fill_cred() - who is asking: the credentials a request carries
 * @cr: filled in
 *
 * The capabilities are those the caller holds in the initial user
 * namespace (xsanfs mounts only there, so capable_wrt_inode_uidgid() would
 * say the same for every inode). They are tested without auditing: the
 * MDC uses a bit only when a check needs it, so a denial here is not one.
 *
 * Context: process context.
 */
void xsan_fill_cred(struct xsan_cred *cr)
{
	static const struct {
		int cap;
		u32 bit;
	} caps[] = {
		{ CAP_CHOWN, XSAN_CAP_CHOWN },
		{ CAP_DAC_OVERRIDE, XSAN_CAP_DAC_OVERRIDE },
		{ CAP_DAC_READ_SEARCH, XSAN_CAP_DAC_READ_SEARCH },
		{ CAP_FOWNER, XSAN_CAP_FOWNER },
		{ CAP_FSETID, XSAN_CAP_FSETID },
		{ CAP_SYS_ADMIN, XSAN_CAP_SYS_ADMIN },
		{ CAP_MKNOD, XSAN_CAP_MKNOD },
		{ CAP_LINUX_IMMUTABLE, XSAN_CAP_LINUX_IMMUTABLE },
	};
	const struct cred *cred = current_cred();
	const struct group_info *gi = cred->group_info;
	unsigned int i, n = 0;

	memset(cr, 0, sizeof(*cr));
	cr->uid = from_kuid_munged(&init_user_ns, cred->fsuid);
	cr->gid = from_kgid_munged(&init_user_ns, cred->fsgid);
	for (i = 0; i < ARRAY_SIZE(caps); i++)
		if (ns_capable_noaudit(&init_user_ns, caps[i].cap))
			cr->caps |= caps[i].bit;
	/* beyond XSAN_NGROUPS_MAX the MDC does not see the extra groups */
	for (i = 0; gi && i < gi->ngroups && n < XSAN_NGROUPS_MAX; i++)
		cr->groups[n++] = from_kgid_munged(&init_user_ns, gi->gid[i]);
	cr->ngroups = n;
}

/*
 * The MDC no longer has @inode (its last name went on another client and
 * no session of ours held it open at the MDC, or the MDC freed it): what
 * we still reach it by (an open file) sees it with no links and its last
 * attributes, as POSIX has it for an unlinked open file. The fid is never
 * reused (gen), so nothing brings it back.
 */
static void xsan_inode_gone(struct inode *inode)
{
	struct xsan_inode_info *xi = XSAN_I(inode);

	spin_lock(&xi->tok_lock);
	clear_nlink(inode);
	spin_unlock(&xi->tok_lock);
}

/**
 * xsan_fileattr_get() - FS_IOC_GETFLAGS, FS_IOC_FSGETXATTR (lsattr)
 * @dentry: the inode's dentry
 * @fa: filled in: the immutable and append-only flags, the only ones
 *
 * Context: process context, may sleep (fetches ATTR_RD if not held).
 * Return: 0 or -errno.
 */
int xsan_fileattr_get(struct dentry *dentry, struct fileattr *fa)
{
	struct inode *inode = d_inode(dentry);
	u32 flags = 0;
	int err;

	if (!xsan_tok_valid(inode, XSAN_TOK_ATTR_RD)) {
		err = xsan_tok_get(inode, XSAN_TOK_ATTR_RD);
		if (err)
			return err;
	}
	if (IS_IMMUTABLE(inode))
		flags |= FS_IMMUTABLE_FL;
	if (IS_APPEND(inode))
		flags |= FS_APPEND_FL;
	fileattr_fill_flags(fa, flags);
	return 0;
}

/**
 * xsan_fileattr_set() - FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR (chattr)
 * @mnt_userns: the mount's idmapping
 * @dentry: the inode's dentry
 * @fa: the flags wanted (the VFS checked ownership and
 *      CAP_LINUX_IMMUTABLE; the MDC checks again)
 *
 * Only immutable (+i) and append-only (+a) exist; the MDC keeps them and
 * enforces them for every client (SETATTR with XSAN_SA_IFLAGS, which
 * takes every other client's tokens back first).
 *
 * Context: process context, caller holds i_rwsem of the inode.
 * Return: 0, -EOPNOTSUPP for any other flag, or -errno.
 */
int xsan_fileattr_set(struct user_namespace *mnt_userns, struct dentry *dentry,
		      struct fileattr *fa)
{
	struct inode *inode = d_inode(dentry);
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct xsan_req req = { .op = XSAN_OP_SETATTR };
	struct xsan_msg_buf *buf;
	struct xsan_rep rep;
	int err;

	if (fileattr_has_fsx(fa) ||
	    (fa->flags & ~(FS_IMMUTABLE_FL | FS_APPEND_FL)))
		return -EOPNOTSUPP;
	if (sbi->opts.ro)
		return -EROFS;
	xsan_fill_cred(&req.cred);
	req.fid = XSAN_I(inode)->fid;
	req.sattr.valid = XSAN_SA_IFLAGS;
	if (fa->flags & FS_IMMUTABLE_FL)
		req.sattr.iflags |= XSAN_AF_IMMUTABLE;
	if (fa->flags & FS_APPEND_FL)
		req.sattr.iflags |= XSAN_AF_APPEND;
	err = xsan_msgr_call(sbi->msgr, &req, &rep, &buf);
	if (err)
		return err;
	err = xsan_refresh_from_rep(inode, &rep, 0, buf->seq);
	xsan_msg_buf_free(buf);
	return err;
}

/* GETATTR, for st_blocks only (the rest stays as the tokens keep it) */
static int xsan_getattr_blocks(struct inode *inode)
{
	struct xsan_req req = { .op = XSAN_OP_GETATTR };
	struct xsan_msg_buf *buf;
	struct xsan_rep rep;
	int err;

	xsan_fill_cred(&req.cred);
	req.fid = XSAN_I(inode)->fid;
	err = xsan_msgr_call(XSAN_SB(inode->i_sb)->msgr, &req, &rep, &buf);
	if (err)
		return err;
	xsan_refresh_blocks(inode, &rep, buf->seq);
	xsan_msg_buf_free(buf);
	return 0;
}

/**
 * xsan_getattr() - stat(2): from the cache while ATTR_RD is held
 * @mnt_userns: the mount's idmapping
 * @path: what to stat
 * @stat: filled in
 * @request_mask: STATX_* wanted
 * @flags: AT_STATX_* sync flags
 *
 * AT_STATX_DONT_SYNC answers from the cache even without the token;
 * otherwise a missing ATTR_RD is fetched (TOKEN_GET brings the
 * attributes with it). A regular file (or other non-directory) the MDC
 * no longer knows (-ESTALE: unlinked elsewhere while we had no handle on
 * it at the MDC) answers from the cache with no links.
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno.
 */
int xsan_getattr(struct user_namespace *mnt_userns, const struct path *path,
		 struct kstat *stat, u32 request_mask, unsigned int flags)
{
	struct inode *inode = d_inode(path->dentry);
	int err;

	if ((flags & AT_STATX_SYNC_TYPE) != AT_STATX_DONT_SYNC &&
	    !xsan_tok_valid(inode, XSAN_TOK_ATTR_RD)) {
		err = xsan_tok_get(inode, XSAN_TOK_ATTR_RD);
		if (err == -ESTALE && !S_ISDIR(inode->i_mode))
			xsan_inode_gone(inode);
		else if (err)
			return err;
	}
	/* our last writer closed: the blocks allocated ahead went (fs/file.c) */
	if ((flags & AT_STATX_SYNC_TYPE) != AT_STATX_DONT_SYNC &&
	    test_and_clear_bit(XSAN_BLOCKS_STALE, &XSAN_I(inode)->data_flags)) {
		err = xsan_getattr_blocks(inode);
		if (err) {
			set_bit(XSAN_BLOCKS_STALE, &XSAN_I(inode)->data_flags);
			return err;
		}
	}
	generic_fillattr(mnt_userns, inode, stat);
	stat->blksize = XSAN_SB(inode->i_sb)->bsize ?: PAGE_SIZE;
	return 0;
}

static void xsan_ts_to_time(const struct timespec64 *ts, struct xsan_time *t)
{
	t->sec = ts->tv_sec;
	t->nsec = ts->tv_nsec;
}

/**
 * xsan_setattr() - chmod, chown, utimes and truncate through SETATTR
 * @mnt_userns: the mount's idmapping
 * @dentry: the inode's dentry
 * @iattr: the change
 *
 * Checked here against fresh attributes (setattr_prepare()) and again by
 * the MDC. The MDC does not revoke our own ATTR_RD for our own change, so
 * the reply's attributes replace the cached ones.
 *
 * Context: process context, caller holds i_rwsem of the inode.
 * Return: 0 or -errno.
 */
int xsan_setattr(struct user_namespace *mnt_userns, struct dentry *dentry,
		 struct iattr *iattr)
{
	return __xsan_setattr(mnt_userns, dentry, iattr, true);
}

/*
 * __xsan_setattr() - xsan_setattr(); with @get_token false the caller took
 * ATTR_RD itself, before a lock a give-back needs (a TOKEN_GET under it
 * could wait for our own give-back: fs/trunc.c), and the attributes are
 * checked as cached if the token went meanwhile (the MDC checks again).
 */
int __xsan_setattr(struct user_namespace *mnt_userns, struct dentry *dentry,
		   struct iattr *iattr, bool get_token)
{
	struct inode *inode = d_inode(dentry);
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct xsan_req req = { .op = XSAN_OP_SETATTR };
	struct xsan_sattr *sa = &req.sattr;
	struct xsan_msg_buf *buf = NULL;
	struct xsan_rep rep;
	int err;

	if (sbi->opts.ro)
		return -EROFS;
	if (get_token && !xsan_tok_valid(inode, XSAN_TOK_ATTR_RD)) {
		err = xsan_tok_get(inode, XSAN_TOK_ATTR_RD);
		if (err)
			return err;
	}
	err = setattr_prepare(mnt_userns, dentry, iattr);
	if (err)
		return err;

	if (iattr->ia_valid & ATTR_MODE) {
		sa->valid |= XSAN_SA_MODE;
		sa->mode = iattr->ia_mode & 07777;
	}
	if (iattr->ia_valid & ATTR_UID) {
		sa->valid |= XSAN_SA_UID;
		sa->uid = from_kuid(&init_user_ns, iattr->ia_uid);
	}
	if (iattr->ia_valid & ATTR_GID) {
		sa->valid |= XSAN_SA_GID;
		sa->gid = from_kgid(&init_user_ns, iattr->ia_gid);
	}
	if (iattr->ia_valid & ATTR_SIZE) {
		if (!S_ISREG(inode->i_mode))
			return -EINVAL;
		sa->valid |= XSAN_SA_SIZE;
		sa->size = iattr->ia_size;
	}
	if (iattr->ia_valid & ATTR_ATIME) {
		if (iattr->ia_valid & ATTR_ATIME_SET) {
			sa->valid |= XSAN_SA_ATIME;
			xsan_ts_to_time(&iattr->ia_atime, &sa->atime);
		} else {
			sa->valid |= XSAN_SA_ATIME_NOW;
		}
	}
	if (iattr->ia_valid & ATTR_MTIME) {
		if (iattr->ia_valid & ATTR_MTIME_SET) {
			sa->valid |= XSAN_SA_MTIME;
			xsan_ts_to_time(&iattr->ia_mtime, &sa->mtime);
		} else {
			sa->valid |= XSAN_SA_MTIME_NOW;
		}
	}
	/* ctime alone (and the ATTR_KILL_* bits) is the MDC's to set */
	if (!sa->valid)
		return 0;

	xsan_fill_cred(&req.cred);
	/*
	 * A write by someone who is not the owner clears setuid/setgid
	 * (file_remove_privs(): ATTR_FORCE | ATTR_KILL_*, the VFS's own
	 * decision, no permission check on a local file system). The MDC
	 * checks a mode change against the caller: vouch for this one, and
	 * only when it clears those bits and changes nothing else.
	 */
	if ((iattr->ia_valid & ATTR_FORCE) &&
	    (iattr->ia_valid & (ATTR_KILL_SUID | ATTR_KILL_SGID)) &&
	    sa->valid == XSAN_SA_MODE &&
	    (sa->mode & ~(u32)(S_ISUID | S_ISGID)) ==
	    (inode->i_mode & 07777 & ~(u32)(S_ISUID | S_ISGID)))
		req.cred.caps |= XSAN_CAP_FOWNER;
	/*
	 * ftruncate(2) of a descriptor open for writing: POSIX checks the
	 * open, not the mode now (a file created with mode 0, or chmod'ed
	 * since), as the VFS does for a local file system. Vouch for the
	 * write permission of that change only (the MDC checks owner-only
	 * changes as usual).
	 */
	if ((iattr->ia_valid & ATTR_FILE) && iattr->ia_file &&
	    (iattr->ia_file->f_mode & FMODE_WRITE) &&
	    (sa->valid & XSAN_SA_SIZE) &&
	    !(sa->valid & ~(XSAN_SA_SIZE | XSAN_SA_MTIME_NOW |
			    XSAN_SA_ATIME_NOW)))
		req.cred.caps |= XSAN_CAP_DAC_OVERRIDE;
	req.fid = XSAN_I(inode)->fid;
	err = xsan_msgr_call(sbi->msgr, &req, &rep, &buf);
	if (err)
		return err;
	err = xsan_refresh_from_rep(inode, &rep, 0, buf->seq);
	xsan_msg_buf_free(buf);
	if (err)
		return err;
	if (iattr->ia_valid & ATTR_SIZE)
		truncate_pagecache(inode, i_size_read(inode));
	/* the MDC changed the access ACL's mask with the mode */
	if (iattr->ia_valid & ATTR_MODE)
		forget_cached_acl(inode, ACL_TYPE_ACCESS);
	return 0;
}

/**
 * xsan_permission() - access checks on attributes ATTR_RD vouches for
 * @mnt_userns: the mount's idmapping
 * @inode: the inode
 * @mask: MAY_* wanted (MAY_NOT_BLOCK: RCU path walk)
 *
 * Context: process context; under RCU with MAY_NOT_BLOCK.
 * Return: 0, -EACCES, -ECHILD (RCU walk and the token is not held), or
 * another -errno from fetching the attributes.
 */
int xsan_permission(struct user_namespace *mnt_userns, struct inode *inode,
		    int mask)
{
	int err;

	if (!xsan_tok_valid(inode, XSAN_TOK_ATTR_RD)) {
		if (mask & MAY_NOT_BLOCK)
			return -ECHILD;
		/*
		 * A directory searched is about to be looked up in: one
		 * TOKEN_GET brings the DIR token lookup wants too.
		 */
		err = xsan_tok_get(inode, S_ISDIR(inode->i_mode) ?
				   XSAN_TOK_ATTR_RD | XSAN_TOK_DIR :
				   XSAN_TOK_ATTR_RD);
		if (err)
			return err;
	}
	return generic_permission(mnt_userns, inode, mask);
}
