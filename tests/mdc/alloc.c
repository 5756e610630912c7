// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation and layouts against a live xsanmdc, through the client
 * library as a kernel client would drive it:
 *
 *   alloc_no_overlap  8 writer processes (own sessions) interleave
 *                     LAYOUT_GET(WRITE) + LAYOUT_COMMIT; no two files get
 *                     a common block; then the store checks clean
 *   alloc_streaming   a 4 GiB file written in 64 MiB LAYOUT_GETs, next to
 *                     a second streaming client: at most 4 extents each
 *   alloc_commit_refused  commits of ranges not granted to the caller,
 *                     outside the file's extents, after CLOSE: EINVAL
 *   alloc_enospc      fill the volume, ENOSPC, unlink (space held while
 *                     open), close, space is back
 *   alloc_close_frees a writer given 64 MiB ahead commits 1 MiB,
 *                     fallocates 8 MiB of the rest and closes: the 55 MiB
 *                     it neither committed nor fallocated are free again,
 *                     the rest stays, and another client's grant in the
 *                     same file is left alone
 *   alloc_crash       kill -9 of the MDC 20 times during allocations and
 *                     commits (the writers come back with RECONNECT, as
 *                     clients do); no block both free and used, and every
 *                     acknowledged commit still maps to its blocks
 *
 * The volume: stripe group 1 of the harness's config, reformatted to two
 * 8 GiB LUNs (no I/O goes to them), allocSessionReservationSize 1 GiB.
 * Usage: alloc [PREFIX]; prints "PASS: PREFIX.alloc_*" or "FAIL: ...".
 * Every wait is bounded; processes are stopped by PID.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "mdc/check.h"
#include "mdc/store.h"

#define BS		4096ull
#define LUN_BLOCKS	((8ull << 30) / BS)
#define NWRITERS	8
#define WROUNDS		40
#define CHUNK		(64ull << 20)
#define CRASH_ROUNDS	20
#define CRASH_WRITERS	3
#define CRASH_MAXOPS	4096

static const char *prefix = "mdc";
static int failed;

static void fail(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s.%s: ", prefix, name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	failed++;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static const char cfgx[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<configDoc xmlns=\"http://www.quantum.com/snfs\" version=\"1.0\">\n"
	"  <config configVersion=\"0\" name=\"" H_VOLUME "\">\n"
	"    <globals>\n"
	"      <fsBlockSize>4096</fsBlockSize>\n"
	"      <allocSessionReservationSize>1073741824</allocSessionReservationSize>\n"
	"    </globals>\n"
	"    <diskTypes>\n"
	"      <diskType typeName=\"Lun\" sectors=\"131072\" sectorSize=\"512\"/>\n"
	"      <diskType typeName=\"Big\" sectors=\"16779264\" sectorSize=\"512\"/>\n"
	"    </diskTypes>\n"
	"    <stripeGroups>\n"
	"      <stripeGroup index=\"0\" name=\"MetaFiles\" stripeBreadth=\"65536\" metadata=\"true\" journal=\"true\" userdata=\"false\">\n"
	"        <disk index=\"0\" diskLabel=\"meta0\" diskType=\"Lun\"/>\n"
	"      </stripeGroup>\n"
	"      <stripeGroup index=\"1\" name=\"DataFiles\" stripeBreadth=\"262144\" metadata=\"false\" journal=\"false\" userdata=\"true\">\n"
	"        <disk index=\"0\" diskLabel=\"data0\" diskType=\"Big\"/>\n"
	"        <disk index=\"1\" diskLabel=\"data1\" diskType=\"Big\"/>\n"
	"      </stripeGroup>\n"
	"    </stripeGroups>\n"
	"  </config>\n"
	"</configDoc>\n";

/* The harness's volume, with the config and stripe groups above. */
static int setup(struct mdc_h *h)
{
	static struct xsan_store_geom g;
	char path[256], err[256];
	FILE *f;
	int rc = h_setup(h);

	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/%s.cfgx", h->cfgdir, h->volume);
	f = fopen(path, "w");
	if (!f || fputs(cfgx, f) < 0 || fclose(f))
		return -EIO;
	memset(&g, 0, sizeof(g));
	g.bsize = BS;
	g.files = 1u << 20;
	g.created = time(NULL);
	g.nsgs = 2;
	g.sgs[0] = (struct xsan_store_sg){ .index = 0, .flags = XSAN_SG_METADATA |
					   XSAN_SG_JOURNAL, .nluns = 1, .breadth = 16,
					   .lun_blocks = H_LUN_BLOCKS };
	g.sgs[1] = (struct xsan_store_sg){ .index = 1, .flags = XSAN_SG_USERDATA,
					   .nluns = 2, .breadth = 64,
					   .lun_blocks = LUN_BLOCKS };
	snprintf(path, sizeof(path), "%s/%s", h->statedir, h->volume);
	if (xsan_store_format(path, &g, true, err, sizeof(err))) {
		fprintf(stderr, "alloc: %s\n", err);
		return -EIO;
	}
	return 0;
}

static int create(struct xsan_client *c, const char *name, struct xsan_fid *f)
{
	struct xsan_req r = { .op = XSAN_OP_CREATE, .cred = h_root(),
			      .fid = { XSAN_ROOT_INO, 1 }, .mode = 0100644,
			      .name = name, .namelen = (uint32_t)strlen(name) };
	struct xsan_rep rep;
	int err = xsan_client_call(c, &r, &rep);

	if (!err) {
		f->ino = rep.attr[0].ino;
		f->gen = rep.attr[0].gen;
	}
	return err;
}

static int unlink_name(struct xsan_client *c, const char *name)
{
	struct xsan_req r = { .op = XSAN_OP_UNLINK, .cred = h_root(),
			      .fid = { XSAN_ROOT_INO, 1 }, .name = name,
			      .namelen = (uint32_t)strlen(name) };
	struct xsan_rep rep;

	return xsan_client_call(c, &r, &rep);
}

static int falloc(struct xsan_client *c, const struct xsan_fid *f,
		  uint32_t mode, uint64_t off, uint64_t len)
{
	struct xsan_req r = { .op = XSAN_OP_FALLOCATE, .cred = h_root(),
			      .fid = *f };
	struct xsan_rep rep;

	r.layout.flags = mode;
	r.layout.offset = off;
	r.layout.length = len;
	return xsan_client_call(c, &r, &rep);
}

static int statfs_free(struct xsan_client *c, uint64_t *bfree)
{
	struct xsan_req r = { .op = XSAN_OP_STATFS, .cred = h_root() };
	struct xsan_rep rep;
	int err = xsan_client_call(c, &r, &rep);

	if (!err)
		*bfree = rep.st.bfree;
	return err;
}

/* The store, after the MDC stopped: the checker must find nothing. */
static void check_store(struct mdc_h *h, const char *name)
{
	struct xsan_check_stats s;
	struct xsan_store *st;
	char path[256], err[256];

	snprintf(path, sizeof(path), "%s/%s", h->statedir, h->volume);
	if (xsan_store_open(path, true, &st, err, sizeof(err))) {
		fail(name, "open for the check: %s", err);
		return;
	}
	if (xsan_check(st, false, stderr, &s))
		fail(name, "the check did not run");
	else if (s.problems)
		fail(name, "the check found %u problems", s.problems);
	xsan_store_close(st);
}

static void stop_clean(struct mdc_h *h, const char *name)
{
	int status = h_stop(h, SIGTERM);

	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail(name, "the MDC did not exit 0 (status 0x%x)", status);
}

/* --- alloc_no_overlap --- */

struct got {
	uint32_t n;
	struct { uint32_t sg; uint64_t block, len; } e[WROUNDS * 4];
	int err;
};

static void writer(struct mdc_h *h, int id, struct got *out)
{
	struct xsan_client c;
	struct xsan_extent ext[8];
	struct xsan_fid f;
	char name[16];
	uint32_t n;
	int err;

	snprintf(name, sizeof(name), "w%d", id);
	err = h_login(h, &c);
	if (!err)
		err = create(&c, name, &f);
	if (!err)
		err = h_open(&c, &f, XSAN_OPEN_RDWR, NULL, NULL);
	for (int r = 0; r < WROUNDS && !err; r++) {
		/* scattered small writes: every one a new hole */
		uint64_t off = ((uint64_t)(r * 7 + id) % WROUNDS) * 256 * BS;

		err = h_layout_get(&c, &f, off, 5 * BS, XSAN_LG_WRITE, ext, 8, &n);
		if (!err)
			err = h_commit(&c, &f, off, 5 * BS, off + 5 * BS);
		for (uint32_t i = 0; !err && i < n && out->n < WROUNDS * 4; i++) {
			out->e[out->n].sg = ext[i].sg;
			out->e[out->n].block = ext[i].block;
			out->e[out->n].len = ext[i].length / BS;
			out->n++;
		}
	}
	out->err = err;
	xsan_client_close(&c);
	_exit(0);
}

static void t_no_overlap(struct mdc_h *h)
{
	const char *name = "alloc_no_overlap";
	struct got *g = mmap(NULL, NWRITERS * sizeof(*g), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid[NWRITERS];
	uint64_t total = 0;

	if (g == MAP_FAILED) {
		fail(name, "mmap");
		return;
	}
	memset(g, 0, NWRITERS * sizeof(*g));
	for (int i = 0; i < NWRITERS; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			alarm(60);
			writer(h, i, &g[i]);
		}
	}
	for (int i = 0; i < NWRITERS; i++) {
		int st = 0;

		if (pid[i] > 0)
			waitpid(pid[i], &st, 0);
		if (pid[i] < 0 || !WIFEXITED(st) || g[i].err)
			fail(name, "writer %d failed (%d)", i, g[i].err);
		total += g[i].n;
	}
	/* every pair of extents of different files: disjoint */
	for (int i = 0; i < NWRITERS; i++)
		for (int j = i + 1; j < NWRITERS; j++)
			for (uint32_t a = 0; a < g[i].n; a++)
				for (uint32_t b = 0; b < g[j].n; b++) {
					if (g[i].e[a].sg != g[j].e[b].sg)
						continue;
					if (g[i].e[a].block < g[j].e[b].block + g[j].e[b].len &&
					    g[j].e[b].block < g[i].e[a].block + g[i].e[a].len)
						fail(name, "writers %d and %d share block %llu",
						     i, j, (unsigned long long)g[i].e[a].block);
				}
	if (total < NWRITERS * WROUNDS)
		fail(name, "only %llu extents granted", (unsigned long long)total);
	munmap(g, NWRITERS * sizeof(*g));
}

/* --- alloc_streaming --- */

static void t_streaming(struct mdc_h *h)
{
	const char *name = "alloc_streaming";
	struct xsan_client c1, c2;
	struct xsan_extent ext[64];
	struct xsan_fid f1, f2;
	uint64_t total = 4ull << 30, off;
	uint32_t n;
	int err;

	err = h_login(h, &c1);
	if (!err)
		err = h_login(h, &c2);
	if (!err)
		err = create(&c1, "clip1", &f1);
	if (!err)
		err = create(&c2, "clip2", &f2);
	if (!err)
		err = h_open(&c1, &f1, XSAN_OPEN_RDWR, NULL, NULL);
	if (!err)
		err = h_open(&c2, &f2, XSAN_OPEN_RDWR, NULL, NULL);
	for (off = 0; off < total && !err; off += CHUNK) {
		err = h_layout_get(&c1, &f1, off, CHUNK, XSAN_LG_WRITE, ext, 64, &n);
		if (!err)
			err = h_commit(&c1, &f1, off, CHUNK, off + CHUNK);
		/* a second writer streaming at the same time */
		if (!err && off < total / 2)
			err = h_layout_get(&c2, &f2, off, CHUNK, XSAN_LG_WRITE, ext, 64, &n);
		if (!err && off < total / 2)
			err = h_commit(&c2, &f2, off, CHUNK, off + CHUNK);
	}
	if (err) {
		fail(name, "at %llu MiB: %d %s", (unsigned long long)(off >> 20),
		     err, c1.err);
	} else {
		err = h_layout_get(&c1, &f1, 0, total, 0, ext, 64, &n);
		if (err || n > 4)
			fail(name, "4 GiB file in %u extents (%d)", n, err);
		else
			printf("# 4 GiB streaming file: %u extent%s\n", n, n == 1 ? "" : "s");
		for (uint32_t i = 0; !err && i < n; i++)
			if (ext[i].flags)
				fail(name, "extent %u still unwritten after commit", i);
		err = h_layout_get(&c2, &f2, 0, total / 2, 0, ext, 64, &n);
		if (err || n > 4)
			fail(name, "second 2 GiB file in %u extents (%d)", n, err);
	}
	/* leave the space for the next tests */
	if (!err)
		err = unlink_name(&c1, "clip1");
	if (!err)
		err = unlink_name(&c1, "clip2");
	if (err)
		fail(name, "unlink: %d", err);
	xsan_client_close(&c1);
	xsan_client_close(&c2);
}

/* --- alloc_commit_refused --- */

static void t_commit_refused(struct mdc_h *h)
{
	const char *name = "alloc_commit_refused";
	struct xsan_client c1, c2;
	struct xsan_extent ext[8];
	struct xsan_fid f;
	uint64_t handle = 0;
	uint32_t n;
	int err;

	err = h_login(h, &c1);
	if (!err)
		err = h_login(h, &c2);
	if (!err)
		err = create(&c1, "granted", &f);
	if (!err)
		err = h_open(&c1, &f, XSAN_OPEN_RDWR, &handle, NULL);
	if (!err)
		err = h_open(&c2, &f, XSAN_OPEN_RDWR, NULL, NULL);
	if (!err)
		err = h_layout_get(&c1, &f, 0, 16 * BS, XSAN_LG_WRITE, ext, 8, &n);
	if (err) {
		fail(name, "setup: %d", err);
		goto out;
	}
	/* the other client was granted nothing */
	if ((err = h_commit(&c2, &f, 0, BS, BS)) != -EINVAL)
		fail(name, "commit by another client: %d", err);
	/* a read layout grants nothing either */
	if (!h_layout_get(&c2, &f, 0, 16 * BS, 0, ext, 8, &n) &&
	    (err = h_commit(&c2, &f, 0, BS, BS)) != -EINVAL)
		fail(name, "commit after a read layout: %d", err);
	/* beyond the granted extents */
	if ((err = h_commit(&c1, &f, 15 * BS, 2 * BS, 0)) != -EINVAL)
		fail(name, "commit past the extent: %d", err);
	if ((err = h_commit(&c1, &f, 1 << 30, BS, 0)) != -EINVAL)
		fail(name, "commit of a hole: %d", err);
	/* nothing changed: still all unwritten */
	if (h_layout_get(&c1, &f, 0, 16 * BS, 0, ext, 8, &n) || n != 1 ||
	    ext[0].flags != XSAN_EXT_UNWRITTEN)
		fail(name, "a refused commit changed the layout");
	if ((err = h_commit(&c1, &f, 0, 16 * BS, 16 * BS)))
		fail(name, "the good commit: %d", err);
	/* after CLOSE the grants are gone */
	if (h_close(&c1, &f, handle, NULL))
		fail(name, "close");
	if (!h_layout_get(&c1, &f, 0, 16 * BS, 0, ext, 8, &n) &&
	    (err = h_commit(&c1, &f, 0, BS, 0)) != -EINVAL)
		fail(name, "commit after close: %d", err);
	unlink_name(&c1, "granted");
out:
	xsan_client_close(&c1);
	xsan_client_close(&c2);
}

/* --- alloc_enospc --- */

static void t_enospc(struct mdc_h *h)
{
	const char *name = "alloc_enospc";
	struct xsan_client c;
	struct xsan_extent ext[64];
	struct xsan_fid a, b;
	uint64_t free0 = 0, free1 = 0, off = 0, ha = 0;
	uint32_t n;
	int err;

	err = h_login(h, &c);
	if (!err)
		err = statfs_free(&c, &free0);
	if (!err)
		err = create(&c, "big", &a);
	if (!err)
		err = create(&c, "small", &b);
	if (!err)
		err = h_open(&c, &a, XSAN_OPEN_RDWR, &ha, NULL);
	if (!err)
		err = h_open(&c, &b, XSAN_OPEN_RDWR, NULL, NULL);
	/* everything free goes to "big", 4 GiB per request */
	while (!err) {
		uint64_t left = 0;

		err = statfs_free(&c, &left);
		if (err || !left)
			break;
		if (left > (1ull << 20))
			left = 1ull << 20;
		err = h_layout_get(&c, &a, off, left * BS, XSAN_LG_WRITE, ext, 64, &n);
		off += left * BS;
	}
	if (err) {
		fail(name, "filling: %d", err);
		goto out;
	}
	if ((err = h_layout_get(&c, &b, 0, BS, XSAN_LG_WRITE, ext, 64, &n)) != -ENOSPC)
		fail(name, "a full volume answered %d, not ENOSPC", err);
	/* open, "big" keeps its blocks after its last name goes (POSIX) */
	if (unlink_name(&c, "big") || statfs_free(&c, &free1) || free1)
		fail(name, "after unlink of the open file %llu free, want 0",
		     (unsigned long long)free1);
	if (h_close(&c, &a, ha, NULL) || statfs_free(&c, &free1) || free1 != free0)
		fail(name, "after unlink and close %llu free, before %llu",
		     (unsigned long long)free1, (unsigned long long)free0);
	if ((err = h_layout_get(&c, &b, 0, BS, XSAN_LG_WRITE, ext, 64, &n)))
		fail(name, "no space after unlink: %d", err);
	unlink_name(&c, "small");
out:
	xsan_client_close(&c);
}

/* --- alloc_crash --- */

struct crash_op {
	uint64_t off, len;
	uint32_t sg;
	uint64_t block;
	int state;		/* 0 none, 1 sent, 2 acknowledged */
};

struct crash_log {
	struct xsan_fid f;
	uint32_t nops;
	uint64_t acked, lost;
	int err;
	struct crash_op op[CRASH_MAXOPS];
};

struct crash_sh {
	int stop;
	struct crash_log cl[CRASH_WRITERS];
};

static int relogin(struct mdc_h *h, struct xsan_client *c, volatile int *stop)
{
	long long end = mono_ms() + 15000;

	for (;;) {
		xsan_client_close(c);
		if (!h_login(h, c))
			return 0;
		if (*stop || mono_ms() > end)
			return -1;
		usleep(50000);
	}
}

/*
 * Back after a kill -9 as a client comes back: RECONNECT of its session,
 * answered RECLAIM, so the grace window does not hold its allocations and
 * commits back (a new session's wait for it: tokens.rst, "Reconnect and
 * reclaim"). ESTALE: on with the fresh session AUTH gave.
 */
static int rejoin(struct mdc_h *h, struct xsan_client *c, volatile int *stop)
{
	long long end = mono_ms() + 15000;
	int err;

	for (;;) {
		err = xsan_client_reconnect(c, "127.0.0.1", h->port, h->volume,
					    &h->secret, "testhost", NULL);
		if (!err || err == -ESTALE)
			return 0;
		if (*stop || mono_ms() > end)
			return -1;
		usleep(50000);
	}
}

/* Drop the connection, keep the session to RECONNECT. */
static void hang_up(struct xsan_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static void crash_writer(struct mdc_h *h, struct crash_sh *sh, int id)
{
	struct crash_log *lg = &sh->cl[id];
	struct xsan_client c = { .fd = -1 };
	struct xsan_extent ext[8];
	char name[16];
	uint32_t n;
	int err;

	snprintf(name, sizeof(name), "crash%d", id);
	if (relogin(h, &c, &sh->stop) || create(&c, name, &lg->f)) {
		lg->err = 1;
		_exit(1);
	}
	while (!sh->stop && lg->nops < CRASH_MAXOPS) {
		struct crash_op *op = &lg->op[lg->nops];

		if (c.fd < 0 && rejoin(h, &c, &sh->stop))
			break;
		if (h_open(&c, &lg->f, XSAN_OPEN_RDWR, NULL, NULL)) {
			hang_up(&c);
			continue;
		}
		op->off = (uint64_t)lg->nops * 64 * BS;
		op->len = 48 * BS;
		err = h_layout_get(&c, &lg->f, op->off, op->len, XSAN_LG_WRITE, ext, 8, &n);
		if (err || n != 1) {
			/* lost in a crash (or refused): the next offset */
			lg->nops++;
			hang_up(&c);
			continue;
		}
		op->sg = ext[0].sg;
		op->block = ext[0].block;
		op->state = 1;
		err = h_commit(&c, &lg->f, op->off, op->len, op->off + op->len);
		if (!err) {
			op->state = 2;
			lg->acked++;
		} else {
			lg->lost++;
			hang_up(&c);
		}
		lg->nops++;
	}
	xsan_client_close(&c);
	_exit(0);
}

static void t_crash(struct mdc_h *h)
{
	const char *name = "alloc_crash";
	struct crash_sh *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid[CRASH_WRITERS];
	struct xsan_client c = { .fd = -1 };
	uint64_t acked = 0;

	if (sh == MAP_FAILED) {
		fail(name, "mmap");
		return;
	}
	memset(sh, 0, sizeof(*sh));
	srand((unsigned int)getpid());
	/*
	 * The sessions of the tests before are recorded: the start opened a
	 * grace window, in which the writers' CREATEs, new sessions' changes,
	 * would wait. It ends when those sessions are dropped.
	 */
	if (h_log_wait(h, "may reclaim within", h_ms(1000)) &&
	    !h_log_wait(h, "did not come back", h_ms(10000))) {
		fail(name, "the grace window does not end");
		munmap(sh, sizeof(*sh));
		return;
	}
	for (int i = 0; i < CRASH_WRITERS; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			alarm(120);
			crash_writer(h, sh, i);
		}
	}
	for (int round = 0; round < CRASH_ROUNDS; round++) {
		long long end;

		usleep(100000 + (unsigned int)(rand() % 300) * 1000);
		h_stop(h, SIGKILL);
		end = mono_ms() + 10000;
		while (h_start(h)) {
			if (mono_ms() > end) {
				fail(name, "round %d: the MDC does not restart", round);
				goto stop;
			}
			usleep(100000);
		}
	}
	usleep(300000);
stop:
	sh->stop = 1;
	for (int i = 0; i < CRASH_WRITERS; i++) {
		int st = 0;

		if (pid[i] > 0)
			waitpid(pid[i], &st, 0);
		if (sh->cl[i].err)
			fail(name, "writer %d could not start", i);
		acked += sh->cl[i].acked;
	}
	if (!h->pid && h_start(h))
		fail(name, "no MDC for the check");
	/* every acknowledged commit: written, on the blocks it was given */
	if (relogin(h, &c, &(int){ 0 }))
		fail(name, "login for the check");
	for (int i = 0; i < CRASH_WRITERS && c.fd >= 0; i++) {
		struct crash_log *lg = &sh->cl[i];

		for (uint32_t k = 0; k < lg->nops; k++) {
			struct crash_op *op = &lg->op[k];
			struct xsan_extent ext[8];
			uint32_t n;

			if (op->state != 2)
				continue;
			if (h_layout_get(&c, &lg->f, op->off, op->len, 0, ext, 8, &n) ||
			    n != 1 || ext[0].flags || ext[0].offset != op->off ||
			    ext[0].sg != op->sg || ext[0].block != op->block ||
			    ext[0].length != op->len) {
				fail(name, "writer %d: committed range at %llu lost or moved",
				     i, (unsigned long long)op->off);
				break;
			}
		}
	}
	xsan_client_close(&c);
	if (acked < CRASH_ROUNDS)
		fail(name, "only %llu commits acknowledged", (unsigned long long)acked);
	printf("# crash: %d kills, %llu commits acknowledged and verified\n",
	       CRASH_ROUNDS, (unsigned long long)acked);
	munmap(sh, sizeof(*sh));
}

/* --- alloc_close_frees --- */

static void t_close_frees(struct mdc_h *h)
{
	const char *name = "alloc_close_frees";
	const uint64_t mib = 1ull << 20;
	struct xsan_client c1, c2;
	struct xsan_extent ext[16];
	uint64_t free0 = 0, free1 = 0, free2 = 0, h1 = 0, h2 = 0, got = 0;
	struct xsan_fid f;
	uint32_t n = 0;
	int err;

	err = h_login(h, &c1);
	if (!err)
		err = h_login(h, &c2);
	if (err) {
		fail(name, "login: %d", err);
		return;
	}
	err = create(&c1, "ahead", &f);
	if (!err)
		err = h_open(&c1, &f, XSAN_OPEN_RDWR, &h1, NULL);
	if (!err)
		err = h_open(&c2, &f, XSAN_OPEN_RDWR, &h2, NULL);
	if (!err)
		err = statfs_free(&c1, &free0);
	/* c1 streams: 64 MiB asked for ahead, 1 MiB written */
	if (!err)
		err = h_layout_get(&c1, &f, 0, CHUNK, XSAN_LG_WRITE, ext, 16, &n);
	if (!err)
		err = h_commit(&c1, &f, 0, mib, mib);
	/* fallocate makes [32 MiB, 40 MiB) of c1's ahead the file's for good */
	if (!err)
		err = falloc(&c1, &f, XSAN_FALLOC_KEEP_SIZE, 32 * mib, 8 * mib);
	/* c2 writes [64 MiB, 72 MiB) of the same file, not committed yet */
	if (!err)
		err = h_layout_get(&c2, &f, CHUNK, 8 * mib, XSAN_LG_WRITE, ext, 16,
				 &n);
	if (!err)
		err = statfs_free(&c1, &free1);
	if (!err)
		err = h_close(&c1, &f, h1, NULL);
	if (!err)
		err = statfs_free(&c1, &free2);
	if (err) {
		fail(name, "%d %s %s", err, c1.err, c2.err);
		goto out;
	}
	if (free0 - free1 != (CHUNK + 8 * mib) / BS)
		fail(name, "allocated %llu blocks, expected %llu",
		     (unsigned long long)(free0 - free1),
		     (unsigned long long)((CHUNK + 8 * mib) / BS));
	if (free2 - free1 != (CHUNK - 9 * mib) / BS)
		fail(name, "CLOSE freed %llu blocks, expected %llu",
		     (unsigned long long)(free2 - free1),
		     (unsigned long long)((CHUNK - 9 * mib) / BS));
	/* what c1 committed stays written; c2's grant still commits */
	err = h_commit(&c2, &f, CHUNK, 8 * mib, CHUNK + 8 * mib);
	if (err)
		fail(name, "the other client's commit after CLOSE: %d %s", err,
		     c2.err);
	err = h_layout_get(&c2, &f, 0, CHUNK + 8 * mib, 0, ext, 16, &n);
	for (uint32_t i = 0; !err && i < n; i++) {
		bool falloced = ext[i].offset >= 32 * mib &&
				ext[i].offset + ext[i].length <= 40 * mib;

		if (ext[i].flags && !falloced)
			fail(name, "extent %u at %llu still unwritten", i,
			     (unsigned long long)ext[i].offset);
		got += ext[i].length;
	}
	if (err || got != 17 * mib || !n || ext[0].offset != 0)
		fail(name, "file maps %llu bytes in %u extents (%d), expected 17 MiB from 0",
		     (unsigned long long)got, n, err);
	err = h_close(&c2, &f, h2, NULL);
	if (!err)
		err = unlink_name(&c1, "ahead");
	if (err)
		fail(name, "close, unlink: %d", err);
out:
	xsan_client_close(&c1);
	xsan_client_close(&c2);
}

static void report(const char *name, int before)
{
	printf("%s: %s.%s\n", failed == before ? "PASS" : "FAIL", prefix, name);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct mdc_h h;
	int before;

	if (argc > 1)
		prefix = argv[1];
	signal(SIGPIPE, SIG_IGN);
	alarm(600);	/* a global bound: nothing here may hang a run */
	if (setup(&h) || h_start(&h)) {
		printf("FAIL: %s.alloc_setup\n", prefix);
		h_cleanup(&h);
		return 1;
	}
	before = failed;
	t_no_overlap(&h);
	report("alloc_no_overlap", before);
	before = failed;
	t_streaming(&h);
	report("alloc_streaming", before);
	before = failed;
	t_commit_refused(&h);
	report("alloc_commit_refused", before);
	before = failed;
	t_enospc(&h);
	report("alloc_enospc", before);
	before = failed;
	t_close_frees(&h);
	report("alloc_close_frees", before);
	/* the store after all that: clean */
	before = failed;
	stop_clean(&h, "alloc_fsck");
	check_store(&h, "alloc_fsck");
	report("alloc_fsck", before);

	before = failed;
	/* a short lease: the grace window of each start is short too */
	h.lease_s = 3;
	h.grace_s = 1;
	if (h_start(&h))
		fail("alloc_crash", "start");
	else
		t_crash(&h);
	if (h.pid)
		stop_clean(&h, "alloc_crash");
	check_store(&h, "alloc_crash");
	report("alloc_crash", before);
	h_cleanup(&h);
	return failed;
}
