/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mount itself, through the new mount API: fsopen, fsconfig, fsmount,
 * move_mount. The system calls come through a table so that unit tests can
 * play the kernel.
 */
#ifndef XMOUNT_MOUNT_API_H
#define XMOUNT_MOUNT_API_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/types.h>

#include "options.h"

/**
 * struct xmount_sys - the system calls xmount_run() makes
 *
 * Each behaves as the glibc function of the same name: -1 and errno on
 * failure.
 *
 * @modprobe: run "modprobe xsanfs" and wait for it; 0 if it ran, whatever
 *	it said, -1 if there is no modprobe to run
 */
struct xmount_sys {
	int (*fsopen)(const char *fs_name, unsigned int flags);
	int (*fsconfig)(int fd, unsigned int cmd, const char *key,
			const void *value, int aux);
	int (*fsmount)(int fd, unsigned int flags, unsigned int attr_flags);
	int (*move_mount)(int from_dfd, const char *from_path, int to_dfd,
			  const char *to_path, unsigned int flags);
	int (*mount_setattr)(int dfd, const char *path, unsigned int flags,
			     struct mount_attr *attr, size_t size);
	int (*umount2)(const char *target, int flags);
	ssize_t (*read)(int fd, void *buf, size_t count);
	int (*close)(int fd);
	int (*modprobe)(void);
};

/**
 * struct xmount_req - one mount to make
 * @spec: the volume, passed as "source"
 * @dir: the mount point
 * @opts: the split -o list, mdc= already numeric
 * @fake: -f: print what would be done (with @verbose), call nothing
 * @sloppy: -s: an option the kernel rejects with EINVAL is skipped
 * @verbose: -v: print each call on the out stream
 */
struct xmount_req {
	const char *spec;
	const char *dir;
	const struct xmount_opts *opts;
	bool fake;
	bool sloppy;
	bool verbose;
};

int xmount_run(const struct xmount_req *req, const struct xmount_sys *sys,
	       FILE *out, FILE *err);

#endif /* XMOUNT_MOUNT_API_H */
