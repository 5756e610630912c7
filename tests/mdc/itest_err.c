// SPDX-License-Identifier: GPL-2.0
/*
 * Every error path of the namespace operations against a live xsanmdc,
 * asserting the exact errno a local filesystem (ext4) gives: a client
 * passes these straight to its applications, and `make` or `rsync` act
 * on the difference between ENOENT, ENOTDIR and EACCES.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static const struct xsan_cred *root(void)
{
	static struct xsan_cred cr;

	cr = h_root();
	return &cr;
}

START_TEST(err_enoent_eexist)
{
	struct xsan_attr f, d;
	struct xsan_rep rep;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "none", NULL), -ENOENT);
	ck_assert_int_eq(it_unlink(&t.c, root(), it_root, "none", NULL), -ENOENT);
	ck_assert_int_eq(it_rmdir(&t.c, root(), it_root, "none", NULL), -ENOENT);
	ck_assert_int_eq(it_rename(&t.c, root(), it_root, "none", it_root, "x", 0, &rep),
			 -ENOENT);

	ck_assert_int_eq(it_create(&t.c, root(), it_root, "f", &f), 0);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "d", 0755, &d), 0);
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "f", NULL), -EEXIST);
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "d", NULL), -EEXIST);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "f", 0755, NULL), -EEXIST);
	ck_assert_int_eq(it_mknod(&t.c, root(), it_root, "d", IT_IFIFO | 0644, 0, 0,
				  NULL, NULL), -EEXIST);
	ck_assert_int_eq(it_symlink(&t.c, root(), it_root, "f", "t", NULL), -EEXIST);
	ck_assert_int_eq(it_link(&t.c, root(), it_fid(&f), it_root, "d", NULL, NULL),
			 -EEXIST);
	/* "." and ".." always exist. */
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_fid(&d), "..", 0755, NULL), -EEXIST);
	ck_assert_int_eq(it_create(&t.c, root(), it_fid(&d), ".", NULL), -EEXIST);
	/* A parent that is gone. */
	ck_assert_int_eq(it_rmdir(&t.c, root(), it_root, "d", NULL), 0);
	ck_assert_int_eq(it_create(&t.c, root(), it_fid(&d), "x", NULL), -ESTALE);
	it_end(&t);
}
END_TEST

START_TEST(err_enotdir_eisdir)
{
	struct xsan_attr f, d, a;
	struct xsan_rep rep;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "f", &f), 0);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "d", 0755, &d), 0);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_fid(&f), "x", NULL), -ENOTDIR);
	ck_assert_int_eq(it_create(&t.c, root(), it_fid(&f), "x", NULL), -ENOTDIR);
	ck_assert_int_eq(it_rmdir(&t.c, root(), it_root, "f", NULL), -ENOTDIR);
	{
		struct xsan_req r = { .op = XSAN_OP_READDIR, .cred = h_root(),
				      .fid = it_fid(&f), .size = 4096 };

		ck_assert_int_eq(it_call(&t.c, &r, NULL), -ENOTDIR);
	}
	/* A directory over a file; a file over a directory. */
	ck_assert_int_eq(it_rename(&t.c, root(), it_root, "d", it_root, "f", 0, &rep),
			 -ENOTDIR);
	ck_assert_int_eq(it_rename(&t.c, root(), it_root, "f", it_root, "d", 0, &rep),
			 -EISDIR);
	ck_assert_int_eq(it_unlink(&t.c, root(), it_root, "d", NULL), -EISDIR);
	/* Hard links to directories are refused (EPERM, as link(2)). */
	ck_assert_int_eq(it_link(&t.c, root(), it_fid(&d), it_root, "dl", NULL, NULL),
			 -EPERM);
	/* READLINK of what is not a symlink. */
	{
		char buf[XSAN_SYMLINK_MAX + 1];

		ck_assert_int_eq(it_readlink(&t.c, root(), it_fid(&f), buf), -EINVAL);
	}
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "d", &a), 0);
	ck_assert_uint_eq(a.mode & IT_IFMT, IT_IFDIR);
	it_end(&t);
}
END_TEST

START_TEST(err_enotempty_einval)
{
	struct xsan_attr d, s, e;
	struct xsan_rep rep;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "d", 0755, &d), 0);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_fid(&d), "s", 0755, &s), 0);
	ck_assert_int_eq(it_create(&t.c, root(), it_fid(&s), "f", NULL), 0);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "e", 0755, &e), 0);
	ck_assert_int_eq(it_rmdir(&t.c, root(), it_root, "d", NULL), -ENOTEMPTY);
	ck_assert_int_eq(it_rmdir(&t.c, root(), it_fid(&d), "s", NULL), -ENOTEMPTY);
	/* Over a non-empty directory. */
	ck_assert_int_eq(it_rename(&t.c, root(), it_root, "e", it_root, "d", 0, &rep),
			 -ENOTEMPTY);
	/* A directory into its own subtree, or into itself. */
	ck_assert_int_eq(it_rename(&t.c, root(), it_root, "d", it_fid(&s), "x", 0, &rep),
			 -EINVAL);
	ck_assert_int_eq(it_rename(&t.c, root(), it_root, "d", it_fid(&d), "x", 0, &rep),
			 -EINVAL);
	ck_assert_int_eq(it_rename(&t.c, root(), it_root, "d", it_fid(&s), "x",
				   XSAN_RENAME_EXCHANGE, &rep), -ENOENT);
	/* rmdir of "." is EINVAL, rename with both flags never decodes. */
	ck_assert_int_eq(it_rmdir(&t.c, root(), it_fid(&d), ".", NULL), -EINVAL);
	ck_assert_int_eq(it_rmdir(&t.c, root(), it_fid(&d), "..", NULL), -ENOTEMPTY);
	/* Nothing moved. */
	ck_assert_int_eq(it_lookup(&t.c, root(), it_fid(&s), "..", &e), 0);
	ck_assert_uint_eq(e.ino, d.ino);
	ck_assert_int_eq(it_lookup(&t.c, root(), it_root, "d", NULL), 0);
	it_end(&t);
}
END_TEST

START_TEST(err_eacces_user)
{
	struct xsan_cred u = h_user(1000, 1000);
	struct xsan_attr priv, pub, f, a;
	struct it t;
	uint32_t full;
	char buf[16];

	it_begin(&t);
	/* The root directory is 0755 root: a user may look, not write. */
	ck_assert_int_eq(it_create(&t.c, &u, it_root, "x", NULL), -EACCES);
	ck_assert_int_eq(it_mkdir(&t.c, &u, it_root, "x", 0755, NULL), -EACCES);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "priv", 0700, &priv), 0);
	ck_assert_int_eq(it_create(&t.c, root(), it_fid(&priv), "f", &f), 0);
	ck_assert_int_eq(it_lookup(&t.c, &u, it_root, "priv", NULL), 0);
	ck_assert_int_eq(it_lookup(&t.c, &u, it_fid(&priv), "f", NULL), -EACCES);
	{
		struct xsan_req r = { .op = XSAN_OP_READDIR, .cred = u,
				      .fid = it_fid(&priv), .size = 4096 };

		ck_assert_int_eq(it_call(&t.c, &r, NULL), -EACCES);
	}
	ck_assert_int_eq(it_unlink(&t.c, &u, it_fid(&priv), "f", NULL), -EACCES);
	/* A user in the directory's group gets the group's bits. */
	{
		struct xsan_sattr sa = { .valid = XSAN_SA_MODE | XSAN_SA_GID,
					 .mode = 0770, .gid = 50 };
		struct xsan_cred g = h_user(1000, 1000);

		ck_assert_int_eq(it_setattr(&t.c, root(), it_fid(&priv), &sa, NULL), 0);
		ck_assert_int_eq(it_lookup(&t.c, &u, it_fid(&priv), "f", NULL), -EACCES);
		g.ngroups = 1;
		g.groups[0] = 50;
		ck_assert_int_eq(it_lookup(&t.c, &g, it_fid(&priv), "f", NULL), 0);
	}
	/* A 0644 root file: readable xattrs, not writable ones. */
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "pub", 0755, &pub), 0);
	ck_assert_int_eq(it_create(&t.c, root(), it_fid(&pub), "f", &f), 0);
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "user.k", "v", 1, 0), 0);
	ck_assert_int_eq(it_getxattr(&t.c, &u, it_fid(&f), "user.k", buf, 16, &full), 0);
	ck_assert_int_eq(it_setxattr(&t.c, &u, it_fid(&f), "user.k", "w", 1, 0), -EACCES);
	/* trusted.* without CAP_SYS_ADMIN: EPERM, as on ext4. */
	ck_assert_int_eq(it_setxattr(&t.c, &u, it_fid(&f), "trusted.k", "w", 1, 0), -EPERM);
	/* chmod by a non-owner. */
	{
		struct xsan_sattr sa = { .valid = XSAN_SA_MODE, .mode = 0777 };

		ck_assert_int_eq(it_setattr(&t.c, &u, it_fid(&f), &sa, NULL), -EPERM);
	}
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&f), &a), 0);
	ck_assert_uint_eq(a.mode, IT_IFREG | 0644);
	it_end(&t);
}
END_TEST

START_TEST(err_sticky_dir)
{
	struct xsan_cred a = h_user(1000, 1000), b = h_user(1001, 1001);
	struct xsan_attr tmp, x;
	struct xsan_rep rep;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "tmp", 01777, &tmp), 0);
	ck_assert_uint_eq(tmp.mode, IT_IFDIR | 01777);
	ck_assert_int_eq(it_create(&t.c, &a, it_fid(&tmp), "afile", &x), 0);
	ck_assert_uint_eq(x.uid, 1000);
	ck_assert_int_eq(it_create(&t.c, &b, it_fid(&tmp), "bfile", NULL), 0);
	/* Another user's file in a sticky dir: no unlink, no rename. */
	ck_assert_int_eq(it_unlink(&t.c, &b, it_fid(&tmp), "afile", NULL), -EPERM);
	ck_assert_int_eq(it_rename(&t.c, &b, it_fid(&tmp), "afile", it_fid(&tmp), "z",
				   0, &rep), -EPERM);
	ck_assert_int_eq(it_rename(&t.c, &b, it_fid(&tmp), "bfile", it_fid(&tmp),
				   "afile", 0, &rep), -EPERM);
	/* The owner may; so may root (CAP_FOWNER). */
	ck_assert_int_eq(it_unlink(&t.c, &b, it_fid(&tmp), "bfile", NULL), 0);
	ck_assert_int_eq(it_rename(&t.c, &a, it_fid(&tmp), "afile", it_fid(&tmp), "a2",
				   0, &rep), 0);
	ck_assert_int_eq(it_unlink(&t.c, root(), it_fid(&tmp), "a2", NULL), 0);
	it_end(&t);
}
END_TEST

START_TEST(err_chown_eperm)
{
	struct xsan_cred a = h_user(1000, 1000), b = h_user(1001, 1001);
	struct xsan_attr pub, f, x;
	struct xsan_sattr sa;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "pub", 0777, &pub), 0);
	ck_assert_int_eq(it_create(&t.c, &a, it_fid(&pub), "f", &f), 0);
	/* Not the owner: no chown, no chgrp, no utimes to a given time. */
	sa = (struct xsan_sattr){ .valid = XSAN_SA_UID, .uid = 1001 };
	ck_assert_int_eq(it_setattr(&t.c, &b, it_fid(&f), &sa, NULL), -EPERM);
	sa = (struct xsan_sattr){ .valid = XSAN_SA_GID, .gid = 1001 };
	ck_assert_int_eq(it_setattr(&t.c, &b, it_fid(&f), &sa, NULL), -EPERM);
	sa = (struct xsan_sattr){ .valid = XSAN_SA_MTIME, .mtime = { 5, 0 } };
	ck_assert_int_eq(it_setattr(&t.c, &b, it_fid(&f), &sa, NULL), -EPERM);
	/* The owner without CAP_CHOWN cannot give the file away... */
	sa = (struct xsan_sattr){ .valid = XSAN_SA_UID, .uid = 1001 };
	ck_assert_int_eq(it_setattr(&t.c, &a, it_fid(&f), &sa, NULL), -EPERM);
	/* ...nor chgrp to a group it is not in, but to one it is in. */
	sa = (struct xsan_sattr){ .valid = XSAN_SA_GID, .gid = 4242 };
	ck_assert_int_eq(it_setattr(&t.c, &a, it_fid(&f), &sa, NULL), -EPERM);
	a.ngroups = 1;
	a.groups[0] = 4242;
	ck_assert_int_eq(it_setattr(&t.c, &a, it_fid(&f), &sa, &x), 0);
	ck_assert_uint_eq(x.gid, 4242);
	ck_assert_uint_eq(x.uid, 1000);
	/* Root (CAP_CHOWN) may. */
	sa = (struct xsan_sattr){ .valid = XSAN_SA_UID, .uid = 1001 };
	ck_assert_int_eq(it_setattr(&t.c, root(), it_fid(&f), &sa, &x), 0);
	ck_assert_uint_eq(x.uid, 1001);
	it_end(&t);
}
END_TEST

START_TEST(err_estale_generation)
{
	struct xsan_attr f, g, x;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "f", &f), 0);
	ck_assert_int_eq(it_unlink(&t.c, root(), it_root, "f", NULL), 0);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&f), NULL), -ESTALE);
	{
		struct xsan_sattr sa = { .valid = XSAN_SA_MODE, .mode = 0600 };

		ck_assert_int_eq(it_setattr(&t.c, root(), it_fid(&f), &sa, NULL), -ESTALE);
	}
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "user.a", "b", 1, 0),
			 -ESTALE);
	/* The number comes back with a new generation: the old fid is stale. */
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "g", &g), 0);
	ck_assert_uint_eq(g.ino, f.ino);
	ck_assert_uint_ne(g.gen, f.gen);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&f), NULL), -ESTALE);
	ck_assert_int_eq(it_link(&t.c, root(), it_fid(&f), it_root, "h", NULL, NULL),
			 -ESTALE);
	ck_assert_int_eq(it_getattr(&t.c, it_fid(&g), &x), 0);
	ck_assert_uint_eq(x.nlink, 1);
	/* A number never used, and generation 0. */
	{
		struct xsan_fid never = { .ino = 999999, .gen = 1 };
		struct xsan_fid zero = { .ino = 1, .gen = 0 };

		ck_assert_int_eq(it_getattr(&t.c, never, NULL), -ESTALE);
		ck_assert_int_eq(it_getattr(&t.c, zero, NULL), -ESTALE);
	}
	it_end(&t);
}
END_TEST

START_TEST(err_xattr)
{
	static char big[XSAN_XATTR_SIZE_MAX];
	struct xsan_attr f;
	uint32_t full;
	struct it t;
	char buf[16];

	it_begin(&t);
	ck_assert_int_eq(it_create(&t.c, root(), it_root, "f", &f), 0);
	ck_assert_int_eq(it_getxattr(&t.c, root(), it_fid(&f), "user.none", buf, 16, &full),
			 -ENODATA);
	ck_assert_int_eq(it_removexattr(&t.c, root(), it_fid(&f), "user.none"), -ENODATA);
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "user.none", "v", 1,
				     XSAN_XATTR_REPLACE), -ENODATA);
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "user.a", "v", 1,
				     XSAN_XATTR_CREATE), 0);
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "user.a", "w", 1,
				     XSAN_XATTR_CREATE), -EEXIST);
	ck_assert_int_eq(it_getxattr(&t.c, root(), it_fid(&f), "user.a", buf, 16, &full), 0);
	ck_assert_int_eq(buf[0], 'v');
	/* A prefix no Linux filesystem knows; a prefix with nothing after. */
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "foo.bar", "v", 1, 0),
			 -EOPNOTSUPP);
	ck_assert_int_eq(it_getxattr(&t.c, root(), it_fid(&f), "foo.bar", buf, 16, &full),
			 -EOPNOTSUPP);
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "user.", "v", 1, 0),
			 -EINVAL);

	/*
	 * Size limits as the store implements them (tools/mdc/xattr.c):
	 * ext4 without ea_inode, all of an inode's xattrs share one 4 KiB
	 * block (4064 bytes of entries), so a value that fits the protocol
	 * (64 KiB) can still be ENOSPC; E2BIG (over 64 KiB) cannot even be
	 * encoded, see wire_oversized_xattr.
	 */
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "user.big", big,
				     XSAN_XATTR_SIZE_MAX, 0), -ENOSPC);
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "user.big", big, 4000, 0), 0);
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "user.more", big, 100, 0),
			 -ENOSPC);
	/* Replacing a value counts the old one as free. */
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "user.big", big, 4004,
				     XSAN_XATTR_REPLACE), 0);
	ck_assert_int_eq(it_removexattr(&t.c, root(), it_fid(&f), "user.big"), 0);
	ck_assert_int_eq(it_setxattr(&t.c, root(), it_fid(&f), "user.more", big, 100, 0), 0);
	it_end(&t);
}
END_TEST

START_TEST(err_perm_details)
{
	struct xsan_cred u = h_user(1000, 1000), v = h_user(1001, 1001);
	struct xsan_attr pub, pub2, rd, f, x;
	struct xsan_sattr sa;
	struct xsan_rep rep;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "pub", 0777, &pub), 0);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_root, "pub2", 0777, &pub2), 0);
	ck_assert_int_eq(it_mkdir(&t.c, root(), it_fid(&pub), "rd", 0755, &rd), 0);
	/*
	 * Moving a directory to another parent rewrites its "..": that
	 * needs write permission on the directory itself (EACCES), a
	 * rename within the parent does not.
	 */
	ck_assert_int_eq(it_rename(&t.c, &u, it_fid(&pub), "rd", it_fid(&pub2), "rd", 0,
				   &rep), -EACCES);
	ck_assert_int_eq(it_rename(&t.c, &u, it_fid(&pub), "rd", it_fid(&pub), "rd2", 0,
				   &rep), 0);

	/* chmod g+s by the owner outside the file's group drops S_ISGID. */
	ck_assert_int_eq(it_create(&t.c, &u, it_fid(&pub), "f", &f), 0);
	sa = (struct xsan_sattr){ .valid = XSAN_SA_MODE, .mode = 02755 };
	ck_assert_int_eq(it_setattr(&t.c, &u, it_fid(&f), &sa, &x), 0);
	ck_assert_uint_eq(x.mode, IT_IFREG | 02755);
	sa = (struct xsan_sattr){ .valid = XSAN_SA_GID, .gid = 50 };
	ck_assert_int_eq(it_setattr(&t.c, root(), it_fid(&f), &sa, &x), 0);
	/* chgrp of a group-executable SGID file drops it too. */
	ck_assert_uint_eq(x.mode, IT_IFREG | 0755);
	sa = (struct xsan_sattr){ .valid = XSAN_SA_MODE, .mode = 02755 };
	ck_assert_int_eq(it_setattr(&t.c, &u, it_fid(&f), &sa, &x), 0);
	ck_assert_uint_eq(x.mode, IT_IFREG | 0755);

	/* utimes(NULL) needs write permission, utimes(times) ownership. */
	sa = (struct xsan_sattr){ .valid = XSAN_SA_ATIME_NOW | XSAN_SA_MTIME_NOW };
	ck_assert_int_eq(it_setattr(&t.c, &v, it_fid(&f), &sa, NULL), -EACCES);
	sa = (struct xsan_sattr){ .valid = XSAN_SA_MODE, .mode = 0666 };
	ck_assert_int_eq(it_setattr(&t.c, &u, it_fid(&f), &sa, NULL), 0);
	sa = (struct xsan_sattr){ .valid = XSAN_SA_ATIME_NOW | XSAN_SA_MTIME_NOW };
	ck_assert_int_eq(it_setattr(&t.c, &v, it_fid(&f), &sa, NULL), 0);
	/* Truncate needs write permission. */
	sa = (struct xsan_sattr){ .valid = XSAN_SA_MODE, .mode = 0644 };
	ck_assert_int_eq(it_setattr(&t.c, &u, it_fid(&f), &sa, NULL), 0);
	sa = (struct xsan_sattr){ .valid = XSAN_SA_SIZE, .size = 1 };
	ck_assert_int_eq(it_setattr(&t.c, &v, it_fid(&f), &sa, NULL), -EACCES);
	/* An unlink needs write and search on the directory, not the file. */
	ck_assert_int_eq(it_unlink(&t.c, &v, it_fid(&pub), "f", NULL), 0);
	it_end(&t);
}
END_TEST

Suite *it_err_suite(void)
{
	Suite *s = suite_create("err");

	IT_ADD(s, err_enoent_eexist);
	IT_ADD(s, err_enotdir_eisdir);
	IT_ADD(s, err_enotempty_einval);
	IT_ADD(s, err_eacces_user);
	IT_ADD(s, err_sticky_dir);
	IT_ADD(s, err_chown_eperm);
	IT_ADD(s, err_estale_generation);
	IT_ADD(s, err_xattr);
	IT_ADD(s, err_perm_details);
	return s;
}
