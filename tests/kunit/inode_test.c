// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for what the kernel client accepts from the MDC about inodes
 * and names (fs/inode.c, fs/dir.c): the mode check, the READDIR entry
 * check, and xsan_refresh_inode() -- attributes of another inode or of
 * another type are -EIO, an older reply does not overwrite a newer one.
 * No network and no mount: the refresh runs on an inode in a fake
 * superblock that only carries the volume name the error log uses.
 */

#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "fs/xsan.h"

struct xsan_mode_case {
	const char *desc;
	u32 mode;
	bool ok;
};

static const struct xsan_mode_case xsan_mode_cases[] = {
	{ "regular 0644", S_IFREG | 0644, true },
	{ "directory 07777", S_IFDIR | 07777, true },
	{ "symlink", S_IFLNK | 0777, true },
	{ "char device", S_IFCHR | 0600, true },
	{ "block device", S_IFBLK | 0660, true },
	{ "fifo", S_IFIFO | 0644, true },
	{ "socket", S_IFSOCK | 0755, true },
	{ "no type", 0644, false },
	{ "type 0170000", S_IFMT | 0644, false },
	{ "type 0030000", 0030000 | 0644, false },
	{ "bit above the type", 0200000 | S_IFREG | 0644, false },
	{ "top bit", 0x80000000u | S_IFREG, false },
};

static void xsan_mode_desc(const struct xsan_mode_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_mode, xsan_mode_cases, xsan_mode_desc);

static void xsan_mode_ok_test(struct kunit *test)
{
	const struct xsan_mode_case *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test, xsan_mode_ok(c->mode), c->ok,
			    "%s: mode %o should be %s", c->desc, c->mode,
			    c->ok ? "accepted" : "refused");
}

static const char xsan_long_name[XSAN_NAME_MAX + 1] = {
	[0 ... XSAN_NAME_MAX] = 'n'
};

struct xsan_dirent_case {
	const char *desc;
	struct xsan_dirent d;
	bool ok;
};

#define XSAN_DE(i, c, t, n, l) \
	{ .ino = (i), .cookie = (c), .type = (t), .name = (n), .namelen = (l) }

static const struct xsan_dirent_case xsan_dirent_cases[] = {
	{ "plain file", XSAN_DE(5, 1, XSAN_DT_REG, "file", 4), true },
	{ "directory, large cookie", XSAN_DE(5, 1ull << 40, XSAN_DT_DIR, "d", 1), true },
	{ "three dots", XSAN_DE(5, 3, XSAN_DT_LNK, "...", 3), true },
	{ "255-byte name", XSAN_DE(5, 3, XSAN_DT_REG, xsan_long_name, 255), true },
	{ "inode 0", XSAN_DE(0, 1, XSAN_DT_REG, "file", 4), false },
	{ "cookie 0", XSAN_DE(5, 0, XSAN_DT_REG, "file", 4), false },
	{ "cookie without a position", XSAN_DE(5, LLONG_MAX, XSAN_DT_REG, "f", 1), false },
	{ "type 3", XSAN_DE(5, 1, 3, "file", 4), false },
	{ "type 0 (DT_UNKNOWN)", XSAN_DE(5, 1, 0, "file", 4), false },
	{ "dot", XSAN_DE(5, 1, XSAN_DT_DIR, ".", 1), false },
	{ "dot dot", XSAN_DE(5, 1, XSAN_DT_DIR, "..", 2), false },
	{ "slash", XSAN_DE(5, 1, XSAN_DT_REG, "a/b", 3), false },
	{ "NUL", XSAN_DE(5, 1, XSAN_DT_REG, "a\0b", 3), false },
	{ "empty name", XSAN_DE(5, 1, XSAN_DT_REG, "", 0), false },
	{ "256-byte name", XSAN_DE(5, 1, XSAN_DT_REG, xsan_long_name, 256), false },
};

static void xsan_dirent_desc(const struct xsan_dirent_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_dirent, xsan_dirent_cases, xsan_dirent_desc);

static void xsan_dirent_sane_test(struct kunit *test)
{
	const struct xsan_dirent_case *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test, xsan_dirent_sane(&c->d), c->ok,
			    "%s: entry should be %s", c->desc,
			    c->ok ? "listed" : "refused (-EIO)");
}

/* An inode of a superblock that exists only for the log line. */
struct xsan_fake {
	struct super_block sb;
	struct xsan_sb_info sbi;
	struct xsan_inode_info xi;
};

static struct inode *xsan_fake_inode(struct kunit *test, u32 mode)
{
	struct xsan_fake *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct inode *inode;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	f->sbi.sb = &f->sb;
	strscpy(f->sbi.volume, "ktest", sizeof(f->sbi.volume));
	f->sb.s_fs_info = &f->sbi;
	xsan_tok_init_inode(&f->xi);
	f->xi.fid.ino = 42;
	f->xi.fid.gen = 7;
	inode = &f->xi.vfs_inode;
	inode->i_sb = &f->sb;
	inode->i_mode = mode;
	set_nlink(inode, 1);
	return inode;
}

static void xsan_fake_attr(struct xsan_attr *a, u32 mode, u64 size)
{
	memset(a, 0, sizeof(*a));
	a->ino = 42;
	a->gen = 7;
	a->mode = mode;
	a->nlink = 3;
	a->uid = 1000;
	a->gid = 100;
	a->size = size;
	a->blocks = 8;
	a->mtime.sec = 981173106;
	a->mtime.nsec = 5;
}

static void xsan_refresh_test(struct kunit *test)
{
	struct inode *inode = xsan_fake_inode(test, S_IFREG | 0644);
	struct xsan_attr a;

	xsan_fake_attr(&a, S_IFREG | 0600, 4096);
	KUNIT_EXPECT_EQ_MSG(test, xsan_refresh_inode(inode, &a, 10), 0,
			    "attributes of the inode itself refused");
	KUNIT_EXPECT_EQ_MSG(test, inode->i_mode, (umode_t)(S_IFREG | 0600),
			    "mode not refreshed");
	KUNIT_EXPECT_EQ_MSG(test, inode->i_nlink, 3u, "nlink not refreshed");
	KUNIT_EXPECT_EQ_MSG(test, i_size_read(inode), 4096LL, "size not refreshed");
	KUNIT_EXPECT_EQ_MSG(test, from_kuid(&init_user_ns, inode->i_uid), 1000u,
			    "uid not refreshed");
	KUNIT_EXPECT_EQ_MSG(test, inode->i_mtime.tv_sec, 981173106LL,
			    "mtime not refreshed");

	/* a reply read earlier (seq 9) is older news: ignored, not an error */
	xsan_fake_attr(&a, S_IFREG | 0644, 1);
	KUNIT_EXPECT_EQ_MSG(test, xsan_refresh_inode(inode, &a, 9), 0,
			    "an older reply is not an error");
	KUNIT_EXPECT_EQ_MSG(test, i_size_read(inode), 4096LL,
			    "a reply read at 9 overwrote the one read at 10");

	/* the same reply may carry the inode twice (RENAME within one dir) */
	xsan_fake_attr(&a, S_IFREG | 0644, 2);
	KUNIT_EXPECT_EQ_MSG(test, xsan_refresh_inode(inode, &a, 10), 0,
			    "same seq refused");
	KUNIT_EXPECT_EQ_MSG(test, i_size_read(inode), 2LL, "same seq not applied");
}

struct xsan_bad_attr_case {
	const char *desc;
	u64 ino;
	u32 gen;
	u32 mode;
};

static const struct xsan_bad_attr_case xsan_bad_attr_cases[] = {
	{ "another inode number", 43, 7, S_IFREG | 0644 },
	{ "another generation (reused inode)", 42, 8, S_IFREG | 0644 },
	{ "inode 0", 0, 7, S_IFREG | 0644 },
	{ "a file became a directory", 42, 7, S_IFDIR | 0755 },
	{ "a file became a symlink", 42, 7, S_IFLNK | 0777 },
	{ "no type", 42, 7, 0644 },
	{ "bits above the type", 42, 7, 0200000 | S_IFREG | 0644 },
};

static void xsan_bad_attr_desc(const struct xsan_bad_attr_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_bad_attr, xsan_bad_attr_cases, xsan_bad_attr_desc);

static void xsan_refresh_bad_test(struct kunit *test)
{
	const struct xsan_bad_attr_case *c = test->param_value;
	struct inode *inode = xsan_fake_inode(test, S_IFREG | 0644);
	struct xsan_attr a;

	xsan_fake_attr(&a, c->mode, 999);
	a.ino = c->ino;
	a.gen = c->gen;
	KUNIT_EXPECT_EQ_MSG(test, xsan_refresh_inode(inode, &a, 5), -EIO,
			    "%s: not refused with -EIO", c->desc);
	KUNIT_EXPECT_EQ_MSG(test, inode->i_mode, (umode_t)(S_IFREG | 0644),
			    "%s: the inode's mode changed anyway", c->desc);
	KUNIT_EXPECT_EQ_MSG(test, i_size_read(inode), 0LL,
			    "%s: the inode's size changed anyway", c->desc);
}

static struct kunit_case xsan_inode_test_cases[] = {
	KUNIT_CASE_PARAM(xsan_mode_ok_test, xsan_mode_gen_params),
	KUNIT_CASE_PARAM(xsan_dirent_sane_test, xsan_dirent_gen_params),
	KUNIT_CASE(xsan_refresh_test),
	KUNIT_CASE_PARAM(xsan_refresh_bad_test, xsan_bad_attr_gen_params),
	{}
};

static struct kunit_suite xsan_inode_suite = {
	.name = "xsanfs_inode",
	.test_cases = xsan_inode_test_cases,
};

kunit_test_suite(xsan_inode_suite);
