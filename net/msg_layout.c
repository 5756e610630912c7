// SPDX-License-Identifier: GPL-2.0
/*
 * Payloads of OPEN, CLOSE, LAYOUT_GET, LAYOUT_COMMIT, FALLOCATE and
 * TMPFILE, kept apart from net/msg.c so the data-path messages grow on
 * their own. Same rules as msg.c: the decoder checks every field against
 * the bytes it has and every rule of Documentation/protocol.rst
 * ("Layouts"); the encoder applies the same predicates and fails with
 * -EINVAL.
 *
 * Extent and range lists are fixed-size records, so a decoded list stays
 * in the payload (no allocation in the kernel's receive path) and entry i
 * is read back with xsan_extent_at() / xsan_range_at().
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

static void xsan_lbad(struct xsan_cur *c)
{
	c->err = -EBADMSG;
	c->left = 0;
}

static void xsan_lput_err(struct xsan_put *w, int err)
{
	if (!w->err)
		w->err = err;
}

/**
 * xsan_op_is_layout() - is @op one of the requests of this file?
 * @op: the opcode
 *
 * Context: any context.
 * Return: true for OPEN, CLOSE, LAYOUT_GET, LAYOUT_COMMIT, FALLOCATE,
 * TMPFILE.
 */
bool xsan_op_is_layout(u16 op)
{
	return op == XSAN_OP_OPEN || op == XSAN_OP_CLOSE ||
	       op == XSAN_OP_TMPFILE ||
	       op == XSAN_OP_LAYOUT_GET || op == XSAN_OP_LAYOUT_COMMIT ||
	       op == XSAN_OP_FALLOCATE;
}

/* A byte range that is not empty and ends inside the largest file. */
static bool xsan_span_ok(u64 off, u64 len)
{
	return len && off <= XSAN_FILE_MAX && len <= XSAN_FILE_MAX - off;
}

/* Linux accepts only these combinations (PUNCH_HOLE needs KEEP_SIZE). */
static bool xsan_falloc_ok(u32 mode)
{
	switch (mode) {
	case 0:
	case XSAN_FALLOC_KEEP_SIZE:
	case XSAN_FALLOC_PUNCH_HOLE | XSAN_FALLOC_KEEP_SIZE:
	case XSAN_FALLOC_ZERO_RANGE:
	case XSAN_FALLOC_ZERO_RANGE | XSAN_FALLOC_KEEP_SIZE:
		return true;
	default:
		return false;
	}
}

/* TMPFILE's mode: a regular file (S_IFREG) and permission bits only. */
static bool xsan_tmpfile_mode_ok(u32 mode)
{
	return (mode & ~07777u) == 0100000u;
}

/* The fixed fields of a request; lists are checked as they are walked. */
static bool xsan_largs_ok(u16 op, const struct xsan_layout_args *a)
{
	switch (op) {
	case XSAN_OP_TMPFILE:
		/* O_TMPFILE needs O_WRONLY or O_RDWR; nothing else */
		return a->flags == XSAN_OPEN_WRONLY ||
		       a->flags == XSAN_OPEN_RDWR;
	case XSAN_OP_OPEN:
		return !(a->flags & ~(XSAN_OPEN_ACCMODE | XSAN_OPEN_TRUNC |
				      XSAN_OPEN_RECLAIM | XSAN_OPEN_EXEC)) &&
		       (a->flags & XSAN_OPEN_ACCMODE) != XSAN_OPEN_ACCMODE &&
		       (a->flags & (XSAN_OPEN_TRUNC | XSAN_OPEN_RECLAIM)) !=
		       (XSAN_OPEN_TRUNC | XSAN_OPEN_RECLAIM) &&
		       (!(a->flags & XSAN_OPEN_EXEC) ||
			!(a->flags & (XSAN_OPEN_ACCMODE | XSAN_OPEN_TRUNC)));
	case XSAN_OP_CLOSE:
		return a->handle;
	case XSAN_OP_LAYOUT_GET:
		return !(a->flags & ~XSAN_LG_WRITE) &&
		       xsan_span_ok(a->offset, a->length);
	case XSAN_OP_LAYOUT_COMMIT:
		/* fields a flag does not select must be 0: no hidden state */
		return !(a->flags & ~(XSAN_LC_SIZE | XSAN_LC_MTIME)) &&
		       a->size <= XSAN_FILE_MAX &&
		       ((a->flags & XSAN_LC_SIZE) || !a->size) &&
		       ((a->flags & XSAN_LC_MTIME) ||
			(!a->mtime.sec && !a->mtime.nsec)) &&
		       a->nranges <= XSAN_COMMIT_RANGE_MAX &&
		       (a->nranges || a->flags);
	default:	/* FALLOCATE */
		return xsan_falloc_ok(a->flags) &&
		       xsan_span_ok(a->offset, a->length);
	}
}

/* Ranges and extents: each one valid and starting at or after @*end. */
static bool xsan_next_ok(u64 off, u64 len, u64 *end)
{
	if (!xsan_span_ok(off, len) || off < *end)
		return false;
	*end = off + len;
	return true;
}

static bool xsan_extent_ok(const struct xsan_extent *e, u64 *end)
{
	return !(e->flags & ~XSAN_EXT_UNWRITTEN) &&
	       xsan_next_ok(e->offset, e->length, end);
}

/**
 * xsan_layout_req_encode() - append the payload of a layout request
 * @w: the cursor
 * @r: the request, xsan_op_is_layout(@r->op)
 *
 * Context: any context.
 * Return: 0, -EINVAL or -EMSGSIZE.
 */
int xsan_layout_req_encode(struct xsan_put *w, const struct xsan_req *r)
{
	const struct xsan_layout_args *a = &r->layout;
	u64 end = 0;
	u32 i;

	if (!xsan_op_is_layout(r->op) || !xsan_largs_ok(r->op, a) ||
	    (r->op == XSAN_OP_TMPFILE && !xsan_tmpfile_mode_ok(r->mode)) ||
	    (a->nranges && !a->ranges && !a->raw)) {
		xsan_lput_err(w, -EINVAL);
		return w->err;
	}
	xsan_put_cred(w, &r->cred);
	xsan_put_fid(w, &r->fid);
	switch (r->op) {
	case XSAN_OP_OPEN:
		xsan_put_u32(w, a->flags);
		xsan_put_tokbits(w, r->tok.types);
		break;
	case XSAN_OP_TMPFILE:
		xsan_put_u32(w, r->mode);
		xsan_put_u32(w, a->flags);
		xsan_put_umask(w, r->umask);
		break;
	case XSAN_OP_CLOSE:
		xsan_put_u64(w, a->handle);
		break;
	case XSAN_OP_LAYOUT_GET:
		xsan_put_u64(w, a->offset);
		xsan_put_u64(w, a->length);
		xsan_put_u32(w, a->flags);
		break;
	case XSAN_OP_LAYOUT_COMMIT:
		xsan_put_u32(w, a->flags);
		xsan_put_u64(w, a->size);
		xsan_put_time(w, &a->mtime);
		xsan_put_u32(w, a->nranges);
		for (i = 0; i < a->nranges; i++) {
			struct xsan_range rg;

			/* a decoded request re-encodes from its raw list */
			if (a->ranges)
				rg = a->ranges[i];
			else
				xsan_range_at(a->raw, i, &rg);
			if (!xsan_next_ok(rg.offset, rg.length, &end)) {
				xsan_lput_err(w, -EINVAL);
				break;
			}
			xsan_put_u64(w, rg.offset);
			xsan_put_u64(w, rg.length);
		}
		break;
	default:	/* FALLOCATE */
		xsan_put_u32(w, a->flags);
		xsan_put_u64(w, a->offset);
		xsan_put_u64(w, a->length);
		break;
	}
	return w->err;
}

/**
 * xsan_layout_req_decode() - decode a layout request from @c
 * @c: a cursor over the whole payload; the caller checks its end
 * @r: filled in (@r->op set by the caller)
 *
 * Context: any context.
 */
void xsan_layout_req_decode(struct xsan_cur *c, struct xsan_req *r)
{
	struct xsan_layout_args *a = &r->layout;
	struct xsan_range rg;
	u64 end = 0;
	u32 i;

	xsan_get_cred(c, &r->cred);
	xsan_get_fid(c, &r->fid);
	switch (r->op) {
	case XSAN_OP_OPEN:
		a->flags = xsan_get_u32(c);
		r->tok.types = xsan_get_tokbits(c);
		break;
	case XSAN_OP_TMPFILE:
		r->mode = xsan_get_u32(c);
		a->flags = xsan_get_u32(c);
		r->umask = xsan_get_umask(c);
		if (!c->err && !xsan_tmpfile_mode_ok(r->mode))
			xsan_lbad(c);
		break;
	case XSAN_OP_CLOSE:
		a->handle = xsan_get_u64(c);
		break;
	case XSAN_OP_LAYOUT_GET:
		a->offset = xsan_get_u64(c);
		a->length = xsan_get_u64(c);
		a->flags = xsan_get_u32(c);
		break;
	case XSAN_OP_LAYOUT_COMMIT:
		a->flags = xsan_get_u32(c);
		a->size = xsan_get_u64(c);
		xsan_get_time(c, &a->mtime);
		a->nranges = xsan_get_u32(c);
		if (c->err || a->nranges > XSAN_COMMIT_RANGE_MAX ||
		    a->nranges > c->left / XSAN_RANGE_REC) {
			a->nranges = 0;
			xsan_lbad(c);
			break;
		}
		a->raw = c->p;
		for (i = 0; i < a->nranges; i++) {
			rg.offset = xsan_get_u64(c);
			rg.length = xsan_get_u64(c);
			if (!c->err && !xsan_next_ok(rg.offset, rg.length, &end))
				xsan_lbad(c);
		}
		break;
	default:	/* FALLOCATE */
		a->flags = xsan_get_u32(c);
		a->offset = xsan_get_u64(c);
		a->length = xsan_get_u64(c);
		break;
	}
	if (!c->err && !xsan_largs_ok(r->op, a))
		xsan_lbad(c);
}

/**
 * xsan_layout_rep_encode() - append the payload of a layout reply
 * @w: the cursor
 * @r: the reply: one attribute; OPEN a handle; LAYOUT_GET extents
 *
 * Context: any context.
 * Return: 0, -EINVAL or -EMSGSIZE.
 */
int xsan_layout_rep_encode(struct xsan_put *w, const struct xsan_rep *r)
{
	const struct xsan_layout_res *l = &r->layout;
	u64 end = 0;
	u32 i;

	if (!xsan_op_is_layout(r->op) || r->nattr != 1 ||
	    ((r->op == XSAN_OP_OPEN || r->op == XSAN_OP_TMPFILE) &&
	     !l->handle) ||
	    (r->op == XSAN_OP_LAYOUT_GET &&
	     (l->count > XSAN_LAYOUT_EXT_MAX ||
	      (l->count && !l->ext && !l->raw)))) {
		xsan_lput_err(w, -EINVAL);
		return w->err;
	}
	xsan_put_u32(w, 1);
	xsan_put_attr(w, &r->attr[0]);
	if (r->op == XSAN_OP_OPEN) {
		xsan_put_u64(w, l->handle);
		xsan_put_tokbits(w, r->tok.granted);
	} else if (r->op == XSAN_OP_TMPFILE) {
		xsan_put_u64(w, l->handle);
	} else if (r->op == XSAN_OP_LAYOUT_GET) {
		xsan_put_u32(w, l->count);
		for (i = 0; i < l->count; i++) {
			struct xsan_extent tmp;
			const struct xsan_extent *e = &tmp;

			if (l->ext)
				e = &l->ext[i];
			else
				xsan_extent_at(l->raw, i, &tmp);
			if (!xsan_extent_ok(e, &end)) {
				xsan_lput_err(w, -EINVAL);
				break;
			}
			xsan_put_u64(w, e->offset);
			xsan_put_u64(w, e->length);
			xsan_put_u32(w, e->sg);
			xsan_put_u64(w, e->block);
			xsan_put_u32(w, e->flags);
		}
	}
	return w->err;
}

static void xsan_get_extent(struct xsan_cur *c, struct xsan_extent *e)
{
	e->offset = xsan_get_u64(c);
	e->length = xsan_get_u64(c);
	e->sg = xsan_get_u32(c);
	e->block = xsan_get_u64(c);
	e->flags = xsan_get_u32(c);
}

/**
 * xsan_layout_rep_decode() - decode a layout reply from @c
 * @c: a cursor over the whole payload; the caller checks its end
 * @r: filled in (@r->op set by the caller)
 *
 * Context: any context.
 */
void xsan_layout_rep_decode(struct xsan_cur *c, struct xsan_rep *r)
{
	struct xsan_layout_res *l = &r->layout;
	struct xsan_extent e;
	u64 end = 0;
	u32 i;

	r->nattr = xsan_get_u32(c);
	if (r->nattr != 1) {
		r->nattr = 0;
		xsan_lbad(c);
		return;
	}
	xsan_get_attr(c, &r->attr[0]);
	if (r->op == XSAN_OP_OPEN || r->op == XSAN_OP_TMPFILE) {
		l->handle = xsan_get_u64(c);
		if (!c->err && !l->handle)
			xsan_lbad(c);
		if (r->op == XSAN_OP_OPEN)
			r->tok.granted = xsan_get_tokbits(c);
	} else if (r->op == XSAN_OP_LAYOUT_GET) {
		l->count = xsan_get_u32(c);
		if (c->err || l->count > XSAN_LAYOUT_EXT_MAX ||
		    l->count > c->left / XSAN_EXTENT_REC) {
			l->count = 0;
			xsan_lbad(c);
			return;
		}
		l->raw = c->p;
		for (i = 0; i < l->count && !c->err; i++) {
			xsan_get_extent(c, &e);
			if (!c->err && !xsan_extent_ok(&e, &end))
				xsan_lbad(c);
		}
	}
}

/**
 * xsan_extent_at() - extent @i of a decoded LAYOUT_GET reply
 * @raw: @r->layout.raw
 * @i: below @r->layout.count
 * @e: filled in
 *
 * Context: any context.
 */
void xsan_extent_at(const void *raw, u32 i, struct xsan_extent *e)
{
	struct xsan_cur c;

	xsan_cur_init(&c, (const u8 *)raw + (size_t)i * XSAN_EXTENT_REC,
		      XSAN_EXTENT_REC);
	xsan_get_extent(&c, e);
}

/**
 * xsan_range_at() - range @i of a decoded LAYOUT_COMMIT request
 * @raw: @r->layout.raw
 * @i: below @r->layout.nranges
 * @rg: filled in
 *
 * Context: any context.
 */
void xsan_range_at(const void *raw, u32 i, struct xsan_range *rg)
{
	struct xsan_cur c;

	xsan_cur_init(&c, (const u8 *)raw + (size_t)i * XSAN_RANGE_REC,
		      XSAN_RANGE_REC);
	rg->offset = xsan_get_u64(&c);
	rg->length = xsan_get_u64(&c);
}
