// SPDX-License-Identifier: GPL-2.0
/*
 * Tokens and cluster-wide locks against a live xsanmdc, with two to four
 * simulated clients through the client library (each its own session).
 * `build/tokens PREFIX` prints one line per test, "PASS: PREFIX.tok_*" /
 * "PASS: PREFIX.lock_*" (or FAIL), reasons on stderr; exits 1 on any
 * failure. Each test runs in its own forked child (check's CK_FORK) with
 * its own daemon on 127.0.0.1, stopped by PID; every wait has a deadline.
 *
 * CK_RUN_CASE selects tests, as in check.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness_check.h"

#define NCLI 4

struct tk {
	struct mdc_h h;
	struct xsan_client c[NCLI];
	int n;
	struct xsan_fid f;	/* a regular file all clients work on */
};

/* A daemon (lease and grace in seconds), @n clients, and a file. */
static void tk_begin(struct tk *t, int n, int lease_s, int grace_s)
{
	struct xsan_req r = { .op = XSAN_OP_CREATE, .fid = { 1, 1 },
			      .mode = 0100644, .name = "f", .namelen = 1 };
	struct xsan_rep rep;
	int err;

	memset(t, 0, sizeof(*t));
	h_begin(&t->h, t->c, NCLI);
	t->h.lease_s = lease_s;
	t->h.grace_s = grace_s;
	t->n = n;
	h_start_clients(&t->h, t->c, n);
	r.cred = h_root();
	err = xsan_client_call(&t->c[0], &r, &rep);
	ck_assert_msg(!err, "create: %s", t->c[0].err);
	t->f.ino = rep.attr[0].ino;
	t->f.gen = rep.attr[0].gen;
}

static void tk_end(struct tk *t)
{
	h_end_clients(&t->h, t->c, NCLI);
}

static struct xsan_req tok_req(const struct xsan_fid *f, uint32_t types,
			       uint32_t flags)
{
	struct xsan_req r = { .op = XSAN_OP_TOKEN_GET, .fid = *f };

	r.cred = h_root();
	r.tok.types = types;
	r.tok.flags = flags;
	return r;
}

/* TOKEN_GET and wait: 0 (and *@granted) or -errno. */
static int tget(struct xsan_client *c, const struct xsan_fid *f, uint32_t types,
		uint32_t flags, uint32_t *granted)
{
	struct xsan_req r = tok_req(f, types, flags);
	struct xsan_rep rep;
	int err = xsan_client_call(c, &r, &rep);

	if (!err && granted)
		*granted = rep.tok.granted;
	if (!err) {
		ck_assert_uint_eq(rep.nattr, 1);
		ck_assert_uint_eq(rep.attr[0].ino, f->ino);
	}
	return err;
}

/* The reply to @xid on @c: its status (0 with @rep filled) or -errno. */
static int reply_of(struct xsan_client *c, uint64_t xid, struct xsan_rep *rep)
{
	uint64_t rx;
	int st, err;

	err = xsan_client_recv(c, &rx, &st, rep);
	if (err)
		return err;
	ck_assert_uint_eq(rx, xid);
	return -st;
}

/* Wait for a REVOKE on @c; returns it. */
static struct xsan_cb want_cb(struct xsan_client *c, uint16_t op, int wait)
{
	struct xsan_cb cb;
	int n = xsan_client_cb_wait(c, &cb, h_ms(wait));

	ck_assert_msg(n == 1, "no %s callback within %d ms (%d: %s)",
		      xsan_op_name(op), wait, n, c->err);
	ck_assert_uint_eq(cb.r.op, op);
	return cb;
}

static void no_cb(struct xsan_client *c, int wait)
{
	struct xsan_cb cb;
	int n = xsan_client_cb_wait(c, &cb, wait);

	ck_assert_msg(n == 0, "unexpected %s callback", n == 1 ?
		      xsan_op_name(cb.r.op) : c->err);
}

START_TEST(tok_shared_coexist)
{
	struct tk t;
	uint32_t g;
	int i;

	tk_begin(&t, 3, 20, 10);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(tget(&t.c[i], &t.f, XSAN_TOK_ATTR_RD |
				      XSAN_TOK_DATA_RD, 0, &g), 0);
		ck_assert_uint_eq(g, XSAN_TOK_ATTR_RD | XSAN_TOK_DATA_RD);
	}
	/* DIR shares with everything; asking again for held ones is free. */
	ck_assert_int_eq(tget(&t.c[0], &t.f, XSAN_TOK_DIR | XSAN_TOK_DATA_RD,
			      XSAN_TOKF_TRY, &g), 0);
	for (i = 0; i < 3; i++)
		no_cb(&t.c[i], 200);
	tk_end(&t);
}
END_TEST

START_TEST(tok_revoke_ack_grant)
{
	struct xsan_rep rep;
	struct xsan_cb cb;
	struct tk t;
	uint64_t xid;

	tk_begin(&t, 3, 20, 10);
	ck_assert_int_eq(tget(&t.c[0], &t.f, XSAN_TOK_DATA_WR | XSAN_TOK_ATTR_WR,
			      0, NULL), 0);
	/* TRY: EAGAIN at once, and the holder is not disturbed. */
	ck_assert_int_eq(tget(&t.c[2], &t.f, XSAN_TOK_DATA_RD, XSAN_TOKF_TRY,
			      NULL), -EAGAIN);
	no_cb(&t.c[0], 200);
	/* B wants to read: A is asked for DATA_WR only, B waits. */
	xid = h_tget_send(&t.c[1], &t.f, XSAN_TOK_DATA_RD);
	cb = want_cb(&t.c[0], XSAN_OP_REVOKE, 5000);
	ck_assert_uint_eq(cb.r.fid.ino, t.f.ino);
	ck_assert_uint_eq(cb.r.tok.types, XSAN_TOK_DATA_WR);
	ck_assert_uint_ne(cb.r.tok.revoke, 0);
	ck_assert(!h_readable(&t.c[1], 300));
	/* A gives it back: B is answered. */
	ck_assert_int_eq(h_tput(&t.c[0], &t.f, XSAN_TOK_DATA_WR, cb.r.tok.revoke), 0);
	ck_assert(h_readable(&t.c[1], h_ms(5000)));
	ck_assert_int_eq(reply_of(&t.c[1], xid, &rep), 0);
	ck_assert_uint_eq(rep.tok.granted, XSAN_TOK_DATA_RD);
	/* A still has ATTR_WR: C's ATTR_RD revokes it, C's DATA_RD is free. */
	ck_assert_int_eq(tget(&t.c[2], &t.f, XSAN_TOK_DATA_RD, XSAN_TOKF_TRY,
			      NULL), 0);
	xid = h_tget_send(&t.c[2], &t.f, XSAN_TOK_ATTR_RD);
	cb = want_cb(&t.c[0], XSAN_OP_REVOKE, 5000);
	ck_assert_uint_eq(cb.r.tok.types, XSAN_TOK_ATTR_WR);
	/* An ack that names the types without the id works too. */
	ck_assert_int_eq(h_tput(&t.c[0], &t.f, XSAN_TOK_ATTR_WR, 0), 0);
	ck_assert_int_eq(reply_of(&t.c[2], xid, &rep), 0);
	/* Releasing what one does not hold, or a stale id, is harmless. */
	ck_assert_int_eq(h_tput(&t.c[0], &t.f, XSAN_TOK_DIO, 12345), 0);
	tk_end(&t);
}
END_TEST

START_TEST(tok_dio_vs_cached)
{
	struct xsan_rep rep;
	struct xsan_cb a, b;
	struct tk t;
	uint64_t xid;

	tk_begin(&t, 3, 20, 10);
	/* Direct I/O shares with direct I/O. */
	ck_assert_int_eq(tget(&t.c[0], &t.f, XSAN_TOK_DIO, XSAN_TOKF_TRY, NULL), 0);
	ck_assert_int_eq(tget(&t.c[1], &t.f, XSAN_TOK_DIO, XSAN_TOKF_TRY, NULL), 0);
	/* A cached reader makes both give it up. */
	xid = h_tget_send(&t.c[2], &t.f, XSAN_TOK_DATA_RD);
	a = want_cb(&t.c[0], XSAN_OP_REVOKE, 5000);
	b = want_cb(&t.c[1], XSAN_OP_REVOKE, 5000);
	ck_assert_uint_eq(a.r.tok.types, XSAN_TOK_DIO);
	ck_assert_uint_eq(b.r.tok.types, XSAN_TOK_DIO);
	ck_assert_int_eq(h_tput(&t.c[0], &t.f, XSAN_TOK_DIO, a.r.tok.revoke), 0);
	ck_assert(!h_readable(&t.c[2], 300));	/* B has not answered yet */
	ck_assert_int_eq(h_tput(&t.c[1], &t.f, XSAN_TOK_DIO, b.r.tok.revoke), 0);
	ck_assert_int_eq(reply_of(&t.c[2], xid, &rep), 0);
	/* And direct I/O now makes the cached reader give way. */
	xid = h_tget_send(&t.c[0], &t.f, XSAN_TOK_DIO);
	a = want_cb(&t.c[2], XSAN_OP_REVOKE, 5000);
	ck_assert_uint_eq(a.r.tok.types, XSAN_TOK_DATA_RD);
	ck_assert_int_eq(h_tput(&t.c[2], &t.f, 0, a.r.tok.revoke), 0);
	ck_assert_int_eq(reply_of(&t.c[0], xid, &rep), 0);
	ck_assert_uint_eq(rep.tok.granted, XSAN_TOK_DIO);
	tk_end(&t);
}
END_TEST

START_TEST(tok_upgrade_fifo)
{
	struct xsan_rep rep;
	struct xsan_cb b, c;
	struct tk t;
	uint64_t xa, xc;

	tk_begin(&t, 3, 20, 10);
	ck_assert_int_eq(tget(&t.c[0], &t.f, XSAN_TOK_DATA_RD, 0, NULL), 0);
	ck_assert_int_eq(tget(&t.c[1], &t.f, XSAN_TOK_DATA_RD, 0, NULL), 0);
	/* A upgrades: only B is asked; A keeps its DATA_RD meanwhile. */
	xa = h_tget_send(&t.c[0], &t.f, XSAN_TOK_DATA_WR);
	b = want_cb(&t.c[1], XSAN_OP_REVOKE, 5000);
	ck_assert_uint_eq(b.r.tok.types, XSAN_TOK_DATA_RD);
	/* C's read queues behind A's write, though only A's write would
	 * stop it: first come, first served.
	 */
	xc = h_tget_send(&t.c[2], &t.f, XSAN_TOK_DATA_RD);
	ck_assert(!h_readable(&t.c[2], 300));
	ck_assert_int_eq(h_tput(&t.c[1], &t.f, XSAN_TOK_DATA_RD, b.r.tok.revoke), 0);
	ck_assert_int_eq(reply_of(&t.c[0], xa, &rep), 0);
	ck_assert_uint_eq(rep.tok.granted, XSAN_TOK_DATA_WR);
	/* At once A is asked for its write token (not its read one) for C. */
	c = want_cb(&t.c[0], XSAN_OP_REVOKE, 5000);
	ck_assert_uint_eq(c.r.tok.types, XSAN_TOK_DATA_WR);
	ck_assert_int_eq(h_tput(&t.c[0], &t.f, 0, c.r.tok.revoke), 0);
	ck_assert_int_eq(reply_of(&t.c[2], xc, &rep), 0);
	tk_end(&t);
}
END_TEST

/*
 * Heartbeat every client every 250 ms (as a kernel client's lease timer
 * does) until @wc has the reply to @xid. A client whose connection the
 * MDC closes is left closed. Returns the status, or -ETIMEDOUT.
 */
static int pump(struct tk *t, struct xsan_client *wc, uint64_t xid, int wait,
		struct xsan_rep *rep)
{
	struct xsan_req hb = { .op = XSAN_OP_HEARTBEAT };
	long long end = h_now_ms() + wait, next = 0;
	int out[NCLI] = { 0 }, i, st, err;
	uint64_t rx, hx;

	while (h_now_ms() < end) {
		struct pollfd p[NCLI];

		if (h_now_ms() >= next) {
			for (i = 0; i < t->n; i++)
				if (t->c[i].fd >= 0 && !out[i] &&
				    !xsan_client_send(&t->c[i], &hb, &hx))
					out[i]++;
			next = h_now_ms() + 250;
		}
		for (i = 0; i < t->n; i++) {
			p[i].fd = (out[i] || &t->c[i] == wc) ? t->c[i].fd : -1;
			p[i].events = POLLIN;
			p[i].revents = 0;
		}
		if (poll(p, (nfds_t)t->n, 50) <= 0)
			continue;
		for (i = 0; i < t->n; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			err = xsan_client_recv(&t->c[i], &rx, &st, rep);
			if (err) {
				out[i] = 0;	/* closed */
				if (&t->c[i] == wc)
					return err;
				continue;
			}
			if (&t->c[i] == wc && rx == xid)
				return -st;
			out[i]--;
		}
	}
	return -ETIMEDOUT;
}

START_TEST(tok_evict_silent_holder)
{
	struct xsan_rep rep;
	struct xsan_cb cb;
	struct tk t;
	uint64_t xid;
	long long t0;
	char line[128];

	tk_begin(&t, 2, 1, 1);
	ck_assert_int_eq(tget(&t.c[0], &t.f, XSAN_TOK_DATA_WR, 0, NULL), 0);
	t0 = h_now_ms();
	xid = h_tget_send(&t.c[1], &t.f, XSAN_TOK_DATA_WR);
	/* A heartbeats but never answers the REVOKE: it is evicted. */
	ck_assert_int_eq(pump(&t, &t.c[1], xid, h_ms(10000), &rep), 0);
	ck_assert_uint_eq(rep.tok.granted, XSAN_TOK_DATA_WR);
	ck_assert_msg(h_now_ms() - t0 >= 1800, "granted after %lld ms, before lease + grace",
		      h_now_ms() - t0);
	ck_assert_int_eq(xsan_client_cb_pop(&t.c[0], &cb), 1);
	ck_assert_uint_eq(cb.r.op, XSAN_OP_REVOKE);
	snprintf(line, sizeof(line), "did not answer a revoke of DATA_WR on inode %llu",
		 (unsigned long long)t.f.ino);
	ck_assert_msg(h_log_wait(&t.h, "evicted host 'hostA'", 2000) &&
		      strstr(h_log(&t.h), line), "log:\n%s", h_log(&t.h));
	/* A's session is gone: its connection was closed. */
	ck_assert_int_lt(tget(&t.c[0], &t.f, XSAN_TOK_DATA_RD, 0, NULL), 0);
	tk_end(&t);
}
END_TEST

START_TEST(tok_session_end_releases)
{
	struct xsan_req bye = { .op = XSAN_OP_GOODBYE };
	struct xsan_rep rep;
	struct tk t;
	uint64_t xid;

	tk_begin(&t, 3, 20, 10);
	ck_assert_int_eq(tget(&t.c[0], &t.f, XSAN_TOK_DATA_WR, 0, NULL), 0);
	xid = h_tget_send(&t.c[1], &t.f, XSAN_TOK_DATA_WR);
	(void)want_cb(&t.c[0], XSAN_OP_REVOKE, 5000);
	/* A parked waiter that hangs up is forgotten (valgrind: no leak). */
	(void)h_tget_send(&t.c[2], &t.f, XSAN_TOK_DATA_RD);
	ck_assert(!h_readable(&t.c[2], 200));
	xsan_client_close(&t.c[2]);
	/* GOODBYE without answering: the session ends, its tokens too. */
	ck_assert_int_eq(xsan_client_call(&t.c[0], &bye, &rep), 0);
	ck_assert(h_readable(&t.c[1], h_ms(5000)));
	ck_assert_int_eq(reply_of(&t.c[1], xid, &rep), 0);
	tk_end(&t);
}
END_TEST

START_TEST(tok_stale_fid)
{
	struct xsan_fid bad;
	struct tk t;

	tk_begin(&t, 1, 20, 10);
	bad = t.f;
	bad.gen++;
	ck_assert_int_eq(tget(&t.c[0], &bad, XSAN_TOK_DATA_RD, 0, NULL), -ESTALE);
	bad.ino = 999999;
	ck_assert_int_lt(tget(&t.c[0], &bad, XSAN_TOK_DATA_RD, 0, NULL), 0);
	tk_end(&t);
}
END_TEST

/* ---- namespace changes revoke the tokens they invalidate ---- */

static const struct xsan_fid root_fid = { 1, 1 };

static uint64_t ns_send(struct xsan_client *c, struct xsan_req *r)
{
	uint64_t xid;

	r->cred = h_root();
	ck_assert_int_eq(xsan_client_send(c, r, &xid), 0);
	return xid;
}

static uint64_t create_send(struct xsan_client *c, const char *name)
{
	struct xsan_req r = { .op = XSAN_OP_CREATE, .fid = root_fid,
			      .mode = 0100644, .name = name,
			      .namelen = (uint32_t)strlen(name) };

	return ns_send(c, &r);
}

static uint64_t chmod_send(struct xsan_client *c, const struct xsan_fid *f,
			   uint32_t mode)
{
	struct xsan_req r = { .op = XSAN_OP_SETATTR, .fid = *f };

	r.sattr.valid = XSAN_SA_MODE;
	r.sattr.mode = mode;
	return ns_send(c, &r);
}

/* B's CREATE in the root waits for A's DIR and ATTR_RD of the root. */
START_TEST(tok_ns_create_revokes_dir)
{
	struct xsan_rep rep;
	struct xsan_cb cb;
	struct tk t;
	uint64_t xid;

	tk_begin(&t, 3, 20, 10);
	ck_assert_int_eq(tget(&t.c[0], &root_fid, XSAN_TOK_DIR | XSAN_TOK_ATTR_RD,
			      0, NULL), 0);
	ck_assert_int_eq(tget(&t.c[0], &t.f, XSAN_TOK_ATTR_RD, 0, NULL), 0);
	ck_assert_int_eq(tget(&t.c[2], &t.f, XSAN_TOK_DATA_RD, 0, NULL), 0);
	xid = create_send(&t.c[1], "g");
	cb = want_cb(&t.c[0], XSAN_OP_REVOKE, 5000);
	ck_assert_uint_eq(cb.r.fid.ino, root_fid.ino);
	ck_assert_uint_eq(cb.r.tok.types, XSAN_TOK_DIR | XSAN_TOK_ATTR_RD);
	ck_assert_uint_ne(cb.r.tok.revoke, 0);
	/* Not answered before A gave them back; the file's tokens and
	 * C's, which the create does not touch, are not asked for.
	 */
	ck_assert(!h_readable(&t.c[1], 300));
	no_cb(&t.c[0], 100);
	no_cb(&t.c[2], 100);
	ck_assert_int_eq(h_tput(&t.c[0], &root_fid, 0, cb.r.tok.revoke), 0);
	ck_assert(h_readable(&t.c[1], h_ms(5000)));
	ck_assert_int_eq(reply_of(&t.c[1], xid, &rep), 0);
	ck_assert_uint_eq(rep.nattr, 2);
	/* Nobody holds the root's tokens now: the next create goes at once. */
	xid = create_send(&t.c[1], "h");
	ck_assert(h_readable(&t.c[1], h_ms(5000)));
	ck_assert_int_eq(reply_of(&t.c[1], xid, &rep), 0);
	no_cb(&t.c[0], 200);
	tk_end(&t);
}
END_TEST

/* B's chmod revokes A's ATTR_RD; C's TOKEN_GET meanwhile waits for the
 * commit and sees the new mode.
 */
START_TEST(tok_ns_chmod_revokes_attr)
{
	struct xsan_rep rep;
	struct xsan_cb cb;
	struct tk t;
	uint64_t xid, xc;

	tk_begin(&t, 3, 20, 10);
	ck_assert_int_eq(tget(&t.c[0], &t.f, XSAN_TOK_ATTR_RD | XSAN_TOK_DATA_RD,
			      0, NULL), 0);
	xid = chmod_send(&t.c[1], &t.f, 0600);
	cb = want_cb(&t.c[0], XSAN_OP_REVOKE, 5000);
	ck_assert_uint_eq(cb.r.fid.ino, t.f.ino);
	ck_assert_uint_eq(cb.r.tok.types, XSAN_TOK_ATTR_RD);
	ck_assert(!h_readable(&t.c[1], 300));
	xc = h_tget_send(&t.c[2], &t.f, XSAN_TOK_ATTR_RD);
	ck_assert(!h_readable(&t.c[2], 300));
	ck_assert_int_eq(h_tput(&t.c[0], &t.f, XSAN_TOK_ATTR_RD, cb.r.tok.revoke), 0);
	ck_assert(h_readable(&t.c[1], h_ms(5000)));
	ck_assert_int_eq(reply_of(&t.c[1], xid, &rep), 0);
	ck_assert_uint_eq(rep.attr[0].mode & 07777, 0600);
	ck_assert(h_readable(&t.c[2], h_ms(5000)));
	ck_assert_int_eq(reply_of(&t.c[2], xc, &rep), 0);
	ck_assert_uint_eq(rep.tok.granted, XSAN_TOK_ATTR_RD);
	ck_assert_uint_eq(rep.attr[0].mode & 07777, 0600);
	/* A kept DATA_RD: a chmod does not touch the data. */
	ck_assert_int_eq(tget(&t.c[0], &t.f, XSAN_TOK_DATA_RD, XSAN_TOKF_TRY,
			      NULL), 0);
	tk_end(&t);
}
END_TEST

/* A truncate takes O_DIRECT writers' DIO back before it frees blocks:
 * A holds DIO (an O_DIRECT writer, its mapping cached); B's SETATTR of
 * the size waits until A gave DIO back (its writes in flight done), and
 * so does a punch. A chmod leaves DIO alone.
 */
START_TEST(tok_ns_truncate_revokes_dio)
{
	struct xsan_req r = { .op = XSAN_OP_SETATTR };
	struct xsan_rep rep;
	struct xsan_cb cb;
	struct tk t;
	uint64_t xid;

	tk_begin(&t, 2, 20, 10);
	ck_assert_int_eq(tget(&t.c[0], &t.f, XSAN_TOK_DIO, 0, NULL), 0);
	xid = chmod_send(&t.c[1], &t.f, 0640);
	ck_assert(h_readable(&t.c[1], h_ms(5000)));
	ck_assert_int_eq(reply_of(&t.c[1], xid, &rep), 0);
	no_cb(&t.c[0], 100);

	r.fid = t.f;
	r.sattr.valid = XSAN_SA_SIZE;
	r.sattr.size = 0;
	xid = ns_send(&t.c[1], &r);
	cb = want_cb(&t.c[0], XSAN_OP_REVOKE, 5000);
	ck_assert_uint_eq(cb.r.fid.ino, t.f.ino);
	ck_assert_msg(cb.r.tok.types & XSAN_TOK_DIO,
		      "the truncate revoked %#x, not DIO", cb.r.tok.types);
	ck_assert_msg(!h_readable(&t.c[1], 300),
		      "the truncate ran while A still held DIO");
	ck_assert_int_eq(h_tput(&t.c[0], &t.f, cb.r.tok.types, cb.r.tok.revoke), 0);
	ck_assert(h_readable(&t.c[1], h_ms(5000)));
	ck_assert_int_eq(reply_of(&t.c[1], xid, &rep), 0);
	ck_assert_uint_eq(rep.attr[0].size, 0);

	/* the same for a punch */
	ck_assert_int_eq(tget(&t.c[0], &t.f, XSAN_TOK_DIO, 0, NULL), 0);
	memset(&r, 0, sizeof(r));
	r.op = XSAN_OP_FALLOCATE;
	r.fid = t.f;
	r.layout.flags = XSAN_FALLOC_PUNCH_HOLE | XSAN_FALLOC_KEEP_SIZE;
	r.layout.offset = 0;
	r.layout.length = 65536;
	xid = ns_send(&t.c[1], &r);
	cb = want_cb(&t.c[0], XSAN_OP_REVOKE, 5000);
	ck_assert_msg(cb.r.tok.types & XSAN_TOK_DIO,
		      "the punch revoked %#x, not DIO", cb.r.tok.types);
	ck_assert(!h_readable(&t.c[1], 300));
	ck_assert_int_eq(h_tput(&t.c[0], &t.f, cb.r.tok.types, cb.r.tok.revoke), 0);
	ck_assert(h_readable(&t.c[1], h_ms(5000)));
	(void)reply_of(&t.c[1], xid, &rep);
	tk_end(&t);
}
END_TEST

/* A never answers: evicted after lease + grace, then B's create runs. */
START_TEST(tok_ns_evict_silent_holder)
{
	struct xsan_rep rep;
	struct xsan_cb cb;
	struct tk t;
	uint64_t xid;
	long long t0;

	tk_begin(&t, 2, 1, 1);
	ck_assert_int_eq(tget(&t.c[0], &root_fid, XSAN_TOK_DIR, 0, NULL), 0);
	t0 = h_now_ms();
	xid = create_send(&t.c[1], "g");
	ck_assert_int_eq(pump(&t, &t.c[1], xid, h_ms(10000), &rep), 0);
	ck_assert_uint_eq(rep.nattr, 2);
	ck_assert_msg(h_now_ms() - t0 >= 1800, "answered after %lld ms, before lease + grace",
		      h_now_ms() - t0);
	ck_assert_int_eq(xsan_client_cb_pop(&t.c[0], &cb), 1);
	ck_assert_uint_eq(cb.r.op, XSAN_OP_REVOKE);
	ck_assert_uint_eq(cb.r.tok.types, XSAN_TOK_DIR);
	ck_assert_msg(h_log_wait(&t.h, "evicted host 'hostA'", 2000),
		      "log:\n%s", h_log(&t.h));
	tk_end(&t);
}
END_TEST

/* A session's own tokens never hold its own namespace changes back. */
START_TEST(tok_ns_own_tokens_free)
{
	struct xsan_rep rep;
	struct tk t;
	uint64_t xid;

	tk_begin(&t, 2, 20, 10);
	ck_assert_int_eq(tget(&t.c[1], &root_fid, XSAN_TOK_DIR | XSAN_TOK_ATTR_RD,
			      0, NULL), 0);
	ck_assert_int_eq(tget(&t.c[1], &t.f, XSAN_TOK_ATTR_WR | XSAN_TOK_DATA_WR,
			      0, NULL), 0);
	xid = create_send(&t.c[1], "g");
	ck_assert(h_readable(&t.c[1], h_ms(2000)));
	ck_assert_int_eq(reply_of(&t.c[1], xid, &rep), 0);
	xid = chmod_send(&t.c[1], &t.f, 0640);
	ck_assert(h_readable(&t.c[1], h_ms(2000)));
	ck_assert_int_eq(reply_of(&t.c[1], xid, &rep), 0);
	no_cb(&t.c[1], 200);
	no_cb(&t.c[0], 100);
	tk_end(&t);
}
END_TEST

/* UNLINK revokes the victim's tokens (looked up by name); a later
 * request of the same connection does not overtake the parked one.
 */
START_TEST(tok_ns_unlink_victim_order)
{
	struct xsan_req un = { .op = XSAN_OP_UNLINK, .fid = root_fid,
			       .name = "f", .namelen = 1 };
	struct xsan_req ga = { .op = XSAN_OP_GETATTR, .fid = root_fid };
	struct xsan_rep rep;
	struct xsan_cb cb;
	struct tk t;
	uint64_t xu, xg;

	tk_begin(&t, 2, 20, 10);
	ck_assert_int_eq(tget(&t.c[0], &t.f, XSAN_TOK_ATTR_RD, 0, NULL), 0);
	xu = ns_send(&t.c[1], &un);
	xg = ns_send(&t.c[1], &ga);
	cb = want_cb(&t.c[0], XSAN_OP_REVOKE, 5000);
	ck_assert_uint_eq(cb.r.fid.ino, t.f.ino);
	ck_assert_uint_eq(cb.r.tok.types, XSAN_TOK_ATTR_RD);
	ck_assert(!h_readable(&t.c[1], 300));	/* not even the GETATTR */
	ck_assert_int_eq(h_tput(&t.c[0], &t.f, XSAN_TOK_ATTR_RD, cb.r.tok.revoke), 0);
	ck_assert(h_readable(&t.c[1], h_ms(5000)));
	ck_assert_int_eq(reply_of(&t.c[1], xu, &rep), 0);
	ck_assert_int_eq(reply_of(&t.c[1], xg, &rep), 0);
	tk_end(&t);
}
END_TEST

/*
 * The wait-for cycle of tokens.rst ("Parking and the wait-for graph"):
 * A's chmod of g waits for C's ATTR_RD of g; B's TOKEN_GET of f makes A
 * give back ATTR_WR of f, which a kernel client does only after its
 * deferred O_DIRECT commit of f is answered. That LAYOUT_COMMIT, the
 * CLOSE after it and a HEARTBEAT must not wait behind A's parked chmod
 * (C may be waiting for A in turn); an ordinary request of A still does.
 */
START_TEST(tok_ns_commit_not_behind)
{
	struct xsan_req cr = { .op = XSAN_OP_CREATE, .fid = root_fid,
			       .mode = 0100644, .name = "g", .namelen = 1 };
	struct xsan_req op = { .op = XSAN_OP_OPEN, .layout.flags = XSAN_OPEN_RDWR };
	struct xsan_req lc = { .op = XSAN_OP_LAYOUT_COMMIT };
	struct xsan_req cl = { .op = XSAN_OP_CLOSE };
	struct xsan_req ga = { .op = XSAN_OP_GETATTR };
	struct xsan_req hb = { .op = XSAN_OP_HEARTBEAT };
	uint64_t xchmod, xget, xb, xlc, xhb, xcl;
	struct xsan_cb cbc, cba;
	struct xsan_rep rep;
	struct xsan_fid g;
	uint64_t handle;
	struct tk t;

	tk_begin(&t, 3, 20, 10);
	cr.cred = h_root();
	ck_assert_int_eq(xsan_client_call(&t.c[0], &cr, &rep), 0);
	g = h_fid_of(&rep.attr[0]);
	op.cred = h_root();
	op.fid = t.f;
	ck_assert_int_eq(xsan_client_call(&t.c[0], &op, &rep), 0);
	handle = rep.layout.handle;
	/* A writes f with O_DIRECT; C has stat'ed g. */
	ck_assert_int_eq(tget(&t.c[0], &t.f, XSAN_TOK_DIO | XSAN_TOK_ATTR_RD |
			      XSAN_TOK_ATTR_WR, 0, NULL), 0);
	ck_assert_int_eq(tget(&t.c[2], &g, XSAN_TOK_ATTR_RD, 0, NULL), 0);
	/* A's chmod of g is parked: C is asked for ATTR_RD and is slow. */
	xchmod = chmod_send(&t.c[0], &g, 0600);
	cbc = want_cb(&t.c[2], XSAN_OP_REVOKE, 5000);
	ck_assert_uint_eq(cbc.r.fid.ino, g.ino);
	/* An ordinary request of A stays behind it, in order. */
	ga.fid = t.f;
	xget = ns_send(&t.c[0], &ga);
	/* B wants to stat f: A is asked for ATTR_WR. */
	xb = h_tget_send(&t.c[1], &t.f, XSAN_TOK_ATTR_RD);
	cba = want_cb(&t.c[0], XSAN_OP_REVOKE, 5000);
	ck_assert_uint_eq(cba.r.fid.ino, t.f.ino);
	ck_assert_uint_eq(cba.r.tok.types, XSAN_TOK_ATTR_WR);
	/* A answers as fs/data.c does: the deferred commit first. */
	lc.fid = t.f;
	lc.layout.flags = XSAN_LC_SIZE;
	lc.layout.size = 4096;
	xlc = ns_send(&t.c[0], &lc);
	ck_assert_msg(h_readable(&t.c[0], h_ms(3000)),
		      "A's LAYOUT_COMMIT waits behind its parked SETATTR");
	ck_assert_int_eq(reply_of(&t.c[0], xlc, &rep), 0);
	ck_assert_uint_eq(rep.attr[0].size, 4096);
	ck_assert_int_eq(xsan_client_send(&t.c[0], &hb, &xhb), 0);
	ck_assert(h_readable(&t.c[0], h_ms(3000)));
	ck_assert_int_eq(reply_of(&t.c[0], xhb, &rep), 0);
	ck_assert_int_eq(h_tput(&t.c[0], &t.f, XSAN_TOK_ATTR_WR, cba.r.tok.revoke), 0);
	ck_assert(h_readable(&t.c[1], h_ms(5000)));
	ck_assert_int_eq(reply_of(&t.c[1], xb, &rep), 0);
	ck_assert_uint_eq(rep.attr[0].size, 4096);
	/* The release after it does not wait either. */
	cl.fid = t.f;
	cl.layout.handle = handle;
	xcl = ns_send(&t.c[0], &cl);
	ck_assert_msg(h_readable(&t.c[0], h_ms(3000)),
		      "A's CLOSE waits behind its parked SETATTR");
	ck_assert_int_eq(reply_of(&t.c[0], xcl, &rep), 0);
	/* C answers at last: the chmod, then the GETATTR, in order. */
	ck_assert(!h_readable(&t.c[0], 200));
	ck_assert_int_eq(h_tput(&t.c[2], &g, XSAN_TOK_ATTR_RD, cbc.r.tok.revoke), 0);
	ck_assert(h_readable(&t.c[0], h_ms(5000)));
	ck_assert_int_eq(reply_of(&t.c[0], xchmod, &rep), 0);
	ck_assert_uint_eq(rep.attr[0].mode & 07777, 0600);
	ck_assert_int_eq(reply_of(&t.c[0], xget, &rep), 0);
	tk_end(&t);
}
END_TEST

/* ---- locks ---- */

static struct xsan_req lock_req(const struct xsan_fid *f, uint64_t owner,
				uint64_t start, uint64_t len, uint32_t type,
				uint32_t flags)
{
	struct xsan_req r = { .op = XSAN_OP_LOCK, .fid = *f };

	r.cred = h_root();
	r.tok.owner = owner;
	r.tok.start = start;
	r.tok.length = len;
	r.tok.type = type;
	r.tok.flags = flags;
	return r;
}

static int lck(struct xsan_client *c, const struct xsan_fid *f, uint64_t owner,
	       uint64_t start, uint64_t len, uint32_t type, uint32_t flags,
	       struct xsan_rep *rep)
{
	struct xsan_req r = lock_req(f, owner, start, len, type, flags);
	struct xsan_rep tmp;

	return xsan_client_call(c, &r, rep ? rep : &tmp);
}

static int unlck(struct xsan_client *c, const struct xsan_fid *f, uint64_t owner,
		 uint64_t start, uint64_t len, uint32_t flags)
{
	struct xsan_req r = { .op = XSAN_OP_UNLOCK, .fid = *f };
	struct xsan_rep rep;

	r.tok.owner = owner;
	r.tok.start = start;
	r.tok.length = len;
	r.tok.flags = flags;
	return xsan_client_call(c, &r, &rep);
}

START_TEST(lock_conflict_getlk)
{
	struct xsan_rep rep;
	struct tk t;

	tk_begin(&t, 2, 20, 10);
	ck_assert_int_eq(lck(&t.c[0], &t.f, 1, 0, 100, XSAN_LOCK_WR, 0, NULL), 0);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 1, 50, 10, XSAN_LOCK_RD, 0, NULL), -EAGAIN);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 1, 50, 10, XSAN_LOCK_RD,
			     XSAN_LOCKF_GETLK, &rep), 0);
	ck_assert_uint_eq(rep.tok.type, XSAN_LOCK_WR);
	ck_assert_uint_eq(rep.tok.owner, 1);
	ck_assert_uint_eq(rep.tok.start, 0);
	ck_assert_uint_eq(rep.tok.length, 100);
	ck_assert_uint_eq(rep.tok.session, t.c[0].session);
	/* Outside the range, and for the holder itself: no conflict. */
	ck_assert_int_eq(lck(&t.c[1], &t.f, 1, 100, 10, XSAN_LOCK_WR, 0, NULL), 0);
	ck_assert_int_eq(lck(&t.c[0], &t.f, 1, 0, 0, XSAN_LOCK_RD,
			     XSAN_LOCKF_GETLK, &rep), 0);
	ck_assert_uint_eq(rep.tok.type, XSAN_LOCK_WR);	/* B's 100..109 */
	ck_assert_uint_eq(rep.tok.session, t.c[1].session);
	ck_assert_int_eq(lck(&t.c[0], &t.f, 1, 0, 100, XSAN_LOCK_RD,
			     XSAN_LOCKF_GETLK, &rep), 0);
	ck_assert_uint_eq(rep.tok.type, 0);
	tk_end(&t);
}
END_TEST

START_TEST(lock_wait_wake_unlock)
{
	struct xsan_cb cb;
	struct tk t;

	tk_begin(&t, 2, 20, 10);
	ck_assert_int_eq(lck(&t.c[0], &t.f, 1, 0, 100, XSAN_LOCK_WR, 0, NULL), 0);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 7, 0, 10, XSAN_LOCK_WR,
			     XSAN_LOCKF_WAIT, NULL), -EAGAIN);
	/* Unlocking elsewhere wakes nobody. */
	ck_assert_int_eq(unlck(&t.c[0], &t.f, 1, 50, 50, 0), 0);
	no_cb(&t.c[1], 300);
	ck_assert_int_eq(unlck(&t.c[0], &t.f, 1, 0, 50, 0), 0);
	cb = want_cb(&t.c[1], XSAN_OP_LOCK_WAKE, 5000);
	ck_assert_uint_eq(cb.r.tok.owner, 7);
	ck_assert_uint_eq(cb.r.fid.ino, t.f.ino);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 7, 0, 10, XSAN_LOCK_WR, 0, NULL), 0);
	tk_end(&t);
}
END_TEST

/*
 * An F_SETLKW interrupted by a signal: UNLOCK with CANCEL forgets the
 * waiter and keeps the owner's locks. B holds a read lock on 0..99 and
 * waits to upgrade it; after the cancel A's unlock wakes nobody, B's read
 * lock still keeps A's write lock out, and the waiter is no longer part
 * of a deadlock chain (B waits for nothing now: A's F_SETLKW on B's range
 * waits instead of EDEADLK).
 */
START_TEST(lock_cancel_keeps_locks)
{
	struct xsan_rep rep;
	struct tk t;

	tk_begin(&t, 2, 20, 10);
	ck_assert_int_eq(lck(&t.c[0], &t.f, 1, 0, 100, XSAN_LOCK_RD, 0, NULL), 0);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 7, 0, 100, XSAN_LOCK_RD, 0, NULL), 0);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 7, 0, 100, XSAN_LOCK_WR,
			     XSAN_LOCKF_WAIT, NULL), -EAGAIN);
	ck_assert_int_eq(unlck(&t.c[1], &t.f, 7, 0, 100, XSAN_LOCKF_CANCEL), 0);
	ck_assert_int_eq(unlck(&t.c[0], &t.f, 1, 0, 100, 0), 0);
	no_cb(&t.c[1], 300);
	ck_assert_int_eq(lck(&t.c[0], &t.f, 1, 0, 100, XSAN_LOCK_WR,
			     XSAN_LOCKF_GETLK, &rep), 0);
	ck_assert_uint_eq(rep.tok.type, XSAN_LOCK_RD);
	ck_assert_uint_eq(rep.tok.owner, 7);
	ck_assert_uint_eq(rep.tok.session, t.c[1].session);
	ck_assert_int_eq(lck(&t.c[0], &t.f, 1, 0, 100, XSAN_LOCK_WR,
			     XSAN_LOCKF_WAIT, NULL), -EAGAIN);
	ck_assert_int_eq(unlck(&t.c[1], &t.f, 7, 0, 0, 0), 0);
	ck_assert_uint_eq(want_cb(&t.c[0], XSAN_OP_LOCK_WAKE, 5000).r.tok.owner, 1);
	tk_end(&t);
}
END_TEST

START_TEST(lock_wake_session_end)
{
	struct xsan_req bye = { .op = XSAN_OP_GOODBYE };
	struct xsan_rep rep;
	struct xsan_cb cb;
	struct tk t;

	tk_begin(&t, 3, 20, 10);
	ck_assert_int_eq(lck(&t.c[0], &t.f, 1, 0, 0, XSAN_LOCK_WR, 0, NULL), 0);
	ck_assert_int_eq(lck(&t.c[0], &t.f, 2, 0, 0, XSAN_LOCK_WR,
			     XSAN_LOCKF_FLOCK, NULL), 0);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 5, 10, 1, XSAN_LOCK_RD,
			     XSAN_LOCKF_WAIT, NULL), -EAGAIN);
	ck_assert_int_eq(xsan_client_call(&t.c[0], &bye, &rep), 0);
	cb = want_cb(&t.c[1], XSAN_OP_LOCK_WAKE, 5000);
	ck_assert_uint_eq(cb.r.tok.owner, 5);
	/* All of A's locks went: POSIX and flock. */
	ck_assert_int_eq(lck(&t.c[2], &t.f, 9, 0, 0, XSAN_LOCK_WR,
			     XSAN_LOCKF_GETLK, &rep), 0);
	ck_assert_uint_eq(rep.tok.type, 0);
	ck_assert_int_eq(lck(&t.c[2], &t.f, 9, 0, 0, XSAN_LOCK_WR,
			     XSAN_LOCKF_FLOCK, NULL), 0);
	tk_end(&t);
}
END_TEST

START_TEST(lock_flock_vs_posix)
{
	struct tk t;

	tk_begin(&t, 2, 20, 10);
	ck_assert_int_eq(lck(&t.c[0], &t.f, 1, 0, 0, XSAN_LOCK_WR,
			     XSAN_LOCKF_FLOCK, NULL), 0);
	/* POSIX locks do not see flock locks (Linux semantics). */
	ck_assert_int_eq(lck(&t.c[1], &t.f, 1, 0, 0, XSAN_LOCK_WR, 0, NULL), 0);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 2, 0, 0, XSAN_LOCK_RD,
			     XSAN_LOCKF_FLOCK, NULL), -EAGAIN);
	/* A POSIX unlock does not drop the flock lock... */
	ck_assert_int_eq(unlck(&t.c[0], &t.f, 1, 0, 0, 0), 0);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 2, 0, 0, XSAN_LOCK_RD,
			     XSAN_LOCKF_FLOCK, NULL), -EAGAIN);
	/* ...an flock unlock does; shared flocks then share. */
	ck_assert_int_eq(unlck(&t.c[0], &t.f, 1, 0, 0, XSAN_LOCKF_FLOCK), 0);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 2, 0, 0, XSAN_LOCK_RD,
			     XSAN_LOCKF_FLOCK, NULL), 0);
	ck_assert_int_eq(lck(&t.c[0], &t.f, 1, 0, 0, XSAN_LOCK_RD,
			     XSAN_LOCKF_FLOCK, NULL), 0);
	tk_end(&t);
}
END_TEST

START_TEST(lock_split_merge)
{
	struct xsan_rep rep;
	struct tk t;

	tk_begin(&t, 2, 20, 10);
	ck_assert_int_eq(lck(&t.c[0], &t.f, 1, 0, 1000, XSAN_LOCK_WR, 0, NULL), 0);
	ck_assert_int_eq(lck(&t.c[0], &t.f, 1, 100, 100, XSAN_LOCK_RD, 0, NULL), 0);
	/* Split in three: B may read in the middle, not at either side. */
	ck_assert_int_eq(lck(&t.c[1], &t.f, 1, 150, 1, XSAN_LOCK_RD,
			     XSAN_LOCKF_GETLK, &rep), 0);
	ck_assert_uint_eq(rep.tok.type, 0);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 1, 50, 1, XSAN_LOCK_RD,
			     XSAN_LOCKF_GETLK, &rep), 0);
	ck_assert_uint_eq(rep.tok.type, XSAN_LOCK_WR);
	ck_assert_uint_eq(rep.tok.start, 0);
	ck_assert_uint_eq(rep.tok.length, 100);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 1, 500, 1, XSAN_LOCK_RD,
			     XSAN_LOCKF_GETLK, &rep), 0);
	ck_assert_uint_eq(rep.tok.start, 200);
	ck_assert_uint_eq(rep.tok.length, 800);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 1, 150, 1, XSAN_LOCK_WR,
			     XSAN_LOCKF_GETLK, &rep), 0);
	ck_assert_uint_eq(rep.tok.type, XSAN_LOCK_RD);
	ck_assert_uint_eq(rep.tok.start, 100);
	ck_assert_uint_eq(rep.tok.length, 100);
	/* Two adjacent write locks merge into one. */
	ck_assert_int_eq(lck(&t.c[0], &t.f, 1, 2000, 100, XSAN_LOCK_WR, 0, NULL), 0);
	ck_assert_int_eq(lck(&t.c[0], &t.f, 1, 2100, 100, XSAN_LOCK_WR, 0, NULL), 0);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 1, 2150, 1, XSAN_LOCK_RD,
			     XSAN_LOCKF_GETLK, &rep), 0);
	ck_assert_uint_eq(rep.tok.start, 2000);
	ck_assert_uint_eq(rep.tok.length, 200);
	/* Unlock the middle of it: B fits there now. */
	ck_assert_int_eq(unlck(&t.c[0], &t.f, 1, 2050, 100, 0), 0);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 1, 2050, 100, XSAN_LOCK_WR, 0, NULL), 0);
	ck_assert_int_eq(lck(&t.c[1], &t.f, 1, 2049, 2, XSAN_LOCK_WR, 0, NULL),
			 -EAGAIN);
	tk_end(&t);
}
END_TEST

#define ADD(s, fn) H_ADD(s, fn, h_wrapped() ? 600 : 60)

int main(int argc, char *argv[])
{
	const char *prefix = argc > 1 ? argv[1] : "mdc";
	Suite *s = suite_create("tokens");

	signal(SIGPIPE, SIG_IGN);
	ADD(s, tok_shared_coexist);
	ADD(s, tok_revoke_ack_grant);
	ADD(s, tok_dio_vs_cached);
	ADD(s, tok_upgrade_fifo);
	ADD(s, tok_evict_silent_holder);
	ADD(s, tok_session_end_releases);
	ADD(s, tok_stale_fid);
	ADD(s, tok_ns_create_revokes_dir);
	ADD(s, tok_ns_chmod_revokes_attr);
	ADD(s, tok_ns_truncate_revokes_dio);
	ADD(s, tok_ns_evict_silent_holder);
	ADD(s, tok_ns_own_tokens_free);
	ADD(s, tok_ns_unlink_victim_order);
	ADD(s, tok_ns_commit_not_behind);
	ADD(s, lock_conflict_getlk);
	ADD(s, lock_wait_wake_unlock);
	ADD(s, lock_cancel_keeps_locks);
	ADD(s, lock_wake_session_end);
	ADD(s, lock_flock_vs_posix);
	ADD(s, lock_split_merge);
	return h_run_suite(s, prefix);
}
