// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of net/msg_token.c: TOKEN_GET, TOKEN_PUT, LOCK, UNLOCK and the
 * REVOKE and LOCK_WAKE callbacks. Golden bytes are written by hand from
 * Documentation/protocol.rst; every sample round-trips, is rejected when
 * cut short or given a trailing byte, and every rule is broken once on
 * the wire (-EBADMSG) and once in the struct (-EINVAL).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xsanfs/msg.h"
#include "unit.h"

static u8 buf[4096];

static int dec_req(u16 op, const void *src, u32 len, struct xsan_req *r)
{
	void *p = malloc(len ? len : 1);
	int err;

	ck_assert_ptr_nonnull(p);
	memcpy(p, src, len);
	err = xsan_req_decode(op, p, len, r);
	free(p);
	return err;
}

static int dec_rep(u16 op, const void *src, u32 len, struct xsan_rep *r)
{
	void *p = malloc(len ? len : 1);
	int err;

	ck_assert_ptr_nonnull(p);
	memcpy(p, src, len);
	err = xsan_rep_decode(op, p, len, r);
	free(p);
	return err;
}

static int dec_cb(u16 op, const void *src, u32 len, struct xsan_req *r)
{
	void *p = malloc(len ? len : 1);
	int err;

	ck_assert_ptr_nonnull(p);
	memcpy(p, src, len);
	err = xsan_cb_decode(op, p, len, r);
	free(p);
	return err;
}

static int enc_req(const struct xsan_req *r, u32 *len)
{
	struct xsan_put w;

	xsan_put_init(&w, buf, sizeof(buf));
	xsan_req_encode(&w, r);
	*len = w.len;
	return w.err;
}

static int enc_rep(const struct xsan_rep *r, u32 *len)
{
	struct xsan_put w;

	xsan_put_init(&w, buf, sizeof(buf));
	xsan_rep_encode(&w, r);
	*len = w.len;
	return w.err;
}

static int enc_cb(const struct xsan_req *r, u32 *len)
{
	struct xsan_put w;

	xsan_put_init(&w, buf, sizeof(buf));
	xsan_cb_encode(&w, r);
	*len = w.len;
	return w.err;
}

static const struct xsan_fid fid = { 0x0102030405060708ull, 9 };

static struct xsan_cred cred(void)
{
	struct xsan_cred c = { .uid = 1000, .gid = 100, .ngroups = 1 };

	c.groups[0] = 5;
	return c;
}

/* Bytes of a cred {1000, 100, 0, 1, [5]} and of the fid above. */
#define CRED_BYTES 0xe8, 3, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, \
		   5, 0, 0, 0
#define FID_BYTES 8, 7, 6, 5, 4, 3, 2, 1, 9, 0, 0, 0

static void ck_golden(const u8 *want, u32 wlen, u32 len, const char *what)
{
	ck_assert_msg(len == wlen, "%s: %u bytes, want %u", what, len, wlen);
	ck_assert_msg(!memcmp(buf, want, len), "%s: bytes differ", what);
}

/* Every cut is malformed, and so is a trailing byte. */
static void ck_cuts_req(u16 op, const u8 *wire, u32 len)
{
	struct xsan_req r;
	u8 more[256];
	u32 i;

	for (i = 0; i < len; i++)
		ck_assert_msg(dec_req(op, wire, i, &r) == -EBADMSG,
			      "%s cut at %u decoded", xsan_op_name(op), i);
	memcpy(more, wire, len);
	more[len] = 0;
	ck_assert_int_eq(dec_req(op, more, len + 1, &r), -EBADMSG);
}

static void ck_cuts_rep(u16 op, const u8 *wire, u32 len)
{
	struct xsan_rep r;
	u8 more[256];
	u32 i;

	for (i = 0; i < len; i++)
		ck_assert_msg(dec_rep(op, wire, i, &r) == -EBADMSG,
			      "%s reply cut at %u decoded", xsan_op_name(op), i);
	memcpy(more, wire, len);
	more[len] = 0;
	ck_assert_int_eq(dec_rep(op, more, len + 1, &r), -EBADMSG);
}

static void ck_cuts_cb(u16 op, const u8 *wire, u32 len)
{
	struct xsan_req r;
	u8 more[256];
	u32 i;

	for (i = 0; i < len; i++)
		ck_assert_msg(dec_cb(op, wire, i, &r) == -EBADMSG,
			      "%s cut at %u decoded", xsan_op_name(op), i);
	memcpy(more, wire, len);
	more[len] = 0;
	ck_assert_int_eq(dec_cb(op, more, len + 1, &r), -EBADMSG);
}

START_TEST(msgtok_token_get)
{
	static const u8 want[] = { CRED_BYTES, FID_BYTES,
				   0x18, 0, 0, 0, 1, 0, 0, 0 };
	struct xsan_req r = { .op = XSAN_OP_TOKEN_GET, .cred = cred(), .fid = fid };
	struct xsan_req d;
	u8 bad[sizeof(want)];
	u32 len;

	ck_assert(xsan_op_known(XSAN_OP_TOKEN_GET));
	r.tok.types = XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR;
	r.tok.flags = XSAN_TOKF_TRY;
	ck_assert_int_eq(enc_req(&r, &len), 0);
	ck_golden(want, sizeof(want), len, "TOKEN_GET");
	ck_assert_int_eq(dec_req(XSAN_OP_TOKEN_GET, want, len, &d), 0);
	ck_assert_uint_eq(d.fid.ino, fid.ino);
	ck_assert_uint_eq(d.fid.gen, 9);
	ck_assert_uint_eq(d.cred.uid, 1000);
	ck_assert_uint_eq(d.cred.groups[0], 5);
	ck_assert_uint_eq(d.tok.types, 0x18);
	ck_assert_uint_eq(d.tok.flags, 1);
	ck_cuts_req(XSAN_OP_TOKEN_GET, want, sizeof(want));

	/* Rules: no types, unknown types, unknown flags, fid 0. */
	memcpy(bad, want, sizeof(bad));
	bad[32] = 0;
	ck_assert_int_eq(dec_req(XSAN_OP_TOKEN_GET, bad, sizeof(bad), &d), -EBADMSG);
	bad[32] = 0x40;
	ck_assert_int_eq(dec_req(XSAN_OP_TOKEN_GET, bad, sizeof(bad), &d), -EBADMSG);
	memcpy(bad, want, sizeof(bad));
	bad[36] = 4;	/* unknown flag */
	ck_assert_int_eq(dec_req(XSAN_OP_TOKEN_GET, bad, sizeof(bad), &d), -EBADMSG);
	bad[36] = 3;	/* RECLAIM with TRY */
	ck_assert_int_eq(dec_req(XSAN_OP_TOKEN_GET, bad, sizeof(bad), &d), -EBADMSG);
	bad[36] = XSAN_TOKF_RECLAIM;
	ck_assert_int_eq(dec_req(XSAN_OP_TOKEN_GET, bad, sizeof(bad), &d), 0);
	ck_assert_uint_eq(d.tok.flags, XSAN_TOKF_RECLAIM);
	memcpy(bad, want, sizeof(bad));
	memset(bad + 20, 0, 8);
	ck_assert_int_eq(dec_req(XSAN_OP_TOKEN_GET, bad, sizeof(bad), &d), -EBADMSG);
	r.tok.types = 0;
	ck_assert_int_eq(enc_req(&r, &len), -EINVAL);
	r.tok.types = 0x40;
	ck_assert_int_eq(enc_req(&r, &len), -EINVAL);
	r.tok.types = XSAN_TOK_DIO;
	r.tok.flags = 4;
	ck_assert_int_eq(enc_req(&r, &len), -EINVAL);
	r.tok.flags = XSAN_TOKF_RECLAIM | XSAN_TOKF_TRY;
	ck_assert_int_eq(enc_req(&r, &len), -EINVAL);
	r.tok.flags = XSAN_TOKF_RECLAIM;
	ck_assert_int_eq(enc_req(&r, &len), 0);
}
END_TEST

START_TEST(msgtok_token_get_reply)
{
	struct xsan_rep r = { .op = XSAN_OP_TOKEN_GET }, d;
	static const u8 want0[] = { 0x21, 0, 0, 0, 0, 0, 0, 0 };
	u8 bad[256];
	u32 len;

	r.tok.granted = XSAN_TOK_ATTR_RD | XSAN_TOK_DIO;
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	ck_golden(want0, sizeof(want0), len, "TOKEN_GET reply");
	ck_assert_int_eq(dec_rep(XSAN_OP_TOKEN_GET, want0, 8, &d), 0);
	ck_assert_uint_eq(d.tok.granted, 0x21);
	ck_assert_uint_eq(d.nattr, 0);
	ck_cuts_rep(XSAN_OP_TOKEN_GET, want0, sizeof(want0));

	/* With the attribute: 8 + 88 bytes, and it round-trips. */
	r.nattr = 1;
	r.attr[0].ino = 7;
	r.attr[0].mode = 0100644;
	r.attr[0].size = 12345;
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	ck_assert_uint_eq(len, 104);
	memcpy(bad, buf, len);
	ck_assert_int_eq(dec_rep(XSAN_OP_TOKEN_GET, bad, len, &d), 0);
	ck_assert_uint_eq(d.nattr, 1);
	ck_assert_uint_eq(d.attr[0].size, 12345);
	ck_cuts_rep(XSAN_OP_TOKEN_GET, bad, len);

	/* nattr 2, granted 0, granted unknown, attr of mode 0 */
	bad[4] = 2;
	ck_assert_int_eq(dec_rep(XSAN_OP_TOKEN_GET, bad, len, &d), -EBADMSG);
	bad[4] = 1;
	bad[0] = 0;
	ck_assert_int_eq(dec_rep(XSAN_OP_TOKEN_GET, bad, len, &d), -EBADMSG);
	bad[0] = 0x80;
	ck_assert_int_eq(dec_rep(XSAN_OP_TOKEN_GET, bad, len, &d), -EBADMSG);
	bad[0] = 1;
	memset(bad + 8 + 12, 0, 4);
	ck_assert_int_eq(dec_rep(XSAN_OP_TOKEN_GET, bad, len, &d), -EBADMSG);
	r.nattr = 2;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	r.nattr = 0;
	r.tok.granted = 0;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	r.tok.granted = 0x40;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
}
END_TEST

START_TEST(msgtok_token_put)
{
	static const u8 want[] = { FID_BYTES, 0x10, 0, 0, 0,
				   0x2a, 0, 0, 0, 0, 0, 0, 0 };
	struct xsan_req r = { .op = XSAN_OP_TOKEN_PUT, .fid = fid }, d;
	struct xsan_rep p = { .op = XSAN_OP_TOKEN_PUT }, pd;
	u8 bad[sizeof(want)];
	u32 len;

	r.tok.types = XSAN_TOK_DATA_WR;
	r.tok.revoke = 42;
	ck_assert_int_eq(enc_req(&r, &len), 0);
	ck_golden(want, sizeof(want), len, "TOKEN_PUT");
	ck_assert_int_eq(dec_req(XSAN_OP_TOKEN_PUT, want, len, &d), 0);
	ck_assert_uint_eq(d.tok.types, XSAN_TOK_DATA_WR);
	ck_assert_uint_eq(d.tok.revoke, 42);
	ck_cuts_req(XSAN_OP_TOKEN_PUT, want, sizeof(want));
	/* An ack of nothing held is fine; nothing at all is not. */
	memcpy(bad, want, sizeof(bad));
	bad[12] = 0;
	ck_assert_int_eq(dec_req(XSAN_OP_TOKEN_PUT, bad, sizeof(bad), &d), 0);
	bad[16] = 0;
	ck_assert_int_eq(dec_req(XSAN_OP_TOKEN_PUT, bad, sizeof(bad), &d), -EBADMSG);
	bad[12] = 0x80;
	ck_assert_int_eq(dec_req(XSAN_OP_TOKEN_PUT, bad, sizeof(bad), &d), -EBADMSG);
	r.tok.types = 0;
	r.tok.revoke = 0;
	ck_assert_int_eq(enc_req(&r, &len), -EINVAL);
	/* The reply is empty. */
	ck_assert_int_eq(enc_rep(&p, &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(dec_rep(XSAN_OP_TOKEN_PUT, "", 0, &pd), 0);
	ck_assert_int_eq(dec_rep(XSAN_OP_TOKEN_PUT, "x", 1, &pd), -EBADMSG);
}
END_TEST

START_TEST(msgtok_lock)
{
	static const u8 want[] = { CRED_BYTES, FID_BYTES,
				   0x11, 0, 0, 0, 0, 0, 0, 0,	/* owner */
				   100, 0, 0, 0, 0, 0, 0, 0,	/* start */
				   50, 0, 0, 0, 0, 0, 0, 0,	/* length */
				   2, 0, 0, 0,			/* type WR */
				   6, 0, 0, 0 };		/* GETLK|WAIT */
	struct xsan_req r = { .op = XSAN_OP_LOCK, .cred = cred(), .fid = fid }, d;
	u8 good[sizeof(want)], bad[sizeof(want)];
	u32 len;

	r.tok.owner = 0x11;
	r.tok.start = 100;
	r.tok.length = 50;
	r.tok.type = XSAN_LOCK_WR;
	r.tok.flags = XSAN_LOCKF_WAIT;
	ck_assert_int_eq(enc_req(&r, &len), 0);
	memcpy(good, want, sizeof(good));
	good[sizeof(good) - 4] = 2;	/* WAIT */
	ck_golden(good, sizeof(good), len, "LOCK");
	ck_assert_int_eq(dec_req(XSAN_OP_LOCK, good, len, &d), 0);
	ck_assert_uint_eq(d.tok.owner, 0x11);
	ck_assert_uint_eq(d.tok.start, 100);
	ck_assert_uint_eq(d.tok.length, 50);
	ck_assert_uint_eq(d.tok.type, XSAN_LOCK_WR);
	ck_assert_uint_eq(d.tok.flags, XSAN_LOCKF_WAIT);
	ck_cuts_req(XSAN_OP_LOCK, good, sizeof(good));

	/* GETLK together with WAIT (the bytes above) is malformed. */
	ck_assert_int_eq(dec_req(XSAN_OP_LOCK, want, sizeof(want), &d), -EBADMSG);
	/* type 0 and 3; unknown flag; flock with a range; range overflow */
	memcpy(bad, good, sizeof(bad));
	bad[sizeof(bad) - 8] = 0;
	ck_assert_int_eq(dec_req(XSAN_OP_LOCK, bad, sizeof(bad), &d), -EBADMSG);
	bad[sizeof(bad) - 8] = 3;
	ck_assert_int_eq(dec_req(XSAN_OP_LOCK, bad, sizeof(bad), &d), -EBADMSG);
	memcpy(bad, good, sizeof(bad));
	bad[sizeof(bad) - 4] = 0x10;	/* unknown flag */
	ck_assert_int_eq(dec_req(XSAN_OP_LOCK, bad, sizeof(bad), &d), -EBADMSG);
	bad[sizeof(bad) - 4] = XSAN_LOCKF_RECLAIM | XSAN_LOCKF_WAIT;
	ck_assert_int_eq(dec_req(XSAN_OP_LOCK, bad, sizeof(bad), &d), -EBADMSG);
	bad[sizeof(bad) - 4] = XSAN_LOCKF_RECLAIM | XSAN_LOCKF_GETLK;
	ck_assert_int_eq(dec_req(XSAN_OP_LOCK, bad, sizeof(bad), &d), -EBADMSG);
	bad[sizeof(bad) - 4] = XSAN_LOCKF_RECLAIM;
	ck_assert_int_eq(dec_req(XSAN_OP_LOCK, bad, sizeof(bad), &d), 0);
	ck_assert_uint_eq(d.tok.flags, XSAN_LOCKF_RECLAIM);
	bad[sizeof(bad) - 4] = XSAN_LOCKF_FLOCK;
	ck_assert_int_eq(dec_req(XSAN_OP_LOCK, bad, sizeof(bad), &d), -EBADMSG);
	memcpy(bad, good, sizeof(bad));
	memset(bad + 40, 0xff, 8);	/* start 2^64-1, length 50 */
	ck_assert_int_eq(dec_req(XSAN_OP_LOCK, bad, sizeof(bad), &d), -EBADMSG);
	memset(bad + 48, 0, 8);		/* length 0 = to EOF: fine */
	bad[48] = 1;			/* one byte at the last offset: fine */
	ck_assert_int_eq(dec_req(XSAN_OP_LOCK, bad, sizeof(bad), &d), 0);

	r.tok.flags = XSAN_LOCKF_WAIT | XSAN_LOCKF_GETLK;
	ck_assert_int_eq(enc_req(&r, &len), -EINVAL);
	r.tok.flags = XSAN_LOCKF_FLOCK;
	ck_assert_int_eq(enc_req(&r, &len), -EINVAL);
	r.tok.start = 0;
	r.tok.length = 0;
	ck_assert_int_eq(enc_req(&r, &len), 0);
	r.tok.type = 0;
	ck_assert_int_eq(enc_req(&r, &len), -EINVAL);
	r.tok.type = XSAN_LOCK_RD;
	r.tok.flags = 0x10;
	ck_assert_int_eq(enc_req(&r, &len), -EINVAL);
	ck_assert(xsan_lock_range_ok(0, 0));
	ck_assert(xsan_lock_range_ok(~0ull, 1));
	ck_assert(!xsan_lock_range_ok(~0ull, 2));
	ck_assert(xsan_lock_range_ok(1, ~0ull));
	ck_assert(!xsan_lock_range_ok(2, ~0ull));
}
END_TEST

START_TEST(msgtok_lock_reply)
{
	static const u8 want[] = { 1, 0, 0, 0,
				   3, 0, 0, 0, 0, 0, 0, 0,
				   10, 0, 0, 0, 0, 0, 0, 0,
				   0, 0, 0, 0, 0, 0, 0, 0,
				   0x77, 0, 0, 0, 0, 0, 0, 0 };
	struct xsan_rep r = { .op = XSAN_OP_LOCK }, d;
	u8 bad[sizeof(want)];
	u32 len;

	ck_assert_int_eq(enc_rep(&r, &len), 0);	/* no conflict: zeros */
	ck_assert_uint_eq(len, 36);
	ck_assert_int_eq(dec_rep(XSAN_OP_LOCK, buf, len, &d), 0);
	ck_assert_uint_eq(d.tok.type, 0);
	r.tok.type = XSAN_LOCK_RD;
	r.tok.owner = 3;
	r.tok.start = 10;
	r.tok.session = 0x77;
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	ck_golden(want, sizeof(want), len, "LOCK reply");
	ck_assert_int_eq(dec_rep(XSAN_OP_LOCK, want, len, &d), 0);
	ck_assert_uint_eq(d.tok.owner, 3);
	ck_assert_uint_eq(d.tok.session, 0x77);
	ck_cuts_rep(XSAN_OP_LOCK, want, sizeof(want));
	/* type 3; a lock of session 0; type 0 with data */
	memcpy(bad, want, sizeof(bad));
	bad[0] = 3;
	ck_assert_int_eq(dec_rep(XSAN_OP_LOCK, bad, sizeof(bad), &d), -EBADMSG);
	memcpy(bad, want, sizeof(bad));
	bad[28] = 0;
	ck_assert_int_eq(dec_rep(XSAN_OP_LOCK, bad, sizeof(bad), &d), -EBADMSG);
	memcpy(bad, want, sizeof(bad));
	bad[0] = 0;
	ck_assert_int_eq(dec_rep(XSAN_OP_LOCK, bad, sizeof(bad), &d), -EBADMSG);
	r.tok.session = 0;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	r.tok.type = 0;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
}
END_TEST

START_TEST(msgtok_unlock)
{
	static const u8 want[] = { FID_BYTES,
				   5, 0, 0, 0, 0, 0, 0, 0,
				   0, 0, 0, 0, 0, 0, 0, 0,
				   0, 0, 0, 0, 0, 0, 0, 0,
				   1, 0, 0, 0 };
	struct xsan_req r = { .op = XSAN_OP_UNLOCK, .fid = fid }, d;
	struct xsan_rep p = { .op = XSAN_OP_UNLOCK }, pd;
	u8 bad[sizeof(want)];
	u32 len;

	r.tok.owner = 5;
	r.tok.flags = XSAN_LOCKF_FLOCK;
	ck_assert_int_eq(enc_req(&r, &len), 0);
	ck_golden(want, sizeof(want), len, "UNLOCK");
	ck_assert_int_eq(dec_req(XSAN_OP_UNLOCK, want, len, &d), 0);
	ck_assert_uint_eq(d.tok.owner, 5);
	ck_assert_uint_eq(d.tok.flags, XSAN_LOCKF_FLOCK);
	ck_cuts_req(XSAN_OP_UNLOCK, want, sizeof(want));
	memcpy(bad, want, sizeof(bad));
	bad[20] = 1;	/* flock with a start */
	ck_assert_int_eq(dec_req(XSAN_OP_UNLOCK, bad, sizeof(bad), &d), -EBADMSG);
	memcpy(bad, want, sizeof(bad));
	bad[36] = XSAN_LOCKF_WAIT;	/* only FLOCK is an UNLOCK flag */
	ck_assert_int_eq(dec_req(XSAN_OP_UNLOCK, bad, sizeof(bad), &d), -EBADMSG);
	bad[36] = XSAN_LOCKF_RECLAIM;
	ck_assert_int_eq(dec_req(XSAN_OP_UNLOCK, bad, sizeof(bad), &d), -EBADMSG);
	bad[36] = XSAN_LOCKF_CANCEL | XSAN_LOCKF_FLOCK;	/* cancel a flock wait */
	ck_assert_int_eq(dec_req(XSAN_OP_UNLOCK, bad, sizeof(bad), &d), 0);
	ck_assert_uint_eq(d.tok.flags, XSAN_LOCKF_CANCEL | XSAN_LOCKF_FLOCK);
	bad[36] = 0x20;	/* past CANCEL */
	ck_assert_int_eq(dec_req(XSAN_OP_UNLOCK, bad, sizeof(bad), &d), -EBADMSG);
	r.tok.flags = XSAN_LOCKF_CANCEL;
	ck_assert_int_eq(enc_req(&r, &len), 0);
	r.tok.flags = XSAN_LOCKF_CANCEL;	/* LOCK knows no CANCEL */
	r.op = XSAN_OP_LOCK;
	r.tok.type = XSAN_LOCK_WR;
	ck_assert_int_eq(enc_req(&r, &len), -EINVAL);
	r.op = XSAN_OP_UNLOCK;
	r.tok.type = 0;
	r.tok.flags = XSAN_LOCKF_GETLK;
	ck_assert_int_eq(enc_req(&r, &len), -EINVAL);
	ck_assert_int_eq(enc_rep(&p, &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(dec_rep(XSAN_OP_UNLOCK, "", 0, &pd), 0);
}
END_TEST

START_TEST(msgtok_callbacks)
{
	static const u8 rv[] = { FID_BYTES, 0x08, 0, 0, 0,
				 0x10, 0x20, 0, 0, 0, 0, 0, 0 };
	static const u8 wk[] = { FID_BYTES, 0x99, 0, 0, 0, 0, 0, 0, 0 };
	struct xsan_req r = { .op = XSAN_OP_REVOKE, .fid = fid }, d;
	u8 bad[sizeof(rv)];
	u32 len;

	r.tok.types = XSAN_TOK_DATA_RD;
	r.tok.revoke = 0x2010;
	ck_assert_int_eq(enc_cb(&r, &len), 0);
	ck_golden(rv, sizeof(rv), len, "REVOKE");
	ck_assert_int_eq(dec_cb(XSAN_OP_REVOKE, rv, len, &d), 0);
	ck_assert_uint_eq(d.op, XSAN_OP_REVOKE);
	ck_assert_uint_eq(d.tok.types, XSAN_TOK_DATA_RD);
	ck_assert_uint_eq(d.tok.revoke, 0x2010);
	ck_cuts_cb(XSAN_OP_REVOKE, rv, sizeof(rv));
	memcpy(bad, rv, sizeof(bad));
	bad[12] = 0;	/* nothing to revoke */
	ck_assert_int_eq(dec_cb(XSAN_OP_REVOKE, bad, sizeof(bad), &d), -EBADMSG);
	memcpy(bad, rv, sizeof(bad));
	bad[16] = bad[17] = 0;	/* revoke id 0 */
	ck_assert_int_eq(dec_cb(XSAN_OP_REVOKE, bad, sizeof(bad), &d), -EBADMSG);
	r.tok.revoke = 0;
	ck_assert_int_eq(enc_cb(&r, &len), -EINVAL);

	r.op = XSAN_OP_LOCK_WAKE;
	r.tok.owner = 0x99;
	ck_assert_int_eq(enc_cb(&r, &len), 0);
	ck_golden(wk, sizeof(wk), len, "LOCK_WAKE");
	ck_assert_int_eq(dec_cb(XSAN_OP_LOCK_WAKE, wk, len, &d), 0);
	ck_assert_uint_eq(d.tok.owner, 0x99);
	ck_cuts_cb(XSAN_OP_LOCK_WAKE, wk, sizeof(wk));

	/* Callbacks are no requests, and requests no callbacks. */
	ck_assert(!xsan_op_known(XSAN_OP_REVOKE));
	ck_assert(!xsan_op_known(XSAN_OP_LOCK_WAKE));
	ck_assert_int_eq(dec_req(XSAN_OP_REVOKE, rv, sizeof(rv), &d), -EOPNOTSUPP);
	ck_assert_int_eq(dec_cb(XSAN_OP_TOKEN_PUT, rv, sizeof(rv), &d), -EOPNOTSUPP);
	r.op = XSAN_OP_TOKEN_PUT;
	ck_assert_int_eq(enc_cb(&r, &len), -EINVAL);
}
END_TEST

/* Every sample in every too-small buffer: -EMSGSIZE, nothing past it. */
START_TEST(msgtok_small_buffers)
{
	struct xsan_req r = { .op = XSAN_OP_LOCK, .cred = cred(), .fid = fid };
	struct xsan_put w;
	u32 len, cap;

	r.tok.type = XSAN_LOCK_RD;
	r.tok.length = 1;
	ck_assert_int_eq(enc_req(&r, &len), 0);
	for (cap = 0; cap < len; cap++) {
		memset(buf, 0xa5, sizeof(buf));
		xsan_put_init(&w, buf, cap);
		ck_assert_int_eq(xsan_req_encode(&w, &r), -EMSGSIZE);
		ck_assert_uint_eq(buf[cap], 0xa5);
	}
}
END_TEST

Suite *msg_token_suite(void)
{
	Suite *s = suite_create("msg_token");

	UNIT_ADD(s, msgtok_token_get);
	UNIT_ADD(s, msgtok_token_get_reply);
	UNIT_ADD(s, msgtok_token_put);
	UNIT_ADD(s, msgtok_lock);
	UNIT_ADD(s, msgtok_lock_reply);
	UNIT_ADD(s, msgtok_unlock);
	UNIT_ADD(s, msgtok_callbacks);
	UNIT_ADD(s, msgtok_small_buffers);
	return s;
}
