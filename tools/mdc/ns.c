// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace operations of the metadata store: LOOKUP, GETATTR,
 * SETATTR, READDIR, CREATE/MKDIR/MKNOD, SYMLINK, READLINK, LINK, UNLINK,
 * RMDIR and RENAME, each checking in the order Linux's VFS and ext4 check,
 * so a client sees the errno a local filesystem gives. Every modifying
 * operation runs in its own nested transaction (xsan_op_begin/end).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store_int.h"

/* 1 for ".", 2 for "..", else 0. */
static int dots(const char *name, uint32_t len)
{
	if (len == 1 && name[0] == '.')
		return 1;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return 2;
	return 0;
}

/* A name a directory entry can have. */
static int check_name(const char *name, uint32_t len)
{
	if (!len)
		return -ENOENT;
	if (len > XSAN_NAME_MAX)
		return -ENAMETOOLONG;
	if (memchr(name, '/', len) || memchr(name, '\0', len))
		return -EINVAL;
	return 0;
}

/*
 * May @cr add the entry @name to @dir? Checks the name, that no entry of
 * that name exists (EEXIST, "." and ".." included) and the permission.
 */
static int new_entry_ok(struct xsan_store *st, MDB_txn *txn,
			const struct xsan_cred *cr, const struct xsan_inode *dir,
			const char *name, uint32_t len)
{
	struct xsan_dent d;
	int rc;

	if (dots(name, len))
		return -EEXIST;
	rc = check_name(name, len);
	if (rc)
		return rc;
	rc = xsan_dent_get(st, txn, dir->ino, name, len, &d);
	if (rc != -ENOENT)
		return rc ? rc : -EEXIST;
	return xsan_may_create(cr, dir);
}

/* The inode @fid names, or -ESTALE. */
static int fid_get(struct xsan_store *st, MDB_txn *txn,
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

/* The directory @fid names: -ESTALE, -ENOTDIR, or -EACCES without search. */
static int dir_get(struct xsan_store *st, MDB_txn *txn,
		   const struct xsan_cred *cr, const struct xsan_fid *fid,
		   struct xsan_inode *dir)
{
	int rc = fid_get(st, txn, fid, dir);

	if (rc)
		return rc;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	return xsan_permission(cr, dir, XSAN_MAY_EXEC);
}

/* The inode entry @d names; an entry to nothing is damage. */
static int child_get(struct xsan_store *st, MDB_txn *txn, uint64_t dir,
		     const struct xsan_dent *d, struct xsan_inode *in)
{
	int rc = xsan_inode_get(st, txn, d->ino, in);

	if (rc == -ENOENT || (!rc && in->gen != d->gen)) {
		fprintf(stderr, "xsan store: directory %llu: entry to missing inode %llu (run fsck.xsanfs)\n",
			(unsigned long long)dir, (unsigned long long)d->ino);
		return -EIO;
	}
	return rc;
}

/* Does directory @dir have entries? */
static int dir_empty(struct xsan_store *st, MDB_txn *txn, uint64_t dir)
{
	uint8_t kb[8];
	MDB_val k = { 8, kb }, v;
	MDB_cursor *cur;
	int rc;

	xsan_put_be64(kb, dir);
	rc = mdb_cursor_open(txn, st->dirents, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	mdb_cursor_close(cur);
	if (rc == MDB_NOTFOUND)
		return 1;
	if (rc)
		return xsan_mdb_err(rc);
	return !(k.mv_size >= 8 && xsan_get_be64(k.mv_data) == dir);
}

/*
 * Is @anc the directory @dir or one of its ancestors? Walks parent
 * pointers to the root; a walk longer than any tree could be is damage.
 */
static int is_ancestor(struct xsan_store *st, MDB_txn *txn, uint64_t anc,
		       uint64_t dir)
{
	struct xsan_inode *in = malloc(sizeof(*in));
	int rc = 0;

	if (!in)
		return -ENOMEM;
	for (unsigned long steps = 0; ; steps++) {
		if (dir == anc) {
			rc = 1;
			break;
		}
		if (dir == XSAN_ROOT_INO)
			break;
		if (steps > 1000000) {
			fprintf(stderr, "xsan store: directory loop above %llu (run fsck.xsanfs)\n",
				(unsigned long long)dir);
			rc = -EIO;
			break;
		}
		rc = xsan_inode_get(st, txn, dir, in);
		if (rc) {
			if (rc == -ENOENT)
				rc = -EIO;
			break;
		}
		dir = in->parent;
	}
	free(in);
	return rc;
}

/** xsan_ns_lookup() - LOOKUP; "." and ".." included (root's ".." is root). */
int xsan_ns_lookup(struct xsan_txn *t, const struct xsan_cred *cr,
		   const struct xsan_fid *dirfid, const char *name, uint32_t len,
		   struct xsan_attr *out)
{
	struct xsan_store *st = t->st;
	struct xsan_inode *dir, *in;
	struct xsan_dent d;
	int rc;

	dir = malloc(2 * sizeof(*dir));
	if (!dir)
		return -ENOMEM;
	in = dir + 1;
	rc = dir_get(st, t->txn, cr, dirfid, dir);
	if (rc)
		goto out;
	switch (dots(name, len)) {
	case 1:
		xsan_inode_attr(dir, out);
		goto out;
	case 2:
		rc = xsan_inode_get(st, t->txn, dir->parent, in);
		if (rc == -ENOENT)
			rc = -EIO;
		if (!rc)
			xsan_inode_attr(in, out);
		goto out;
	}
	rc = check_name(name, len);
	if (!rc)
		rc = xsan_dent_get(st, t->txn, dir->ino, name, len, &d);
	if (!rc)
		rc = child_get(st, t->txn, dir->ino, &d, in);
	if (!rc)
		xsan_inode_attr(in, out);
out:
	free(dir);
	return rc;
}

/** xsan_ns_getattr() - GETATTR: no permission needed, as stat(2). */
int xsan_ns_getattr(struct xsan_txn *t, const struct xsan_fid *fid,
		    struct xsan_attr *out)
{
	struct xsan_inode *in = malloc(sizeof(*in));
	int rc;

	if (!in)
		return -ENOMEM;
	rc = fid_get(t->st, t->txn, fid, in);
	if (!rc)
		xsan_inode_attr(in, out);
	free(in);
	return rc;
}

/** xsan_ns_setattr() - SETATTR; size is metadata only until layouts. */
int xsan_ns_setattr(struct xsan_txn *t, const struct xsan_cred *cr,
		    const struct xsan_fid *fid, const struct xsan_sattr *sa,
		    const struct xsan_time *now, struct xsan_attr *out)
{
	struct xsan_inode *in;
	uint32_t mode;
	MDB_txn *txn;
	int rc;

	rc = xsan_op_begin(t, &txn);
	if (rc)
		return rc;
	in = malloc(sizeof(*in));
	if (!in)
		return xsan_op_end(txn, -ENOMEM);
	rc = fid_get(t->st, txn, fid, in);
	if (!rc)
		rc = xsan_setattr_prepare(cr, in, sa, &mode);
	if (rc || !sa->valid)
		goto out;
	in->mode = (in->mode & S_IFMT) | mode;
	if (sa->valid & XSAN_SA_IFLAGS)
		in->flags = (in->flags & ~XSAN_AF_IFLAGS) | sa->iflags;
	/* posix_acl_chmod(): the owner, mask and other entries follow */
	if ((sa->valid & XSAN_SA_MODE) && (in->flags & XSAN_AF_ACL)) {
		xsan_acl_chmod(&in->acl, in->mode);
		rc = xsan_acl_put(t->st, txn, in, XSAN_ACL_ACCESS, &in->acl);
		if (rc)
			goto out;
	}
	if (sa->valid & XSAN_SA_UID)
		in->uid = sa->uid;
	if (sa->valid & XSAN_SA_GID)
		in->gid = sa->gid;
	if (sa->valid & XSAN_SA_SIZE) {
		uint64_t bs = t->st->geom.bsize;

		/*
		 * truncate(2) always sets mtime and ctime. A truncate that
		 * does not grow the file frees the blocks past its new end,
		 * those preallocated past EOF (fallocate KEEP_SIZE) too, as
		 * ext4 and XFS do; growing keeps them.
		 */
		if (S_ISREG(in->mode) && sa->size <= in->size) {
			/* blocks past the new end go back to the free map */
			xsan_asess_release(t->st, in->ino);
			rc = xsan_ext_free_from(t->st, txn, in,
						sa->size / bs + (sa->size % bs != 0));
			if (rc)
				goto out;
		}
		in->size = sa->size;
		in->mtime = *now;
	}
	if (sa->valid & XSAN_SA_ATIME_NOW)
		in->atime = *now;
	else if (sa->valid & XSAN_SA_ATIME)
		in->atime = sa->atime;
	if (sa->valid & XSAN_SA_MTIME_NOW)
		in->mtime = *now;
	else if (sa->valid & XSAN_SA_MTIME)
		in->mtime = sa->mtime;
	xsan_touch(in, now, false);
	rc = xsan_inode_put(t->st, txn, in);
out:
	if (!rc)
		xsan_inode_attr(in, out);
	free(in);
	return xsan_op_end(txn, rc);
}

/** xsan_ns_readdir() - READDIR: entries with a cookie above @cookie. */
int xsan_ns_readdir(struct xsan_txn *t, const struct xsan_cred *cr,
		    const struct xsan_fid *dirfid, uint64_t cookie,
		    xsan_emit_fn emit, void *ctx, bool *eof)
{
	struct xsan_store *st = t->st;
	struct xsan_inode *dir;
	uint8_t kb[16];
	MDB_val k = { 16, kb }, v;
	MDB_cursor *cur;
	int rc;

	*eof = false;
	dir = malloc(sizeof(*dir));
	if (!dir)
		return -ENOMEM;
	rc = fid_get(st, t->txn, dirfid, dir);
	if (!rc && !S_ISDIR(dir->mode))
		rc = -ENOTDIR;
	if (!rc)
		rc = xsan_permission(cr, dir, XSAN_MAY_READ);
	free(dir);
	if (rc)
		return rc;
	if (cookie == UINT64_MAX) {
		*eof = true;
		return 0;
	}
	rc = mdb_cursor_open(t->txn, st->dirseq, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	xsan_put_be64(kb, dirfid->ino);
	xsan_put_be64(kb + 8, cookie + 1);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct xsan_dirent de;
		struct xsan_dent d;

		if (k.mv_size != 16 || xsan_get_be64(k.mv_data) != dirfid->ino)
			break;
		de.cookie = xsan_get_be64((uint8_t *)k.mv_data + 8);
		de.name = v.mv_data;
		de.namelen = (uint32_t)v.mv_size;
		rc = v.mv_size && v.mv_size <= XSAN_NAME_MAX ?
		     xsan_dent_get(st, t->txn, dirfid->ino, de.name, de.namelen, &d) :
		     -ENOENT;
		if (rc || d.seq != de.cookie) {
			fprintf(stderr, "xsan store: directory %llu: READDIR index entry %llu has no entry (run fsck.xsanfs)\n",
				(unsigned long long)dirfid->ino,
				(unsigned long long)de.cookie);
			mdb_cursor_close(cur);
			return rc && rc != -ENOENT ? rc : -EIO;
		}
		de.ino = d.ino;
		de.type = d.type;
		if (emit(ctx, &de)) {
			mdb_cursor_close(cur);
			return 0;
		}
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return xsan_mdb_err(rc);
	*eof = true;
	return 0;
}

/* Create @name in @dirfid: the common part of MKNOD and SYMLINK. */
/*
 * A new inode of @mode made by @cr in @dir (inode_init_owner()): number,
 * owner, group (@dir's with its setgid bit), mode, times, and its ACLs
 * (@mode may carry a request's umask word, XSAN_NS_UMASK()). Not linked.
 */
static int init_inode(struct xsan_store *st, MDB_txn *txn,
		      const struct xsan_cred *cr, const struct xsan_inode *dir,
		      uint32_t mode, const struct xsan_time *now,
		      struct xsan_inode *in)
{
	uint32_t type = mode & S_IFMT, umask = mode >> XSAN_NS_UMASK_SHIFT;
	int rc = xsan_ino_alloc(st, txn, &in->ino, &in->gen);

	if (rc)
		return rc;
	mode &= S_IFMT | 07777u;
	/* vfs_mkdir() drops SUID and SGID from the requested mode. */
	mode &= type == S_IFDIR ? 01777u : 07777u;
	in->uid = cr->uid;
	if (dir->mode & S_ISGID) {
		/* inode_init_owner() */
		in->gid = dir->gid;
		if (type == S_IFDIR)
			mode |= S_ISGID;
		else if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
			 !xsan_in_group(cr, in->gid) &&
			 !xsan_has_cap(cr, XSAN_CAP_FSETID))
			mode &= ~(uint32_t)S_ISGID;
	} else {
		in->gid = cr->gid;
	}
	in->mode = type | mode;
	in->atime = in->mtime = in->ctime = *now;
	in->change = 1;
	in->seq = 1;
	/* the directory's default ACL, or the umask (posix_acl_create()) */
	return xsan_acl_inherit(st, txn, dir, in, umask);
}

/** xsan_ns_tmpfile() - see store.h. */
int xsan_ns_tmpfile(struct xsan_store *st, MDB_txn *txn,
		    const struct xsan_cred *cr, const struct xsan_fid *dirfid,
		    uint32_t mode, const struct xsan_time *now,
		    struct xsan_inode *in)
{
	struct xsan_inode *dir = calloc(1, sizeof(*dir));
	int rc;

	if (!dir)
		return -ENOMEM;
	memset(in, 0, sizeof(*in));
	rc = dir_get(st, txn, cr, dirfid, dir);
	if (!rc)
		rc = xsan_may_create(cr, dir);
	if (!rc && dir->nlink == 0)
		rc = -ENOENT;	/* a removed directory takes nothing new */
	if (!rc)
		rc = init_inode(st, txn, cr, dir, S_IFREG |
				(mode & (07777 | ~0xffffu)), now, in);
	/* no link: it lives while open (xsan_ino_kept()), or until LINK */
	if (!rc)
		rc = xsan_affinity_inherit(st, txn, dir->ino, in->ino);
	if (!rc)
		rc = xsan_inode_put(st, txn, in);
	free(dir);
	return rc;
}

static int do_create(struct xsan_txn *t, const struct xsan_cred *cr,
		     const struct xsan_fid *dirfid, const char *name,
		     uint32_t len, uint32_t mode, uint32_t major, uint32_t minor,
		     const char *target, uint32_t tlen,
		     const struct xsan_time *now, struct xsan_attr *out,
		     struct xsan_attr *dir_out)
{
	struct xsan_store *st = t->st;
	struct xsan_inode *dir, *in;
	uint32_t type = mode & S_IFMT;
	MDB_txn *txn;
	int rc;

	rc = xsan_op_begin(t, &txn);
	if (rc)
		return rc;
	dir = calloc(2, sizeof(*dir));
	if (!dir)
		return xsan_op_end(txn, -ENOMEM);
	in = dir + 1;
	rc = dir_get(st, txn, cr, dirfid, dir);
	if (rc)
		goto out;
	rc = new_entry_ok(st, txn, cr, dir, name, len);
	if (rc)
		goto out;
	if ((type == S_IFCHR || type == S_IFBLK) &&
	    !xsan_has_cap(cr, XSAN_CAP_MKNOD)) {
		rc = -EPERM;
		goto out;
	}
	if (type == S_IFDIR && dir->nlink >= XSAN_LINK_MAX) {
		rc = -EMLINK;
		goto out;
	}
	rc = init_inode(st, txn, cr, dir, mode, now, in);
	if (rc)
		goto out;
	in->nlink = type == S_IFDIR ? 2 : 1;
	if (type == S_IFCHR || type == S_IFBLK) {
		in->rdev_major = major;
		in->rdev_minor = minor;
	}
	if (type == S_IFDIR)
		in->parent = dir->ino;
	if (target) {
		memcpy(in->target, target, tlen);
		in->tlen = tlen;
		in->size = tlen;
	}
	rc = xsan_dent_add(st, txn, dir, name, len, in);
	if (!rc)
		rc = xsan_affinity_inherit(st, txn, dir->ino, in->ino);
	if (rc)
		goto out;
	if (type == S_IFDIR)
		dir->nlink++;
	xsan_touch(dir, now, true);
	rc = xsan_inode_put(st, txn, in);
	if (!rc)
		rc = xsan_inode_put(st, txn, dir);
out:
	if (!rc) {
		xsan_inode_attr(in, out);
		xsan_inode_attr(dir, dir_out);
	}
	free(dir);
	return xsan_op_end(txn, rc);
}

/** xsan_ns_mknod() - CREATE, MKDIR, MKNOD (not symlinks). */
int xsan_ns_mknod(struct xsan_txn *t, const struct xsan_cred *cr,
		  const struct xsan_fid *dir, const char *name, uint32_t len,
		  uint32_t mode, uint32_t major, uint32_t minor,
		  const struct xsan_time *now, struct xsan_attr *out,
		  struct xsan_attr *dir_out)
{
	/* mknod(2) makes a regular file of type 0. */
	if (!(mode & S_IFMT))
		mode |= S_IFREG;
	switch (mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFCHR: case S_IFBLK:
	case S_IFIFO: case S_IFSOCK:
		break;
	default:
		return -EINVAL;
	}
	return do_create(t, cr, dir, name, len, mode, major, minor, NULL, 0,
			 now, out, dir_out);
}

/** xsan_ns_symlink() - SYMLINK: mode 0777, the target kept in the inode. */
int xsan_ns_symlink(struct xsan_txn *t, const struct xsan_cred *cr,
		    const struct xsan_fid *dir, const char *name, uint32_t len,
		    const char *target, uint32_t tlen,
		    const struct xsan_time *now, struct xsan_attr *out,
		    struct xsan_attr *dir_out)
{
	if (!tlen)
		return -ENOENT;
	if (tlen > XSAN_SYMLINK_MAX)
		return -ENAMETOOLONG;
	if (memchr(target, '\0', tlen))
		return -EINVAL;
	return do_create(t, cr, dir, name, len, S_IFLNK | 0777, 0, 0, target,
			 tlen, now, out, dir_out);
}

/** xsan_ns_readlink() - READLINK: -EINVAL for anything but a symlink. */
int xsan_ns_readlink(struct xsan_txn *t, const struct xsan_cred *cr,
		     const struct xsan_fid *fid, char *buf, uint32_t *tlen)
{
	struct xsan_inode *in = malloc(sizeof(*in));
	int rc;

	(void)cr;	/* readlink(2) needs no permission on the link */
	if (!in)
		return -ENOMEM;
	rc = fid_get(t->st, t->txn, fid, in);
	if (!rc && !S_ISLNK(in->mode))
		rc = -EINVAL;
	if (!rc) {
		memcpy(buf, in->target, in->tlen);
		*tlen = in->tlen;
	}
	free(in);
	return rc;
}

/** xsan_ns_link() - LINK @fid as @name in @dirfid. */
int xsan_ns_link(struct xsan_txn *t, const struct xsan_cred *cr,
		 const struct xsan_fid *fid, const struct xsan_fid *dirfid,
		 const char *name, uint32_t len, const struct xsan_time *now,
		 struct xsan_attr *out, struct xsan_attr *dir_out)
{
	struct xsan_store *st = t->st;
	struct xsan_inode *dir, *in;
	MDB_txn *txn;
	int rc;

	rc = xsan_op_begin(t, &txn);
	if (rc)
		return rc;
	dir = malloc(2 * sizeof(*dir));
	if (!dir)
		return xsan_op_end(txn, -ENOMEM);
	in = dir + 1;
	rc = fid_get(st, txn, fid, in);
	if (!rc)
		rc = dir_get(st, txn, cr, dirfid, dir);
	if (rc)
		goto out;
	rc = new_entry_ok(st, txn, cr, dir, name, len);
	if (rc)
		goto out;
	/* vfs_link(): not of an append-only or immutable inode */
	if (S_ISDIR(in->mode) ||
	    (in->flags & (XSAN_AF_IMMUTABLE | XSAN_AF_APPEND))) {
		rc = -EPERM;
		goto out;
	}
	if (in->nlink >= XSAN_LINK_MAX) {
		rc = -EMLINK;
		goto out;
	}
	rc = xsan_dent_add(st, txn, dir, name, len, in);
	if (rc)
		goto out;
	in->nlink++;
	xsan_touch(in, now, false);
	xsan_touch(dir, now, true);
	rc = xsan_inode_put(st, txn, in);
	if (!rc)
		rc = xsan_inode_put(st, txn, dir);
out:
	if (!rc) {
		xsan_inode_attr(in, out);
		xsan_inode_attr(dir, dir_out);
	}
	free(dir);
	return xsan_op_end(txn, rc);
}

/*
 * Drop one link of @in (whose entry is already gone): a directory loses
 * all its links. Frees the inode at 0, unless a session holds it open:
 * then it stays, with no link, until the last CLOSE (or the end of the
 * sessions holding it, or the end of the reclaims after the next start
 * of the MDC) frees it. So does a file while the store keeps unlinked
 * files for reclaims (xsan_store_keep_unlinked()).
 */
static int drop_link(struct xsan_store *st, MDB_txn *txn,
		     struct xsan_inode *in, const struct xsan_time *now)
{
	if (S_ISDIR(in->mode) || in->nlink <= 1)
		in->nlink = 0;
	else
		in->nlink--;
	xsan_touch(in, now, false);
	if (!in->nlink && !xsan_ino_kept(st, in))
		return xsan_ino_free(st, txn, in);
	return xsan_inode_put(st, txn, in);
}

/* UNLINK (@isdir false) and RMDIR (@isdir true). */
static int do_remove(struct xsan_txn *t, const struct xsan_cred *cr,
		     const struct xsan_fid *dirfid, const char *name,
		     uint32_t len, bool isdir, const struct xsan_time *now,
		     struct xsan_attr *dir_out, struct xsan_attr *victim_out)
{
	struct xsan_store *st = t->st;
	struct xsan_inode *dir, *in;
	struct xsan_dent d;
	MDB_txn *txn;
	int rc;

	rc = xsan_op_begin(t, &txn);
	if (rc)
		return rc;
	dir = malloc(2 * sizeof(*dir));
	if (!dir)
		return xsan_op_end(txn, -ENOMEM);
	in = dir + 1;
	rc = dir_get(st, txn, cr, dirfid, dir);
	if (rc)
		goto out;
	switch (dots(name, len)) {
	case 1:
		rc = isdir ? -EINVAL : -EISDIR;
		goto out;
	case 2:
		rc = isdir ? -ENOTEMPTY : -EISDIR;
		goto out;
	}
	rc = check_name(name, len);
	if (!rc)
		rc = xsan_dent_get(st, txn, dir->ino, name, len, &d);
	if (!rc)
		rc = child_get(st, txn, dir->ino, &d, in);
	if (!rc)
		rc = xsan_may_delete(cr, dir, in, isdir);
	if (!rc && isdir) {
		rc = dir_empty(st, txn, in->ino);
		rc = rc < 0 ? rc : rc ? 0 : -ENOTEMPTY;
	}
	if (rc)
		goto out;
	rc = xsan_dent_del(st, txn, dir->ino, name, len);
	if (rc)
		goto out;
	if (isdir)
		dir->nlink--;
	xsan_touch(dir, now, true);
	rc = drop_link(st, txn, in, now);
	if (!rc)
		rc = xsan_inode_put(st, txn, dir);
out:
	if (!rc) {
		xsan_inode_attr(dir, dir_out);
		xsan_inode_attr(in, victim_out);
	}
	free(dir);
	return xsan_op_end(txn, rc);
}

/** xsan_ns_unlink() - UNLINK: -EISDIR for a directory. */
int xsan_ns_unlink(struct xsan_txn *t, const struct xsan_cred *cr,
		   const struct xsan_fid *dir, const char *name, uint32_t len,
		   const struct xsan_time *now, struct xsan_attr *dir_out,
		   struct xsan_attr *victim_out)
{
	return do_remove(t, cr, dir, name, len, false, now, dir_out, victim_out);
}

/** xsan_ns_rmdir() - RMDIR of an empty directory. */
int xsan_ns_rmdir(struct xsan_txn *t, const struct xsan_cred *cr,
		  const struct xsan_fid *dir, const char *name, uint32_t len,
		  const struct xsan_time *now, struct xsan_attr *dir_out,
		  struct xsan_attr *victim_out)
{
	return do_remove(t, cr, dir, name, len, true, now, dir_out, victim_out);
}

/* The records RENAME works on; od and nd may be the same directory. */
struct rename_ctx {
	struct xsan_inode odir, ndir, src, tgt;
	struct xsan_inode *od, *nd;
	bool exists;
};

/* All of RENAME's checks, in the order do_renameat2() and vfs_rename() make them. */
static int rename_check(struct xsan_store *st, MDB_txn *txn,
			const struct xsan_cred *cr, struct rename_ctx *c,
			const struct xsan_fid *odir, const char *oname,
			uint32_t olen, const struct xsan_fid *ndir,
			const char *nname, uint32_t nlen, uint32_t flags)
{
	bool xchg = flags & XSAN_RENAME_EXCHANGE, sdir, tdir;
	struct xsan_dent d;
	int rc;

	if ((flags & ~(XSAN_RENAME_NOREPLACE | XSAN_RENAME_EXCHANGE)) ||
	    flags == (XSAN_RENAME_NOREPLACE | XSAN_RENAME_EXCHANGE))
		return -EINVAL;
	rc = dir_get(st, txn, cr, odir, &c->odir);
	if (!rc)
		rc = dir_get(st, txn, cr, ndir, &c->ndir);
	if (rc)
		return rc;
	c->od = &c->odir;
	c->nd = c->odir.ino == c->ndir.ino ? &c->odir : &c->ndir;
	if (dots(oname, olen))
		return -EBUSY;
	if (dots(nname, nlen))
		return flags & XSAN_RENAME_NOREPLACE ? -EEXIST : -EBUSY;
	rc = check_name(oname, olen);
	if (!rc)
		rc = check_name(nname, nlen);
	if (!rc)
		rc = xsan_dent_get(st, txn, c->od->ino, oname, olen, &d);
	if (!rc)
		rc = child_get(st, txn, c->od->ino, &d, &c->src);
	if (rc)
		return rc;
	rc = xsan_dent_get(st, txn, c->nd->ino, nname, nlen, &d);
	if (rc && rc != -ENOENT)
		return rc;
	c->exists = !rc;
	if (c->exists) {
		rc = child_get(st, txn, c->nd->ino, &d, &c->tgt);
		if (rc)
			return rc;
	}
	if (xchg && !c->exists)
		return -ENOENT;
	if ((flags & XSAN_RENAME_NOREPLACE) && c->exists)
		return -EEXIST;
	sdir = S_ISDIR(c->src.mode);
	tdir = c->exists && S_ISDIR(c->tgt.mode);
	/* lock_rename()'s trap: neither may be an ancestor of the other side. */
	if (sdir) {
		rc = is_ancestor(st, txn, c->src.ino, c->nd->ino);
		if (rc)
			return rc < 0 ? rc : -EINVAL;
	}
	if (tdir) {
		rc = is_ancestor(st, txn, c->tgt.ino, c->od->ino);
		if (rc)
			return rc < 0 ? rc : xchg ? -EINVAL : -ENOTEMPTY;
	}
	if (c->exists && c->src.ino == c->tgt.ino)
		return 1;	/* two links to one inode: nothing to do */
	rc = xsan_may_delete(cr, c->od, &c->src, sdir);
	if (rc)
		return rc;
	if (!c->exists)
		rc = xsan_may_create(cr, c->nd);
	else
		rc = xsan_may_delete(cr, c->nd, &c->tgt, xchg ? tdir : sdir);
	if (rc)
		return rc;
	if (c->od != c->nd) {
		/* A moved directory's ".." changes: it must be writable. */
		if (sdir && (rc = xsan_permission(cr, &c->src, XSAN_MAY_WRITE)))
			return rc;
		if (xchg && tdir &&
		    (rc = xsan_permission(cr, &c->tgt, XSAN_MAY_WRITE)))
			return rc;
	}
	if (!xchg && tdir) {
		rc = dir_empty(st, txn, c->tgt.ino);
		if (rc <= 0)
			return rc < 0 ? rc : -ENOTEMPTY;
	}
	if (c->od != c->nd) {
		if (sdir && !tdir && c->nd->nlink >= XSAN_LINK_MAX)
			return -EMLINK;
		if (xchg && tdir && !sdir && c->od->nlink >= XSAN_LINK_MAX)
			return -EMLINK;
	}
	return 0;
}

/* RENAME's changes, after rename_check() allowed them. */
static int rename_apply(struct xsan_store *st, MDB_txn *txn,
			struct rename_ctx *c, const char *oname, uint32_t olen,
			const char *nname, uint32_t nlen, bool xchg,
			const struct xsan_time *now)
{
	bool sdir = S_ISDIR(c->src.mode);
	bool tdir = c->exists && S_ISDIR(c->tgt.mode);
	bool moved = c->od != c->nd;
	int rc;

	rc = xsan_dent_del(st, txn, c->od->ino, oname, olen);
	if (!rc && c->exists)
		rc = xsan_dent_del(st, txn, c->nd->ino, nname, nlen);
	if (!rc)
		rc = xsan_dent_add(st, txn, c->nd, nname, nlen, &c->src);
	if (!rc && xchg)
		rc = xsan_dent_add(st, txn, c->od, oname, olen, &c->tgt);
	if (rc)
		return rc;
	if (moved && sdir) {
		c->src.parent = c->nd->ino;
		c->od->nlink--;
		c->nd->nlink++;
	}
	if (xchg && moved && tdir) {
		c->tgt.parent = c->od->ino;
		c->nd->nlink--;
		c->od->nlink++;
	}
	xsan_touch(&c->src, now, false);
	xsan_touch(c->od, now, true);
	if (moved)
		xsan_touch(c->nd, now, true);
	rc = xsan_inode_put(st, txn, &c->src);
	if (rc)
		return rc;
	if (c->exists && xchg) {
		xsan_touch(&c->tgt, now, false);
		rc = xsan_inode_put(st, txn, &c->tgt);
	} else if (c->exists) {
		/* The replaced directory's ".." no longer counts in nd. */
		if (tdir)
			c->nd->nlink--;
		rc = drop_link(st, txn, &c->tgt, now);
	}
	if (!rc)
		rc = xsan_inode_put(st, txn, c->od);
	if (!rc && moved)
		rc = xsan_inode_put(st, txn, c->nd);
	return rc;
}

/** xsan_ns_rename() - RENAME, with NOREPLACE or EXCHANGE. */
int xsan_ns_rename(struct xsan_txn *t, const struct xsan_cred *cr,
		   const struct xsan_fid *odir, const char *oname, uint32_t olen,
		   const struct xsan_fid *ndir, const char *nname, uint32_t nlen,
		   uint32_t flags, const struct xsan_time *now,
		   struct xsan_attr out[4], uint32_t *nout)
{
	struct rename_ctx *c;
	MDB_txn *txn;
	int rc;

	rc = xsan_op_begin(t, &txn);
	if (rc)
		return rc;
	c = calloc(1, sizeof(*c));
	if (!c)
		return xsan_op_end(txn, -ENOMEM);
	rc = rename_check(t->st, txn, cr, c, odir, oname, olen, ndir, nname,
			  nlen, flags);
	if (!rc)
		rc = rename_apply(t->st, txn, c, oname, olen, nname, nlen,
				  flags & XSAN_RENAME_EXCHANGE, now);
	else if (rc == 1)
		rc = 0;
	if (!rc) {
		xsan_inode_attr(c->od, &out[0]);
		xsan_inode_attr(c->nd, &out[1]);
		xsan_inode_attr(&c->src, &out[2]);
		*nout = 3;
		if (c->exists) {
			xsan_inode_attr(&c->tgt, &out[3]);
			*nout = 4;
		}
	}
	free(c);
	return xsan_op_end(txn, rc);
}
