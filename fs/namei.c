// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfs names: lookup and d_revalidate on top of the DIR token, and the
 * namespace changes (create, mkdir, mknod, symlink, link, unlink, rmdir,
 * rename) and readlink, each one MDC request. The MDC checks permissions
 * again and does not revoke our own tokens for our own changes, so every
 * reply refreshes the inodes it carries (the order is the nattr table of
 * Documentation/protocol.rst, "Namespace replies") and the dcache is
 * updated here as the VFS expects.
 *
 * A dentry keeps in d_time the parent's dir_gen it was made or last
 * checked under, or dir_gen - 1 when the parent's DIR token was not held
 * (never valid without asking).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xattr.h>

#include "fs/xsan.h"

/*
 * Make sure we hold DIR on @dir (failure only costs caching) and return
 * the dir_gen a dentry made from an answer read after this may carry.
 */
static unsigned long xsan_dir_gen_begin(struct inode *dir)
{
	struct xsan_inode_info *xi = XSAN_I(dir);

	if (xsan_tok_get(dir, XSAN_TOK_DIR))
		return (unsigned long)atomic64_read(&xi->dir_gen) - 1;
	return (unsigned long)atomic64_read(&xi->dir_gen);
}

/* A gen to record for a dentry we change ourselves in @dir. */
static unsigned long xsan_dir_gen_now(struct inode *dir)
{
	unsigned long gen = (unsigned long)atomic64_read(&XSAN_I(dir)->dir_gen);

	return xsan_tok_valid(dir, XSAN_TOK_DIR) ? gen : gen - 1;
}

static void xsan_set_gen(struct dentry *dentry, unsigned long gen)
{
	WRITE_ONCE(dentry->d_time, gen);
}

/* Is @dentry valid in @dir without asking the MDC? Safe under RCU. */
static bool xsan_dentry_cached(struct inode *dir, const struct dentry *dentry)
{
	unsigned long gen = (unsigned long)atomic64_read(&XSAN_I(dir)->dir_gen);

	return READ_ONCE(dentry->d_time) == gen &&
	       xsan_tok_valid(dir, XSAN_TOK_DIR);
}

/* Fill the fields every namespace request has. */
static void xsan_ns_req(struct xsan_req *req, u16 op, struct inode *dir,
			const struct qstr *name)
{
	memset(req, 0, sizeof(*req));
	req->op = op;
	xsan_fill_cred(&req->cred);
	req->fid = XSAN_I(dir)->fid;
	if (name) {
		req->name = name->name;
		req->namelen = name->len;
	}
}

static int xsan_call(struct inode *inode, const struct xsan_req *req,
		     struct xsan_rep *rep, struct xsan_msg_buf **bufp)
{
	*bufp = NULL;
	return xsan_msgr_call(XSAN_SB(inode->i_sb)->msgr, req, rep, bufp);
}

/* Does attribute @i of @rep exist? Logs the MDC's mistake if not. */
static int xsan_rep_has(struct super_block *sb, const struct xsan_rep *rep,
			u32 i)
{
	if (rep->nattr > i)
		return 0;
	pr_err_ratelimited("volume %s: MDC reply to %s carries %u attributes, need %u\n",
			   XSAN_SB(sb)->volume, xsan_op_name(rep->op),
			   rep->nattr, i + 1);
	return -EIO;
}

/*
 * The tokens a LOOKUP asks for on the inode it finds ("Tokens with
 * replies" of Documentation/protocol.rst): ATTR_RD always, since the VFS
 * stats or checks permission on what it looked up next; DIR too when the
 * walk needs a directory there (a path component with more to come:
 * LOOKUP_PARENT, or LOOKUP_DIRECTORY), since it is looked up in next.
 * (Should that name a symlink instead, DIR on it is harmless: it
 * conflicts with nothing and goes back with the idle ATTR_RD.)
 */
static u32 xsan_lookup_want(unsigned int flags)
{
	u32 want = XSAN_TOK_ATTR_RD;

	if (flags & (LOOKUP_PARENT | LOOKUP_DIRECTORY))
		want |= XSAN_TOK_DIR;
	return want;
}

/*
 * Record the tokens a LOOKUP reply granted on @inode, which the reply's
 * attr[0] refreshed. A grant read after our session was lost and came
 * back (@resets moved) may be the old session's: it is not recorded.
 * Types the inode cannot use (DIR on a non-directory) are recorded all
 * the same: the MDC holds them for us and takes them back like any other.
 */
static void xsan_lookup_grant(struct inode *inode, const struct xsan_rep *rep,
			      const struct xsan_msg_buf *buf, int resets)
{
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);

	if (!rep->tok.granted)
		return;
	if (atomic_read(&sbi->tok_resets) != resets)
		return;
	xsan_tok_grant(inode, rep->tok.granted, buf);
}

static struct dentry *xsan_lookup(struct inode *dir, struct dentry *dentry,
				  unsigned int flags)
{
	struct xsan_sb_info *sbi = XSAN_SB(dir->i_sb);
	struct xsan_msg_buf *buf;
	struct inode *inode = NULL;
	struct dentry *res;
	struct xsan_req req;
	struct xsan_rep rep;
	unsigned long gen;
	int err, resets;

	if (dentry->d_name.len > XSAN_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	gen = xsan_dir_gen_begin(dir);
	xsan_ns_req(&req, XSAN_OP_LOOKUP, dir, &dentry->d_name);
	req.tok.types = xsan_lookup_want(flags);
	resets = atomic_read(&sbi->tok_resets);
	err = xsan_call(dir, &req, &rep, &buf);
	if (err && err != -ENOENT)
		return ERR_PTR(err);
	if (!err) {
		err = xsan_rep_has(dir->i_sb, &rep, 0);
		if (!err) {
			inode = xsan_iget(dir->i_sb, &rep.attr[0], buf->seq);
			if (!IS_ERR(inode))
				xsan_lookup_grant(inode, &rep, buf,
						  resets);
		}
		xsan_msg_buf_free(buf);
		if (err)
			return ERR_PTR(err);
		if (IS_ERR(inode))
			return ERR_CAST(inode);
	}
	xsan_set_gen(dentry, gen);
	res = d_splice_alias(inode, dentry);
	if (!IS_ERR_OR_NULL(res))
		xsan_set_gen(res, gen);
	return res;
}

/*
 * Ask the MDC whether @dentry still names what it named. Returns 1
 * (valid), 0 (look it up again) or -errno.
 */
static int xsan_revalidate_slow(struct inode *dir, struct dentry *dentry,
				unsigned int flags)
{
	struct inode *inode = d_inode(dentry);
	struct xsan_msg_buf *buf;
	struct xsan_req req;
	struct xsan_rep rep;
	unsigned long gen;
	int err, ret, resets;

	gen = xsan_dir_gen_begin(dir);
	xsan_ns_req(&req, XSAN_OP_LOOKUP, dir, &dentry->d_name);
	/* a positive dentry: its inode's tokens ride on the answer */
	if (inode && !xsan_tok_valid(inode, xsan_lookup_want(flags)))
		req.tok.types = xsan_lookup_want(flags);
	resets = atomic_read(&XSAN_SB(dir->i_sb)->tok_resets);
	err = xsan_call(dir, &req, &rep, &buf);
	if (err == -ENOENT) {
		if (inode)
			return 0;
		xsan_set_gen(dentry, gen);
		return 1;
	}
	if (err == -ESTALE || err == -ENOTDIR)
		return 0;
	if (err)
		return err;
	ret = 0;
	if (inode && !xsan_rep_has(dir->i_sb, &rep, 0) &&
	    rep.attr[0].ino == XSAN_I(inode)->fid.ino &&
	    rep.attr[0].gen == XSAN_I(inode)->fid.gen) {
		/* -EIO (type changed under the same fid): drop the dentry */
		if (!xsan_refresh_inode(inode, &rep.attr[0], buf->seq)) {
			xsan_lookup_grant(inode, &rep, buf, resets);
			xsan_set_gen(dentry, gen);
			ret = 1;
		}
	}
	/*
	 * A grant on another inode (the name now names it) is not recorded:
	 * the MDC takes it back with a REVOKE, which finds nothing cached.
	 */
	xsan_msg_buf_free(buf);
	return ret;
}

static int xsan_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct dentry *parent;
	struct inode *dir;
	int ret;

	/*
	 * LOOKUP_REVAL: the VFS walks again after an ESTALE (an OPEN of a
	 * file another client removed, a CREATE of a name it made): ask the
	 * MDC, whatever the cache says.
	 */
	if (flags & LOOKUP_RCU) {
		parent = READ_ONCE(dentry->d_parent);
		dir = d_inode_rcu(parent);
		if (!dir || (flags & LOOKUP_REVAL))
			return -ECHILD;
		return xsan_dentry_cached(dir, dentry) ? 1 : -ECHILD;
	}
	if (IS_ROOT(dentry))
		return 1;
	parent = dget_parent(dentry);
	dir = d_inode(parent);
	if (!(flags & LOOKUP_REVAL) && xsan_dentry_cached(dir, dentry))
		ret = 1;
	else
		ret = xsan_revalidate_slow(dir, dentry, flags);
	dput(parent);
	return ret;
}

const struct dentry_operations xsan_dentry_ops = {
	.d_revalidate	= xsan_d_revalidate,
};

/*
 * CREATE, MKDIR, MKNOD and SYMLINK answer the new inode, then the parent:
 * instantiate @dentry with the first and refresh @dir from the second.
 */
static int xsan_make(struct inode *dir, struct dentry *dentry,
		     struct xsan_req *req)
{
	struct xsan_msg_buf *buf;
	struct inode *inode;
	struct xsan_rep rep;
	unsigned long gen;
	int err;

	if (XSAN_SB(dir->i_sb)->opts.ro)
		return -EROFS;
	if (dentry->d_name.len > XSAN_NAME_MAX)
		return -ENAMETOOLONG;
	gen = xsan_dir_gen_now(dir);
	err = xsan_call(dir, req, &rep, &buf);
	if (err)
		return err;
	err = xsan_rep_has(dir->i_sb, &rep, 1);
	if (err)
		goto out;
	err = xsan_refresh_inode(dir, &rep.attr[1], buf->seq);
	if (err)
		goto out;
	inode = xsan_iget(dir->i_sb, &rep.attr[0], buf->seq);
	if (IS_ERR(inode)) {
		err = PTR_ERR(inode);
		goto out;
	}
	/*
	 * A new inode has no dentry yet; a directory that has one would get a
	 * second alias (a loop, if it is @dir or above it).
	 */
	if ((inode->i_mode & S_IFMT) != (req->mode & S_IFMT) ||
	    (S_ISDIR(inode->i_mode) && (inode == dir ||
					!hlist_empty(&inode->i_dentry)))) {
		pr_err_ratelimited("volume %s: MDC made inode %llu of mode %o for a %s\n",
				   XSAN_SB(dir->i_sb)->volume,
				   XSAN_I(inode)->fid.ino, inode->i_mode,
				   xsan_op_name(req->op));
		iput(inode);
		err = -EIO;
		goto out;
	}
	xsan_set_gen(dentry, gen);
	d_instantiate(dentry, inode);
out:
	xsan_msg_buf_free(buf);
	return err;
}

/*
 * With SB_POSIXACL the VFS leaves the umask to the filesystem: the MDC
 * applies it, or the directory's default ACL instead (tools/mdc/acl.c).
 */
static u32 xsan_umask_word(void)
{
	return XSAN_UMASK_SET | (current_umask() & XSAN_UMASK_BITS);
}

static int xsan_create(struct user_namespace *mnt_userns, struct inode *dir,
		       struct dentry *dentry, umode_t mode, bool excl)
{
	struct xsan_req req;
	int err;

	xsan_ns_req(&req, XSAN_OP_CREATE, dir, &dentry->d_name);
	req.mode = S_IFREG | (mode & 07777);
	req.umask = xsan_umask_word();
	err = xsan_make(dir, dentry, &req);
	/*
	 * Another client made the name between our lookup (negative) and
	 * the CREATE. Without O_EXCL the open must open that file, with its
	 * own permission check and O_TRUNC, so not as made here: -ESTALE
	 * makes the VFS walk the path once more with LOOKUP_REVAL, and that
	 * lookup asks the MDC and finds it (found by tests/qemu/fuzz.sh:
	 * open(O_CREAT) failed EEXIST).
	 */
	if (err == -EEXIST && !excl) {
		d_drop(dentry);
		err = -ESTALE;
	}
	return err;
}

static int xsan_mkdir(struct user_namespace *mnt_userns, struct inode *dir,
		      struct dentry *dentry, umode_t mode)
{
	struct xsan_req req;

	xsan_ns_req(&req, XSAN_OP_MKDIR, dir, &dentry->d_name);
	req.mode = S_IFDIR | (mode & 07777);
	req.umask = xsan_umask_word();
	return xsan_make(dir, dentry, &req);
}

static int xsan_mknod(struct user_namespace *mnt_userns, struct inode *dir,
		      struct dentry *dentry, umode_t mode, dev_t rdev)
{
	struct xsan_req req;

	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	default:
		return -EINVAL;
	}
	xsan_ns_req(&req, XSAN_OP_MKNOD, dir, &dentry->d_name);
	req.mode = mode & (S_IFMT | 07777);
	req.umask = xsan_umask_word();
	if (S_ISCHR(mode) || S_ISBLK(mode)) {
		req.rdev_major = MAJOR(rdev);
		req.rdev_minor = MINOR(rdev);
	}
	return xsan_make(dir, dentry, &req);
}

static int xsan_symlink(struct user_namespace *mnt_userns, struct inode *dir,
			struct dentry *dentry, const char *target)
{
	size_t len = strlen(target);
	struct xsan_req req;

	if (len == 0)
		return -ENOENT;
	if (len > XSAN_SYMLINK_MAX)
		return -ENAMETOOLONG;
	xsan_ns_req(&req, XSAN_OP_SYMLINK, dir, &dentry->d_name);
	req.mode = S_IFLNK | 0777;
	req.data = target;
	req.datalen = len;
	return xsan_make(dir, dentry, &req);
}

static int xsan_link(struct dentry *old_dentry, struct inode *dir,
		     struct dentry *dentry)
{
	struct inode *inode = d_inode(old_dentry);
	struct xsan_msg_buf *buf;
	struct xsan_req req;
	struct xsan_rep rep;
	unsigned long gen;
	int err;

	if (XSAN_SB(dir->i_sb)->opts.ro)
		return -EROFS;
	if (dentry->d_name.len > XSAN_NAME_MAX)
		return -ENAMETOOLONG;
	xsan_ns_req(&req, XSAN_OP_LINK, inode, &dentry->d_name);
	req.fid2 = XSAN_I(dir)->fid;
	gen = xsan_dir_gen_now(dir);
	err = xsan_call(dir, &req, &rep, &buf);
	if (err)
		return err;
	err = xsan_rep_has(dir->i_sb, &rep, 1);
	if (!err)
		err = xsan_refresh_inode(inode, &rep.attr[0], buf->seq);
	if (!err)
		err = xsan_refresh_inode(dir, &rep.attr[1], buf->seq);
	xsan_msg_buf_free(buf);
	if (err)
		return err;
	ihold(inode);
	xsan_set_gen(dentry, gen);
	d_instantiate(dentry, inode);
	return 0;
}

/* UNLINK and RMDIR answer the parent, then the removed inode. */
static int xsan_remove(struct inode *dir, struct dentry *dentry, u16 op)
{
	struct inode *inode = d_inode(dentry);
	struct xsan_msg_buf *buf;
	struct xsan_req req;
	struct xsan_rep rep;
	unsigned long gen;
	int err;

	if (XSAN_SB(dir->i_sb)->opts.ro)
		return -EROFS;
	xsan_ns_req(&req, op, dir, &dentry->d_name);
	gen = xsan_dir_gen_now(dir);
	err = xsan_call(dir, &req, &rep, &buf);
	if (err)
		return err;
	err = xsan_rep_has(dir->i_sb, &rep, 1);
	if (!err)
		err = xsan_refresh_inode(dir, &rep.attr[0], buf->seq);
	/*
	 * The name we asked for may have named another inode by now (another
	 * client renamed over it): refresh ours only if it is that one.
	 */
	if (!err && rep.attr[1].ino == XSAN_I(inode)->fid.ino &&
	    rep.attr[1].gen == XSAN_I(inode)->fid.gen)
		err = xsan_refresh_inode(inode, &rep.attr[1], buf->seq);
	xsan_msg_buf_free(buf);
	/* the VFS makes the dentry negative: the name is gone, as of gen */
	if (!err)
		xsan_set_gen(dentry, gen);
	return err;
}

static int xsan_unlink(struct inode *dir, struct dentry *dentry)
{
	return xsan_remove(dir, dentry, XSAN_OP_UNLINK);
}

static int xsan_rmdir(struct inode *dir, struct dentry *dentry)
{
	return xsan_remove(dir, dentry, XSAN_OP_RMDIR);
}

static int xsan_rename(struct user_namespace *mnt_userns,
		       struct inode *old_dir, struct dentry *old_dentry,
		       struct inode *new_dir, struct dentry *new_dentry,
		       unsigned int flags)
{
	struct inode *old_inode = d_inode(old_dentry);
	struct inode *new_inode = d_inode(new_dentry);
	unsigned long old_gen, new_gen;
	struct xsan_msg_buf *buf;
	struct xsan_req req;
	struct xsan_rep rep;
	bool moved_ours;
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;		/* RENAME_WHITEOUT: no whiteouts */
	if (XSAN_SB(old_dir->i_sb)->opts.ro)
		return -EROFS;
	if (new_dentry->d_name.len > XSAN_NAME_MAX)
		return -ENAMETOOLONG;
	xsan_ns_req(&req, XSAN_OP_RENAME, old_dir, &old_dentry->d_name);
	req.fid2 = XSAN_I(new_dir)->fid;
	req.name2 = new_dentry->d_name.name;
	req.name2len = new_dentry->d_name.len;
	req.flags = flags & (XSAN_RENAME_NOREPLACE | XSAN_RENAME_EXCHANGE);
	old_gen = xsan_dir_gen_now(old_dir);
	new_gen = xsan_dir_gen_now(new_dir);
	err = xsan_call(old_dir, &req, &rep, &buf);
	if (err)
		return err;
	err = xsan_rep_has(old_dir->i_sb, &rep, 2);
	if (!err)
		err = xsan_refresh_inode(old_dir, &rep.attr[0], buf->seq);
	if (!err)
		err = xsan_refresh_inode(new_dir, &rep.attr[1], buf->seq);
	/*
	 * The names we asked for may have named other inodes by now (another
	 * client renamed over them between our lookup and the RENAME, which
	 * goes by name): refresh ours only if they are the ones the MDC
	 * moved. If not, the MDC moved another file than the dentry says:
	 * the dentries the VFS moves are then not trusted, and the next
	 * lookup of either name asks the MDC (found by tests/qemu/fuzz.sh:
	 * the rename was done and reported as EIO).
	 */
	moved_ours = !err && rep.attr[2].ino == XSAN_I(old_inode)->fid.ino &&
		     rep.attr[2].gen == XSAN_I(old_inode)->fid.gen;
	if (moved_ours)
		err = xsan_refresh_inode(old_inode, &rep.attr[2], buf->seq);
	if (!err && new_inode) {
		if (rep.nattr > 3 && rep.attr[3].ino == XSAN_I(new_inode)->fid.ino &&
		    rep.attr[3].gen == XSAN_I(new_inode)->fid.gen)
			err = xsan_refresh_inode(new_inode, &rep.attr[3], buf->seq);
	}
	xsan_msg_buf_free(buf);
	if (err)
		return err;
	if (!moved_ours) {
		old_gen = xsan_dir_gen_now(old_dir) - 1;
		new_gen = xsan_dir_gen_now(new_dir) - 1;
	}
	/* the VFS moves (or swaps) the dentries after we return */
	xsan_set_gen(old_dentry, new_gen);
	xsan_set_gen(new_dentry, (flags & RENAME_EXCHANGE) ? old_gen : new_gen);
	return 0;
}

/*
 * open(O_TMPFILE): TMPFILE makes the file and opens it in one request (no
 * name ever shows, nothing to free but at the last close); ->open (fs/
 * file.c) adopts the handle it answered. linkat() gives it a name later
 * (LINK of a file with no link: the VFS allows it for I_LINKABLE only).
 */
static int xsan_tmpfile(struct user_namespace *mnt_userns, struct inode *dir,
			struct file *file, umode_t mode)
{
	struct xsan_sb_info *sbi = XSAN_SB(dir->i_sb);
	struct xsan_req req = { .op = XSAN_OP_TMPFILE };
	struct xsan_msg_buf *buf = NULL;
	struct xsan_inode_info *xi;
	struct inode *inode;
	struct xsan_rep rep;
	int err;

	if (sbi->opts.ro)
		return -EROFS;
	xsan_fill_cred(&req.cred);
	req.fid = XSAN_I(dir)->fid;
	req.mode = S_IFREG | (mode & 07777);
	req.umask = xsan_umask_word();
	req.layout.flags = (file->f_flags & O_ACCMODE) == O_RDWR ?
			   XSAN_OPEN_RDWR : XSAN_OPEN_WRONLY;
	err = xsan_msgr_call(sbi->msgr, &req, &rep, &buf);
	if (err)
		return err;
	inode = xsan_iget(dir->i_sb, &rep.attr[0], buf->seq);
	xsan_msg_buf_free(buf);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	xi = XSAN_I(inode);
	if (!S_ISREG(inode->i_mode) || inode->i_nlink ||
	    !hlist_empty(&inode->i_dentry)) {
		pr_err_ratelimited("volume %s: MDC made inode %llu of mode %o with %u links for a TMPFILE\n",
				   sbi->volume, xi->fid.ino, inode->i_mode,
				   inode->i_nlink);
		iput(inode);
		return -EIO;
	}
	spin_lock(&xi->open_lock);
	xi->tmp_handle = rep.layout.handle;
	spin_unlock(&xi->open_lock);
	/* d_tmpfile() takes the one link a new inode has away */
	set_nlink(inode, 1);
	d_tmpfile(file, inode);
	err = finish_open_simple(file, 0);
	if (err) {
		/* ->open never adopted it: let the MDC free the file */
		struct xsan_req close = { .op = XSAN_OP_CLOSE };

		spin_lock(&xi->open_lock);
		close.layout.handle = xi->tmp_handle;
		xi->tmp_handle = 0;
		spin_unlock(&xi->open_lock);
		close.fid = xi->fid;
		if (close.layout.handle)
			xsan_msgr_send(sbi->msgr, &close);
	}
	return err;
}

const struct inode_operations xsan_dir_iops = {
	.lookup		= xsan_lookup,
	.create		= xsan_create,
	.tmpfile	= xsan_tmpfile,
	.link		= xsan_link,
	.unlink		= xsan_unlink,
	.symlink	= xsan_symlink,
	.mkdir		= xsan_mkdir,
	.rmdir		= xsan_rmdir,
	.mknod		= xsan_mknod,
	.rename		= xsan_rename,
	.permission	= xsan_permission,
	.get_acl	= xsan_get_acl,
	.set_acl	= xsan_set_acl,
	.fileattr_get	= xsan_fileattr_get,
	.fileattr_set	= xsan_fileattr_set,
	.getattr	= xsan_getattr,
	.setattr	= xsan_setattr,
	.listxattr	= xsan_listxattr,
};

/*
 * A symlink's target never changes (there is no operation that would), but
 * it is not cached either: READLINK each time keeps eviction simple.
 */
static const char *xsan_get_link(struct dentry *dentry, struct inode *inode,
				 struct delayed_call *done)
{
	struct xsan_msg_buf *buf;
	struct xsan_req req;
	struct xsan_rep rep;
	char *target;
	int err;

	if (!dentry)
		return ERR_PTR(-ECHILD);
	xsan_ns_req(&req, XSAN_OP_READLINK, inode, NULL);
	err = xsan_call(inode, &req, &rep, &buf);
	if (err)
		return ERR_PTR(err);
	if (rep.datalen == 0 || rep.datalen > XSAN_SYMLINK_MAX ||
	    memchr(rep.data, 0, rep.datalen)) {
		pr_err_ratelimited("volume %s: MDC sent a bad target for symlink %llu\n",
				   XSAN_SB(inode->i_sb)->volume,
				   XSAN_I(inode)->fid.ino);
		xsan_msg_buf_free(buf);
		return ERR_PTR(-EIO);
	}
	target = kmemdup_nul(rep.data, rep.datalen, GFP_KERNEL);
	xsan_msg_buf_free(buf);
	if (!target)
		return ERR_PTR(-ENOMEM);
	set_delayed_call(done, kfree_link, target);
	return target;
}

const struct inode_operations xsan_symlink_iops = {
	.get_link	= xsan_get_link,
	.getattr	= xsan_getattr,
	.setattr	= xsan_setattr,
	.permission	= xsan_permission,
	.listxattr	= xsan_listxattr,
};

const struct inode_operations xsan_special_iops = {
	.getattr	= xsan_getattr,
	.setattr	= xsan_setattr,
	.permission	= xsan_permission,
	.get_acl	= xsan_get_acl,
	.set_acl	= xsan_set_acl,
	.listxattr	= xsan_listxattr,
};
