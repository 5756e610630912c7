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
	{ .sg = 1, .ordinal = 1, .sectors = 1, .sector_size = 65536,
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

static u8 sgbuf[XSAN_DISK_SG_MAX * XSAN_DISK_SG_REC + 64];

/* The stripe groups disks[] use: 0 (metadata), 1 (user data, breadth 4). */
static const struct xsan_disk_sg sgs[2] = {
	{ .index = 0, .flags = 0x03, .breadth = 1, .nluns = 1, .blocks = 0 },
	{ .index = 1, .flags = 0x04, .breadth = 4, .nluns = 2, .blocks = 800 },
};

/* Records @g[0..@n) into sgbuf[] and @r; -1 if the encoder refused one. */
static int put_sgs(struct xsan_rep *r, const struct xsan_disk_sg *g, u32 n)
{
	struct xsan_put w;
	u32 i;

	xsan_put_init(&w, sgbuf, sizeof(sgbuf));
	for (i = 0; i < n; i++)
		xsan_put_disk_sg(&w, &g[i]);
	r->disk.nsg = n;
	r->disk.sgs = sgbuf;
	return w.err ? -1 : 0;
}

/* Offset of the first entry of a reply with @nsg stripe groups. */
#define ENTRIES(nsg)	(16 + 4 + 4 + 24 * (nsg) + 4)

/*
 * A reply with disks[0..@n) and the groups they fill: @n 0 none, 1 group 0,
 * 2 groups 0 and 1 of one LUN each, 3 both as in sgs[].
 */
static void base_rep(struct xsan_rep *r, u32 n)
{
	struct xsan_disk_sg g[2] = { sgs[0], sgs[1] };
	int len = put_list(disks, n);

	ck_assert_int_ge(len, 0);
	memset(r, 0, sizeof(*r));
	r->op = XSAN_OP_DISK_TABLE;
	memcpy(r->uuid, vol_uuid, XSAN_UUID_SIZE);
	r->disk.bsize = 65536;
	if (n == 2)
		g[1].nluns = 1;
	ck_assert_int_eq(put_sgs(r, g, n < 2 ? n : 2), 0);
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
		struct xsan_disk_sg g;

		ck_assert_mem_eq(r.uuid, vol_uuid, XSAN_UUID_SIZE);
		ck_assert_uint_eq(r.disk.bsize, 65536);
		ck_assert_uint_eq(r.count, nwant);
		ck_assert_uint_eq(r.disk.nsg, nwant < 2 ? nwant : 2);
		for (i = 0; i < r.disk.nsg; i++) {
			xsan_disk_sg_at(r.disk.sgs, i, &g);
			ck_assert_uint_eq(g.index, sgs[i].index);
			ck_assert_uint_eq(g.flags, sgs[i].flags);
			ck_assert_uint_eq(g.breadth, sgs[i].breadth);
			ck_assert_uint_eq(g.nluns, nwant == 2 ? 1 : sgs[i].nluns);
			ck_assert_uint_eq(g.blocks, sgs[i].blocks);
		}
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
	ck_assert_uint_eq(len, 16 + 4 + 4 + 2 * 24 + 4 +
			  (38 + 5) + (38 + 10) + (38 + 36));
	ck_assert_mem_eq(buf, vol_uuid, 16);
	ck_assert_uint_eq(ld32(buf + 16), 65536);	/* block size */
	ck_assert_uint_eq(ld32(buf + 20), 2);		/* stripe groups */
	/* group 1 at 24 + 24: index, flags, breadth, LUNs, blocks */
	ck_assert_uint_eq(ld32(buf + 48), 1);
	ck_assert_uint_eq(ld32(buf + 52), 0x04);
	ck_assert_uint_eq(ld32(buf + 56), 4);
	ck_assert_uint_eq(ld32(buf + 60), 2);
	ck_assert_uint_eq(ld32(buf + 64), 800);
	ck_assert_uint_eq(ld32(buf + 68), 0);
	ck_assert_uint_eq(ld32(buf + 72), 3);		/* LUN entries */
	/* entry 0 at 76: sg, ordinal, sectors, sector size, uuid, label */
	ck_assert_uint_eq(ld32(buf + 76), 0);
	ck_assert_uint_eq(ld32(buf + 80), 0);
	ck_assert_uint_eq(ld32(buf + 84), 2097152);
	ck_assert_uint_eq(ld32(buf + 88), 0);
	ck_assert_uint_eq(ld32(buf + 92), 512);
	ck_assert_mem_eq(buf + 96, disks[0].uuid, 16);
	ck_assert_uint_eq(buf[112] | buf[113] << 8, 5);
	ck_assert_mem_eq(buf + 114, "Meta0", 5);
	/* entry 1 at 119 */
	ck_assert_uint_eq(ld32(buf + 119), 1);
	ck_assert_uint_eq(ld32(buf + 131), 1u << 8);	/* high word of 2^40 */
	ck_assert_uint_eq(ld32(buf + 135), 4096);
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
	ck_assert_uint_eq(len, ENTRIES(0));
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
	at = ENTRIES(2) + 38 + disks[0].labellen;
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
	buf[ENTRIES(1) + 38 + 2] = '\0';
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
	buf[72] = 3;
	ck_assert_int_eq(dec_rep(len, NULL, 0), -EBADMSG);
	buf[72] = 1;
	ck_assert_int_eq(dec_rep(len, NULL, 0), -EBADMSG);
	buf[72] = 0xff;
	buf[73] = 0xff;
	buf[74] = 0xff;
	buf[75] = 0xff;
	ck_assert_int_eq(dec_rep(len, NULL, 0), -EBADMSG);
	/* the encoder: @count must describe @data */
	base_rep(&r, 2);
	r.count = 3;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	r.count = 1;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	/* entries out of order, each valid, group 1 of two LUNs */
	n = put_list(desc, 2);
	ck_assert_int_gt(n, 0);
	base_rep(&r, 0);
	ck_assert_int_eq(put_sgs(&r, &sgs[1], 1), 0);
	r.count = 2;
	r.datalen = (u32)n;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	/* and on the wire: the good order first, then swapped */
	ck_assert_int_eq(put_list(&disks[1], 2), n);
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	ck_assert_uint_eq(len, ENTRIES(1) + (u32)n);
	ck_assert_int_eq(dec_rep(len, NULL, 0), 0);
	ck_assert_int_eq(put_list(desc, 2), n);
	memcpy(buf + ENTRIES(1), list, (size_t)n);
	ck_assert_int_eq(dec_rep(len, NULL, 0), -EBADMSG);
	/* the same LUN twice */
	n = put_list(dup, 2);
	ck_assert_int_gt(n, 0);
	r.datalen = (u32)n;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	memcpy(buf + ENTRIES(1), list, (size_t)n);
	ck_assert_int_eq(dec_rep(ENTRIES(1) + (u32)n, NULL, 0), -EBADMSG);
}
END_TEST

/* XSAN_DISK_MAX entries of the longest label fit a frame; one more is refused. */
START_TEST(msg_disk_max_table)
{
	struct xsan_disk d = disks[2];
	struct xsan_put w;
	struct xsan_rep r;
	u32 len, i;

	struct xsan_disk_sg g[XSAN_DISK_SG_MAX];

	/* 256 groups of 16 LUNs, then one more LUN in group 256 */
	xsan_put_init(&w, list, sizeof(list));
	for (i = 0; i <= XSAN_DISK_MAX; i++) {
		d.sg = i / 16;
		d.ordinal = i % 16;
		xsan_put_disk(&w, &d);
	}
	ck_assert_int_eq(w.err, 0);
	for (i = 0; i < XSAN_DISK_SG_MAX; i++)
		g[i] = (struct xsan_disk_sg){ .index = i, .flags = 0x04,
			.breadth = 1, .nluns = 16, .blocks = 1ull << 40 };
	memset(&r, 0, sizeof(r));
	r.op = XSAN_OP_DISK_TABLE;
	memcpy(r.uuid, vol_uuid, 16);
	r.disk.bsize = XSAN_DISK_BSIZE_MAX;
	ck_assert_int_eq(put_sgs(&r, g, XSAN_DISK_SG_MAX), 0);
	r.count = XSAN_DISK_MAX;
	r.data = list;
	r.datalen = w.len / (XSAN_DISK_MAX + 1) * XSAN_DISK_MAX;
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	ck_assert_uint_le(len, XSAN_PAYLOAD_MAX);
	ck_assert_int_eq(dec_rep(len, NULL, 0), 0);
	/* one LUN more: the encoder refuses it whatever the groups say */
	r.count = XSAN_DISK_MAX + 1;
	r.datalen = w.len;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	/* on the wire */
	r.count = XSAN_DISK_MAX;
	r.datalen = w.len / (XSAN_DISK_MAX + 1) * XSAN_DISK_MAX;
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	buf[len - r.datalen - 4] = (XSAN_DISK_MAX + 1) & 0xff;
	buf[len - r.datalen - 3] = (XSAN_DISK_MAX + 1) >> 8;
	memcpy(buf + len - r.datalen, list, w.len);
	ck_assert_int_eq(dec_rep(len - r.datalen + w.len, NULL, 0), -EBADMSG);
	/* 257 groups */
	r.disk.nsg = XSAN_DISK_SG_MAX + 1;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
}
END_TEST

/* @r with one thing broken: the encoder refuses it, and so does the
 * decoder when the same bytes arrive (poked into a good encoding at @at,
 * @n bytes of @v little-endian).
 */
static void ck_bad_geom(const char *what, u32 at, u64 v, u32 n)
{
	struct xsan_rep r;
	u32 len, i;

	base_rep(&r, 3);
	ck_assert_int_eq(enc_rep(&r, &len), 0);
	for (i = 0; i < n; i++)
		buf[at + i] = (u8)(v >> (8 * i));
	ck_assert_msg(dec_rep(len, NULL, 0) == -EBADMSG, "decoder took %s", what);
}

START_TEST(msg_disk_rejects_geometry)
{
	static const u32 bsizes[] = { 0, 256, 511, 513, 4095, 2u << 20, 0x80000000u };
	struct xsan_disk_sg g[2];
	struct xsan_rep r;
	char what[64];
	u32 len;
	size_t i;

	/* block size: a power of two, 512 .. 1 MiB */
	for (i = 0; i < sizeof(bsizes) / sizeof(bsizes[0]); i++) {
		snprintf(what, sizeof(what), "block size %u", bsizes[i]);
		ck_bad_geom(what, 16, bsizes[i], 4);
		base_rep(&r, 3);
		r.disk.bsize = bsizes[i];
		ck_assert_msg(enc_rep(&r, &len) == -EINVAL, "encoder took %s", what);
	}
	for (i = 9; i <= 20; i++) {
		base_rep(&r, 3);
		r.disk.bsize = 1u << i;
		ck_assert_int_eq(enc_rep(&r, &len), 0);
	}
	/* group 1's fields (record at 48): flags, breadth, LUNs, blocks */
	ck_bad_geom("unknown flag", 52, 0x20, 4);
	ck_bad_geom("breadth 0", 56, 0, 4);
	ck_bad_geom("0 LUNs", 60, 0, 4);
	ck_bad_geom("3 LUNs for 2 entries", 60, 3, 4);
	ck_bad_geom("1 LUN for 2 entries", 60, 1, 4);
	ck_bad_geom("blocks not whole stripes", 64, 801, 8);
	ck_bad_geom("group 0 twice", 48, 0, 4);
	ck_bad_geom("groups out of order", 24, 2, 4);
	ck_bad_geom("LUN of group 1 in group 2", 48, 2, 4);
	ck_bad_geom("nsg 3", 20, 3, 4);
	ck_bad_geom("nsg 1", 20, 1, 4);
	ck_bad_geom("nsg 257", 20, XSAN_DISK_SG_MAX + 1, 4);
	/* the same in the struct */
	for (i = 0; i < 9; i++) {
		g[0] = sgs[0];
		g[1] = sgs[1];
		switch (i) {
		case 0: g[1].flags = 0x20; break;
		case 1: g[1].breadth = 0; break;
		case 2: g[1].nluns = 0; break;
		case 3: g[1].blocks = 801; break;
		}
		base_rep(&r, 3);
		if (i < 4) {
			ck_assert_int_eq(put_sgs(&r, g, 2), -1);
			continue;
		}
		switch (i) {
		case 4: g[1].nluns = 3; break;
		case 5: g[1].nluns = 1; break;
		case 6: g[1].index = 0; break;
		case 7: g[0].index = 2; break;
		case 8: g[1].index = 2; break;
		}
		ck_assert_int_eq(put_sgs(&r, g, 2), 0);
		ck_assert_msg(enc_rep(&r, &len) == -EINVAL, "encoder took case %zu", i);
	}
	/* one group missing: its LUNs name no group */
	base_rep(&r, 3);
	ck_assert_int_eq(put_sgs(&r, &sgs[1], 1), 0);
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
	/* records said but not given */
	base_rep(&r, 3);
	r.disk.sgs = NULL;
	ck_assert_int_eq(enc_rep(&r, &len), -EINVAL);
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
	UNIT_ADD(s, msg_disk_rejects_geometry);
	return s;
}
