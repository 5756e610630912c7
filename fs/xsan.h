/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the parts of the xsanfs client: the mount
 * context built from options, and the entry points of the messenger.
 */
#ifndef _XSAN_H
#define _XSAN_H

#include <linux/fs_context.h>
#include <linux/socket.h>
#include <linux/types.h>

#include "xsanfs/proto.h"

#define XSAN_FS_NAME		"xsanfs"
#define XSAN_VOLNAME_MAX	64

/* Default and bounds of timeout=, in seconds. */
#define XSAN_TIMEOUT_DEFAULT	10
#define XSAN_TIMEOUT_MAX	3600

/**
 * struct xsan_fs_context - what the mount options asked for
 * @mdc: address of the metadata controller's volume port
 * @have_mdc: @mdc was given
 * @timeout: seconds to wait for the MDC to connect or answer
 *
 * Owned by one fs_context; only the mount syscall that owns it touches it,
 * so it needs no lock.
 */
struct xsan_fs_context {
	struct sockaddr_storage mdc;
	bool have_mdc;
	unsigned int timeout;
};

extern struct file_system_type xsan_fs_type;

int xsan_parse_mdc_addr(const char *s, struct sockaddr_storage *ss);
int xsan_check_volume_name(const char *name);

/**
 * struct xsan_probe - what the MDC said to HELLO and AUTH
 * @version: the protocol version it chose (success)
 * @vmin: the versions it speaks (-EPROTONOSUPPORT)
 * @vmax: ditto
 * @status: the errno it answered with (-EREMOTEIO)
 * @mdc_proof_bad: -EKEYREJECTED because the MDC's proof was wrong (it
 *	does not know this host's secret), not because it refused ours
 * @session: the session id it gave (success)
 * @lease_ms: the lease period it gave (success)
 */
struct xsan_probe {
	u16 version;
	u16 vmin;
	u16 vmax;
	u32 status;
	bool mdc_proof_bad;
	u64 session;
	u32 lease_ms;
};

/**
 * struct xsan_secret - a volume secret, copied out of the keyring
 * @key: the bytes
 * @len: how many (XSAN_SECRET_MIN to XSAN_SECRET_MAX)
 */
struct xsan_secret {
	u8 key[1024];
	unsigned int len;
};

int xsan_secret_get(const char *volume, struct xsan_secret *out);
int xsan_auth_proof(const struct xsan_secret *s, const char *label,
		    const char *volume, const u8 *uuid, const u8 *a,
		    const u8 *b, u8 *out);

int xsan_con_probe(struct net *net, const struct sockaddr_storage *addr,
		   unsigned int timeout_secs, const char *volume,
		   struct xsan_probe *res);

#endif /* _XSAN_H */
