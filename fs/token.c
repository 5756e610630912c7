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
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "fs/xsan.h"

/* ---- pure state transitions (KUnit: tests/kunit/token_test.c) ------ */

/**
 * __xsan_tok_apply_grant() - record a grant read at @seq
 * @xi: the inode
 * @types: XSAN_TOK_* granted
 * @seq: receive sequence number of the grant's reply
 *
 * A type revoked by a REVOKE read after this reply stays revoked.
 *
 * Context: caller holds @xi->tok_lock.
 * Return: the types newly held.
 */
u32 __xsan_tok_apply_grant(struct xsan_inode_info *xi, u32 types, u64 seq)
{
	u32 added = 0;
	int t;

	lockdep_assert_held(&xi->tok_lock);
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
 * looked up again. Losing ATTR_RD needs nothing more: the attributes are
 * trusted only while the bit is set.
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
	lockdep_assert_held(&xi->tok_lock);
	if (!idle || !xi->tok_held || time_before(now, xi->tok_used + idle))
		return 0;
	return __xsan_tok_drop(xi, xi->tok_held);
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
	xi->attr_seq = 0;
	atomic64_set(&xi->dir_gen, 0);
	INIT_DELAYED_WORK(&xi->tok_idle_work, xsan_tok_idle_work);
}

/**
 * __xsan_tok_valid() - are @types held? (the lease is not looked at)
 * @xi: the inode
 * @types: XSAN_TOK_* needed
 *
 * Marks the tokens used (idle release counts from the last use).
 *
 * Context: any context; takes @xi->tok_lock.
 * Return: true if every type in @types is held.
 */
bool __xsan_tok_valid(struct xsan_inode_info *xi, u32 types)
{
	bool ok;

	spin_lock(&xi->tok_lock);
	ok = (xi->tok_held & types) == types;
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
	if (!xsan_msgr_lease_valid(XSAN_SB(inode->i_sb)->msgr))
		return false;
	return __xsan_tok_valid(XSAN_I(inode), types);
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
 * xsan_tok_grant() - record tokens a TOKEN_GET reply granted
 * @inode: the inode
 * @types: XSAN_TOK_* granted
 * @seq: the reply's receive sequence number (xsan_msg_buf.seq)
 *
 * Context: process context (may queue work).
 */
void xsan_tok_grant(struct inode *inode, u32 types, u64 seq)
{
	struct xsan_inode_info *xi = XSAN_I(inode);

	types &= ~xsan_tok_revoked_after(XSAN_SB(inode->i_sb), &xi->fid, seq);
	spin_lock(&xi->tok_lock);
	__xsan_tok_apply_grant(xi, types, seq);
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
static void xsan_tok_grant_since(struct inode *inode, u32 types, u64 seq,
				 int resets)
{
	struct xsan_inode_info *xi = XSAN_I(inode);
	bool same;

	types &= ~xsan_tok_revoked_after(XSAN_SB(inode->i_sb), &xi->fid, seq);
	spin_lock(&xi->tok_lock);
	same = atomic_read(&XSAN_SB(inode->i_sb)->tok_resets) == resets;
	if (same) {
		__xsan_tok_apply_grant(xi, types, seq);
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
	xsan_tok_grant_since(inode, rep.tok.granted, buf->seq, resets);
out:
	xsan_msg_buf_free(buf);
	return err;
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

static void xsan_tok_idle_work(struct work_struct *work)
{
	struct xsan_inode_info *xi = container_of(to_delayed_work(work),
						  struct xsan_inode_info,
						  tok_idle_work);
	struct inode *inode = &xi->vfs_inode;
	unsigned long idle = READ_ONCE(XSAN_SB(inode->i_sb)->opts.tok_idle_secs) * HZ;
	unsigned long left = 0;
	u32 types;

	spin_lock(&xi->tok_lock);
	types = __xsan_tok_take_idle(xi, jiffies, idle);
	if (!types && xi->tok_held && idle)
		left = xi->tok_used + idle - jiffies;
	spin_unlock(&xi->tok_lock);

	if (types) {
		xsan_tok_nosec_gone(inode, types);
		xsan_data_drop_tokens(inode, types);
		xsan_tok_put_voluntary(inode, types);
	} else if (left) {
		queue_delayed_work(XSAN_SB(inode->i_sb)->tok_wq,
				   &xi->tok_idle_work, min(left, idle) + 1);
	}
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

static void xsan_tok_revoke(struct xsan_sb_info *sbi, const struct xsan_req *cb,
			    u64 seq)
{
	struct xsan_tok_key k = { .ino = cb->fid.ino, .gen = cb->fid.gen };
	struct xsan_req put = { .op = XSAN_OP_TOKEN_PUT };
	u32 types = cb->tok.types & XSAN_TOK_ALL;
	struct inode *inode;
	int err;

	xsan_tok_note_revoke(sbi, &cb->fid, types, seq);
	/*
	 * Never i_rwsem here: a lookup may hold it while its own TOKEN_GET
	 * waits for this very revoke to be answered.
	 */
	inode = ilookup5(sbi->sb, (unsigned long)k.ino, xsan_tok_test, &k);
	if (inode) {
		struct xsan_inode_info *xi = XSAN_I(inode);
		u32 kept;

		spin_lock(&xi->tok_lock);
		__xsan_tok_apply_revoke(xi, types, seq);
		/* granted again by a reply read after the REVOKE: keep it */
		kept = xi->tok_held & types;
		spin_unlock(&xi->tok_lock);
		types &= ~kept;
		xsan_tok_nosec_gone(inode, cb->tok.types);
		/* dirty data written and committed, caches dropped, first */
		xsan_data_drop_tokens(inode, types);
		iput(inode);
	}
	pr_debug("revoke %llu: inode %llu:%u types %#x, giving back %#x\n",
		 cb->tok.revoke, k.ino, k.gen, cb->tok.types, types);
	put.fid = cb->fid;
	put.tok.types = types;
	put.tok.revoke = cb->tok.revoke;
	err = xsan_msgr_send(sbi->msgr, &put);
	if (err)
		pr_warn_ratelimited("volume %s: could not answer revoke %llu (error %d)\n",
				    sbi->volume, cb->tok.revoke, err);
}

static void xsan_tok_callback(void *priv, const struct xsan_req *cb,
			      const struct xsan_msg_buf *buf)
{
	struct xsan_sb_info *sbi = priv;

	switch (cb->op) {
	case XSAN_OP_REVOKE:
		xsan_tok_revoke(sbi, cb, buf->seq);
		break;
	case XSAN_OP_LOCK_WAKE:
		/* no cluster locks in the kernel client yet: nobody waits */
		break;
	default:
		pr_warn_ratelimited("volume %s: MDC sent unexpected callback %u\n",
				    sbi->volume, cb->op);
		break;
	}
}

static void xsan_tok_reset(void *priv)
{
	struct xsan_sb_info *sbi = priv;
	struct super_block *sb = sbi->sb;
	struct inode *inode;

	pr_info("volume %s: session lost, dropping every cached token\n",
		sbi->volume);
	/* before the walk: see xsan_tok_grant_since() */
	atomic_inc(&sbi->tok_resets);
	/*
	 * An inode on s_inodes stays allocated while we hold the list lock;
	 * the token state lives in it from alloc to free.
	 */
	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
		struct xsan_inode_info *xi = XSAN_I(inode);
		u32 lost;

		spin_lock(&xi->tok_lock);
		lost = __xsan_tok_reset_one(xi);
		spin_unlock(&xi->tok_lock);
		xsan_tok_nosec_gone(inode, lost);
		/* the layouts were the old session's too */
		xsan_layout_forget(&xi->layout, 0, U64_MAX);
		/*
		 * and so was the page cache: dropped (dirty: EIO) from a work,
		 * which also drops (EIO) O_DIRECT writes not committed yet
		 */
		if (lost & (XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR |
			    XSAN_TOK_DIO | XSAN_TOK_ATTR_WR))
			xsan_data_session_lost(inode);
	}
	spin_unlock(&sb->s_inode_list_lock);
}

/*
 * The messenger calls these on its ordered callback workqueue; priv is the
 * mount's struct xsan_sb_info.
 */
const struct xsan_msgr_ops xsan_tok_msgr_ops = {
	.callback	= xsan_tok_callback,
	.reset		= xsan_tok_reset,
};
