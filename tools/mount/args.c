// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing the command line of mount.xsanfs. mount(8) puts the flags after
 * SPEC and DIR, so options and operands may come in any order. This does
 * not use getopt(): POSIXLY_CORRECT in the environment would stop getopt
 * at SPEC, and a parser without global state is easy to unit test.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

static int xmount_args_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int xmount_args_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Append @list to a->options, joined with ','. */
static int xmount_args_add_options(struct xmount_args *a, const char *list)
{
	size_t old = a->options ? strlen(a->options) : 0;
	size_t add = strlen(list);
	char *s = realloc(a->options, old + add + 2);

	if (!s)
		return -1;
	if (old)
		s[old++] = ',';
	memcpy(s + old, list, add + 1);
	a->options = s;
	return 0;
}

/**
 * xmount_args_parse() - parse the command line
 * @argc: as main() got it
 * @argv: as main() got it; @a points into it
 * @a: filled in; free it with xmount_args_free(), also after an error
 * @err: a sentence saying what is wrong
 * @errlen: size of @err
 *
 * Flags may be combined ("-sfnv") and an option's argument may be attached
 * ("-oro"). "--" ends the flags. With -h the rest is not checked.
 *
 * Return: 0, or -1 with @err set: an unknown flag, a missing argument, a
 * type other than xsanfs, or not exactly two operands.
 */
int xmount_args_parse(int argc, char *const argv[], struct xmount_args *a,
		      char *err, size_t errlen)
{
	bool flags_done = false;
	const char *val;
	int i;

	memset(a, 0, sizeof(*a));
	if (errlen)
		err[0] = '\0';

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *p;

		if (flags_done || arg[0] != '-' || !arg[1]) {
			if (!a->spec)
				a->spec = arg;
			else if (!a->dir)
				a->dir = arg;
			else
				return xmount_args_err(err, errlen,
						       "unexpected argument '%s'", arg);
			continue;
		}
		if (!strcmp(arg, "--")) {
			flags_done = true;
			continue;
		}
		if (!strcmp(arg, "--help")) {
			a->help = true;
			continue;
		}
		if (arg[1] == '-')
			return xmount_args_err(err, errlen, "unknown option '%s'", arg);

		for (p = arg + 1; *p; p++) {
			switch (*p) {
			case 'f':
				a->fake = true;
				continue;
			case 'n':
				a->nomtab = true;
				continue;
			case 's':
				a->sloppy = true;
				continue;
			case 'v':
				a->verbose = true;
				continue;
			case 'h':
				a->help = true;
				continue;
			case 'o':
			case 'N':
			case 't':
				break;
			default:
				return xmount_args_err(err, errlen,
						       "unknown option '-%c'", *p);
			}

			/* The rest of this word, or the next one, is the value. */
			if (p[1]) {
				val = p + 1;
			} else if (i + 1 < argc) {
				val = argv[++i];
			} else {
				return xmount_args_err(err, errlen,
						       "option '-%c' needs an argument", *p);
			}
			if (*p == 'o') {
				if (xmount_args_add_options(a, val))
					return xmount_args_err(err, errlen, "out of memory");
			} else if (*p == 'N') {
				a->ns = val;
			} else if (strcmp(val, XMOUNT_FSTYPE)) {
				return xmount_args_err(err, errlen,
						       "-t %s: this helper mounts only %s",
						       val, XMOUNT_FSTYPE);
			}
			break;
		}
	}

	if (a->help)
		return 0;
	if (!a->spec)
		return xmount_args_err(err, errlen, "no volume given");
	if (!a->dir)
		return xmount_args_err(err, errlen, "no mount point given");
	return 0;
}

/**
 * xmount_args_free() - release what xmount_args_parse() allocated
 * @a: the arguments; left empty
 */
void xmount_args_free(struct xmount_args *a)
{
	free(a->options);
	memset(a, 0, sizeof(*a));
}

#define XMOUNT_USAGE_LINE \
	"Usage: " XMOUNT_PROG " VOLUME DIR [-sfnv] [-N NAMESPACE] [-o OPTIONS] [-t " XMOUNT_FSTYPE "]\n"

/**
 * xmount_usage() - print the usage text, for -h
 * @f: where to print it
 */
void xmount_usage(FILE *f)
{
	fputs(XMOUNT_USAGE_LINE
	      "       " XMOUNT_PROG " -h\n"
	      "\n"
	      "Mount the xsanfs volume VOLUME on DIR. mount(8) runs this helper for\n"
	      "'mount -t xsanfs VOLUME DIR' and prints what it says. Without mdc=, the\n"
	      "name servers of /etc/xsanfs/fsnameservers are asked where VOLUME is.\n"
	      "\n"
	      "  -o OPTIONS    comma-separated; see mount.xsanfs(8):\n"
	      "                mdc=HOST[:PORT] (the metadata controller; the name\n"
	      "                service is then not asked), nameserver=HOST (ask it\n"
	      "                instead of fsnameservers; repeatable), nsport=PORT,\n"
	      "                timeout=SECONDS, hard, soft, nrtiotokentimeout=SECONDS,\n"
	      "                dircachesize=N, cvnode_max=N, iodeadline=warn|strict,\n"
	      "                local_locks (fcntl/flock locks of this host only),\n"
	      "                threads=N (ignored), and\n"
	      "                the generic ro, rw, nosuid, nodev, noexec, noatime, ...\n"
	      "  -f            fake: check and resolve everything, but do not mount\n"
	      "  -n            accepted for mount(8): there is no mtab to write\n"
	      "  -s            sloppy: skip unknown options and options the kernel\n"
	      "                rejects, with a warning\n"
	      "  -v            verbose: print what the name service said, the LUNs\n"
	      "                of the volume found here, and what goes to the kernel\n"
	      "  -N NAMESPACE  mount in this mount namespace (a file such as\n"
	      "                /proc/PID/ns/mnt, or a PID)\n"
	      "  -t " XMOUNT_FSTYPE "     accepted for mount(8)\n"
	      "  -h, --help    show this text\n"
	      "\n"
	      "Exit status: 0 mounted, 1 bad command line, 32 mount failed.\n", f);
}

/**
 * xmount_usage_short() - the usage line, after a command line error
 * @f: where to print it
 */
void xmount_usage_short(FILE *f)
{
	fputs(XMOUNT_USAGE_LINE
	      "Try '" XMOUNT_PROG " -h' for more information.\n", f);
}
