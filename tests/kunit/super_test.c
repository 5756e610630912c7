// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the mount side of xsanfs (fs/super.c): the mdc= address
 * parser, the volume name check, and mount options going through the real
 * fs_context path (fs_context_for_mount, vfs_parse_fs_string, get_tree's
 * checks that run before any network traffic).
 */

#include <kunit/test.h>
#include <linux/fs_context.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/socket.h>
#include <linux/string.h>

#include "fs/xsan.h"

/* Expected result of parsing an MDC address. */
struct xsan_addr_want {
	sa_family_t family;
	u8 addr[16];		/* 4 bytes for AF_INET, 16 for AF_INET6 */
	u16 port;
};

#define XSAN_TEST_V4(a, b, c, d, p) \
	{ .family = AF_INET, .addr = { a, b, c, d }, .port = p }
#define XSAN_TEST_V6_DOC(last, p) \
	{ .family = AF_INET6, .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = last }, .port = p }

/* Check that @ss holds exactly @want; @what says which parse produced it. */
static void xsan_expect_addr(struct kunit *test, const struct sockaddr_storage *ss,
			     const struct xsan_addr_want *want, const char *what)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

	KUNIT_EXPECT_EQ_MSG(test, ss->ss_family, want->family,
			    "%s: wrong address family", what);
	if (ss->ss_family != want->family)
		return;

	if (want->family == AF_INET) {
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&sin->sin_addr, want->addr, 4), 0,
				    "%s: got IPv4 address %pI4, want %pI4",
				    what, &sin->sin_addr, want->addr);
		KUNIT_EXPECT_EQ_MSG(test, ntohs(sin->sin_port), want->port,
				    "%s: wrong port", what);
	} else {
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&sin6->sin6_addr, want->addr, 16), 0,
				    "%s: got IPv6 address %pI6c, want %pI6c",
				    what, &sin6->sin6_addr, want->addr);
		KUNIT_EXPECT_EQ_MSG(test, ntohs(sin6->sin6_port), want->port,
				    "%s: wrong port", what);
		KUNIT_EXPECT_EQ_MSG(test, sin6->sin6_scope_id, 0U,
				    "%s: scope id set for a global address", what);
		KUNIT_EXPECT_EQ_MSG(test, ntohl(sin6->sin6_flowinfo), 0U,
				    "%s: flow info set", what);
	}
}

/* xsan_parse_mdc_addr() */

struct xsan_mdc_addr_case {
	const char *desc;
	const char *in;
	int err;
	struct xsan_addr_want want;	/* only if @err is 0 */
};

static const struct xsan_mdc_addr_case xsan_mdc_addr_cases[] = {
	{ "IPv4 without port takes the volume port", "192.0.2.1", 0,
	  XSAN_TEST_V4(192, 0, 2, 1, XSAN_VOLUME_PORT) },
	{ "IPv4 with port", "192.0.2.1:7000", 0, XSAN_TEST_V4(192, 0, 2, 1, 7000) },
	{ "IPv4 with port 1", "10.0.0.1:1", 0, XSAN_TEST_V4(10, 0, 0, 1, 1) },
	{ "IPv4 with port 65535", "255.255.255.255:65535", 0,
	  XSAN_TEST_V4(255, 255, 255, 255, 65535) },
	{ "IPv4 with the default port spelled out", "127.0.0.1:60766", 0,
	  XSAN_TEST_V4(127, 0, 0, 1, 60766) },
	{ "IPv6 literal takes the volume port", "2001:db8::1", 0,
	  XSAN_TEST_V6_DOC(1, XSAN_VOLUME_PORT) },
	{ "IPv6 loopback", "::1", 0,
	  { .family = AF_INET6, .addr = { [15] = 1 }, .port = XSAN_VOLUME_PORT } },
	{ "IPv4-mapped IPv6", "::ffff:192.0.2.7", 0,
	  { .family = AF_INET6,
	    .addr = { [10] = 0xff, [11] = 0xff, [12] = 192, [13] = 0, [14] = 2, [15] = 7 },
	    .port = XSAN_VOLUME_PORT } },
	{ "[IPv6]:port", "[2001:db8::2]:7000", 0, XSAN_TEST_V6_DOC(2, 7000) },
	{ "[IPv6] without port takes the volume port", "[2001:db8::3]", 0,
	  XSAN_TEST_V6_DOC(3, XSAN_VOLUME_PORT) },
	{ "[IPv6] written out in full", "[2001:0db8:0000:0000:0000:0000:0000:0004]:60766", 0,
	  XSAN_TEST_V6_DOC(4, 60766) },
	{ "longest valid form (53 characters)",
	  "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535", 0,
	  { .family = AF_INET6,
	    .addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	    .port = 65535 } },

	{ "empty string", "", -EINVAL },
	{ "IPv4 with port 0", "192.0.2.1:0", -EINVAL },
	{ "IPv4 with port 65536", "192.0.2.1:65536", -EINVAL },
	{ "IPv4 with a huge port", "192.0.2.1:99999999999999999999", -EINVAL },
	{ "IPv4 with negative port", "192.0.2.1:-1", -EINVAL },
	{ "IPv4 with colon but no port", "192.0.2.1:", -EINVAL },
	{ "IPv4 with a service name as port", "192.0.2.1:xsan", -EINVAL },
	{ "IPv4 with two ports", "192.0.2.1:80:90", -EINVAL },
	{ "IPv4 with a signed port", "192.0.2.1:+80", -EINVAL },
	{ "IPv4 with a newline after the port", "192.0.2.1:80\n", -EINVAL },
	{ "IPv4 with a 6-digit zero-padded port", "192.0.2.1:000080", -EINVAL },
	{ "IPv4 with a zero-padded port", "192.0.2.1:0080", 0, XSAN_TEST_V4(192, 0, 2, 1, 80) },
	{ "IPv4 with trailing junk", "192.0.2.1x", -EINVAL },
	{ "IPv4 with trailing space", "192.0.2.1 ", -EINVAL },
	{ "IPv4 with leading space", " 192.0.2.1", -EINVAL },
	{ "IPv4 with a netmask", "192.0.2.0/24", -EINVAL },
	{ "IPv4 octet over 255", "192.0.2.256", -EINVAL },
	{ "IPv4 with three octets", "192.0.2", -EINVAL },
	{ "IPv4 with five octets", "192.0.2.1.5", -EINVAL },
	{ "host name", "mdc.example.com", -EINVAL },
	{ "host name with port", "mdc.example.com:60766", -EINVAL },
	{ "localhost", "localhost", -EINVAL },
	{ "garbage", "!@#$%^&*", -EINVAL },
	{ "[IPv6]: with no port", "[2001:db8::1]:", -EINVAL },
	{ "[IPv6] with port 0", "[2001:db8::1]:0", -EINVAL },
	{ "[IPv6] with port 65536", "[2001:db8::1]:65536", -EINVAL },
	{ "[IPv6] with trailing junk", "[2001:db8::1]x", -EINVAL },
	{ "[IPv6 without closing bracket", "[2001:db8::1", -EINVAL },
	{ "IPv6] without opening bracket", "2001:db8::1]", -EINVAL },
	{ "empty brackets", "[]", -EINVAL },
	{ "empty brackets with port", "[]:60766", -EINVAL },
	{ "IPv4 inside brackets", "[192.0.2.1]:7000", -EINVAL },
	{ "IPv6 with two double colons", "2001::db8::1", -EINVAL },
	{ "IPv6 with trailing junk", "2001:db8::1x", -EINVAL },
	{ "IPv6 with a zone", "fe80::1%eth0", -EINVAL },
	{ "long run of digits",
	  "1111111111111111111111111111111111111111111111111111111111111111", -EINVAL },
};

static void xsan_mdc_addr_desc(const struct xsan_mdc_addr_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_mdc_addr, xsan_mdc_addr_cases, xsan_mdc_addr_desc);

static void xsan_mdc_addr_test(struct kunit *test)
{
	const struct xsan_mdc_addr_case *c = test->param_value;
	struct sockaddr_storage ss;
	int err;

	memset(&ss, 0xa5, sizeof(ss));
	err = xsan_parse_mdc_addr(c->in, &ss);
	KUNIT_EXPECT_EQ_MSG(test, err, c->err, "xsan_parse_mdc_addr(\"%s\") returned %d, want %d",
			    c->in, err, c->err);
	if (!err && !c->err)
		xsan_expect_addr(test, &ss, &c->want, c->in);
}

static struct kunit_case xsan_mdc_addr_test_cases[] = {
	KUNIT_CASE_PARAM(xsan_mdc_addr_test, xsan_mdc_addr_gen_params),
	{}
};

static struct kunit_suite xsan_mdc_addr_suite = {
	.name = "xsanfs_mdc_addr",
	.test_cases = xsan_mdc_addr_test_cases,
};

/* xsan_check_volume_name() */

/* Letters, digits, '_' and '.': the longest valid name. */
static const char xsan_name_64[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.";
/* One more than allowed. */
static const char xsan_name_65[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.x";

static_assert(sizeof(xsan_name_64) - 1 == XSAN_VOLNAME_MAX);
static_assert(sizeof(xsan_name_65) - 1 == XSAN_VOLNAME_MAX + 1);

struct xsan_volname_case {
	const char *desc;
	const char *name;
	int err;
};

static const struct xsan_volname_case xsan_volname_cases[] = {
	{ "plain name", "vol", 0 },
	{ "one letter", "v", 0 },
	{ "one digit", "7", 0 },
	{ "starts with a digit", "0vol", 0 },
	{ "upper and lower case", "SanVol", 0 },
	{ "underscore, dash and dot inside", "san_vol-2.bak", 0 },
	{ "ends with a dash", "vol-", 0 },
	{ "exactly 64 characters", xsan_name_64, 0 },

	{ "empty", "", -EINVAL },
	{ "65 characters", xsan_name_65, -EINVAL },
	{ "80 characters",
	  "vol01234567890123456789012345678901234567890123456789012345678901234567890123456",
	  -EINVAL },
	{ "leading dash (looks like an option)", "-vol", -EINVAL },
	{ "leading underscore", "_vol", -EINVAL },
	{ "leading dot", ".vol", -EINVAL },
	{ "dot-dot", "..", -EINVAL },
	{ "slash inside", "vol/sub", -EINVAL },
	{ "path", "/dev/sda", -EINVAL },
	{ "space inside", "my vol", -EINVAL },
	{ "leading space", " vol", -EINVAL },
	{ "trailing newline", "vol\n", -EINVAL },
	{ "comma (option separator)", "vol,ro", -EINVAL },
	{ "colon", "host:vol", -EINVAL },
	{ "equals sign", "vol=1", -EINVAL },
	{ "Latin-1 letter (not A-Z a-z)", "caf\xe9", -EINVAL },
	{ "Latin-1 letter first", "\xc9t\xe9", -EINVAL },
	{ "UTF-8 letter", "caf\xc3\xa9", -EINVAL },
	{ "control character", "vol\x01", -EINVAL },
};

static void xsan_volname_desc(const struct xsan_volname_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_volname, xsan_volname_cases, xsan_volname_desc);

static void xsan_volname_test(struct kunit *test)
{
	const struct xsan_volname_case *c = test->param_value;
	int err;

	err = xsan_check_volume_name(c->name);
	KUNIT_EXPECT_EQ_MSG(test, err, c->err,
			    "xsan_check_volume_name(\"%*pE\") returned %d, want %d",
			    (int)strlen(c->name), c->name, err, c->err);
}

static struct kunit_case xsan_volname_test_cases[] = {
	KUNIT_CASE_PARAM(xsan_volname_test, xsan_volname_gen_params),
	{}
};

static struct kunit_suite xsan_volname_suite = {
	.name = "xsanfs_volume_name",
	.test_cases = xsan_volname_test_cases,
};

/* Mount options through fs_context_for_mount() and vfs_parse_fs_string() */

struct xsan_opt {
	const char *key;
	const char *value;	/* NULL: a flag, "key" without "=" */
	int err;		/* what vfs_parse_fs_string() must return */
};

#define XSAN_OPTS_MAX	3

struct xsan_opts_case {
	const char *desc;
	struct xsan_opt opts[XSAN_OPTS_MAX];	/* applied in order, up to a NULL key */
	/* what the context must hold afterwards */
	const char *source;
	bool have_mdc;
	struct xsan_addr_want mdc;	/* only if @have_mdc */
	unsigned int timeout;
	/* the options added with the session; 0/false are the defaults */
	bool soft;
	bool ro;
	unsigned int tok;		/* nrtiotokentimeout=; 0: the default */
	bool tok_zero;			/* ... or really 0 */
	unsigned int dircachesize;
	unsigned int cvnode_max;
	bool iodeadline_strict;
};

#define XSAN_DEF	.timeout = XSAN_TIMEOUT_DEFAULT

static const struct xsan_opts_case xsan_opts_cases[] = {
	{ .desc = "no options: defaults", .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "mdc=IPv4",
	  .opts = { { "mdc", "192.0.2.1", 0 } },
	  .have_mdc = true, .mdc = XSAN_TEST_V4(192, 0, 2, 1, XSAN_VOLUME_PORT),
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "mdc=IPv4:port",
	  .opts = { { "mdc", "192.0.2.1:7000", 0 } },
	  .have_mdc = true, .mdc = XSAN_TEST_V4(192, 0, 2, 1, 7000),
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "mdc=[IPv6]:port",
	  .opts = { { "mdc", "[2001:db8::9]:7000", 0 } },
	  .have_mdc = true, .mdc = XSAN_TEST_V6_DOC(9, 7000),
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "mdc=host name is refused",
	  .opts = { { "mdc", "mdc.example.com", -EINVAL } },
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "mdc=IPv4:0 is refused",
	  .opts = { { "mdc", "192.0.2.1:0", -EINVAL } },
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "mdc= empty is refused",
	  .opts = { { "mdc", "", -EINVAL } },
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "mdc without a value is refused",
	  .opts = { { "mdc", NULL, -EINVAL } },
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "a later mdc= replaces an earlier one",
	  .opts = { { "mdc", "192.0.2.1", 0 }, { "mdc", "192.0.2.2:7001", 0 } },
	  .have_mdc = true, .mdc = XSAN_TEST_V4(192, 0, 2, 2, 7001),
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "a refused mdc= leaves the earlier one intact",
	  .opts = { { "mdc", "192.0.2.1:7000", 0 }, { "mdc", "bogus", -EINVAL } },
	  .have_mdc = true, .mdc = XSAN_TEST_V4(192, 0, 2, 1, 7000),
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "timeout=0 is refused",
	  .opts = { { "timeout", "0", -EINVAL } },
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "timeout=1", .opts = { { "timeout", "1", 0 } }, .timeout = 1 },
	{ .desc = "timeout=3600", .opts = { { "timeout", "3600", 0 } }, .timeout = 3600 },
	{ .desc = "timeout=3601 is refused",
	  .opts = { { "timeout", "3601", -EINVAL } },
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "timeout=ten is refused",
	  .opts = { { "timeout", "ten", -EINVAL } },
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "timeout=-1 is refused",
	  .opts = { { "timeout", "-1", -EINVAL } },
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "timeout=2^32 is refused",
	  .opts = { { "timeout", "4294967296", -EINVAL } },
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "timeout without a value is refused",
	  .opts = { { "timeout", NULL, -EINVAL } },
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "a refused timeout= leaves the earlier one intact",
	  .opts = { { "timeout", "5", 0 }, { "timeout", "0", -EINVAL } },
	  .timeout = 5 },
	{ .desc = "unknown option is refused",
	  .opts = { { "bogus", "1", -EINVAL } },
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "unknown flag is refused",
	  .opts = { { "bogus", NULL, -EINVAL } },
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "option names are case-sensitive",
	  .opts = { { "MDC", "192.0.2.1", -EINVAL } },
	  .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "source",
	  .opts = { { "source", "vol", 0 } },
	  .source = "vol", .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "a second source is refused",
	  .opts = { { "source", "vol", 0 }, { "source", "other", -EINVAL } },
	  .source = "vol", .timeout = XSAN_TIMEOUT_DEFAULT },
	{ .desc = "soft", .opts = { { "soft", NULL, 0 } }, .soft = true, XSAN_DEF },
	{ .desc = "hard is the default", .opts = { { "hard", NULL, 0 } }, XSAN_DEF },
	{ .desc = "the last of soft and hard counts",
	  .opts = { { "hard", NULL, 0 }, { "soft", NULL, 0 }, { "hard", NULL, 0 } }, XSAN_DEF },
	{ .desc = "soft then hard... then soft",
	  .opts = { { "soft", NULL, 0 }, { "hard", NULL, 0 }, { "soft", NULL, 0 } },
	  .soft = true, XSAN_DEF },
	{ .desc = "soft=1 is refused (a flag takes no value)",
	  .opts = { { "soft", "1", -EINVAL } }, XSAN_DEF },
	{ .desc = "ro is a VFS flag", .opts = { { "ro", NULL, 0 } }, .ro = true, XSAN_DEF },
	{ .desc = "rw after ro", .opts = { { "ro", NULL, 0 }, { "rw", NULL, 0 } }, XSAN_DEF },
	{ .desc = "nrtiotokentimeout=0 (keep until revoked)",
	  .opts = { { "nrtiotokentimeout", "0", 0 } }, .tok_zero = true, XSAN_DEF },
	{ .desc = "nrtiotokentimeout=300",
	  .opts = { { "nrtiotokentimeout", "300", 0 } }, .tok = 300, XSAN_DEF },
	{ .desc = "nrtiotokentimeout=86400",
	  .opts = { { "nrtiotokentimeout", "86400", 0 } }, .tok = 86400, XSAN_DEF },
	{ .desc = "nrtiotokentimeout=86401 is refused",
	  .opts = { { "nrtiotokentimeout", "86401", -EINVAL } }, XSAN_DEF },
	{ .desc = "nrtiotokentimeout=abc is refused",
	  .opts = { { "nrtiotokentimeout", "abc", -EINVAL } }, XSAN_DEF },
	{ .desc = "nrtiotokentimeout without a value is refused",
	  .opts = { { "nrtiotokentimeout", NULL, -EINVAL } }, XSAN_DEF },
	{ .desc = "dircachesize=10000",
	  .opts = { { "dircachesize", "10000", 0 } }, .dircachesize = 10000, XSAN_DEF },
	{ .desc = "dircachesize=2^24+1 is refused",
	  .opts = { { "dircachesize", "16777217", -EINVAL } }, XSAN_DEF },
	{ .desc = "dircachesize=-5 is refused",
	  .opts = { { "dircachesize", "-5", -EINVAL } }, XSAN_DEF },
	{ .desc = "cvnode_max=100000",
	  .opts = { { "cvnode_max", "100000", 0 } }, .cvnode_max = 100000, XSAN_DEF },
	{ .desc = "cvnode_max=4294967295",
	  .opts = { { "cvnode_max", "4294967295", 0 } }, .cvnode_max = 4294967295u, XSAN_DEF },
	{ .desc = "cvnode_max=4294967296 is refused",
	  .opts = { { "cvnode_max", "4294967296", -EINVAL } }, XSAN_DEF },
	{ .desc = "cvnode_max=1k is refused",
	  .opts = { { "cvnode_max", "1k", -EINVAL } }, XSAN_DEF },
	{ .desc = "iodeadline=strict",
	  .opts = { { "iodeadline", "strict", 0 } }, .iodeadline_strict = true, XSAN_DEF },
	{ .desc = "iodeadline=warn after strict",
	  .opts = { { "iodeadline", "strict", 0 }, { "iodeadline", "warn", 0 } }, XSAN_DEF },
	{ .desc = "iodeadline=off is refused",
	  .opts = { { "iodeadline", "off", -EINVAL } }, XSAN_DEF },
	{ .desc = "iodeadline without a value is refused",
	  .opts = { { "iodeadline", NULL, -EINVAL } }, XSAN_DEF },
	{ .desc = "lease= is the MDC's choice, not an option",
	  .opts = { { "lease", "30", -EINVAL } }, XSAN_DEF },
	{ .desc = "the secret is never a mount option",
	  .opts = { { "secret", "abcdefghijklmnop", -EINVAL } }, XSAN_DEF },
	{ .desc = "soft, timeout, nrtiotokentimeout together",
	  .opts = { { "soft", NULL, 0 }, { "timeout", "20", 0 },
		    { "nrtiotokentimeout", "5", 0 } },
	  .soft = true, .tok = 5, .timeout = 20 },
	{ .desc = "source, mdc and timeout together",
	  .opts = { { "source", "san1", 0 }, { "mdc", "[::1]", 0 }, { "timeout", "30", 0 } },
	  .source = "san1", .have_mdc = true,
	  .mdc = { .family = AF_INET6, .addr = { [15] = 1 }, .port = XSAN_VOLUME_PORT },
	  .timeout = 30 },
};

static void xsan_opts_desc(const struct xsan_opts_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_opts, xsan_opts_cases, xsan_opts_desc);

/*
 * Apply @opts to @fc in order, checking each return value. Only EXPECTs:
 * the caller must always reach put_fs_context().
 */
static void xsan_apply_opts(struct kunit *test, struct fs_context *fc,
			    const struct xsan_opt *opts, int n)
{
	int i, err;

	for (i = 0; i < n && opts[i].key; i++) {
		const struct xsan_opt *o = &opts[i];

		err = vfs_parse_fs_string(fc, o->key, o->value,
					  o->value ? strlen(o->value) : 0);
		KUNIT_EXPECT_EQ_MSG(test, err, o->err,
				    "option %d, %s%s%s: returned %d, want %d", i + 1,
				    o->key, o->value ? "=" : "", o->value ?: "", err, o->err);
	}
}

static void xsan_mount_options_test(struct kunit *test)
{
	const struct xsan_opts_case *c = test->param_value;
	struct xsan_fs_context *ctx;
	struct fs_context *fc;

	fc = fs_context_for_mount(&xsan_fs_type, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, fc, "fs_context_for_mount() failed");
	ctx = fc->fs_private;
	KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, ctx, "init_fs_context set no private context");
	if (!ctx)
		goto out;

	xsan_apply_opts(test, fc, c->opts, ARRAY_SIZE(c->opts));

	if (c->source) {
		KUNIT_EXPECT_NOT_NULL_MSG(test, fc->source, "source was not recorded");
		if (fc->source)
			KUNIT_EXPECT_STREQ_MSG(test, fc->source, c->source, "wrong source");
	} else {
		KUNIT_EXPECT_NULL_MSG(test, fc->source, "source set without a source option");
	}
	KUNIT_EXPECT_EQ_MSG(test, ctx->timeout, c->timeout, "wrong timeout");
	KUNIT_EXPECT_EQ_MSG(test, ctx->have_mdc, c->have_mdc, "%s",
			    c->have_mdc ? "mdc= not recorded" : "have_mdc set, no valid mdc=");
	if (c->have_mdc && ctx->have_mdc)
		xsan_expect_addr(test, &ctx->mdc, &c->mdc, "mdc in the context");
	KUNIT_EXPECT_EQ_MSG(test, ctx->soft, c->soft, "%s",
			    c->soft ? "soft not recorded" : "soft without asking");
	KUNIT_EXPECT_EQ_MSG(test, !!(fc->sb_flags & SB_RDONLY), c->ro, "%s",
			    c->ro ? "ro did not set SB_RDONLY" : "SB_RDONLY without ro");
	KUNIT_EXPECT_EQ_MSG(test, ctx->tok_idle_secs,
			    c->tok_zero ? 0 : c->tok ? c->tok : XSAN_TOKTIMEOUT_DEFAULT,
			    "wrong nrtiotokentimeout");
	KUNIT_EXPECT_EQ_MSG(test, ctx->dircachesize, c->dircachesize, "wrong dircachesize");
	KUNIT_EXPECT_EQ_MSG(test, ctx->cvnode_max, c->cvnode_max, "wrong cvnode_max");
	KUNIT_EXPECT_EQ_MSG(test, ctx->iodeadline_strict, c->iodeadline_strict,
			    "wrong iodeadline");
out:
	put_fs_context(fc);
}

/*
 * get_tree must refuse an incomplete mount before it tries the network.
 * Every case here lacks something, so none of them opens a socket.
 */
struct xsan_get_tree_case {
	const char *desc;
	struct xsan_opt opts[XSAN_OPTS_MAX];
};

static const struct xsan_get_tree_case xsan_get_tree_cases[] = {
	{ "no source", { { "mdc", "192.0.2.1", 0 } } },
	{ "no mdc", { { "source", "vol", 0 } } },
	{ "nothing at all", { } },
	{ "source that is not a volume name",
	  { { "source", "/dev/sda", 0 }, { "mdc", "192.0.2.1", 0 } } },
	{ "source of 65 characters",
	  { { "source", xsan_name_65, 0 }, { "mdc", "192.0.2.1", 0 } } },
	{ "mdc refused earlier", { { "source", "vol", 0 }, { "mdc", "bogus", -EINVAL } } },
};

static void xsan_get_tree_desc(const struct xsan_get_tree_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_get_tree, xsan_get_tree_cases, xsan_get_tree_desc);

static void xsan_get_tree_refuses_test(struct kunit *test)
{
	const struct xsan_get_tree_case *c = test->param_value;
	struct fs_context *fc;
	int err;

	fc = fs_context_for_mount(&xsan_fs_type, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, fc, "fs_context_for_mount() failed");

	xsan_apply_opts(test, fc, c->opts, ARRAY_SIZE(c->opts));
	err = vfs_get_tree(fc);
	KUNIT_EXPECT_EQ_MSG(test, err, -EINVAL, "get_tree returned %d, want -EINVAL", err);
	KUNIT_EXPECT_NULL_MSG(test, fc->root, "get_tree set a root on failure");

	put_fs_context(fc);
}

static struct kunit_case xsan_mount_options_test_cases[] = {
	KUNIT_CASE_PARAM(xsan_mount_options_test, xsan_opts_gen_params),
	KUNIT_CASE_PARAM(xsan_get_tree_refuses_test, xsan_get_tree_gen_params),
	{}
};

static struct kunit_suite xsan_mount_options_suite = {
	.name = "xsanfs_mount_options",
	.test_cases = xsan_mount_options_test_cases,
};

kunit_test_suites(&xsan_mdc_addr_suite, &xsan_volname_suite, &xsan_mount_options_suite);
