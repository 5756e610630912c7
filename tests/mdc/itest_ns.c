// SPDX-License-Identifier: GPL-2.0
/*
 * Every namespace operation succeeding against a live xsanmdc, with the
 * attributes it must return: what a client's VFS will cache, so a wrong
 * nlink, time or type here is a wrong `ls -l` on every client later.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"
#include "mdc/check.h"
#include "mdc/store.h"

static const struct xsan_cred *root(void)
{
	static struct xsan_cred cr;

	cr = h_root();
	return &cr;
}

START_TEST(lookup_dot_dotdot)
{
	struct xsan_attr r, d, a;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_getattr(&t.c, it_root, &r), 0);
	ck_assert_uint_eq(r.ino, 1);
	ck_assert_uint_eq(r.mode, IT_IFDIR | 0755);
	ck_assert_uint_eq(r.nlink, 2);
	ck_assert_uint_eq(r.uid, 0);
	ck_assert_uint_eq(r.gid, 0);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, ".", &a), 0);
	ck_assert_uint_eq(a.ino, 1);
	/* The root is its own parent. */
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "..", &a), 0);
	ck_assert_uint_eq(a.ino, 1);

	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "d", 0750, &d), 0);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_fid(&d), ".", &a), 0);
	ck_assert_uint_eq(a.ino, d.ino);
	ck_assert_uint_eq(a.gen, d.gen);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_fid(&d), "..", &a), 0);
	ck_assert_uint_eq(a.ino, 1);
	ck_assert_uint_eq(a.nlink, 3);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "d", &a), 0);
	ck_assert_uint_eq(a.ino, d.ino);
	ck_assert_uint_eq(a.mode, IT_IFDIR | 0750);
	it_end(&t);
}
END_TEST

START_TEST(create_mkdir_getattr)
{
	struct xsan_attr f, dir, d, a, r0;
	struct xsan_time before, after;
	struct xsan_cred u = h_user(1000, 100);
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_getattr(&t.c, it_root, &r0), 0);
	it_wallclock(&before);
	ck_assert_int_eq(it_mknod(&t.c, root(), it_root, "f", IT_IFREG | 0640,
				  0, 0, &f, &dir), 0);
	it_wallclock(&after);
	ck_assert_uint_eq(f.mode, IT_IFREG | 0640);
	ck_assert_uint_eq(f.nlink, 1);
	ck_assert_uint_eq(f.size, 0);
	ck_assert_uint_ne(f.ino, 1);
	ck_assert_uint_ne(f.gen, 0);
	ck_assert(it_tcmp(&f.mtime, &before) >= 0 && it_tcmp(&f.mtime, &after) <= 0);
	ck_assert(it_tcmp(&f.ctime, &f.mtime) == 0 && it_tcmp(&f.atime, &f.mtime) == 0);
	/* The parent's reply attributes: mtime and ctime moved. */
	ck_assert_uint_eq(dir.ino, 1);
	ck_assert(it_tcmp(&dir.mtime, &before) >= 0);
	ck_assert(it_tcmp(&dir.ctime, &before) >= 0);
	ck_assert_uint_gt(dir.change, r0.change);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&f), &a), 0);
	ck_assert_int_eq(memcmp(&a, &f, sizeof(a)), 0);

	/* A world-writable dir; a plain user's file belongs to that user. */
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "pub", 0777, &d), 0);
	ck_assert_uint_eq(d.nlink, 2);
	ck_assert_int_eq(it_getattr(&t.c, it_root, &a), 0);
	ck_assert_uint_eq(a.nlink, 3);
	ck_assert_int_eq(it_create(&t.c, &u, it_fid(&d), "mine", &a), 0);
	ck_assert_uint_eq(a.uid, 1000);
	ck_assert_uint_eq(a.gid, 100);
	ck_assert_int_eq(it_mkdir(&t.c, &u, it_fid(&d), "sub", 0755, &a), 0);
	ck_assert_uint_eq(a.uid, 1000);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&d), &a), 0);
	ck_assert_uint_eq(a.nlink, 3);
	it_end(&t);
}
END_TEST

START_TEST(setattr_all)
{
	struct xsan_attr f, a, b;
	struct xsan_sattr sa;
	struct xsan_time before, after;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "f", &f), 0);

	sa = (struct xsan_sattr){ .valid = XSAN_SA_MODE, .mode = 04711 };
	it_wallclock(&before);
	ck_assert_int_eq(it_setattr(&t.c, root(), it_fid(&f), &sa, &a), 0);
	ck_assert_uint_eq(a.mode, IT_IFREG | 04711);
	ck_assert(it_tcmp(&a.ctime, &before) >= 0);
	ck_assert(it_tcmp(&a.ctime, &f.ctime) > 0);
	ck_assert(it_tcmp(&a.mtime, &f.mtime) == 0);
	ck_assert_uint_gt(a.change, f.change);

	sa = (struct xsan_sattr){ .valid = XSAN_SA_UID | XSAN_SA_GID,
				  .uid = 1234, .gid = 5678 };
	ck_assert_int_eq(it_setattr(&t.c, root(), it_fid(&f), &sa, &b), 0);
	ck_assert_uint_eq(b.uid, 1234);
	ck_assert_uint_eq(b.gid, 5678);
	ck_assert_uint_eq(b.mode, IT_IFREG | 0711);
	ck_assert(it_tcmp(&b.ctime, &a.ctime) > 0);
	ck_assert_uint_gt(b.change, a.change);

	sa = (struct xsan_sattr){ .valid = XSAN_SA_ATIME | XSAN_SA_MTIME,
				  .atime = { 1000000000, 123 },
				  .mtime = { -5, 999999999 } };
	ck_assert_int_eq(it_setattr(&t.c, root(), it_fid(&f), &sa, &a), 0);
	ck_assert_int_eq(a.atime.sec, 1000000000);
	ck_assert_uint_eq(a.atime.nsec, 123);
	ck_assert_int_eq(a.mtime.sec, -5);
	ck_assert_uint_eq(a.mtime.nsec, 999999999);
	ck_assert(it_tcmp(&a.ctime, &b.ctime) > 0);

	it_wallclock(&before);
	sa = (struct xsan_sattr){ .valid = XSAN_SA_ATIME_NOW | XSAN_SA_MTIME_NOW };
	ck_assert_int_eq(it_setattr(&t.c, root(), it_fid(&f), &sa, &b), 0);
	it_wallclock(&after);
	ck_assert(it_tcmp(&b.atime, &before) >= 0 && it_tcmp(&b.atime, &after) <= 0);
	ck_assert(it_tcmp(&b.mtime, &before) >= 0 && it_tcmp(&b.mtime, &after) <= 0);
	ck_assert(it_tcmp(&b.ctime, &a.ctime) > 0);

	/* What SETATTR returned is what GETATTR says from now on. */
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&f), &a), 0);
	ck_assert_int_eq(memcmp(&a, &b, sizeof(a)), 0);
	/* The chown above dropped SUID, as chown_common() does for anyone. */
	ck_assert_uint_eq(a.mode, IT_IFREG | 0711);
	ck_assert_uint_eq(a.uid, 1234);
	it_end(&t);
}
END_TEST

/* Create @n files "PREFIX%04u" in @dir, pipelined, so it takes seconds. */
static void create_many(struct xsan_client *c, struct xsan_fid dir,
			const char *prefix, unsigned int from, unsigned int n)
{
	struct xsan_rep rep;
	char name[64];
	uint64_t xid, rxid;
	unsigned int i;
	int st;

	for (i = from; i < from + n; i++) {
		struct xsan_req r = { .op = XSAN_OP_CREATE, .cred = h_root(),
				      .fid = dir, .mode = IT_IFREG | 0644 };

		snprintf(name, sizeof(name), "%s%04u", prefix, i);
		r.name = name;
		r.namelen = (uint32_t)strlen(name);
		ck_assert_int_eq(xsan_client_send(c, &r, &xid), 0);
	}
	for (i = 0; i < n; i++) {
		ck_assert_msg(!xsan_client_recv(c, &rxid, &st, &rep), "%s", c->err);
		ck_assert_int_eq(st, 0);
	}
}

START_TEST(readdir_paged_stable)
{
	enum { N = 1000 };
	static unsigned char seen[N], removed[N];
	unsigned int pages = 0, total = 0, extra = 0, i;
	struct xsan_attr d;
	uint64_t cookie = 0;
	bool eof = false;
	char name[64] = "";
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "big", 0755, &d), 0);
	create_many(&t.c, it_fid(&d), "f", 0, N);

	while (!eof) {
		struct xsan_req r = { .op = XSAN_OP_READDIR, .cred = h_root(),
				      .fid = it_fid(&d), .cookie = cookie,
				      .size = 512 };
		struct xsan_rep rep;
		struct xsan_dirent e;
		struct xsan_cur cur;

		ck_assert_int_lt(pages, 10 * N);
		ck_assert_msg(!it_call(&t.c, &r, &rep), "READDIR: %s", t.c.err);
		ck_assert_uint_le(rep.datalen, 512);
		ck_assert(rep.count > 0 || rep.eof);
		xsan_cur_init(&cur, rep.data, rep.datalen);
		for (i = 0; i < rep.count; i++) {
			ck_assert_int_eq(xsan_dirent_next(&cur, &e), 0);
			ck_assert_uint_lt(e.namelen, sizeof(name));
			memcpy(name, e.name, e.namelen);
			name[e.namelen] = '\0';
			ck_assert_uint_eq(e.type, XSAN_DT_REG);
			cookie = e.cookie;
			if (name[0] == 'f') {
				unsigned int k = (unsigned int)atoi(name + 1);

				ck_assert_uint_lt(k, N);
				ck_assert_msg(!seen[k], "%s seen twice", name);
				/* Removed before the listing reached it: gone. */
				ck_assert_msg(!removed[k], "%s listed after its unlink", name);
				seen[k] = 1;
				total++;
			} else {
				ck_assert_msg(name[0] == 'n', "unexpected %s", name);
				extra++;
			}
		}
		eof = rep.eof;
		pages++;
		/* The entry the cookie names may go too: resume after it. */
		if (pages % 7 == 0 && !eof && rep.count && name[0] == 'f') {
			unsigned int k = (unsigned int)atoi(name + 1);

			ck_assert_int_eq(it_unlink(&t.c, root(), it_fid(&d), name,
						   NULL), 0);
			removed[k] = 1;
		}
		/*
		 * Between pages: new entries appear and old ones go, both
		 * behind and ahead of the cookie. Every entry that exists
		 * throughout must still be listed exactly once.
		 */
		if (pages % 5 == 0 && !eof) {
			unsigned int k = (pages * 37) % N;
			char nm[16];

			create_many(&t.c, it_fid(&d), "n", pages, 2);
			for (unsigned int j = 0; j < 2; j++, k = (k + 500) % N) {
				if (removed[k])
					continue;
				snprintf(nm, sizeof(nm), "f%04u", k);
				ck_assert_int_eq(it_unlink(&t.c, root(), it_fid(&d),
							   nm, NULL), 0);
				removed[k] = 1;
			}
		}
	}
	ck_assert_uint_gt(pages, 20);
	for (i = 0; i < N; i++)
		ck_assert_msg(seen[i] || removed[i], "f%04u never listed", i);
	ck_assert_uint_le(total, N);
	(void)extra;

	/* A page too small for one entry is an error, not an empty page. */
	{
		struct xsan_req r = { .op = XSAN_OP_READDIR, .cred = h_root(),
				      .fid = it_fid(&d), .size = 8 };

		ck_assert_int_eq(it_call(&t.c, &r, NULL), -EINVAL);
	}
	it_end(&t);
}
END_TEST

START_TEST(mknod_types)
{
	static const struct {
		const char *name;
		uint32_t mode, major, minor;
		uint8_t dt;
	} k[] = {
		{ "fifo", IT_IFIFO | 0600, 0, 0, XSAN_DT_FIFO },
		{ "sock", IT_IFSOCK | 0755, 0, 0, XSAN_DT_SOCK },
		{ "tty", IT_IFCHR | 0620, 4, 64, XSAN_DT_CHR },
		{ "nvme", IT_IFBLK | 0660, 259, 1048575, XSAN_DT_BLK },
		{ "reg", IT_IFREG | 0644, 0, 0, XSAN_DT_REG },
	};
	struct xsan_attr a, b;
	struct it t;
	size_t i;

	it_begin(&t);
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		struct xsan_req r = { .op = XSAN_OP_MKNOD, .cred = h_root(),
				      .fid = it_root, .name = k[i].name,
				      .namelen = (uint32_t)strlen(k[i].name),
				      .mode = k[i].mode, .rdev_major = k[i].major,
				      .rdev_minor = k[i].minor };
		struct xsan_rep rep;

		ck_assert_msg(!it_call(&t.c, &r, &rep), "%s: %s", k[i].name, t.c.err);
		a = rep.attr[0];
		ck_assert_uint_eq(a.mode, k[i].mode);
		ck_assert_uint_eq(a.rdev_major, k[i].major);
		ck_assert_uint_eq(a.rdev_minor, k[i].minor);
		ck_assert_int_eq(it_lookup(&t.c, root(), it_root, k[i].name, &b), 0);
		ck_assert_int_eq(memcmp(&a, &b, sizeof(a)), 0);
	}
	/* READDIR reports the types too. */
	{
		struct xsan_req r = { .op = XSAN_OP_READDIR, .cred = h_root(),
				      .fid = it_root, .size = 65536 };
		struct xsan_rep rep;
		struct xsan_dirent e;
		struct xsan_cur cur;
		unsigned int found = 0;

		ck_assert_int_eq(it_call(&t.c, &r, &rep), 0);
		ck_assert(rep.eof);
		ck_assert_uint_eq(rep.count, 5);
		xsan_cur_init(&cur, rep.data, rep.datalen);
		while (!xsan_dirent_next(&cur, &e) && found < rep.count) {
			for (i = 0; i < 5; i++)
				if (e.namelen == strlen(k[i].name) &&
				    !memcmp(e.name, k[i].name, e.namelen)) {
					ck_assert_uint_eq(e.type, k[i].dt);
					found++;
				}
		}
		ck_assert_uint_eq(found, 5);
	}
	it_end(&t);
}
END_TEST

START_TEST(symlink_readlink)
{
	static char target[XSAN_SYMLINK_MAX + 1], back[XSAN_SYMLINK_MAX + 1];
	struct xsan_attr a, b;
	struct it t;
	size_t i;

	for (i = 0; i < XSAN_SYMLINK_MAX; i++)
		target[i] = i % 64 == 63 ? '/' : (char)('a' + i % 26);
	target[XSAN_SYMLINK_MAX] = '\0';
	it_begin(&t);
	ck_assert_int_eq(it_symlink(&t.c, root(), it_root, "long", target, &a), 0);
	ck_assert_uint_eq(a.mode, IT_IFLNK | 0777);
	ck_assert_uint_eq(a.size, XSAN_SYMLINK_MAX);
	ck_assert_uint_eq(a.nlink, 1);
	ck_assert_int_eq(it_readlink(&t.c, root(), it_fid(&a), back), 0);
	ck_assert_str_eq(back, target);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "long", &b), 0);
	ck_assert_uint_eq(b.ino, a.ino);
	ck_assert_int_eq(it_symlink(&t.c, root(), it_root, "short", "../x y", &a), 0);
	ck_assert_int_eq(it_readlink(&t.c, root(), it_fid(&a), back), 0);
	ck_assert_str_eq(back, "../x y");
	ck_assert_uint_eq(a.size, 6);
	it_end(&t);
}
END_TEST

START_TEST(link_unlink_rmdir)
{
	struct xsan_attr f, d, a, dir, r0;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "f", &f), 0);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "d", 0755, &d), 0);
	ck_assert_int_eq(it_link(&t.c, root(), it_fid(&f), it_fid(&d), "g", &a, &dir), 0);
	ck_assert_uint_eq(a.ino, f.ino);
	ck_assert_uint_eq(a.nlink, 2);
	ck_assert(it_tcmp(&a.ctime, &f.ctime) > 0);
	ck_assert_uint_eq(dir.ino, d.ino);
	ck_assert_int_eq(it_link(&t.c, root(), it_fid(&f), it_root, "h", &a, NULL), 0);
	ck_assert_uint_eq(a.nlink, 3);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_fid(&d), "g", &a), 0);
	ck_assert_uint_eq(a.ino, f.ino);
	ck_assert_uint_eq(a.nlink, 3);

	ck_assert_int_eq(it_unlink(&t.c, root(), it_root, "f", &a), 0);
	ck_assert_uint_eq(a.ino, f.ino);
	ck_assert_uint_eq(a.nlink, 2);
	ck_assert_int_eq(it_unlink(&t.c, root(), it_fid(&d), "g", &a), 0);
	ck_assert_uint_eq(a.nlink, 1);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&f), &a), 0);
	ck_assert_uint_eq(a.nlink, 1);
	ck_assert_int_eq(it_unlink(&t.c, root(), it_root, "h", &a), 0);
	ck_assert_uint_eq(a.nlink, 0);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "h", NULL), -ENOENT);

	ck_assert_int_eq(it_getattr(&t.c, it_root, &r0), 0);
	ck_assert_uint_eq(r0.nlink, 3);
	ck_assert_int_eq(it_rmdir(&t.c, root(), it_root, "d", &dir), 0);
	ck_assert_uint_eq(dir.ino, 1);
	ck_assert_uint_eq(dir.nlink, 2);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&d), NULL), -ESTALE);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "d", NULL), -ENOENT);
	it_end(&t);
}
END_TEST

START_TEST(rename_plain_over_noreplace)
{
	struct xsan_attr a, b, d, x;
	struct xsan_rep rep;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "a", &a), 0);
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "b", &b), 0);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "d", 0755, &d), 0);

	/* Plain, across directories. */
	ck_assert_int_eq(it_rename(&t.c, root(), it_root, "a", it_fid(&d), "a2", 0, &rep), 0);
	ck_assert_uint_eq(rep.nattr, 3);
	ck_assert_uint_eq(rep.attr[0].ino, 1);
	ck_assert_uint_eq(rep.attr[1].ino, d.ino);
	ck_assert_uint_eq(rep.attr[2].ino, a.ino);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "a", NULL), -ENOENT);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_fid(&d), "a2", &x), 0);
	ck_assert_uint_eq(x.ino, a.ino);

	/* NOREPLACE onto an existing name fails and changes nothing. */
	ck_assert_int_eq(it_rename(&t.c, root(), it_fid(&d), "a2", it_root, "b",
				   XSAN_RENAME_NOREPLACE, &rep), -EEXIST);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "b", &x), 0);
	ck_assert_uint_eq(x.ino, b.ino);
	ck_assert_int_eq(it_rename(&t.c, root(), it_fid(&d), "a2", it_root, "c",
				   XSAN_RENAME_NOREPLACE, &rep), 0);
	ck_assert_uint_eq(rep.nattr, 3);

	/* Over an existing file: that one's last link goes. */
	ck_assert_int_eq(it_rename(&t.c, root(), it_root, "c", it_root, "b", 0, &rep), 0);
	ck_assert_uint_eq(rep.nattr, 4);
	ck_assert_uint_eq(rep.attr[2].ino, a.ino);
	ck_assert_uint_eq(rep.attr[3].ino, b.ino);
	ck_assert_uint_eq(rep.attr[3].nlink, 0);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "b", &x), 0);
	ck_assert_uint_eq(x.ino, a.ino);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "c", NULL), -ENOENT);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&b), NULL), -ESTALE);

	/* Renaming a name onto itself is a successful no-op. */
	ck_assert_int_eq(it_rename(&t.c, root(), it_root, "b", it_root, "b", 0, &rep), 0);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "b", &x), 0);
	ck_assert_uint_eq(x.ino, a.ino);
	it_end(&t);
}
END_TEST

START_TEST(rename_exchange)
{
	struct xsan_attr f, p, q, sub, x;
	struct xsan_rep rep;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "p", 0755, &p), 0);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "q", 0755, &q), 0);
	ck_assert_int_eq(it_create(&t.c, root(), it_fid(&p), "f", &f), 0);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_fid(&q), "sub", 0700, &sub), 0);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&q), &x), 0);
	ck_assert_uint_eq(x.nlink, 3);

	ck_assert_int_eq(it_rename(&t.c, root(), it_fid(&p), "f", it_fid(&q), "sub",
				   XSAN_RENAME_EXCHANGE, &rep), 0);
	ck_assert_uint_eq(rep.nattr, 4);
	ck_assert_uint_eq(rep.attr[2].ino, f.ino);
	ck_assert_uint_eq(rep.attr[3].ino, sub.ino);
	/* Both names still exist, with each other's inode and type. */
	ck_assert_int_eq(it_lookup(&t.c, root(), it_fid(&p), "f", &x), 0);
	ck_assert_uint_eq(x.ino, sub.ino);
	ck_assert_uint_eq(x.mode, IT_IFDIR | 0700);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_fid(&q), "sub", &x), 0);
	ck_assert_uint_eq(x.ino, f.ino);
	ck_assert_uint_eq(x.mode & IT_IFMT, IT_IFREG);
	/* The directory moved from q to p: link counts and its "..". */
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&p), &x), 0);
	ck_assert_uint_eq(x.nlink, 3);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&q), &x), 0);
	ck_assert_uint_eq(x.nlink, 2);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_fid(&sub), "..", &x), 0);
	ck_assert_uint_eq(x.ino, p.ino);

	/* EXCHANGE needs both names. */
	ck_assert_int_eq(it_rename(&t.c, root(), it_fid(&p), "f", it_fid(&q), "none",
				   XSAN_RENAME_EXCHANGE, &rep), -ENOENT);
	it_end(&t);
}
END_TEST

START_TEST(statfs_counts)
{
	struct xsan_statfs s, s2;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_statfs(&t.c, &s), 0);
	ck_assert_uint_eq(s.bsize, 4096);
	ck_assert_uint_eq(s.namemax, 255);
	/* harness.c formats 2 data LUNs of 131072 sectors of 512 bytes. */
	ck_assert_uint_eq(s.blocks, 2 * H_LUN_BLOCKS);
	ck_assert_uint_le(s.bfree, s.blocks);
	ck_assert_uint_le(s.bavail, s.bfree);
	ck_assert_uint_eq(s.files, 1u << 20);
	ck_assert_uint_eq(s.ffree, s.files - 1);	/* the root */
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "f", NULL), 0);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "d", 0755, NULL), 0);
	ck_assert_int_eq(it_statfs(&t.c, &s2), 0);
	ck_assert_uint_eq(s2.ffree, s.ffree - 2);
	ck_assert_int_eq(it_unlink(&t.c, root(), it_root, "f", NULL), 0);
	ck_assert_int_eq(it_statfs(&t.c, &s2), 0);
	ck_assert_uint_eq(s2.ffree, s.ffree - 1);
	it_end(&t);
}
END_TEST

/* Is @name one of the NUL-terminated names in @list? */
static bool in_list(const char *list, uint32_t len, const char *name)
{
	const char *p = list, *end = list + len;

	while (p < end) {
		if (!strcmp(p, name))
			return true;
		p += strlen(p) + 1;
	}
	return false;
}

START_TEST(xattr_ops)
{
	struct xsan_cred u = h_user(1000, 1000);
	char buf[256], list[256];
	struct xsan_attr f, a;
	uint32_t full;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "f", &f), 0);
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "user.a", "hello", 5, 0), 0);
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "trusted.t", "x", 1,
				     XSAN_XATTR_CREATE), 0);
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "security.s", "yy", 2, 0), 0);
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "user.empty", "", 0, 0), 0);
	/* xattr changes are inode changes: ctime moves. */
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&f), &a), 0);
	ck_assert(it_tcmp(&a.ctime, &f.ctime) > 0);

	/* Size query, too small a buffer, exact buffer. */
	ck_assert_int_eq(it_getxattr(&t.c, root(), it_fid(&f), "user.a", buf, 0, &full), 0);
	ck_assert_uint_eq(full, 5);
	ck_assert_int_eq(it_getxattr(&t.c, root(), it_fid(&f), "user.a", buf, 4, &full),
			 -ERANGE);
	ck_assert_int_eq(it_getxattr(&t.c, root(), it_fid(&f), "user.a", buf, 5, &full), 0);
	ck_assert_uint_eq(full, 5);
	ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
	ck_assert_int_eq(it_getxattr(&t.c, root(), it_fid(&f), "user.a", buf, 200, &full), 0);
	ck_assert_uint_eq(full, 5);
	ck_assert_int_eq(it_getxattr(&t.c, root(), it_fid(&f), "user.empty", buf, 10, &full), 0);
	ck_assert_uint_eq(full, 0);
	ck_assert_int_eq(it_getxattr(&t.c, root(), it_fid(&f), "trusted.t", buf, 10, &full), 0);
	ck_assert_int_eq(memcmp(buf, "x", 1), 0);
	ck_assert_int_eq(it_getxattr(&t.c, root(), it_fid(&f), "security.s", buf, 10, &full), 0);
	ck_assert_int_eq(memcmp(buf, "yy", 2), 0);

	/* Replace. */
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "user.a", "bye", 3,
				     XSAN_XATTR_REPLACE), 0);
	ck_assert_int_eq(it_getxattr(&t.c, root(), it_fid(&f), "user.a", buf, 10, &full), 0);
	ck_assert_uint_eq(full, 3);
	ck_assert_int_eq(memcmp(buf, "bye", 3), 0);

	/* LIST: size query, ERANGE, the names. */
	{
		uint32_t want = sizeof("user.a") + sizeof("trusted.t") +
				sizeof("security.s") + sizeof("user.empty");

		ck_assert_int_eq(it_listxattr(&t.c, root(), it_fid(&f), list, 0, &full), 0);
		ck_assert_uint_eq(full, want);
		ck_assert_int_eq(it_listxattr(&t.c, root(), it_fid(&f), list, want - 1, &full),
				 -ERANGE);
		ck_assert_int_eq(it_listxattr(&t.c, root(), it_fid(&f), list, sizeof(list),
					      &full), 0);
		ck_assert_uint_eq(full, want);
		ck_assert(in_list(list, full, "user.a"));
		ck_assert(in_list(list, full, "trusted.t"));
		ck_assert(in_list(list, full, "security.s"));
		ck_assert(in_list(list, full, "user.empty"));
	}
	/* trusted.* is only for CAP_SYS_ADMIN, as on ext4. */
	ck_assert_int_eq(it_listxattr(&t.c, &u, it_fid(&f), list, sizeof(list), &full), 0);
	ck_assert(!in_list(list, full, "trusted.t"));
	ck_assert(in_list(list, full, "user.a"));

	ck_assert_int_eq(it_removexattr(&t.c, root(), it_fid(&f), "user.a"), 0);
	ck_assert_int_eq(it_getxattr(&t.c, root(), it_fid(&f), "user.a", buf, 10, &full),
			 -ENODATA);
	ck_assert_int_eq(it_removexattr(&t.c, root(), it_fid(&f), "trusted.t"), 0);
	ck_assert_int_eq(it_removexattr(&t.c, root(), it_fid(&f), "security.s"), 0);
	ck_assert_int_eq(it_removexattr(&t.c, root(), it_fid(&f), "user.empty"), 0);
	ck_assert_int_eq(it_listxattr(&t.c, root(), it_fid(&f), list, sizeof(list), &full), 0);
	ck_assert_uint_eq(full, 0);
	it_end(&t);
}
END_TEST

START_TEST(rename_dirs)
{
	struct xsan_attr p, q, d, e, x;
	struct xsan_rep rep;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "p", 0755, &p), 0);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "q", 0755, &q), 0);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_fid(&p), "d", 0755, &d), 0);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_fid(&q), "e", 0755, &e), 0);
	/* A directory to another parent: both link counts and its "..". */
	ck_assert_int_eq(it_rename(&t.c, root(), it_fid(&p), "d", it_root, "d", 0, &rep), 0);
	ck_assert_uint_eq(rep.attr[0].nlink, 2);	/* p lost d's ".." */
	ck_assert_uint_eq(rep.attr[1].nlink, 5);	/* root: ., .., p, q, d */
	ck_assert_int_eq(it_lookup(&t.c, root(), it_fid(&d), "..", &x), 0);
	ck_assert_uint_eq(x.ino, 1);
	/* Over an empty directory: that one is gone, counts stay right. */
	ck_assert_int_eq(it_rename(&t.c, root(), it_root, "d", it_fid(&q), "e", 0, &rep), 0);
	ck_assert_uint_eq(rep.nattr, 4);
	ck_assert_uint_eq(rep.attr[3].ino, e.ino);
	ck_assert_uint_eq(rep.attr[3].nlink, 0);
	ck_assert_int_eq(it_getattr(&t.c, it_root, &x), 0);
	ck_assert_uint_eq(x.nlink, 4);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&q), &x), 0);
	ck_assert_uint_eq(x.nlink, 3);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&e), NULL), -ESTALE);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_fid(&d), "..", &x), 0);
	ck_assert_uint_eq(x.ino, q.ino);
	/* Two directories exchanged across parents: counts unchanged. */
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_fid(&p), "f", 0700, NULL), 0);
	ck_assert_int_eq(it_rename(&t.c, root(), it_fid(&p), "f", it_fid(&q), "e",
				   XSAN_RENAME_EXCHANGE, &rep), 0);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&p), &x), 0);
	ck_assert_uint_eq(x.nlink, 3);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&q), &x), 0);
	ck_assert_uint_eq(x.nlink, 3);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_fid(&d), "..", &x), 0);
	ck_assert_uint_eq(x.ino, p.ino);
	it_end(&t);
}
END_TEST

/* rename(2) between two links of one inode does nothing, as POSIX says. */
START_TEST(rename_same_inode)
{
	struct xsan_attr f, x;
	struct xsan_rep rep;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "a", &f), 0);
	ck_assert_int_eq(it_link(&t.c, root(), it_fid(&f), it_root, "b", NULL, NULL), 0);
	ck_assert_int_eq(it_rename(&t.c, root(), it_root, "a", it_root, "b", 0, &rep), 0);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "a", &x), 0);
	ck_assert_uint_eq(x.ino, f.ino);
	ck_assert_uint_eq(x.nlink, 2);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "b", &x), 0);
	ck_assert_uint_eq(x.ino, f.ino);
	it_end(&t);
}
END_TEST

START_TEST(setgid_dir_and_truncate)
{
	struct xsan_cred u = h_user(1000, 1000);
	struct xsan_attr d, x, f;
	struct xsan_sattr sa;
	struct it t;

	it_begin(&t);
	/* mkdir(2) ignores S_ISGID in its mode; chmod sets it. */
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "g", 02777, &d), 0);
	ck_assert_uint_eq(d.mode, IT_IFDIR | 0777);
	sa = (struct xsan_sattr){ .valid = XSAN_SA_GID | XSAN_SA_MODE, .gid = 77,
				  .mode = 02777 };
	ck_assert_int_eq(it_setattr(&t.c, root(), it_fid(&d), &sa, &d), 0);
	ck_assert_uint_eq(d.mode, IT_IFDIR | 02777);
	/* New entries take the directory's group; subdirectories its SGID. */
	ck_assert_int_eq(it_create(&t.c, &u, it_fid(&d), "f", &f), 0);
	ck_assert_uint_eq(f.gid, 77);
	ck_assert_uint_eq(f.uid, 1000);
	ck_assert_int_eq(it_mkdir(&t.c, &u, it_fid(&d), "s", 0755, &x), 0);
	ck_assert_uint_eq(x.gid, 77);
	ck_assert_uint_eq(x.mode, IT_IFDIR | 02755);

	/* Truncate: the size, mtime and ctime move; a directory refuses. */
	sa = (struct xsan_sattr){ .valid = XSAN_SA_SIZE, .size = 123456789 };
	ck_assert_int_eq(it_setattr(&t.c, &u, it_fid(&f), &sa, &x), 0);
	ck_assert_uint_eq(x.size, 123456789);
	ck_assert(it_tcmp(&x.mtime, &f.mtime) > 0);
	ck_assert(it_tcmp(&x.ctime, &f.ctime) > 0);
	ck_assert_int_eq(it_setattr(&t.c, root(), it_fid(&d), &sa, NULL), -EISDIR);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&f), &x), 0);
	ck_assert_uint_eq(x.size, 123456789);
	it_end(&t);
}
END_TEST

static int open_fid(struct xsan_client *c, struct xsan_fid f, uint32_t flags,
		    uint64_t *handle)
{
	return h_open(c, &f, flags, handle, NULL);
}

static int close_fid(struct xsan_client *c, struct xsan_fid f, uint64_t handle,
		     struct xsan_attr *a)
{
	return h_close(c, &f, handle, a);
}

/*
 * POSIX: a file unlinked while open stays usable (nlink 0) until its last
 * close, on whichever client holds it open, read-only or not; the last
 * CLOSE, the end of the last session holding it, or the end of the grace
 * window after a restart of the MDC (its session did not reclaim it)
 * frees it.
 */
START_TEST(unlink_while_open)
{
	struct xsan_attr f, g, h, a;
	struct xsan_client b = { .fd = -1 };
	struct xsan_req bye = { .op = XSAN_OP_GOODBYE };
	struct xsan_rep rep;
	struct xsan_check_stats cs;
	struct xsan_store *st;
	char path[4096], msg[256];
	uint64_t ha, hb;
	struct it t;
	int i, err;

	it_begin(&t);
	it_client(&t, &b, true);
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "f", &f), 0);
	ck_assert_int_eq(open_fid(&b, it_fid(&f), XSAN_OPEN_RDONLY, &hb), 0);
	ck_assert_int_eq(open_fid(&t.c, it_fid(&f), XSAN_OPEN_RDWR, &ha), 0);
	ck_assert_int_eq(it_unlink(&t.c, root(), it_root, "f", &a), 0);
	ck_assert_uint_eq(a.nlink, 0);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "f", NULL), -ENOENT);
	ck_assert_int_eq(it_getattr(&b, it_fid(&f), &a), 0);
	ck_assert_uint_eq(a.nlink, 0);
	/* the writer closes; the reader on the other client still has it */
	ck_assert_int_eq(close_fid(&t.c, it_fid(&f), ha, &a), 0);
	ck_assert_uint_eq(a.nlink, 0);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&f), &a), 0);
	ck_assert_int_eq(close_fid(&b, it_fid(&f), hb, NULL), 0);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&f), NULL), -ESTALE);

	/* the session that held it open ends */
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "g", &g), 0);
	ck_assert_int_eq(open_fid(&b, it_fid(&g), XSAN_OPEN_RDONLY, &hb), 0);
	ck_assert_int_eq(it_unlink(&t.c, root(), it_root, "g", NULL), 0);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&g), &a), 0);
	ck_assert_uint_eq(a.nlink, 0);
	ck_assert_int_eq(xsan_client_call(&b, &bye, &rep), 0);
	xsan_client_close(&b);
	for (i = 0, err = 0; i < 100; i++) {
		err = it_getattr(&t.c, it_fid(&g), NULL);
		if (err)
			break;
		usleep(50000);
	}
	ck_assert_int_eq(err, -ESTALE);

	/*
	 * The MDC dies while it is open (a clean stop ends the sessions,
	 * which frees it like above): after the next start it is kept for
	 * the session that held it, gone to any other, and freed when the
	 * grace window's time is up (that session never came back).
	 */
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "h", &h), 0);
	ck_assert_int_eq(open_fid(&t.c, it_fid(&h), XSAN_OPEN_WRONLY, &ha), 0);
	ck_assert_int_eq(it_unlink(&t.c, root(), it_root, "h", NULL), 0);
	xsan_client_close(&t.c);
	h_stop(&t.h, SIGKILL);
	/* fsck sees no problem in it: not an orphan, the MDC frees it */
	snprintf(path, sizeof(path), "%s/%s", t.h.statedir, t.h.volume);
	ck_assert_msg(!xsan_store_open(path, true, &st, msg, sizeof(msg)),
		      "open for fsck: %s", msg);
	ck_assert_int_eq(xsan_check(st, false, stderr, &cs), 0);
	ck_assert_msg(cs.problems == 0, "fsck found %u problems", cs.problems);
	xsan_store_close(st);
	t.h.lease_s = h_wrapped() ? 4 : 1;
	t.h.grace_s = 1;
	it_start(&t);
	err = h_login(&t.h, &t.c);
	ck_assert_msg(!err, "login: %s", t.c.err);
	ck_assert_int_eq(open_fid(&t.c, it_fid(&h), XSAN_OPEN_RDONLY, &ha), -ESTALE);
	ck_assert_msg(h_log_wait(&t.h, "freed 1 files unlinked while open",
				 h_ms(10000)), "not freed after the window");
	/* a fresh session: the short lease may have run out meanwhile */
	xsan_client_close(&t.c);
	err = h_login(&t.h, &t.c);
	ck_assert_msg(!err, "login: %s", t.c.err);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&h), NULL), -ESTALE);
	ck_assert_int_eq(it_log_lines(&t.h, "freed 1 files unlinked while open", NULL), 1);
	it_end(&t);
}
END_TEST

Suite *it_ns_suite(void)
{
	Suite *s = suite_create("ns");

	IT_ADD(s, lookup_dot_dotdot);
	IT_ADD(s, create_mkdir_getattr);
	IT_ADD(s, setattr_all);
	IT_ADD(s, readdir_paged_stable);
	IT_ADD(s, mknod_types);
	IT_ADD(s, symlink_readlink);
	IT_ADD(s, link_unlink_rmdir);
	IT_ADD(s, unlink_while_open);
	IT_ADD(s, rename_plain_over_noreplace);
	IT_ADD(s, rename_exchange);
	IT_ADD(s, rename_dirs);
	IT_ADD(s, rename_same_inode);
	IT_ADD(s, setgid_dir_and_truncate);
	IT_ADD(s, statfs_counts);
	IT_ADD(s, xattr_ops);
	return s;
}
