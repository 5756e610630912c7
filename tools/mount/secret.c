// SPDX-License-Identifier: GPL-2.0
/*
 * The volume secret for the kernel: /etc/xsanfs/VOLUME.auth_secret is read
 * (with the same rules as the MDC: owner-only, 16 to 1024 bytes) and added
 * as a "user" key "xsanfs:VOLUME" to this process's keyring, where the
 * mount syscall that follows finds it. The process keyring ends with this
 * process, so the secret does not outlive the mount; it never appears in
 * the mount options or /proc/mounts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "auth.h"
#include "secret.h"

#ifndef KEY_SPEC_PROCESS_KEYRING
#define KEY_SPEC_PROCESS_KEYRING -2
#endif

/* The characters the kernel allows in a volume name (fs/super.c). */
static int xmount_volume_ok(const char *v)
{
	size_t n = strlen(v);

	return n >= 1 && n <= 64 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					      "abcdefghijklmnopqrstuvwxyz"
					      "0123456789_-.") == n &&
	       v[0] != '.' && v[0] != '-' && v[0] != '_';
}

/**
 * xmount_load_secret() - put the volume's secret where the kernel looks
 * @dir: the directory of secret files (XMOUNT_SECRET_DIR)
 * @volume: the volume name (mount's first argument)
 * @err: why it failed
 * @errlen: its size
 *
 * A volume without a secret file is not an error here: the kernel says
 * what is missing once it knows the MDC serves the volume.
 *
 * Return: 0 (loaded, or nothing to load), -1 with @err set.
 */
int xmount_load_secret(const char *dir, const char *volume, char *err,
		       size_t errlen)
{
	struct xsan_secret s;
	char path[4096], desc[80];
	long key;

	if (!xmount_volume_ok(volume))
		return 0;
	snprintf(path, sizeof(path), "%s/%s.auth_secret", dir, volume);
	if (access(path, F_OK) && errno == ENOENT)
		return 0;
	if (xsan_secret_load(path, &s, err, errlen))
		return -1;
	snprintf(desc, sizeof(desc), "xsanfs:%s", volume);
	key = syscall(SYS_add_key, "user", desc, s.key, s.len,
		      KEY_SPEC_PROCESS_KEYRING);
	xsan_secret_wipe(&s);
	if (key < 0) {
		snprintf(err, errlen, "cannot add the secret of %s to the keyring: %s",
			 volume, strerror(errno));
		return -1;
	}
	return 0;
}
