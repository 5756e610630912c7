// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of tools/mount/args.c: the command line as mount(8) builds it,
 * and every way it can be wrong.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "unit.h"

static char err[256];
static struct xmount_args a;

#define ARGV(...) ((char *const[]){ "mount.xsanfs", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((const char *[]){ "mount.xsanfs", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(...) xmount_args_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &a, err, sizeof(err))

static void teardown(void)
{
	xmount_args_free(&a);
}

/* Exactly what mount(8) from util-linux 2.38 passes. */
START_TEST(args_mount8_order)
{
	ck_assert_int_eq(PARSE("vol1", "/mnt/x", "-sfnv", "-N", "/proc/1/fd/5",
			       "-o", "ro,mdc=10.0.0.1", "-t", "xsanfs"), 0);
	ck_assert_str_eq(a.spec, "vol1");
	ck_assert_str_eq(a.dir, "/mnt/x");
	ck_assert_str_eq(a.options, "ro,mdc=10.0.0.1");
	ck_assert_str_eq(a.ns, "/proc/1/fd/5");
	ck_assert(a.sloppy && a.fake && a.nomtab && a.verbose);
	ck_assert(!a.help);
	teardown();

	ck_assert_int_eq(PARSE("vol1", "/mnt/x"), 0);
	ck_assert_str_eq(a.spec, "vol1");
	ck_assert_str_eq(a.dir, "/mnt/x");
	ck_assert_ptr_null(a.options);
	ck_assert_ptr_null(a.ns);
	ck_assert(!a.sloppy && !a.fake && !a.nomtab && !a.verbose && !a.help);
	teardown();
}
END_TEST

START_TEST(args_flags_anywhere)
{
	ck_assert_int_eq(PARSE("-v", "-o", "ro", "vol1", "-f", "/mnt/x", "-oquiet"), 0);
	ck_assert_str_eq(a.spec, "vol1");
	ck_assert_str_eq(a.dir, "/mnt/x");
	ck_assert_str_eq(a.options, "ro,quiet");
	ck_assert(a.verbose && a.fake && !a.sloppy && !a.nomtab);
	teardown();

	/* Attached values, and flags grouped before one that takes a value. */
	ck_assert_int_eq(PARSE("vol1", "/mnt/x", "-txsanfs", "-vNns", "-so", "a=1"), 0);
	ck_assert_str_eq(a.ns, "ns");
	ck_assert_str_eq(a.options, "a=1");
	ck_assert(a.verbose && a.sloppy);
	teardown();

	/* "--" ends the flags: a volume may start with '-'. */
	ck_assert_int_eq(PARSE("-v", "--", "-vol", "-dir"), 0);
	ck_assert_str_eq(a.spec, "-vol");
	ck_assert_str_eq(a.dir, "-dir");
	teardown();

	/* A lone "-" is an operand. */
	ck_assert_int_eq(PARSE("-", "/mnt/x"), 0);
	ck_assert_str_eq(a.spec, "-");
	teardown();

	/* Several -o lists are joined; an empty one adds nothing. */
	ck_assert_int_eq(PARSE("vol1", "/mnt/x", "-o", "", "-o", "ro", "-o", "a=1"), 0);
	ck_assert_str_eq(a.options, "ro,a=1");
	teardown();
}
END_TEST

START_TEST(args_missing_operands)
{
	ck_assert_int_eq(PARSE("vol1"), -1);
	ck_assert_str_eq(err, "no mount point given");
	teardown();

	ck_assert_int_eq(PARSE("vol1", "-o", "ro"), -1);
	ck_assert_str_eq(err, "no mount point given");
	teardown();

	ck_assert_int_eq(xmount_args_parse(1, ARGV(NULL), &a, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "no volume given");
	teardown();

	ck_assert_int_eq(PARSE("-v"), -1);
	ck_assert_str_eq(err, "no volume given");
	teardown();
}
END_TEST

START_TEST(args_extra_operand)
{
	ck_assert_int_eq(PARSE("vol1", "/mnt/x", "/mnt/y"), -1);
	ck_assert_str_eq(err, "unexpected argument '/mnt/y'");
	teardown();
}
END_TEST

START_TEST(args_unknown_flag)
{
	ck_assert_int_eq(PARSE("vol1", "/mnt/x", "-x"), -1);
	ck_assert_str_eq(err, "unknown option '-x'");
	teardown();

	ck_assert_int_eq(PARSE("vol1", "/mnt/x", "-fvz"), -1);
	ck_assert_str_eq(err, "unknown option '-z'");
	teardown();

	ck_assert_int_eq(PARSE("vol1", "/mnt/x", "--bogus"), -1);
	ck_assert_str_eq(err, "unknown option '--bogus'");
	teardown();

	ck_assert_int_eq(PARSE("vol1", "/mnt/x", "-V"), -1);
	ck_assert_str_eq(err, "unknown option '-V'");
	teardown();
}
END_TEST

START_TEST(args_missing_value)
{
	ck_assert_int_eq(PARSE("vol1", "/mnt/x", "-o"), -1);
	ck_assert_str_eq(err, "option '-o' needs an argument");
	teardown();

	ck_assert_int_eq(PARSE("vol1", "/mnt/x", "-N"), -1);
	ck_assert_str_eq(err, "option '-N' needs an argument");
	teardown();

	ck_assert_int_eq(PARSE("vol1", "/mnt/x", "-vt"), -1);
	ck_assert_str_eq(err, "option '-t' needs an argument");
	teardown();
}
END_TEST

START_TEST(args_type_checked)
{
	ck_assert_int_eq(PARSE("vol1", "/mnt/x", "-t", "nfs"), -1);
	ck_assert_str_eq(err, "-t nfs: this helper mounts only xsanfs");
	teardown();

	ck_assert_int_eq(PARSE("vol1", "/mnt/x", "-t", "xsanfs.sub"), -1);
	ck_assert_str_eq(err, "-t xsanfs.sub: this helper mounts only xsanfs");
	teardown();

	ck_assert_int_eq(PARSE("vol1", "/mnt/x", "-t", "xsanfs"), 0);
	teardown();
}
END_TEST

START_TEST(args_help)
{
	ck_assert_int_eq(PARSE("-h"), 0);
	ck_assert(a.help);
	ck_assert_ptr_null(a.spec);
	teardown();

	ck_assert_int_eq(PARSE("--help"), 0);
	ck_assert(a.help);
	teardown();

	ck_assert_int_eq(PARSE("vol1", "-vh"), 0);
	ck_assert(a.help && a.verbose);
	teardown();
}
END_TEST

START_TEST(args_usage_text)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	xmount_usage_short(f);
	fclose(f);
	ck_assert_str_eq(text,
			 "Usage: mount.xsanfs VOLUME DIR [-sfnv] [-N NAMESPACE] [-o OPTIONS] [-t xsanfs]\n"
			 "Try 'mount.xsanfs -h' for more information.\n");
	free(text);

	text = NULL;
	f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	xmount_usage(f);
	fclose(f);
	ck_assert_msg(!strncmp(text, "Usage: mount.xsanfs VOLUME DIR", 30), "%s", text);
	ck_assert_ptr_nonnull(strstr(text, "mdc=HOST[:PORT]"));
	ck_assert_ptr_nonnull(strstr(text, "Exit status: 0 mounted, 1 bad command line, 32 mount failed.\n"));
	free(text);
}
END_TEST

Suite *args_suite(void)
{
	Suite *s = suite_create("args");

	UNIT_ADD(s, args_mount8_order);
	UNIT_ADD(s, args_flags_anywhere);
	UNIT_ADD(s, args_missing_operands);
	UNIT_ADD(s, args_extra_operand);
	UNIT_ADD(s, args_unknown_flag);
	UNIT_ADD(s, args_missing_value);
	UNIT_ADD(s, args_type_checked);
	UNIT_ADD(s, args_help);
	UNIT_ADD(s, args_usage_text);
	return s;
}
