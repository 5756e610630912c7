/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The volume secret and the HMAC-SHA256 proofs of the HELLO/AUTH
 * handshake (Documentation/protocol.rst, "Authentication"). The MDC and
 * every userspace client use these; the kernel computes the same proofs
 * with its crypto API.
 */
#ifndef XSAN_AUTH_H
#define XSAN_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "xsanfs/msg.h"

struct xsan_secret {
	uint8_t key[XSAN_SECRET_MAX];
	size_t len;
};

int xsan_secret_load(const char *path, struct xsan_secret *s, char *err,
		     size_t errlen);
void xsan_secret_wipe(struct xsan_secret *s);

/*
 * HMAC-SHA256(secret, label || volume || uuid || nonce_a || nonce_b):
 * the MDC's proof uses the MDC label with (client nonce, MDC nonce), the
 * client's uses the client label with (MDC nonce, client nonce).
 */
int xsan_auth_proof(const struct xsan_secret *s, const char *label,
		    const char *volume, size_t vlen,
		    const uint8_t uuid[XSAN_UUID_SIZE],
		    const uint8_t a[XSAN_NONCE_SIZE],
		    const uint8_t b[XSAN_NONCE_SIZE],
		    uint8_t out[XSAN_PROOF_SIZE]);
/* Constant-time comparison of two proofs: 1 if equal. */
int xsan_proof_equal(const uint8_t a[XSAN_PROOF_SIZE],
		     const uint8_t b[XSAN_PROOF_SIZE]);
/* Fill @buf with @len bytes from the kernel's CSPRNG. */
int xsan_random(void *buf, size_t len);

#endif /* XSAN_AUTH_H */
