// SPDX-License-Identifier: GPL-2.0
/*
 * Splitting the -o list. With the new mount API the generic VFS flags are
 * not filesystem options: fsconfig() hands anything but "source" and the
 * superblock flags (ro, rw, sync, async, dirsync, lazytime, mand) to the
 * filesystem, which would reject "nosuid" as an unknown parameter. So this
 * file sorts each item into fsmount() attributes, propagation for
 * mount_setattr(), mount(8)-only items that are dropped, and the rest, which
 * goes to the kernel unchanged.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "options.h"
#include "util.h"

/*
 * A VFS flag: the bits it clears, then the bits it sets. The atime modes
 * are a 3-bit field (MOUNT_ATTR__ATIME), not independent bits.
 */
struct xmount_attr_opt {
	const char *name;
	unsigned int clear;
	unsigned int set;
};

static const struct xmount_attr_opt xmount_attr_opts[] = {
	{ "ro",			0,			MOUNT_ATTR_RDONLY },
	{ "rw",			MOUNT_ATTR_RDONLY,	0 },
	{ "nosuid",		0,			MOUNT_ATTR_NOSUID },
	{ "suid",		MOUNT_ATTR_NOSUID,	0 },
	{ "nodev",		0,			MOUNT_ATTR_NODEV },
	{ "dev",		MOUNT_ATTR_NODEV,	0 },
	{ "noexec",		0,			MOUNT_ATTR_NOEXEC },
	{ "exec",		MOUNT_ATTR_NOEXEC,	0 },
	{ "nosymfollow",	0,			MOUNT_ATTR_NOSYMFOLLOW },
	{ "symfollow",		MOUNT_ATTR_NOSYMFOLLOW,	0 },
	{ "nodiratime",		0,			MOUNT_ATTR_NODIRATIME },
	{ "diratime",		MOUNT_ATTR_NODIRATIME,	0 },
	{ "noatime",		MOUNT_ATTR__ATIME,	MOUNT_ATTR_NOATIME },
	{ "relatime",		MOUNT_ATTR__ATIME,	MOUNT_ATTR_RELATIME },
	{ "strictatime",	MOUNT_ATTR__ATIME,	MOUNT_ATTR_STRICTATIME },
	/*
	 * As with mount(2): "atime" and "nostrictatime" undo one mode and the
	 * kernel falls back to relatime; "norelatime" alone changes nothing,
	 * since relatime is the default unless noatime or strictatime.
	 */
	{ "atime",		MOUNT_ATTR_NOATIME,	0 },
	{ "nostrictatime",	MOUNT_ATTR_STRICTATIME,	0 },
	{ "norelatime",		0,			0 },
};

/* Items mount(8) and fstab use for themselves; never for the kernel. */
static const char *const xmount_userspace_opts[] = {
	"defaults", "auto", "noauto", "user", "nouser", "users", "owner",
	"noowner", "group", "nogroup", "nofail", "_netdev", "comment",
	"helper", "silent", "loud",
};

struct xmount_prop_opt {
	const char *name;
	unsigned long propagation;
};

static const struct xmount_prop_opt xmount_prop_opts[] = {
	{ "shared",	MS_SHARED },
	{ "private",	MS_PRIVATE },
	{ "slave",	MS_SLAVE },
	{ "unbindable",	MS_UNBINDABLE },
};

static const char *const xmount_unsupported_opts[] = {
	"remount", "bind", "rbind", "move",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct xmount_attr_opt *xmount_find_attr(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xmount_attr_opts); i++)
		if (!strcmp(key, xmount_attr_opts[i].name))
			return &xmount_attr_opts[i];
	return NULL;
}

/* @recursive: set if @key is the r- form. */
static const struct xmount_prop_opt *xmount_find_prop(const char *key,
						      bool *recursive)
{
	size_t i;

	*recursive = key[0] == 'r';
	for (i = 0; i < ARRAY_SIZE(xmount_prop_opts); i++) {
		const char *name = xmount_prop_opts[i].name;

		if (!strcmp(key, name))
			return &xmount_prop_opts[i];
		if (key[0] == 'r' && !strcmp(key + 1, name))
			return &xmount_prop_opts[i];
	}
	return NULL;
}

static bool xmount_in(const char *key, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(key, list[i]))
			return true;
	return false;
}

/**
 * xmount_opt_classify() - where does the option named @key go?
 * @key: the part of an -o item before any '='
 *
 * Return: the class; anything not known to be a VFS flag, propagation,
 * a mount(8)-only item or an operation is a kernel option.
 */
enum xmount_opt_class xmount_opt_classify(const char *key)
{
	bool recursive;

	if (xmount_find_attr(key))
		return XMOUNT_OPT_ATTR;
	if (xmount_find_prop(key, &recursive))
		return XMOUNT_OPT_PROPAGATION;
	if (!strncmp(key, "x-", 2) || !strncmp(key, "X-", 2) ||
	    xmount_in(key, xmount_userspace_opts, ARRAY_SIZE(xmount_userspace_opts)))
		return XMOUNT_OPT_USERSPACE;
	if (xmount_in(key, xmount_unsupported_opts, ARRAY_SIZE(xmount_unsupported_opts)))
		return XMOUNT_OPT_UNSUPPORTED;
	return XMOUNT_OPT_KERNEL;
}

static void xmount_kopt_free(struct xmount_kopt *k)
{
	free(k->key);
	free(k->value);
}

/* Takes ownership of @key and @value. */
static int xmount_add_kopt(struct xmount_opts *o, size_t *cap,
			   char *key, char *value)
{
	struct xmount_kopt *k;

	if (!strcmp(key, "mdc")) {
		k = xmount_opts_find(o, "mdc");
		if (k) {
			size_t i = (size_t)(k - o->kopts);

			xmount_kopt_free(k);
			memmove(k, k + 1, (o->nkopts - i - 1) * sizeof(*k));
			o->nkopts--;
		}
	}
	if (o->nkopts == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;

		k = realloc(o->kopts, ncap * sizeof(*k));
		if (!k) {
			free(key);
			free(value);
			return -1;
		}
		o->kopts = k;
		*cap = ncap;
	}
	o->kopts[o->nkopts].key = key;
	o->kopts[o->nkopts].value = value;
	o->nkopts++;
	return 0;
}

/*
 * One item, [@item, @item + @len), not empty. Returns 0, or -1 with @err
 * set.
 */
static int xmount_parse_item(struct xmount_opts *o, size_t *cap,
			     const char *item, size_t len,
			     char *err, size_t errlen)
{
	const struct xmount_attr_opt *a;
	const struct xmount_prop_opt *p;
	const char *eq = memchr(item, '=', len);
	size_t klen = eq ? (size_t)(eq - item) : len;
	char *key, *value = NULL;
	bool recursive;

	if (klen == 0) {
		xsan_seterr(err, errlen, "option '%.*s' has no name",
			    (int)len, item);
		return -1;
	}
	key = strndup(item, klen);
	if (!key)
		goto nomem;

	switch (xmount_opt_classify(key)) {
	case XMOUNT_OPT_ATTR:
		if (eq)
			goto novalue;
		a = xmount_find_attr(key);
		o->attr = (o->attr & ~a->clear) | a->set;
		break;
	case XMOUNT_OPT_PROPAGATION:
		if (eq)
			goto novalue;
		p = xmount_find_prop(key, &recursive);
		o->propagation = p->propagation;
		o->propagation_recursive = recursive;
		break;
	case XMOUNT_OPT_USERSPACE:
		break;
	case XMOUNT_OPT_UNSUPPORTED:
		xsan_seterr(err, errlen,
			    "option '%s' asks for an operation, not a new mount: mount.xsanfs only makes new mounts",
			    key);
		free(key);
		return -1;
	case XMOUNT_OPT_KERNEL:
		if (eq) {
			const char *v = eq + 1;
			size_t vlen = len - klen - 1;

			/* mount(8) quotes values that hold commas. */
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			value = strndup(v, vlen);
			if (!value)
				goto nomem;
		}
		/* xmount_add_kopt() owns key and value from here on. */
		if (xmount_add_kopt(o, cap, key, value)) {
			xsan_seterr(err, errlen, "out of memory");
			errno = ENOMEM;
			return -1;
		}
		return 0;
	}
	free(key);
	return 0;

novalue:
	xsan_seterr(err, errlen, "option '%s' takes no value, but '%.*s' was given",
		    key, (int)len, item);
	free(key);
	return -1;
nomem:
	free(key);
	xsan_seterr(err, errlen, "out of memory");
	errno = ENOMEM;
	return -1;
}

/**
 * xmount_opts_parse() - split a -o list
 * @list: "a,b=c,..." as mount(8) passes it; NULL or "" for none. Empty
 *	items are skipped; a double-quoted part may hold commas.
 * @o: filled in; free it with xmount_opts_free(), also after an error
 * @err: where a sentence saying what is wrong goes
 * @errlen: size of @err
 *
 * Return: 0, or -1 with @err set: an item with an empty name, a VFS flag
 * given a value, an unterminated quote, an operation such as remount, or
 * no memory (errno ENOMEM).
 */
int xmount_opts_parse(const char *list, struct xmount_opts *o,
		      char *err, size_t errlen)
{
	size_t cap = 0;
	const char *s, *item;
	bool quoted = false;

	memset(o, 0, sizeof(*o));
	if (errlen)
		err[0] = '\0';
	if (!list)
		return 0;

	for (s = item = list; ; s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (*s && (quoted || *s != ','))
			continue;
		if (quoted) {
			xsan_seterr(err, errlen, "unterminated quote in option '%s'", item);
			return -1;
		}
		if (s > item &&
		    xmount_parse_item(o, &cap, item, (size_t)(s - item), err, errlen))
			return -1;
		if (!*s)
			break;
		item = s + 1;
	}
	return 0;
}

/**
 * xmount_opts_free() - release what xmount_opts_parse() allocated
 * @o: the options; left empty
 */
void xmount_opts_free(struct xmount_opts *o)
{
	size_t i;

	for (i = 0; i < o->nkopts; i++)
		xmount_kopt_free(&o->kopts[i]);
	free(o->kopts);
	memset(o, 0, sizeof(*o));
}

/**
 * xmount_opts_find() - the last kernel option named @key
 * @o: the options
 * @key: the name
 *
 * Return: the option, or NULL if there is none.
 */
struct xmount_kopt *xmount_opts_find(const struct xmount_opts *o,
				     const char *key)
{
	size_t i;

	for (i = o->nkopts; i-- > 0;)
		if (!strcmp(o->kopts[i].key, key))
			return &o->kopts[i];
	return NULL;
}

/**
 * xmount_opts_add() - append a kernel option the helper worked out
 * @o: the options
 * @key: the name (copied)
 * @value: the value (copied), or NULL for a flag
 *
 * Used for the mdc= that the name service gave, so the kernel option list
 * looks the same as if the user had typed it.
 *
 * Return: 0, or -1 if out of memory.
 */
int xmount_opts_add(struct xmount_opts *o, const char *key, const char *value)
{
	struct xmount_kopt *k;
	char *kc = strdup(key), *vc = value ? strdup(value) : NULL;

	if (!kc || (value && !vc))
		goto nomem;
	k = realloc(o->kopts, (o->nkopts + 1) * sizeof(*k));
	if (!k)
		goto nomem;
	o->kopts = k;
	k[o->nkopts].key = kc;
	k[o->nkopts].value = vc;
	o->nkopts++;
	return 0;
nomem:
	free(kc);
	free(vc);
	return -1;
}

/**
 * xmount_attr_str() - MOUNT_ATTR_* bits as mount(8) would spell them
 * @attr: the bits
 * @buf: where the text goes, e.g. "ro,nosuid,noatime"
 * @len: size of @buf
 *
 * Return: what snprintf() returns for the whole text.
 */
int xmount_attr_str(unsigned int attr, char *buf, size_t len)
{
	const char *atime;

	switch (attr & MOUNT_ATTR__ATIME) {
	case MOUNT_ATTR_NOATIME:
		atime = ",noatime";
		break;
	case MOUNT_ATTR_STRICTATIME:
		atime = ",strictatime";
		break;
	default:
		atime = ",relatime";
		break;
	}
	return snprintf(buf, len, "%s%s%s%s%s%s%s",
			attr & MOUNT_ATTR_RDONLY ? "ro" : "rw",
			attr & MOUNT_ATTR_NOSUID ? ",nosuid" : "",
			attr & MOUNT_ATTR_NODEV ? ",nodev" : "",
			attr & MOUNT_ATTR_NOEXEC ? ",noexec" : "",
			attr & MOUNT_ATTR_NOSYMFOLLOW ? ",nosymfollow" : "",
			atime,
			attr & MOUNT_ATTR_NODIRATIME ? ",nodiratime" : "");
}
