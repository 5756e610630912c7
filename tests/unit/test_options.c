// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of tools/mount/options.c: which -o items become fsmount()
 * attributes, which are dropped, which reach the kernel, and how; of
 * tools/mount/xsanopts.c: which of those xsanfs takes, which the helper
 * keeps, ignores or refuses; and of tools/mount/luns.c on image files.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "lun.h"
#include "luns.h"
#include "options.h"
#include "unit.h"
#include "xsanopts.h"

static char err[512];

/* Parse @list, which must succeed. */
static void parse_ok(const char *list, struct xmount_opts *o)
{
	int rc = xmount_opts_parse(list, o, err, sizeof(err));

	ck_assert_msg(rc == 0, "parsing '%s' failed: %s", list, err);
}

/* Parse @list, which must fail with exactly @want. */
static void parse_fails(const char *list, const char *want)
{
	struct xmount_opts o;
	int rc = xmount_opts_parse(list, &o, err, sizeof(err));

	ck_assert_msg(rc == -1, "parsing '%s' succeeded", list);
	ck_assert_str_eq(err, want);
	xmount_opts_free(&o);
}

static void assert_kopt(const struct xmount_opts *o, size_t i,
			const char *key, const char *value)
{
	ck_assert_msg(i < o->nkopts, "only %zu kernel options, wanted #%zu (%s)",
		      o->nkopts, i, key);
	ck_assert_str_eq(o->kopts[i].key, key);
	if (value)
		ck_assert_pstr_eq(o->kopts[i].value, value);
	else
		ck_assert_msg(o->kopts[i].value == NULL,
			      "%s should be a flag, has value '%s'", key, o->kopts[i].value);
}

START_TEST(opts_classify)
{
	static const char *const attr[] = {
		"ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec",
		"noatime", "atime", "relatime", "norelatime", "strictatime",
		"nostrictatime", "nodiratime", "diratime", "nosymfollow", "symfollow",
	};
	static const char *const user[] = {
		"defaults", "auto", "noauto", "user", "users", "nouser", "nofail",
		"_netdev", "owner", "group", "comment", "x-systemd.automount",
		"X-mount.mkdir", "x-", "silent", "loud", "helper",
	};
	static const char *const kernel[] = {
		"mdc", "timeout", "sync", "async", "dirsync", "lazytime", "mand",
		"bogus", "xattr", "rox", "Ro", "x", "context", "threads",
	};
	static const char *const prop[] = {
		"shared", "rshared", "private", "rprivate", "slave", "rslave",
		"unbindable", "runbindable",
	};
	static const char *const unsupported[] = { "remount", "bind", "rbind", "move" };
	size_t i;

	for (i = 0; i < sizeof(attr) / sizeof(attr[0]); i++)
		ck_assert_msg(xmount_opt_classify(attr[i]) == XMOUNT_OPT_ATTR,
			      "'%s' is not a mount attribute", attr[i]);
	for (i = 0; i < sizeof(user) / sizeof(user[0]); i++)
		ck_assert_msg(xmount_opt_classify(user[i]) == XMOUNT_OPT_USERSPACE,
			      "'%s' is not userspace-only", user[i]);
	for (i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++)
		ck_assert_msg(xmount_opt_classify(kernel[i]) == XMOUNT_OPT_KERNEL,
			      "'%s' is not a kernel option", kernel[i]);
	for (i = 0; i < sizeof(prop) / sizeof(prop[0]); i++)
		ck_assert_msg(xmount_opt_classify(prop[i]) == XMOUNT_OPT_PROPAGATION,
			      "'%s' is not propagation", prop[i]);
	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
		ck_assert_msg(xmount_opt_classify(unsupported[i]) == XMOUNT_OPT_UNSUPPORTED,
			      "'%s' is not refused", unsupported[i]);
}
END_TEST

START_TEST(opts_attr_bits)
{
	struct xmount_opts o;

	parse_ok("ro,nosuid,nodev,noexec,noatime,nodiratime,nosymfollow", &o);
	ck_assert_uint_eq(o.attr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			  MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOATIME |
			  MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW);
	ck_assert_uint_eq(o.nkopts, 0);
	ck_assert_uint_eq(o.propagation, 0);
	xmount_opts_free(&o);

	parse_ok("strictatime", &o);
	ck_assert_uint_eq(o.attr, MOUNT_ATTR_STRICTATIME);
	xmount_opts_free(&o);

	parse_ok(NULL, &o);
	ck_assert_uint_eq(o.attr, 0);
	ck_assert_uint_eq(o.nkopts, 0);
	ck_assert_ptr_null(o.kopts);
	xmount_opts_free(&o);
}
END_TEST

/* Later items win, as in mount(8); atime is a field, not bits. */
START_TEST(opts_attr_last_wins)
{
	static const struct {
		const char *list;
		unsigned int attr;
	} cases[] = {
		{ "ro,rw", 0 },
		{ "rw,ro", MOUNT_ATTR_RDONLY },
		{ "nosuid,suid", 0 },
		{ "nodev,dev,nodev", MOUNT_ATTR_NODEV },
		{ "noexec,exec", 0 },
		{ "noatime,relatime", MOUNT_ATTR_RELATIME },
		{ "noatime,strictatime", MOUNT_ATTR_STRICTATIME },
		{ "strictatime,noatime", MOUNT_ATTR_NOATIME },
		{ "noatime,atime", MOUNT_ATTR_RELATIME },
		{ "strictatime,atime", MOUNT_ATTR_STRICTATIME },
		{ "strictatime,nostrictatime", MOUNT_ATTR_RELATIME },
		{ "noatime,norelatime", MOUNT_ATTR_NOATIME },
		{ "nodiratime,noatime", MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOATIME },
		{ "noatime,nodiratime,diratime", MOUNT_ATTR_NOATIME },
		{ "nosymfollow,symfollow", 0 },
		{ "ro,ro", MOUNT_ATTR_RDONLY },
	};
	struct xmount_opts o;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_ok(cases[i].list, &o);
		ck_assert_msg(o.attr == cases[i].attr, "'%s': attr %#x, want %#x",
			      cases[i].list, o.attr, cases[i].attr);
		ck_assert_uint_eq(o.nkopts, 0);
		xmount_opts_free(&o);
	}
}
END_TEST

START_TEST(opts_userspace_dropped)
{
	struct xmount_opts o;

	parse_ok("defaults,auto,noauto,user,users,nouser,user=alice,nofail,_netdev,"
		 "x-systemd.automount,x-systemd.device-timeout=5,X-mount.mkdir=0755,"
		 "comment=\"a,b\",owner,group,silent", &o);
	ck_assert_uint_eq(o.nkopts, 0);
	ck_assert_uint_eq(o.attr, 0);
	ck_assert_uint_eq(o.propagation, 0);
	xmount_opts_free(&o);
}
END_TEST

START_TEST(opts_kernel_passthrough)
{
	struct xmount_opts o;

	parse_ok("mdc=10.0.0.1:6000,ro,timeout=5,bogus,key=,sync,noauto,threads=8", &o);
	ck_assert_uint_eq(o.nkopts, 6);
	assert_kopt(&o, 0, "mdc", "10.0.0.1:6000");
	assert_kopt(&o, 1, "timeout", "5");
	assert_kopt(&o, 2, "bogus", NULL);
	assert_kopt(&o, 3, "key", "");
	assert_kopt(&o, 4, "sync", NULL);
	assert_kopt(&o, 5, "threads", "8");
	ck_assert_uint_eq(o.attr, MOUNT_ATTR_RDONLY);
	ck_assert_str_eq(xmount_opts_find(&o, "timeout")->value, "5");
	ck_assert_ptr_null(xmount_opts_find(&o, "ro"));
	ck_assert_ptr_null(xmount_opts_find(&o, "noauto"));
	xmount_opts_free(&o);
}
END_TEST

/* Only the first '=' splits: the rest is the value. */
START_TEST(opts_value_with_equals)
{
	struct xmount_opts o;

	parse_ok("a=b=c,d==", &o);
	ck_assert_uint_eq(o.nkopts, 2);
	assert_kopt(&o, 0, "a", "b=c");
	assert_kopt(&o, 1, "d", "=");
	xmount_opts_free(&o);
}
END_TEST

START_TEST(opts_empty_items)
{
	static const char *const empty[] = { "", ",", ",,", ",,,,,," };
	struct xmount_opts o;
	size_t i;

	for (i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		parse_ok(empty[i], &o);
		ck_assert_msg(o.nkopts == 0 && o.attr == 0, "'%s' gave options", empty[i]);
		xmount_opts_free(&o);
	}

	parse_ok(",ro,,timeout=5,,,bogus,", &o);
	ck_assert_uint_eq(o.attr, MOUNT_ATTR_RDONLY);
	ck_assert_uint_eq(o.nkopts, 2);
	assert_kopt(&o, 0, "timeout", "5");
	assert_kopt(&o, 1, "bogus", NULL);
	xmount_opts_free(&o);
}
END_TEST

START_TEST(opts_empty_key)
{
	parse_fails("=value", "option '=value' has no name");
	parse_fails("ro,=x,timeout=5", "option '=x' has no name");
	parse_fails("=", "option '=' has no name");
	parse_fails("timeout=1,,=", "option '=' has no name");
}
END_TEST

START_TEST(opts_flag_with_value)
{
	parse_fails("nosuid=1", "option 'nosuid' takes no value, but 'nosuid=1' was given");
	parse_fails("ro=", "option 'ro' takes no value, but 'ro=' was given");
	parse_fails("shared=yes", "option 'shared' takes no value, but 'shared=yes' was given");
}
END_TEST

START_TEST(opts_operations_refused)
{
	parse_fails("remount,ro",
		    "option 'remount' asks for an operation, not a new mount: mount.xsanfs only makes new mounts");
	parse_fails("bind",
		    "option 'bind' asks for an operation, not a new mount: mount.xsanfs only makes new mounts");
}
END_TEST

START_TEST(opts_quotes)
{
	struct xmount_opts o;

	parse_ok("context=\"system_u:object_r:tmp_t:s0:c127,c456\",ro,k=\"\",m=a\"b,c\"d", &o);
	ck_assert_uint_eq(o.nkopts, 3);
	assert_kopt(&o, 0, "context", "system_u:object_r:tmp_t:s0:c127,c456");
	assert_kopt(&o, 1, "k", "");
	/* Only a value quoted as a whole loses its quotes. */
	assert_kopt(&o, 2, "m", "a\"b,c\"d");
	ck_assert_uint_eq(o.attr, MOUNT_ATTR_RDONLY);
	xmount_opts_free(&o);

	parse_fails("ro,a=\"b,c", "unterminated quote in option 'a=\"b,c'");
}
END_TEST

START_TEST(opts_duplicate_keys)
{
	struct xmount_opts o;

	/* The kernel sees every repeat, in order, and keeps the last. */
	parse_ok("timeout=5,bogus,timeout=7", &o);
	ck_assert_uint_eq(o.nkopts, 3);
	assert_kopt(&o, 0, "timeout", "5");
	assert_kopt(&o, 2, "timeout", "7");
	ck_assert_str_eq(xmount_opts_find(&o, "timeout")->value, "7");
	xmount_opts_free(&o);

	/* mdc= is resolved here, so only the last survives (fstab + -o). */
	parse_ok("mdc=oldhost,timeout=5,mdc=10.0.0.1,ro,mdc=10.0.0.2:7", &o);
	ck_assert_uint_eq(o.nkopts, 2);
	assert_kopt(&o, 0, "timeout", "5");
	assert_kopt(&o, 1, "mdc", "10.0.0.2:7");
	xmount_opts_free(&o);
}
END_TEST

START_TEST(opts_long_list)
{
	enum { N = 5000, BIG = 64 * 1024 };
	struct xmount_opts o;
	size_t len = 0, cap = N * 24 + BIG + 64;
	char *list = malloc(cap), *big = malloc(BIG + 1);
	char key[32], val[32];
	size_t i;

	ck_assert_ptr_nonnull(list);
	ck_assert_ptr_nonnull(big);
	memset(big, 'v', BIG);
	big[BIG] = '\0';
	for (i = 0; i < N; i++)
		len += (size_t)snprintf(list + len, cap - len, "k%zu=%zu,nosuid,", i, i * 3);
	snprintf(list + len, cap - len, "big=%s,ro", big);

	parse_ok(list, &o);
	ck_assert_uint_eq(o.nkopts, N + 1);
	for (i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		snprintf(val, sizeof(val), "%zu", i * 3);
		assert_kopt(&o, i, key, val);
	}
	assert_kopt(&o, N, "big", big);
	ck_assert_uint_eq(o.attr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);
	xmount_opts_free(&o);
	free(list);
	free(big);
}
END_TEST

START_TEST(opts_propagation)
{
	struct xmount_opts o;

	parse_ok("rshared", &o);
	ck_assert_uint_eq(o.propagation, MS_SHARED);
	ck_assert(o.propagation_recursive);
	ck_assert_uint_eq(o.nkopts, 0);
	xmount_opts_free(&o);

	parse_ok("rshared,slave", &o);
	ck_assert_uint_eq(o.propagation, MS_SLAVE);
	ck_assert(!o.propagation_recursive);
	xmount_opts_free(&o);

	parse_ok("private,runbindable", &o);
	ck_assert_uint_eq(o.propagation, MS_UNBINDABLE);
	ck_assert(o.propagation_recursive);
	xmount_opts_free(&o);
}
END_TEST

START_TEST(opts_attr_str)
{
	char buf[128];

	xmount_attr_str(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "rw,relatime");
	xmount_attr_str(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW |
			MOUNT_ATTR_NOATIME | MOUNT_ATTR_NODIRATIME, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ro,nosuid,nodev,noexec,nosymfollow,noatime,nodiratime");
	xmount_attr_str(MOUNT_ATTR_STRICTATIME, buf, sizeof(buf));
	ck_assert_str_eq(buf, "rw,strictatime");
}
END_TEST

/* Parse and check @list; both must succeed. */
static void check_ok(const char *list, bool sloppy, struct xmount_opts *o,
		     struct xmount_helper_opts *h, FILE *notes, FILE *warn)
{
	parse_ok(list, o);
	ck_assert_msg(xmount_opts_check(o, sloppy, h, notes, warn, err, sizeof(err)) == 0,
		      "checking '%s' failed: %s", list, err);
}

/* Parse @list (must succeed) and check it: must fail with exactly @want. */
static void check_fails(const char *list, const char *want)
{
	struct xmount_helper_opts h;
	struct xmount_opts o;

	parse_ok(list, &o);
	ck_assert_msg(xmount_opts_check(&o, false, &h, NULL, NULL, err, sizeof(err)) == -1,
		      "checking '%s' succeeded", list);
	ck_assert_str_eq(err, want);
	xmount_helper_opts_free(&h);
	xmount_opts_free(&o);
}

START_TEST(xopts_kernel_kept_in_order)
{
	struct xmount_helper_opts h;
	struct xmount_opts o;

	check_ok("soft,mdc=10.0.0.1,nrtiotokentimeout=30,ro,hard,dircachesize=9,cvnode_max=7,timeout=3,dirsync,context=\"a,b\"",
		 false, &o, &h, NULL, NULL);
	ck_assert_uint_eq(o.nkopts, 9);
	assert_kopt(&o, 0, "soft", NULL);
	assert_kopt(&o, 1, "mdc", "10.0.0.1");
	assert_kopt(&o, 2, "nrtiotokentimeout", "30");
	assert_kopt(&o, 3, "hard", NULL);
	assert_kopt(&o, 4, "dircachesize", "9");
	assert_kopt(&o, 5, "cvnode_max", "7");
	assert_kopt(&o, 6, "timeout", "3");
	assert_kopt(&o, 7, "dirsync", NULL);
	assert_kopt(&o, 8, "context", "a,b");
	ck_assert_uint_eq(h.nnameservers, 0);
	ck_assert_uint_eq(h.nsport, 0);
	xmount_helper_opts_free(&h);
	xmount_opts_free(&o);
}
END_TEST

START_TEST(xopts_helper_taken)
{
	struct xmount_helper_opts h;
	struct xmount_opts o;

	check_ok("nameserver=ns1,timeout=4,nsport=6000,nameserver=2001:db8::1,nsport=7000",
		 false, &o, &h, NULL, NULL);
	ck_assert_uint_eq(o.nkopts, 1);
	assert_kopt(&o, 0, "timeout", "4");
	ck_assert_uint_eq(h.nnameservers, 2);
	ck_assert_str_eq(h.nameservers[0], "ns1");
	ck_assert_str_eq(h.nameservers[1], "2001:db8::1");
	ck_assert_uint_eq(h.nsport, 7000);
	xmount_helper_opts_free(&h);
	ck_assert_uint_eq(h.nnameservers, 0);
	xmount_opts_free(&o);
}
END_TEST

START_TEST(xopts_stornext_ignored_with_note)
{
	struct xmount_helper_opts h;
	struct xmount_opts o;
	char *buf = NULL;
	size_t len = 0;
	FILE *notes = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(notes);
	check_ok("threads=12,hard,cachebufsize=64k,buffercachecap=256", false, &o, &h, notes, NULL);
	fclose(notes);
	ck_assert_uint_eq(o.nkopts, 1);
	assert_kopt(&o, 0, "hard", NULL);
	ck_assert_str_eq(buf,
		"mount.xsanfs: option 'threads=12' ignored: the kernel client has no pool of I/O threads to size (the block layer queues the I/O)\n"
		"mount.xsanfs: option 'cachebufsize=64k' ignored: file data is cached in the Linux page cache, not in xsanfs buffers\n"
		"mount.xsanfs: option 'buffercachecap=256' ignored: file data is cached in the Linux page cache, not in xsanfs buffers\n");
	free(buf);
	xmount_helper_opts_free(&h);
	xmount_opts_free(&o);

	/* Without -v: silently. */
	check_ok("threads=12", false, &o, &h, NULL, NULL);
	ck_assert_uint_eq(o.nkopts, 0);
	xmount_helper_opts_free(&h);
	xmount_opts_free(&o);
}
END_TEST

START_TEST(xopts_refused)
{
	check_fails("hard,bogus,soft",
		    "unknown option 'bogus': see mount.xsanfs(8) for the options xsanfs takes (-s skips unknown options)");
	check_fails("lease=30",
		    "option 'lease' is not accepted: the metadata controller sets one lease period for all its clients (xsanmdc -l SECONDS); a client cannot choose it");
	check_fails("lease",
		    "option 'lease' is not accepted: the metadata controller sets one lease period for all its clients (xsanmdc -l SECONDS); a client cannot choose it");
	check_fails("soft=yes", "option 'soft' takes no value, but 'soft=yes' was given");
	check_fails("hard=", "option 'hard' takes no value, but 'hard=' was given");
	check_fails("dircachesize", "option 'dircachesize' needs a value: dircachesize=ENTRIES");
	check_fails("nameserver", "option 'nameserver' needs a value: nameserver=HOST");
	check_fails("nameserver=", "nameserver= is empty: give nameserver=HOST");
	check_fails("nsport=x", "nsport=x: not a port number (1-65535)");
	check_fails("nsport=", "nsport=: not a port number (1-65535)");
	check_fails("nsport=99999", "nsport=99999: not a port number (1-65535)");
	/* Case matters, as in the kernel. */
	check_fails("HARD",
		    "unknown option 'HARD': see mount.xsanfs(8) for the options xsanfs takes (-s skips unknown options)");
}
END_TEST

START_TEST(xopts_sloppy_drops_unknown)
{
	struct xmount_helper_opts h;
	struct xmount_opts o;
	char *buf = NULL;
	size_t len = 0;
	FILE *warn = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(warn);
	check_ok("bogus,hard,x=1,timeout=2", true, &o, &h, NULL, warn);
	fclose(warn);
	ck_assert_uint_eq(o.nkopts, 2);
	assert_kopt(&o, 0, "hard", NULL);
	assert_kopt(&o, 1, "timeout", "2");
	ck_assert_str_eq(buf, "mount.xsanfs: ignoring unknown option 'bogus' (-s)\n"
			      "mount.xsanfs: ignoring unknown option 'x=1' (-s)\n");
	free(buf);
	xmount_helper_opts_free(&h);
	xmount_opts_free(&o);

	/* -s does not make a refused option acceptable. */
	parse_ok("lease=3", &o);
	ck_assert_int_eq(xmount_opts_check(&o, true, &h, NULL, NULL, err, sizeof(err)), -1);
	xmount_helper_opts_free(&h);
	xmount_opts_free(&o);
}
END_TEST

START_TEST(xopts_add)
{
	struct xmount_opts o;

	parse_ok("hard", &o);
	ck_assert_int_eq(xmount_opts_add(&o, "mdc", "192.0.2.1:60766"), 0);
	ck_assert_int_eq(xmount_opts_add(&o, "soft", NULL), 0);
	ck_assert_uint_eq(o.nkopts, 3);
	assert_kopt(&o, 1, "mdc", "192.0.2.1:60766");
	assert_kopt(&o, 2, "soft", NULL);
	xmount_opts_free(&o);
}
END_TEST

/* Three image files: a LUN of volume A, a LUN of volume B, an empty one. */
START_TEST(luns_scan_images)
{
	static const uint8_t va[XSAN_LUN_UUID_SIZE] = { 0xa1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint8_t vb[XSAN_LUN_UUID_SIZE] = { 0xb1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint8_t vc[XSAN_LUN_UUID_SIZE] = { 0xc1 };
	char dir[] = "/tmp/xmount-luns-XXXXXX", p[3][64], *paths[4];
	struct xmount_lun_scan res;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *out;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < 3; i++) {
		FILE *f;

		snprintf(p[i], sizeof(p[i]), "%s/lun%zu.img", dir, i);
		f = fopen(p[i], "w");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(ftruncate(fileno(f), 8 << 20), 0);
		fclose(f);
		paths[i] = p[i];
	}
	paths[3] = "/nonexistent/lun.img";
	ck_assert_msg(!xsan_lun_label(p[0], "alpha0", 0, false, NULL, err, sizeof(err)), "%s", err);
	ck_assert_msg(!xsan_lun_assign(p[0], va, 1, 3, err, sizeof(err)), "%s", err);
	ck_assert_msg(!xsan_lun_label(p[1], "beta0", 0, false, NULL, err, sizeof(err)), "%s", err);
	ck_assert_msg(!xsan_lun_assign(p[1], vb, 0, 0, err, sizeof(err)), "%s", err);

	out = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(out);
	xmount_luns_scan(va, paths, 4, out, &res);
	fclose(out);
	ck_assert_uint_eq(res.found, 1);
	ck_assert_uint_eq(res.checked, 4);
	ck_assert_uint_eq(res.unreadable, 1);
	ck_assert_msg(strstr(buf, "mount.xsanfs: LUN alpha0 is ") && strstr(buf, " partition 1 ") &&
		      strstr(buf, "stripe group 1, disk 3)\n") && !strstr(buf, "beta0"),
		      "got '%s'", buf);
	free(buf);

	xmount_luns_scan(vb, paths, 3, NULL, &res);
	ck_assert_uint_eq(res.found, 1);
	xmount_luns_scan(vc, paths, 3, NULL, &res);
	ck_assert_uint_eq(res.found, 0);
	ck_assert_uint_eq(res.unreadable, 0);

	for (i = 0; i < 3; i++)
		unlink(p[i]);
	rmdir(dir);
}
END_TEST

Suite *options_suite(void)
{
	Suite *s = suite_create("options");

	UNIT_ADD(s, opts_classify);
	UNIT_ADD(s, opts_attr_bits);
	UNIT_ADD(s, opts_attr_last_wins);
	UNIT_ADD(s, opts_userspace_dropped);
	UNIT_ADD(s, opts_kernel_passthrough);
	UNIT_ADD(s, opts_value_with_equals);
	UNIT_ADD(s, opts_empty_items);
	UNIT_ADD(s, opts_empty_key);
	UNIT_ADD(s, opts_flag_with_value);
	UNIT_ADD(s, opts_operations_refused);
	UNIT_ADD(s, opts_quotes);
	UNIT_ADD(s, opts_duplicate_keys);
	UNIT_ADD(s, opts_long_list);
	UNIT_ADD(s, opts_propagation);
	UNIT_ADD(s, opts_attr_str);
	UNIT_ADD(s, xopts_kernel_kept_in_order);
	UNIT_ADD(s, xopts_helper_taken);
	UNIT_ADD(s, xopts_stornext_ignored_with_note);
	UNIT_ADD(s, xopts_refused);
	UNIT_ADD(s, xopts_sloppy_drops_unknown);
	UNIT_ADD(s, xopts_add);
	UNIT_ADD(s, luns_scan_images);
	return s;
}
