// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the client token cache's state transitions (fs/token.c):
 * grants and revokes applied in either order on two threads (told apart by
 * the messenger's receive sequence numbers), upgrades, idle expiry, the
 * voluntary TOKEN_PUT and the session reset. No network: the pure
 * functions work on a bare struct xsan_inode_info.
 */

#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/slab.h>

#include "fs/xsan.h"

#define T_RD	XSAN_TOK_ATTR_RD
#define T_DIR	XSAN_TOK_DIR
#define T_DRD	XSAN_TOK_DATA_RD

static struct xsan_inode_info *xsan_test_xi(struct kunit *test)
{
	struct xsan_inode_info *xi;

	xi = kunit_kzalloc(test, sizeof(*xi), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, xi);
	xsan_tok_init_inode(xi);
	return xi;
}

static u32 grant(struct xsan_inode_info *xi, u32 types, u64 seq)
{
	u32 r;

	spin_lock(&xi->tok_lock);
	r = __xsan_tok_apply_grant(xi, types, seq, 0);
	spin_unlock(&xi->tok_lock);
	return r;
}

/* A grant read in session generation @sgen. */
static u32 grant_in(struct xsan_inode_info *xi, u32 types, u64 seq, u32 sgen)
{
	u32 r;

	spin_lock(&xi->tok_lock);
	r = __xsan_tok_apply_grant(xi, types, seq, sgen);
	spin_unlock(&xi->tok_lock);
	return r;
}

static u32 revoke(struct xsan_inode_info *xi, u32 types, u64 seq)
{
	u32 r;

	spin_lock(&xi->tok_lock);
	r = __xsan_tok_apply_revoke(xi, types, seq);
	spin_unlock(&xi->tok_lock);
	return r;
}

static u32 held(struct xsan_inode_info *xi)
{
	u32 r;

	spin_lock(&xi->tok_lock);
	r = xi->tok_held;
	spin_unlock(&xi->tok_lock);
	return r;
}

/*
 * One grant reply and one REVOKE of the same inode: each was read at a
 * receive seq, and they are applied in the order @revoke_first says.
 */
struct xsan_tok_race_case {
	const char *desc;
	u32 granted;
	u64 grant_seq;
	u32 revoked;
	u64 revoke_seq;
	bool revoke_first;
	u32 want_held;
	s64 want_dir_bumps;
};

static const struct xsan_tok_race_case xsan_tok_race_cases[] = {
	{ "grant 5, revoke 7, applied in order", T_RD, 5, T_RD, 7, false, 0, 0 },
	{ "revoke 7 applied before the stale grant 5", T_RD, 5, T_RD, 7, true, 0, 0 },
	{ "revoke 3 (of an older grant) applied after grant 5",
	  T_RD, 5, T_RD, 3, false, T_RD, 0 },
	{ "revoke 3 applied before grant 5", T_RD, 5, T_RD, 3, true, T_RD, 0 },
	{ "grant T_DIR|ATTR_RD 5, revoke T_DIR 7: ATTR_RD stays, dentries go",
	  T_DIR | T_RD, 5, T_DIR, 7, false, T_RD, 1 },
	{ "revoke T_DIR 7 first, stale grant T_DIR|ATTR_RD 5: only ATTR_RD",
	  T_DIR | T_RD, 5, T_DIR, 7, true, T_RD, 0 },
	{ "revoke of a type not granted leaves the grant alone",
	  T_RD, 5, T_DRD, 7, false, T_RD, 0 },
	{ "revoke of everything at the grant's seq + 1",
	  XSAN_TOK_ALL, 5, XSAN_TOK_ALL, 6, false, 0, 1 },
};

static void xsan_tok_race_desc(const struct xsan_tok_race_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_tok_race, xsan_tok_race_cases, xsan_tok_race_desc);

static void xsan_tok_race_test(struct kunit *test)
{
	const struct xsan_tok_race_case *c = test->param_value;
	struct xsan_inode_info *xi = xsan_test_xi(test);
	s64 gen0 = atomic64_read(&xi->dir_gen);

	if (c->revoke_first) {
		revoke(xi, c->revoked, c->revoke_seq);
		grant(xi, c->granted, c->grant_seq);
	} else {
		grant(xi, c->granted, c->grant_seq);
		revoke(xi, c->revoked, c->revoke_seq);
	}
	KUNIT_EXPECT_EQ_MSG(test, held(xi), c->want_held,
			    "%s: held %#x, want %#x", c->desc, held(xi),
			    c->want_held);
	KUNIT_EXPECT_EQ_MSG(test, atomic64_read(&xi->dir_gen) - gen0,
			    c->want_dir_bumps,
			    "%s: dir_gen moved by the wrong amount", c->desc);
	KUNIT_EXPECT_EQ_MSG(test, __xsan_tok_valid(xi, c->want_held | T_RD, 0),
			    (c->want_held & T_RD) == T_RD,
			    "%s: xsan_tok_valid(ATTR_RD) disagrees with tok_held",
			    c->desc);
}

/* A second grant adds types; a revoke takes only what it names. */
static void xsan_tok_upgrade_test(struct kunit *test)
{
	struct xsan_inode_info *xi = xsan_test_xi(test);

	KUNIT_EXPECT_EQ_MSG(test, grant(xi, T_RD, 2), T_RD,
			    "first grant should add ATTR_RD");
	KUNIT_EXPECT_EQ_MSG(test, grant(xi, T_RD | T_DIR, 4), T_DIR,
			    "upgrade should report only the new type T_DIR");
	KUNIT_EXPECT_EQ_MSG(test, held(xi), T_RD | T_DIR, "upgrade lost a type");
	KUNIT_EXPECT_EQ_MSG(test, grant(xi, T_RD, 6), 0u,
			    "a repeated grant adds nothing");
	/* ATTR_RD was granted again at 6: a revoke read at 5 is older */
	KUNIT_EXPECT_EQ_MSG(test, revoke(xi, T_RD | T_DIR, 5), T_DIR,
			    "revoke at 5 must take T_DIR (granted at 4) but not ATTR_RD (regranted at 6)");
	KUNIT_EXPECT_EQ_MSG(test, held(xi), T_RD, "wrong types left after revoke");
	KUNIT_EXPECT_EQ_MSG(test, grant(xi, T_DIR, 5), 0u,
			    "a grant read at the revoke's own seq must not count");
	KUNIT_EXPECT_EQ_MSG(test, grant(xi, T_DIR, 8), T_DIR,
			    "a grant read after the revoke must count");
}

/* Tokens unused for the idle time go back; in use they stay. */
static void xsan_tok_idle_test(struct kunit *test)
{
	struct xsan_inode_info *xi = xsan_test_xi(test);
	unsigned long idle = 60 * HZ, t0;
	s64 gen0 = atomic64_read(&xi->dir_gen);
	u32 r;

	grant(xi, T_RD | T_DIR, 1);
	spin_lock(&xi->tok_lock);
	t0 = jiffies;
	xi->tok_used = t0;
	r = __xsan_tok_take_idle(xi, t0 + idle - 1, idle);
	spin_unlock(&xi->tok_lock);
	KUNIT_EXPECT_EQ_MSG(test, r, 0u, "tokens taken one jiffy before idle");

	spin_lock(&xi->tok_lock);
	r = __xsan_tok_take_idle(xi, t0 + idle, 0);
	spin_unlock(&xi->tok_lock);
	KUNIT_EXPECT_EQ_MSG(test, r, 0u, "idle time 0 must mean never");

	spin_lock(&xi->tok_lock);
	r = __xsan_tok_take_idle(xi, t0 + idle, idle);
	spin_unlock(&xi->tok_lock);
	KUNIT_EXPECT_EQ_MSG(test, r, T_RD | T_DIR, "idle tokens not taken");
	KUNIT_EXPECT_EQ_MSG(test, held(xi), 0u, "idle tokens still held");
	KUNIT_EXPECT_EQ_MSG(test, atomic64_read(&xi->dir_gen) - gen0, 1LL,
			    "giving T_DIR back must bump dir_gen once");

	spin_lock(&xi->tok_lock);
	r = __xsan_tok_take_idle(xi, t0 + 2 * idle, idle);
	spin_unlock(&xi->tok_lock);
	KUNIT_EXPECT_EQ_MSG(test, r, 0u, "nothing held, nothing to give back");

	/* jiffies wrap: used just before the wrap, checked just after */
	grant(xi, T_RD, 2);
	spin_lock(&xi->tok_lock);
	xi->tok_used = ULONG_MAX - 10;
	r = __xsan_tok_take_idle(xi, 5, idle);
	spin_unlock(&xi->tok_lock);
	KUNIT_EXPECT_EQ_MSG(test, r, 0u, "jiffies wrap taken for idleness");
}

/*
 * Idle release: drop, send TOKEN_PUT, apply its reply's seq like a
 * revoke. A grant the MDC sent before it read the PUT (lower seq) must
 * not survive, whether applied before or after the PUT's reply.
 */
static void xsan_tok_voluntary_put_test(struct kunit *test)
{
	struct xsan_inode_info *xi = xsan_test_xi(test);

	grant(xi, T_RD, 1);
	spin_lock(&xi->tok_lock);
	KUNIT_EXPECT_EQ_MSG(test, __xsan_tok_drop(xi, T_RD), T_RD,
			    "drop did not report ATTR_RD");
	spin_unlock(&xi->tok_lock);
	/* a concurrent TOKEN_GET crossed the PUT: answered at 3, PUT at 4 */
	grant(xi, T_RD, 3);
	KUNIT_EXPECT_EQ_MSG(test, held(xi), T_RD, "grant at 3 not recorded");
	revoke(xi, T_RD, 4);
	KUNIT_EXPECT_EQ_MSG(test, held(xi), 0u,
			    "grant at 3 survived the PUT answered at 4");
	grant(xi, T_RD, 2);
	KUNIT_EXPECT_EQ_MSG(test, held(xi), 0u,
			    "stale grant at 2 counted after the PUT at 4");
	grant(xi, T_RD, 5);
	KUNIT_EXPECT_EQ_MSG(test, held(xi), T_RD,
			    "grant at 5, after the PUT, not recorded");
}

/* The MDC forgot our session: nothing is held, every dentry revalidates. */
static void xsan_tok_reset_test(struct kunit *test)
{
	struct xsan_inode_info *xi = xsan_test_xi(test);
	s64 gen0 = atomic64_read(&xi->dir_gen);
	u32 r;

	spin_lock(&xi->tok_lock);
	r = __xsan_tok_reset_one(xi);
	spin_unlock(&xi->tok_lock);
	KUNIT_EXPECT_EQ_MSG(test, r, 0u, "reset of nothing reported types");
	KUNIT_EXPECT_EQ_MSG(test, atomic64_read(&xi->dir_gen) - gen0, 1LL,
			    "reset must bump dir_gen even without T_DIR");

	grant(xi, XSAN_TOK_ALL, 10);
	spin_lock(&xi->tok_lock);
	r = __xsan_tok_reset_one(xi);
	spin_unlock(&xi->tok_lock);
	KUNIT_EXPECT_EQ_MSG(test, r, XSAN_TOK_ALL, "reset lost track of types");
	KUNIT_EXPECT_EQ_MSG(test, held(xi), 0u, "tokens held after reset");
	KUNIT_EXPECT_EQ_MSG(test, atomic64_read(&xi->dir_gen) - gen0, 2LL,
			    "reset with T_DIR must bump dir_gen exactly once more");
	KUNIT_EXPECT_FALSE_MSG(test, __xsan_tok_valid(xi, T_RD, 0),
			       "ATTR_RD valid after reset");
	grant(xi, T_RD, 11);
	KUNIT_EXPECT_EQ_MSG(test, held(xi), T_RD,
			    "a new session's grant must count after reset");
}

/*
 * Session loss is a generation bump (hole 6 of issue 12): the moment the
 * messenger's generation moves, nothing granted under the old one counts,
 * before any reset walk ran; a late grant of the old session is dropped;
 * the first grant of the new one forgets the old bits and the dentries.
 */
static void xsan_tok_session_gen_test(struct kunit *test)
{
	struct xsan_inode_info *xi = xsan_test_xi(test);
	s64 gen0;

	grant_in(xi, T_RD | T_DIR | T_DRD, 1, 0);
	KUNIT_EXPECT_TRUE_MSG(test, __xsan_tok_valid(xi, T_RD | T_DRD, 0),
			      "grant of session 0 not valid in session 0");
	KUNIT_EXPECT_FALSE_MSG(test, __xsan_tok_valid(xi, T_RD, 1),
			       "session 0's ATTR_RD trusted in session 1 (before the reset walk)");
	KUNIT_EXPECT_FALSE_MSG(test, __xsan_tok_valid(xi, T_DRD, 1),
			       "session 0's DATA_RD trusted in session 1");
	gen0 = atomic64_read(&xi->dir_gen);
	KUNIT_EXPECT_EQ_MSG(test, grant_in(xi, T_RD, 5, 1), T_RD,
			    "first grant of session 1 not recorded as new");
	KUNIT_EXPECT_EQ_MSG(test, held(xi), T_RD,
			    "session 0's DIR and DATA_RD survived session 1's first grant");
	KUNIT_EXPECT_EQ_MSG(test, atomic64_read(&xi->dir_gen) - gen0, 2LL,
			    "moving to a new session must drop the old DIR's dentries (dir_gen)");
	KUNIT_EXPECT_TRUE_MSG(test, __xsan_tok_valid(xi, T_RD, 1),
			      "session 1's grant not valid in session 1");
	/* a reply of session 0 applied late (read before the bump) */
	KUNIT_EXPECT_EQ_MSG(test, grant_in(xi, T_DRD, 4, 0), 0u,
			    "a late grant of the lost session was recorded");
	KUNIT_EXPECT_EQ_MSG(test, grant_in(xi, T_DRD, 9, 0), 0u,
			    "a grant of the lost session was recorded (seq alone must not decide)");
	KUNIT_EXPECT_FALSE_MSG(test, __xsan_tok_valid(xi, T_DRD, 1),
			       "DATA_RD of the lost session valid");
	/* generations wrap like sequence numbers */
	xi->tok_sgen = U32_MAX;
	KUNIT_EXPECT_EQ_MSG(test, grant_in(xi, T_RD, 20, 0), T_RD,
			    "a grant of the generation after U32_MAX refused");
}

/*
 * A grant of a type whose TOKEN_PUT is on its way is not believed, and
 * once the PUT's reply is applied, a grant the MDC sent before reading the
 * PUT is refused by its seq (found by tests/sim: a parked TOKEN_GET
 * granted after the REVOKE, then taken away by the PUT).
 */
static void xsan_tok_returning_test(struct kunit *test)
{
	struct xsan_inode_info *xi = xsan_test_xi(test);

	grant(xi, T_RD | T_DRD, 1);
	/* REVOKE of DATA_RD read at 5, carried out: bits cleared, PUT sent */
	revoke(xi, T_DRD, 5);
	spin_lock(&xi->tok_lock);
	xi->tok_returning |= T_DRD;
	spin_unlock(&xi->tok_lock);
	KUNIT_EXPECT_EQ_MSG(test, grant(xi, T_DRD, 7), 0u,
			    "a grant read after the REVOKE but applied while its PUT is on its way was believed");
	/* the PUT's reply, read at 9, is applied like a revoke */
	revoke(xi, T_DRD, 9);
	spin_lock(&xi->tok_lock);
	xi->tok_returning &= ~T_DRD;
	spin_unlock(&xi->tok_lock);
	KUNIT_EXPECT_EQ_MSG(test, grant(xi, T_DRD, 8), 0u,
			    "a grant the MDC sent before it read the PUT survived the PUT's reply");
	KUNIT_EXPECT_EQ_MSG(test, grant(xi, T_DRD, 10), T_DRD,
			    "a grant sent after the PUT was refused");
	KUNIT_EXPECT_EQ_MSG(test, held(xi), T_RD | T_DRD, "wrong types held");
}

/* An idle give-back takes only what its hold covers. */
static void xsan_tok_idle_mask_test(struct kunit *test)
{
	struct xsan_inode_info *xi = xsan_test_xi(test);
	unsigned long idle = 10 * HZ;
	u32 r;

	grant(xi, T_RD | T_DRD, 1);
	spin_lock(&xi->tok_lock);
	xi->tok_used = jiffies;
	r = __xsan_tok_take_idle_mask(xi, xi->tok_used + idle, idle, T_RD);
	spin_unlock(&xi->tok_lock);
	KUNIT_EXPECT_EQ_MSG(test, r, T_RD, "took %#x, the hold covered ATTR_RD only", r);
	KUNIT_EXPECT_EQ_MSG(test, held(xi), T_DRD,
			    "DATA_RD, not covered, was dropped");
}

/*
 * A REVOKE of an inode not yet in the cache (a LOOKUP's grant crossing
 * it) is remembered, so the grant read before it is not recorded later;
 * once more revokes came than are remembered, an older grant is refused.
 */
static void xsan_tok_recent_revoke_test(struct kunit *test)
{
	struct xsan_sb_info *sbi = kunit_kzalloc(test, sizeof(*sbi), GFP_KERNEL);
	struct xsan_fid a = { .ino = 7, .gen = 1 }, a2 = { .ino = 7, .gen = 2 };
	struct xsan_fid b = { .ino = 8, .gen = 1 };
	int i;

	KUNIT_ASSERT_NOT_NULL(test, sbi);
	spin_lock_init(&sbi->rv_lock);
	KUNIT_EXPECT_EQ_MSG(test, xsan_tok_revoked_after(sbi, &a, 1), 0u,
			    "nothing revoked yet");
	xsan_tok_note_revoke(sbi, &a, T_RD | T_DIR, 10);
	KUNIT_EXPECT_EQ_MSG(test, xsan_tok_revoked_after(sbi, &a, 9), T_RD | T_DIR,
			    "a grant read before the REVOKE must not count");
	KUNIT_EXPECT_EQ_MSG(test, xsan_tok_revoked_after(sbi, &a, 10), 0u,
			    "the REVOKE's own seq is not after it");
	KUNIT_EXPECT_EQ_MSG(test, xsan_tok_revoked_after(sbi, &a, 11), 0u,
			    "a grant read after the REVOKE counts");
	KUNIT_EXPECT_EQ_MSG(test, xsan_tok_revoked_after(sbi, &b, 9), 0u,
			    "another inode is not affected");
	KUNIT_EXPECT_EQ_MSG(test, xsan_tok_revoked_after(sbi, &a2, 9), 0u,
			    "another generation is not affected");
	for (i = 0; i < XSAN_RECENT_REVOKES; i++)
		xsan_tok_note_revoke(sbi, &b, T_RD, 100 + i);
	KUNIT_EXPECT_EQ_MSG(test, xsan_tok_revoked_after(sbi, &a, 9), XSAN_TOK_ALL,
			    "a grant older than a forgotten REVOKE must be refused");
	KUNIT_EXPECT_EQ_MSG(test, xsan_tok_revoked_after(sbi, &a, 50), 0u,
			    "a grant after the forgotten REVOKEs, of an inode none of the kept ones names, counts");
	KUNIT_EXPECT_EQ_MSG(test, xsan_tok_revoked_after(sbi, &b, 150), T_RD,
			    "kept REVOKEs after the grant still count");
	KUNIT_EXPECT_EQ_MSG(test, xsan_tok_revoked_after(sbi, &a, 1000), 0u,
			    "a grant newer than every REVOKE counts");
}

static struct kunit_case xsan_token_test_cases[] = {
	KUNIT_CASE_PARAM(xsan_tok_race_test, xsan_tok_race_gen_params),
	KUNIT_CASE(xsan_tok_upgrade_test),
	KUNIT_CASE(xsan_tok_idle_test),
	KUNIT_CASE(xsan_tok_session_gen_test),
	KUNIT_CASE(xsan_tok_idle_mask_test),
	KUNIT_CASE(xsan_tok_returning_test),
	KUNIT_CASE(xsan_tok_voluntary_put_test),
	KUNIT_CASE(xsan_tok_reset_test),
	KUNIT_CASE(xsan_tok_recent_revoke_test),
	{}
};

static struct kunit_suite xsan_token_suite = {
	.name = "xsanfs_token",
	.test_cases = xsan_token_test_cases,
};

kunit_test_suite(xsan_token_suite);
