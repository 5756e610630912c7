// SPDX-License-Identifier: GPL-2.0
/*
 * The volume secret file and the handshake proofs. A secret file is a
 * regular file readable by its owner only (like ssh keys: a secret others
 * can read is refused, loudly, rather than trusted), 16 to 1024 bytes; one
 * trailing newline is not part of the secret, so `echo` and editors make
 * the same secret as `head -c`.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth.h"
#include "util.h"

/**
 * xsan_secret_load() - read a volume secret file
 * @path: the file
 * @s: filled with the secret
 * @err: why it failed ("PATH: ...")
 * @errlen: size of @err
 *
 * Return: 0, or -1 with @err set.
 */
int xsan_secret_load(const char *path, struct xsan_secret *s, char *err,
		     size_t errlen)
{
	uint8_t buf[XSAN_SECRET_MAX + 2];
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd;

	memset(s, 0, sizeof(*s));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		xsan_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		xsan_seterr(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if (st.st_mode & 077) {
		xsan_seterr(err, errlen,
			    "%s: readable or writable by group or others (mode %04o); chmod 600 it",
			    path, (unsigned int)(st.st_mode & 07777));
		goto fail;
	}
	while (got < sizeof(buf)) {
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			xsan_seterr(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	if (got && buf[got - 1] == '\n')
		got--;
	if (got > XSAN_SECRET_MAX || got < XSAN_SECRET_MIN) {
		xsan_seterr(err, errlen, "%s: the secret must be %d to %d bytes",
			    path, XSAN_SECRET_MIN, XSAN_SECRET_MAX);
		goto fail;
	}
	memcpy(s->key, buf, got);
	s->len = got;
	OPENSSL_cleanse(buf, sizeof(buf));
	close(fd);
	return 0;
fail:
	OPENSSL_cleanse(buf, sizeof(buf));
	close(fd);
	return -1;
}

void xsan_secret_wipe(struct xsan_secret *s)
{
	OPENSSL_cleanse(s, sizeof(*s));
}

/**
 * xsan_auth_proof() - one side's proof of knowing the secret
 * @s: the secret
 * @label: XSAN_AUTH_MDC_LABEL or XSAN_AUTH_CLIENT_LABEL
 * @volume: volume name
 * @vlen: its length
 * @uuid: the client's uuid
 * @a: first nonce
 * @b: second nonce
 * @out: the HMAC
 *
 * Return: 0, or -EIO if libcrypto failed.
 */
int xsan_auth_proof(const struct xsan_secret *s, const char *label,
		    const char *volume, size_t vlen,
		    const uint8_t uuid[XSAN_UUID_SIZE],
		    const uint8_t a[XSAN_NONCE_SIZE],
		    const uint8_t b[XSAN_NONCE_SIZE],
		    uint8_t out[XSAN_PROOF_SIZE])
{
	uint8_t msg[32 + XSAN_NAME_MAX + XSAN_UUID_SIZE + 2 * XSAN_NONCE_SIZE];
	size_t llen = strlen(label), n = 0;
	unsigned int olen = 0;

	if (llen > 32 || vlen > XSAN_NAME_MAX)
		return -EINVAL;
	memcpy(msg + n, label, llen);
	n += llen;
	memcpy(msg + n, volume, vlen);
	n += vlen;
	memcpy(msg + n, uuid, XSAN_UUID_SIZE);
	n += XSAN_UUID_SIZE;
	memcpy(msg + n, a, XSAN_NONCE_SIZE);
	n += XSAN_NONCE_SIZE;
	memcpy(msg + n, b, XSAN_NONCE_SIZE);
	n += XSAN_NONCE_SIZE;
	if (!HMAC(EVP_sha256(), s->key, (int)s->len, msg, n, out, &olen) ||
	    olen != XSAN_PROOF_SIZE)
		return -EIO;
	return 0;
}

int xsan_proof_equal(const uint8_t a[XSAN_PROOF_SIZE],
		     const uint8_t b[XSAN_PROOF_SIZE])
{
	return CRYPTO_memcmp(a, b, XSAN_PROOF_SIZE) == 0;
}

int xsan_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = getrandom(p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
