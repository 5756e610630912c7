// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of net/msg_disk.c: DISK_TABLE. The reply round-trips with every
 * field at the offset protocol.rst gives; every rule ("DISK_TABLE") is
 * broken once on the wire (decoder: -EBADMSG) and once in the struct
 * (encoder: -EINVAL); every cut of a good reply is refused; the largest
 * table fits a frame. Decoders read heap blocks of exactly the bytes under
 * test, so ASan sees any read past them.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsanfs/msg.h"
#include "xsanfs/proto.h"
#include "unit.h"

static u8 buf[XSAN_PAYLOAD_MAX + 64];
static u8 list[XSAN_PAYLOAD_MAX];

static const u8 vol_uuid[XSAN_UUID_SIZE] = {
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01,
};

static const struct xsan_disk disks[3] = {
	{ .sg = 0, .ordinal = 0, .sectors = 2097152, .sector_size = 512,
	  .uuid = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
	  .label = "Meta0", .labellen = 5 },
	{ .sg = 1, .ordinal = 0, .sectors = 1ull << 40, .sector_size = 4096,
	  .uuid = { 0xff, [15] = 1 },
	  .label = "data-0_a.b", .labellen = 10 },
	{ .sg = 1, .ordinal = 7, .sectors = 1, .sector_size = 65536,
	  .uuid = { [0] = 1 },
	  .label = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", .labellen = 36 },
};

/* Entries @d[0..@n) into list[]; returns their bytes (-1: encoder refused). */
static int put_list(const struct xsan_disk *d, u32 n)
{
	struct xsan_put w;
	u32 i;

	xsan_put_init(&w, list, sizeof(list));
	for (i = 0; i < n; i++)
		xsan_put_disk(&w, &d[i]);
	return w.err ? -1 : (int)w.len;
}

static void base_rep(struct xsan_rep *r, u32 n)
{
	int len = put_list(disks, n);

	ck_assert_int_ge(len, 0);
	memset(r, 0, sizeof(*r));
	r->op = XSAN_OP_DISK_TABLE;
	memcpy(r->uuid, vol_uuid, XSAN_UUID_SIZE);
	r->count = n;
	r->data = list;
	r->datalen = (u32)len;
}

static int enc_rep(const struct xsan_rep *r, u32 *len)
{
	struct xsan_put w;
	int err;

	xsan_put_init(&w, buf, sizeof(buf));
	err = xsan_rep_encode(&w, r);
	*len = w.len;
	return err;
}

/* Decode @len bytes of buf[] from a heap copy; check the entries if @want. */
static int dec_rep(u32 len, const struct xsan_disk *want, u32 nwant)
{
	struct xsan_rep r;
	struct xsan_disk d;
	struct xsan_cur c;
	void *p = malloc(len ? len : 1);
	int err;
	u32 i;

	memcpy(p, buf, len);
	err = xsan_rep_decode(XSAN_OP_DISK_TABLE, p, len, &r);
	if (!err && want) {
		ck_assert_mem_eq(r.uuid, vol_uuid, XSAN_UUID_SIZE);
		ck_assert_uint_eq(r.count, nwant);
		xsan_cur_init(&c, r.data, r.datalen);
		for (i = 0; i < r.count; i++) {
			ck_assert_int_eq(xsan_disk_next(&c, &d), 0);
			ck_assert_uint_eq(d.sg, want[i].sg);
			ck_assert_uint_eq(d.ordinal, want[i].ordinal);
			ck_assert_uint_eq(d.sectors, want[i].sectors);
			ck_assert_uint_eq(d.sector_size, want[i].sector_size);
			ck_assert_mem_eq(d.uuid, want[i].uuid, XSAN_UUID_SIZE);
			ck_assert_uint_eq(d.labellen, want[i].labellen);
			ck_assert_mem_eq(d.label, want[i].label, d.labellen);
		}
		ck_assert_int_eq(xsan_cur_end(&c), 0);
	}
	if (!err && !want)
		ck_assert_uint_eq(r.op, XSAN_OP_DISK_TABLE);
	free(p);
	return err;
}

static u32 ld32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

START_TEST(msg_disk_opcode)
{
	struct xsan_req q;
	struct xsan_put w;
	u8 one = 0;

	ck_assert_uint_eq(XSAN_OP_DISK_TABLE, 55);
	ck_assert(xsan_op_known(XSAN_OP_DISK_TABLE));
	ck_assert(xsan_op_is_disk(XSAN_OP_DISK_TABLE));
	ck_assert(!xsan_op_is_ns(XSAN_OP_DISK_TABLE));
	ck_assert_str_eq(xsan_op_name(XSAN_OP_DISK_TABLE), "DISK_TABLE");
	/* the request has no payload: 0 bytes out, 0 bytes in, 1 refused */
	memset(&q, 0, sizeof(q));
	q.op = XSAN_OP_DISK_TABLE;
	xsan_put_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(xsan_req_encode(&w, &q), 0);
	ck_assert_uint_eq(w.len, 0);
	ck_assert_int_eq(xsan_req_decode(XSAN_OP_DISK_TABLE, &one, 0, &q), 0);
	ck_assert_uint_eq(q.op, XSAN_OP_DISK_TABLE);
	ck_assert_int_eq(xsan_req_decode(XSAN_OP_DISK_TABLE, &one, 1, &q), -EBADMSG);
}
END_TEST

/* The bytes protocol.rst gives, then the decoded entries. */
START_TEST(msg_disk_round_trip)
{
	struct xsan_rep r;
	u32 len;

	base_rep(&r, 3);
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	ck_assert_uint_eq(len, 16 + 4 + (38 + 5) + (38 + 10) + (38 + 36));
	ck_assert_mem_eq(buf, vol_uuid, 16);
	ck_assert_uint_eq(ld32(buf + 16), 3);
	/* entry 0 at 20: sg, ordinal, sectors, sector size, uuid, label */
	ck_assert_uint_eq(ld32(buf + 20), 0);
	ck_assert_uint_eq(ld32(buf + 24), 0);
	ck_assert_uint_eq(ld32(buf + 28), 2097152);
	ck_assert_uint_eq(ld32(buf + 32), 0);
	ck_assert_uint_eq(ld32(buf + 36), 512);
	ck_assert_mem_eq(buf + 40, disks[0].uuid, 16);
	ck_assert_uint_eq(buf[56] | buf[57] << 8, 5);
	ck_assert_mem_eq(buf + 58, "Meta0", 5);
	/* entry 1 at 63 */
	ck_assert_uint_eq(ld32(buf + 63), 1);
	ck_assert_uint_eq(ld32(buf + 75), 1u << 8);	/* high word of 2^40 */
	ck_assert_uint_eq(ld32(buf + 79), 4096);
	ck_assert_int_eq(dec_rep(len, disks, 3), 0);
	/* a decoded reply encodes to the same bytes */
	{
		u8 *p = malloc(len);
		struct xsan_rep d;
		struct xsan_put w;

		memcpy(p, buf, len);
		ck_assert_int_eq(xsan_rep_decode(XSAN_OP_DISK_TABLE, p, len, &d), 0);
		xsan_put_init(&w, list, sizeof(list));
		ck_assert_int_eq(xsan_rep_encode(&w, &d), 0);
		ck_assert_uint_eq(w.len, len);
		ck_assert_mem_eq(list, p, len);
		free(p);
	}
}
END_TEST

START_TEST(msg_disk_empty_table)
{
	struct xsan_rep r;
	u32 len;

	base_rep(&r, 0);
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	ck_assert_uint_eq(len, 20);
	ck_assert_int_eq(dec_rep(len, disks, 0), 0);
}
END_TEST

/* Every strict prefix and a trailing byte are refused. */
START_TEST(msg_disk_cuts)
{
	struct xsan_rep r;
	u32 len, i;

	base_rep(&r, 3);
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	for (i = 0; i < len; i++)
		ck_assert_int_eq(dec_rep(i, NULL, 0), -EBADMSG);
	buf[len] = 0;
	ck_assert_int_eq(dec_rep(len + 1, NULL, 0), -EBADMSG);
}
END_TEST

/* A good entry, then @bad with one field broken; the encoder must refuse it too. */
static void ck_bad_entry(const struct xsan_disk *bad, const char *what)
{
	struct xsan_disk two[2] = { disks[0], *bad };
	struct xsan_rep r;
	struct xsan_put w;
	u32 len, at;

	ck_assert_msg(put_list(two, 2) < 0, "encoder took %s", what);
	/* on the wire: encode a good second entry, then poke the bad field */
	base_rep(&r, 2);
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	at = 20 + 38 + disks[0].labellen;
	xsan_put_init(&w, buf + at, sizeof(buf) - at);
	xsan_put_u32(&w, bad->sg);
	xsan_put_u32(&w, bad->ordinal);
	xsan_put_u64(&w, bad->sectors);
	xsan_put_u32(&w, bad->sector_size);
	xsan_put_bytes(&w, bad->uuid, 16);
	xsan_put_u16(&w, (u16)bad->labellen);
	xsan_put_bytes(&w, bad->label, bad->labellen);
	ck_assert_int_eq(w.err, 0);
	ck_assert_msg(dec_rep(at + w.len, NULL, 0) == -EBADMSG, "decoder took %s", what);
	/* the same bytes with the good entry decode: the field was the cause */
	xsan_put_init(&w, buf + at, sizeof(buf) - at);
	xsan_put_disk(&w, &disks[1]);
	ck_assert_int_eq(dec_rep(at + w.len, NULL, 0), 0);
}

START_TEST(msg_disk_rejects_fields)
{
	static const u32 sizes[] = { 0, 256, 511, 1000, 1536, 4095, 131072, 0x80000000u };
	static const char *const labels[] = {
		"", "-lead", ".lead", "_lead", "has/slash", "sp ace", "t\xe9st",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ01234567890",	/* 37 */
	};
	struct xsan_disk d;
	char what[64];
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		d = disks[1];
		d.sector_size = sizes[i];
		snprintf(what, sizeof(what), "sector size %u", sizes[i]);
		ck_bad_entry(&d, what);
	}
	d = disks[1];
	d.sectors = 0;
	ck_bad_entry(&d, "0 sectors");
	d = disks[1];
	memset(d.uuid, 0, sizeof(d.uuid));
	ck_bad_entry(&d, "a zero LUN uuid");
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		d = disks[1];
		d.label = labels[i];
		d.labellen = (u32)strlen(labels[i]);
		snprintf(what, sizeof(what), "label '%s'", labels[i]);
		ck_bad_entry(&d, what);
	}
}
END_TEST

/* A label with a NUL inside is no text; the decoder says so. */
START_TEST(msg_disk_rejects_nul_label)
{
	struct xsan_rep r;
	u32 len;

	base_rep(&r, 1);
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	buf[58 + 2] = '\0';
	ck_assert_int_eq(dec_rep(len, NULL, 0), -EBADMSG);
}
END_TEST

START_TEST(msg_disk_rejects_header)
{
	struct xsan_disk desc[2] = { disks[2], disks[1] };
	struct xsan_disk dup[2] = { disks[1], disks[1] };
	struct xsan_rep r;
	u32 len;
	int n;

	/* volume uuid all zero */
	base_rep(&r, 2);
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	memset(buf, 0, 16);
	ck_assert_int_eq(dec_rep(len, NULL, 0), -EBADMSG);
	memset(r.uuid, 0, 16);
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	/* count one more, one less, huge */
	base_rep(&r, 2);
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	buf[16] = 3;
	ck_assert_int_eq(dec_rep(len, NULL, 0), -EBADMSG);
	buf[16] = 1;
	ck_assert_int_eq(dec_rep(len, NULL, 0), -EBADMSG);
	buf[16] = 0xff;
	buf[17] = 0xff;
	buf[18] = 0xff;
	buf[19] = 0xff;
	ck_assert_int_eq(dec_rep(len, NULL, 0), -EBADMSG);
	/* the encoder: @count must describe @data */
	base_rep(&r, 2);
	r.count = 3;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	r.count = 1;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	/* entries out of order, each valid */
	n = put_list(desc, 2);
	ck_assert_int_gt(n, 0);
	base_rep(&r, 0);
	r.count = 2;
	r.datalen = (u32)n;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	/* and on the wire */
	memcpy(buf, vol_uuid, 16);
	buf[16] = 2;
	buf[17] = buf[18] = buf[19] = 0;
	memcpy(buf + 20, list, (size_t)n);
	ck_assert_int_eq(dec_rep(20 + (u32)n, NULL, 0), -EBADMSG);
	/* the same LUN twice */
	n = put_list(dup, 2);
	ck_assert_int_gt(n, 0);
	base_rep(&r, 0);
	r.count = 2;
	r.datalen = (u32)n;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	memcpy(buf + 20, list, (size_t)n);
	ck_assert_int_eq(dec_rep(20 + (u32)n, NULL, 0), -EBADMSG);
}
END_TEST

/* XSAN_DISK_MAX entries of the longest label fit a frame; one more is refused. */
START_TEST(msg_disk_max_table)
{
	struct xsan_disk d = disks[2];
	struct xsan_put w;
	struct xsan_rep r;
	u32 len, i;

	xsan_put_init(&w, list, sizeof(list));
	for (i = 0; i <= XSAN_DISK_MAX; i++) {
		d.sg = i / 64;
		d.ordinal = i % 64;
		xsan_put_disk(&w, &d);
	}
	ck_assert_int_eq(w.err, 0);
	memset(&r, 0, sizeof(r));
	r.op = XSAN_OP_DISK_TABLE;
	memcpy(r.uuid, vol_uuid, 16);
	r.count = XSAN_DISK_MAX;
	r.data = list;
	r.datalen = w.len / (XSAN_DISK_MAX + 1) * XSAN_DISK_MAX;
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	ck_assert_uint_le(len, XSAN_PAYLOAD_MAX);
	ck_assert_int_eq(dec_rep(len, NULL, 0), 0);
	r.count = XSAN_DISK_MAX + 1;
	r.datalen = w.len;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	/* on the wire */
	memcpy(buf, vol_uuid, 16);
	buf[16] = (XSAN_DISK_MAX + 1) & 0xff;
	buf[17] = (XSAN_DISK_MAX + 1) >> 8;
	buf[18] = buf[19] = 0;
	memcpy(buf + 20, list, w.len);
	ck_assert_int_eq(dec_rep(20 + w.len, NULL, 0), -EBADMSG);
}
END_TEST

Suite *msg_disk_suite(void)
{
	Suite *s = suite_create("msg_disk");

	UNIT_ADD(s, msg_disk_opcode);
	UNIT_ADD(s, msg_disk_round_trip);
	UNIT_ADD(s, msg_disk_empty_table);
	UNIT_ADD(s, msg_disk_cuts);
	UNIT_ADD(s, msg_disk_rejects_fields);
	UNIT_ADD(s, msg_disk_rejects_nul_label);
	UNIT_ADD(s, msg_disk_rejects_header);
	UNIT_ADD(s, msg_disk_max_table);
	return s;
}
