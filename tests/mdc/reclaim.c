// SPDX-License-Identifier: GPL-2.0
/*
 * RECONNECT and RECLAIM against a live xsanmdc (Documentation/tokens.rst,
 * "Reconnect and reclaim"): a session taken back after a TCP drop keeps
 * its tokens, a session of another client uuid or an expired one is
 * refused, and after kill -9 and a restart on the same store a client
 * reclaims its tokens and locks while others wait for the grace window,
 * and the blocks a client that never comes back had been given and never
 * committed are free again (fsck clean). During the grace window a new
 * session's namespace changes wait and its replies grant no token; files
 * unlinked while open survive for the sessions that held them (OPEN with
 * RECLAIM); uncommitted blocks come back to their session with the same
 * LAYOUT_GET.
 *
 * `build/reclaim PREFIX` prints "PASS: PREFIX.rc_*" / "FAIL: ..." per
 * test; each runs in its own forked child (check's CK_FORK) with its own
 * daemon on 127.0.0.1, stopped by PID; every wait has a deadline.
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

#include "mdc/check.h"
#include "harness_check.h"
#include "mdc/store.h"

#define NCLI 4
#define BS 4096u	/* the harness volume's block */

struct rc {
	struct mdc_h h;
	struct xsan_client c[NCLI];
	struct xsan_fid f;	/* a regular file */
};

static const char *host_of(int i)
{
	static const char *const names[NCLI] = { "hostA", "hostB", "hostC", "hostD" };

	return names[i];
}

static void login(struct rc *t, int i)
{
	h_login_client(&t->h, t->c, i);
}

static int reconnect(struct rc *t, int i, uint32_t *flags)
{
	return xsan_client_reconnect(&t->c[i], "127.0.0.1", t->h.port,
				     t->h.volume, &t->h.secret, host_of(i),
				     flags);
}

/* RECLAIM_DONE: client @i sent every reclaim it had to send */
static void done(struct rc *t, int i)
{
	struct xsan_req r = { .op = XSAN_OP_RECLAIM_DONE };
	struct xsan_rep rep;

	ck_assert_int_eq(xsan_client_call(&t->c[i], &r, &rep), 0);
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

static void rc_begin(struct rc *t, int n, int lease_s, int grace_s)
{
	int err;

	memset(t, 0, sizeof(*t));
	h_begin(&t->h, t->c, NCLI);
	t->h.lease_s = lease_s;
	t->h.grace_s = grace_s;
	h_start_clients(&t->h, t->c, n);
	err = create(&t->c[0], "f", &t->f);
	ck_assert_msg(!err, "create: %s", t->c[0].err);
}

/* Stop cleanly, then fsck the store: nothing may be wrong. */
static void rc_end(struct rc *t)
{
	struct xsan_check_stats s;
	struct xsan_store *st;
	char path[256], err[256];

	h_stop_clients(&t->h, t->c, NCLI);
	snprintf(path, sizeof(path), "%s/%s", t->h.statedir, t->h.volume);
	ck_assert_msg(!xsan_store_open(path, true, &st, err, sizeof(err)),
		      "open for fsck: %s", err);
	ck_assert_int_eq(xsan_check(st, false, stderr, &s), 0);
	ck_assert_msg(s.problems == 0, "fsck found %u problems", s.problems);
	xsan_store_close(st);
	h_cleanup(&t->h);
	h_cleanup_at_exit(NULL);
}

static int lock(struct xsan_client *c, const struct xsan_fid *f,
		uint32_t flags)
{
	struct xsan_req r = { .op = XSAN_OP_LOCK, .fid = *f };
	struct xsan_rep rep;

	r.cred = h_root();
	r.tok.owner = 7;
	r.tok.start = 0;
	r.tok.length = 100;
	r.tok.type = XSAN_LOCK_WR;
	r.tok.flags = flags;
	return xsan_client_call(c, &r, &rep);
}

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

static struct xsan_cb want_revoke(struct xsan_client *c, int wait)
{
	struct xsan_cb cb;
	int n = xsan_client_cb_wait(c, &cb, h_ms(wait));

	ck_assert_msg(n == 1, "no REVOKE within %d ms (%d: %s)", wait, n, c->err);
	ck_assert_uint_eq(cb.r.op, XSAN_OP_REVOKE);
	return cb;
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

static const struct xsan_fid root_fid = { XSAN_ROOT_INO, 1 };

/* Send @r as root; its xid. */
static uint64_t send_req(struct xsan_client *c, struct xsan_req *r)
{
	uint64_t xid;

	r->cred = h_root();
	ck_assert_msg(xsan_client_send(c, r, &xid) == 0, "send: %s", c->err);
	return xid;
}

/* The next @n replies on @c, matched by xid: @st[i] the status of @xids[i]. */
static void replies(struct xsan_client *c, const uint64_t *xids, int *st,
		    int n)
{
	struct xsan_rep rep;
	uint64_t rx;
	int k, i, s;

	for (k = 0; k < n; k++) {
		ck_assert_msg(xsan_client_recv(c, &rx, &s, &rep) == 0,
			      "reply %d of %d: %s", k + 1, n, c->err);
		for (i = 0; i < n && xids[i] != rx; i++)
			;
		ck_assert_msg(i < n, "a reply to xid %llu, not asked for",
			      (unsigned long long)rx);
		st[i] = -s;
	}
}

static int lookup_want(struct xsan_client *c, const char *name, uint32_t want,
		       uint32_t *granted)
{
	struct xsan_req r = { .op = XSAN_OP_LOOKUP, .cred = h_root(),
			      .fid = root_fid, .name = name,
			      .namelen = (uint32_t)strlen(name) };
	struct xsan_rep rep;
	int err;

	r.tok.types = want;
	err = xsan_client_call(c, &r, &rep);
	if (!err && granted)
		*granted = rep.tok.granted;
	return err;
}

static int getattr(struct xsan_client *c, const struct xsan_fid *f,
		   struct xsan_attr *a)
{
	struct xsan_req r = { .op = XSAN_OP_GETATTR, .cred = h_root(), .fid = *f };
	struct xsan_rep rep;
	int err = xsan_client_call(c, &r, &rep);

	if (!err && a)
		*a = rep.attr[0];
	return err;
}

static int unlink_name(struct xsan_client *c, const char *name)
{
	struct xsan_req r = { .op = XSAN_OP_UNLINK, .cred = h_root(),
			      .fid = root_fid, .name = name,
			      .namelen = (uint32_t)strlen(name) };
	struct xsan_rep rep;

	return xsan_client_call(c, &r, &rep);
}

/*
 * Wait up to @ms for @needle in the daemon's log, renewing meanwhile the
 * leases of the clients in @mask (bit i: t->c[i]): a short lease would
 * otherwise run out while they wait in silence.
 */
static bool wait_log_renewing(struct rc *t, const char *needle, int ms,
			      unsigned int mask)
{
	struct xsan_req hb = { .op = XSAN_OP_HEARTBEAT };
	long long end = h_now_ms() + ms;
	struct xsan_rep rep;
	int i;

	while (!strstr(h_log(&t->h), needle)) {
		if (h_now_ms() > end)
			return false;
		for (i = 0; i < NCLI; i++)
			if (mask & (1u << i))
				ck_assert_msg(!xsan_client_call(&t->c[i], &hb, &rep),
					      "heartbeat %d: %s", i, t->c[i].err);
		usleep(100000);
	}
	return true;
}

/*
 * A takes its session back on a new connection while the old one is
 * still open (half-open TCP): the old connection is closed, A keeps its
 * token, and B's conflicting TOKEN_GET revokes it on the new connection.
 */
START_TEST(rc_reattach_keeps_tokens)
{
	struct rc t;
	struct xsan_client old = { .fd = -1 };
	struct xsan_rep rep;
	struct xsan_cb cb;
	uint64_t sid, xid, rx;
	uint32_t flags = 99;
	int st;

	rc_begin(&t, 2, 20, 10);
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_DATA_WR, 0), 0);
	sid = t.c[0].session;
	/* keep the first connection open under another struct */
	old = t.c[0];
	t.c[0].fd = -1;
	t.c[0].tx = NULL;
	ck_assert_int_eq(xsan_client_init(&t.c[0], h_ms(10000)), 0);
	memcpy(t.c[0].uuid, old.uuid, sizeof(old.uuid));
	t.c[0].session = sid;
	ck_assert_msg(reconnect(&t, 0, &flags) == 0, "reconnect: %s", t.c[0].err);
	ck_assert_uint_eq(flags, 0);
	ck_assert_uint_eq(t.c[0].session, sid);
	/* the half-open connection was closed by the MDC */
	ck_assert_msg(h_readable(&old, h_ms(3000)), "old connection not closed");
	ck_assert_int_lt(xsan_client_recv(&old, &rx, &st, &rep), 0);
	xsan_client_close(&old);
	/* the token is still A's: B's TOKEN_GET revokes it from the new conn */
	xid = h_tget_send(&t.c[1], &t.f, XSAN_TOK_DATA_RD);
	cb = want_revoke(&t.c[0], 3000);
	ck_assert_uint_eq(cb.r.tok.types & XSAN_TOK_DATA_WR, XSAN_TOK_DATA_WR);
	ck_assert_msg(!h_readable(&t.c[1], 200), "B granted before A gave back");
	ck_assert_int_eq(h_tput(&t.c[0], &t.f, cb.r.tok.types, cb.r.tok.revoke), 0);
	ck_assert_int_eq(reply_of(&t.c[1], xid, &rep), 0);
	ck_assert_uint_eq(rep.tok.granted, XSAN_TOK_DATA_RD);
	ck_assert_msg(strstr(h_log(&t.h), "took back session"), "no log line");
	rc_end(&t);
}
END_TEST

/* A RECONNECT for a session of another client uuid: EACCES, logged. */
START_TEST(rc_wrong_uuid_eacces)
{
	struct rc t;
	struct xsan_req hb = { .op = XSAN_OP_HEARTBEAT };
	struct xsan_rep rep;

	rc_begin(&t, 2, 20, 10);
	/* B (its own uuid) claims A's session */
	t.c[1].session = t.c[0].session;
	ck_assert_int_eq(reconnect(&t, 1, NULL), -EACCES);
	ck_assert_uint_ne(t.c[1].session, t.c[0].session);
	ck_assert_msg(h_log_wait(&t.h, "tried to take over session", h_ms(2000)),
		      "refusal not logged");
	/* A is untouched */
	ck_assert_int_eq(xsan_client_call(&t.c[0], &hb, &rep), 0);
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_DATA_WR, 0), 0);
	rc_end(&t);
}
END_TEST

/* Unknown and expired sessions: ESTALE, and the fresh session is used. */
START_TEST(rc_expired_estale)
{
	struct rc t;
	uint64_t sid;
	long long end;

	rc_begin(&t, 1, 1, 1);
	t.c[1].fd = -1;
	ck_assert_int_eq(xsan_client_init(&t.c[1], h_ms(10000)), 0);
	ck_assert_int_eq(xsan_client_connect(&t.c[1], "127.0.0.1", t.h.port), 0);
	ck_assert_int_eq(xsan_client_login(&t.c[1], t.h.volume, &t.h.secret,
					   host_of(1)), 0);
	t.c[1].session = 0x1234567;
	ck_assert_int_eq(reconnect(&t, 1, NULL), -ESTALE);
	sid = t.c[0].session;
	xsan_client_close(&t.c[0]);
	/* lease + grace = 2 s, then the tick drops it */
	end = h_now_ms() + h_ms(10000);
	while (!strstr(h_log(&t.h), "lease expired") && h_now_ms() < end)
		usleep(100000);
	ck_assert_msg(strstr(h_log(&t.h), "lease expired"), "not expired");
	t.c[0].fd = -1;
	ck_assert_int_eq(xsan_client_init(&t.c[0], h_ms(10000)), 0);
	t.c[0].session = sid;
	ck_assert_int_eq(reconnect(&t, 0, NULL), -ESTALE);
	ck_assert_uint_ne(t.c[0].session, sid);
	ck_assert_uint_ne(t.c[0].session, 0);
	/* the fresh session works */
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_ATTR_RD, 0), 0);
	rc_end(&t);
}
END_TEST

/*
 * kill -9 and a restart on the same store. A comes back: RECLAIM; it
 * reclaims its DATA_WR token and its lock. B never comes back: the 256
 * blocks LAYOUT_GET gave it and it never committed are free after the
 * window. C, new, asks for a conflicting token: it waits for the window,
 * then A is asked to give its token back and C gets it. After the window
 * a reclaim is EINVAL. fsck is clean.
 */
START_TEST(rc_restart_reclaim)
{
	int lease = h_wrapped() ? 4 : 1, grace = 1;
	struct xsan_req r = { .op = XSAN_OP_OPEN, .cred = h_root() };
	struct xsan_req hb;
	struct rc t;
	struct xsan_fid g;
	struct xsan_rep rep;
	struct xsan_cb cb;
	uint64_t f0, f1, f2, sid, xid, hx;
	uint32_t flags = 0;
	long long t0, waited;
	int err;

	rc_begin(&t, 2, lease, grace);
	ck_assert_int_eq(create(&t.c[1], "g", &g), 0);
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_DATA_WR, 0), 0);
	ck_assert_int_eq(lock(&t.c[0], &t.f, 0), 0);
	ck_assert_int_eq(statfs_free(&t.c[1], &f0), 0);
	r.fid = g;
	r.layout.flags = XSAN_OPEN_RDWR;
	ck_assert_int_eq(xsan_client_call(&t.c[1], &r, &rep), 0);
	r = (struct xsan_req){ .op = XSAN_OP_LAYOUT_GET, .cred = h_root(), .fid = g };
	r.layout.offset = 0;
	r.layout.length = 256 * 4096;
	r.layout.flags = XSAN_LG_WRITE;
	ck_assert_int_eq(xsan_client_call(&t.c[1], &r, &rep), 0);
	ck_assert_int_eq(statfs_free(&t.c[1], &f1), 0);
	ck_assert_uint_eq(f1, f0 - 256);

	h_stop(&t.h, SIGKILL);
	t0 = h_now_ms();	/* the window ends no earlier than t0 + lease + grace */
	ck_assert_int_eq(h_start(&t.h), 0);
	sid = t.c[0].session;
	ck_assert_msg(reconnect(&t, 0, &flags) == 0, "reconnect: %s", t.c[0].err);
	ck_assert_uint_eq(t.c[0].session, sid);
	ck_assert_uint_eq(flags, XSAN_RECON_RECLAIM);
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_DATA_WR, XSAN_TOKF_RECLAIM), 0);
	ck_assert_int_eq(lock(&t.c[0], &t.f, XSAN_LOCKF_RECLAIM), 0);
	/* C is new: no reclaim for it, and its TOKEN_GET waits */
	login(&t, 2);
	ck_assert_int_eq(h_tget(&t.c[2], &t.f, XSAN_TOK_ATTR_RD, XSAN_TOKF_RECLAIM),
			 -EINVAL);
	xid = h_tget_send(&t.c[2], &t.f, XSAN_TOK_DATA_RD);
	ck_assert_msg(!h_readable(&t.c[2], 300), "C answered inside the grace window");
	ck_assert_msg(!h_readable(&t.c[0], 0), "A revoked inside the grace window");
	/*
	 * A's lease runs from its RECONNECT, and the window from the
	 * start just before it: both lease + grace. Renew A now, or its
	 * expiry races the end of the window (it lost under ASan).
	 */
	hb = (struct xsan_req){ .op = XSAN_OP_HEARTBEAT };
	ck_assert_int_eq(xsan_client_call(&t.c[0], &hb, &rep), 0);
	/* C waits in silence with as short a lease, logged in just after
	 * the start: renew it too (its expiry raced the window's end, and
	 * lost under load), and again before its TOKEN_GET can be answered.
	 */
	ck_assert_int_eq(xsan_client_send(&t.c[2], &hb, &hx), 0);
	ck_assert_int_eq(reply_of(&t.c[2], hx, &rep), 0);
	/* the window ends (lease + grace after the start): A is asked back */
	cb = want_revoke(&t.c[0], (lease + grace) * 1000 + 3000);
	waited = h_now_ms() - t0;
	ck_assert_msg(waited >= (lease + grace) * 1000 - 100,
		      "revoke after %lld ms, before the window ended", waited);
	ck_assert_int_eq(xsan_client_send(&t.c[2], &hb, &hx), 0);
	ck_assert_int_eq(reply_of(&t.c[2], hx, &rep), 0);
	ck_assert_int_eq(h_tput(&t.c[0], &t.f, cb.r.tok.types, cb.r.tok.revoke), 0);
	err = reply_of(&t.c[2], xid, &rep);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(rep.tok.granted, XSAN_TOK_DATA_RD);
	/* the lock came back: C's conflicting lock is refused */
	ck_assert_int_eq(lock(&t.c[2], &t.f, 0), -EAGAIN);
	/* the window is over: reclaims are refused */
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_ATTR_RD, XSAN_TOKF_RECLAIM),
			 -EINVAL);
	/* B did not come back: its uncommitted blocks are free again */
	ck_assert_int_eq(statfs_free(&t.c[0], &f2), 0);
	ck_assert_uint_eq(f2, f0);
	ck_assert_msg(strstr(h_log(&t.h), "did not come back"), "no log line");
	/* and B's old session is gone */
	ck_assert_int_eq(reconnect(&t, 1, NULL), -ESTALE);
	rc_end(&t);
}
END_TEST

/*
 * The window closes early once every session of before the restart came
 * back and said RECLAIM_DONE: with lease + grace = 30 s, a new client's
 * TOKEN_GET stays parked while A has not said it (both reconnected) and
 * is answered at once after. A reclaim that conflicts with one already
 * taken back is refused EBUSY.
 */
START_TEST(rc_window_closes_early)
{
	struct rc t;
	uint32_t flags = 0;
	long long t0;

	rc_begin(&t, 2, 20, 10);
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_DATA_WR, 0), 0);
	h_stop(&t.h, SIGKILL);
	ck_assert_int_eq(h_start(&t.h), 0);
	login(&t, 2);
	ck_assert_int_eq(reconnect(&t, 0, &flags), 0);
	ck_assert_uint_eq(flags, XSAN_RECON_RECLAIM);
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_DATA_WR, XSAN_TOKF_RECLAIM), 0);
	/* one session still missing: TRY is refused rather than parked */
	ck_assert_int_eq(h_tget(&t.c[2], &t.f, XSAN_TOK_ATTR_RD, XSAN_TOKF_TRY),
			 -EAGAIN);
	flags = 0;
	ck_assert_int_eq(reconnect(&t, 1, &flags), 0);
	ck_assert_uint_eq(flags, XSAN_RECON_RECLAIM);
	ck_assert_int_eq(h_tget(&t.c[1], &t.f, XSAN_TOK_DATA_RD, XSAN_TOKF_RECLAIM),
			 -EBUSY);
	/* both are back, but A has not said it is done: still parked */
	done(&t, 1);
	ck_assert_int_eq(h_tget(&t.c[2], &t.f, XSAN_TOK_ATTR_RD, XSAN_TOKF_TRY),
			 -EAGAIN);
	done(&t, 0);
	t0 = h_now_ms();
	ck_assert_int_eq(h_tget(&t.c[2], &t.f, XSAN_TOK_ATTR_RD, 0), 0);
	ck_assert_msg(h_now_ms() - t0 < h_ms(2000), "waited %lld ms after every session came back",
		      h_now_ms() - t0);
	rc_end(&t);
}
END_TEST

/*
 * A holds DATA_WR on f, B on a new file g; the MDC is killed and started
 * again, and A comes back (RECLAIM); B is still missing.
 */
static void two_holders_restart(struct rc *t, struct xsan_fid *g)
{
	uint32_t flags = 0;

	rc_begin(t, 2, 20, 10);
	ck_assert_int_eq(create(&t->c[1], "g", g), 0);
	ck_assert_int_eq(h_tget(&t->c[0], &t->f, XSAN_TOK_DATA_WR, 0), 0);
	ck_assert_int_eq(h_tget(&t->c[1], g, XSAN_TOK_DATA_WR, 0), 0);
	h_stop(&t->h, SIGKILL);
	ck_assert_int_eq(h_start(&t->h), 0);
	ck_assert_int_eq(reconnect(t, 0, &flags), 0);
	ck_assert_uint_eq(flags, XSAN_RECON_RECLAIM);
}

/*
 * A session that came back and said RECLAIM_DONE is one more client to
 * the sessions still missing: its plain TOKEN_GET waits for the window
 * like a newcomer's. A held DATA_WR on f and B on g before the restart;
 * A comes back, takes f back, says done and asks for DATA_WR on g: not
 * answered while B is missing, and B's reclaim of g then succeeds
 * (before: A was granted g at once and B's reclaim was refused EBUSY,
 * so B lost its dirty pages: found by tests/qemu/fuzz.sh). Once B says
 * done the window closes and A's request takes g from B by a REVOKE.
 */
START_TEST(rc_done_session_waits)
{
	struct xsan_fid g;
	struct xsan_rep rep;
	struct xsan_cb cb;
	struct rc t;
	uint32_t flags = 0;
	uint64_t xid;

	two_holders_restart(&t, &g);
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_DATA_WR, XSAN_TOKF_RECLAIM), 0);
	done(&t, 0);
	xid = h_tget_send(&t.c[0], &g, XSAN_TOK_DATA_WR);
	ck_assert_msg(!h_readable(&t.c[0], 300),
		      "A's TOKEN_GET was answered while B had not come back");
	/* xsanadmin tokens lists it as waiting for the window */
	login(&t, 2);
	{
		struct xsan_req ar = { .op = XSAN_OP_ADMIN_TOKENS };
		struct xsan_tok_entry e;
		struct xsan_cur cur;
		bool seen = false;
		uint32_t i;

		ck_assert_int_eq(xsan_client_call(&t.c[2], &ar, &rep), 0);
		xsan_cur_init(&cur, rep.data, rep.datalen);
		for (i = 0; i < rep.count; i++) {
			ck_assert_int_eq(xsan_tok_entry_next(&cur, &e), 0);
			if (e.kind == XSAN_TE_GRACE && e.op == XSAN_OP_TOKEN_GET &&
			    e.ino == g.ino && e.types == XSAN_TOK_DATA_WR &&
			    e.session == t.c[0].session)
				seen = true;
		}
		ck_assert_msg(seen, "ADMIN_TOKENS does not list A's TOKEN_GET waiting for the window");
	}
	flags = 0;
	ck_assert_int_eq(reconnect(&t, 1, &flags), 0);
	ck_assert_uint_eq(flags, XSAN_RECON_RECLAIM);
	ck_assert_int_eq(h_tget(&t.c[1], &g, XSAN_TOK_DATA_WR, XSAN_TOKF_RECLAIM), 0);
	ck_assert_msg(!h_readable(&t.c[0], 200),
		      "A's TOKEN_GET was answered before B said it was done");
	done(&t, 1);
	cb = want_revoke(&t.c[1], 5000);
	ck_assert_uint_eq(cb.r.fid.ino, g.ino);
	ck_assert_int_eq(h_tput(&t.c[1], &g, cb.r.tok.types, cb.r.tok.revoke), 0);
	ck_assert_int_eq(reply_of(&t.c[0], xid, &rep), 0);
	ck_assert_uint_eq(rep.tok.granted & XSAN_TOK_DATA_WR, XSAN_TOK_DATA_WR);
	rc_end(&t);
}
END_TEST

/*
 * A session still reclaiming (it came back, has not said RECLAIM_DONE)
 * sends a plain TOKEN_GET: a request it had in flight when the MDC died,
 * sent again on the new connection. It waits for the window too, or it
 * takes what a session still missing is about to reclaim (found by make
 * fuzz-long: B's reclaim of its dirty file refused EBUSY). A held DATA_WR
 * on f, B on g; A comes back and asks DATA_RD on g without RECLAIM: not
 * answered while B is missing; B's reclaim of g succeeds; once both said
 * done, A's request takes g from B by a REVOKE.
 */
START_TEST(rc_reclaiming_plain_waits)
{
	struct xsan_fid g;
	struct xsan_rep rep;
	struct xsan_cb cb;
	struct rc t;
	uint32_t flags = 0;
	uint64_t xid;

	two_holders_restart(&t, &g);
	xid = h_tget_send(&t.c[0], &g, XSAN_TOK_DATA_RD);
	ck_assert_msg(!h_readable(&t.c[0], 300),
		      "a reclaiming session's plain TOKEN_GET was answered while B had not come back");
	flags = 0;
	ck_assert_int_eq(reconnect(&t, 1, &flags), 0);
	ck_assert_uint_eq(flags, XSAN_RECON_RECLAIM);
	ck_assert_int_eq(h_tget(&t.c[1], &g, XSAN_TOK_DATA_WR, XSAN_TOKF_RECLAIM), 0);
	done(&t, 1);
	ck_assert_msg(!h_readable(&t.c[0], 200),
		      "A's TOKEN_GET was answered before A said it was done");
	{
		struct xsan_req r = { .op = XSAN_OP_RECLAIM_DONE };
		uint64_t dx;

		ck_assert_int_eq(xsan_client_send(&t.c[0], &r, &dx), 0);
		cb = want_revoke(&t.c[1], 5000);
		ck_assert_uint_eq(cb.r.fid.ino, g.ino);
		ck_assert_int_eq(h_tput(&t.c[1], &g, cb.r.tok.types, cb.r.tok.revoke), 0);
		/* A: RECLAIM_DONE's reply, then the TOKEN_GET's, in either order */
		for (int k = 0; k < 2; k++) {
			uint64_t rx;
			int st;

			ck_assert_int_eq(xsan_client_recv(&t.c[0], &rx, &st, &rep), 0);
			ck_assert_int_eq(st, 0);
			ck_assert(rx == dx || rx == xid);
			if (rx == xid)
				ck_assert_uint_eq(rep.tok.granted & XSAN_TOK_DATA_RD,
						  XSAN_TOK_DATA_RD);
		}
	}
	rc_end(&t);
}
END_TEST

/*
 * During the grace window a new session's namespace changes wait: C's
 * truncate of f, rename of g and unlink of f are not answered while B
 * has not come back, nor is C's GETATTR behind them (its connection's
 * order). D's LOOKUP, a read, is answered at once. A, reclaiming, takes
 * back DATA_WR on f and its own chmod is not parked. When B comes back
 * the window closes early: C's truncate first takes A's DATA_WR back
 * (REVOKE), then C's requests run in order.
 */
START_TEST(rc_grace_parks_ns)
{
	struct xsan_req r;
	struct xsan_cb cb;
	struct rc t;
	struct xsan_fid g, h;
	uint64_t xid[4];
	int st[4] = { 1, 1, 1, 1 };
	uint32_t flags = 0, granted = 99;
	long long t0;

	rc_begin(&t, 2, 20, 10);
	ck_assert_int_eq(create(&t.c[0], "g", &g), 0);
	ck_assert_int_eq(create(&t.c[0], "h", &h), 0);
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_DATA_WR, 0), 0);
	h_stop(&t.h, SIGKILL);
	ck_assert_int_eq(h_start(&t.h), 0);
	ck_assert_msg(reconnect(&t, 0, &flags) == 0, "reconnect: %s", t.c[0].err);
	ck_assert_uint_eq(flags, XSAN_RECON_RECLAIM);
	/* B has not come back: the window is open. C and D are new. */
	login(&t, 2);
	login(&t, 3);
	r = (struct xsan_req){ .op = XSAN_OP_SETATTR, .fid = t.f };
	r.sattr.valid = XSAN_SA_SIZE;
	r.sattr.size = 0;
	xid[0] = send_req(&t.c[2], &r);
	r = (struct xsan_req){ .op = XSAN_OP_RENAME, .fid = root_fid,
			       .name = "g", .namelen = 1, .fid2 = root_fid,
			       .name2 = "g2", .name2len = 2 };
	xid[1] = send_req(&t.c[2], &r);
	r = (struct xsan_req){ .op = XSAN_OP_UNLINK, .fid = root_fid,
			       .name = "f", .namelen = 1 };
	xid[2] = send_req(&t.c[2], &r);
	r = (struct xsan_req){ .op = XSAN_OP_GETATTR, .fid = h };
	xid[3] = send_req(&t.c[2], &r);
	ck_assert_msg(!h_readable(&t.c[2], 300),
		      "C's namespace changes ran inside the grace window");
	/* a read of a new session goes at once */
	t0 = h_now_ms();
	ck_assert_int_eq(lookup_want(&t.c[3], "f", 0, NULL), 0);
	ck_assert_msg(h_now_ms() - t0 < h_ms(2000), "D's LOOKUP took %lld ms",
		      h_now_ms() - t0);
	/* the reclaimer takes back its token; its own change is not parked */
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_DATA_WR, XSAN_TOKF_RECLAIM), 0);
	r = (struct xsan_req){ .op = XSAN_OP_SETATTR, .cred = h_root(), .fid = h };
	r.sattr.valid = XSAN_SA_MODE;
	r.sattr.mode = 0600;
	t0 = h_now_ms();
	{
		struct xsan_rep rep;

		ck_assert_int_eq(xsan_client_call(&t.c[0], &r, &rep), 0);
	}
	ck_assert_msg(h_now_ms() - t0 < h_ms(2000), "A's chmod took %lld ms",
		      h_now_ms() - t0);
	ck_assert_msg(!h_readable(&t.c[2], 200),
		      "C's namespace changes ran inside the grace window");
	/* B comes back: every ghost is back and done, the window closes */
	flags = 0;
	ck_assert_int_eq(reconnect(&t, 1, &flags), 0);
	ck_assert_uint_eq(flags, XSAN_RECON_RECLAIM);
	done(&t, 0);
	done(&t, 1);
	cb = want_revoke(&t.c[0], h_ms(3000));
	ck_assert_uint_eq(cb.r.tok.types & XSAN_TOK_DATA_WR, XSAN_TOK_DATA_WR);
	ck_assert_msg(!h_readable(&t.c[2], 200), "C's truncate before A gave back");
	ck_assert_int_eq(h_tput(&t.c[0], &t.f, cb.r.tok.types, cb.r.tok.revoke), 0);
	replies(&t.c[2], xid, st, 4);
	ck_assert_msg(!st[0] && !st[1] && !st[2] && !st[3],
		      "C's requests after the window: %d %d %d %d",
		      st[0], st[1], st[2], st[3]);
	ck_assert_int_eq(lookup_want(&t.c[3], "f", 0, NULL), -ENOENT);
	ck_assert_int_eq(lookup_want(&t.c[3], "g2", XSAN_TOK_ATTR_RD, &granted), 0);
	ck_assert_uint_eq(granted, XSAN_TOK_ATTR_RD);	/* the window is over */
	rc_end(&t);
}
END_TEST

/*
 * Tokens granted with replies: none to a new session during the window.
 * A held ATTR_WR on f. D, new, looks f up and stats it wanting ATTR_RD
 * before A reclaims: answered at once, granted nothing, so A's reclaim of
 * ATTR_WR is not refused EBUSY.
 */
START_TEST(rc_grace_no_grant_with_reply)
{
	struct xsan_req r = { .op = XSAN_OP_GETATTR, .cred = h_root() };
	struct xsan_rep rep;
	struct rc t;
	uint32_t flags = 0, granted = 99;
	long long t0;

	rc_begin(&t, 2, 20, 10);
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_ATTR_WR, 0), 0);
	h_stop(&t.h, SIGKILL);
	ck_assert_int_eq(h_start(&t.h), 0);
	ck_assert_int_eq(reconnect(&t, 0, &flags), 0);
	ck_assert_uint_eq(flags, XSAN_RECON_RECLAIM);
	login(&t, 3);
	t0 = h_now_ms();
	ck_assert_int_eq(lookup_want(&t.c[3], "f", XSAN_TOK_ATTR_RD, &granted), 0);
	ck_assert_uint_eq(granted, 0);
	r.fid = t.f;
	r.tok.types = XSAN_TOK_ATTR_RD;
	ck_assert_int_eq(xsan_client_call(&t.c[3], &r, &rep), 0);
	ck_assert_uint_eq(rep.tok.granted, 0);
	ck_assert_msg(h_now_ms() - t0 < h_ms(2000), "D waited %lld ms",
		      h_now_ms() - t0);
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_ATTR_WR, XSAN_TOKF_RECLAIM), 0);
	/* D's CREATE waits; D leaves before the window closes (the daemon
	 * frees what it kept of it: the -vg run checks)
	 */
	r = (struct xsan_req){ .op = XSAN_OP_CREATE, .fid = root_fid,
			       .mode = 0100644, .name = "x", .namelen = 1 };
	send_req(&t.c[3], &r);
	ck_assert_msg(!h_readable(&t.c[3], 300), "D's CREATE ran inside the grace window");
	rc_end(&t);
}
END_TEST

/*
 * Files unlinked while open survive a kill -9 for the session that held
 * them. A had f open, B had o open, 16 committed blocks each, both
 * unlinked. After the restart only A comes back. To C, new, f is gone
 * (ESTALE) and C may not reclaim (EINVAL); A opens f again by fid with
 * RECLAIM: nlink 0, its size. When the window's time is up B's o is
 * freed (B never came back), A's f stays; a reclaim is refused from then
 * on, and A's last CLOSE frees f. fsck is clean.
 */
START_TEST(rc_orphan_reclaimed)
{
	int lease = h_wrapped() ? 4 : 1, grace = 1;
	struct xsan_extent ext[4];
	struct xsan_attr a;
	struct xsan_fid o;
	struct rc t;
	uint64_t hf, ho, hc, f0, f1, f2;
	uint32_t flags = 0, n;

	rc_begin(&t, 2, lease, grace);
	ck_assert_int_eq(create(&t.c[1], "o", &o), 0);
	ck_assert_int_eq(h_open(&t.c[0], &t.f, XSAN_OPEN_RDWR, &hf, NULL), 0);
	ck_assert_int_eq(h_open(&t.c[1], &o, XSAN_OPEN_RDWR, &ho, NULL), 0);
	ck_assert_int_eq(h_layout_get(&t.c[0], &t.f, 0, 16 * BS, XSAN_LG_WRITE,
				      ext, 4, &n), 0);
	ck_assert_int_eq(h_commit(&t.c[0], &t.f, 0, 16 * BS, 16 * BS), 0);
	ck_assert_int_eq(h_layout_get(&t.c[1], &o, 0, 16 * BS, XSAN_LG_WRITE,
				      ext, 4, &n), 0);
	ck_assert_int_eq(h_commit(&t.c[1], &o, 0, 16 * BS, 16 * BS), 0);
	ck_assert_int_eq(statfs_free(&t.c[0], &f0), 0);
	ck_assert_int_eq(unlink_name(&t.c[0], "f"), 0);
	ck_assert_int_eq(unlink_name(&t.c[1], "o"), 0);

	h_stop(&t.h, SIGKILL);
	ck_assert_int_eq(h_start(&t.h), 0);
	ck_assert_msg(reconnect(&t, 0, &flags) == 0, "reconnect: %s", t.c[0].err);
	ck_assert_uint_eq(flags, XSAN_RECON_RECLAIM);
	login(&t, 2);
	ck_assert_int_eq(h_open(&t.c[2], &t.f, XSAN_OPEN_RDONLY, &hc, NULL), -ESTALE);
	ck_assert_int_eq(h_open(&t.c[2], &t.f, XSAN_OPEN_RDONLY | XSAN_OPEN_RECLAIM,
				&hc, NULL), -EINVAL);
	ck_assert_int_eq(h_open(&t.c[0], &t.f, XSAN_OPEN_RDWR | XSAN_OPEN_RECLAIM,
				&hf, &a), 0);
	ck_assert_uint_eq(a.nlink, 0);
	ck_assert_uint_eq(a.size, 16 * BS);
	/* the window's time runs out: B's o goes, A's f stays */
	ck_assert_msg(wait_log_renewing(&t, "freed 1 files unlinked while open",
					(lease + grace) * 1000 + h_ms(3000),
					1u << 0 | 1u << 2),
		      "no file freed at the end of the window");
	ck_assert_int_eq(statfs_free(&t.c[0], &f1), 0);
	ck_assert_uint_eq(f1, f0 + 16);
	ck_assert_int_eq(getattr(&t.c[0], &t.f, &a), 0);
	ck_assert_uint_eq(a.nlink, 0);
	ck_assert_int_eq(getattr(&t.c[0], &o, NULL), -ESTALE);
	ck_assert_int_eq(h_open(&t.c[0], &t.f, XSAN_OPEN_RDONLY | XSAN_OPEN_RECLAIM,
				&hc, NULL), -EINVAL);
	/* A's last CLOSE frees it as usual */
	ck_assert_int_eq(h_close(&t.c[0], &t.f, hf, NULL), 0);
	ck_assert_int_eq(getattr(&t.c[0], &t.f, NULL), -ESTALE);
	ck_assert_int_eq(statfs_free(&t.c[0], &f2), 0);
	ck_assert_uint_eq(f2, f0 + 32);
	rc_end(&t);
}
END_TEST

/*
 * A and B both had p open when A unlinked it. After the restart A opens
 * it again and closes it before B came back: p stays (B may still
 * reclaim it), and B, back, opens it again too. A new session sees it
 * gone.
 */
START_TEST(rc_orphan_two_holders)
{
	struct xsan_attr a;
	struct xsan_fid p;
	struct rc t;
	uint64_t ha, hb, hc;
	uint32_t flags = 0;

	rc_begin(&t, 2, 20, 10);
	ck_assert_int_eq(create(&t.c[0], "p", &p), 0);
	ck_assert_int_eq(h_open(&t.c[0], &p, XSAN_OPEN_RDONLY, &ha, NULL), 0);
	ck_assert_int_eq(h_open(&t.c[1], &p, XSAN_OPEN_RDONLY, &hb, NULL), 0);
	ck_assert_int_eq(unlink_name(&t.c[0], "p"), 0);
	h_stop(&t.h, SIGKILL);
	ck_assert_int_eq(h_start(&t.h), 0);
	ck_assert_int_eq(reconnect(&t, 0, &flags), 0);
	ck_assert_uint_eq(flags, XSAN_RECON_RECLAIM);
	ck_assert_int_eq(h_open(&t.c[0], &p, XSAN_OPEN_RDONLY | XSAN_OPEN_RECLAIM,
				&ha, &a), 0);
	ck_assert_uint_eq(a.nlink, 0);
	ck_assert_int_eq(h_close(&t.c[0], &p, ha, NULL), 0);
	ck_assert_msg(getattr(&t.c[0], &p, &a) == 0,
		      "freed at A's close while B could still reclaim it");
	ck_assert_uint_eq(a.nlink, 0);
	flags = 0;
	ck_assert_int_eq(reconnect(&t, 1, &flags), 0);
	ck_assert_uint_eq(flags, XSAN_RECON_RECLAIM);
	login(&t, 2);
	ck_assert_int_eq(h_open(&t.c[2], &p, XSAN_OPEN_RDONLY, &hc, NULL), -ESTALE);
	ck_assert_int_eq(h_open(&t.c[1], &p, XSAN_OPEN_RDONLY | XSAN_OPEN_RECLAIM,
				&hb, &a), 0);
	ck_assert_int_eq(h_close(&t.c[1], &p, hb, NULL), 0);
	rc_end(&t);
}
END_TEST

/*
 * Blocks given before the restart and not committed come back to their
 * session. A asked LAYOUT_GET to allocate 64 blocks of f and the MDC died
 * before A committed them. After the restart, C (new) asks to write the
 * same range: it waits for the window. A reclaims DATA_WR, opens f again
 * and asks for the range again: the same extents, still UNWRITTEN, and
 * no new block taken; its LAYOUT_COMMIT converts them and sets the size.
 * When B is back and the window closes, C gets the same blocks, written.
 * fsck is clean.
 */
START_TEST(rc_reclaim_uncommitted_layout)
{
	struct xsan_extent e0[8], e1[8], ec[8];
	struct xsan_req r = { .op = XSAN_OP_LAYOUT_GET };
	struct xsan_attr a;
	struct xsan_rep rep;
	struct rc t;
	uint64_t hf, s0, s1, xid, rx;
	uint32_t flags = 0, n0, n1, i;
	int st;

	rc_begin(&t, 2, 20, 10);
	ck_assert_int_eq(h_open(&t.c[0], &t.f, XSAN_OPEN_RDWR, &hf, NULL), 0);
	ck_assert_int_eq(h_layout_get(&t.c[0], &t.f, 0, 64 * BS, XSAN_LG_WRITE,
				      e0, 8, &n0), 0);
	ck_assert_uint_ge(n0, 1);
	for (i = 0; i < n0; i++)
		ck_assert_uint_eq(e0[i].flags, XSAN_EXT_UNWRITTEN);
	ck_assert_int_eq(statfs_free(&t.c[0], &s0), 0);

	h_stop(&t.h, SIGKILL);
	ck_assert_int_eq(h_start(&t.h), 0);
	ck_assert_int_eq(reconnect(&t, 0, &flags), 0);
	ck_assert_uint_eq(flags, XSAN_RECON_RECLAIM);
	login(&t, 2);
	r.fid = t.f;
	r.layout.length = 64 * BS;
	r.layout.flags = XSAN_LG_WRITE;
	xid = send_req(&t.c[2], &r);
	ck_assert_msg(!h_readable(&t.c[2], 300), "C's LAYOUT_GET ran inside the window");
	ck_assert_int_eq(h_tget(&t.c[0], &t.f, XSAN_TOK_DATA_WR, XSAN_TOKF_RECLAIM), 0);
	ck_assert_int_eq(h_open(&t.c[0], &t.f, XSAN_OPEN_RDWR, &hf, NULL), 0);
	ck_assert_int_eq(h_layout_get(&t.c[0], &t.f, 0, 64 * BS, XSAN_LG_WRITE,
				      e1, 8, &n1), 0);
	ck_assert_uint_eq(n1, n0);
	for (i = 0; i < n0; i++)
		ck_assert_msg(!memcmp(&e0[i], &e1[i], sizeof(e0[i])),
			      "extent %u differs after the restart", i);
	ck_assert_int_eq(statfs_free(&t.c[0], &s1), 0);
	ck_assert_uint_eq(s1, s0);
	ck_assert_int_eq(h_commit(&t.c[0], &t.f, 0, 64 * BS, 64 * BS), 0);
	ck_assert_int_eq(getattr(&t.c[0], &t.f, &a), 0);
	ck_assert_uint_eq(a.size, 64 * BS);
	ck_assert_uint_eq(a.blocks, 64 * BS / 512);
	/* B is back and both are done: the window closes, C's LAYOUT_GET runs */
	ck_assert_int_eq(reconnect(&t, 1, NULL), 0);
	done(&t, 0);
	done(&t, 1);
	ck_assert_int_eq(xsan_client_recv(&t.c[2], &rx, &st, &rep), 0);
	ck_assert_uint_eq(rx, xid);
	ck_assert_int_eq(st, 0);
	ck_assert_uint_eq(rep.layout.count, n0);
	for (i = 0; i < n0; i++) {
		xsan_extent_at(rep.layout.raw, i, &ec[i]);
		ck_assert_uint_eq(ec[i].block, e0[i].block);
		ck_assert_uint_eq(ec[i].flags, 0);
	}
	rc_end(&t);
}
END_TEST

/* Drop client @i's connection and take its session back (its xids go on) */
static uint32_t redial(struct rc *t, int i)
{
	uint64_t sid = t->c[i].session, nx = t->c[i].next_xid;
	uint8_t uuid[XSAN_UUID_SIZE];
	uint32_t flags = 99;

	memcpy(uuid, t->c[i].uuid, sizeof(uuid));
	xsan_client_close(&t->c[i]);
	ck_assert_int_eq(xsan_client_init(&t->c[i], h_ms(10000)), 0);
	memcpy(t->c[i].uuid, uuid, sizeof(uuid));
	t->c[i].session = sid;
	ck_assert_msg(reconnect(t, i, &flags) == 0, "reconnect: %s", t->c[i].err);
	ck_assert_uint_eq(t->c[i].session, sid);
	if (t->c[i].next_xid < nx)
		t->c[i].next_xid = nx;
	return flags;
}

/* Send @r as xid @xid (a request sent again) and return its status. */
static int resend(struct xsan_client *c, const struct xsan_req *r,
		  uint64_t xid, struct xsan_rep *rep)
{
	uint64_t keep = c->next_xid, x;

	c->next_xid = xid;
	ck_assert_int_eq(xsan_client_send(c, r, &x), 0);
	c->next_xid = keep;
	ck_assert_uint_eq(x, xid);
	return reply_of(c, xid, rep);
}

/*
 * A change whose reply the client never got (the connection dropped, or
 * the MDC was killed after its commit) is sent again with its xid: the
 * MDC answers as the first time instead of running it twice (CREATE
 * would say EEXIST, UNLINK ENOENT). A new request for the same name still
 * fails; another request that reuses the xid runs.
 */
START_TEST(rc_resend_same_answer)
{
	struct xsan_req cr = { .op = XSAN_OP_CREATE, .cred = h_root(),
			       .fid = { XSAN_ROOT_INO, 1 }, .mode = 0100644,
			       .name = "x", .namelen = 1 };
	struct xsan_req ul = { .op = XSAN_OP_UNLINK, .cred = h_root(),
			       .fid = { XSAN_ROOT_INO, 1 }, .name = "x",
			       .namelen = 1 };
	struct xsan_req cz = cr;
	struct xsan_fid g;
	struct xsan_rep rep;
	struct xsan_attr a;
	uint64_t xid, uxid, zxid;
	struct rc t;

	rc_begin(&t, 1, 20, 10);
	ck_assert_int_eq(xsan_client_send(&t.c[0], &cr, &xid), 0);
	ck_assert_int_eq(reply_of(&t.c[0], xid, &rep), 0);
	a = rep.attr[0];
	/* after a reconnect, the CREATE again with its xid: the same answer */
	ck_assert_uint_eq(redial(&t, 0), 0);
	ck_assert_int_eq(resend(&t.c[0], &cr, xid, &rep), 0);
	ck_assert_uint_eq(rep.attr[0].ino, a.ino);
	ck_assert_uint_eq(rep.attr[0].gen, a.gen);
	ck_assert_msg(h_log_wait(&t.h, "sent CREATE xid", h_ms(2000)),
		      "no log line for the request sent again");
	/* a new CREATE of the name (a new xid) is refused as ever */
	ck_assert_int_eq(create(&t.c[0], "x", &g), -EEXIST);
	/* the xid of another request (another payload) runs */
	cz.name = "y";
	ck_assert_int_eq(resend(&t.c[0], &cz, xid, &rep), 0);
	ck_assert_uint_ne(rep.attr[0].ino, a.ino);
	/* UNLINK sent twice */
	ck_assert_int_eq(xsan_client_send(&t.c[0], &ul, &uxid), 0);
	ck_assert_int_eq(reply_of(&t.c[0], uxid, &rep), 0);
	ck_assert_uint_eq(redial(&t, 0), 0);
	ck_assert_int_eq(resend(&t.c[0], &ul, uxid, &rep), 0);
	ck_assert_int_eq(unlink_name(&t.c[0], "x"), -ENOENT);
	/* across kill -9 and a restart: the reply was saved with the change */
	cz.name = "z";
	ck_assert_int_eq(xsan_client_send(&t.c[0], &cz, &zxid), 0);
	ck_assert_int_eq(reply_of(&t.c[0], zxid, &rep), 0);
	a = rep.attr[0];
	h_stop(&t.h, SIGKILL);
	ck_assert_int_eq(h_start(&t.h), 0);
	ck_assert_uint_eq(redial(&t, 0), XSAN_RECON_RECLAIM);
	done(&t, 0);
	ck_assert_int_eq(resend(&t.c[0], &cz, zxid, &rep), 0);
	ck_assert_uint_eq(rep.attr[0].ino, a.ino);
	ck_assert_uint_eq(rep.attr[0].gen, a.gen);
	rc_end(&t);
}
END_TEST

/* Without a restart: a session that ends leaves no uncommitted blocks. */
START_TEST(rc_goodbye_frees_uncommitted)
{
	struct xsan_req r = { .op = XSAN_OP_LAYOUT_GET, .cred = h_root() };
	struct xsan_req bye = { .op = XSAN_OP_GOODBYE };
	struct xsan_rep rep;
	struct rc t;
	uint64_t f0, f1, f2;

	rc_begin(&t, 2, 20, 10);
	ck_assert_int_eq(statfs_free(&t.c[0], &f0), 0);
	r.fid = t.f;
	r.layout.length = 64 * 4096;
	r.layout.flags = XSAN_LG_WRITE;
	ck_assert_int_eq(xsan_client_call(&t.c[1], &r, &rep), 0);
	/* half of it committed: that half stays */
	{
		struct xsan_req c = { .op = XSAN_OP_LAYOUT_COMMIT, .cred = h_root(),
				      .fid = t.f };
		struct xsan_range rg = { 0, 32 * 4096 };

		c.layout.flags = XSAN_LC_SIZE;
		c.layout.size = 32 * 4096;
		c.layout.nranges = 1;
		c.layout.ranges = &rg;
		ck_assert_int_eq(xsan_client_call(&t.c[1], &c, &rep), 0);
	}
	ck_assert_int_eq(statfs_free(&t.c[0], &f1), 0);
	ck_assert_uint_eq(f1, f0 - 64);
	ck_assert_int_eq(xsan_client_call(&t.c[1], &bye, &rep), 0);
	ck_assert_msg(h_log_wait(&t.h, "never committed; freed", h_ms(3000)),
		      "no log line");
	ck_assert_int_eq(statfs_free(&t.c[0], &f2), 0);
	ck_assert_uint_eq(f2, f0 - 32);
	rc_end(&t);
}
END_TEST

#define ADD(s, fn) H_ADD(s, fn, h_wrapped() ? 600 : 60)

int main(int argc, char *argv[])
{
	const char *prefix = argc > 1 ? argv[1] : "mdc";
	Suite *s = suite_create("reclaim");

	signal(SIGPIPE, SIG_IGN);
	ADD(s, rc_reattach_keeps_tokens);
	ADD(s, rc_wrong_uuid_eacces);
	ADD(s, rc_expired_estale);
	ADD(s, rc_restart_reclaim);
	ADD(s, rc_window_closes_early);
	ADD(s, rc_done_session_waits);
	ADD(s, rc_reclaiming_plain_waits);
	ADD(s, rc_goodbye_frees_uncommitted);
	ADD(s, rc_grace_parks_ns);
	ADD(s, rc_grace_no_grant_with_reply);
	ADD(s, rc_orphan_reclaimed);
	ADD(s, rc_orphan_two_holders);
	ADD(s, rc_reclaim_uncommitted_layout);
	ADD(s, rc_resend_same_answer);
	return h_run_suite(s, prefix);
}
