// SPDX-License-Identifier: GPL-2.0
/*
 * Cluster-wide locks of one inode: POSIX byte-range locks (fcntl) and
 * whole-file flock locks, in two namespaces that never conflict with each
 * other, as on Linux. A lock belongs to (session, owner): the owner is
 * the client's own name for the lock owner (its files_struct for POSIX,
 * its struct file for flock), so the same owner number in two sessions
 * is two owners.
 *
 * POSIX rules (fs/locks.c's posix_lock_inode): an owner's locks never
 * overlap each other and never conflict with each other; a new lock
 * replaces the owner's locks in its range (splitting one that sticks out
 * on both sides), and merges with the owner's locks of the same type
 * that touch or overlap it. An unlock of a range releases that part of
 * the owner's locks. flock: one lock per owner, converted in place.
 *
 * All-or-nothing: every allocation a change can need is made before the
 * list is touched, so -ENOMEM leaves the set as it was.
 *
 * Pure data structure: no sockets, no daemon state (unit tested alone).
 */
#include <errno.h>
#include <stdlib.h>
#include "token.h"

static bool same_owner(const struct mdc_lockreq *a, const struct mdc_lockreq *b)
{
	return a->session == b->session && a->owner == b->owner &&
	       a->flock == b->flock;
}

static bool overlap(const struct mdc_lockreq *a, const struct mdc_lockreq *b)
{
	return a->start <= b->end && b->start <= a->end;
}

static bool conflict(const struct mdc_lockreq *held,
		     const struct mdc_lockreq *rq)
{
	return held->flock == rq->flock && !same_owner(held, rq) &&
	       overlap(held, rq) &&
	       (held->type == XSAN_LOCK_WR || rq->type == XSAN_LOCK_WR);
}

const struct mdc_lock *mdc_lock_test(const struct mdc_lockset *ls,
				     const struct mdc_lockreq *rq)
{
	const struct mdc_lock *l;

	for (l = ls->locks; l; l = l->next)
		if (conflict(&l->l, rq))
			return l;
	return NULL;
}

/*
 * Cut @rq's range out of the owner's locks. @spare is used for the one
 * split that can happen (an owner's locks do not overlap each other, so
 * at most one of them sticks out on both sides); set to NULL if taken.
 */
static void cut(struct mdc_lockset *ls, const struct mdc_lockreq *rq,
		struct mdc_lock **spare)
{
	struct mdc_lock **pp = &ls->locks, *l;

	while ((l = *pp)) {
		if (!same_owner(&l->l, rq) || !overlap(&l->l, rq)) {
			pp = &l->next;
			continue;
		}
		if (l->l.start < rq->start && l->l.end > rq->end) {
			struct mdc_lock *tail = *spare;

			*spare = NULL;
			tail->l = l->l;
			tail->l.start = rq->end + 1;
			l->l.end = rq->start - 1;
			tail->next = l->next;
			l->next = tail;
			return;
		}
		if (l->l.start < rq->start) {
			l->l.end = rq->start - 1;
		} else if (l->l.end > rq->end) {
			l->l.start = rq->end + 1;
		} else {
			*pp = l->next;
			free(l);
			continue;
		}
		pp = &l->next;
	}
}

/* Does @a end right before @b starts (no gap), without overflowing? */
static bool adjacent(const struct mdc_lockreq *a, const struct mdc_lockreq *b)
{
	return a->end != MDC_LOCK_EOF && a->end + 1 == b->start;
}

int mdc_lock_set(struct mdc_lockset *ls, const struct mdc_lockreq *rq)
{
	struct mdc_lock *n, *spare = NULL, **pp, *l;

	if (mdc_lock_test(ls, rq))
		return -EAGAIN;
	n = calloc(1, sizeof(*n));
	if (!rq->flock)
		spare = calloc(1, sizeof(*spare));
	if (!n || (!rq->flock && !spare)) {
		free(n);
		free(spare);
		return -ENOMEM;
	}
	n->l = *rq;
	if (rq->flock) {
		n->l.start = 0;
		n->l.end = MDC_LOCK_EOF;
	}
	cut(ls, &n->l, &spare);
	free(spare);
	/* Merge with the owner's locks of the same type that touch it. */
	for (pp = &ls->locks; (l = *pp);) {
		if (same_owner(&l->l, &n->l) && l->l.type == n->l.type &&
		    (overlap(&l->l, &n->l) || adjacent(&l->l, &n->l) ||
		     adjacent(&n->l, &l->l))) {
			if (l->l.start < n->l.start)
				n->l.start = l->l.start;
			if (l->l.end > n->l.end)
				n->l.end = l->l.end;
			*pp = l->next;
			free(l);
			continue;
		}
		pp = &l->next;
	}
	n->next = ls->locks;
	ls->locks = n;
	return 0;
}

int mdc_lock_clear(struct mdc_lockset *ls, const struct mdc_lockreq *rq)
{
	struct mdc_lock *spare = calloc(1, sizeof(*spare));
	struct mdc_lockreq r = *rq;

	if (!spare)
		return -ENOMEM;
	if (r.flock) {
		r.start = 0;
		r.end = MDC_LOCK_EOF;
	}
	cut(ls, &r, &spare);
	free(spare);
	/* An owner that unlocks gave up waiting there (a signal, a close). */
	mdc_lock_cancel(ls, rq);
	return 0;
}

void mdc_lock_cancel(struct mdc_lockset *ls, const struct mdc_lockreq *rq)
{
	struct mdc_lockreq r = *rq;
	struct mdc_lock **pp, *w;

	if (r.flock) {
		r.start = 0;
		r.end = MDC_LOCK_EOF;
	}
	for (pp = &ls->waiters; (w = *pp);) {
		if (same_owner(&w->l, &r) && overlap(&w->l, &r)) {
			*pp = w->next;
			free(w);
			ls->nwaiters--;
			continue;
		}
		pp = &w->next;
	}
}

int mdc_lock_wait(struct mdc_lockset *ls, const struct mdc_lockreq *rq)
{
	struct mdc_lock *w, **pp;

	for (w = ls->waiters; w; w = w->next)
		if (same_owner(&w->l, rq) && w->l.start == rq->start &&
		    w->l.end == rq->end && w->l.type == rq->type)
			return 0;
	if (ls->nwaiters >= MDC_LOCK_WAITERS_MAX)
		return -ENOLCK;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOLCK;
	w->l = *rq;
	/* FIFO: the first to wait is the first to be woken. */
	for (pp = &ls->waiters; *pp; pp = &(*pp)->next)
		;
	*pp = w;
	ls->nwaiters++;
	return 0;
}

/*
 * Wake each waiter whose lock would now be granted. The woken client
 * retries; one that loses the race to another waiter waits again, so a
 * wakeup is a hint, never a grant (as F_SETLKW loops in fs/locks.c).
 */
unsigned int mdc_lock_wake(struct mdc_lockset *ls,
			   void (*fn)(void *arg, const struct mdc_lockreq *w),
			   void *arg)
{
	struct mdc_lock **pp, *w;
	unsigned int n = 0;

	for (pp = &ls->waiters; (w = *pp);) {
		if (mdc_lock_test(ls, &w->l)) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		ls->nwaiters--;
		fn(arg, &w->l);
		free(w);
		n++;
	}
	return n;
}

static void drop_list(struct mdc_lock **pp, uint64_t session, unsigned int *count)
{
	struct mdc_lock *l;

	while ((l = *pp)) {
		if (l->l.session == session) {
			*pp = l->next;
			free(l);
			if (count)
				(*count)--;
			continue;
		}
		pp = &l->next;
	}
}

void mdc_lock_drop_session(struct mdc_lockset *ls, uint64_t session)
{
	drop_list(&ls->locks, session, NULL);
	drop_list(&ls->waiters, session, &ls->nwaiters);
}

void mdc_lock_free(struct mdc_lockset *ls)
{
	struct mdc_lock *l;

	while ((l = ls->locks)) {
		ls->locks = l->next;
		free(l);
	}
	while ((l = ls->waiters)) {
		ls->waiters = l->next;
		free(l);
	}
	ls->nwaiters = 0;
}

bool mdc_lock_empty(const struct mdc_lockset *ls)
{
	return !ls->locks && !ls->waiters;
}

unsigned int mdc_lock_count(const struct mdc_lockset *ls)
{
	const struct mdc_lock *l;
	unsigned int n = 0;

	for (l = ls->locks; l; l = l->next)
		n++;
	return n;
}

/* ---- deadlock detection across inodes and sessions ---- */

/* Owners a search visits at most; a longer chain is not called a deadlock
 * (fs/locks.c stops after MAX_DEADLK_ITERATIONS = 10 links).
 */
#define MDC_DEADLK_OWNERS	256u

struct lk_owner {
	uint64_t session, owner;
};

static bool lk_owner_is(const struct lk_owner *o, const struct mdc_lockreq *l)
{
	return o->session == l->session && o->owner == l->owner;
}

/* Add the holders of POSIX locks of @ls that block @w to @q, once each. */
static bool lk_push_blockers(const struct mdc_lockset *ls,
			     const struct mdc_lockreq *w,
			     const struct mdc_lockreq *me,
			     struct lk_owner *q, unsigned int *n)
{
	const struct mdc_lock *l;
	unsigned int i;

	for (l = ls->locks; l; l = l->next) {
		if (!conflict(&l->l, w))
			continue;
		if (l->l.session == me->session && l->l.owner == me->owner)
			return true;	/* the chain came back */
		for (i = 0; i < *n && !lk_owner_is(&q[i], &l->l); i++)
			;
		if (i == *n && *n < MDC_DEADLK_OWNERS)
			q[(*n)++] = (struct lk_owner){ l->l.session, l->l.owner };
	}
	return false;
}

/**
 * mdc_lock_deadlock() - would waiting for @rq close a cycle?
 * @sets: every lock set of the volume that has waiters (may include @ls)
 * @nsets: how many
 * @ls: the lock set @rq is blocked in
 * @rq: a POSIX lock request that conflicts with a lock of @ls
 *
 * The cluster-wide form of fs/locks.c's posix_locks_deadlock(): the
 * owners holding the locks that block @rq are followed to the requests
 * they themselves wait for (registered waiters, on any inode, of any
 * session) and to the owners blocking those, and so on. If that reaches
 * @rq's own owner, waiting would never end. flock requests are not
 * checked, as on Linux. The search is breadth first over at most
 * MDC_DEADLK_OWNERS owners: it never reports a cycle that is not there,
 * but may miss a very long one.
 *
 * Return: true if registering @rq as a waiter would deadlock.
 */
bool mdc_lock_deadlock(const struct mdc_lockset *const *sets,
		       unsigned int nsets, const struct mdc_lockset *ls,
		       const struct mdc_lockreq *rq)
{
	struct lk_owner q[MDC_DEADLK_OWNERS];
	const struct mdc_lock *w;
	unsigned int n = 0, i, s;

	if (rq->flock)
		return false;
	if (lk_push_blockers(ls, rq, rq, q, &n))
		return true;	/* cannot be: conflict() skips one's own */
	for (i = 0; i < n; i++) {
		for (s = 0; s < nsets; s++) {
			for (w = sets[s]->waiters; w; w = w->next) {
				if (w->l.flock || !lk_owner_is(&q[i], &w->l))
					continue;
				if (lk_push_blockers(sets[s], &w->l, rq, q, &n))
					return true;
			}
		}
	}
	return false;
}
