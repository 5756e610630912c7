// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of net/msg_layout.c: OPEN, CLOSE, LAYOUT_GET, LAYOUT_COMMIT and
 * FALLOCATE. Each message round-trips with all its fields; every rule of
 * protocol.rst ("Layouts") is broken once in the struct (encoder: -EINVAL)
 * and once on the wire (decoder: -EBADMSG); every cut of a good message
 * is refused. Decoders read heap blocks of exactly the bytes under test.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xsanfs/msg.h"
#include "unit.h"

static u8 buf[64 * 1024];

static const struct xsan_attr lattr = {
	.ino = 42, .gen = 3, .mode = 0100644, .nlink = 1, .size = 1 << 20,
	.blocks = 2048, .change = 5,
};

static void base_req(struct xsan_req *r, u16 op)
{
	memset(r, 0, sizeof(*r));
	r->op = op;
	r->cred.uid = 1000;
	r->cred.gid = 100;
	r->cred.ngroups = 1;
	r->cred.groups[0] = 7;
	r->fid.ino = 42;
	r->fid.gen = 3;
}

static u32 enc_req(const struct xsan_req *r)
{
	struct xsan_put w;

	xsan_put_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(xsan_req_encode(&w, r), 0);
	return w.len;
}

static int dec_req(u16 op, const void *src, u32 len, struct xsan_req *r)
{
	void *p = malloc(len ? len : 1);
	int err;

	memcpy(p, src, len);
	err = xsan_req_decode(op, p, len, r);
	free(p);
	return err;
}

static int dec_rep(u16 op, const void *src, u32 len, struct xsan_rep *r)
{
	void *p = malloc(len ? len : 1);
	int err;

	memcpy(p, src, len);
	err = xsan_rep_decode(op, p, len, r);
	free(p);
	return err;
}

/* Every strict prefix and one trailing byte must be refused. */
static void ck_cuts(u16 op, u32 len, bool rep)
{
	struct xsan_req q;
	struct xsan_rep p;
	u32 i;

	for (i = 0; i < len; i++)
		ck_assert_int_eq(rep ? dec_rep(op, buf, i, &p) : dec_req(op, buf, i, &q),
				 -EBADMSG);
	buf[len] = 0;
	ck_assert_int_eq(rep ? dec_rep(op, buf, len + 1, &p) :
			       dec_req(op, buf, len + 1, &q), -EBADMSG);
}

START_TEST(msg_layout_round_trip)
{
	static const struct xsan_range rg[3] = {
		{ 0, 4096 }, { 8192, 4096 }, { 1ull << 40, 1 << 20 },
	};
	struct xsan_req r, d;
	struct xsan_range got;
	u32 len, i;

	base_req(&r, XSAN_OP_OPEN);
	r.layout.flags = XSAN_OPEN_WRONLY | XSAN_OPEN_TRUNC;
	len = enc_req(&r);
	ck_assert_uint_eq(len, 16 + 4 + 12 + 4);
	ck_assert_int_eq(dec_req(XSAN_OP_OPEN, buf, len, &d), 0);
	ck_assert_uint_eq(d.layout.flags, r.layout.flags);
	ck_assert_uint_eq(d.fid.ino, 42);
	ck_assert_uint_eq(d.cred.groups[0], 7);
	ck_cuts(XSAN_OP_OPEN, len, false);
	r.layout.flags = XSAN_OPEN_RDWR | XSAN_OPEN_RECLAIM;
	len = enc_req(&r);
	ck_assert_int_eq(dec_req(XSAN_OP_OPEN, buf, len, &d), 0);
	ck_assert_uint_eq(d.layout.flags, XSAN_OPEN_RDWR | XSAN_OPEN_RECLAIM);

	base_req(&r, XSAN_OP_CLOSE);
	r.layout.handle = 0x1122334455667788ull;
	len = enc_req(&r);
	ck_assert_int_eq(dec_req(XSAN_OP_CLOSE, buf, len, &d), 0);
	ck_assert_uint_eq(d.layout.handle, r.layout.handle);
	ck_cuts(XSAN_OP_CLOSE, len, false);

	base_req(&r, XSAN_OP_LAYOUT_GET);
	r.layout.offset = 5ull << 32;
	r.layout.length = 64 << 20;
	r.layout.flags = XSAN_LG_WRITE;
	len = enc_req(&r);
	ck_assert_int_eq(dec_req(XSAN_OP_LAYOUT_GET, buf, len, &d), 0);
	ck_assert(d.layout.offset == r.layout.offset &&
		  d.layout.length == r.layout.length && d.layout.flags == 1);
	ck_cuts(XSAN_OP_LAYOUT_GET, len, false);

	base_req(&r, XSAN_OP_LAYOUT_COMMIT);
	r.layout.flags = XSAN_LC_SIZE | XSAN_LC_MTIME;
	r.layout.size = 12345;
	r.layout.mtime.sec = -5;
	r.layout.mtime.nsec = 999999999;
	r.layout.nranges = 3;
	r.layout.ranges = rg;
	len = enc_req(&r);
	ck_assert_uint_eq(len, 16 + 4 + 12 + 4 + 8 + 12 + 4 + 3 * 16);
	ck_assert_int_eq(dec_req(XSAN_OP_LAYOUT_COMMIT, buf, len, &d), 0);
	ck_assert_uint_eq(d.layout.nranges, 3);
	ck_assert(d.layout.size == 12345 && d.layout.mtime.sec == -5);
	/* d.layout.raw pointed into the freed copy: decode from buf again */
	ck_assert_int_eq(xsan_req_decode(XSAN_OP_LAYOUT_COMMIT, buf, len, &d), 0);
	for (i = 0; i < 3; i++) {
		xsan_range_at(d.layout.raw, i, &got);
		ck_assert(got.offset == rg[i].offset && got.length == rg[i].length);
	}
	/* a decoded request encodes again to the same bytes */
	{
		static u8 again[sizeof(buf)];
		struct xsan_put w;

		xsan_put_init(&w, again, sizeof(again));
		ck_assert_int_eq(xsan_req_encode(&w, &d), 0);
		ck_assert_uint_eq(w.len, len);
		ck_assert(!memcmp(again, buf, len));
	}
	ck_cuts(XSAN_OP_LAYOUT_COMMIT, len, false);

	base_req(&r, XSAN_OP_FALLOCATE);
	r.layout.flags = XSAN_FALLOC_PUNCH_HOLE | XSAN_FALLOC_KEEP_SIZE;
	r.layout.offset = 4096;
	r.layout.length = 8192;
	len = enc_req(&r);
	ck_assert_int_eq(dec_req(XSAN_OP_FALLOCATE, buf, len, &d), 0);
	ck_assert(d.layout.flags == 3 && d.layout.offset == 4096 &&
		  d.layout.length == 8192);
	ck_cuts(XSAN_OP_FALLOCATE, len, false);
}
END_TEST

START_TEST(msg_layout_rep_round_trip)
{
	static const struct xsan_extent ext[2] = {
		{ 0, 1 << 20, 1, 1000, 0 },
		{ 2 << 20, 64 << 20, 2, 77, XSAN_EXT_UNWRITTEN },
	};
	struct xsan_rep r, d;
	struct xsan_extent e;
	struct xsan_put w;

	memset(&r, 0, sizeof(r));
	r.op = XSAN_OP_LAYOUT_GET;
	r.nattr = 1;
	r.attr[0] = lattr;
	r.layout.count = 2;
	r.layout.ext = ext;
	xsan_put_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(xsan_rep_encode(&w, &r), 0);
	ck_assert_uint_eq(w.len, 4 + 96 + 4 + 2 * XSAN_EXTENT_REC);
	ck_assert_int_eq(xsan_rep_decode(XSAN_OP_LAYOUT_GET, buf, w.len, &d), 0);
	ck_assert_uint_eq(d.layout.count, 2);
	ck_assert_uint_eq(d.attr[0].ino, 42);
	xsan_extent_at(d.layout.raw, 1, &e);
	ck_assert(e.offset == ext[1].offset && e.length == ext[1].length &&
		  e.sg == 2 && e.block == 77 && e.flags == XSAN_EXT_UNWRITTEN);
	{
		static u8 again[sizeof(buf)];
		struct xsan_put w2;

		xsan_put_init(&w2, again, sizeof(again));
		ck_assert_int_eq(xsan_rep_encode(&w2, &d), 0);
		ck_assert_uint_eq(w2.len, w.len);
		ck_assert(!memcmp(again, buf, w.len));
	}
	ck_cuts(XSAN_OP_LAYOUT_GET, w.len, true);

	memset(&r, 0, sizeof(r));
	r.op = XSAN_OP_OPEN;
	r.nattr = 1;
	r.attr[0] = lattr;
	r.layout.handle = 99;
	xsan_put_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(xsan_rep_encode(&w, &r), 0);
	ck_assert_int_eq(dec_rep(XSAN_OP_OPEN, buf, w.len, &d), 0);
	ck_assert_uint_eq(d.layout.handle, 99);
	ck_cuts(XSAN_OP_OPEN, w.len, true);
	/* handle 0 on the wire */
	memset(buf + w.len - 8, 0, 8);
	ck_assert_int_eq(dec_rep(XSAN_OP_OPEN, buf, w.len, &d), -EBADMSG);
	r.layout.handle = 0;
	xsan_put_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(xsan_rep_encode(&w, &r), -EINVAL);
}
END_TEST

/* Break one rule in the struct; the encoder refuses it. Then write the
 * same broken message by hand (encode a good one, patch bytes) and the
 * decoder refuses it.
 */
static void ck_bad_req(struct xsan_req *r)
{
	struct xsan_put w;

	xsan_put_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(xsan_req_encode(&w, r), -EINVAL);
}

/* Offset of the first field after cred (1 group) and fid. */
#define AFTER_FID (16 + 4 + 12)

static void patch64(u32 at, u64 v)
{
	for (int i = 0; i < 8; i++)
		buf[at + i] = (u8)(v >> (8 * i));
}

static void patch32(u32 at, u32 v)
{
	for (int i = 0; i < 4; i++)
		buf[at + i] = (u8)(v >> (8 * i));
}

START_TEST(msg_layout_rejects)
{
	static const struct xsan_range overlap[2] = { { 0, 8192 }, { 4096, 4096 } };
	static const struct xsan_range empty[1] = { { 0, 0 } };
	struct xsan_req r, d;
	u32 len;

	/* OPEN: O_ACCMODE 3, unknown bits */
	base_req(&r, XSAN_OP_OPEN);
	r.layout.flags = 3;
	ck_bad_req(&r);
	r.layout.flags = 0x10;
	ck_bad_req(&r);
	/* TMPFILE: a regular file's mode, O_WRONLY or O_RDWR only */
	base_req(&r, XSAN_OP_TMPFILE);
	r.mode = 0100600;
	r.layout.flags = XSAN_OPEN_RDONLY;
	ck_bad_req(&r);
	r.layout.flags = XSAN_OPEN_RDWR | XSAN_OPEN_TRUNC;
	ck_bad_req(&r);
	r.layout.flags = XSAN_OPEN_WRONLY;
	r.mode = 0040700;
	ck_bad_req(&r);
	r.mode = 0600;
	ck_bad_req(&r);
	r.mode = 0100600;
	len = enc_req(&r);
	ck_assert_int_eq(dec_req(XSAN_OP_TMPFILE, buf, len, &d), 0);
	ck_assert_uint_eq(d.mode, 0100600);
	ck_assert_uint_eq(d.layout.flags, XSAN_OPEN_WRONLY);
	patch32(AFTER_FID, 0040600);	/* a directory's mode on the wire */
	ck_assert_int_eq(dec_req(XSAN_OP_TMPFILE, buf, len, &d), -EBADMSG);
	/* the optional umask word after the flags */
	ck_assert_uint_eq(d.umask, 0);
	r.umask = XSAN_UMASK_SET | 027;
	ck_assert_uint_eq(enc_req(&r), len + 4);
	ck_assert_int_eq(dec_req(XSAN_OP_TMPFILE, buf, len + 4, &d), 0);
	ck_assert_uint_eq(d.umask, XSAN_UMASK_SET | 027);
	ck_assert_int_eq(dec_req(XSAN_OP_TMPFILE, buf, len + 2, &d), -EBADMSG);
	patch32(len, 027);	/* without SET */
	ck_assert_int_eq(dec_req(XSAN_OP_TMPFILE, buf, len + 4, &d), -EBADMSG);
	r.umask = 027;
	ck_bad_req(&r);
	r.umask = 0;
	base_req(&r, XSAN_OP_OPEN);
	/* EXEC: only the read-only open of execve(), never with O_TRUNC */
	r.layout.flags = XSAN_OPEN_EXEC | XSAN_OPEN_WRONLY;
	ck_bad_req(&r);
	r.layout.flags = XSAN_OPEN_EXEC | XSAN_OPEN_RDWR;
	ck_bad_req(&r);
	r.layout.flags = XSAN_OPEN_EXEC | XSAN_OPEN_TRUNC;
	ck_bad_req(&r);
	r.layout.flags = XSAN_OPEN_EXEC | XSAN_OPEN_RECLAIM;
	ck_assert_int_eq(dec_req(XSAN_OP_OPEN, buf, enc_req(&r), &d), 0);
	ck_assert_uint_eq(d.layout.flags, XSAN_OPEN_EXEC | XSAN_OPEN_RECLAIM);
	/* a reclaim opens again what was open: it never truncates */
	r.layout.flags = XSAN_OPEN_RECLAIM | XSAN_OPEN_TRUNC | XSAN_OPEN_RDWR;
	ck_bad_req(&r);
	r.layout.flags = 0;
	len = enc_req(&r);
	patch32(AFTER_FID, 3);
	ck_assert_int_eq(dec_req(XSAN_OP_OPEN, buf, len, &d), -EBADMSG);
	patch32(AFTER_FID, 0x80);
	ck_assert_int_eq(dec_req(XSAN_OP_OPEN, buf, len, &d), -EBADMSG);

	/* CLOSE: handle 0 */
	base_req(&r, XSAN_OP_CLOSE);
	ck_bad_req(&r);
	r.layout.handle = 1;
	len = enc_req(&r);
	patch64(AFTER_FID, 0);
	ck_assert_int_eq(dec_req(XSAN_OP_CLOSE, buf, len, &d), -EBADMSG);

	/* LAYOUT_GET: length 0, overflow past the largest file, flags */
	base_req(&r, XSAN_OP_LAYOUT_GET);
	r.layout.offset = 0;
	r.layout.length = 0;
	ck_bad_req(&r);
	r.layout.offset = XSAN_FILE_MAX;
	r.layout.length = 2;
	ck_bad_req(&r);
	r.layout.offset = 0;
	r.layout.length = 1;
	r.layout.flags = 2;
	ck_bad_req(&r);
	r.layout.flags = 0;
	len = enc_req(&r);
	patch64(AFTER_FID + 8, 0);
	ck_assert_int_eq(dec_req(XSAN_OP_LAYOUT_GET, buf, len, &d), -EBADMSG);
	patch64(AFTER_FID, ~0ull);
	patch64(AFTER_FID + 8, 1);
	ck_assert_int_eq(dec_req(XSAN_OP_LAYOUT_GET, buf, len, &d), -EBADMSG);
	patch64(AFTER_FID, 0);
	patch32(AFTER_FID + 16, 0x10);
	ck_assert_int_eq(dec_req(XSAN_OP_LAYOUT_GET, buf, len, &d), -EBADMSG);

	/* LAYOUT_COMMIT: overlapping, empty, unsorted ranges; size without
	 * flag; nothing at all; too many ranges
	 */
	base_req(&r, XSAN_OP_LAYOUT_COMMIT);
	r.layout.nranges = 2;
	r.layout.ranges = overlap;
	ck_bad_req(&r);
	r.layout.nranges = 1;
	r.layout.ranges = empty;
	ck_bad_req(&r);
	r.layout.nranges = 0;
	ck_bad_req(&r);
	r.layout.size = 5;
	r.layout.flags = XSAN_LC_MTIME;
	ck_bad_req(&r);
	r.layout.size = 0;
	r.layout.mtime.sec = 1;
	r.layout.flags = XSAN_LC_SIZE;
	ck_bad_req(&r);
	r.layout.mtime.sec = 0;
	r.layout.nranges = XSAN_COMMIT_RANGE_MAX + 1;
	r.layout.ranges = overlap;
	ck_bad_req(&r);
	r.layout.nranges = 2;
	r.layout.ranges = (const struct xsan_range[2]){ { 0, 4096 }, { 8192, 4096 } };
	len = enc_req(&r);
	ck_assert_int_eq(dec_req(XSAN_OP_LAYOUT_COMMIT, buf, len, &d), 0);
	/* second range starts inside the first */
	patch64(AFTER_FID + 4 + 8 + 12 + 4 + 16, 100);
	ck_assert_int_eq(dec_req(XSAN_OP_LAYOUT_COMMIT, buf, len, &d), -EBADMSG);
	/* count larger than the bytes */
	len = enc_req(&r);
	patch32(AFTER_FID + 4 + 8 + 12, 3);
	ck_assert_int_eq(dec_req(XSAN_OP_LAYOUT_COMMIT, buf, len, &d), -EBADMSG);
	patch32(AFTER_FID + 4 + 8 + 12, 0xffffffffu);
	ck_assert_int_eq(dec_req(XSAN_OP_LAYOUT_COMMIT, buf, len, &d), -EBADMSG);
	/* size set without XSAN_LC_SIZE */
	len = enc_req(&r);
	patch32(AFTER_FID, 0);
	patch64(AFTER_FID + 4, 0);
	ck_assert_int_eq(dec_req(XSAN_OP_LAYOUT_COMMIT, buf, len, &d), 0);
	patch64(AFTER_FID + 4, 9);
	ck_assert_int_eq(dec_req(XSAN_OP_LAYOUT_COMMIT, buf, len, &d), -EBADMSG);

	/* FALLOCATE: PUNCH_HOLE without KEEP_SIZE, unknown modes */
	base_req(&r, XSAN_OP_FALLOCATE);
	r.layout.length = 1;
	r.layout.flags = XSAN_FALLOC_PUNCH_HOLE;
	ck_bad_req(&r);
	r.layout.flags = 0x20;
	ck_bad_req(&r);
	r.layout.flags = XSAN_FALLOC_ZERO_RANGE | XSAN_FALLOC_PUNCH_HOLE |
			 XSAN_FALLOC_KEEP_SIZE;
	ck_bad_req(&r);
	r.layout.flags = 0;
	len = enc_req(&r);
	patch32(AFTER_FID, XSAN_FALLOC_PUNCH_HOLE);
	ck_assert_int_eq(dec_req(XSAN_OP_FALLOCATE, buf, len, &d), -EBADMSG);
}
END_TEST

START_TEST(msg_layout_rep_rejects)
{
	struct xsan_extent ext[2] = {
		{ 0, 8192, 0, 1, 0 }, { 4096, 4096, 0, 9, 0 },
	};
	struct xsan_rep r, d;
	struct xsan_put w;
	u32 at;

	memset(&r, 0, sizeof(r));
	r.op = XSAN_OP_LAYOUT_GET;
	r.nattr = 1;
	r.attr[0] = lattr;
	r.layout.count = 2;
	r.layout.ext = ext;
	xsan_put_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(xsan_rep_encode(&w, &r), -EINVAL);	/* overlap */
	ext[1].offset = 8192;
	ext[1].flags = 4;
	xsan_put_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(xsan_rep_encode(&w, &r), -EINVAL);	/* flags */
	ext[1].flags = 0;
	ext[1].length = 0;
	xsan_put_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(xsan_rep_encode(&w, &r), -EINVAL);	/* empty */
	ext[1].length = 4096;
	r.layout.count = XSAN_LAYOUT_EXT_MAX + 1;
	xsan_put_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(xsan_rep_encode(&w, &r), -EINVAL);
	r.layout.count = 2;
	r.nattr = 2;
	xsan_put_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(xsan_rep_encode(&w, &r), -EINVAL);
	r.nattr = 1;
	xsan_put_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(xsan_rep_encode(&w, &r), 0);
	ck_assert_int_eq(dec_rep(XSAN_OP_LAYOUT_GET, buf, w.len, &d), 0);

	at = 4 + 96 + 4 + XSAN_EXTENT_REC;	/* second extent */
	patch64(at, 4096);			/* overlaps the first */
	ck_assert_int_eq(dec_rep(XSAN_OP_LAYOUT_GET, buf, w.len, &d), -EBADMSG);
	patch64(at, 8192);
	patch32(at + 28, 2);			/* unknown flag */
	ck_assert_int_eq(dec_rep(XSAN_OP_LAYOUT_GET, buf, w.len, &d), -EBADMSG);
	patch32(at + 28, 0);
	patch64(at + 8, 0);			/* length 0 */
	ck_assert_int_eq(dec_rep(XSAN_OP_LAYOUT_GET, buf, w.len, &d), -EBADMSG);
	patch64(at + 8, 4096);
	patch32(4 + 96, 3);			/* count beyond the bytes */
	ck_assert_int_eq(dec_rep(XSAN_OP_LAYOUT_GET, buf, w.len, &d), -EBADMSG);
	patch32(4 + 96, 2);
	patch32(0, 0);				/* nattr 0 */
	ck_assert_int_eq(dec_rep(XSAN_OP_LAYOUT_GET, buf, w.len, &d), -EBADMSG);
}
END_TEST

Suite *msg_layout_suite(void)
{
	Suite *s = suite_create("msg_layout");

	UNIT_ADD(s, msg_layout_round_trip);
	UNIT_ADD(s, msg_layout_rep_round_trip);
	UNIT_ADD(s, msg_layout_rejects);
	UNIT_ADD(s, msg_layout_rep_rejects);
	return s;
}
