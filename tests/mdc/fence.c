// SPDX-License-Identifier: GPL-2.0
/*
 * Leases fence a holder that does not answer a REVOKE (DESIGN.md 7;
 * tokens.rst, "Fencing and the timing argument"), against a live
 * xsanmdc with two simulated clients that heartbeat as a kernel client
 * does. Once a REVOKE is overdue (unanswered for the revoke timeout, one
 * lease) the holder's HEARTBEATs are answered EKEYEXPIRED and its
 * RECONNECT is refused, so its lease runs out on its own; its tokens go
 * to the waiter, and its session ends, only lease + grace after its last
 * successful renewal, as the test's own clock measures it from the send
 * time of that HEARTBEAT (the client's reckoning). A holder that answers
 * in time, or late but before that, keeps its session and its renewals.
 *
 * `build/fence PREFIX` prints one line per test, "PASS: PREFIX.fence_*"
 * (or FAIL), reasons on stderr; each test runs in its own forked child
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
#include <unistd.h>

#include "harness_check.h"

#define NCLI	2
#define HOLDER	0	/* hostA: holds DATA_WR, is asked to give it back */
#define WAITER	1	/* hostB: wants it */
#define HB_MS	250	/* heartbeat period of the simulated clients */

/*
 * The heartbeats of one client, by the test's clock (h_now_ms()). Each
 * send is timed twice: @lo before it (the MDC reads it later: a bound for
 * "must be refused" and for the order against a TOKEN_PUT of the same
 * round), @sent after it (a client counts its lease from no later: the
 * bound for "dropped no earlier than").
 */
struct hb {
	uint64_t xid;		/* the one outstanding, 0: none */
	long long lo, sent;	/* its send time, before and after */
	long long next;		/* when to send the next one */
	int ok, refused;
	long long last_ok_lo, last_ok_sent;	/* of the last answered 0 */
	long long first_refused_lo, last_refused_lo;
	long long refused_before;	/* earliest reply time of a refusal */
	int bad_status;		/* a refusal with another status than
				 * EKEYEXPIRED, or 0 */
	long long closed;	/* when the MDC closed the connection, or 0 */
};

/* A TOKEN_PUT pump() sends for client @cli at @at (0: none). */
struct put {
	int cli;
	long long at;
	uint64_t rev;
};

struct ft {
	struct mdc_h h;
	struct xsan_client c[NCLI];
	struct hb hb[NCLI];
	uint64_t put_xid[NCLI];	/* a TOKEN_PUT of pump()'s not answered yet */
	struct xsan_fid f;
	int lease_ms, grace_ms;
};

static void ft_begin(struct ft *t, int lease_s, int grace_s)
{
	struct xsan_req r = { .op = XSAN_OP_CREATE, .fid = { 1, 1 },
			      .mode = 0100644, .name = "f", .namelen = 1 };
	struct xsan_rep rep;

	memset(t, 0, sizeof(*t));
	h_begin(&t->h, t->c, NCLI);
	t->h.lease_s = lease_s;
	t->h.grace_s = grace_s;
	t->lease_ms = lease_s * 1000;
	t->grace_ms = grace_s * 1000;
	h_start_clients(&t->h, t->c, NCLI);
	r.cred = h_root();
	ck_assert_msg(!xsan_client_call(&t->c[0], &r, &rep), "create: %s",
		      t->c[0].err);
	t->f = h_fid_of(&rep.attr[0]);
}

static void ft_end(struct ft *t)
{
	h_end_clients(&t->h, t->c, NCLI);
}

/* How many times @needle occurs in the daemon's log. */
static int log_count(const struct ft *t, const char *needle)
{
	const char *p = h_log(&t->h);
	int n = 0;

	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/*
 * Until @end (test clock): heartbeat every live client every HB_MS, one
 * outstanding at a time, and record each answer in t->hb; send @put's
 * TOKEN_PUT when its time comes (before any heartbeat of that round;
 * its answer, checked, may come in a later call).
 * Returns early with the status of @wxid's reply on @wc (and @rep, *@at
 * its receive time), or -ETIMEDOUT at @end.
 */
static int pump(struct ft *t, long long end, struct xsan_client *wc,
		uint64_t wxid, struct xsan_rep *rep, long long *at,
		struct put *put)
{
	struct xsan_req hbr = { .op = XSAN_OP_HEARTBEAT };
	uint64_t rx;
	int i, st, err;

	while (h_now_ms() < end) {
		struct pollfd p[NCLI];
		long long now = h_now_ms();

		if (put && put->at && now >= put->at) {
			struct xsan_req r = { .op = XSAN_OP_TOKEN_PUT, .fid = t->f };

			r.tok.revoke = put->rev;
			ck_assert_int_eq(xsan_client_send(&t->c[put->cli], &r,
							  &t->put_xid[put->cli]), 0);
			put->at = 0;
		}
		for (i = 0; i < NCLI; i++) {
			struct hb *b = &t->hb[i];

			if (t->c[i].fd < 0 || b->xid || now < b->next)
				continue;
			b->lo = now;
			ck_assert_int_eq(xsan_client_send(&t->c[i], &hbr, &b->xid), 0);
			b->sent = h_now_ms();
			b->next = b->sent + HB_MS;
		}
		for (i = 0; i < NCLI; i++) {
			p[i].fd = t->c[i].fd;
			p[i].events = POLLIN;
			p[i].revents = 0;
		}
		if (poll(p, NCLI, 20) <= 0)
			continue;
		for (i = 0; i < NCLI; i++) {
			struct hb *b = &t->hb[i];

			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			err = xsan_client_recv(&t->c[i], &rx, &st, rep);
			now = h_now_ms();
			if (err) {	/* closed by the MDC (the lib closed it too) */
				b->closed = now;
				b->xid = 0;
				if (&t->c[i] == wc)
					return err;
				continue;
			}
			if (b->xid && rx == b->xid) {
				b->xid = 0;
				if (!st) {
					b->ok++;
					b->last_ok_lo = b->lo;
					b->last_ok_sent = b->sent;
					continue;
				}
				if (!b->refused++) {
					b->first_refused_lo = b->lo;
					b->refused_before = now;
				}
				b->last_refused_lo = b->lo;
				if (st != EKEYEXPIRED)
					b->bad_status = st;
				continue;
			}
			if (t->put_xid[i] && rx == t->put_xid[i]) {
				ck_assert_int_eq(st, 0);
				t->put_xid[i] = 0;
				continue;
			}
			if (&t->c[i] == wc && rx == wxid) {
				if (at)
					*at = now;
				return -st;
			}
			ck_abort_msg("client %d: reply to xid %llu, not ours", i,
				     (unsigned long long)rx);
		}
	}
	return -ETIMEDOUT;
}

/* Pump until no client has a reply outstanding (5 s at most). */
static void pump_settle(struct ft *t)
{
	long long end = h_now_ms() + h_ms(5000);
	struct xsan_rep rep;
	int i, busy = 1;

	while (busy && h_now_ms() < end) {
		(void)pump(t, h_now_ms() + 50, NULL, 0, &rep, NULL, NULL);
		for (i = 0, busy = 0; i < NCLI; i++)
			busy |= t->c[i].fd >= 0 && (t->hb[i].xid || t->put_xid[i]);
	}
	ck_assert_msg(!busy, "replies still outstanding");
}

/*
 * The holder takes DATA_WR, the waiter asks for it: returns the waiter's
 * xid, the REVOKE in *@cb and in *@rv the time it arrived (the MDC sent it
 * no later, so its revoke timeout ends no later than *@rv + one lease).
 */
static uint64_t holder_revoked(struct ft *t, struct xsan_cb *cb, long long *rv)
{
	uint64_t xid;
	int n;

	ck_assert_int_eq(h_tget(&t->c[HOLDER], &t->f, XSAN_TOK_DATA_WR, 0), 0);
	xid = h_tget_send(&t->c[WAITER], &t->f, XSAN_TOK_DATA_WR);
	n = xsan_client_cb_wait(&t->c[HOLDER], cb, h_ms(5000));
	*rv = h_now_ms();
	ck_assert_msg(n == 1, "no REVOKE: %s", t->c[HOLDER].err);
	ck_assert_uint_eq(cb->r.op, XSAN_OP_REVOKE);
	ck_assert_uint_eq(cb->r.tok.types, XSAN_TOK_DATA_WR);
	return xid;
}

/* (a) Renewals stop, EKEYEXPIRED, once the REVOKE is overdue; logged once. */
START_TEST(fence_heartbeat_refused)
{
	struct hb *a;
	struct xsan_rep rep;
	struct xsan_cb cb;
	struct ft t;
	long long rv, t0;
	uint64_t xid;
	char line[160];

	ft_begin(&t, 1, 1);
	a = &t.hb[HOLDER];
	t0 = h_now_ms();
	xid = holder_revoked(&t, &cb, &rv);
	/* Past the revoke timeout, as long as the session lasts. */
	ck_assert_int_eq(pump(&t, rv + h_ms(10000), &t.c[WAITER], xid, &rep,
			      NULL, NULL), 0);
	ck_assert_msg(a->ok >= 1, "no renewal at all after the REVOKE");
	ck_assert_msg(a->refused >= 1,
		      "HEARTBEATs never refused; the last renewal was sent %lld ms after the REVOKE arrived",
		      a->last_ok_lo - rv);
	ck_assert_msg(!a->bad_status, "a HEARTBEAT refused with %d, not EKEYEXPIRED",
		      a->bad_status);
	/* Every one sent once the timeout surely ran out was refused... */
	ck_assert_msg(a->last_ok_lo < rv + t.lease_ms,
		      "renewed by a HEARTBEAT sent %lld ms after the REVOKE arrived (timeout %d ms)",
		      a->last_ok_lo - rv, t.lease_ms);
	/* ...and none answered before it could have run out. */
	ck_assert_msg(a->refused_before >= t0 + t.lease_ms,
		      "refused %lld ms after the REVOKE was asked for",
		      a->refused_before - t0);
	snprintf(line, sizeof(line),
		 "session %016llx has not answered a revoke of DATA_WR on inode %llu for",
		 (unsigned long long)t.c[HOLDER].session,
		 (unsigned long long)t.f.ino);
	ck_assert_msg(h_log_wait(&t.h, "evicted host 'hostA'", h_ms(2000)) &&
		      log_count(&t, line) == 1 &&
		      log_count(&t, "its lease is no longer renewed") == 1 &&
		      strstr(h_log(&t.h), "host 'hostA'"),
		      "log:\n%s", h_log(&t.h));
	ft_end(&t);
}
END_TEST

/*
 * (b) The waiter gets the token, and the holder's session ends, no
 * earlier than the holder's last successful renewal + lease + grace
 * (from that HEARTBEAT's send time: the client's own reckoning), and no
 * later than about the REVOKE + revoke timeout + lease + grace.
 */
START_TEST(fence_evict_after_lease)
{
	struct hb *a;
	struct xsan_rep rep;
	struct xsan_cb cb;
	struct ft t;
	long long rv, granted, t0;
	uint64_t xid;
	char line[160];

	ft_begin(&t, 1, 1);
	a = &t.hb[HOLDER];
	t0 = h_now_ms();
	xid = holder_revoked(&t, &cb, &rv);
	ck_assert_int_eq(pump(&t, rv + h_ms(10000), &t.c[WAITER], xid, &rep,
			      &granted, NULL), 0);
	ck_assert_uint_eq(rep.tok.granted, XSAN_TOK_DATA_WR);
	ck_assert_msg(a->ok >= 1, "no renewal at all after the REVOKE");
	ck_assert_msg(granted >= a->last_ok_sent + t.lease_ms + t.grace_ms,
		      "granted %lld ms after the holder's last renewal was sent, before lease + grace = %d ms",
		      granted - a->last_ok_sent, t.lease_ms + t.grace_ms);
	/* revoke timeout + lease + grace, a heartbeat period, ticks */
	ck_assert_msg(granted - t0 <= 2 * t.lease_ms + t.grace_ms + h_ms(1000),
		      "granted only %lld ms after the TOKEN_GET", granted - t0);
	/* The holder's connection went with its session, not before. */
	(void)pump(&t, h_now_ms() + h_ms(2000), &t.c[HOLDER], 0, &rep, NULL, NULL);
	ck_assert_msg(a->closed, "the holder's connection is still open");
	ck_assert_msg(a->closed >= a->last_ok_sent + t.lease_ms + t.grace_ms,
		      "holder dropped %lld ms after its last renewal was sent",
		      a->closed - a->last_ok_sent);
	snprintf(line, sizeof(line), "did not answer a revoke of DATA_WR on inode %llu",
		 (unsigned long long)t.f.ino);
	ck_assert_msg(h_log_wait(&t.h, "evicted host 'hostA'", h_ms(2000)) &&
		      strstr(h_log(&t.h), line), "log:\n%s", h_log(&t.h));
	ck_assert_int_eq(t.hb[WAITER].refused, 0);
	ft_end(&t);
}
END_TEST

/*
 * (c) A holder that answers just before its REVOKE is overdue keeps its
 * session and its renewals; one that answers late (renewals stopped, its
 * lease not yet out) has them renewed again and is not evicted.
 */
START_TEST(fence_answer_keeps_session)
{
	struct hb *a = NULL, *b = NULL;
	struct xsan_rep rep;
	struct xsan_cb cb;
	struct ft t;
	struct put put;
	long long rv;
	uint64_t xid;
	int n;

	/* A 2 s lease: "just before" leaves the daemon 500 ms. */
	ft_begin(&t, 2, 1);
	a = &t.hb[HOLDER];
	b = &t.hb[WAITER];
	xid = holder_revoked(&t, &cb, &rv);
	put = (struct put){ HOLDER, rv + t.lease_ms - 500, cb.r.tok.revoke };
	ck_assert_int_eq(pump(&t, rv + h_ms(10000), &t.c[WAITER], xid, &rep,
			      NULL, &put), 0);
	/* Heartbeat past where the revoke would have been overdue, and
	 * lease + grace after that: nothing refused, nobody dropped.
	 */
	(void)pump(&t, rv + 2 * t.lease_ms + t.grace_ms + 1000, NULL, 0, &rep,
		   NULL, NULL);
	ck_assert_msg(!a->refused && !a->closed,
		      "holder that answered in time: %d refused, closed %lld ms after the REVOKE",
		      a->refused, a->closed ? a->closed - rv : 0);
	ck_assert_msg(a->last_ok_lo > rv + 2 * t.lease_ms,
		      "holder's renewals stopped");
	ck_assert_int_eq(h_tget(&t.c[HOLDER], &t.f, XSAN_TOK_ATTR_RD, 0), 0);
	ck_assert_int_eq(log_count(&t, "no longer renewed"), 0);

	/* Now B holds DATA_WR, A wants it back, and B answers late. */
	pump_settle(&t);
	xid = h_tget_send(&t.c[HOLDER], &t.f, XSAN_TOK_DATA_WR);
	n = xsan_client_cb_wait(&t.c[WAITER], &cb, h_ms(5000));
	rv = h_now_ms();
	ck_assert_msg(n == 1, "no REVOKE: %s", t.c[WAITER].err);
	ck_assert_uint_eq(cb.r.tok.types, XSAN_TOK_DATA_WR);
	put = (struct put){ WAITER, rv + t.lease_ms + 500, cb.r.tok.revoke };
	ck_assert_int_eq(pump(&t, rv + h_ms(10000), &t.c[HOLDER], xid, &rep,
			      NULL, &put), 0);
	ck_assert_uint_eq(rep.tok.granted, XSAN_TOK_DATA_WR);
	ck_assert_msg(b->refused >= 1,
		      "late holder: no HEARTBEAT refused (the last renewal was sent %lld ms after the REVOKE)",
		      b->last_ok_lo - rv);
	ck_assert_int_eq(b->bad_status, 0);
	ck_assert_msg(b->first_refused_lo >= rv, "refused before the REVOKE");
	/* Past any eviction time: its renewals came back. */
	(void)pump(&t, rv + 2 * t.lease_ms + t.grace_ms + 2000, NULL, 0, &rep,
		   NULL, NULL);
	ck_assert_msg(!b->closed, "late holder dropped %lld ms after the REVOKE",
		      b->closed - rv);
	ck_assert_msg(b->last_ok_lo >= rv + t.lease_ms + 500 &&
		      b->last_refused_lo < rv + t.lease_ms + 500,
		      "late holder: renewals not back after its answer (last renewal sent %lld ms, last refusal %lld ms after the REVOKE)",
		      b->last_ok_lo - rv, b->last_refused_lo - rv);
	ck_assert_int_eq(a->refused, 0);
	ck_assert_int_eq(h_tget(&t.c[WAITER], &t.f, XSAN_TOK_ATTR_RD, 0), 0);
	ck_assert_int_eq(log_count(&t, "evicted host"), 0);
	ck_assert_int_eq(log_count(&t, "answered its overdue revokes; lease renewed again"), 1);
	ft_end(&t);
}
END_TEST

/*
 * A RECONNECT answered 0 would renew the lease in the client's eyes: the
 * holder that owes an overdue REVOKE is refused, starts over with the
 * session AUTH gave it, and the old one still ends only lease + grace
 * after its last renewal.
 */
START_TEST(fence_reconnect_refused)
{
	struct xsan_req ga = { .op = XSAN_OP_GETATTR };
	struct hb *a;
	struct xsan_rep rep;
	struct xsan_cb cb;
	struct ft t;
	long long rv, granted, last;
	uint64_t xid, old;
	uint32_t flags = 0;
	int err;

	ft_begin(&t, 1, 1);
	a = &t.hb[HOLDER];
	xid = holder_revoked(&t, &cb, &rv);
	/* Heartbeat until the first refusal. */
	while (!a->refused && h_now_ms() < rv + h_ms(5000)) {
		err = pump(&t, h_now_ms() + 50, &t.c[WAITER], xid, &rep, NULL,
			   NULL);
		ck_assert_msg(err == -ETIMEDOUT,
			      "the waiter was answered (%d) %lld ms after the REVOKE, before any HEARTBEAT of the holder was refused",
			      err, h_now_ms() - rv);
	}
	ck_assert_msg(a->refused, "no HEARTBEAT refused");
	last = a->last_ok_sent;
	old = t.c[HOLDER].session;
	a->xid = 0;
	err = xsan_client_reconnect(&t.c[HOLDER], "127.0.0.1", t.h.port,
				    t.h.volume, &t.h.secret, "hostA", &flags);
	ck_assert_msg(err == -EKEYEXPIRED, "RECONNECT: %d (%s)", err,
		      t.c[HOLDER].err);
	ck_assert_uint_ne(t.c[HOLDER].session, old);
	/* The fresh session works; the old one still holds the token. */
	ga.cred = h_root();
	ga.fid = t.f;
	ck_assert_int_eq(xsan_client_call(&t.c[HOLDER], &ga, &rep), 0);
	ck_assert_int_eq(pump(&t, rv + h_ms(10000), &t.c[WAITER], xid, &rep,
			      &granted, NULL), 0);
	ck_assert_msg(granted >= last + t.lease_ms + t.grace_ms,
		      "granted %lld ms after the holder's last renewal was sent",
		      granted - last);
	ck_assert_msg(h_log_wait(&t.h, "evicted host 'hostA'", h_ms(2000)) &&
		      strstr(h_log(&t.h), "which owes an overdue revoke; refused"),
		      "log:\n%s", h_log(&t.h));
	ft_end(&t);
}
END_TEST

#define ADD(s, fn) H_ADD(s, fn, h_wrapped() ? 600 : 60)

int main(int argc, char *argv[])
{
	const char *prefix = argc > 1 ? argv[1] : "mdc";
	Suite *s = suite_create("fence");

	signal(SIGPIPE, SIG_IGN);
	ADD(s, fence_heartbeat_refused);
	ADD(s, fence_evict_after_lease);
	ADD(s, fence_answer_keeps_session);
	ADD(s, fence_reconnect_refused);
	return h_run_suite(s, prefix);
}
