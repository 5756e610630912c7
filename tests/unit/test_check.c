// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the metadata consistency checker (tools/mdc/check.c): each
 * test builds a small tree through the store API, corrupts it with raw
 * writes to the LMDB tables (the store's own record helpers, bypassing
 * every rule), and proves the problem is found without repair, fixed
 * with repair, and gone on a third run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mdc/check.h"
#include "mdc/store_int.h"
#include "unit.h"

static char tdir[64];
static struct xsan_store *st;
static struct xsan_txn *t;
static struct xsan_time now = { .sec = 1000 };
static const struct xsan_fid rootfid = { XSAN_ROOT_INO, 1 };
static const struct xsan_cred rootcr = { .caps = XSAN_CAP_ALL };
static char report[8192];

static void up(void)
{
	struct xsan_store_geom g = { .bsize = 4096, .blocks = 1000,
				     .files = 1000, .created = 100 };
	char err[256];

	snprintf(tdir, sizeof(tdir), "/tmp/xsan-check-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	ck_assert_int_eq(xsan_store_format(tdir, &g, false, err, sizeof(err)), 0);
	ck_assert_int_eq(xsan_store_open(tdir, false, &st, err, sizeof(err)), 0);
	ck_assert_int_eq(xsan_txn_begin(st, true, &t), 0);
}

static void down(void)
{
	char p[128];

	xsan_txn_abort(t);
	xsan_store_close(st);
	snprintf(p, sizeof(p), "%s/data.mdb", tdir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lock.mdb", tdir);
	unlink(p);
	rmdir(tdir);
}

static struct xsan_fid mk(const struct xsan_fid *d, const char *name,
			  uint32_t mode)
{
	struct xsan_attr a, da;

	now.sec++;
	ck_assert_int_eq(xsan_ns_mknod(t, &rootcr, d, name, strlen(name), mode, 0,
				       0, &now, &a, &da), 0);
	return (struct xsan_fid){ a.ino, a.gen };
}

/*
 * Commit the pending changes, run the checker, start a new batch.
 * Returns the problems found; with @repair all must have been fixed.
 */
static unsigned int check(bool repair)
{
	struct xsan_check_stats s;
	FILE *out;

	ck_assert_int_eq(xsan_txn_commit(t), 0);
	out = fmemopen(report, sizeof(report), "w");
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(xsan_check(st, repair, out, &s), 0);
	fclose(out);
	if (repair)
		ck_assert_msg(s.fixed == s.problems, "fixed %u of %u:\n%s", s.fixed,
			      s.problems, report);
	else
		ck_assert_uint_eq(s.fixed, 0);
	ck_assert_int_eq(xsan_txn_begin(st, true, &t), 0);
	return s.problems;
}

/* Found, fixed, then clean; the report names @want. */
static void found_fixed_clean(const char *want)
{
	unsigned int n = check(false);

	ck_assert_msg(n > 0, "nothing found");
	ck_assert_msg(strstr(report, want), "report lacks '%s':\n%s", want, report);
	ck_assert_msg(!strstr(report, "Fixed"), "check-only run fixed:\n%s", report);
	ck_assert_uint_eq(check(false), n);	/* a check changes nothing */
	ck_assert_uint_eq(check(true), n);
	ck_assert_msg(strstr(report, want), "repair report lacks '%s':\n%s", want, report);
	ck_assert_msg(check(false) == 0, "not clean after repair:\n%s", report);
}

static struct xsan_inode *iget(uint64_t ino)
{
	static struct xsan_inode in;

	ck_assert_int_eq(xsan_inode_get(st, t->txn, ino, &in), 0);
	return &in;
}

/* An entry @name in directory @dir naming @ino/@gen of @mode: no rules. */
static void raw_entry(uint64_t dir, const char *name, uint64_t ino,
		      uint32_t gen, uint32_t mode)
{
	struct xsan_inode *d = malloc(sizeof(*d)), *c = calloc(1, sizeof(*c));

	/* a directory that does not exist gets a stand-in record */
	if (xsan_inode_get(st, t->txn, dir, d)) {
		memset(d, 0, sizeof(*d));
		d->ino = dir;
		d->seq = 1;
	}
	c->ino = ino;
	c->gen = gen;
	c->mode = mode;
	ck_assert_int_eq(xsan_dent_add(st, t->txn, d, name, strlen(name), c), 0);
	if (d->gen)
		ck_assert_int_eq(xsan_inode_put(st, t->txn, d), 0);
	free(d);
	free(c);
}

static void raw_unentry(uint64_t dir, const char *name)
{
	ck_assert_int_eq(xsan_dent_del(st, t->txn, dir, name, strlen(name)), 0);
}

static int lookup(const struct xsan_fid *d, const char *name, struct xsan_attr *a)
{
	return xsan_ns_lookup(t, &rootcr, d, name, strlen(name), a);
}

START_TEST(ck_clean)
{
	struct xsan_fid d;

	up();
	d = mk(&rootfid, "d", S_IFDIR | 0755);
	mk(&d, "f", S_IFREG | 0644);
	mk(&d, "e", S_IFDIR | 0755);
	ck_assert_uint_eq(check(false), 0);
	ck_assert_uint_eq(check(true), 0);
	down();
}
END_TEST

START_TEST(ck_nlink)
{
	struct xsan_fid d, f;
	struct xsan_inode *in;

	up();
	d = mk(&rootfid, "d", S_IFDIR | 0755);
	f = mk(&d, "f", S_IFREG | 0644);
	in = iget(f.ino);
	in->nlink = 5;
	ck_assert_int_eq(xsan_inode_put(st, t->txn, in), 0);
	in = iget(d.ino);
	in->nlink = 7;
	ck_assert_int_eq(xsan_inode_put(st, t->txn, in), 0);
	ck_assert_uint_eq(check(false), 2);
	found_fixed_clean("has link count 5, should be 1");
	ck_assert_uint_eq(iget(f.ino)->nlink, 1);
	ck_assert_uint_eq(iget(d.ino)->nlink, 2);
	down();
}
END_TEST

START_TEST(ck_dangling)
{
	struct xsan_fid d, f;
	struct xsan_attr a;

	up();
	d = mk(&rootfid, "d", S_IFDIR | 0755);
	f = mk(&d, "f", S_IFREG | 0644);
	raw_entry(d.ino, "ghost", 999, 1, S_IFREG);
	raw_entry(d.ino, "oldgen", f.ino, f.gen + 1, S_IFREG);
	raw_entry(d.ino, "wrongtype", f.ino, f.gen, S_IFDIR);
	raw_entry(777, "inmissing", f.ino, f.gen, S_IFREG);
	found_fixed_clean("Entry 'ghost' in directory");
	ck_assert_int_eq(lookup(&d, "ghost", &a), -ENOENT);
	ck_assert_int_eq(lookup(&d, "wrongtype", &a), -ENOENT);
	ck_assert_int_eq(lookup(&d, "f", &a), 0);
	ck_assert_uint_eq(a.nlink, 1);
	down();
}
END_TEST

START_TEST(ck_orphans)
{
	struct xsan_fid d, sub, f, g;
	struct xsan_attr a, lf;
	char name[32];

	up();
	d = mk(&rootfid, "d", S_IFDIR | 0755);
	sub = mk(&d, "sub", S_IFDIR | 0755);
	f = mk(&sub, "inside", S_IFREG | 0644);
	g = mk(&rootfid, "g", S_IFREG | 0644);
	raw_unentry(d.ino, "sub");
	raw_unentry(XSAN_ROOT_INO, "g");
	found_fixed_clean("is not connected to the root");
	ck_assert_int_eq(lookup(&rootfid, "lost+found", &lf), 0);
	ck_assert_uint_eq(lf.mode, S_IFDIR | 0700);
	ck_assert_uint_eq(lf.nlink, 3);
	snprintf(name, sizeof(name), "#%llu", (unsigned long long)sub.ino);
	ck_assert_int_eq(lookup(&(struct xsan_fid){ lf.ino, lf.gen }, name, &a), 0);
	ck_assert_uint_eq(a.ino, sub.ino);
	ck_assert_int_eq(lookup(&sub, "..", &a), 0);
	ck_assert_uint_eq(a.ino, lf.ino);
	ck_assert_int_eq(lookup(&sub, "inside", &a), 0);
	ck_assert_uint_eq(a.ino, f.ino);
	snprintf(name, sizeof(name), "#%llu", (unsigned long long)g.ino);
	ck_assert_int_eq(lookup(&(struct xsan_fid){ lf.ino, lf.gen }, name, &a), 0);
	ck_assert_uint_eq(a.nlink, 1);
	ck_assert_uint_eq(iget(d.ino)->nlink, 2);
	ck_assert_uint_eq(iget(XSAN_ROOT_INO)->nlink, 4);
	down();
}
END_TEST

START_TEST(ck_orphan_file_report)
{
	struct xsan_fid g;

	up();
	g = mk(&rootfid, "g", S_IFREG | 0644);
	raw_unentry(XSAN_ROOT_INO, "g");
	found_fixed_clean("is not in any directory");
	(void)g;
	down();
}
END_TEST

START_TEST(ck_loop)
{
	struct xsan_fid a1, b1;
	struct xsan_attr a;

	up();
	a1 = mk(&rootfid, "a", S_IFDIR | 0755);
	b1 = mk(&a1, "b", S_IFDIR | 0755);
	/* a leaves the root and hangs below its own child: a -> b -> a */
	raw_unentry(XSAN_ROOT_INO, "a");
	raw_entry(b1.ino, "a", a1.ino, a1.gen, S_IFDIR);
	found_fixed_clean("directory loop");
	ck_assert_int_eq(lookup(&rootfid, "lost+found", &a), 0);
	ck_assert_int_eq(lookup(&b1, "a", &a), -ENOENT);
	ck_assert_int_eq(lookup(&b1, "..", &a), 0);
	ck_assert_uint_eq(a.ino, a1.ino);
	down();
}
END_TEST

START_TEST(ck_two_parents)
{
	struct xsan_fid d, e, s;
	struct xsan_attr a;

	up();
	d = mk(&rootfid, "d", S_IFDIR | 0755);
	e = mk(&rootfid, "e", S_IFDIR | 0755);
	s = mk(&d, "s", S_IFDIR | 0755);
	raw_entry(e.ino, "s2", s.ino, s.gen, S_IFDIR);
	found_fixed_clean("is a second parent of directory");
	ck_assert_int_eq(lookup(&e, "s2", &a), -ENOENT);
	ck_assert_int_eq(lookup(&d, "s", &a), 0);
	ck_assert_uint_eq(iget(e.ino)->nlink, 2);
	/* an entry naming the root is a loop too */
	raw_entry(d.ino, "up", XSAN_ROOT_INO, 1, S_IFDIR);
	found_fixed_clean("points to the root directory");
	down();
}
END_TEST

START_TEST(ck_parent_pointer)
{
	struct xsan_fid d, e;
	struct xsan_inode *in;

	up();
	d = mk(&rootfid, "d", S_IFDIR | 0755);
	e = mk(&d, "e", S_IFDIR | 0755);
	in = iget(e.ino);
	in->parent = XSAN_ROOT_INO;
	ck_assert_int_eq(xsan_inode_put(st, t->txn, in), 0);
	found_fixed_clean("has parent 1 but its entry is in");
	ck_assert_uint_eq(iget(e.ino)->parent, d.ino);
	down();
}
END_TEST

static int count_entries(void *ctx, const struct xsan_dirent *de)
{
	(void)de;
	(*(int *)ctx)++;
	return 0;
}

START_TEST(ck_index)
{
	struct xsan_fid d;
	struct xsan_dent de;
	uint8_t kb[16];
	MDB_val k = { 16, kb }, v = { 5, "ghost" };
	bool eof;
	int n = 0;

	up();
	d = mk(&rootfid, "d", S_IFDIR | 0755);
	mk(&d, "f", S_IFREG | 0644);
	mk(&d, "g", S_IFREG | 0644);
	/* f's index entry vanishes; a stale one appears */
	ck_assert_int_eq(xsan_dent_get(st, t->txn, d.ino, "f", 1, &de), 0);
	xsan_put_be64(kb, d.ino);
	xsan_put_be64(kb + 8, de.seq);
	ck_assert_int_eq(mdb_del(t->txn, st->dirseq, &k, NULL), 0);
	xsan_put_be64(kb + 8, 50);
	ck_assert_int_eq(mdb_put(t->txn, st->dirseq, &k, &v, 0), 0);
	ck_assert_uint_eq(check(false), 2);
	found_fixed_clean("missing from the READDIR index");
	ck_assert_int_eq(xsan_ns_readdir(t, &rootcr, &d, 0, count_entries, &n, &eof), 0);
	ck_assert_int_eq(n, 2);
	/* an entry numbered at or above its directory's next number */
	{
		struct xsan_inode *in = iget(d.ino);

		in->seq = 2;
		ck_assert_int_eq(xsan_inode_put(st, t->txn, in), 0);
	}
	found_fixed_clean("next entry number");
	mk(&d, "h", S_IFREG | 0644);
	ck_assert_uint_eq(check(false), 0);
	down();
}
END_TEST

START_TEST(ck_free_list)
{
	struct xsan_fid f;
	uint8_t kb[8], vb[4] = { 1 };
	MDB_val k = { 8, kb }, v = { 4, vb };

	up();
	f = mk(&rootfid, "f", S_IFREG | 0644);
	xsan_put_be64(kb, f.ino);
	ck_assert_int_eq(mdb_put(t->txn, st->freeino, &k, &v, 0), 0);
	found_fixed_clean("is in use but on the free list");
	/* a new inode must not take f's number now */
	ck_assert_uint_ne(mk(&rootfid, "g", S_IFREG | 0644).ino, f.ino);
	down();
}
END_TEST

START_TEST(ck_next_ino)
{
	struct xsan_fid f;

	up();
	f = mk(&rootfid, "f", S_IFREG | 0644);
	mk(&rootfid, "g", S_IFREG | 0644);
	ck_assert_int_eq(xsan_meta_put_u64(st, t->txn, "next_ino", f.ino), 0);
	found_fixed_clean("Next inode number");
	ck_assert_uint_eq(mk(&rootfid, "h", S_IFREG | 0644).ino, f.ino + 2);
	down();
}
END_TEST

START_TEST(ck_damaged_inode)
{
	struct xsan_fid f;
	uint8_t kb[8];
	MDB_val k = { 8, kb }, v = { 3, "bad" };
	struct xsan_attr a;

	up();
	f = mk(&rootfid, "f", S_IFREG | 0644);
	xsan_put_be64(kb, f.ino);
	ck_assert_int_eq(mdb_put(t->txn, st->inodes, &k, &v, 0), 0);
	/* the store refuses it with EIO, never crashes */
	ck_assert_int_eq(xsan_ns_getattr(t, &f, &a), -EIO);
	ck_assert_int_eq(lookup(&rootfid, "f", &a), -EIO);
	found_fixed_clean("damaged record");
	ck_assert_int_eq(lookup(&rootfid, "f", &a), -ENOENT);
	down();
}
END_TEST

/* Pass 9: ACL flags and ACL xattrs that disagree, and damaged values. */
START_TEST(ck_acl)
{
	static const uint8_t acl[] = {
		2, 0, 0, 0,
		1, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,
		2, 0, 6, 0, 0xe9, 0x03, 0, 0,
		4, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,
		0x10, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,
		0x20, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
	};
	const char *an = "system.posix_acl_access", *dn = "system.posix_acl_default";
	struct xsan_fid f, g, d;
	struct xsan_attr a;
	uint8_t kb[8 + 32];
	MDB_val k, v;

	up();
	f = mk(&rootfid, "f", S_IFREG | 0644);
	g = mk(&rootfid, "g", S_IFREG | 0644);
	d = mk(&rootfid, "d", S_IFDIR | 0755);
	now.sec++;
	ck_assert_int_eq(xsan_ns_setxattr(t, &rootcr, &f, an, strlen(an), acl,
					  sizeof(acl), 0, &now, &a), 0);
	ck_assert_uint_eq(a.flags, XSAN_AF_ACL);
	ck_assert_uint_eq(check(false), 0);
	/* f: the flag without its xattr; the store refuses the inode */
	xsan_put_be64(kb, f.ino);
	memcpy(kb + 8, an, strlen(an));
	k = (MDB_val){ 8 + strlen(an), kb };
	ck_assert_int_eq(mdb_del(t->txn, st->xattrs, &k, NULL), 0);
	ck_assert_int_eq(xsan_ns_getattr(t, &f, &a), -EIO);
	/* g: a valid ACL its record does not flag */
	xsan_put_be64(kb, g.ino);
	v = (MDB_val){ sizeof(acl), (void *)acl };
	ck_assert_int_eq(mdb_put(t->txn, st->xattrs, &k, &v, 0), 0);
	/* d: a damaged default ACL */
	xsan_put_be64(kb, d.ino);
	memcpy(kb + 8, dn, strlen(dn));
	k = (MDB_val){ 8 + strlen(dn), kb };
	v = (MDB_val){ 5, "bad!!" };
	ck_assert_int_eq(mdb_put(t->txn, st->xattrs, &k, &v, 0), 0);
	found_fixed_clean("flagged with a system.posix_acl_access it does not have");
	ck_assert_msg(strstr(report, "record does not flag"), "%s", report);
	ck_assert_msg(strstr(report, "damaged system.posix_acl_default"), "%s", report);
	ck_assert_int_eq(xsan_ns_getattr(t, &f, &a), 0);
	ck_assert_uint_eq(a.flags, 0);
	ck_assert_int_eq(xsan_ns_getattr(t, &g, &a), 0);
	ck_assert_uint_eq(a.flags, XSAN_AF_ACL);
	ck_assert_int_eq(mdb_get(t->txn, st->xattrs, &k, &v), MDB_NOTFOUND);
	down();
}
END_TEST

START_TEST(ck_readonly_open)
{
	struct xsan_check_stats s;
	struct xsan_store *ro;
	struct xsan_fid f;
	char err[256];
	struct xsan_inode *in;

	up();
	f = mk(&rootfid, "f", S_IFREG | 0644);
	in = iget(f.ino);
	in->nlink = 9;
	ck_assert_int_eq(xsan_inode_put(st, t->txn, in), 0);
	ck_assert_int_eq(xsan_txn_commit(t), 0);
	/*
	 * LMDB forbids one process opening an environment twice (closing
	 * one drops the other's locks), so the writer closes first; a
	 * live MDC is another process.
	 */
	xsan_store_close(st);
	ck_assert_int_eq(xsan_store_open(tdir, true, &ro, err, sizeof(err)), 0);
	ck_assert_int_eq(xsan_check(ro, false, NULL, &s), 0);
	ck_assert_uint_eq(s.problems, 1);
	ck_assert_uint_eq(s.inodes, 2);
	ck_assert_uint_eq(s.dirs, 1);
	ck_assert_int_eq(xsan_check(ro, true, NULL, &s), -EROFS);
	xsan_store_close(ro);
	ck_assert_int_eq(xsan_store_open(tdir, false, &st, err, sizeof(err)), 0);
	ck_assert_int_eq(xsan_txn_begin(st, true, &t), 0);
	ck_assert_uint_eq(iget(f.ino)->nlink, 9);
	down();
}
END_TEST

Suite *check_suite(void)
{
	Suite *s = suite_create("check");

	UNIT_ADD(s, ck_clean);
	UNIT_ADD(s, ck_nlink);
	UNIT_ADD(s, ck_dangling);
	UNIT_ADD(s, ck_orphans);
	UNIT_ADD(s, ck_orphan_file_report);
	UNIT_ADD(s, ck_loop);
	UNIT_ADD(s, ck_two_parents);
	UNIT_ADD(s, ck_parent_pointer);
	UNIT_ADD(s, ck_index);
	UNIT_ADD(s, ck_free_list);
	UNIT_ADD(s, ck_next_ino);
	UNIT_ADD(s, ck_damaged_inode);
	UNIT_ADD(s, ck_acl);
	UNIT_ADD(s, ck_readonly_open);
	return s;
}
