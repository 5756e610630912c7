// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only helper for cli_fsck.sh: formats a small volume's metadata in
 * DIR through the store API and, with "corrupt", damages it with raw
 * writes (a wrong link count and an entry to a missing inode), so the
 * fsck.xsanfs binary can be tested from the command line. "space" gives
 * the file 10 blocks and then drops the free extent after them from the
 * free map (990 blocks neither free nor used).
 *
 * usage: fsck_mkvol DIR [corrupt|space]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mdc/store_int.h"

static int fail(const char *what, int rc)
{
	fprintf(stderr, "fsck_mkvol: %s: %d\n", what, rc);
	return 1;
}

int main(int argc, char *argv[])
{
	struct xsan_store_geom g = { .bsize = 4096, .blocks = 1000,
				     .files = 1000, .created = 100 };
	const struct xsan_cred cr = { .caps = XSAN_CAP_ALL };
	const struct xsan_fid root = { XSAN_ROOT_INO, 1 };
	struct xsan_time now = { .sec = 200 };
	struct xsan_attr d, f, a;
	struct xsan_inode *in;
	struct xsan_store *st;
	struct xsan_txn *t;
	char err[256];
	int rc;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "corrupt") &&
				     strcmp(argv[2], "space"))) {
		fprintf(stderr, "usage: fsck_mkvol DIR [corrupt|space]\n");
		return 2;
	}
	rc = xsan_store_format(argv[1], &g, false, err, sizeof(err));
	if (!rc)
		rc = xsan_store_open(argv[1], false, &st, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "fsck_mkvol: %s\n", err);
		return 1;
	}
	rc = xsan_txn_begin(st, true, &t);
	if (!rc)
		rc = xsan_ns_mknod(t, &cr, &root, "d", 1, S_IFDIR | 0755, 0, 0, &now, &d, &a);
	if (!rc)
		rc = xsan_ns_mknod(t, &cr, &(struct xsan_fid){ d.ino, d.gen }, "f", 1,
				   S_IFREG | 0644, 0, 0, &now, &f, &a);
	if (!rc)
		rc = xsan_ns_symlink(t, &cr, &root, "l", 1, "d/f", 3, &now, &a, &d);
	if (rc)
		return fail("populate", rc);
	if (argc == 3 && !strcmp(argv[2], "space")) {
		uint8_t kb[12] = { 0 };
		MDB_val k = { sizeof(kb), kb };

		rc = xsan_fallocate(t, &cr, &(struct xsan_fid){ f.ino, f.gen }, 1, 0,
				    0, 10 * 4096, &now, &a);
		xsan_put_be64(kb + 4, 10);
		if (!rc)
			rc = mdb_del(t->txn, st->free, &k, NULL);
		if (rc)
			return fail("space", rc);
	} else if (argc == 3) {
		in = calloc(2, sizeof(*in));
		if (!in)
			return fail("calloc", -1);
		rc = xsan_inode_get(st, t->txn, f.ino, in);
		in->nlink = 3;
		if (!rc)
			rc = xsan_inode_put(st, t->txn, in);
		in[1].ino = 999;
		in[1].gen = 1;
		in[1].mode = S_IFREG;
		if (!rc)
			rc = xsan_inode_get(st, t->txn, XSAN_ROOT_INO, in);
		if (!rc)
			rc = xsan_dent_add(st, t->txn, in, "ghost", 5, in + 1);
		if (!rc)
			rc = xsan_inode_put(st, t->txn, in);
		free(in);
		if (rc)
			return fail("corrupt", rc);
	}
	rc = xsan_txn_commit(t);
	xsan_store_close(st);
	return rc ? fail("commit", rc) : 0;
}
