// SPDX-License-Identifier: GPL-2.0
/*
 * The metadata store: the LMDB environment of one volume, its tables and
 * record codecs, batch and per-operation transactions, and the namespace
 * operations (LOOKUP ... RENAME, STATFS) with the semantics ext4 shows.
 * Permission rules live in perm.c, extended attributes in xattr.c.
 * Documentation/metadata-format.rst is the byte-by-byte schema.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_int.h"
#include "util.h"

/* Sparse: a map this large costs nothing until pages are written. */
#define XSAN_MAP_SIZE		(8ull << 30)
#define GEOM_REC		48u
#define SG_REC			96u	/* one stripe group in meta "sgs" */

/* --- byte order --- */

/** xsan_put_be64() - store @v big-endian (keys sort numerically). */
void xsan_put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/** xsan_get_be64() - load a big-endian u64. */
uint64_t xsan_get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/** xsan_put_le32() - store @v little-endian. */
void xsan_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/** xsan_get_le32() - load a little-endian u32. */
uint32_t xsan_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/** xsan_put_le64() - store @v little-endian. */
void xsan_put_le64(uint8_t *p, uint64_t v)
{
	xsan_put_le32(p, (uint32_t)v);
	xsan_put_le32(p + 4, (uint32_t)(v >> 32));
}

/** xsan_get_le64() - load a little-endian u64. */
uint64_t xsan_get_le64(const uint8_t *p)
{
	return (uint64_t)xsan_get_le32(p) | (uint64_t)xsan_get_le32(p + 4) << 32;
}

/**
 * xsan_mdb_err() - an LMDB return code as a negative errno
 * @rc: what an mdb_* call returned (not 0)
 *
 * A full map is a full filesystem to the client; damage is EIO.
 */
int xsan_mdb_err(int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case MDB_NOTFOUND:
		return -ENOENT;
	case MDB_MAP_FULL:
	case MDB_TXN_FULL:
	case MDB_DBS_FULL:
		return -ENOSPC;
	case MDB_READERS_FULL:
		return -EAGAIN;
	default:
		/* LMDB passes system errors through as positive errnos. */
		if (rc > 0 && rc < 4096)
			return -rc;
		return -EIO;
	}
}

/** xsan_dt_of() - the XSAN_DT_* of a mode. */
uint8_t xsan_dt_of(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFIFO: return XSAN_DT_FIFO;
	case S_IFCHR: return XSAN_DT_CHR;
	case S_IFDIR: return XSAN_DT_DIR;
	case S_IFBLK: return XSAN_DT_BLK;
	case S_IFREG: return XSAN_DT_REG;
	case S_IFLNK: return XSAN_DT_LNK;
	case S_IFSOCK: return XSAN_DT_SOCK;
	default: return 0;
	}
}

/* --- records --- */

static void put_time(uint8_t *p, const struct xsan_time *t)
{
	xsan_put_le64(p, (uint64_t)t->sec);
	xsan_put_le32(p + 8, t->nsec);
	xsan_put_le32(p + 12, 0);
}

static void get_time(const uint8_t *p, struct xsan_time *t)
{
	t->sec = (int64_t)xsan_get_le64(p);
	t->nsec = xsan_get_le32(p + 8);
}

/**
 * xsan_inode_encode() - pack an inode record
 * @in: the inode
 * @buf: at least XSAN_INODE_REC + @in->tlen bytes
 *
 * Return: the record's length.
 */
size_t xsan_inode_encode(const struct xsan_inode *in, uint8_t *buf)
{
	memset(buf, 0, XSAN_INODE_REC);
	xsan_put_le32(buf + 0, in->gen);
	xsan_put_le32(buf + 4, in->mode);
	xsan_put_le32(buf + 8, in->nlink);
	xsan_put_le32(buf + 12, in->uid);
	xsan_put_le32(buf + 16, in->gid);
	xsan_put_le32(buf + 20, in->rdev_major);
	xsan_put_le32(buf + 24, in->rdev_minor);
	xsan_put_le32(buf + 28, in->tlen);
	xsan_put_le64(buf + 32, in->size);
	xsan_put_le64(buf + 40, in->blocks);
	put_time(buf + 48, &in->atime);
	put_time(buf + 64, &in->mtime);
	put_time(buf + 80, &in->ctime);
	xsan_put_le64(buf + 96, in->change);
	xsan_put_le64(buf + 104, in->parent);
	xsan_put_le64(buf + 112, in->seq);
	xsan_put_le32(buf + 120, in->flags);
	memcpy(buf + XSAN_INODE_REC, in->target, in->tlen);
	return XSAN_INODE_REC + in->tlen;
}

/**
 * xsan_inode_decode() - unpack and check an inode record
 * @ino: its key
 * @v: the stored value
 * @in: filled in
 *
 * Return: 0, or -EIO (with a message on stderr) for a damaged record.
 */
int xsan_inode_decode(uint64_t ino, const MDB_val *v, struct xsan_inode *in)
{
	const uint8_t *p = v->mv_data;
	uint32_t tlen;

	if (v->mv_size < XSAN_INODE_REC)
		goto bad;
	tlen = xsan_get_le32(p + 28);
	if (tlen > XSAN_SYMLINK_MAX || v->mv_size != XSAN_INODE_REC + tlen)
		goto bad;
	in->ino = ino;
	in->gen = xsan_get_le32(p + 0);
	in->mode = xsan_get_le32(p + 4);
	in->nlink = xsan_get_le32(p + 8);
	in->uid = xsan_get_le32(p + 12);
	in->gid = xsan_get_le32(p + 16);
	in->rdev_major = xsan_get_le32(p + 20);
	in->rdev_minor = xsan_get_le32(p + 24);
	in->tlen = tlen;
	in->size = xsan_get_le64(p + 32);
	in->blocks = xsan_get_le64(p + 40);
	get_time(p + 48, &in->atime);
	get_time(p + 64, &in->mtime);
	get_time(p + 80, &in->ctime);
	in->change = xsan_get_le64(p + 96);
	in->parent = xsan_get_le64(p + 104);
	in->seq = xsan_get_le64(p + 112);
	in->flags = xsan_get_le32(p + 120);
	in->acl.n = 0;
	memcpy(in->target, p + XSAN_INODE_REC, tlen);
	in->target[tlen] = '\0';
	if (!xsan_dt_of(in->mode) || !in->gen || (tlen && !S_ISLNK(in->mode)) ||
	    (in->flags & ~XSAN_AF_ALL) ||
	    ((in->flags & XSAN_AF_DEFACL) && !S_ISDIR(in->mode)) ||
	    (in->flags && S_ISLNK(in->mode)))
		goto bad;
	return 0;
bad:
	fprintf(stderr, "xsan store: inode %llu: damaged record (%zu bytes)\n",
		(unsigned long long)ino, v->mv_size);
	return -EIO;
}

/** xsan_dent_encode() - pack a directory entry record. */
void xsan_dent_encode(const struct xsan_dent *d, uint8_t buf[XSAN_DIRENT_REC])
{
	memset(buf, 0, XSAN_DIRENT_REC);
	xsan_put_le64(buf, d->ino);
	xsan_put_le32(buf + 8, d->gen);
	buf[12] = d->type;
	xsan_put_le64(buf + 16, d->seq);
}

/** xsan_dent_decode() - unpack a directory entry record; -EIO if bad. */
int xsan_dent_decode(const MDB_val *v, struct xsan_dent *d)
{
	const uint8_t *p = v->mv_data;

	if (v->mv_size != XSAN_DIRENT_REC)
		goto bad;
	d->ino = xsan_get_le64(p);
	d->gen = xsan_get_le32(p + 8);
	d->type = p[12];
	d->seq = xsan_get_le64(p + 16);
	if (!d->ino || !d->seq)
		goto bad;
	return 0;
bad:
	fprintf(stderr, "xsan store: damaged directory entry (%zu bytes)\n",
		v->mv_size);
	return -EIO;
}

/** xsan_inode_attr() - the wire attributes of an inode. */
void xsan_inode_attr(const struct xsan_inode *in, struct xsan_attr *a)
{
	if (!a)
		return;
	memset(a, 0, sizeof(*a));
	a->ino = in->ino;
	a->gen = in->gen;
	a->mode = in->mode;
	a->nlink = in->nlink;
	a->uid = in->uid;
	a->gid = in->gid;
	a->rdev_major = in->rdev_major;
	a->rdev_minor = in->rdev_minor;
	a->size = in->size;
	a->blocks = in->blocks;
	a->atime = in->atime;
	a->mtime = in->mtime;
	a->ctime = in->ctime;
	a->change = in->change;
	a->flags = in->flags;
}

/* --- tables --- */

/** xsan_inode_get() - read inode @ino; -ENOENT if there is none. */
int xsan_inode_get(struct xsan_store *st, MDB_txn *txn, uint64_t ino,
		   struct xsan_inode *in)
{
	uint8_t kb[8];
	MDB_val k = { 8, kb }, v;
	int rc;

	xsan_put_be64(kb, ino);
	rc = mdb_get(txn, st->inodes, &k, &v);
	if (rc)
		return xsan_mdb_err(rc);
	rc = xsan_inode_decode(ino, &v, in);
	/* permission checks need the access ACL: read it with the inode */
	if (!rc && (in->flags & XSAN_AF_ACL)) {
		rc = xsan_acl_get(st, txn, ino, XSAN_ACL_ACCESS, &in->acl);
		if (rc == -ENODATA) {
			fprintf(stderr, "xsan store: inode %llu: ACL flag without its xattr (run fsck.xsanfs)\n",
				(unsigned long long)ino);
			rc = -EIO;
		}
	}
	return rc;
}

/** xsan_inode_put() - write an inode record. */
int xsan_inode_put(struct xsan_store *st, MDB_txn *txn,
		   const struct xsan_inode *in)
{
	uint8_t kb[8], vb[XSAN_INODE_REC + XSAN_SYMLINK_MAX];
	MDB_val k = { 8, kb }, v = { 0, vb };

	xsan_put_be64(kb, in->ino);
	v.mv_size = xsan_inode_encode(in, vb);
	return xsan_mdb_err(mdb_put(txn, st->inodes, &k, &v, 0));
}

/* Key of dirents: dir ino BE + name. */
static void dent_key(uint8_t *kb, uint64_t dir, const char *name, uint32_t len,
		     MDB_val *k)
{
	xsan_put_be64(kb, dir);
	memcpy(kb + 8, name, len);
	k->mv_size = 8 + len;
	k->mv_data = kb;
}

/** xsan_dent_get() - look up entry @name of @dir; -ENOENT if missing. */
int xsan_dent_get(struct xsan_store *st, MDB_txn *txn, uint64_t dir,
		  const char *name, uint32_t len, struct xsan_dent *d)
{
	uint8_t kb[8 + XSAN_NAME_MAX];
	MDB_val k, v;
	int rc;

	if (len > XSAN_NAME_MAX)
		return -ENAMETOOLONG;
	dent_key(kb, dir, name, len, &k);
	rc = mdb_get(txn, st->dirents, &k, &v);
	if (rc)
		return xsan_mdb_err(rc);
	return xsan_dent_decode(&v, d);
}

/**
 * xsan_dent_add() - add entry @name -> @child to @dir
 *
 * The entry gets @dir's next sequence number, so READDIR returns it after
 * every entry that existed before; the caller writes @dir back.
 */
int xsan_dent_add(struct xsan_store *st, MDB_txn *txn, struct xsan_inode *dir,
		  const char *name, uint32_t len, const struct xsan_inode *child)
{
	uint8_t kb[8 + XSAN_NAME_MAX], vb[XSAN_DIRENT_REC], sb[16];
	struct xsan_dent d = {
		.ino = child->ino, .gen = child->gen,
		.type = xsan_dt_of(child->mode), .seq = dir->seq,
	};
	MDB_val k, v = { XSAN_DIRENT_REC, vb }, sk = { 16, sb };
	MDB_val sv = { len, (void *)name };
	int rc;

	if (!d.seq)
		d.seq = 1;
	dir->seq = d.seq + 1;
	dent_key(kb, dir->ino, name, len, &k);
	xsan_dent_encode(&d, vb);
	rc = mdb_put(txn, st->dirents, &k, &v, 0);
	if (rc)
		return xsan_mdb_err(rc);
	xsan_put_be64(sb, dir->ino);
	xsan_put_be64(sb + 8, d.seq);
	return xsan_mdb_err(mdb_put(txn, st->dirseq, &sk, &sv, 0));
}

/** xsan_dent_del() - remove entry @name of @dir and its READDIR index. */
int xsan_dent_del(struct xsan_store *st, MDB_txn *txn, uint64_t dir,
		  const char *name, uint32_t len)
{
	uint8_t kb[8 + XSAN_NAME_MAX], sb[16];
	MDB_val k, sk = { 16, sb };
	struct xsan_dent d;
	int rc;

	rc = xsan_dent_get(st, txn, dir, name, len, &d);
	if (rc)
		return rc;
	dent_key(kb, dir, name, len, &k);
	rc = mdb_del(txn, st->dirents, &k, NULL);
	if (rc)
		return xsan_mdb_err(rc);
	xsan_put_be64(sb, dir);
	xsan_put_be64(sb + 8, d.seq);
	rc = mdb_del(txn, st->dirseq, &sk, NULL);
	return rc == MDB_NOTFOUND ? 0 : xsan_mdb_err(rc);
}

/** xsan_meta_get_u64() - read a u64 counter of the meta table. */
int xsan_meta_get_u64(struct xsan_store *st, MDB_txn *txn, const char *key,
		      uint64_t *val)
{
	MDB_val k = { strlen(key), (void *)key }, v;
	int rc = mdb_get(txn, st->meta, &k, &v);

	if (rc == MDB_NOTFOUND || (!rc && v.mv_size != 8)) {
		fprintf(stderr, "xsan store: meta '%s' missing or damaged\n", key);
		return -EIO;
	}
	if (rc)
		return xsan_mdb_err(rc);
	*val = xsan_get_le64(v.mv_data);
	return 0;
}

/** xsan_meta_put_u64() - write a u64 counter of the meta table. */
int xsan_meta_put_u64(struct xsan_store *st, MDB_txn *txn, const char *key,
		      uint64_t val)
{
	uint8_t b[8];
	MDB_val k = { strlen(key), (void *)key }, v = { 8, b };

	xsan_put_le64(b, val);
	return xsan_mdb_err(mdb_put(txn, st->meta, &k, &v, 0));
}

/** xsan_store_inodes() - inodes in use. */
static int count_inodes(struct xsan_store *st, MDB_txn *txn, uint64_t *n)
{
	MDB_stat ms;
	int rc = mdb_stat(txn, st->inodes, &ms);

	if (rc)
		return xsan_mdb_err(rc);
	*n = ms.ms_entries;
	return 0;
}

/**
 * xsan_ino_alloc() - pick the number and generation of a new inode
 *
 * The lowest freed number comes back first, with its last generation + 1,
 * so a fid of the old inode can never name the new one.
 */
int xsan_ino_alloc(struct xsan_store *st, MDB_txn *txn, uint64_t *ino,
		   uint32_t *gen)
{
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t used, next;
	int rc;

	rc = count_inodes(st, txn, &used);
	if (rc)
		return rc;
	if (st->geom.files && used >= st->geom.files)
		return -ENOSPC;
	rc = mdb_cursor_open(txn, st->freeino, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	if (!rc) {
		if (k.mv_size != 8 || v.mv_size != 4) {
			mdb_cursor_close(cur);
			fprintf(stderr, "xsan store: damaged free inode record\n");
			return -EIO;
		}
		*ino = xsan_get_be64(k.mv_data);
		*gen = xsan_get_le32(v.mv_data) + 1;
		if (!*gen)
			*gen = 1;
		rc = mdb_cursor_del(cur, 0);
		mdb_cursor_close(cur);
		return xsan_mdb_err(rc);
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return xsan_mdb_err(rc);
	rc = xsan_meta_get_u64(st, txn, "next_ino", &next);
	if (rc)
		return rc;
	if (next < 2 || next == UINT64_MAX)
		return -ENOSPC;
	*ino = next;
	*gen = 1;
	return xsan_meta_put_u64(st, txn, "next_ino", next + 1);
}

/* Delete every key of @dbi that starts with the 8-byte @ino. */
static int del_prefix(MDB_txn *txn, MDB_dbi dbi, uint64_t ino)
{
	uint8_t kb[8];
	MDB_val k = { 8, kb }, v;
	MDB_cursor *cur;
	int rc;

	xsan_put_be64(kb, ino);
	rc = mdb_cursor_open(txn, dbi, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	/* Seek afresh after each delete: no reliance on cursor state. */
	for (;;) {
		k.mv_size = 8;
		k.mv_data = kb;
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc)
			break;
		if (k.mv_size < 8 || xsan_get_be64(k.mv_data) != ino) {
			rc = MDB_NOTFOUND;
			break;
		}
		rc = mdb_cursor_del(cur, 0);
		if (rc)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : xsan_mdb_err(rc);
}

/** xsan_ino_free() - delete an inode, its xattrs, and free-list its number. */
int xsan_ino_free(struct xsan_store *st, MDB_txn *txn,
		  const struct xsan_inode *in)
{
	uint8_t kb[8], vb[4];
	MDB_val k = { 8, kb }, v = { 4, vb };
	int rc;

	struct xsan_inode *copy = malloc(sizeof(*copy));

	if (!copy)
		return -ENOMEM;
	/* the last link: every block goes back to the free map */
	*copy = *in;
	rc = xsan_ext_free_from(st, txn, copy, 0);
	free(copy);
	if (rc)
		return rc;
	xsan_asess_release(st, in->ino);
	xsan_put_be64(kb, in->ino);
	rc = mdb_del(txn, st->inodes, &k, NULL);
	if (rc)
		return xsan_mdb_err(rc);
	rc = del_prefix(txn, st->xattrs, in->ino);
	if (rc)
		return rc;
	xsan_put_le32(vb, in->gen);
	return xsan_mdb_err(mdb_put(txn, st->freeino, &k, &v, 0));
}

/** xsan_touch() - a change of @in: ctime (and mtime) now, change++. */
void xsan_touch(struct xsan_inode *in, const struct xsan_time *now, bool mtime)
{
	in->ctime = *now;
	if (mtime)
		in->mtime = *now;
	in->change++;
}

/* --- environment and transactions --- */

static int mkdir_p(const char *dir)
{
	char path[PATH_MAX];
	size_t n = strlen(dir);

	if (!n || n >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * The tables of restart recovery came after format 3 without a format
 * change: a writer creates them when they are missing (an older MDC
 * ignores them); a read-only open without them sees no sessions.
 */
static int recovery_dbis(struct xsan_store *st, MDB_txn *txn, bool readonly)
{
	unsigned int fl = readonly ? 0 : MDB_CREATE;
	int rc;

	rc = mdb_dbi_open(txn, "sessions", fl, &st->sessions);
	if (!rc)
		rc = mdb_dbi_open(txn, "pending", fl, &st->pending);
	if (!rc)
		rc = mdb_dbi_open(txn, "replies", fl, &st->replies);
	if (rc == MDB_NOTFOUND && readonly) {
		st->sessions = 0;
		st->pending = 0;
		st->replies = 0;
		rc = 0;
	}
	return rc;
}

static int open_env(struct xsan_store *st, const char *dir, bool readonly,
		    bool create, char *err, size_t errlen)
{
	unsigned int dflags = create ? MDB_CREATE : 0;
	MDB_txn *txn;
	int rc;

	rc = mdb_env_create(&st->env);
	if (rc)
		goto fail;
	rc = mdb_env_set_maxdbs(st->env, 16);
	if (!rc && !readonly)
		rc = mdb_env_set_mapsize(st->env, XSAN_MAP_SIZE);
	if (!rc)
		rc = mdb_env_open(st->env, dir, readonly ? MDB_RDONLY : 0, 0600);
	if (rc)
		goto fail;
	rc = mdb_txn_begin(st->env, NULL, readonly ? MDB_RDONLY : 0, &txn);
	if (rc)
		goto fail;
	if (!(rc = mdb_dbi_open(txn, "meta", dflags, &st->meta)) &&
	    !(rc = mdb_dbi_open(txn, "inodes", dflags, &st->inodes)) &&
	    !(rc = mdb_dbi_open(txn, "dirents", dflags, &st->dirents)) &&
	    !(rc = mdb_dbi_open(txn, "dirseq", dflags, &st->dirseq)) &&
	    !(rc = mdb_dbi_open(txn, "xattrs", dflags, &st->xattrs)) &&
	    !(rc = mdb_dbi_open(txn, "freeino", dflags, &st->freeino)) &&
	    !(rc = mdb_dbi_open(txn, "free", dflags, &st->free)) &&
	    !(rc = mdb_dbi_open(txn, "freelen", dflags, &st->freelen)) &&
	    !(rc = mdb_dbi_open(txn, "extents", dflags, &st->extents)) &&
	    !(rc = mdb_dbi_open(txn, "sgfree", dflags, &st->sgfree)) &&
	    !(rc = recovery_dbis(st, txn, readonly)))
		rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	if (rc)
		goto fail;
	return 0;
fail:
	xsan_seterr(err, errlen, "%s: %s", dir,
		    rc == MDB_NOTFOUND ? "not an xsanfs metadata store" :
		    mdb_strerror(rc));
	if (st->env)
		mdb_env_close(st->env);
	st->env = NULL;
	return rc == MDB_NOTFOUND ? -ENOENT : xsan_mdb_err(rc);
}

static void geom_encode(const struct xsan_store_geom *g, uint8_t *b)
{
	memset(b, 0, GEOM_REC);
	memcpy(b, g->uuid, XSAN_UUID_SIZE);
	xsan_put_le32(b + 16, g->bsize);
	xsan_put_le64(b + 24, g->blocks);
	xsan_put_le64(b + 32, g->files);
	xsan_put_le64(b + 40, (uint64_t)g->created);
}

static void geom_decode(const uint8_t *b, struct xsan_store_geom *g)
{
	memcpy(g->uuid, b, XSAN_UUID_SIZE);
	g->bsize = xsan_get_le32(b + 16);
	g->blocks = xsan_get_le64(b + 24);
	g->files = xsan_get_le64(b + 32);
	g->created = (int64_t)xsan_get_le64(b + 40);
}

/* The stripe group table: u32 count, then SG_REC bytes per group. */
static int sgs_put(struct xsan_store *st, MDB_txn *txn,
		   const struct xsan_store_geom *g)
{
	size_t n = 4 + (size_t)g->nsgs * SG_REC;
	uint8_t *b = calloc(1, n);
	MDB_val k = { 3, "sgs" }, v = { n, b };
	int rc;

	if (!b)
		return -ENOMEM;
	xsan_put_le32(b, g->nsgs);
	for (uint32_t i = 0; i < g->nsgs; i++) {
		const struct xsan_store_sg *sg = &g->sgs[i];
		uint8_t *p = b + 4 + (size_t)i * SG_REC;

		xsan_put_le32(p, sg->index);
		xsan_put_le32(p + 4, sg->flags);
		xsan_put_le32(p + 8, sg->nluns);
		xsan_put_le32(p + 12, sg->breadth);
		xsan_put_le64(p + 16, sg->lun_blocks);
		xsan_put_le64(p + 24, sg->blocks);
		memcpy(p + 32, sg->affinity, strnlen(sg->affinity, XSAN_STORE_AFF_MAX));
	}
	rc = xsan_mdb_err(mdb_put(txn, st->meta, &k, &v, 0));
	free(b);
	return rc;
}

static int sgs_get(struct xsan_store *st, MDB_txn *txn,
		   struct xsan_store_geom *g)
{
	MDB_val k = { 3, "sgs" }, v;
	const uint8_t *b;
	uint32_t n;

	if (mdb_get(txn, st->meta, &k, &v) || v.mv_size < 4)
		return -EIO;
	b = v.mv_data;
	n = xsan_get_le32(b);
	if (n > XSAN_STORE_MAX_SG || v.mv_size != 4 + (size_t)n * SG_REC)
		return -EIO;
	g->nsgs = n;
	for (uint32_t i = 0; i < n; i++) {
		struct xsan_store_sg *sg = &g->sgs[i];
		const uint8_t *p = b + 4 + (size_t)i * SG_REC;

		sg->index = xsan_get_le32(p);
		sg->flags = xsan_get_le32(p + 4);
		sg->nluns = xsan_get_le32(p + 8);
		sg->breadth = xsan_get_le32(p + 12);
		sg->lun_blocks = xsan_get_le64(p + 16);
		sg->blocks = xsan_get_le64(p + 24);
		memcpy(sg->affinity, p + 32, XSAN_STORE_AFF_MAX);
		sg->affinity[XSAN_STORE_AFF_MAX] = '\0';
		if (!sg->breadth)
			return -EIO;
	}
	return 0;
}

/*
 * The stripe group table a new volume records: blocks of each group are
 * its LUNs' blocks rounded down to whole stripes; no table means one user
 * data group of @blocks (tests).
 */
static int geom_prepare(struct xsan_store_geom *g)
{
	if (g->nsgs > XSAN_STORE_MAX_SG)
		return -EINVAL;
	if (!g->nsgs) {
		memset(&g->sgs[0], 0, sizeof(g->sgs[0]));
		g->nsgs = 1;
		g->sgs[0].flags = XSAN_SG_USERDATA;
		g->sgs[0].nluns = 1;
		g->sgs[0].breadth = 1;
		g->sgs[0].lun_blocks = g->blocks;
	}
	g->blocks = 0;
	for (uint32_t i = 0; i < g->nsgs; i++) {
		struct xsan_store_sg *sg = &g->sgs[i];

		for (uint32_t j = 0; j < i; j++)
			if (g->sgs[j].index == sg->index)
				return -EINVAL;
		if (!sg->breadth)
			sg->breadth = 1;
		sg->blocks = (sg->lun_blocks - sg->lun_blocks % sg->breadth) *
			     sg->nluns;
		if (sg->flags & XSAN_SG_USERDATA)
			g->blocks += sg->blocks;
	}
	return 0;
}

/* Write the meta table and the root directory of a new volume. */
static int format_tables(struct xsan_store *st, const struct xsan_store_geom *g)
{
	uint8_t fb[4], gb[GEOM_REC];
	MDB_val fk = { 6, "format" }, fv = { 4, fb };
	MDB_val gk = { 4, "geom" }, gv = { GEOM_REC, gb };
	struct xsan_inode *root;
	MDB_txn *txn;
	int rc;

	root = calloc(1, sizeof(*root));
	if (!root)
		return -ENOMEM;
	root->ino = XSAN_ROOT_INO;
	root->gen = 1;
	root->mode = S_IFDIR | 0755;
	root->nlink = 2;
	root->atime = root->mtime = root->ctime =
		(struct xsan_time){ .sec = g->created };
	root->change = 1;
	root->parent = XSAN_ROOT_INO;
	root->seq = 1;
	xsan_put_le32(fb, XSAN_STORE_FORMAT);
	st->format = XSAN_STORE_FORMAT;
	geom_encode(g, gb);
	rc = mdb_txn_begin(st->env, NULL, 0, &txn);
	if (rc) {
		free(root);
		return xsan_mdb_err(rc);
	}
	rc = mdb_put(txn, st->meta, &fk, &fv, 0);
	if (!rc)
		rc = mdb_put(txn, st->meta, &gk, &gv, 0);
	rc = xsan_mdb_err(rc);
	if (!rc)
		rc = xsan_meta_put_u64(st, txn, "next_ino", XSAN_ROOT_INO + 1);
	if (!rc)
		rc = sgs_put(st, txn, g);
	if (!rc)
		rc = xsan_luns_put(st, txn, g);
	if (!rc) {
		st->geom = *g;
		st->geom.luns = NULL;	/* the caller's; not kept */
		st->geom.nluns = 0;
		rc = xsan_space_format(st, txn);
	}
	if (!rc)
		rc = xsan_inode_put(st, txn, root);
	free(root);
	if (rc) {
		mdb_txn_abort(txn);
		return rc;
	}
	return xsan_mdb_err(mdb_txn_commit(txn));
}

static int format_dir(const char *dir, const struct xsan_store_geom *geom,
		      struct xsan_store *stp, bool force, char *data,
		      char *lock, char *err, size_t errlen);

/**
 * xsan_store_format() - create the metadata of a new volume
 * See store.h.
 */
int xsan_store_format(const char *dir, const struct xsan_store_geom *geom_in,
		      bool force, char *err, size_t errlen)
{
	struct xsan_store *stp;
	struct xsan_store_geom *geom;
	struct xsan_store_lun *luns;
	char data[PATH_MAX], lock[PATH_MAX];
	int rc;

	if (!geom_in->bsize || !geom_in->files || geom_in->bsize % 512) {
		xsan_seterr(err, errlen, "%s: block size (a multiple of 512) and inode limit must not be 0", dir);
		return -EINVAL;
	}
	stp = calloc(1, sizeof(*stp));
	geom = malloc(sizeof(*geom));
	if (!stp || !geom) {
		free(stp);
		free(geom);
		return -ENOMEM;
	}
	*geom = *geom_in;
	rc = geom_prepare(geom);
	if (rc) {
		xsan_seterr(err, errlen, "%s: bad stripe group table", dir);
		goto done;
	}
	rc = xsan_luns_sorted(geom, &luns);
	free(luns);
	if (rc) {
		xsan_seterr(err, errlen, "%s: bad LUN table", dir);
		goto done;
	}
	rc = format_dir(dir, geom, stp, force, data, lock, err, errlen);
done:
	free(stp);
	free(geom);
	return rc;
}

static int format_dir(const char *dir, const struct xsan_store_geom *geom,
		      struct xsan_store *stp, bool force, char *data,
		      char *lock, char *err, size_t errlen)
{
	int rc;

	rc = mkdir_p(dir);
	if (rc) {
		xsan_seterr(err, errlen, "%s: %s", dir, strerror(-rc));
		return rc;
	}
	if (snprintf(data, PATH_MAX, "%s/data.mdb", dir) >= PATH_MAX ||
	    snprintf(lock, PATH_MAX, "%s/lock.mdb", dir) >= PATH_MAX) {
		xsan_seterr(err, errlen, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	if (!access(data, F_OK)) {
		if (!force) {
			xsan_seterr(err, errlen, "%s already holds a volume", dir);
			return -EEXIST;
		}
		if (unlink(data) || (unlink(lock) && errno != ENOENT)) {
			rc = -errno;
			xsan_seterr(err, errlen, "%s: %s", data, strerror(errno));
			return rc;
		}
	}
	rc = open_env(stp, dir, false, true, err, errlen);
	if (rc)
		return rc;
	rc = format_tables(stp, geom);
	if (rc)
		xsan_seterr(err, errlen, "%s: %s", dir, strerror(-rc));
	mdb_env_close(stp->env);
	return rc;
}

/**
 * xsan_store_open() - open an existing volume's metadata
 * See store.h.
 */
int xsan_store_open(const char *dir, bool readonly, struct xsan_store **out,
		    char *err, size_t errlen)
{
	struct xsan_store *st;
	MDB_val fk = { 6, "format" }, gk = { 4, "geom" }, fv, gv;
	char data[PATH_MAX];
	MDB_txn *txn;
	int rc;

	*out = NULL;
	/* Else a read-write open would leave an empty data.mdb behind. */
	if (snprintf(data, sizeof(data), "%s/data.mdb", dir) >= (int)sizeof(data)) {
		xsan_seterr(err, errlen, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	if (access(data, F_OK)) {
		rc = -errno;
		xsan_seterr(err, errlen, "%s: %s", dir,
			    rc == -ENOENT ? "No such file or directory" : strerror(-rc));
		return rc;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->readonly = readonly;
	rc = open_env(st, dir, readonly, false, err, errlen);
	if (rc) {
		free(st);
		return rc;
	}
	rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
	if (rc) {
		xsan_seterr(err, errlen, "%s: %s", dir, mdb_strerror(rc));
		rc = xsan_mdb_err(rc);
		goto fail;
	}
	rc = mdb_get(txn, st->meta, &fk, &fv);
	if (!rc)
		rc = mdb_get(txn, st->meta, &gk, &gv);
	if (rc || fv.mv_size != 4 || gv.mv_size != GEOM_REC) {
		xsan_seterr(err, errlen, "%s: meta table damaged", dir);
		rc = -EIO;
	} else if (xsan_get_le32(fv.mv_data) < XSAN_STORE_FORMAT_MIN ||
		   xsan_get_le32(fv.mv_data) > XSAN_STORE_FORMAT) {
		xsan_seterr(err, errlen, "%s: metadata format %u, this build reads %u to %u",
			    dir, xsan_get_le32(fv.mv_data), XSAN_STORE_FORMAT_MIN,
			    XSAN_STORE_FORMAT);
		rc = -EPROTONOSUPPORT;
	} else {
		uint32_t n;

		st->format = xsan_get_le32(fv.mv_data);
		geom_decode(gv.mv_data, &st->geom);
		if (sgs_get(st, txn, &st->geom)) {
			xsan_seterr(err, errlen, "%s: stripe group table damaged", dir);
			rc = -EIO;
		} else if (xsan_luns_get(st, txn, NULL, &n)) {
			/* refused now, not at a client's first DISK_TABLE */
			xsan_seterr(err, errlen, "%s: LUN table damaged", dir);
			rc = -EIO;
		}
	}
	mdb_txn_abort(txn);
	if (rc)
		goto fail;
	*out = st;
	return 0;
fail:
	mdb_env_close(st->env);
	free(st);
	return rc;
}

/** xsan_store_close() - close a store; NULL is fine. */
void xsan_store_close(struct xsan_store *st)
{
	if (!st)
		return;
	xsan_asess_free_all(st);
	mdb_env_close(st->env);
	free(st);
}

/** xsan_store_geom() - the geometry mkfs recorded. */
const struct xsan_store_geom *xsan_store_geom(const struct xsan_store *st)
{
	return &st->geom;
}

/** xsan_txn_begin() - start a batch transaction. */
int xsan_txn_begin(struct xsan_store *st, bool write, struct xsan_txn **out)
{
	struct xsan_txn *t;
	int rc;

	*out = NULL;
	if (write && st->readonly)
		return -EROFS;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->st = st;
	t->write = write;
	rc = mdb_txn_begin(st->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
	if (rc) {
		free(t);
		return xsan_mdb_err(rc);
	}
	*out = t;
	return 0;
}

/** xsan_txn_commit() - commit (and sync) a batch; frees @t either way. */
int xsan_txn_commit(struct xsan_txn *t)
{
	int rc = mdb_txn_commit(t->txn);

	free(t);
	return xsan_mdb_err(rc);
}

/** xsan_txn_abort() - drop a batch; NULL is fine. */
void xsan_txn_abort(struct xsan_txn *t)
{
	if (!t)
		return;
	mdb_txn_abort(t->txn);
	free(t);
}

/** xsan_op_begin() - the nested transaction of one modifying operation. */
int xsan_op_begin(struct xsan_txn *t, MDB_txn **txn)
{
	if (!t->write)
		return -EROFS;
	return xsan_mdb_err(mdb_txn_begin(t->st->env, t->txn, 0, txn));
}

/** xsan_op_end() - keep the operation's changes if @rc is 0, else drop. */
int xsan_op_end(MDB_txn *txn, int rc)
{
	if (rc) {
		mdb_txn_abort(txn);
		return rc;
	}
	return xsan_mdb_err(mdb_txn_commit(txn));
}

/** xsan_store_inodes() - inodes in use. */
int xsan_store_inodes(struct xsan_txn *t, uint64_t *inodes)
{
	return count_inodes(t->st, t->txn, inodes);
}

/** xsan_ns_statfs() - STATFS from the geometry. */
int xsan_ns_statfs(struct xsan_txn *t, struct xsan_statfs *out)
{
	const struct xsan_store_geom *g = &t->st->geom;
	uint64_t used;
	int rc = count_inodes(t->st, t->txn, &used);

	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	out->blocks = g->blocks;
	for (uint32_t i = 0; i < g->nsgs; i++) {
		uint64_t b, f;

		rc = xsan_sg_space(t, i, &b, &f);
		if (rc)
			return rc;
		out->bfree += (g->sgs[i].flags & XSAN_SG_USERDATA) ? f : 0;
	}
	if (out->bfree > out->blocks)
		out->bfree = out->blocks;
	out->bavail = out->bfree;
	out->files = g->files;
	out->ffree = g->files > used ? g->files - used : 0;
	out->bsize = g->bsize;
	out->namemax = XSAN_NAME_MAX;
	return 0;
}

/* ---- sessions (restart recovery; Documentation/metadata-format.rst) ---- */

#define SESS_VAL_MIN	(XSAN_UUID_SIZE + 1)

/** xsan_sess_put() - see store.h. */
int xsan_sess_put(struct xsan_txn *t, const struct xsan_store_sess *s)
{
	uint8_t kb[8], vb[XSAN_UUID_SIZE + XSAN_HOST_MAX + 1];
	size_t hl = strnlen(s->host, XSAN_HOST_MAX);
	MDB_val k = { 8, kb }, v = { XSAN_UUID_SIZE + hl + 1, vb };

	if (!t->write || !t->st->sessions)
		return -EROFS;
	xsan_put_be64(kb, s->id);
	memcpy(vb, s->uuid, XSAN_UUID_SIZE);
	memcpy(vb + XSAN_UUID_SIZE, s->host, hl);
	vb[XSAN_UUID_SIZE + hl] = '\0';
	return xsan_mdb_err(mdb_put(t->txn, t->st->sessions, &k, &v, 0));
}

/* ---- replies of changes, for requests sent again (store.h) ---- */

#define REPLY_KEY	16u
#define REPLY_HDR	10u	/* u16 opcode, u64 payload hash */

static void reply_key(uint8_t *kb, uint64_t session, uint64_t xid)
{
	xsan_put_be64(kb, session);
	xsan_put_be64(kb + 8, xid);
}

/* Delete @session's saved replies of xids below @below. */
static int replies_trim(struct xsan_txn *t, uint64_t session, uint64_t below)
{
	uint8_t kb[REPLY_KEY];
	MDB_val k, v;
	MDB_cursor *cur;
	int rc;

	if (!t->st->replies)
		return 0;
	rc = mdb_cursor_open(t->txn, t->st->replies, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	reply_key(kb, session, 0);
	k = (MDB_val){ REPLY_KEY, kb };
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != REPLY_KEY ||
		    xsan_get_be64(k.mv_data) != session ||
		    xsan_get_be64((const uint8_t *)k.mv_data + 8) >= below)
			break;
		rc = mdb_cursor_del(cur, 0);
		if (rc)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND || !rc ? 0 : xsan_mdb_err(rc);
}

/** xsan_reply_get() - see store.h. */
int xsan_reply_get(struct xsan_txn *t, uint64_t session, uint64_t xid,
		   uint16_t op, uint64_t hash, void *buf, uint32_t size,
		   uint32_t *len)
{
	uint8_t kb[REPLY_KEY];
	MDB_val k = { REPLY_KEY, kb }, v;
	const uint8_t *p;
	int rc;

	if (!t->st->replies)
		return -ENOENT;
	reply_key(kb, session, xid);
	rc = mdb_get(t->txn, t->st->replies, &k, &v);
	if (rc == MDB_NOTFOUND)
		return -ENOENT;
	if (rc)
		return xsan_mdb_err(rc);
	p = v.mv_data;
	if (v.mv_size < REPLY_HDR || v.mv_size - REPLY_HDR > size)
		return -EIO;
	/* the same xid for another request: not a request sent again */
	if ((uint16_t)(p[0] | p[1] << 8) != op || xsan_get_le64(p + 2) != hash)
		return -ENOENT;
	*len = (uint32_t)(v.mv_size - REPLY_HDR);
	memcpy(buf, p + REPLY_HDR, *len);
	return 0;
}

/** xsan_reply_put() - see store.h. */
int xsan_reply_put(struct xsan_txn *t, uint64_t session, uint64_t xid,
		   uint16_t op, uint64_t hash, const void *payload,
		   uint32_t len)
{
	uint8_t kb[REPLY_KEY], *vb;
	MDB_val k = { REPLY_KEY, kb }, v;
	int rc;

	if (!t->write || !t->st->replies)
		return -EROFS;
	vb = malloc(REPLY_HDR + len);
	if (!vb)
		return -ENOMEM;
	vb[0] = (uint8_t)op;
	vb[1] = (uint8_t)(op >> 8);
	xsan_put_le64(vb + 2, hash);
	if (len)
		memcpy(vb + REPLY_HDR, payload, len);
	reply_key(kb, session, xid);
	v = (MDB_val){ REPLY_HDR + len, vb };
	rc = xsan_mdb_err(mdb_put(t->txn, t->st->replies, &k, &v, 0));
	free(vb);
	/* a client has far fewer requests outstanding than the window */
	if (!rc && xid > XSAN_REPLY_WINDOW)
		rc = replies_trim(t, session, xid - XSAN_REPLY_WINDOW);
	return rc;
}

/** xsan_sess_del() - see store.h. */
int xsan_sess_del(struct xsan_txn *t, uint64_t id)
{
	uint8_t kb[8];
	MDB_val k = { 8, kb };
	int rc;

	if (!t->write || !t->st->sessions)
		return -EROFS;
	xsan_put_be64(kb, id);
	rc = mdb_del(t->txn, t->st->sessions, &k, NULL);
	if (rc && rc != MDB_NOTFOUND)
		return xsan_mdb_err(rc);
	/* its saved replies go with it */
	return replies_trim(t, id, UINT64_MAX);
}

/** xsan_sess_list() - see store.h. */
int xsan_sess_list(struct xsan_txn *t, struct xsan_store_sess **out,
		   uint32_t *n)
{
	struct xsan_store_sess *a = NULL, *p;
	MDB_val k, v;
	MDB_cursor *cur;
	uint32_t cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!t->st->sessions)
		return 0;
	rc = mdb_cursor_open(t->txn, t->st->sessions, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		size_t hl;

		if (k.mv_size != 8 || v.mv_size < SESS_VAL_MIN ||
		    v.mv_size > XSAN_UUID_SIZE + XSAN_HOST_MAX + 1) {
			fprintf(stderr, "xsan store: damaged session record skipped\n");
			continue;
		}
		if (cnt == UINT32_MAX / 2)
			break;
		p = realloc(a, (cnt + 1) * sizeof(*a));
		if (!p) {
			rc = ENOMEM;
			break;
		}
		a = p;
		p = &a[cnt++];
		memset(p, 0, sizeof(*p));
		p->id = xsan_get_be64(k.mv_data);
		memcpy(p->uuid, v.mv_data, XSAN_UUID_SIZE);
		hl = v.mv_size - XSAN_UUID_SIZE - 1;
		memcpy(p->host, (const uint8_t *)v.mv_data + XSAN_UUID_SIZE, hl);
		p->host[hl] = '\0';
	}
	mdb_cursor_close(cur);
	if (rc == ENOMEM) {
		free(a);
		return -ENOMEM;
	}
	if (rc != MDB_NOTFOUND) {
		free(a);
		return xsan_mdb_err(rc);
	}
	*out = a;
	*n = cnt;
	return 0;
}
