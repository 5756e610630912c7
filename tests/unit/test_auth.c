// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of tools/lib/auth.c: the volume secret file's rules and the
 * handshake proofs. The known answers were computed independently with
 * Python's hmac module from the construction Documentation/protocol.rst
 * gives, so a change to the construction on one side only fails here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "unit.h"

static char tdir[64];

static void mk_tdir(void)
{
	snprintf(tdir, sizeof(tdir), "/tmp/xsan-auth-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tdir));
}

static void rm_tdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write @len bytes to tdir/@name with @mode; returns the path. */
static const char *put(const char *name, const void *buf, size_t len, mode_t mode)
{
	static char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

START_TEST(auth_secret_ok_and_newline)
{
	struct xsan_secret s;
	char err[256];

	mk_tdir();
	ck_assert_int_eq(xsan_secret_load(put("a", "0123456789abcdef\n", 17, 0600),
					  &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.len, 16);
	ck_assert_int_eq(memcmp(s.key, "0123456789abcdef", 16), 0);
	/* Only one newline is dropped: the rest is secret. */
	ck_assert_int_eq(xsan_secret_load(put("b", "0123456789abcdef\n\n", 18, 0400),
					  &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.len, 17);
	xsan_secret_wipe(&s);
	ck_assert_uint_eq(s.len, 0);
	rm_tdir();
}
END_TEST

START_TEST(auth_secret_refusals)
{
	static const struct {
		mode_t mode;
		size_t len;
		const char *why;
	} bad[] = {
		{ 0640, 32, "group or others (mode 0640); chmod 600" },
		{ 0604, 32, "group or others (mode 0604)" },
		{ 0620, 32, "group or others (mode 0620)" },
		{ 0600, 15, "the secret must be 16 to 1024 bytes" },
		{ 0600, 0, "the secret must be 16 to 1024 bytes" },
		{ 0600, 1025, "the secret must be 16 to 1024 bytes" },
	};
	char buf[2048], err[256], link[160];
	struct xsan_secret s;
	const char *p;
	size_t i;

	mk_tdir();
	memset(buf, 'k', sizeof(buf));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = put("s", buf, bad[i].len, bad[i].mode);
		ck_assert_int_eq(xsan_secret_load(p, &s, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, bad[i].why) && strstr(err, p),
			      "case %zu: '%s' lacks '%s'", i, err, bad[i].why);
		ck_assert_uint_eq(s.len, 0);
	}
	/* Not a regular file; a symlink (could point anywhere); missing. */
	ck_assert_int_eq(xsan_secret_load(tdir, &s, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	p = put("good", buf, 32, 0600);
	snprintf(link, sizeof(link), "%s/link", tdir);
	ck_assert_int_eq(symlink(p, link), 0);
	ck_assert_int_eq(xsan_secret_load(link, &s, err, sizeof(err)), -1);
	snprintf(link, sizeof(link), "%s/missing", tdir);
	ck_assert_int_eq(xsan_secret_load(link, &s, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	rm_tdir();
}
END_TEST

static const char ka_key[] = "0123456789abcdef-test-secret";

static void ka_inputs(struct xsan_secret *s, uint8_t uuid[16], uint8_t a[32],
		      uint8_t b[32])
{
	int i;

	memset(s, 0, sizeof(*s));
	memcpy(s->key, ka_key, strlen(ka_key));
	s->len = strlen(ka_key);
	for (i = 0; i < 16; i++)
		uuid[i] = (uint8_t)i;
	memset(a, 0xa5, 32);
	memset(b, 0x5a, 32);
}

START_TEST(auth_proof_known_answers)
{
	uint8_t uuid[16], a[32], b[32], out[32];
	struct xsan_secret s;
	char h[65];

	ka_inputs(&s, uuid, a, b);
	ck_assert_int_eq(xsan_auth_proof(&s, XSAN_AUTH_MDC_LABEL, "vol1", 4, uuid,
					 a, b, out), 0);
	hex(out, 32, h);
	ck_assert_str_eq(h, "113598dd355347f2a4186e09b701cef8112fb0586dc19af9586cf4396b2e06e2");
	ck_assert_int_eq(xsan_auth_proof(&s, XSAN_AUTH_CLIENT_LABEL, "vol1", 4,
					 uuid, b, a, out), 0);
	hex(out, 32, h);
	ck_assert_str_eq(h, "7f930f42b94496b74ff0f4df2514a32131c7c4634e5f06e5840ee3f1e5909042");
}
END_TEST

/* Every input matters: change any one and the proof changes. */
START_TEST(auth_proof_binds_every_input)
{
	uint8_t uuid[16], a[32], b[32], ref[32], out[32];
	struct xsan_secret s;

	ka_inputs(&s, uuid, a, b);
	xsan_auth_proof(&s, XSAN_AUTH_MDC_LABEL, "vol1", 4, uuid, a, b, ref);

	ck_assert_int_eq(xsan_auth_proof(&s, XSAN_AUTH_CLIENT_LABEL, "vol1", 4,
					 uuid, a, b, out), 0);
	ck_assert(!xsan_proof_equal(ref, out));
	xsan_auth_proof(&s, XSAN_AUTH_MDC_LABEL, "vol2", 4, uuid, a, b, out);
	ck_assert(!xsan_proof_equal(ref, out));
	uuid[15] ^= 1;
	xsan_auth_proof(&s, XSAN_AUTH_MDC_LABEL, "vol1", 4, uuid, a, b, out);
	ck_assert(!xsan_proof_equal(ref, out));
	uuid[15] ^= 1;
	a[31] ^= 1;
	xsan_auth_proof(&s, XSAN_AUTH_MDC_LABEL, "vol1", 4, uuid, a, b, out);
	ck_assert(!xsan_proof_equal(ref, out));
	a[31] ^= 1;
	b[0] ^= 1;
	xsan_auth_proof(&s, XSAN_AUTH_MDC_LABEL, "vol1", 4, uuid, a, b, out);
	ck_assert(!xsan_proof_equal(ref, out));
	b[0] ^= 1;
	/* Swapping the nonces is a different proof (no reflection). */
	xsan_auth_proof(&s, XSAN_AUTH_MDC_LABEL, "vol1", 4, uuid, b, a, out);
	ck_assert(!xsan_proof_equal(ref, out));
	s.key[0] ^= 1;
	xsan_auth_proof(&s, XSAN_AUTH_MDC_LABEL, "vol1", 4, uuid, a, b, out);
	ck_assert(!xsan_proof_equal(ref, out));
	s.key[0] ^= 1;
	xsan_auth_proof(&s, XSAN_AUTH_MDC_LABEL, "vol1", 4, uuid, a, b, out);
	ck_assert(xsan_proof_equal(ref, out));
	/* Out-of-range volume names are refused, not truncated. */
	ck_assert_int_eq(xsan_auth_proof(&s, XSAN_AUTH_MDC_LABEL, "v", 256, uuid,
					 a, b, out), -EINVAL);
}
END_TEST

START_TEST(auth_random_fills)
{
	uint8_t x[64] = { 0 }, y[64] = { 0 };

	ck_assert_int_eq(xsan_random(x, sizeof(x)), 0);
	ck_assert_int_eq(xsan_random(y, sizeof(y)), 0);
	ck_assert(memcmp(x, y, sizeof(x)) != 0);
}
END_TEST

Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");

	UNIT_ADD(s, auth_secret_ok_and_newline);
	UNIT_ADD(s, auth_secret_refusals);
	UNIT_ADD(s, auth_proof_known_answers);
	UNIT_ADD(s, auth_proof_binds_every_input);
	UNIT_ADD(s, auth_random_fills);
	return s;
}
