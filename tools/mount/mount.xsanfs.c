// SPDX-License-Identifier: GPL-2.0
/*
 * mount.xsanfs: the helper mount(8) runs for "mount -t xsanfs". It exists
 * so that mount prints the kernel's reason for a failed mount: mount(8) in
 * util-linux 2.38 uses mount(2), which returns only an errno, while the
 * new mount API used here lets us read the sentence the module logged. It
 * also resolves the metadata controller's host name, which the kernel
 * cannot do.
 *
 * This file wires the real system calls to the pieces in args.c,
 * options.c, mdc.c and mount_api.c, and maps the result to mount(8)'s
 * exit codes.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "mdc.h"
#include "mount_api.h"
#include "secret.h"
#include "options.h"

/* mount(8)'s exit codes. */
#define XMOUNT_EX_USAGE		1
#define XMOUNT_EX_FAIL		32

/*
 * Run "modprobe xsanfs" with a fixed environment: mount(8) may run us
 * set-uid for a "user" mount. Its own messages go to our stderr.
 */
static int xmount_modprobe(void)
{
	static const char *const fallback[] = { "/sbin/modprobe", "/usr/sbin/modprobe" };
	char *const argv[] = { "modprobe", XMOUNT_FSTYPE, NULL };
	char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	char path[PATH_MAX] = "";
	const char *prog = NULL;
	FILE *f;
	pid_t pid;
	size_t i;
	int st;

	/* The program the kernel itself runs to load modules comes first. */
	f = fopen("/proc/sys/kernel/modprobe", "re");
	if (f) {
		if (fgets(path, sizeof(path), f))
			path[strcspn(path, "\n")] = '\0';
		fclose(f);
	}
	if (path[0] == '/' && !access(path, X_OK))
		prog = path;
	for (i = 0; !prog && i < sizeof(fallback) / sizeof(fallback[0]); i++)
		if (!access(fallback[i], X_OK))
			prog = fallback[i];
	if (!prog)
		return -1;

	fflush(NULL);
	if (posix_spawn(&pid, prog, NULL, NULL, argv, envp))
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static const struct xmount_sys xmount_real_sys = {
	.fsopen		= fsopen,
	.fsconfig	= fsconfig,
	.fsmount	= fsmount,
	.move_mount	= move_mount,
	.mount_setattr	= mount_setattr,
	.umount2	= umount2,
	.read		= read,
	.close		= close,
	.modprobe	= xmount_modprobe,
};

/* -N: a namespace file, or a PID meaning /proc/PID/ns/mnt. */
static int xmount_enter_ns(const char *ns)
{
	char path[64];
	const char *p = ns;
	int fd, e;

	if (ns[strspn(ns, "0123456789")] == '\0') {
		snprintf(path, sizeof(path), "/proc/%.20s/ns/mnt", ns);
		p = path;
	}
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNS)) {
		e = errno;
		fprintf(stderr, XMOUNT_PROG ": cannot enter mount namespace %s: %s\n",
			p, strerror(e));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Replace mdc= by its numeric form. */
static int xmount_resolve_mdc(struct xmount_opts *o, bool verbose)
{
	struct xmount_kopt *k = xmount_opts_find(o, "mdc");
	char addr[XMOUNT_MDC_MAX], err[512];
	char *v;

	/* No mdc=: the name service is not there yet; the kernel says so. */
	if (!k)
		return 0;
	if (xmount_mdc_normalise(k->value, addr, sizeof(addr),
				 xmount_resolve_host, err, sizeof(err))) {
		fprintf(stderr, XMOUNT_PROG ": %s\n", err);
		return -1;
	}
	if (verbose && strcmp(k->value, addr))
		printf(XMOUNT_PROG ": metadata controller %s is %s\n", k->value, addr);
	v = strdup(addr);
	if (!v) {
		fprintf(stderr, XMOUNT_PROG ": out of memory\n");
		return -1;
	}
	free(k->value);
	k->value = v;
	return 0;
}

int main(int argc, char *argv[])
{
	struct xmount_opts opts;
	struct xmount_args args;
	struct xmount_req req;
	char err[512];
	int ret = XMOUNT_EX_FAIL;

	if (xmount_args_parse(argc, argv, &args, err, sizeof(err))) {
		fprintf(stderr, XMOUNT_PROG ": %s\n", err);
		xmount_usage_short(stderr);
		xmount_args_free(&args);
		return XMOUNT_EX_USAGE;
	}
	if (args.help) {
		xmount_usage(stdout);
		xmount_args_free(&args);
		return 0;
	}

	if (xmount_opts_parse(args.options, &opts, err, sizeof(err))) {
		fprintf(stderr, XMOUNT_PROG ": %s\n", err);
		goto out;
	}
	if (xmount_resolve_mdc(&opts, args.verbose))
		goto out;
	if (args.ns && !args.fake && xmount_enter_ns(args.ns))
		goto out;
	if (!args.fake && xmount_load_secret(XMOUNT_SECRET_DIR, args.spec, err,
					     sizeof(err))) {
		fprintf(stderr, XMOUNT_PROG ": %s\n", err);
		goto out;
	}

	req = (struct xmount_req) {
		.spec = args.spec,
		.dir = args.dir,
		.opts = &opts,
		.fake = args.fake,
		.sloppy = args.sloppy,
		.verbose = args.verbose,
	};
	if (!xmount_run(&req, &xmount_real_sys, stdout, stderr))
		ret = 0;
out:
	xmount_opts_free(&opts);
	xmount_args_free(&args);
	return ret;
}
