// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfs token and lock messages: TOKEN_GET, TOKEN_PUT, LOCK, UNLOCK and
 * the MDC's callbacks REVOKE and LOCK_WAKE. Kept apart from net/msg.c,
 * which only dispatches here; the rules are the same: every decoder checks
 * every field and fails with -EBADMSG, every encoder applies the same
 * predicates and fails with -EINVAL, so a bad sender sees its own bug.
 *
 * Callbacks are not requests a client may send: xsan_op_known() does not
 * know them, so the MDC answers them EOPNOTSUPP; the client decodes them
 * with xsan_cb_decode() from frames that carry XSAN_F_CALLBACK.
 */

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#endif

#include "xsanfs/msg.h"

static void xsan_tok_bad(struct xsan_cur *c)
{
	c->err = -EBADMSG;
	c->left = 0;
}

static void xsan_tok_put_err(struct xsan_put *w, int err)
{
	if (!w->err)
		w->err = err;
}

/**
 * xsan_lock_range_ok() - is [@start, @start + @length) representable?
 * @start: first byte
 * @length: bytes; 0 means "to the end of file", always valid
 *
 * Context: any context.
 * Return: true unless the last byte would lie past 2^64 - 1.
 */
bool xsan_lock_range_ok(u64 start, u64 length)
{
	return !length || length - 1 <= ~start;
}

bool xsan_op_is_token(u16 op)
{
	return op == XSAN_OP_TOKEN_GET || op == XSAN_OP_TOKEN_PUT ||
	       op == XSAN_OP_LOCK || op == XSAN_OP_UNLOCK;
}

bool xsan_op_is_callback(u16 op)
{
	return op == XSAN_OP_REVOKE || op == XSAN_OP_LOCK_WAKE;
}

static bool xsan_token_get_ok(const struct xsan_token_args *t)
{
	if (!t->types || (t->types & ~XSAN_TOK_ALL) ||
	    (t->flags & ~XSAN_TOKF_ALL))
		return false;
	/* a reclaim names what was held: it never waits nor tries */
	return !((t->flags & XSAN_TOKF_RECLAIM) && (t->flags & XSAN_TOKF_TRY));
}

/* A TOKEN_PUT that releases nothing and acknowledges nothing is a bug. */
static bool xsan_token_put_ok(const struct xsan_token_args *t)
{
	return !(t->types & ~XSAN_TOK_ALL) && (t->types || t->revoke);
}

/* flock locks are whole-file; a test never waits. */
static bool xsan_lock_ok(const struct xsan_token_args *t)
{
	if (t->type != XSAN_LOCK_RD && t->type != XSAN_LOCK_WR)
		return false;
	if (t->flags & ~XSAN_LOCKF_ALL)
		return false;
	if ((t->flags & XSAN_LOCKF_GETLK) && (t->flags & XSAN_LOCKF_WAIT))
		return false;
	/* a reclaim re-takes a lock that was held: no test, no wait */
	if ((t->flags & XSAN_LOCKF_RECLAIM) &&
	    (t->flags & (XSAN_LOCKF_GETLK | XSAN_LOCKF_WAIT)))
		return false;
	if ((t->flags & XSAN_LOCKF_FLOCK) && (t->start || t->length))
		return false;
	return xsan_lock_range_ok(t->start, t->length);
}

static bool xsan_unlock_ok(const struct xsan_token_args *t)
{
	if (t->flags & ~(XSAN_LOCKF_FLOCK | XSAN_LOCKF_CANCEL))
		return false;
	if ((t->flags & XSAN_LOCKF_FLOCK) && (t->start || t->length))
		return false;
	return xsan_lock_range_ok(t->start, t->length);
}

static bool xsan_revoke_ok(const struct xsan_token_args *t)
{
	return t->types && !(t->types & ~XSAN_TOK_ALL) && t->revoke;
}

/* A LOCK reply: no conflict (all zero) or a valid lock of some session. */
static bool xsan_lock_rep_ok(const struct xsan_token_rep *t)
{
	if (!t->type)
		return !t->owner && !t->start && !t->length && !t->session;
	return (t->type == XSAN_LOCK_RD || t->type == XSAN_LOCK_WR) &&
	       t->session && xsan_lock_range_ok(t->start, t->length);
}

/**
 * xsan_token_req_encode() - append a TOKEN_GET/PUT, LOCK, UNLOCK request
 * @w: the cursor
 * @r: the request
 *
 * Context: any context.
 * Return: 0, -EINVAL or -EMSGSIZE.
 */
int xsan_token_req_encode(struct xsan_put *w, const struct xsan_req *r)
{
	const struct xsan_token_args *t = &r->tok;

	switch (r->op) {
	case XSAN_OP_TOKEN_GET:
		if (!xsan_token_get_ok(t))
			break;
		xsan_put_cred(w, &r->cred);
		xsan_put_fid(w, &r->fid);
		xsan_put_u32(w, t->types);
		xsan_put_u32(w, t->flags);
		return w->err;
	case XSAN_OP_TOKEN_PUT:
		if (!xsan_token_put_ok(t))
			break;
		xsan_put_fid(w, &r->fid);
		xsan_put_u32(w, t->types);
		xsan_put_u64(w, t->revoke);
		return w->err;
	case XSAN_OP_LOCK:
		if (!xsan_lock_ok(t))
			break;
		xsan_put_cred(w, &r->cred);
		xsan_put_fid(w, &r->fid);
		xsan_put_u64(w, t->owner);
		xsan_put_u64(w, t->start);
		xsan_put_u64(w, t->length);
		xsan_put_u32(w, t->type);
		xsan_put_u32(w, t->flags);
		return w->err;
	case XSAN_OP_UNLOCK:
		if (!xsan_unlock_ok(t))
			break;
		xsan_put_fid(w, &r->fid);
		xsan_put_u64(w, t->owner);
		xsan_put_u64(w, t->start);
		xsan_put_u64(w, t->length);
		xsan_put_u32(w, t->flags);
		return w->err;
	default:
		break;
	}
	xsan_tok_put_err(w, -EINVAL);
	return w->err;
}

/**
 * xsan_token_req_decode() - decode a TOKEN_GET/PUT, LOCK, UNLOCK request
 * @c: a cursor over the payload; the caller checks xsan_cur_end()
 * @r: filled in (r->op set by the caller)
 *
 * Context: any context.
 * Return: the cursor's error, 0 or -EBADMSG.
 */
int xsan_token_req_decode(struct xsan_cur *c, struct xsan_req *r)
{
	struct xsan_token_args *t = &r->tok;
	bool ok = false;

	switch (r->op) {
	case XSAN_OP_TOKEN_GET:
		xsan_get_cred(c, &r->cred);
		xsan_get_fid(c, &r->fid);
		t->types = xsan_get_u32(c);
		t->flags = xsan_get_u32(c);
		ok = xsan_token_get_ok(t);
		break;
	case XSAN_OP_TOKEN_PUT:
		xsan_get_fid(c, &r->fid);
		t->types = xsan_get_u32(c);
		t->revoke = xsan_get_u64(c);
		ok = xsan_token_put_ok(t);
		break;
	case XSAN_OP_LOCK:
		xsan_get_cred(c, &r->cred);
		xsan_get_fid(c, &r->fid);
		t->owner = xsan_get_u64(c);
		t->start = xsan_get_u64(c);
		t->length = xsan_get_u64(c);
		t->type = xsan_get_u32(c);
		t->flags = xsan_get_u32(c);
		ok = xsan_lock_ok(t);
		break;
	case XSAN_OP_UNLOCK:
		xsan_get_fid(c, &r->fid);
		t->owner = xsan_get_u64(c);
		t->start = xsan_get_u64(c);
		t->length = xsan_get_u64(c);
		t->flags = xsan_get_u32(c);
		ok = xsan_unlock_ok(t);
		break;
	default:
		break;
	}
	if (!c->err && !ok)
		xsan_tok_bad(c);
	return c->err;
}

/**
 * xsan_token_rep_encode() - append the status-0 reply of a token request
 * @w: the cursor
 * @r: the reply
 *
 * TOKEN_GET: u32 granted, u32 nattr (0 or 1), the attribute. LOCK: the
 * conflict (36 bytes, all zero unless a GETLK found one). TOKEN_PUT and
 * UNLOCK: empty.
 *
 * Context: any context.
 * Return: 0, -EINVAL or -EMSGSIZE.
 */
int xsan_token_rep_encode(struct xsan_put *w, const struct xsan_rep *r)
{
	const struct xsan_token_rep *t = &r->tok;

	switch (r->op) {
	case XSAN_OP_TOKEN_GET:
		if (!t->granted || (t->granted & ~XSAN_TOK_ALL) ||
		    r->nattr > 1)
			break;
		xsan_put_u32(w, t->granted);
		xsan_put_u32(w, r->nattr);
		if (r->nattr)
			xsan_put_attr(w, &r->attr[0]);
		return w->err;
	case XSAN_OP_LOCK:
		if (!xsan_lock_rep_ok(t))
			break;
		xsan_put_u32(w, t->type);
		xsan_put_u64(w, t->owner);
		xsan_put_u64(w, t->start);
		xsan_put_u64(w, t->length);
		xsan_put_u64(w, t->session);
		return w->err;
	case XSAN_OP_TOKEN_PUT:
	case XSAN_OP_UNLOCK:
		return w->err;
	default:
		break;
	}
	xsan_tok_put_err(w, -EINVAL);
	return w->err;
}

/**
 * xsan_token_rep_decode() - decode the status-0 reply of a token request
 * @c: a cursor over the payload
 * @r: filled in (r->op set by the caller); zeroed again on error
 *
 * Context: any context.
 * Return: 0 or -EBADMSG (also for bytes left over).
 */
int xsan_token_rep_decode(struct xsan_cur *c, struct xsan_rep *r)
{
	struct xsan_token_rep *t = &r->tok;
	u16 op = r->op;
	bool ok = true;

	switch (op) {
	case XSAN_OP_TOKEN_GET:
		t->granted = xsan_get_u32(c);
		r->nattr = xsan_get_u32(c);
		if (c->err || r->nattr > 1) {
			r->nattr = 0;
			ok = false;
			break;
		}
		if (r->nattr)
			xsan_get_attr(c, &r->attr[0]);
		ok = t->granted && !(t->granted & ~XSAN_TOK_ALL);
		break;
	case XSAN_OP_LOCK:
		t->type = xsan_get_u32(c);
		t->owner = xsan_get_u64(c);
		t->start = xsan_get_u64(c);
		t->length = xsan_get_u64(c);
		t->session = xsan_get_u64(c);
		ok = xsan_lock_rep_ok(t);
		break;
	default:	/* TOKEN_PUT, UNLOCK: empty */
		break;
	}
	if (!c->err && !ok)
		xsan_tok_bad(c);
	if (xsan_cur_end(c)) {
		memset(r, 0, sizeof(*r));
		r->op = op;
		return -EBADMSG;
	}
	return 0;
}

/**
 * xsan_cb_encode() - the payload of an MDC -> client callback
 * @w: the cursor
 * @r: @r->op is XSAN_OP_REVOKE (fid, tok.types, tok.revoke) or
 *     XSAN_OP_LOCK_WAKE (fid, tok.owner)
 *
 * Context: any context.
 * Return: 0, -EINVAL or -EMSGSIZE.
 */
int xsan_cb_encode(struct xsan_put *w, const struct xsan_req *r)
{
	switch (r->op) {
	case XSAN_OP_REVOKE:
		if (!xsan_revoke_ok(&r->tok))
			break;
		xsan_put_fid(w, &r->fid);
		xsan_put_u32(w, r->tok.types);
		xsan_put_u64(w, r->tok.revoke);
		return w->err;
	case XSAN_OP_LOCK_WAKE:
		xsan_put_fid(w, &r->fid);
		xsan_put_u64(w, r->tok.owner);
		return w->err;
	default:
		break;
	}
	xsan_tok_put_err(w, -EINVAL);
	return w->err;
}

/**
 * xsan_cb_decode() - decode the payload of a callback frame
 * @op: the frame's opcode
 * @buf: the payload
 * @len: its length
 * @r: filled in
 *
 * Context: any context.
 * Return: 0, -EOPNOTSUPP for an opcode that is no callback, or -EBADMSG.
 */
int xsan_cb_decode(u16 op, const void *buf, u32 len, struct xsan_req *r)
{
	struct xsan_cur c;

	memset(r, 0, sizeof(*r));
	r->op = op;
	if (!xsan_op_is_callback(op))
		return -EOPNOTSUPP;
	xsan_cur_init(&c, buf, len);
	xsan_get_fid(&c, &r->fid);
	if (op == XSAN_OP_REVOKE) {
		r->tok.types = xsan_get_u32(&c);
		r->tok.revoke = xsan_get_u64(&c);
		if (!c.err && !xsan_revoke_ok(&r->tok))
			xsan_tok_bad(&c);
	} else {
		r->tok.owner = xsan_get_u64(&c);
	}
	return xsan_cur_end(&c);
}
