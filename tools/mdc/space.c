// SPDX-License-Identifier: GPL-2.0
/*
 * Space of the user data stripe groups: the free map of each group and
 * the extents of each file, in LMDB, inside the operation's transaction.
 *
 * The free map is extent based: free (sg, start) -> length, with a second
 * index freelen (sg, length, start) so that "a free extent of at least N
 * blocks" is one MDB_SET_RANGE, and a counter sgfree per group so STATFS
 * needs no scan. Inserting merges with both neighbours, so the map never
 * holds two touching extents; a range that overlaps a free extent is
 * refused with -EIO (a double free is damage, never silently merged).
 *
 * Documentation/metadata-format.rst ("Space") gives the records.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* The 4-byte big-endian group prefix of every space key. */
static void sg_key(uint8_t *kb, uint32_t sg)
{
	kb[0] = (uint8_t)(sg >> 24);
	kb[1] = (uint8_t)(sg >> 16);
	kb[2] = (uint8_t)(sg >> 8);
	kb[3] = (uint8_t)sg;
}

static void free_key(uint8_t *kb, uint32_t sg, uint64_t start)
{
	sg_key(kb, sg);
	xsan_put_be64(kb + 4, start);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void freelen_key(uint8_t *kb, uint32_t sg, uint64_t len, uint64_t start)
{
	free_key(kb, sg, len);
	xsan_put_be64(kb + 12, start);
}

/** xsan_sg_find() - the stripe group of index @index, or NULL. */
const struct xsan_store_sg *xsan_sg_find(const struct xsan_store *st,
					 uint32_t index)
{
	for (uint32_t i = 0; i < st->geom.nsgs; i++)
		if (st->geom.sgs[i].index == index)
			return &st->geom.sgs[i];
	return NULL;
}

/** xsan_sgfree_get() - the free block counter of group @sg. */
int xsan_sgfree_get(struct xsan_store *st, MDB_txn *txn, uint32_t sg,
		    uint64_t *bfree)
{
	uint8_t kb[4];
	MDB_val k = { 4, kb }, v;
	int rc;

	sg_key(kb, sg);
	rc = mdb_get(txn, st->sgfree, &k, &v);
	if (rc == MDB_NOTFOUND || (!rc && v.mv_size != 8)) {
		fprintf(stderr, "xsan store: free counter of stripe group %u missing\n", sg);
		return -EIO;
	}
	if (rc)
		return xsan_mdb_err(rc);
	*bfree = xsan_get_le64(v.mv_data);
	return 0;
}

static int sgfree_add(struct xsan_store *st, MDB_txn *txn, uint32_t sg,
		      int64_t delta)
{
	uint8_t kb[4], vb[8];
	MDB_val k = { 4, kb }, v = { 8, vb };
	uint64_t cur = 0;
	int rc;

	rc = xsan_sgfree_get(st, txn, sg, &cur);
	if (rc)
		return rc;
	sg_key(kb, sg);
	xsan_put_le64(vb, cur + (uint64_t)delta);
	return xsan_mdb_err(mdb_put(txn, st->sgfree, &k, &v, 0));
}

/* Put or delete one free extent in both indexes (no counter change). */
static int free_put(struct xsan_store *st, MDB_txn *txn, uint32_t sg,
		    uint64_t start, uint64_t len)
{
	uint8_t kb[XSAN_FREE_KEY], lb[XSAN_FREELEN_KEY], vb[8];
	MDB_val k = { sizeof(kb), kb }, v = { 8, vb };
	MDB_val lk = { sizeof(lb), lb }, lv = { 0, vb };
	int rc;

	free_key(kb, sg, start);
	xsan_put_le64(vb, len);
	freelen_key(lb, sg, len, start);
	rc = mdb_put(txn, st->free, &k, &v, 0);
	if (!rc)
		rc = mdb_put(txn, st->freelen, &lk, &lv, 0);
	return xsan_mdb_err(rc);
}

static int free_del(struct xsan_store *st, MDB_txn *txn, uint32_t sg,
		    uint64_t start, uint64_t len)
{
	uint8_t kb[XSAN_FREE_KEY], lb[XSAN_FREELEN_KEY];
	MDB_val k = { sizeof(kb), kb }, lk = { sizeof(lb), lb };
	int rc;

	free_key(kb, sg, start);
	freelen_key(lb, sg, len, start);
	rc = mdb_del(txn, st->free, &k, NULL);
	if (!rc)
		rc = mdb_del(txn, st->freelen, &lk, NULL);
	if (rc == MDB_NOTFOUND) {
		fprintf(stderr, "xsan store: free map of stripe group %u damaged at %llu\n",
			sg, (unsigned long long)start);
		return -EIO;
	}
	return xsan_mdb_err(rc);
}

/*
 * The free extent of @sg that starts at or before @block (*@found false
 * if none): the only one that can contain @block.
 */
static int free_at_or_before(struct xsan_store *st, MDB_txn *txn, uint32_t sg,
			     uint64_t block, uint64_t *start, uint64_t *len,
			     bool *found)
{
	uint8_t kb[XSAN_FREE_KEY];
	MDB_val k = { sizeof(kb), kb }, v;
	MDB_cursor *cur;
	int rc;

	*found = false;
	free_key(kb, sg, block);
	rc = mdb_cursor_open(txn, st->free, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (!rc && k.mv_size == XSAN_FREE_KEY &&
	    get_be32(k.mv_data) == sg &&
	    xsan_get_be64((const uint8_t *)k.mv_data + 4) == block) {
		/* exact hit */
	} else {
		rc = rc == MDB_NOTFOUND ?
		     mdb_cursor_get(cur, &k, &v, MDB_LAST) :
		     rc ? rc : mdb_cursor_get(cur, &k, &v, MDB_PREV);
	}
	if (!rc && k.mv_size == XSAN_FREE_KEY && v.mv_size == 8 &&
	    get_be32(k.mv_data) == sg) {
		*start = xsan_get_be64((const uint8_t *)k.mv_data + 4);
		*len = xsan_get_le64(v.mv_data);
		*found = *start <= block;
	}
	mdb_cursor_close(cur);
	return rc && rc != MDB_NOTFOUND ? xsan_mdb_err(rc) : 0;
}

/* The first free extent of @sg starting after @block. */
static int free_after(struct xsan_store *st, MDB_txn *txn, uint32_t sg,
		      uint64_t block, uint64_t *start, uint64_t *len,
		      bool *found)
{
	uint8_t kb[XSAN_FREE_KEY];
	MDB_val k = { sizeof(kb), kb }, v;
	MDB_cursor *cur;
	int rc;

	*found = false;
	if (block == UINT64_MAX)
		return 0;
	free_key(kb, sg, block + 1);
	rc = mdb_cursor_open(txn, st->free, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (!rc && k.mv_size == XSAN_FREE_KEY && v.mv_size == 8 &&
	    get_be32(k.mv_data) == sg) {
		*start = xsan_get_be64((const uint8_t *)k.mv_data + 4);
		*len = xsan_get_le64(v.mv_data);
		*found = true;
	}
	mdb_cursor_close(cur);
	return rc && rc != MDB_NOTFOUND ? xsan_mdb_err(rc) : 0;
}

/**
 * xsan_free_insert() - give [@start, @start + @len) of @sg back
 *
 * Merges with the free extents that touch it. Any overlap with free
 * space, or a range outside the group, is -EIO: it would hand a block out
 * twice.
 */
int xsan_free_insert(struct xsan_store *st, MDB_txn *txn, uint32_t sg,
		     uint64_t start, uint64_t len)
{
	const struct xsan_store_sg *g = xsan_sg_find(st, sg);
	uint64_t ps = 0, pl = 0, ns = 0, nl = 0;
	bool pf, nf;
	int rc;

	if (!g || !len || start >= g->blocks || len > g->blocks - start) {
		fprintf(stderr, "xsan store: free of %llu+%llu outside stripe group %u\n",
			(unsigned long long)start, (unsigned long long)len, sg);
		return -EIO;
	}
	rc = free_at_or_before(st, txn, sg, start, &ps, &pl, &pf);
	if (!rc)
		rc = free_after(st, txn, sg, start, &ns, &nl, &nf);
	if (rc)
		return rc;
	if ((pf && ps + pl > start) || (nf && ns < start + len)) {
		fprintf(stderr, "xsan store: double free of %llu+%llu in stripe group %u\n",
			(unsigned long long)start, (unsigned long long)len, sg);
		return -EIO;
	}
	rc = sgfree_add(st, txn, sg, (int64_t)len);
	if (pf && ps + pl == start) {
		if (!rc)
			rc = free_del(st, txn, sg, ps, pl);
		start = ps;
		len += pl;
	}
	if (nf && ns == start + len) {
		if (!rc)
			rc = free_del(st, txn, sg, ns, nl);
		len += nl;
	}
	return rc ? rc : free_put(st, txn, sg, start, len);
}

/**
 * xsan_free_take() - mark [@start, @start + @len) of @sg used
 *
 * The range must lie inside one free extent (-ENOSPC otherwise: somebody
 * else has it); the extent is split around it.
 */
int xsan_free_take(struct xsan_store *st, MDB_txn *txn, uint32_t sg,
		   uint64_t start, uint64_t len)
{
	uint64_t fs, fl;
	bool found;
	int rc;

	rc = free_at_or_before(st, txn, sg, start, &fs, &fl, &found);
	if (rc)
		return rc;
	if (!found || !len || fs + fl < start + len || start + len < start)
		return -ENOSPC;
	rc = free_del(st, txn, sg, fs, fl);
	if (!rc && fs < start)
		rc = free_put(st, txn, sg, fs, start - fs);
	if (!rc && start + len < fs + fl)
		rc = free_put(st, txn, sg, start + len, fs + fl - start - len);
	if (!rc)
		rc = sgfree_add(st, txn, sg, -(int64_t)len);
	return rc;
}

/**
 * xsan_space_format() - a new volume: every user data group all free
 */
int xsan_space_format(struct xsan_store *st, MDB_txn *txn)
{
	uint8_t kb[4], vb[8];
	MDB_val k = { 4, kb }, v = { 8, vb };
	int rc = 0;

	for (uint32_t i = 0; i < st->geom.nsgs && !rc; i++) {
		const struct xsan_store_sg *g = &st->geom.sgs[i];

		if (!(g->flags & XSAN_SG_USERDATA))
			continue;
		sg_key(kb, g->index);
		xsan_put_le64(vb, g->blocks);
		rc = xsan_mdb_err(mdb_put(txn, st->sgfree, &k, &v, 0));
		if (!rc && g->blocks)
			rc = free_put(st, txn, g->index, 0, g->blocks);
	}
	return rc;
}

/* --- file extents --- */

/** xsan_ext_encode() - the value of an extent record. */
void xsan_ext_encode(const struct xsan_ext *e, uint8_t *val)
{
	xsan_put_le32(val, e->sg);
	xsan_put_le32(val + 4, e->flags);
	xsan_put_le64(val + 8, e->block);
	xsan_put_le64(val + 16, e->len);
}

/** xsan_ext_decode() - an extent record, or -EIO if damaged. */
int xsan_ext_decode(const MDB_val *k, const MDB_val *v, uint64_t *ino,
		    struct xsan_ext *e)
{
	const uint8_t *p = v->mv_data;

	if (k->mv_size != XSAN_EXT_KEY || v->mv_size != XSAN_EXT_VAL)
		return -EIO;
	*ino = xsan_get_be64(k->mv_data);
	e->fblock = xsan_get_be64((const uint8_t *)k->mv_data + 8);
	e->sg = xsan_get_le32(p);
	e->flags = xsan_get_le32(p + 4);
	e->block = xsan_get_le64(p + 8);
	e->len = xsan_get_le64(p + 16);
	if (!e->len || (e->flags & ~XSAN_EXT_UNWRITTEN))
		return -EIO;
	return 0;
}

/**
 * xsan_ext_free_from() - free the blocks of @in at file block @from and on
 *
 * An extent that straddles @from is cut. @in->blocks drops by what was
 * freed; the caller writes @in back.
 */
int xsan_ext_free_from(struct xsan_store *st, MDB_txn *txn,
		       struct xsan_inode *in, uint64_t from)
{
	uint8_t kb[XSAN_EXT_KEY], vb[XSAN_EXT_VAL];
	MDB_val k, v;
	MDB_cursor *cur;
	struct xsan_ext e;
	uint64_t ino, per = st->geom.bsize / 512, cut;
	int rc;

	rc = mdb_cursor_open(txn, st->extents, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	/* An extent that starts before @from may reach past it. */
	xsan_put_be64(kb, in->ino);
	xsan_put_be64(kb + 8, from);
	k = (MDB_val){ sizeof(kb), kb };
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	rc = rc == MDB_NOTFOUND ? mdb_cursor_get(cur, &k, &v, MDB_LAST) :
	     rc ? rc : mdb_cursor_get(cur, &k, &v, MDB_PREV);
	if (!rc && !xsan_ext_decode(&k, &v, &ino, &e) && ino == in->ino &&
	    e.fblock < from && e.fblock + e.len > from) {
		cut = e.fblock + e.len - from;
		rc = xsan_free_insert(st, txn, e.sg, e.block + (from - e.fblock),
				      cut);
		if (!rc) {
			e.len -= cut;
			xsan_ext_encode(&e, vb);
			v = (MDB_val){ sizeof(vb), vb };
			rc = xsan_mdb_err(mdb_cursor_put(cur, &k, &v, MDB_CURRENT));
			in->blocks -= in->blocks < cut * per ? in->blocks : cut * per;
		}
		if (rc)
			goto out;
	} else if (rc && rc != MDB_NOTFOUND) {
		rc = xsan_mdb_err(rc);
		goto out;
	}
	/* Seek afresh after each delete: no reliance on cursor state. */
	for (;;) {
		xsan_put_be64(kb, in->ino);
		xsan_put_be64(kb + 8, from);
		k = (MDB_val){ sizeof(kb), kb };
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc)
			break;
		rc = xsan_ext_decode(&k, &v, &ino, &e);
		if (rc || ino != in->ino)
			break;
		rc = xsan_free_insert(st, txn, e.sg, e.block, e.len);
		if (!rc)
			rc = xsan_mdb_err(mdb_cursor_del(cur, 0));
		if (rc)
			break;
		in->blocks -= in->blocks < e.len * per ? in->blocks : e.len * per;
	}
	if (rc == MDB_NOTFOUND || (!rc && ino != in->ino))
		rc = 0;
	else if (rc > 0)
		rc = xsan_mdb_err(rc);
out:
	mdb_cursor_close(cur);
	return rc;
}

/**
 * xsan_affinity_inherit() - a new inode in @dir gets @dir's affinity
 */
int xsan_affinity_inherit(struct xsan_store *st, MDB_txn *txn, uint64_t dir,
			  uint64_t ino)
{
	static const char name[] = XSAN_AFFINITY_XATTR;
	uint8_t kb[8 + sizeof(name)];
	MDB_val k = { 8 + sizeof(name) - 1, kb }, v;
	uint8_t val[XSAN_STORE_AFF_MAX];
	int rc;

	xsan_put_be64(kb, dir);
	memcpy(kb + 8, name, sizeof(name) - 1);
	rc = mdb_get(txn, st->xattrs, &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return xsan_mdb_err(rc);
	if (v.mv_size > sizeof(val))
		return 0;	/* not a name any group can carry */
	memcpy(val, v.mv_data, v.mv_size);
	v.mv_data = val;
	xsan_put_be64(kb, ino);
	return xsan_mdb_err(mdb_put(txn, st->xattrs, &k, &v, 0));
}

/** xsan_sg_space() - blocks and free blocks of table entry @i. */
int xsan_sg_space(struct xsan_txn *t, uint32_t i, uint64_t *blocks,
		  uint64_t *bfree)
{
	const struct xsan_store_sg *g;

	if (i >= t->st->geom.nsgs)
		return -ENOENT;
	g = &t->st->geom.sgs[i];
	*blocks = g->blocks;
	*bfree = 0;
	if (!(g->flags & XSAN_SG_USERDATA))
		return 0;
	return xsan_sgfree_get(t->st, t->txn, g->index, bfree);
}

/* Delete every key of @dbi that starts with the 4-byte group @sg. */
static int del_sg(MDB_txn *txn, MDB_dbi dbi, uint32_t sg)
{
	uint8_t kb[4];
	MDB_val k, v;
	MDB_cursor *cur;
	int rc;

	sg_key(kb, sg);
	rc = mdb_cursor_open(txn, dbi, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	for (;;) {
		k = (MDB_val){ 4, kb };
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc || k.mv_size < 4 || memcmp(k.mv_data, kb, 4)) {
			rc = rc == MDB_NOTFOUND || !rc ? 0 : rc;
			break;
		}
		rc = mdb_cursor_del(cur, 0);
		if (rc)
			break;
	}
	mdb_cursor_close(cur);
	return xsan_mdb_err(rc);
}

/**
 * xsan_space_rebuild() - make the free map of @sg the complement of @used
 * @used: [start, end) block ranges in use, sorted by start (may overlap)
 *
 * fsck's repair: what no file holds is free, exactly once.
 */
int xsan_space_rebuild(struct xsan_store *st, MDB_txn *txn, uint32_t sg,
		       const uint64_t (*used)[2], size_t n)
{
	const struct xsan_store_sg *g = xsan_sg_find(st, sg);
	uint8_t kb[4], vb[8];
	MDB_val k = { 4, kb }, v = { 8, vb };
	uint64_t pos = 0, nfree = 0;
	int rc;

	if (!g)
		return -EINVAL;
	rc = del_sg(txn, st->free, sg);
	if (!rc)
		rc = del_sg(txn, st->freelen, sg);
	for (size_t i = 0; i <= n && !rc; i++) {
		uint64_t s = i < n ? used[i][0] : g->blocks;
		uint64_t e = i < n ? used[i][1] : g->blocks;

		if (s > g->blocks)
			s = g->blocks;
		if (s > pos) {
			rc = free_put(st, txn, sg, pos, s - pos);
			nfree += s - pos;
		}
		if (e > pos)
			pos = e;
	}
	sg_key(kb, sg);
	xsan_put_le64(vb, nfree);
	if (!rc)
		rc = xsan_mdb_err(mdb_put(txn, st->sgfree, &k, &v, 0));
	return rc;
}
