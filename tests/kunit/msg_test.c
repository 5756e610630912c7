// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the xsanfs message payloads (net/msg.c) as the module
 * builds them: requests and replies survive an encode/decode round trip
 * with every field intact, every cut-short copy of them is refused, and
 * hand-written malformed payloads (Documentation/protocol.rst, "Messages")
 * are refused with the errno the connection code acts on. Received bytes
 * are copied to a kmalloc block of exactly their length, so KASAN reports
 * any read past what a decoder was given.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "xsanfs/msg.h"

#define XSAN_TEST_BUF	8192

/* A copy of @len bytes of @src with nothing readable after it. */
static const u8 *xsan_msg_exact(struct kunit *test, const void *src, size_t len)
{
	u8 *p;

	if (!len)
		return ZERO_SIZE_PTR;
	p = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	memcpy(p, src, len);
	return p;
}

static void xsan_expect_blob(struct kunit *test, const void *got, u32 got_len,
			     const void *want, u32 want_len, const char *what)
{
	KUNIT_EXPECT_EQ_MSG(test, got_len, want_len, "%s: length", what);
	if (got_len == want_len && want_len)
		KUNIT_EXPECT_EQ_MSG(test, memcmp(got, want, want_len), 0,
				    "%s: bytes differ", what);
}

static void xsan_expect_attr(struct kunit *test, const struct xsan_attr *a,
			     const struct xsan_attr *b, u32 i)
{
	KUNIT_EXPECT_TRUE_MSG(test,
			      a->ino == b->ino && a->gen == b->gen &&
			      a->mode == b->mode && a->nlink == b->nlink &&
			      a->uid == b->uid && a->gid == b->gid &&
			      a->rdev_major == b->rdev_major &&
			      a->rdev_minor == b->rdev_minor &&
			      a->size == b->size && a->blocks == b->blocks &&
			      a->change == b->change,
			      "attr %u: a scalar differs", i);
	KUNIT_EXPECT_TRUE_MSG(test,
			      a->atime.sec == b->atime.sec &&
			      a->atime.nsec == b->atime.nsec &&
			      a->mtime.sec == b->mtime.sec &&
			      a->mtime.nsec == b->mtime.nsec &&
			      a->ctime.sec == b->ctime.sec &&
			      a->ctime.nsec == b->ctime.nsec,
			      "attr %u: a time differs", i);
}

/* Requests */

static const struct xsan_cred xsan_test_cred = {
	.uid = 1000, .gid = 100, .caps = XSAN_CAP_FOWNER, .ngroups = 3,
	.groups = { 4, 24, 27 },
};

#define XSAN_FID_A	{ .ino = 0x0102030405060708ULL, .gen = 0x0a0b0c0d }
#define XSAN_FID_B	{ .ino = 2, .gen = 1 }

struct xsan_req_case {
	const char *desc;
	struct xsan_req req;
};

static const struct xsan_req_case xsan_req_cases[] = {
	{ "HELLO", { .op = XSAN_OP_HELLO, .ver_min = 1, .ver_max = 2,
		     .uuid = { 1, 2, 3 }, .nonce = { [31] = 0xff },
		     .name = "vol0", .namelen = 4, .name2 = "host", .name2len = 4 } },
	{ "AUTH", { .op = XSAN_OP_AUTH, .proof = { 0xde, 0xad, [31] = 1 } } },
	{ "HEARTBEAT", { .op = XSAN_OP_HEARTBEAT } },
	{ "LOOKUP", { .op = XSAN_OP_LOOKUP, .cred = xsan_test_cred,
		      .fid = XSAN_FID_A, .name = "foo", .namelen = 3 } },
	{ "SETATTR", { .op = XSAN_OP_SETATTR, .cred = xsan_test_cred,
		       .fid = XSAN_FID_A,
		       .sattr = { .valid = XSAN_SA_MODE | XSAN_SA_MTIME,
				  .mode = 04755, .size = 7,
				  .mtime = { -3, 999999999 } } } },
	{ "READDIR", { .op = XSAN_OP_READDIR, .cred = xsan_test_cred,
		       .fid = XSAN_FID_B, .cookie = ~0ULL, .size = 4096 } },
	{ "MKNOD", { .op = XSAN_OP_MKNOD, .cred = xsan_test_cred,
		     .fid = XSAN_FID_B, .mode = 0020620, .rdev_major = 136,
		     .rdev_minor = 2, .name = "pts2", .namelen = 4 } },
	{ "SYMLINK", { .op = XSAN_OP_SYMLINK, .cred = xsan_test_cred,
		       .fid = XSAN_FID_B, .name = "l", .namelen = 1,
		       .data = "/t/u", .datalen = 4 } },
	{ "RENAME", { .op = XSAN_OP_RENAME, .cred = xsan_test_cred,
		      .fid = XSAN_FID_A, .fid2 = XSAN_FID_B,
		      .flags = XSAN_RENAME_NOREPLACE, .name = "a", .namelen = 1,
		      .name2 = "b.c", .name2len = 3 } },
	{ "SETXATTR", { .op = XSAN_OP_SETXATTR, .cred = xsan_test_cred,
			.fid = XSAN_FID_A, .flags = XSAN_XATTR_REPLACE,
			.name = "user.x/y", .namelen = 8,
			.data = "\0\1\2", .datalen = 3 } },
	{ "STATFS", { .op = XSAN_OP_STATFS, .cred = xsan_test_cred } },
	{ "NS_LOOKUP", { .op = XSAN_OP_NS_LOOKUP, .name = "vol0", .namelen = 4 } },
};

static void xsan_req_desc(const struct xsan_req_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_req, xsan_req_cases, xsan_req_desc);

static void xsan_expect_req(struct kunit *test, const struct xsan_req *a,
			    const struct xsan_req *b)
{
	u32 i;

	KUNIT_EXPECT_EQ(test, a->op, b->op);
	KUNIT_EXPECT_TRUE_MSG(test,
			      a->cred.uid == b->cred.uid && a->cred.gid == b->cred.gid &&
			      a->cred.caps == b->cred.caps &&
			      a->cred.ngroups == b->cred.ngroups, "cred differs");
	for (i = 0; i < b->cred.ngroups && i < XSAN_NGROUPS_MAX; i++)
		KUNIT_EXPECT_EQ_MSG(test, a->cred.groups[i], b->cred.groups[i],
				    "group %u", i);
	KUNIT_EXPECT_TRUE_MSG(test,
			      a->fid.ino == b->fid.ino && a->fid.gen == b->fid.gen &&
			      a->fid2.ino == b->fid2.ino && a->fid2.gen == b->fid2.gen,
			      "fid differs");
	xsan_expect_blob(test, a->name, a->namelen, b->name, b->namelen, "name");
	xsan_expect_blob(test, a->name2, a->name2len, b->name2, b->name2len, "name2");
	xsan_expect_blob(test, a->data, a->datalen, b->data, b->datalen, "data");
	KUNIT_EXPECT_TRUE_MSG(test,
			      a->mode == b->mode && a->rdev_major == b->rdev_major &&
			      a->rdev_minor == b->rdev_minor && a->flags == b->flags &&
			      a->size == b->size && a->cookie == b->cookie,
			      "a scalar field differs");
	KUNIT_EXPECT_TRUE_MSG(test,
			      a->sattr.valid == b->sattr.valid &&
			      a->sattr.mode == b->sattr.mode &&
			      a->sattr.uid == b->sattr.uid &&
			      a->sattr.gid == b->sattr.gid &&
			      a->sattr.size == b->sattr.size &&
			      a->sattr.atime.sec == b->sattr.atime.sec &&
			      a->sattr.atime.nsec == b->sattr.atime.nsec &&
			      a->sattr.mtime.sec == b->sattr.mtime.sec &&
			      a->sattr.mtime.nsec == b->sattr.mtime.nsec,
			      "sattr differs");
	KUNIT_EXPECT_TRUE_MSG(test, a->ver_min == b->ver_min && a->ver_max == b->ver_max,
			      "versions differ");
	xsan_expect_blob(test, a->uuid, XSAN_UUID_SIZE, b->uuid, XSAN_UUID_SIZE, "uuid");
	xsan_expect_blob(test, a->nonce, XSAN_NONCE_SIZE, b->nonce, XSAN_NONCE_SIZE,
			 "nonce");
	xsan_expect_blob(test, a->proof, XSAN_PROOF_SIZE, b->proof, XSAN_PROOF_SIZE,
			 "proof");
}

/* Encode, decode, compare; then every shorter copy must be refused. */
static void xsan_req_round_trip_test(struct kunit *test)
{
	const struct xsan_req_case *c = test->param_value;
	struct xsan_req *d;
	struct xsan_put w;
	u8 *buf;
	u32 k;
	int err;

	buf = kunit_kzalloc(test, XSAN_TEST_BUF, GFP_KERNEL);
	d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d);

	xsan_put_init(&w, buf, XSAN_TEST_BUF);
	err = xsan_req_encode(&w, &c->req);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "encode failed");
	err = xsan_req_decode(c->req.op, xsan_msg_exact(test, buf, w.len), w.len, d);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "decode of %u encoded bytes failed", w.len);
	xsan_expect_req(test, d, &c->req);

	for (k = 0; k < w.len; k++) {
		err = xsan_req_decode(c->req.op, xsan_msg_exact(test, buf, k), k, d);
		KUNIT_EXPECT_EQ_MSG(test, err, -EBADMSG, "cut to %u of %u bytes", k, w.len);
	}
	buf[w.len] = 0;
	err = xsan_req_decode(c->req.op, xsan_msg_exact(test, buf, w.len + 1), w.len + 1, d);
	KUNIT_EXPECT_EQ_MSG(test, err, -EBADMSG, "a trailing byte was accepted");

	if (w.len) {
		k = w.len;
		xsan_put_init(&w, buf, k - 1);
		KUNIT_EXPECT_EQ_MSG(test, xsan_req_encode(&w, &c->req), -EMSGSIZE,
				    "fit in %u of %u bytes", k - 1, k);
	}
}

/* Replies */

static const struct xsan_attr xsan_test_file = {
	.ino = 0x1122334455667788ULL, .gen = 2, .mode = 0100644, .nlink = 1,
	.uid = 1000, .gid = 100, .size = 4096, .blocks = 8,
	.atime = { 1700000000, 1 }, .mtime = { -1, 999999999 }, .change = 0x42,
};

static const struct xsan_attr xsan_test_dir = {
	.ino = 2, .gen = 1, .mode = 0040755, .nlink = 2, .size = 4096,
};

struct xsan_rep_case {
	const char *desc;
	struct xsan_rep rep;
};

static const struct xsan_rep_case xsan_rep_cases[] = {
	{ "HELLO", { .op = XSAN_OP_HELLO, .version = 1, .nonce = { 7 },
		     .proof = { [31] = 9 } } },
	{ "AUTH", { .op = XSAN_OP_AUTH, .session = 5, .lease_ms = 30000,
		    .grace_ms = 10000, .uuid = { 0xaa } } },
	{ "GETATTR", { .op = XSAN_OP_GETATTR, .nattr = 1,
		       .attr = { xsan_test_file } } },
	{ "CREATE", { .op = XSAN_OP_CREATE, .nattr = 2,
		      .attr = { xsan_test_file, xsan_test_dir } } },
	{ "RENAME replacing", { .op = XSAN_OP_RENAME, .nattr = 4,
				.attr = { xsan_test_dir, xsan_test_dir,
					  xsan_test_file, xsan_test_file } } },
	{ "READLINK", { .op = XSAN_OP_READLINK, .data = "../x", .datalen = 4 } },
	{ "GETXATTR", { .op = XSAN_OP_GETXATTR, .size = 3, .data = "a\0b",
			.datalen = 3 } },
	{ "STATFS", { .op = XSAN_OP_STATFS,
		      .st = { 1000, 10, 5, 100, 100, 4096, 255 } } },
	{ "NS_LOOKUP", { .op = XSAN_OP_NS_LOOKUP, .port = 60766,
			 .uuid = { 1 }, .host = "mdc", .hostlen = 3 } },
	{ "GOODBYE", { .op = XSAN_OP_GOODBYE } },
};

static void xsan_rep_desc(const struct xsan_rep_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_rep, xsan_rep_cases, xsan_rep_desc);

static void xsan_expect_rep(struct kunit *test, const struct xsan_rep *a,
			    const struct xsan_rep *b)
{
	u32 i;

	KUNIT_EXPECT_EQ(test, a->op, b->op);
	KUNIT_ASSERT_EQ_MSG(test, a->nattr, b->nattr, "nattr");
	for (i = 0; i < b->nattr; i++)
		xsan_expect_attr(test, &a->attr[i], &b->attr[i], i);
	xsan_expect_blob(test, a->data, a->datalen, b->data, b->datalen, "data");
	KUNIT_EXPECT_TRUE_MSG(test,
			      a->size == b->size && a->count == b->count &&
			      a->eof == b->eof, "size/count/eof differ");
	KUNIT_EXPECT_TRUE_MSG(test,
			      a->st.blocks == b->st.blocks && a->st.bfree == b->st.bfree &&
			      a->st.bavail == b->st.bavail && a->st.files == b->st.files &&
			      a->st.ffree == b->st.ffree && a->st.bsize == b->st.bsize &&
			      a->st.namemax == b->st.namemax, "statfs differs");
	KUNIT_EXPECT_TRUE_MSG(test,
			      a->version == b->version && a->session == b->session &&
			      a->lease_ms == b->lease_ms && a->grace_ms == b->grace_ms &&
			      a->port == b->port, "a session field differs");
	xsan_expect_blob(test, a->nonce, XSAN_NONCE_SIZE, b->nonce, XSAN_NONCE_SIZE,
			 "nonce");
	xsan_expect_blob(test, a->proof, XSAN_PROOF_SIZE, b->proof, XSAN_PROOF_SIZE,
			 "proof");
	xsan_expect_blob(test, a->uuid, XSAN_UUID_SIZE, b->uuid, XSAN_UUID_SIZE, "uuid");
	xsan_expect_blob(test, a->host, a->hostlen, b->host, b->hostlen, "host");
}

static void xsan_rep_round_trip_test(struct kunit *test)
{
	const struct xsan_rep_case *c = test->param_value;
	struct xsan_rep *d;
	struct xsan_put w;
	u8 *buf;
	u32 k;
	int err;

	buf = kunit_kzalloc(test, XSAN_TEST_BUF, GFP_KERNEL);
	d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d);

	xsan_put_init(&w, buf, XSAN_TEST_BUF);
	err = xsan_rep_encode(&w, &c->rep);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "encode failed");
	err = xsan_rep_decode(c->rep.op, xsan_msg_exact(test, buf, w.len), w.len, d);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "decode of %u encoded bytes failed", w.len);
	xsan_expect_rep(test, d, &c->rep);

	for (k = 0; k < w.len; k++) {
		err = xsan_rep_decode(c->rep.op, xsan_msg_exact(test, buf, k), k, d);
		KUNIT_EXPECT_EQ_MSG(test, err, -EBADMSG, "cut to %u of %u bytes", k, w.len);
		KUNIT_EXPECT_EQ_MSG(test, d->nattr, 0U, "a refused reply kept attributes");
	}
	buf[w.len] = 0;
	err = xsan_rep_decode(c->rep.op, xsan_msg_exact(test, buf, w.len + 1), w.len + 1, d);
	KUNIT_EXPECT_EQ_MSG(test, err, -EBADMSG, "a trailing byte was accepted");
}

/* A READDIR reply: entries put one by one walk back in order. */
static void xsan_readdir_test(struct kunit *test)
{
	static const struct xsan_dirent ents[] = {
		{ 12, 1, XSAN_DT_REG, "a", 1 },
		{ 13, 2, XSAN_DT_DIR, "...", 3 },
		{ 14, ~0ULL, XSAN_DT_LNK, ".x", 2 },
	};
	struct xsan_rep *r, *d;
	struct xsan_dirent e;
	struct xsan_put w;
	struct xsan_cur c;
	u8 *list, *buf;
	u32 i, len;

	list = kunit_kzalloc(test, 256, GFP_KERNEL);
	buf = kunit_kzalloc(test, 512, GFP_KERNEL);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, list && buf && r && d);

	xsan_put_init(&w, list, 256);
	for (i = 0; i < ARRAY_SIZE(ents); i++)
		xsan_put_dirent(&w, &ents[i]);
	KUNIT_ASSERT_EQ(test, w.err, 0);
	r->op = XSAN_OP_READDIR;
	r->eof = 1;
	r->count = ARRAY_SIZE(ents);
	r->data = list;
	r->datalen = w.len;
	xsan_put_init(&w, buf, 512);
	KUNIT_ASSERT_EQ(test, xsan_rep_encode(&w, r), 0);
	len = w.len;
	KUNIT_ASSERT_EQ(test, xsan_rep_decode(XSAN_OP_READDIR,
					      xsan_msg_exact(test, buf, len), len, d), 0);
	KUNIT_EXPECT_EQ(test, d->eof, 1);
	KUNIT_ASSERT_EQ(test, d->count, (u32)ARRAY_SIZE(ents));
	xsan_cur_init(&c, d->data, d->datalen);
	for (i = 0; i < ARRAY_SIZE(ents); i++) {
		KUNIT_ASSERT_EQ_MSG(test, xsan_dirent_next(&c, &e), 0, "entry %u", i);
		KUNIT_EXPECT_EQ_MSG(test, e.ino, ents[i].ino, "entry %u ino", i);
		KUNIT_EXPECT_EQ_MSG(test, e.cookie, ents[i].cookie, "entry %u cookie", i);
		KUNIT_EXPECT_EQ_MSG(test, e.type, ents[i].type, "entry %u type", i);
		xsan_expect_blob(test, e.name, e.namelen, ents[i].name, ents[i].namelen,
				 "entry name");
	}
	KUNIT_EXPECT_EQ_MSG(test, xsan_cur_end(&c), 0, "entries left over");

	/* A count that does not describe the entries is refused both ways. */
	r->count = 2;
	xsan_put_init(&w, buf, 512);
	KUNIT_EXPECT_EQ(test, xsan_rep_encode(&w, r), -EINVAL);
	buf[5] = 4;	/* nattr 4 bytes, eof 1, then the count */
	KUNIT_EXPECT_EQ_MSG(test, xsan_rep_decode(XSAN_OP_READDIR,
						  xsan_msg_exact(test, buf, len), len, d),
			    -EBADMSG, "count 4 over 3 entries accepted");
}

/* Golden bytes: LOOKUP as Documentation/protocol.rst spells it. */
static void xsan_lookup_golden_test(struct kunit *test)
{
	static const u8 golden[] = {
		0xe8, 0x03, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00,	/* uid, gid */
		0x08, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,	/* caps, ngroups */
		0x04, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00,	/* groups */
		0x1b, 0x00, 0x00, 0x00,
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,	/* fid.ino */
		0x0d, 0x0c, 0x0b, 0x0a,				/* fid.gen */
		0x03, 0x00, 'f', 'o', 'o',			/* name */
	};
	const struct xsan_req *r = &xsan_req_cases[3].req;
	struct xsan_put w;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, r->op, XSAN_OP_LOOKUP);
	buf = kunit_kzalloc(test, 128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	xsan_put_init(&w, buf, 128);
	KUNIT_ASSERT_EQ(test, xsan_req_encode(&w, r), 0);
	KUNIT_ASSERT_EQ(test, w.len, (u32)sizeof(golden));
	KUNIT_EXPECT_EQ_MSG(test, memcmp(buf, golden, sizeof(golden)), 0,
			    "LOOKUP: %*ph", (int)sizeof(golden), buf);
}

/*
 * Malformed payloads, written by hand as hex: spaces are for the reader,
 * "zN" stands for N zero bytes (a cred of no groups is z16, a uuid z16).
 */

struct xsan_bad_case {
	const char *desc;
	u16 op;
	bool reply;
	const char *hex;
	int err;
};

#define XSAN_CRED0	"z16 "
#define XSAN_FID1	"0100000000000000 00000000 "

static const struct xsan_bad_case xsan_bad_cases[] = {
	{ "LOOKUP \"..\" (fine in a request)", XSAN_OP_LOOKUP, false,
	  XSAN_CRED0 XSAN_FID1 "0200 2e2e", 0 },
	{ "LOOKUP name cut short", XSAN_OP_LOOKUP, false,
	  XSAN_CRED0 XSAN_FID1 "0300 6162", -EBADMSG },
	{ "LOOKUP trailing byte", XSAN_OP_LOOKUP, false,
	  XSAN_CRED0 XSAN_FID1 "0100 61 78", -EBADMSG },
	{ "LOOKUP name with '/'", XSAN_OP_LOOKUP, false,
	  XSAN_CRED0 XSAN_FID1 "0300 612f62", -EBADMSG },
	{ "LOOKUP name with NUL", XSAN_OP_LOOKUP, false,
	  XSAN_CRED0 XSAN_FID1 "0200 6100", -EBADMSG },
	{ "GETATTR fid ino 0", XSAN_OP_GETATTR, false,
	  XSAN_CRED0 "z8 05000000", -EBADMSG },
	{ "cred ngroups 33", XSAN_OP_GETATTR, false,
	  "z12 21000000 " XSAN_FID1, -EBADMSG },
	{ "cred caps bit 8", XSAN_OP_GETATTR, false,
	  "z8 00010000 00000000 " XSAN_FID1, -EBADMSG },
	{ "SETATTR IFLAGS without its word", XSAN_OP_SETATTR, false,
	  XSAN_CRED0 XSAN_FID1 "00010000 z44", -EBADMSG },
	{ "SETATTR IFLAGS append-only", XSAN_OP_SETATTR, false,
	  XSAN_CRED0 XSAN_FID1 "00010000 z44 08000000", 0 },
	{ "SETATTR iflags with an ACL flag", XSAN_OP_SETATTR, false,
	  XSAN_CRED0 XSAN_FID1 "00010000 z44 01000000", -EBADMSG },
	{ "HELLO well formed", XSAN_OP_HELLO, false,
	  "0100 0100 00000000 z16 z32 0100 76 0000", 0 },
	{ "HELLO ver_min 0", XSAN_OP_HELLO, false,
	  "0000 0100 00000000 z16 z32 0100 76 0000", -EBADMSG },
	{ "HELLO min > max", XSAN_OP_HELLO, false,
	  "0200 0100 00000000 z16 z32 0100 76 0000", -EBADMSG },
	{ "HELLO flags 1", XSAN_OP_HELLO, false,
	  "0100 0100 01000000 z16 z32 0100 76 0000", -EBADMSG },
	{ "RENAME both flags", XSAN_OP_RENAME, false,
	  XSAN_CRED0 XSAN_FID1 XSAN_FID1 "03000000 0100 61 0100 62", -EBADMSG },
	{ "SETATTR mode with type bits", XSAN_OP_SETATTR, false,
	  XSAN_CRED0 XSAN_FID1 "01000000 a4810000 z40", -EBADMSG },
	{ "CREATE a directory", XSAN_OP_CREATE, false,
	  XSAN_CRED0 XSAN_FID1 "ed410000 z8 0100 64", -EBADMSG },
	{ "SYMLINK target with NUL", XSAN_OP_SYMLINK, false,
	  XSAN_CRED0 XSAN_FID1 "0100 6c 03000000 610062", -EBADMSG },
	{ "SETXATTR both flags", XSAN_OP_SETXATTR, false,
	  XSAN_CRED0 XSAN_FID1 "03000000 0100 78 00000000", -EBADMSG },
	{ "OPEN without payload", XSAN_OP_OPEN, false, "", -EBADMSG },
	{ "opcode 37 (unassigned)", 37, false, "", -EOPNOTSUPP },
	{ "READDIR eof 2", XSAN_OP_READDIR, true,
	  "00000000 02 00000000", -EBADMSG },
	{ "READDIR eof, no entries", XSAN_OP_READDIR, true,
	  "00000000 01 00000000", 0 },
	{ "READDIR entry \"..\"", XSAN_OP_READDIR, true,
	  "00000000 00 01000000 0500000000000000 0100000000000000 04 0200 2e2e",
	  -EBADMSG },
	{ "STATFS bfree > blocks", XSAN_OP_STATFS, true,
	  "00000000 0100000000000000 0200000000000000 z24 00100000 ff000000",
	  -EBADMSG },
	{ "RENAME reply nattr 2", XSAN_OP_RENAME, true, "02000000", -EBADMSG },
	{ "AUTH session 0", XSAN_OP_AUTH, true, "z8 30750000 00000000 z16", -EBADMSG },
	{ "REVOKE reply (unknown)", XSAN_OP_REVOKE, true, "", -EOPNOTSUPP },
};

static void xsan_bad_desc(const struct xsan_bad_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsan_bad, xsan_bad_cases, xsan_bad_desc);

/* Turn a case's hex into bytes in @out; returns their number. */
static u32 xsan_unhex(struct kunit *test, const char *hex, u8 *out, u32 cap)
{
	u32 n = 0, z;

	while (*hex) {
		if (*hex == ' ') {
			hex++;
		} else if (*hex == 'z') {
			z = 0;
			for (hex++; *hex >= '0' && *hex <= '9'; hex++)
				z = z * 10 + (*hex - '0');
			KUNIT_ASSERT_LE(test, n + z, cap);
			memset(out + n, 0, z);
			n += z;
		} else {
			KUNIT_ASSERT_LT(test, n, cap);
			KUNIT_ASSERT_EQ_MSG(test, hex2bin(out + n, hex, 1), 0,
					    "bad hex at \"%s\"", hex);
			n++;
			hex += 2;
		}
	}
	return n;
}

static void xsan_malformed_test(struct kunit *test)
{
	const struct xsan_bad_case *c = test->param_value;
	u8 wire[256];
	const u8 *in;
	void *out;
	u32 len;
	int err;

	len = xsan_unhex(test, c->hex, wire, sizeof(wire));
	in = xsan_msg_exact(test, wire, len);
	out = kunit_kzalloc(test, max(sizeof(struct xsan_req),
				      sizeof(struct xsan_rep)), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, out);
	if (c->reply)
		err = xsan_rep_decode(c->op, in, len, out);
	else
		err = xsan_req_decode(c->op, in, len, out);
	KUNIT_EXPECT_EQ_MSG(test, err, c->err, "%s %s of %u bytes: %d, want %d",
			    xsan_op_name(c->op), c->reply ? "reply" : "request",
			    len, err, c->err);
}

/* Encoders refuse what decoders would: the sender learns, not the peer. */
static void xsan_encode_refuses_test(struct kunit *test)
{
	struct xsan_req *r;
	struct xsan_put w;
	u8 buf[64];

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	*r = xsan_req_cases[3].req;	/* LOOKUP */
	r->name = "a/b";
	xsan_put_init(&w, buf, sizeof(buf));
	KUNIT_EXPECT_EQ_MSG(test, xsan_req_encode(&w, r), -EINVAL, "name with '/'");
	r->name = "abc";
	r->fid.ino = 0;
	xsan_put_init(&w, buf, sizeof(buf));
	KUNIT_EXPECT_EQ_MSG(test, xsan_req_encode(&w, r), -EINVAL, "fid ino 0");
	r->fid.ino = 1;
	r->cred.ngroups = XSAN_NGROUPS_MAX + 1;
	xsan_put_init(&w, buf, sizeof(buf));
	KUNIT_EXPECT_EQ_MSG(test, xsan_req_encode(&w, r), -EINVAL, "33 groups");
	r->cred.ngroups = 0;
	xsan_put_init(&w, buf, 16 + 12 + 2 + 2);
	KUNIT_EXPECT_EQ_MSG(test, xsan_req_encode(&w, r), -EMSGSIZE, "one byte short");
	r->op = 37;	/* no message has this opcode */
	xsan_put_init(&w, buf, sizeof(buf));
	KUNIT_EXPECT_EQ_MSG(test, xsan_req_encode(&w, r), -EINVAL, "opcode 37 encoded");
}

static struct kunit_case xsan_msg_test_cases[] = {
	KUNIT_CASE_PARAM(xsan_req_round_trip_test, xsan_req_gen_params),
	KUNIT_CASE_PARAM(xsan_rep_round_trip_test, xsan_rep_gen_params),
	KUNIT_CASE(xsan_readdir_test),
	KUNIT_CASE(xsan_lookup_golden_test),
	KUNIT_CASE_PARAM(xsan_malformed_test, xsan_bad_gen_params),
	KUNIT_CASE(xsan_encode_refuses_test),
	{}
};

static struct kunit_suite xsan_msg_suite = {
	.name = "xsanfs_msg",
	.test_cases = xsan_msg_test_cases,
};

kunit_test_suite(xsan_msg_suite);
