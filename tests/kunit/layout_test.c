// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the layout cache (fs/layout.c): LAYOUT_GET replies that
 * break the rules (overlap, zero length, unsorted, outside the range,
 * misaligned, overflowing blocks) are -EIO and cache nothing; a good
 * reply is cached with its holes, looked up by copy, replaced by a newer
 * reply, forgotten on truncate, and not cached when an invalidation came
 * while it was in flight.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/slab.h>

#include "fs/xsan.h"

#define BS	4096ull
#define MAXE	3

struct xsan_lbad_case {
	const char *name;
	u64 off;
	u64 len;
	u32 count;
	struct xsan_extent ext[MAXE];
};

static const struct xsan_lbad_case xsan_lbad_cases[] = {
	{ "overlap", 0, 8 * BS, 2, {
		{ .offset = 0, .length = 2 * BS, .block = 10 },
		{ .offset = BS, .length = BS, .block = 20 } } },
	{ "zero length", 0, 8 * BS, 1, {
		{ .offset = BS, .length = 0, .block = 10 } } },
	{ "unsorted", 0, 8 * BS, 2, {
		{ .offset = 4 * BS, .length = BS, .block = 10 },
		{ .offset = 0, .length = BS, .block = 20 } } },
	{ "duplicate", 0, 8 * BS, 2, {
		{ .offset = 0, .length = BS, .block = 10 },
		{ .offset = 0, .length = BS, .block = 10 } } },
	{ "before the range", 4 * BS, 4 * BS, 1, {
		{ .offset = 3 * BS, .length = 2 * BS, .block = 10 } } },
	{ "past the range", 0, 4 * BS, 1, {
		{ .offset = 2 * BS, .length = 4 * BS, .block = 10 } } },
	{ "starts past the range", 0, 4 * BS, 1, {
		{ .offset = 5 * BS, .length = BS, .block = 10 } } },
	{ "misaligned offset", 0, 8 * BS, 1, {
		{ .offset = 512, .length = BS, .block = 10 } } },
	{ "misaligned length", 0, 8 * BS, 1, {
		{ .offset = 0, .length = BS + 1, .block = 10 } } },
	{ "unknown flags", 0, 8 * BS, 1, {
		{ .offset = 0, .length = BS, .block = 10, .flags = 0x4 } } },
	{ "block overflow", 0, 8 * BS, 1, {
		{ .offset = 0, .length = BS, .block = U64_MAX / 2 } } },
	{ "good then overlap", 0, 8 * BS, 3, {
		{ .offset = 0, .length = BS, .block = 10 },
		{ .offset = 2 * BS, .length = 2 * BS, .block = 11 },
		{ .offset = 3 * BS, .length = BS, .block = 30 } } },
};

static void xsan_lbad_desc(const struct xsan_lbad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_lbad, xsan_lbad_cases, xsan_lbad_desc);

static struct xsan_layout *xsan_test_layout(struct kunit *test)
{
	struct xsan_layout *l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, l);
	xsan_layout_init(l);
	return l;
}

static void xsan_layout_bad_test(struct kunit *test)
{
	const struct xsan_lbad_case *c = test->param_value;
	struct xsan_layout_res res = { .count = c->count, .ext = c->ext };
	struct xsan_layout *l = xsan_test_layout(test);
	LIST_HEAD(stage);
	int err;

	err = xsan_layout_stage(&res, c->off, c->len, BS, 0, GFP_KERNEL,
				&stage);
	KUNIT_EXPECT_EQ_MSG(test, err, -EIO, "bad layout (%s) accepted",
			    c->name);
	KUNIT_EXPECT_TRUE_MSG(test, list_empty(&stage),
			      "a rejected layout left records staged");
	KUNIT_EXPECT_EQ_MSG(test, xsan_layout_count(l), 0u,
			    "a rejected layout reached the cache");
	xsan_layout_destroy(l);
}

static int stage_and_insert(struct kunit *test, struct xsan_layout *l,
			    const struct xsan_extent *ext, u32 count, u64 off,
			    u64 len, u64 gen, u64 pos, struct xsan_lext *out)
{
	struct xsan_layout_res res = { .count = count, .ext = ext };
	LIST_HEAD(stage);
	int err;

	err = xsan_layout_stage(&res, off, len, BS, 0, GFP_KERNEL, &stage);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "good layout rejected");
	return xsan_layout_insert(l, &stage, gen, pos, out);
}

static void xsan_layout_good_test(struct kunit *test)
{
	static const struct xsan_extent ext[] = {
		{ .offset = 2 * BS, .length = 2 * BS, .sg = 1, .block = 100 },
		{ .offset = 6 * BS, .length = BS, .sg = 0, .block = 7,
		  .flags = XSAN_EXT_UNWRITTEN },
	};
	struct xsan_layout *l = xsan_test_layout(test);
	struct xsan_lext e;
	int err;

	/* range [100, 8 BS - 1) rounds out to blocks [0, 8) */
	err = stage_and_insert(test, l, ext, 2, 100, 8 * BS - 101,
			       xsan_layout_gen(l), 3 * BS + 5, &e);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ_MSG(test, e.block, 100ull, "insert returned the wrong record");
	/* hole [0,2) ext [2,4) hole [4,6) unwritten [6,7) hole [7,8) */
	KUNIT_EXPECT_EQ_MSG(test, xsan_layout_count(l), 5u,
			    "holes between and around extents not cached");

	KUNIT_ASSERT_TRUE(test, xsan_layout_lookup(l, 0, &e));
	KUNIT_EXPECT_EQ(test, e.flags, XSAN_LX_HOLE);
	KUNIT_EXPECT_EQ(test, e.length, 2 * BS);
	KUNIT_ASSERT_TRUE(test, xsan_layout_lookup(l, 4 * BS - 1, &e));
	KUNIT_EXPECT_EQ(test, e.offset, 2 * BS);
	KUNIT_EXPECT_EQ(test, e.sg, 1u);
	KUNIT_ASSERT_TRUE(test, xsan_layout_lookup(l, 6 * BS, &e));
	KUNIT_EXPECT_EQ(test, e.flags, XSAN_EXT_UNWRITTEN);
	KUNIT_ASSERT_TRUE(test, xsan_layout_lookup(l, 8 * BS - 1, &e));
	KUNIT_EXPECT_EQ(test, e.flags, XSAN_LX_HOLE);
	KUNIT_EXPECT_FALSE_MSG(test, xsan_layout_lookup(l, 8 * BS, &e),
			       "a record past what the MDC answered");

	/* a newer reply for [4, 8) replaces the records it overlaps */
	{
		static const struct xsan_extent w[] = {
			{ .offset = 4 * BS, .length = 4 * BS, .sg = 0,
			  .block = 50 },
		};

		err = stage_and_insert(test, l, w, 1, 4 * BS, 4 * BS,
				       xsan_layout_gen(l), 4 * BS, &e);
		KUNIT_EXPECT_EQ(test, err, 0);
		KUNIT_ASSERT_TRUE(test, xsan_layout_lookup(l, 6 * BS, &e));
		KUNIT_EXPECT_EQ_MSG(test, e.flags, 0u,
				    "the newer reply did not replace the old");
		KUNIT_EXPECT_EQ(test, e.block, 50ull);
		KUNIT_EXPECT_EQ(test, xsan_layout_count(l), 3u);
	}

	/* truncate to 3 blocks: everything from block 2 on goes */
	xsan_layout_forget(l, 3 * BS, U64_MAX);
	KUNIT_EXPECT_FALSE_MSG(test, xsan_layout_lookup(l, 2 * BS, &e),
			       "a record overlapping the truncation survived");
	KUNIT_EXPECT_TRUE(test, xsan_layout_lookup(l, BS, &e));
	KUNIT_EXPECT_EQ(test, xsan_layout_count(l), 1u);
	xsan_layout_destroy(l);
	KUNIT_EXPECT_EQ(test, xsan_layout_count(l), 0u);
}

/* A reply that was in flight across an invalidation is used, not cached. */
static void xsan_layout_stale_test(struct kunit *test)
{
	static const struct xsan_extent ext[] = {
		{ .offset = 0, .length = BS, .sg = 0, .block = 9 },
	};
	struct xsan_layout *l = xsan_test_layout(test);
	struct xsan_lext e;
	u64 gen = xsan_layout_gen(l);
	int err;

	xsan_layout_forget(l, 0, U64_MAX);	/* a revoke came meanwhile */
	err = stage_and_insert(test, l, ext, 1, 0, BS, gen, 0, &e);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, e.block, 9ull);
	KUNIT_EXPECT_EQ_MSG(test, xsan_layout_count(l), 0u,
			    "a reply older than the invalidation was cached");
	/* asking for an offset the reply does not cover */
	err = stage_and_insert(test, l, ext, 1, 0, BS, xsan_layout_gen(l),
			       BS, &e);
	KUNIT_EXPECT_EQ(test, err, -EIO);
	xsan_layout_destroy(l);
}

/* A full reply (1024 extents) may stop early: no hole after its end. */
static void xsan_layout_full_test(struct kunit *test)
{
	struct xsan_extent *ext;
	struct xsan_layout *l = xsan_test_layout(test);
	struct xsan_lext e;
	u32 i;
	int err;

	ext = kunit_kcalloc(test, XSAN_LAYOUT_EXT_MAX, sizeof(*ext),
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ext);
	for (i = 0; i < XSAN_LAYOUT_EXT_MAX; i++) {
		ext[i].offset = 2 * i * BS;
		ext[i].length = BS;
		ext[i].block = i;
	}
	err = stage_and_insert(test, l, ext, XSAN_LAYOUT_EXT_MAX, 0,
			       1ull << 40, xsan_layout_gen(l), 0, &e);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, xsan_layout_count(l),
			2 * XSAN_LAYOUT_EXT_MAX - 1);
	KUNIT_EXPECT_FALSE_MSG(test,
			       xsan_layout_lookup(l, 2 * XSAN_LAYOUT_EXT_MAX * BS, &e),
			       "the unknown tail of a full reply cached as a hole");
	xsan_layout_destroy(l);
}

/*
 * xsan_range_merge(): the set of O_DIRECT ranges owed to the MDC stays
 * ascending and disjoint whatever order the writes completed in.
 */
#define RMAX	3

struct xsan_rmerge_case {
	const char *name;
	u32 n;
	struct xsan_range in[RMAX];
	u64 off, len;
	bool ok;
	u32 n_out;
	struct xsan_range out[RMAX];
};

static const struct xsan_rmerge_case xsan_rmerge_cases[] = {
	{ "into empty", 0, {}, 10, 5, true, 1, { { 10, 5 } } },
	{ "append adjacent", 1, { { 0, 10 } }, 10, 5, true, 1, { { 0, 15 } } },
	{ "prepend adjacent", 1, { { 10, 10 } }, 5, 5, true, 1, { { 5, 15 } } },
	{ "after, apart", 1, { { 0, 10 } }, 20, 5, true, 2,
	  { { 0, 10 }, { 20, 5 } } },
	{ "before, apart", 1, { { 20, 5 } }, 0, 10, true, 2,
	  { { 0, 10 }, { 20, 5 } } },
	{ "between", 2, { { 0, 10 }, { 40, 10 } }, 20, 5, true, 3,
	  { { 0, 10 }, { 20, 5 }, { 40, 10 } } },
	{ "same again", 1, { { 0, 10 } }, 0, 10, true, 1, { { 0, 10 } } },
	{ "inside", 1, { { 0, 100 } }, 10, 5, true, 1, { { 0, 100 } } },
	{ "covers all", 3, { { 10, 5 }, { 20, 5 }, { 30, 5 } }, 0, 100, true,
	  1, { { 0, 100 } } },
	{ "bridges two", 3, { { 0, 10 }, { 20, 10 }, { 50, 10 } }, 5, 20,
	  true, 2, { { 0, 30 }, { 50, 10 } } },
	{ "overlaps last", 2, { { 0, 10 }, { 20, 10 } }, 25, 10, true, 2,
	  { { 0, 10 }, { 20, 15 } } },
	{ "full, apart", 3, { { 0, 1 }, { 10, 1 }, { 20, 1 } }, 30, 1, false,
	  3, { { 0, 1 }, { 10, 1 }, { 20, 1 } } },
	{ "full, merges", 3, { { 0, 1 }, { 10, 1 }, { 20, 1 } }, 11, 9, true,
	  2, { { 0, 1 }, { 10, 11 } } },
};

static void xsan_rmerge_desc(const struct xsan_rmerge_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_rmerge, xsan_rmerge_cases, xsan_rmerge_desc);

static void xsan_range_merge_test(struct kunit *test)
{
	const struct xsan_rmerge_case *c = test->param_value;
	struct xsan_range r[RMAX];
	u32 n = c->n, i;

	memcpy(r, c->in, sizeof(r));
	KUNIT_EXPECT_EQ(test, xsan_range_merge(r, &n, RMAX, c->off, c->len),
			c->ok);
	KUNIT_ASSERT_EQ(test, n, c->n_out);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, r[i].offset, c->out[i].offset,
				    "range %u", i);
		KUNIT_EXPECT_EQ_MSG(test, r[i].length, c->out[i].length,
				    "range %u", i);
	}
}

static struct kunit_case xsan_layout_test_cases[] = {
	KUNIT_CASE_PARAM(xsan_layout_bad_test, xsan_lbad_gen_params),
	KUNIT_CASE(xsan_layout_good_test),
	KUNIT_CASE(xsan_layout_stale_test),
	KUNIT_CASE(xsan_layout_full_test),
	KUNIT_CASE_PARAM(xsan_range_merge_test, xsan_rmerge_gen_params),
	{}
};

static struct kunit_suite xsan_layout_suite = {
	.name = "xsanfs_layout",
	.test_cases = xsan_layout_test_cases,
};

kunit_test_suite(xsan_layout_suite);
