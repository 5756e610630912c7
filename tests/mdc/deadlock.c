// SPDX-License-Identifier: GPL-2.0
/*
 * Cluster-wide deadlock detection of waiting POSIX locks (tokens.rst,
 * "Locks") against a live xsanmdc, with two or three simulated clients
 * through the client library. `build/deadlock PREFIX` prints one line per
 * test, "PASS: PREFIX.deadlock_*" (or FAIL), reasons on stderr; exits 1
 * on any failure. Each test runs in its own forked child
 * with its own daemon on 127.0.0.1, stopped by PID; every wait has a
 * deadline.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness_check.h"

#define NCLI 3

struct gt {
	struct mdc_h h;
	struct xsan_client c[NCLI];
	struct xsan_fid d;	/* a directory in the root, "d" */
	struct xsan_fid f;	/* a regular file in it, "d/f" */
};


static void gt_begin(struct gt *t)
{
	memset(t, 0, sizeof(*t));
	h_begin(&t->h, t->c, NCLI);
	h_start_clients(&t->h, t->c, NCLI);
	h_make_df(&t->c[0], &t->d, &t->f);
}

static void gt_end(struct gt *t)
{
	h_end_clients(&t->h, t->c, NCLI);
}

static void no_cb(struct xsan_client *c, int wait)
{
	struct xsan_cb cb;
	int n = xsan_client_cb_wait(c, &cb, wait);

	ck_assert_msg(n == 0, "unexpected %s callback", n == 1 ?
		      xsan_op_name(cb.r.op) : c->err);
}

/* Create "d/NAME" (a regular file). */
static struct xsan_fid mkfile(struct gt *t, const char *name)
{
	struct xsan_req r = { .op = XSAN_OP_CREATE, .mode = 0100644,
			      .name = name, .namelen = (uint32_t)strlen(name) };
	struct xsan_rep rep;

	r.cred = h_root();
	r.fid = t->d;
	ck_assert_msg(!xsan_client_call(&t->c[0], &r, &rep), "create %s: %s",
		      name, t->c[0].err);
	return h_fid_of(&rep.attr[0]);
}

/* LOCK (POSIX write lock of [start, start + len)) by @owner, with WAIT
 * when @wait: 0 or -errno.
 */
static int lock(struct xsan_client *c, struct xsan_fid fid, uint64_t owner,
		uint64_t start, uint64_t len, bool wait)
{
	struct xsan_req r = { .op = XSAN_OP_LOCK, .fid = fid };
	struct xsan_rep rep;

	r.tok.owner = owner;
	r.tok.start = start;
	r.tok.length = len;
	r.tok.type = XSAN_LOCK_WR;
	r.tok.flags = wait ? XSAN_LOCKF_WAIT : 0;
	return xsan_client_call(c, &r, &rep);
}

static int unlock(struct xsan_client *c, struct xsan_fid fid, uint64_t owner,
		  uint64_t start, uint64_t len)
{
	struct xsan_req r = { .op = XSAN_OP_UNLOCK, .fid = fid };
	struct xsan_rep rep;

	r.tok.owner = owner;
	r.tok.start = start;
	r.tok.length = len;
	return xsan_client_call(c, &r, &rep);
}

static void want_wake(struct xsan_client *c, struct xsan_fid fid, uint64_t owner)
{
	struct xsan_cb cb;
	int n = xsan_client_cb_wait(c, &cb, h_ms(5000));

	ck_assert_msg(n == 1, "no LOCK_WAKE (%d: %s)", n, c->err);
	ck_assert_uint_eq(cb.r.op, XSAN_OP_LOCK_WAKE);
	ck_assert_uint_eq(cb.r.fid.ino, fid.ino);
	ck_assert_uint_eq(cb.r.tok.owner, owner);
}

/*
 * A holds f, B holds g; B waits for f; A asking to wait for g would wait
 * for itself: EDEADLK, and nothing is registered. The same owner number
 * in B's session is not A. When A unlocks f, B is woken.
 */
START_TEST(deadlock_two_clients)
{
	struct xsan_fid f, g;
	struct gt t;

	gt_begin(&t);
	f = mkfile(&t, "f1");
	g = mkfile(&t, "g1");
	ck_assert_int_eq(lock(&t.c[0], f, 7, 0, 10, false), 0);
	ck_assert_int_eq(lock(&t.c[1], g, 7, 0, 10, false), 0);
	/* nobody waits yet: A's waiter is registered, then withdrawn */
	ck_assert_int_eq(lock(&t.c[0], g, 7, 0, 1, true), -EAGAIN);
	ck_assert_int_eq(unlock(&t.c[0], g, 7, 0, 1), 0);
	ck_assert_int_eq(lock(&t.c[1], f, 7, 5, 1, true), -EAGAIN);
	ck_assert_int_eq(lock(&t.c[0], g, 7, 0, 1, true), -EDEADLK);
	ck_assert_int_eq(lock(&t.c[0], g, 7, 0, 1, false), -EAGAIN);
	/* another owner of A's session is not in the cycle */
	ck_assert_int_eq(lock(&t.c[0], g, 8, 0, 1, true), -EAGAIN);
	ck_assert_int_eq(unlock(&t.c[0], g, 8, 0, 1), 0);
	/* B is woken by A's unlock of f, not by the refused request */
	no_cb(&t.c[1], 200);
	ck_assert_int_eq(unlock(&t.c[0], f, 7, 0, 0), 0);
	want_wake(&t.c[1], f, 7);
	ck_assert_int_eq(lock(&t.c[1], f, 7, 5, 1, false), 0);
	gt_end(&t);
}
END_TEST

/* A -> B -> C -> A over three files: the request closing it is refused;
 * without C's wait the same request just waits.
 */
START_TEST(deadlock_three_clients)
{
	struct xsan_fid f[3];
	char name[8];
	struct gt t;
	int i;

	gt_begin(&t);
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		f[i] = mkfile(&t, name);
		ck_assert_int_eq(lock(&t.c[i], f[i], 100 + i, 0, 0, false), 0);
	}
	ck_assert_int_eq(lock(&t.c[1], f[2], 101, 0, 1, true), -EAGAIN); /* B waits C */
	ck_assert_int_eq(lock(&t.c[0], f[1], 100, 0, 1, true), -EAGAIN); /* A waits B */
	ck_assert_int_eq(unlock(&t.c[0], f[1], 100, 0, 1), 0);	/* A gives up */
	ck_assert_int_eq(lock(&t.c[2], f[0], 102, 0, 1, true), -EAGAIN); /* C waits A */
	ck_assert_int_eq(lock(&t.c[0], f[1], 100, 0, 1, true), -EDEADLK);
	/* C's session ends: its lock goes, B is woken, the cycle is gone */
	{
		struct xsan_req r = { .op = XSAN_OP_GOODBYE };
		struct xsan_rep rep;

		ck_assert_int_eq(xsan_client_call(&t.c[2], &r, &rep), 0);
	}
	want_wake(&t.c[1], f[2], 101);
	ck_assert_int_eq(lock(&t.c[0], f[1], 100, 0, 1, true), -EAGAIN);
	gt_end(&t);
}
END_TEST

#define ADD(s, fn) H_ADD(s, fn, 120)

int main(int argc, char *argv[])
{
	const char *prefix = argc > 1 ? argv[1] : "mdc";
	Suite *s = suite_create("deadlock");

	signal(SIGPIPE, SIG_IGN);
	ADD(s, deadlock_two_clients);
	ADD(s, deadlock_three_clients);
	return h_run_suite(s, prefix);
}
