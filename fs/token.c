// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfs token cache, client side: which tokens this mount holds on each
 * inode, asking for them (TOKEN_GET), answering REVOKE callbacks, giving
 * idle tokens back, and dropping everything when the MDC forgot our
 * session. Attributes are trusted only while ATTR_RD is held; a
 * directory's dentries only while its DIR token is held (dir_gen).
 *
 * Ordering: a TOKEN_GET reply and a REVOKE for the same inode are read in
 * one order by the messenger (xsan_msg_buf.seq) but may be applied in the
 * other on two threads. Per token type we keep the seq of the grant we
 * hold it by and of the last revoke applied, and let the later one win:
 * a grant read before a revoke never counts once that revoke is applied,
 * and a revoke read before a grant does not take that grant away. A
 * voluntary TOKEN_PUT (idle release) is treated as a revoke with the seq
 * of its own reply, so a grant the MDC sent before it saw the PUT does not
 * survive it. Documentation/tokens.rst, "Kernel client", says more.
 *
 * Give-back (REVOKE or idle) follows ceph's issued/implemented/used: the
 * bits are cleared only under the exclusive hold that stops new users of
 * the cache (data_sem and the fault fence, fs/data.c), never before; and
 * while a TOKEN_PUT of a type is on its way, no TOKEN_GET for that type is
 * sent (@tok_returning), so the MDC always reads the PUT first and never
 * grants again what the PUT then takes away. REVOKEs run per inode, in
 * order, on the mount's revoke queue: a slow give-back of one file does
 * not hold up the others.
 *
 * Session loss is a generation bump of the messenger (xsan_msgr_sgen()),
 * made the moment a reconnect learns of it: tokens count only under the
 * generation they were granted in (@tok_sgen), so nothing of the old
 * session is trusted from then on, before the reset walk has run.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/moduleparam.h>
#include <linux/posix_acl.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "fs/xsan.h"
#include "fs/data.h"

/* ---- pure state transitions (KUnit: tests/kunit/token_test.c) ------ */

/**
 * __xsan_tok_apply_grant() - record a grant read at @seq
 * @xi: the inode
 * @types: XSAN_TOK_* granted
 * @seq: receive sequence number of the grant's reply
 * @sgen: session generation the reply was read in
 *
 * A type revoked by a REVOKE read after this reply stays revoked. A grant
 * of an older session than the one the inode's bits belong to is
 * dropped; one of a newer session first forgets the older session's bits
 * (and its dentries: dir_gen).
 *
 * Context: caller holds @xi->tok_lock.
 * Return: the types newly held.
 */
u32 __xsan_tok_apply_grant(struct xsan_inode_info *xi, u32 types, u64 seq,
			   u32 sgen)
{
	u32 added = 0;
	int t;

	lockdep_assert_held(&xi->tok_lock);
	if (sgen != xi->tok_sgen) {
		if ((s32)(sgen - xi->tok_sgen) < 0)
			return 0;
		__xsan_tok_drop(xi, XSAN_TOK_ALL);
		atomic64_inc(&xi->dir_gen);
		xi->tok_sgen = sgen;
	}
	/*
	 * Not a type whose TOKEN_PUT is on its way: the MDC may have sent
	 * this grant before it read the PUT, which then takes it away. Once
	 * the PUT's reply is applied, its seq refuses such a grant anyway.
	 */
	types &= ~xi->tok_returning;
	for (t = 0; t < XSAN_TOK_NTYPES; t++) {
		u32 bit = 1u << t;

		if (!(types & bit) || seq <= xi->tok_revoked_seq[t])
			continue;
		if (!(xi->tok_held & bit))
			added |= bit;
		xi->tok_held |= bit;
		if (seq > xi->tok_grant_seq[t])
			xi->tok_grant_seq[t] = seq;
	}
	return added;
}

/**
 * __xsan_tok_drop() - stop trusting what @types cached, now
 * @xi: the inode
 * @types: XSAN_TOK_* to drop
 *
 * Losing DIR bumps dir_gen, so every dentry made under the old value is
 * looked up again. Losing ATTR_RD forgets the cached ACLs; the attributes
 * themselves are trusted only while the bit is set.
 *
 * Context: caller holds @xi->tok_lock.
 * Return: the types that were held.
 */
u32 __xsan_tok_drop(struct xsan_inode_info *xi, u32 types)
{
	u32 dropped = xi->tok_held & types;

	lockdep_assert_held(&xi->tok_lock);
	xi->tok_held &= ~dropped;
	if (dropped & XSAN_TOK_DIR)
		atomic64_inc(&xi->dir_gen);
	/* ACLs are cached only under ATTR_RD (fs/acl.c) */
	if (dropped & XSAN_TOK_ATTR_RD)
		forget_all_cached_acls(&xi->vfs_inode);
	return dropped;
}

/**
 * __xsan_tok_apply_revoke() - apply a REVOKE (or a TOKEN_PUT's reply) read
 * at @seq
 * @xi: the inode
 * @types: XSAN_TOK_* taken away
 * @seq: its receive sequence number
 *
 * Only a type granted by a reply read before @seq is taken away, and a
 * grant read before @seq that is applied later will not count.
 *
 * Context: caller holds @xi->tok_lock.
 * Return: the types that were held and are not now.
 */
u32 __xsan_tok_apply_revoke(struct xsan_inode_info *xi, u32 types, u64 seq)
{
	u32 gone = 0;
	int t;

	lockdep_assert_held(&xi->tok_lock);
	for (t = 0; t < XSAN_TOK_NTYPES; t++) {
		u32 bit = 1u << t;

		if (!(types & bit))
			continue;
		if (seq > xi->tok_revoked_seq[t])
			xi->tok_revoked_seq[t] = seq;
		if (xi->tok_grant_seq[t] < seq)
			gone |= bit;
	}
	return __xsan_tok_drop(xi, gone);
}

/**
 * __xsan_tok_take_idle() - the tokens to give back because they are idle
 * @xi: the inode
 * @now: jiffies
 * @idle: how long unused counts as idle, in jiffies (0: never)
 *
 * The types returned are dropped already (as by __xsan_tok_drop()); the
 * caller sends the TOKEN_PUT.
 *
 * Context: caller holds @xi->tok_lock.
 * Return: the types dropped, 0 if none is held or they are still in use.
 */
u32 __xsan_tok_take_idle(struct xsan_inode_info *xi, unsigned long now,
			 unsigned long idle)
{
	return __xsan_tok_take_idle_mask(xi, now, idle, XSAN_TOK_ALL);
}

/**
 * __xsan_tok_take_idle_mask() - __xsan_tok_take_idle() of @mask only
 * @xi: the inode
 * @now: jiffies
 * @idle: how long unused counts as idle, in jiffies (0: never)
 * @mask: the types the caller can give back now
 *
 * Context: caller holds @xi->tok_lock.
 * Return: the types dropped.
 */
u32 __xsan_tok_take_idle_mask(struct xsan_inode_info *xi, unsigned long now,
			      unsigned long idle, u32 mask)
{
	lockdep_assert_held(&xi->tok_lock);
	if (!idle || !xi->tok_held || time_before(now, xi->tok_used + idle))
		return 0;
	return __xsan_tok_drop(xi, xi->tok_held & mask);
}

/**
 * __xsan_tok_reset_one() - forget every token of an inode: the MDC no
 * longer knows our session
 * @xi: the inode
 *
 * dir_gen is bumped even if DIR was not held: a dentry checked under an
 * older grant must not outlive the session either.
 *
 * Context: caller holds @xi->tok_lock.
 * Return: the types that were held.
 */
u32 __xsan_tok_reset_one(struct xsan_inode_info *xi)
{
	u32 dropped = __xsan_tok_drop(xi, XSAN_TOK_ALL);

	if (!(dropped & XSAN_TOK_DIR))
		atomic64_inc(&xi->dir_gen);
	return dropped;
}

/* ---- the inode side --------------------------------------------------- */

static void xsan_tok_idle_work(struct work_struct *work);
static void xsan_tok_rv_work(struct work_struct *work);

/**
 * xsan_tok_init_inode() - set up the token state of a new inode
 * @xi: the inode, fresh from the slab
 *
 * Context: any context.
 */
void xsan_tok_init_inode(struct xsan_inode_info *xi)
{
	spin_lock_init(&xi->tok_lock);
	xi->tok_held = 0;
	memset(xi->tok_grant_seq, 0, sizeof(xi->tok_grant_seq));
	memset(xi->tok_revoked_seq, 0, sizeof(xi->tok_revoked_seq));
	xi->tok_used = jiffies;
	xi->tok_sgen = 0;
	xi->tok_returning = 0;
	xi->attr_seq = 0;
	xi->blocks_seq = 0;
	xi->acl_flags = 0;
	xi->trunc_busy = false;
	atomic64_set(&xi->dir_gen, 0);
	INIT_DELAYED_WORK(&xi->tok_idle_work, xsan_tok_idle_work);
	INIT_LIST_HEAD(&xi->rv_list);
	INIT_WORK(&xi->rv_work, xsan_tok_rv_work);
}

/**
 * __xsan_tok_valid() - are @types held in session generation @sgen? (the
 * lease is not looked at)
 * @xi: the inode
 * @types: XSAN_TOK_* needed
 * @sgen: the session generation in force
 *
 * Marks the tokens used (idle release counts from the last use).
 *
 * Context: any context; takes @xi->tok_lock.
 * Return: true if every type in @types is held, granted in @sgen.
 */
bool __xsan_tok_valid(struct xsan_inode_info *xi, u32 types, u32 sgen)
{
	bool ok;

	spin_lock(&xi->tok_lock);
	ok = xi->tok_sgen == sgen && (xi->tok_held & types) == types;
	if (ok)
		xi->tok_used = jiffies;
	spin_unlock(&xi->tok_lock);
	return ok;
}

/**
 * xsan_tok_valid() - may the cache covered by @types be used?
 * @inode: the inode
 * @types: XSAN_TOK_* needed
 *
 * Past the lease the MDC may have handed our tokens to another client:
 * nothing cached under them counts until the session is renewed
 * (DESIGN.md, failure model), even though the bits are still set.
 *
 * Context: any context, including RCU path walk.
 * Return: true if the lease holds and every type in @types is held.
 */
bool xsan_tok_valid(struct inode *inode, u32 types)
{
	u32 sgen;

	return xsan_tok_valid_gen(inode, types, &sgen);
}

/**
 * xsan_tok_valid_gen() - xsan_tok_valid(), and the session it holds in
 * @inode: the inode
 * @types: XSAN_TOK_* needed
 * @sgen: set to the session generation in force
 *
 * Context: any context.
 * Return: true if the lease holds and every type in @types is held in it.
 */
bool xsan_tok_valid_gen(struct inode *inode, u32 types, u32 *sgen)
{
	if (!xsan_msgr_lease_gen(XSAN_SB(inode->i_sb)->msgr, sgen))
		return false;
	return __xsan_tok_valid(XSAN_I(inode), types, *sgen);
}

static void xsan_tok_arm_idle(struct inode *inode)
{
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	unsigned int secs = READ_ONCE(sbi->opts.tok_idle_secs);

	if (sbi->tok_wq && secs)
		queue_delayed_work(sbi->tok_wq, &XSAN_I(inode)->tok_idle_work,
				   secs * HZ);
}

/*
 * Every REVOKE is noted here before its inode is looked up. A grant is
 * recorded only after its inode is in the cache, and checks this list
 * first: so either the grant's check sees the note, or the note (and the
 * lookup after it) comes after the grant was recorded and the lookup
 * finds the inode and clears it. Without the list, a LOOKUP's grant
 * applied after a REVOKE of the same new inode (handled while the inode
 * was not yet hashed, so answered with everything) would be trusted.
 */
void xsan_tok_note_revoke(struct xsan_sb_info *sbi,
			  const struct xsan_fid *fid, u32 types, u64 seq)
{
	struct xsan_recent_revoke *r;

	spin_lock(&sbi->rv_lock);
	r = &sbi->rv[sbi->rv_next++ % XSAN_RECENT_REVOKES];
	if (r->seq > sbi->rv_lost_seq)
		sbi->rv_lost_seq = r->seq;
	r->fid = *fid;
	r->types = types;
	r->seq = seq;
	spin_unlock(&sbi->rv_lock);
}

/* The types a grant of @fid read at @seq must not record. */
u32 xsan_tok_revoked_after(struct xsan_sb_info *sbi,
			   const struct xsan_fid *fid, u64 seq)
{
	u32 gone = 0;
	int i;

	spin_lock(&sbi->rv_lock);
	if (seq < sbi->rv_lost_seq) {
		gone = XSAN_TOK_ALL;
	} else {
		for (i = 0; i < XSAN_RECENT_REVOKES; i++) {
			const struct xsan_recent_revoke *r = &sbi->rv[i];

			if (r->seq > seq && r->fid.ino == fid->ino &&
			    r->fid.gen == fid->gen)
				gone |= r->types;
		}
	}
	spin_unlock(&sbi->rv_lock);
	return gone;
}

/**
 * xsan_tok_grant() - record tokens a reply granted
 * @inode: the inode
 * @types: XSAN_TOK_* granted
 * @buf: the reply (its receive sequence number and session generation)
 *
 * Context: process context (may queue work).
 */
void xsan_tok_grant(struct inode *inode, u32 types,
		    const struct xsan_msg_buf *buf)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	u64 seq = buf->seq;

	types &= ~xsan_tok_revoked_after(XSAN_SB(inode->i_sb), &xi->fid, seq);
	spin_lock(&xi->tok_lock);
	__xsan_tok_apply_grant(xi, types, seq, buf->sgen);
	xi->tok_used = jiffies;
	spin_unlock(&xi->tok_lock);
	xsan_tok_arm_idle(inode);
}

/*
 * xsan_tok_grant() for a TOKEN_GET sent when @resets sessions had been
 * lost. Checked under tok_lock: the reset walk clears each inode under it
 * after counting, so a grant recorded before that walk reached the inode
 * is cleared by it, and one recorded after sees the new count.
 */
static void xsan_tok_grant_since(struct inode *inode, u32 types,
				 const struct xsan_msg_buf *buf, int resets)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	u64 seq = buf->seq;
	bool same;

	types &= ~xsan_tok_revoked_after(XSAN_SB(inode->i_sb), &xi->fid, seq);
	spin_lock(&xi->tok_lock);
	same = atomic_read(&XSAN_SB(inode->i_sb)->tok_resets) == resets;
	if (same) {
		__xsan_tok_apply_grant(xi, types, seq, buf->sgen);
		xi->tok_used = jiffies;
	}
	spin_unlock(&xi->tok_lock);
	if (same)
		xsan_tok_arm_idle(inode);
}

/**
 * xsan_tok_get() - make sure @types are held on @inode
 * @inode: the inode
 * @types: XSAN_TOK_* needed
 *
 * Sends TOKEN_GET for what is missing and waits for the grant (the MDC may
 * first revoke other clients' conflicting tokens). The reply's attributes
 * refresh the inode. A REVOKE applied meanwhile may already have taken a
 * type back again; the caller then goes on with what the reply said (it
 * was true when the MDC sent it), uncached.
 *
 * Context: process context, may sleep; must not hold i_rwsem of @inode's
 * children, nor any lock a REVOKE callback takes.
 * Return: 0, or -errno from the MDC (-ESTALE, -ENOENT: inode gone) or the
 * messenger, or -EIO for a malformed grant.
 */
int xsan_tok_get(struct inode *inode, u32 types)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	struct xsan_req req = { .op = XSAN_OP_TOKEN_GET };
	struct xsan_msg_buf *buf = NULL;
	struct xsan_rep rep;
	int resets, err;

	if (xsan_tok_valid(inode, types))
		return 0;
	/*
	 * Not while a TOKEN_PUT of one of @types is on its way: the MDC
	 * would grant what it still counts as ours, and the PUT would then
	 * take it away behind our back.
	 */
	err = wait_var_event_killable(&xi->tok_returning,
				      !(READ_ONCE(xi->tok_returning) & types));
	if (err)
		return err;
	if (xsan_tok_valid(inode, types))
		return 0;
	/* not before the reclaim after an MDC restart took back ours */
	err = xsan_msgr_reclaim_wait(XSAN_SB(inode->i_sb)->msgr);
	if (err)
		return err;
	resets = atomic_read(&XSAN_SB(inode->i_sb)->tok_resets);
	xsan_fill_cred(&req.cred);
	req.fid = xi->fid;
	req.tok.types = types;
	err = xsan_msgr_call(XSAN_SB(inode->i_sb)->msgr, &req, &rep, &buf);
	if (err)
		return err == -ENOENT ? -ESTALE : err;
	if ((rep.tok.granted & types) != types) {
		pr_err_ratelimited("volume %s: MDC granted %#x of %#x on inode %llu\n",
				   XSAN_SB(inode->i_sb)->volume,
				   rep.tok.granted, types, xi->fid.ino);
		err = -EIO;
		goto out;
	}
	if (rep.nattr) {
		err = xsan_refresh_from_rep(inode, &rep, 0, buf->seq);
		if (err)
			goto out;
	}
	xsan_tok_grant_since(inode, rep.tok.granted, buf, resets);
out:
	xsan_msg_buf_free(buf);
	return err;
}

/**
 * xsan_tok_backoff() - pause before try @tries at taking a token
 * @inode: the inode
 * @tries: tries made so far
 *
 * A grant can be taken back before its taker uses it (another client's
 * REVOKE right after it, or a lease that lapsed while the network was
 * cut and came back). The first XSAN_TOK_TRIES tries go at once; then
 * each waits a little longer, up to 100 ms: never an error the
 * application would see (EAGAIN was, found by tests/qemu/fuzz.sh's
 * link-cut phase), and the MDC's queue order lets the waiter through.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINTR for a fatal signal.
 */
int xsan_tok_backoff(struct inode *inode, int tries)
{
	if (tries < XSAN_TOK_TRIES)
		return 0;
	if (tries == 100)
		pr_warn_ratelimited("volume %s: inode %llu: its token was taken back 100 times before it could be used; still trying\n",
				    XSAN_SB(inode->i_sb)->volume,
				    XSAN_I(inode)->fid.ino);
	if (msleep_interruptible(min(tries - XSAN_TOK_TRIES + 1, 10) * 10) &&
	    fatal_signal_pending(current))
		return -EINTR;
	return 0;
}

/*
 * Give back @types of @inode (already dropped) and wait for the reply, so
 * that a grant the MDC sent before it read the PUT can be told apart.
 */
static void xsan_tok_put_voluntary(struct inode *inode, u32 types)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	struct xsan_req req = { .op = XSAN_OP_TOKEN_PUT };
	struct xsan_msg_buf *buf = NULL;
	struct xsan_rep rep;

	req.fid = xi->fid;
	req.tok.types = types;
	pr_debug("idle: giving back %#x of inode %llu\n", types, xi->fid.ino);
	if (xsan_msgr_call(XSAN_SB(inode->i_sb)->msgr, &req, &rep, &buf))
		return;
	spin_lock(&xi->tok_lock);
	__xsan_tok_apply_revoke(xi, types, buf->seq);
	spin_unlock(&xi->tok_lock);
	xsan_msg_buf_free(buf);
}

/*
 * S_NOSEC (no setuid bits, no security xattrs: write(2) need not ask the
 * MDC for security.capability, SB_NOSEC) is as good as the attributes it
 * was learnt from: it goes with ATTR_RD (fs/data.c checks it is held).
 * Context: any; i_flags changes atomically.
 */
static void xsan_tok_nosec_gone(struct inode *inode, u32 types)
{
	if (types & (XSAN_TOK_ATTR_RD | XSAN_TOK_ATTR_WR)) {
		atomic_inc(&XSAN_I(inode)->nosec_gen);
		inode_set_flags(inode, 0, S_NOSEC);
	}
}

/* The PUT of @types is on the wire (or failed): TOKEN_GETs may go again. */
static void xsan_tok_returned(struct xsan_inode_info *xi, u32 types)
{
	if (!types)
		return;
	spin_lock(&xi->tok_lock);
	xi->tok_returning &= ~types;
	spin_unlock(&xi->tok_lock);
	wake_up_var(&xi->tok_returning);
}

static void xsan_tok_idle_work(struct work_struct *work)
{
	struct xsan_inode_info *xi = container_of(to_delayed_work(work),
						  struct xsan_inode_info,
						  tok_idle_work);
	struct inode *inode = &xi->vfs_inode;
	unsigned long idle = READ_ONCE(XSAN_SB(inode->i_sb)->opts.tok_idle_secs) * HZ;
	unsigned long left = 0;
	u32 types, covered;
	bool locked;

	spin_lock(&xi->tok_lock);
	types = idle && xi->tok_held &&
		!time_before(jiffies, xi->tok_used + idle) ? xi->tok_held : 0;
	/* an older session's bits are the reset's or the reclaim's */
	if (xi->tok_sgen != xsan_msgr_sgen(XSAN_SB(inode->i_sb)->msgr) ||
	    xsan_msgr_reclaiming(XSAN_SB(inode->i_sb)->msgr))
		types = 0;
	spin_unlock(&xi->tok_lock);
	if (!types)
		goto rearm;

	/*
	 * Users first drain (data_sem, the fault fence); only then are the
	 * bits taken, and only those the hold covers.
	 */
	locked = xsan_data_giveback_begin(inode, types, &covered);
	spin_lock(&xi->tok_lock);
	types = __xsan_tok_take_idle_mask(xi, jiffies, idle, covered);
	xi->tok_returning |= types;
	spin_unlock(&xi->tok_lock);
	xsan_tok_nosec_gone(inode, types);
	xsan_data_giveback_end(inode, types, locked);
	if (types)
		xsan_tok_put_voluntary(inode, types);
	xsan_tok_returned(xi, types);
rearm:
	spin_lock(&xi->tok_lock);
	if (xi->tok_held && idle)
		left = time_after(xi->tok_used + idle, jiffies) ?
		       xi->tok_used + idle - jiffies : 1;
	spin_unlock(&xi->tok_lock);
	if (left)
		queue_delayed_work(XSAN_SB(inode->i_sb)->tok_wq,
				   &xi->tok_idle_work, min(left, idle) + 1);
}

/**
 * xsan_tok_release_inode() - give back every token of an inode being
 * evicted
 * @inode: the inode, in evict_inode (no new grant can be recorded on it)
 *
 * Does not wait for the MDC: TOKEN_PUT is sent, not called. A new inode
 * for the same fid is only made after eviction ends, so its TOKEN_GET
 * goes out after this PUT on the same connection.
 *
 * Context: process context, may sleep (waits for the idle work).
 */
void xsan_tok_release_inode(struct inode *inode)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct xsan_req req = { .op = XSAN_OP_TOKEN_PUT };
	u32 types;

	cancel_delayed_work_sync(&xi->tok_idle_work);
	spin_lock(&xi->tok_lock);
	types = __xsan_tok_drop(xi, xi->tok_held);
	spin_unlock(&xi->tok_lock);
	if (!types || !sbi->msgr)
		return;
	req.fid = xi->fid;
	req.tok.types = types;
	xsan_msgr_send(sbi->msgr, &req);
}

/* ---- callbacks from the messenger ------------------------------------ */

/**
 * struct xsan_tok_rv - a REVOKE waiting for its inode's turn
 * @list: in xsan_inode_info.rv_list, or xsan_sb_info.cb_parked
 * @fid: the inode
 * @types: XSAN_TOK_* it takes back
 * @revoke: its id, for the TOKEN_PUT that answers it
 * @seq: its receive sequence number
 * @sgen: the session generation it was read in
 */
struct xsan_tok_rv {
	struct list_head list;
	struct xsan_fid fid;
	u32 types;
	u64 revoke;
	u64 seq;
	u32 sgen;
};

struct xsan_tok_key {
	u64 ino;
	u32 gen;
};

static int xsan_tok_test(struct inode *inode, void *data)
{
	const struct xsan_tok_key *k = data;
	const struct xsan_inode_info *xi = XSAN_I(inode);

	return xi->fid.ino == k->ino && xi->fid.gen == k->gen;
}

/*
 * Answer a REVOKE with a TOKEN_PUT of @types (same session only). For a
 * cached @inode the reply is waited for and its seq applied like a
 * revoke: a grant of one of @types that the MDC sent before it read the
 * PUT (a TOKEN_GET of ours it had parked, granted after the REVOKE, then
 * revoked again under a new id) is taken away with it, as the MDC takes
 * it away; a PUT that got no answer counts as applied (the types are
 * dropped). An inode not cached (@inode NULL) has nothing to apply it to:
 * the PUT is only sent.
 */
static void xsan_tok_answer(struct xsan_sb_info *sbi, struct inode *inode,
			    const struct xsan_tok_rv *rv, u32 types)
{
	struct xsan_req put = { .op = XSAN_OP_TOKEN_PUT };
	struct xsan_msg_buf *buf = NULL;
	struct xsan_inode_info *xi;
	struct xsan_rep rep;
	int err;

	/* the MDC that sent it forgot that session: nothing to answer */
	if (xsan_msgr_sgen(sbi->msgr) != rv->sgen)
		return;
	put.fid = rv->fid;
	put.tok.types = types;
	put.tok.revoke = rv->revoke;
	if (!inode) {
		err = xsan_msgr_send(sbi->msgr, &put);
	} else {
		xi = XSAN_I(inode);
		err = xsan_msgr_call(sbi->msgr, &put, &rep, &buf);
		spin_lock(&xi->tok_lock);
		if (!err)
			__xsan_tok_apply_revoke(xi, types, buf->seq);
		else
			__xsan_tok_drop(xi, types);
		spin_unlock(&xi->tok_lock);
		xsan_msg_buf_free(buf);
	}
	if (err && err != -ESHUTDOWN)
		pr_warn_ratelimited("volume %s: could not answer revoke %llu (error %d)\n",
				    sbi->volume, rv->revoke, err);
}

/*
 * Carry out a REVOKE on a cached inode: wait for the users of the cache to
 * drain, take the bits (a type granted again by a reply read after the
 * REVOKE stays), write back and drop what they covered, answer. TOKEN_GETs
 * of those types wait (@tok_returning) until the PUT's reply is applied,
 * and grants of them applied meanwhile are not believed.
 * Context: process context (the revoke queue, or the callback queue for a
 * revoke that needs no drain), may sleep.
 */
static void xsan_tok_do_revoke(struct inode *inode,
			       const struct xsan_tok_rv *rv)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	u32 types = rv->types, covered;
	bool locked;

	locked = xsan_data_giveback_begin(inode, types, &covered);
	spin_lock(&xi->tok_lock);
	__xsan_tok_apply_revoke(xi, types, rv->seq);
	/* granted again by a reply read after the REVOKE: keep it */
	types &= ~xi->tok_held;
	xi->tok_returning |= types;
	spin_unlock(&xi->tok_lock);
	xsan_tok_nosec_gone(inode, rv->types);
	/* dirty data written and committed, caches dropped, first */
	xsan_data_giveback_end(inode, types, locked);
	pr_debug("revoke %llu: inode %llu:%u types %#x, giving back %#x\n",
		 rv->revoke, rv->fid.ino, rv->fid.gen, rv->types, types);
	xsan_tok_answer(XSAN_SB(inode->i_sb), inode, rv, types);
	xsan_tok_returned(xi, types);
}

/*
 * For tests: hold each revoke queue this long before it runs, holding its
 * inode reference (tests/qemu/umount-revoke.sh: a REVOKE in progress when
 * umount begins must be over before the inodes are evicted).
 */
static unsigned int revoke_delay_ms;
module_param(revoke_delay_ms, uint, 0644);
MODULE_PARM_DESC(revoke_delay_ms,
		 "for tests: delay before a revoke queue runs, in ms (0: none; at most 60000)");

/*
 * The revoke queue of one inode: its REVOKEs in the order they came. The
 * work holds one inode reference while the list is not empty, and drops
 * it last (it may evict the inode: nothing is touched after).
 */
static void xsan_tok_rv_work(struct work_struct *work)
{
	struct xsan_inode_info *xi = container_of(work, struct xsan_inode_info,
						  rv_work);
	struct inode *inode = &xi->vfs_inode;
	unsigned int delay = READ_ONCE(revoke_delay_ms);
	struct xsan_tok_rv *rv;
	bool empty;

	if (delay) {
		pr_info("revoke of inode %lu held %u ms (revoke_delay_ms)\n",
			inode->i_ino, delay);
		msleep(min(delay, 60000U));
	}
	for (;;) {
		spin_lock(&xi->tok_lock);
		rv = list_first_entry_or_null(&xi->rv_list, struct xsan_tok_rv,
					      list);
		spin_unlock(&xi->tok_lock);
		if (!rv)
			return;
		/* still listed: a REVOKE queued meanwhile does not requeue */
		xsan_tok_do_revoke(inode, rv);
		spin_lock(&xi->tok_lock);
		list_del(&rv->list);
		empty = list_empty(&xi->rv_list);
		spin_unlock(&xi->tok_lock);
		kfree(rv);
		if (empty) {
			/* the queue's reference, last */
			iput(inode);
			return;
		}
	}
}

static void xsan_tok_revoke(struct xsan_sb_info *sbi, const struct xsan_req *cb,
			    const struct xsan_msg_buf *buf)
{
	struct xsan_tok_key k = { .ino = cb->fid.ino, .gen = cb->fid.gen };
	struct xsan_tok_rv *rv, one = {
		.fid = cb->fid, .types = cb->tok.types & XSAN_TOK_ALL,
		.revoke = cb->tok.revoke, .seq = buf->seq, .sgen = buf->sgen,
	};
	struct xsan_inode_info *xi;
	struct inode *inode;
	bool first;

	xsan_tok_note_revoke(sbi, &cb->fid, one.types, buf->seq);
	rv = kmemdup(&one, sizeof(one), GFP_NOFS);
	/*
	 * Unmount has begun: inodes are being evicted (eviction writes back
	 * and gives everything back). Taking a reference now would leave
	 * one busy; the REVOKE is answered once they are gone.
	 */
	spin_lock(&sbi->cb_lock);
	if (sbi->cb_stopped && rv) {
		list_add_tail(&rv->list, &sbi->cb_parked);
		spin_unlock(&sbi->cb_lock);
		return;
	}
	spin_unlock(&sbi->cb_lock);
	/*
	 * Never i_rwsem here: a lookup may hold it while its own TOKEN_GET
	 * waits for this very revoke to be answered.
	 */
	inode = ilookup5(sbi->sb, (unsigned long)k.ino, xsan_tok_test, &k);
	if (!inode) {
		xsan_tok_answer(sbi, NULL, &one, one.types);
		kfree(rv);
		return;
	}
	xi = XSAN_I(inode);
	if (!rv) {
		/* no memory to queue it: here, holding up the callbacks */
		xsan_tok_do_revoke(inode, &one);
		kfree(rv);
		iput(inode);
		return;
	}
	spin_lock(&xi->tok_lock);
	first = list_empty(&xi->rv_list);
	list_add_tail(&rv->list, &xi->rv_list);
	spin_unlock(&xi->tok_lock);
	if (first)
		queue_work(sbi->rv_wq, &xi->rv_work);	/* takes our reference */
	else
		iput(inode);
}

static void xsan_tok_callback(void *priv, const struct xsan_req *cb,
			      const struct xsan_msg_buf *buf)
{
	struct xsan_sb_info *sbi = priv;

	switch (cb->op) {
	case XSAN_OP_REVOKE:
		xsan_tok_revoke(sbi, cb, buf);
		break;
	case XSAN_OP_LOCK_WAKE:
		xsan_lock_wake(sbi, cb->fid.ino, cb->tok.owner);
		break;
	default:
		pr_warn_ratelimited("volume %s: MDC sent unexpected callback %u\n",
				    sbi->volume, cb->op);
		break;
	}
}

/**
 * xsan_tok_stop_callbacks() - unmount begins: no callback takes an inode
 * reference from now on
 * @sbi: the mount
 *
 * Waits for the callbacks and revoke queues running now. REVOKEs that come
 * later are parked until xsan_tok_answer_parked().
 *
 * Context: process context (kill_sb, before the inodes are evicted).
 */
void xsan_tok_stop_callbacks(struct xsan_sb_info *sbi)
{
	spin_lock(&sbi->cb_lock);
	sbi->cb_stopped = true;
	spin_unlock(&sbi->cb_lock);
	if (sbi->msgr)
		xsan_msgr_flush_callbacks(sbi->msgr);
	if (sbi->rv_wq)
		flush_workqueue(sbi->rv_wq);
	/* session-lost drops queued by a reset hold references too */
	if (sbi->tok_wq)
		flush_workqueue(sbi->tok_wq);
}

/**
 * xsan_tok_answer_parked() - answer the REVOKEs parked during unmount
 * @sbi: the mount, whose inodes are all evicted (their tokens given back)
 *
 * Context: process context (kill_sb).
 */
void xsan_tok_answer_parked(struct xsan_sb_info *sbi)
{
	struct xsan_tok_rv *rv, *tmp;
	LIST_HEAD(parked);

	if (sbi->msgr)
		xsan_msgr_flush_callbacks(sbi->msgr);
	spin_lock(&sbi->cb_lock);
	list_splice_init(&sbi->cb_parked, &parked);
	spin_unlock(&sbi->cb_lock);
	list_for_each_entry_safe(rv, tmp, &parked, list) {
		xsan_tok_answer(sbi, NULL, rv, rv->types);
		list_del(&rv->list);
		kfree(rv);
	}
}

/* Forget @inode's tokens of a session that is gone (reset, reclaim). */
static void xsan_tok_reset_inode(struct inode *inode, u32 sgen, bool stopped)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	u32 lost = 0;

	spin_lock(&xi->tok_lock);
	if (xi->tok_sgen != sgen) {
		lost = __xsan_tok_reset_one(xi);
		xi->tok_sgen = sgen;
	}
	spin_unlock(&xi->tok_lock);
	xsan_tok_nosec_gone(inode, lost);
	/*
	 * the page cache, the layouts and the O_DIRECT commits owed were the
	 * old session's too: dropped (dirty: EIO) from a work (fs/data.c
	 * checks the generation before it trusts them in the meantime)
	 */
	if (!stopped)
		xsan_data_session_lost(inode);
}

static void xsan_tok_reset(void *priv)
{
	struct xsan_sb_info *sbi = priv;
	struct super_block *sb = sbi->sb;
	struct inode *inode;
	u32 sgen = xsan_msgr_sgen(sbi->msgr);
	bool stopped;

	pr_info("volume %s: session lost, dropping every cached token\n",
		sbi->volume);
	/* unmount has begun: no inode reference may be taken (eviction
	 * drops every cache anyway)
	 */
	spin_lock(&sbi->cb_lock);
	stopped = sbi->cb_stopped;
	spin_unlock(&sbi->cb_lock);
	/* before the walk: see xsan_tok_grant_since() */
	atomic_inc(&sbi->tok_resets);
	/*
	 * An inode on s_inodes stays allocated while we hold the list lock;
	 * the token state lives in it from alloc to free. The tokens of the
	 * old session stopped counting at the generation bump already
	 * (xsan_tok_valid()); this cleans up what was built on them. An
	 * inode whose bits are already the new session's keeps them.
	 */
	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
		xsan_tok_reset_inode(inode, sgen, stopped);
		xsan_lock_lost(inode);
	}
	spin_unlock(&sb->s_inode_list_lock);
	/* their waiters at the MDC went with the session: ask again */
	xsan_lock_wake_all(sbi);
}

/* ---- reclaim after an MDC restart ----------------------------------- */

/*
 * What an MDC restart must not cost @inode: dirty pages or pages under
 * writeback, O_DIRECT commits owed, open files.
 */
static bool xsan_tok_reclaim_worth(struct inode *inode)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	bool open;

	if (!S_ISREG(inode->i_mode))
		return false;
	spin_lock(&xi->open_lock);
	open = !list_empty(&xi->open_files);
	spin_unlock(&xi->open_lock);
	return open || READ_ONCE(xi->dio_dirty) ||
	       mapping_tagged(inode->i_mapping, PAGECACHE_TAG_DIRTY) ||
	       mapping_tagged(inode->i_mapping, PAGECACHE_TAG_WRITEBACK);
}

/*
 * TOKEN_GET with RECLAIM of what @inode held in session generation
 * @old_sgen (and DATA_RD + DATA_WR for dirty pages, whatever the bits
 * say); on success its data caches belong to the new session. The MDC
 * grants a reclaim at once or refuses it (EBUSY: another session took a
 * conflicting token meanwhile; EINVAL: the grace window is over).
 */
static int xsan_tok_reclaim_one(struct inode *inode, u32 old_sgen)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct xsan_req req = { .op = XSAN_OP_TOKEN_GET };
	struct xsan_msg_buf *buf = NULL;
	struct xsan_rep rep;
	u32 types;
	int err;

	spin_lock(&xi->tok_lock);
	types = xi->tok_sgen == old_sgen ? xi->tok_held : 0;
	spin_unlock(&xi->tok_lock);
	if (!(types & XSAN_TOK_DIO) &&
	    (mapping_tagged(inode->i_mapping, PAGECACHE_TAG_DIRTY) ||
	     mapping_tagged(inode->i_mapping, PAGECACHE_TAG_WRITEBACK)))
		types |= XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR;
	if (!types)
		return 0;
	xsan_fill_cred(&req.cred);
	req.fid = xi->fid;
	req.tok.types = types;
	req.tok.flags = XSAN_TOKF_RECLAIM;
	err = xsan_msgr_call(sbi->msgr, &req, &rep, &buf);
	if (err)
		return err;
	if ((rep.tok.granted & types) != types) {
		err = -EIO;
		goto out;
	}
	if (rep.nattr) {
		err = xsan_refresh_from_rep(inode, &rep, 0, buf->seq);
		if (err)
			goto out;
	}
	spin_lock(&xi->tok_lock);
	__xsan_tok_apply_grant(xi, types, buf->seq, buf->sgen);
	xi->tok_used = jiffies;
	spin_unlock(&xi->tok_lock);
	/*
	 * The caches carry over. Not under data_sem: its holders may wait
	 * for this reclaim (the lease does not count until it is done), and
	 * nothing reads data_sgen to trust it before then. The MDC forgot
	 * its grants: the layouts are asked for again before the next write
	 * (the blocks granted and not committed stay ours: "pending").
	 */
	if (READ_ONCE(xi->data_sgen) == old_sgen &&
	    buf->sgen == xsan_msgr_sgen(sbi->msgr)) {
		xsan_layout_forget(&xi->layout, 0, U64_MAX);
		WRITE_ONCE(xi->data_sgen, buf->sgen);
	}
	xsan_tok_arm_idle(inode);
out:
	xsan_msg_buf_free(buf);
	return err;
}

/*
 * The MDC restarted and kept our session (RECONNECT answered RECLAIM):
 * its tokens, locks and open handles went with it, but it lets us take
 * them back within its grace window (Documentation/tokens.rst, "Reconnect
 * and reclaim"). In this order: every inode's tokens of the old session
 * stop counting (the generation bump did that already) and grants of
 * TOKEN_GETs sent before now are not believed (tok_resets); the inodes
 * whose caches hold what must not be lost (dirty pages, O_DIRECT commits
 * owed, open files) reclaim their tokens, keep their caches, and open
 * their open files again; every other inode is reset as after a lost
 * session (its attributes, dentries and clean pages are fetched again
 * when needed, not trusted blindly); RECLAIM_DONE tells the MDC it may
 * close its grace window for us. Until xsan_msgr_reclaim_done() the
 * lease does not count: the data path and every TOKEN_GET wait, so
 * nothing goes out under a token not taken back yet. What cannot be
 * reclaimed is dropped as after a lost session (dirty data: EIO, with a
 * line naming the inode and the error).
 */
static void xsan_tok_reclaim(void *priv, u32 old_sgen)
{
	struct xsan_sb_info *sbi = priv;
	struct super_block *sb = sbi->sb;
	u32 sgen = xsan_msgr_sgen(sbi->msgr);
	unsigned int n = 0, k = 0, i, kept = 0, lost = 0;
	unsigned int locks = 0, locks_lost = 0;
	struct inode *inode, **todo = NULL;
	bool stopped;
	int err;

	spin_lock(&sbi->cb_lock);
	stopped = sbi->cb_stopped;
	spin_unlock(&sbi->cb_lock);
	if (!stopped) {
		spin_lock(&sb->s_inode_list_lock);
		list_for_each_entry(inode, &sb->s_inodes, i_sb_list)
			n++;
		spin_unlock(&sb->s_inode_list_lock);
		todo = kvcalloc(max(n, 1u), sizeof(*todo), GFP_NOFS);
	}
	atomic_inc(&sbi->tok_resets);
	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
		struct xsan_inode_info *xi = XSAN_I(inode);

		if (todo && k < n &&
		    (READ_ONCE(xi->tok_sgen) == old_sgen ||
		     READ_ONCE(xi->data_sgen) == old_sgen) &&
		    xsan_tok_reclaim_worth(inode) && igrab(inode)) {
			todo[k++] = inode;
			continue;
		}
		xsan_tok_reset_inode(inode, sgen, stopped);
		xsan_lock_lost(inode);
	}
	spin_unlock(&sb->s_inode_list_lock);
	for (i = 0; i < k; i++) {
		inode = todo[i];
		err = xsan_tok_reclaim_one(inode, old_sgen);
		if (err) {
			lost++;
			pr_warn("volume %s: inode %llu: tokens not reclaimed after the metadata controller restarted (error %d): its unwritten data is lost (EIO)\n",
				sbi->volume, XSAN_I(inode)->fid.ino, err);
			xsan_tok_reset_inode(inode, sgen, stopped);
			locks += xsan_lock_reclaim(inode, &locks_lost);
			continue;
		}
		kept++;
		xsan_file_reopen_all(inode);
		/* after the open handles: as the MDC had them */
		locks += xsan_lock_reclaim(inode, &locks_lost);
	}
	/*
	 * Tell the MDC: once every session of before its restart did, its
	 * grace window closes early and the newcomers' requests go on. An
	 * MDC that does not know RECLAIM_DONE keeps the window to its time.
	 */
	if (!stopped) {
		struct xsan_req done = { .op = XSAN_OP_RECLAIM_DONE };
		struct xsan_msg_buf *buf = NULL;
		struct xsan_rep rep;

		if (!xsan_msgr_call(sbi->msgr, &done, &rep, &buf))
			xsan_msg_buf_free(buf);
	}
	pr_info("volume %s: the metadata controller restarted: %u file(s) reclaimed, %u lost, %u lock(s) reclaimed, %u lost, %u other inode(s) to be fetched again\n",
		sbi->volume, kept, lost, locks, locks_lost, n - k);
	/* before the iputs: an eviction waits for what waits for this */
	xsan_msgr_reclaim_done(sbi->msgr);
	/* waiters registered before the restart are gone: ask again */
	xsan_lock_wake_all(sbi);
	for (i = 0; i < k; i++)
		iput(todo[i]);
	kvfree(todo);
}

/*
 * The messenger calls these on its ordered callback workqueue; priv is the
 * mount's struct xsan_sb_info.
 */
const struct xsan_msgr_ops xsan_tok_msgr_ops = {
	.callback	= xsan_tok_callback,
	.reset		= xsan_tok_reset,
	.reclaim	= xsan_tok_reclaim,
};
