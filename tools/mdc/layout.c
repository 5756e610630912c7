// SPDX-License-Identifier: GPL-2.0
/*
 * OPEN, CLOSE, LAYOUT_GET, LAYOUT_COMMIT and FALLOCATE on the store, and
 * the allocator behind them.
 *
 * Allocation: a hole is filled first right behind the file's previous
 * extent (so a file written in order stays one extent), then from the
 * caller's allocation session, then from a free extent of at least
 * allocSessionReservationSize found through the freelen index, in the
 * next eligible stripe group round robin. The session remembers that
 * range as reserved: other writers skip it while it lasts, so eight
 * concurrent streams do not interleave block by block. Reservations live
 * only in memory (the tables do not change until blocks are allocated),
 * so a crash loses nothing but the hint.
 *
 * Grants: every range LAYOUT_GET handed out with XSAN_LG_WRITE is kept
 * per (client, inode) until CLOSE; LAYOUT_COMMIT converts only ranges that
 * are granted *and* allocated in the tables, so a client cannot mark
 * blocks written that it was never told to write (stale data exposure).
 *
 * Pending: the blocks LAYOUT_GET allocates are also recorded per session
 * in the table "pending", in the same transaction, so that blocks of a
 * session that ends (GOODBYE, lease expiry, eviction, or not coming back
 * after an MDC restart) and that it never committed go back to the free
 * map (xsan_client_release()) instead of staying allocated for ever.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_int.h"

#define GRANTS_MAX	65536u	/* per (client, inode): bounds memory */
#define SEARCH_TRIES	64	/* free extents looked at per search */

/* One open handle (read-only ones too: they keep an unlinked inode). */
struct xsan_open {
	uint64_t handle, client, ino;
	bool write;
	struct xsan_open *next;
};

/* Allocation session and grants of one client on one inode. */
struct xsan_asess {
	uint64_t client, ino;
	bool resv;			/* [start, end) of sg is reserved */
	uint32_t sg;
	uint64_t start, end;
	long long used_ms;
	struct xsan_range *grants;	/* file blocks, sorted, disjoint */
	uint32_t ngrants, cap;
	struct xsan_asess *next;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/** xsan_store_set_affinities() - see store.h. */
int xsan_store_set_affinities(struct xsan_store *st, uint32_t index,
			      const char (*tags)[XSAN_STORE_AFF_MAX + 1],
			      uint32_t ntags)
{
	for (uint32_t i = 0; i < st->geom.nsgs; i++) {
		if (st->geom.sgs[i].index != index)
			continue;
		st->geom.sgs[i].tags = ntags ? tags : NULL;
		st->geom.sgs[i].ntags = tags ? ntags : 0;
		return 0;
	}
	return -ENOENT;
}

/** xsan_store_set_alloc() - see store.h. */
void xsan_store_set_alloc(struct xsan_store *st, uint64_t resv_bytes,
			  uint32_t idle_ms)
{
	st->resv_blocks = st->geom.bsize ? resv_bytes / st->geom.bsize : 0;
	st->idle_ms = idle_ms;
}

static struct xsan_asess *asess_find(struct xsan_store *st, uint64_t client,
				     uint64_t ino, bool create)
{
	struct xsan_asess *a;
	long long now = now_ms();

	for (a = st->asess; a; a = a->next) {
		/* idle sessions give their reservation back */
		if (a->resv && st->idle_ms && now - a->used_ms > st->idle_ms)
			a->resv = false;
		if (a->client == client && a->ino == ino)
			break;
	}
	if (!a && create) {
		a = calloc(1, sizeof(*a));
		if (!a)
			return NULL;
		a->client = client;
		a->ino = ino;
		a->next = st->asess;
		st->asess = a;
	}
	if (a)
		a->used_ms = now;
	return a;
}

static void asess_unlink(struct xsan_asess **pp)
{
	struct xsan_asess *a = *pp;

	*pp = a->next;
	free(a->grants);
	free(a);
}

/** xsan_asess_release() - @ino was truncated or freed: no reservations. */
void xsan_asess_release(struct xsan_store *st, uint64_t ino)
{
	for (struct xsan_asess *a = st->asess; a; a = a->next)
		if (a->ino == ino)
			a->resv = false;
}

/** xsan_asess_free_all() - at close of the store. */
void xsan_asess_free_all(struct xsan_store *st)
{
	struct xsan_open *o;

	while (st->asess)
		asess_unlink(&st->asess);
	while ((o = st->opens)) {
		st->opens = o->next;
		free(o);
	}
}

/** xsan_store_keep_unlinked() - see store.h. */
void xsan_store_keep_unlinked(struct xsan_store *st, bool keep)
{
	st->keep_unlinked = keep;
}

/** xsan_ino_kept() - must @in stay when it has no link? */
bool xsan_ino_kept(const struct xsan_store *st, const struct xsan_inode *in)
{
	return (st->keep_unlinked && S_ISREG(in->mode)) ||
	       xsan_ino_is_open(st, in->ino);
}

/** xsan_ino_is_open() - does any session hold @ino open? */
bool xsan_ino_is_open(const struct xsan_store *st, uint64_t ino)
{
	for (const struct xsan_open *o = st->opens; o; o = o->next)
		if (o->ino == ino)
			return true;
	return false;
}

/*
 * Free @ino if it has no link left and must not stay (xsan_ino_kept():
 * the last close of a file unlinked while open). 0 if there was nothing
 * to do; *@freed (may be NULL) counts it.
 */
static int free_if_orphan(struct xsan_store *st, MDB_txn *txn, uint64_t ino,
			  uint64_t *freed)
{
	struct xsan_inode *in;
	int rc;

	if (xsan_ino_is_open(st, ino))
		return 0;
	in = malloc(sizeof(*in));
	if (!in)
		return -ENOMEM;
	rc = xsan_inode_get(st, txn, ino, in);
	if (rc == -ENOENT) {
		rc = 0;
	} else if (!rc && !in->nlink && !xsan_ino_kept(st, in)) {
		rc = xsan_ino_free(st, txn, in);
		if (!rc && freed)
			(*freed)++;
	}
	free(in);
	return rc;
}

/** xsan_orphans_reap() - see store.h. */
int xsan_orphans_reap(struct xsan_store *st, uint64_t *freed)
{
	uint64_t *inos = NULL, n = 0, cap = 0, done = 0;
	struct xsan_inode *in;
	struct xsan_txn *t;
	MDB_cursor *cur;
	MDB_val k, v;
	MDB_txn *txn;
	int rc;

	*freed = 0;
	st->keep_unlinked = false;
	in = malloc(sizeof(*in));
	if (!in)
		return -ENOMEM;
	rc = xsan_txn_begin(st, true, &t);
	if (rc) {
		free(in);
		return rc;
	}
	rc = xsan_op_begin(t, &txn);
	if (rc)
		goto abort;
	rc = mdb_cursor_open(txn, st->inodes, &cur);
	if (rc) {
		rc = xsan_op_end(txn, xsan_mdb_err(rc));
		goto abort;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 8 ||
		    xsan_inode_decode(xsan_get_be64(k.mv_data), &v, in) ||
		    in->nlink)
			continue;
		if (n == cap) {
			uint64_t *p = realloc(inos, (cap = cap ? 2 * cap : 64) *
					      sizeof(*inos));

			if (!p) {
				rc = ENOMEM;
				break;
			}
			inos = p;
		}
		inos[n++] = in->ino;
	}
	mdb_cursor_close(cur);
	rc = rc == MDB_NOTFOUND ? 0 : rc == ENOMEM ? -ENOMEM : xsan_mdb_err(rc);
	for (uint64_t i = 0; !rc && i < n; i++)
		rc = free_if_orphan(st, txn, inos[i], &done);
	rc = xsan_op_end(txn, rc);
	if (rc)
		goto abort;
	free(inos);
	free(in);
	rc = xsan_txn_commit(t);
	if (!rc)
		*freed = done;
	return rc;
abort:
	xsan_txn_abort(t);
	free(inos);
	free(in);
	return rc;
}

/** xsan_client_forget() - see store.h. */
int xsan_client_forget(struct xsan_store *st, uint64_t client)
{
	struct xsan_asess **pp = &st->asess;
	struct xsan_open **op = &st->opens, *o, *gone = NULL;
	struct xsan_txn *t;
	MDB_txn *txn;
	int rc = 0;

	while (*pp) {
		if ((*pp)->client == client)
			asess_unlink(pp);
		else
			pp = &(*pp)->next;
	}
	while ((o = *op)) {
		if (o->client == client) {
			*op = o->next;
			o->next = gone;
			gone = o;
		} else {
			op = &o->next;
		}
	}
	/* the files it alone held open after their last name went */
	if (gone && !st->readonly && !xsan_txn_begin(st, true, &t)) {
		rc = xsan_op_begin(t, &txn);
		for (o = gone; !rc && o; o = o->next)
			rc = free_if_orphan(st, txn, o->ino, NULL);
		if (!rc)
			rc = xsan_op_end(txn, rc);
		else
			xsan_op_end(txn, rc);
		if (rc)
			xsan_txn_abort(t);
		else
			rc = xsan_txn_commit(t);
	}
	while ((o = gone)) {
		gone = o->next;
		free(o);
	}
	return rc;
}

/* Add file blocks [s, s + n) to the grants, merging neighbours. */
static int grant_add(struct xsan_asess *a, uint64_t s, uint64_t n)
{
	uint64_t e = s + n;
	uint32_t i, j;

	for (i = 0; i < a->ngrants && a->grants[i].offset + a->grants[i].length < s; i++)
		;
	/* grants i .. j - 1 touch or overlap [s, e) */
	for (j = i; j < a->ngrants && a->grants[j].offset <= e; j++) {
		if (a->grants[j].offset < s)
			s = a->grants[j].offset;
		if (a->grants[j].offset + a->grants[j].length > e)
			e = a->grants[j].offset + a->grants[j].length;
	}
	if (j == i) {
		if (a->ngrants >= GRANTS_MAX)
			return -ENOSPC;
		if (a->ngrants == a->cap) {
			uint32_t cap = a->cap ? 2 * a->cap : 8;
			void *p = realloc(a->grants, cap * sizeof(*a->grants));

			if (!p)
				return -ENOMEM;
			a->grants = p;
			a->cap = cap;
		}
		memmove(&a->grants[i + 1], &a->grants[i],
			(a->ngrants - i) * sizeof(*a->grants));
		a->ngrants++;
		j = i + 1;
	} else if (j > i + 1) {
		memmove(&a->grants[i + 1], &a->grants[j],
			(a->ngrants - j) * sizeof(*a->grants));
		a->ngrants -= j - i - 1;
	}
	a->grants[i].offset = s;
	a->grants[i].length = e - s;
	return 0;
}

static bool granted(const struct xsan_asess *a, uint64_t s, uint64_t e)
{
	for (uint32_t i = 0; a && i < a->ngrants; i++)
		if (a->grants[i].offset <= s &&
		    a->grants[i].offset + a->grants[i].length >= e)
			return true;
	return false;
}

/* Others' reservations: the first one in @sg overlapping [s, e), or NULL. */
static const struct xsan_asess *resv_hit(const struct xsan_store *st,
					 const struct xsan_asess *self,
					 uint32_t sg, uint64_t s, uint64_t e)
{
	for (const struct xsan_asess *a = st->asess; a; a = a->next)
		if (a != self && a->resv && a->sg == sg && a->start < e &&
		    a->end > s)
			return a;
	return NULL;
}

/* --- the allocator --- */

struct alloc_ctx {
	struct xsan_store *st;
	MDB_txn *txn;
	struct xsan_inode *in;
	struct xsan_asess *as;		/* may be NULL (no client) */
	char affinity[XSAN_STORE_AFF_MAX + 1];
};

/* Does @g carry affinity @aff? (One of its tags, or its recorded one.) */
static bool sg_has_affinity(const struct xsan_store_sg *g, const char *aff)
{
	if (!g->ntags)
		return !strcmp(g->affinity, aff);
	for (uint32_t i = 0; i < g->ntags; i++)
		if (!strcmp(g->tags[i], aff))
			return true;
	return false;
}

static bool sg_eligible(const struct alloc_ctx *c, const struct xsan_store_sg *g)
{
	if (!(g->flags & XSAN_SG_USERDATA) || !g->blocks)
		return false;
	if (c->affinity[0])
		return sg_has_affinity(g, c->affinity);
	return !(g->flags & XSAN_SG_EXCLUSIVE);
}

/*
 * Free blocks at @goal of @sg not reserved by others: how many, up to
 * @want (0 if @goal is not free).
 */
static int run_at(struct alloc_ctx *c, uint32_t sg, uint64_t goal,
		  uint64_t want, uint64_t *got)
{
	uint8_t kb[XSAN_FREE_KEY];
	MDB_val k = { sizeof(kb), kb }, v;
	MDB_cursor *cur;
	uint64_t fs = 0, fl = 0, end;
	const struct xsan_asess *r;
	int rc;

	*got = 0;
	kb[0] = (uint8_t)(sg >> 24);
	kb[1] = (uint8_t)(sg >> 16);
	kb[2] = (uint8_t)(sg >> 8);
	kb[3] = (uint8_t)sg;
	xsan_put_be64(kb + 4, goal);
	rc = mdb_cursor_open(c->txn, c->st->free, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (!rc && !memcmp(k.mv_data, kb, XSAN_FREE_KEY)) {
		fs = goal;
		fl = xsan_get_le64(v.mv_data);
	} else {
		rc = rc == MDB_NOTFOUND ? mdb_cursor_get(cur, &k, &v, MDB_LAST) :
		     rc ? rc : mdb_cursor_get(cur, &k, &v, MDB_PREV);
		if (!rc && k.mv_size == XSAN_FREE_KEY && v.mv_size == 8 &&
		    !memcmp(k.mv_data, kb, 4)) {
			fs = xsan_get_be64((const uint8_t *)k.mv_data + 4);
			fl = xsan_get_le64(v.mv_data);
		}
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return xsan_mdb_err(rc);
	if (!fl || fs > goal || fs + fl <= goal)
		return 0;
	end = fs + fl;
	if (end - goal > want)
		end = goal + want;
	while (end > goal && (r = resv_hit(c->st, c->as, sg, goal, end)))
		end = r->start > goal ? r->start : goal;
	*got = end - goal;
	return 0;
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

/*
 * A place in @sg for @want blocks (ideally @span, the reservation): the
 * smallest free extent of at least @span, skipping others' reservations;
 * failing that the largest free run. *@got 0: the group is full.
 */
static int search(struct alloc_ctx *c, const struct xsan_store_sg *g,
		  uint64_t want, uint64_t span, uint64_t *start, uint64_t *got,
		  bool ignore_resv)
{
	uint8_t kb[XSAN_FREELEN_KEY];
	MDB_val k = { sizeof(kb), kb }, v;
	MDB_cursor *cur;
	uint64_t fs, fl, pos, best = 0, bests = 0;
	const struct xsan_asess *r;
	int rc, tries = 0;
	bool fwd = true;

	*got = 0;
	kb[0] = (uint8_t)(g->index >> 24);
	kb[1] = (uint8_t)(g->index >> 16);
	kb[2] = (uint8_t)(g->index >> 8);
	kb[3] = (uint8_t)g->index;
	xsan_put_be64(kb + 4, span);
	xsan_put_be64(kb + 12, 0);
	rc = mdb_cursor_open(c->txn, c->st->freelen, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	for (; tries < SEARCH_TRIES; tries++) {
		if (rc == MDB_NOTFOUND || (!rc && memcmp(k.mv_data, kb, 4))) {
			/* nothing of @span: walk down from the largest */
			if (!fwd)
				break;
			fwd = false;
			if (rc == MDB_NOTFOUND)
				rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
			else
				rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
			if (rc || memcmp(k.mv_data, kb, 4))
				break;
		} else if (rc) {
			break;
		}
		if (k.mv_size != XSAN_FREELEN_KEY)
			break;
		fl = xsan_get_be64((const uint8_t *)k.mv_data + 4);
		fs = xsan_get_be64((const uint8_t *)k.mv_data + 12);
		/* first aligned position of the extent not reserved by others */
		pos = round_up(fs, g->breadth);
		if (pos >= fs + fl)
			pos = fs;
		while (!ignore_resv && pos < fs + fl &&
		       (r = resv_hit(c->st, c->as, g->index, pos,
				     pos + (fwd ? span : 1)))) {
			pos = round_up(r->end, g->breadth);
			if (pos >= fs + fl)
				pos = r->end;
		}
		if (pos < fs + fl) {
			uint64_t run = fs + fl - pos;

			if (!ignore_resv) {
				for (uint64_t e = pos + run;
				     (r = resv_hit(c->st, c->as, g->index, pos, e));)
					e = r->start, run = e - pos;
			}
			if (run >= span || run >= want) {
				*start = pos;
				*got = run;
				break;
			}
			if (run > best) {
				best = run;
				bests = pos;
			}
		}
		rc = mdb_cursor_get(cur, &k, &v, fwd ? MDB_NEXT : MDB_PREV);
		if (!fwd && (rc || memcmp(k.mv_data, kb, 4)))
			break;
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return xsan_mdb_err(rc);
	if (!*got && best) {
		*start = bests;
		*got = best;
	}
	return 0;
}

/*
 * Allocate up to @want blocks for file block @fb: *@sg, *@block, *@got.
 * Prefers the block right behind file block @fb - 1 (@prev valid).
 */
static int alloc_blocks(struct alloc_ctx *c, const struct xsan_ext *prev,
			uint64_t want, uint32_t *sg, uint64_t *block,
			uint64_t *got)
{
	struct xsan_store *st = c->st;
	struct xsan_asess *as = c->as;
	uint64_t span = want > st->resv_blocks ? want : st->resv_blocks;
	uint64_t start = 0, n = 0;
	const struct xsan_store_sg *g;
	int rc;

	/* 1. contiguous with the file's previous extent */
	if (prev && (g = xsan_sg_find(st, prev->sg)) && sg_eligible(c, g)) {
		rc = run_at(c, prev->sg, prev->block + prev->len, want, &n);
		if (rc)
			return rc;
		if (n) {
			*sg = prev->sg;
			*block = prev->block + prev->len;
			goto take;
		}
	}
	/* 2. the rest of this client's reservation */
	if (as && as->resv && as->start < as->end &&
	    (g = xsan_sg_find(st, as->sg)) && sg_eligible(c, g)) {
		rc = run_at(c, as->sg, as->start, want, &n);
		if (rc)
			return rc;
		if (n) {
			*sg = as->sg;
			*block = as->start;
			goto take;
		}
		as->resv = false;
	}
	/* 3. a new place, round robin; then 4. others' reservations too */
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < st->geom.nsgs; i++) {
			g = &st->geom.sgs[(st->rr + i) % st->geom.nsgs];
			if (!sg_eligible(c, g))
				continue;
			rc = search(c, g, want, span, &start, &n, pass);
			if (rc)
				return rc;
			if (n) {
				st->rr = (st->rr + i + 1) % st->geom.nsgs;
				*sg = g->index;
				*block = start;
				if (as) {
					as->resv = true;
					as->sg = g->index;
					as->start = start;
					as->end = start + (n < span ? n : span);
				}
				goto take;
			}
		}
	}
	return -ENOSPC;
take:
	if (n > want)
		n = want;
	rc = xsan_free_take(st, c->txn, *sg, *block, n);
	if (rc)
		return rc;
	if (as && as->resv && as->sg == *sg && *block <= as->start &&
	    *block + n > as->start) {
		as->start = *block + n;
		/* a streaming writer keeps a reservation ahead of it */
		if (as->end < as->start + st->resv_blocks)
			as->end = as->start + st->resv_blocks;
	}
	*got = n;
	return 0;
}

/* --- extent table helpers --- */

static void ext_key(uint8_t *kb, uint64_t ino, uint64_t fb)
{
	xsan_put_be64(kb, ino);
	xsan_put_be64(kb + 8, fb);
}

static int ext_put(struct xsan_store *st, MDB_txn *txn, uint64_t ino,
		   const struct xsan_ext *e)
{
	uint8_t kb[XSAN_EXT_KEY], vb[XSAN_EXT_VAL];
	MDB_val k = { sizeof(kb), kb }, v = { sizeof(vb), vb };

	ext_key(kb, ino, e->fblock);
	xsan_ext_encode(e, vb);
	return xsan_mdb_err(mdb_put(txn, st->extents, &k, &v, 0));
}

static int ext_del(struct xsan_store *st, MDB_txn *txn, uint64_t ino,
		   uint64_t fb)
{
	uint8_t kb[XSAN_EXT_KEY];
	MDB_val k = { sizeof(kb), kb };

	ext_key(kb, ino, fb);
	return xsan_mdb_err(mdb_del(txn, st->extents, &k, NULL));
}

/*
 * The extent containing file block @fb, else the first one after it
 * (*@found: 1 containing, 2 after, 0 none).
 */
static int ext_find(struct xsan_store *st, MDB_txn *txn, uint64_t ino,
		    uint64_t fb, struct xsan_ext *e, int *found)
{
	uint8_t kb[XSAN_EXT_KEY];
	MDB_val k = { sizeof(kb), kb }, v;
	MDB_cursor *cur;
	uint64_t kino;
	int rc;

	*found = 0;
	ext_key(kb, ino, fb);
	rc = mdb_cursor_open(txn, st->extents, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (!rc && !memcmp(k.mv_data, kb, XSAN_EXT_KEY)) {
		rc = xsan_ext_decode(&k, &v, &kino, e);
		*found = rc ? 0 : 1;
		goto out;
	}
	if (!rc || rc == MDB_NOTFOUND) {
		int rc2 = rc ? mdb_cursor_get(cur, &k, &v, MDB_LAST) :
			       mdb_cursor_get(cur, &k, &v, MDB_PREV);

		if (!rc2 && !xsan_ext_decode(&k, &v, &kino, e) && kino == ino &&
		    e->fblock + e->len > fb) {
			*found = 1;
			rc = 0;
			goto out;
		}
		if (!rc) {
			/* the one SET_RANGE found, after @fb */
			ext_key(kb, ino, fb);
			k = (MDB_val){ sizeof(kb), kb };
			rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
			if (!rc && !xsan_ext_decode(&k, &v, &kino, e) &&
			    kino == ino)
				*found = 2;
		}
	}
out:
	mdb_cursor_close(cur);
	return rc && rc != MDB_NOTFOUND ? (rc < 0 ? rc : xsan_mdb_err(rc)) : 0;
}

/* The extent ending right at file block @fb (for contiguity), if any. */
static int ext_before(struct xsan_store *st, MDB_txn *txn, uint64_t ino,
		      uint64_t fb, struct xsan_ext *e, bool *found)
{
	int f;
	int rc;

	*found = false;
	if (!fb)
		return 0;
	rc = ext_find(st, txn, ino, fb - 1, e, &f);
	*found = !rc && f == 1;
	return rc;
}

/*
 * Write extent @e, merged with the file's extents right before and after
 * it when they continue it on disk with the same state: a file written in
 * order stays one extent however many requests wrote it.
 */
static int ext_insert(struct xsan_store *st, MDB_txn *txn, uint64_t ino,
		      struct xsan_ext e)
{
	struct xsan_ext p, n;
	bool pf;
	int nf, rc;

	rc = ext_before(st, txn, ino, e.fblock, &p, &pf);
	if (rc)
		return rc;
	if (pf && p.sg == e.sg && p.flags == e.flags &&
	    p.block + p.len == e.block) {
		e.fblock = p.fblock;
		e.block = p.block;
		e.len += p.len;
	}
	rc = ext_find(st, txn, ino, e.fblock + e.len, &n, &nf);
	if (rc)
		return rc;
	if (nf == 1 && n.fblock == e.fblock + e.len && n.sg == e.sg &&
	    n.flags == e.flags && e.block + e.len == n.block) {
		rc = ext_del(st, txn, ino, n.fblock);
		if (rc)
			return rc;
		e.len += n.len;
	}
	return ext_put(st, txn, ino, &e);
}

/*
 * Make file blocks [s, e) of extent @x (which covers them) have @flags:
 * split @x in up to three pieces, merging the middle with its neighbours.
 */
static int ext_set_flags(struct xsan_store *st, MDB_txn *txn, uint64_t ino,
			 struct xsan_ext x, uint64_t s, uint64_t e,
			 uint32_t flags)
{
	struct xsan_ext mid = x;
	int rc;

	if (x.flags == flags)
		return 0;
	rc = ext_del(st, txn, ino, x.fblock);
	if (!rc && x.fblock < s) {
		struct xsan_ext head = x;

		head.len = s - x.fblock;
		rc = ext_put(st, txn, ino, &head);
	}
	if (!rc && e < x.fblock + x.len) {
		struct xsan_ext tail = x;

		tail.fblock = e;
		tail.block = x.block + (e - x.fblock);
		tail.len = x.fblock + x.len - e;
		rc = ext_put(st, txn, ino, &tail);
	}
	if (rc)
		return rc;
	mid.fblock = s;
	mid.block = x.block + (s - x.fblock);
	mid.len = e - s;
	mid.flags = flags;
	return ext_insert(st, txn, ino, mid);
}

/*
 * Walk file blocks [fb, fe): existing extents are reported (and set to
 * @flags if @set), holes are allocated unwritten if @alloc. @emit gets
 * each piece (may be NULL); stops early when it returns 1.
 */
static int pending_add(struct xsan_store *st, MDB_txn *txn, uint64_t client,
		       const struct xsan_inode *in, uint64_t fb, uint64_t n);

typedef int (*piece_fn)(void *arg, const struct xsan_ext *e, uint64_t s,
			uint64_t end);

static int walk(struct alloc_ctx *c, uint64_t fb, uint64_t fe, bool alloc,
		bool set, uint32_t flags, piece_fn emit, void *arg)
{
	struct xsan_store *st = c->st;
	uint64_t per = st->geom.bsize / 512;
	struct xsan_ext x, prev;
	bool pf;
	int f, rc = 0;

	while (fb < fe) {
		uint64_t end;

		rc = ext_find(st, c->txn, c->in->ino, fb, &x, &f);
		if (rc)
			return rc;
		if (f == 1) {
			end = x.fblock + x.len < fe ? x.fblock + x.len : fe;
			if (set) {
				rc = ext_set_flags(st, c->txn, c->in->ino, x,
						   fb, end, flags);
				if (rc)
					return rc;
				x.flags = flags;
			}
			if (emit && (rc = emit(arg, &x, fb, end)))
				return rc < 0 ? rc : 0;
			fb = end;
			continue;
		}
		end = f == 2 && x.fblock < fe ? x.fblock : fe;
		if (!alloc) {
			fb = end;
			continue;
		}
		/* a hole [fb, end): fill it */
		rc = ext_before(st, c->txn, c->in->ino, fb, &prev, &pf);
		if (rc)
			return rc;
		{
			struct xsan_ext n = { .fblock = fb,
					      .flags = XSAN_EXT_UNWRITTEN };

			rc = alloc_blocks(c, pf ? &prev : NULL, end - fb,
					  &n.sg, &n.block, &n.len);
			if (rc)
				return rc;
			rc = ext_insert(st, c->txn, c->in->ino, n);
			if (!rc && c->as)
				rc = pending_add(st, c->txn, c->as->client,
						 c->in, n.fblock, n.len);
			if (rc)
				return rc;
			c->in->blocks += n.len * per;
			if (emit && (rc = emit(arg, &n, fb, fb + n.len)))
				return rc < 0 ? rc : 0;
			fb += n.len;
		}
	}
	return 0;
}

/* --- pending: allocated for a session, maybe not committed --- */

#define PEND_KEY	24u
#define PEND_VAL	16u

static void pend_key(uint8_t *kb, uint64_t client, uint64_t ino, uint64_t fb)
{
	xsan_put_be64(kb, client);
	xsan_put_be64(kb + 8, ino);
	xsan_put_be64(kb + 16, fb);
}

/*
 * Record file blocks [fb, fb + n) of @in as allocated for @client. A
 * writer that streams gets one record per file: a range that continues
 * the previous record extends it.
 */
static int pending_add(struct xsan_store *st, MDB_txn *txn, uint64_t client,
		       const struct xsan_inode *in, uint64_t fb, uint64_t n)
{
	uint8_t kb[PEND_KEY], vb[PEND_VAL];
	MDB_val k = { PEND_KEY, kb }, v;
	MDB_cursor *cur;
	int rc;

	if (!client || !st->pending)
		return 0;
	pend_key(kb, client, in->ino, fb);
	rc = mdb_cursor_open(txn, st->pending, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	rc = rc == MDB_NOTFOUND ? mdb_cursor_get(cur, &k, &v, MDB_LAST) :
	     rc ? rc : mdb_cursor_get(cur, &k, &v, MDB_PREV);
	if (!rc && k.mv_size == PEND_KEY && v.mv_size == PEND_VAL &&
	    !memcmp(k.mv_data, kb, 16) &&
	    xsan_get_le32(v.mv_data) == in->gen &&
	    xsan_get_be64((const uint8_t *)k.mv_data + 16) +
	    xsan_get_le64((const uint8_t *)v.mv_data + 8) == fb) {
		fb = xsan_get_be64((const uint8_t *)k.mv_data + 16);
		n += xsan_get_le64((const uint8_t *)v.mv_data + 8);
	}
	mdb_cursor_close(cur);
	pend_key(kb, client, in->ino, fb);
	memset(vb, 0, sizeof(vb));
	xsan_put_le32(vb, in->gen);
	xsan_put_le64(vb + 8, n);
	k = (MDB_val){ PEND_KEY, kb };
	v = (MDB_val){ PEND_VAL, vb };
	return xsan_mdb_err(mdb_put(txn, st->pending, &k, &v, 0));
}

/*
 * Forget file blocks [fb, fe) of inode @ino in every session's pending
 * records: FALLOCATE made them the file's for good (allocated or zeroed
 * UNWRITTEN on purpose), so no session's end or CLOSE may free them as
 * "allocated for it and never committed". Records are cut, not dropped.
 */
static int pending_forget(struct xsan_store *st, MDB_txn *txn, uint64_t ino,
			  uint64_t fb, uint64_t fe)
{
	struct pend { uint64_t client, fb, n; uint32_t gen; } *hit = NULL, *p;
	size_t nhit = 0, cap = 0;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if (!st->pending || fb >= fe)
		return 0;
	rc = mdb_cursor_open(txn, st->pending, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	/* the key starts with the client: every record is looked at */
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const uint8_t *kb = k.mv_data;
		uint64_t rfb, rn;

		if (k.mv_size != PEND_KEY || v.mv_size != PEND_VAL ||
		    xsan_get_be64(kb + 8) != ino)
			continue;
		rfb = xsan_get_be64(kb + 16);
		rn = xsan_get_le64((const uint8_t *)v.mv_data + 8);
		if (rfb >= fe || rfb + rn <= fb)
			continue;
		if (nhit == cap) {
			cap = cap ? 2 * cap : 8;
			p = realloc(hit, cap * sizeof(*hit));
			if (!p) {
				rc = -ENOMEM;
				break;
			}
			hit = p;
		}
		hit[nhit++] = (struct pend){ xsan_get_be64(kb), rfb, rn,
					     xsan_get_le32(v.mv_data) };
	}
	mdb_cursor_close(cur);
	rc = rc == MDB_NOTFOUND ? 0 : rc < 0 && rc > -4096 ? rc :
	     xsan_mdb_err(rc);
	for (size_t i = 0; !rc && i < nhit; i++) {
		uint8_t kb[PEND_KEY], vb[PEND_VAL];
		uint64_t e = hit[i].fb + hit[i].n;

		pend_key(kb, hit[i].client, ino, hit[i].fb);
		k = (MDB_val){ PEND_KEY, kb };
		rc = xsan_mdb_err(mdb_del(txn, st->pending, &k, NULL));
		/* what is left before [fb, fe) and after it */
		for (int side = 0; !rc && side < 2; side++) {
			uint64_t s0 = side ? fe : hit[i].fb;
			uint64_t e0 = side ? e : fb;

			if (s0 >= e0)
				continue;
			pend_key(kb, hit[i].client, ino, s0);
			memset(vb, 0, sizeof(vb));
			xsan_put_le32(vb, hit[i].gen);
			xsan_put_le64(vb + 8, e0 - s0);
			k = (MDB_val){ PEND_KEY, kb };
			v = (MDB_val){ PEND_VAL, vb };
			rc = xsan_mdb_err(mdb_put(txn, st->pending, &k, &v, 0));
		}
	}
	free(hit);
	return rc;
}

/* Does a live client other than @client hold a grant on [s, e) of @ino? */
static bool granted_other(const struct xsan_store *st, uint64_t client,
			  uint64_t ino, uint64_t s, uint64_t e)
{
	for (const struct xsan_asess *a = st->asess; a; a = a->next) {
		if (a->client == client || a->ino != ino)
			continue;
		for (uint32_t i = 0; i < a->ngrants; i++)
			if (a->grants[i].offset < e &&
			    a->grants[i].offset + a->grants[i].length > s)
				return true;
	}
	return false;
}

static int punch(struct xsan_store *st, MDB_txn *txn, struct xsan_inode *in,
		 uint64_t fb, uint64_t fe);

/* Free what of file blocks [fb, fe) of @in is still unwritten. */
static int release_range(struct xsan_store *st, MDB_txn *txn, uint64_t client,
			 struct xsan_inode *in, uint64_t fb, uint64_t fe,
			 uint64_t *freed)
{
	struct xsan_ext x;
	int f, rc;

	while (fb < fe) {
		uint64_t s, e;

		rc = ext_find(st, txn, in->ino, fb, &x, &f);
		if (rc || !f || (f == 2 && x.fblock >= fe))
			return rc;
		s = x.fblock > fb ? x.fblock : fb;
		e = x.fblock + x.len < fe ? x.fblock + x.len : fe;
		if ((x.flags & XSAN_EXT_UNWRITTEN) &&
		    !granted_other(st, client, in->ino, s, e)) {
			rc = punch(st, txn, in, s, e);
			if (rc)
				return rc;
			*freed += e - s;
		}
		fb = e;
	}
	return 0;
}

/*
 * Free the blocks allocated for @client and never committed: of inode
 * @ino only, or of every inode if @ino is 0. Caller's transaction writes.
 */
static int release_pending(struct xsan_txn *t, uint64_t client, uint64_t ino0,
			   uint64_t *freed)
{
	struct xsan_store *st = t->st;
	uint8_t kb[PEND_KEY];
	struct xsan_inode *in;
	uint64_t total = 0;
	MDB_val k, v;
	MDB_cursor *cur;
	int rc;

	if (freed)
		*freed = 0;
	if (!st->pending)
		return 0;
	if (!t->write)
		return -EROFS;
	in = malloc(sizeof(*in));
	if (!in)
		return -ENOMEM;
	rc = mdb_cursor_open(t->txn, st->pending, &cur);
	if (rc) {
		free(in);
		return xsan_mdb_err(rc);
	}
	/* Seek afresh after each record: punching writes other tables. */
	for (;;) {
		uint64_t ino, fb, len;
		uint32_t gen;
		int err;

		pend_key(kb, client, ino0, 0);
		k = (MDB_val){ PEND_KEY, kb };
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc)
			break;
		if (k.mv_size != PEND_KEY ||
		    xsan_get_be64(k.mv_data) != client ||
		    (ino0 && xsan_get_be64((const uint8_t *)k.mv_data + 8) !=
		     ino0)) {
			rc = MDB_NOTFOUND;
			break;
		}
		ino = xsan_get_be64((const uint8_t *)k.mv_data + 8);
		fb = xsan_get_be64((const uint8_t *)k.mv_data + 16);
		gen = v.mv_size == PEND_VAL ? xsan_get_le32(v.mv_data) : 0;
		len = v.mv_size == PEND_VAL ?
		      xsan_get_le64((const uint8_t *)v.mv_data + 8) : 0;
		rc = mdb_cursor_del(cur, 0);
		if (rc)
			break;
		err = xsan_inode_get(st, t->txn, ino, in);
		if (err == -ENOENT || (!err && (in->gen != gen ||
						!S_ISREG(in->mode))))
			continue;	/* freed since, with its blocks */
		if (!err && len && fb + len > fb) {
			uint64_t n = 0, b0 = in->blocks;

			err = release_range(st, t->txn, client, in, fb,
					    fb + len, &n);
			if (!err && in->blocks != b0)
				err = xsan_inode_put(st, t->txn, in);
			total += n;
		}
		if (err) {
			rc = err;
			break;
		}
		/* the cursor is stale after writes elsewhere: reopen */
		mdb_cursor_close(cur);
		rc = mdb_cursor_open(t->txn, st->pending, &cur);
		if (rc) {
			cur = NULL;
			break;
		}
	}
	if (cur)
		mdb_cursor_close(cur);
	free(in);
	if (freed)
		*freed = total;
	if (rc == MDB_NOTFOUND)
		return 0;
	return rc < 0 && rc > -4096 ? rc : xsan_mdb_err(rc);
}

/** xsan_store_has_grants() - see store.h. */
bool xsan_store_has_grants(const struct xsan_store *st, uint64_t client,
			   uint64_t ino)
{
	for (const struct xsan_asess *a = st->asess; a; a = a->next)
		if (a->client == client && a->ino == ino && a->ngrants)
			return true;
	return false;
}

/** xsan_client_regrant() - see store.h. */
int xsan_client_regrant(struct xsan_txn *t, uint64_t client)
{
	struct xsan_store *st = t->st;
	uint8_t kb[PEND_KEY];
	struct xsan_inode *in;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if (!st->pending || !client)
		return 0;
	in = malloc(sizeof(*in));
	if (!in)
		return -ENOMEM;
	rc = mdb_cursor_open(t->txn, st->pending, &cur);
	if (rc) {
		free(in);
		return xsan_mdb_err(rc);
	}
	pend_key(kb, client, 0, 0);
	k = (MDB_val){ PEND_KEY, kb };
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const uint8_t *key = k.mv_data;
		struct xsan_asess *a;
		uint64_t ino, fb, len;

		if (k.mv_size != PEND_KEY || xsan_get_be64(key) != client)
			break;
		if (v.mv_size != PEND_VAL)
			continue;
		ino = xsan_get_be64(key + 8);
		fb = xsan_get_be64(key + 16);
		len = xsan_get_le64((const uint8_t *)v.mv_data + 8);
		/* freed since (another generation), or not a file: no grant */
		if (xsan_inode_get(st, t->txn, ino, in) ||
		    in->gen != xsan_get_le32(v.mv_data) || !S_ISREG(in->mode) ||
		    !len || fb + len < fb)
			continue;
		a = asess_find(st, client, ino, true);
		if (!a) {
			rc = -ENOMEM;
			break;
		}
		rc = grant_add(a, fb, len);
		if (rc)
			break;
	}
	mdb_cursor_close(cur);
	free(in);
	if (rc == MDB_NOTFOUND)
		return 0;
	return rc < 0 && rc > -4096 ? rc : xsan_mdb_err(rc);
}

/** xsan_client_release() - see store.h. */
int xsan_client_release(struct xsan_txn *t, uint64_t client, uint64_t *freed)
{
	return release_pending(t, client, 0, freed);
}

/* --- operations --- */

static int file_get(struct xsan_store *st, MDB_txn *txn,
		    const struct xsan_fid *fid, struct xsan_inode *in)
{
	int rc;

	if (!fid || !fid->ino)
		return -ESTALE;
	rc = xsan_inode_get(st, txn, fid->ino, in);
	if (rc == -ENOENT || (!rc && in->gen != fid->gen))
		return -ESTALE;
	if (rc)
		return rc;
	if (S_ISDIR(in->mode))
		return -EISDIR;
	return S_ISREG(in->mode) ? 0 : -EINVAL;
}

static void ctx_init(struct alloc_ctx *c, struct xsan_store *st, MDB_txn *txn,
		     struct xsan_inode *in, struct xsan_asess *as)
{
	static const char name[] = XSAN_AFFINITY_XATTR;
	uint8_t kb[8 + sizeof(name)];
	MDB_val k = { 8 + sizeof(name) - 1, kb }, v;

	c->st = st;
	c->txn = txn;
	c->in = in;
	c->as = as;
	c->affinity[0] = '\0';
	xsan_put_be64(kb, in->ino);
	memcpy(kb + 8, name, sizeof(name) - 1);
	if (!mdb_get(txn, st->xattrs, &k, &v) && v.mv_size <= XSAN_STORE_AFF_MAX) {
		memcpy(c->affinity, v.mv_data, v.mv_size);
		c->affinity[v.mv_size] = '\0';
	}
	/* an affinity no group carries must not make every write ENOSPC */
	if (c->affinity[0]) {
		uint32_t i;

		for (i = 0; i < st->geom.nsgs; i++)
			if ((st->geom.sgs[i].flags & XSAN_SG_USERDATA) &&
			    sg_has_affinity(&st->geom.sgs[i], c->affinity))
				break;
		if (i == st->geom.nsgs)
			c->affinity[0] = '\0';
	}
}

/* Does @client hold @ino open for writing? (Write access was checked
 * at OPEN, as POSIX does: a later chmod does not stop an open writer.)
 */
static bool open_for_write(const struct xsan_store *st, uint64_t client,
			   uint64_t ino)
{
	for (const struct xsan_open *o = st->opens; o; o = o->next)
		if (o->client == client && o->ino == ino && o->write)
			return true;
	return false;
}

/* Truncate @in to @size: free whole blocks past it. */
static int truncate_blocks(struct xsan_store *st, MDB_txn *txn,
			   struct xsan_inode *in, uint64_t size)
{
	uint64_t bs = st->geom.bsize;

	xsan_asess_release(st, in->ino);
	return xsan_ext_free_from(st, txn, in, size / bs + (size % bs != 0));
}

/*
 * The end of an OPEN or TMPFILE of @in (@rc 0 so far): its attributes go
 * to @out and a new handle of @client is recorded once the operation's
 * transaction ends well (read-only too: an open file outlives its last
 * name). Frees @in, and @o unless recorded.
 */
static int open_end(struct xsan_store *st, MDB_txn *txn, int rc,
		    struct xsan_open *o, struct xsan_inode *in, uint64_t client,
		    bool write, uint64_t *handle, struct xsan_attr *out)
{
	if (!rc) {
		xsan_inode_attr(in, out);
		o->handle = ++st->next_handle;
		o->client = client;
		o->ino = in->ino;
		o->write = write;
		*handle = o->handle;
	}
	rc = xsan_op_end(txn, rc);
	if (!rc) {
		o->next = st->opens;
		st->opens = o;
		o = NULL;
	}
	free(o);
	free(in);
	return rc;
}

/** xsan_open() - OPEN: permission by access mode; O_TRUNC truncates. */
int xsan_open(struct xsan_txn *t, const struct xsan_cred *cr,
	      const struct xsan_fid *fid, uint32_t flags, uint64_t client,
	      const struct xsan_time *now, uint64_t *handle,
	      struct xsan_attr *out)
{
	struct xsan_store *st = t->st;
	uint32_t acc = flags & XSAN_OPEN_ACCMODE;
	struct xsan_inode *in;
	struct xsan_open *o;
	MDB_txn *txn;
	int mask, rc;

	/* execve() opens for execute permission, not read (exec-only files) */
	mask = (flags & XSAN_OPEN_EXEC) ? XSAN_MAY_EXEC :
	       acc == XSAN_OPEN_RDONLY ? XSAN_MAY_READ :
	       acc == XSAN_OPEN_WRONLY ? XSAN_MAY_WRITE :
	       XSAN_MAY_READ | XSAN_MAY_WRITE;
	if (flags & XSAN_OPEN_TRUNC)
		mask |= XSAN_MAY_WRITE;
	rc = xsan_op_begin(t, &txn);
	if (rc)
		return rc;
	in = malloc(sizeof(*in));
	o = calloc(1, sizeof(*o));
	if (!in || !o) {
		rc = -ENOMEM;
		goto out;
	}
	rc = xsan_inode_get(st, txn, fid->ino, in);
	if (rc == -ENOENT || (!rc && in->gen != fid->gen))
		rc = -ESTALE;
	/*
	 * No link and nobody's handle: kept only for a client that held it
	 * open before the MDC restarted and takes it back (RECLAIM). To any
	 * other it is gone, as it would be but for the restart.
	 */
	if (!rc && !in->nlink && !(flags & XSAN_OPEN_RECLAIM) &&
	    !xsan_ino_is_open(st, in->ino))
		rc = -ESTALE;
	if (!rc && S_ISDIR(in->mode) && (mask & XSAN_MAY_WRITE))
		rc = -EISDIR;
	if (!rc)
		rc = xsan_permission(cr, in, mask);
	/* may_open(): an append-only file is not truncated at open */
	if (!rc && (flags & XSAN_OPEN_TRUNC) && (in->flags & XSAN_AF_APPEND))
		rc = -EPERM;
	if (!rc && (flags & XSAN_OPEN_TRUNC) && S_ISREG(in->mode) &&
	    in->size) {
		rc = truncate_blocks(st, txn, in, 0);
		in->size = 0;
		xsan_touch(in, now, true);
		if (!rc)
			rc = xsan_inode_put(st, txn, in);
	}
out:
	return open_end(st, txn, rc, o, in, client, mask & XSAN_MAY_WRITE,
			handle, out);
}

/** xsan_tmpfile() - see store.h. */
int xsan_tmpfile(struct xsan_txn *t, const struct xsan_cred *cr,
		 const struct xsan_fid *dir, uint32_t mode, uint32_t flags,
		 uint64_t client, const struct xsan_time *now,
		 uint64_t *handle, struct xsan_attr *out)
{
	struct xsan_store *st = t->st;
	struct xsan_inode *in;
	struct xsan_open *o;
	MDB_txn *txn;
	int rc;

	rc = xsan_op_begin(t, &txn);
	if (rc)
		return rc;
	in = malloc(sizeof(*in));
	o = calloc(1, sizeof(*o));
	if (!in || !o) {
		rc = -ENOMEM;
		goto out;
	}
	rc = xsan_ns_tmpfile(st, txn, cr, dir, mode, now, in);
out:
	return open_end(st, txn, rc, o, in, client,
			(flags & XSAN_OPEN_ACCMODE) != XSAN_OPEN_RDONLY, handle,
			out);
}

/**
 * xsan_close() - CLOSE: the file's allocation session ends; the last
 * close (of every session) of a file whose last name went frees it.
 */
int xsan_close(struct xsan_txn *t, const struct xsan_fid *fid,
	       uint64_t client, uint64_t handle, struct xsan_attr *out)
{
	struct xsan_store *st = t->st;
	struct xsan_open **op, *o;
	struct xsan_asess **pp;
	bool last = true;
	int rc;

	for (op = &st->opens; (o = *op); op = &o->next) {
		if (o->handle == handle && o->ino == fid->ino &&
		    o->client == client) {
			*op = o->next;
			free(o);
			break;
		}
	}
	rc = xsan_ns_getattr(t, fid, out);
	if (rc)
		return rc;
	if (!xsan_ino_is_open(st, fid->ino) && !out->nlink) {
		MDB_txn *txn;

		rc = xsan_op_begin(t, &txn);
		if (rc)
			return rc;
		rc = xsan_op_end(txn, free_if_orphan(st, txn, fid->ino, NULL));
		if (rc)
			return rc;
	}
	for (o = st->opens; o; o = o->next)
		if (o->client == client && o->ino == fid->ino)
			last = false;
	if (!last)
		return 0;
	for (pp = &st->asess; *pp; pp = &(*pp)->next) {
		if ((*pp)->client == client && (*pp)->ino == fid->ino) {
			asess_unlink(pp);
			break;
		}
	}
	/*
	 * The grants went with the allocation session: what the client was
	 * given and did not commit can never be committed now (blocks it
	 * asked for ahead of a streaming write): back to the free map.
	 */
	if (t->write && out->nlink) {
		struct xsan_txn sub = *t;
		uint64_t n = 0;

		rc = xsan_op_begin(t, &sub.txn);
		if (rc)
			return rc;
		rc = xsan_op_end(sub.txn, release_pending(&sub, client,
							  fid->ino, &n));
		if (rc)
			return rc;
		if (n)
			rc = xsan_ns_getattr(t, fid, out);
	}
	return rc;
}

struct lg_ctx {
	struct xsan_extent *ext;
	uint32_t max, count;
	uint64_t bs;
	struct xsan_asess *as;
	bool write;
	int err;
};

static int lg_emit(void *arg, const struct xsan_ext *e, uint64_t s,
		   uint64_t end)
{
	struct lg_ctx *x = arg;
	struct xsan_extent *o;

	if (x->count == x->max)
		return 1;
	o = &x->ext[x->count++];
	o->offset = s * x->bs;
	o->length = (end - s) * x->bs;
	o->sg = e->sg;
	o->block = e->block + (s - e->fblock);
	o->flags = e->flags;
	/*
	 * Written extents are granted too: a commit that covers an overwrite
	 * as well as new blocks converts nothing there, but must not fail.
	 */
	if (x->write && x->as) {
		int rc = grant_add(x->as, s, end - s);

		if (rc)
			return rc;
	}
	return x->count == x->max;
}

/** xsan_layout_get() - LAYOUT_GET: see store.h and protocol.rst. */
int xsan_layout_get(struct xsan_txn *t, const struct xsan_cred *cr,
		    const struct xsan_fid *fid, uint64_t client, uint64_t off,
		    uint64_t len, uint32_t flags, const struct xsan_time *now,
		    struct xsan_extent *ext, uint32_t max, uint32_t *count,
		    struct xsan_attr *out)
{
	struct xsan_store *st = t->st;
	bool write = flags & XSAN_LG_WRITE;
	struct lg_ctx x = { .ext = ext, .max = max, .bs = st->geom.bsize,
			    .write = write };
	struct alloc_ctx c;
	struct xsan_inode *in;
	uint64_t fb, fe, bs = st->geom.bsize, blocks0;
	MDB_txn *txn;
	int rc;

	*count = 0;
	if (!len || off + len < off)
		return -EINVAL;
	fb = off / bs;
	fe = (off + len - 1) / bs + 1;
	rc = xsan_op_begin(t, &txn);
	if (rc)
		return rc;
	in = malloc(sizeof(*in));
	if (!in)
		return xsan_op_end(txn, -ENOMEM);
	rc = file_get(st, txn, fid, in);
	/* an open for writing predates the flag: no new blocks either */
	if (!rc && write && (in->flags & XSAN_AF_IMMUTABLE))
		rc = -EPERM;
	if (!rc && write && !open_for_write(st, client, in->ino))
		rc = xsan_permission(cr, in, XSAN_MAY_WRITE);
	if (!rc && !write && !open_for_write(st, client, in->ino))
		rc = xsan_permission(cr, in, XSAN_MAY_READ);
	if (rc)
		goto out;
	x.as = write ? asess_find(st, client, in->ino, true) : NULL;
	if (write && !x.as) {
		rc = -ENOMEM;
		goto out;
	}
	ctx_init(&c, st, txn, in, x.as);
	blocks0 = in->blocks;
	rc = walk(&c, fb, fe, write, false, 0, lg_emit, &x);
	if (!rc && in->blocks != blocks0) {
		xsan_touch(in, now, false);
		rc = xsan_inode_put(st, txn, in);
	}
out:
	if (!rc) {
		xsan_inode_attr(in, out);
		*count = x.count;
	}
	free(in);
	return xsan_op_end(txn, rc);
}

struct lc_ctx {
	uint64_t s, e;		/* the range being checked */
	uint64_t next;		/* covered up to here */
	bool ok;
};

static int lc_check(void *arg, const struct xsan_ext *e, uint64_t s,
		    uint64_t end)
{
	struct lc_ctx *x = arg;

	(void)e;
	if (s != x->next)
		x->ok = false;
	x->next = end;
	return 0;
}

/** xsan_layout_commit() - LAYOUT_COMMIT: unwritten -> written, size, mtime. */
int xsan_layout_commit(struct xsan_txn *t, const struct xsan_fid *fid,
		       uint64_t client, uint32_t flags, uint64_t size,
		       const struct xsan_time *mtime,
		       const struct xsan_range *ranges, uint32_t n,
		       const struct xsan_time *now, struct xsan_attr *out)
{
	struct xsan_store *st = t->st;
	uint64_t bs = st->geom.bsize;
	struct xsan_asess *as;
	struct alloc_ctx c;
	struct xsan_inode *in;
	MDB_txn *txn;
	uint32_t i;
	int rc;

	rc = xsan_op_begin(t, &txn);
	if (rc)
		return rc;
	in = malloc(sizeof(*in));
	if (!in)
		return xsan_op_end(txn, -ENOMEM);
	rc = file_get(st, txn, fid, in);
	/* made immutable after the writer gave its data tokens back */
	if (!rc && n && (in->flags & XSAN_AF_IMMUTABLE))
		rc = -EPERM;
	if (rc)
		goto out;
	as = asess_find(st, client, in->ino, false);
	ctx_init(&c, st, txn, in, as);
	/* all ranges are checked before any changes: nothing or everything */
	for (i = 0; i < n && !rc; i++) {
		uint64_t s = ranges[i].offset / bs;
		uint64_t e = (ranges[i].offset + ranges[i].length - 1) / bs + 1;
		struct lc_ctx x = { .s = s, .e = e, .next = s, .ok = true };

		if (!granted(as, s, e)) {
			rc = -EINVAL;
			break;
		}
		rc = walk(&c, s, e, false, false, 0, lc_check, &x);
		if (!rc && (!x.ok || x.next != e))
			rc = -EINVAL;	/* a hole in the range */
	}
	for (i = 0; i < n && !rc; i++) {
		uint64_t s = ranges[i].offset / bs;
		uint64_t e = (ranges[i].offset + ranges[i].length - 1) / bs + 1;

		rc = walk(&c, s, e, false, true, 0, NULL, NULL);
	}
	if (rc)
		goto out;
	if ((flags & XSAN_LC_SIZE) && size > in->size)
		in->size = size;
	if (flags & XSAN_LC_MTIME)
		in->mtime = *mtime;
	xsan_touch(in, now, false);
	rc = xsan_inode_put(st, txn, in);
out:
	if (!rc)
		xsan_inode_attr(in, out);
	free(in);
	return xsan_op_end(txn, rc);
}

/* PUNCH_HOLE: free whole blocks of [fb, fe). */
static int punch(struct xsan_store *st, MDB_txn *txn, struct xsan_inode *in,
		 uint64_t fb, uint64_t fe)
{
	uint64_t per = st->geom.bsize / 512;
	struct xsan_ext x;
	int f, rc;

	while (fb < fe) {
		uint64_t s, e;

		rc = ext_find(st, txn, in->ino, fb, &x, &f);
		if (rc || !f || (f == 2 && x.fblock >= fe))
			return rc;
		s = x.fblock > fb ? x.fblock : fb;
		e = x.fblock + x.len < fe ? x.fblock + x.len : fe;
		rc = ext_del(st, txn, in->ino, x.fblock);
		if (!rc && x.fblock < s) {
			struct xsan_ext head = x;

			head.len = s - x.fblock;
			rc = ext_put(st, txn, in->ino, &head);
		}
		if (!rc && e < x.fblock + x.len) {
			struct xsan_ext tail = x;

			tail.fblock = e;
			tail.block = x.block + (e - x.fblock);
			tail.len = x.fblock + x.len - e;
			rc = ext_put(st, txn, in->ino, &tail);
		}
		if (!rc)
			rc = xsan_free_insert(st, txn, x.sg,
					      x.block + (s - x.fblock), e - s);
		if (rc)
			return rc;
		in->blocks -= in->blocks < (e - s) * per ? in->blocks :
			      (e - s) * per;
		fb = e;
	}
	return 0;
}

/** xsan_fallocate() - FALLOCATE: preallocate, punch, or zero a range. */
int xsan_fallocate(struct xsan_txn *t, const struct xsan_cred *cr,
		   const struct xsan_fid *fid, uint64_t client, uint32_t mode,
		   uint64_t off, uint64_t len, const struct xsan_time *now,
		   struct xsan_attr *out)
{
	struct xsan_store *st = t->st;
	uint64_t bs = st->geom.bsize, end = off + len;
	struct alloc_ctx c;
	struct xsan_inode *in;
	MDB_txn *txn;
	int rc;

	if (!len || end < off)
		return -EINVAL;
	rc = xsan_op_begin(t, &txn);
	if (rc)
		return rc;
	in = malloc(sizeof(*in));
	if (!in)
		return xsan_op_end(txn, -ENOMEM);
	rc = file_get(st, txn, fid, in);
	/* vfs_fallocate(): none on an immutable file; on an append-only
	 * one only allocation that keeps or extends the data
	 */
	if (!rc && ((in->flags & XSAN_AF_IMMUTABLE) ||
		    ((in->flags & XSAN_AF_APPEND) &&
		     (mode & ~XSAN_FALLOC_KEEP_SIZE))))
		rc = -EPERM;
	if (!rc && !open_for_write(st, client, in->ino))
		rc = xsan_permission(cr, in, XSAN_MAY_WRITE);
	if (rc)
		goto out;
	ctx_init(&c, st, txn, in, NULL);
	if (mode & XSAN_FALLOC_PUNCH_HOLE) {
		/* partial blocks at the edges are zeroed by the client */
		rc = punch(st, txn, in, (off + bs - 1) / bs, end / bs);
		xsan_touch(in, now, true);
	} else {
		uint64_t fb = off / bs, fe = (end - 1) / bs + 1;

		if (mode & XSAN_FALLOC_ZERO_RANGE) {
			/* whole blocks read as zeros again; edges: client */
			uint64_t zb = (off + bs - 1) / bs, ze = end / bs;

			if (zb < ze)
				rc = walk(&c, zb, ze, false, true,
					  XSAN_EXT_UNWRITTEN, NULL, NULL);
			xsan_touch(in, now, true);
		}
		if (!rc)
			rc = walk(&c, fb, fe, true, false, 0, NULL, NULL);
		if (!rc)
			rc = pending_forget(st, txn, in->ino, fb, fe);
		if (!rc && !(mode & XSAN_FALLOC_KEEP_SIZE) && end > in->size) {
			in->size = end;
			xsan_touch(in, now, true);
		} else if (!rc) {
			xsan_touch(in, now, false);
		}
	}
	if (!rc)
		rc = xsan_inode_put(st, txn, in);
out:
	if (!rc)
		xsan_inode_attr(in, out);
	free(in);
	return xsan_op_end(txn, rc);
}
