// SPDX-License-Identifier: GPL-2.0
/*
 * Cluster-wide fcntl (POSIX and OFD) and flock(2) locks
 * (Documentation/tokens.rst, "Locks").
 *
 * The MDC keeps the locks of every client (LOCK, UNLOCK). The VFS keeps a
 * copy of ours (posix_lock_file(), locks_lock_file_wait()): close(2), exit
 * and the last fput() release them through ->lock and ->flock as on any
 * filesystem, F_GETLK names a holder on this host with its pid, and a
 * reclaim after an MDC restart knows what to take back. A lock is taken
 * at the MDC first and then recorded here; an unlock is done here first
 * and then at the MDC. So a lock the MDC grants never meets a local copy
 * of another owner's lock still being released, and the local copy never
 * claims more than the MDC granted.
 *
 * F_SETLKW and flock() without LOCK_NB are LOCK with WAIT: on a conflict
 * the MDC registers a waiter, answers EAGAIN, and sends LOCK_WAKE(fid,
 * owner) when the lock may be granted. We then ask again (a wakeup is a
 * hint, not a grant). A wakeup lost with a connection or an MDC restart
 * costs at most XSAN_LOCK_REPOLL: the waiter asks again then anyway. A
 * signal ends the wait: UNLOCK with CANCEL forgets the MDC's waiter and
 * keeps what the owner already held (an interrupted upgrade keeps its
 * read lock, as on one host).
 *
 * Owners: the MDC sees a keyed hash of the VFS's owner (the files_struct
 * of a POSIX lock, the open file of an OFD or flock lock), never a kernel
 * address.
 *
 * Locks lost at the MDC (the session lost, a reclaim refused) stay in the
 * VFS's lists until their owners unlock them, but their owners are told:
 * read, write and fsync by a holder of a lock on that inode fail EIO
 * (xsan_lock_check()) until no lock is held on it here, as NFSv4 does
 * with a lost lock. Another host may have taken the lock and changed the
 * data meanwhile; an application that goes on would corrupt it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/sched/signal.h>
#include <linux/siphash.h>
#include <linux/slab.h>

#include "fs/xsan.h"

/* How long an F_SETLKW waits for a LOCK_WAKE before it asks again. */
#define XSAN_LOCK_REPOLL	(5 * HZ)

/**
 * struct xsan_lock_waiter - an F_SETLKW or blocking flock() of this mount
 * that the MDC answered EAGAIN
 * @list: on xsan_sb_info.lock_waiters
 * @ino: the inode it waits on
 * @owner: the owner as the MDC knows it
 * @woken: a LOCK_WAKE for (@ino, @owner) came, or every waiter was woken
 *
 * @list and @woken are protected by xsan_sb_info.lock_wait_lock.
 */
struct xsan_lock_waiter {
	struct list_head list;
	u64 ino;
	u64 owner;
	bool woken;
};

/* One lock of ours, as a reclaim takes it back. */
struct xsan_lock_rec {
	u64 owner;
	u64 start;
	u64 length;
	u32 type;
	u32 flags;
};

void xsan_lock_init(struct xsan_sb_info *sbi)
{
	spin_lock_init(&sbi->lock_wait_lock);
	INIT_LIST_HEAD(&sbi->lock_waiters);
	init_waitqueue_head(&sbi->lock_wq);
	get_random_bytes(&sbi->lock_key, sizeof(sbi->lock_key));
}

static u64 xsan_lock_owner(struct xsan_sb_info *sbi, const void *p)
{
	return siphash_1u64((u64)(unsigned long)p, &sbi->lock_key);
}

/* The VFS's owner of @fl: its open file for flock, else fl_owner. */
static const void *xsan_lock_vfs_owner(const struct file_lock *fl, u32 flags)
{
	return (flags & XSAN_LOCKF_FLOCK) ? (const void *)fl->fl_file :
					   (const void *)fl->fl_owner;
}

/* The MDC's name for the owner of @fl (XSAN_LOCKF_FLOCK in @flags). */
static u64 xsan_lock_fl_owner(struct xsan_sb_info *sbi,
			      const struct file_lock *fl, u32 flags)
{
	return xsan_lock_owner(sbi, xsan_lock_vfs_owner(fl, flags));
}

static u64 xsan_lock_len(const struct file_lock *fl)
{
	return fl->fl_end == OFFSET_MAX ? 0 : fl->fl_end - fl->fl_start + 1;
}

/*
 * One LOCK or UNLOCK of @fl's range (the whole file for flock) by @owner.
 * @rep, if not NULL, gets a LOCK reply's lock fields.
 */
static int xsan_lock_call(struct inode *inode, u32 op, u64 owner,
			  const struct file_lock *fl, u32 type, u32 flags,
			  struct xsan_token_rep *rep)
{
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct xsan_req req = { .op = op };
	struct xsan_msg_buf *buf = NULL;
	struct xsan_rep r;
	int err;

	xsan_fill_cred(&req.cred);
	req.fid = XSAN_I(inode)->fid;
	req.tok.owner = owner;
	req.tok.flags = flags;
	if (!(flags & XSAN_LOCKF_FLOCK)) {
		req.tok.start = fl->fl_start;
		req.tok.length = xsan_lock_len(fl);
	}
	if (op == XSAN_OP_LOCK)
		req.tok.type = type;
	/* a task on its way out (killed) cannot wait: send, do not wait */
	if (op == XSAN_OP_UNLOCK && fatal_signal_pending(current))
		return xsan_msgr_send(sbi->msgr, &req);
	err = xsan_msgr_call(sbi->msgr, &req, &r, &buf);
	if (err == -ERESTARTSYS && op == XSAN_OP_UNLOCK)
		return xsan_msgr_send(sbi->msgr, &req);
	if (err)
		return err;
	if (rep)
		*rep = r.tok;
	xsan_msg_buf_free(buf);
	return 0;
}

static u32 xsan_lock_type(const struct file_lock *fl)
{
	return fl->fl_type == F_WRLCK ? XSAN_LOCK_WR : XSAN_LOCK_RD;
}

/*
 * LOCK with WAIT until granted: 0, -EDEADLK, -ENOLCK, another error of
 * the call, or -ERESTARTSYS after a signal (the MDC's waiter cancelled).
 */
static int xsan_lock_wait(struct inode *inode, u64 owner,
			  const struct file_lock *fl, u32 flags)
{
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct xsan_lock_waiter w = {
		.ino = XSAN_I(inode)->fid.ino,
		.owner = owner,
	};
	long left = 0;
	int err;

	for (;;) {
		/* before the LOCK: its LOCK_WAKE may beat its reply */
		spin_lock(&sbi->lock_wait_lock);
		w.woken = false;
		list_add_tail(&w.list, &sbi->lock_waiters);
		spin_unlock(&sbi->lock_wait_lock);
		err = xsan_lock_call(inode, XSAN_OP_LOCK, owner, fl,
				     xsan_lock_type(fl),
				     flags | XSAN_LOCKF_WAIT, NULL);
		if (err == -EAGAIN)
			left = wait_event_interruptible_timeout(sbi->lock_wq,
								READ_ONCE(w.woken),
								XSAN_LOCK_REPOLL);
		spin_lock(&sbi->lock_wait_lock);
		list_del(&w.list);
		spin_unlock(&sbi->lock_wait_lock);
		if (err != -EAGAIN)
			return err;
		if (left < 0)
			break;
	}
	err = xsan_lock_call(inode, XSAN_OP_UNLOCK, owner, fl, 0,
			     (flags & XSAN_LOCKF_FLOCK) | XSAN_LOCKF_CANCEL, NULL);
	if (err)
		pr_warn_ratelimited("volume %s: inode %llu: an interrupted lock wait was not cancelled at the metadata controller (error %d)\n",
				    sbi->volume, XSAN_I(inode)->fid.ino, err);
	return -ERESTARTSYS;
}

/**
 * xsan_lock_wake() - a LOCK_WAKE came: wake the waiters it names
 * @sbi: the mount
 * @ino: its inode
 * @owner: its owner
 *
 * Context: the messenger's callback work.
 */
void xsan_lock_wake(struct xsan_sb_info *sbi, u64 ino, u64 owner)
{
	struct xsan_lock_waiter *w;
	bool any = false;

	spin_lock(&sbi->lock_wait_lock);
	list_for_each_entry(w, &sbi->lock_waiters, list) {
		if (w->ino == ino && w->owner == owner) {
			w->woken = true;
			any = true;
		}
	}
	spin_unlock(&sbi->lock_wait_lock);
	if (any)
		wake_up_all(&sbi->lock_wq);
}

/**
 * xsan_lock_wake_all() - every waiter asks again (its MDC waiter may be
 * gone with the session or the MDC's restart)
 * @sbi: the mount
 *
 * Context: any context.
 */
void xsan_lock_wake_all(struct xsan_sb_info *sbi)
{
	struct xsan_lock_waiter *w;

	spin_lock(&sbi->lock_wait_lock);
	list_for_each_entry(w, &sbi->lock_waiters, list)
		w->woken = true;
	spin_unlock(&sbi->lock_wait_lock);
	wake_up_all(&sbi->lock_wq);
}

/* Record a lock the MDC granted in the VFS's copy, without waiting. */
static int xsan_lock_local(struct file *file, struct file_lock *fl, u32 flags)
{
	unsigned int saved = fl->fl_flags;
	int err;

	fl->fl_flags &= ~FL_SLEEP;
	if (flags & XSAN_LOCKF_FLOCK)
		err = locks_lock_file_wait(file, fl);
	else
		err = posix_lock_file(file, fl, NULL);
	fl->fl_flags = saved;
	return err;
}

/* Does @owner (the VFS's) hold a lock of @flags' kind on @inode here? */
static bool xsan_lock_held(struct inode *inode, const void *owner, u32 flags)
{
	struct file_lock_context *ctx = locks_inode_context(inode);
	struct file_lock *fl;
	bool held = false;

	if (!ctx)
		return false;
	spin_lock(&ctx->flc_lock);
	if (flags & XSAN_LOCKF_FLOCK) {
		list_for_each_entry(fl, &ctx->flc_flock, fl_list)
			held |= fl->fl_file == owner;
	} else {
		list_for_each_entry(fl, &ctx->flc_posix, fl_list)
			held |= fl->fl_owner == owner;
	}
	spin_unlock(&ctx->flc_lock);
	return held;
}

static int xsan_lock_set(struct file *file, struct file_lock *fl, u32 flags,
			 bool wait)
{
	struct inode *inode = file_inode(file);
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	u64 owner = xsan_lock_fl_owner(sbi, fl, flags);
	int err;

	/* not before the reclaim took back what this mount held */
	err = xsan_msgr_reclaim_wait(sbi->msgr);
	if (err)
		return err;
	if (wait)
		err = xsan_lock_wait(inode, owner, fl, flags);
	else
		err = xsan_lock_call(inode, XSAN_OP_LOCK, owner, fl,
				     xsan_lock_type(fl), flags, NULL);
	if (err)
		return err;
	err = xsan_lock_local(file, fl, flags);
	if (err) {
		/* only without memory: the MDC's lock must not outlive ours */
		pr_warn_ratelimited("volume %s: inode %llu: lock granted by the metadata controller not recorded here (error %d): released\n",
				    sbi->volume, XSAN_I(inode)->fid.ino, err);
		xsan_lock_call(inode, XSAN_OP_UNLOCK, owner, fl, 0, flags, NULL);
	}
	return err;
}

static int xsan_lock_unlock(struct file *file, struct file_lock *fl, u32 flags)
{
	struct inode *inode = file_inode(file);
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	bool held = xsan_lock_held(inode, xsan_lock_vfs_owner(fl, flags),
				   flags);
	int err, lerr;

	lerr = xsan_lock_local(file, fl, flags);
	/* every close(2) of a file someone here locked: not a round trip */
	if (!held && (fl->fl_flags & FL_CLOSE))
		return lerr;
	err = xsan_lock_call(inode, XSAN_OP_UNLOCK,
			     xsan_lock_fl_owner(sbi, fl, flags), fl, 0, flags,
			     NULL);
	if (err) {
		pr_warn_ratelimited("volume %s: inode %llu: unlock not confirmed by the metadata controller (error %d)\n",
				    sbi->volume, XSAN_I(inode)->fid.ino, err);
		/* a close cannot fail: the session's end releases it */
		if (fl->fl_flags & FL_CLOSE)
			err = 0;
	}
	return err ?: lerr;
}

/* F_GETLK: a holder on this host first (its pid is known), then the MDC. */
static int xsan_lock_test(struct file *file, struct file_lock *fl)
{
	struct inode *inode = file_inode(file);
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	unsigned char type = fl->fl_type;
	struct xsan_token_rep rep = { };
	int err;

	posix_test_lock(file, fl);
	if (fl->fl_type != F_UNLCK)
		return 0;
	fl->fl_type = type;
	err = xsan_msgr_reclaim_wait(sbi->msgr);
	if (err)
		return err;
	err = xsan_lock_call(inode, XSAN_OP_LOCK, xsan_lock_fl_owner(sbi, fl, 0),
			     fl, xsan_lock_type(fl), XSAN_LOCKF_GETLK, &rep);
	if (err)
		return err;
	if (!rep.type) {
		fl->fl_type = F_UNLCK;
		return 0;
	}
	/* another host's lock: no pid here (fs/locks.c reports l_pid 0) */
	fl->fl_type = rep.type == XSAN_LOCK_WR ? F_WRLCK : F_RDLCK;
	fl->fl_start = rep.start;
	fl->fl_end = rep.length ? rep.start + rep.length - 1 : OFFSET_MAX;
	fl->fl_pid = 0;
	return 0;
}

/**
 * xsan_lock() - ->lock: fcntl(F_GETLK, F_SETLK, F_SETLKW) and their OFD
 * variants, cluster-wide
 * @file: the open file
 * @cmd: the command
 * @fl: the lock (FL_POSIX; OFD locks too)
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno: -EAGAIN (conflict), -EDEADLK (the wait would
 * close a cycle, on any host), -ENOLCK (out of lock or waiter slots at
 * the MDC), -ERESTARTSYS (a signal ended an F_SETLKW), or a call's error.
 */
int xsan_lock(struct file *file, int cmd, struct file_lock *fl)
{
	if (!(fl->fl_flags & FL_POSIX))
		return -ENOLCK;
	if (XSAN_SB(file_inode(file)->i_sb)->opts.local_locks) {
		if (IS_GETLK(cmd)) {
			posix_test_lock(file, fl);
			return 0;
		}
		return locks_lock_file_wait(file, fl);
	}
	if (IS_GETLK(cmd))
		return xsan_lock_test(file, fl);
	if (fl->fl_type == F_UNLCK)
		return xsan_lock_unlock(file, fl, 0);
	return xsan_lock_set(file, fl, 0, IS_SETLKW(cmd));
}

/**
 * xsan_flock() - ->flock: flock(2), cluster-wide
 * @file: the open file
 * @cmd: F_SETLK (LOCK_NB) or F_SETLKW
 * @fl: the lock (FL_FLOCK)
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno (-EWOULDBLOCK with LOCK_NB on a conflict).
 */
int xsan_flock(struct file *file, int cmd, struct file_lock *fl)
{
	if (!(fl->fl_flags & FL_FLOCK))
		return -ENOLCK;
	if (XSAN_SB(file_inode(file)->i_sb)->opts.local_locks)
		return locks_lock_file_wait(file, fl);
	if (fl->fl_type == F_UNLCK)
		return xsan_lock_unlock(file, fl, XSAN_LOCKF_FLOCK);
	return xsan_lock_set(file, fl, XSAN_LOCKF_FLOCK, IS_SETLKW(cmd));
}

/*
 * Copy @inode's locks (at most @max) into @out; returns how many there
 * are (more than @max: call again with more room).
 */
static unsigned int xsan_lock_snapshot(struct inode *inode,
				       struct xsan_lock_rec *out,
				       unsigned int max)
{
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct file_lock_context *ctx = locks_inode_context(inode);
	struct file_lock *fl;
	unsigned int n = 0;

	if (!ctx)
		return 0;
	spin_lock(&ctx->flc_lock);
	list_for_each_entry(fl, &ctx->flc_posix, fl_list) {
		if (n < max)
			out[n] = (struct xsan_lock_rec) {
				.owner = xsan_lock_fl_owner(sbi, fl, 0),
				.start = fl->fl_start,
				.length = xsan_lock_len(fl),
				.type = xsan_lock_type(fl),
			};
		n++;
	}
	list_for_each_entry(fl, &ctx->flc_flock, fl_list) {
		if (n < max)
			out[n] = (struct xsan_lock_rec) {
				.owner = xsan_lock_fl_owner(sbi, fl,
							    XSAN_LOCKF_FLOCK),
				.type = xsan_lock_type(fl),
				.flags = XSAN_LOCKF_FLOCK,
			};
		n++;
	}
	spin_unlock(&ctx->flc_lock);
	return n;
}

/**
 * xsan_lock_reclaim() - take @inode's locks back after an MDC restart
 * @inode: an inode of ours
 * @lost: incremented for each lock the MDC refused
 *
 * LOCK with RECLAIM for each lock the VFS holds for us on @inode. One
 * the MDC refuses (EBUSY: another client's reclaim took a conflicting one;
 * EINVAL: the grace window is over) is lost: a line names the inode, the
 * range and the error; the local copy stays until its owner unlocks.
 *
 * Context: the reclaim (process context, may sleep).
 * Return: the number of locks taken back.
 */
unsigned int xsan_lock_reclaim(struct inode *inode, unsigned int *lost)
{
	struct xsan_sb_info *sbi = XSAN_SB(inode->i_sb);
	struct xsan_lock_rec *recs = NULL;
	unsigned int n, max = 0, i, kept = 0;
	int err;

	for (;;) {
		n = xsan_lock_snapshot(inode, recs, max);
		if (n <= max)
			break;
		kfree(recs);
		max = n + 4;
		recs = kcalloc(max, sizeof(*recs), GFP_NOFS);
		if (!recs) {
			*lost += n;
			pr_warn("volume %s: inode %llu: %u lock(s) not reclaimed after the metadata controller restarted: no memory\n",
				sbi->volume, XSAN_I(inode)->fid.ino, n);
			return 0;
		}
	}
	for (i = 0; i < n; i++) {
		struct xsan_req req = { .op = XSAN_OP_LOCK };
		struct xsan_msg_buf *buf = NULL;
		struct xsan_rep rep;

		xsan_fill_cred(&req.cred);
		req.fid = XSAN_I(inode)->fid;
		req.tok.owner = recs[i].owner;
		req.tok.start = recs[i].start;
		req.tok.length = recs[i].length;
		req.tok.type = recs[i].type;
		req.tok.flags = recs[i].flags | XSAN_LOCKF_RECLAIM;
		err = xsan_msgr_call(sbi->msgr, &req, &rep, &buf);
		if (!err) {
			xsan_msg_buf_free(buf);
			kept++;
			continue;
		}
		(*lost)++;
		set_bit(XSAN_LOCKS_LOST, &XSAN_I(inode)->data_flags);
		pr_warn("volume %s: inode %llu: %s %s lock of bytes %llu+%llu not reclaimed after the metadata controller restarted (error %d): another host may take it\n",
			sbi->volume, XSAN_I(inode)->fid.ino,
			(recs[i].flags & XSAN_LOCKF_FLOCK) ? "flock" : "fcntl",
			recs[i].type == XSAN_LOCK_WR ? "write" : "read",
			recs[i].start, recs[i].length, err);
	}
	kfree(recs);
	return kept;
}

/**
 * xsan_lock_lost() - the session is gone, and with it our locks at the
 * MDC: say so for @inode
 * @inode: an inode of ours
 *
 * The VFS's copies stay (their owners unlock them as usual); another host
 * may take the same locks now.
 *
 * Context: any context (no sleeping: called under s_inode_list_lock).
 */
void xsan_lock_lost(struct inode *inode)
{
	unsigned int n = xsan_lock_snapshot(inode, NULL, 0);

	if (!n)
		return;
	set_bit(XSAN_LOCKS_LOST, &XSAN_I(inode)->data_flags);
	pr_warn("volume %s: inode %llu: %u fcntl/flock lock(s) lost with the session: another host may take them; their holders' I/O on it fails EIO until they unlock\n",
		XSAN_SB(inode->i_sb)->volume, XSAN_I(inode)->fid.ino, n);
}

/**
 * xsan_lock_check() - may the caller use @file after its locks were lost?
 * @file: an open file of the caller
 *
 * Context: process context.
 * Return: -EIO if locks of @inode were lost at the MDC and the caller
 * (its files_struct, or @file for OFD and flock locks) holds one of those
 * here still; else 0. Clears the mark once nobody holds a lock on it.
 */
int xsan_lock_check(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct xsan_inode_info *xi = XSAN_I(inode);
	struct file_lock_context *ctx;
	struct file_lock *fl;
	bool mine = false, any = false;

	if (likely(!test_bit(XSAN_LOCKS_LOST, &xi->data_flags)))
		return 0;
	ctx = locks_inode_context(inode);
	if (ctx) {
		spin_lock(&ctx->flc_lock);
		list_for_each_entry(fl, &ctx->flc_posix, fl_list) {
			any = true;
			mine |= fl->fl_owner == current->files ||
				fl->fl_owner == file;
		}
		list_for_each_entry(fl, &ctx->flc_flock, fl_list) {
			any = true;
			mine |= fl->fl_file == file;
		}
		spin_unlock(&ctx->flc_lock);
	}
	if (!any)
		clear_bit(XSAN_LOCKS_LOST, &xi->data_flags);
	return mine ? -EIO : 0;
}
