// SPDX-License-Identifier: GPL-2.0
/*
 * Checking the kernel-bound options against what xsanfs knows (see
 * xsanopts.h). The names are StorNext's where StorNext has one, so that
 * an fstab line carried over from a StorNext client mounts, and every
 * option that cannot be honoured says why instead of vanishing.
 */

#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xsanopts.h"

enum xmount_known_kind {
	XMOUNT_K_VALUE,		/* kernel, key=value */
	XMOUNT_K_FLAG,		/* kernel, no value */
	XMOUNT_K_ANY,		/* kernel, either (the VFS or an LSM decides) */
	XMOUNT_K_HELPER,	/* for mount.xsanfs, never the kernel */
	XMOUNT_K_IGNORED,	/* StorNext, meaningless on Linux: dropped */
	XMOUNT_K_REFUSED,	/* refused with @why */
};

/**
 * struct xmount_known - one option name xsanfs knows
 * @name: the key
 * @kind: enum xmount_known_kind
 * @form: for values, how to write it ("timeout=SECONDS")
 * @why: IGNORED: the note; REFUSED: the reason
 */
struct xmount_known {
	const char *name;
	enum xmount_known_kind kind;
	const char *form;
	const char *why;
};

static const struct xmount_known xmount_known_opts[] = {
	/* fs/super.c and the contract in fs/xsan.h */
	{ "mdc",		XMOUNT_K_VALUE,	"mdc=HOST[:PORT]", NULL },
	{ "timeout",		XMOUNT_K_VALUE,	"timeout=SECONDS", NULL },
	{ "hard",		XMOUNT_K_FLAG,	NULL, NULL },
	{ "soft",		XMOUNT_K_FLAG,	NULL, NULL },
	{ "nrtiotokentimeout",	XMOUNT_K_VALUE,	"nrtiotokentimeout=SECONDS", NULL },
	{ "dircachesize",	XMOUNT_K_VALUE,	"dircachesize=ENTRIES", NULL },
	{ "cvnode_max",		XMOUNT_K_VALUE,	"cvnode_max=INODES", NULL },
	{ "lun",		XMOUNT_K_VALUE,	"lun=/dev/PARTITION", NULL },
	{ "lunprobe",		XMOUNT_K_VALUE,	"lunprobe=/dev/PARTITION", NULL },
	{ "iodeadline",		XMOUNT_K_VALUE,	"iodeadline=warn|strict", NULL },
	{ "local_locks",	XMOUNT_K_FLAG,	NULL, NULL },
	/* superblock flags the VFS takes from fsconfig() itself */
	{ "sync",		XMOUNT_K_FLAG,	NULL, NULL },
	{ "async",		XMOUNT_K_FLAG,	NULL, NULL },
	{ "dirsync",		XMOUNT_K_FLAG,	NULL, NULL },
	{ "lazytime",		XMOUNT_K_FLAG,	NULL, NULL },
	{ "nolazytime",		XMOUNT_K_FLAG,	NULL, NULL },
	{ "mand",		XMOUNT_K_FLAG,	NULL, NULL },
	{ "nomand",		XMOUNT_K_FLAG,	NULL, NULL },
	/* security modules (SELinux) parse these before the filesystem */
	{ "context",		XMOUNT_K_ANY,	NULL, NULL },
	{ "fscontext",		XMOUNT_K_ANY,	NULL, NULL },
	{ "defcontext",		XMOUNT_K_ANY,	NULL, NULL },
	{ "rootcontext",	XMOUNT_K_ANY,	NULL, NULL },
	{ "seclabel",		XMOUNT_K_ANY,	NULL, NULL },
	/* this helper */
	{ "nameserver",		XMOUNT_K_HELPER, "nameserver=HOST", NULL },
	{ "nsport",		XMOUNT_K_HELPER, "nsport=PORT", NULL },
	/* StorNext names with no meaning here */
	{ "threads",		XMOUNT_K_IGNORED, NULL,
	  "the kernel client has no pool of I/O threads to size (the block layer queues the I/O)" },
	{ "cachebufsize",	XMOUNT_K_IGNORED, NULL,
	  "file data is cached in the Linux page cache, not in xsanfs buffers" },
	{ "buffercachecap",	XMOUNT_K_IGNORED, NULL,
	  "file data is cached in the Linux page cache, not in xsanfs buffers" },
	{ "lease",		XMOUNT_K_REFUSED, NULL,
	  "the metadata controller sets one lease period for all its clients (xsanmdc -l SECONDS); a client cannot choose it" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct xmount_known *xmount_known_find(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xmount_known_opts); i++)
		if (!strcmp(key, xmount_known_opts[i].name))
			return &xmount_known_opts[i];
	return NULL;
}

/* "1".."65535", decimal digits only; 0 if @s is not one. */
static unsigned int xmount_port(const char *s)
{
	unsigned long v = 0;

	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 65535)
			return 0;
	}
	return (unsigned int)v;
}

/* Take a helper option out of the kernel's list; 0 or -1 with @err set. */
static int xmount_take_helper(const struct xmount_kopt *k,
			      struct xmount_helper_opts *h,
			      char *err, size_t errlen)
{
	char **ns;

	if (!strcmp(k->key, "nsport")) {
		h->nsport = xmount_port(k->value);
		if (!h->nsport) {
			xsan_seterr(err, errlen,
				    "nsport=%s: not a port number (1-65535)", k->value);
			return -1;
		}
		return 0;
	}
	if (!*k->value) {
		xsan_seterr(err, errlen, "nameserver= is empty: give nameserver=HOST");
		return -1;
	}
	ns = realloc(h->nameservers, (h->nnameservers + 1) * sizeof(*ns));
	if (!ns)
		goto nomem;
	h->nameservers = ns;
	ns[h->nnameservers] = strdup(k->value);
	if (!ns[h->nnameservers])
		goto nomem;
	h->nnameservers++;
	return 0;
nomem:
	xsan_seterr(err, errlen, "out of memory");
	return -1;
}

/**
 * xmount_opts_check() - keep only the options the kernel should see
 * @o: from xmount_opts_parse(); helper, ignored and (with @sloppy)
 *	unknown options are removed from o->kopts
 * @sloppy: -s: drop unknown options with a warning instead of failing
 * @h: filled in with the helper's own options; free it with
 *	xmount_helper_opts_free(), also after an error
 * @notes: where a note on each ignored StorNext option goes (-v), or NULL
 * @warn: where the warning on each dropped unknown option goes, or NULL
 * @err: a sentence saying what is wrong
 * @errlen: size of @err
 *
 * Return: 0, or -1 with @err set: an unknown option (without @sloppy), a
 * refused one (lease=), a flag given a value, an option missing its
 * value, or a bad nsport=.
 */
int xmount_opts_check(struct xmount_opts *o, bool sloppy,
		      struct xmount_helper_opts *h, FILE *notes, FILE *warn,
		      char *err, size_t errlen)
{
	size_t i, keep = 0;
	int rc = 0;

	memset(h, 0, sizeof(*h));
	if (errlen)
		err[0] = '\0';

	for (i = 0; i < o->nkopts; i++) {
		struct xmount_kopt *k = &o->kopts[i];
		const struct xmount_known *kn = rc ? NULL : xmount_known_find(k->key);
		bool drop = true;

		if (rc) {
			/* After an error, keep the rest as they are, to be freed. */
			drop = false;
		} else if (!kn) {
			if (!sloppy) {
				xsan_seterr(err, errlen,
					    "unknown option '%s': see mount.xsanfs(8) for the options xsanfs takes (-s skips unknown options)",
					    k->key);
				rc = -1;
				drop = false;
			} else if (warn) {
				fprintf(warn, "mount.xsanfs: ignoring unknown option '%s%s%s' (-s)\n",
					k->key, k->value ? "=" : "", k->value ? k->value : "");
			}
		} else if ((kn->kind == XMOUNT_K_FLAG) && k->value) {
			xsan_seterr(err, errlen, "option '%s' takes no value, but '%s=%s' was given",
				    k->key, k->key, k->value);
			rc = -1;
			drop = false;
		} else if ((kn->kind == XMOUNT_K_VALUE || kn->kind == XMOUNT_K_HELPER) &&
			   !k->value) {
			xsan_seterr(err, errlen, "option '%s' needs a value: %s",
				    k->key, kn->form);
			rc = -1;
			drop = false;
		} else if (kn->kind == XMOUNT_K_HELPER) {
			if (xmount_take_helper(k, h, err, errlen)) {
				rc = -1;
				drop = false;
			}
		} else if (kn->kind == XMOUNT_K_IGNORED) {
			if (notes)
				fprintf(notes, "mount.xsanfs: option '%s%s%s' ignored: %s\n",
					k->key, k->value ? "=" : "", k->value ? k->value : "",
					kn->why);
		} else if (kn->kind == XMOUNT_K_REFUSED) {
			xsan_seterr(err, errlen, "option '%s' is not accepted: %s",
				    k->key, kn->why);
			rc = -1;
			drop = false;
		} else {
			drop = false;
		}

		if (drop) {
			free(k->key);
			free(k->value);
		} else {
			o->kopts[keep++] = *k;
		}
	}
	o->nkopts = keep;
	return rc;
}

/**
 * xmount_helper_opts_free() - release what xmount_opts_check() kept
 * @h: left empty
 */
void xmount_helper_opts_free(struct xmount_helper_opts *h)
{
	size_t i;

	for (i = 0; i < h->nnameservers; i++)
		free(h->nameservers[i]);
	free(h->nameservers);
	memset(h, 0, sizeof(*h));
}
