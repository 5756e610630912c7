// SPDX-License-Identifier: GPL-2.0
/*
 * Load generator for xsanmdc (`make bench-mdc`): creates/s, getattr/s and
 * layout pairs/s (LAYOUT_GET allocating one block, then LAYOUT_COMMIT of
 * it, counted once per completed pair) at 1, 16 and 64 client processes, each with its own connection and a
 * window of 32 requests in flight, against a live MDC the harness starts
 * with its state under /tmp. Prints a table with ops/s, p50/p99 latency
 * and the MDC's group-commit batch size; figures, not pass/fail: the
 * goals (20,000 creates/s, 200,000 getattr/s) are printed for comparison.
 *
 * Each phase runs on a freshly started MDC, so the "requests in commits"
 * line it logs on SIGTERM gives that phase's batch size. The clients run
 * on the same machine as the MDC and take CPU from it; on a 2-core box
 * that is a large part of what is measured, and the output says so.
 *
 * Environment: BENCH_SECONDS (per phase, default 3), BENCH_CLIENTS (a
 * comma list, default 1,16,64), BENCH_WINDOW (default 32), BENCH_COMMIT
 * (printed), XSANMDC.
 */
#include <errno.h>
#include <mntent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "mdc/store.h"

#define MAX_CLIENTS	64
#define MAX_WINDOW	256
#define RING		4096		/* send times by xid; >> the window */
#define MAX_FILES	(1u << 20)	/* per client */
#define NBUCKETS	(64 + 40 * 32)

enum { PH_IDLE, PH_CREATE, PH_GETATTR, PH_LAYOUT, PH_EXIT };

#define BENCH_BLOCKS	(1ull << 32)	/* data blocks: never ENOSPC */

/* Latency histogram in microseconds: exact below 64, then 32 per octave. */
struct hist {
	uint64_t b[NBUCKETS];
};

struct cres {
	uint64_t ops;
	long long elapsed_us;
	int err;			/* first error status or transport errno */
	struct hist h;
};

struct shared {
	int phase;			/* what the clients do next */
	int gen;			/* bumped for every phase */
	int port;			/* the MDC's, once it has started */
	int ready, done;
	long long go_us, end_us;	/* CLOCK_MONOTONIC */
	struct cres c[MAX_CLIENTS];
};

static struct shared *sh;
static pid_t kids[MAX_CLIENTS];
static int nkids;
static struct mdc_h *cur_h;
static int window = 32;

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void kill_all(void)
{
	for (int i = 0; i < nkids; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGKILL);
	if (cur_h && cur_h->pid > 0)
		kill(cur_h->pid, SIGKILL);
}

static void on_alarm(int sig)
{
	static const char msg[] = "bench: deadline passed, killing everything\n";

	(void)sig;
	kill_all();
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

static unsigned int bucket_of(uint64_t us)
{
	unsigned int e;

	if (us < 64)
		return (unsigned int)us;
	e = 63 - (unsigned int)__builtin_clzll(us);	/* >= 6 */
	if (e > 45)
		return NBUCKETS - 1;
	return 64 + (e - 6) * 32 + (unsigned int)((us >> (e - 5)) & 31);
}

static uint64_t bucket_low(unsigned int b)
{
	unsigned int e;

	if (b < 64)
		return b;
	e = (b - 64) / 32 + 6;
	return (uint64_t)(32 + (b - 64) % 32) << (e - 5);
}

static uint64_t percentile(const struct hist *h, double p)
{
	uint64_t total = 0, acc = 0, want;

	for (unsigned int i = 0; i < NBUCKETS; i++)
		total += h->b[i];
	if (!total)
		return 0;
	want = (uint64_t)(p * (double)total);
	if (want >= total)
		want = total - 1;
	for (unsigned int i = 0; i < NBUCKETS; i++) {
		acc += h->b[i];
		if (acc > want)
			return bucket_low(i);
	}
	return 0;
}

static int wait_phase(int gen)
{
	while (__atomic_load_n(&sh->gen, __ATOMIC_ACQUIRE) == gen)
		usleep(1000);
	return __atomic_load_n(&sh->phase, __ATOMIC_ACQUIRE);
}

/*
 * Keep @window requests in flight until the end time, then drain. For
 * CREATE, the new fids go to @fids; for GETATTR, @fids are read in turn.
 */
static void pipeline(struct xsan_client *c, bool create, struct xsan_fid dir,
		     struct xsan_fid *fids, uint32_t *nfids, int idx)
{
	static long long sent_at[RING];
	struct cres *res = &sh->c[idx];
	long long end, t, first = 0;
	uint32_t next = 0, ridx = 0;
	uint64_t xid;
	int out = 0, status, err;
	char name[32];

	memset(res, 0, sizeof(*res));
	while (__atomic_load_n(&sh->go_us, __ATOMIC_ACQUIRE) > now_us())
		usleep(200);
	end = __atomic_load_n(&sh->end_us, __ATOMIC_ACQUIRE);
	first = now_us();
	for (;;) {
		t = now_us();
		while (out < window && t < end && (!create || next < MAX_FILES) &&
		       (create || *nfids)) {
			struct xsan_req r = { .cred = h_root() };

			if (create) {
				r.op = XSAN_OP_CREATE;
				r.fid = dir;
				snprintf(name, sizeof(name), "f%u", next++);
				r.name = name;
				r.namelen = (uint32_t)strlen(name);
				r.mode = S_IFREG | 0644;
			} else {
				r.op = XSAN_OP_GETATTR;
				r.fid = fids[next++ % *nfids];
			}
			err = xsan_client_send(c, &r, &xid);
			if (err) {
				res->err = -err;
				goto done;
			}
			sent_at[xid % RING] = t;
			out++;
		}
		if (!out)
			break;
		struct xsan_rep rep;

		err = xsan_client_recv(c, &xid, &status, &rep);
		if (err) {
			res->err = -err;
			break;
		}
		t = now_us();
		out--;
		if (status) {
			if (!res->err)
				res->err = status;
			continue;
		}
		res->h.b[bucket_of((uint64_t)(t - sent_at[xid % RING]))]++;
		res->ops++;
		if (create && rep.nattr && ridx < MAX_FILES) {
			fids[ridx].ino = rep.attr[0].ino;
			fids[ridx].gen = rep.attr[0].gen;
			ridx++;
		}
	}
done:
	res->elapsed_us = now_us() - first;
	if (create)
		*nfids = ridx;
}

/*
 * Keep @window pairs in flight: a LAYOUT_GET(WRITE) of one new block,
 * and when it is answered the LAYOUT_COMMIT of that block. Offsets step
 * by two blocks so each pair allocates, none merges with the last.
 */
static void pipeline_layout(struct xsan_client *c, struct xsan_fid f, int idx)
{
	static long long sent_at[RING];
	static uint64_t off_of[RING];
	static uint8_t is_get[RING];
	struct cres *res = &sh->c[idx];
	long long end, t, first;
	uint64_t next = 0, xid;
	int out = 0, status, err;

	memset(res, 0, sizeof(*res));
	while (__atomic_load_n(&sh->go_us, __ATOMIC_ACQUIRE) > now_us())
		usleep(200);
	end = __atomic_load_n(&sh->end_us, __ATOMIC_ACQUIRE);
	first = now_us();
	for (;;) {
		struct xsan_rep rep;

		t = now_us();
		while (out < window && t < end) {
			struct xsan_req r = { .op = XSAN_OP_LAYOUT_GET, .cred = h_root(),
					      .fid = f };

			r.layout.offset = next * 8192;
			r.layout.length = 4096;
			r.layout.flags = XSAN_LG_WRITE;
			err = xsan_client_send(c, &r, &xid);
			if (err) {
				res->err = -err;
				goto done;
			}
			sent_at[xid % RING] = t;
			off_of[xid % RING] = next++ * 8192;
			is_get[xid % RING] = 1;
			out++;
		}
		if (!out)
			break;
		err = xsan_client_recv(c, &xid, &status, &rep);
		if (err) {
			res->err = -err;
			break;
		}
		out--;
		if (status) {
			if (!res->err)
				res->err = status;
			continue;
		}
		if (is_get[xid % RING]) {
			struct xsan_req r = { .op = XSAN_OP_LAYOUT_COMMIT,
					      .cred = h_root(), .fid = f };
			struct xsan_range rg = { off_of[xid % RING], 4096 };
			long long t0 = sent_at[xid % RING];

			r.layout.nranges = 1;
			r.layout.ranges = &rg;
			err = xsan_client_send(c, &r, &xid);
			if (err) {
				res->err = -err;
				break;
			}
			sent_at[xid % RING] = t0;	/* latency of the pair */
			is_get[xid % RING] = 0;
			out++;
			continue;
		}
		t = now_us();
		res->h.b[bucket_of((uint64_t)(t - sent_at[xid % RING]))]++;
		res->ops++;
	}
done:
	res->elapsed_us = now_us() - first;
}

/* The file a client's layout phase writes: created and opened. */
static int layout_file(struct xsan_client *c, int idx, int nclients,
		       struct xsan_fid *f)
{
	struct xsan_req r = { .op = XSAN_OP_CREATE, .cred = h_root(),
			      .fid = { .ino = XSAN_ROOT_INO, .gen = 1 },
			      .mode = S_IFREG | 0644 };
	struct xsan_rep rep;
	char name[32];
	int err;

	snprintf(name, sizeof(name), "l%d-c%d", nclients, idx);
	r.name = name;
	r.namelen = (uint32_t)strlen(name);
	err = xsan_client_call(c, &r, &rep);
	if (err)
		return err;
	f->ino = rep.attr[0].ino;
	f->gen = rep.attr[0].gen;
	memset(&r, 0, sizeof(r));
	r.op = XSAN_OP_OPEN;
	r.cred = h_root();
	r.fid = *f;
	r.layout.flags = XSAN_OPEN_RDWR;
	return xsan_client_call(c, &r, &rep);
}

static void client_main(struct mdc_h *h, int idx, int nclients)
{
	struct xsan_client c;
	struct xsan_fid dir = { 0 }, *fids;
	uint32_t nfids = 0;
	int gen = 0, phase, err;
	char name[32];

	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, SIG_DFL);
	alarm(600);			/* never outlive a lost parent for long */
	fids = malloc(MAX_FILES * sizeof(*fids));
	if (!fids)
		_exit(3);
	for (;;) {
		phase = wait_phase(gen);
		gen = __atomic_load_n(&sh->gen, __ATOMIC_ACQUIRE);
		if (phase == PH_EXIT)
			break;
		/* Each phase has a freshly started MDC: log in again. */
		h->port = sh->port;
		err = h_login(h, &c);
		if (!err && phase == PH_CREATE) {
			struct xsan_req r = {
				.op = XSAN_OP_MKDIR, .cred = h_root(),
				.fid = { .ino = XSAN_ROOT_INO, .gen = 1 },
				.mode = S_IFDIR | 0755,
			};
			struct xsan_rep rep;

			snprintf(name, sizeof(name), "n%d-c%d", nclients, idx);
			r.name = name;
			r.namelen = (uint32_t)strlen(name);
			err = xsan_client_call(&c, &r, &rep);
			dir.ino = rep.attr[0].ino;
			dir.gen = rep.attr[0].gen;
		}
		if (!err && phase == PH_LAYOUT)
			err = layout_file(&c, idx, nclients, &dir);
		if (err) {
			fprintf(stderr, "bench client %d: %s\n", idx, c.err);
			sh->c[idx].err = -err;
		}
		__atomic_fetch_add(&sh->ready, 1, __ATOMIC_ACQ_REL);
		if (!err && phase == PH_LAYOUT)
			pipeline_layout(&c, dir, idx);
		else if (!err)
			pipeline(&c, phase == PH_CREATE, dir, fids, &nfids, idx);
		xsan_client_close(&c);
		__atomic_fetch_add(&sh->done, 1, __ATOMIC_ACQ_REL);
	}
	free(fids);
	_exit(0);
}

static bool wait_count(int *ctr, int want, int ms)
{
	long long end = now_us() + ms * 1000LL;

	while (__atomic_load_n(ctr, __ATOMIC_ACQUIRE) < want) {
		if (now_us() > end)
			return false;
		usleep(2000);
	}
	return true;
}

static void next_phase(int phase)
{
	__atomic_store_n(&sh->ready, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&sh->done, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&sh->go_us, (long long)1 << 62, __ATOMIC_RELEASE);
	__atomic_store_n(&sh->phase, phase, __ATOMIC_RELEASE);
	__atomic_fetch_add(&sh->gen, 1, __ATOMIC_ACQ_REL);
}

static void reap(int ms)
{
	long long end = now_us() + ms * 1000LL;
	int left = nkids, status;

	while (left) {
		for (int i = 0; i < nkids; i++)
			if (kids[i] > 0 && waitpid(kids[i], &status, WNOHANG) == kids[i]) {
				kids[i] = 0;
				left--;
			}
		if (!left || now_us() > end)
			break;
		usleep(5000);
	}
	for (int i = 0; i < nkids; i++)
		if (kids[i] > 0) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], &status, 0);
			kids[i] = 0;
		}
	nkids = 0;
}

/* "volume V: N requests in M commits", logged when the MDC stops. */
static void batch_stats(const struct mdc_h *h, unsigned long long *req,
			unsigned long long *commits)
{
	const char *p = strstr(h_log(h), "requests in ");

	*req = *commits = 0;
	if (p) {
		/* Back over the spaces and the number before "requests". */
		while (p > h_log(h) && p[-1] == ' ')
			p--;
		while (p > h_log(h) && p[-1] != ' ')
			p--;
		if (sscanf(p, "%llu requests in %llu commits", req, commits) != 2)
			*req = *commits = 0;
	}
}

/* One phase on a fresh MDC; prints a table row. Returns 0 or -1. */
static int run_phase(struct mdc_h *h, int nclients, int phase, int seconds)
{
	struct hist all;
	unsigned long long req, commits;
	uint64_t ops = 0;
	long long elapsed = 0;
	int errs = 0, status;

	if (h_start(h))
		return -1;
	sh->port = h->port;
	next_phase(phase);
	if (!wait_count(&sh->ready, nclients, 30000)) {
		fprintf(stderr, "bench: clients did not log in\n");
		return -1;
	}
	/* Everyone starts together, a little in the future. */
	sh->end_us = now_us() + 100000 + seconds * 1000000LL;
	__atomic_store_n(&sh->go_us, now_us() + 100000, __ATOMIC_RELEASE);
	if (!wait_count(&sh->done, nclients, seconds * 1000 + 60000)) {
		fprintf(stderr, "bench: clients did not finish\n");
		return -1;
	}
	status = h_stop(h, SIGTERM);
	batch_stats(h, &req, &commits);
	memset(&all, 0, sizeof(all));
	for (int i = 0; i < nclients; i++) {
		struct cres *r = &sh->c[i];

		ops += r->ops;
		if (r->elapsed_us > elapsed)
			elapsed = r->elapsed_us;
		if (r->err) {
			if (!errs)
				fprintf(stderr, "bench: client %d: %s\n", i, strerror(r->err));
			errs++;
		}
		for (unsigned int b = 0; b < NBUCKETS; b++)
			all.b[b] += r->h.b[b];
	}
	printf("%7d  %-8s %10.0f  %8llu  %8llu  %9llu  %8.1f%s\n", nclients,
	       phase == PH_CREATE ? "create" : phase == PH_GETATTR ? "getattr" :
	       "layout",
	       elapsed ? ops * 1e6 / (double)elapsed : 0.0,
	       (unsigned long long)percentile(&all, 0.50),
	       (unsigned long long)percentile(&all, 0.99), commits,
	       commits ? (double)req / (double)commits : 0.0,
	       errs ? "  (errors)" : "");
	fflush(stdout);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fprintf(stderr, "bench: the MDC exited with status 0x%x\n", status);
	return errs ? -1 : 0;
}

static int run_clients(struct mdc_h *h, int nclients, int seconds)
{
	int rc = 0;

	memset(sh, 0, sizeof(*sh));
	sh->port = h->port;
	nkids = 0;
	for (int i = 0; i < nclients; i++) {
		kids[i] = fork();
		if (kids[i] < 0) {
			perror("fork");
			kids[i] = 0;
			rc = -1;
			break;
		}
		if (!kids[i])
			client_main(h, i, nclients);
		nkids++;
	}
	if (!rc)
		rc = run_phase(h, nclients, PH_CREATE, seconds);
	if (!rc)
		rc = run_phase(h, nclients, PH_GETATTR, seconds);
	if (!rc)
		rc = run_phase(h, nclients, PH_LAYOUT, seconds);
	next_phase(PH_EXIT);
	if (h->pid)
		h_stop(h, SIGKILL);
	reap(10000);
	return rc;
}

/* What filesystem @path is on, for the output. */
static void describe_fs(const char *path, char *out, size_t len)
{
	struct mntent *me;
	char bestdir[256] = "", bestfs[64] = "?", bestdev[128] = "?";
	FILE *f = setmntent("/proc/self/mounts", "r");

	while (f && (me = getmntent(f))) {
		size_t ml = strlen(me->mnt_dir);

		if (strncmp(path, me->mnt_dir, ml) ||
		    (path[ml] != '/' && path[ml] && strcmp(me->mnt_dir, "/")))
			continue;
		if (ml >= strlen(bestdir)) {
			snprintf(bestdir, sizeof(bestdir), "%s", me->mnt_dir);
			snprintf(bestfs, sizeof(bestfs), "%s", me->mnt_type);
			snprintf(bestdev, sizeof(bestdev), "%s", me->mnt_fsname);
		}
	}
	if (f)
		endmntent(f);
	snprintf(out, len, "%s (%s, mounted on %s)", bestfs, bestdev, bestdir);
}

/* Reformat with 2^32 data blocks, so the layout phase never runs out. */
static int big_volume(struct mdc_h *h)
{
	static struct xsan_store_geom g;
	char path[256], err[256];

	memset(&g, 0, sizeof(g));
	g.bsize = 4096;
	g.blocks = BENCH_BLOCKS;
	g.files = 1u << 26;
	g.created = time(NULL);
	snprintf(path, sizeof(path), "%s/%s", h->statedir, h->volume);
	if (xsan_store_format(path, &g, true, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return -1;
	}
	return 0;
}

int main(void)
{
	const char *env;
	char clist[128], fs[512], *tok, *save;
	int seconds = 3, rc = 0;
	struct mdc_h h;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	if ((env = getenv("BENCH_SECONDS")) && atoi(env) > 0)
		seconds = atoi(env);
	if ((env = getenv("BENCH_WINDOW")) && atoi(env) > 0)
		window = atoi(env) < MAX_WINDOW ? atoi(env) : MAX_WINDOW;
	snprintf(clist, sizeof(clist), "%s",
		 (env = getenv("BENCH_CLIENTS")) ? env : "1,16,64");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (h_setup(&h) || big_volume(&h)) {
		fprintf(stderr, "bench: cannot set up the volume\n");
		return 1;
	}
	cur_h = &h;
	describe_fs(h.statedir, fs, sizeof(fs));
	printf("xsanmdc benchmark, commit %s\n",
	       (env = getenv("BENCH_COMMIT")) ? env : "?");
	printf("%ld CPUs online; state in %s on %s\n", sysconf(_SC_NPROCESSORS_ONLN),
	       h.statedir, fs);
	printf("%d s per phase, window %d requests per client, clients on the same machine\n",
	       seconds, window);
	printf("goals: 20000 creates/s, 200000 getattr/s; layout = LAYOUT_GET+LAYOUT_COMMIT pairs/s\n\n");
	printf("clients  op            ops/s  p50 (us)  p99 (us)    commits  ops/commit\n");
	for (tok = strtok_r(clist, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int n = atoi(tok);

		if (n < 1 || n > MAX_CLIENTS) {
			fprintf(stderr, "bench: %d clients: 1 to %d\n", n, MAX_CLIENTS);
			rc = 1;
			continue;
		}
		alarm((unsigned int)(2 * seconds + 180));
		if (run_clients(&h, n, seconds))
			rc = 1;
		alarm(0);
	}
	h_cleanup(&h);
	return rc;
}
