/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of mount.xsanfs, as mount(8) builds it:
 *   mount.xsanfs SPEC DIR [-sfnv] [-N NS] [-o OPTS] [-t TYPE]
 */
#ifndef XMOUNT_ARGS_H
#define XMOUNT_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define XMOUNT_PROG	"mount.xsanfs"
#define XMOUNT_FSTYPE	"xsanfs"

/**
 * struct xmount_args - what the command line asked for
 * @spec: the volume name
 * @dir: the mount point
 * @options: every -o list joined with ',', or NULL; owned
 * @ns: -N: a mount namespace file or a PID, or NULL
 * @fake: -f: do everything but the mount system calls
 * @nomtab: -n: accepted; there is no mtab to write
 * @verbose: -v: say what is passed to the kernel
 * @sloppy: -s: skip options the kernel rejects as invalid
 * @help: -h or --help
 */
struct xmount_args {
	const char *spec;
	const char *dir;
	char *options;
	const char *ns;
	bool fake;
	bool nomtab;
	bool verbose;
	bool sloppy;
	bool help;
};

int xmount_args_parse(int argc, char *const argv[], struct xmount_args *a,
		      char *err, size_t errlen);
void xmount_args_free(struct xmount_args *a);
void xmount_usage(FILE *f);
void xmount_usage_short(FILE *f);

#endif /* XMOUNT_ARGS_H */
