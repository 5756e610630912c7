// SPDX-License-Identifier: GPL-2.0
/*
 * mount.xsanfs: the helper mount(8) runs for "mount -t xsanfs". It exists
 * so that mount prints the kernel's reason for a failed mount: mount(8) in
 * util-linux 2.38 uses mount(2), which returns only an errno, while the
 * new mount API used here lets us read the sentence the module logged. It
 * also finds the metadata controller: through the name service (ns.c) or
 * from mdc=HOST, whose name it resolves, which the kernel cannot do.
 *
 * This file wires the real system calls to the pieces in args.c,
 * options.c, xsanopts.c, nslookup.c, mdc.c, luns.c, secret.c and mount_api.c,
 * and maps the result to mount(8)'s exit codes.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <sched.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "auth.h"
#include "client.h"
#include "luns.h"
#include "mdc.h"
#include "mount_api.h"
#include "nslookup.h"
#include "options.h"
#include "secret.h"
#include "xsanopts.h"

/*
 * How long each name server has to accept and answer when timeout= is not
 * given; timeout= (the kernel's wait for the MDC) applies to it otherwise.
 */
#define XMOUNT_NS_TIMEOUT_S	5

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

/*
 * Where fsnameservers and VOLUME.auth_secret are. XSANFS_CONFIG_DIR is for
 * tests and unusual installs; secure_getenv() ignores it when mount(8)
 * runs this helper set-uid for a user mount.
 */
static const char *xmount_config_dir(void)
{
	const char *d = secure_getenv("XSANFS_CONFIG_DIR");

	return d && d[0] == '/' ? d : XMOUNT_SECRET_DIR;
}

/* Replace mdc= by its numeric form. */
static int xmount_resolve_mdc(struct xmount_kopt *k, bool verbose)
{
	char addr[XMOUNT_MDC_MAX], err[512];
	char *v;

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

/*
 * No mdc=: ask the name servers (nameserver= options, else fsnameservers)
 * and pass the answer to the kernel as mdc=; its volume uuid goes to
 * *@uuid for finding the LUNs.
 */
static int xmount_find_mdc(const struct xmount_args *args, struct xmount_opts *o,
			   const struct xmount_helper_opts *h, uint8_t *uuid)
{
	struct xmount_kopt *t = xmount_opts_find(o, "timeout");
	struct xmount_ns_list list = { 0 };
	struct xmount_ns_answer ans;
	char path[4096], err[2048];
	char *const *hosts = h->nameservers;
	size_t n = h->nnameservers;
	int timeout_s = XMOUNT_NS_TIMEOUT_S, rc = -1;

	if (t && t->value && atoi(t->value) > 0 && atoi(t->value) <= 3600)
		timeout_s = atoi(t->value);
	if (!n) {
		snprintf(path, sizeof(path), "%s/fsnameservers", xmount_config_dir());
		if (xmount_ns_load(path, args->spec, &list, stderr, err, sizeof(err))) {
			fprintf(stderr, XMOUNT_PROG ": %s\n", err);
			return -1;
		}
		hosts = list.hosts;
		n = list.n;
	}
	if (xmount_ns_lookup(args->spec, hosts, n, h->nsport ? h->nsport : XSAN_NAME_PORT,
			     timeout_s * 1000, xmount_resolve_host, &ans,
			     args->verbose ? stdout : NULL, err, sizeof(err))) {
		fprintf(stderr, XMOUNT_PROG ": %s\n", err);
		goto out;
	}
	if (xmount_opts_add(o, "mdc", ans.mdc)) {
		fprintf(stderr, XMOUNT_PROG ": out of memory\n");
		goto out;
	}
	memcpy(uuid, ans.uuid, XSAN_UUID_SIZE);
	rc = 0;
out:
	xmount_ns_list_free(&list);
	return rc;
}

/*
 * mdc= gave no volume uuid: log in to the MDC (HELLO + AUTH with the
 * volume's secret) for it. 0 with @uuid set, or -1 (said with -v): the
 * kernel then reports what is wrong with the MDC or the secret.
 */
static int xmount_login_uuid(const char *volume, const char *mdc, int timeout_s,
			     bool verbose, uint8_t *uuid)
{
	char host[XMOUNT_MDC_MAX], path[4096], err[512], me[256] = "";
	struct xsan_secret secret;
	struct xsan_client c;
	int port = XSAN_VOLUME_PORT, e;
	const char *colon;

	snprintf(host, sizeof(host), "%s", mdc);
	if (host[0] == '[') {
		char *end = strchr(host, ']');

		if (!end)
			return -1;
		if (end[1] == ':')
			port = atoi(end + 2);
		*end = '\0';
		memmove(host, host + 1, strlen(host));
	} else if ((colon = strchr(host, ':'))) {
		port = atoi(colon + 1);
		host[colon - host] = '\0';
	}
	snprintf(path, sizeof(path), "%s/%s.auth_secret", xmount_config_dir(), volume);
	if (xsan_secret_load(path, &secret, err, sizeof(err))) {
		if (verbose)
			printf(XMOUNT_PROG ": cannot find the LUNs: %s\n", err);
		return -1;
	}
	gethostname(me, sizeof(me) - 1);
	e = xsan_client_init(&c, timeout_s * 1000);
	if (!e)
		e = xsan_client_connect(&c, host, port);
	if (!e)
		e = xsan_client_login(&c, volume, &secret, me[0] ? me : "mount.xsanfs");
	xsan_secret_wipe(&secret);
	if (e && verbose)
		printf(XMOUNT_PROG ": cannot ask %s for the volume uuid: %s\n", mdc, c.err);
	if (!e) {
		struct xsan_req bye = { .op = XSAN_OP_GOODBYE };
		struct xsan_rep rep;

		memcpy(uuid, c.volume_uuid, XSAN_UUID_SIZE);
		/* end the session now rather than at lease expiry */
		xsan_client_call(&c, &bye, &rep);
	}
	xsan_client_close(&c);
	return e ? -1 : 0;
}

/*
 * Without lun= options: find this host's LUNs of the volume (by the uuid
 * in their headers) and pass each as lun=/dev/PARTITION. Finding none is
 * not an error here: the kernel names the LUN it misses.
 */
static int xmount_add_luns(const struct xmount_args *args, struct xmount_opts *o,
			   const uint8_t *uuid)
{
	struct xmount_lun_list list;
	size_t i;
	int rc = 0;

	if (xmount_luns_find(args->spec, uuid, args->verbose ? stdout : NULL, &list))
		return -1;
	for (i = 0; i < list.n && !rc; i++)
		rc = xmount_opts_add(o, "lun", list.paths[i]);
	xmount_lun_list_free(&list);
	if (rc)
		fprintf(stderr, XMOUNT_PROG ": out of memory\n");
	return rc;
}

int main(int argc, char *argv[])
{
	struct xmount_helper_opts hopts = { 0 };
	struct xmount_kopt *mdc;
	struct xmount_opts opts;
	struct xmount_args args;
	struct xmount_req req;
	uint8_t uuid[XSAN_UUID_SIZE];
	bool have_uuid = false;
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
	if (xmount_opts_check(&opts, args.sloppy, &hopts,
			      args.verbose ? stdout : NULL, stderr, err, sizeof(err))) {
		fprintf(stderr, XMOUNT_PROG ": %s\n", err);
		goto out;
	}
	/* With mdc= the name service is not asked (nor its LUNs shown). */
	mdc = xmount_opts_find(&opts, "mdc");
	if (mdc) {
		if (xmount_resolve_mdc(mdc, args.verbose))
			goto out;
	} else {
		if (xmount_find_mdc(&args, &opts, &hopts, uuid))
			goto out;
		have_uuid = true;
	}
	/*
	 * The LUNs, unless lun= lists them: not in a fake mount (-f), which
	 * only shows what would be passed and needs neither the MDC nor the
	 * disks.
	 */
	if (!args.fake && !xmount_opts_find(&opts, "lun")) {
		struct xmount_kopt *t = xmount_opts_find(&opts, "timeout");
		int timeout_s = XMOUNT_NS_TIMEOUT_S;

		if (t && t->value && atoi(t->value) > 0 && atoi(t->value) <= 3600)
			timeout_s = atoi(t->value);
		if (!have_uuid)
			have_uuid = !xmount_login_uuid(args.spec,
						       xmount_opts_find(&opts, "mdc")->value,
						       timeout_s, args.verbose, uuid);
		if (have_uuid && xmount_add_luns(&args, &opts, uuid))
			goto out;
	}
	if (args.ns && !args.fake && xmount_enter_ns(args.ns))
		goto out;
	if (!args.fake && xmount_load_secret(xmount_config_dir(), args.spec, err,
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
	xmount_helper_opts_free(&hopts);
	xmount_opts_free(&opts);
	xmount_args_free(&args);
	return ret;
}
