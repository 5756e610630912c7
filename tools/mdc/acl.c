// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX ACLs of the metadata store, with Linux's rules (fs/posix_acl.c):
 * the system.posix_acl_access and system.posix_acl_default xattrs in
 * Linux's value format (a 4-byte version 2 header, then 8-byte entries
 * tag, perm, id, little-endian), checked as posix_acl_valid() checks,
 * and the permission, creation and chmod rules of posix_acl_permission(),
 * posix_acl_create_masq() and __posix_acl_chmod_masq(). The MDC applies
 * them itself for every client: a client's cached copy only mirrors them.
 *
 * The pure rules come first (the unit tests call them); the last part
 * reads and writes the xattrs inside a store transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store_int.h"

#define ACL_XATTR_VERSION	2u
#define ACL_XATTR_HDR		4u
#define ACL_XATTR_ENTRY		8u
#define ACL_UNDEFINED_ID	0xffffffffu

/**
 * xsan_acl_decode() - check and unpack an ACL xattr value
 * @val: the value as setxattr(2) carries it
 * @len: its length
 * @acl: out: the entries; 0 entries (a header alone) means "no ACL"
 *
 * Return: 0, -EINVAL for a value Linux's posix_acl_from_xattr() or
 * posix_acl_valid() refuses (bad version or size, an unknown tag or
 * permission bit, entries out of order, a duplicate or a missing
 * required entry), -ENOSPC for more than XSAN_ACL_MAX entries.
 */
int xsan_acl_decode(const void *val, uint32_t len, struct xsan_acl *acl)
{
	const uint8_t *p = val;
	uint32_t n, state = XSAN_ACL_USER_OBJ, prev = 0;
	bool needs_mask = false, first = true;

	acl->n = 0;
	if (len < ACL_XATTR_HDR || xsan_get_le32(p) != ACL_XATTR_VERSION ||
	    (len - ACL_XATTR_HDR) % ACL_XATTR_ENTRY)
		return -EINVAL;
	n = (len - ACL_XATTR_HDR) / ACL_XATTR_ENTRY;
	if (n > XSAN_ACL_MAX)
		return -ENOSPC;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = p + ACL_XATTR_HDR + i * ACL_XATTR_ENTRY;
		struct xsan_ace *a = &acl->e[i];

		a->tag = (uint16_t)(e[0] | e[1] << 8);
		a->perm = (uint16_t)(e[2] | e[3] << 8);
		a->id = xsan_get_le32(e + 4);
		if (a->perm & ~7u)
			return -EINVAL;
		switch (a->tag) {
		case XSAN_ACL_USER_OBJ:
			if (state != XSAN_ACL_USER_OBJ)
				return -EINVAL;
			state = XSAN_ACL_USER;
			first = true;
			break;
		case XSAN_ACL_USER:
		case XSAN_ACL_GROUP:
			if (state != a->tag || a->id == ACL_UNDEFINED_ID)
				return -EINVAL;
			/* ids strictly ascending within their tag */
			if (!first && a->id <= prev)
				return -EINVAL;
			prev = a->id;
			first = false;
			needs_mask = true;
			break;
		case XSAN_ACL_GROUP_OBJ:
			if (state != XSAN_ACL_USER)
				return -EINVAL;
			state = XSAN_ACL_GROUP;
			first = true;
			break;
		case XSAN_ACL_MASK:
			if (state != XSAN_ACL_GROUP)
				return -EINVAL;
			state = XSAN_ACL_OTHER;
			break;
		case XSAN_ACL_OTHER:
			if (state != XSAN_ACL_OTHER &&
			    (state != XSAN_ACL_GROUP || needs_mask))
				return -EINVAL;
			state = 0;
			break;
		default:
			return -EINVAL;
		}
		/* ids mean nothing outside USER and GROUP: store them as Linux */
		if (a->tag != XSAN_ACL_USER && a->tag != XSAN_ACL_GROUP)
			a->id = ACL_UNDEFINED_ID;
	}
	if (n && state)
		return -EINVAL;
	acl->n = n;
	return 0;
}

/** xsan_acl_size() - bytes of @acl's xattr value. */
uint32_t xsan_acl_size(const struct xsan_acl *acl)
{
	return ACL_XATTR_HDR + acl->n * ACL_XATTR_ENTRY;
}

/** xsan_acl_encode() - @acl as an xattr value into @buf (xsan_acl_size()). */
void xsan_acl_encode(const struct xsan_acl *acl, uint8_t *buf)
{
	xsan_put_le32(buf, ACL_XATTR_VERSION);
	for (uint32_t i = 0; i < acl->n; i++) {
		uint8_t *e = buf + ACL_XATTR_HDR + i * ACL_XATTR_ENTRY;

		e[0] = (uint8_t)acl->e[i].tag;
		e[1] = (uint8_t)(acl->e[i].tag >> 8);
		e[2] = (uint8_t)acl->e[i].perm;
		e[3] = 0;
		xsan_put_le32(e + 4, acl->e[i].id);
	}
}

/**
 * xsan_acl_equiv_mode() - posix_acl_equiv_mode()
 * @acl: a valid ACL
 * @mode: in: a mode; out: its 0777 bits replaced by what @acl grants
 *
 * Return: 0 if @acl says no more than those bits (it need not be kept),
 * 1 if it has named entries or a mask.
 */
int xsan_acl_equiv_mode(const struct xsan_acl *acl, uint32_t *mode)
{
	uint32_t m = 0;
	int not_equiv = 0;

	for (uint32_t i = 0; i < acl->n; i++) {
		uint32_t perm = acl->e[i].perm & 7u;

		switch (acl->e[i].tag) {
		case XSAN_ACL_USER_OBJ:
			m |= perm << 6;
			break;
		case XSAN_ACL_GROUP_OBJ:
			m |= perm << 3;
			break;
		case XSAN_ACL_OTHER:
			m |= perm;
			break;
		case XSAN_ACL_MASK:
			m = (m & ~070u) | perm << 3;
			not_equiv = 1;
			break;
		default:
			not_equiv = 1;
			break;
		}
	}
	*mode = (*mode & ~0777u) | m;
	return not_equiv;
}

/**
 * xsan_acl_permission() - posix_acl_permission() for a caller who is not
 * the owner (the owner's class is the mode's, as in Linux)
 * @cr: the caller
 * @in: the inode (its group is GROUP_OBJ's)
 * @acl: its access ACL
 * @mask: XSAN_MAY_*
 *
 * Return: 0 or -EACCES.
 */
int xsan_acl_permission(const struct xsan_cred *cr, const struct xsan_inode *in,
			const struct xsan_acl *acl, int mask)
{
	uint32_t want = (uint32_t)mask & 7u, i, m;
	bool found = false;

	for (i = 0; i < acl->n; i++) {
		const struct xsan_ace *a = &acl->e[i];

		switch (a->tag) {
		case XSAN_ACL_USER_OBJ:
			if (cr->uid == in->uid)
				goto check;
			break;
		case XSAN_ACL_USER:
			if (cr->uid == a->id)
				goto mask;
			break;
		case XSAN_ACL_GROUP_OBJ:
		case XSAN_ACL_GROUP:
			if (xsan_in_group(cr, a->tag == XSAN_ACL_GROUP ?
					  a->id : in->gid)) {
				found = true;
				if ((a->perm & want) == want)
					goto mask;
			}
			break;
		case XSAN_ACL_OTHER:
			if (found)
				return -EACCES;
			goto check;
		default:
			break;
		}
	}
	return -EACCES;
mask:
	for (m = i + 1; m < acl->n; m++)
		if (acl->e[m].tag == XSAN_ACL_MASK)
			return (acl->e[i].perm & acl->e[m].perm & want) == want ?
			       0 : -EACCES;
check:
	return (acl->e[i].perm & want) == want ? 0 : -EACCES;
}

/**
 * xsan_acl_create_masq() - posix_acl_create_masq(): a new inode's access
 * ACL from its directory's default ACL and the mode asked for
 * @acl: in: a copy of the default ACL; out: the new inode's access ACL
 * @mode: in: the mode asked for; out: with the permissions @acl lacks
 *        removed
 *
 * Return: 0 if the result says no more than @mode (store no access ACL),
 * 1 if it must be stored.
 */
int xsan_acl_create_masq(struct xsan_acl *acl, uint32_t *mode)
{
	struct xsan_ace *group_obj = NULL, *mask_obj = NULL;
	uint32_t m = *mode;
	int not_equiv = 0;

	for (uint32_t i = 0; i < acl->n; i++) {
		struct xsan_ace *a = &acl->e[i];

		switch (a->tag) {
		case XSAN_ACL_USER_OBJ:
			a->perm &= (uint16_t)((m >> 6) & 7u);
			m &= (uint32_t)a->perm << 6 | ~0700u;
			break;
		case XSAN_ACL_GROUP_OBJ:
			group_obj = a;
			break;
		case XSAN_ACL_OTHER:
			a->perm &= (uint16_t)(m & 7u);
			m &= a->perm | ~07u;
			break;
		case XSAN_ACL_MASK:
			mask_obj = a;
			not_equiv = 1;
			break;
		default:
			not_equiv = 1;
			break;
		}
	}
	if (!mask_obj)
		mask_obj = group_obj;
	if (mask_obj) {
		mask_obj->perm &= (uint16_t)((m >> 3) & 7u);
		m &= (uint32_t)mask_obj->perm << 3 | ~070u;
	}
	*mode = (*mode & ~0777u) | (m & 0777u);
	return not_equiv;
}

/**
 * xsan_acl_chmod() - __posix_acl_chmod_masq(): chmod of an inode with an
 * access ACL sets its owner, mask (or group) and other entries.
 */
void xsan_acl_chmod(struct xsan_acl *acl, uint32_t mode)
{
	struct xsan_ace *group_obj = NULL, *mask_obj = NULL;

	for (uint32_t i = 0; i < acl->n; i++) {
		struct xsan_ace *a = &acl->e[i];

		if (a->tag == XSAN_ACL_USER_OBJ)
			a->perm = (uint16_t)((mode >> 6) & 7u);
		else if (a->tag == XSAN_ACL_OTHER)
			a->perm = (uint16_t)(mode & 7u);
		else if (a->tag == XSAN_ACL_GROUP_OBJ)
			group_obj = a;
		else if (a->tag == XSAN_ACL_MASK)
			mask_obj = a;
	}
	if (!mask_obj)
		mask_obj = group_obj;
	if (mask_obj)
		mask_obj->perm = (uint16_t)((mode >> 3) & 7u);
}

/* --- the xattrs, inside a store transaction --- */

static const char *const acl_name[] = {
	[XSAN_ACL_ACCESS] = "system.posix_acl_access",
	[XSAN_ACL_DEFAULT] = "system.posix_acl_default",
};

static const uint32_t acl_flag[] = {
	[XSAN_ACL_ACCESS] = XSAN_AF_ACL,
	[XSAN_ACL_DEFAULT] = XSAN_AF_DEFACL,
};

/** xsan_acl_name() - the xattr name of ACL @type. */
const char *xsan_acl_name(int type)
{
	return acl_name[type];
}

/** xsan_acl_type() - XSAN_ACL_ACCESS/DEFAULT for an xattr name, else -1. */
int xsan_acl_type(const char *name, uint32_t len)
{
	for (int i = 0; i < 2; i++)
		if (len == strlen(acl_name[i]) && !memcmp(name, acl_name[i], len))
			return i;
	return -1;
}

static void acl_key(uint8_t *kb, uint64_t ino, int type, MDB_val *k)
{
	uint32_t len = (uint32_t)strlen(acl_name[type]);

	xsan_put_be64(kb, ino);
	memcpy(kb + 8, acl_name[type], len);
	k->mv_size = 8 + len;
	k->mv_data = kb;
}

/**
 * xsan_acl_get() - read and check ACL @type of inode @ino
 *
 * Return: 0, -ENODATA if there is none, -EIO (logged) if the stored
 * value is damaged.
 */
int xsan_acl_get(struct xsan_store *st, MDB_txn *txn, uint64_t ino, int type,
		 struct xsan_acl *acl)
{
	uint8_t kb[8 + 32];
	MDB_val k, v;
	int rc;

	acl->n = 0;
	acl_key(kb, ino, type, &k);
	rc = mdb_get(txn, st->xattrs, &k, &v);
	if (rc == MDB_NOTFOUND)
		return -ENODATA;
	if (rc)
		return xsan_mdb_err(rc);
	if (v.mv_size > XSAN_XATTR_SIZE_MAX ||
	    xsan_acl_decode(v.mv_data, (uint32_t)v.mv_size, acl) || !acl->n) {
		fprintf(stderr, "xsan store: inode %llu: damaged %s (run fsck.xsanfs)\n",
			(unsigned long long)ino, acl_name[type]);
		return -EIO;
	}
	return 0;
}

/**
 * xsan_acl_put() - write ACL @type of @in, or remove it (@acl NULL or
 * empty), and set or clear its flag in @in->flags (the caller writes @in)
 */
int xsan_acl_put(struct xsan_store *st, MDB_txn *txn, struct xsan_inode *in,
		 int type, const struct xsan_acl *acl)
{
	uint8_t kb[8 + 32], vb[ACL_XATTR_HDR + XSAN_ACL_MAX * ACL_XATTR_ENTRY];
	MDB_val k, v;
	int rc;

	acl_key(kb, in->ino, type, &k);
	if (!acl || !acl->n) {
		rc = mdb_del(txn, st->xattrs, &k, NULL);
		if (rc && rc != MDB_NOTFOUND)
			return xsan_mdb_err(rc);
		in->flags &= ~acl_flag[type];
		if (type == XSAN_ACL_ACCESS)
			in->acl.n = 0;
		return 0;
	}
	xsan_acl_encode(acl, vb);
	v.mv_size = xsan_acl_size(acl);
	v.mv_data = vb;
	rc = xsan_mdb_err(mdb_put(txn, st->xattrs, &k, &v, 0));
	if (rc)
		return rc;
	in->flags |= acl_flag[type];
	if (type == XSAN_ACL_ACCESS && &in->acl != acl)
		in->acl = *acl;
	return 0;
}

/**
 * xsan_acl_inherit() - the POSIX ACL rules of a new inode @in, made in
 * @dir with the mode in @in->mode (posix_acl_create())
 * @umask: XSAN_UMASK_SET | umask from the request, or 0
 *
 * With a default ACL on @dir: a directory inherits it as its own default
 * ACL, and every new inode gets it as its access ACL masked by the mode
 * (stored only if it says more than the mode). Without one, @umask
 * applies. Symlinks keep 0777. The caller writes @in.
 */
int xsan_acl_inherit(struct xsan_store *st, MDB_txn *txn,
		     const struct xsan_inode *dir, struct xsan_inode *in,
		     uint32_t umask)
{
	struct xsan_acl *dacl;
	uint32_t mode = in->mode;
	int rc;

	if (S_ISLNK(in->mode))
		return 0;
	if (!(dir->flags & XSAN_AF_DEFACL)) {
		if (umask & XSAN_UMASK_SET)
			in->mode &= ~(umask & XSAN_UMASK_BITS);
		return 0;
	}
	dacl = malloc(sizeof(*dacl));
	if (!dacl)
		return -ENOMEM;
	rc = xsan_acl_get(st, txn, dir->ino, XSAN_ACL_DEFAULT, dacl);
	if (rc == -ENODATA) {
		fprintf(stderr, "xsan store: directory %llu: default ACL flag without its xattr (run fsck.xsanfs)\n",
			(unsigned long long)dir->ino);
		rc = -EIO;
	}
	if (!rc && S_ISDIR(in->mode))
		rc = xsan_acl_put(st, txn, in, XSAN_ACL_DEFAULT, dacl);
	if (!rc && xsan_acl_create_masq(dacl, &mode) == 1)
		rc = xsan_acl_put(st, txn, in, XSAN_ACL_ACCESS, dacl);
	if (!rc)
		in->mode = mode;
	free(dacl);
	return rc;
}
