// SPDX-License-Identifier: GPL-2.0
/*
 * Tokens granted with LOOKUP, GETATTR and OPEN replies (tokens.rst,
 * "Tokens with replies") against a live xsanmdc, with two or three
 * simulated clients through the client library. `build/grant PREFIX`
 * prints one line per test, "PASS: PREFIX.grant_*" (or FAIL), reasons on
 * stderr; exits 1 on any failure. Each test runs in its own forked child
 * with its own daemon on 127.0.0.1, stopped by PID; every wait has a
 * deadline.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
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

static const struct xsan_fid root_fid = { 1, 1 };

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

/* LOOKUP @name in @dir wanting @want: 0 (*@granted, *@a) or -errno. */
static int lookup_want(struct xsan_client *c, struct xsan_fid dir,
		       const char *name, uint32_t want, uint32_t *granted,
		       struct xsan_attr *a)
{
	struct xsan_req r = { .op = XSAN_OP_LOOKUP, .fid = dir, .name = name,
			      .namelen = (uint32_t)strlen(name) };
	struct xsan_rep rep;
	int err;

	r.cred = h_root();
	r.tok.types = want;
	err = xsan_client_call(c, &r, &rep);
	if (!err) {
		*granted = rep.tok.granted;
		if (a)
			*a = rep.attr[0];
	}
	return err;
}

static int getattr_want(struct xsan_client *c, struct xsan_fid fid,
			uint32_t want, uint32_t *granted)
{
	struct xsan_req r = { .op = XSAN_OP_GETATTR, .fid = fid };
	struct xsan_rep rep;
	int err;

	r.cred = h_root();
	r.tok.types = want;
	err = xsan_client_call(c, &r, &rep);
	if (!err) {
		*granted = rep.tok.granted;
		ck_assert_uint_eq(rep.attr[0].ino, fid.ino);
	}
	return err;
}

static int open_want(struct xsan_client *c, struct xsan_fid fid,
		     uint32_t flags, uint32_t want, uint32_t *granted)
{
	struct xsan_req r = { .op = XSAN_OP_OPEN, .fid = fid };
	struct xsan_rep rep;
	int err;

	r.cred = h_root();
	r.layout.flags = flags;
	r.tok.types = want;
	err = xsan_client_call(c, &r, &rep);
	if (!err) {
		*granted = rep.tok.granted;
		ck_assert_uint_ne(rep.layout.handle, 0);
	}
	return err;
}

static struct xsan_cb want_revoke(struct xsan_client *c, int wait)
{
	struct xsan_cb cb;
	int n = xsan_client_cb_wait(c, &cb, h_ms(wait));

	ck_assert_msg(n == 1, "no REVOKE within %d ms (%d: %s)", wait, n, c->err);
	ck_assert_uint_eq(cb.r.op, XSAN_OP_REVOKE);
	return cb;
}

static void no_cb(struct xsan_client *c, int wait)
{
	struct xsan_cb cb;
	int n = xsan_client_cb_wait(c, &cb, wait);

	ck_assert_msg(n == 0, "unexpected %s callback", n == 1 ?
		      xsan_op_name(cb.r.op) : c->err);
}

/* The reply to @xid on @c: its status, 0 with @rep filled, or -errno. */
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

/*
 * B's LOOKUP of "d" wanting ATTR_RD|DIR gets them; C's create in "d" then
 * revokes them from B and waits for B's answer, exactly as for tokens of
 * a TOKEN_GET.
 */
START_TEST(grant_lookup_then_revoke)
{
	struct xsan_req r = { .op = XSAN_OP_CREATE, .mode = 0100644,
			      .name = "g", .namelen = 1 };
	struct xsan_rep rep;
	struct xsan_attr a;
	struct xsan_cb cb;
	struct gt t;
	uint64_t xid;
	uint32_t g;

	gt_begin(&t);
	ck_assert_int_eq(lookup_want(&t.c[1], root_fid, "d", XSAN_TOK_ATTR_RD |
				     XSAN_TOK_DIR, &g, &a), 0);
	ck_assert_uint_eq(a.ino, t.d.ino);
	ck_assert_uint_eq(g, XSAN_TOK_ATTR_RD | XSAN_TOK_DIR);
	/* recorded: another session cannot have ATTR_WR without a revoke */
	ck_assert_int_eq(h_tget(&t.c[0], &t.d, XSAN_TOK_ATTR_WR, XSAN_TOKF_TRY),
			 -EAGAIN);
	no_cb(&t.c[1], 200);

	r.cred = h_root();
	r.fid = t.d;
	ck_assert_int_eq(xsan_client_send(&t.c[2], &r, &xid), 0);
	cb = want_revoke(&t.c[1], 5000);
	ck_assert_uint_eq(cb.r.fid.ino, t.d.ino);
	ck_assert_uint_eq(cb.r.tok.types, XSAN_TOK_ATTR_RD | XSAN_TOK_DIR);
	ck_assert_msg(!h_readable(&t.c[2], 300), "create answered before the revoke");
	ck_assert_int_eq(h_tput(&t.c[1], &t.d, 0, cb.r.tok.revoke), 0);
	ck_assert(h_readable(&t.c[2], h_ms(5000)));
	ck_assert_int_eq(reply_of(&t.c[2], xid, &rep), 0);
	ck_assert_uint_eq(rep.nattr, 2);
	/* given back: ATTR_WR is free now */
	ck_assert_int_eq(h_tget(&t.c[0], &t.d, XSAN_TOK_ATTR_WR, XSAN_TOKF_TRY), 0);
	gt_end(&t);
}
END_TEST

/*
 * A holds DATA_WR on "d/f". B's GETATTR and OPEN wanting DATA_RD get
 * only what does not conflict, and A is not asked for anything.
 */
START_TEST(grant_conflict_not_granted)
{
	struct gt t;
	uint32_t g;

	gt_begin(&t);
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_DATA_WR, 0), 0);
	ck_assert_int_eq(getattr_want(&t.c[1], t.f, XSAN_TOK_ATTR_RD |
				      XSAN_TOK_DATA_RD, &g), 0);
	ck_assert_uint_eq(g, XSAN_TOK_ATTR_RD);
	ck_assert_int_eq(open_want(&t.c[1], t.f, XSAN_OPEN_RDONLY,
				   XSAN_TOK_DATA_RD, &g), 0);
	ck_assert_uint_eq(g, 0);
	ck_assert_int_eq(lookup_want(&t.c[2], t.d, "f", XSAN_TOK_DIO, &g,
				     NULL), 0);
	ck_assert_uint_eq(g, 0);
	no_cb(&t.c[0], 300);
	/* A still holds DATA_WR: B's TRY for DATA_RD fails, nothing parked */
	ck_assert_int_eq(h_tget(&t.c[1], &t.f, XSAN_TOK_DATA_RD, XSAN_TOKF_TRY),
			 -EAGAIN);
	/* once A gives it back, OPEN gets DATA_RD and reports ATTR_RD held */
	ck_assert_int_eq(h_tput(&t.c[0], &t.f, XSAN_TOK_DATA_WR, 0), 0);
	ck_assert_int_eq(open_want(&t.c[1], t.f, XSAN_OPEN_RDONLY,
				   XSAN_TOK_DATA_RD | XSAN_TOK_ATTR_RD, &g), 0);
	ck_assert_uint_eq(g, XSAN_TOK_DATA_RD | XSAN_TOK_ATTR_RD);
	/* and now a writer's TOKEN_GET revokes B's DATA_RD */
	ck_assert_int_eq(xsan_client_send(&t.c[0], &(struct xsan_req){
		.op = XSAN_OP_TOKEN_GET, .fid = t.f,
		.tok = { .types = XSAN_TOK_DATA_WR } }, &(uint64_t){ 0 }), 0);
	ck_assert_uint_eq(want_revoke(&t.c[1], 5000).r.tok.types,
			  XSAN_TOK_DATA_RD);
	gt_end(&t);
}
END_TEST

/* want 0 is today's behaviour: nothing granted, nothing recorded. */
START_TEST(grant_want_zero_records_nothing)
{
	struct gt t;
	uint32_t g = 99;

	gt_begin(&t);
	ck_assert_int_eq(lookup_want(&t.c[1], t.d, "f", 0, &g, NULL), 0);
	ck_assert_uint_eq(g, 0);
	ck_assert_int_eq(getattr_want(&t.c[1], t.f, 0, &g), 0);
	ck_assert_uint_eq(g, 0);
	ck_assert_int_eq(open_want(&t.c[1], t.f, XSAN_OPEN_RDWR, 0, &g), 0);
	ck_assert_uint_eq(g, 0);
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_ATTR_WR | XSAN_TOK_DATA_WR,
			      XSAN_TOKF_TRY), 0);
	no_cb(&t.c[1], 200);
	/* a failed LOOKUP grants nothing either */
	ck_assert_int_eq(lookup_want(&t.c[1], t.d, "nope", XSAN_TOK_ATTR_RD,
				     &g, NULL), -ENOENT);
	gt_end(&t);
}
END_TEST

/* A grant with a reply ends with the session like any other. */
START_TEST(grant_session_end_releases)
{
	struct gt t;
	uint32_t g;

	gt_begin(&t);
	ck_assert_int_eq(getattr_want(&t.c[1], t.f, XSAN_TOK_ATTR_WR, &g), 0);
	ck_assert_uint_eq(g, XSAN_TOK_ATTR_WR);
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_ATTR_RD, XSAN_TOKF_TRY),
			 -EAGAIN);
	{
		struct xsan_req r = { .op = XSAN_OP_GOODBYE };
		struct xsan_rep rep;

		ck_assert_int_eq(xsan_client_call(&t.c[1], &r, &rep), 0);
	}
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_ATTR_RD, XSAN_TOKF_TRY), 0);
	gt_end(&t);
}
END_TEST

#define ADD(s, fn) H_ADD(s, fn, 120)

int main(int argc, char *argv[])
{
	const char *prefix = argc > 1 ? argv[1] : "mdc";
	Suite *s = suite_create("grant");

	signal(SIGPIPE, SIG_IGN);
	ADD(s, grant_lookup_then_revoke);
	ADD(s, grant_conflict_not_granted);
	ADD(s, grant_want_zero_records_nothing);
	ADD(s, grant_session_end_releases);
	return h_run_suite(s, prefix);
}
