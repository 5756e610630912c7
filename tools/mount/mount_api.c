// SPDX-License-Identifier: GPL-2.0
/*
 * Making the mount with the new mount API, and making sure every failure
 * says why. mount(2) has no way to return the kernel's sentence; an fs
 * context fd does: each read() returns one message the filesystem logged
 * with errorfc()/invalfc() ("e xsanfs: volume vol1: ..."). So after any
 * failure the queue is read dry and printed, followed by one line with the
 * errno, and a failure is never silent even when the kernel logged nothing.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "mount_api.h"

/*
 * The kernel keeps at most 8 messages; the cap only guards against a read
 * that never reports the end.
 */
#define XMOUNT_LOG_MAX_MSGS	64
#define XMOUNT_LOG_MIN_BUF	4096
#define XMOUNT_LOG_MAX_BUF	(1024 * 1024)

struct xmount_ctx {
	const struct xmount_req *req;
	const struct xmount_sys *sys;
	FILE *out;
	FILE *err;
	int fsfd;	/* the fs context, or -1 */
};

/* One kernel message, without its level and newline, printed safely. */
static void xmount_print_msg(struct xmount_ctx *c, char *msg, size_t len)
{
	size_t i;

	while (len && msg[len - 1] == '\n')
		msg[--len] = '\0';
	if (len >= 2 && strchr("ewi", msg[0]) && msg[1] == ' ') {
		msg += 2;
		len -= 2;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			msg[i] = '?';
	fprintf(c->err, XMOUNT_PROG ": %s\n", msg);
}

/* Read and print every message the kernel queued on the fs context. */
static void xmount_print_log(struct xmount_ctx *c)
{
	size_t cap = XMOUNT_LOG_MIN_BUF;
	char *buf = malloc(cap), *nbuf;
	ssize_t n;
	int msgs = 0;

	if (!buf || c->fsfd < 0) {
		free(buf);
		return;
	}
	while (msgs < XMOUNT_LOG_MAX_MSGS) {
		n = c->sys->read(c->fsfd, buf, cap - 1);
		if (n < 0 && errno == EMSGSIZE && cap < XMOUNT_LOG_MAX_BUF) {
			/* Newer kernels keep a message too long for the buffer. */
			nbuf = realloc(buf, cap * 2);
			if (!nbuf)
				break;
			buf = nbuf;
			cap *= 2;
			continue;
		}
		if (n <= 0)
			break;
		buf[n] = '\0';
		xmount_print_msg(c, buf, (size_t)n);
		msgs++;
	}
	free(buf);
}

/* Print what the kernel said and the final line; returns @e. */
static int xmount_fail(struct xmount_ctx *c, int e)
{
	xmount_print_log(c);
	fprintf(c->err, XMOUNT_PROG ": mounting %s on %s failed: %s\n",
		c->req->spec, c->req->dir, strerror(e));
	return e;
}

static void xmount_verbose(struct xmount_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void xmount_verbose(struct xmount_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->req->verbose)
		return;
	fputs(XMOUNT_PROG ": ", c->out);
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputc('\n', c->out);
}

/* Returns 0 or the errno of fsconfig(). */
static int xmount_config(struct xmount_ctx *c, unsigned int cmd,
			 const char *key, const char *value)
{
	switch (cmd) {
	case FSCONFIG_SET_STRING:
		xmount_verbose(c, "fsconfig(FSCONFIG_SET_STRING, \"%s\", \"%s\")", key, value);
		break;
	case FSCONFIG_SET_FLAG:
		xmount_verbose(c, "fsconfig(FSCONFIG_SET_FLAG, \"%s\")", key);
		break;
	default:
		xmount_verbose(c, "fsconfig(FSCONFIG_CMD_CREATE)");
		break;
	}
	if (c->req->fake)
		return 0;
	if (c->sys->fsconfig(c->fsfd, cmd, key, value, 0) < 0)
		return errno;
	return 0;
}

/* Open the fs context, loading the module once if the type is unknown. */
static int xmount_open(struct xmount_ctx *c)
{
	int e;

	xmount_verbose(c, "fsopen(\"%s\", FSOPEN_CLOEXEC)", XMOUNT_FSTYPE);
	if (c->req->fake)
		return 0;
	c->fsfd = c->sys->fsopen(XMOUNT_FSTYPE, FSOPEN_CLOEXEC);
	if (c->fsfd >= 0)
		return 0;
	e = errno;
	if (e == ENODEV) {
		xmount_verbose(c, "no %s in the kernel: running modprobe %s",
			       XMOUNT_FSTYPE, XMOUNT_FSTYPE);
		if (c->sys->modprobe() == 0) {
			c->fsfd = c->sys->fsopen(XMOUNT_FSTYPE, FSOPEN_CLOEXEC);
			if (c->fsfd >= 0)
				return 0;
			e = errno;
		}
		if (e == ENODEV)
			fprintf(c->err, XMOUNT_PROG ": %s is not loaded (modprobe %s)\n",
				XMOUNT_FSTYPE, XMOUNT_FSTYPE);
	} else if (e == ENOSYS) {
		/* Older than Linux 5.2, or a sandbox such as valgrind 3.19. */
		fprintf(c->err, XMOUNT_PROG ": fsopen() is not available here: Linux 5.2 or later is needed\n");
	}
	return xmount_fail(c, e);
}

/* Pass source, the kernel options and ro; then create the superblock. */
static int xmount_configure(struct xmount_ctx *c)
{
	const struct xmount_opts *o = c->req->opts;
	size_t i;
	int e;

	e = xmount_config(c, FSCONFIG_SET_STRING, "source", c->req->spec);
	if (e)
		return xmount_fail(c, e);

	for (i = 0; i < o->nkopts; i++) {
		const struct xmount_kopt *k = &o->kopts[i];

		if (k->value)
			e = xmount_config(c, FSCONFIG_SET_STRING, k->key, k->value);
		else
			e = xmount_config(c, FSCONFIG_SET_FLAG, k->key, NULL);
		if (e == EINVAL && c->req->sloppy) {
			xmount_print_log(c);
			fprintf(c->err, XMOUNT_PROG ": ignoring option '%s%s%s' (-s)\n",
				k->key, k->value ? "=" : "", k->value ? k->value : "");
			continue;
		}
		if (e)
			return xmount_fail(c, e);
	}

	/* fsmount()'s MOUNT_ATTR_RDONLY is the mount; this is the superblock. */
	if (o->attr & MOUNT_ATTR_RDONLY) {
		e = xmount_config(c, FSCONFIG_SET_FLAG, "ro", NULL);
		if (e)
			return xmount_fail(c, e);
	}

	e = xmount_config(c, FSCONFIG_CMD_CREATE, NULL, NULL);
	return e ? xmount_fail(c, e) : 0;
}

static const char *xmount_propagation_name(unsigned long p)
{
	switch (p) {
	case MS_SHARED:
		return "shared";
	case MS_SLAVE:
		return "slave";
	case MS_UNBINDABLE:
		return "unbindable";
	default:
		return "private";
	}
}

/*
 * Propagation is set once the mount is in place: moving a mount under a
 * shared parent makes it a peer, whatever it was before.
 */
static int xmount_set_propagation(struct xmount_ctx *c)
{
	const struct xmount_opts *o = c->req->opts;
	struct mount_attr attr = { .propagation = o->propagation };
	int e;

	xmount_verbose(c, "mount_setattr(\"%s\", propagation %s%s)", c->req->dir,
		       o->propagation_recursive ? "r" : "",
		       xmount_propagation_name(o->propagation));
	if (c->req->fake)
		return 0;
	if (!c->sys->mount_setattr(AT_FDCWD, c->req->dir,
				   o->propagation_recursive ? AT_RECURSIVE : 0,
				   &attr, sizeof(attr)))
		return 0;

	e = errno;
	fprintf(c->err, XMOUNT_PROG ": cannot make %s %s%s: %s\n", c->req->dir,
		o->propagation_recursive ? "r" : "",
		xmount_propagation_name(o->propagation), strerror(e));
	if (c->sys->umount2(c->req->dir, MNT_DETACH))
		fprintf(c->err, XMOUNT_PROG ": and cannot unmount %s again: %s\n",
			c->req->dir, strerror(errno));
	return xmount_fail(c, e);
}

/**
 * xmount_run() - mount @req->spec on @req->dir
 * @req: what to mount, where, how
 * @sys: the system calls to use
 * @out: where -v output goes
 * @err: where errors and the kernel's messages go
 *
 * If fsopen() says the kernel has no xsanfs, "modprobe xsanfs" runs once
 * and fsopen() is tried again. On any failure every message the kernel
 * queued is printed as "mount.xsanfs: <message>", then "mount.xsanfs:
 * mounting SPEC on DIR failed: <strerror>".
 *
 * Return: 0 if mounted (or nothing failed with @req->fake), otherwise the
 * errno the mount failed with.
 */
int xmount_run(const struct xmount_req *req, const struct xmount_sys *sys,
	       FILE *out, FILE *err)
{
	struct xmount_ctx c = {
		.req = req, .sys = sys, .out = out, .err = err, .fsfd = -1,
	};
	const struct xmount_opts *o = req->opts;
	char attrs[128];
	int mfd = -1, e;

	e = xmount_open(&c);
	if (!e)
		e = xmount_configure(&c);
	if (e)
		goto out;

	xmount_attr_str(o->attr, attrs, sizeof(attrs));
	xmount_verbose(&c, "fsmount(FSMOUNT_CLOEXEC, %s)", attrs);
	if (!req->fake) {
		mfd = sys->fsmount(c.fsfd, FSMOUNT_CLOEXEC, o->attr);
		if (mfd < 0) {
			e = xmount_fail(&c, errno);
			goto out;
		}
	}

	xmount_verbose(&c, "move_mount(onto \"%s\")", req->dir);
	if (!req->fake &&
	    sys->move_mount(mfd, "", AT_FDCWD, req->dir, MOVE_MOUNT_F_EMPTY_PATH)) {
		e = xmount_fail(&c, errno);
		goto out;
	}

	if (o->propagation)
		e = xmount_set_propagation(&c);
	if (!e)
		xmount_print_log(&c);	/* warnings of a mount that worked */
out:
	if (mfd >= 0)
		sys->close(mfd);
	if (c.fsfd >= 0)
		sys->close(c.fsfd);
	return e;
}
