// SPDX-License-Identifier: GPL-2.0
/*
 * The LUN table: each LUN of the volume as mkfs.xsanfs labelled and
 * assigned it, kept in meta key "luns" so the MDC can serve it
 * (DISK_TABLE) and a client can check every LUN header it opens against
 * the MDC's word rather than its own probing. Written once at format;
 * Documentation/metadata-format.rst ("luns") gives the bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "xsanfs/disk.h"

#define LUN_REC		80u	/* one LUN in meta "luns" */

static bool uuid_zero(const uint8_t *u)
{
	static const uint8_t zero[XSAN_UUID_SIZE];

	return !memcmp(u, zero, XSAN_UUID_SIZE);
}

/* One entry as a LUN header could hold it (fs/lunhdr.c's rules). */
static bool lun_ok(const struct xsan_store_lun *l)
{
	return l->sectors && l->sector_size >= XSAN_LUN_SECTOR_MIN &&
	       l->sector_size <= XSAN_LUN_SECTOR_MAX &&
	       !(l->sector_size & (l->sector_size - 1)) &&
	       !uuid_zero(l->uuid) &&
	       xsan_lun_label_ok(l->label, strnlen(l->label, XSAN_LUN_LABEL_MAX + 1));
}

static int lun_cmp(const void *a, const void *b)
{
	const struct xsan_store_lun *x = a, *y = b;

	if (x->sg != y->sg)
		return x->sg < y->sg ? -1 : 1;
	return x->ordinal < y->ordinal ? -1 : x->ordinal > y->ordinal;
}

/*
 * A table sorted by (sg, ordinal): every entry valid, no LUN twice (by
 * position or by uuid), and, unless empty, exactly the LUNs the stripe
 * group table counts: a client that finds a LUN missing must not mount.
 */
static int luns_check(const struct xsan_store_geom *g,
		      const struct xsan_store_lun *l, uint32_t n)
{
	if (n > XSAN_STORE_MAX_LUN)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		if (!lun_ok(&l[i]) || (i && lun_cmp(&l[i - 1], &l[i]) >= 0))
			return -EINVAL;
		for (uint32_t j = 0; j < i; j++)
			if (!memcmp(l[j].uuid, l[i].uuid, XSAN_UUID_SIZE))
				return -EINVAL;
	}
	if (!n)
		return 0;
	for (uint32_t s = 0; s < g->nsgs; s++) {
		uint32_t have = 0;

		for (uint32_t i = 0; i < n; i++)
			have += l[i].sg == g->sgs[s].index;
		if (have != g->sgs[s].nluns)
			return -EINVAL;
	}
	return 0;
}

/**
 * xsan_luns_sorted() - check a new volume's LUN table
 * @g: the prepared geometry, @g->luns / @g->nluns in any order
 * @out: a sorted copy (malloc'd, free() it), NULL when @g->nluns is 0
 *
 * Return: 0, -EINVAL for a table luns_check() refuses, or -ENOMEM.
 */
int xsan_luns_sorted(const struct xsan_store_geom *g,
		     struct xsan_store_lun **out)
{
	struct xsan_store_lun *l;

	*out = NULL;
	if (g->nluns > XSAN_STORE_MAX_LUN || (g->nluns && !g->luns))
		return -EINVAL;
	if (!g->nluns)
		return luns_check(g, NULL, 0);
	l = malloc((size_t)g->nluns * sizeof(*l));
	if (!l)
		return -ENOMEM;
	memcpy(l, g->luns, (size_t)g->nluns * sizeof(*l));
	qsort(l, g->nluns, sizeof(*l), lun_cmp);
	if (luns_check(g, l, g->nluns)) {
		free(l);
		return -EINVAL;
	}
	*out = l;
	return 0;
}

/**
 * xsan_luns_put() - write a new volume's LUN table (format time)
 * @st: the store being formatted
 * @txn: its write transaction
 * @g: the prepared geometry, @g->luns / @g->nluns in any order
 *
 * Return: 0, -EINVAL for a table luns_check() refuses, or an errno.
 */
int xsan_luns_put(struct xsan_store *st, MDB_txn *txn,
		  const struct xsan_store_geom *g)
{
	struct xsan_store_lun *l;
	size_t size = 4 + (size_t)g->nluns * LUN_REC;
	MDB_val k = { 4, "luns" }, v;
	uint8_t *b;
	int rc;

	rc = xsan_luns_sorted(g, &l);
	if (rc)
		return rc;
	b = calloc(1, size);
	if (!b) {
		free(l);
		return -ENOMEM;
	}
	xsan_put_le32(b, g->nluns);
	for (uint32_t i = 0; i < g->nluns; i++) {
		uint8_t *p = b + 4 + (size_t)i * LUN_REC;

		xsan_put_le32(p, l[i].sg);
		xsan_put_le32(p + 4, l[i].ordinal);
		xsan_put_le64(p + 8, l[i].sectors);
		xsan_put_le32(p + 16, l[i].sector_size);
		/* p + 20: 4 bytes reserved, zero */
		memcpy(p + 24, l[i].uuid, XSAN_UUID_SIZE);
		memcpy(p + 40, l[i].label, strnlen(l[i].label, XSAN_LUN_LABEL_MAX));
	}
	v.mv_size = size;
	v.mv_data = b;
	rc = xsan_mdb_err(mdb_put(txn, st->meta, &k, &v, 0));
	free(b);
	free(l);
	return rc;
}

/*
 * Read and check the table in @txn. Format 2 stores predate it: they
 * read as an empty table (the volume's LUNs are unknown to the MDC).
 * @out may be NULL to check only.
 */
int xsan_luns_get(struct xsan_store *st, MDB_txn *txn,
		  struct xsan_store_lun **out, uint32_t *n)
{
	MDB_val k = { 4, "luns" }, v;
	struct xsan_store_lun *l;
	const uint8_t *b;
	uint32_t cnt;
	int rc;

	if (out)
		*out = NULL;
	*n = 0;
	rc = mdb_get(txn, st->meta, &k, &v);
	if (rc == MDB_NOTFOUND && st->format < 3)
		return 0;
	if (rc)
		return rc == MDB_NOTFOUND ? -EIO : xsan_mdb_err(rc);
	b = v.mv_data;
	if (v.mv_size < 4)
		return -EIO;
	cnt = xsan_get_le32(b);
	if (cnt > XSAN_STORE_MAX_LUN || v.mv_size != 4 + (size_t)cnt * LUN_REC)
		return -EIO;
	l = calloc(cnt ? cnt : 1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	for (uint32_t i = 0; i < cnt; i++) {
		const uint8_t *p = b + 4 + (size_t)i * LUN_REC;

		l[i].sg = xsan_get_le32(p);
		l[i].ordinal = xsan_get_le32(p + 4);
		l[i].sectors = xsan_get_le64(p + 8);
		l[i].sector_size = xsan_get_le32(p + 16);
		memcpy(l[i].uuid, p + 24, XSAN_UUID_SIZE);
		/* the field holds at most 36 characters, NUL padded */
		memcpy(l[i].label, p + 40, XSAN_LUN_LABEL_MAX);
		l[i].label[XSAN_LUN_LABEL_MAX] = '\0';
		/* reserved bytes and the label field's last 4 are zero */
		if (xsan_get_le32(p + 20) || xsan_get_le32(p + 40 + XSAN_LUN_LABEL_MAX)) {
			free(l);
			return -EIO;
		}
	}
	if (luns_check(&st->geom, l, cnt)) {
		free(l);
		return -EIO;
	}
	*n = cnt;
	if (out)
		*out = l;
	else
		free(l);
	return 0;
}

/**
 * xsan_store_luns() - the LUN table mkfs recorded
 * See store.h.
 */
int xsan_store_luns(struct xsan_txn *t, struct xsan_store_lun **out,
		    uint32_t *n)
{
	return xsan_luns_get(t->st, t->txn, out, n);
}
