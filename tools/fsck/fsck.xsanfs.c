// SPDX-License-Identifier: GPL-2.0
/*
 * fsck.xsanfs: check (and with -y repair) the metadata store of a volume,
 * as e2fsck does for ext4: one line per problem, a summary line, and
 * e2fsck's exit codes. Read-only by default, so it can run next to a
 * live MDC; the checks themselves are in tools/mdc/check.c.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdc/check.h"
#include "mdc/store.h"

#define FSCK_OK			0
#define FSCK_CORRECTED		1
#define FSCK_UNCORRECTED	4
#define FSCK_ERROR		8
#define FSCK_USAGE		16

static const char usage_line[] =
	"Usage: fsck.xsanfs [-n] [-y] [-d METADIR | -S STATEDIR] VOLUME";

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "fsck.xsanfs: %s\n", why);
	fprintf(stderr, "%s\n", usage_line);
	return FSCK_USAGE;
}

static void help(void)
{
	printf("%s\n"
	       "Check the metadata of an xsanfs volume.\n\n"
	       "  -n            check only, change nothing (the default)\n"
	       "  -y            repair every problem found\n"
	       "  -d METADIR    the volume's metadata directory (VOLUME optional)\n"
	       "  -S STATEDIR   the MDC's state directory (default /var/lib/xsanfs);\n"
	       "                the metadata is in STATEDIR/VOLUME\n"
	       "  -h            this help\n\n"
	       "Exit status: 0 clean, 1 errors corrected, 4 errors left uncorrected,\n"
	       "8 operational error, 16 usage error.\n", usage_line);
}

int main(int argc, char *argv[])
{
	const char *statedir = "/var/lib/xsanfs", *metadir = NULL, *volume;
	bool yes = false, no = false, got_s = false;
	struct xsan_check_stats stats;
	struct xsan_store *st;
	char path[PATH_MAX], err[512];
	int opt, rc;

	opterr = 0;
	while ((opt = getopt(argc, argv, ":nyd:S:h")) != -1) {
		switch (opt) {
		case 'n':
			no = true;
			break;
		case 'y':
			yes = true;
			break;
		case 'd':
			metadir = optarg;
			break;
		case 'S':
			statedir = optarg;
			got_s = true;
			break;
		case 'h':
			help();
			return FSCK_OK;
		case ':':
			snprintf(err, sizeof(err), "option -%c needs an argument", optopt);
			return usage(err);
		default:
			snprintf(err, sizeof(err), "unknown option '-%c'", optopt);
			return usage(err);
		}
	}
	if (yes && no)
		return usage("-n and -y exclude each other");
	if (metadir && got_s)
		return usage("-d and -S exclude each other");
	if (argc - optind > 1)
		return usage("too many arguments");
	volume = optind < argc ? argv[optind] : metadir;
	if (!volume)
		return usage("no volume given");
	if (!metadir) {
		if (!*volume || strchr(volume, '/') || !strcmp(volume, ".") ||
		    !strcmp(volume, ".."))
			return usage("a volume name cannot be empty, '.', '..' or contain '/'");
		if (snprintf(path, sizeof(path), "%s/%s", statedir, volume) >=
		    (int)sizeof(path))
			return usage("state directory path too long");
		metadir = path;
	}

	rc = xsan_store_open(metadir, !yes, &st, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "fsck.xsanfs: %s\n", err);
		return FSCK_ERROR;
	}
	rc = xsan_check(st, yes, stdout, &stats);
	xsan_store_close(st);
	if (rc) {
		fprintf(stderr, "fsck.xsanfs: %s: check failed: %s\n", volume,
			strerror(-rc));
		return FSCK_ERROR;
	}
	if (!stats.problems) {
		printf("%s: clean, %llu inodes, %llu directories\n", volume,
		       (unsigned long long)stats.inodes,
		       (unsigned long long)stats.dirs);
		return FSCK_OK;
	}
	printf("%s: %u problems found, %u fixed; %llu inodes, %llu directories\n",
	       volume, stats.problems, stats.fixed,
	       (unsigned long long)stats.inodes, (unsigned long long)stats.dirs);
	if (stats.fixed < stats.problems) {
		printf("%s: run fsck.xsanfs -y to repair\n", volume);
		return FSCK_UNCORRECTED;
	}
	return FSCK_CORRECTED;
}
