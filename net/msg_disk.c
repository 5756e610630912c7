// SPDX-License-Identifier: GPL-2.0
/*
 * Payload of DISK_TABLE, the LUN table a client checks every LUN header
 * it opens against (include/xsanfs/disk.h), kept apart from net/msg.c so
 * the disk-facing messages grow on their own. Same rules as msg.c: the
 * decoder checks every field against the bytes it has and every rule of
 * Documentation/protocol.rst ("DISK_TABLE"); the encoder applies the same
 * predicates and fails with -EINVAL.
 *
 * The reply is a list like ADMIN_SHOW's: the MDC appends entries with
 * xsan_put_disk() and sends them as @data; a client walks the decoded
 * (already checked) list with xsan_disk_next().
 */

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#endif

#include "xsanfs/disk.h"
#include "xsanfs/msg.h"

static void xsan_dbad(struct xsan_cur *c)
{
	c->err = -EBADMSG;
	c->left = 0;
}

static void xsan_dput_err(struct xsan_put *w, int err)
{
	if (!w->err)
		w->err = err;
}

/**
 * xsan_op_is_disk() - is @op the request of this file?
 * @op: the opcode
 *
 * Context: any context.
 * Return: true for DISK_TABLE.
 */
bool xsan_op_is_disk(u16 op)
{
	return op == XSAN_OP_DISK_TABLE;
}

static bool xsan_uuid_zero(const u8 *u)
{
	static const u8 zero[XSAN_UUID_SIZE];

	return !memcmp(u, zero, XSAN_UUID_SIZE);
}

/* What a LUN header may hold (fs/lunhdr.c applies the same rules), so a
 * table entry a client compares a header with can match a valid header.
 */
static bool xsan_disk_ok(const struct xsan_disk *d)
{
	return d->sectors && d->sector_size >= XSAN_LUN_SECTOR_MIN &&
	       d->sector_size <= XSAN_LUN_SECTOR_MAX &&
	       !(d->sector_size & (d->sector_size - 1)) &&
	       !xsan_uuid_zero(d->uuid) && d->label &&
	       xsan_lun_label_ok(d->label, d->labellen);
}

/* Entries ascend strictly by (stripe group, ordinal): one order for every
 * MDC, and no LUN listed twice. @first: no entry before this one.
 */
static bool xsan_disk_after(const struct xsan_disk *prev,
			    const struct xsan_disk *d, bool first)
{
	return first || d->sg > prev->sg ||
	       (d->sg == prev->sg && d->ordinal > prev->ordinal);
}

/**
 * xsan_put_disk() - append one DISK_TABLE entry
 * @w: the cursor (the MDC's list buffer)
 * @d: the entry
 *
 * Context: any context.
 */
void xsan_put_disk(struct xsan_put *w, const struct xsan_disk *d)
{
	if (!xsan_disk_ok(d)) {
		xsan_dput_err(w, -EINVAL);
		return;
	}
	xsan_put_u32(w, d->sg);
	xsan_put_u32(w, d->ordinal);
	xsan_put_u64(w, d->sectors);
	xsan_put_u32(w, d->sector_size);
	xsan_put_bytes(w, d->uuid, XSAN_UUID_SIZE);
	xsan_put_text(w, d->label, d->labellen, XSAN_LUN_LABEL_MAX);
}

/**
 * xsan_disk_next() - decode the next DISK_TABLE entry
 * @c: a cursor over the entries
 * @d: filled in; @d->label points into the payload
 *
 * Context: any context.
 * Return: 0 or -EBADMSG (and the cursor is spent).
 */
int xsan_disk_next(struct xsan_cur *c, struct xsan_disk *d)
{
	const u8 *u;

	d->sg = xsan_get_u32(c);
	d->ordinal = xsan_get_u32(c);
	d->sectors = xsan_get_u64(c);
	d->sector_size = xsan_get_u32(c);
	u = xsan_get_bytes(c, XSAN_UUID_SIZE);
	if (u)
		memcpy(d->uuid, u, XSAN_UUID_SIZE);
	else
		memset(d->uuid, 0, XSAN_UUID_SIZE);
	d->label = xsan_get_text(c, XSAN_LUN_LABEL_MAX, &d->labellen);
	if (!c->err && !xsan_disk_ok(d))
		xsan_dbad(c);
	return c->err;
}

/* Walk @count entries: each valid, in order; the caller checks the end. */
static void xsan_disk_check(struct xsan_cur *c, u32 count)
{
	struct xsan_disk prev = { 0 }, d;
	u32 i;

	if (count > XSAN_DISK_MAX || count > c->left / XSAN_DISK_REC_MIN) {
		xsan_dbad(c);
		return;
	}
	for (i = 0; i < count && !c->err; i++) {
		if (xsan_disk_next(c, &d))
			break;
		if (!xsan_disk_after(&prev, &d, !i))
			xsan_dbad(c);
		prev = d;
	}
}

/**
 * xsan_disk_rep_encode() - append the payload of a DISK_TABLE reply
 * @w: the cursor
 * @r: the reply: @uuid the volume, @count entries encoded in @data
 *
 * Context: any context.
 * Return: 0, -EINVAL or -EMSGSIZE.
 */
int xsan_disk_rep_encode(struct xsan_put *w, const struct xsan_rep *r)
{
	struct xsan_cur c;

	if (!xsan_op_is_disk(r->op) || xsan_uuid_zero(r->uuid) ||
	    (r->datalen && !r->data)) {
		xsan_dput_err(w, -EINVAL);
		return w->err;
	}
	/* @count must describe @data exactly, as the decoder checks */
	xsan_cur_init(&c, r->data, r->datalen);
	xsan_disk_check(&c, r->count);
	if (xsan_cur_end(&c)) {
		xsan_dput_err(w, -EINVAL);
		return w->err;
	}
	xsan_put_bytes(w, r->uuid, XSAN_UUID_SIZE);
	xsan_put_u32(w, r->count);
	xsan_put_bytes(w, r->data, r->datalen);
	return w->err;
}

/**
 * xsan_disk_rep_decode() - decode a DISK_TABLE reply from @c
 * @c: a cursor over the whole payload; the caller checks its end
 * @r: filled in (@r->op set by the caller): @uuid, @count, @data, @datalen
 *
 * Context: any context.
 */
void xsan_disk_rep_decode(struct xsan_cur *c, struct xsan_rep *r)
{
	const u8 *u, *start;

	u = xsan_get_bytes(c, XSAN_UUID_SIZE);
	if (u)
		memcpy(r->uuid, u, XSAN_UUID_SIZE);
	r->count = xsan_get_u32(c);
	if (c->err || xsan_uuid_zero(r->uuid)) {
		xsan_dbad(c);
		return;
	}
	start = c->p;
	xsan_disk_check(c, r->count);
	if (!c->err) {
		r->data = start;
		r->datalen = (u32)(c->p - start);
	}
}
