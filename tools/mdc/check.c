// SPDX-License-Identifier: GPL-2.0
/*
 * The consistency checker (fsck.xsanfs): reads every table of a store in
 * one transaction and compares them with each other, e2fsck style. Each
 * problem is one line; with repair each is fixed in place, in the same
 * transaction, and committed once at the end, so an interrupted repair
 * changes nothing. Orphans go to /lost+found as "#INO".
 *
 * Passes: 1 inodes, 2 next inode number and free list, 3 directory
 * entries (dangling, wrong type, second parents, READDIR index), 4 the
 * READDIR index against the entries, 5 parent pointers, 6 reachability
 * from the root (orphans, loops; an inode with no link at all was
 * unlinked while open and is left for xsanmdc to free after its next
 * start, once the clients of before cannot reclaim it), 7 link
 * counts, 8 space: every block of a user data stripe group is free or in
 * exactly one file's extent, 9 ACLs: an inode's ACL flags and its ACL
 * xattrs agree, and those xattrs are valid.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "store_int.h"

/* One inode as the checker sees it. */
struct ck_ino {
	uint64_t ino, parent, seq;
	uint64_t eparent;	/* directory holding its (first good) entry */
	uint64_t links;		/* good entries naming it */
	uint64_t subdirs;	/* directories: good entries of subdirectories */
	uint32_t gen, mode, nlink;
	uint32_t flags;		/* XSAN_AF_*: the ACLs its record says it has */
	uint32_t walk;		/* pass 6: id of the last walk that visited it */
	uint64_t blocks;	/* 512-byte units the inode records */
	uint64_t ublocks;	/* pass 8: 512-byte units its extents hold */
	bool reached;
};

/* A directory entry to delete after a scan. */
struct ck_del {
	uint64_t dir, seq;
	uint32_t len;
	char name[XSAN_NAME_MAX];
};

struct ck {
	struct xsan_store *st;
	MDB_txn *txn;
	bool repair;
	FILE *out;
	struct ck_ino *v;
	size_t n, cap;
	struct ck_del *del;
	size_t ndel, capdel;
	unsigned int problems, fixed;
	uint64_t lf;		/* lost+found, 0 until found or made */
	bool lf_bad;
};

/* Report a problem; with repair, the caller fixes it. */
__attribute__((format(printf, 2, 3)))
static void problem(struct ck *c, const char *fmt, ...)
{
	va_list ap;

	c->problems++;
	if (c->repair)
		c->fixed++;
	if (!c->out)
		return;
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputs(c->repair ? ". Fixed.\n" : ".\n", c->out);
}

/* A problem repair cannot fix. */
__attribute__((format(printf, 2, 3)))
static void unfixable(struct ck *c, const char *fmt, ...)
{
	va_list ap;

	c->problems++;
	if (!c->out)
		return;
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputs(". Not fixed.\n", c->out);
}

static struct ck_ino *find(struct ck *c, uint64_t ino)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->v[mid].ino == ino)
			return &c->v[mid];
		if (c->v[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Add @in to the table in ino order; pointers into it become stale. */
static int add(struct ck *c, const struct xsan_inode *in)
{
	size_t i = c->n;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		struct ck_ino *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	while (i > 0 && c->v[i - 1].ino > in->ino)
		i--;
	memmove(&c->v[i + 1], &c->v[i], (c->n - i) * sizeof(*c->v));
	c->n++;
	c->v[i] = (struct ck_ino){
		.ino = in->ino, .parent = in->parent, .seq = in->seq,
		.gen = in->gen, .mode = in->mode, .nlink = in->nlink,
		.blocks = in->blocks, .flags = in->flags,
	};
	return 0;
}

static int queue_del(struct ck *c, uint64_t dir, const char *name,
		     uint32_t len, uint64_t seq)
{
	struct ck_del *d;

	if (c->ndel == c->capdel) {
		size_t cap = c->capdel ? c->capdel * 2 : 64;

		d = realloc(c->del, cap * sizeof(*d));
		if (!d)
			return -ENOMEM;
		c->del = d;
		c->capdel = cap;
	}
	d = &c->del[c->ndel++];
	d->dir = dir;
	d->seq = seq;
	d->len = len;
	memcpy(d->name, name, len);
	return 0;
}

/* Delete a raw key of @dbi. */
static int del_key(struct ck *c, MDB_dbi dbi, const void *key, size_t len)
{
	MDB_val k = { len, (void *)key };
	int rc = mdb_del(c->txn, dbi, &k, NULL);

	return rc == MDB_NOTFOUND ? 0 : xsan_mdb_err(rc);
}

/* Delete the queued entries, and their index entries when they match. */
static int flush_del(struct ck *c, MDB_dbi dbi)
{
	uint8_t kb[8 + XSAN_NAME_MAX];
	int rc = 0;

	for (size_t i = 0; i < c->ndel && !rc; i++) {
		struct ck_del *d = &c->del[i];
		MDB_val k = { 16, kb }, v;

		xsan_put_be64(kb, d->dir);
		if (dbi == c->st->dirseq) {
			xsan_put_be64(kb + 8, d->seq);
			rc = del_key(c, dbi, kb, 16);
			continue;
		}
		memcpy(kb + 8, d->name, d->len);
		rc = del_key(c, dbi, kb, 8 + d->len);
		if (rc || !d->seq)
			continue;
		xsan_put_be64(kb + 8, d->seq);
		rc = mdb_get(c->txn, c->st->dirseq, &k, &v);
		if (!rc && v.mv_size == d->len && !memcmp(v.mv_data, d->name, d->len))
			rc = del_key(c, c->st->dirseq, kb, 16);
		else
			rc = rc == MDB_NOTFOUND ? 0 : xsan_mdb_err(rc);
	}
	c->ndel = 0;
	return rc;
}

/* Read-modify-write of one inode record. */
static int fix_inode(struct ck *c, uint64_t ino, uint32_t *nlink,
		     uint64_t *parent, uint64_t *seq)
{
	struct xsan_inode *in = malloc(sizeof(*in));
	int rc;

	if (!in)
		return -ENOMEM;
	rc = xsan_inode_get(c->st, c->txn, ino, in);
	if (!rc) {
		if (nlink)
			in->nlink = *nlink;
		if (parent)
			in->parent = *parent;
		if (seq)
			in->seq = *seq;
		rc = xsan_inode_put(c->st, c->txn, in);
	}
	free(in);
	return rc;
}

/* Pass 1: load every inode; drop records that do not decode. */
static int pass_inodes(struct ck *c)
{
	struct xsan_inode *in = malloc(sizeof(*in));
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if (!in)
		return -ENOMEM;
	rc = mdb_cursor_open(c->txn, c->st->inodes, &cur);
	if (rc) {
		free(in);
		return xsan_mdb_err(rc);
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		uint64_t ino = k.mv_size == 8 ? xsan_get_be64(k.mv_data) : 0;

		if (ino && !xsan_inode_decode(ino, &v, in)) {
			rc = add(c, in);
			if (rc)
				break;
			continue;
		}
		problem(c, "Inode %llu has a damaged record; clearing it",
			(unsigned long long)ino);
		if (c->repair && (rc = mdb_cursor_del(cur, 0)))
			break;
	}
	mdb_cursor_close(cur);
	free(in);
	if (rc && rc != MDB_NOTFOUND)
		return rc < 0 ? rc : xsan_mdb_err(rc);
	return 0;
}

/* Pass 2: the next inode number and the free list. */
static int pass_free(struct ck *c)
{
	uint64_t next, max = c->n ? c->v[c->n - 1].ino : 0;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	rc = xsan_meta_get_u64(c->st, c->txn, "next_ino", &next);
	if (rc)
		return rc;
	if (next <= max) {
		problem(c, "Next inode number %llu is not above inode %llu in use",
			(unsigned long long)next, (unsigned long long)max);
		if (c->repair && (rc = xsan_meta_put_u64(c->st, c->txn, "next_ino", max + 1)))
			return rc;
	}
	rc = mdb_cursor_open(c->txn, c->st->freeino, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		uint64_t ino = k.mv_size == 8 ? xsan_get_be64(k.mv_data) : 0;

		if (k.mv_size == 8 && v.mv_size == 4 && !find(c, ino) &&
		    ino != XSAN_ROOT_INO && ino)
			continue;
		if (k.mv_size == 8 && v.mv_size == 4)
			problem(c, "Inode %llu is in use but on the free list",
				(unsigned long long)ino);
		else
			problem(c, "Damaged free list record");
		if (c->repair && (rc = mdb_cursor_del(cur, 0)))
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : xsan_mdb_err(rc);
}

/*
 * Is the entry @d in directory @dir one that counts? Used by pass 3 to
 * judge and by pass 6 to walk, so both agree in check-only mode too.
 */
static const char *entry_fault(struct ck *c, uint64_t dir,
			       const struct xsan_dent *d, struct ck_ino **childp)
{
	struct ck_ino *p = find(c, dir), *ch = find(c, d->ino);

	*childp = ch;
	if (!p)
		return "is in missing directory";
	if (!S_ISDIR(p->mode))
		return "is in a non-directory";
	if (!ch || ch->gen != d->gen)
		return "points to missing inode";
	if (xsan_dt_of(ch->mode) != d->type)
		return "has the wrong type for inode";
	if (ch->ino == XSAN_ROOT_INO)
		return "points to the root directory";
	return NULL;
}

/* Pass 3: every directory entry. */
static int pass_dirents(struct ck *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	rc = mdb_cursor_open(c->txn, c->st->dirents, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const char *name;
		uint32_t len;
		uint8_t sb[16];
		MDB_val sk = { 16, sb }, sv;
		struct xsan_dent d;
		struct ck_ino *ch, *p;
		const char *why;
		uint64_t dir;

		if (k.mv_size <= 8 || k.mv_size > 8 + XSAN_NAME_MAX ||
		    xsan_dent_decode(&v, &d)) {
			problem(c, "Damaged directory entry record; clearing it");
			if (c->repair && (rc = mdb_cursor_del(cur, 0)))
				break;
			continue;
		}
		dir = xsan_get_be64(k.mv_data);
		name = (const char *)k.mv_data + 8;
		len = (uint32_t)k.mv_size - 8;
		why = entry_fault(c, dir, &d, &ch);
		if (!why && S_ISDIR(ch->mode) && ch->eparent)
			why = "is a second parent of directory";
		if (why) {
			problem(c, "Entry '%.*s' in directory %llu %s %llu; clearing it",
				(int)len, name, (unsigned long long)dir, why,
				(unsigned long long)d.ino);
			if (c->repair && (rc = queue_del(c, dir, name, len, d.seq)))
				break;
			continue;
		}
		ch->links++;
		p = find(c, dir);
		if (S_ISDIR(ch->mode)) {
			ch->eparent = dir;
			p->subdirs++;
		}
		xsan_put_be64(sb, dir);
		xsan_put_be64(sb + 8, d.seq);
		rc = mdb_get(c->txn, c->st->dirseq, &sk, &sv);
		if (rc && rc != MDB_NOTFOUND)
			break;
		if (rc || sv.mv_size != len || memcmp(sv.mv_data, name, len)) {
			problem(c, "Entry '%.*s' in directory %llu is missing from the READDIR index; adding it",
				(int)len, name, (unsigned long long)dir);
			sv.mv_size = len;
			sv.mv_data = (void *)name;
			if (c->repair && (rc = mdb_put(c->txn, c->st->dirseq, &sk, &sv, 0)))
				break;
		}
		rc = 0;
		if (d.seq >= p->seq) {
			problem(c, "Directory %llu's next entry number %llu is not above entry '%.*s' (%llu)",
				(unsigned long long)dir, (unsigned long long)p->seq,
				(int)len, name, (unsigned long long)d.seq);
			p->seq = d.seq + 1;
			if (c->repair && (rc = fix_inode(c, dir, NULL, NULL, &p->seq)))
				break;
		}
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return rc < 0 ? rc : xsan_mdb_err(rc);
	return flush_del(c, c->st->dirents);
}

/* Pass 4: every READDIR index entry must name an entry with its number. */
static int pass_dirseq(struct ck *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	rc = mdb_cursor_open(c->txn, c->st->dirseq, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct xsan_dent d;
		uint64_t dir, seq;
		int r = -EIO;

		if (k.mv_size != 16) {
			problem(c, "Damaged READDIR index record; clearing it");
			if (c->repair && (rc = mdb_cursor_del(cur, 0)))
				break;
			continue;
		}
		dir = xsan_get_be64(k.mv_data);
		seq = xsan_get_be64((uint8_t *)k.mv_data + 8);
		if (v.mv_size && v.mv_size <= XSAN_NAME_MAX)
			r = xsan_dent_get(c->st, c->txn, dir, v.mv_data,
					  (uint32_t)v.mv_size, &d);
		if (r && r != -ENOENT && r != -EIO) {
			rc = r;
			break;
		}
		if (!r && d.seq == seq)
			continue;
		problem(c, "READDIR index entry %llu of directory %llu names no entry; clearing it",
			(unsigned long long)seq, (unsigned long long)dir);
		if (c->repair && (rc = queue_del(c, dir, "", 0, seq)))
			break;
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return rc < 0 ? rc : xsan_mdb_err(rc);
	return flush_del(c, c->st->dirseq);
}

/* Pass 5: a directory's parent pointer names the directory holding it. */
static int pass_parents(struct ck *c)
{
	int rc;

	for (size_t i = 0; i < c->n; i++) {
		struct ck_ino *in = &c->v[i];
		uint64_t want = in->ino == XSAN_ROOT_INO ? XSAN_ROOT_INO : in->eparent;

		if (!S_ISDIR(in->mode) || !want || in->parent == want)
			continue;
		problem(c, "Directory %llu has parent %llu but its entry is in %llu",
			(unsigned long long)in->ino, (unsigned long long)in->parent,
			(unsigned long long)want);
		in->parent = want;
		if (c->repair && (rc = fix_inode(c, in->ino, NULL, &want, NULL)))
			return rc;
	}
	return 0;
}

/* Mark everything reachable from directory @top. */
static int walk(struct ck *c, uint64_t top)
{
	uint64_t *q, qn = 0, qcap = 64;
	int rc = 0;

	q = malloc(qcap * sizeof(*q));
	if (!q)
		return -ENOMEM;
	q[qn++] = top;
	find(c, top)->reached = true;
	while (qn && !rc) {
		uint64_t dir = q[--qn];
		uint8_t kb[8];
		MDB_val k = { 8, kb }, v;
		MDB_cursor *cur;

		xsan_put_be64(kb, dir);
		rc = mdb_cursor_open(c->txn, c->st->dirents, &cur);
		if (rc) {
			rc = xsan_mdb_err(rc);
			break;
		}
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); !rc;
		     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			struct ck_ino *ch;
			struct xsan_dent d;

			if (k.mv_size <= 8 || xsan_get_be64(k.mv_data) != dir)
				break;
			if (xsan_dent_decode(&v, &d) || entry_fault(c, dir, &d, &ch))
				continue;
			if (S_ISDIR(ch->mode) && ch->eparent != dir)
				continue;
			if (ch->reached)
				continue;
			ch->reached = true;
			if (!S_ISDIR(ch->mode))
				continue;
			if (qn == qcap) {
				uint64_t *nq = realloc(q, 2 * qcap * sizeof(*q));

				if (!nq) {
					rc = ENOMEM;
					break;
				}
				q = nq;
				qcap *= 2;
			}
			q[qn++] = ch->ino;
		}
		mdb_cursor_close(cur);
		rc = rc == MDB_NOTFOUND ? 0 : rc > 0 ? xsan_mdb_err(rc) : rc;
	}
	free(q);
	return rc;
}

/* Find or make /lost+found (mode 0700); 0 if there is none to use. */
static int lost_found(struct ck *c)
{
	struct xsan_inode *root, *lf;
	struct xsan_time now = { 0 };
	struct xsan_dent d;
	int rc;

	if (c->lf || c->lf_bad)
		return 0;
	rc = xsan_dent_get(c->st, c->txn, XSAN_ROOT_INO, "lost+found", 10, &d);
	if (!rc) {
		struct ck_ino *in = find(c, d.ino);

		if (in && S_ISDIR(in->mode) && in->eparent == XSAN_ROOT_INO)
			c->lf = d.ino;
		else
			c->lf_bad = true;
		return 0;
	}
	if (rc != -ENOENT)
		return rc;
	if (!c->repair)
		return 0;
	root = calloc(2, sizeof(*root));
	if (!root)
		return -ENOMEM;
	lf = root + 1;
	rc = xsan_inode_get(c->st, c->txn, XSAN_ROOT_INO, root);
	if (!rc)
		rc = xsan_ino_alloc(c->st, c->txn, &lf->ino, &lf->gen);
	if (rc)
		goto out;
	now.sec = root->mtime.sec;
	lf->mode = S_IFDIR | 0700;
	lf->nlink = 2;
	lf->atime = lf->mtime = lf->ctime = now;
	lf->change = 1;
	lf->parent = XSAN_ROOT_INO;
	lf->seq = 1;
	rc = xsan_dent_add(c->st, c->txn, root, "lost+found", 10, lf);
	if (!rc) {
		root->nlink++;
		root->change++;
		rc = xsan_inode_put(c->st, c->txn, root);
	}
	if (!rc)
		rc = xsan_inode_put(c->st, c->txn, lf);
	if (!rc)
		rc = add(c, lf);
	if (!rc) {
		struct ck_ino *n = find(c, lf->ino), *r = find(c, XSAN_ROOT_INO);

		n->eparent = XSAN_ROOT_INO;
		n->links = 1;
		n->reached = true;
		r->subdirs++;
		r->nlink++;
		c->lf = lf->ino;
	}
out:
	free(root);
	return rc;
}

/* Link orphan @ino into lost+found as "#INO". */
static int adopt(struct ck *c, uint64_t ino)
{
	struct xsan_inode *lf, *in;
	struct ck_ino *ci, *cl;
	char name[32];
	int rc, len;

	if (!c->repair) {
		/* Count it as repair would, so both modes agree on nlinks. */
		find(c, ino)->links++;
		return 0;
	}
	rc = lost_found(c);
	if (rc)
		return rc;
	if (!c->lf) {
		c->fixed--;
		if (c->out)
			fprintf(c->out, "No usable /lost+found to put inode %llu in\n",
				(unsigned long long)ino);
		return 0;
	}
	lf = malloc(2 * sizeof(*lf));
	if (!lf)
		return -ENOMEM;
	in = lf + 1;
	len = snprintf(name, sizeof(name), "#%llu", (unsigned long long)ino);
	rc = xsan_inode_get(c->st, c->txn, c->lf, lf);
	if (!rc)
		rc = xsan_inode_get(c->st, c->txn, ino, in);
	if (!rc)
		rc = xsan_dent_add(c->st, c->txn, lf, name, (uint32_t)len, in);
	if (!rc && S_ISDIR(in->mode)) {
		/* Its ".." is a link of lost+found: keep that count right. */
		in->parent = c->lf;
		lf->nlink++;
		rc = xsan_inode_put(c->st, c->txn, in);
	}
	if (!rc)
		rc = xsan_inode_put(c->st, c->txn, lf);
	if (!rc) {
		ci = find(c, ino);
		cl = find(c, c->lf);
		ci->links++;
		if (S_ISDIR(ci->mode)) {
			ci->eparent = c->lf;
			ci->parent = c->lf;
			cl->subdirs++;
			cl->nlink++;
		}
	}
	free(lf);
	return rc;
}

/* Drop the entry of directory @ino in its parent: it closes a loop. */
static int cut_loop(struct ck *c, struct ck_ino *in)
{
	uint8_t kb[8];
	MDB_val k = { 8, kb }, v;
	MDB_cursor *cur;
	struct xsan_dent d;
	uint64_t dir = in->eparent;
	int rc;

	if (!c->repair)
		goto count;
	xsan_put_be64(kb, dir);
	rc = mdb_cursor_open(c->txn, c->st->dirents, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size <= 8 || xsan_get_be64(k.mv_data) != dir) {
			rc = MDB_NOTFOUND;
			break;
		}
		if (!xsan_dent_decode(&v, &d) && d.ino == in->ino)
			break;
	}
	if (!rc)
		rc = queue_del(c, dir, (const char *)k.mv_data + 8,
			       (uint32_t)k.mv_size - 8, d.seq);
	mdb_cursor_close(cur);
	if (rc)
		return rc < 0 ? rc : xsan_mdb_err(rc);
	rc = flush_del(c, c->st->dirents);
	if (rc)
		return rc;
count:
	find(c, dir)->subdirs--;
	in->links--;
	in->eparent = 0;
	return 0;
}

/* Pass 6: everything must be reachable from the root. */
static int pass_reach(struct ck *c)
{
	uint32_t walkid = 0;
	int rc;

	rc = walk(c, XSAN_ROOT_INO);
	/* Directories first: connecting one reaches the files inside. */
	for (int files = 0; files < 2 && !rc; files++) {
		for (size_t i = 0; i < c->n && !rc; i++) {
			struct ck_ino *in = &c->v[i], *x;
			uint64_t ino = in->ino;

			if (in->reached || S_ISDIR(in->mode) == files)
				continue;
			/*
			 * No link at all: unlinked while a client had it
			 * open when the MDC stopped. Not an orphan: the
			 * MDC frees it after its next start, at the end of
			 * the grace window, unless that client reclaims it.
			 */
			if (!in->nlink && !in->links) {
				if (c->out)
					fprintf(c->out, "Inode %llu has no link (unlinked while open); xsanmdc frees it after its next start unless a client reclaims it\n",
						(unsigned long long)ino);
				in->reached = true;
				continue;
			}
			if (files) {
				problem(c, "Inode %llu is not in any directory; moving it to /lost+found",
					(unsigned long long)ino);
				rc = adopt(c, ino);
				find(c, ino)->reached = true;
				continue;
			}
			/* Climb to the top of its subtree, or around a loop. */
			walkid++;
			x = in;
			x->walk = walkid;
			while (x->eparent) {
				struct ck_ino *p = find(c, x->eparent);

				if (p->reached)
					break;
				if (p->walk == walkid) {
					x = p;
					break;
				}
				p->walk = walkid;
				x = p;
			}
			if (x->eparent) {
				problem(c, "Directory %llu is in a directory loop; moving it to /lost+found",
					(unsigned long long)x->ino);
				ino = x->ino;
				rc = cut_loop(c, x);
			} else {
				problem(c, "Directory %llu is not connected to the root; moving it to /lost+found",
					(unsigned long long)x->ino);
				ino = x->ino;
			}
			if (!rc)
				rc = adopt(c, ino);
			if (!rc)
				rc = walk(c, ino);
		}
	}
	return rc;
}

/* Pass 7: link counts. */
static int pass_nlink(struct ck *c)
{
	int rc;

	for (size_t i = 0; i < c->n; i++) {
		struct ck_ino *in = &c->v[i];
		uint64_t want = S_ISDIR(in->mode) ? 2 + in->subdirs : in->links;
		uint32_t n;

		if (in->nlink == want)
			continue;
		if (want > UINT32_MAX) {
			unfixable(c, "Inode %llu has %llu links",
				  (unsigned long long)in->ino, (unsigned long long)want);
			continue;
		}
		problem(c, "Inode %llu has link count %u, should be %llu",
			(unsigned long long)in->ino, in->nlink, (unsigned long long)want);
		n = (uint32_t)want;
		in->nlink = n;
		if (c->repair && (rc = fix_inode(c, in->ino, &n, NULL, NULL)))
			return rc;
	}
	return 0;
}

/* Pass 8: one file extent as the checker sees it. */
struct ck_ext {
	uint32_t sg;
	uint64_t start, len, ino;
};

static int ext_cmp(const void *a, const void *b)
{
	const struct ck_ext *x = a, *y = b;

	if (x->sg != y->sg)
		return x->sg < y->sg ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Pass 8a: the extents of live inodes (others are deleted on repair). */
static int space_extents(struct ck *c, struct ck_ext **out, size_t *nout)
{
	uint64_t per = c->st->geom.bsize / 512;
	struct ck_ext *v = NULL;
	size_t n = 0, cap = 0;
	MDB_cursor *cur;
	MDB_val k, val;
	int rc;

	rc = mdb_cursor_open(c->txn, c->st->extents, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	for (rc = mdb_cursor_get(cur, &k, &val, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(cur, &k, &val, MDB_NEXT)) {
		const struct xsan_store_sg *g;
		struct ck_ino *in;
		struct xsan_ext e;
		uint64_t ino;

		if (xsan_ext_decode(&k, &val, &ino, &e)) {
			problem(c, "Damaged extent record; deleting it");
			goto drop;
		}
		in = find(c, ino);
		if (!in || !S_ISREG(in->mode)) {
			problem(c, "Extent at file block %llu of %s inode %llu; freeing it",
				(unsigned long long)e.fblock, in ? "non-file" : "missing",
				(unsigned long long)ino);
			goto drop;
		}
		g = xsan_sg_find(c->st, e.sg);
		if (!g || !(g->flags & XSAN_SG_USERDATA) || e.block >= g->blocks ||
		    e.len > g->blocks - e.block || e.fblock + e.len < e.fblock) {
			problem(c, "Extent of inode %llu at file block %llu lies outside stripe group %u; deleting it",
				(unsigned long long)ino, (unsigned long long)e.fblock, e.sg);
			goto drop;
		}
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 1024;
			struct ck_ext *nv = realloc(v, ncap * sizeof(*v));

			if (!nv) {
				rc = -ENOMEM;
				break;
			}
			v = nv;
			cap = ncap;
		}
		v[n++] = (struct ck_ext){ e.sg, e.block, e.len, ino };
		in->ublocks += e.len * per;
		continue;
drop:
		if (c->repair && (rc = mdb_cursor_del(cur, 0)))
			break;
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND) {
		free(v);
		return rc < 0 ? rc : xsan_mdb_err(rc);
	}
	if (n)
		qsort(v, n, sizeof(*v), ext_cmp);
	*out = v;
	*nout = n;
	return 0;
}

/*
 * Pass 8b: the free map of group @g against the used extents @u (sorted,
 * of this group). Any disagreement: with repair the map is rebuilt as the
 * complement of what files hold, so no block is both, none is lost.
 */
static int space_group(struct ck *c, const struct xsan_store_sg *g,
		       const struct ck_ext *u, size_t nu)
{
	uint8_t kb[XSAN_FREE_KEY], lb[XSAN_FREELEN_KEY];
	uint64_t nfree = 0, nused = 0, prev_end = 0, counter = 0;
	uint64_t (*used)[2] = NULL;
	size_t i = 0, nfe = 0, nle = 0;
	bool bad = false, have_prev = false;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	/* used against used: a block in two files cannot be repaired here */
	for (size_t j = 1; j < nu; j++)
		if (u[j].start < u[j - 1].start + u[j - 1].len)
			unfixable(c, "Blocks %llu.. of stripe group %u are in inodes %llu and %llu",
				  (unsigned long long)u[j].start, g->index,
				  (unsigned long long)u[j - 1].ino,
				  (unsigned long long)u[j].ino);
	for (size_t j = 0; j < nu; j++)
		nused += u[j].len;

	kb[0] = (uint8_t)(g->index >> 24);
	kb[1] = (uint8_t)(g->index >> 16);
	kb[2] = (uint8_t)(g->index >> 8);
	kb[3] = (uint8_t)g->index;
	xsan_put_be64(kb + 4, 0);
	rc = mdb_cursor_open(c->txn, c->st->free, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	k = (MDB_val){ sizeof(kb), kb };
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	     !rc && k.mv_size >= 4 && !memcmp(k.mv_data, kb, 4);
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		uint64_t s, len;
		MDB_val lk = { sizeof(lb), lb }, lv;

		nfe++;
		if (k.mv_size != XSAN_FREE_KEY || v.mv_size != 8) {
			bad = true;
			continue;
		}
		s = xsan_get_be64((const uint8_t *)k.mv_data + 4);
		len = xsan_get_le64(v.mv_data);
		if (!len || s >= g->blocks || len > g->blocks - s ||
		    (have_prev && s <= prev_end)) {
			bad = true;
			continue;
		}
		have_prev = true;
		prev_end = s + len;
		nfree += len;
		/* free against used: both cursors move forward */
		while (i < nu && u[i].start + u[i].len <= s)
			i++;
		if (i < nu && u[i].start < s + len) {
			if (c->out)
				fprintf(c->out, "Blocks %llu.. of stripe group %u are free and used by inode %llu\n",
					(unsigned long long)(u[i].start > s ? u[i].start : s),
					g->index, (unsigned long long)u[i].ino);
			bad = true;
		}
		memcpy(lb, kb, 4);
		xsan_put_be64(lb + 4, len);
		xsan_put_be64(lb + 12, s);
		if (mdb_get(c->txn, c->st->freelen, &lk, &lv))
			bad = true;
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return xsan_mdb_err(rc);
	/* the size index holds exactly the free extents */
	rc = mdb_cursor_open(c->txn, c->st->freelen, &cur);
	if (rc)
		return xsan_mdb_err(rc);
	k = (MDB_val){ 4, kb };
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	     !rc && k.mv_size >= 4 && !memcmp(k.mv_data, kb, 4);
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		nle++;
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return xsan_mdb_err(rc);
	rc = 0;
	if (nle != nfe)
		bad = true;
	if (!bad && nfree + nused != g->blocks) {
		if (c->out)
			fprintf(c->out, "Stripe group %u: %llu free + %llu used != %llu blocks\n",
				g->index, (unsigned long long)nfree,
				(unsigned long long)nused,
				(unsigned long long)g->blocks);
		bad = true;
	}
	if (xsan_sgfree_get(c->st, c->txn, g->index, &counter) || counter != nfree)
		bad = true;
	if (!bad)
		return 0;
	problem(c, "Free space map of stripe group %u is wrong; rebuilding it from the files' extents",
		g->index);
	if (!c->repair)
		return 0;
	used = malloc((nu ? nu : 1) * sizeof(*used));
	if (!used)
		return -ENOMEM;
	for (size_t j = 0; j < nu; j++) {
		used[j][0] = u[j].start;
		used[j][1] = u[j].start + u[j].len;
	}
	rc = xsan_space_rebuild(c->st, c->txn, g->index,
				(const uint64_t (*)[2])used, nu);
	free(used);
	return rc;
}

/* Pass 8: space maps, extents, and each inode's block count. */
static int pass_space(struct ck *c)
{
	const struct xsan_store_geom *geo = &c->st->geom;
	struct ck_ext *u = NULL;
	size_t n = 0, i = 0;
	int rc;

	rc = space_extents(c, &u, &n);
	for (uint32_t j = 0; j < geo->nsgs && !rc; j++) {
		const struct xsan_store_sg *g = &geo->sgs[j];
		size_t s;

		if (!(g->flags & XSAN_SG_USERDATA))
			continue;
		for (i = 0; i < n && u[i].sg != g->index; i++)
			;
		for (s = i; i < n && u[i].sg == g->index; i++)
			;
		rc = space_group(c, g, u + s, i - s);
	}
	free(u);
	for (size_t j = 0; j < c->n && !rc; j++) {
		struct ck_ino *in = &c->v[j];
		struct xsan_inode *rec;

		if (!S_ISREG(in->mode) || in->blocks == in->ublocks)
			continue;
		problem(c, "Inode %llu records %llu blocks, its extents hold %llu",
			(unsigned long long)in->ino, (unsigned long long)in->blocks,
			(unsigned long long)in->ublocks);
		if (!c->repair)
			continue;
		rec = malloc(sizeof(*rec));
		if (!rec)
			return -ENOMEM;
		rc = xsan_inode_get(c->st, c->txn, in->ino, rec);
		if (!rc) {
			rec->blocks = in->ublocks;
			rc = xsan_inode_put(c->st, c->txn, rec);
		}
		free(rec);
	}
	return rc;
}

/**
 * xsan_check() - check (and with @repair fix) a store
 * See check.h.
 */
/* Set or clear @flag in inode @ino's record. */
static int fix_acl_flag(struct ck *c, uint64_t ino, uint32_t flag, bool on)
{
	uint8_t kb[8];
	MDB_val k = { 8, kb }, v;
	uint8_t *rec;
	int rc;

	xsan_put_be64(kb, ino);
	rc = mdb_get(c->txn, c->st->inodes, &k, &v);
	if (rc)
		return xsan_mdb_err(rc);
	rec = malloc(v.mv_size);
	if (!rec)
		return -ENOMEM;
	memcpy(rec, v.mv_data, v.mv_size);
	xsan_put_le32(rec + 120, on ? (xsan_get_le32(rec + 120) | flag) :
				       (xsan_get_le32(rec + 120) & ~flag));
	v.mv_data = rec;
	rc = xsan_mdb_err(mdb_put(c->txn, c->st->inodes, &k, &v, 0));
	free(rec);
	return rc;
}

/*
 * Pass 9: the ACL flags of each inode record and its ACL xattrs agree.
 * A flag without a valid xattr is cleared (a damaged value is deleted);
 * a valid xattr without its flag gets the flag (the ACL is what was set).
 */
static int pass_acl(struct ck *c)
{
	struct xsan_acl *acl = malloc(sizeof(*acl));
	int rc = 0;

	if (!acl)
		return -ENOMEM;
	for (size_t i = 0; i < c->n && !rc; i++) {
		struct ck_ino *in = &c->v[i];

		for (int type = XSAN_ACL_ACCESS; type <= XSAN_ACL_DEFAULT && !rc;
		     type++) {
			uint32_t flag = type == XSAN_ACL_ACCESS ? XSAN_AF_ACL :
							       XSAN_AF_DEFACL;
			const char *name = xsan_acl_name(type);
			uint8_t kb[8 + 32];
			MDB_val k = { 8 + strlen(name), kb }, v;
			bool has;

			xsan_put_be64(kb, in->ino);
			memcpy(kb + 8, name, strlen(name));
			rc = mdb_get(c->txn, c->st->xattrs, &k, &v);
			if (rc && rc != MDB_NOTFOUND) {
				rc = xsan_mdb_err(rc);
				break;
			}
			has = !rc;
			rc = 0;
			if (has && (v.mv_size > XSAN_XATTR_SIZE_MAX ||
				    xsan_acl_decode(v.mv_data, (uint32_t)v.mv_size,
						    acl) || !acl->n ||
				    (type == XSAN_ACL_DEFAULT && !S_ISDIR(in->mode)) ||
				    S_ISLNK(in->mode))) {
				problem(c, "Inode %llu has a damaged %s; deleting it",
					(unsigned long long)in->ino, name);
				if (c->repair)
					rc = xsan_mdb_err(mdb_del(c->txn, c->st->xattrs,
								  &k, NULL));
				has = false;
			}
			if (!rc && has != !!(in->flags & flag)) {
				problem(c, has ? "Inode %llu has a %s its record does not flag; flagging it" :
						 "Inode %llu is flagged with a %s it does not have; clearing the flag",
					(unsigned long long)in->ino,
					name);
				if (c->repair)
					rc = fix_acl_flag(c, in->ino, flag, has);
			}
		}
	}
	free(acl);
	return rc;
}

int xsan_check(struct xsan_store *st, bool repair, FILE *out,
	       struct xsan_check_stats *stats)
{
	struct ck c = { .st = st, .repair = repair, .out = out };
	struct xsan_txn *t;
	struct ck_ino *root;
	int rc;

	memset(stats, 0, sizeof(*stats));
	rc = xsan_txn_begin(st, repair, &t);
	if (rc)
		return rc;
	c.txn = t->txn;
	rc = pass_inodes(&c);
	if (!rc) {
		root = find(&c, XSAN_ROOT_INO);
		if (!root || !S_ISDIR(root->mode)) {
			if (out)
				fprintf(out, "The root directory (inode 1) is missing or not a directory\n");
			rc = -EIO;
		}
	}
	if (!rc)
		rc = pass_free(&c);
	if (!rc)
		rc = pass_dirents(&c);
	if (!rc)
		rc = pass_dirseq(&c);
	if (!rc)
		rc = pass_parents(&c);
	if (!rc)
		rc = pass_reach(&c);
	if (!rc)
		rc = pass_nlink(&c);
	if (!rc)
		rc = pass_space(&c);
	if (!rc)
		rc = pass_acl(&c);
	if (!rc) {
		stats->inodes = c.n;
		for (size_t i = 0; i < c.n; i++)
			stats->dirs += S_ISDIR(c.v[i].mode);
		stats->problems = c.problems;
		stats->fixed = c.fixed;
	}
	if (!rc && repair && c.fixed)
		rc = xsan_txn_commit(t);
	else
		xsan_txn_abort(t);
	free(c.v);
	free(c.del);
	return rc;
}
