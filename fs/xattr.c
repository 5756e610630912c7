// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfs extended attributes: the user., trusted. and security. namespaces,
 * each call one MDC request (GETXATTR, SETXATTR, LISTXATTR, REMOVEXATTR).
 * Nothing is cached: no token covers xattrs, and the MDC decides who may
 * see or change what (it hides trusted. from callers without
 * CAP_SYS_ADMIN in LISTXATTR). The system.posix_acl_* xattrs go through
 * the VFS's ACL handlers and its cache instead (fs/acl.c).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/posix_acl_xattr.h>
#include <linux/string.h>
#include <linux/xattr.h>

#include "fs/xsan.h"

static int xsan_xcall(struct inode *inode, struct xsan_req *req,
		      struct xsan_rep *rep, struct xsan_msg_buf **bufp)
{
	xsan_fill_cred(&req->cred);
	req->fid = XSAN_I(inode)->fid;
	*bufp = NULL;
	return xsan_msgr_call(XSAN_SB(inode->i_sb)->msgr, req, rep, bufp);
}

/*
 * Copy a GETXATTR or LISTXATTR answer out: the size alone when @size is 0,
 * else all of it. The MDC answers ERANGE itself when @size is too small.
 */
static ssize_t xsan_xattr_copy(struct inode *inode, const struct xsan_rep *rep,
			       void *out, size_t size)
{
	if (rep->size > XSAN_XATTR_SIZE_MAX ||
	    (size && (rep->datalen != rep->size || rep->datalen > size)) ||
	    (!size && rep->datalen)) {
		pr_err_ratelimited("volume %s: MDC sent %u of %u xattr bytes for a buffer of %zu (%s, inode %llu)\n",
				   XSAN_SB(inode->i_sb)->volume, rep->datalen,
				   rep->size, size, xsan_op_name(rep->op),
				   XSAN_I(inode)->fid.ino);
		return -EIO;
	}
	if (size)
		memcpy(out, rep->data, rep->datalen);
	return rep->size;
}

static int xsan_xattr_get(const struct xattr_handler *handler,
			  struct dentry *dentry, struct inode *inode,
			  const char *name, void *buffer, size_t size)
{
	const char *full = xattr_full_name(handler, name);
	struct xsan_req req = { .op = XSAN_OP_GETXATTR };
	struct xsan_msg_buf *buf;
	struct xsan_rep rep;
	int err;

	req.name = full;
	req.namelen = strlen(full);
	if (req.namelen > XSAN_XATTR_NAME_MAX)
		return -ERANGE;
	req.size = min_t(size_t, size, XSAN_XATTR_SIZE_MAX);
	err = xsan_xcall(inode, &req, &rep, &buf);
	if (err)
		return err;
	err = xsan_xattr_copy(inode, &rep, buffer, req.size);
	xsan_msg_buf_free(buf);
	return err;
}

static int xsan_xattr_set(const struct xattr_handler *handler,
			  struct user_namespace *mnt_userns,
			  struct dentry *dentry, struct inode *inode,
			  const char *name, const void *value, size_t size,
			  int flags)
{
	const char *full = xattr_full_name(handler, name);
	struct xsan_req req = { };
	struct xsan_msg_buf *buf;
	struct xsan_rep rep;
	int err;

	if (XSAN_SB(inode->i_sb)->opts.ro)
		return -EROFS;
	req.name = full;
	req.namelen = strlen(full);
	if (req.namelen > XSAN_XATTR_NAME_MAX)
		return -ERANGE;
	if (value) {
		if (size > XSAN_XATTR_SIZE_MAX)
			return -E2BIG;
		req.op = XSAN_OP_SETXATTR;
		req.data = value;
		req.datalen = size;
		req.flags = flags & (XSAN_XATTR_CREATE | XSAN_XATTR_REPLACE);
		if (req.flags == (XSAN_XATTR_CREATE | XSAN_XATTR_REPLACE))
			return -EINVAL;
	} else {
		req.op = XSAN_OP_REMOVEXATTR;
	}
	err = xsan_xcall(inode, &req, &rep, &buf);
	if (err)
		return err;
	err = xsan_refresh_from_rep(inode, &rep, 0, buf->seq);
	xsan_msg_buf_free(buf);
	return err;
}

/**
 * xsan_listxattr() - listxattr(2): the names the MDC lets the caller see
 * @dentry: the inode's dentry
 * @list: the caller's buffer
 * @size: its size; 0 asks for the size needed
 *
 * Context: process context, may sleep.
 * Return: bytes of the list (NUL-terminated names), or -errno (-ERANGE if
 * @size is too small).
 */
ssize_t xsan_listxattr(struct dentry *dentry, char *list, size_t size)
{
	struct inode *inode = d_inode(dentry);
	struct xsan_req req = { .op = XSAN_OP_LISTXATTR };
	struct xsan_msg_buf *buf;
	struct xsan_rep rep;
	ssize_t ret;
	int err;

	req.size = min_t(size_t, size, XSAN_XATTR_LIST_MAX);
	err = xsan_xcall(inode, &req, &rep, &buf);
	if (err)
		return err;
	ret = xsan_xattr_copy(inode, &rep, list, req.size);
	if (ret > 0 && req.size && list[ret - 1] != '\0') {
		pr_err_ratelimited("volume %s: MDC sent an xattr list without its last NUL (inode %llu)\n",
				   XSAN_SB(inode->i_sb)->volume,
				   XSAN_I(inode)->fid.ino);
		ret = -EIO;
	}
	xsan_msg_buf_free(buf);
	return ret;
}

static const struct xattr_handler xsan_user_xattr_handler = {
	.prefix	= XATTR_USER_PREFIX,
	.get	= xsan_xattr_get,
	.set	= xsan_xattr_set,
};

static const struct xattr_handler xsan_trusted_xattr_handler = {
	.prefix	= XATTR_TRUSTED_PREFIX,
	.get	= xsan_xattr_get,
	.set	= xsan_xattr_set,
};

static const struct xattr_handler xsan_security_xattr_handler = {
	.prefix	= XATTR_SECURITY_PREFIX,
	.get	= xsan_xattr_get,
	.set	= xsan_xattr_set,
};

const struct xattr_handler *xsan_xattr_handlers[] = {
	/* the VFS's own: they call ->get_acl/->set_acl (fs/acl.c) */
	&posix_acl_access_xattr_handler,
	&posix_acl_default_xattr_handler,
	&xsan_user_xattr_handler,
	&xsan_trusted_xattr_handler,
	&xsan_security_xattr_handler,
	NULL,
};
