// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the messenger's pure parts: reassembly of frames from a
 * TCP byte stream however it is cut (xsan_rx_feed()), its checks of every
 * received header and CRC, and the xid table that matches replies to
 * requests.
 */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fs/xsan.h"
#include "xsanfs/msg.h"

/* Build a sealed frame of @len payload bytes (pattern from @xid). */
static u8 *xsan_test_frame(struct kunit *test, u32 flags, u16 op, u64 xid,
			   u32 status, u32 len)
{
	struct xsan_hdr h = { .version = XSAN_PROTO_VERSION, .opcode = op,
			      .flags = flags, .len = len, .xid = xid,
			      .status = status };
	u8 *f = kunit_kzalloc(test, XSAN_HDR_SIZE + len, GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	for (i = 0; i < len; i++)
		f[XSAN_HDR_SIZE + i] = (u8)(xid * 31 + i);
	xsan_frame_seal(f, &h);
	return f;
}

/*
 * Feed @n bytes in pieces of @chunk; return the number of frames that
 * came out (checked against @want_xid[]) or the first error.
 */
static int xsan_test_feed(struct kunit *test, struct xsan_rx *rx, const u8 *p,
			  size_t n, size_t chunk, const u64 *want_xid,
			  int nwant)
{
	struct xsan_msg_buf *buf;
	size_t off = 0, piece, used;
	struct xsan_hdr h;
	int frames = 0, err;

	while (off < n) {
		piece = min(chunk, n - off);
		while (piece) {
			err = xsan_rx_feed(rx, p + off, piece, &used, &h, &buf);
			KUNIT_EXPECT_LE_MSG(test, used, piece,
					    "took %zu bytes of %zu offered", used, piece);
			if (err < 0)
				return err;
			off += used;
			piece -= used;
			if (!err) {
				KUNIT_EXPECT_EQ_MSG(test, piece, 0,
						    "asked for more with %zu bytes unread", piece);
				break;
			}
			KUNIT_EXPECT_LT_MSG(test, frames, nwant, "more frames than sent");
			if (frames < nwant)
				KUNIT_EXPECT_EQ_MSG(test, h.xid, want_xid[frames],
						    "frame %d has the wrong xid", frames);
			KUNIT_EXPECT_EQ_MSG(test, buf->len, h.len,
					    "payload length differs from the header's");
			if (buf->len)
				KUNIT_EXPECT_EQ_MSG(test, buf->data[0], (u8)(h.xid * 31),
						    "payload of xid %llu garbled", h.xid);
			kvfree(buf);
			frames++;
		}
	}
	return frames;
}

struct xsan_rx_case {
	const char *desc;
	size_t chunk;
};

static const struct xsan_rx_case xsan_rx_cases[] = {
	{ "one byte at a time", 1 },
	{ "7-byte pieces (headers split)", 7 },
	{ "31-byte pieces (one short of a header)", 31 },
	{ "32-byte pieces (exactly a header)", 32 },
	{ "33-byte pieces", 33 },
	{ "1000-byte pieces (payloads split)", 1000 },
	{ "all at once (frames joined)", SIZE_MAX },
};

static void xsan_rx_desc(const struct xsan_rx_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_rx, xsan_rx_cases, xsan_rx_desc);

/* Three frames (empty reply, 3000-byte reply, a callback) in one stream. */
static void xsan_rx_stream_test(struct kunit *test)
{
	const struct xsan_rx_case *c = test->param_value;
	static const u64 xids[] = { 5, 6, 7 };
	static const u32 lens[] = { 0, 3000, 40 };
	static const u32 flags[] = { XSAN_F_REPLY, XSAN_F_REPLY, XSAN_F_CALLBACK };
	struct xsan_rx rx = {};
	size_t total = 0, off = 0;
	u8 *stream;
	int i, got;

	for (i = 0; i < 3; i++)
		total += XSAN_HDR_SIZE + lens[i];
	stream = kunit_kzalloc(test, total, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, stream);
	for (i = 0; i < 3; i++) {
		u8 *f = xsan_test_frame(test, flags[i], XSAN_OP_GETATTR, xids[i],
					0, lens[i]);

		memcpy(stream + off, f, XSAN_HDR_SIZE + lens[i]);
		off += XSAN_HDR_SIZE + lens[i];
	}
	got = xsan_test_feed(test, &rx, stream, total, c->chunk, xids, 3);
	KUNIT_EXPECT_EQ_MSG(test, got, 3, "reassembled %d frames of 3", got);
	KUNIT_EXPECT_EQ_MSG(test, rx.hlen, 0U, "header bytes left over");
	KUNIT_EXPECT_NULL_MSG(test, rx.buf, "payload left over");
	xsan_rx_reset(&rx);
}

/* A frame the client must refuse, and the error that closes the link. */
struct xsan_rx_bad_case {
	const char *desc;
	u32 flags;
	int corrupt;	/* byte to flip, -1: none */
	u32 len;	/* written into the header after sealing if not 0 */
	int err;
};

static const struct xsan_rx_bad_case xsan_rx_bad_cases[] = {
	{ "payload byte flipped: bad CRC", XSAN_F_REPLY, XSAN_HDR_SIZE + 3, 0,
	  -EBADMSG },
	{ "xid byte flipped: bad CRC", XSAN_F_REPLY, 17, 0, -EBADMSG },
	{ "bad magic", XSAN_F_REPLY, 0, 0, -EBADMSG },
	{ "a request (no reply or callback flag)", 0, -1, 0, -EBADMSG },
	{ "reply and callback at once", XSAN_F_REPLY | XSAN_F_CALLBACK, -1, 0,
	  -EBADMSG },
	{ "unknown flag bit", XSAN_F_REPLY | 0x100, -1, 0, -EBADMSG },
	{ "length 1 MiB (header + payload over the frame limit)", XSAN_F_REPLY,
	  -1, XSAN_FRAME_MAX, -EMSGSIZE },
	{ "length 4 GiB - 1", XSAN_F_REPLY, -1, 0xffffffffu, -EMSGSIZE },
};

static void xsan_rx_bad_desc(const struct xsan_rx_bad_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_rx_bad, xsan_rx_bad_cases, xsan_rx_bad_desc);

static void xsan_rx_bad_test(struct kunit *test)
{
	const struct xsan_rx_bad_case *c = test->param_value;
	struct xsan_rx rx = {};
	u64 xid = 9;
	u8 *f;
	int got;

	f = xsan_test_frame(test, c->flags, XSAN_OP_GETATTR, xid, 0, 16);
	if (c->corrupt >= 0)
		f[c->corrupt] ^= 0x40;
	if (c->len) {
		f[12] = c->len & 0xff;
		f[13] = (c->len >> 8) & 0xff;
		f[14] = (c->len >> 16) & 0xff;
		f[15] = c->len >> 24;
	}
	got = xsan_test_feed(test, &rx, f, XSAN_HDR_SIZE + 16, 5, &xid, 1);
	KUNIT_EXPECT_EQ_MSG(test, got, c->err, "%s: feeding returned %d, want %d",
			    c->desc, got, c->err);
	KUNIT_EXPECT_EQ_MSG(test, rx.hlen, 0U, "state not reset after the error");
	KUNIT_EXPECT_NULL_MSG(test, rx.buf, "payload buffer kept after the error");
	xsan_rx_reset(&rx);
}

/* An oversize length is refused at the header, before any payload. */
static void xsan_rx_oversize_early_test(struct kunit *test)
{
	struct xsan_rx rx = {};
	struct xsan_msg_buf *buf;
	struct xsan_hdr h;
	size_t used;
	u8 *f;
	int err;

	f = xsan_test_frame(test, XSAN_F_REPLY, XSAN_OP_READDIR, 3, 0, 0);
	f[14] = 0x20;	/* len = 2 MiB */
	err = xsan_rx_feed(&rx, f, XSAN_HDR_SIZE, &used, &h, &buf);
	KUNIT_EXPECT_EQ_MSG(test, err, -EMSGSIZE,
			    "2 MiB payload length not refused at the header (%d)", err);
	KUNIT_EXPECT_EQ_MSG(test, used, (size_t)XSAN_HDR_SIZE, "header not consumed");
	xsan_rx_reset(&rx);
}

/* An error reply (status set) is a valid frame; its status comes through. */
static void xsan_rx_status_test(struct kunit *test)
{
	struct xsan_rx rx = {};
	struct xsan_msg_buf *buf = NULL;
	struct xsan_hdr h;
	size_t used;
	u8 *f;
	int err;

	f = xsan_test_frame(test, XSAN_F_REPLY, XSAN_OP_LOOKUP, 12, ENOENT, 0);
	err = xsan_rx_feed(&rx, f, XSAN_HDR_SIZE, &used, &h, &buf);
	KUNIT_EXPECT_EQ_MSG(test, err, 1, "error reply not accepted (%d)", err);
	if (err == 1) {
		KUNIT_EXPECT_EQ_MSG(test, h.status, (u32)ENOENT, "status lost");
		KUNIT_EXPECT_EQ_MSG(test, h.opcode, XSAN_OP_LOOKUP, "opcode lost");
		kvfree(buf);
	}
	xsan_rx_reset(&rx);
}

/* ---- the xid table ---------------------------------------------------- */

#define XSAN_TEST_NREQ	64

static void xsan_xid_table_test(struct kunit *test)
{
	struct xsan_msgr_req *rq, *got;
	struct rb_root root = RB_ROOT;
	int i;

	rq = kunit_kcalloc(test, XSAN_TEST_NREQ, sizeof(*rq), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rq);
	/* out of order: 1, 33, 2, 34, ... */
	for (i = 0; i < XSAN_TEST_NREQ; i++) {
		rq[i].xid = (i % 2) ? 33 + i / 2 : 1 + i / 2;
		xsan_xid_insert(&root, &rq[i]);
	}
	for (i = 0; i < XSAN_TEST_NREQ; i++) {
		got = xsan_xid_find(&root, rq[i].xid);
		KUNIT_EXPECT_PTR_EQ_MSG(test, got, &rq[i], "xid %llu not found",
					rq[i].xid);
	}
	KUNIT_EXPECT_NULL_MSG(test, xsan_xid_find(&root, 0), "xid 0 found");
	KUNIT_EXPECT_NULL_MSG(test, xsan_xid_find(&root, 1000),
			      "an xid never inserted found");

	/* cancel every third: take removes it, a second take finds nothing */
	for (i = 0; i < XSAN_TEST_NREQ; i += 3) {
		got = xsan_xid_take(&root, rq[i].xid);
		KUNIT_EXPECT_PTR_EQ_MSG(test, got, &rq[i], "take of xid %llu",
					rq[i].xid);
		KUNIT_EXPECT_TRUE_MSG(test, RB_EMPTY_NODE(&rq[i].node),
				      "taken request still looks linked");
		KUNIT_EXPECT_NULL_MSG(test, xsan_xid_take(&root, rq[i].xid),
				      "xid %llu taken twice (a late reply to a cancelled call would match)",
				      rq[i].xid);
	}
	for (i = 0; i < XSAN_TEST_NREQ; i++) {
		got = xsan_xid_find(&root, rq[i].xid);
		if (i % 3 == 0)
			KUNIT_EXPECT_NULL_MSG(test, got, "cancelled xid %llu still found",
					      rq[i].xid);
		else
			KUNIT_EXPECT_PTR_EQ_MSG(test, got, &rq[i],
						"xid %llu lost when others were cancelled",
						rq[i].xid);
	}
	/* empty it in order */
	for (i = 0; i < XSAN_TEST_NREQ; i++)
		if (i % 3)
			KUNIT_EXPECT_NOT_NULL(test, xsan_xid_take(&root, rq[i].xid));
	KUNIT_EXPECT_TRUE_MSG(test, RB_EMPTY_ROOT(&root), "table not empty at the end");
}

static struct kunit_case xsan_msgr_test_cases[] = {
	KUNIT_CASE_PARAM(xsan_rx_stream_test, xsan_rx_gen_params),
	KUNIT_CASE_PARAM(xsan_rx_bad_test, xsan_rx_bad_gen_params),
	KUNIT_CASE(xsan_rx_oversize_early_test),
	KUNIT_CASE(xsan_rx_status_test),
	KUNIT_CASE(xsan_xid_table_test),
	{}
};

static struct kunit_suite xsan_msgr_suite = {
	.name = "xsanfs_msgr",
	.test_cases = xsan_msgr_test_cases,
};

kunit_test_suites(&xsan_msgr_suite);
