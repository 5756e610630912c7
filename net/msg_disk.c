// SPDX-License-Identifier: GPL-2.0
/*
 * Payload of DISK_TABLE, the LUN table a client checks every LUN header
 * it opens against (include/xsanfs/disk.h), kept apart from net/msg.c so
 * the disk-facing messages grow on their own. Same rules as msg.c: the
 * decoder checks every field against the bytes it has and every rule of
 * Documentation/protocol.rst ("DISK_TABLE"); the encoder applies the same
 * predicates and fails with -EINVAL.
 *
 * The reply carries the volume's block size, one fixed-size record per
 * stripe group (its geometry: breadth, LUN count, flags, blocks) and a
 * list of LUNs like ADMIN_SHOW's: the MDC appends stripe group records
 * with xsan_put_disk_sg() and LUN entries with xsan_put_disk(); a client
 * reads the decoded (already checked, mutually consistent) records with
 * xsan_disk_sg_at() and walks the LUNs with xsan_disk_next().
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

static bool xsan_bsize_ok(u32 bsize)
{
	return bsize >= XSAN_DISK_BSIZE_MIN && bsize <= XSAN_DISK_BSIZE_MAX &&
	       !(bsize & (bsize - 1));
}

/* A stripe group record on its own: known flags, breadth and LUNs at
 * least 1, blocks a multiple of breadth.
 */
static bool xsan_disk_sg_ok(const struct xsan_disk_sg *g)
{
	return !(g->flags & ~XSAN_DISK_SG_FLAGS) && g->breadth && g->nluns &&
	       g->nluns <= XSAN_DISK_MAX && !(g->blocks % g->breadth);
}

static void xsan_get_disk_sg(struct xsan_cur *c, struct xsan_disk_sg *g)
{
	g->index = xsan_get_u32(c);
	g->flags = xsan_get_u32(c);
	g->breadth = xsan_get_u32(c);
	g->nluns = xsan_get_u32(c);
	g->blocks = xsan_get_u64(c);
}

/**
 * xsan_put_disk_sg() - append one DISK_TABLE stripe group record
 * @w: the cursor (the MDC's record buffer)
 * @g: the record
 *
 * Context: any context.
 */
void xsan_put_disk_sg(struct xsan_put *w, const struct xsan_disk_sg *g)
{
	if (!xsan_disk_sg_ok(g)) {
		xsan_dput_err(w, -EINVAL);
		return;
	}
	xsan_put_u32(w, g->index);
	xsan_put_u32(w, g->flags);
	xsan_put_u32(w, g->breadth);
	xsan_put_u32(w, g->nluns);
	xsan_put_u64(w, g->blocks);
}

/**
 * xsan_disk_sg_at() - stripe group record @i of a decoded DISK_TABLE reply
 * @raw: @r->disk.sgs
 * @i: below @r->disk.nsg
 * @g: filled in
 *
 * Context: any context.
 */
void xsan_disk_sg_at(const void *raw, u32 i, struct xsan_disk_sg *g)
{
	struct xsan_cur c;

	xsan_cur_init(&c, (const u8 *)raw + (size_t)i * XSAN_DISK_SG_REC,
		      XSAN_DISK_SG_REC);
	xsan_get_disk_sg(&c, g);
}

/* Check the @nsg records at @sgs: each valid, ascending by index. Return
 * the LUNs they count in *@luns.
 */
static bool xsan_disk_sgs_check(const void *sgs, u32 nsg, u32 *luns)
{
	struct xsan_disk_sg g;
	u32 i, prev = 0, sum = 0;

	for (i = 0; i < nsg; i++) {
		xsan_disk_sg_at(sgs, i, &g);
		if (!xsan_disk_sg_ok(&g) || (i && g.index <= prev))
			return false;
		prev = g.index;
		sum += g.nluns;
		if (sum > XSAN_DISK_MAX)
			return false;
	}
	*luns = sum;
	return true;
}

/* The record of group @index among @nsg at @sgs, or false. */
static bool xsan_disk_sg_find(const void *sgs, u32 nsg, u32 index,
			      struct xsan_disk_sg *g)
{
	u32 lo = 0, hi = nsg;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		xsan_disk_sg_at(sgs, mid, g);
		if (g->index == index)
			return true;
		if (g->index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Walk @count entries: each valid, in order, each in a group of @sgs with
 * an ordinal below its LUN count; @count is what the groups count, so
 * every group has exactly its ordinals. The caller checks the end.
 */
static void xsan_disk_check(struct xsan_cur *c, u32 count, const void *sgs,
			    u32 nsg)
{
	struct xsan_disk prev = { 0 }, d;
	struct xsan_disk_sg g;
	u32 i, luns;

	if (count > XSAN_DISK_MAX || count > c->left / XSAN_DISK_REC_MIN ||
	    !xsan_disk_sgs_check(sgs, nsg, &luns) || count != luns) {
		xsan_dbad(c);
		return;
	}
	for (i = 0; i < count && !c->err; i++) {
		if (xsan_disk_next(c, &d))
			break;
		if (!xsan_disk_after(&prev, &d, !i) ||
		    !xsan_disk_sg_find(sgs, nsg, d.sg, &g) ||
		    d.ordinal >= g.nluns)
			xsan_dbad(c);
		prev = d;
	}
}

/**
 * xsan_disk_rep_encode() - append the payload of a DISK_TABLE reply
 * @w: the cursor
 * @r: the reply: @uuid the volume, @disk.bsize, @disk.nsg records in
 *	@disk.sgs, @count entries encoded in @data
 *
 * Context: any context.
 * Return: 0, -EINVAL or -EMSGSIZE.
 */
int xsan_disk_rep_encode(struct xsan_put *w, const struct xsan_rep *r)
{
	struct xsan_cur c;

	if (!xsan_op_is_disk(r->op) || xsan_uuid_zero(r->uuid) ||
	    (r->datalen && !r->data) || !xsan_bsize_ok(r->disk.bsize) ||
	    r->disk.nsg > XSAN_DISK_SG_MAX || (r->disk.nsg && !r->disk.sgs)) {
		xsan_dput_err(w, -EINVAL);
		return w->err;
	}
	/* @count and the records must describe @data exactly, as the
	 * decoder checks
	 */
	xsan_cur_init(&c, r->data, r->datalen);
	xsan_disk_check(&c, r->count, r->disk.sgs, r->disk.nsg);
	if (xsan_cur_end(&c)) {
		xsan_dput_err(w, -EINVAL);
		return w->err;
	}
	xsan_put_bytes(w, r->uuid, XSAN_UUID_SIZE);
	xsan_put_u32(w, r->disk.bsize);
	xsan_put_u32(w, r->disk.nsg);
	xsan_put_bytes(w, r->disk.sgs, r->disk.nsg * XSAN_DISK_SG_REC);
	xsan_put_u32(w, r->count);
	xsan_put_bytes(w, r->data, r->datalen);
	return w->err;
}

/**
 * xsan_disk_rep_decode() - decode a DISK_TABLE reply from @c
 * @c: a cursor over the whole payload; the caller checks its end
 * @r: filled in (@r->op set by the caller): @uuid, @disk, @count, @data,
 *	@datalen
 *
 * Context: any context.
 */
void xsan_disk_rep_decode(struct xsan_cur *c, struct xsan_rep *r)
{
	const u8 *u, *start;

	u = xsan_get_bytes(c, XSAN_UUID_SIZE);
	if (u)
		memcpy(r->uuid, u, XSAN_UUID_SIZE);
	r->disk.bsize = xsan_get_u32(c);
	r->disk.nsg = xsan_get_u32(c);
	if (c->err || xsan_uuid_zero(r->uuid) ||
	    !xsan_bsize_ok(r->disk.bsize) || r->disk.nsg > XSAN_DISK_SG_MAX) {
		xsan_dbad(c);
		return;
	}
	r->disk.sgs = xsan_get_bytes(c, r->disk.nsg * XSAN_DISK_SG_REC);
	r->count = xsan_get_u32(c);
	if (c->err) {
		xsan_dbad(c);
		return;
	}
	start = c->p;
	xsan_disk_check(c, r->count, r->disk.sgs, r->disk.nsg);
	if (!c->err) {
		r->data = start;
		r->datalen = (u32)(c->p - start);
	}
}
