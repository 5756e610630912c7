// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the MDC's lock manager (tools/mdc/lock.c) without sockets:
 * POSIX conflicts between owners and sessions, splitting and merging of
 * one owner's locks, flock's own namespace and conversion, F_GETLK's
 * answer, waiters woken only when they could succeed, and everything of
 * a session dropped at once.
 */

#include <errno.h>

#include "mdc/token.h"
#include "unit.h"

#define S1 0x1001u
#define S2 0x2002u

static struct mdc_lockreq lk(uint64_t session, uint64_t owner, uint64_t start,
			     uint64_t end, uint32_t type)
{
	struct mdc_lockreq r = {
		.session = session, .owner = owner, .start = start, .end = end,
		.type = type,
	};

	return r;
}

static struct mdc_lockreq fl(uint64_t session, uint64_t owner, uint32_t type)
{
	struct mdc_lockreq r = lk(session, owner, 0, MDC_LOCK_EOF, type);

	r.flock = true;
	return r;
}

/* Does @ls hold exactly [start, end] of @type for (session, owner)? */
static bool has(const struct mdc_lockset *ls, uint64_t session, uint64_t owner,
		uint64_t start, uint64_t end, uint32_t type)
{
	const struct mdc_lock *l;

	for (l = ls->locks; l; l = l->next)
		if (l->l.session == session && l->l.owner == owner &&
		    l->l.start == start && l->l.end == end && l->l.type == type)
			return true;
	return false;
}

START_TEST(lock_posix_conflicts)
{
	struct mdc_lockset ls = { 0 };
	struct mdc_lockreq a = lk(S1, 1, 0, 99, XSAN_LOCK_RD), b;
	const struct mdc_lock *c;

	ck_assert_int_eq(mdc_lock_set(&ls, &a), 0);
	/* Readers share; a writer in the range conflicts; outside does not. */
	b = lk(S2, 1, 50, 150, XSAN_LOCK_RD);
	ck_assert_int_eq(mdc_lock_set(&ls, &b), 0);
	b = lk(S2, 2, 99, 99, XSAN_LOCK_WR);
	c = mdc_lock_test(&ls, &b);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(mdc_lock_set(&ls, &b), -EAGAIN);
	b = lk(S2, 2, 151, MDC_LOCK_EOF, XSAN_LOCK_WR);
	ck_assert_int_eq(mdc_lock_set(&ls, &b), 0);
	/* The same owner number in another session is another owner. */
	b = lk(S2, 1, 10, 10, XSAN_LOCK_WR);
	c = mdc_lock_test(&ls, &b);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->l.session, S1);
	ck_assert_uint_eq(c->l.owner, 1);
	ck_assert_uint_eq(c->l.start, 0);
	ck_assert_uint_eq(c->l.end, 99);
	/* An owner never conflicts with itself: upgrade in place. */
	b = lk(S1, 1, 0, 10, XSAN_LOCK_WR);
	ck_assert_ptr_null(mdc_lock_test(&ls, &b));
	ck_assert_int_eq(mdc_lock_set(&ls, &b), 0);
	ck_assert(has(&ls, S1, 1, 0, 10, XSAN_LOCK_WR));
	ck_assert(has(&ls, S1, 1, 11, 99, XSAN_LOCK_RD));
	mdc_lock_free(&ls);
	ck_assert(mdc_lock_empty(&ls));
}
END_TEST

START_TEST(lock_split_merge)
{
	struct mdc_lockset ls = { 0 };
	struct mdc_lockreq r = lk(S1, 7, 0, 999, XSAN_LOCK_WR);

	ck_assert_int_eq(mdc_lock_set(&ls, &r), 0);
	/* A read lock in the middle splits the write lock in three. */
	r = lk(S1, 7, 100, 199, XSAN_LOCK_RD);
	ck_assert_int_eq(mdc_lock_set(&ls, &r), 0);
	ck_assert_uint_eq(mdc_lock_count(&ls), 3);
	ck_assert(has(&ls, S1, 7, 0, 99, XSAN_LOCK_WR));
	ck_assert(has(&ls, S1, 7, 100, 199, XSAN_LOCK_RD));
	ck_assert(has(&ls, S1, 7, 200, 999, XSAN_LOCK_WR));
	/* Unlocking a hole splits too. */
	r = lk(S1, 7, 300, 399, XSAN_LOCK_RD);
	ck_assert_int_eq(mdc_lock_clear(&ls, &r), 0);
	ck_assert_uint_eq(mdc_lock_count(&ls), 4);
	ck_assert(has(&ls, S1, 7, 200, 299, XSAN_LOCK_WR));
	ck_assert(has(&ls, S1, 7, 400, 999, XSAN_LOCK_WR));
	/* Write over the read part and the hole: all merges back to one. */
	r = lk(S1, 7, 100, 399, XSAN_LOCK_WR);
	ck_assert_int_eq(mdc_lock_set(&ls, &r), 0);
	ck_assert_uint_eq(mdc_lock_count(&ls), 1);
	ck_assert(has(&ls, S1, 7, 0, 999, XSAN_LOCK_WR));
	/* Adjacent same-type locks merge; another type does not. */
	r = lk(S1, 7, 1000, MDC_LOCK_EOF, XSAN_LOCK_WR);
	ck_assert_int_eq(mdc_lock_set(&ls, &r), 0);
	ck_assert_uint_eq(mdc_lock_count(&ls), 1);
	ck_assert(has(&ls, S1, 7, 0, MDC_LOCK_EOF, XSAN_LOCK_WR));
	/* Unlock the head and the tail. */
	r = lk(S1, 7, 0, 9, XSAN_LOCK_RD);
	ck_assert_int_eq(mdc_lock_clear(&ls, &r), 0);
	r = lk(S1, 7, 20, MDC_LOCK_EOF, XSAN_LOCK_RD);
	ck_assert_int_eq(mdc_lock_clear(&ls, &r), 0);
	ck_assert_uint_eq(mdc_lock_count(&ls), 1);
	ck_assert(has(&ls, S1, 7, 10, 19, XSAN_LOCK_WR));
	/* Another owner's unlock touches nothing of ours. */
	r = lk(S2, 7, 0, MDC_LOCK_EOF, XSAN_LOCK_RD);
	ck_assert_int_eq(mdc_lock_clear(&ls, &r), 0);
	ck_assert_uint_eq(mdc_lock_count(&ls), 1);
	mdc_lock_free(&ls);
}
END_TEST

START_TEST(lock_flock_namespace)
{
	struct mdc_lockset ls = { 0 };
	struct mdc_lockreq p = lk(S1, 1, 0, MDC_LOCK_EOF, XSAN_LOCK_WR);
	struct mdc_lockreq f = fl(S2, 1, XSAN_LOCK_WR);

	/* A POSIX write lock and a flock write lock coexist (Linux). */
	ck_assert_int_eq(mdc_lock_set(&ls, &p), 0);
	ck_assert_int_eq(mdc_lock_set(&ls, &f), 0);
	/* flock against flock conflicts, shared flocks share. */
	f = fl(S1, 9, XSAN_LOCK_RD);
	ck_assert_int_eq(mdc_lock_set(&ls, &f), -EAGAIN);
	f = fl(S2, 1, XSAN_LOCK_RD);		/* convert WR -> RD */
	ck_assert_int_eq(mdc_lock_set(&ls, &f), 0);
	ck_assert_uint_eq(mdc_lock_count(&ls), 2);
	f = fl(S1, 9, XSAN_LOCK_RD);
	ck_assert_int_eq(mdc_lock_set(&ls, &f), 0);
	f = fl(S1, 9, XSAN_LOCK_WR);		/* upgrade blocked by S2's */
	ck_assert_int_eq(mdc_lock_set(&ls, &f), -EAGAIN);
	/* An flock unlock releases the flock only. */
	f = fl(S2, 1, XSAN_LOCK_RD);
	ck_assert_int_eq(mdc_lock_clear(&ls, &f), 0);
	f = fl(S1, 9, XSAN_LOCK_WR);
	ck_assert_int_eq(mdc_lock_set(&ls, &f), 0);
	ck_assert_uint_eq(mdc_lock_count(&ls), 2);
	p = lk(S2, 5, 7, 7, XSAN_LOCK_RD);
	ck_assert_ptr_nonnull(mdc_lock_test(&ls, &p));
	mdc_lock_free(&ls);
}
END_TEST

static unsigned int woken;
static uint64_t woken_owner;

static void on_wake(void *arg, const struct mdc_lockreq *w)
{
	(void)arg;
	woken++;
	woken_owner = w->owner;
}

START_TEST(lock_waiters)
{
	struct mdc_lockset ls = { 0 };
	struct mdc_lockreq h = lk(S1, 1, 0, 99, XSAN_LOCK_WR);
	struct mdc_lockreq w1 = lk(S2, 2, 50, 60, XSAN_LOCK_RD);
	struct mdc_lockreq w2 = lk(S2, 3, 90, 200, XSAN_LOCK_WR);

	ck_assert_int_eq(mdc_lock_set(&ls, &h), 0);
	ck_assert_int_eq(mdc_lock_set(&ls, &w1), -EAGAIN);
	ck_assert_int_eq(mdc_lock_wait(&ls, &w1), 0);
	ck_assert_int_eq(mdc_lock_wait(&ls, &w1), 0);	/* once */
	ck_assert_int_eq(mdc_lock_wait(&ls, &w2), 0);
	ck_assert_uint_eq(ls.nwaiters, 2);
	/* Nothing changed: nobody is woken. */
	woken = 0;
	ck_assert_uint_eq(mdc_lock_wake(&ls, on_wake, NULL), 0);
	/* Unlock 0..59: w1 still overlaps 50..60? no, 60 is held: no wake. */
	h = lk(S1, 1, 0, 59, XSAN_LOCK_WR);
	ck_assert_int_eq(mdc_lock_clear(&ls, &h), 0);
	ck_assert_uint_eq(mdc_lock_wake(&ls, on_wake, NULL), 0);
	/* Unlock 60..89: w1 can go, w2 (90..200) cannot. */
	h = lk(S1, 1, 60, 89, XSAN_LOCK_WR);
	ck_assert_int_eq(mdc_lock_clear(&ls, &h), 0);
	ck_assert_uint_eq(mdc_lock_wake(&ls, on_wake, NULL), 1);
	ck_assert_uint_eq(woken_owner, 2);
	ck_assert_uint_eq(ls.nwaiters, 1);
	/* The holder's session ends: w2 is woken. */
	mdc_lock_drop_session(&ls, S1);
	ck_assert_uint_eq(mdc_lock_wake(&ls, on_wake, NULL), 1);
	ck_assert_uint_eq(woken_owner, 3);
	ck_assert(mdc_lock_empty(&ls));
	/* A waiter that unlocks (gives up) is forgotten; so is a session's. */
	h = lk(S1, 1, 0, 99, XSAN_LOCK_WR);
	ck_assert_int_eq(mdc_lock_set(&ls, &h), 0);
	ck_assert_int_eq(mdc_lock_wait(&ls, &w1), 0);
	ck_assert_int_eq(mdc_lock_wait(&ls, &w2), 0);
	ck_assert_int_eq(mdc_lock_clear(&ls, &w1), 0);
	ck_assert_uint_eq(ls.nwaiters, 1);
	mdc_lock_drop_session(&ls, S2);
	ck_assert_uint_eq(ls.nwaiters, 0);
	/*
	 * CANCEL (an interrupted F_SETLKW) forgets the waiter and keeps what
	 * the owner held: S2's read lock on 0..10 survives a cancelled
	 * upgrade.
	 */
	w1 = lk(S2, 2, 0, 10, XSAN_LOCK_RD);
	ck_assert_int_eq(mdc_lock_set(&ls, &w1), -EAGAIN);	/* h: 0..99 WR */
	h = lk(S1, 1, 0, 99, XSAN_LOCK_RD);
	ck_assert_int_eq(mdc_lock_set(&ls, &h), 0);	/* downgrade */
	ck_assert_int_eq(mdc_lock_set(&ls, &w1), 0);
	w2 = lk(S2, 2, 0, 10, XSAN_LOCK_WR);
	ck_assert_int_eq(mdc_lock_set(&ls, &w2), -EAGAIN);
	ck_assert_int_eq(mdc_lock_wait(&ls, &w2), 0);
	ck_assert_uint_eq(ls.nwaiters, 1);
	mdc_lock_cancel(&ls, &w2);
	ck_assert_uint_eq(ls.nwaiters, 0);
	ck_assert(has(&ls, S2, 2, 0, 10, XSAN_LOCK_RD));
	ck_assert(has(&ls, S1, 1, 0, 99, XSAN_LOCK_RD));
	mdc_lock_free(&ls);
}
END_TEST

START_TEST(lock_waiter_limit)
{
	struct mdc_lockset ls = { 0 };
	struct mdc_lockreq h = lk(S1, 1, 0, MDC_LOCK_EOF, XSAN_LOCK_WR), w;
	unsigned int i;

	ck_assert_int_eq(mdc_lock_set(&ls, &h), 0);
	for (i = 0; i < MDC_LOCK_WAITERS_MAX; i++) {
		w = lk(S2, i, 0, 0, XSAN_LOCK_RD);
		ck_assert_int_eq(mdc_lock_wait(&ls, &w), 0);
	}
	w = lk(S2, i, 0, 0, XSAN_LOCK_RD);
	ck_assert_int_eq(mdc_lock_wait(&ls, &w), -ENOLCK);
	mdc_lock_free(&ls);
}
END_TEST

#define S3 0x3003u

/* A holds file 1, B holds file 2; B waits for file 1: A asking for file 2
 * would close the cycle (EDEADLK), as would the same on one inode.
 */
START_TEST(lock_deadlock_two)
{
	struct mdc_lockset f1 = { 0 }, f2 = { 0 };
	const struct mdc_lockset *sets[] = { &f1, &f2 };
	struct mdc_lockreq a1 = lk(S1, 7, 0, 9, XSAN_LOCK_WR);
	struct mdc_lockreq b2 = lk(S2, 7, 0, 9, XSAN_LOCK_WR);
	struct mdc_lockreq b_wants1 = lk(S2, 7, 5, 5, XSAN_LOCK_RD);
	struct mdc_lockreq a_wants2 = lk(S1, 7, 0, 0, XSAN_LOCK_WR);

	ck_assert_int_eq(mdc_lock_set(&f1, &a1), 0);
	ck_assert_int_eq(mdc_lock_set(&f2, &b2), 0);
	/* nobody waits yet: no deadlock */
	ck_assert_int_eq(mdc_lock_set(&f2, &a_wants2), -EAGAIN);
	ck_assert(!mdc_lock_deadlock(sets, 2, &f2, &a_wants2));
	ck_assert_int_eq(mdc_lock_set(&f1, &b_wants1), -EAGAIN);
	ck_assert(!mdc_lock_deadlock(sets, 2, &f1, &b_wants1));
	ck_assert_int_eq(mdc_lock_wait(&f1, &b_wants1), 0);
	ck_assert_msg(mdc_lock_deadlock(sets, 2, &f2, &a_wants2),
		      "A waits for B who waits for A: not seen");
	/* a part of file 2 B does not hold: no conflict, no chain */
	a_wants2.start = a_wants2.end = 20;
	ck_assert_int_eq(mdc_lock_set(&f2, &a_wants2), 0);
	/* another owner of A's session is another owner */
	a_wants2 = lk(S1, 8, 0, 0, XSAN_LOCK_WR);
	ck_assert(!mdc_lock_deadlock(sets, 2, &f2, &a_wants2));
	/* flock is not checked, as on Linux */
	ck_assert(!mdc_lock_deadlock(sets, 2, &f2, &(struct mdc_lockreq){
		.session = S1, .owner = 7, .end = MDC_LOCK_EOF,
		.type = XSAN_LOCK_WR, .flock = true }));
	/* B gives up waiting (UNLOCK of its range): the chain is gone */
	ck_assert_int_eq(mdc_lock_clear(&f1, &b_wants1), 0);
	a_wants2 = lk(S1, 7, 0, 0, XSAN_LOCK_WR);
	ck_assert(!mdc_lock_deadlock(sets, 2, &f2, &a_wants2));
	mdc_lock_free(&f1);
	mdc_lock_free(&f2);
}
END_TEST

START_TEST(lock_deadlock_one_inode)
{
	struct mdc_lockset f = { 0 };
	const struct mdc_lockset *sets[] = { &f };
	struct mdc_lockreq a = lk(S1, 1, 0, 9, XSAN_LOCK_WR);
	struct mdc_lockreq b = lk(S2, 1, 10, 19, XSAN_LOCK_WR);
	struct mdc_lockreq bw = lk(S2, 1, 0, 9, XSAN_LOCK_WR);
	struct mdc_lockreq aw = lk(S1, 1, 15, 15, XSAN_LOCK_RD);

	ck_assert_int_eq(mdc_lock_set(&f, &a), 0);
	ck_assert_int_eq(mdc_lock_set(&f, &b), 0);
	ck_assert_int_eq(mdc_lock_wait(&f, &bw), 0);
	ck_assert(mdc_lock_deadlock(sets, 1, &f, &aw));
	mdc_lock_free(&f);
}
END_TEST

/* A -> B -> C -> A over three files and three sessions; without C's
 * waiter the chain ends.
 */
START_TEST(lock_deadlock_three)
{
	struct mdc_lockset f[3] = { { 0 } };
	const struct mdc_lockset *sets[] = { &f[0], &f[1], &f[2] };
	struct mdc_lockreq hold[3] = {
		lk(S1, 1, 0, MDC_LOCK_EOF, XSAN_LOCK_WR),
		lk(S2, 2, 0, MDC_LOCK_EOF, XSAN_LOCK_WR),
		lk(S3, 3, 0, MDC_LOCK_EOF, XSAN_LOCK_WR),
	};
	struct mdc_lockreq b_on_c = lk(S2, 2, 0, 0, XSAN_LOCK_WR);	/* f2 */
	struct mdc_lockreq c_on_a = lk(S3, 3, 0, 0, XSAN_LOCK_WR);	/* f0 */
	struct mdc_lockreq a_on_b = lk(S1, 1, 0, 0, XSAN_LOCK_WR);	/* f1 */
	int i;

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(mdc_lock_set(&f[i], &hold[i]), 0);
	ck_assert_int_eq(mdc_lock_wait(&f[2], &b_on_c), 0);
	ck_assert(!mdc_lock_deadlock(sets, 3, &f[1], &a_on_b));
	ck_assert_int_eq(mdc_lock_wait(&f[0], &c_on_a), 0);
	ck_assert(mdc_lock_deadlock(sets, 3, &f[1], &a_on_b));
	/* the sets passed are all that is searched */
	ck_assert(!mdc_lock_deadlock(sets, 2, &f[1], &a_on_b));
	/* C's session ends: its lock and its waiter go */
	mdc_lock_drop_session(&f[0], S3);
	mdc_lock_drop_session(&f[2], S3);
	ck_assert(!mdc_lock_deadlock(sets, 3, &f[1], &a_on_b));
	for (i = 0; i < 3; i++)
		mdc_lock_free(&f[i]);
}
END_TEST

Suite *lock_suite(void)
{
	Suite *s = suite_create("lock");

	UNIT_ADD(s, lock_posix_conflicts);
	UNIT_ADD(s, lock_split_merge);
	UNIT_ADD(s, lock_flock_namespace);
	UNIT_ADD(s, lock_waiters);
	UNIT_ADD(s, lock_waiter_limit);
	UNIT_ADD(s, lock_deadlock_two);
	UNIT_ADD(s, lock_deadlock_one_inode);
	UNIT_ADD(s, lock_deadlock_three);
	return s;
}
