// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace requests and group commit. Requests are queued per volume as
 * they arrive; after each round of the event loop every volume runs its
 * whole queue in one LMDB write transaction (each request in a nested
 * one, so a failed request leaves nothing), commits once, which syncs,
 * and only then queues the replies. If the commit fails, every request
 * of the batch is answered EIO: nothing of it became durable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mdc.h"

/* Replies built during a batch, sent after the commit. */
struct mdc_out {
	struct mdc_conn *conn;
	struct xsan_hdr hdr;
	uint32_t status;
	uint8_t *payload;
	uint32_t len;
	/* tokens granted with the reply (mdc_tok_try_grant()), taken back
	 * if the batch does not commit
	 */
	struct mdc_session *gs;
	struct xsan_fid gfid;
	uint32_t gfresh;
};

void mdc_queue(struct mdc *m, struct mdc_conn *c, const struct xsan_hdr *h,
	       const uint8_t *payload)
{
	struct mdc_vol *v = c->vol;
	struct mdc_req *q = calloc(1, sizeof(*q));

	if (!q || (h->len && !(q->payload = malloc(h->len)))) {
		free(q);
		mdc_conn_reply(m, c, h, ENOMEM, NULL, 0);
		return;
	}
	if (h->len)
		memcpy(q->payload, payload, h->len);
	q->hdr = *h;
	q->conn = c;
	c->refs++;
	c->queued++;
	*v->queue_tail = q;
	v->queue_tail = &q->next;
	v->queued++;
}

struct readdir_ctx {
	struct xsan_put *w;
	uint32_t limit;		/* bytes of entries the client takes */
	uint32_t count;
};

static int readdir_emit(void *arg, const struct xsan_dirent *d)
{
	struct readdir_ctx *x = arg;
	uint32_t need = 8 + 8 + 1 + 2 + d->namelen;

	if (x->w->len + need > x->limit)
		return 1;
	xsan_put_dirent(x->w, d);
	x->count++;
	return 0;
}

/*
 * OPEN .. FALLOCATE and TMPFILE, for the session v->cur_client. Extents of a
 * LAYOUT_GET reply and the decoded ranges of a LAYOUT_COMMIT go to
 * scratch2 (32 KiB at most, far below its XSAN_PAYLOAD_MAX).
 */
static int mdc_exec_layout(struct mdc *m, struct mdc_vol *v,
			   struct xsan_txn *t, const struct xsan_req *r,
			   struct xsan_rep *rep, const struct xsan_time *now)
{
	const struct xsan_layout_args *a = &r->layout;
	uint64_t client = v->cur_client;

	rep->nattr = 1;
	switch (r->op) {
	case XSAN_OP_OPEN: {
		uint64_t h = 0;
		int err = xsan_open(t, &r->cred, &r->fid, a->flags, client, now,
				    &h, &rep->attr[0]);

		rep->layout.handle = h;
		return err;
	}
	case XSAN_OP_TMPFILE: {
		uint64_t h = 0;
		int err = xsan_tmpfile(t, &r->cred, &r->fid,
				       r->mode | XSAN_NS_UMASK(r->umask),
				       a->flags, client, now, &h,
				       &rep->attr[0]);

		rep->layout.handle = h;
		return err;
	}
	case XSAN_OP_CLOSE:
		return xsan_close(t, &r->fid, client, a->handle, &rep->attr[0]);
	case XSAN_OP_LAYOUT_GET: {
		struct xsan_extent *ext = (struct xsan_extent *)m->scratch2;
		int err;

		err = xsan_layout_get(t, &r->cred, &r->fid, client, a->offset,
				      a->length, a->flags, now, ext,
				      XSAN_LAYOUT_EXT_MAX, &rep->layout.count,
				      &rep->attr[0]);
		rep->layout.ext = ext;
		return err;
	}
	case XSAN_OP_LAYOUT_COMMIT: {
		struct xsan_range *rg = (struct xsan_range *)m->scratch2;

		for (uint32_t i = 0; i < a->nranges; i++)
			xsan_range_at(a->raw, i, &rg[i]);
		return xsan_layout_commit(t, &r->fid, client, a->flags, a->size,
					  &a->mtime, rg, a->nranges, now,
					  &rep->attr[0]);
	}
	default:
		return xsan_fallocate(t, &r->cred, &r->fid, client, a->flags,
				      a->offset, a->length, now, &rep->attr[0]);
	}
}

/**
 * mdc_exec() - run one decoded namespace request in transaction @t
 * @m: the daemon (its scratch2 buffer holds list and value data)
 * @v: the volume
 * @t: the batch transaction
 * @r: the request
 * @rep: the reply to fill on success
 *
 * Return: 0 or a negative errno for the reply's status.
 */
int mdc_exec(struct mdc *m, struct mdc_vol *v, struct xsan_txn *t,
	     const struct xsan_req *r, struct xsan_rep *rep)
{
	const struct xsan_cred *cr = &r->cred;
	struct xsan_time now;
	uint32_t n = 0;
	int err;

	(void)v;
	mdc_wallclock(&now);
	memset(rep, 0, sizeof(*rep));
	rep->op = r->op;

	switch (r->op) {
	case XSAN_OP_LOOKUP:
		rep->nattr = 1;
		return xsan_ns_lookup(t, cr, &r->fid, r->name, r->namelen,
				      &rep->attr[0]);
	case XSAN_OP_GETATTR:
		rep->nattr = 1;
		return xsan_ns_getattr(t, &r->fid, &rep->attr[0]);
	case XSAN_OP_SETATTR:
		rep->nattr = 1;
		return xsan_ns_setattr(t, cr, &r->fid, &r->sattr, &now,
				       &rep->attr[0]);
	case XSAN_OP_READDIR: {
		struct xsan_put w;
		struct readdir_ctx x = { .w = &w };
		bool eof = false;

		/* The reply's own fields take 5 bytes besides the entries. */
		x.limit = r->size < XSAN_PAYLOAD_MAX - 64 ? r->size :
			  XSAN_PAYLOAD_MAX - 64;
		xsan_put_init(&w, m->scratch2, x.limit);
		err = xsan_ns_readdir(t, cr, &r->fid, r->cookie, readdir_emit,
				      &x, &eof);
		if (err)
			return err;
		if (!x.count && !eof)
			return -EINVAL;	/* not even one entry fits */
		rep->eof = eof;
		rep->count = x.count;
		rep->data = m->scratch2;
		rep->datalen = w.len;
		return 0;
	}
	case XSAN_OP_CREATE:
	case XSAN_OP_MKDIR:
	case XSAN_OP_MKNOD:
		rep->nattr = 2;
		return xsan_ns_mknod(t, cr, &r->fid, r->name, r->namelen,
				     r->mode | XSAN_NS_UMASK(r->umask),
				     r->rdev_major, r->rdev_minor,
				     &now, &rep->attr[0], &rep->attr[1]);
	case XSAN_OP_SYMLINK:
		rep->nattr = 2;
		return xsan_ns_symlink(t, cr, &r->fid, r->name, r->namelen,
				       r->data, r->datalen, &now,
				       &rep->attr[0], &rep->attr[1]);
	case XSAN_OP_READLINK:
		err = xsan_ns_readlink(t, cr, &r->fid, (char *)m->scratch2, &n);
		rep->data = m->scratch2;
		rep->datalen = n;
		return err;
	case XSAN_OP_LINK:
		rep->nattr = 2;
		return xsan_ns_link(t, cr, &r->fid, &r->fid2, r->name,
				    r->namelen, &now, &rep->attr[0],
				    &rep->attr[1]);
	case XSAN_OP_UNLINK:
		rep->nattr = 2;
		return xsan_ns_unlink(t, cr, &r->fid, r->name, r->namelen,
				      &now, &rep->attr[0], &rep->attr[1]);
	case XSAN_OP_RMDIR:
		rep->nattr = 2;
		return xsan_ns_rmdir(t, cr, &r->fid, r->name, r->namelen,
				     &now, &rep->attr[0], &rep->attr[1]);
	case XSAN_OP_RENAME:
		err = xsan_ns_rename(t, cr, &r->fid, r->name, r->namelen,
				     &r->fid2, r->name2, r->name2len, r->flags,
				     &now, rep->attr, &n);
		rep->nattr = n;
		return err;
	case XSAN_OP_STATFS:
		return xsan_ns_statfs(t, &rep->st);
	case XSAN_OP_GETXATTR:
		err = xsan_ns_getxattr(t, cr, &r->fid, r->name, r->namelen,
				       m->scratch2, r->size, &n);
		rep->size = n;
		if (!err && r->size) {
			rep->data = m->scratch2;
			rep->datalen = n;
		}
		return err;
	case XSAN_OP_LISTXATTR:
		err = xsan_ns_listxattr(t, cr, &r->fid, m->scratch2,
					r->size < XSAN_XATTR_LIST_MAX ? r->size :
					XSAN_XATTR_LIST_MAX, &n);
		rep->size = n;
		if (!err && r->size) {
			rep->data = m->scratch2;
			rep->datalen = n;
		}
		return err;
	case XSAN_OP_SETXATTR:
		rep->nattr = 1;
		return xsan_ns_setxattr(t, cr, &r->fid, r->name, r->namelen,
					r->data, r->datalen, r->flags, &now,
					&rep->attr[0]);
	case XSAN_OP_REMOVEXATTR:
		rep->nattr = 1;
		return xsan_ns_removexattr(t, cr, &r->fid, r->name, r->namelen,
					   &now, &rep->attr[0]);
	case XSAN_OP_OPEN:
	case XSAN_OP_TMPFILE:
	case XSAN_OP_CLOSE:
	case XSAN_OP_LAYOUT_GET:
	case XSAN_OP_LAYOUT_COMMIT:
	case XSAN_OP_FALLOCATE:
		return mdc_exec_layout(m, v, t, r, rep, &now);
	default:
		return -EOPNOTSUPP;
	}
}

/*
 * LOOKUP, GETATTR and OPEN may ask for tokens on the inode their reply
 * describes (attr[0]); what is free right now rides on the reply and
 * saves the client a TOKEN_GET (tokens.rst, "Tokens with replies").
 */
static void mdc_grant_with(struct mdc *m, struct mdc_vol *v,
			   struct mdc_session *s, const struct xsan_req *r,
			   struct xsan_rep *rep, struct mdc_out *o)
{
	if (!r->tok.types || !s || rep->nattr != 1 ||
	    (r->op != XSAN_OP_LOOKUP && r->op != XSAN_OP_GETATTR &&
	     r->op != XSAN_OP_OPEN))
		return;
	o->gfid.ino = rep->attr[0].ino;
	o->gfid.gen = rep->attr[0].gen;
	o->gs = s;
	rep->tok.granted = mdc_tok_try_grant(m, v, s, &o->gfid, r->tok.types,
					     &o->gfresh);
}

static void mdc_ungrant(struct mdc_vol *v, struct mdc_out *o)
{
	if (o->gs && o->gfresh)
		mdc_tok_try_undo(v, o->gs, &o->gfid, o->gfresh);
	o->gfresh = 0;
}

/* Run one request of the batch; its encoded reply goes to @o. */
/*
 * Changes a second run would answer differently (EEXIST, ENOENT, ENODATA)
 * or make twice: their replies are saved for a request sent again after
 * a reconnect (store.h, xsan_reply_get()).
 */
static bool mdc_op_saves_reply(uint16_t op)
{
	switch (op) {
	case XSAN_OP_CREATE:
	case XSAN_OP_MKDIR:
	case XSAN_OP_MKNOD:
	case XSAN_OP_SYMLINK:
	case XSAN_OP_LINK:
	case XSAN_OP_UNLINK:
	case XSAN_OP_RMDIR:
	case XSAN_OP_RENAME:
	case XSAN_OP_SETXATTR:
	case XSAN_OP_REMOVEXATTR:
		return true;
	default:
		return false;
	}
}

/* FNV-1a, 64 bits: tells a request sent again from another of its xid */
static uint64_t mdc_payload_hash(const uint8_t *p, uint32_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/*
 * The saved reply of @q if it was run before (sent again after a
 * reconnect or an MDC restart): true and @o filled in.
 */
static bool mdc_saved_reply(struct mdc *m, struct mdc_vol *v,
			    struct xsan_txn *t, struct mdc_req *q,
			    uint64_t hash, struct mdc_out *o)
{
	uint32_t len = 0;

	if (xsan_reply_get(t, q->conn->session->id, q->hdr.xid,
			   q->hdr.opcode, hash, m->scratch, XSAN_PAYLOAD_MAX,
			   &len))
		return false;
	o->payload = len ? malloc(len) : NULL;
	if (len && !o->payload) {
		o->status = ENOMEM;
		return true;
	}
	if (len)
		memcpy(o->payload, m->scratch, len);
	o->len = len;
	mdc_log(LOG_INFO, "%s: volume %s: host '%s' sent %s xid %llu again: answered as the first time",
		q->conn->addr, v->name, q->conn->host,
		xsan_op_name(q->hdr.opcode), (unsigned long long)q->hdr.xid);
	return true;
}

static void mdc_run_one(struct mdc *m, struct mdc_vol *v, struct xsan_txn *t,
			struct mdc_req *q, struct mdc_out *o)
{
	bool save = q->conn->session && mdc_op_saves_reply(q->hdr.opcode);
	uint64_t hash = save ? mdc_payload_hash(q->payload, q->hdr.len) : 0;
	struct xsan_req r;
	struct xsan_rep rep;
	struct xsan_put w;
	int err;

	o->conn = q->conn;
	o->hdr = q->hdr;
	/*
	 * The connection lost its session in this loop round (closed, or
	 * a pipelined GOODBYE): opens and layouts must not run for
	 * "client 0", whose allocations nobody would record or free.
	 * Namespace requests sent before a GOODBYE still run and are
	 * answered, in order.
	 */
	if (!q->conn->session && xsan_op_is_layout(q->hdr.opcode)) {
		o->status = ECONNABORTED;
		return;
	}
	if (save && mdc_saved_reply(m, v, t, q, hash, o))
		return;
	err = xsan_req_decode(q->hdr.opcode, q->payload, q->hdr.len, &r);
	/* layouts and opens belong to the client's session */
	v->cur_client = q->conn->session ? q->conn->session->id : 0;
	if (!err && r.op == XSAN_OP_OPEN &&
	    (r.layout.flags & XSAN_OPEN_RECLAIM) &&
	    !(q->conn->session && q->conn->session->reclaiming)) {
		/* as a TOKEN_GET with RECLAIM (token.c) */
		mdc_log(LOG_NOTICE, "%s: volume %s: host '%s' sent an OPEN reclaim outside its grace window; refused",
			q->conn->addr, v->name, q->conn->host);
		err = -EINVAL;
	}
	if (!err)
		err = mdc_exec(m, v, t, &r, &rep);
	if (err) {
		o->status = (uint32_t)-err;
		return;
	}
	mdc_grant_with(m, v, q->conn->session, &r, &rep, o);
	xsan_put_init(&w, m->scratch, XSAN_PAYLOAD_MAX);
	if (xsan_rep_encode(&w, &rep)) {
		mdc_log(LOG_ERR, "volume %s: cannot encode a %s reply: %s",
			v->name, xsan_op_name(r.op), strerror(-w.err));
		o->status = EIO;
		mdc_ungrant(v, o);
		return;
	}
	o->payload = w.len ? malloc(w.len) : NULL;
	if (w.len && !o->payload) {
		o->status = ENOMEM;
		mdc_ungrant(v, o);
		return;
	}
	memcpy(o->payload, m->scratch, w.len);
	o->len = w.len;
	if (save) {
		err = xsan_reply_put(t, q->conn->session->id, q->hdr.xid,
				     q->hdr.opcode, hash, o->payload, o->len);
		if (err)
			mdc_log(LOG_ERR, "volume %s: cannot save the reply of %s xid %llu: %s (a resend would run it again)",
				v->name, xsan_op_name(r.op),
				(unsigned long long)q->hdr.xid, strerror(-err));
	}
}

static void mdc_commit_vol(struct mdc *m, struct mdc_vol *v)
{
	struct mdc_req *q = v->queue, *next;
	unsigned int n = v->queued, i;
	struct mdc_out *outs;
	struct xsan_txn *t;
	int err;

	v->queue = NULL;
	v->queue_tail = &v->queue;
	v->queued = 0;
	outs = calloc(n, sizeof(*outs));
	err = outs ? xsan_txn_begin(v->store, true, &t) : -ENOMEM;
	if (err)
		mdc_log(LOG_ERR, "volume %s: cannot start a transaction: %s",
			v->name, strerror(-err));
	for (i = 0; q; q = next, i++) {
		next = q->next;
		if (!err)
			mdc_run_one(m, v, t, q, &outs[i]);
		else if (outs)
			outs[i] = (struct mdc_out){ .conn = q->conn, .hdr = q->hdr,
						    .status = (uint32_t)-err };
		else
			mdc_conn_reply(m, q->conn, &q->hdr, ENOMEM, NULL, 0);
		q->conn->queued--;
		if (!outs)
			mdc_conn_put(m, q->conn);
		free(q->payload);
		free(q);
	}
	if (!outs)
		return;
	if (!err) {
		err = xsan_txn_commit(t);
		if (err)
			mdc_log(LOG_ERR, "volume %s: commit of %u requests failed: %s; all answered EIO",
				v->name, n, strerror(-err));
	}
	v->batches++;
	v->ops += n;
	for (i = 0; i < n; i++) {
		struct mdc_out *o = &outs[i];

		if (err) {
			mdc_ungrant(v, o);
			mdc_conn_reply(m, o->conn, &o->hdr, EIO, NULL, 0);
		} else
			mdc_conn_reply(m, o->conn, &o->hdr, o->status,
				       o->payload, o->len);
		free(o->payload);
	}
	for (i = 0; i < n; i++) {
		mdc_conn_resume(m, outs[i].conn);
		mdc_conn_put(m, outs[i].conn);
	}
	free(outs);
}

/**
 * mdc_commit_all() - group commit of every volume's queued requests
 * @m: the daemon
 */
void mdc_commit_all(struct mdc *m)
{
	struct mdc_vol *v;
	bool again;

	/*
	 * Answering a batch can let a connection parse frames it had
	 * buffered (its queue was full); run those now, not a tick later.
	 */
	do {
		again = false;
		for (v = m->vols; v; v = v->next) {
			if (v->queue) {
				mdc_commit_vol(m, v);
				again = true;
			}
		}
	} while (again);
	/* Every queue ran: token requests held back for them may go. */
	mdc_tok_ns_committed(m);
}
