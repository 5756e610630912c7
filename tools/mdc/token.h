/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tokens and cluster-wide byte-range locks in xsanmdc (token.c, lock.c).
 * Documentation/tokens.rst is the prose: the conflict matrix, the revoke
 * and eviction rules, the lock semantics.
 *
 * Both live in memory only, per volume, in a table keyed by inode (fid);
 * a session's tokens and locks die with it (GOODBYE, lease expiry,
 * eviction). Nothing here touches the LMDB batch of ops.c: a TOKEN_GET
 * that must wait is parked on its inode, not queued in a transaction.
 *
 * lock.c is a pure data structure (no sockets, no daemon state) so the
 * unit tests can drive it directly; token.c is the daemon's glue.
 */
#ifndef XSAN_MDC_TOKEN_H
#define XSAN_MDC_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include "xsanfs/msg.h"

struct mdc;
struct mdc_vol;
struct mdc_conn;
struct mdc_session;

/* ---- the token conflict matrix (token.c) ---- */

/* The types another session may not hold while one holds @types. */
uint32_t mdc_tok_conflicts(uint32_t types);
/* "ATTR_RD|DATA_WR" into @buf; returns @buf. */
const char *mdc_tok_names(uint32_t types, char *buf, size_t len);

/* ---- byte-range and flock locks (lock.c) ---- */

#define MDC_LOCK_EOF	UINT64_MAX
#define MDC_LOCK_WAITERS_MAX	1024u	/* per inode, against a flood */

/* A lock or a request for one. @end is inclusive; flock: 0..EOF. */
struct mdc_lockreq {
	uint64_t session;	/* the holder's session id */
	uint64_t owner;		/* the client's lock owner */
	uint64_t start, end;
	uint32_t type;		/* XSAN_LOCK_RD or XSAN_LOCK_WR */
	bool flock;		/* flock namespace, not POSIX */
};

struct mdc_lock {
	struct mdc_lockreq l;
	struct mdc_lock *next;
};

/* The locks and the registered waiters (F_SETLKW) of one inode. */
struct mdc_lockset {
	struct mdc_lock *locks;
	struct mdc_lock *waiters;
	unsigned int nwaiters;
};

/* The first lock that conflicts with @rq, or NULL. */
const struct mdc_lock *mdc_lock_test(const struct mdc_lockset *ls,
				     const struct mdc_lockreq *rq);
/* Take @rq (POSIX: replace, split and merge the owner's locks). 0,
 * -EAGAIN on a conflict (nothing changed), -ENOMEM.
 */
int mdc_lock_set(struct mdc_lockset *ls, const struct mdc_lockreq *rq);
/* Release @rq's range of its owner's locks (type ignored); 0 or -ENOMEM.
 * Also forgets the owner's waiters that overlap the range.
 */
int mdc_lock_clear(struct mdc_lockset *ls, const struct mdc_lockreq *rq);
/* Forget the owner's waiters that overlap @rq's range (UNLOCK with
 * CANCEL: an F_SETLKW interrupted by a signal); its locks stay.
 */
void mdc_lock_cancel(struct mdc_lockset *ls, const struct mdc_lockreq *rq);
/* Register @rq as a waiter (once); 0, -ENOLCK when there are too many. */
int mdc_lock_wait(struct mdc_lockset *ls, const struct mdc_lockreq *rq);
/* Remove the waiters that could now succeed, calling @fn for each. */
unsigned int mdc_lock_wake(struct mdc_lockset *ls,
			   void (*fn)(void *arg, const struct mdc_lockreq *w),
			   void *arg);
/* Would @rq (blocked in @ls) wait, through owners waiting in @sets, for
 * its own owner? POSIX only; flock is never checked (lock.c).
 */
bool mdc_lock_deadlock(const struct mdc_lockset *const *sets,
		       unsigned int nsets, const struct mdc_lockset *ls,
		       const struct mdc_lockreq *rq);
/* Drop every lock and waiter of @session. */
void mdc_lock_drop_session(struct mdc_lockset *ls, uint64_t session);
void mdc_lock_free(struct mdc_lockset *ls);
bool mdc_lock_empty(const struct mdc_lockset *ls);
unsigned int mdc_lock_count(const struct mdc_lockset *ls);

/* ---- the daemon's side (token.c) ---- */

/* TOKEN_GET, TOKEN_PUT, LOCK, UNLOCK from an authenticated session. */
void mdc_tok_handle(struct mdc *m, struct mdc_conn *c,
		    const struct xsan_hdr *h, const struct xsan_req *r);
/* A namespace request from @c: queued (ops.c), or parked first while
 * other sessions hold tokens it invalidates (REVOKEs sent).
 */
void mdc_tok_ns_queue(struct mdc *m, struct mdc_conn *c,
		      const struct xsan_hdr *h, const uint8_t *payload,
		      const struct xsan_req *r);
/* After a group commit: what waited for those changes may go on. */
void mdc_tok_ns_committed(struct mdc *m);
/* A session ends: its tokens, locks, waiters go; others may proceed. */
void mdc_tok_session_end(struct mdc_vol *v, struct mdc_session *s);
/* A connection closed: its parked requests can never be answered. */
void mdc_tok_conn_gone(struct mdc *m, struct mdc_conn *c);
/* LOOKUP, GETATTR, OPEN: grant what of @want is free now (TRY, type by
 * type, no revoke), recorded like a TOKEN_GET grant; *@fresh: the types
 * added, for mdc_tok_try_undo() if the reply is never sent.
 */
uint32_t mdc_tok_try_grant(struct mdc *m, struct mdc_vol *v,
			   struct mdc_session *s, const struct xsan_fid *fid,
			   uint32_t want, uint32_t *fresh);
void mdc_tok_try_undo(struct mdc_vol *v, struct mdc_session *s,
		      const struct xsan_fid *fid, uint32_t fresh);
/* ADMIN_TOKENS: the token table, the parked requests (xsanadmin tokens). */
void mdc_tok_admin(struct mdc *m, struct mdc_conn *c, const struct xsan_hdr *h);
/* Every tick: drop the parked requests of closed connections, run the
 * namespace requests nothing holds back any more.
 */
void mdc_tok_tick(struct mdc *m);
/* The oldest REVOKE of a session still owed after the revoke timeout. */
struct mdc_overdue {
	uint64_t ino;
	uint32_t types;		/* XSAN_TOK_* still owed */
	long long since_ms;	/* when the first REVOKE for them was sent */
};
/* Does @s owe a REVOKE sent mdc_revoke_timeout_ms() or more before @now?
 * Also makes @s->revoke_due_ms exact.
 */
bool mdc_tok_overdue(struct mdc *m, struct mdc_vol *v, struct mdc_session *s,
		     long long now, struct mdc_overdue *o);
void mdc_tok_free(struct mdc_vol *v);
/* The daemon stalled for @gap ms: the REVOKEs owed count from later. */
void mdc_tok_shift(struct mdc_vol *v, long long gap);
/* The grace window closed: run the TOKEN_GETs and LOCKs parked for it. */
void mdc_tok_grace_end(struct mdc *m, struct mdc_vol *v);
/* @s was taken back by a new connection: send it the REVOKEs it owes. */
void mdc_tok_session_resume(struct mdc_vol *v, struct mdc_session *s);

#endif /* XSAN_MDC_TOKEN_H */
