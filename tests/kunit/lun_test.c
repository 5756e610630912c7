// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for fs/lundev.c: the stripe mapping (stripe group bytes ->
 * LUN, sector, length clipped at the stripe unit) against the geometry of
 * Documentation/metadata-format.rst, for breadth 1 and more, one to four
 * LUNs, boundaries, clipping, and everything out of range (a hostile MDC's
 * layout) refused; and the LUN header vs disk table check, each mismatch
 * named. No device: the table is built by hand, the block devices are
 * placeholders that are only compared.
 */

#include <kunit/test.h>
#include <linux/blk_types.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fs/xsan.h"

#define BS	4096ull		/* volume block size of the test table */
#define D0	(XSAN_LUN_DATA_OFFSET / 512)	/* first data sector */
#define SEC(blk, byte)	(D0 + (blk) * (BS / 512) + (byte) / 512)

/*
 * The groups: index, flags, breadth, LUNs, blocks, and each LUN's data
 * blocks (0: that LUN is not open).
 */
struct t_sg {
	u32 index, flags, breadth, nluns;
	u64 blocks;
	u64 data_blocks[4];
};

static const struct t_sg t_sgs[] = {
	/* one LUN, breadth 1 */
	{ 1, XSAN_SG_USERDATA, 1, 1, 100, { 100 } },
	/* three LUNs, breadth 4: 4 stripes of 4 blocks each */
	{ 2, XSAN_SG_USERDATA, 4, 3, 48, { 16, 16, 16 } },
	/* two LUNs, breadth 2, LUN 1 smaller than the group claims */
	{ 3, XSAN_SG_USERDATA, 2, 2, 8, { 4, 3 } },
	/* metadata only: never mapped */
	{ 4, XSAN_SG_METADATA | XSAN_SG_JOURNAL, 1, 1, 10, { 10 } },
	/* four LUNs, breadth 16 */
	{ 5, XSAN_SG_USERDATA, 16, 4, 128, { 32, 32, 32, 32 } },
	/* a LUN not open */
	{ 6, XSAN_SG_USERDATA, 1, 2, 10, { 5, 0 } },
};

struct t_map {
	const char *name;
	u32 sg;
	u64 byte, len;
	int err;
	u32 lun;		/* ordinal in the group */
	sector_t sector;
	u64 out_len;
};

static const struct t_map t_maps[] = {
	{ "breadth 1: block 0", 1, 0, BS, 0, 0, SEC(0, 0), BS },
	/* one LUN: the next stripe unit follows on it, nothing to clip */
	{ "one LUN: not clipped at the unit", 1, 3 * BS + 512, 1 << 20, 0, 0,
	  SEC(3, 512), 97 * BS - 512 },
	{ "one LUN: clipped by the length", 1, 3 * BS, 5 * BS, 0, 0,
	  SEC(3, 0), 5 * BS },
	{ "breadth 1: last block, mid-sector", 1, 99 * BS + 100, 10000, 0, 0,
	  SEC(99, 0), BS - 100 },
	{ "breadth 1: one past the group", 1, 100 * BS, 1, -EIO },
	{ "breadth 4: stripe 0 clipped at its unit", 2, 0, 1 << 20, 0, 0,
	  SEC(0, 0), 4 * BS },
	{ "breadth 4: stripe 1 on LUN 1", 2, 4 * BS, BS, 0, 1, SEC(0, 0), BS },
	{ "breadth 4: stripe 2 on LUN 2, last block", 2, 11 * BS, 2 * BS, 0, 2,
	  SEC(3, 0), BS },
	{ "breadth 4: stripe 3 wraps to LUN 0 block 4", 2, 12 * BS + 5 * 512,
	  1 << 20, 0, 0, SEC(4, 5 * 512), 4 * BS - 5 * 512 },
	{ "breadth 4: last block of the group", 2, 47 * BS, 8 * BS, 0, 2,
	  SEC(15, 0), BS },
	{ "breadth 4: last byte of the group", 2, 48 * BS - 1, 100, 0, 2,
	  SEC(15, BS - 1), 1 },
	{ "breadth 4: one past the group", 2, 48 * BS, 1, -EIO },
	{ "short LUN: its last block", 3, 6 * BS, 2 * BS, 0, 1, SEC(2, 0), BS },
	{ "short LUN: past its data", 3, 7 * BS, BS, -EIO },
	{ "short LUN: the other LUN is whole", 3, 5 * BS, BS, 0, 0,
	  SEC(3, 0), BS },
	{ "metadata group", 4, 0, 1, -EIO },
	{ "no such group", 99, 0, 1, -EIO },
	{ "length 0", 1, 0, 0, -EIO },
	{ "byte near 2^64", 5, ~0ull - 10, 5, -EIO },
	{ "four LUNs, breadth 16: stripe 5", 5, 81 * BS, 1 << 30, 0, 1,
	  SEC(17, 0), 15 * BS },
	{ "four LUNs: stripe 7 on LUN 3", 5, 7 * 16 * BS, 16 * BS, 0, 3,
	  SEC(16, 0), 16 * BS },
	{ "LUN not open", 6, 1 * BS, 1, -EIO },
	{ "the open LUN of that group", 6, 2 * BS, 1, 0, 0, SEC(1, 0), 1 },
};

/* The table of t_sgs; its LUN j of group i has bdev @bd[i * 4 + j]. */
static struct xsan_luns *t_table(struct kunit *test, struct block_device **bd)
{
	struct xsan_luns *luns;
	size_t i, j, k = 0;

	luns = kunit_kzalloc(test, sizeof(*luns), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, luns);
	luns->bsize = BS;
	luns->bshift = 12;
	luns->nsg = ARRAY_SIZE(t_sgs);
	luns->sg = kunit_kcalloc(test, luns->nsg, sizeof(*luns->sg), GFP_KERNEL);
	luns->lun = kunit_kcalloc(test, 4 * luns->nsg, sizeof(*luns->lun),
				  GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, luns->sg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, luns->lun);
	for (i = 0; i < ARRAY_SIZE(t_sgs); i++) {
		struct xsan_sgroup *g = &luns->sg[i];

		g->index = t_sgs[i].index;
		g->flags = t_sgs[i].flags;
		g->breadth = t_sgs[i].breadth;
		g->nluns = t_sgs[i].nluns;
		g->blocks = t_sgs[i].blocks;
		g->luns = kunit_kcalloc(test, g->nluns, sizeof(*g->luns),
					GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, g->luns);
		for (j = 0; j < g->nluns; j++, k++) {
			struct xsan_lun *l = &luns->lun[k];

			l->sg = g->index;
			l->ordinal = j;
			l->data_blocks = t_sgs[i].data_blocks[j];
			l->bdev = l->data_blocks ? bd[i * 4 + j] : NULL;
			g->luns[j] = l;
		}
	}
	luns->nlun = k;
	return luns;
}

static void xsan_lun_map_test(struct kunit *test)
{
	struct block_device **bd;
	struct xsan_luns *luns;
	size_t i;

	bd = kunit_kcalloc(test, 4 * ARRAY_SIZE(t_sgs), sizeof(*bd), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bd);
	for (i = 0; i < 4 * ARRAY_SIZE(t_sgs); i++) {
		bd[i] = kunit_kzalloc(test, sizeof(*bd[i]), GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bd[i]);
	}
	luns = t_table(test, bd);

	for (i = 0; i < ARRAY_SIZE(t_maps); i++) {
		const struct t_map *c = &t_maps[i];
		struct xsan_io_map m = { NULL, 0, 0 };
		size_t gi;
		int err;

		err = __xsan_lun_map(luns, c->sg, c->byte, c->len, &m);
		KUNIT_EXPECT_EQ_MSG(test, err, c->err, "%s", c->name);
		if (err || c->err)
			continue;
		for (gi = 0; t_sgs[gi].index != c->sg; gi++)
			;
		KUNIT_EXPECT_PTR_EQ_MSG(test, m.bdev, bd[gi * 4 + c->lun],
					"%s: LUN", c->name);
		KUNIT_EXPECT_EQ_MSG(test, (u64)m.sector, (u64)c->sector,
				    "%s: sector", c->name);
		KUNIT_EXPECT_EQ_MSG(test, m.len, c->out_len, "%s: length",
				    c->name);
	}
	/* no table at all (a volume without LUNs) */
	{
		struct xsan_io_map m;

		KUNIT_EXPECT_EQ(test, __xsan_lun_map(NULL, 1, 0, 1, &m), -EIO);
	}
}

/*
 * Every block of a group maps to exactly one (LUN, block) and back:
 * walking the group block by block visits each LUN block once, in the
 * order the formula gives, for 1..4 LUNs and breadth 1..3.
 */
static void xsan_lun_map_bijective_test(struct kunit *test)
{
	static struct block_device bds[4];
	struct xsan_lun lun[4] = {};
	struct xsan_lun *lp[4] = { &lun[0], &lun[1], &lun[2], &lun[3] };
	struct xsan_sgroup g = { .index = 0, .flags = XSAN_SG_USERDATA,
				 .luns = lp };
	struct xsan_luns luns = { .bsize = BS, .bshift = 12, .nsg = 1,
				  .sg = &g, .nlun = 4, .lun = lun };
	u32 nl, br, j;
	u64 b;

	for (j = 0; j < 4; j++)
		lun[j].bdev = &bds[j];
	for (nl = 1; nl <= 4; nl++) {
		for (br = 1; br <= 3; br++) {
			u64 per_lun = 3 * br;
			u8 seen[4][9] = {};

			g.nluns = nl;
			g.breadth = br;
			g.blocks = per_lun * nl;
			for (j = 0; j < nl; j++)
				lun[j].data_blocks = per_lun;
			for (b = 0; b < g.blocks; b++) {
				struct xsan_io_map m;
				u64 lb;
				u32 l;

				KUNIT_ASSERT_EQ(test, __xsan_lun_map(&luns, 0, b * BS,
								     BS, &m), 0);
				l = (u32)(m.bdev - bds);
				KUNIT_ASSERT_LT(test, l, nl);
				lb = (m.sector - D0) / (BS / 512);
				KUNIT_ASSERT_LT(test, lb, per_lun);
				KUNIT_EXPECT_EQ(test, l, (u32)((b / br) % nl));
				KUNIT_EXPECT_EQ(test, lb,
						(b / br / nl) * br + b % br);
				KUNIT_EXPECT_EQ_MSG(test, seen[l][lb], 0,
						    "%u LUNs breadth %u: LUN %u block %llu twice",
						    nl, br, l, lb);
				seen[l][lb] = 1;
			}
		}
	}
}

static void t_hdr(struct xsan_lun_hdr *h, struct xsan_lun *t, u8 *vol)
{
	memset(vol, 0x5a, XSAN_UUID_SIZE);
	memset(t, 0, sizeof(*t));
	t->sg = 1;
	t->ordinal = 2;
	t->sectors = 1 << 21;
	t->sector_size = 512;
	memset(t->uuid, 0xa1, XSAN_UUID_SIZE);
	strscpy(t->label, "data-2", sizeof(t->label));
	memset(h, 0, sizeof(*h));
	h->version = XSAN_LUN_VERSION;
	memcpy(h->volume_uuid, vol, XSAN_UUID_SIZE);
	memcpy(h->lun_uuid, t->uuid, XSAN_UUID_SIZE);
	h->sectors = t->sectors;
	h->sector_size = t->sector_size;
	h->sg_index = t->sg;
	h->ordinal = t->ordinal;
	strscpy(h->label, t->label, sizeof(h->label));
}

static void xsan_lun_hdr_mismatch_test(struct kunit *test)
{
	u8 vol[XSAN_UUID_SIZE];
	struct xsan_lun_hdr h;
	struct xsan_lun t;
	u64 bytes = (1ull << 21) * 512;
	const char *r;
	int i;

	t_hdr(&h, &t, vol);
	KUNIT_EXPECT_NULL(test, xsan_lun_hdr_mismatch(&h, vol, &t, bytes));
	KUNIT_EXPECT_NULL(test, xsan_lun_hdr_mismatch(&h, vol, &t, bytes + 1));
	for (i = 0; i < 9; i++) {
		static const char *const want[] = {
			"volume uuid", "label", "LUN uuid", "stripe group",
			"ordinal", "sector size", "size", "device size",
			"device size",
		};
		u64 dev = bytes;

		t_hdr(&h, &t, vol);
		switch (i) {
		case 0:
			h.volume_uuid[15] ^= 1;
			break;
		case 1:
			strscpy(h.label, "data-3", sizeof(h.label));
			break;
		case 2:
			h.lun_uuid[0] ^= 0x80;
			break;
		case 3:
			h.sg_index = 0;
			break;
		case 4:
			h.ordinal = 3;
			break;
		case 5:
			h.sector_size = 4096;
			break;
		case 6:
			h.sectors--;
			break;
		case 7:
			dev = bytes - 1;
			break;
		case 8:
			/* sectors x sector size past 2^64 */
			t.sectors = 1ull << 60;
			h.sectors = t.sectors;
			t.sector_size = 65536;
			h.sector_size = t.sector_size;
			dev = ~0ull;
			break;
		}
		r = xsan_lun_hdr_mismatch(&h, vol, &t, dev);
		KUNIT_EXPECT_NOT_NULL_MSG(test, r, "case %d: no mismatch", i);
		if (r)
			KUNIT_EXPECT_STREQ_MSG(test, r, want[i], "case %d", i);
	}
}

static struct kunit_case xsan_lun_test_cases[] = {
	KUNIT_CASE(xsan_lun_map_test),
	KUNIT_CASE(xsan_lun_map_bijective_test),
	KUNIT_CASE(xsan_lun_hdr_mismatch_test),
	{}
};

static struct kunit_suite xsan_lun_suite = {
	.name = "xsanfs_lun",
	.test_cases = xsan_lun_test_cases,
};

kunit_test_suite(xsan_lun_suite);
