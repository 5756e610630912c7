// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the MDC's metadata store (tools/mdc/store.c, ns.c, perm.c,
 * xattr.c): every namespace operation and its errors as ext4 gives them,
 * permissions as a non-root caller, sticky directories, generations,
 * READDIR cookies under concurrent change, nested-transaction rollback,
 * persistence, and the xattr limits. Each test formats a fresh volume in
 * a mkdtemp() directory under /tmp and removes it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mdc/store_int.h"
#include "unit.h"

static char tdir[64];
static struct xsan_store *st;
static struct xsan_txn *t;
static struct xsan_time now = { .sec = 1000 };
static const struct xsan_fid rootfid = { XSAN_ROOT_INO, 1 };
static const struct xsan_cred rootcr = { .caps = XSAN_CAP_ALL };

/* A caller without capabilities, in @gid plus supplementary group 500. */
static struct xsan_cred user(uint32_t uid, uint32_t gid)
{
	struct xsan_cred c = { .uid = uid, .gid = gid, .ngroups = 1 };

	c.groups[0] = 500;
	return c;
}

/* The clock moves on between operations, so time updates are visible. */
static const struct xsan_time *tick(void)
{
	now.sec++;
	now.nsec = 7;
	return &now;
}

static void store_up(void)
{
	struct xsan_store_geom g = { .bsize = 4096, .blocks = 1000000,
				     .files = 100000, .created = 100 };
	char err[256];
	int rc;

	snprintf(tdir, sizeof(tdir), "/tmp/xsan-store-XXXXXX");
	ck_assert_msg(mkdtemp(tdir), "mkdtemp");
	rc = xsan_store_format(tdir, &g, false, err, sizeof(err));
	ck_assert_msg(rc == 0, "format: %d %s", rc, err);
	rc = xsan_store_open(tdir, false, &st, err, sizeof(err));
	ck_assert_msg(rc == 0, "open: %d %s", rc, err);
	ck_assert_int_eq(xsan_txn_begin(st, true, &t), 0);
}

static void rm_store(const char *d)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/data.mdb", d);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lock.mdb", d);
	unlink(p);
	rmdir(d);
}

static void store_down(void)
{
	xsan_txn_abort(t);
	t = NULL;
	xsan_store_close(st);
	st = NULL;
	rm_store(tdir);
}

/* Commit the batch and start the next. */
static void recommit(void)
{
	ck_assert_int_eq(xsan_txn_commit(t), 0);
	ck_assert_int_eq(xsan_txn_begin(st, true, &t), 0);
}

static struct xsan_fid fid_of(const struct xsan_attr *a)
{
	return (struct xsan_fid){ a->ino, a->gen };
}

static int mkc(const struct xsan_cred *cr, const struct xsan_fid *d,
	       const char *name, uint32_t mode, struct xsan_attr *a)
{
	struct xsan_attr da;

	return xsan_ns_mknod(t, cr, d, name, strlen(name), mode, 0, 0, tick(),
			     a, &da);
}

/* Create as root, which must work. */
static struct xsan_fid mk(const struct xsan_fid *d, const char *name,
			  uint32_t mode)
{
	struct xsan_attr a;
	int rc = mkc(&rootcr, d, name, mode, &a);

	ck_assert_msg(rc == 0, "create %s: %d", name, rc);
	return fid_of(&a);
}

static int lk(const struct xsan_cred *cr, const struct xsan_fid *d,
	      const char *name, struct xsan_attr *a)
{
	return xsan_ns_lookup(t, cr, d, name, strlen(name), a);
}

static struct xsan_attr ga(const struct xsan_fid *f)
{
	struct xsan_attr a;

	ck_assert_int_eq(xsan_ns_getattr(t, f, &a), 0);
	return a;
}

static int rn(const struct xsan_cred *cr, const struct xsan_fid *od,
	      const char *on, const struct xsan_fid *nd, const char *nn,
	      uint32_t flags)
{
	struct xsan_attr out[4];
	uint32_t n;

	return xsan_ns_rename(t, cr, od, on, strlen(on), nd, nn, strlen(nn),
			      flags, tick(), out, &n);
}

static int ul(const struct xsan_cred *cr, const struct xsan_fid *d,
	      const char *name)
{
	struct xsan_attr da, va;

	return xsan_ns_unlink(t, cr, d, name, strlen(name), tick(), &da, &va);
}

static int rd(const struct xsan_cred *cr, const struct xsan_fid *d,
	      const char *name)
{
	struct xsan_attr da, va;

	return xsan_ns_rmdir(t, cr, d, name, strlen(name), tick(), &da, &va);
}

static int sa(const struct xsan_cred *cr, const struct xsan_fid *f,
	      uint32_t valid, uint32_t mode, uint32_t uid, uint32_t gid)
{
	struct xsan_sattr s = { .valid = valid, .mode = mode, .uid = uid,
				.gid = gid, .atime = { 5, 0 }, .mtime = { 6, 0 } };
	struct xsan_attr a;

	return xsan_ns_setattr(t, cr, f, &s, tick(), &a);
}

/* Overwrite a field of an inode record directly (test set-up only). */
static void set_nlink(const struct xsan_fid *f, uint32_t nlink)
{
	struct xsan_inode *in = malloc(sizeof(*in));

	ck_assert_int_eq(xsan_inode_get(st, t->txn, f->ino, in), 0);
	in->nlink = nlink;
	ck_assert_int_eq(xsan_inode_put(st, t->txn, in), 0);
	free(in);
}

/* READDIR collector: at most max entries per call. */
#define COLL_MAX 2100
static struct coll {
	int n, max;
	uint64_t last;
	char names[COLL_MAX][32];
	uint64_t inos[COLL_MAX];
	uint8_t types[COLL_MAX];
} coll;

static int collect(void *ctx, const struct xsan_dirent *d)
{
	struct coll *c = ctx;

	if (c->n >= c->max || c->n >= COLL_MAX)
		return 1;
	ck_assert_uint_lt(d->namelen, 32);
	memcpy(c->names[c->n], d->name, d->namelen);
	c->names[c->n][d->namelen] = '\0';
	c->inos[c->n] = d->ino;
	c->types[c->n] = d->type;
	c->last = d->cookie;
	c->n++;
	return 0;
}

START_TEST(st_format_root)
{
	struct xsan_store_geom g = { .bsize = 4096, .blocks = 10, .files = 10 };
	struct xsan_store *st2;
	struct xsan_attr a;
	char err[256];

	store_up();
	a = ga(&rootfid);
	ck_assert_uint_eq(a.ino, 1);
	ck_assert_uint_eq(a.gen, 1);
	ck_assert_uint_eq(a.mode, S_IFDIR | 0755);
	ck_assert_uint_eq(a.nlink, 2);
	ck_assert_uint_eq(a.uid, 0);
	ck_assert_int_eq(a.mtime.sec, 100);
	ck_assert_uint_eq(xsan_store_geom(st)->bsize, 4096);
	ck_assert_int_eq(xsan_store_format(tdir, &g, false, err, sizeof(err)), -EEXIST);
	ck_assert_msg(strstr(err, "already holds a volume"), "%s", err);
	ck_assert_int_eq(xsan_store_open("/tmp/xsan-no-such-store", true, &st2, err,
					 sizeof(err)), -ENOENT);
	ck_assert_ptr_null(st2);
	store_down();
	/* an empty directory is no store, and opening it leaves none */
	snprintf(tdir, sizeof(tdir), "/tmp/xsan-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	ck_assert_int_eq(xsan_store_open(tdir, false, &st2, err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(rmdir(tdir), 0);
	/* force replaces an old volume */
	snprintf(tdir, sizeof(tdir), "/tmp/xsan-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	ck_assert_int_eq(xsan_store_format(tdir, &g, false, err, sizeof(err)), 0);
	ck_assert_int_eq(xsan_store_format(tdir, &g, true, err, sizeof(err)), 0);
	ck_assert_int_eq(xsan_store_open(tdir, true, &st2, err, sizeof(err)), 0);
	ck_assert_uint_eq(xsan_store_geom(st2)->blocks, 10);
	ck_assert_int_eq(xsan_txn_begin(st2, true, &t), -EROFS);
	xsan_store_close(st2);
	rm_store(tdir);
}
END_TEST

START_TEST(st_persist)
{
	struct xsan_fid d, f;
	struct xsan_attr a;
	char err[256];
	uint64_t n;

	store_up();
	d = mk(&rootfid, "dir", S_IFDIR | 0750);
	f = mk(&d, "file", S_IFREG | 0640);
	ck_assert_int_eq(xsan_txn_commit(t), 0);
	t = NULL;
	xsan_store_close(st);
	ck_assert_int_eq(xsan_store_open(tdir, false, &st, err, sizeof(err)), 0);
	ck_assert_int_eq(xsan_txn_begin(st, false, &t), 0);
	ck_assert_int_eq(lk(&rootcr, &rootfid, "dir", &a), 0);
	ck_assert_uint_eq(a.ino, d.ino);
	ck_assert_uint_eq(a.mode, S_IFDIR | 0750);
	ck_assert_int_eq(lk(&rootcr, &d, "file", &a), 0);
	ck_assert_uint_eq(a.ino, f.ino);
	ck_assert_int_eq(xsan_store_inodes(t, &n), 0);
	ck_assert_uint_eq(n, 3);
	/* a read-only batch refuses changes */
	ck_assert_int_eq(mkc(&rootcr, &rootfid, "x", S_IFREG, &a), -EROFS);
	xsan_txn_abort(t);
	ck_assert_int_eq(xsan_txn_begin(st, true, &t), 0);
	f = mk(&rootfid, "next", S_IFREG);
	ck_assert_uint_eq(f.ino, 4);
	store_down();
}
END_TEST

START_TEST(st_lookup)
{
	struct xsan_cred u = user(1000, 1000);
	struct xsan_fid d, f, stale;
	struct xsan_attr a;
	char longname[300];

	store_up();
	d = mk(&rootfid, "d", S_IFDIR | 0755);
	f = mk(&d, "f", S_IFREG | 0644);
	ck_assert_int_eq(lk(&u, &d, "f", &a), 0);
	ck_assert_uint_eq(a.ino, f.ino);
	ck_assert_int_eq(lk(&u, &d, ".", &a), 0);
	ck_assert_uint_eq(a.ino, d.ino);
	ck_assert_int_eq(lk(&u, &d, "..", &a), 0);
	ck_assert_uint_eq(a.ino, 1);
	ck_assert_int_eq(lk(&u, &rootfid, "..", &a), 0);
	ck_assert_uint_eq(a.ino, 1);
	ck_assert_int_eq(lk(&u, &d, "nope", &a), -ENOENT);
	ck_assert_int_eq(lk(&u, &f, "x", &a), -ENOTDIR);
	memset(longname, 'a', sizeof(longname));
	longname[256] = '\0';
	ck_assert_int_eq(lk(&u, &d, longname, &a), -ENAMETOOLONG);
	stale = (struct xsan_fid){ d.ino, d.gen + 1 };
	ck_assert_int_eq(lk(&u, &stale, "f", &a), -ESTALE);
	stale = (struct xsan_fid){ 9999, 1 };
	ck_assert_int_eq(lk(&u, &stale, "f", &a), -ESTALE);
	ck_assert_int_eq(xsan_ns_getattr(t, &stale, &a), -ESTALE);
	stale = (struct xsan_fid){ 0, 1 };
	ck_assert_int_eq(xsan_ns_getattr(t, &stale, &a), -ESTALE);
	ck_assert_int_eq(sa(&rootcr, &d, XSAN_SA_MODE, 0700, 0, 0), 0);
	ck_assert_int_eq(lk(&u, &d, "f", &a), -EACCES);
	ck_assert_int_eq(lk(&u, &d, ".", &a), -EACCES);
	u.caps = XSAN_CAP_DAC_READ_SEARCH;
	ck_assert_int_eq(lk(&u, &d, "f", &a), 0);
	store_down();
}
END_TEST

START_TEST(st_create)
{
	struct xsan_cred u = user(1000, 1000);
	struct xsan_attr a, da, r0;
	struct xsan_fid d;

	store_up();
	r0 = ga(&rootfid);
	ck_assert_int_eq(xsan_ns_mknod(t, &rootcr, &rootfid, "d", 1, S_IFDIR | 06777,
				       0, 0, tick(), &a, &da), 0);
	ck_assert_uint_eq(a.mode, S_IFDIR | 0777);	/* mkdir drops SUID/SGID */
	ck_assert_uint_eq(a.nlink, 2);
	ck_assert_uint_eq(a.change, 1);
	ck_assert_int_eq(a.ctime.sec, now.sec);
	ck_assert_uint_eq(da.nlink, 3);
	ck_assert_int_eq(da.mtime.sec, now.sec);
	ck_assert_int_eq(da.ctime.sec, now.sec);
	ck_assert_uint_gt(da.change, r0.change);
	d = fid_of(&a);
	ck_assert_int_eq(xsan_ns_mknod(t, &u, &d, "f", 1, S_IFREG | 04755, 0, 0,
				       tick(), &a, &da), 0);
	ck_assert_uint_eq(a.mode, S_IFREG | 04755);
	ck_assert_uint_eq(a.uid, 1000);
	ck_assert_uint_eq(a.gid, 1000);
	ck_assert_uint_eq(a.nlink, 1);
	ck_assert_uint_eq(da.nlink, 2);
	ck_assert_int_eq(mkc(&u, &d, "f", S_IFREG | 0644, &a), -EEXIST);
	ck_assert_int_eq(mkc(&u, &d, "f", S_IFDIR | 0755, &a), -EEXIST);
	ck_assert_int_eq(mkc(&u, &d, ".", S_IFREG, &a), -EEXIST);
	ck_assert_int_eq(mkc(&u, &d, "..", S_IFDIR, &a), -EEXIST);
	ck_assert_int_eq(mkc(&u, &d, "a/b", S_IFREG, &a), -EINVAL);
	ck_assert_int_eq(mkc(&u, &d, "", S_IFREG, &a), -ENOENT);
	ck_assert_int_eq(mkc(&u, &d, "lnk", S_IFLNK | 0777, &a), -EINVAL);
	ck_assert_int_eq(mkc(&u, &d, "odd", 0170000 | 0644, &a), -EINVAL);
	ck_assert_int_eq(mkc(&u, &d, "fifo", S_IFIFO | 0644, &a), 0);
	ck_assert_uint_eq(a.mode, S_IFIFO | 0644);
	ck_assert_int_eq(mkc(&u, &d, "sock", S_IFSOCK | 0644, &a), 0);
	ck_assert_int_eq(mkc(&u, &d, "plain", 0644, &a), 0);
	ck_assert_uint_eq(a.mode, S_IFREG | 0644);
	/* device nodes need CAP_MKNOD */
	ck_assert_int_eq(xsan_ns_mknod(t, &u, &d, "chr", 3, S_IFCHR | 0600, 1, 3,
				       tick(), &a, &da), -EPERM);
	ck_assert_int_eq(xsan_ns_mknod(t, &u, &d, "blk", 3, S_IFBLK | 0600, 8, 0,
				       tick(), &a, &da), -EPERM);
	u.caps = XSAN_CAP_MKNOD;
	ck_assert_int_eq(xsan_ns_mknod(t, &u, &d, "chr", 3, S_IFCHR | 0600, 1, 3,
				       tick(), &a, &da), 0);
	ck_assert_uint_eq(a.rdev_major, 1);
	ck_assert_uint_eq(a.rdev_minor, 3);
	ck_assert_int_eq(lk(&u, &d, "chr", &a), 0);
	ck_assert_uint_eq(a.rdev_minor, 3);
	/* no write permission on root */
	u.caps = 0;
	ck_assert_int_eq(mkc(&u, &rootfid, "x", S_IFREG | 0644, &a), -EACCES);
	/* EMLINK at ext4's 65000 */
	set_nlink(&d, XSAN_LINK_MAX);
	ck_assert_int_eq(mkc(&rootcr, &d, "sub", S_IFDIR | 0755, &a), -EMLINK);
	ck_assert_int_eq(mkc(&rootcr, &d, "file2", S_IFREG | 0644, &a), 0);
	store_down();
}
END_TEST

START_TEST(st_sgid_inherit)
{
	struct xsan_cred u = user(1000, 1000);
	struct xsan_fid d;
	struct xsan_attr a;

	store_up();
	d = mk(&rootfid, "shared", S_IFDIR | 02777);
	ck_assert_int_eq(sa(&rootcr, &d, XSAN_SA_GID | XSAN_SA_MODE, 02777, 0, 77), 0);
	ck_assert_int_eq(mkc(&u, &d, "sub", S_IFDIR | 0755, &a), 0);
	ck_assert_uint_eq(a.gid, 77);
	ck_assert_uint_eq(a.mode, S_IFDIR | 02755);
	ck_assert_uint_eq(a.uid, 1000);
	/* not in group 77, no FSETID: SGID of a group-exec file dropped */
	ck_assert_int_eq(mkc(&u, &d, "f", S_IFREG | 02755, &a), 0);
	ck_assert_uint_eq(a.gid, 77);
	ck_assert_uint_eq(a.mode, S_IFREG | 0755);
	u.groups[0] = 77;
	ck_assert_int_eq(mkc(&u, &d, "g", S_IFREG | 02755, &a), 0);
	ck_assert_uint_eq(a.mode, S_IFREG | 02755);
	u.groups[0] = 500;
	u.caps = XSAN_CAP_FSETID;
	ck_assert_int_eq(mkc(&u, &d, "h", S_IFREG | 02755, &a), 0);
	ck_assert_uint_eq(a.mode, S_IFREG | 02755);
	/* without SGID on the parent: the creator's gid */
	d = mk(&rootfid, "plain", S_IFDIR | 0777);
	ck_assert_int_eq(mkc(&u, &d, "x", S_IFREG | 0644, &a), 0);
	ck_assert_uint_eq(a.gid, 1000);
	store_down();
}
END_TEST

START_TEST(st_symlink)
{
	struct xsan_attr a, da;
	char buf[XSAN_SYMLINK_MAX + 1], big[XSAN_SYMLINK_MAX + 2];
	struct xsan_fid l, f;
	uint32_t len;

	store_up();
	ck_assert_int_eq(xsan_ns_symlink(t, &rootcr, &rootfid, "l", 1, "../t/x", 6,
					 tick(), &a, &da), 0);
	ck_assert_uint_eq(a.mode, S_IFLNK | 0777);
	ck_assert_uint_eq(a.size, 6);
	ck_assert_uint_eq(da.nlink, 2);
	l = fid_of(&a);
	ck_assert_int_eq(xsan_ns_readlink(t, &rootcr, &l, buf, &len), 0);
	ck_assert_uint_eq(len, 6);
	ck_assert_int_eq(memcmp(buf, "../t/x", 6), 0);
	f = mk(&rootfid, "f", S_IFREG | 0644);
	ck_assert_int_eq(xsan_ns_readlink(t, &rootcr, &f, buf, &len), -EINVAL);
	ck_assert_int_eq(xsan_ns_symlink(t, &rootcr, &rootfid, "e", 1, "", 0,
					 tick(), &a, &da), -ENOENT);
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(xsan_ns_symlink(t, &rootcr, &rootfid, "b", 1, big,
					 XSAN_SYMLINK_MAX + 1, tick(), &a, &da),
			 -ENAMETOOLONG);
	ck_assert_int_eq(xsan_ns_symlink(t, &rootcr, &rootfid, "b", 1, big,
					 XSAN_SYMLINK_MAX, tick(), &a, &da), 0);
	l = fid_of(&a);
	ck_assert_int_eq(xsan_ns_readlink(t, &rootcr, &l, buf, &len), 0);
	ck_assert_uint_eq(len, XSAN_SYMLINK_MAX);
	ck_assert_int_eq(xsan_ns_symlink(t, &rootcr, &rootfid, "f", 1, "y", 1,
					 tick(), &a, &da), -EEXIST);
	ck_assert_int_eq(xsan_ns_symlink(t, &rootcr, &rootfid, "..", 2, "y", 1,
					 tick(), &a, &da), -EEXIST);
	recommit();
	ck_assert_int_eq(xsan_ns_readlink(t, &rootcr, &l, buf, &len), 0);
	ck_assert_uint_eq(len, XSAN_SYMLINK_MAX);
	store_down();
}
END_TEST

START_TEST(st_link)
{
	struct xsan_cred u = user(1000, 1000);
	struct xsan_attr a, da;
	struct xsan_fid d, f;

	store_up();
	d = mk(&rootfid, "d", S_IFDIR | 0777);
	f = mk(&rootfid, "f", S_IFREG | 0644);
	ck_assert_int_eq(xsan_ns_link(t, &u, &f, &d, "g", 1, tick(), &a, &da), 0);
	ck_assert_uint_eq(a.nlink, 2);
	ck_assert_int_eq(a.ctime.sec, now.sec);
	ck_assert_uint_eq(a.change, 2);
	ck_assert_int_eq(da.mtime.sec, now.sec);
	ck_assert_uint_eq(da.nlink, 2);
	ck_assert_int_eq(lk(&u, &d, "g", &a), 0);
	ck_assert_uint_eq(a.ino, f.ino);
	ck_assert_int_eq(xsan_ns_link(t, &u, &f, &d, "g", 1, tick(), &a, &da), -EEXIST);
	ck_assert_int_eq(xsan_ns_link(t, &u, &f, &d, ".", 1, tick(), &a, &da), -EEXIST);
	ck_assert_int_eq(xsan_ns_link(t, &u, &f, &d, "..", 2, tick(), &a, &da), -EEXIST);
	ck_assert_int_eq(xsan_ns_link(t, &rootcr, &d, &rootfid, "d2", 2, tick(), &a, &da),
			 -EPERM);
	ck_assert_int_eq(xsan_ns_link(t, &u, &f, &rootfid, "h", 1, tick(), &a, &da),
			 -EACCES);
	ck_assert_int_eq(xsan_ns_link(t, &u, &f, &f, "h", 1, tick(), &a, &da), -ENOTDIR);
	set_nlink(&f, XSAN_LINK_MAX);
	ck_assert_int_eq(xsan_ns_link(t, &u, &f, &d, "h", 1, tick(), &a, &da), -EMLINK);
	store_down();
}
END_TEST

START_TEST(st_unlink)
{
	struct xsan_cred u = user(1000, 1000);
	struct xsan_attr a, da, va;
	struct xsan_fid d, f;

	store_up();
	d = mk(&rootfid, "d", S_IFDIR | 0755);
	f = mk(&d, "f", S_IFREG | 0644);
	ck_assert_int_eq(xsan_ns_link(t, &rootcr, &f, &d, "g", 1, tick(), &a, &da), 0);
	ck_assert_int_eq(ul(&u, &d, "f"), -EACCES);
	ck_assert_int_eq(xsan_ns_unlink(t, &rootcr, &d, "f", 1, tick(), &da, &va), 0);
	ck_assert_uint_eq(va.nlink, 1);
	ck_assert_int_eq(va.ctime.sec, now.sec);
	ck_assert_int_eq(da.mtime.sec, now.sec);
	ck_assert_int_eq(ga(&f).nlink, 1);
	ck_assert_int_eq(xsan_ns_unlink(t, &rootcr, &d, "g", 1, tick(), &da, &va), 0);
	ck_assert_uint_eq(va.nlink, 0);
	ck_assert_int_eq(xsan_ns_getattr(t, &f, &a), -ESTALE);
	ck_assert_int_eq(ul(&rootcr, &d, "g"), -ENOENT);
	ck_assert_int_eq(ul(&rootcr, &rootfid, "d"), -EISDIR);
	ck_assert_int_eq(ul(&rootcr, &d, "."), -EISDIR);
	ck_assert_int_eq(ul(&rootcr, &d, ".."), -EISDIR);
	ck_assert_int_eq(ul(&rootcr, &f, "x"), -ESTALE);
	store_down();
}
END_TEST

START_TEST(st_rmdir)
{
	struct xsan_attr da, va;
	struct xsan_fid d, e;

	store_up();
	d = mk(&rootfid, "d", S_IFDIR | 0755);
	e = mk(&d, "e", S_IFDIR | 0755);
	mk(&e, "f", S_IFREG | 0644);
	ck_assert_int_eq(ga(&d).nlink, 3);
	ck_assert_int_eq(rd(&rootcr, &d, "e"), -ENOTEMPTY);
	ck_assert_int_eq(rd(&rootcr, &e, "f"), -ENOTDIR);
	ck_assert_int_eq(rd(&rootcr, &d, "."), -EINVAL);
	ck_assert_int_eq(rd(&rootcr, &d, ".."), -ENOTEMPTY);
	ck_assert_int_eq(rd(&rootcr, &d, "zz"), -ENOENT);
	ck_assert_int_eq(ul(&rootcr, &e, "f"), 0);
	ck_assert_int_eq(xsan_ns_rmdir(t, &rootcr, &d, "e", 1, tick(), &da, &va), 0);
	ck_assert_uint_eq(da.nlink, 2);
	ck_assert_int_eq(da.mtime.sec, now.sec);
	ck_assert_uint_eq(va.nlink, 0);
	ck_assert_int_eq(xsan_ns_getattr(t, &e, &va), -ESTALE);
	store_down();
}
END_TEST

START_TEST(st_rename_move)
{
	struct xsan_attr a, out[4];
	struct xsan_fid a1, b1, f, sub;
	uint32_t n;

	store_up();
	a1 = mk(&rootfid, "a", S_IFDIR | 0755);
	b1 = mk(&rootfid, "b", S_IFDIR | 0755);
	f = mk(&a1, "f", S_IFREG | 0644);
	sub = mk(&a1, "sub", S_IFDIR | 0755);
	/* within one directory */
	ck_assert_int_eq(xsan_ns_rename(t, &rootcr, &a1, "f", 1, &a1, "f2", 2, 0,
					tick(), out, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(out[0].ino, a1.ino);
	ck_assert_uint_eq(out[1].ino, a1.ino);
	ck_assert_uint_eq(out[2].ino, f.ino);
	ck_assert_int_eq(out[2].ctime.sec, now.sec);
	ck_assert_int_eq(out[0].mtime.sec, now.sec);
	ck_assert_int_eq(lk(&rootcr, &a1, "f", &a), -ENOENT);
	ck_assert_int_eq(lk(&rootcr, &a1, "f2", &a), 0);
	/* a directory to another parent: nlinks and ".." follow */
	ck_assert_int_eq(xsan_ns_rename(t, &rootcr, &a1, "sub", 3, &b1, "sub", 3, 0,
					tick(), out, &n), 0);
	ck_assert_uint_eq(out[0].nlink, 2);
	ck_assert_uint_eq(out[1].nlink, 3);
	ck_assert_int_eq(out[1].mtime.sec, now.sec);
	ck_assert_int_eq(lk(&rootcr, &sub, "..", &a), 0);
	ck_assert_uint_eq(a.ino, b1.ino);
	/* a file across */
	ck_assert_int_eq(rn(&rootcr, &a1, "f2", &b1, "f3", 0), 0);
	ck_assert_int_eq(lk(&rootcr, &b1, "f3", &a), 0);
	ck_assert_uint_eq(ga(&a1).nlink, 2);
	ck_assert_uint_eq(ga(&b1).nlink, 3);
	ck_assert_int_eq(rn(&rootcr, &a1, "nope", &b1, "x", 0), -ENOENT);
	ck_assert_int_eq(rn(&rootcr, &a1, "x", &f, "x", 0), -ENOTDIR);
	store_down();
}
END_TEST

START_TEST(st_rename_replace)
{
	struct xsan_attr a, out[4];
	struct xsan_fid d, e, f, g, h, full;
	uint32_t n;

	store_up();
	d = mk(&rootfid, "d", S_IFDIR | 0755);
	e = mk(&rootfid, "e", S_IFDIR | 0755);
	full = mk(&rootfid, "full", S_IFDIR | 0755);
	mk(&full, "x", S_IFREG | 0644);
	f = mk(&rootfid, "f", S_IFREG | 0644);
	g = mk(&rootfid, "g", S_IFREG | 0644);
	ck_assert_int_eq(rn(&rootcr, &rootfid, "d", &rootfid, "f", 0), -ENOTDIR);
	ck_assert_int_eq(rn(&rootcr, &rootfid, "f", &rootfid, "d", 0), -EISDIR);
	ck_assert_int_eq(rn(&rootcr, &rootfid, "d", &rootfid, "full", 0), -ENOTEMPTY);
	ck_assert_int_eq(rn(&rootcr, &rootfid, "f", &rootfid, "g", XSAN_RENAME_NOREPLACE),
			 -EEXIST);
	ck_assert_int_eq(rn(&rootcr, &rootfid, "f", &rootfid, "g",
			    XSAN_RENAME_NOREPLACE | XSAN_RENAME_EXCHANGE), -EINVAL);
	ck_assert_int_eq(rn(&rootcr, &rootfid, "f", &rootfid, "g", 4), -EINVAL);
	/* file over file: the old g is freed */
	ck_assert_int_eq(xsan_ns_rename(t, &rootcr, &rootfid, "f", 1, &rootfid, "g", 1,
					0, tick(), out, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(out[3].ino, g.ino);
	ck_assert_uint_eq(out[3].nlink, 0);
	ck_assert_int_eq(xsan_ns_getattr(t, &g, &a), -ESTALE);
	ck_assert_int_eq(lk(&rootcr, &rootfid, "g", &a), 0);
	ck_assert_uint_eq(a.ino, f.ino);
	/* over a file with another link: that link stays */
	h = mk(&rootfid, "h", S_IFREG | 0644);
	ck_assert_int_eq(xsan_ns_link(t, &rootcr, &h, &d, "h2", 2, tick(), &a, &out[0]), 0);
	ck_assert_int_eq(xsan_ns_rename(t, &rootcr, &rootfid, "g", 1, &rootfid, "h", 1,
					0, tick(), out, &n), 0);
	ck_assert_uint_eq(out[3].nlink, 1);
	ck_assert_uint_eq(ga(&h).nlink, 1);
	/* rename onto a hard link of itself: success, no change */
	ck_assert_int_eq(xsan_ns_link(t, &rootcr, &h, &d, "h3", 2, tick(), &a, &out[0]), 0);
	a = ga(&h);
	ck_assert_int_eq(xsan_ns_rename(t, &rootcr, &d, "h2", 2, &d, "h3", 2, 0, tick(),
					out, &n), 0);
	ck_assert_uint_eq(ga(&h).change, a.change);
	ck_assert_int_eq(lk(&rootcr, &d, "h2", &a), 0);
	ck_assert_int_eq(lk(&rootcr, &d, "h3", &a), 0);
	/* dir over empty dir in another parent */
	ck_assert_uint_eq(ga(&rootfid).nlink, 5);
	mk(&d, "empty", S_IFDIR | 0755);
	ck_assert_int_eq(rn(&rootcr, &rootfid, "e", &d, "empty", 0), 0);
	ck_assert_uint_eq(ga(&rootfid).nlink, 4);
	ck_assert_uint_eq(ga(&d).nlink, 3);
	ck_assert_int_eq(lk(&rootcr, &e, "..", &a), 0);
	ck_assert_uint_eq(a.ino, d.ino);
	store_down();
}
END_TEST

START_TEST(st_rename_exchange)
{
	struct xsan_attr a, out[4];
	struct xsan_fid d, e, f, sub;
	uint32_t n;

	store_up();
	d = mk(&rootfid, "d", S_IFDIR | 0755);
	e = mk(&rootfid, "e", S_IFDIR | 0755);
	sub = mk(&d, "sub", S_IFDIR | 0755);
	f = mk(&e, "f", S_IFREG | 0644);
	ck_assert_int_eq(rn(&rootcr, &d, "sub", &e, "none", XSAN_RENAME_EXCHANGE), -ENOENT);
	ck_assert_int_eq(xsan_ns_rename(t, &rootcr, &d, "sub", 3, &e, "f", 1,
					XSAN_RENAME_EXCHANGE, tick(), out, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(out[0].nlink, 2);	/* d lost the subdir */
	ck_assert_uint_eq(out[1].nlink, 3);	/* e gained it */
	ck_assert_int_eq(out[3].ctime.sec, now.sec);
	ck_assert_int_eq(lk(&rootcr, &d, "sub", &a), 0);
	ck_assert_uint_eq(a.ino, f.ino);
	ck_assert_int_eq(lk(&rootcr, &e, "f", &a), 0);
	ck_assert_uint_eq(a.ino, sub.ino);
	ck_assert_int_eq(lk(&rootcr, &sub, "..", &a), 0);
	ck_assert_uint_eq(a.ino, e.ino);
	/* two directories swap parents */
	ck_assert_int_eq(rn(&rootcr, &rootfid, "d", &e, "f", XSAN_RENAME_EXCHANGE), 0);
	ck_assert_int_eq(lk(&rootcr, &d, "..", &a), 0);
	ck_assert_uint_eq(a.ino, e.ino);
	ck_assert_int_eq(lk(&rootcr, &sub, "..", &a), 0);
	ck_assert_uint_eq(a.ino, 1);
	ck_assert_uint_eq(ga(&rootfid).nlink, 4);
	ck_assert_uint_eq(ga(&e).nlink, 3);
	/* a directory exchanged with its own ancestor */
	ck_assert_int_eq(rn(&rootcr, &rootfid, "e", &e, "f", XSAN_RENAME_EXCHANGE), -EINVAL);
	store_down();
}
END_TEST

START_TEST(st_rename_invalid)
{
	struct xsan_fid a1, b1, c1;

	store_up();
	a1 = mk(&rootfid, "a", S_IFDIR | 0755);
	b1 = mk(&a1, "b", S_IFDIR | 0755);
	c1 = mk(&b1, "c", S_IFDIR | 0755);
	mk(&c1, "x", S_IFREG | 0644);
	/* a directory under itself */
	ck_assert_int_eq(rn(&rootcr, &rootfid, "a", &c1, "a", 0), -EINVAL);
	ck_assert_int_eq(rn(&rootcr, &rootfid, "a", &a1, "z", 0), -EINVAL);
	/* the target an ancestor of the source's parent */
	ck_assert_int_eq(rn(&rootcr, &c1, "x", &rootfid, "a", 0), -ENOTEMPTY);
	ck_assert_int_eq(rn(&rootcr, &a1, ".", &rootfid, "z", 0), -EBUSY);
	ck_assert_int_eq(rn(&rootcr, &a1, "..", &rootfid, "z", 0), -EBUSY);
	ck_assert_int_eq(rn(&rootcr, &a1, "b", &rootfid, "..", 0), -EBUSY);
	ck_assert_int_eq(rn(&rootcr, &a1, "b", &rootfid, ".", XSAN_RENAME_NOREPLACE),
			 -EEXIST);
	ck_assert_int_eq(rn(&rootcr, &a1, "", &rootfid, "q", 0), -ENOENT);
	/* EMLINK when the new parent has no room for another ".." */
	set_nlink(&c1, XSAN_LINK_MAX);
	ck_assert_int_eq(rn(&rootcr, &rootfid, "x2", &c1, "y", 0), -ENOENT);
	mk(&rootfid, "sub", S_IFDIR | 0755);
	ck_assert_int_eq(rn(&rootcr, &rootfid, "sub", &c1, "sub", 0), -EMLINK);
	ck_assert_int_eq(rn(&rootcr, &c1, "x", &rootfid, "x", 0), 0);
	/* search permission on both directories */
	{
		struct xsan_cred u = user(1000, 1000);

		ck_assert_int_eq(sa(&rootcr, &b1, XSAN_SA_MODE, 0700, 0, 0), 0);
		ck_assert_int_eq(rn(&u, &b1, "c", &rootfid, "c", 0), -EACCES);
		ck_assert_int_eq(rn(&u, &rootfid, "x", &b1, "x", 0), -EACCES);
	}
	store_down();
}
END_TEST

START_TEST(st_perm_user)
{
	struct xsan_cred u = user(1000, 1000), g = user(2000, 2000);
	struct xsan_fid home, gd, f;
	struct xsan_attr a;

	store_up();
	home = mk(&rootfid, "home", S_IFDIR | 0755);
	ck_assert_int_eq(sa(&rootcr, &home, XSAN_SA_UID | XSAN_SA_GID, 0, 1000, 1000), 0);
	ck_assert_int_eq(mkc(&u, &home, "mine", S_IFREG | 0600, &a), 0);
	ck_assert_int_eq(mkc(&g, &home, "theirs", S_IFREG | 0600, &a), -EACCES);
	ck_assert_int_eq(ul(&g, &home, "mine"), -EACCES);
	/* group access through a supplementary group */
	gd = mk(&rootfid, "grp", S_IFDIR | 0770);
	ck_assert_int_eq(sa(&rootcr, &gd, XSAN_SA_GID, 0, 0, 500), 0);
	ck_assert_int_eq(mkc(&u, &gd, "x", S_IFREG | 0644, &a), 0);
	g.groups[0] = 501;
	ck_assert_int_eq(mkc(&g, &gd, "y", S_IFREG | 0644, &a), -EACCES);
	ck_assert_int_eq(lk(&g, &gd, "x", &a), -EACCES);
	/* owner class decides even when others may: mode 0077 owner */
	f = mk(&rootfid, "o", S_IFDIR | 0077);
	ck_assert_int_eq(sa(&rootcr, &f, XSAN_SA_UID, 0, 1000, 0), 0);
	ck_assert_int_eq(mkc(&u, &f, "z", S_IFREG | 0644, &a), -EACCES);
	ck_assert_int_eq(mkc(&g, &f, "z", S_IFREG | 0644, &a), 0);
	/* DAC_OVERRIDE writes anywhere */
	g.caps = XSAN_CAP_DAC_OVERRIDE;
	ck_assert_int_eq(mkc(&g, &home, "theirs", S_IFREG | 0600, &a), 0);
	/* DAC_READ_SEARCH searches and reads, never writes */
	u.caps = XSAN_CAP_DAC_READ_SEARCH;
	ck_assert_int_eq(sa(&rootcr, &gd, XSAN_SA_MODE, 0700, 0, 0), 0);
	ck_assert_int_eq(lk(&u, &gd, "x", &a), 0);
	ck_assert_int_eq(mkc(&u, &gd, "w", S_IFREG | 0644, &a), -EACCES);
	store_down();
}
END_TEST

START_TEST(st_sticky)
{
	struct xsan_cred a = user(1000, 1000), b = user(2000, 2000);
	struct xsan_fid tmp, other;
	struct xsan_attr at;

	store_up();
	tmp = mk(&rootfid, "tmp", S_IFDIR | 01777);
	other = mk(&rootfid, "other", S_IFDIR | 0777);
	ck_assert_int_eq(mkc(&a, &tmp, "af", S_IFREG | 0666, &at), 0);
	ck_assert_int_eq(mkc(&a, &tmp, "af2", S_IFREG | 0666, &at), 0);
	ck_assert_int_eq(mkc(&b, &tmp, "bf", S_IFREG | 0666, &at), 0);
	ck_assert_int_eq(ul(&b, &tmp, "af"), -EPERM);
	ck_assert_int_eq(rn(&b, &tmp, "af", &other, "stolen", 0), -EPERM);
	/* replacing someone else's entry in a sticky dir */
	ck_assert_int_eq(rn(&b, &tmp, "bf", &tmp, "af", 0), -EPERM);
	ck_assert_int_eq(rn(&b, &tmp, "bf", &other, "bf", 0), 0);
	ck_assert_int_eq(ul(&a, &tmp, "af"), 0);
	/* owner of the directory, or FOWNER */
	ck_assert_int_eq(sa(&rootcr, &tmp, XSAN_SA_UID, 0, 2000, 0), 0);
	ck_assert_int_eq(ul(&b, &tmp, "af2"), 0);
	ck_assert_int_eq(mkc(&a, &tmp, "af3", S_IFREG | 0666, &at), 0);
	ck_assert_int_eq(sa(&rootcr, &tmp, XSAN_SA_UID, 0, 0, 0), 0);
	b.caps = XSAN_CAP_FOWNER;
	ck_assert_int_eq(ul(&b, &tmp, "af3"), 0);
	store_down();
}
END_TEST

START_TEST(st_rename_dir_write)
{
	struct xsan_cred u = user(1000, 1000);
	struct xsan_fid a1, b1, ro;
	struct xsan_attr at;

	store_up();
	a1 = mk(&rootfid, "a", S_IFDIR | 0777);
	b1 = mk(&rootfid, "b", S_IFDIR | 0777);
	ck_assert_int_eq(mkc(&u, &a1, "ro", S_IFDIR | 0555, &at), 0);
	ro = fid_of(&at);
	(void)ro;
	/* another parent: ".." changes, so the directory must be writable */
	ck_assert_int_eq(rn(&u, &a1, "ro", &b1, "ro", 0), -EACCES);
	/* the same parent: no ".." change */
	ck_assert_int_eq(rn(&u, &a1, "ro", &a1, "ro2", 0), 0);
	ck_assert_int_eq(rn(&rootcr, &a1, "ro2", &b1, "ro", 0), 0);
	store_down();
}
END_TEST

START_TEST(st_setattr)
{
	struct xsan_cred u = user(1000, 1000), o = user(2000, 2000);
	struct xsan_sattr s = { 0 };
	struct xsan_fid f, d, l;
	struct xsan_attr a, da;

	store_up();
	ck_assert_int_eq(mkc(&u, &rootfid, "f", S_IFREG | 0644, &a), -EACCES);
	d = mk(&rootfid, "d", S_IFDIR | 0777);
	ck_assert_int_eq(mkc(&u, &d, "f", S_IFREG | 0644, &a), 0);
	f = fid_of(&a);
	/* chmod: owner only; SGID dropped outside the file's group */
	ck_assert_int_eq(sa(&o, &f, XSAN_SA_MODE, 0600, 0, 0), -EPERM);
	ck_assert_int_eq(sa(&u, &f, XSAN_SA_MODE, 06755, 0, 0), 0);
	ck_assert_uint_eq(ga(&f).mode, S_IFREG | 06755);
	ck_assert_int_eq(sa(&rootcr, &f, XSAN_SA_GID, 0, 0, 77), 0);
	/* chown/chgrp of a non-directory kills SUID, and SGID with g+x */
	ck_assert_uint_eq(ga(&f).mode, S_IFREG | 0755);
	ck_assert_int_eq(sa(&u, &f, XSAN_SA_MODE, 02755, 0, 0), 0);
	ck_assert_uint_eq(ga(&f).mode, S_IFREG | 0755);
	o.caps = XSAN_CAP_FOWNER | XSAN_CAP_FSETID;
	ck_assert_int_eq(sa(&o, &f, XSAN_SA_MODE, 02755, 0, 0), 0);
	ck_assert_uint_eq(ga(&f).mode, S_IFREG | 02755);
	o.caps = 0;
	ck_assert_int_eq(sa(&u, &f, XSAN_SA_MODE, 0170644, 0, 0), -EINVAL);
	/* chown needs CHOWN; the owner may chgrp to their own groups */
	ck_assert_int_eq(sa(&u, &f, XSAN_SA_UID, 0, 2000, 0), -EPERM);
	ck_assert_int_eq(sa(&u, &f, XSAN_SA_UID, 0, 1000, 0), 0);
	ck_assert_int_eq(sa(&u, &f, XSAN_SA_GID, 0, 0, 500), 0);
	ck_assert_uint_eq(ga(&f).gid, 500);
	ck_assert_int_eq(sa(&u, &f, XSAN_SA_GID, 0, 0, 600), -EPERM);
	ck_assert_int_eq(sa(&o, &f, XSAN_SA_GID, 0, 0, 2000), -EPERM);
	o.caps = XSAN_CAP_CHOWN;
	ck_assert_int_eq(sa(&rootcr, &f, XSAN_SA_MODE, 04711, 0, 0), 0);
	ck_assert_int_eq(sa(&o, &f, XSAN_SA_UID | XSAN_SA_GID, 0, 2000, 2000), 0);
	a = ga(&f);
	ck_assert_uint_eq(a.uid, 2000);
	ck_assert_uint_eq(a.gid, 2000);
	ck_assert_uint_eq(a.mode, S_IFREG | 0711);
	/* SGID without g+x survives chown by a member of the group */
	ck_assert_int_eq(sa(&rootcr, &f, XSAN_SA_MODE, 02644, 0, 0), 0);
	ck_assert_int_eq(sa(&rootcr, &f, XSAN_SA_UID, 0, 1000, 0), 0);
	ck_assert_uint_eq(ga(&f).mode, S_IFREG | 02644);
	/* directories keep their bits on chown */
	ck_assert_int_eq(sa(&rootcr, &d, XSAN_SA_MODE, 06777, 0, 0), 0);
	ck_assert_int_eq(sa(&rootcr, &d, XSAN_SA_UID, 0, 5, 0), 0);
	ck_assert_uint_eq(ga(&d).mode, S_IFDIR | 06777);
	o.caps = 0;
	/* times: explicit only for owner/FOWNER, "now" also with write */
	ck_assert_int_eq(sa(&rootcr, &f, XSAN_SA_MODE | XSAN_SA_UID, 0666, 1000, 0), 0);
	ck_assert_int_eq(sa(&o, &f, XSAN_SA_ATIME | XSAN_SA_MTIME, 0, 0, 0), -EPERM);
	ck_assert_int_eq(sa(&o, &f, XSAN_SA_ATIME_NOW | XSAN_SA_MTIME_NOW, 0, 0, 0), 0);
	ck_assert_int_eq(ga(&f).mtime.sec, now.sec);
	ck_assert_int_eq(sa(&u, &f, XSAN_SA_ATIME | XSAN_SA_MTIME, 0, 0, 0), 0);
	a = ga(&f);
	ck_assert_int_eq(a.atime.sec, 5);
	ck_assert_int_eq(a.mtime.sec, 6);
	ck_assert_int_eq(a.ctime.sec, now.sec);
	ck_assert_int_eq(sa(&rootcr, &f, XSAN_SA_MODE, 0644, 0, 0), 0);
	ck_assert_int_eq(sa(&o, &f, XSAN_SA_MTIME_NOW, 0, 0, 0), -EACCES);
	/* size: write permission, regular files only */
	ck_assert_int_eq(sa(&o, &f, XSAN_SA_SIZE, 0, 0, 0), -EACCES);
	s.valid = XSAN_SA_SIZE;
	s.size = 1 << 20;
	a = ga(&f);
	ck_assert_int_eq(xsan_ns_setattr(t, &u, &f, &s, tick(), &da), 0);
	ck_assert_uint_eq(da.size, 1 << 20);
	ck_assert_int_eq(da.mtime.sec, now.sec);
	ck_assert_int_eq(da.ctime.sec, now.sec);
	ck_assert_uint_eq(da.change, a.change + 1);
	ck_assert_int_eq(xsan_ns_setattr(t, &rootcr, &d, &s, tick(), &da), -EISDIR);
	ck_assert_int_eq(xsan_ns_symlink(t, &rootcr, &rootfid, "l", 1, "x", 1, tick(),
					 &a, &da), 0);
	l = fid_of(&a);
	ck_assert_int_eq(xsan_ns_setattr(t, &rootcr, &l, &s, tick(), &da), -EINVAL);
	s.valid = 0x200;
	ck_assert_int_eq(xsan_ns_setattr(t, &rootcr, &f, &s, tick(), &da), -EINVAL);
	store_down();
}
END_TEST

START_TEST(st_generations)
{
	struct xsan_fid f1, f2, f3, g;
	struct xsan_attr a;

	store_up();
	f1 = mk(&rootfid, "a", S_IFREG | 0644);
	f2 = mk(&rootfid, "b", S_IFREG | 0644);
	f3 = mk(&rootfid, "c", S_IFREG | 0644);
	ck_assert_uint_eq(f1.ino, 2);
	ck_assert_uint_eq(f3.ino, 4);
	ck_assert_int_eq(ul(&rootcr, &rootfid, "c"), 0);
	ck_assert_int_eq(ul(&rootcr, &rootfid, "a"), 0);
	recommit();
	/* the lowest freed number first, with generation + 1 */
	g = mk(&rootfid, "d", S_IFREG | 0644);
	ck_assert_uint_eq(g.ino, f1.ino);
	ck_assert_uint_eq(g.gen, f1.gen + 1);
	ck_assert_int_eq(xsan_ns_getattr(t, &f1, &a), -ESTALE);
	g = mk(&rootfid, "e", S_IFREG | 0644);
	ck_assert_uint_eq(g.ino, f3.ino);
	g = mk(&rootfid, "f", S_IFREG | 0644);
	ck_assert_uint_eq(g.ino, 5);
	ck_assert_uint_eq(g.gen, 1);
	ck_assert_int_eq(ul(&rootcr, &rootfid, "d"), 0);
	g = mk(&rootfid, "d2", S_IFREG | 0644);
	ck_assert_uint_eq(g.gen, f1.gen + 2);
	(void)f2;
	store_down();
}
END_TEST

START_TEST(st_readdir)
{
	struct xsan_cred u = user(1000, 1000);
	struct xsan_fid d, f;
	bool eof;

	store_up();
	d = mk(&rootfid, "d", S_IFDIR | 0755);
	f = mk(&d, "file", S_IFREG | 0644);
	mk(&d, "sub", S_IFDIR | 0755);
	ck_assert_int_eq(xsan_ns_symlink(t, &rootcr, &d, "lnk", 3, "x", 1, tick(),
					 &(struct xsan_attr){ 0 }, &(struct xsan_attr){ 0 }), 0);
	memset(&coll, 0, sizeof(coll));
	coll.max = COLL_MAX;
	ck_assert_int_eq(xsan_ns_readdir(t, &u, &d, 0, collect, &coll, &eof), 0);
	ck_assert(eof);
	ck_assert_int_eq(coll.n, 3);
	ck_assert_str_eq(coll.names[0], "file");
	ck_assert_uint_eq(coll.inos[0], f.ino);
	ck_assert_uint_eq(coll.types[0], XSAN_DT_REG);
	ck_assert_str_eq(coll.names[1], "sub");
	ck_assert_uint_eq(coll.types[1], XSAN_DT_DIR);
	ck_assert_uint_eq(coll.types[2], XSAN_DT_LNK);
	/* stop after one; resume at its cookie */
	memset(&coll, 0, sizeof(coll));
	coll.max = 1;
	ck_assert_int_eq(xsan_ns_readdir(t, &u, &d, 0, collect, &coll, &eof), 0);
	ck_assert(!eof);
	ck_assert_int_eq(coll.n, 1);
	coll.max = 10;
	ck_assert_int_eq(xsan_ns_readdir(t, &u, &d, coll.last, collect, &coll, &eof), 0);
	ck_assert(eof);
	ck_assert_int_eq(coll.n, 3);
	ck_assert_str_eq(coll.names[1], "sub");
	/* empty directory, errors */
	memset(&coll, 0, sizeof(coll));
	coll.max = 10;
	ck_assert_int_eq(xsan_ns_readdir(t, &u, &rootfid, 1000, collect, &coll, &eof), 0);
	ck_assert(eof);
	ck_assert_int_eq(coll.n, 0);
	ck_assert_int_eq(xsan_ns_readdir(t, &u, &f, 0, collect, &coll, &eof), -ENOTDIR);
	ck_assert_int_eq(sa(&rootcr, &d, XSAN_SA_MODE, 0711, 0, 0), 0);
	ck_assert_int_eq(xsan_ns_readdir(t, &u, &d, 0, collect, &coll, &eof), -EACCES);
	store_down();
}
END_TEST

START_TEST(st_readdir_stable)
{
	static int seen[2000];
	struct xsan_fid d;
	uint64_t cookie = 0;
	char name[32];
	bool eof = false;
	int i, pages = 0, added = 0, deleted_unseen = 0;
	static bool deleted[1000];

	store_up();
	d = mk(&rootfid, "big", S_IFDIR | 0755);
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "e%04d", i);
		mk(&d, name, S_IFREG | 0644);
	}
	recommit();
	memset(seen, 0, sizeof(seen));
	while (!eof) {
		memset(&coll, 0, sizeof(coll));
		coll.max = 37;
		ck_assert_int_eq(xsan_ns_readdir(t, &rootcr, &d, cookie, collect, &coll,
						 &eof), 0);
		for (i = 0; i < coll.n; i++) {
			int k = atoi(coll.names[i] + 1);

			ck_assert(k >= 0 && k < 2000);
			seen[k]++;
		}
		if (coll.n)
			cookie = coll.last;
		/* between pages: delete seen and unseen entries, add new ones */
		for (i = 0; i < 3; i++) {
			int k = (pages * 131 + i * 337) % 1000;

			if (deleted[k])
				continue;
			snprintf(name, sizeof(name), "e%04d", k);
			ck_assert_int_eq(ul(&rootcr, &d, name), 0);
			deleted[k] = true;
			if (!seen[k])
				deleted_unseen++;
		}
		if (!eof && added < 200) {
			snprintf(name, sizeof(name), "e%04d", 1000 + added++);
			mk(&d, name, S_IFREG | 0644);
		}
		if (pages++ % 5 == 0)
			recommit();
		ck_assert_int_lt(pages, 500);
	}
	for (i = 0; i < 1000; i++) {
		if (deleted[i])
			ck_assert_int_le(seen[i], 1);
		else
			ck_assert_msg(seen[i] == 1, "entry %d seen %d times", i, seen[i]);
	}
	/* new entries get higher cookies, so each was seen exactly once */
	for (i = 1000; i < 1000 + added; i++)
		ck_assert_msg(seen[i] == 1, "new entry %d seen %d times", i, seen[i]);
	ck_assert_int_gt(deleted_unseen, 0);
	store_down();
}
END_TEST

START_TEST(st_nested_rollback)
{
	struct xsan_attr a;
	MDB_txn *txn;
	uint64_t n;

	store_up();
	recommit();
	mk(&rootfid, "a", S_IFREG | 0644);
	ck_assert_int_eq(mkc(&rootcr, &rootfid, "a", S_IFREG | 0644, &a), -EEXIST);
	ck_assert_int_eq(rn(&rootcr, &rootfid, "a", &rootfid, ".", 0), -EBUSY);
	/* an operation that wrote and then failed leaves nothing */
	ck_assert_int_eq(xsan_op_begin(t, &txn), 0);
	ck_assert_int_eq(xsan_meta_put_u64(st, txn, "next_ino", 777), 0);
	ck_assert_int_eq(xsan_op_end(txn, -EIO), -EIO);
	mk(&rootfid, "b", S_IFREG | 0644);
	ck_assert_int_eq(xsan_ns_setxattr(t, &rootcr, &rootfid, "bogus.x", 7, "v", 1, 0,
					  tick(), &a), -EOPNOTSUPP);
	ck_assert_int_eq(xsan_txn_commit(t), 0);
	ck_assert_int_eq(xsan_txn_begin(st, false, &t), 0);
	ck_assert_int_eq(lk(&rootcr, &rootfid, "a", &a), 0);
	ck_assert_uint_eq(a.ino, 2);
	ck_assert_int_eq(lk(&rootcr, &rootfid, "b", &a), 0);
	ck_assert_uint_eq(a.ino, 3);
	ck_assert_int_eq(xsan_meta_get_u64(st, t->txn, "next_ino", &n), 0);
	ck_assert_uint_eq(n, 4);
	/* an aborted batch leaves nothing either */
	xsan_txn_abort(t);
	ck_assert_int_eq(xsan_txn_begin(st, true, &t), 0);
	mk(&rootfid, "c", S_IFREG | 0644);
	xsan_txn_abort(t);
	ck_assert_int_eq(xsan_txn_begin(st, false, &t), 0);
	ck_assert_int_eq(lk(&rootcr, &rootfid, "c", &a), -ENOENT);
	store_down();
}
END_TEST

START_TEST(st_statfs)
{
	struct xsan_statfs s;

	store_up();
	ck_assert_int_eq(xsan_ns_statfs(t, &s), 0);
	ck_assert_uint_eq(s.blocks, 1000000);
	ck_assert_uint_eq(s.bfree, 1000000);
	ck_assert_uint_eq(s.files, 100000);
	ck_assert_uint_eq(s.ffree, 99999);
	ck_assert_uint_eq(s.bsize, 4096);
	ck_assert_uint_eq(s.namemax, 255);
	mk(&rootfid, "a", S_IFREG | 0644);
	ck_assert_int_eq(xsan_ns_statfs(t, &s), 0);
	ck_assert_uint_eq(s.ffree, 99998);
	store_down();
}
END_TEST

START_TEST(st_names)
{
	struct xsan_attr a;
	char n255[256], n256[257];

	store_up();
	memset(n255, 'n', 255);
	n255[255] = '\0';
	memset(n256, 'n', 256);
	n256[256] = '\0';
	ck_assert_int_eq(mkc(&rootcr, &rootfid, n255, S_IFREG | 0644, &a), 0);
	ck_assert_int_eq(lk(&rootcr, &rootfid, n255, &a), 0);
	ck_assert_int_eq(mkc(&rootcr, &rootfid, n256, S_IFREG | 0644, &a), -ENAMETOOLONG);
	ck_assert_int_eq(rn(&rootcr, &rootfid, n255, &rootfid, n256, 0), -ENAMETOOLONG);
	ck_assert_int_eq(xsan_ns_mknod(t, &rootcr, &rootfid, "a\0b", 3, S_IFREG, 0, 0,
				       tick(), &a, &a), -EINVAL);
	store_down();
}
END_TEST

/* --- xattrs --- */

static int sx(const struct xsan_cred *cr, const struct xsan_fid *f,
	      const char *name, const char *val, uint32_t vlen, uint32_t flags)
{
	struct xsan_attr a;

	return xsan_ns_setxattr(t, cr, f, name, strlen(name), val, vlen, flags,
				tick(), &a);
}

static int gx(const struct xsan_cred *cr, const struct xsan_fid *f,
	      const char *name, char *buf, uint32_t size, uint32_t *full)
{
	return xsan_ns_getxattr(t, cr, f, name, strlen(name), buf, size, full);
}

START_TEST(st_xattr_basic)
{
	struct xsan_attr a, b;
	struct xsan_fid f;
	char buf[64];
	uint32_t full;

	store_up();
	f = mk(&rootfid, "f", S_IFREG | 0644);
	a = ga(&f);
	ck_assert_int_eq(xsan_ns_setxattr(t, &rootcr, &f, "user.k", 6, "hello", 5, 0,
					  tick(), &b), 0);
	ck_assert_int_eq(b.ctime.sec, now.sec);
	ck_assert_uint_eq(b.change, a.change + 1);
	ck_assert_int_eq(gx(&rootcr, &f, "user.k", buf, 0, &full), 0);
	ck_assert_uint_eq(full, 5);
	ck_assert_int_eq(gx(&rootcr, &f, "user.k", buf, 4, &full), -ERANGE);
	ck_assert_int_eq(gx(&rootcr, &f, "user.k", buf, sizeof(buf), &full), 0);
	ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
	ck_assert_int_eq(gx(&rootcr, &f, "user.none", buf, sizeof(buf), &full), -ENODATA);
	ck_assert_int_eq(sx(&rootcr, &f, "user.k", "x", 1, XSAN_XATTR_CREATE), -EEXIST);
	ck_assert_int_eq(sx(&rootcr, &f, "user.n", "x", 1, XSAN_XATTR_REPLACE), -ENODATA);
	ck_assert_int_eq(sx(&rootcr, &f, "user.k", "bye", 3, XSAN_XATTR_REPLACE), 0);
	ck_assert_int_eq(sx(&rootcr, &f, "user.e", "", 0, XSAN_XATTR_CREATE), 0);
	ck_assert_int_eq(gx(&rootcr, &f, "user.e", buf, sizeof(buf), &full), 0);
	ck_assert_uint_eq(full, 0);
	ck_assert_int_eq(sx(&rootcr, &f, "user.k", "x", 1, 4), -EINVAL);
	ck_assert_int_eq(xsan_ns_listxattr(t, &rootcr, &f, buf, 0, &full), 0);
	ck_assert_uint_eq(full, 14);
	ck_assert_int_eq(xsan_ns_listxattr(t, &rootcr, &f, buf, 13, &full), -ERANGE);
	ck_assert_int_eq(xsan_ns_listxattr(t, &rootcr, &f, buf, sizeof(buf), &full), 0);
	ck_assert_int_eq(memcmp(buf, "user.e\0user.k\0", 14), 0);
	a = ga(&f);
	ck_assert_int_eq(xsan_ns_removexattr(t, &rootcr, &f, "user.k", 6, tick(), &b), 0);
	ck_assert_uint_eq(b.change, a.change + 1);
	ck_assert_int_eq(b.ctime.sec, now.sec);
	ck_assert_int_eq(xsan_ns_removexattr(t, &rootcr, &f, "user.k", 6, tick(), &b),
			 -ENODATA);
	/* xattrs go with their inode; a reused number starts clean */
	ck_assert_int_eq(ul(&rootcr, &rootfid, "f"), 0);
	f = mk(&rootfid, "g", S_IFREG | 0644);
	ck_assert_int_eq(xsan_ns_listxattr(t, &rootcr, &f, buf, sizeof(buf), &full), 0);
	ck_assert_uint_eq(full, 0);
	store_down();
}
END_TEST

START_TEST(st_xattr_ns)
{
	struct xsan_cred u = user(1000, 1000), o = user(2000, 2000);
	struct xsan_fid f, l, sd, fifo;
	struct xsan_attr a;
	char buf[512], name[300], *big;
	uint32_t full;

	store_up();
	f = mk(&rootfid, "f", S_IFREG | 0644);
	ck_assert_int_eq(sa(&rootcr, &f, XSAN_SA_UID, 0, 1000, 0), 0);
	ck_assert_int_eq(xsan_ns_symlink(t, &rootcr, &rootfid, "l", 1, "f", 1, tick(), &a,
					 &(struct xsan_attr){ 0 }), 0);
	l = fid_of(&a);
	fifo = mk(&rootfid, "p", S_IFIFO | 0666);
	ck_assert_int_eq(sx(&rootcr, &f, "trusted.t", "1", 1, 0), 0);
	ck_assert_int_eq(sx(&rootcr, &f, "security.s", "2", 1, 0), 0);
	ck_assert_int_eq(sx(&u, &f, "user.u", "3", 1, 0), 0);
	/* trusted: SYS_ADMIN only, hidden otherwise */
	ck_assert_int_eq(sx(&u, &f, "trusted.t", "1", 1, 0), -EPERM);
	ck_assert_int_eq(gx(&u, &f, "trusted.t", buf, sizeof(buf), &full), -ENODATA);
	ck_assert_int_eq(gx(&rootcr, &f, "trusted.t", buf, sizeof(buf), &full), 0);
	ck_assert_int_eq(xsan_ns_listxattr(t, &u, &f, buf, sizeof(buf), &full), 0);
	ck_assert_uint_eq(full, sizeof("security.s") + sizeof("user.u"));
	ck_assert_int_eq(xsan_ns_listxattr(t, &rootcr, &f, buf, sizeof(buf), &full), 0);
	ck_assert_uint_eq(full, sizeof("security.s") + sizeof("user.u") + sizeof("trusted.t"));
	/* security: read free, write SYS_ADMIN */
	ck_assert_int_eq(gx(&o, &f, "security.s", buf, sizeof(buf), &full), 0);
	ck_assert_int_eq(sx(&u, &f, "security.s", "2", 1, 0), -EPERM);
	/* user: permission bits */
	ck_assert_int_eq(gx(&o, &f, "user.u", buf, sizeof(buf), &full), 0);
	ck_assert_int_eq(sx(&o, &f, "user.u", "4", 1, 0), -EACCES);
	ck_assert_int_eq(xsan_ns_removexattr(t, &o, &f, "user.u", 6, tick(), &a), -EACCES);
	ck_assert_int_eq(sa(&u, &f, XSAN_SA_MODE, 0600, 0, 0), 0);
	ck_assert_int_eq(gx(&o, &f, "user.u", buf, sizeof(buf), &full), -EACCES);
	/* user: only regular files and directories */
	ck_assert_int_eq(sx(&rootcr, &l, "user.u", "1", 1, 0), -EPERM);
	ck_assert_int_eq(gx(&rootcr, &l, "user.u", buf, sizeof(buf), &full), -ENODATA);
	ck_assert_int_eq(sx(&rootcr, &fifo, "user.u", "1", 1, 0), -EPERM);
	ck_assert_int_eq(sx(&rootcr, &l, "trusted.x", "1", 1, 0), 0);
	/* user on a sticky directory: owner or FOWNER */
	sd = mk(&rootfid, "tmp", S_IFDIR | 01777);
	ck_assert_int_eq(sx(&u, &sd, "user.x", "1", 1, 0), -EPERM);
	u.caps = XSAN_CAP_FOWNER;
	ck_assert_int_eq(sx(&u, &sd, "user.x", "1", 1, 0), 0);
	u.caps = 0;
	/* names and sizes */
	ck_assert_int_eq(sx(&rootcr, &f, "other.x", "1", 1, 0), -EOPNOTSUPP);
	ck_assert_int_eq(sx(&rootcr, &f, "user", "1", 1, 0), -EOPNOTSUPP);
	ck_assert_int_eq(gx(&rootcr, &f, "system.x", buf, sizeof(buf), &full), -EOPNOTSUPP);
	ck_assert_int_eq(sx(&rootcr, &f, "user.", "1", 1, 0), -EINVAL);
	ck_assert_int_eq(gx(&rootcr, &f, "trusted.", buf, sizeof(buf), &full), -EINVAL);
	ck_assert_int_eq(sx(&rootcr, &f, "", "1", 1, 0), -ERANGE);
	memcpy(name, "user.", 5);
	memset(name + 5, 'x', 251);
	name[256] = '\0';
	ck_assert_int_eq(sx(&rootcr, &f, name, "1", 1, 0), -ERANGE);
	ck_assert_int_eq(gx(&rootcr, &f, name, buf, sizeof(buf), &full), -ERANGE);
	name[255] = '\0';
	ck_assert_int_eq(sx(&rootcr, &f, name, "1", 1, 0), 0);
	big = calloc(1, XSAN_XATTR_SIZE_MAX + 1);
	ck_assert_int_eq(sx(&rootcr, &f, "user.big", big, XSAN_XATTR_SIZE_MAX + 1, 0),
			 -E2BIG);
	ck_assert_int_eq(sx(&rootcr, &f, "user.big", big, XSAN_XATTR_SIZE_MAX, 0), -ENOSPC);
	free(big);
	store_down();
}
END_TEST

START_TEST(st_xattr_space)
{
	static char val[4096];
	struct xsan_fid f;
	uint32_t full;
	char buf[8];

	store_up();
	f = mk(&rootfid, "f", S_IFREG | 0644);
	/* one entry: 16 + 1 -> 20, value 4044: exactly 4064 */
	ck_assert_int_eq(sx(&rootcr, &f, "user.a", val, 4045, 0), -ENOSPC);
	ck_assert_int_eq(sx(&rootcr, &f, "user.a", val, 4044, 0), 0);
	ck_assert_int_eq(sx(&rootcr, &f, "user.b", "", 0, 0), -ENOSPC);
	/* replacing counts the new value only */
	ck_assert_int_eq(sx(&rootcr, &f, "user.a", val, 4000, 0), 0);
	/* 20 + 4000 = 4020; user.b costs 20 + 4 = 24 -> 4044 */
	ck_assert_int_eq(sx(&rootcr, &f, "user.b", "1234", 4, 0), 0);
	ck_assert_int_eq(sx(&rootcr, &f, "user.c", "", 0, 0), 0);	/* 4064 */
	ck_assert_int_eq(sx(&rootcr, &f, "user.d", "", 0, 0), -ENOSPC);
	ck_assert_int_eq(gx(&rootcr, &f, "user.d", buf, sizeof(buf), &full), -ENODATA);
	store_down();
}
END_TEST

/* ---- The LUN table (luntable.c) ---- */

/* Two groups: 0 with one LUN, 3 with two; LUNs given out of order. */
static void lun_geom(struct xsan_store_geom *g, struct xsan_store_lun l[3])
{
	memset(g, 0, sizeof(*g));
	g->bsize = 4096;
	g->files = 1000;
	g->created = 5;
	g->nsgs = 2;
	g->sgs[0] = (struct xsan_store_sg){ .index = 0, .flags = XSAN_SG_METADATA,
					    .nluns = 1, .breadth = 1, .lun_blocks = 100 };
	g->sgs[1] = (struct xsan_store_sg){ .index = 3, .flags = XSAN_SG_USERDATA,
					    .nluns = 2, .breadth = 4, .lun_blocks = 1000 };
	memset(l, 0, 3 * sizeof(*l));
	l[0] = (struct xsan_store_lun){ .sg = 3, .ordinal = 9, .sectors = 1ull << 33,
					.sector_size = 4096, .uuid = { 3, [15] = 9 },
					.label = "data-1" };
	l[1] = (struct xsan_store_lun){ .sg = 0, .ordinal = 0, .sectors = 122880,
					.sector_size = 512, .uuid = { 1 }, .label = "meta0" };
	l[2] = (struct xsan_store_lun){ .sg = 3, .ordinal = 2, .sectors = 65536,
					.sector_size = 65536, .uuid = { 2 },
					.label = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" };
	g->luns = l;
	g->nluns = 3;
}

/* The table of an open store equals @want[@order[i]] for each i. */
static void ck_luns(struct xsan_store *s, const struct xsan_store_lun *want,
		    const int *order, uint32_t n)
{
	struct xsan_store_lun *l;
	struct xsan_txn *rt;
	uint32_t got;

	ck_assert_int_eq(xsan_txn_begin(s, false, &rt), 0);
	ck_assert_int_eq(xsan_store_luns(rt, &l, &got), 0);
	xsan_txn_abort(rt);
	ck_assert_uint_eq(got, n);
	for (uint32_t i = 0; i < n; i++) {
		const struct xsan_store_lun *w = &want[order[i]];

		ck_assert_uint_eq(l[i].sg, w->sg);
		ck_assert_uint_eq(l[i].ordinal, w->ordinal);
		ck_assert_uint_eq(l[i].sectors, w->sectors);
		ck_assert_uint_eq(l[i].sector_size, w->sector_size);
		ck_assert_mem_eq(l[i].uuid, w->uuid, XSAN_UUID_SIZE);
		ck_assert_str_eq(l[i].label, w->label);
	}
	free(l);
}

START_TEST(st_luns_persist)
{
	static const int sorted[3] = { 1, 2, 0 };	/* by (sg, ordinal) */
	struct xsan_store_geom *g = malloc(sizeof(*g));
	struct xsan_store_lun l[3];
	char err[256];

	ck_assert_ptr_nonnull(g);
	lun_geom(g, l);
	snprintf(tdir, sizeof(tdir), "/tmp/xsan-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	ck_assert_msg(xsan_store_format(tdir, g, false, err, sizeof(err)) == 0, "%s", err);
	free(g);
	ck_assert_int_eq(xsan_store_open(tdir, false, &st, err, sizeof(err)), 0);
	ck_luns(st, l, sorted, 3);
	xsan_store_close(st);
	/* again after close, read-only this time */
	ck_assert_int_eq(xsan_store_open(tdir, true, &st, err, sizeof(err)), 0);
	ck_luns(st, l, sorted, 3);
	ck_assert_uint_eq(xsan_store_geom(st)->nluns, 0);
	ck_assert_ptr_null(xsan_store_geom(st)->luns);
	xsan_store_close(st);
	st = NULL;
	rm_store(tdir);
}
END_TEST

/* The tests' volumes have no LUNs: an empty table. */
START_TEST(st_luns_empty)
{
	store_up();
	ck_luns(st, NULL, NULL, 0);
	store_down();
}
END_TEST

/* Each way a table can be wrong is refused at format, naming the table. */
START_TEST(st_luns_refused)
{
	struct xsan_store_geom *g = malloc(sizeof(*g));
	struct xsan_store_lun l[3];
	char err[256];
	int i;

	ck_assert_ptr_nonnull(g);
	snprintf(tdir, sizeof(tdir), "/tmp/xsan-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	for (i = 0; i < 11; i++) {
		lun_geom(g, l);
		switch (i) {
		case 0: g->nluns = 2; break;			/* a LUN missing */
		case 1: l[2].ordinal = 9; break;		/* same position */
		case 2: memcpy(l[2].uuid, l[0].uuid, 16); break;	/* same uuid */
		case 3: l[1].sg = 1; break;			/* no such group */
		case 4: strcpy(l[1].label, "-meta"); break;
		case 5: l[1].label[0] = '\0'; break;
		case 6: l[1].sector_size = 1000; break;
		case 7: l[1].sector_size = 256; break;
		case 8: l[1].sectors = 0; break;
		case 9: memset(l[1].uuid, 0, 16); break;
		default: g->luns = NULL; break;
		}
		err[0] = '\0';
		ck_assert_msg(xsan_store_format(tdir, g, false, err, sizeof(err)) == -EINVAL,
			      "case %d", i);
		ck_assert_msg(strstr(err, "bad LUN table"), "case %d: %s", i, err);
	}
	free(g);
	rmdir(tdir);
}
END_TEST

/* Set meta "format" of the open store to @v and close it. */
static void set_format(uint32_t v, bool drop_luns)
{
	MDB_val fk = { 6, "format" }, lk = { 4, "luns" }, fv;
	uint8_t fb[4];

	xsan_put_le32(fb, v);
	fv.mv_size = 4;
	fv.mv_data = fb;
	if (!t)
		ck_assert_int_eq(xsan_txn_begin(st, true, &t), 0);
	ck_assert_int_eq(mdb_put(t->txn, st->meta, &fk, &fv, 0), 0);
	if (drop_luns)
		ck_assert_int_eq(mdb_del(t->txn, st->meta, &lk, NULL), 0);
	ck_assert_int_eq(xsan_txn_commit(t), 0);
	t = NULL;
	xsan_store_close(st);
	st = NULL;
}

/*
 * Format 2 (before the table) opens as an empty table; a format 3 store
 * without its table is damaged; format 4 is refused with both numbers.
 */
START_TEST(st_luns_old_format)
{
	char err[256];

	store_up();
	set_format(2, true);
	ck_assert_int_eq(xsan_store_open(tdir, false, &st, err, sizeof(err)), 0);
	ck_luns(st, NULL, NULL, 0);
	set_format(3, false);
	ck_assert_int_eq(xsan_store_open(tdir, true, &st, err, sizeof(err)), -EIO);
	ck_assert_msg(strstr(err, "LUN table damaged"), "%s", err);
	ck_assert_ptr_null(st);
	rm_store(tdir);

	store_up();
	set_format(4, false);
	ck_assert_int_eq(xsan_store_open(tdir, true, &st, err, sizeof(err)),
			 -EPROTONOSUPPORT);
	ck_assert_msg(strstr(err, "metadata format 4, this build reads 2 to 3"), "%s", err);
	rm_store(tdir);
}
END_TEST

/* --- POSIX ACLs (acl.c) --- */

/* An ACL xattr value of @n entries {tag, perm, id} into @buf; its size. */
static uint32_t aclv(uint8_t *buf, const uint32_t (*e)[3], uint32_t n)
{
	xsan_put_le32(buf, 2);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t *p = buf + 4 + 8 * i;

		p[0] = (uint8_t)e[i][0];
		p[1] = 0;
		p[2] = (uint8_t)e[i][1];
		p[3] = 0;
		xsan_put_le32(p + 4, e[i][2]);
	}
	return 4 + 8 * n;
}

#define NOID 0xffffffffu
#define ACLV(buf, ...) aclv((buf), (const uint32_t[][3]){ __VA_ARGS__ }, \
	sizeof((const uint32_t[][3]){ __VA_ARGS__ }) / sizeof(uint32_t[3]))

static int sacl(const struct xsan_cred *cr, const struct xsan_fid *f,
		bool dflt, const uint8_t *v, uint32_t len, struct xsan_attr *a)
{
	const char *n = dflt ? "system.posix_acl_default" :
			       "system.posix_acl_access";

	return xsan_ns_setxattr(t, cr, f, n, strlen(n), v, len, 0, tick(), a);
}

START_TEST(st_acl_decode)
{
	struct xsan_acl *acl = malloc(sizeof(*acl));
	uint8_t v[4 + 8 * 200];
	uint32_t n, mode;

	ck_assert_ptr_nonnull(acl);
	n = ACLV(v, { 1, 6, 0 }, { 2, 6, 1000 }, { 2, 4, 1001 }, { 4, 4, 0 },
		 { 8, 7, 500 }, { 0x10, 6, 0 }, { 0x20, 0, 0 });
	ck_assert_int_eq(xsan_acl_decode(v, n, acl), 0);
	ck_assert_uint_eq(acl->n, 7);
	/* ids of the object entries are stored as Linux stores them */
	ck_assert_uint_eq(acl->e[0].id, NOID);
	ck_assert_uint_eq(acl->e[1].id, 1000);
	mode = 0100777;
	ck_assert_int_eq(xsan_acl_equiv_mode(acl, &mode), 1);
	ck_assert_uint_eq(mode, 0100660);	/* the mask is the group class */
	/* a header alone: no ACL */
	ck_assert_int_eq(xsan_acl_decode(v, 4, acl), 0);
	ck_assert_uint_eq(acl->n, 0);
	/* minimal: equivalent to a mode */
	n = ACLV(v, { 1, 7, 0 }, { 4, 5, 0 }, { 0x20, 4, 0 });
	ck_assert_int_eq(xsan_acl_decode(v, n, acl), 0);
	mode = 0;
	ck_assert_int_eq(xsan_acl_equiv_mode(acl, &mode), 0);
	ck_assert_uint_eq(mode, 0754);
	/* refused as posix_acl_from_xattr() and posix_acl_valid() refuse */
	ck_assert_int_eq(xsan_acl_decode(v, 3, acl), -EINVAL);
	ck_assert_int_eq(xsan_acl_decode(v, n - 1, acl), -EINVAL);
	xsan_put_le32(v, 1);
	ck_assert_int_eq(xsan_acl_decode(v, n, acl), -EINVAL);	/* version */
	n = ACLV(v, { 1, 8, 0 }, { 4, 5, 0 }, { 0x20, 4, 0 });
	ck_assert_int_eq(xsan_acl_decode(v, n, acl), -EINVAL);	/* perm bit */
	n = ACLV(v, { 4, 5, 0 }, { 1, 7, 0 }, { 0x20, 4, 0 });
	ck_assert_int_eq(xsan_acl_decode(v, n, acl), -EINVAL);	/* order */
	n = ACLV(v, { 1, 7, 0 }, { 2, 7, 5 }, { 4, 5, 0 }, { 0x20, 4, 0 });
	ck_assert_int_eq(xsan_acl_decode(v, n, acl), -EINVAL);	/* no mask */
	n = ACLV(v, { 1, 7, 0 }, { 2, 7, 5 }, { 2, 7, 5 }, { 4, 5, 0 },
		 { 0x10, 7, 0 }, { 0x20, 4, 0 });
	ck_assert_int_eq(xsan_acl_decode(v, n, acl), -EINVAL);	/* duplicate */
	n = ACLV(v, { 1, 7, 0 }, { 2, 7, 6 }, { 2, 7, 5 }, { 4, 5, 0 },
		 { 0x10, 7, 0 }, { 0x20, 4, 0 });
	ck_assert_int_eq(xsan_acl_decode(v, n, acl), -EINVAL);	/* id order */
	n = ACLV(v, { 1, 7, 0 }, { 4, 5, 0 });
	ck_assert_int_eq(xsan_acl_decode(v, n, acl), -EINVAL);	/* no other */
	n = ACLV(v, { 1, 7, 0 }, { 4, 5, 0 }, { 0x40, 4, 0 });
	ck_assert_int_eq(xsan_acl_decode(v, n, acl), -EINVAL);	/* tag */
	n = ACLV(v, { 1, 7, 0 }, { 2, 7, NOID }, { 4, 5, 0 }, { 0x10, 7, 0 },
		 { 0x20, 4, 0 });
	ck_assert_int_eq(xsan_acl_decode(v, n, acl), -EINVAL);	/* no id */
	/* more entries than XSAN_ACL_MAX */
	xsan_put_le32(v, 2);
	memset(v + 4, 0, 8 * 200);
	ck_assert_int_eq(xsan_acl_decode(v, 4 + 8 * (XSAN_ACL_MAX + 1), acl),
			 -ENOSPC);
	free(acl);
}
END_TEST

START_TEST(st_acl_perm)
{
	struct xsan_cred u = user(1000, 1000), o = user(2000, 2000),
			 g = user(3000, 3000);
	struct xsan_fid d;
	struct xsan_attr a;
	struct xsan_acl acl;
	char buf[128];
	uint8_t v[128];
	uint32_t n, full = 0;

	g.ngroups = 0;
	store_up();
	d = mk(&rootfid, "proj", S_IFDIR | 0755);
	ck_assert_int_eq(mkc(&u, &d, "x", S_IFREG | 0644, &a), -EACCES);
	/* a named user and a named group (the supplementary group 500) */
	n = ACLV(v, { 1, 7, 0 }, { 2, 7, 1000 }, { 4, 5, 0 }, { 8, 7, 500 },
		 { 0x10, 7, 0 }, { 0x20, 5, 0 });
	ck_assert_int_eq(sacl(&u, &d, false, v, n, &a), -EPERM);	/* owner only */
	ck_assert_int_eq(sacl(&rootcr, &d, false, v, n, &a), 0);
	ck_assert_uint_eq(a.mode, S_IFDIR | 0775);	/* group class: the mask */
	ck_assert_uint_eq(a.flags, XSAN_AF_ACL);
	ck_assert_int_eq(mkc(&u, &d, "x", S_IFREG | 0644, &a), 0);
	ck_assert_int_eq(mkc(&o, &d, "y", S_IFREG | 0644, &a), 0);	/* group 500 */
	ck_assert_int_eq(mkc(&g, &d, "z", S_IFREG | 0644, &a), -EACCES);
	/* chmod sets the mask: named entries lose write */
	ck_assert_int_eq(sa(&rootcr, &d, XSAN_SA_MODE, 0755, 0, 0), 0);
	ck_assert_int_eq(mkc(&u, &d, "x2", S_IFREG | 0644, &a), -EACCES);
	ck_assert_int_eq(lk(&u, &d, "x", &a), 0);
	ck_assert_int_eq(gx(&g, &d, "system.posix_acl_access", buf,
			    sizeof(buf), &full), 0);
	ck_assert_int_eq(xsan_acl_decode(buf, full, &acl), 0);
	ck_assert_uint_eq(acl.n, 6);
	ck_assert_uint_eq(acl.e[1].perm, 7);	/* named: unchanged */
	ck_assert_uint_eq(acl.e[4].tag, XSAN_ACL_MASK);
	ck_assert_uint_eq(acl.e[4].perm, 5);
	/* mask 0 (group bits 0): the ACL is not asked, the other class is */
	ck_assert_int_eq(sa(&rootcr, &d, XSAN_SA_MODE, 0707, 0, 0), 0);
	ck_assert_int_eq(mkc(&u, &d, "x3", S_IFREG | 0644, &a), 0);
	/* the ACL survives a commit and a reread */
	recommit();
	ck_assert_int_eq(sa(&rootcr, &d, XSAN_SA_MODE, 0775, 0, 0), 0);
	ck_assert_int_eq(mkc(&g, &d, "z", S_IFREG | 0644, &a), -EACCES);
	ck_assert_int_eq(mkc(&o, &d, "z", S_IFREG | 0644, &a), 0);
	store_down();
}
END_TEST

START_TEST(st_acl_set_rules)
{
	struct xsan_cred u = user(1000, 1000);
	struct xsan_fid f, l, d;
	struct xsan_attr a, da;
	char buf[128];
	uint8_t v[128];
	uint32_t n, full;

	store_up();
	d = mk(&rootfid, "d", S_IFDIR | 0777);
	ck_assert_int_eq(mkc(&u, &d, "f", S_IFREG | 02670, &a), 0);
	f = fid_of(&a);
	ck_assert_int_eq(xsan_ns_symlink(t, &rootcr, &d, "l", 1, "f", 1, tick(),
					 &a, &da), 0);
	l = fid_of(&a);
	/* an ACL equivalent to a mode sets the mode and is not kept; the
	 * owner outside the file's group loses setgid
	 */
	ck_assert_int_eq(sa(&rootcr, &f, XSAN_SA_GID, 0, 0, 77), 0);
	n = ACLV(v, { 1, 6, 0 }, { 4, 4, 0 }, { 0x20, 0, 0 });
	ck_assert_int_eq(sacl(&u, &f, false, v, n, &a), 0);
	ck_assert_uint_eq(a.mode, S_IFREG | 0640);
	ck_assert_uint_eq(a.flags, 0);
	ck_assert_int_eq(gx(&u, &f, "system.posix_acl_access", buf,
			    sizeof(buf), &full), -ENODATA);
	/* default ACLs: directories only; removing one elsewhere is a no-op */
	n = ACLV(v, { 1, 7, 0 }, { 4, 5, 0 }, { 0x20, 5, 0 });
	ck_assert_int_eq(sacl(&u, &f, true, v, n, &a), -EACCES);
	ck_assert_int_eq(xsan_ns_removexattr(t, &u, &f, "system.posix_acl_default",
					     24, tick(), &a), 0);
	/* none on symlinks */
	ck_assert_int_eq(sacl(&rootcr, &l, false, v, n, &a), -EOPNOTSUPP);
	/* bad values */
	ck_assert_int_eq(sacl(&u, &f, false, v, n - 2, &a), -EINVAL);
	/* set, read back, list, remove (the mode stays) */
	n = ACLV(v, { 1, 6, 0 }, { 2, 6, 2000 }, { 4, 4, 0 }, { 0x10, 4, 0 },
		 { 0x20, 0, 0 });
	ck_assert_int_eq(sacl(&u, &f, false, v, n, &a), 0);
	ck_assert_uint_eq(a.flags, XSAN_AF_ACL);
	ck_assert_int_eq(gx(&u, &f, "system.posix_acl_access", buf,
			    sizeof(buf), &full), 0);
	ck_assert_uint_eq(full, n);
	ck_assert_int_eq(memcmp(buf, v, 4), 0);
	ck_assert_int_eq(xsan_ns_listxattr(t, &u, &f, buf, sizeof(buf), &full), 0);
	ck_assert_str_eq(buf, "system.posix_acl_access");
	ck_assert_int_eq(xsan_ns_removexattr(t, &u, &f, "system.posix_acl_access",
					     23, tick(), &a), 0);
	ck_assert_uint_eq(a.flags, 0);
	ck_assert_uint_eq(a.mode, S_IFREG | 0640);
	ck_assert_int_eq(xsan_ns_removexattr(t, &u, &f, "system.posix_acl_access",
					     23, tick(), &a), 0);
	/* a header alone removes */
	ck_assert_int_eq(sacl(&u, &f, false, v, n, &a), 0);
	ck_assert_int_eq(sacl(&u, &f, false, v, 4, &a), 0);
	ck_assert_uint_eq(a.flags, 0);
	store_down();
}
END_TEST

START_TEST(st_acl_inherit)
{
	struct xsan_cred u = user(1000, 1000);
	struct xsan_fid d, sub;
	struct xsan_attr a, da;
	struct xsan_acl acl;
	char buf[128];
	uint8_t v[128];
	uint32_t n, full;

	store_up();
	d = mk(&rootfid, "d", S_IFDIR | 0777);
	/* no default ACL: the umask word applies, its absence keeps the mode */
	ck_assert_int_eq(mkc(&u, &d, "plain", S_IFREG | 0666 |
			     XSAN_NS_UMASK(XSAN_UMASK_SET | 022), &a), 0);
	ck_assert_uint_eq(a.mode, S_IFREG | 0644);
	ck_assert_int_eq(mkc(&u, &d, "plain2", S_IFREG | 0666, &a), 0);
	ck_assert_uint_eq(a.mode, S_IFREG | 0666);
	n = ACLV(v, { 1, 7, 0 }, { 2, 7, 2000 }, { 4, 5, 0 }, { 0x10, 7, 0 },
		 { 0x20, 5, 0 });
	ck_assert_int_eq(sacl(&rootcr, &d, true, v, n, &a), 0);
	ck_assert_uint_eq(a.flags, XSAN_AF_DEFACL);
	ck_assert_uint_eq(a.mode, S_IFDIR | 0777);
	/* a file: the default ACL masked by the mode, the umask ignored */
	ck_assert_int_eq(mkc(&u, &d, "f", S_IFREG | 0666 |
			     XSAN_NS_UMASK(XSAN_UMASK_SET | 077), &a), 0);
	ck_assert_uint_eq(a.mode, S_IFREG | 0664);
	ck_assert_uint_eq(a.flags, XSAN_AF_ACL);
	sub = fid_of(&a);
	ck_assert_int_eq(gx(&u, &sub, "system.posix_acl_access", buf,
			    sizeof(buf), &full), 0);
	ck_assert_int_eq(xsan_acl_decode(buf, full, &acl), 0);
	ck_assert_uint_eq(acl.e[1].perm, 7);	/* named entry as inherited */
	ck_assert_uint_eq(acl.e[3].perm, 6);	/* mask & mode */
	ck_assert_uint_eq(acl.e[4].perm, 4);	/* other & mode */
	/* a directory inherits the default ACL as its own default too */
	ck_assert_int_eq(mkc(&u, &d, "sub", S_IFDIR | 0777, &a), 0);
	ck_assert_uint_eq(a.flags, XSAN_AF_ACL | XSAN_AF_DEFACL);
	ck_assert_uint_eq(a.mode, S_IFDIR | 0775);
	sub = fid_of(&a);
	ck_assert_int_eq(mkc(&u, &sub, "g", S_IFREG | 0600, &a), 0);
	ck_assert_uint_eq(a.mode, S_IFREG | 0600);
	ck_assert_uint_eq(a.flags, XSAN_AF_ACL);
	/* symlinks take nothing */
	ck_assert_int_eq(xsan_ns_symlink(t, &u, &d, "l", 1, "f", 1, tick(), &a,
					 &da), 0);
	ck_assert_uint_eq(a.flags, 0);
	ck_assert_uint_eq(a.mode, S_IFLNK | 0777);
	/* an inherited ACL that says no more than the mode is not kept */
	n = ACLV(v, { 1, 7, 0 }, { 4, 5, 0 }, { 0x20, 5, 0 });
	ck_assert_int_eq(sacl(&rootcr, &d, true, v, n, &a), 0);
	ck_assert_int_eq(mkc(&u, &d, "h", S_IFREG | 0640, &a), 0);
	ck_assert_uint_eq(a.flags, 0);
	ck_assert_uint_eq(a.mode, S_IFREG | 0640);
	store_down();
}
END_TEST

/* chattr +i / +a: set with SETATTR IFLAGS, enforced as Linux does */
static int sflags(const struct xsan_cred *cr, const struct xsan_fid *f,
		  uint32_t iflags, struct xsan_attr *a)
{
	struct xsan_sattr s = { .valid = XSAN_SA_IFLAGS, .iflags = iflags };

	return xsan_ns_setattr(t, cr, f, &s, tick(), a);
}

START_TEST(st_iflags)
{
	struct xsan_cred u = user(1000, 1000);
	struct xsan_fid d, f, g, ad;
	struct xsan_attr a, da;
	uint64_t h = 0;

	store_up();
	d = mk(&rootfid, "d", S_IFDIR | 0777);
	ck_assert_int_eq(mkc(&u, &d, "f", S_IFREG | 0644, &a), 0);
	f = fid_of(&a);
	/* the owner without LINUX_IMMUTABLE may not; unknown flags are bad */
	ck_assert_int_eq(sflags(&u, &f, XSAN_AF_IMMUTABLE, &a), -EPERM);
	ck_assert_int_eq(sflags(&rootcr, &f, XSAN_AF_ACL, &a), -EINVAL);
	u.caps = XSAN_CAP_LINUX_IMMUTABLE;
	ck_assert_int_eq(sflags(&u, &f, XSAN_AF_IMMUTABLE, &a), 0);
	ck_assert_uint_eq(a.flags, XSAN_AF_IMMUTABLE);
	u.caps = 0;
	/* immutable: no write open, no change, no name change, no xattr */
	ck_assert_int_eq(xsan_open(t, &rootcr, &f, XSAN_OPEN_WRONLY, 1, tick(),
				   &h, &a), -EPERM);
	ck_assert_int_eq(xsan_open(t, &u, &f, XSAN_OPEN_RDONLY, 1, tick(), &h,
				   &a), 0);
	ck_assert_int_eq(sa(&rootcr, &f, XSAN_SA_MODE, 0600, 0, 0), -EPERM);
	ck_assert_int_eq(ul(&rootcr, &d, "f"), -EPERM);
	ck_assert_int_eq(rn(&rootcr, &d, "f", &d, "f2", 0), -EPERM);
	ck_assert_int_eq(xsan_ns_link(t, &rootcr, &f, &d, "l", 1, tick(), &a,
				      &da), -EPERM);
	ck_assert_int_eq(sx(&rootcr, &f, "user.x", "1", 1, 0), -EPERM);
	ck_assert_int_eq(xsan_fallocate(t, &rootcr, &f, 1, 0, 0, 4096, tick(),
					&a), -EPERM);
	/* cleared again: all works */
	ck_assert_int_eq(sflags(&rootcr, &f, 0, &a), 0);
	ck_assert_uint_eq(a.flags, 0);
	ck_assert_int_eq(sa(&rootcr, &f, XSAN_SA_MODE, 0600, 0, 0), 0);
	/* append-only: no truncate, mode, unlink; KEEP_SIZE allocation only */
	ck_assert_int_eq(sflags(&rootcr, &f, XSAN_AF_APPEND, &a), 0);
	ck_assert_int_eq(xsan_open(t, &rootcr, &f, XSAN_OPEN_WRONLY |
				   XSAN_OPEN_TRUNC, 1, tick(), &h, &a), -EPERM);
	ck_assert_int_eq(xsan_open(t, &rootcr, &f, XSAN_OPEN_WRONLY, 1, tick(),
				   &h, &a), 0);
	ck_assert_int_eq(sa(&rootcr, &f, XSAN_SA_MODE, 0644, 0, 0), -EPERM);
	ck_assert_int_eq(sa(&rootcr, &f, XSAN_SA_ATIME_NOW | XSAN_SA_MTIME_NOW,
			    0, 0, 0), 0);
	ck_assert_int_eq(ul(&rootcr, &d, "f"), -EPERM);
	ck_assert_int_eq(xsan_fallocate(t, &rootcr, &f, 1, XSAN_FALLOC_KEEP_SIZE,
					0, 4096, tick(), &a), 0);
	ck_assert_int_eq(xsan_fallocate(t, &rootcr, &f, 1, XSAN_FALLOC_KEEP_SIZE |
					XSAN_FALLOC_PUNCH_HOLE, 0, 4096, tick(),
					&a), -EPERM);
	/* the flags survive a commit (inode record) */
	recommit();
	ck_assert_uint_eq(ga(&f).flags, XSAN_AF_APPEND);
	/* an append-only directory takes new entries and keeps them */
	ad = mk(&rootfid, "ad", S_IFDIR | 0777);
	ck_assert_int_eq(sflags(&rootcr, &ad, XSAN_AF_APPEND, &a), 0);
	ck_assert_int_eq(mkc(&u, &ad, "new", S_IFREG | 0644, &a), 0);
	ck_assert_int_eq(ul(&u, &ad, "new"), -EPERM);
	/* an immutable directory takes nothing */
	g = mk(&rootfid, "id", S_IFDIR | 0777);
	ck_assert_int_eq(sflags(&rootcr, &g, XSAN_AF_IMMUTABLE, &a), 0);
	ck_assert_int_eq(mkc(&rootcr, &g, "x", S_IFREG | 0644, &a), -EPERM);
	store_down();
}
END_TEST

Suite *store_suite(void)
{
	Suite *s = suite_create("store");

	UNIT_ADD(s, st_format_root);
	UNIT_ADD(s, st_persist);
	UNIT_ADD(s, st_lookup);
	UNIT_ADD(s, st_create);
	UNIT_ADD(s, st_sgid_inherit);
	UNIT_ADD(s, st_symlink);
	UNIT_ADD(s, st_link);
	UNIT_ADD(s, st_unlink);
	UNIT_ADD(s, st_rmdir);
	UNIT_ADD(s, st_rename_move);
	UNIT_ADD(s, st_rename_replace);
	UNIT_ADD(s, st_rename_exchange);
	UNIT_ADD(s, st_rename_invalid);
	UNIT_ADD(s, st_perm_user);
	UNIT_ADD(s, st_sticky);
	UNIT_ADD(s, st_rename_dir_write);
	UNIT_ADD(s, st_setattr);
	UNIT_ADD(s, st_generations);
	UNIT_ADD(s, st_readdir);
	UNIT_ADD(s, st_readdir_stable);
	UNIT_ADD(s, st_nested_rollback);
	UNIT_ADD(s, st_statfs);
	UNIT_ADD(s, st_names);
	UNIT_ADD(s, st_xattr_basic);
	UNIT_ADD(s, st_xattr_ns);
	UNIT_ADD(s, st_xattr_space);
	UNIT_ADD(s, st_acl_decode);
	UNIT_ADD(s, st_acl_perm);
	UNIT_ADD(s, st_acl_set_rules);
	UNIT_ADD(s, st_acl_inherit);
	UNIT_ADD(s, st_iflags);
	UNIT_ADD(s, st_luns_persist);
	UNIT_ADD(s, st_luns_empty);
	UNIT_ADD(s, st_luns_refused);
	UNIT_ADD(s, st_luns_old_format);
	return s;
}
