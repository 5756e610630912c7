// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX permission rules of the metadata store, applied to the
 * credentials a client sends: Linux's generic_permission(), may_create(),
 * may_delete() (with the sticky-directory rule) and setattr_prepare(),
 * with the capabilities of struct xsan_cred standing in for capable().
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "store_int.h"

/** xsan_in_group() - is @gid the caller's fsgid or a supplementary group? */
bool xsan_in_group(const struct xsan_cred *cr, uint32_t gid)
{
	uint32_t n = cr->ngroups < XSAN_NGROUPS_MAX ? cr->ngroups : XSAN_NGROUPS_MAX;

	if (cr->gid == gid)
		return true;
	for (uint32_t i = 0; i < n; i++)
		if (cr->groups[i] == gid)
			return true;
	return false;
}

/** xsan_has_cap() - does the caller hold XSAN_CAP_* @cap? */
bool xsan_has_cap(const struct xsan_cred *cr, uint32_t cap)
{
	return (cr->caps & cap) == cap;
}

/** xsan_owner_or_capable() - inode_owner_or_capable(): owner or FOWNER. */
bool xsan_owner_or_capable(const struct xsan_cred *cr,
			   const struct xsan_inode *in)
{
	return cr->uid == in->uid || xsan_has_cap(cr, XSAN_CAP_FOWNER);
}

/**
 * xsan_permission() - generic_permission() for XSAN_MAY_* @mask
 *
 * The mode class (owner, group, other) is chosen first and only its bits
 * count, as in Linux, except that for anyone but the owner an access ACL
 * (with group bits, its mask, not 0) decides instead; then DAC_OVERRIDE
 * and DAC_READ_SEARCH may grant what the bits or the ACL did not.
 *
 * Return: 0, -EACCES, or -EPERM for a write of an immutable inode.
 */
int xsan_permission(const struct xsan_cred *cr, const struct xsan_inode *in,
		    int mask)
{
	uint32_t mode = in->mode, bits;

	/* inode_permission(): nobody writes an immutable inode */
	if ((mask & XSAN_MAY_WRITE) && (in->flags & XSAN_AF_IMMUTABLE))
		return -EPERM;
	if (cr->uid == in->uid) {
		bits = mode >> 6;
	} else if ((in->flags & XSAN_AF_ACL) && (mode & 070)) {
		/* acl_permission_check(): the ACL decides for all but the owner */
		if (!in->acl.n) {
			/* read without xsan_inode_get(): refuse, never guess */
			fprintf(stderr, "xsan store: inode %llu: permission check without its ACL\n",
				(unsigned long long)in->ino);
			return -EACCES;
		}
		bits = xsan_acl_permission(cr, in, &in->acl, mask) ? 0 : 7;
	} else if (xsan_in_group(cr, in->gid)) {
		bits = mode >> 3;
	} else {
		bits = mode;
	}
	if (((int)bits & mask & 7) == (mask & 7))
		return 0;
	if (S_ISDIR(mode)) {
		if (xsan_has_cap(cr, XSAN_CAP_DAC_OVERRIDE))
			return 0;
		if (!(mask & XSAN_MAY_WRITE) &&
		    xsan_has_cap(cr, XSAN_CAP_DAC_READ_SEARCH))
			return 0;
		return -EACCES;
	}
	/* Exec needs at least one exec bit, even for DAC_OVERRIDE. */
	if (xsan_has_cap(cr, XSAN_CAP_DAC_OVERRIDE) &&
	    (!(mask & XSAN_MAY_EXEC) || (mode & 0111)))
		return 0;
	if (mask == XSAN_MAY_READ && xsan_has_cap(cr, XSAN_CAP_DAC_READ_SEARCH))
		return 0;
	return -EACCES;
}

/** xsan_may_create() - may_create(): write and search on @dir. */
int xsan_may_create(const struct xsan_cred *cr, const struct xsan_inode *dir)
{
	return xsan_permission(cr, dir, XSAN_MAY_WRITE | XSAN_MAY_EXEC);
}

/**
 * xsan_may_delete() - may_delete(): may @cr remove @victim's entry in @dir?
 * @isdir: the operation removes a directory (rmdir, or rename of one)
 *
 * Return: 0, -EACCES, -EPERM (sticky @dir: neither owner of the entry nor
 * of @dir, and no FOWNER), -ENOTDIR or -EISDIR for the wrong type.
 */
int xsan_may_delete(const struct xsan_cred *cr, const struct xsan_inode *dir,
		    const struct xsan_inode *victim, bool isdir)
{
	int rc = xsan_permission(cr, dir, XSAN_MAY_WRITE | XSAN_MAY_EXEC);

	if (rc)
		return rc;
	/* may_delete(): append-only directories keep their entries */
	if (dir->flags & XSAN_AF_APPEND)
		return -EPERM;
	if ((dir->mode & S_ISVTX) && cr->uid != victim->uid &&
	    cr->uid != dir->uid && !xsan_has_cap(cr, XSAN_CAP_FOWNER))
		return -EPERM;
	if (victim->flags & (XSAN_AF_IMMUTABLE | XSAN_AF_APPEND))
		return -EPERM;
	if (isdir && !S_ISDIR(victim->mode))
		return -ENOTDIR;
	if (!isdir && S_ISDIR(victim->mode))
		return -EISDIR;
	return 0;
}

/**
 * xsan_setattr_prepare() - may @cr make the change @sa to @in?
 * @mode: out: the permission bits @in will have (07777), with the bits
 *        Linux drops (SGID on chmod outside the group, SUID/SGID on
 *        chown of a non-directory) already dropped
 *
 * In the order Linux checks: truncate's write permission, then
 * setattr_prepare() (chown, chgrp, chmod, explicit times), then the
 * write permission utimes(NULL) needs.
 *
 * Return: 0, -EINVAL, -EISDIR, -EACCES or -EPERM.
 */
int xsan_setattr_prepare(const struct xsan_cred *cr,
			 const struct xsan_inode *in,
			 const struct xsan_sattr *sa, uint32_t *mode)
{
	uint32_t v = sa->valid, gid;
	bool owner = xsan_owner_or_capable(cr, in);
	int rc;

	*mode = in->mode & 07777;
	if (v & ~XSAN_SA_ALL)
		return -EINVAL;
	if ((v & XSAN_SA_IFLAGS) && (sa->iflags & ~XSAN_AF_IFLAGS))
		return -EINVAL;
	/*
	 * notify_change() and vfs_truncate(): nothing changes an immutable
	 * inode but its flags; an append-only one keeps its mode, owner,
	 * explicit times and size (utimes(NULL) still works)
	 */
	if ((in->flags & XSAN_AF_IMMUTABLE) && (v & ~XSAN_SA_IFLAGS))
		return -EPERM;
	if ((in->flags & XSAN_AF_APPEND) &&
	    (v & (XSAN_SA_MODE | XSAN_SA_UID | XSAN_SA_GID | XSAN_SA_ATIME |
		  XSAN_SA_MTIME | XSAN_SA_SIZE)))
		return -EPERM;
	/* vfs_fileattr_set(): owner or FOWNER; the two flags need
	 * LINUX_IMMUTABLE to change
	 */
	if (v & XSAN_SA_IFLAGS) {
		if (!owner)
			return -EPERM;
		if (((sa->iflags ^ in->flags) & XSAN_AF_IFLAGS) &&
		    !xsan_has_cap(cr, XSAN_CAP_LINUX_IMMUTABLE))
			return -EPERM;
	}
	if ((v & XSAN_SA_MODE) && (sa->mode & ~07777u))
		return -EINVAL;
	if ((v & XSAN_SA_ATIME && sa->atime.nsec > 999999999) ||
	    (v & XSAN_SA_MTIME && sa->mtime.nsec > 999999999))
		return -EINVAL;
	if (v & XSAN_SA_SIZE) {
		if (S_ISDIR(in->mode))
			return -EISDIR;
		if (!S_ISREG(in->mode))
			return -EINVAL;
		if (sa->size > (uint64_t)INT64_MAX)
			return -EFBIG;
		rc = xsan_permission(cr, in, XSAN_MAY_WRITE);
		if (rc)
			return rc;
	}
	/* chown_ok(): only a no-op by the owner works without CHOWN. */
	if ((v & XSAN_SA_UID) && !xsan_has_cap(cr, XSAN_CAP_CHOWN) &&
	    !(cr->uid == in->uid && sa->uid == in->uid))
		return -EPERM;
	/* chgrp_ok(): the owner may pick one of their own groups. */
	if ((v & XSAN_SA_GID) && !xsan_has_cap(cr, XSAN_CAP_CHOWN) &&
	    !(cr->uid == in->uid &&
	      (sa->gid == in->gid || xsan_in_group(cr, sa->gid))))
		return -EPERM;
	if (v & XSAN_SA_MODE) {
		if (!owner)
			return -EPERM;
		gid = (v & XSAN_SA_GID) ? sa->gid : in->gid;
		*mode = sa->mode;
		if (!xsan_in_group(cr, gid) && !xsan_has_cap(cr, XSAN_CAP_FSETID))
			*mode &= ~(uint32_t)S_ISGID;
	}
	if ((v & (XSAN_SA_ATIME | XSAN_SA_MTIME)) && !owner)
		return -EPERM;
	if ((v & (XSAN_SA_ATIME_NOW | XSAN_SA_MTIME_NOW)) && !owner) {
		rc = xsan_permission(cr, in, XSAN_MAY_WRITE);
		if (rc)
			return rc;
	}
	/*
	 * chown_common() kills SUID on every non-directory whatever the
	 * caller's capabilities, and SGID as setattr_should_drop_sgid():
	 * always with group-exec (a real setgid bit), without it (mandatory
	 * locking's marker) only for a caller outside the file's group
	 * without FSETID.
	 */
	if ((v & (XSAN_SA_UID | XSAN_SA_GID)) && !S_ISDIR(in->mode)) {
		*mode &= ~(uint32_t)S_ISUID;
		if ((*mode & S_ISGID) &&
		    ((*mode & S_IXGRP) ||
		     (!xsan_in_group(cr, in->gid) &&
		      !xsan_has_cap(cr, XSAN_CAP_FSETID))))
			*mode &= ~(uint32_t)S_ISGID;
	}
	return 0;
}
