// SPDX-License-Identifier: GPL-2.0
/*
 * Crash safety of xsanmdc: kill -9 at random instants loses nothing that
 * was acknowledged and leaves a store fsck.xsanfs finds clean.
 *
 * Four client processes (never killed) each work in their own directory;
 * for n = 0, 1, ... they CREATE c_n, RENAME it to r_n and, for even n,
 * UNLINK r_n. Every op is logged in shared memory as sent, then
 * acknowledged, rejected (an error status) or lost (the connection died
 * before the reply: it may or may not have been committed). A lost op is
 * not retried; the client reconnects and goes on with the next n. The
 * parent kill -9's the MDC at random instants, restarts it on the same
 * ports, and at the end checks with LOOKUP and READDIR that each name is
 * in a state the log allows: the state after the last acknowledged op,
 * or the state after the lost op that followed it. Then the MDC stops
 * cleanly and fsck must find nothing.
 *
 * The burst variant pipelines 50 CREATEs per round trip, so the MDC is
 * inside a large group commit most of the time and the kills land there.
 *
 * What this proves and what not: kill -9 ends the process, not the
 * machine, so whatever LMDB wrote is still in the page cache. The test
 * shows that no reply leaves before its transaction has committed, that
 * LMDB recovers a writer killed mid-commit (stale lock, half-written
 * pages) and that a restart on the same ports works. That the sync itself
 * reaches the disk needs a power cut (a VM or dm-flakey), not this.
 *
 * Usage: crash [PREFIX [kill9|burst]]; prints "PASS: PREFIX.crash_kill9"
 * and "PASS: PREFIX.crash_kill9_burst" (or FAIL, reasons on stderr).
 * Environment: CRASH_ROUNDS (default 20), XSANMDC, XSAN_FSCK,
 * XSAN_KEEP=1 keeps the state directory of a failed run.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "mdc/store.h"

#define NCLIENTS	4
#define MAXN		(1u << 18)	/* n's a client may use */
#define NOPS		3		/* CREATE, RENAME, UNLINK */
#define BURST		50
#define RECONNECT_MS	15000		/* the MDC is being restarted */
#define RESTART_MS	10000		/* bind retries after a kill */
#define DEADLINE_S	300		/* the whole variant */

/* What the log says of one op. */
enum { OS_NONE, OS_SENT, OS_ACK, OS_REJECTED, OS_LOST };
/* Where a name can be: bits of an "allowed" mask. */
enum { ST_NONE = 1, ST_C = 2, ST_R = 4 };

struct client_log {
	uint32_t nmax;			/* n's begun: [0, nmax) */
	uint64_t acked, lost, rejected;	/* read by the parent while running */
	int first_rejected;		/* its status, for the report */
	int exit_why;			/* 0, or what made the client give up */
	uint8_t st[MAXN][NOPS];
};

struct shared {
	int stop;			/* the parent's "finish now" */
	struct client_log cl[NCLIENTS];
};

static struct shared *sh;
static pid_t kids[NCLIENTS];
static struct mdc_h *cur_h;
static const char *cur_name = "";

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void kill_all(void)
{
	for (int i = 0; i < NCLIENTS; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGKILL);
	if (cur_h && cur_h->pid > 0)
		kill(cur_h->pid, SIGKILL);
}

/* The global deadline: nothing here may hang a test run. */
static void on_alarm(int sig)
{
	static const char msg[] = "crash: global deadline passed, killing everything\n";
	char line[128];
	int len;

	(void)sig;
	kill_all();
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	len = snprintf(line, sizeof(line), "FAIL: %s\n", cur_name);
	if (write(1, line, (size_t)len) < 0)
		_exit(1);
	_exit(1);
}

static int failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	/* Enough to see what went wrong without flooding the log. */
	if (++failures > 20)
		return;
	fprintf(stderr, "%s: ", cur_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int stopping(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE);
}

static void bump(uint64_t *ctr)
{
	__atomic_fetch_add(ctr, 1, __ATOMIC_RELAXED);
}

/*
 * Log in, retrying every 50 ms for up to 15 s: after a kill the MDC
 * needs a moment to come back. Gives up early once the parent says stop.
 */
static int client_reconnect(struct mdc_h *h, struct xsan_client *c)
{
	long long end = mono_ms() + RECONNECT_MS;

	for (;;) {
		xsan_client_close(c);
		if (!h_login(h, c))
			return 0;
		if (stopping() || mono_ms() > end)
			return -1;
		usleep(50000);
	}
}

static void name_of(char *buf, size_t len, char kind, uint32_t n)
{
	snprintf(buf, len, "%c_%u", kind, n);
}

/*
 * One synchronous op, logged. Returns 0 acknowledged, 1 rejected (the
 * MDC answered with an error: a bug, the parent reports it) or -1 lost.
 */
static int client_op(struct xsan_client *c, const struct xsan_req *r,
		     struct client_log *lg, uint32_t n, int k)
{
	struct xsan_rep rep;
	int err;

	lg->st[n][k] = OS_SENT;
	err = xsan_client_call(c, r, &rep);
	if (!err) {
		lg->st[n][k] = OS_ACK;
		bump(&lg->acked);
		return 0;
	}
	/* The client closes the connection on any transport failure. */
	if (c->fd >= 0) {
		lg->st[n][k] = OS_REJECTED;
		if (!lg->rejected)
			lg->first_rejected = -err;
		bump(&lg->rejected);
		return 1;
	}
	lg->st[n][k] = OS_LOST;
	bump(&lg->lost);
	return -1;
}

static void client_main_seq(struct mdc_h *h, struct xsan_client *c,
			    struct client_log *lg, struct xsan_fid dir)
{
	char cn[32], rn[32];
	uint32_t n;
	int rc = 0;

	for (n = 0; n < MAXN && !stopping(); n++) {
		struct xsan_req r = { .cred = h_root(), .fid = dir };

		if (c->fd < 0 && client_reconnect(h, c)) {
			lg->exit_why = stopping() ? 0 : 2;
			return;
		}
		lg->nmax = n + 1;
		name_of(cn, sizeof(cn), 'c', n);
		name_of(rn, sizeof(rn), 'r', n);
		r.op = XSAN_OP_CREATE;
		r.name = cn;
		r.namelen = (uint32_t)strlen(cn);
		r.mode = S_IFREG | 0644;
		rc = client_op(c, &r, lg, n, 0);
		if (rc)
			continue;
		r.op = XSAN_OP_RENAME;
		r.fid2 = dir;
		r.name2 = rn;
		r.name2len = (uint32_t)strlen(rn);
		r.mode = 0;
		rc = client_op(c, &r, lg, n, 1);
		if (rc || n % 2)
			continue;
		memset(&r, 0, sizeof(r));
		r.op = XSAN_OP_UNLINK;
		r.cred = h_root();
		r.fid = dir;
		r.name = rn;
		r.namelen = (uint32_t)strlen(rn);
		client_op(c, &r, lg, n, 2);
	}
}

/* Burst: BURST CREATEs on the wire, then their replies. */
static void client_main_burst(struct mdc_h *h, struct xsan_client *c,
			      struct client_log *lg, struct xsan_fid dir)
{
	uint64_t xid0 = 0, xid = 0;
	char cn[32];
	uint32_t n = 0, cnt, i, sent;
	int status, err;

	while (n < MAXN && !stopping()) {
		if (c->fd < 0 && client_reconnect(h, c)) {
			lg->exit_why = stopping() ? 0 : 2;
			return;
		}
		cnt = MAXN - n < BURST ? MAXN - n : BURST;
		lg->nmax = n + cnt;
		for (sent = 0; sent < cnt; sent++) {
			struct xsan_req r = {
				.op = XSAN_OP_CREATE, .cred = h_root(), .fid = dir,
				.mode = S_IFREG | 0644,
			};

			name_of(cn, sizeof(cn), 'c', n + sent);
			r.name = cn;
			r.namelen = (uint32_t)strlen(cn);
			lg->st[n + sent][0] = OS_SENT;
			err = xsan_client_send(c, &r, &xid);
			if (!sent)
				xid0 = xid;
			if (err) {
				/* Maybe part of it left: uncertain. */
				sent++;
				break;
			}
		}
		while (c->fd >= 0) {
			struct xsan_rep rep;

			for (i = 0; i < sent && lg->st[n + i][0] != OS_SENT; i++)
				;
			if (i == sent)
				break;
			err = xsan_client_recv(c, &xid, &status, &rep);
			if (err)
				break;
			if (xid < xid0 || xid - xid0 >= sent ||
			    lg->st[n + (xid - xid0)][0] != OS_SENT) {
				/* A reply to nothing we sent: count it as a bug. */
				if (!lg->rejected)
					lg->first_rejected = EBADMSG;
				bump(&lg->rejected);
				xsan_client_close(c);
				break;
			}
			i = (uint32_t)(xid - xid0);
			if (!status) {
				lg->st[n + i][0] = OS_ACK;
				bump(&lg->acked);
			} else {
				lg->st[n + i][0] = OS_REJECTED;
				if (!lg->rejected)
					lg->first_rejected = status;
				bump(&lg->rejected);
			}
		}
		/* The connection died: whatever has no reply is uncertain. */
		for (i = 0; i < sent; i++)
			if (lg->st[n + i][0] == OS_SENT) {
				lg->st[n + i][0] = OS_LOST;
				bump(&lg->lost);
			}
		n += cnt;
	}
}

static void client_main(struct mdc_h *h, int idx, struct xsan_fid dir,
			bool burst)
{
	struct xsan_client c;
	struct client_log *lg = &sh->cl[idx];

	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, SIG_DFL);
	alarm(DEADLINE_S + 30);		/* never outlive a lost parent for long */
	if (xsan_client_init(&c, 10000))
		_exit(3);
	c.fd = -1;
	if (burst)
		client_main_burst(h, &c, lg, dir);
	else
		client_main_seq(h, &c, lg, dir);
	xsan_client_close(&c);
	_exit(lg->exit_why);
}

/* Start the MDC, retrying for a bounded time if the port is still busy. */
static int restart(struct mdc_h *h)
{
	long long end = mono_ms() + RESTART_MS;
	int err;

	for (;;) {
		err = h_start(h);
		if (!err)
			return 0;
		if (mono_ms() > end)
			return err;
		usleep(100000);
	}
}

static int mkdir_root(struct xsan_client *c, const char *name,
		      struct xsan_fid *out)
{
	struct xsan_req r = {
		.op = XSAN_OP_MKDIR, .cred = h_root(),
		.fid = { .ino = XSAN_ROOT_INO, .gen = 1 },
		.name = name, .namelen = (uint32_t)strlen(name),
		.mode = S_IFDIR | 0755,
	};
	struct xsan_rep rep;
	int err = xsan_client_call(c, &r, &rep);

	if (err)
		return err;
	out->ino = rep.attr[0].ino;
	out->gen = rep.attr[0].gen;
	return 0;
}

static uint64_t total(size_t off)
{
	uint64_t sum = 0;

	for (int i = 0; i < NCLIENTS; i++)
		sum += __atomic_load_n((uint64_t *)((char *)&sh->cl[i] + off),
				       __ATOMIC_RELAXED);
	return sum;
}

/* The states a name may be in, from the log of its ops. */
static int allowed_states(const uint8_t st[NOPS], uint32_t n, bool burst)
{
	/* The state after op k, k = -1 .. 2. */
	static const int after_seq[2][4] = {
		{ ST_NONE, ST_C, ST_R, ST_NONE },	/* even n: unlinked */
		{ ST_NONE, ST_C, ST_R, ST_R },		/* odd n: kept */
	};
	int nops = burst ? 1 : (n % 2 ? 2 : 3), k, last = -1;
	const int *after = after_seq[n % 2];

	for (k = 0; k < nops && st[k] == OS_ACK; k++)
		last = k;
	if (last + 1 < nops && st[last + 1] == OS_LOST)
		return after[last + 1] | after[last + 2];
	return after[last + 1];
}

struct look {
	uint32_t n;
	char kind;
};

/*
 * LOOKUP every c_n and r_n of a directory, pipelined in windows of 64;
 * exist[n] gets ST_C / ST_R bits.
 */
static int lookup_all(struct xsan_client *c, struct xsan_fid dir,
		      uint32_t nmax, uint8_t *exist)
{
	struct look win[64];
	char name[32];
	uint64_t xid, xid0 = 0;
	uint32_t n = 0, cnt, i;
	int status, err;

	while (n < nmax) {
		cnt = 0;
		for (; n < nmax && cnt + 2 <= 64; n++) {
			for (int k = 0; k < 2; k++) {
				struct xsan_req r = {
					.op = XSAN_OP_LOOKUP, .cred = h_root(), .fid = dir,
				};

				win[cnt] = (struct look){ n, k ? 'r' : 'c' };
				name_of(name, sizeof(name), win[cnt].kind, n);
				r.name = name;
				r.namelen = (uint32_t)strlen(name);
				err = xsan_client_send(c, &r, &xid);
				if (err)
					return err;
				if (!cnt)
					xid0 = xid;
				cnt++;
			}
		}
		for (i = 0; i < cnt; i++) {
			struct xsan_rep rep;

			err = xsan_client_recv(c, &xid, &status, &rep);
			if (err)
				return err;
			if (xid < xid0 || xid - xid0 >= cnt) {
				fail("LOOKUP reply with xid %llu, not asked",
				     (unsigned long long)xid);
				return -EBADMSG;
			}
			struct look *l = &win[xid - xid0];

			if (!status)
				exist[l->n] |= l->kind == 'c' ? ST_C : ST_R;
			else if (status != ENOENT)
				fail("LOOKUP %c_%u: %s", l->kind, l->n, strerror(status));
		}
	}
	return 0;
}

/* READDIR the directory: every entry must be one LOOKUP found. */
static int readdir_check(struct xsan_client *c, int idx, struct xsan_fid dir,
			 uint32_t nmax, const uint8_t *exist, uint64_t *found)
{
	uint64_t cookie = 0, entries = 0;
	int err;

	for (;;) {
		struct xsan_req r = {
			.op = XSAN_OP_READDIR, .cred = h_root(), .fid = dir,
			.size = 65536, .cookie = cookie,
		};
		struct xsan_rep rep;
		struct xsan_dirent d;
		struct xsan_cur cur;
		unsigned int n;
		char kind, name[64];

		err = xsan_client_call(c, &r, &rep);
		if (err) {
			fail("READDIR of client %d's directory: %s", idx, c->err);
			return err;
		}
		xsan_cur_init(&cur, rep.data, rep.datalen);
		for (uint32_t i = 0; i < rep.count; i++) {
			if (xsan_dirent_next(&cur, &d))
				return -EBADMSG;
			cookie = d.cookie;
			entries++;
			snprintf(name, sizeof(name), "%.*s", (int)d.namelen, d.name);
			int end = 0;

			if (sscanf(name, "%c_%u%n", &kind, &n, &end) != 2 ||
			    (size_t)end != strlen(name) || (kind != 'c' && kind != 'r') ||
			    n >= nmax) {
				fail("client %d: unexpected entry '%s'", idx, name);
				continue;
			}
			if (!(exist[n] & (kind == 'c' ? ST_C : ST_R)))
				fail("client %d: READDIR shows '%s', LOOKUP does not find it",
				     idx, name);
			if (d.type != XSAN_DT_REG)
				fail("client %d: '%s' has type %u", idx, name, d.type);
		}
		if (rep.eof || !rep.count)
			break;
	}
	if (entries != *found)
		fail("client %d: READDIR lists %llu entries, LOOKUP found %llu",
		     idx, (unsigned long long)entries, (unsigned long long)*found);
	return 0;
}

/* Run fsck on the stopped volume; its exit status. */
static int run_fsck(struct mdc_h *h)
{
	const char *fsck = getenv("XSAN_FSCK");
	char meta[160];
	long long end = mono_ms() + 120000;
	int status;
	pid_t pid;

	if (!fsck)
		fsck = "../../tools/bin/fsck.xsanfs";
	snprintf(meta, sizeof(meta), "%s/%s", h->statedir, h->volume);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(2, 1);	/* stdout is for PASS/FAIL lines only */
		execl(fsck, fsck, "-n", "-d", meta, h->volume, (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", fsck, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (mono_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail("fsck did not finish in 120 s");
			return -1;
		}
		usleep(20000);
	}
	if (!WIFEXITED(status)) {
		fail("fsck died with signal %d", WTERMSIG(status));
		return -1;
	}
	return WEXITSTATUS(status);
}

/* Reap the clients within @ms; returns how many exited badly. */
static int reap_clients(int ms)
{
	long long end = mono_ms() + ms;
	int bad = 0, left = NCLIENTS, status;

	while (left) {
		for (int i = 0; i < NCLIENTS; i++) {
			if (kids[i] <= 0 || waitpid(kids[i], &status, WNOHANG) != kids[i])
				continue;
			if (!WIFEXITED(status) || WEXITSTATUS(status)) {
				fail("client %d exited with status 0x%x%s", i, status,
				     WIFEXITED(status) && WEXITSTATUS(status) == 2 ?
				     " (could not reconnect within 15 s)" : "");
				bad++;
			}
			kids[i] = 0;
			left--;
		}
		if (!left)
			break;
		if (mono_ms() > end) {
			for (int i = 0; i < NCLIENTS; i++)
				if (kids[i] > 0) {
					fail("client %d did not stop; killed", i);
					kill(kids[i], SIGKILL);
					waitpid(kids[i], &status, 0);
					kids[i] = 0;
					bad++;
				}
			break;
		}
		usleep(10000);
	}
	return bad;
}

static void run_variant(const char *prefix, const char *test, bool burst,
			int rounds)
{
	static char fullname[128];
	struct mdc_h h;
	struct xsan_client c;
	struct xsan_fid dirs[NCLIENTS];
	uint64_t acked_before, productive = 0, lookups_found;
	long long t0 = mono_ms();
	int round, status, err;
	uint8_t *exist = NULL;
	bool keep = getenv("XSAN_KEEP") && atoi(getenv("XSAN_KEEP"));

	snprintf(fullname, sizeof(fullname), "%s.%s", prefix, test);
	cur_name = fullname;
	failures = 0;
	memset(kids, 0, sizeof(kids));
	memset(sh, 0, sizeof(*sh));
	alarm(DEADLINE_S);

	if (h_setup(&h)) {
		fail("cannot set up the volume");
		goto out;
	}
	cur_h = &h;
	if (h_start(&h)) {
		fail("the MDC does not start");
		goto out;
	}
	if (h_login(&h, &c)) {
		fail("login: %s", c.err);
		xsan_client_close(&c);
		goto out;
	}
	for (int i = 0; i < NCLIENTS; i++) {
		char name[16];

		snprintf(name, sizeof(name), "client%d", i);
		err = mkdir_root(&c, name, &dirs[i]);
		if (err) {
			fail("MKDIR %s: %s", name, c.err);
			xsan_client_close(&c);
			goto out;
		}
	}
	xsan_client_close(&c);

	for (int i = 0; i < NCLIENTS; i++) {
		kids[i] = fork();
		if (kids[i] < 0) {
			fail("fork: %s", strerror(errno));
			kids[i] = 0;
			goto stop_clients;
		}
		if (!kids[i])
			client_main(&h, i, dirs[i], burst);
	}

	for (round = 0; round < rounds; round++) {
		acked_before = total(offsetof(struct client_log, acked));
		usleep((useconds_t)(50000 + random() % 350001));
		if (total(offsetof(struct client_log, acked)) > acked_before)
			productive++;
		h_stop(&h, SIGKILL);
		err = restart(&h);
		if (err) {
			fail("round %d: the MDC does not restart: %s", round,
			     strerror(-err));
			goto stop_clients;
		}
	}
	/* A last stretch of work on the restarted MDC, then stop. */
	usleep(200000);

stop_clients:
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	reap_clients(30000);
	if (failures)
		goto out;

	/* The check: one more restart (the previous one may have been
	 * running since the last kill, but restart anyway: recovery runs
	 * on open, and that is what must keep every acknowledged op). */
	h_stop(&h, SIGKILL);
	if (restart(&h)) {
		fail("the MDC does not restart for the check");
		goto out;
	}
	if (h_login(&h, &c)) {
		fail("login for the check: %s", c.err);
		xsan_client_close(&c);
		goto out;
	}
	exist = calloc(MAXN, 1);
	uint64_t uncertain = 0, acked = 0;

	for (int i = 0; i < NCLIENTS && exist; i++) {
		struct client_log *lg = &sh->cl[i];

		if (lg->rejected)
			fail("client %d: %llu ops answered with an error, the first %s",
			     i, (unsigned long long)lg->rejected,
			     strerror(lg->first_rejected));
		memset(exist, 0, MAXN);
		if (lookup_all(&c, dirs[i], lg->nmax, exist)) {
			fail("LOOKUPs of client %d: %s", i, c.err);
			break;
		}
		lookups_found = 0;
		for (uint32_t n = 0; n < lg->nmax; n++) {
			int allowed = allowed_states(lg->st[n], n, burst);
			int seen = exist[n] ? exist[n] : ST_NONE;

			lookups_found += !!(exist[n] & ST_C) + !!(exist[n] & ST_R);
			if (!(seen & allowed) || seen == (ST_C | ST_R))
				fail("client %d n=%u: found %s%s%s, log %d/%d/%d allows %s%s%s",
				     i, n, seen & ST_NONE ? "nothing" : "",
				     seen & ST_C ? "c_n " : "", seen & ST_R ? "r_n" : "",
				     lg->st[n][0], lg->st[n][1], lg->st[n][2],
				     allowed & ST_NONE ? "nothing " : "",
				     allowed & ST_C ? "c_n " : "",
				     allowed & ST_R ? "r_n" : "");
		}
		readdir_check(&c, i, dirs[i], lg->nmax, exist, &lookups_found);
		acked += lg->acked;
		uncertain += lg->lost;
	}
	if (!exist)
		fail("out of memory");
	xsan_client_close(&c);

	status = h_stop(&h, SIGTERM);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("the MDC did not exit 0 on SIGTERM (status 0x%x)", status);
	if (acked == 0)
		fail("no op was acknowledged: the test tested nothing");
	err = run_fsck(&h);
	if (err)
		fail("fsck.xsanfs exited %d", err);
	fprintf(stderr, "%s: %d rounds (%llu with acknowledged ops), %llu ops acknowledged, %llu uncertain, %.1f s\n",
		fullname, rounds, (unsigned long long)productive,
		(unsigned long long)acked, (unsigned long long)uncertain,
		(mono_ms() - t0) / 1000.0);

out:
	alarm(0);
	free(exist);
	kill_all();
	reap_clients(1000);
	if (failures && keep) {
		h_stop(&h, SIGKILL);
		fprintf(stderr, "%s: state kept in %s\n", fullname, h.dir);
	} else {
		h_cleanup(&h);
	}
	cur_h = NULL;
	if (failures > 20)
		fprintf(stderr, "%s: and %d more failures\n", fullname, failures - 20);
	printf("%s: %s\n", failures ? "FAIL" : "PASS", fullname);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *prefix = argc > 1 ? argv[1] : "mdc";
	const char *only = argc > 2 ? argv[2] : NULL;
	const char *env = getenv("CRASH_ROUNDS");
	int rounds = env ? atoi(env) : 20, bad = 0;

	if (rounds < 1)
		rounds = 20;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	srandom((unsigned int)(time(NULL) ^ getpid()));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (!only || !strcmp(only, "kill9")) {
		run_variant(prefix, "crash_kill9", false, rounds);
		bad += !!failures;
	}
	if (!only || !strcmp(only, "burst")) {
		run_variant(prefix, "crash_kill9_burst", true, rounds);
		bad += !!failures;
	}
	return bad ? 1 : 0;
}
