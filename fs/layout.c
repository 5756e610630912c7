// SPDX-License-Identifier: GPL-2.0
/*
 * The per-inode layout cache: which byte ranges of a regular file are
 * holes, unwritten extents or written extents, and where (stripe group,
 * block) the allocated ones live. It is filled from LAYOUT_GET replies and
 * read by the iomap callbacks of fs/data.c.
 *
 * Modelled on fs/nfs/blocklayout/extent_tree.c, without its BUG()s: a
 * whole reply is decoded into a staging list and checked (ascending,
 * disjoint, inside the requested range, lengths not 0, block aligned, block
 * numbers that do not overflow) before any of it is inserted; a reply that
 * fails is -EIO and changes nothing. Lookups run under the cache's spinlock
 * and copy the extent out, so a caller never holds a pointer into the tree.
 *
 * The gaps of a reply are cached too, as hole records, so that a read of
 * a sparse region asks the MDC once. The cache is only as good as the data
 * token it was fetched under: fs/data.c drops it on truncate, on a REVOKE
 * of a data token and on a session reset. An invalidation bumps @gen; a
 * LAYOUT_GET whose reply arrives after that (its staging list was prepared
 * under the old @gen) is used for the one mapping it was asked for and not
 * cached.
 */

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "fs/xsan.h"

struct xsan_lnode {
	struct rb_node node;		/* in xsan_layout.root, by offset */
	struct list_head stage;		/* in a staging list until inserted */
	struct xsan_lext e;
};

/**
 * xsan_layout_init() - set up an empty layout cache
 * @l: the cache
 *
 * Context: any context.
 */
void xsan_layout_init(struct xsan_layout *l)
{
	spin_lock_init(&l->lock);
	l->root = RB_ROOT;
	l->gen = 0;
}

/**
 * xsan_layout_gen() - the cache's invalidation count, read before a
 * LAYOUT_GET so that its reply can be told apart from a newer invalidation
 * @l: the cache
 *
 * Context: any context; takes @l->lock.
 * Return: the count.
 */
u64 xsan_layout_gen(struct xsan_layout *l)
{
	u64 gen;

	spin_lock(&l->lock);
	gen = l->gen;
	spin_unlock(&l->lock);
	return gen;
}

/**
 * xsan_layout_stage_free() - free a staging list not inserted
 * @stage: the list
 *
 * Context: any context.
 */
void xsan_layout_stage_free(struct list_head *stage)
{
	struct xsan_lnode *n, *tmp;

	list_for_each_entry_safe(n, tmp, stage, stage) {
		list_del(&n->stage);
		kfree(n);
	}
}

static int xsan_lstage_add(struct list_head *stage, u64 off, u64 len,
			   u32 sg, u64 block, u32 flags, gfp_t gfp)
{
	struct xsan_lnode *n = kzalloc(sizeof(*n), gfp);

	if (!n)
		return -ENOMEM;
	n->e.offset = off;
	n->e.length = len;
	n->e.sg = sg;
	n->e.block = block;
	n->e.flags = flags;
	list_add_tail(&n->stage, stage);
	return 0;
}

static int xsan_lbad(const char *why, u32 i, const struct xsan_extent *e)
{
	pr_warn_ratelimited("xsanfs: bad layout from the MDC (%s at extent %u: offset %llu length %llu sg %u block %llu flags %#x)\n",
			    why, i, e->offset, e->length, e->sg, e->block,
			    e->flags);
	return -EIO;
}

/**
 * xsan_layout_stage() - check a LAYOUT_GET reply and build its cache
 * records (extents and the holes between them)
 * @res: the reply's layout part: @res->ext if set, else the decoded
 *	@res->raw (xsan_extent_at())
 * @off: the requested range's offset
 * @len: its length (not 0)
 * @bsize: the volume's block size, a power of two
 * @flags: XSAN_LX_GRANTED if this was a WRITE LAYOUT_GET (the session may
 *	commit every extent of the reply), else 0
 * @gfp: allocation flags (GFP_NOFS from the I/O paths)
 * @stage: an empty list; filled with the records, ascending, covering the
 *	requested range rounded out to whole blocks (or up to the end of the
 *	last extent of a full reply, which may stop early)
 *
 * Nothing in @stage is trusted yet by anyone: on error it is left empty.
 *
 * Context: process context if @gfp may sleep.
 * Return: 0, -ENOMEM, or -EIO if the reply breaks a rule of
 * Documentation/protocol.rst ("LAYOUT_GET") or asks for the impossible.
 */
int xsan_layout_stage(const struct xsan_layout_res *res, u64 off, u64 len,
		      u32 bsize, u32 flags, gfp_t gfp, struct list_head *stage)
{
	u64 lo, hi, pos;
	u32 i;
	int err;

	if (!len || !bsize || !is_power_of_2(bsize) || off > XSAN_FILE_MAX ||
	    len > XSAN_FILE_MAX - off || res->count > XSAN_LAYOUT_EXT_MAX ||
	    (res->count && !res->ext && !res->raw))
		return -EIO;
	lo = round_down(off, bsize);
	/* XSAN_FILE_MAX + 1 is a power of two >= bsize: no overflow */
	hi = round_up(off + len, (u64)bsize);
	pos = lo;
	for (i = 0; i < res->count; i++) {
		struct xsan_extent e;

		if (res->ext)
			e = res->ext[i];
		else
			xsan_extent_at(res->raw, i, &e);
		if (!e.length) {
			err = xsan_lbad("zero length", i, &e);
			goto fail;
		}
		if (e.flags & ~XSAN_EXT_UNWRITTEN) {
			err = xsan_lbad("unknown flags", i, &e);
			goto fail;
		}
		if ((e.offset | e.length) & (bsize - 1)) {
			err = xsan_lbad("not block aligned", i, &e);
			goto fail;
		}
		if (e.offset < pos) {
			err = xsan_lbad(i ? "overlap or out of order" :
				       "before the requested range", i, &e);
			goto fail;
		}
		if (e.offset >= hi || e.length > hi - e.offset) {
			err = xsan_lbad("past the requested range", i, &e);
			goto fail;
		}
		if (e.block > (U64_MAX - e.length) >> ilog2(bsize)) {
			err = xsan_lbad("block out of range", i, &e);
			goto fail;
		}
		if (e.offset > pos) {
			err = xsan_lstage_add(stage, pos, e.offset - pos, 0, 0,
					      XSAN_LX_HOLE, gfp);
			if (err)
				goto fail;
		}
		err = xsan_lstage_add(stage, e.offset, e.length, e.sg, e.block,
				      (e.flags & XSAN_EXT_UNWRITTEN) | flags,
				      gfp);
		if (err)
			goto fail;
		pos = e.offset + e.length;
	}
	/* a full reply may stop early: what follows it is unknown, not a hole */
	if (res->count < XSAN_LAYOUT_EXT_MAX && pos < hi) {
		err = xsan_lstage_add(stage, pos, hi - pos, 0, 0, XSAN_LX_HOLE,
				      gfp);
		if (err)
			goto fail;
	}
	return 0;
fail:
	xsan_layout_stage_free(stage);
	return err;
}

static void __xsan_layout_forget(struct xsan_layout *l, u64 off, u64 end)
{
	struct rb_node *p = rb_first(&l->root);

	lockdep_assert_held(&l->lock);
	while (p) {
		struct xsan_lnode *n = rb_entry(p, struct xsan_lnode, node);

		p = rb_next(p);
		if (n->e.offset >= end)
			break;
		if (n->e.offset + n->e.length <= off)
			continue;
		rb_erase(&n->node, &l->root);
		kfree(n);
	}
}

static void __xsan_layout_link(struct xsan_layout *l, struct xsan_lnode *n)
{
	struct rb_node **p = &l->root.rb_node, *parent = NULL;

	lockdep_assert_held(&l->lock);
	while (*p) {
		struct xsan_lnode *c = rb_entry(*p, struct xsan_lnode, node);

		parent = *p;
		if (n->e.offset < c->e.offset)
			p = &(*p)->rb_left;
		else
			p = &(*p)->rb_right;
	}
	rb_link_node(&n->node, parent, p);
	rb_insert_color(&n->node, &l->root);
}

/**
 * xsan_layout_insert() - take the record for @pos out of a checked
 * staging list, then cache the list
 * @l: the cache
 * @stage: from xsan_layout_stage(); emptied (inserted or freed)
 * @gen: xsan_layout_gen() read before the LAYOUT_GET was sent; if the
 *	cache was invalidated since, nothing is cached
 * @pos: the file offset the caller needs mapped
 * @out: the record containing @pos
 *
 * The records replace every cached record that overlaps the range they
 * cover (the newer reply is the truth for it).
 *
 * Context: any context; takes @l->lock.
 * Return: 0, or -EIO if no record contains @pos (the reply did not cover
 * what was asked).
 */
int xsan_layout_insert(struct xsan_layout *l, struct list_head *stage,
		       u64 gen, u64 pos, struct xsan_lext *out)
{
	struct xsan_lnode *n, *tmp, *first, *last;
	int err = -EIO;

	if (list_empty(stage))
		return -EIO;
	list_for_each_entry(n, stage, stage) {
		if (pos >= n->e.offset && pos - n->e.offset < n->e.length) {
			*out = n->e;
			err = 0;
			break;
		}
	}
	first = list_first_entry(stage, struct xsan_lnode, stage);
	last = list_last_entry(stage, struct xsan_lnode, stage);
	spin_lock(&l->lock);
	if (l->gen != gen) {
		spin_unlock(&l->lock);
		xsan_layout_stage_free(stage);
		return err;
	}
	__xsan_layout_forget(l, first->e.offset,
			     last->e.offset + last->e.length);
	list_for_each_entry_safe(n, tmp, stage, stage) {
		list_del_init(&n->stage);
		__xsan_layout_link(l, n);
	}
	spin_unlock(&l->lock);
	return err;
}

/**
 * xsan_layout_lookup() - find the cached record containing @pos
 * @l: the cache
 * @pos: a file offset
 * @out: a copy of the record
 *
 * Context: any context; takes @l->lock.
 * Return: true if found (a hole record counts), false on a miss.
 */
bool xsan_layout_lookup(struct xsan_layout *l, u64 pos, struct xsan_lext *out)
{
	struct rb_node *p;
	bool found = false;

	spin_lock(&l->lock);
	p = l->root.rb_node;
	while (p) {
		struct xsan_lnode *n = rb_entry(p, struct xsan_lnode, node);

		if (pos < n->e.offset) {
			p = p->rb_left;
		} else if (pos - n->e.offset >= n->e.length) {
			p = p->rb_right;
		} else {
			*out = n->e;
			found = true;
			break;
		}
	}
	spin_unlock(&l->lock);
	return found;
}

/**
 * xsan_layout_forget() - drop the cached records that overlap a range and
 * make LAYOUT_GETs in flight not cache their replies
 * @l: the cache
 * @off: start of the range
 * @len: its length (U64_MAX: to the end of the file)
 *
 * Used on truncate, on a REVOKE of a data token, on a session reset
 * (everything) and after a LAYOUT_COMMIT (unwritten records became
 * written).
 *
 * Context: any context; takes @l->lock.
 */
void xsan_layout_forget(struct xsan_layout *l, u64 off, u64 len)
{
	u64 end = len > U64_MAX - off ? U64_MAX : off + len;

	spin_lock(&l->lock);
	l->gen++;
	__xsan_layout_forget(l, off, end);
	spin_unlock(&l->lock);
}

/**
 * xsan_layout_destroy() - free every record (the inode is going away)
 * @l: the cache
 *
 * Context: any context.
 */
void xsan_layout_destroy(struct xsan_layout *l)
{
	xsan_layout_forget(l, 0, U64_MAX);
}

/**
 * xsan_layout_count() - how many records are cached (KUnit, debugging)
 * @l: the cache
 *
 * Context: any context; takes @l->lock.
 * Return: the number of records.
 */
unsigned int xsan_layout_count(struct xsan_layout *l)
{
	unsigned int nr = 0;
	struct rb_node *p;

	spin_lock(&l->lock);
	for (p = rb_first(&l->root); p; p = rb_next(p))
		nr++;
	spin_unlock(&l->lock);
	return nr;
}

/**
 * xsan_range_merge() - add a byte range to a set of ranges
 * @r: the set: @*n ranges, ascending and disjoint (not even adjacent)
 * @n: how many; updated
 * @max: room in @r
 * @off: first byte of the range to add
 * @len: its length, at least 1, @off + @len not past U64_MAX
 *
 * Ranges that overlap or touch the new one are merged with it, so the set
 * stays ascending and disjoint (a LAYOUT_COMMIT with overlapping ranges is
 * refused by the MDC).
 *
 * Context: any context; the caller serializes.
 * Return: true, or false (nothing changed) if the range needs a new slot
 * and @r is full.
 */
bool xsan_range_merge(struct xsan_range *r, u32 *n, u32 max, u64 off, u64 len)
{
	u64 end = off + len;
	u32 i, j;

	/* the first range that ends at or after @off */
	for (i = 0; i < *n && r[i].offset + r[i].length < off; i++)
		;
	/* and those from it that start at or before @end: all merge */
	for (j = i; j < *n && r[j].offset <= end; j++) {
		off = min(off, r[j].offset);
		end = max(end, r[j].offset + r[j].length);
	}
	if (j == i) {
		if (*n >= max)
			return false;
		memmove(&r[i + 1], &r[i], (*n - i) * sizeof(*r));
		(*n)++;
	} else if (j > i + 1) {
		memmove(&r[i + 1], &r[j], (*n - j) * sizeof(*r));
		*n -= j - i - 1;
	}
	r[i].offset = off;
	r[i].length = end - off;
	return true;
}
