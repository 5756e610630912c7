// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the message payload codec (net/msg.c), the same
 * file the kernel module builds. Input: two bytes select the opcode, the
 * rest is the payload, copied to a heap block of exactly its size so that
 * ASan sees any read past it. Besides "no crash, no ASan/UBSan report" it
 * checks, and abort()s when one breaks:
 *  - an unknown opcode is -EOPNOTSUPP, anything else 0 or -EBADMSG;
 *  - a request or reply that decodes re-encodes to exactly the same bytes,
 *    and does not fit a buffer one byte smaller (-EMSGSIZE);
 *  - the entries of a list reply walk with the xsan_*_next() functions
 *    without error and re-encode with the xsan_put_*() functions to the
 *    same bytes; so do an ADMIN_STAT and a version range;
 *  - every pointer a decoder hands out lies inside the payload.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xsanfs/msg.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* The opcodes with payloads, so most inputs exercise a real decoder. */
static const u16 ops[] = {
	XSAN_OP_AUTH, XSAN_OP_HELLO, XSAN_OP_HEARTBEAT, XSAN_OP_RECONNECT,
	XSAN_OP_GOODBYE, XSAN_OP_RECLAIM_DONE, XSAN_OP_OPEN, XSAN_OP_CLOSE,
	XSAN_OP_TMPFILE,
	XSAN_OP_LAYOUT_GET, XSAN_OP_LAYOUT_COMMIT, XSAN_OP_FALLOCATE,
	XSAN_OP_LOOKUP, XSAN_OP_GETATTR, XSAN_OP_SETATTR, XSAN_OP_READDIR,
	XSAN_OP_CREATE, XSAN_OP_MKDIR, XSAN_OP_MKNOD, XSAN_OP_SYMLINK,
	XSAN_OP_READLINK, XSAN_OP_LINK, XSAN_OP_UNLINK, XSAN_OP_RMDIR,
	XSAN_OP_RENAME, XSAN_OP_STATFS, XSAN_OP_GETXATTR, XSAN_OP_SETXATTR,
	XSAN_OP_LISTXATTR, XSAN_OP_REMOVEXATTR, XSAN_OP_NS_LIST,
	XSAN_OP_NS_LOOKUP, XSAN_OP_NS_HEARTBEAT, XSAN_OP_ADMIN_WHO,
	XSAN_OP_ADMIN_STAT, XSAN_OP_ADMIN_SHOW, XSAN_OP_ADMIN_TOKENS,
	XSAN_OP_TOKEN_GET, XSAN_OP_TOKEN_PUT, XSAN_OP_LOCK, XSAN_OP_UNLOCK,
	XSAN_OP_REVOKE, XSAN_OP_LOCK_WAKE, XSAN_OP_DISK_TABLE,
};

static const uint8_t *pay;	/* the payload under test */
static u32 paylen;

static void in_pay(const void *p, u32 n)
{
	const uint8_t *q = p;

	if (!n)
		return;
	CHECK(q >= pay && q + n <= pay + paylen);
}

/* @out holds @len encoded bytes that must equal the payload exactly. */
static uint8_t *out;

static void same_as_payload(const struct xsan_put *w)
{
	CHECK(!w->err);
	CHECK(w->len == paylen);
	CHECK(!paylen || !memcmp(out, pay, paylen));
}

static void fuzz_req(u16 op)
{
	struct xsan_req r;
	struct xsan_put w;
	int err;

	err = xsan_req_decode(op, pay, paylen, &r);
	if (!xsan_op_known(op)) {
		CHECK(err == -EOPNOTSUPP);
		return;
	}
	CHECK(err == 0 || err == -EBADMSG);
	if (err)
		return;
	CHECK(r.op == op);
	in_pay(r.name, r.namelen);
	in_pay(r.name2, r.name2len);
	in_pay(r.data, r.datalen);
	if (op == XSAN_OP_LAYOUT_COMMIT) {
		struct xsan_range rg;
		u32 i;

		/* every range the decoder admitted lies in the payload */
		for (i = 0; i < r.layout.nranges; i++)
			xsan_range_at(r.layout.raw, i, &rg);
	}

	xsan_put_init(&w, out, paylen);
	CHECK(xsan_req_encode(&w, &r) == 0);
	same_as_payload(&w);
	if (paylen) {
		xsan_put_init(&w, out, paylen - 1);
		CHECK(xsan_req_encode(&w, &r) == -EMSGSIZE);
	}
}

/* Walk the entries of a decoded list reply and put them back. */
static void fuzz_list(const struct xsan_rep *r)
{
	struct xsan_show_lun lun;
	struct xsan_show_sg sg;
	struct xsan_disk disk;
	struct xsan_dirent d;
	struct xsan_ns_vol v;
	struct xsan_who who;
	struct xsan_tok_entry te;
	struct xsan_cur c;
	struct xsan_put w;
	u32 i, l;

	xsan_cur_init(&c, r->data, r->datalen);
	xsan_put_init(&w, out, r->datalen);
	for (i = 0; i < r->count; i++) {
		switch (r->op) {
		case XSAN_OP_READDIR:
			CHECK(!xsan_dirent_next(&c, &d));
			in_pay(d.name, d.namelen);
			xsan_put_dirent(&w, &d);
			break;
		case XSAN_OP_NS_LIST:
			CHECK(!xsan_ns_vol_next(&c, &v));
			in_pay(v.name, v.namelen);
			xsan_put_ns_vol(&w, &v);
			break;
		case XSAN_OP_ADMIN_WHO:
			CHECK(!xsan_who_next(&c, &who));
			in_pay(who.host, who.hostlen);
			in_pay(who.addr, who.addrlen);
			xsan_put_who(&w, &who);
			break;
		case XSAN_OP_ADMIN_TOKENS:
			CHECK(!xsan_tok_entry_next(&c, &te));
			xsan_put_tok_entry(&w, &te);
			break;
		case XSAN_OP_DISK_TABLE:
			CHECK(!xsan_disk_next(&c, &disk));
			in_pay(disk.label, disk.labellen);
			xsan_put_disk(&w, &disk);
			break;
		default:
			CHECK(!xsan_show_sg_next(&c, &sg));
			in_pay(sg.name, sg.namelen);
			xsan_put_show_sg(&w, &sg);
			for (l = 0; l < sg.nluns; l++) {
				CHECK(!xsan_show_lun_next(&c, &lun));
				in_pay(lun.label, lun.labellen);
				xsan_put_show_lun(&w, &lun);
			}
			break;
		}
	}
	CHECK(xsan_cur_end(&c) == 0);
	CHECK(!w.err && w.len == r->datalen);
	CHECK(!w.len || !memcmp(out, r->data, w.len));
}

static void fuzz_rep(u16 op)
{
	struct xsan_admin_stat st;
	struct xsan_rep r;
	struct xsan_put w;
	int err;

	err = xsan_rep_decode(op, pay, paylen, &r);
	if (!xsan_op_known(op)) {
		CHECK(err == -EOPNOTSUPP);
		return;
	}
	CHECK(err == 0 || err == -EBADMSG);
	if (err)
		return;
	CHECK(r.op == op && r.nattr <= XSAN_REP_ATTRS);
	in_pay(r.data, r.datalen);
	in_pay(r.host, r.hostlen);
	if (op == XSAN_OP_LAYOUT_GET) {
		struct xsan_extent e;
		u32 i;

		for (i = 0; i < r.layout.count; i++)
			xsan_extent_at(r.layout.raw, i, &e);
	}
	if (op == XSAN_OP_DISK_TABLE && r.disk.nsg) {
		struct xsan_disk_sg g;
		u32 i;

		in_pay(r.disk.sgs, r.disk.nsg * XSAN_DISK_SG_REC);
		for (i = 0; i < r.disk.nsg; i++) {
			xsan_disk_sg_at(r.disk.sgs, i, &g);
			CHECK(g.breadth && g.nluns);
		}
	}

	xsan_put_init(&w, out, paylen);
	CHECK(xsan_rep_encode(&w, &r) == 0);
	same_as_payload(&w);
	if (paylen) {
		xsan_put_init(&w, out, paylen - 1);
		CHECK(xsan_rep_encode(&w, &r) == -EMSGSIZE);
	}

	switch (op) {
	case XSAN_OP_READDIR:
	case XSAN_OP_NS_LIST:
	case XSAN_OP_ADMIN_WHO:
	case XSAN_OP_ADMIN_SHOW:
	case XSAN_OP_ADMIN_TOKENS:
	case XSAN_OP_DISK_TABLE:
		fuzz_list(&r);
		break;
	case XSAN_OP_ADMIN_STAT:
		CHECK(!xsan_stat_decode(r.data, r.datalen, &st));
		xsan_put_init(&w, out, r.datalen);
		xsan_put_stat(&w, &st);
		same_as_payload(&w);
		break;
	default:
		break;
	}
}

/* MDC -> client callbacks (net/msg_token.c): the same round trip. */
static void fuzz_cb(u16 op)
{
	struct xsan_req r;
	struct xsan_put w;
	int err;

	err = xsan_cb_decode(op, pay, paylen, &r);
	if (!xsan_op_is_callback(op)) {
		CHECK(err == -EOPNOTSUPP);
		return;
	}
	CHECK(err == 0 || err == -EBADMSG);
	if (err)
		return;
	xsan_put_init(&w, out, paylen);
	CHECK(xsan_cb_encode(&w, &r) == 0);
	same_as_payload(&w);
	if (paylen) {
		xsan_put_init(&w, out, paylen - 1);
		CHECK(xsan_cb_encode(&w, &r) == -EMSGSIZE);
	}
}

/* The raw payload as an ADMIN_STAT body and as a version range. */
static void fuzz_raw(void)
{
	struct xsan_admin_stat st;
	struct xsan_put w;
	u16 min, max;

	if (!xsan_stat_decode(pay, paylen, &st)) {
		xsan_put_init(&w, out, paylen);
		xsan_put_stat(&w, &st);
		same_as_payload(&w);
	}
	if (!xsan_get_vrange(pay, paylen, &min, &max)) {
		CHECK(min && min <= max);
		xsan_put_init(&w, out, paylen);
		xsan_put_u16(&w, min);
		xsan_put_u16(&w, max);
		same_as_payload(&w);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	u16 sel, op;

	if (size < 2 || size - 2 > XSAN_PAYLOAD_MAX)
		return 0;
	sel = (u16)(data[0] | data[1] << 8);
	/* High bit: the raw number (unknown opcodes too); else a known one. */
	op = sel & 0x8000 ? sel & 0x7fff : ops[sel % (sizeof(ops) / sizeof(ops[0]))];
	paylen = (u32)(size - 2);
	buf = malloc(paylen ? paylen : 1);
	out = malloc(paylen ? paylen : 1);
	CHECK(buf && out);
	memcpy(buf, data + 2, paylen);
	pay = buf;

	fuzz_req(op);
	fuzz_rep(op);
	fuzz_cb(op);
	fuzz_raw();

	free(out);
	free(buf);
	return 0;
}
