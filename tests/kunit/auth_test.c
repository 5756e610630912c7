// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the kernel's handshake proofs (net/hmac.c). The known
 * answers are the ones tests/unit/test_auth.c holds for OpenSSL, computed
 * independently with Python's hmac module: the kernel's crypto API and
 * the MDC's libcrypto must agree byte for byte, or no client could log in.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "fs/xsan.h"
#include "xsanfs/msg.h"

static const char xsan_ka_key[] = "0123456789abcdef-test-secret";

static const u8 xsan_ka_mdc[XSAN_PROOF_SIZE] = {
	0x11, 0x35, 0x98, 0xdd, 0x35, 0x53, 0x47, 0xf2,
	0xa4, 0x18, 0x6e, 0x09, 0xb7, 0x01, 0xce, 0xf8,
	0x11, 0x2f, 0xb0, 0x58, 0x6d, 0xc1, 0x9a, 0xf9,
	0x58, 0x6c, 0xf4, 0x39, 0x6b, 0x2e, 0x06, 0xe2,
};

static const u8 xsan_ka_client[XSAN_PROOF_SIZE] = {
	0x7f, 0x93, 0x0f, 0x42, 0xb9, 0x44, 0x96, 0xb7,
	0x4f, 0xf0, 0xf4, 0xdf, 0x25, 0x14, 0xa3, 0x21,
	0x31, 0xc7, 0xc4, 0x63, 0x4e, 0x5f, 0x06, 0xe5,
	0x84, 0x0e, 0xe3, 0xf1, 0xe5, 0x90, 0x90, 0x42,
};

struct xsan_ka_inputs {
	struct xsan_secret s;
	u8 uuid[XSAN_UUID_SIZE];
	u8 a[XSAN_NONCE_SIZE];
	u8 b[XSAN_NONCE_SIZE];
	u8 out[XSAN_PROOF_SIZE];
};

static struct xsan_ka_inputs *xsan_ka_setup(struct kunit *test)
{
	struct xsan_ka_inputs *in = kunit_kzalloc(test, sizeof(*in), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, in);
	memcpy(in->s.key, xsan_ka_key, strlen(xsan_ka_key));
	in->s.len = strlen(xsan_ka_key);
	for (i = 0; i < XSAN_UUID_SIZE; i++)
		in->uuid[i] = i;
	memset(in->a, 0xa5, sizeof(in->a));
	memset(in->b, 0x5a, sizeof(in->b));
	return in;
}

/* Both directions' proofs equal the OpenSSL/Python known answers. */
static void xsan_auth_known_answer_test(struct kunit *test)
{
	struct xsan_ka_inputs *in = xsan_ka_setup(test);

	KUNIT_ASSERT_EQ(test, xsan_auth_proof(&in->s, XSAN_AUTH_MDC_LABEL, "vol1",
					      in->uuid, in->a, in->b, in->out), 0);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(in->out, xsan_ka_mdc, XSAN_PROOF_SIZE), 0,
			    "MDC proof differs from the userspace known answer");
	KUNIT_ASSERT_EQ(test, xsan_auth_proof(&in->s, XSAN_AUTH_CLIENT_LABEL, "vol1",
					      in->uuid, in->b, in->a, in->out), 0);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(in->out, xsan_ka_client, XSAN_PROOF_SIZE), 0,
			    "client proof differs from the userspace known answer");
}

/* A one-bit change of the secret or a nonce changes the proof. */
static void xsan_auth_binds_test(struct kunit *test)
{
	struct xsan_ka_inputs *in = xsan_ka_setup(test);

	in->s.key[0] ^= 1;
	KUNIT_ASSERT_EQ(test, xsan_auth_proof(&in->s, XSAN_AUTH_MDC_LABEL, "vol1",
					      in->uuid, in->a, in->b, in->out), 0);
	KUNIT_EXPECT_NE_MSG(test, memcmp(in->out, xsan_ka_mdc, XSAN_PROOF_SIZE), 0,
			    "a different secret gave the same proof");
	in->s.key[0] ^= 1;
	in->b[31] ^= 1;
	KUNIT_ASSERT_EQ(test, xsan_auth_proof(&in->s, XSAN_AUTH_MDC_LABEL, "vol1",
					      in->uuid, in->a, in->b, in->out), 0);
	KUNIT_EXPECT_NE_MSG(test, memcmp(in->out, xsan_ka_mdc, XSAN_PROOF_SIZE), 0,
			    "a different nonce gave the same proof");
}

/* No key in the keyrings: -ENOKEY, which mount turns into a sentence. */
static void xsan_secret_missing_test(struct kunit *test)
{
	struct xsan_secret *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_EXPECT_EQ(test, xsan_secret_get("no-such-volume-kunit", s), -ENOKEY);
	KUNIT_EXPECT_EQ(test, s->len, 0U);
}

static struct kunit_case xsan_auth_test_cases[] = {
	KUNIT_CASE(xsan_auth_known_answer_test),
	KUNIT_CASE(xsan_auth_binds_test),
	KUNIT_CASE(xsan_secret_missing_test),
	{}
};

static struct kunit_suite xsan_auth_suite = {
	.name = "xsanfs_auth",
	.test_cases = xsan_auth_test_cases,
};

kunit_test_suite(xsan_auth_suite);
