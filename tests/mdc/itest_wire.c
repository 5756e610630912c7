// SPDX-License-Identifier: GPL-2.0
/*
 * The wire against a live xsanmdc: frames the client library would never
 * send (bad names, bad headers, truncated or oversized payloads), unknown
 * opcodes, the handshake's failure modes, and pipelining. What matters is
 * the blast radius: a bad frame closes its own connection with one log
 * line naming the peer, and every other client keeps being served.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "itest.h"

static uint8_t frame[XSAN_FRAME_MAX];

/* The bystander still gets answers. */
static void still_served(struct xsan_client *c)
{
	struct xsan_attr a;

	ck_assert_msg(!it_getattr(c, it_root, &a), "bystander: %s", c->err);
	ck_assert_uint_eq(a.ino, 1);
}

/* @c's connection is closed by the MDC with one log line naming it. */
static void closed_with_one_line(struct it *t, struct xsan_client *c,
				 const char *peer, const char *why)
{
	ck_assert_msg(it_wait_closed(c, it_ms(5000)), "%s: connection not closed", why);
	ck_assert_msg(it_log_wait_n(&t->h, peer, "connection closed", 1, it_ms(5000)),
		      "%s: no log line for %s:\n%s", why, peer, h_log(&t->h));
	/* Exactly one warning: the line that says why. */
	ck_assert_int_eq(it_log_lines(&t->h, peer, "; connection closed"), 1);
	if (why)
		ck_assert_msg(it_log_lines(&t->h, peer, why) == 1,
			      "want one line with '%s' for %s:\n%s", why, peer,
			      h_log(&t->h));
}

/* A LOOKUP in the root with any bytes as the name, encoded by hand. */
static size_t raw_lookup(const char *name, uint32_t len, uint64_t xid)
{
	struct xsan_cred cr = h_root();
	struct xsan_put w;

	xsan_put_init(&w, frame + XSAN_HDR_SIZE, XSAN_PAYLOAD_MAX);
	xsan_put_cred(&w, &cr);
	xsan_put_fid(&w, &it_root);
	xsan_put_u16(&w, (uint16_t)len);
	xsan_put_bytes(&w, name, len);
	ck_assert_int_eq(w.err, 0);
	return it_frame(frame, XSAN_OP_LOOKUP, xid, frame + XSAN_HDR_SIZE, w.len);
}

START_TEST(wire_bad_names)
{
	static char n256[256];
	static const struct { const char *name; uint32_t len; } bad[] = {
		{ "a/b", 3 },
		{ "a\0b", 3 },
		{ n256, 256 },
	};
	struct xsan_client bad_c, by;
	char peer[64];
	struct it t;
	size_t i, n;

	memset(n256, 'n', sizeof(n256));
	it_begin(&t);
	it_client(&t, &by, true);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct xsan_req r = { .op = XSAN_OP_LOOKUP, .cred = h_root(),
				      .fid = it_root, .name = bad[i].name,
				      .namelen = bad[i].len };
		uint64_t xid;

		it_client(&t, &bad_c, true);
		/* The library refuses to encode it... */
		ck_assert_int_eq(xsan_client_send(&bad_c, &r, &xid), -EINVAL);
		/* ...so it goes raw, and the MDC hangs up on it. */
		it_peer(&bad_c, peer);
		n = raw_lookup(bad[i].name, bad[i].len, 7);
		ck_assert_int_eq(xsan_client_send_raw(&bad_c, frame, n), 0);
		closed_with_one_line(&t, &bad_c, peer, "malformed LOOKUP request");
		xsan_client_close(&bad_c);
		still_served(&by);
	}
	/* 255 bytes is fine: the limit is exact. */
	{
		struct xsan_req r = { .op = XSAN_OP_CREATE, .cred = h_root(),
				      .fid = it_root, .mode = IT_IFREG | 0644,
				      .name = n256, .namelen = 255 };

		ck_assert_int_eq(it_call(&by, &r, NULL), 0);
		n256[255] = '\0';
		ck_assert_int_eq(it_lookup(&by, &r.cred, it_root, n256, NULL), 0);
	}
	xsan_client_close(&by);
	it_end(&t);
}
END_TEST

enum bad_kind { BAD_MAGIC, BAD_CRC, BAD_LEN, BAD_REPLY_FLAG, BAD_TRUNCATED,
		BAD_XATTR, BAD_STATUS, BAD_KINDS };

static const char *const bad_why[BAD_KINDS] = {
	[BAD_MAGIC] = "malformed frame header",
	[BAD_CRC] = "CRC mismatch",
	[BAD_LEN] = "malformed frame header",
	[BAD_REPLY_FLAG] = "a reply or callback frame where a request belongs",
	[BAD_TRUNCATED] = "peer closed in the middle of a frame",
	[BAD_XATTR] = "malformed SETXATTR request",
	[BAD_STATUS] = "malformed frame header",
};

/* Build the bad frame of @kind; returns the bytes to send. */
static size_t bad_frame(enum bad_kind kind)
{
	struct xsan_req r = { .op = XSAN_OP_GETATTR, .cred = h_root(),
			      .fid = it_root };
	size_t n = it_frame_req(frame, &r, 9);

	switch (kind) {
	case BAD_MAGIC:
		frame[0] ^= 0xff;
		break;
	case BAD_CRC:
		frame[n - 1] ^= 0x01;	/* a payload byte */
		break;
	case BAD_LEN:
		/* Header only: len says 1 MiB, one more than a frame holds. */
		n = it_frame(frame, XSAN_OP_GETATTR, 9, NULL, 0);
		frame[12] = 0x00;
		frame[13] = 0x00;
		frame[14] = 0x10;
		frame[15] = 0x00;
		break;
	case BAD_REPLY_FLAG: {
		struct xsan_hdr h = { .version = 1, .opcode = XSAN_OP_GETATTR,
				      .flags = XSAN_F_REPLY, .len = (uint32_t)n - XSAN_HDR_SIZE,
				      .xid = 9 };

		xsan_frame_seal(frame, &h);
		break;
	}
	case BAD_STATUS: {
		struct xsan_hdr h = { .version = 1, .opcode = XSAN_OP_GETATTR,
				      .status = 5, .len = (uint32_t)n - XSAN_HDR_SIZE,
				      .xid = 9 };

		xsan_frame_seal(frame, &h);
		break;
	}
	case BAD_TRUNCATED:
		n -= 5;
		break;
	case BAD_XATTR: {
		/* A value one byte over XATTR_SIZE_MAX, encoded by hand. */
		struct xsan_cred cr = h_root();
		struct xsan_put w;
		static uint8_t val[XSAN_XATTR_SIZE_MAX + 1];

		xsan_put_init(&w, frame + XSAN_HDR_SIZE, XSAN_PAYLOAD_MAX);
		xsan_put_cred(&w, &cr);
		xsan_put_fid(&w, &it_root);
		xsan_put_u32(&w, 0);
		xsan_put_u16(&w, 6);
		xsan_put_bytes(&w, "user.v", 6);
		xsan_put_blob(&w, val, sizeof(val));
		ck_assert_int_eq(w.err, 0);
		n = it_frame(frame, XSAN_OP_SETXATTR, 9, frame + XSAN_HDR_SIZE, w.len);
		break;
	}
	default:
		break;
	}
	return n;
}

START_TEST(wire_malformed_frames)
{
	struct xsan_client bad_c, by;
	char peer[64];
	struct it t;
	int k;

	it_begin(&t);
	it_client(&t, &by, true);
	for (k = 0; k < BAD_KINDS; k++) {
		size_t n = bad_frame((enum bad_kind)k);

		/* Logged in, so only the frame itself can be the reason. */
		it_client(&t, &bad_c, true);
		it_peer(&bad_c, peer);
		ck_assert_int_eq(xsan_client_send_raw(&bad_c, frame, n), 0);
		if (k == BAD_TRUNCATED)
			shutdown(bad_c.fd, SHUT_WR);
		closed_with_one_line(&t, &bad_c, peer, bad_why[k]);
		xsan_client_close(&bad_c);
		still_served(&by);
	}
	xsan_client_close(&by);
	it_end(&t);
}
END_TEST

START_TEST(wire_unknown_opcode)
{
	static const uint16_t ops[] = { 77, 37, 47,
					XSAN_OP_REVOKE, 4000 };
	struct it t;
	size_t i, n;

	it_begin(&t);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		n = it_frame(frame, ops[i], 100 + i, "junk", 4);
		ck_assert_int_eq(xsan_client_send_raw(&t.c, frame, n), 0);
		it_recv_status(&t.c, 100 + i, EOPNOTSUPP);
		/* The connection stays usable. */
		still_served(&t.c);
	}
	ck_assert_int_eq(it_log_lines(&t.h, "; connection closed", NULL), 0);
	it_end(&t);
}
END_TEST

START_TEST(wire_pipeline_100)
{
	enum { N = 100 };
	unsigned char got[N + 1] = { 0 };
	struct xsan_rep rep;
	uint64_t xids[N], rxid;
	struct it t;
	char name[32];
	int i, st;

	it_begin(&t);
	for (i = 0; i < N; i++) {
		struct xsan_req r = { .cred = h_root(), .fid = it_root };

		if (i % 2) {
			r.op = XSAN_OP_GETATTR;
		} else {
			snprintf(name, sizeof(name), "p%d", i);
			r.op = XSAN_OP_CREATE;
			r.mode = IT_IFREG | 0600;
			r.name = name;
			r.namelen = (uint32_t)strlen(name);
		}
		ck_assert_int_eq(xsan_client_send(&t.c, &r, &xids[i]), 0);
	}
	for (i = 0; i < N; i++) {
		ck_assert_msg(!xsan_client_recv(&t.c, &rxid, &st, &rep), "%s", t.c.err);
		ck_assert_uint_ge(rxid, xids[0]);
		ck_assert_uint_le(rxid, xids[N - 1]);
		ck_assert_msg(!got[rxid - xids[0]], "xid %llu answered twice",
			      (unsigned long long)rxid);
		got[rxid - xids[0]] = 1;
		ck_assert_int_eq(st, 0);
		/* The reply is the one for that request. */
		ck_assert_uint_eq(rep.op, (rxid - xids[0]) % 2 ? XSAN_OP_GETATTR :
				  XSAN_OP_CREATE);
		if (rep.op == XSAN_OP_GETATTR)
			ck_assert_uint_eq(rep.attr[0].ino, 1);
		else
			ck_assert_uint_ne(rep.attr[0].ino, 1);
	}
	still_served(&t.c);
	it_end(&t);
}
END_TEST

/*
 * Requests pipelined in front of a GOODBYE (one segment, so the MDC reads
 * them in one go) are all answered before the connection closes: their
 * operations were committed, so losing their replies would make a client
 * redo or misreport work that happened.
 */
START_TEST(wire_pipeline_then_goodbye)
{
	enum { N = 20 };
	struct xsan_rep rep;
	uint64_t rxid;
	size_t off = 0;
	char name[32];
	int i, st;
	struct it t;

	it_begin(&t);
	for (i = 0; i < N; i++) {
		struct xsan_req r = { .op = XSAN_OP_CREATE, .cred = h_root(),
				      .fid = it_root, .mode = IT_IFREG | 0600 };

		snprintf(name, sizeof(name), "g%d", i);
		r.name = name;
		r.namelen = (uint32_t)strlen(name);
		off += it_frame_req(frame + off, &r, 1000 + i);
	}
	{
		struct xsan_req r = { .op = XSAN_OP_GOODBYE };

		off += it_frame_req(frame + off, &r, 2000);
	}
	ck_assert_int_eq(xsan_client_send_raw(&t.c, frame, off), 0);
	for (i = 0; i < N + 1; i++) {
		ck_assert_msg(!xsan_client_recv(&t.c, &rxid, &st, &rep),
			      "reply %d of %d: %s", i + 1, N + 1, t.c.err);
		ck_assert_int_eq(st, 0);
	}
	ck_assert(it_wait_closed(&t.c, it_ms(5000)));
	it_end(&t);
}
END_TEST

START_TEST(auth_wrong_secret)
{
	struct xsan_secret bad = { .len = 24 };
	struct xsan_client c;
	const char *log;
	struct it t;

	memcpy(bad.key, "wrong-secret-wrong-secre", 24);
	it_begin(&t);
	it_client(&t, &c, false);
	ck_assert_int_eq(xsan_client_login(&c, t.h.volume, &bad, "badhost"), -EACCES);
	ck_assert_msg(strstr(c.err, "authentication failed"), "c.err: %s", c.err);
	ck_assert_int_eq(c.fd, -1);
	/*
	 * The client checks the MDC's proof first, fails, and hangs up
	 * before AUTH: the MDC logs that (admin-guide.rst's line for "the
	 * client noticed"), once, with the host's name.
	 */
	ck_assert_msg(h_log_wait(&t.h, "after HELLO without authenticating", it_ms(5000)),
		      "no line for the client that gave up:\n%s", h_log(&t.h));
	ck_assert_int_eq(it_log_lines(&t.h, "without authenticating", "'badhost'"), 1);
	ck_assert_int_eq(it_log_lines(&t.h, "badhost", NULL), 1);
	/* Neither secret, nor any part of one, reaches the log. */
	log = h_log(&t.h);
	ck_assert_ptr_null(strstr(log, H_SECRET));
	ck_assert_ptr_null(strstr(log, "wrong-secret"));
	ck_assert_ptr_null(strstr(log, "0123456789abcdef"));
	xsan_client_close(&c);
	still_served(&t.c);
	it_end(&t);
}
END_TEST

/* A client that knows the secret but sends a wrong proof in AUTH. */
START_TEST(auth_bad_proof)
{
	struct xsan_req hello = { .op = XSAN_OP_HELLO, .ver_min = 1, .ver_max = 1,
				  .name = H_VOLUME, .namelen = strlen(H_VOLUME),
				  .name2 = "forger", .name2len = 6 };
	struct xsan_req auth = { .op = XSAN_OP_AUTH };
	struct xsan_client c;
	struct xsan_rep rep;
	char peer[64];
	struct it t;

	it_begin(&t);
	it_client(&t, &c, false);
	it_peer(&c, peer);
	ck_assert_int_eq(it_call(&c, &hello, &rep), 0);
	ck_assert_uint_eq(rep.version, 1);
	memset(auth.proof, 0x5a, sizeof(auth.proof));
	ck_assert_int_eq(it_call(&c, &auth, &rep), -EACCES);
	ck_assert(it_wait_closed(&c, it_ms(5000)));
	ck_assert_int_eq(it_log_lines(&t.h, peer, "failed authentication"), 1);
	ck_assert_int_eq(it_log_lines(&t.h, "forger", "failed authentication"), 1);
	/* The MDC closed it: no second line blaming the client's secret. */
	ck_assert_int_eq(it_log_lines(&t.h, "without authenticating", NULL), 0);

	/* A bad frame after HELLO: one line, the frame's. */
	{
		struct xsan_req get = { .op = XSAN_OP_GETATTR, .cred = h_root(),
					.fid = it_root };
		size_t n;

		xsan_client_close(&c);
		it_client(&t, &c, false);
		it_peer(&c, peer);
		ck_assert_int_eq(it_call(&c, &hello, &rep), 0);
		n = it_frame_req(frame, &get, 3);
		frame[0] ^= 0xff;
		ck_assert_int_eq(xsan_client_send_raw(&c, frame, n), 0);
		closed_with_one_line(&t, &c, peer, "malformed frame header");
		ck_assert_int_eq(it_log_lines(&t.h, peer, NULL), 2);	/* + connected */
	}
	xsan_client_close(&c);
	it_end(&t);
}
END_TEST

START_TEST(auth_wrong_volume)
{
	struct xsan_client c;
	struct it t;

	it_begin(&t);
	it_client(&t, &c, false);
	ck_assert_int_eq(xsan_client_login(&c, "novol", &t.h.secret, "h"), -ENOENT);
	ck_assert_msg(strstr(c.err, "unknown volume"), "c.err: %s", c.err);
	ck_assert(it_wait_closed(&c, it_ms(5000)));
	ck_assert(h_log_wait(&t.h, "unknown volume 'novol'", it_ms(5000)));
	xsan_client_close(&c);
	it_end(&t);
}
END_TEST

START_TEST(auth_version_mismatch)
{
	struct xsan_req r = { .op = XSAN_OP_HELLO, .ver_min = 9, .ver_max = 9,
			      .name = H_VOLUME, .namelen = strlen(H_VOLUME),
			      .name2 = "future", .name2len = 6 };
	struct xsan_client c;
	struct xsan_rep rep;
	uint64_t xid, rxid;
	int st = 0;
	struct it t;

	it_begin(&t);
	it_client(&t, &c, false);
	ck_assert_int_eq(xsan_client_send(&c, &r, &xid), 0);
	ck_assert_int_eq(xsan_client_recv(&c, &rxid, &st, &rep), 0);
	ck_assert_uint_eq(rxid, xid);
	ck_assert_int_eq(st, EPROTONOSUPPORT);
	/* The library keeps the range the MDC speaks, for the message. */
	ck_assert_uint_eq(c.vmin, 1);
	ck_assert_uint_eq(c.vmax, 1);
	ck_assert(it_wait_closed(&c, it_ms(5000)));
	ck_assert(h_log_wait(&t.h, "speaks protocol 9 to 9", it_ms(5000)));
	xsan_client_close(&c);
	it_end(&t);
}
END_TEST

START_TEST(auth_required_first)
{
	struct xsan_req get = { .op = XSAN_OP_GETATTR, .cred = h_root(),
				.fid = it_root };
	struct xsan_req hello = { .op = XSAN_OP_HELLO, .ver_min = 1, .ver_max = 1,
				  .name = H_VOLUME, .namelen = strlen(H_VOLUME),
				  .name2 = "h", .name2len = 1 };
	struct xsan_client c;
	struct xsan_rep rep;
	struct it t;

	it_begin(&t);
	/* Before HELLO. */
	it_client(&t, &c, false);
	ck_assert_int_eq(it_call(&c, &get, &rep), -EACCES);
	ck_assert(it_wait_closed(&c, it_ms(5000)));
	xsan_client_close(&c);
	/* After HELLO, before AUTH. */
	it_client(&t, &c, false);
	ck_assert_int_eq(it_call(&c, &hello, &rep), 0);
	ck_assert_int_eq(it_call(&c, &get, &rep), -EACCES);
	ck_assert(it_wait_closed(&c, it_ms(5000)));
	xsan_client_close(&c);
	/* Admin requests need a session too. */
	{
		struct xsan_req who = { .op = XSAN_OP_ADMIN_WHO };

		it_client(&t, &c, false);
		ck_assert_int_eq(it_call(&c, &who, &rep), -EACCES);
		ck_assert(it_wait_closed(&c, it_ms(5000)));
		xsan_client_close(&c);
	}
	ck_assert_int_eq(it_log_lines(&t.h, "before authentication; refused", NULL), 3);
	it_end(&t);
}
END_TEST

/* The MDC has another secret than the client: the client refuses it. */
START_TEST(auth_mdc_other_secret)
{
	char path[256];
	FILE *f;
	struct it t;

	it_setup(&t);
	snprintf(path, sizeof(path), "%s/%s.auth_secret", t.h.cfgdir, t.h.volume);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("an-entirely-different-secret\n", f);
	ck_assert_int_eq(fclose(f), 0);
	it_start(&t);
	ck_assert_int_eq(h_login(&t.h, &t.c), -EACCES);
	ck_assert_msg(strstr(t.c.err, "authentication failed"), "c.err: %s", t.c.err);
	ck_assert_int_eq(t.c.fd, -1);
	/* The MDC sees the client give up and says so. */
	ck_assert_msg(h_log_wait(&t.h, "after HELLO without authenticating", it_ms(5000)),
		      "%s", h_log(&t.h));
	ck_assert_int_eq(it_log_lines(&t.h, "without authenticating", "'testhost'"), 1);
	ck_assert_ptr_null(strstr(h_log(&t.h), "entirely-different"));
	it_end(&t);
}
END_TEST

/* Text a client chooses (host, volume names) cannot forge log lines. */
START_TEST(wire_log_injection)
{
	struct xsan_req hello = { .op = XSAN_OP_HELLO, .ver_min = 1, .ver_max = 1,
				  .name = "vol\nFORGED-LINE", .namelen = 15,
				  .name2 = "h", .name2len = 1 };
	struct xsan_client c;
	struct xsan_rep rep;
	struct it t;

	it_begin(&t);
	it_client(&t, &c, false);
	ck_assert_int_eq(it_call(&c, &hello, &rep), -ENOENT);
	xsan_client_close(&c);
	it_client(&t, &c, false);
	ck_assert_int_eq(xsan_client_login(&c, t.h.volume, &t.h.secret,
					   "evil\nFORGED-HOST\033[2J"), 0);
	xsan_client_close(&c);
	ck_assert(h_log_wait(&t.h, "FORGED-HOST", it_ms(5000)));
	ck_assert_ptr_null(strstr(h_log(&t.h), "\nFORGED"));
	ck_assert_ptr_null(strstr(h_log(&t.h), "\033"));
	it_end(&t);
}
END_TEST

/* A frame of exactly the largest size is read whole, then judged. */
START_TEST(wire_max_frame)
{
	struct xsan_client bad_c, by;
	char peer[64];
	size_t n;
	struct it t;

	it_begin(&t);
	it_client(&t, &by, true);
	it_client(&t, &bad_c, true);
	it_peer(&bad_c, peer);
	memset(frame + XSAN_HDR_SIZE, 0, XSAN_PAYLOAD_MAX);
	n = it_frame(frame, XSAN_OP_GETATTR, 5, frame + XSAN_HDR_SIZE,
		     XSAN_PAYLOAD_MAX);
	ck_assert_uint_eq(n, XSAN_FRAME_MAX);
	ck_assert_int_eq(xsan_client_send_raw(&bad_c, frame, n), 0);
	closed_with_one_line(&t, &bad_c, peer, "malformed GETATTR request");
	xsan_client_close(&bad_c);
	still_served(&by);
	xsan_client_close(&by);
	it_end(&t);
}
END_TEST

/*
 * More requests in flight than the MDC queues per connection (1024): it
 * stops reading that connection until the queue drains, and answers all.
 */
START_TEST(wire_pipeline_past_queue_limit)
{
	enum { N = 5000 };
	static unsigned char got[N];
	struct xsan_req r = { .op = XSAN_OP_GETATTR, .cred = h_root(),
			      .fid = it_root };
	struct xsan_rep rep;
	uint64_t first = 0, xid, rxid;
	struct it t;
	int i, st;

	it_begin(&t);
	for (i = 0; i < N; i++) {
		ck_assert_int_eq(xsan_client_send(&t.c, &r, &xid), 0);
		if (!i)
			first = xid;
	}
	for (i = 0; i < N; i++) {
		ck_assert_msg(!xsan_client_recv(&t.c, &rxid, &st, &rep), "%d: %s",
			      i, t.c.err);
		ck_assert_int_eq(st, 0);
		ck_assert_uint_lt(rxid - first, N);
		ck_assert(!got[rxid - first]);
		got[rxid - first] = 1;
	}
	still_served(&t.c);
	it_end(&t);
}
END_TEST

/* After HELLO every frame must carry the negotiated version. */
START_TEST(wire_version_after_hello)
{
	struct xsan_req r = { .op = XSAN_OP_GETATTR, .cred = h_root(),
			      .fid = it_root };
	struct xsan_client c;
	struct xsan_rep rep;
	uint64_t xid;
	int st;
	size_t n;
	struct it t;

	it_begin(&t);
	it_client(&t, &c, true);
	n = it_frame_req(frame, &r, 42);
	{
		struct xsan_hdr h = { .version = 2, .opcode = XSAN_OP_GETATTR,
				      .len = (uint32_t)n - XSAN_HDR_SIZE, .xid = 42 };

		xsan_frame_seal(frame, &h);
	}
	ck_assert_int_eq(xsan_client_send_raw(&c, frame, n), 0);
	ck_assert_int_eq(xsan_client_recv(&c, &xid, &st, &rep), 0);
	ck_assert_uint_eq(xid, 42);
	ck_assert_int_eq(st, EPROTONOSUPPORT);
	ck_assert_uint_eq(c.vmin, 1);
	ck_assert_uint_eq(c.vmax, 1);
	ck_assert(it_wait_closed(&c, it_ms(5000)));
	ck_assert_int_eq(it_log_lines(&t.h, "frame of protocol version 2", NULL), 1);
	xsan_client_close(&c);
	still_served(&t.c);
	it_end(&t);
}
END_TEST

/*
 * A client that sends its requests and then shuts down its sending side
 * (nc -N, a one-shot admin script) still gets every reply.
 */
START_TEST(wire_half_close)
{
	enum { N = 10 };
	struct xsan_rep rep;
	uint64_t rxid;
	size_t off = 0;
	char name[32];
	int i, st;
	struct it t;

	it_begin(&t);
	for (i = 0; i < N; i++) {
		struct xsan_req r = { .op = XSAN_OP_CREATE, .cred = h_root(),
				      .fid = it_root, .mode = IT_IFREG | 0600 };

		snprintf(name, sizeof(name), "h%d", i);
		r.name = name;
		r.namelen = (uint32_t)strlen(name);
		off += it_frame_req(frame + off, &r, 1 + i);
	}
	ck_assert_int_eq(xsan_client_send_raw(&t.c, frame, off), 0);
	ck_assert_int_eq(shutdown(t.c.fd, SHUT_WR), 0);
	for (i = 0; i < N; i++) {
		ck_assert_msg(!xsan_client_recv(&t.c, &rxid, &st, &rep),
			      "reply %d of %d: %s", i + 1, N, t.c.err);
		ck_assert_int_eq(st, 0);
	}
	ck_assert(it_wait_closed(&t.c, it_ms(5000)));
	it_end(&t);
}
END_TEST

Suite *it_wire_suite(void)
{
	Suite *s = suite_create("wire");

	IT_ADD(s, wire_bad_names);
	IT_ADD(s, wire_malformed_frames);
	IT_ADD(s, wire_unknown_opcode);
	IT_ADD(s, wire_pipeline_100);
	IT_ADD(s, wire_pipeline_then_goodbye);
	IT_ADD(s, wire_log_injection);
	IT_ADD(s, wire_max_frame);
	IT_ADD(s, wire_pipeline_past_queue_limit);
	IT_ADD(s, wire_version_after_hello);
	IT_ADD(s, wire_half_close);
	IT_ADD(s, auth_wrong_secret);
	IT_ADD(s, auth_bad_proof);
	IT_ADD(s, auth_wrong_volume);
	IT_ADD(s, auth_version_mismatch);
	IT_ADD(s, auth_required_first);
	IT_ADD(s, auth_mdc_other_secret);
	return s;
}
