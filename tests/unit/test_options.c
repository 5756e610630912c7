// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of tools/mount/options.c: which -o items become fsmount()
 * attributes, which are dropped, which reach the kernel, and how.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "options.h"
#include "unit.h"

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
	return s;
}
