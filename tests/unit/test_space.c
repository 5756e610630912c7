// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the allocator and layouts of the store (space.c, layout.c):
 * allocation and commit, grants, ENOSPC and reuse, truncate, punch, zero
 * range, preallocation, streaming contiguity, round robin and affinities,
 * and fsck's space pass on maps corrupted on purpose. After each test the
 * checker must find the store clean: no block both free and used, no
 * block lost.
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

#define BS 4096u
#define C1 101u		/* client session ids */
#define C2 202u

static char tdir[64];
static struct xsan_store *st;
static struct xsan_txn *t;
static struct xsan_time now = { .sec = 5000 };
static const struct xsan_fid rootfid = { XSAN_ROOT_INO, 1 };
static const struct xsan_cred rootcr = { .caps = XSAN_CAP_ALL };
static struct xsan_extent ext[XSAN_LAYOUT_EXT_MAX];

static const struct xsan_time *tick(void)
{
	now.sec++;
	return &now;
}

/* Two user data groups (0: 1000 blocks, 2: 2 LUNs x 600 blocks, breadth
 * 16, affinity "fast", exclusive) and a metadata group 1.
 */
static void up_geom(struct xsan_store_geom *g, uint64_t resv)
{
	char err[256];
	int rc;

	snprintf(tdir, sizeof(tdir), "/tmp/xsan-space-XXXXXX");
	ck_assert_msg(mkdtemp(tdir), "mkdtemp");
	rc = xsan_store_format(tdir, g, false, err, sizeof(err));
	ck_assert_msg(rc == 0, "format: %d %s", rc, err);
	rc = xsan_store_open(tdir, false, &st, err, sizeof(err));
	ck_assert_msg(rc == 0, "open: %d %s", rc, err);
	xsan_store_set_alloc(st, resv, 0);
	ck_assert_int_eq(xsan_txn_begin(st, true, &t), 0);
}

static void up_small(uint64_t blocks)
{
	static struct xsan_store_geom g;

	memset(&g, 0, sizeof(g));
	g.bsize = BS;
	g.blocks = blocks;
	g.files = 1000;
	up_geom(&g, 0);
}

static void up_groups(uint64_t resv)
{
	static struct xsan_store_geom g;

	memset(&g, 0, sizeof(g));
	g.bsize = BS;
	g.files = 1000;
	g.nsgs = 3;
	g.sgs[0] = (struct xsan_store_sg){ .index = 0, .flags = XSAN_SG_USERDATA,
					   .nluns = 1, .breadth = 1, .lun_blocks = 1000 };
	g.sgs[1] = (struct xsan_store_sg){ .index = 1, .flags = XSAN_SG_METADATA,
					   .nluns = 1, .breadth = 1, .lun_blocks = 50 };
	g.sgs[2] = (struct xsan_store_sg){ .index = 2, .flags = XSAN_SG_USERDATA |
					   XSAN_SG_EXCLUSIVE, .nluns = 2, .breadth = 16,
					   .lun_blocks = 610, .affinity = "fast" };
	up_geom(&g, resv);
}

static void down(void)
{
	char p[128];

	xsan_txn_abort(t);
	t = NULL;
	xsan_store_close(st);
	st = NULL;
	snprintf(p, sizeof(p), "%s/data.mdb", tdir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lock.mdb", tdir);
	unlink(p);
	rmdir(tdir);
}

/* Commit, run the checker (no problem allowed), start the next batch. */
static void check_clean(void)
{
	struct xsan_check_stats s;

	ck_assert_int_eq(xsan_txn_commit(t), 0);
	ck_assert_int_eq(xsan_check(st, false, stderr, &s), 0);
	ck_assert_msg(s.problems == 0, "%u problems", s.problems);
	ck_assert_int_eq(xsan_txn_begin(st, true, &t), 0);
}

static uint64_t bfree(void)
{
	struct xsan_statfs sf;

	ck_assert_int_eq(xsan_ns_statfs(t, &sf), 0);
	return sf.bfree;
}

static struct xsan_fid mkfile(const struct xsan_fid *dir, const char *name)
{
	struct xsan_attr a, da;

	ck_assert_int_eq(xsan_ns_mknod(t, &rootcr, dir, name, strlen(name),
				       S_IFREG | 0644, 0, 0, tick(), &a, &da), 0);
	return (struct xsan_fid){ a.ino, a.gen };
}

static uint64_t openw(const struct xsan_fid *f, uint64_t client)
{
	struct xsan_attr a;
	uint64_t h = 0;

	ck_assert_int_eq(xsan_open(t, &rootcr, f, XSAN_OPEN_RDWR, client, tick(),
				   &h, &a), 0);
	ck_assert(h != 0);
	return h;
}

static int lget(const struct xsan_fid *f, uint64_t client, uint64_t off,
		uint64_t len, uint32_t flags, uint32_t *n)
{
	struct xsan_attr a;

	return xsan_layout_get(t, &rootcr, f, client, off, len, flags, tick(),
			       ext, XSAN_LAYOUT_EXT_MAX, n, &a);
}

static int commit(const struct xsan_fid *f, uint64_t client, uint64_t off,
		  uint64_t len, uint64_t size)
{
	struct xsan_range r = { off, len };
	struct xsan_attr a;

	return xsan_layout_commit(t, f, client, XSAN_LC_SIZE, size, NULL, &r, 1,
				  tick(), &a);
}

START_TEST(sp_format_statfs)
{
	struct xsan_statfs sf;
	uint64_t b, fr;

	up_groups(0);
	ck_assert_int_eq(xsan_ns_statfs(t, &sf), 0);
	/* group 2: 610 rounded to 608 (breadth 16) x 2 LUNs */
	ck_assert_uint_eq(sf.blocks, 1000 + 1216);
	ck_assert_uint_eq(sf.bfree, 1000 + 1216);
	ck_assert_int_eq(xsan_sg_space(t, 1, &b, &fr), 0);
	ck_assert_uint_eq(fr, 0);		/* metadata: no user blocks */
	ck_assert_int_eq(xsan_sg_space(t, 2, &b, &fr), 0);
	ck_assert_uint_eq(b, 1216);
	check_clean();
	/* the table survives a reopen */
	ck_assert_int_eq(xsan_txn_commit(t), 0);
	t = NULL;
	xsan_store_close(st);
	{
		char err[256];

		ck_assert_int_eq(xsan_store_open(tdir, false, &st, err, sizeof(err)), 0);
	}
	ck_assert_uint_eq(xsan_store_geom(st)->nsgs, 3);
	ck_assert_str_eq(xsan_store_geom(st)->sgs[2].affinity, "fast");
	ck_assert_int_eq(xsan_txn_begin(st, true, &t), 0);
	ck_assert_uint_eq(bfree(), 2216);
	down();
}
END_TEST

START_TEST(sp_alloc_commit)
{
	struct xsan_fid f;
	struct xsan_attr a;
	uint32_t n;

	up_small(1000);
	f = mkfile(&rootfid, "f");
	openw(&f, C1);
	/* a read layout of a new file: all hole, nothing allocated */
	ck_assert_int_eq(lget(&f, C1, 0, 1 << 20, 0, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(lget(&f, C1, 100, 64 << 10, XSAN_LG_WRITE, &n), 0);
	/* bytes 100 .. 65635: blocks 0 .. 16 */
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ext[0].offset, 0);
	ck_assert_uint_eq(ext[0].length, 17 * BS);
	ck_assert_uint_eq(ext[0].flags, XSAN_EXT_UNWRITTEN);
	ck_assert_uint_eq(bfree(), 1000 - 17);
	ck_assert_int_eq(xsan_ns_getattr(t, &f, &a), 0);
	ck_assert_uint_eq(a.blocks, 17 * 8);
	/* another client was granted nothing: refused, nothing changes */
	ck_assert_int_eq(commit(&f, C2, 0, BS, BS), -EINVAL);
	/* outside the extents */
	ck_assert_int_eq(commit(&f, C1, 16 * BS, 2 * BS, 0), -EINVAL);
	/* a good commit of the first 8 blocks and the size */
	ck_assert_int_eq(commit(&f, C1, 0, 8 * BS, 8 * BS - 5), 0);
	ck_assert_int_eq(lget(&f, C1, 0, 17 * BS, 0, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(ext[0].length == 8 * BS && ext[0].flags == 0);
	ck_assert(ext[1].offset == 8 * BS && ext[1].flags == XSAN_EXT_UNWRITTEN);
	ck_assert_uint_eq(ext[1].block, ext[0].block + 8);
	ck_assert_int_eq(xsan_ns_getattr(t, &f, &a), 0);
	ck_assert_uint_eq(a.size, 8 * BS - 5);
	/* the rest: written extents merge back into one */
	ck_assert_int_eq(commit(&f, C1, 8 * BS, 9 * BS, 0), 0);
	ck_assert_int_eq(lget(&f, C1, 0, 17 * BS, 0, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ext[0].flags, 0);
	/* an overwrite plus an append: one commit over both is fine */
	ck_assert_int_eq(lget(&f, C1, 0, 20 * BS, XSAN_LG_WRITE, &n), 0);
	ck_assert_int_eq(commit(&f, C1, 0, 20 * BS, 20 * BS), 0);
	ck_assert_int_eq(lget(&f, C1, 0, 20 * BS, 0, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ext[0].length, 20 * BS);
	ck_assert_uint_eq(ext[0].flags, 0);
	check_clean();
	/* committed data survives a close; a commit after close is refused */
	ck_assert_int_eq(xsan_close(t, &f, C1, 1, &a), 0);
	ck_assert_int_eq(commit(&f, C1, 0, BS, 0), -EINVAL);
	down();
}
END_TEST

START_TEST(sp_enospc_reuse)
{
	struct xsan_fid f1, f2;
	struct xsan_attr da, va;
	uint64_t h1;
	uint32_t n, i;
	uint64_t seen = 0;

	up_small(100);
	f1 = mkfile(&rootfid, "a");
	f2 = mkfile(&rootfid, "b");
	h1 = openw(&f1, C1);
	openw(&f2, C2);
	ck_assert_int_eq(lget(&f1, C1, 0, 60 * BS, XSAN_LG_WRITE, &n), 0);
	ck_assert_int_eq(lget(&f2, C2, 0, 40 * BS, XSAN_LG_WRITE, &n), 0);
	ck_assert_uint_eq(bfree(), 0);
	ck_assert_int_eq(lget(&f2, C2, 40 * BS, BS, XSAN_LG_WRITE, &n), -ENOSPC);
	/* the failed request left nothing behind */
	ck_assert_int_eq(lget(&f2, C2, 0, 100 * BS, 0, &n), 0);
	for (i = 0; i < n; i++)
		seen += ext[i].length;
	ck_assert_uint_eq(seen, 40 * BS);
	check_clean();
	ck_assert_int_eq(xsan_ns_unlink(t, &rootcr, &rootfid, "a", 1, tick(), &da, &va), 0);
	/* still open: the inode and its blocks stay until the last close */
	ck_assert_uint_eq(bfree(), 0);
	ck_assert_int_eq(xsan_close(t, &f1, C1, h1, &da), 0);
	ck_assert_uint_eq(bfree(), 60);
	ck_assert_int_eq(lget(&f2, C2, 40 * BS, 60 * BS, XSAN_LG_WRITE, &n), 0);
	ck_assert_uint_eq(bfree(), 0);
	check_clean();
	down();
}
END_TEST

START_TEST(sp_truncate_punch_zero)
{
	struct xsan_fid f;
	struct xsan_attr a;
	struct xsan_sattr sa = { .valid = XSAN_SA_SIZE };
	uint32_t n;

	up_small(1000);
	f = mkfile(&rootfid, "f");
	openw(&f, C1);
	/* preallocation with size */
	ck_assert_int_eq(xsan_fallocate(t, &rootcr, &f, C1, 0, 0, 100 * BS, tick(), &a), 0);
	ck_assert_uint_eq(a.size, 100 * BS);
	ck_assert_uint_eq(bfree(), 900);
	/* KEEP_SIZE beyond the end */
	ck_assert_int_eq(xsan_fallocate(t, &rootcr, &f, C1, XSAN_FALLOC_KEEP_SIZE,
					100 * BS, 10 * BS, tick(), &a), 0);
	ck_assert_uint_eq(a.size, 100 * BS);
	ck_assert_uint_eq(bfree(), 890);
	ck_assert_int_eq(lget(&f, C1, 0, 110 * BS, 0, &n), 0);
	ck_assert_uint_eq(n, 1);	/* contiguous, all unwritten */
	ck_assert_uint_eq(ext[0].flags, XSAN_EXT_UNWRITTEN);
	/* punch blocks 10..19 (edges of partial blocks stay) */
	ck_assert_int_eq(xsan_fallocate(t, &rootcr, &f, C1, XSAN_FALLOC_PUNCH_HOLE |
					XSAN_FALLOC_KEEP_SIZE, 10 * BS - 1, 10 * BS + 2,
					tick(), &a), 0);
	ck_assert_uint_eq(bfree(), 900);
	ck_assert_int_eq(lget(&f, C1, 0, 110 * BS, 0, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(ext[0].length, 10 * BS);
	ck_assert_uint_eq(ext[1].offset, 20 * BS);
	check_clean();
	/* write (commit) blocks 20..29, then zero 22..24: unwritten again */
	ck_assert_int_eq(lget(&f, C1, 20 * BS, 10 * BS, XSAN_LG_WRITE, &n), 0);
	ck_assert_int_eq(commit(&f, C1, 20 * BS, 10 * BS, 0), 0);
	ck_assert_int_eq(xsan_fallocate(t, &rootcr, &f, C1, XSAN_FALLOC_ZERO_RANGE |
					XSAN_FALLOC_KEEP_SIZE, 22 * BS, 3 * BS,
					tick(), &a), 0);
	ck_assert_int_eq(lget(&f, C1, 20 * BS, 10 * BS, 0, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert(ext[0].flags == 0 && ext[1].flags == XSAN_EXT_UNWRITTEN &&
		  ext[2].flags == 0);
	/* zero range over the punched hole allocates it (unwritten) */
	ck_assert_int_eq(xsan_fallocate(t, &rootcr, &f, C1, XSAN_FALLOC_ZERO_RANGE |
					XSAN_FALLOC_KEEP_SIZE, 10 * BS, 10 * BS,
					tick(), &a), 0);
	ck_assert_uint_eq(bfree(), 890);
	check_clean();
	/* truncate to 15 blocks and a bit: 16 blocks stay */
	sa.size = 15 * BS + 1;
	ck_assert_int_eq(xsan_ns_setattr(t, &rootcr, &f, &sa, tick(), &a), 0);
	ck_assert_uint_eq(bfree(), 1000 - 16);
	ck_assert_uint_eq(a.blocks, 16 * 8);
	check_clean();
	/*
	 * Preallocated past EOF (KEEP_SIZE), then a truncate to the same
	 * size: the blocks past EOF go (ext4, XFS); a truncate up keeps
	 * what it covers.
	 */
	ck_assert_int_eq(xsan_fallocate(t, &rootcr, &f, C1, XSAN_FALLOC_KEEP_SIZE,
					0, 40 * BS, tick(), &a), 0);
	ck_assert_uint_eq(bfree(), 1000 - 40);
	ck_assert_uint_eq(a.size, 15 * BS + 1);
	sa.size = 20 * BS;
	ck_assert_int_eq(xsan_ns_setattr(t, &rootcr, &f, &sa, tick(), &a), 0);
	ck_assert_uint_eq(bfree(), 1000 - 40);
	ck_assert_int_eq(xsan_ns_setattr(t, &rootcr, &f, &sa, tick(), &a), 0);
	ck_assert_uint_eq(bfree(), 1000 - 20);
	ck_assert_uint_eq(a.blocks, 20 * 8);
	check_clean();
	/* O_TRUNC frees everything */
	{
		uint64_t h;

		ck_assert_int_eq(xsan_open(t, &rootcr, &f, XSAN_OPEN_WRONLY |
					   XSAN_OPEN_TRUNC, C1, tick(), &h, &a), 0);
	}
	ck_assert_uint_eq(a.size, 0);
	ck_assert_uint_eq(bfree(), 1000);
	check_clean();
	down();
}
END_TEST

/*
 * execve() opens with EXEC: execute permission suffices (a program its
 * user may run but not read); a plain read-only open needs read.
 */
START_TEST(sp_open_exec_only)
{
	static const struct xsan_cred u = { .uid = 1000, .gid = 1000 };
	struct xsan_sattr sa = { .valid = XSAN_SA_MODE, .mode = 0711 };
	struct xsan_fid f, g;
	struct xsan_attr a;
	uint64_t h;

	up_small(100);
	f = mkfile(&rootfid, "prog");
	ck_assert_int_eq(xsan_ns_setattr(t, &rootcr, &f, &sa, tick(), &a), 0);
	ck_assert_int_eq(xsan_open(t, &u, &f, XSAN_OPEN_RDONLY, C1, tick(),
				   &h, &a), -EACCES);
	ck_assert_int_eq(xsan_open(t, &u, &f, XSAN_OPEN_RDONLY | XSAN_OPEN_EXEC,
				   C1, tick(), &h, &a), 0);
	/* no execute bit for the caller: refused, whatever read allows */
	g = mkfile(&rootfid, "data");
	ck_assert_int_eq(xsan_open(t, &u, &g, XSAN_OPEN_RDONLY, C1, tick(),
				   &h, &a), 0);
	ck_assert_int_eq(xsan_open(t, &u, &g, XSAN_OPEN_RDONLY | XSAN_OPEN_EXEC,
				   C1, tick(), &h, &a), -EACCES);
	down();
}
END_TEST

/*
 * TMPFILE: a file with no name, opened; written and committed like any;
 * LINK gives it a name (it then outlives its close); one closed without
 * a name is freed with its blocks at that close.
 */
START_TEST(sp_tmpfile)
{
	static const struct xsan_cred u = { .uid = 1000, .gid = 1000 };
	struct xsan_sattr sa = { .valid = XSAN_SA_MODE, .mode = 0755 };
	struct xsan_attr a, da;
	struct xsan_fid f, g;
	uint64_t h, h2;
	uint32_t n;

	up_small(100);
	ck_assert_int_eq(xsan_tmpfile(t, &rootcr, &rootfid, 0640,
				      XSAN_OPEN_RDWR, C1, tick(), &h, &a), 0);
	ck_assert(h != 0);
	ck_assert_uint_eq(a.nlink, 0);
	ck_assert_uint_eq(a.mode, S_IFREG | 0640);
	f = (struct xsan_fid){ a.ino, a.gen };
	ck_assert_int_eq(lget(&f, C1, 0, 4 * BS, XSAN_LG_WRITE, &n), 0);
	ck_assert_int_eq(commit(&f, C1, 0, 4 * BS, 4 * BS), 0);
	ck_assert_uint_eq(bfree(), 96);
	ck_assert_int_eq(xsan_ns_link(t, &rootcr, &f, &rootfid, "kept", 4,
				      tick(), &a, &da), 0);
	ck_assert_uint_eq(a.nlink, 1);
	ck_assert_int_eq(xsan_close(t, &f, C1, h, &a), 0);
	ck_assert_uint_eq(bfree(), 96);
	/* a second one, closed with no name: freed with its blocks */
	ck_assert_int_eq(xsan_tmpfile(t, &rootcr, &rootfid, 0600,
				      XSAN_OPEN_WRONLY, C1, tick(), &h2, &a), 0);
	g = (struct xsan_fid){ a.ino, a.gen };
	ck_assert_int_eq(lget(&g, C1, 0, 2 * BS, XSAN_LG_WRITE, &n), 0);
	ck_assert_int_eq(commit(&g, C1, 0, 2 * BS, 2 * BS), 0);
	ck_assert_uint_eq(bfree(), 94);
	ck_assert_int_eq(xsan_close(t, &g, C1, h2, &a), 0);
	ck_assert_uint_eq(bfree(), 96);
	ck_assert_int_eq(xsan_open(t, &rootcr, &g, XSAN_OPEN_RDONLY, C1, tick(),
				   &h2, &a), -ESTALE);
	/* the directory's write and search permission, not the new mode */
	ck_assert_int_eq(xsan_tmpfile(t, &u, &rootfid, 0600, XSAN_OPEN_RDWR,
				      C1, tick(), &h2, &a), -EACCES);
	f = mkfile(&rootfid, "notdir");
	ck_assert_int_eq(xsan_tmpfile(t, &rootcr, &f, 0600, XSAN_OPEN_RDWR,
				      C1, tick(), &h2, &a), -ENOTDIR);
	ck_assert_int_eq(xsan_ns_setattr(t, &rootcr, &rootfid, &sa, tick(), &a), 0);
	sa.mode = 0777;
	ck_assert_int_eq(xsan_ns_setattr(t, &rootcr, &rootfid, &sa, tick(), &a), 0);
	ck_assert_int_eq(xsan_tmpfile(t, &u, &rootfid, 0, XSAN_OPEN_RDWR,
				      C1, tick(), &h2, &a), 0);
	ck_assert_uint_eq(a.uid, 1000);
	ck_assert_uint_eq(a.mode, S_IFREG);
	check_clean();
	down();
}
END_TEST

/* 4 GiB written in 64 MiB requests, each committed, on an empty volume. */
START_TEST(sp_streaming)
{
	static struct xsan_store_geom g;
	const uint64_t chunk = 64ull << 20, total = 4ull << 30;
	struct xsan_fid f, f2;
	uint64_t off;
	uint32_t n;

	memset(&g, 0, sizeof(g));
	g.bsize = BS;
	g.blocks = (8ull << 30) / BS;
	g.files = 100;
	up_geom(&g, 1ull << 30);	/* allocSessionReservationSize 1 GiB */
	f = mkfile(&rootfid, "clip");
	f2 = mkfile(&rootfid, "clip2");
	openw(&f, C1);
	openw(&f2, C2);
	/* two streams at once: reservations keep them apart */
	for (off = 0; off < total; off += chunk) {
		ck_assert_int_eq(lget(&f, C1, off, chunk, XSAN_LG_WRITE, &n), 0);
		ck_assert_int_eq(commit(&f, C1, off, chunk, off + chunk), 0);
		if (off < total / 2) {
			ck_assert_int_eq(lget(&f2, C2, off, chunk, XSAN_LG_WRITE, &n), 0);
			ck_assert_int_eq(commit(&f2, C2, off, chunk, off + chunk), 0);
		}
	}
	ck_assert_int_eq(lget(&f, C1, 0, total, 0, &n), 0);
	ck_assert_msg(n <= 4, "4 GiB file in %u extents", n);
	ck_assert_int_eq(lget(&f2, C2, 0, total / 2, 0, &n), 0);
	ck_assert_msg(n <= 4, "2 GiB file in %u extents", n);
	check_clean();
	down();
}
END_TEST

START_TEST(sp_groups_affinity)
{
	struct xsan_fid d, f, g2;
	struct xsan_attr a, da;
	uint32_t n, i;

	up_groups(0);
	/* no affinity: only group 0 (group 2 is exclusive) */
	f = mkfile(&rootfid, "plain");
	openw(&f, C1);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(lget(&f, C1, i * 100 * BS, BS, XSAN_LG_WRITE, &n), 0);
		ck_assert_uint_eq(ext[0].sg, 0);
	}
	/* a directory with affinity "fast": its new files go to group 2 */
	ck_assert_int_eq(xsan_ns_mknod(t, &rootcr, &rootfid, "fast", 4, S_IFDIR | 0755,
				       0, 0, tick(), &a, &da), 0);
	d = (struct xsan_fid){ a.ino, a.gen };
	ck_assert_int_eq(xsan_ns_setxattr(t, &rootcr, &d, XSAN_AFFINITY_XATTR,
					  strlen(XSAN_AFFINITY_XATTR), "fast", 4, 0,
					  tick(), &a), 0);
	g2 = mkfile(&d, "clip");
	openw(&g2, C1);
	ck_assert_int_eq(lget(&g2, C1, 0, 20 * BS, XSAN_LG_WRITE, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ext[0].sg, 2);
	ck_assert_uint_eq(ext[0].block % 16, 0);	/* stripe aligned */
	/* group 2 full: ENOSPC even though group 0 has room */
	ck_assert_int_eq(lget(&g2, C1, 20 * BS, 1196 * BS, XSAN_LG_WRITE, &n), 0);
	ck_assert_int_eq(lget(&g2, C1, 1216 * BS, BS, XSAN_LG_WRITE, &n), -ENOSPC);
	check_clean();
	down();
}
END_TEST

/* Blocks are never handed out twice: many files, interleaved, freed. */
START_TEST(sp_no_double_alloc)
{
	struct xsan_fid f[8];
	uint64_t h[8];
	struct xsan_attr da, va;
	char name[8];
	uint32_t n, i, round;

	up_small(5000);
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "f%u", i);
		f[i] = mkfile(&rootfid, name);
		h[i] = openw(&f[i], 1000 + i);
	}
	for (round = 0; round < 20; round++)
		for (i = 0; i < 8; i++)
			ck_assert_int_eq(lget(&f[i], 1000 + i, round * 7 * BS, 5 * BS,
					      XSAN_LG_WRITE, &n), 0);
	check_clean();
	for (i = 0; i < 8; i += 2) {
		snprintf(name, sizeof(name), "f%u", i);
		ck_assert_int_eq(xsan_close(t, &f[i], 1000 + i, h[i], &da), 0);
		ck_assert_int_eq(xsan_ns_unlink(t, &rootcr, &rootfid, name, strlen(name),
						tick(), &da, &va), 0);
	}
	for (round = 20; round < 40; round++)
		for (i = 1; i < 8; i += 2)
			ck_assert_int_eq(lget(&f[i], 1000 + i, round * 7 * BS, 5 * BS,
					      XSAN_LG_WRITE, &n), 0);
	ck_assert_uint_eq(bfree(), 5000 - 4 * 40 * 5);
	check_clean();
	down();
}
END_TEST

static void del_first(MDB_dbi dbi)
{
	MDB_cursor *cur;
	MDB_val k, v;

	ck_assert_int_eq(mdb_cursor_open(t->txn, dbi, &cur), 0);
	ck_assert_int_eq(mdb_cursor_get(cur, &k, &v, MDB_FIRST), 0);
	ck_assert_int_eq(mdb_cursor_del(cur, 0), 0);
	mdb_cursor_close(cur);
}

/* fsck's space pass: each corruption is found, repaired, then clean. */
START_TEST(sp_check_corrupt)
{
	struct xsan_check_stats s;
	struct xsan_fid f;
	uint32_t n;

	for (int kind = 0; kind < 4; kind++) {
		up_small(1000);
		f = mkfile(&rootfid, "f");
		openw(&f, C1);
		ck_assert_int_eq(lget(&f, C1, 0, 10 * BS, XSAN_LG_WRITE, &n), 0);
		switch (kind) {
		case 0:	/* blocks both free and used */
			/* a double free of free space is refused */
			ck_assert_int_eq(xsan_free_insert(st, t->txn, 0, 500, 1), -EIO);
			{
				uint8_t kb[12] = { 0 }, vb[8];
				MDB_val k = { 12, kb }, v = { 8, vb };

				xsan_put_le64(vb, 5);
				ck_assert_int_eq(mdb_put(t->txn, st->free, &k, &v, 0), 0);
			}
			break;
		case 1:	/* lost blocks: the free extent is gone */
			del_first(st->free);
			break;
		case 2:	/* an extent of an inode that does not exist */
			{
				uint8_t kb[16], vb[24];
				MDB_val k = { 16, kb }, v = { 24, vb };
				struct xsan_ext e = { .sg = 0, .block = 500, .len = 3 };

				xsan_put_be64(kb, 999);
				xsan_put_be64(kb + 8, 0);
				xsan_ext_encode(&e, vb);
				ck_assert_int_eq(mdb_put(t->txn, st->extents, &k, &v, 0), 0);
			}
			break;
		default: /* extent outside its group */
			{
				uint8_t kb[16], vb[24];
				MDB_val k = { 16, kb }, v = { 24, vb };
				struct xsan_ext e = { .sg = 0, .block = 995, .len = 10 };

				xsan_put_be64(kb, f.ino);
				xsan_put_be64(kb + 8, 500);
				xsan_ext_encode(&e, vb);
				ck_assert_int_eq(mdb_put(t->txn, st->extents, &k, &v, 0), 0);
			}
			break;
		}
		ck_assert_int_eq(xsan_txn_commit(t), 0);
		ck_assert_int_eq(xsan_check(st, false, NULL, &s), 0);
		ck_assert_msg(s.problems > 0, "corruption %d not found", kind);
		ck_assert_int_eq(xsan_check(st, true, NULL, &s), 0);
		ck_assert_uint_eq(s.fixed, s.problems);
		ck_assert_int_eq(xsan_check(st, false, stderr, &s), 0);
		ck_assert_msg(s.problems == 0, "corruption %d: %u left", kind, s.problems);
		ck_assert_int_eq(xsan_txn_begin(st, true, &t), 0);
		ck_assert_uint_eq(bfree(), 990);
		down();
	}
}
END_TEST

/*
 * Several affinities per stripe group (the .cfgx lists them, xsanmdc
 * hands them to the store): group 2 carries "fast" and "video", group 3
 * (exclusive) "video" only. Files of a "video" directory go round robin
 * to groups 2 and 3, "fast" ones only to 2, files without an affinity to
 * 0 and 2 but never to the exclusive 3.
 */
static const char multi_tags2[][XSAN_STORE_AFF_MAX + 1] = { "fast", "video" };
static const char multi_tags3[][XSAN_STORE_AFF_MAX + 1] = { "video" };

static struct xsan_fid aff_dir(const char *name, const char *aff)
{
	struct xsan_attr a, da;
	struct xsan_fid d;

	ck_assert_int_eq(xsan_ns_mknod(t, &rootcr, &rootfid, name, strlen(name),
				       S_IFDIR | 0755, 0, 0, tick(), &a, &da), 0);
	d = (struct xsan_fid){ a.ino, a.gen };
	ck_assert_int_eq(xsan_ns_setxattr(t, &rootcr, &d, XSAN_AFFINITY_XATTR,
					  strlen(XSAN_AFFINITY_XATTR), aff,
					  strlen(aff), 0, tick(), &a), 0);
	return d;
}

/* Groups used by the first block of @n new files in @dir (bit per index). */
static uint32_t aff_groups(const struct xsan_fid *dir, const char *prefix, int n,
			   bool rr)
{
	struct xsan_fid f;
	uint32_t used = 0, cnt, prev = 99;
	char name[32];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		f = mkfile(dir, name);
		openw(&f, C1 + (uint64_t)i);
		ck_assert_int_eq(lget(&f, C1 + (uint64_t)i, 0, BS, XSAN_LG_WRITE,
				      &cnt), 0);
		ck_assert_uint_eq(cnt, 1);
		used |= 1u << ext[0].sg;
		if (rr)		/* round robin over two: never twice in a row */
			ck_assert_msg(ext[0].sg != prev, "%s: group %u twice in a row",
				      name, ext[0].sg);
		prev = ext[0].sg;
	}
	return used;
}

START_TEST(sp_groups_multi_affinity)
{
	static struct xsan_store_geom g;
	struct xsan_fid v, f;

	memset(&g, 0, sizeof(g));
	g.bsize = BS;
	g.files = 1000;
	g.nsgs = 4;
	g.sgs[0] = (struct xsan_store_sg){ .index = 0, .flags = XSAN_SG_USERDATA,
					   .nluns = 1, .breadth = 1, .lun_blocks = 1000 };
	g.sgs[1] = (struct xsan_store_sg){ .index = 1, .flags = XSAN_SG_METADATA,
					   .nluns = 1, .breadth = 1, .lun_blocks = 50 };
	g.sgs[2] = (struct xsan_store_sg){ .index = 2, .flags = XSAN_SG_USERDATA,
					   .nluns = 1, .breadth = 1, .lun_blocks = 1000,
					   .affinity = "fast" };
	g.sgs[3] = (struct xsan_store_sg){ .index = 3, .flags = XSAN_SG_USERDATA |
					   XSAN_SG_EXCLUSIVE, .nluns = 1, .breadth = 1,
					   .lun_blocks = 1000, .affinity = "video" };
	up_geom(&g, 0);
	ck_assert_int_eq(xsan_store_set_affinities(st, 2, multi_tags2, 2), 0);
	ck_assert_int_eq(xsan_store_set_affinities(st, 3, multi_tags3, 1), 0);
	ck_assert_int_eq(xsan_store_set_affinities(st, 7, multi_tags3, 1), -ENOENT);

	v = aff_dir("video", "video");
	ck_assert_uint_eq(aff_groups(&v, "v", 6, true), (1u << 2) | (1u << 3));
	f = aff_dir("fast", "fast");
	ck_assert_uint_eq(aff_groups(&f, "f", 4, false), 1u << 2);
	ck_assert_uint_eq(aff_groups(&rootfid, "p", 6, true), (1u << 0) | (1u << 2));
	/* a subdirectory inherits "video", and so do its files */
	{
		struct xsan_attr a, da;
		struct xsan_fid sub;

		ck_assert_int_eq(xsan_ns_mknod(t, &rootcr, &v, "sub", 3,
					       S_IFDIR | 0755, 0, 0, tick(), &a,
					       &da), 0);
		sub = (struct xsan_fid){ a.ino, a.gen };
		ck_assert_uint_eq(aff_groups(&sub, "s", 4, true), (1u << 2) | (1u << 3));
	}
	check_clean();
	down();
}
END_TEST

Suite *space_suite(void)
{
	Suite *s = suite_create("space");

	UNIT_ADD(s, sp_format_statfs);
	UNIT_ADD(s, sp_alloc_commit);
	UNIT_ADD(s, sp_enospc_reuse);
	UNIT_ADD(s, sp_truncate_punch_zero);
	UNIT_ADD(s, sp_open_exec_only);
	UNIT_ADD(s, sp_tmpfile);
	UNIT_ADD(s, sp_streaming);
	UNIT_ADD(s, sp_groups_affinity);
	UNIT_ADD(s, sp_groups_multi_affinity);
	UNIT_ADD(s, sp_no_double_alloc);
	UNIT_ADD(s, sp_check_corrupt);
	return s;
}
