// SPDX-License-Identifier: GPL-2.0
/*
 * Extended attributes of the metadata store, as Linux and ext4 (without
 * ea_inode) show them: the user., trusted. and security. namespaces with
 * xattr_permission()'s rules, the syscall limits (name 255, value 64 KiB)
 * and ext4's per-inode space of one 4 KiB block.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store_int.h"

/* XNS_ACL: system.posix_acl_access and system.posix_acl_default (acl.c) */
enum xns { XNS_USER, XNS_TRUSTED, XNS_SECURITY, XNS_ACL };

static const struct {
	const char *prefix;
	uint32_t len;
} xns_prefix[] = {
	[XNS_USER] = { "user.", 5 },
	[XNS_TRUSTED] = { "trusted.", 8 },
	[XNS_SECURITY] = { "security.", 9 },
};

/*
 * The namespace of @name (its length already checked): -EOPNOTSUPP for a
 * prefix ext4 does not know, -EINVAL for a prefix alone.
 */
static int xattr_ns(const char *name, uint32_t len)
{
	if (xsan_acl_type(name, len) >= 0)
		return XNS_ACL;
	for (int i = 0; i < 3; i++) {
		if (len < xns_prefix[i].len ||
		    memcmp(name, xns_prefix[i].prefix, xns_prefix[i].len))
			continue;
		return len == xns_prefix[i].len ? -EINVAL : i;
	}
	return -EOPNOTSUPP;
}

/* What setxattr(2)/getxattr(2) check of a name before any lookup. */
static int xattr_name_ok(const char *name, uint32_t len)
{
	if (!len || len > XSAN_XATTR_NAME_MAX)
		return -ERANGE;
	if (memchr(name, '\0', len))
		return -EINVAL;
	return 0;
}

/*
 * ext4's size of one entry: header plus name, then the value, each
 * rounded up to 4 bytes. ext4 stores the name without its prefix (an
 * index byte stands for it), so only the suffix counts.
 */
static uint32_t xattr_cost(const char *name, uint32_t len, uint32_t vlen)
{
	int ns = xattr_ns(name, len);
	uint32_t suffix = ns >= 0 && ns < XNS_ACL ? len - xns_prefix[ns].len :
			  ns == XNS_ACL ? 0 : len;

	return ((XSAN_XATTR_ENTRY + suffix + 3) & ~3u) + ((vlen + 3) & ~3u);
}

/* The inode @fid names, or -ESTALE. */
static int xfid_get(struct xsan_store *st, MDB_txn *txn,
		    const struct xsan_fid *fid, struct xsan_inode *in)
{
	int rc;

	if (!fid || !fid->ino)
		return -ESTALE;
	rc = xsan_inode_get(st, txn, fid->ino, in);
	if (rc == -ENOENT || (!rc && in->gen != fid->gen))
		return -ESTALE;
	return rc;
}

/*
 * xattr_permission() plus cap_inode_setxattr() for namespace @ns and
 * XSAN_MAY_READ or XSAN_MAY_WRITE @mask.
 */
static int xattr_perm(const struct xsan_cred *cr, const struct xsan_inode *in,
		      int ns, int mask)
{
	bool write = mask & XSAN_MAY_WRITE;

	/* xattr_permission(): no change to an immutable or append-only inode */
	if (write && (in->flags & (XSAN_AF_IMMUTABLE | XSAN_AF_APPEND)))
		return -EPERM;
	switch (ns) {
	case XNS_ACL:
		/* posix_acl_xattr_get()/set_posix_acl(): none on symlinks;
		 * anyone reads, the owner (or FOWNER) sets
		 */
		if (S_ISLNK(in->mode))
			return -EOPNOTSUPP;
		if (write && !xsan_owner_or_capable(cr, in))
			return -EPERM;
		return 0;
	case XNS_SECURITY:
		if (write && !xsan_has_cap(cr, XSAN_CAP_SYS_ADMIN))
			return -EPERM;
		return 0;
	case XNS_TRUSTED:
		if (!xsan_has_cap(cr, XSAN_CAP_SYS_ADMIN))
			return write ? -EPERM : -ENODATA;
		return 0;
	default:
		if (!S_ISREG(in->mode) && !S_ISDIR(in->mode))
			return write ? -EPERM : -ENODATA;
		if (S_ISDIR(in->mode) && (in->mode & S_ISVTX) && write &&
		    !xsan_owner_or_capable(cr, in))
			return -EPERM;
		return xsan_permission(cr, in, mask);
	}
}

static void xattr_key(uint8_t *kb, uint64_t ino, const char *name,
		      uint32_t len, MDB_val *k)
{
	xsan_put_be64(kb, ino);
	memcpy(kb + 8, name, len);
	k->mv_size = 8 + len;
	k->mv_data = kb;
}

/** xsan_ns_getxattr() - GETXATTR; see store.h for the size rules. */
int xsan_ns_getxattr(struct xsan_txn *t, const struct xsan_cred *cr,
		     const struct xsan_fid *fid, const char *name, uint32_t len,
		     void *buf, uint32_t size, uint32_t *full)
{
	uint8_t kb[8 + XSAN_XATTR_NAME_MAX];
	struct xsan_inode *in;
	MDB_val k, v;
	int rc, ns;

	rc = xattr_name_ok(name, len);
	if (rc)
		return rc;
	in = malloc(sizeof(*in));
	if (!in)
		return -ENOMEM;
	rc = xfid_get(t->st, t->txn, fid, in);
	ns = rc ? rc : xattr_ns(name, len);
	rc = ns < 0 ? ns : xattr_perm(cr, in, ns, XSAN_MAY_READ);
	free(in);
	if (rc)
		return rc;
	xattr_key(kb, fid->ino, name, len, &k);
	rc = mdb_get(t->txn, t->st->xattrs, &k, &v);
	if (rc == MDB_NOTFOUND)
		return -ENODATA;
	if (rc)
		return xsan_mdb_err(rc);
	if (v.mv_size > XSAN_XATTR_SIZE_MAX)
		return -EIO;
	*full = (uint32_t)v.mv_size;
	if (!size)
		return 0;
	if (size < v.mv_size)
		return -ERANGE;
	if (v.mv_size)
		memcpy(buf, v.mv_data, v.mv_size);
	return 0;
}

/*
 * The space @ino's xattrs take, leaving out @skip (the one being
 * replaced or removed).
 */
static int xattr_used(struct xsan_store *st, MDB_txn *txn, uint64_t ino,
		      const char *skip, uint32_t skiplen, uint32_t *used)
{
	uint8_t kb[8];
	MDB_val k = { 8, kb }, v;
	MDB_cursor *cur;
	int rc;

	*used = 0;
	xsan_put_be64(kb, ino);
	rc = mdb_cursor_open(txn, st->xattrs, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const char *n;
		uint32_t nlen;

		if (k.mv_size <= 8 || xsan_get_be64(k.mv_data) != ino)
			break;
		n = (const char *)k.mv_data + 8;
		nlen = (uint32_t)k.mv_size - 8;
		if (nlen > XSAN_XATTR_NAME_MAX || v.mv_size > XSAN_XATTR_SIZE_MAX) {
			rc = EIO;
			break;
		}
		if (nlen == skiplen && !memcmp(n, skip, nlen))
			continue;
		*used += xattr_cost(n, nlen, (uint32_t)v.mv_size);
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : xsan_mdb_err(rc);
}

/* The checks SETXATTR and REMOVEXATTR share; @ns is set on success. */
static int xattr_write_check(struct xsan_store *st, MDB_txn *txn,
			     const struct xsan_cred *cr,
			     const struct xsan_fid *fid, const char *name,
			     uint32_t len, struct xsan_inode *in)
{
	int rc = xattr_name_ok(name, len), ns;

	if (rc)
		return rc;
	rc = xfid_get(st, txn, fid, in);
	if (rc)
		return rc;
	ns = xattr_ns(name, len);
	if (ns < 0)
		return ns;
	return xattr_perm(cr, in, ns, XSAN_MAY_WRITE);
}

/*
 * Set (@val) or remove (@val NULL, or a header without entries) ACL @type
 * of @in, as set_posix_acl() and ext4_set_acl() do: a default ACL only on
 * a directory (removing one elsewhere is a no-op), the access ACL sets
 * the mode's 0777 bits and is kept only if it says more than they do,
 * and a caller outside the group without FSETID loses the setgid bit
 * (posix_acl_update_mode()). XATTR_CREATE/REPLACE do not apply, as in
 * Linux. The caller checked ownership and writes @in.
 */
static int acl_set(struct xsan_store *st, MDB_txn *txn,
		   const struct xsan_cred *cr, struct xsan_inode *in, int type,
		   const void *val, uint32_t vlen)
{
	struct xsan_acl *acl;
	uint32_t mode = in->mode, used;
	int rc = 0;

	if (type == XSAN_ACL_DEFAULT && !S_ISDIR(in->mode))
		return val ? -EACCES : 0;
	acl = calloc(1, sizeof(*acl));
	if (!acl)
		return -ENOMEM;
	if (val)
		rc = xsan_acl_decode(val, vlen, acl);
	if (!rc && type == XSAN_ACL_ACCESS && acl->n) {
		if (!xsan_acl_equiv_mode(acl, &mode))
			acl->n = 0;
		if (!xsan_in_group(cr, in->gid) &&
		    !xsan_has_cap(cr, XSAN_CAP_FSETID))
			mode &= ~(uint32_t)S_ISGID;
		in->mode = mode;
	}
	if (!rc && acl->n) {
		rc = xattr_used(st, txn, in->ino, xsan_acl_name(type),
				(uint32_t)strlen(xsan_acl_name(type)), &used);
		if (!rc && used + xattr_cost(xsan_acl_name(type),
					     (uint32_t)strlen(xsan_acl_name(type)),
					     xsan_acl_size(acl)) > XSAN_XATTR_SPACE)
			rc = -ENOSPC;
	}
	if (!rc)
		rc = xsan_acl_put(st, txn, in, type, acl);
	free(acl);
	return rc;
}

/** xsan_ns_setxattr() - SETXATTR with XSAN_XATTR_CREATE/REPLACE. */
int xsan_ns_setxattr(struct xsan_txn *t, const struct xsan_cred *cr,
		     const struct xsan_fid *fid, const char *name, uint32_t len,
		     const void *val, uint32_t vlen, uint32_t flags,
		     const struct xsan_time *now, struct xsan_attr *out)
{
	uint8_t kb[8 + XSAN_XATTR_NAME_MAX];
	struct xsan_inode *in;
	MDB_val k, v;
	uint32_t used;
	MDB_txn *txn;
	int rc;

	/* setxattr(2)'s order: flags, name, size. */
	if (flags & ~(XSAN_XATTR_CREATE | XSAN_XATTR_REPLACE))
		return -EINVAL;
	rc = xattr_name_ok(name, len);
	if (rc)
		return rc;
	if (vlen > XSAN_XATTR_SIZE_MAX)
		return -E2BIG;
	rc = xsan_op_begin(t, &txn);
	if (rc)
		return rc;
	in = malloc(sizeof(*in));
	if (!in)
		return xsan_op_end(txn, -ENOMEM);
	rc = xattr_write_check(t->st, txn, cr, fid, name, len, in);
	if (rc)
		goto out;
	if (xattr_ns(name, len) == XNS_ACL) {
		rc = acl_set(t->st, txn, cr, in, xsan_acl_type(name, len), val,
			     vlen);
		goto done;
	}
	xattr_key(kb, in->ino, name, len, &k);
	rc = mdb_get(txn, t->st->xattrs, &k, &v);
	if (rc && rc != MDB_NOTFOUND) {
		rc = xsan_mdb_err(rc);
		goto out;
	}
	if (!rc && (flags & XSAN_XATTR_CREATE)) {
		rc = -EEXIST;
		goto out;
	}
	if (rc && (flags & XSAN_XATTR_REPLACE)) {
		rc = -ENODATA;
		goto out;
	}
	rc = xattr_used(t->st, txn, in->ino, name, len, &used);
	if (rc)
		goto out;
	if (used + xattr_cost(name, len, vlen) > XSAN_XATTR_SPACE) {
		rc = -ENOSPC;
		goto out;
	}
	v.mv_size = vlen;
	v.mv_data = (void *)(vlen ? val : "");
	rc = xsan_mdb_err(mdb_put(txn, t->st->xattrs, &k, &v, 0));
done:
	if (rc)
		goto out;
	xsan_touch(in, now, false);
	rc = xsan_inode_put(t->st, txn, in);
	if (!rc)
		xsan_inode_attr(in, out);
out:
	free(in);
	return xsan_op_end(txn, rc);
}

/** xsan_ns_listxattr() - LISTXATTR: the names @cr may see. */
int xsan_ns_listxattr(struct xsan_txn *t, const struct xsan_cred *cr,
		      const struct xsan_fid *fid, void *buf, uint32_t size,
		      uint32_t *full)
{
	bool admin = xsan_has_cap(cr, XSAN_CAP_SYS_ADMIN);
	struct xsan_inode *in;
	uint8_t kb[8];
	MDB_val k = { 8, kb }, v;
	MDB_cursor *cur;
	uint32_t total = 0;
	int rc;

	in = malloc(sizeof(*in));
	if (!in)
		return -ENOMEM;
	rc = xfid_get(t->st, t->txn, fid, in);
	free(in);
	if (rc)
		return rc;
	xsan_put_be64(kb, fid->ino);
	rc = mdb_cursor_open(t->txn, t->st->xattrs, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const char *n;
		uint32_t nlen;

		if (k.mv_size <= 8 || xsan_get_be64(k.mv_data) != fid->ino)
			break;
		n = (const char *)k.mv_data + 8;
		nlen = (uint32_t)k.mv_size - 8;
		if (xattr_ns(n, nlen) == XNS_TRUSTED && !admin)
			continue;
		/* Copy while it fits; keep counting for the full size. */
		if (size && total + nlen + 1 <= size) {
			memcpy((char *)buf + total, n, nlen);
			((char *)buf)[total + nlen] = '\0';
		}
		total += nlen + 1;
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return xsan_mdb_err(rc);
	*full = total;
	if (size && size < total)
		return -ERANGE;
	return 0;
}

/** xsan_ns_removexattr() - REMOVEXATTR: -ENODATA if it is not there. */
int xsan_ns_removexattr(struct xsan_txn *t, const struct xsan_cred *cr,
			const struct xsan_fid *fid, const char *name,
			uint32_t len, const struct xsan_time *now,
			struct xsan_attr *out)
{
	uint8_t kb[8 + XSAN_XATTR_NAME_MAX];
	struct xsan_inode *in;
	MDB_txn *txn;
	MDB_val k;
	int rc;

	rc = xattr_name_ok(name, len);
	if (rc)
		return rc;
	rc = xsan_op_begin(t, &txn);
	if (rc)
		return rc;
	in = malloc(sizeof(*in));
	if (!in)
		return xsan_op_end(txn, -ENOMEM);
	rc = xattr_write_check(t->st, txn, cr, fid, name, len, in);
	if (rc)
		goto out;
	if (xattr_ns(name, len) == XNS_ACL) {
		/* set_posix_acl(NULL): no error when there is none */
		rc = acl_set(t->st, txn, cr, in, xsan_acl_type(name, len),
			     NULL, 0);
		if (rc)
			goto out;
	} else {
		xattr_key(kb, in->ino, name, len, &k);
		rc = mdb_del(txn, t->st->xattrs, &k, NULL);
		if (rc) {
			rc = rc == MDB_NOTFOUND ? -ENODATA : xsan_mdb_err(rc);
			goto out;
		}
	}
	xsan_touch(in, now, false);
	rc = xsan_inode_put(t->st, txn, in);
	if (!rc)
		xsan_inode_attr(in, out);
out:
	free(in);
	return xsan_op_end(txn, rc);
}
