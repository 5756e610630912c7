// SPDX-License-Identifier: GPL-2.0
/*
 * The volume secret and the handshake proofs on the kernel side: the
 * secret comes from the key retention service (mount.xsanfs adds a "user"
 * key "xsanfs:VOLUME" to its process keyring before it asks for the
 * mount), never from mount options, and the proofs are HMAC-SHA256 through
 * the crypto API, the same construction tools/lib/auth.c computes with
 * OpenSSL (Documentation/protocol.rst, "Authentication").
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <keys/user-type.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "net/msgr.h"
#include "xsanfs/msg.h"

/**
 * xsan_secret_get() - the volume secret from the caller's keyrings
 * @volume: the volume name
 * @out: filled with the secret
 *
 * Context: process context (the mount syscall), may sleep.
 * Return: 0, -ENOKEY if no key "xsanfs:@volume" is there, -EMSGSIZE if
 * its size is outside 16..1024 bytes, or another error of request_key().
 */
int xsan_secret_get(const char *volume, struct xsan_secret *out)
{
	const struct user_key_payload *up;
	char desc[8 + XSAN_VOLNAME_MAX + 1];
	struct key *key;
	int err = 0;

	memset(out, 0, sizeof(*out));
	snprintf(desc, sizeof(desc), "xsanfs:%s", volume);
	key = request_key(&key_type_user, desc, NULL);
	if (IS_ERR(key))
		return PTR_ERR(key) == -ENOKEY || PTR_ERR(key) == -EKEYREVOKED ||
		       PTR_ERR(key) == -EKEYEXPIRED ? -ENOKEY : PTR_ERR(key);
	down_read(&key->sem);
	up = user_key_payload_locked(key);
	if (!up || up->datalen < XSAN_SECRET_MIN ||
	    up->datalen > XSAN_SECRET_MAX) {
		err = -EMSGSIZE;
	} else {
		memcpy(out->key, up->data, up->datalen);
		out->len = up->datalen;
	}
	up_read(&key->sem);
	key_put(key);
	return err;
}

/**
 * xsan_auth_proof() - HMAC-SHA256(secret, label || volume || uuid || a || b)
 * @s: the secret
 * @label: XSAN_AUTH_MDC_LABEL or XSAN_AUTH_CLIENT_LABEL
 * @volume: the volume name
 * @uuid: the client's uuid
 * @a: first nonce
 * @b: second nonce
 * @out: the proof
 *
 * Context: process context, may sleep (allocates the transform).
 * Return: 0 or a negative errno from the crypto API.
 */
int xsan_auth_proof(const struct xsan_secret *s, const char *label,
		    const char *volume, const u8 *uuid, const u8 *a,
		    const u8 *b, u8 *out)
{
	struct crypto_shash *tfm;
	int err;

	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = crypto_shash_setkey(tfm, s->key, s->len);
	if (!err) {
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		err = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, label, strlen(label)) ?:
		      crypto_shash_update(desc, volume, strlen(volume)) ?:
		      crypto_shash_update(desc, uuid, XSAN_UUID_SIZE) ?:
		      crypto_shash_update(desc, a, XSAN_NONCE_SIZE) ?:
		      crypto_shash_update(desc, b, XSAN_NONCE_SIZE) ?:
		      crypto_shash_final(desc, out);
		shash_desc_zero(desc);
	}
	crypto_free_shash(tfm);
	return err;
}
