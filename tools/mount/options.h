/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The -o list of mount.xsanfs: which items are VFS mount attributes, which
 * are only for mount(8) and fstab, and which go to the xsanfs kernel module.
 * Pure logic: no system calls, so unit tests link it directly.
 */
#ifndef XMOUNT_OPTIONS_H
#define XMOUNT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* Where one -o item goes. */
enum xmount_opt_class {
	XMOUNT_OPT_KERNEL,	/* to the filesystem through fsconfig() */
	XMOUNT_OPT_ATTR,	/* a MOUNT_ATTR_* bit for fsmount() */
	XMOUNT_OPT_PROPAGATION,	/* shared/private/...: mount_setattr() after the mount */
	XMOUNT_OPT_USERSPACE,	/* for mount(8) or fstab only: dropped */
	XMOUNT_OPT_UNSUPPORTED,	/* an operation, not an option (remount, bind, move) */
};

/**
 * struct xmount_kopt - one option for the kernel
 * @key: the name, never empty
 * @value: the value without surrounding quotes, or NULL for a flag
 *
 * A flag goes to fsconfig() as FSCONFIG_SET_FLAG, a key=value (value
 * possibly empty) as FSCONFIG_SET_STRING.
 */
struct xmount_kopt {
	char *key;
	char *value;
};

/**
 * struct xmount_opts - a -o list, split by destination
 * @attr: MOUNT_ATTR_* for fsmount(); MOUNT_ATTR_RDONLY also means the
 *	"ro" flag is sent to the filesystem
 * @propagation: MS_SHARED, MS_PRIVATE, MS_SLAVE, MS_UNBINDABLE or 0
 * @propagation_recursive: the r- form (rshared...) was given
 * @kopts: options for the kernel, in the order given; mdc= at most once
 * @nkopts: number of @kopts
 *
 * For attributes and propagation the last item wins, as with mount(8).
 * Kernel options keep every occurrence in order (the kernel decides what a
 * repeat means; for xsanfs the last wins), except mdc=: this helper resolves
 * it, so only the last one is kept and resolved.
 */
struct xmount_opts {
	unsigned int attr;
	unsigned long propagation;
	bool propagation_recursive;
	struct xmount_kopt *kopts;
	size_t nkopts;
};

enum xmount_opt_class xmount_opt_classify(const char *key);
int xmount_opts_parse(const char *list, struct xmount_opts *o,
		      char *err, size_t errlen);
void xmount_opts_free(struct xmount_opts *o);
struct xmount_kopt *xmount_opts_find(const struct xmount_opts *o,
				     const char *key);
int xmount_opts_add(struct xmount_opts *o, const char *key, const char *value);
int xmount_attr_str(unsigned int attr, char *buf, size_t len);

#endif /* XMOUNT_OPTIONS_H */
