// SPDX-License-Identifier: GPL-2.0
/*
 * Tokens and locks in the daemon: TOKEN_GET/TOKEN_PUT, LOCK/UNLOCK, the
 * REVOKE and LOCK_WAKE callbacks, parking, and which holders owe an
 * overdue REVOKE (mdc_tok_overdue(): session.c stops renewing their lease
 * and drops them when it has run out; Documentation/tokens.rst).
 *
 * State is per volume, in memory, in a hash of inodes (struct mdc_tnode):
 * who holds which tokens (struct mdc_hold, one per session), the
 * TOKEN_GETs parked until conflicting holders have answered their REVOKE
 * (struct mdc_twait, FIFO), and the lock set of lock.c. A node is freed
 * as soon as nothing hangs off it. Tokens are not written to LMDB: after
 * an MDC restart clients reclaim them: during the volume's grace window
 * (session.c) a TOKEN_GET or LOCK with the RECLAIM flag from a session
 * that came back is granted at once unless another session already holds
 * a conflicting claim (EBUSY: that token was lost); other sessions'
 * TOKEN_GETs and LOCKs, and their namespace requests that change the
 * namespace or a file, wait in a volume-wide FIFO (struct mdc_gwait)
 * until it closes, so a reclaiming client finds what it held as it was.
 *
 * Namespace requests that change what other sessions cache (struct
 * mdc_nswait, one volume-wide FIFO) revoke those tokens and are parked
 * here before they reach ops.c's queue, and then hold conflicting
 * TOKEN_GETs back until their batch is committed.
 *
 * Parked requests hold a reference on their connection. Replies and
 * callbacks to other connections are only queued and the connection's
 * write interest raised (mdc_conn_kick), never flushed from here: a
 * flush can close a connection, and closing one must not change the
 * lists this file is walking.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdc.h"
#include "token.h"

#define MDC_TOK_HASH	1024u
/* Parked TOKEN_GETs of one session on one inode: a kernel client has one
 * or two; more is a flood that would otherwise grow without bound.
 */
#define MDC_TOK_PARKED_MAX	64u
/* Namespace requests parked per session behind revokes: the same bound
 * (ENOMEM beyond), since a parked request holds a copy of its payload.
 */
#define MDC_NS_PARKED_MAX	64u
/* A RENAME names the most inodes: two parents, the moved and the
 * replaced inode.
 */
#define MDC_NS_FIDS		4u

struct mdc_hold {
	struct mdc_session *s;
	uint32_t types;		/* granted */
	uint32_t revoking;	/* asked back, not yet given */
	uint64_t revoke_id;	/* of the last REVOKE sent */
	long long revoke_ms;	/* when the oldest pending one was sent */
	struct mdc_hold *next;
};

struct mdc_twait {
	struct mdc_conn *conn;	/* holds a reference */
	struct mdc_session *s;
	struct xsan_hdr hdr;
	uint32_t wanted;
	struct mdc_twait *next;
};

/* An inode a namespace request changes and the tokens that change
 * invalidates in other sessions.
 */
struct mdc_nsneed {
	struct xsan_fid fid;
	uint32_t types;
};

/*
 * A mutating namespace request (Documentation/tokens.rst, "Namespace
 * changes"). Parked (@conn set, a reference held, the frame copied)
 * while other sessions still hold tokens it invalidates; then pending
 * (@conn NULL, the frame moved to the volume's queue) until the batch
 * that runs it is committed. In both states it keeps other sessions
 * from getting those tokens, so none caches what is about to change.
 */
struct mdc_nswait {
	struct mdc_conn *conn;
	struct mdc_session *s;
	struct xsan_hdr hdr;
	struct xsan_fid fid;	/* the request's own (first) inode */
	uint8_t *payload;
	struct mdc_nsneed need[MDC_NS_FIDS];
	unsigned int nneed;
	struct mdc_nswait *next;
};

/*
 * A request that waits for the grace window to close: a TOKEN_GET or LOCK
 * (@req, which has no pointers), or a namespace request (@ns: @payload a
 * copy of the frame's, decoded again when it runs; @req holds only its op
 * and fid).
 */
struct mdc_gwait {
	struct mdc_conn *conn;	/* holds a reference */
	struct xsan_hdr hdr;
	struct xsan_req req;
	bool ns;
	uint8_t *payload;
	struct mdc_gwait *next;
};

struct mdc_tnode {
	struct xsan_fid fid;
	struct mdc_hold *holds;
	struct mdc_twait *waits;
	struct mdc_lockset locks;
	struct mdc_tnode *next;
};

struct mdc_tokens {
	struct mdc *m;
	struct mdc_vol *v;
	struct mdc_tnode *hash[MDC_TOK_HASH];
	uint64_t next_id;	/* revoke ids and callback xids */
	int running;		/* inside this file: see mdc_tok_conn_gone() */
	struct mdc_nswait *ns;	/* namespace requests, in arrival order */
	struct mdc_gwait *grace, **grace_tail;	/* parked for the window */
	unsigned int ngrace;
};

#define MDC_GRACE_PARKED_MAX	4096u	/* per volume, against a flood */

/*
 * The conflict matrix: row = what one session holds or wants, bits = the
 * types no other session may hold at the same time. Symmetric.
 */
uint32_t mdc_tok_conflicts(uint32_t types)
{
	uint32_t c = 0;

	if (types & XSAN_TOK_ATTR_RD)
		c |= XSAN_TOK_ATTR_WR;
	if (types & XSAN_TOK_ATTR_WR)
		c |= XSAN_TOK_ATTR_RD | XSAN_TOK_ATTR_WR;
	if (types & XSAN_TOK_DATA_RD)
		c |= XSAN_TOK_DATA_WR | XSAN_TOK_DIO;
	if (types & XSAN_TOK_DATA_WR)
		c |= XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR | XSAN_TOK_DIO;
	if (types & XSAN_TOK_DIO)
		c |= XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR;
	/* DIR is only taken back by the MDC when the directory changes. */
	return c;
}

const char *mdc_tok_names(uint32_t types, char *buf, size_t len)
{
	static const char *const names[] = {
		"ATTR_RD", "ATTR_WR", "DIR", "DATA_RD", "DATA_WR", "DIO",
	};
	size_t i, off = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(types & (1u << i)))
			continue;
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0,
					"%s%s", off ? "|" : "", names[i]);
		if (off >= len)
			break;
	}
	if (!off)
		snprintf(buf, len, "none");
	return buf;
}

static struct mdc_tokens *tok_table(struct mdc *m, struct mdc_vol *v)
{
	if (!v->tokens) {
		v->tokens = calloc(1, sizeof(*v->tokens));
		if (!v->tokens)
			return NULL;
		v->tokens->m = m;
		v->tokens->v = v;
		v->tokens->grace_tail = &v->tokens->grace;
	}
	return v->tokens;
}

static unsigned int tok_hash(const struct xsan_fid *fid)
{
	return (unsigned int)((fid->ino * 0x9e3779b97f4a7c15ull) >> 54) &
	       (MDC_TOK_HASH - 1);
}

static struct mdc_tnode *node_find(struct mdc_tokens *t,
				   const struct xsan_fid *fid, bool create)
{
	struct mdc_tnode **head = &t->hash[tok_hash(fid)], *n;

	for (n = *head; n; n = n->next)
		if (n->fid.ino == fid->ino && n->fid.gen == fid->gen)
			return n;
	if (!create)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->fid = *fid;
	n->next = *head;
	*head = n;
	return n;
}

static bool node_empty(const struct mdc_tnode *n)
{
	return !n->holds && !n->waits && mdc_lock_empty(&n->locks);
}

/* Free @n if nothing hangs off it any more. */
static void node_put(struct mdc_tokens *t, struct mdc_tnode *n)
{
	struct mdc_tnode **pp;

	if (!n || !node_empty(n))
		return;
	for (pp = &t->hash[tok_hash(&n->fid)]; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			free(n);
			return;
		}
}

static struct mdc_hold *hold_find(struct mdc_tnode *n,
				  const struct mdc_session *s)
{
	struct mdc_hold *h;

	for (h = n->holds; h; h = h->next)
		if (h->s == s)
			return h;
	return NULL;
}

static void hold_remove(struct mdc_tnode *n, struct mdc_hold *h)
{
	struct mdc_hold **pp;

	for (pp = &n->holds; *pp; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			free(h);
			return;
		}
}

static void wait_free(struct mdc_tokens *t, struct mdc_twait *w)
{
	mdc_conn_put(t->m, w->conn);
	free(w);
}

/* Queue a callback frame on @s's connection, if it has one. */
static void send_cb(struct mdc_tokens *t, struct mdc_session *s,
		    const struct xsan_req *cb)
{
	uint8_t buf[64];
	struct xsan_put w;

	if (!s->conn || s->conn->dead)
		return;	/* the lease or the revoke timeout settles it */
	xsan_put_init(&w, buf, sizeof(buf));
	if (xsan_cb_encode(&w, cb)) {
		mdc_log(LOG_ERR, "cannot encode a %s callback", xsan_op_name(cb->op));
		return;
	}
	mdc_conn_callback(t->m, s->conn, cb->op, ++t->next_id, buf, w.len);
}

static void reply_err(struct mdc *m, struct mdc_conn *c,
		      const struct xsan_hdr *h, int err)
{
	mdc_conn_reply(m, c, h, (uint32_t)err, NULL, 0);
	mdc_conn_kick(m, c);
}

static void reply_rep(struct mdc *m, struct mdc_conn *c,
		      const struct xsan_hdr *h, const struct xsan_rep *rep)
{
	uint8_t buf[256];
	struct xsan_put w;

	xsan_put_init(&w, buf, sizeof(buf));
	if (xsan_rep_encode(&w, rep)) {
		mdc_log(LOG_ERR, "%s: cannot encode the %s reply", c->addr,
			xsan_op_name(h->opcode));
		reply_err(m, c, h, EIO);
		return;
	}
	mdc_conn_reply(m, c, h, 0, buf, w.len);
	mdc_conn_kick(m, c);
}

/* The inode's attributes, which also proves the fid is current. */
static int fid_attr(struct mdc_vol *v, const struct xsan_fid *fid,
		    struct xsan_attr *a)
{
	struct xsan_txn *tx;
	int err;

	err = xsan_txn_begin(v->store, false, &tx);
	if (err)
		return err;
	err = xsan_ns_getattr(tx, fid, a);
	xsan_txn_abort(tx);
	return err;
}

/* Ask @h back for @types (those not asked for already). */
static void revoke(struct mdc_tokens *t, struct mdc_tnode *n,
		   struct mdc_hold *h, uint32_t types)
{
	struct xsan_req cb = { .op = XSAN_OP_REVOKE, .fid = n->fid };
	uint32_t fresh = types & ~h->revoking;

	if (!fresh)
		return;
	/* The revoke timeout runs from the first REVOKE still owed. */
	if (!h->revoking || !h->revoke_ms) {
		long long due;

		h->revoke_ms = mdc_now_ms();
		due = h->revoke_ms + mdc_revoke_timeout_ms(t->m);
		if (!h->s->revoke_due_ms || due < h->s->revoke_due_ms)
			h->s->revoke_due_ms = due;
	}
	h->revoking |= fresh;
	h->revoke_id = ++t->next_id;
	/* One REVOKE names everything still owed; its id supersedes. */
	cb.tok.types = h->revoking;
	cb.tok.revoke = h->revoke_id;
	send_cb(t, h->s, &cb);
}

/*
 * Can @s have @need now? Not while another session holds a conflicting
 * type, nor while an earlier parked request of another session wants one
 * (first come, first served: a stream of readers cannot starve a writer).
 * With @do_revoke, the conflicting holders are asked to give them back.
 */
static bool grantable(struct mdc_tokens *t, struct mdc_tnode *n,
		      const struct mdc_session *s, uint32_t need,
		      const struct mdc_twait *self, bool do_revoke)
{
	uint32_t conf = mdc_tok_conflicts(need);
	const struct mdc_twait *w;
	struct mdc_hold *h;
	bool ok = true;

	for (h = n->holds; h; h = h->next) {
		if (h->s == s || !(h->types & conf))
			continue;
		ok = false;
		if (do_revoke)
			revoke(t, n, h, h->types & conf);
	}
	for (w = n->waits; w && w != self; w = w->next)
		if (w->s != s && (mdc_tok_conflicts(w->wanted) & need))
			ok = false;
	/* Nor what another session's namespace change is about to change. */
	for (const struct mdc_nswait *nw = t->ns; nw; nw = nw->next) {
		if (nw->s == s)
			continue;
		for (unsigned int i = 0; i < nw->nneed; i++)
			if (nw->need[i].fid.ino == n->fid.ino &&
			    nw->need[i].fid.gen == n->fid.gen &&
			    (nw->need[i].types & need))
				ok = false;
	}
	return ok;
}

/* Grant @wanted to @s and answer; if the inode is gone, answer the error
 * and grant nothing.
 */
static void grant(struct mdc_tokens *t, struct mdc_tnode *n,
		  struct mdc_session *s, struct mdc_conn *c,
		  const struct xsan_hdr *hdr, uint32_t wanted)
{
	struct xsan_rep rep = { .op = XSAN_OP_TOKEN_GET };
	struct mdc_hold *h = hold_find(n, s);
	int err;

	err = fid_attr(t->v, &n->fid, &rep.attr[0]);
	if (err) {
		reply_err(t->m, c, hdr, -err);
		return;
	}
	rep.nattr = 1;
	if (!h) {
		h = calloc(1, sizeof(*h));
		if (!h) {
			reply_err(t->m, c, hdr, ENOMEM);
			return;
		}
		h->s = s;
		h->next = n->holds;
		n->holds = h;
	}
	h->types |= wanted;
	h->revoking &= ~wanted;
	if (!h->revoking) {
		h->revoke_id = 0;
		h->revoke_ms = 0;
	}
	rep.tok.granted = wanted;
	reply_rep(t->m, c, hdr, &rep);
}

/* What of @wanted @s does not hold already (asked-back types count out). */
static uint32_t tok_need(struct mdc_tnode *n, const struct mdc_session *s,
			 uint32_t wanted)
{
	const struct mdc_hold *h = hold_find(n, s);

	return h ? wanted & ~(h->types & ~h->revoking) : wanted;
}

/* Answer the parked requests that can go now, in order. */
static void node_run(struct mdc_tokens *t, struct mdc_tnode *n)
{
	struct mdc_twait **pp = &n->waits, *w;

	while ((w = *pp)) {
		if (w->conn->dead) {
			*pp = w->next;
			wait_free(t, w);
			continue;
		}
		if (!grantable(t, n, w->s, tok_need(n, w->s, w->wanted), w,
			       true)) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		grant(t, n, w->s, w->conn, &w->hdr, w->wanted);
		wait_free(t, w);
	}
}

/* ---- namespace changes revoke what they invalidate ---- */

#define NS_ATTR	(XSAN_TOK_ATTR_RD | XSAN_TOK_ATTR_WR)
/* The data: cached pages, and O_DIRECT writers' mappings (DIO): a cut
 * (truncate, punch, zero range) frees or zeroes blocks that another
 * session's O_DIRECT write in flight may still be writing.
 */
#define NS_DATA	(XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR | XSAN_TOK_DIO)
/* A parent's entries change, and its mtime, ctime, nlink. */
#define NS_PARENT	(XSAN_TOK_DIR | NS_ATTR)
/* An unlinked, moved or replaced inode: nlink and ctime; a directory's
 * ".." (RENAME) or its very existence (RMDIR).
 */
#define NS_VICTIM	(XSAN_TOK_DIR | NS_ATTR)

static void need_add(struct mdc_nsneed *need, unsigned int *n,
		     const struct xsan_fid *fid, uint32_t types)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (need[i].fid.ino == fid->ino && need[i].fid.gen == fid->gen) {
			need[i].types |= types;
			return;
		}
	if (*n < MDC_NS_FIDS) {
		need[*n].fid = *fid;
		need[(*n)++].types = types;
	}
}

/*
 * The inode @name in @dir names now, as last committed. A request still
 * in the current batch (or one parked before this) that moves names
 * around is not seen: its victim then goes unrevoked (tokens.rst).
 */
static void need_victim(struct xsan_txn *tx, const struct xsan_req *r,
			const struct xsan_fid *dir, const char *name,
			uint32_t len, struct mdc_nsneed *need, unsigned int *n)
{
	struct xsan_attr a;

	if (tx && !xsan_ns_lookup(tx, &r->cred, dir, name, len, &a))
		need_add(need, n, &(struct xsan_fid){ a.ino, a.gen }, NS_VICTIM);
}

/* What @r changes: the inodes and the tokens others must give back. */
static unsigned int ns_needs(struct mdc_vol *v, uint64_t client,
			     const struct xsan_req *r, struct mdc_nsneed *need)
{
	struct xsan_txn *tx = NULL;
	unsigned int n = 0;
	uint32_t f = r->layout.flags;

	switch (r->op) {
	case XSAN_OP_SETATTR:
		/* immutable or append-only: the writers flush and commit first */
		need_add(need, &n, &r->fid, NS_ATTR |
			 ((r->sattr.valid & (XSAN_SA_SIZE | XSAN_SA_IFLAGS)) ?
			  NS_DATA : 0));
		break;
	case XSAN_OP_SETXATTR:
	case XSAN_OP_REMOVEXATTR:
	case XSAN_OP_LAYOUT_COMMIT:
		/* A commit's data is on the LUNs already, written under a
		 * DATA_WR or DIO token that excludes others' data tokens.
		 */
		need_add(need, &n, &r->fid, NS_ATTR);
		break;
	case XSAN_OP_FALLOCATE:
		need_add(need, &n, &r->fid, NS_ATTR |
			 ((f & (XSAN_FALLOC_PUNCH_HOLE | XSAN_FALLOC_ZERO_RANGE)) ?
			  NS_DATA : 0));
		break;
	case XSAN_OP_OPEN:
		if (f & XSAN_OPEN_TRUNC)
			need_add(need, &n, &r->fid, NS_ATTR | NS_DATA);
		break;
	case XSAN_OP_CLOSE:
		/* a writer's last CLOSE frees what it never committed */
		if (xsan_store_has_grants(v->store, client, r->fid.ino))
			need_add(need, &n, &r->fid, NS_ATTR);
		break;
	case XSAN_OP_CREATE:
	case XSAN_OP_MKDIR:
	case XSAN_OP_MKNOD:
	case XSAN_OP_SYMLINK:
		need_add(need, &n, &r->fid, NS_PARENT);
		break;
	case XSAN_OP_LINK:	/* fid: the inode, fid2: the directory */
		need_add(need, &n, &r->fid2, NS_PARENT);
		need_add(need, &n, &r->fid, NS_ATTR);
		break;
	case XSAN_OP_UNLINK:
	case XSAN_OP_RMDIR:
	case XSAN_OP_RENAME:
		need_add(need, &n, &r->fid, NS_PARENT);
		if (r->op == XSAN_OP_RENAME)
			need_add(need, &n, &r->fid2, NS_PARENT);
		if (xsan_txn_begin(v->store, false, &tx))
			tx = NULL;
		need_victim(tx, r, &r->fid, r->name, r->namelen, need, &n);
		if (r->op == XSAN_OP_RENAME)
			need_victim(tx, r, &r->fid2, r->name2, r->name2len,
				    need, &n);
		if (tx)
			xsan_txn_abort(tx);
		break;
	default:	/* reads, LAYOUT_GET: nothing cached changes */
		break;
	}
	return n;
}

/* Do sessions other than @s hold what @need invalidates? With
 * @do_revoke they are asked for it back.
 */
static bool ns_blocked(struct mdc_tokens *t, const struct mdc_session *s,
		       const struct mdc_nsneed *need, unsigned int nneed,
		       bool do_revoke)
{
	struct mdc_tnode *n;
	struct mdc_hold *h;
	bool blocked = false;
	unsigned int i;

	for (i = 0; i < nneed; i++) {
		n = node_find(t, &need[i].fid, false);
		if (!n)
			continue;
		for (h = n->holds; h; h = h->next) {
			uint32_t x = h->types & need[i].types;

			if (h->s == s || !x)
				continue;
			blocked = true;
			if (do_revoke)
				revoke(t, n, h, x);
		}
	}
	return blocked;
}

/* Unlink and free @w; the TOKEN_GETs it held back may go now. */
static void ns_free(struct mdc_tokens *t, struct mdc_nswait **pp)
{
	struct mdc_nswait *w = *pp;
	struct mdc_tnode *n;
	unsigned int i;

	*pp = w->next;
	if (w->conn)
		mdc_conn_put(t->m, w->conn);
	free(w->payload);
	for (i = 0; i < w->nneed; i++) {
		n = node_find(t, &w->need[i].fid, false);
		w->need[i].types = 0;	/* it no longer holds anyone back */
		if (n) {
			node_run(t, n);
			node_put(t, n);
		}
	}
	free(w);
}

/*
 * LAYOUT_COMMIT and CLOSE can be what a client must have answered before
 * it can answer a REVOKE: giving back DATA_WR writes back and commits,
 * giving back ATTR_WR or DIO sends the deferred O_DIRECT commit, and a
 * release follows them. So they never wait behind another parked request
 * of their connection (which may itself wait for a REVOKE that waits for
 * them: a cycle), except one of their own kind on the same inode, whose
 * order they keep. They wait only for the ATTR tokens other sessions
 * hold on their inode (tokens.rst, "Parking and the wait-for graph").
 */
static bool ns_revoke_path(uint16_t op)
{
	return op == XSAN_OP_LAYOUT_COMMIT || op == XSAN_OP_CLOSE;
}

/*
 * Must a request @op on @fid stay behind an earlier parked request @eop
 * on @efid of its connection? Always, but LAYOUT_COMMIT and CLOSE only
 * behind one of their kind on the same inode (ns_revoke_path()).
 */
static bool ns_order(uint16_t op, const struct xsan_fid *fid, uint16_t eop,
		     const struct xsan_fid *efid)
{
	if (!ns_revoke_path(op))
		return true;
	return ns_revoke_path(eop) && efid->ino == fid->ino &&
	       efid->gen == fid->gen;
}

/*
 * Must a request @op on @fid of connection @c stay behind a parked
 * request of @c that comes before @upto (NULL: any) in the volume's list?
 */
static bool ns_behind(const struct mdc_tokens *t, const struct mdc_conn *c,
		      uint16_t op, const struct xsan_fid *fid,
		      const struct mdc_nswait *upto)
{
	const struct mdc_nswait *e;

	for (e = t->ns; e && e != upto; e = e->next)
		if (e->conn == c && ns_order(op, fid, e->hdr.opcode, &e->fid))
			return true;
	return false;
}

/*
 * Move the parked requests nothing holds back any more to the volume's
 * queue, in order: one stays behind an earlier parked request of its
 * connection (ns_behind()). Those of closed connections go.
 */
static void ns_run(struct mdc_tokens *t)
{
	struct mdc_nswait **pp = &t->ns, *w;
	bool behind;

	while ((w = *pp)) {
		if (!w->conn) {
			pp = &w->next;
			continue;
		}
		if (w->conn->dead) {
			ns_free(t, pp);
			continue;
		}
		behind = ns_behind(t, w->conn, w->hdr.opcode, &w->fid, w);
		if (behind || ns_blocked(t, w->s, w->need, w->nneed, true)) {
			pp = &w->next;
			continue;
		}
		mdc_queue(t->m, w->conn, &w->hdr, w->payload);
		mdc_conn_put(t->m, w->conn);
		w->conn = NULL;
		free(w->payload);
		w->payload = NULL;
		pp = &w->next;
	}
}

/* ---- namespace requests held for the grace window ---- */

/*
 * Does @r change the namespace or a file? During a grace window those of
 * sessions that are not reclaiming wait for it to close, so a reclaiming
 * client never finds a file it held renamed, removed, truncated, or its
 * uncommitted blocks granted to another session before it reclaimed
 * (tokens.rst, "Reconnect and reclaim"). Every request but the reads
 * does (a new opcode waits too until said otherwise). An OPEN for
 * writing changes nothing by itself: the writes need LAYOUT_GET or a
 * token, which wait. CLOSE frees nothing of a reclaimer's: a newcomer
 * has no grants, and unlinked files stay until the reclaims are over
 * (xsan_store_keep_unlinked()).
 */
static bool grace_changes(const struct xsan_req *r)
{
	switch (r->op) {
	case XSAN_OP_LOOKUP:
	case XSAN_OP_GETATTR:
	case XSAN_OP_READDIR:
	case XSAN_OP_READLINK:
	case XSAN_OP_GETXATTR:
	case XSAN_OP_LISTXATTR:
	case XSAN_OP_STATFS:
	case XSAN_OP_CLOSE:
		return false;
	case XSAN_OP_OPEN:
		return r->layout.flags & XSAN_OPEN_TRUNC;
	case XSAN_OP_LAYOUT_GET:
		return r->layout.flags & XSAN_LG_WRITE;
	default:	/* CREATE .. RENAME, SETATTR, xattr changes, FALLOCATE,
			 * LAYOUT_COMMIT
			 */
		return true;
	}
}

/*
 * Must @r of @c wait for the grace window? If it changes something and
 * its session is not reclaiming, or if a namespace request of @c already
 * waits for the window and @r must stay behind it (ns_order(): the same
 * rule as behind a request parked for revokes). A parked TOKEN_GET or
 * LOCK holds nothing back.
 */
static bool grace_holds(const struct mdc_tokens *t, const struct mdc_conn *c,
			const struct xsan_req *r)
{
	const struct mdc_gwait *g;

	if (grace_changes(r) && mdc_grace_waits(c->session, c->vol))
		return true;
	for (g = t->grace; g; g = g->next)
		if (g->ns && g->conn == c &&
		    ns_order(r->op, &r->fid, g->hdr.opcode, &g->req.fid))
			return true;
	return false;
}

static void grace_free(struct mdc_tokens *t, struct mdc_gwait *g)
{
	mdc_conn_put(t->m, g->conn);
	free(g->payload);
	free(g);
}

static void grace_append(struct mdc_tokens *t, struct mdc_conn *c,
			 struct mdc_gwait *g)
{
	g->conn = c;
	c->refs++;
	if (!t->grace)
		t->grace_tail = &t->grace;
	*t->grace_tail = g;
	t->grace_tail = &g->next;
	t->ngrace++;
	t->v->parked_grace = true;
}

/* Park namespace request @r (its frame @h, @payload) for the window. */
static void grace_park_ns(struct mdc_tokens *t, struct mdc_conn *c,
			  const struct xsan_hdr *h, const uint8_t *payload,
			  const struct xsan_req *r)
{
	const struct mdc_gwait *e;
	struct mdc_gwait *g = NULL;
	unsigned int mine = 0;

	for (e = t->grace; e; e = e->next)
		mine += e->ns && e->conn == c;
	if (mine < MDC_NS_PARKED_MAX && t->ngrace < MDC_GRACE_PARKED_MAX)
		g = calloc(1, sizeof(*g));
	if (g && h->len && !(g->payload = malloc(h->len))) {
		free(g);
		g = NULL;
	}
	if (!g) {
		reply_err(t->m, c, h, ENOMEM);
		return;
	}
	if (h->len)
		memcpy(g->payload, payload, h->len);
	g->hdr = *h;
	g->ns = true;
	g->req.op = r->op;
	g->req.fid = r->fid;
	grace_append(t, c, g);
	mdc_log(LOG_DEBUG, "%s: %s on inode %llu waits for the grace window",
		c->addr, xsan_op_name(h->opcode), (unsigned long long)r->fid.ino);
}

/**
 * mdc_tok_ns_queue() - queue a namespace request, or park it first
 * @m: the daemon
 * @c: an authenticated connection with a session
 * @h: the request's header
 * @payload: its payload
 * @r: the request, decoded from @payload
 *
 * A request that changes what other sessions cache under a token waits
 * until they gave it back (REVOKE, TOKEN_PUT) or were evicted; so does
 * every later request of its connection, to keep their order, but for
 * LAYOUT_COMMIT and CLOSE (ns_revoke_path()). During a grace window, one
 * that changes the namespace or a file, from a session that is not
 * reclaiming, first waits for the window to close (grace_holds()).
 */
void mdc_tok_ns_queue(struct mdc *m, struct mdc_conn *c,
		      const struct xsan_hdr *h, const uint8_t *payload,
		      const struct xsan_req *r)
{
	struct mdc_tokens *t = tok_table(m, c->vol);
	struct mdc_nsneed need[MDC_NS_FIDS];
	struct mdc_nswait *w, **pp;
	unsigned int n, parked = 0;
	bool behind, blocked;

	if (!t) {	/* then nobody holds a token either */
		mdc_queue(m, c, h, payload);
		return;
	}
	if (grace_holds(t, c, r)) {
		grace_park_ns(t, c, h, payload, r);
		return;
	}
	n = ns_needs(c->vol, c->session ? c->session->id : 0, r, need);
	behind = ns_behind(t, c, h->opcode, &r->fid, NULL);
	for (pp = &t->ns; *pp; pp = &(*pp)->next)
		parked += (*pp)->conn && (*pp)->s == c->session;
	if (!n && !behind) {
		mdc_queue(m, c, h, payload);
		return;
	}
	t->running++;
	blocked = behind || ns_blocked(t, c->session, need, n, true);
	if (blocked && parked >= MDC_NS_PARKED_MAX) {
		mdc_conn_reply(m, c, h, ENOMEM, NULL, 0);
		t->running--;
		return;
	}
	w = calloc(1, sizeof(*w));
	if (!w || (blocked && h->len && !(w->payload = malloc(h->len)))) {
		free(w);
		if (blocked)
			mdc_conn_reply(m, c, h, ENOMEM, NULL, 0);
		else	/* unregistered: only the race tokens.rst names */
			mdc_queue(m, c, h, payload);
		t->running--;
		return;
	}
	w->s = c->session;
	w->fid = r->fid;
	w->nneed = n;
	memcpy(w->need, need, n * sizeof(need[0]));
	*pp = w;
	if (blocked) {
		char names[64];

		if (h->len)
			memcpy(w->payload, payload, h->len);
		w->hdr = *h;
		w->conn = c;
		c->refs++;
		mdc_log(LOG_DEBUG, "%s: %s parked: %s on inode %llu held elsewhere",
			c->addr, xsan_op_name(h->opcode),
			mdc_tok_names(n ? need[0].types : 0, names, sizeof(names)),
			n ? (unsigned long long)need[0].fid.ino : 0ull);
	} else {
		mdc_queue(m, c, h, payload);
	}
	t->running--;
}

/**
 * mdc_tok_ns_committed() - the queued namespace requests are committed
 * @m: the daemon
 *
 * Their changes are durable and visible: the TOKEN_GETs they held back
 * are answered now, with the new attributes.
 */
void mdc_tok_ns_committed(struct mdc *m)
{
	struct mdc_nswait **pp;
	struct mdc_tokens *t;
	struct mdc_vol *v;

	for (v = m->vols; v; v = v->next) {
		t = v->tokens;
		if (!t || !t->ns)
			continue;
		t->running++;
		for (pp = &t->ns; *pp;) {
			if (!(*pp)->conn)
				ns_free(t, pp);
			else
				pp = &(*pp)->next;
		}
		t->running--;
	}
}

static void do_token_get(struct mdc_tokens *t, struct mdc_conn *c,
			 const struct xsan_hdr *h, const struct xsan_req *r)
{
	struct mdc_session *s = c->session;
	struct xsan_attr a;
	struct mdc_tnode *n;
	struct mdc_twait *w, **pp;
	unsigned int parked;
	uint32_t need;
	int err;

	err = fid_attr(t->v, &r->fid, &a);
	if (err) {
		reply_err(t->m, c, h, -err);
		return;
	}
	n = node_find(t, &r->fid, true);
	if (!n) {
		reply_err(t->m, c, h, ENOMEM);
		return;
	}
	need = tok_need(n, s, r->tok.types);
	if (!need || grantable(t, n, s, need, NULL,
			       !(r->tok.flags & XSAN_TOKF_TRY))) {
		grant(t, n, s, c, h, r->tok.types);
		node_put(t, n);
		return;
	}
	if (r->tok.flags & XSAN_TOKF_TRY) {
		reply_err(t->m, c, h, EAGAIN);
		node_put(t, n);
		return;
	}
	parked = 0;
	for (w = n->waits; w; w = w->next)
		parked += w->s == s;
	w = parked < MDC_TOK_PARKED_MAX ? calloc(1, sizeof(*w)) : NULL;
	if (!w) {
		reply_err(t->m, c, h, ENOMEM);
		node_put(t, n);
		return;
	}
	/* Parked, not queued: c->queued counts the LMDB batch only. */
	w->conn = c;
	c->refs++;
	w->s = s;
	w->hdr = *h;
	w->wanted = r->tok.types;
	for (pp = &n->waits; *pp; pp = &(*pp)->next)
		;
	*pp = w;
}

static void do_token_put(struct mdc_tokens *t, struct mdc_conn *c,
			 const struct xsan_hdr *h, const struct xsan_req *r)
{
	struct xsan_rep rep = { .op = XSAN_OP_TOKEN_PUT };
	struct mdc_tnode *n = node_find(t, &r->fid, false);
	struct mdc_hold *hd = n ? hold_find(n, c->session) : NULL;

	/*
	 * Releasing what one does not hold is not an error: an idle release
	 * and a REVOKE cross on the wire, and the ack of the REVOKE then
	 * names tokens the client already gave back.
	 */
	if (hd) {
		hd->types &= ~r->tok.types;
		if (r->tok.revoke && r->tok.revoke == hd->revoke_id)
			hd->types &= ~hd->revoking;
		hd->revoking &= hd->types;
		if (!hd->revoking) {
			hd->revoke_id = 0;
			hd->revoke_ms = 0;
		}
		if (!hd->types)
			hold_remove(n, hd);
	}
	reply_rep(t->m, c, h, &rep);
	if (n) {
		node_run(t, n);
		node_put(t, n);
		ns_run(t);
	}
}

struct wake_ctx {
	struct mdc_tokens *t;
	struct mdc_tnode *n;
};

static void wake_one(void *arg, const struct mdc_lockreq *w)
{
	struct wake_ctx *x = arg;
	struct xsan_req cb = { .op = XSAN_OP_LOCK_WAKE, .fid = x->n->fid };
	struct mdc_session *s;

	cb.tok.owner = w->owner;
	for (s = x->t->v->sessions; s; s = s->next)
		if (s->id == w->session) {
			send_cb(x->t, s, &cb);
			return;
		}
}

static void lock_wake(struct mdc_tokens *t, struct mdc_tnode *n)
{
	struct wake_ctx x = { t, n };

	mdc_lock_wake(&n->locks, wake_one, &x);
}

static void lock_req(const struct mdc_session *s, const struct xsan_req *r,
		     struct mdc_lockreq *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->session = s->id;
	rq->owner = r->tok.owner;
	rq->flock = r->tok.flags & XSAN_LOCKF_FLOCK;
	rq->start = r->tok.start;
	rq->end = r->tok.length ? r->tok.start + r->tok.length - 1 : MDC_LOCK_EOF;
	rq->type = r->tok.type;
}

/*
 * Would @rq, blocked on @n, wait for its own owner through the waiters
 * of this volume (tokens.rst, "Locks")? Out of memory: assume not.
 */
static bool lock_deadlock(struct mdc_tokens *t, struct mdc_tnode *n,
			  const struct mdc_lockreq *rq)
{
	const struct mdc_lockset **sets;
	struct mdc_tnode *x;
	unsigned int i, k = 0, cnt = 0;
	bool dl;

	if (rq->flock)
		return false;
	for (i = 0; i < MDC_TOK_HASH; i++)
		for (x = t->hash[i]; x; x = x->next)
			cnt += x->locks.waiters != NULL;
	if (!cnt)
		return false;	/* nobody waits: no chain to follow */
	sets = calloc(cnt, sizeof(*sets));
	if (!sets)
		return false;
	for (i = 0; i < MDC_TOK_HASH; i++)
		for (x = t->hash[i]; x; x = x->next)
			if (x->locks.waiters && k < cnt)
				sets[k++] = &x->locks;
	dl = mdc_lock_deadlock(sets, k, &n->locks, rq);
	free(sets);
	return dl;
}

static void do_lock(struct mdc_tokens *t, struct mdc_conn *c,
		    const struct xsan_hdr *h, const struct xsan_req *r)
{
	struct xsan_rep rep = { .op = XSAN_OP_LOCK };
	const struct mdc_lock *l;
	struct mdc_lockreq rq;
	struct mdc_tnode *n;
	struct xsan_attr a;
	int err;

	err = fid_attr(t->v, &r->fid, &a);
	if (err) {
		reply_err(t->m, c, h, -err);
		return;
	}
	n = node_find(t, &r->fid, true);
	if (!n) {
		reply_err(t->m, c, h, ENOLCK);
		return;
	}
	lock_req(c->session, r, &rq);
	if (r->tok.flags & XSAN_LOCKF_GETLK) {
		l = mdc_lock_test(&n->locks, &rq);
		if (l) {
			rep.tok.type = l->l.type;
			rep.tok.owner = l->l.owner;
			rep.tok.start = l->l.start;
			rep.tok.length = l->l.end == MDC_LOCK_EOF ? 0 :
					 l->l.end - l->l.start + 1;
			rep.tok.session = l->l.session;
		}
		reply_rep(t->m, c, h, &rep);
	} else {
		err = mdc_lock_set(&n->locks, &rq);
		if (err == -EAGAIN && (r->tok.flags & XSAN_LOCKF_WAIT) &&
		    lock_deadlock(t, n, &rq))
			err = -EDEADLK;
		else if (err == -EAGAIN && (r->tok.flags & XSAN_LOCKF_WAIT) &&
			 mdc_lock_wait(&n->locks, &rq))
			err = -ENOLCK;
		if (err == -ENOMEM)
			err = -ENOLCK;
		if (err) {
			reply_err(t->m, c, h, -err);
		} else {
			reply_rep(t->m, c, h, &rep);
			lock_wake(t, n);	/* a downgrade may let readers in */
		}
	}
	node_put(t, n);
}

static void do_unlock(struct mdc_tokens *t, struct mdc_conn *c,
		      const struct xsan_hdr *h, const struct xsan_req *r)
{
	struct xsan_rep rep = { .op = XSAN_OP_UNLOCK };
	struct mdc_tnode *n = node_find(t, &r->fid, false);
	struct mdc_lockreq rq;

	if (n) {
		lock_req(c->session, r, &rq);
		if (r->tok.flags & XSAN_LOCKF_CANCEL) {
			mdc_lock_cancel(&n->locks, &rq);
		} else if (mdc_lock_clear(&n->locks, &rq)) {
			reply_err(t->m, c, h, ENOLCK);
			node_put(t, n);
			return;
		}
	}
	reply_rep(t->m, c, h, &rep);
	if (n) {
		lock_wake(t, n);
		node_put(t, n);
	}
}

/* ---- restart recovery: reclaims and the grace window ---- */

/*
 * TOKEN_GET or LOCK with RECLAIM: only from a session that came back
 * after the restart, while its window lasts (EINVAL otherwise). What was
 * held before cannot conflict with what others held then, so the only
 * conflict possible is with a claim already taken back or granted since
 * (after an early close): that one wins, this one is refused EBUSY and
 * the client must treat the token or lock as lost.
 */
static void do_reclaim(struct mdc_tokens *t, struct mdc_conn *c,
		       const struct xsan_hdr *h, const struct xsan_req *r)
{
	struct mdc_session *s = c->session;
	struct mdc_lockreq rq;
	struct mdc_tnode *n;
	struct mdc_hold *hd;
	struct xsan_attr a;
	char names[64];
	int err;

	if (!s->reclaiming) {
		mdc_log(LOG_NOTICE, "%s: volume %s: host '%s' sent a %s reclaim outside its grace window; refused",
			c->addr, t->v->name, s->host, xsan_op_name(h->opcode));
		reply_err(t->m, c, h, EINVAL);
		return;
	}
	err = fid_attr(t->v, &r->fid, &a);
	if (err) {
		reply_err(t->m, c, h, -err);
		return;
	}
	n = node_find(t, &r->fid, true);
	if (!n) {
		reply_err(t->m, c, h, ENOMEM);
		return;
	}
	if (h->opcode == XSAN_OP_TOKEN_GET) {
		uint32_t conf = mdc_tok_conflicts(r->tok.types);

		for (hd = n->holds; hd; hd = hd->next)
			if (hd->s != s && (hd->types & conf))
				break;
		if (hd) {
			mdc_log(LOG_WARNING, "volume %s: host '%s' reclaims %s on inode %llu, which host '%s' holds; refused",
				t->v->name, s->host,
				mdc_tok_names(r->tok.types, names, sizeof(names)),
				(unsigned long long)n->fid.ino, hd->s->host);
			reply_err(t->m, c, h, EBUSY);
		} else {
			grant(t, n, s, c, h, r->tok.types);
		}
	} else {
		struct xsan_rep rep = { .op = XSAN_OP_LOCK };

		lock_req(s, r, &rq);
		err = mdc_lock_set(&n->locks, &rq);
		if (err == -EAGAIN) {
			mdc_log(LOG_WARNING, "volume %s: host '%s' reclaims a lock on inode %llu that conflicts with one already held; refused",
				t->v->name, s->host,
				(unsigned long long)n->fid.ino);
			reply_err(t->m, c, h, EBUSY);
		} else if (err) {
			reply_err(t->m, c, h, ENOLCK);
		} else {
			reply_rep(t->m, c, h, &rep);
		}
	}
	node_put(t, n);
}

/* Park @r until the grace window closes; TRY does not wait. */
static void grace_park(struct mdc_tokens *t, struct mdc_conn *c,
		       const struct xsan_hdr *h, const struct xsan_req *r)
{
	struct mdc_gwait *g;

	if (h->opcode == XSAN_OP_TOKEN_GET && (r->tok.flags & XSAN_TOKF_TRY)) {
		reply_err(t->m, c, h, EAGAIN);
		return;
	}
	g = t->ngrace < MDC_GRACE_PARKED_MAX ? calloc(1, sizeof(*g)) : NULL;
	if (!g) {
		reply_err(t->m, c, h, ENOMEM);
		return;
	}
	g->hdr = *h;
	g->req = *r;
	grace_append(t, c, g);
}

/**
 * mdc_tok_grace_end() - the grace window closed
 * @m: the daemon
 * @v: the volume
 *
 * The TOKEN_GETs, LOCKs and namespace requests parked for the window
 * run now, in arrival order, as if they had just come (a namespace
 * request may then be parked behind revokes); those of connections or
 * sessions gone meanwhile are dropped.
 */
void mdc_tok_grace_end(struct mdc *m, struct mdc_vol *v)
{
	struct mdc_tokens *t = v->tokens;
	struct mdc_gwait *g, *list;
	struct xsan_req r;

	if (!t)
		return;
	/* Taken off first: a request run now must not find the later ones
	 * of its connection still waiting for the window, and wait again.
	 */
	list = t->grace;
	t->grace = NULL;
	t->grace_tail = &t->grace;
	t->ngrace = 0;
	while ((g = list)) {
		list = g->next;
		if (g->conn->dead || !g->conn->session)
			;
		else if (!g->ns)
			mdc_tok_handle(m, g->conn, &g->hdr, &g->req);
		else if (!xsan_req_decode(g->hdr.opcode, g->payload,
					  g->hdr.len, &r))
			mdc_tok_ns_queue(m, g->conn, &g->hdr, g->payload, &r);
		grace_free(t, g);
	}
}

/**
 * mdc_tok_session_resume() - a session was taken back by a new connection
 * @v: its volume
 * @s: the session, @s->conn the new connection
 *
 * REVOKEs sent on the old connection may never have arrived: each one
 * still owed is sent again, with the same revoke id, on the new one.
 */
void mdc_tok_session_resume(struct mdc_vol *v, struct mdc_session *s)
{
	struct mdc_tokens *t = v->tokens;
	struct mdc_tnode *n;
	struct mdc_hold *h;
	unsigned int i;

	if (!t)
		return;
	for (i = 0; i < MDC_TOK_HASH; i++)
		for (n = t->hash[i]; n; n = n->next)
			for (h = n->holds; h; h = h->next) {
				struct xsan_req cb = { .op = XSAN_OP_REVOKE,
						       .fid = n->fid };

				if (h->s != s || !h->revoking)
					continue;
				cb.tok.types = h->revoking;
				cb.tok.revoke = h->revoke_id;
				send_cb(t, s, &cb);
			}
}

/**
 * mdc_tok_handle() - TOKEN_GET, TOKEN_PUT, LOCK or UNLOCK
 * @m: the daemon
 * @c: an authenticated connection with a session
 * @h: the request's header
 * @r: the decoded request
 *
 * Answered at once, or (TOKEN_GET that conflicts) parked until the
 * holders have answered their REVOKE or been evicted.
 */
void mdc_tok_handle(struct mdc *m, struct mdc_conn *c,
		    const struct xsan_hdr *h, const struct xsan_req *r)
{
	struct mdc_tokens *t = tok_table(m, c->vol);

	if (!t) {
		reply_err(m, c, h, ENOMEM);
		return;
	}
	if (h->opcode == XSAN_OP_TOKEN_GET || h->opcode == XSAN_OP_LOCK) {
		bool reclaim = r->tok.flags & (h->opcode == XSAN_OP_TOKEN_GET ?
					       XSAN_TOKF_RECLAIM :
					       XSAN_LOCKF_RECLAIM);

		if (reclaim) {
			t->running++;
			do_reclaim(t, c, h, r);
			t->running--;
			return;
		}
		/* every session's: a reclaiming one's too (a TOKEN_GET it
		 * sent before the restart comes again with no RECLAIM, and
		 * could take what a session still missing reclaims)
		 */
		if (mdc_grace_open(c->vol)) {
			grace_park(t, c, h, r);
			return;
		}
	}
	t->running++;
	switch (h->opcode) {
	case XSAN_OP_TOKEN_GET:
		do_token_get(t, c, h, r);
		break;
	case XSAN_OP_TOKEN_PUT:
		do_token_put(t, c, h, r);
		break;
	case XSAN_OP_LOCK:
		do_lock(t, c, h, r);
		break;
	default:
		do_unlock(t, c, h, r);
		break;
	}
	t->running--;
}

/**
 * mdc_tok_session_end() - a session is going away
 * @v: its volume
 * @s: the session, still allocated
 *
 * Its tokens, locks, lock waiters and parked requests are dropped; the
 * requests and lock waiters of others that were waiting for them are
 * answered or woken.
 */
void mdc_tok_session_end(struct mdc_vol *v, struct mdc_session *s)
{
	struct mdc_tokens *t = v->tokens;
	struct mdc_tnode **pp, *n;
	struct mdc_twait **wp, *w;
	struct mdc_nswait **nwp;
	struct mdc_hold *h;
	unsigned int i;

	if (!t)
		return;
	t->running++;
	/* Its namespace requests, parked or pending, hold nobody back. */
	for (nwp = &t->ns; *nwp;) {
		if ((*nwp)->s == s) {
			ns_free(t, nwp);
			continue;
		}
		nwp = &(*nwp)->next;
	}
	for (i = 0; i < MDC_TOK_HASH; i++) {
		for (pp = &t->hash[i]; (n = *pp);) {
			h = hold_find(n, s);
			if (h)
				hold_remove(n, h);
			for (wp = &n->waits; (w = *wp);) {
				if (w->s == s) {
					*wp = w->next;
					wait_free(t, w);
					continue;
				}
				wp = &w->next;
			}
			mdc_lock_drop_session(&n->locks, s->id);
			lock_wake(t, n);
			node_run(t, n);
			if (node_empty(n)) {
				*pp = n->next;
				free(n);
				continue;
			}
			pp = &n->next;
		}
	}
	ns_run(t);	/* the requests that waited for its tokens */
	t->running--;
}

/**
 * mdc_tok_conn_gone() - a connection is closing
 * @m: the daemon
 * @c: the connection
 *
 * Its parked requests go now, so their references do not keep it. From
 * inside this file (a close while callbacks are queued) the lists are
 * being walked: then node_run() and the tick drop them instead.
 */
void mdc_tok_conn_gone(struct mdc *m, struct mdc_conn *c)
{
	struct mdc_tokens *t = c->vol ? c->vol->tokens : NULL;
	struct mdc_nswait **nwp;
	struct mdc_twait **wp, *w;
	struct mdc_tnode *n, *next;
	unsigned int i;

	(void)m;
	if (!t || t->running)
		return;
	for (struct mdc_gwait **gp = &t->grace, *g; (g = *gp);) {
		if (g->conn == c) {
			*gp = g->next;
			t->ngrace--;
			grace_free(t, g);
			continue;
		}
		gp = &g->next;
	}
	t->grace_tail = &t->grace;
	while (*t->grace_tail)
		t->grace_tail = &(*t->grace_tail)->next;
	t->running++;
	for (nwp = &t->ns; *nwp;) {
		if ((*nwp)->conn == c) {
			ns_free(t, nwp);
			continue;
		}
		nwp = &(*nwp)->next;
	}
	t->running--;
	for (i = 0; i < MDC_TOK_HASH; i++) {
		for (n = t->hash[i]; n; n = next) {
			next = n->next;
			for (wp = &n->waits; (w = *wp);) {
				if (w->conn == c) {
					*wp = w->next;
					wait_free(t, w);
					continue;
				}
				wp = &w->next;
			}
			node_put(t, n);
		}
	}
}

/**
 * mdc_tok_overdue() - does a session owe a REVOKE past the revoke timeout?
 * @m: the daemon
 * @v: the session's volume
 * @s: the session
 * @now: mdc_now_ms()
 * @o: out: the oldest overdue REVOKE (inode, types still owed, when sent)
 *
 * Such a session's lease is no longer renewed (session.c): it is dropped
 * lease + grace after its last renewal, when its client has surely
 * stopped its I/O (tokens.rst, "Fencing and the timing argument"). The
 * table is walked only once @s->revoke_due_ms, a lower bound that
 * revoke() keeps, has passed; the walk makes it exact again (0 when
 * nothing is owed any more).
 *
 * Return: true if a REVOKE sent mdc_revoke_timeout_ms() or more before
 * @now is still unanswered.
 */
bool mdc_tok_overdue(struct mdc *m, struct mdc_vol *v, struct mdc_session *s,
		     long long now, struct mdc_overdue *o)
{
	long long limit = mdc_revoke_timeout_ms(m), oldest = 0;
	struct mdc_tokens *t = v->tokens;
	const struct mdc_tnode *n;
	const struct mdc_hold *h;
	unsigned int i;

	if (!s->revoke_due_ms || now < s->revoke_due_ms)
		return false;
	for (i = 0; t && i < MDC_TOK_HASH; i++)
		for (n = t->hash[i]; n; n = n->next)
			for (h = n->holds; h; h = h->next) {
				if (h->s != s || !h->revoking || !h->revoke_ms ||
				    (oldest && h->revoke_ms >= oldest))
					continue;
				oldest = h->revoke_ms;
				o->ino = n->fid.ino;
				o->types = h->revoking;
				o->since_ms = h->revoke_ms;
			}
	s->revoke_due_ms = oldest ? oldest + limit : 0;
	return oldest && now - oldest >= limit;
}

/**
 * mdc_tok_tick() - housekeeping of parked requests, every tick
 * @m: the daemon
 *
 * Parked TOKEN_GETs of connections closed while this file was walking
 * its lists go, and what nothing holds back any more runs. Holders that
 * do not answer a REVOKE are not evicted here: their lease stops being
 * renewed once the REVOKE is overdue (mdc_tok_overdue()), and
 * mdc_expire() drops them lease + grace after their last renewal.
 */
/**
 * mdc_tok_shift() - the daemon stalled for @gap ms: move the send times
 * of the REVOKEs still owed in @v by as much
 * @v: the volume
 * @gap: how long nothing ran
 *
 * No client could answer a REVOKE while we did not read its socket: the
 * revoke timeout must not count that time.
 */
void mdc_tok_shift(struct mdc_vol *v, long long gap)
{
	struct mdc_tokens *t = v->tokens;
	struct mdc_tnode *n;
	struct mdc_hold *h;
	unsigned int i;

	for (i = 0; t && i < MDC_TOK_HASH; i++)
		for (n = t->hash[i]; n; n = n->next)
			for (h = n->holds; h; h = h->next)
				if (h->revoke_ms)
					h->revoke_ms += gap;
}

void mdc_tok_tick(struct mdc *m)
{
	struct mdc_tnode *n, *next;
	struct mdc_twait **wp, *w;
	struct mdc_tokens *t;
	struct mdc_vol *v;
	unsigned int i;

	for (v = m->vols; v; v = v->next) {
		t = v->tokens;
		if (!t)
			continue;
		t->running++;
		for (i = 0; i < MDC_TOK_HASH; i++) {
			for (n = t->hash[i]; n; n = next) {
				next = n->next;
				if (!n->waits)
					continue;
				for (wp = &n->waits; (w = *wp);) {
					if (w->conn->dead) {
						*wp = w->next;
						wait_free(t, w);
						continue;
					}
					wp = &w->next;
				}
				node_run(t, n);
				node_put(t, n);
			}
		}
		ns_run(t);	/* and drops those of closed connections */
		t->running--;
	}
}

void mdc_tok_free(struct mdc_vol *v)
{
	struct mdc_tokens *t = v->tokens;
	struct mdc_gwait *g;
	struct mdc_nswait *nw;
	struct mdc_tnode *n;
	struct mdc_twait *w;
	struct mdc_hold *h;
	unsigned int i;

	if (!t)
		return;
	while ((g = t->grace)) {
		t->grace = g->next;
		grace_free(t, g);
	}
	while ((nw = t->ns)) {
		t->ns = nw->next;
		if (nw->conn)
			mdc_conn_put(t->m, nw->conn);
		free(nw->payload);
		free(nw);
	}
	for (i = 0; i < MDC_TOK_HASH; i++) {
		while ((n = t->hash[i])) {
			t->hash[i] = n->next;
			while ((h = n->holds)) {
				n->holds = h->next;
				free(h);
			}
			while ((w = n->waits)) {
				n->waits = w->next;
				wait_free(t, w);
			}
			mdc_lock_free(&n->locks);
			free(n);
		}
	}
	free(t);
	v->tokens = NULL;
}

/* ---- tokens that ride on LOOKUP, GETATTR and OPEN replies ---- */

/**
 * mdc_tok_try_grant() - grant tokens with a LOOKUP, GETATTR or OPEN reply
 * @m: the daemon
 * @v: the volume
 * @s: the asking session
 * @fid: the inode the reply describes
 * @want: XSAN_TOK_* the request asked for
 * @fresh: set to the types @s did not hold before (for mdc_tok_try_undo())
 *
 * TRY semantics, type by type: a type is granted only if no other
 * session holds or waits for a conflicting one and no namespace change
 * of another session is about to invalidate it; during a grace window,
 * nothing to a session that is not reclaiming. Nothing is parked and
 * nothing is revoked. What is granted is recorded exactly as a TOKEN_GET
 * grant, so a later conflict revokes it.
 *
 * Return: the types of @want @s now holds (those it held already count).
 */
uint32_t mdc_tok_try_grant(struct mdc *m, struct mdc_vol *v,
			   struct mdc_session *s, const struct xsan_fid *fid,
			   uint32_t want, uint32_t *fresh)
{
	struct mdc_tokens *t = tok_table(m, v);
	uint32_t need, bit, ok = 0;
	struct mdc_tnode *n;
	struct mdc_hold *h;

	*fresh = 0;
	want &= XSAN_TOK_ALL;
	if (!t || !s || !want)
		return 0;
	/* A newcomer gets nothing while the window is open: a token it took
	 * now, a reclaimer would find taken (EBUSY). It holds none either.
	 */
	if (mdc_grace_open(v))
		return 0;
	n = node_find(t, fid, true);
	if (!n)
		return 0;
	need = tok_need(n, s, want);
	for (bit = 1; bit <= XSAN_TOK_ALL; bit <<= 1)
		if ((need & bit) && grantable(t, n, s, bit, NULL, false))
			ok |= bit;
	h = hold_find(n, s);
	if (ok && !h) {
		h = calloc(1, sizeof(*h));
		if (!h) {
			node_put(t, n);
			return 0;
		}
		h->s = s;
		h->next = n->holds;
		n->holds = h;
	}
	if (ok) {
		*fresh = ok & ~h->types;
		h->types |= ok;
		h->revoking &= ~ok;
		if (!h->revoking) {
			h->revoke_id = 0;
			h->revoke_ms = 0;
		}
	}
	node_put(t, n);
	return (want & ~need) | ok;
}

/**
 * mdc_tok_try_undo() - take back what mdc_tok_try_grant() added
 * @v: the volume
 * @s: the session
 * @fid: the inode
 * @fresh: the types it reported as new
 *
 * For a reply that never leaves (its batch failed to commit): the client
 * does not know of them, so they must not stay recorded.
 */
void mdc_tok_try_undo(struct mdc_vol *v, struct mdc_session *s,
		      const struct xsan_fid *fid, uint32_t fresh)
{
	struct mdc_tokens *t = v->tokens;
	struct mdc_tnode *n = t ? node_find(t, fid, false) : NULL;
	struct mdc_hold *h = n ? hold_find(n, s) : NULL;

	if (!h || !fresh)
		return;
	h->types &= ~fresh;
	h->revoking &= h->types;
	if (!h->revoking) {
		h->revoke_id = 0;
		h->revoke_ms = 0;
	}
	if (!h->types)
		hold_remove(n, h);
	t->running++;
	node_run(t, n);
	node_put(t, n);
	t->running--;
}

/* ---- the admin's view: ADMIN_TOKENS (xsanadmin tokens) ---- */

/* Entries that fit a reply: the list after u32 flags and u32 count. */
#define MDC_TOK_ADMIN_MAX	((XSAN_PAYLOAD_MAX - 8u) / XSAN_TOK_ENTRY_REC)

static bool admin_put(struct xsan_put *w, struct xsan_rep *rep,
		      const struct xsan_tok_entry *e)
{
	if (rep->count >= MDC_TOK_ADMIN_MAX) {
		rep->flags |= XSAN_ADMTOK_MORE;
		return false;
	}
	xsan_put_tok_entry(w, e);
	rep->count++;
	return true;
}

/**
 * mdc_tok_admin() - answer ADMIN_TOKENS: the token table of @c's volume
 * @m: the daemon (its scratch buffers hold the reply)
 * @c: an authenticated connection
 * @h: the request's header
 *
 * Every session's tokens per inode (with what is being revoked and
 * since when), the parked TOKEN_GETs, and the namespace requests parked
 * or pending behind revokes, one entry each (protocol.rst).
 */
void mdc_tok_admin(struct mdc *m, struct mdc_conn *c, const struct xsan_hdr *h)
{
	struct mdc_tokens *t = c->vol->tokens;
	struct xsan_rep rep = { .op = XSAN_OP_ADMIN_TOKENS };
	long long now = mdc_now_ms();
	struct xsan_put w, out;
	const struct mdc_nswait *nw;
	const struct mdc_tnode *n;
	const struct mdc_hold *hd;
	const struct mdc_twait *tw;
	const struct mdc_gwait *g;
	unsigned int i, k;

	xsan_put_init(&w, m->scratch2, XSAN_PAYLOAD_MAX);
	for (i = 0; t && i < MDC_TOK_HASH; i++) {
		for (n = t->hash[i]; n; n = n->next) {
			for (hd = n->holds; hd; hd = hd->next) {
				struct xsan_tok_entry e = {
					.kind = XSAN_TE_HOLD, .ino = n->fid.ino,
					.gen = n->fid.gen, .session = hd->s->id,
					.types = hd->types,
					.revoking = hd->revoking & hd->types,
				};

				if (e.revoking && hd->revoke_ms)
					e.revoke_age_ms = (uint32_t)(now - hd->revoke_ms);
				if (e.types)
					admin_put(&w, &rep, &e);
			}
			for (tw = n->waits; tw; tw = tw->next) {
				struct xsan_tok_entry e = {
					.kind = XSAN_TE_WAIT, .ino = n->fid.ino,
					.gen = n->fid.gen, .session = tw->s->id,
					.types = tw->wanted,
				};

				if (e.types)
					admin_put(&w, &rep, &e);
			}
		}
	}
	for (nw = t ? t->ns : NULL; nw; nw = nw->next) {
		for (k = 0; k < nw->nneed; k++) {
			struct xsan_tok_entry e = {
				.kind = XSAN_TE_NS, .op = nw->hdr.opcode,
				.ino = nw->need[k].fid.ino,
				.gen = nw->need[k].fid.gen,
				.session = nw->s->id, .types = nw->need[k].types,
			};

			admin_put(&w, &rep, &e);
		}
	}
	/* what waits for the end of a restart's grace window */
	for (g = t ? t->grace : NULL; g; g = g->next) {
		struct xsan_tok_entry e = {
			.kind = XSAN_TE_GRACE, .op = g->hdr.opcode,
			.ino = g->req.fid.ino, .gen = g->req.fid.gen,
		};

		if (g->hdr.opcode == XSAN_OP_TOKEN_GET)
			e.types = g->req.tok.types & XSAN_TOK_ALL;
		if (!g->conn->session || !e.ino)
			continue;
		e.session = g->conn->session->id;
		admin_put(&w, &rep, &e);
	}
	rep.data = m->scratch2;
	rep.datalen = w.len;
	xsan_put_init(&out, m->scratch, XSAN_PAYLOAD_MAX);
	if (w.err || xsan_rep_encode(&out, &rep)) {
		mdc_log(LOG_ERR, "%s: cannot encode the ADMIN_TOKENS reply", c->addr);
		reply_err(m, c, h, EIO);
		return;
	}
	mdc_conn_reply(m, c, h, 0, m->scratch, out.len);
	mdc_conn_kick(m, c);
}
