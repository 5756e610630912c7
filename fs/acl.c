// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfs POSIX ACLs: the system.posix_acl_access and
 * system.posix_acl_default xattrs, kept and enforced by the MDC
 * (tools/mdc/acl.c: it sets the mode from an access ACL, inherits default
 * ACLs at create, updates the mask at chmod, and checks every request
 * against them). The client caches them in the VFS's i_acl/i_default_acl
 * only while it holds ATTR_RD, so generic_permission() mirrors the MDC's
 * decision without a round trip:
 *
 * - an ACL is fetched (or known absent, from the attribute flags the MDC
 *   sends with every attribute) only under a valid ATTR_RD;
 * - losing ATTR_RD (a REVOKE because another client changed the inode,
 *   a give-back, a lost session) forgets both (fs/token.c), as does a
 *   change of the attribute flags (fs/inode.c);
 * - our own chmod forgets the access ACL (the MDC changed its mask), and
 *   our own set_acl caches what the MDC kept.
 *
 * Linux 6.1's inode operations: ->get_acl(inode, type, rcu) and
 * ->set_acl(mnt_userns, inode, acl, type), with the generic
 * posix_acl_{access,default}_xattr_handler in s_xattr.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/posix_acl.h>
#include <linux/posix_acl_xattr.h>
#include <linux/slab.h>
#include <linux/xattr.h>

#include "fs/xsan.h"

/* Largest ACL value fetched: 4 + 8 x 1023 entries (the MDC keeps 128). */
#define XSAN_ACL_FETCH_MAX	8192u

static const char *xsan_acl_xname(int type)
{
	return type == ACL_TYPE_ACCESS ? XATTR_NAME_POSIX_ACL_ACCESS :
					 XATTR_NAME_POSIX_ACL_DEFAULT;
}

static u32 xsan_acl_flag(int type)
{
	return type == ACL_TYPE_ACCESS ? XSAN_AF_ACL : XSAN_AF_DEFACL;
}

/**
 * xsan_get_acl() - ->get_acl: ACL @type of @inode, for the VFS to cache
 * @inode: the inode
 * @type: ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT
 * @rcu: called under RCU (path walk): never block
 *
 * Context: process context, may sleep (not with @rcu).
 * Return: the ACL, NULL if there is none, or ERR_PTR(-errno)
 * (-ECHILD with @rcu).
 */
struct posix_acl *xsan_get_acl(struct inode *inode, int type, bool rcu)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	struct xsan_req req = { .op = XSAN_OP_GETXATTR };
	struct xsan_msg_buf *buf;
	struct posix_acl *acl;
	struct xsan_rep rep;
	u32 flags;
	int err;

	if (rcu)
		return ERR_PTR(-ECHILD);
	if (!xsan_tok_valid(inode, XSAN_TOK_ATTR_RD)) {
		err = xsan_tok_get(inode, XSAN_TOK_ATTR_RD);
		if (err)
			return ERR_PTR(err);
	}
	spin_lock(&xi->tok_lock);
	flags = xi->acl_flags;
	spin_unlock(&xi->tok_lock);
	/* the attributes ATTR_RD vouches for say whether there is one */
	if (!(flags & xsan_acl_flag(type)))
		return NULL;

	xsan_fill_cred(&req.cred);
	req.fid = xi->fid;
	req.name = xsan_acl_xname(type);
	req.namelen = strlen(req.name);
	req.size = XSAN_ACL_FETCH_MAX;
	err = xsan_msgr_call(XSAN_SB(inode->i_sb)->msgr, &req, &rep, &buf);
	if (err == -ENODATA)
		return NULL;	/* removed since: the REVOKE forgets it */
	if (err)
		return ERR_PTR(err);
	if (rep.datalen != rep.size || rep.datalen > XSAN_ACL_FETCH_MAX) {
		pr_err_ratelimited("volume %s: MDC sent %u of %u bytes of an ACL (inode %llu)\n",
				   XSAN_SB(inode->i_sb)->volume, rep.datalen,
				   rep.size, xi->fid.ino);
		acl = ERR_PTR(-EIO);
	} else {
		acl = posix_acl_from_xattr(&init_user_ns, rep.data,
					   rep.datalen);
		if (IS_ERR(acl)) {
			pr_err_ratelimited("volume %s: MDC sent a malformed ACL (inode %llu, error %ld)\n",
					   XSAN_SB(inode->i_sb)->volume,
					   xi->fid.ino, PTR_ERR(acl));
			acl = ERR_PTR(-EIO);
		}
	}
	xsan_msg_buf_free(buf);
	/*
	 * Fetched without ATTR_RD now (it went during the call): do not let
	 * the VFS cache what nothing will tell us is stale.
	 */
	if (!IS_ERR(acl) && !xsan_tok_valid(inode, XSAN_TOK_ATTR_RD))
		forget_cached_acl(inode, type);
	return acl;
}

/**
 * xsan_set_acl() - ->set_acl: set or remove ACL @type of @inode at the MDC
 * @mnt_userns: the mount's idmapping
 * @inode: the inode (the VFS checked ownership and the ACL's validity)
 * @acl: the ACL, NULL to remove
 * @type: ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT
 *
 * The MDC sets the mode from an access ACL (dropping an ACL the mode says
 * in full), and its reply's attributes bring the new mode.
 *
 * Context: process context, caller holds i_rwsem of the inode.
 * Return: 0 or -errno.
 */
int xsan_set_acl(struct user_namespace *mnt_userns, struct inode *inode,
		 struct posix_acl *acl, int type)
{
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct xsan_req req = { };
	struct xsan_msg_buf *buf;
	struct xsan_rep rep;
	void *value = NULL;
	int err, size;

	if (sbi->opts.ro)
		return -EROFS;
	req.name = xsan_acl_xname(type);
	req.namelen = strlen(req.name);
	if (acl) {
		size = posix_acl_xattr_size(acl->a_count);
		if (size > XSAN_XATTR_SIZE_MAX)
			return -E2BIG;
		value = kmalloc(size, GFP_KERNEL);
		if (!value)
			return -ENOMEM;
		err = posix_acl_to_xattr(&init_user_ns, acl, value, size);
		if (err < 0)
			goto out;
		req.op = XSAN_OP_SETXATTR;
		req.data = value;
		req.datalen = err;
	} else {
		req.op = XSAN_OP_REMOVEXATTR;
	}
	xsan_fill_cred(&req.cred);
	req.fid = XSAN_I(inode)->fid;
	err = xsan_msgr_call(sbi->msgr, &req, &rep, &buf);
	if (err)
		goto out;
	err = xsan_refresh_from_rep(inode, &rep, 0, buf->seq);
	if (!err && xsan_tok_valid(inode, XSAN_TOK_ATTR_RD))
		set_cached_acl(inode, type,
			       (rep.attr[0].flags & xsan_acl_flag(type)) ?
			       acl : NULL);
	else
		forget_cached_acl(inode, type);
	xsan_msg_buf_free(buf);
out:
	kfree(value);
	return err;
}
