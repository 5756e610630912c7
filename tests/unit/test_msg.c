// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of net/msg.c, the message payload codec the kernel module and the
 * userspace tools share. Documentation/protocol.rst ("Messages") is tied
 * to the code by golden bytes written by hand from its tables. Every
 * sample message is round-tripped, cut at every length, given a trailing
 * byte and encoded into every too-small buffer; each validity rule the
 * spec states is broken once on the wire (the decoder must say -EBADMSG)
 * and once in the struct (the encoder must say -EINVAL).
 *
 * Decoders get a heap block of exactly the bytes under test, so the
 * sanitizer build reports any read past them.
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xsanfs/msg.h"
#include "unit.h"

#define GUARD 0xa5
#define GUARD_LEN 16
#define BUF_MAX (XSAN_XATTR_SIZE_MAX + 4096)
#define NSAMPLES 48

static u8 wire[BUF_MAX + GUARD_LEN];	/* encoder output */

/* Decode @len bytes of @src from a heap block of exactly that size. */
static int req_dec(u16 op, const void *src, u32 len, struct xsan_req *r)
{
	void *p = malloc(len ? len : 1);
	int err;

	ck_assert_ptr_nonnull(p);
	memcpy(p, src, len);
	err = xsan_req_decode(op, p, len, r);
	free(p);	/* decoded pointers are not used after this */
	return err;
}

static int rep_dec(u16 op, const void *src, u32 len, struct xsan_rep *r)
{
	void *p = malloc(len ? len : 1);
	int err;

	ck_assert_ptr_nonnull(p);
	memcpy(p, src, len);
	err = xsan_rep_decode(op, p, len, r);
	free(p);
	return err;
}

static void ck_bytes(const u8 *got, const u8 *want, size_t n, const char *what)
{
	size_t i;

	for (i = 0; i < n; i++)
		ck_assert_msg(got[i] == want[i], "%s: byte %zu is 0x%02x, want 0x%02x",
			      what, i, got[i], want[i]);
}

static void ck_guard(const u8 *buf, u32 cap, const char *what)
{
	u32 i;

	for (i = cap; i < cap + GUARD_LEN; i++)
		ck_assert_msg(buf[i] == GUARD, "%s: wrote byte %u past cap %u",
			      what, i - cap, cap);
}

/* Encode @r into wire[]; the encoder must succeed. */
static u32 req_enc(const struct xsan_req *r)
{
	struct xsan_put w;
	int err;

	xsan_put_init(&w, wire, BUF_MAX);
	err = xsan_req_encode(&w, r);
	ck_assert_msg(!err, "%s request: encode failed %d", xsan_op_name(r->op), err);
	return w.len;
}

static u32 rep_enc(const struct xsan_rep *r)
{
	struct xsan_put w;
	int err;

	xsan_put_init(&w, wire, BUF_MAX);
	err = xsan_rep_encode(&w, r);
	ck_assert_msg(!err, "%s reply: encode failed %d", xsan_op_name(r->op), err);
	return w.len;
}

static int req_enc_err(const struct xsan_req *r)
{
	struct xsan_put w;

	xsan_put_init(&w, wire, BUF_MAX);
	return xsan_req_encode(&w, r);
}

static int rep_enc_err(const struct xsan_rep *r)
{
	struct xsan_put w;

	xsan_put_init(&w, wire, BUF_MAX);
	return xsan_rep_encode(&w, r);
}

/* Field-by-field comparisons (struct padding is not compared). */

static void ck_blob(const void *a, u32 alen, const void *b, u32 blen,
		    const char *op, const char *what)
{
	ck_assert_msg(alen == blen, "%s: %s length %u, want %u", op, what, alen, blen);
	if (alen)
		ck_assert_msg(!memcmp(a, b, alen), "%s: %s differs", op, what);
}

static void ck_fid(const struct xsan_fid *a, const struct xsan_fid *b, const char *op)
{
	ck_assert_msg(a->ino == b->ino && a->gen == b->gen, "%s: fid differs", op);
}

static void ck_time(const struct xsan_time *a, const struct xsan_time *b, const char *op)
{
	ck_assert_msg(a->sec == b->sec && a->nsec == b->nsec, "%s: time differs", op);
}

static void ck_attr(const struct xsan_attr *a, const struct xsan_attr *b, const char *op)
{
	ck_assert_msg(a->ino == b->ino && a->gen == b->gen && a->mode == b->mode &&
		      a->nlink == b->nlink && a->uid == b->uid && a->gid == b->gid &&
		      a->rdev_major == b->rdev_major && a->rdev_minor == b->rdev_minor &&
		      a->size == b->size && a->blocks == b->blocks &&
		      a->change == b->change && a->flags == b->flags,
		      "%s: attr differs", op);
	ck_time(&a->atime, &b->atime, op);
	ck_time(&a->mtime, &b->mtime, op);
	ck_time(&a->ctime, &b->ctime, op);
}

static void ck_req(const struct xsan_req *a, const struct xsan_req *b)
{
	const char *op = xsan_op_name(b->op);
	u32 i;

	ck_assert_uint_eq(a->op, b->op);
	ck_assert_msg(a->cred.uid == b->cred.uid && a->cred.gid == b->cred.gid &&
		      a->cred.caps == b->cred.caps && a->cred.ngroups == b->cred.ngroups,
		      "%s: cred differs", op);
	for (i = 0; i < b->cred.ngroups; i++)
		ck_assert_msg(a->cred.groups[i] == b->cred.groups[i], "%s: group %u", op, i);
	ck_fid(&a->fid, &b->fid, op);
	ck_fid(&a->fid2, &b->fid2, op);
	ck_blob(a->name, a->namelen, b->name, b->namelen, op, "name");
	ck_blob(a->name2, a->name2len, b->name2, b->name2len, op, "name2");
	ck_blob(a->data, a->datalen, b->data, b->datalen, op, "data");
	ck_assert_msg(a->mode == b->mode && a->umask == b->umask &&
		      a->rdev_major == b->rdev_major &&
		      a->rdev_minor == b->rdev_minor && a->flags == b->flags &&
		      a->size == b->size && a->cookie == b->cookie,
		      "%s: a scalar field differs", op);
	ck_assert_msg(a->sattr.valid == b->sattr.valid && a->sattr.mode == b->sattr.mode &&
		      a->sattr.uid == b->sattr.uid && a->sattr.gid == b->sattr.gid &&
		      a->sattr.size == b->sattr.size, "%s: sattr differs", op);
	ck_time(&a->sattr.atime, &b->sattr.atime, op);
	ck_time(&a->sattr.mtime, &b->sattr.mtime, op);
	ck_assert_msg(a->ver_min == b->ver_min && a->ver_max == b->ver_max,
		      "%s: versions differ", op);
	ck_blob(a->uuid, XSAN_UUID_SIZE, b->uuid, XSAN_UUID_SIZE, op, "uuid");
	ck_blob(a->nonce, XSAN_NONCE_SIZE, b->nonce, XSAN_NONCE_SIZE, op, "nonce");
	ck_blob(a->proof, XSAN_PROOF_SIZE, b->proof, XSAN_PROOF_SIZE, op, "proof");
}

static void ck_rep(const struct xsan_rep *a, const struct xsan_rep *b)
{
	const char *op = xsan_op_name(b->op);
	u32 i;

	ck_assert_uint_eq(a->op, b->op);
	ck_assert_msg(a->nattr == b->nattr, "%s: nattr %u, want %u", op, a->nattr, b->nattr);
	for (i = 0; i < b->nattr; i++)
		ck_attr(&a->attr[i], &b->attr[i], op);
	ck_blob(a->data, a->datalen, b->data, b->datalen, op, "data");
	ck_assert_msg(a->size == b->size && a->count == b->count && a->eof == b->eof,
		      "%s: size/count/eof differ", op);
	ck_assert_msg(a->st.blocks == b->st.blocks && a->st.bfree == b->st.bfree &&
		      a->st.bavail == b->st.bavail && a->st.files == b->st.files &&
		      a->st.ffree == b->st.ffree && a->st.bsize == b->st.bsize &&
		      a->st.namemax == b->st.namemax, "%s: statfs differs", op);
	ck_assert_msg(a->version == b->version && a->session == b->session &&
		      a->lease_ms == b->lease_ms && a->grace_ms == b->grace_ms &&
		      a->port == b->port, "%s: session field differs", op);
	ck_blob(a->nonce, XSAN_NONCE_SIZE, b->nonce, XSAN_NONCE_SIZE, op, "nonce");
	ck_blob(a->proof, XSAN_PROOF_SIZE, b->proof, XSAN_PROOF_SIZE, op, "proof");
	ck_blob(a->uuid, XSAN_UUID_SIZE, b->uuid, XSAN_UUID_SIZE, op, "uuid");
	ck_blob(a->host, a->hostlen, b->host, b->hostlen, op, "host");
}

/* Samples: one or more of every request and reply this version defines. */

static const struct xsan_cred cred2 = {
	.uid = 1000, .gid = 100, .caps = XSAN_CAP_FOWNER | XSAN_CAP_CHOWN,
	.ngroups = 2, .groups = { 10, 20 },
};
static const struct xsan_fid fid_a = { 0x0102030405060708ull, 0x0a0b0c0d };
static const struct xsan_fid fid_b = { 77, 3 };

static const struct xsan_attr attr_file = {
	.ino = 0x1122334455667788ull, .gen = 2, .mode = 0100644, .nlink = 1,
	.uid = 1000, .gid = 100, .size = 4096, .blocks = 8,
	.atime = { 1700000000, 1 }, .mtime = { -1, 999999999 },
	.ctime = { 0, 0 }, .change = 0x42,
};
static const struct xsan_attr attr_dir = {
	.ino = 2, .gen = 1, .mode = 0040755, .nlink = 3, .size = 4096,
	.atime = { 5, 6 }, .mtime = { 7, 8 }, .ctime = { 9, 10 }, .change = 11,
};
static const struct xsan_attr attr_dev = {
	.ino = 9, .gen = 9, .mode = 0020600, .nlink = 1, .rdev_major = 4,
	.rdev_minor = 64, .change = 1,
};

static void fill(u8 *p, size_t n, u8 first)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(first + i);
}

static size_t req_samples(struct xsan_req *s)
{
	static const char xattr_val[] = "\0binary\xff value";
	size_t n = 0;
	struct xsan_req *r;

	memset(s, 0, NSAMPLES * sizeof(*s));
#define NEXT(o) (r = &s[n++], r->op = (o), \
		 xsan_op_is_ns(o) ? (void)(r->cred = cred2) : (void)0)
	NEXT(XSAN_OP_HELLO);
	r->ver_min = 1; r->ver_max = 3;
	fill(r->uuid, XSAN_UUID_SIZE, 0x00);
	fill(r->nonce, XSAN_NONCE_SIZE, 0x20);
	r->name = "vol0"; r->namelen = 4;
	r->name2 = "client-7.example"; r->name2len = 16;
	NEXT(XSAN_OP_HELLO);	/* empty host name */
	r->ver_min = 1; r->ver_max = 1;
	r->name = "v"; r->namelen = 1;
	r->name2 = ""; r->name2len = 0;
	NEXT(XSAN_OP_AUTH);
	fill(r->proof, XSAN_PROOF_SIZE, 0x80);
	NEXT(XSAN_OP_RECONNECT);
	r->session = 0x0102030405060708ull;
	NEXT(XSAN_OP_HEARTBEAT);
	NEXT(XSAN_OP_GOODBYE);
	NEXT(XSAN_OP_RECLAIM_DONE);
	NEXT(XSAN_OP_LOOKUP);
	r->fid = fid_a; r->name = "foo"; r->namelen = 3;
	NEXT(XSAN_OP_GETATTR);
	r->fid = fid_a;
	NEXT(XSAN_OP_SETATTR);
	r->fid = fid_a;
	r->sattr = (struct xsan_sattr){ XSAN_SA_ALL, 07777, 5, 6, 1ull << 40,
					{ -5, 999999999 }, { 1, 0 },
					XSAN_AF_IMMUTABLE | XSAN_AF_APPEND };
	NEXT(XSAN_OP_READDIR);
	r->fid = fid_a; r->cookie = 0xfedcba9876543210ull; r->size = 65536;
	NEXT(XSAN_OP_CREATE);
	r->fid = fid_a; r->mode = 0100640; r->name = "new"; r->namelen = 3;
	NEXT(XSAN_OP_MKDIR);
	r->fid = fid_a; r->mode = 0041777; r->name = "d"; r->namelen = 1;
	NEXT(XSAN_OP_MKNOD);
	r->fid = fid_a; r->mode = 0060600; r->rdev_major = 8; r->rdev_minor = 1;
	r->name = "sda1"; r->namelen = 4;
	NEXT(XSAN_OP_SYMLINK);
	r->fid = fid_a; r->name = "ln"; r->namelen = 2;
	r->data = "../some/where"; r->datalen = 13;
	NEXT(XSAN_OP_READLINK);
	r->fid = fid_b;
	NEXT(XSAN_OP_LINK);
	r->fid = fid_b; r->fid2 = fid_a; r->name = "hard"; r->namelen = 4;
	NEXT(XSAN_OP_UNLINK);
	r->fid = fid_a; r->name = "x"; r->namelen = 1;
	NEXT(XSAN_OP_RMDIR);
	r->fid = fid_a; r->name = "d"; r->namelen = 1;
	NEXT(XSAN_OP_RENAME);
	r->fid = fid_a; r->fid2 = fid_b; r->flags = XSAN_RENAME_EXCHANGE;
	r->name = "a"; r->namelen = 1; r->name2 = "bb"; r->name2len = 2;
	NEXT(XSAN_OP_STATFS);
	NEXT(XSAN_OP_GETXATTR);
	r->fid = fid_a; r->size = 0; r->name = "user.mime/type"; r->namelen = 14;
	NEXT(XSAN_OP_SETXATTR);
	r->fid = fid_a; r->flags = XSAN_XATTR_CREATE;
	r->name = "trusted.x"; r->namelen = 9;
	r->data = xattr_val; r->datalen = sizeof(xattr_val) - 1;
	NEXT(XSAN_OP_SETXATTR);	/* an empty value */
	r->fid = fid_a; r->name = "user.e"; r->namelen = 6;
	NEXT(XSAN_OP_LISTXATTR);
	r->fid = fid_a; r->size = 4096;
	NEXT(XSAN_OP_REMOVEXATTR);
	r->fid = fid_a; r->name = "user.e"; r->namelen = 6;
	/* layouts: the detailed tests are in test_msg_layout.c */
	NEXT(XSAN_OP_OPEN);
	r->cred = cred2; r->fid = fid_a; r->layout.flags = XSAN_OPEN_RDWR;
	NEXT(XSAN_OP_CLOSE);
	r->cred = cred2; r->fid = fid_a; r->layout.handle = 7;
	NEXT(XSAN_OP_TMPFILE);
	r->cred = cred2; r->fid = fid_a; r->mode = 0100640;
	r->layout.flags = XSAN_OPEN_RDWR;
	NEXT(XSAN_OP_LAYOUT_GET);
	r->cred = cred2; r->fid = fid_a; r->layout.offset = 4096;
	r->layout.length = 1 << 20; r->layout.flags = XSAN_LG_WRITE;
	NEXT(XSAN_OP_LAYOUT_COMMIT);
	r->cred = cred2; r->fid = fid_a; r->layout.flags = XSAN_LC_SIZE;
	r->layout.size = 100;
	NEXT(XSAN_OP_FALLOCATE);
	r->cred = cred2; r->fid = fid_a; r->layout.offset = 0;
	r->layout.length = 4096; r->layout.flags = XSAN_FALLOC_KEEP_SIZE;
	NEXT(XSAN_OP_NS_LIST);
	NEXT(XSAN_OP_NS_LOOKUP);
	r->name = "vol0"; r->namelen = 4;
	NEXT(XSAN_OP_NS_HEARTBEAT);
	NEXT(XSAN_OP_ADMIN_WHO);
	NEXT(XSAN_OP_ADMIN_STAT);
	NEXT(XSAN_OP_ADMIN_SHOW);
	NEXT(XSAN_OP_ADMIN_TOKENS);
#undef NEXT
	ck_assert_uint_le(n, NSAMPLES);
	return n;
}

/* Entry lists for the list replies, built with the put functions. */
static u8 list_dirents[256], list_vols[256], list_who[256], list_show[512];
static u8 list_toks[256];
static u32 len_toks;
static const struct xsan_tok_entry toks[] = {
	{ .kind = XSAN_TE_HOLD, .ino = 1, .gen = 1, .session = 0x1122334455667788ull,
	  .types = XSAN_TOK_ATTR_RD | XSAN_TOK_DIR, .revoking = XSAN_TOK_DIR,
	  .revoke_age_ms = 1500 },
	{ .kind = XSAN_TE_WAIT, .ino = 7, .gen = 2, .session = 9,
	  .types = XSAN_TOK_DATA_RD },
	{ .kind = XSAN_TE_NS, .op = XSAN_OP_CREATE, .ino = 1, .gen = 1,
	  .session = 9, .types = XSAN_TOK_DIR | XSAN_TOK_ATTR_RD | XSAN_TOK_ATTR_WR },
};
static u8 stat_bytes[64];
static u32 len_dirents, len_vols, len_who, len_show, len_stat;

static const struct xsan_dirent dirents[] = {
	{ 12, 1, XSAN_DT_REG, "a", 1 },
	{ 13, 0xffffffffffffffffull, XSAN_DT_DIR, "...", 3 },
	{ 14, 3, XSAN_DT_LNK, ".hidden", 7 },
	{ 15, 4, XSAN_DT_SOCK, "..x", 3 },
};
static const struct xsan_ns_vol vols[] = {
	{ 60766, { 1, 2, 3 }, "vol0", 4 },
	{ 1, { 0xff }, "archive", 7 },
};
static const struct xsan_who whos[] = {
	{ 0, 123, { 9 }, "", 0, "10.0.0.2:5000", 13 },
	{ 0x1234, 0, { 8 }, "edit-bay-1", 10, "[::1]:60001", 11 },
};
static const struct xsan_show_sg sgs[] = {
	{ 0, XSAN_SG_METADATA | XSAN_SG_JOURNAL, 65536, 1000, 1000, 1, "meta", 4 },
	{ 1, XSAN_SG_USERDATA, 1 << 20, 1ull << 40, 0, 2, "data", 4 },
	{ 2, XSAN_SG_DOWN, 0, 0, 0, 0, "", 0 },
};
static const struct xsan_show_lun luns[] = {
	{ 2097152, 512, "meta0", 5 },
	{ 1ull << 33, 4096, "data0", 5 },
	{ 1ull << 33, 4096, "", 0 },
};
static const struct xsan_admin_stat stat_sample = {
	.created = -2, .active = 3, .bsize = 4096, .nluns = 3, .nsgs = 3,
	.blocks = 100, .bfree = 100, .inodes = 7,
};

static void build_lists(void)
{
	struct xsan_put w;
	size_t i;

	xsan_put_init(&w, list_dirents, sizeof(list_dirents));
	for (i = 0; i < 4; i++)
		xsan_put_dirent(&w, &dirents[i]);
	ck_assert_int_eq(w.err, 0);
	len_dirents = w.len;
	xsan_put_init(&w, list_vols, sizeof(list_vols));
	for (i = 0; i < 2; i++)
		xsan_put_ns_vol(&w, &vols[i]);
	ck_assert_int_eq(w.err, 0);
	len_vols = w.len;
	xsan_put_init(&w, list_who, sizeof(list_who));
	for (i = 0; i < 2; i++)
		xsan_put_who(&w, &whos[i]);
	ck_assert_int_eq(w.err, 0);
	len_who = w.len;
	xsan_put_init(&w, list_show, sizeof(list_show));
	xsan_put_show_sg(&w, &sgs[0]);
	xsan_put_show_lun(&w, &luns[0]);
	xsan_put_show_sg(&w, &sgs[1]);
	xsan_put_show_lun(&w, &luns[1]);
	xsan_put_show_lun(&w, &luns[2]);
	xsan_put_show_sg(&w, &sgs[2]);
	ck_assert_int_eq(w.err, 0);
	len_show = w.len;
	xsan_put_init(&w, list_toks, sizeof(list_toks));
	for (i = 0; i < 3; i++)
		xsan_put_tok_entry(&w, &toks[i]);
	ck_assert_int_eq(w.err, 0);
	len_toks = w.len;
	ck_assert_uint_eq(len_toks, 3 * XSAN_TOK_ENTRY_REC);
	xsan_put_init(&w, stat_bytes, sizeof(stat_bytes));
	xsan_put_stat(&w, &stat_sample);
	ck_assert_int_eq(w.err, 0);
	len_stat = w.len;
}

static size_t rep_samples(struct xsan_rep *s)
{
	static const char val[] = "v\0al";
	static const char names[] = "user.a\0trusted.bb\0";
	size_t n = 0;
	struct xsan_rep *r;

	build_lists();
	memset(s, 0, NSAMPLES * sizeof(*s));
#define NEXT(o) (r = &s[n++], r->op = (o))
	NEXT(XSAN_OP_HELLO);
	r->version = 1;
	fill(r->nonce, XSAN_NONCE_SIZE, 0x40);
	fill(r->proof, XSAN_PROOF_SIZE, 0x60);
	NEXT(XSAN_OP_AUTH);
	r->session = 0x8877665544332211ull; r->lease_ms = 30000; r->grace_ms = 0;
	fill(r->uuid, XSAN_UUID_SIZE, 0xf0);
	NEXT(XSAN_OP_RECONNECT);
	r->session = 0x1122334455667788ull; r->lease_ms = 20000;
	r->grace_ms = 10000; r->flags = XSAN_RECON_RECLAIM;
	NEXT(XSAN_OP_HEARTBEAT);
	r->lease_ms = 15000;
	NEXT(XSAN_OP_GOODBYE);
	NEXT(XSAN_OP_RECLAIM_DONE);
	NEXT(XSAN_OP_LOOKUP);
	r->nattr = 1; r->attr[0] = attr_file;
	NEXT(XSAN_OP_GETATTR);
	r->nattr = 1; r->attr[0] = attr_dev;
	NEXT(XSAN_OP_SETATTR);
	r->nattr = 1; r->attr[0] = attr_file;
	NEXT(XSAN_OP_READDIR);
	r->eof = 1; r->count = 4; r->data = list_dirents; r->datalen = len_dirents;
	NEXT(XSAN_OP_READDIR);	/* nothing (more) to read */
	NEXT(XSAN_OP_CREATE);
	r->nattr = 2; r->attr[0] = attr_file; r->attr[1] = attr_dir;
	NEXT(XSAN_OP_MKDIR);
	r->nattr = 2; r->attr[0] = attr_dir; r->attr[1] = attr_dir;
	NEXT(XSAN_OP_MKNOD);
	r->nattr = 2; r->attr[0] = attr_dev; r->attr[1] = attr_dir;
	NEXT(XSAN_OP_SYMLINK);
	r->nattr = 2; r->attr[0] = attr_file; r->attr[0].mode = 0120777;
	r->attr[1] = attr_dir;
	NEXT(XSAN_OP_READLINK);
	r->data = "/abs/target"; r->datalen = 11;
	NEXT(XSAN_OP_LINK);
	r->nattr = 2; r->attr[0] = attr_file; r->attr[1] = attr_dir;
	NEXT(XSAN_OP_UNLINK);
	r->nattr = 2; r->attr[0] = attr_dir; r->attr[1] = attr_file;
	NEXT(XSAN_OP_RMDIR);
	r->nattr = 2; r->attr[0] = attr_dir; r->attr[1] = attr_dir;
	NEXT(XSAN_OP_RENAME);
	r->nattr = 3; r->attr[0] = attr_dir; r->attr[1] = attr_dir;
	r->attr[2] = attr_file;
	NEXT(XSAN_OP_RENAME);
	r->nattr = 4; r->attr[0] = attr_dir; r->attr[1] = attr_dir;
	r->attr[2] = attr_file; r->attr[3] = attr_dev;
	NEXT(XSAN_OP_STATFS);
	r->st = (struct xsan_statfs){ 1000, 500, 400, 100, 90, 4096, 255 };
	NEXT(XSAN_OP_GETXATTR);
	r->size = 4; r->data = val; r->datalen = 4;
	NEXT(XSAN_OP_GETXATTR);	/* a size query */
	r->size = 65536;
	NEXT(XSAN_OP_SETXATTR);
	r->nattr = 1; r->attr[0] = attr_file;
	NEXT(XSAN_OP_LISTXATTR);
	r->size = sizeof(names) - 1; r->data = names; r->datalen = sizeof(names) - 1;
	NEXT(XSAN_OP_REMOVEXATTR);
	r->nattr = 1; r->attr[0] = attr_file;
	NEXT(XSAN_OP_OPEN);
	r->nattr = 1; r->attr[0] = attr_file; r->layout.handle = 9;
	NEXT(XSAN_OP_CLOSE);
	r->nattr = 1; r->attr[0] = attr_file;
	NEXT(XSAN_OP_TMPFILE);
	r->nattr = 1; r->attr[0] = attr_file; r->layout.handle = 11;
	NEXT(XSAN_OP_LAYOUT_GET);
	r->nattr = 1; r->attr[0] = attr_file;
	NEXT(XSAN_OP_LAYOUT_COMMIT);
	r->nattr = 1; r->attr[0] = attr_file;
	NEXT(XSAN_OP_FALLOCATE);
	r->nattr = 1; r->attr[0] = attr_file;
	NEXT(XSAN_OP_NS_LIST);
	r->count = 2; r->data = list_vols; r->datalen = len_vols;
	NEXT(XSAN_OP_NS_LOOKUP);
	r->port = 60766; fill(r->uuid, XSAN_UUID_SIZE, 1);
	r->host = "mdc1.example"; r->hostlen = 12;
	NEXT(XSAN_OP_NS_HEARTBEAT);
	r->count = 2;
	NEXT(XSAN_OP_ADMIN_WHO);
	r->count = 2; r->data = list_who; r->datalen = len_who;
	NEXT(XSAN_OP_ADMIN_STAT);
	r->data = stat_bytes; r->datalen = len_stat;
	NEXT(XSAN_OP_ADMIN_SHOW);
	r->count = 3; r->data = list_show; r->datalen = len_show;
	NEXT(XSAN_OP_ADMIN_TOKENS);
	r->count = 3; r->data = list_toks; r->datalen = len_toks;
	r->flags = XSAN_ADMTOK_MORE;
	NEXT(XSAN_OP_ADMIN_TOKENS);	/* an empty table */
#undef NEXT
	ck_assert_uint_le(n, NSAMPLES);
	return n;
}

/* Every opcode xsan_op_known() accepts has a request and a reply sample. */
START_TEST(msg_samples_cover_every_opcode)
{
	struct xsan_req rq[NSAMPLES];
	struct xsan_rep rp[NSAMPLES];
	size_t nq = req_samples(rq), np = rep_samples(rp), i;
	u32 op;

	for (op = 0; op <= 0xffff; op++) {
		bool q = false, p = false;

		/*
		 * Tokens and locks: test_msg_token.c has their samples;
		 * DISK_TABLE: test_msg_disk.c.
		 */
		if (!xsan_op_known((u16)op) || xsan_op_is_token((u16)op) ||
		    xsan_op_is_disk((u16)op))
			continue;
		for (i = 0; i < nq; i++)
			q |= rq[i].op == op;
		for (i = 0; i < np; i++)
			p |= rp[i].op == op;
		ck_assert_msg(q && p, "opcode %u (%s) has no request or reply sample",
			      op, xsan_op_name((u16)op));
	}
}
END_TEST

START_TEST(msg_req_round_trip)
{
	struct xsan_req s[NSAMPLES], d;
	size_t n = req_samples(s), i;

	for (i = 0; i < n; i++) {
		u32 len = req_enc(&s[i]);

		ck_assert_msg(req_dec(s[i].op, wire, len, &d) == 0, "%s: decode failed",
			      xsan_op_name(s[i].op));
		/* req_dec() freed the bytes: decode again from wire[] to compare */
		ck_assert_int_eq(xsan_req_decode(s[i].op, wire, len, &d), 0);
		ck_req(&d, &s[i]);
	}
}
END_TEST

START_TEST(msg_rep_round_trip)
{
	struct xsan_rep s[NSAMPLES], d;
	size_t n = rep_samples(s), i;

	for (i = 0; i < n; i++) {
		u32 len = rep_enc(&s[i]);

		ck_assert_msg(rep_dec(s[i].op, wire, len, &d) == 0, "%s: decode failed",
			      xsan_op_name(s[i].op));
		ck_assert_int_eq(xsan_rep_decode(s[i].op, wire, len, &d), 0);
		ck_rep(&d, &s[i]);
	}
}
END_TEST

/* Each prefix of a message is short somewhere, so none decodes. */
START_TEST(msg_truncations_rejected)
{
	struct xsan_req q[NSAMPLES], dq;
	struct xsan_rep p[NSAMPLES], dp;
	size_t nq = req_samples(q), np = rep_samples(p), i;
	u32 len, k;

	for (i = 0; i < nq; i++) {
		len = req_enc(&q[i]);
		for (k = 0; k < len; k++)
			ck_assert_msg(req_dec(q[i].op, wire, k, &dq) == -EBADMSG,
				      "%s request cut to %u of %u bytes decoded",
				      xsan_op_name(q[i].op), k, len);
	}
	for (i = 0; i < np; i++) {
		len = rep_enc(&p[i]);
		for (k = 0; k < len; k++)
			ck_assert_msg(rep_dec(p[i].op, wire, k, &dp) == -EBADMSG,
				      "%s reply cut to %u of %u bytes decoded",
				      xsan_op_name(p[i].op), k, len);
	}
}
END_TEST

START_TEST(msg_trailing_bytes_rejected)
{
	struct xsan_req q[NSAMPLES], dq;
	struct xsan_rep p[NSAMPLES], dp;
	size_t nq = req_samples(q), np = rep_samples(p), i;
	u32 len;

	for (i = 0; i < nq; i++) {
		len = req_enc(&q[i]);
		wire[len] = 0;
		ck_assert_msg(req_dec(q[i].op, wire, len + 1, &dq) == -EBADMSG,
			      "%s request with a trailing byte decoded", xsan_op_name(q[i].op));
		ck_assert_uint_eq(dq.op, q[i].op);
	}
	for (i = 0; i < np; i++) {
		len = rep_enc(&p[i]);
		wire[len] = 0;
		ck_assert_msg(rep_dec(p[i].op, wire, len + 1, &dp) == -EBADMSG,
			      "%s reply with a trailing byte decoded", xsan_op_name(p[i].op));
		/* a failed reply decode leaves nothing half-filled */
		ck_assert_msg(dp.nattr == 0 && dp.data == NULL && dp.count == 0,
			      "%s: failed decode left fields set", xsan_op_name(p[i].op));
	}
}
END_TEST

/* Every capacity below the size fails with -EMSGSIZE and stays inside. */
START_TEST(msg_encode_small_buffers)
{
	static u8 out[BUF_MAX + GUARD_LEN];
	struct xsan_req q[NSAMPLES];
	struct xsan_rep p[NSAMPLES];
	size_t nq = req_samples(q), np = rep_samples(p), i;
	struct xsan_put w;
	u32 len, cap;

	for (i = 0; i < nq; i++) {
		len = req_enc(&q[i]);
		for (cap = 0; cap < len; cap++) {
			memset(out, GUARD, cap + GUARD_LEN);
			xsan_put_init(&w, out, cap);
			ck_assert_msg(xsan_req_encode(&w, &q[i]) == -EMSGSIZE,
				      "%s request fit in %u of %u bytes",
				      xsan_op_name(q[i].op), cap, len);
			ck_guard(out, cap, xsan_op_name(q[i].op));
		}
		memset(out, GUARD, len + GUARD_LEN);
		xsan_put_init(&w, out, len);
		ck_assert_int_eq(xsan_req_encode(&w, &q[i]), 0);
		ck_assert_uint_eq(w.len, len);
		ck_guard(out, len, xsan_op_name(q[i].op));
	}
	for (i = 0; i < np; i++) {
		len = rep_enc(&p[i]);
		for (cap = 0; cap < len; cap++) {
			memset(out, GUARD, cap + GUARD_LEN);
			xsan_put_init(&w, out, cap);
			ck_assert_msg(xsan_rep_encode(&w, &p[i]) == -EMSGSIZE,
				      "%s reply fit in %u of %u bytes",
				      xsan_op_name(p[i].op), cap, len);
			ck_guard(out, cap, xsan_op_name(p[i].op));
		}
	}
}
END_TEST

START_TEST(msg_unknown_opcodes)
{
	static const u16 unknown[] = {
		XSAN_OP_NONE, 7, 15, 37, 47,
		XSAN_OP_REVOKE, XSAN_OP_LOCK_WAKE, 99, 111, 116, 0xffff,
	};
	struct xsan_req q;
	struct xsan_rep p;
	size_t i;

	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		u16 op = unknown[i];

		ck_assert_msg(!xsan_op_known(op), "opcode %u known", op);
		ck_assert_int_eq(req_dec(op, "", 0, &q), -EOPNOTSUPP);
		ck_assert_int_eq(req_dec(op, "abcd", 4, &q), -EOPNOTSUPP);
		ck_assert_uint_eq(q.op, op);
		ck_assert_int_eq(rep_dec(op, "", 0, &p), -EOPNOTSUPP);
		memset(&q, 0, sizeof(q));
		q.op = op;
		ck_assert_int_eq(req_enc_err(&q), -EINVAL);
		memset(&p, 0, sizeof(p));
		p.op = op;
		ck_assert_int_eq(rep_enc_err(&p), -EINVAL);
	}
	ck_assert_str_eq(xsan_op_name(XSAN_OP_LOOKUP), "LOOKUP");
	ck_assert_str_eq(xsan_op_name(XSAN_OP_ADMIN_SHOW), "ADMIN_SHOW");
	ck_assert_str_eq(xsan_op_name(XSAN_OP_ADMIN_TOKENS), "ADMIN_TOKENS");
	ck_assert_str_eq(xsan_op_name(99), "?");
	ck_assert_str_eq(xsan_op_name(0xffff), "?");
	ck_assert(xsan_op_is_ns(XSAN_OP_LOOKUP) && xsan_op_is_ns(XSAN_OP_REMOVEXATTR));
	ck_assert(!xsan_op_is_ns(XSAN_OP_OPEN) && !xsan_op_is_ns(XSAN_OP_HELLO));
}
END_TEST

/* Golden bytes, written from the tables of Documentation/protocol.rst. */

static const u8 golden_attr[96] = {
	0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,	/*  0 ino */
	0x02, 0x00, 0x00, 0x00,				/*  8 gen */
	0xa4, 0x81, 0x00, 0x00,				/* 12 mode 0100644 */
	0x01, 0x00, 0x00, 0x00,				/* 16 nlink */
	0xe8, 0x03, 0x00, 0x00,				/* 20 uid 1000 */
	0x64, 0x00, 0x00, 0x00,				/* 24 gid 100 */
	0x00, 0x00, 0x00, 0x00,				/* 28 rdev_major */
	0x00, 0x00, 0x00, 0x00,				/* 32 rdev_minor */
	0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 36 size 4096 */
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 44 blocks 8 */
	0x00, 0xf1, 0x53, 0x65, 0x00, 0x00, 0x00, 0x00,	/* 52 atime.sec */
	0x01, 0x00, 0x00, 0x00,				/* 60 atime.nsec */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* 64 mtime.sec -1 */
	0xff, 0xc9, 0x9a, 0x3b,				/* 72 999999999 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 76 ctime.sec */
	0x00, 0x00, 0x00, 0x00,				/* 84 ctime.nsec */
	0x42, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 88 change */
};

START_TEST(msg_golden_attr)
{
	struct xsan_rep r = { .op = XSAN_OP_GETATTR, .nattr = 1 }, d;
	struct xsan_attr a;
	struct xsan_put w;
	struct xsan_cur c;
	u32 len;

	xsan_put_init(&w, wire, BUF_MAX);
	xsan_put_attr(&w, &attr_file);
	ck_assert_int_eq(w.err, 0);
	ck_assert_uint_eq(w.len, 96);
	ck_bytes(wire, golden_attr, 96, "attr");
	xsan_cur_init(&c, golden_attr, sizeof(golden_attr));
	xsan_get_attr(&c, &a);
	ck_assert_int_eq(xsan_cur_end(&c), 0);
	ck_attr(&a, &attr_file, "attr");

	/* A GETATTR reply: u32 nattr = 1, then the attribute. */
	r.attr[0] = attr_file;
	len = rep_enc(&r);
	ck_assert_uint_eq(len, 100);
	ck_bytes(wire, (const u8 *)"\x01\x00\x00\x00", 4, "GETATTR nattr");
	ck_bytes(wire + 4, golden_attr, 96, "GETATTR attr");
	ck_assert_int_eq(rep_dec(XSAN_OP_GETATTR, wire, len, &d), 0);
}
END_TEST

START_TEST(msg_golden_hello)
{
	static const u8 golden[] = {
		0x01, 0x00,				/* ver_min 1 */
		0x03, 0x00,				/* ver_max 3 */
		0x00, 0x00, 0x00, 0x00,			/* flags */
		0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,	/* uuid */
		0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
		0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,	/* nonce */
		0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
		0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
		0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
		0x04, 0x00, 'v', 'o', 'l', '0',		/* volume name */
		0x10, 0x00, 'c', 'l', 'i', 'e', 'n', 't', '-', '7',	/* host */
		'.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	};
	static const u8 golden_rep[] = {
		0x01, 0x00,				/* version */
		0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,	/* nonce */
		0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
		0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57,
		0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
		0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,	/* proof */
		0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
		0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
		0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
	};
	struct xsan_req q[NSAMPLES], d;
	struct xsan_rep p[NSAMPLES], dp;
	u32 len;

	req_samples(q);
	ck_assert_uint_eq(q[0].op, XSAN_OP_HELLO);
	len = req_enc(&q[0]);
	ck_assert_uint_eq(len, sizeof(golden));
	ck_bytes(wire, golden, sizeof(golden), "HELLO request");
	ck_assert_int_eq(xsan_req_decode(XSAN_OP_HELLO, golden, sizeof(golden), &d), 0);
	ck_req(&d, &q[0]);

	rep_samples(p);
	ck_assert_uint_eq(p[0].op, XSAN_OP_HELLO);
	len = rep_enc(&p[0]);
	ck_assert_uint_eq(len, sizeof(golden_rep));
	ck_bytes(wire, golden_rep, sizeof(golden_rep), "HELLO reply");
	ck_assert_int_eq(xsan_rep_decode(XSAN_OP_HELLO, golden_rep, sizeof(golden_rep), &dp), 0);
	ck_rep(&dp, &p[0]);
}
END_TEST

START_TEST(msg_golden_lookup)
{
	static const u8 golden[] = {
		0xe8, 0x03, 0x00, 0x00,			/* cred.uid 1000 */
		0x64, 0x00, 0x00, 0x00,			/* cred.gid 100 */
		0x09, 0x00, 0x00, 0x00,			/* caps CHOWN|FOWNER */
		0x02, 0x00, 0x00, 0x00,			/* ngroups */
		0x0a, 0x00, 0x00, 0x00,			/* groups[0] 10 */
		0x14, 0x00, 0x00, 0x00,			/* groups[1] 20 */
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,	/* fid.ino */
		0x0d, 0x0c, 0x0b, 0x0a,			/* fid.gen */
		0x03, 0x00, 'f', 'o', 'o',		/* name */
	};
	struct xsan_req q[NSAMPLES], d;
	size_t n = req_samples(q), i;
	u32 len;

	for (i = 0; i < n && q[i].op != XSAN_OP_LOOKUP; i++)
		;
	ck_assert_uint_lt(i, n);
	len = req_enc(&q[i]);
	ck_assert_uint_eq(len, sizeof(golden));
	ck_bytes(wire, golden, sizeof(golden), "LOOKUP request");
	ck_assert_int_eq(xsan_req_decode(XSAN_OP_LOOKUP, golden, sizeof(golden), &d), 0);
	ck_req(&d, &q[i]);
}
END_TEST

/* The entry lists walk back to what was put, in order. */
START_TEST(msg_list_entries)
{
	struct xsan_rep s[NSAMPLES], d;
	size_t n = rep_samples(s), i, k;
	struct xsan_show_lun lun;
	struct xsan_show_sg sg;
	struct xsan_dirent de;
	struct xsan_ns_vol v;
	struct xsan_who who;
	struct xsan_admin_stat st;
	struct xsan_cur c;
	u32 len, l, li;

	for (i = 0; i < n; i++) {
		const char *op = xsan_op_name(s[i].op);

		len = rep_enc(&s[i]);
		ck_assert_int_eq(xsan_rep_decode(s[i].op, wire, len, &d), 0);
		xsan_cur_init(&c, d.data, d.datalen);
		switch (s[i].op) {
		case XSAN_OP_READDIR:
			for (k = 0; k < d.count; k++) {
				ck_assert_int_eq(xsan_dirent_next(&c, &de), 0);
				ck_assert_msg(de.ino == dirents[k].ino &&
					      de.cookie == dirents[k].cookie &&
					      de.type == dirents[k].type, "dirent %zu", k);
				ck_blob(de.name, de.namelen, dirents[k].name,
					dirents[k].namelen, op, "dirent name");
			}
			break;
		case XSAN_OP_NS_LIST:
			for (k = 0; k < d.count; k++) {
				ck_assert_int_eq(xsan_ns_vol_next(&c, &v), 0);
				ck_assert_uint_eq(v.port, vols[k].port);
				ck_blob(v.uuid, 16, vols[k].uuid, 16, op, "uuid");
				ck_blob(v.name, v.namelen, vols[k].name, vols[k].namelen,
					op, "name");
			}
			break;
		case XSAN_OP_ADMIN_WHO:
			for (k = 0; k < d.count; k++) {
				ck_assert_int_eq(xsan_who_next(&c, &who), 0);
				ck_assert_msg(who.session == whos[k].session &&
					      who.lease_age_ms == whos[k].lease_age_ms,
					      "who %zu", k);
				ck_blob(who.uuid, 16, whos[k].uuid, 16, op, "uuid");
				ck_blob(who.host, who.hostlen, whos[k].host,
					whos[k].hostlen, op, "host");
				ck_blob(who.addr, who.addrlen, whos[k].addr,
					whos[k].addrlen, op, "addr");
			}
			break;
		case XSAN_OP_ADMIN_SHOW:
			for (k = 0, li = 0; k < d.count; k++) {
				ck_assert_int_eq(xsan_show_sg_next(&c, &sg), 0);
				ck_assert_msg(sg.index == sgs[k].index &&
					      sg.flags == sgs[k].flags &&
					      sg.breadth == sgs[k].breadth &&
					      sg.blocks == sgs[k].blocks &&
					      sg.bfree == sgs[k].bfree &&
					      sg.nluns == sgs[k].nluns, "sg %zu", k);
				ck_blob(sg.name, sg.namelen, sgs[k].name, sgs[k].namelen,
					op, "sg name");
				for (l = 0; l < sg.nluns; l++, li++) {
					ck_assert_int_eq(xsan_show_lun_next(&c, &lun), 0);
					ck_assert_msg(lun.sectors == luns[li].sectors &&
						      lun.sector_size == luns[li].sector_size,
						      "lun %u", li);
					ck_blob(lun.label, lun.labellen, luns[li].label,
						luns[li].labellen, op, "label");
				}
			}
			ck_assert_uint_eq(li, 3);
			break;
		case XSAN_OP_ADMIN_STAT:
			ck_assert_uint_eq(d.datalen, 48);
			ck_assert_int_eq(xsan_stat_decode(d.data, d.datalen, &st), 0);
			ck_assert_msg(st.created == -2 && st.active == 3 &&
				      st.bsize == 4096 && st.nluns == 3 && st.nsgs == 3 &&
				      st.blocks == 100 && st.bfree == 100 && st.inodes == 7,
				      "stat differs");
			c.left = 0;
			break;
		default:
			c.left = 0;
			break;
		}
		ck_assert_msg(xsan_cur_end(&c) == 0, "%s: entries left over", op);
	}
}
END_TEST

START_TEST(msg_vrange)
{
	u8 buf[8];
	struct xsan_put w;
	u16 min, max;

	xsan_put_init(&w, buf, sizeof(buf));
	xsan_put_vrange(&w);
	ck_assert_int_eq(w.err, 0);
	ck_assert_uint_eq(w.len, 4);
	ck_bytes(buf, (const u8 *)"\x01\x00\x01\x00", 4, "vrange");
	ck_assert_int_eq(xsan_get_vrange(buf, 4, &min, &max), 0);
	ck_assert_uint_eq(min, XSAN_PROTO_MIN);
	ck_assert_uint_eq(max, XSAN_PROTO_MAX);
	ck_assert_int_eq(xsan_get_vrange("\x02\x00\x07\x00", 4, &min, &max), 0);
	ck_assert(min == 2 && max == 7);
	ck_assert_int_eq(xsan_get_vrange("\x00\x00\x01\x00", 4, &min, &max), -EBADMSG);
	ck_assert_int_eq(xsan_get_vrange("\x03\x00\x02\x00", 4, &min, &max), -EBADMSG);
	ck_assert_int_eq(xsan_get_vrange("\x01\x00\x01", 3, &min, &max), -EBADMSG);
	ck_assert_int_eq(xsan_get_vrange("\x01\x00\x01\x00\x00", 5, &min, &max), -EBADMSG);
	ck_assert_int_eq(xsan_get_vrange("", 0, &min, &max), -EBADMSG);
	xsan_put_init(&w, buf, 3);
	xsan_put_vrange(&w);
	ck_assert_int_eq(w.err, -EMSGSIZE);
}
END_TEST

/*
 * Validity rules. A plain cred (no groups) keeps offsets simple: cred 0-15,
 * then the request's own fields from offset 16.
 */
static const struct xsan_cred cred0 = { .uid = 1, .gid = 2 };

static void put32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

/* Encode @r, patch @n bytes at @off, expect the decoder to refuse it. */
static void req_patched(const struct xsan_req *r, u32 off, const void *bytes, u32 n,
			const char *what)
{
	struct xsan_req d;
	u32 len = req_enc(r);

	ck_assert_msg(req_dec(r->op, wire, len, &d) == 0, "%s: base decodes", what);
	ck_assert_uint_le(off + n, len);
	memcpy(wire + off, bytes, n);
	ck_assert_msg(req_dec(r->op, wire, len, &d) == -EBADMSG, "%s: decoded", what);
}

static void rep_patched(const struct xsan_rep *r, u32 off, const void *bytes, u32 n,
			const char *what)
{
	struct xsan_rep d;
	u32 len = rep_enc(r);

	ck_assert_msg(rep_dec(r->op, wire, len, &d) == 0, "%s: base decodes", what);
	ck_assert_uint_le(off + n, len);
	memcpy(wire + off, bytes, n);
	ck_assert_msg(rep_dec(r->op, wire, len, &d) == -EBADMSG, "%s: decoded", what);
}

static void u32le(u8 out[4], u32 v)
{
	put32(out, v);
}

START_TEST(msg_rule_names)
{
	struct xsan_req r = { .op = XSAN_OP_LOOKUP, .cred = cred0, .fid = fid_a,
			      .name = "abc", .namelen = 3 };
	static char n256[256], n255[255];
	static u8 big[2 + 16 + 12 + 2 + 256];
	struct xsan_req d;
	u32 len;

	/* cred 16, fid 12, name length at 28, name bytes at 30 */
	req_patched(&r, 31, "/", 1, "name with '/'");
	req_patched(&r, 30, "\0", 1, "name with NUL");
	req_patched(&r, 28, "\x00\x00", 2, "empty name");
	r.name = "a/b";
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	r.name = "a\0b";
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	r.namelen = 0;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);

	memset(n255, 'x', sizeof(n255));
	r.name = n255;
	r.namelen = 255;
	len = req_enc(&r);
	ck_assert_int_eq(req_dec(r.op, wire, len, &d), 0);
	ck_assert_uint_eq(d.namelen, 255);
	memset(n256, 'x', sizeof(n256));
	r.name = n256;
	r.namelen = 256;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	/* by hand: the 255-byte message with one more name byte */
	len = req_enc(&(struct xsan_req){ .op = XSAN_OP_LOOKUP, .cred = cred0,
					  .fid = fid_a, .name = n255, .namelen = 255 });
	memcpy(big, wire, len);
	big[28] = 0x00;
	big[29] = 0x01;		/* 256 */
	big[len] = 'x';
	ck_assert_int_eq(req_dec(XSAN_OP_LOOKUP, big, len + 1, &d), -EBADMSG);
}
END_TEST

START_TEST(msg_rule_fid_time)
{
	struct xsan_req r = { .op = XSAN_OP_GETATTR, .cred = cred0, .fid = fid_a };
	struct xsan_req s = { .op = XSAN_OP_SETATTR, .cred = cred0, .fid = fid_a,
			      .sattr = { .valid = XSAN_SA_ATIME | XSAN_SA_MTIME,
					 .atime = { 1, 999999999 } } };
	struct xsan_req d;
	u8 b[4];
	u32 len;

	req_patched(&r, 16, "\0\0\0\0\0\0\0\0", 8, "fid ino 0");
	r.fid.ino = 0;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	r.fid.ino = 1;
	r.fid.gen = 0;		/* generation 0 is fine */
	len = req_enc(&r);
	ck_assert_int_eq(req_dec(r.op, wire, len, &d), 0);

	/* SETATTR: cred 16, fid 12, valid mode uid gid 16, size 8: atime at 52 */
	u32le(b, 1000000000);
	req_patched(&s, 60, b, 4, "atime nsec 1e9");
	req_patched(&s, 72, b, 4, "mtime nsec 1e9");
	u32le(b, 0xffffffff);
	req_patched(&s, 60, b, 4, "atime nsec 2^32-1");
	s.sattr.atime.nsec = 1000000000;
	ck_assert_int_eq(req_enc_err(&s), -EINVAL);
	s.sattr.atime.nsec = 0;
	s.sattr.mtime.nsec = 1000000000;
	ck_assert_int_eq(req_enc_err(&s), -EINVAL);
}
END_TEST

START_TEST(msg_rule_cred)
{
	struct xsan_req r = { .op = XSAN_OP_GETATTR, .cred = cred0, .fid = fid_a };
	struct xsan_req d;
	static u8 buf[16 + 4 * 33 + 12];
	u8 b[4];
	u32 len, i;

	u32le(b, 0x100);
	req_patched(&r, 8, b, 4, "caps bit 8");
	u32le(b, 0x80000000u);
	req_patched(&r, 8, b, 4, "caps bit 31");
	r.cred.caps = 0x100;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	r.cred.caps = XSAN_CAP_ALL;
	req_enc(&r);

	/* 32 groups are fine, 33 are not, even with all their bytes there */
	r.cred.ngroups = 32;
	for (i = 0; i < 32; i++)
		r.cred.groups[i] = i * 7;
	len = req_enc(&r);
	ck_assert_uint_eq(len, 16 + 128 + 12);
	ck_assert_int_eq(req_dec(r.op, wire, len, &d), 0);
	ck_assert_uint_eq(d.cred.ngroups, 32);
	ck_assert_uint_eq(d.cred.groups[31], 31 * 7);
	r.cred.ngroups = 33;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	memset(buf, 0, sizeof(buf));
	put32(buf + 12, 33);
	put32(buf + 16 + 132, 1);	/* fid ino 1 */
	ck_assert_int_eq(req_dec(XSAN_OP_GETATTR, buf, sizeof(buf), &d), -EBADMSG);
	ck_assert_uint_eq(d.cred.ngroups, 0);
	u32le(b, 0xffffffff);
	req_patched(&(struct xsan_req){ .op = XSAN_OP_STATFS, .cred = cred0 }, 12, b, 4,
		    "ngroups 2^32-1");
}
END_TEST

START_TEST(msg_rule_setattr)
{
	struct xsan_req r = { .op = XSAN_OP_SETATTR, .cred = cred0, .fid = fid_a,
			      .sattr = { .valid = XSAN_SA_MODE, .mode = 0644 } };
	u8 b[4];

	struct xsan_req d;
	u32 len;

	/* valid at 28, mode at 32 */
	u32le(b, 0x200);
	req_patched(&r, 28, b, 4, "sattr valid bit 9");
	u32le(b, 0100644);
	req_patched(&r, 32, b, 4, "SETATTR mode with type bits");
	u32le(b, 010000);
	req_patched(&r, 32, b, 4, "SETATTR mode bit 12");
	/* IFLAGS without its word: the message is short */
	u32le(b, XSAN_SA_MODE | XSAN_SA_IFLAGS);
	req_patched(&r, 28, b, 4, "sattr IFLAGS without iflags");
	r.sattr.valid = 0x200;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	r.sattr.valid = XSAN_SA_MODE;
	r.sattr.mode = 0100644;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	/* iflags without IFLAGS, or with an ACL flag, is refused */
	r.sattr.mode = 0644;
	r.sattr.iflags = XSAN_AF_IMMUTABLE;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	r.sattr.valid = XSAN_SA_IFLAGS;
	r.sattr.iflags = XSAN_AF_ACL;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	/* the word follows mtime (at 36 + 8 + 16 + 16 = 76), only with IFLAGS */
	r.sattr.iflags = XSAN_AF_APPEND;
	len = req_enc(&r);
	ck_assert_uint_eq(len, 80);
	ck_assert_int_eq(xsan_req_decode(r.op, wire, len, &d), 0);
	ck_assert_uint_eq(d.sattr.iflags, XSAN_AF_APPEND);
	u32le(b, 0x10);
	req_patched(&r, 76, b, 4, "iflags bit 4");
	u32le(b, XSAN_AF_ACL);
	req_patched(&r, 76, b, 4, "iflags with an ACL flag");
	ck_assert_int_eq(req_dec(r.op, wire, len - 1, &d), -EBADMSG);
}
END_TEST

START_TEST(msg_rule_create_types)
{
	static const struct {
		u16 op;
		u32 mode;
		bool ok;
	} cases[] = {
		{ XSAN_OP_CREATE, 0100644, true },
		{ XSAN_OP_CREATE, 0040755, false },
		{ XSAN_OP_CREATE, 0000644, false },
		{ XSAN_OP_CREATE, 0120777, false },
		{ XSAN_OP_CREATE, 0300644, false },	/* bit above S_IFMT */
		{ XSAN_OP_MKDIR, 0040755, true },
		{ XSAN_OP_MKDIR, 0100755, false },
		{ XSAN_OP_MKDIR, 0000755, false },
		{ XSAN_OP_MKNOD, 0100600, true },
		{ XSAN_OP_MKNOD, 0020600, true },
		{ XSAN_OP_MKNOD, 0060600, true },
		{ XSAN_OP_MKNOD, 0010600, true },
		{ XSAN_OP_MKNOD, 0140600, true },
		{ XSAN_OP_MKNOD, 0040700, false },
		{ XSAN_OP_MKNOD, 0120777, false },
		{ XSAN_OP_MKNOD, 0170600, false },
		{ XSAN_OP_MKNOD, 0000600, false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xsan_req r = { .op = cases[i].op, .cred = cred0, .fid = fid_a,
				      .mode = 0100644, .name = "n", .namelen = 1 }, d;
		u8 b[4];
		u32 len;

		if (cases[i].op == XSAN_OP_MKDIR)
			r.mode = 0040755;
		len = req_enc(&r);
		u32le(b, cases[i].mode);
		memcpy(wire + 28, b, 4);	/* mode at 28 */
		ck_assert_msg(req_dec(r.op, wire, len, &d) == (cases[i].ok ? 0 : -EBADMSG),
			      "%s mode 0%o", xsan_op_name(r.op), cases[i].mode);
		r.mode = cases[i].mode;
		ck_assert_msg(req_enc_err(&r) == (cases[i].ok ? 0 : -EINVAL),
			      "%s encode mode 0%o", xsan_op_name(r.op), cases[i].mode);
	}
}
END_TEST

START_TEST(msg_rule_flags)
{
	struct xsan_req rn = { .op = XSAN_OP_RENAME, .cred = cred0, .fid = fid_a,
			       .fid2 = fid_b, .name = "a", .namelen = 1,
			       .name2 = "b", .name2len = 1 };
	struct xsan_req sx = { .op = XSAN_OP_SETXATTR, .cred = cred0, .fid = fid_a,
			       .name = "user.a", .namelen = 6, .data = "v", .datalen = 1 };
	u8 b[4];

	/* RENAME flags at 40; SETXATTR flags at 28 */
	u32le(b, 3);
	req_patched(&rn, 40, b, 4, "both RENAME flags");
	req_patched(&sx, 28, b, 4, "both XATTR flags");
	u32le(b, 4);
	req_patched(&rn, 40, b, 4, "RENAME_WHITEOUT");
	req_patched(&sx, 28, b, 4, "XATTR flag 4");
	rn.flags = 3;
	ck_assert_int_eq(req_enc_err(&rn), -EINVAL);
	rn.flags = 4;
	ck_assert_int_eq(req_enc_err(&rn), -EINVAL);
	sx.flags = 3;
	ck_assert_int_eq(req_enc_err(&sx), -EINVAL);
	sx.flags = XSAN_XATTR_REPLACE;
	req_enc(&sx);
	rn.flags = XSAN_RENAME_NOREPLACE;
	req_enc(&rn);
	/* same name both sides is the MDC's business, not the codec's */
	rn.name2 = "a";
	req_enc(&rn);
}
END_TEST

START_TEST(msg_rule_symlink)
{
	static char t4096[4096];
	struct xsan_req r = { .op = XSAN_OP_SYMLINK, .cred = cred0, .fid = fid_a,
			      .name = "l", .namelen = 1, .data = "t", .datalen = 1 }, d;
	u32 len;

	/* name at 28: 2 + 1 bytes; target length at 31, bytes at 35 */
	req_patched(&r, 35, "\0", 1, "symlink target NUL");
	req_patched(&r, 31, "\0\0\0\0", 4, "symlink target empty");
	r.datalen = 0;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	r.data = "a\0b";
	r.datalen = 3;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	memset(t4096, 'p', sizeof(t4096));
	r.data = t4096;
	r.datalen = 4095;
	len = req_enc(&r);
	ck_assert_int_eq(req_dec(r.op, wire, len, &d), 0);
	ck_assert_uint_eq(d.datalen, 4095);
	r.datalen = 4096;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	/* by hand: length 4096 with all 4096 bytes there */
	put32(wire + 31, 4096);
	wire[len] = 'p';
	ck_assert_int_eq(req_dec(r.op, wire, len + 1, &d), -EBADMSG);
}
END_TEST

START_TEST(msg_rule_xattr)
{
	static char v[XSAN_XATTR_SIZE_MAX + 1];
	static char xn[256];
	struct xsan_req r = { .op = XSAN_OP_SETXATTR, .cred = cred0, .fid = fid_a,
			      .name = "user.a", .namelen = 6 }, d;
	struct xsan_req g = { .op = XSAN_OP_GETXATTR, .cred = cred0, .fid = fid_a,
			      .name = "user.a", .namelen = 6 };
	u32 len;

	memset(v, 'v', sizeof(v));
	r.data = v;
	r.datalen = XSAN_XATTR_SIZE_MAX;
	len = req_enc(&r);
	ck_assert_int_eq(req_dec(r.op, wire, len, &d), 0);
	ck_assert_uint_eq(d.datalen, XSAN_XATTR_SIZE_MAX);
	r.datalen = XSAN_XATTR_SIZE_MAX + 1;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	/* by hand: value length at 16 + 12 + 4 + 8 = 40 */
	put32(wire + 40, XSAN_XATTR_SIZE_MAX + 1);
	wire[len] = 'v';
	ck_assert_int_eq(req_dec(r.op, wire, len + 1, &d), -EBADMSG);

	/* xattr names: 1-255 bytes, no NUL, '/' allowed */
	g.name = "a/b";
	g.namelen = 3;
	req_enc(&g);
	g.name = "a\0b";
	ck_assert_int_eq(req_enc_err(&g), -EINVAL);
	g.namelen = 0;
	ck_assert_int_eq(req_enc_err(&g), -EINVAL);
	memset(xn, 'n', sizeof(xn));
	g.name = xn;
	g.namelen = 255;
	req_enc(&g);
	g.namelen = 256;
	ck_assert_int_eq(req_enc_err(&g), -EINVAL);
	g.name = "ab";
	g.namelen = 2;
	/* GETXATTR: size at 28, name length at 32, bytes at 34 */
	req_patched(&g, 35, "\0", 1, "xattr name with NUL");
	req_patched(&g, 32, "\0\0", 2, "empty xattr name");
}
END_TEST

START_TEST(msg_rule_hello)
{
	struct xsan_req q[NSAMPLES], r;
	static char host[256];
	u32 len;

	req_samples(q);
	r = q[0];
	ck_assert_uint_eq(r.op, XSAN_OP_HELLO);
	req_patched(&r, 0, "\0\0", 2, "HELLO ver_min 0");
	req_patched(&r, 0, "\x04\x00", 2, "HELLO min > max");
	req_patched(&r, 4, "\x01", 1, "HELLO flags 1");
	req_patched(&r, 7, "\x80", 1, "HELLO flags bit 31");
	req_patched(&r, 58, "a/", 2, "HELLO volume name with '/'");
	req_patched(&r, 70, "\0", 1, "HELLO host with NUL");
	r.ver_min = 0;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	r.ver_min = 4;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	r.ver_min = 1;
	r.flags = 1;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	r.flags = 0;
	memset(host, 'h', sizeof(host));
	r.name2 = host;
	r.name2len = 255;
	len = req_enc(&r);
	r.name2len = 256;
	ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	/* by hand: host length 256 at offset 56 + 2 + 4 = 62, 256 bytes */
	wire[62] = 0x00;
	wire[63] = 0x01;
	wire[len] = 'h';
	ck_assert_int_eq(req_dec(XSAN_OP_HELLO, wire, len + 1, &r), -EBADMSG);
}
END_TEST

START_TEST(msg_rule_attr)
{
	struct xsan_rep r = { .op = XSAN_OP_LOOKUP, .nattr = 1 };
	struct xsan_attr a = attr_file;
	struct xsan_put w;
	u8 b[4];

	r.attr[0] = attr_file;
	/* nattr at 0, the attribute at 4: ino 4, mode 16 */
	rep_patched(&r, 4, "\0\0\0\0\0\0\0\0", 8, "attr ino 0");
	u32le(b, 0644);
	rep_patched(&r, 16, b, 4, "attr without a type");
	u32le(b, 0170644);
	rep_patched(&r, 16, b, 4, "attr type 017");
	u32le(b, 04000000 | 0100644);
	rep_patched(&r, 16, b, 4, "attr flag bit 20 (unknown)");
	u32le(b, 0x80000000u | 0100644);
	rep_patched(&r, 16, b, 4, "attr flag bit 31 (unknown)");
	u32le(b, 1000000000);
	rep_patched(&r, 4 + 60, b, 4, "attr atime nsec 1e9");
	rep_patched(&r, 4 + 84, b, 4, "attr ctime nsec 1e9");

	a.mode = 0644;
	xsan_put_init(&w, wire, BUF_MAX);
	xsan_put_attr(&w, &a);
	ck_assert_int_eq(w.err, -EINVAL);
	a = attr_file;
	a.ino = 0;
	xsan_put_init(&w, wire, BUF_MAX);
	xsan_put_attr(&w, &a);
	ck_assert_int_eq(w.err, -EINVAL);
	a = attr_file;
	a.ctime.nsec = 1000000000;
	xsan_put_init(&w, wire, BUF_MAX);
	xsan_put_attr(&w, &a);
	ck_assert_int_eq(w.err, -EINVAL);
	r.attr[0].mode = 0170644;
	ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
	r.attr[0] = attr_file;
	r.attr[0].flags = 0x10;
	ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
}
END_TEST

/*
 * The ACL flags ride in bits 16 and 17 of an attribute's mode word and
 * come back in struct xsan_attr.flags, never in its mode.
 */
START_TEST(msg_attr_acl_flags)
{
	struct xsan_rep r = { .op = XSAN_OP_GETATTR, .nattr = 1 }, d;
	u32 len;

	r.attr[0] = attr_file;
	r.attr[0].flags = XSAN_AF_ACL | XSAN_AF_DEFACL;
	len = rep_enc(&r);
	/* nattr at 0, the attribute at 4, its mode word at 16 */
	ck_assert_uint_eq(wire[16 + 2], 0x3);
	ck_assert_int_eq(rep_dec(r.op, wire, len, &d), 0);
	ck_assert_uint_eq(d.attr[0].flags, XSAN_AF_ACL | XSAN_AF_DEFACL);
	ck_assert_uint_eq(d.attr[0].mode, attr_file.mode);
	wire[16 + 2] = 0x1;
	ck_assert_int_eq(rep_dec(r.op, wire, len, &d), 0);
	ck_assert_uint_eq(d.attr[0].flags, XSAN_AF_ACL);
	wire[16 + 2] = 0x0;
	ck_assert_int_eq(rep_dec(r.op, wire, len, &d), 0);
	ck_assert_uint_eq(d.attr[0].flags, 0);
}
END_TEST

/*
 * CREATE, MKDIR, MKNOD (and TMPFILE, test_msg_layout.c): the optional
 * trailing umask word. Absent when 0; present it carries SET and 0777
 * bits only; a cut inside it or anything after it is malformed.
 */
START_TEST(msg_create_umask)
{
	static const u16 ops[] = { XSAN_OP_CREATE, XSAN_OP_MKDIR, XSAN_OP_MKNOD };

	for (size_t i = 0; i < 3; i++) {
		struct xsan_req r = { .op = ops[i], .cred = cred0, .fid = fid_a,
				      .mode = 0100644, .name = "n", .namelen = 1 }, d;
		u32 len0, len, k;

		if (ops[i] == XSAN_OP_MKDIR)
			r.mode = 0040755;
		len0 = req_enc(&r);
		r.umask = XSAN_UMASK_SET | 022;
		len = req_enc(&r);
		ck_assert_uint_eq(len, len0 + 4);
		ck_bytes(wire + len0, (const u8 *)"\x12\x10\x00\x00", 4, "umask");
		ck_assert_int_eq(req_dec(r.op, wire, len, &d), 0);
		ck_assert_int_eq(xsan_req_decode(r.op, wire, len, &d), 0);
		ck_req(&d, &r);
		for (k = len0 + 1; k < len; k++)
			ck_assert_int_eq(req_dec(r.op, wire, k, &d), -EBADMSG);
		ck_assert_int_eq(req_dec(r.op, wire, len0, &d), 0);
		ck_assert_uint_eq(d.umask, 0);
		wire[len] = 0;
		ck_assert_int_eq(req_dec(r.op, wire, len + 1, &d), -EBADMSG);
		/* SET missing, a bit beyond 0777 */
		memcpy(wire + len0, "\x12\x00\x00\x00", 4);
		ck_assert_int_eq(req_dec(r.op, wire, len, &d), -EBADMSG);
		memcpy(wire + len0, "\x00\x12\x00\x00", 4);
		ck_assert_int_eq(req_dec(r.op, wire, len, &d), -EBADMSG);
		memcpy(wire + len0, "\x00\x10\x00\x00", 4);
		ck_assert_int_eq(req_dec(r.op, wire, len, &d), 0);
		ck_assert_uint_eq(d.umask, XSAN_UMASK_SET);
		r.umask = 022;
		ck_assert_int_eq(req_enc_err(&r), -EINVAL);
		r.umask = XSAN_UMASK_SET | 01000;
		ck_assert_int_eq(req_enc_err(&r), -EINVAL);
	}
}
END_TEST

START_TEST(msg_rule_nattr)
{
	struct xsan_rep r = { .op = XSAN_OP_RENAME, .nattr = 3 };
	static const u32 bad_rename[] = { 0, 1, 2, 5, 0xffffffff };
	static const u32 bad_lookup[] = { 0, 2, 4 };
	u8 b[4];
	size_t i;

	r.attr[0] = r.attr[1] = r.attr[2] = r.attr[3] = attr_dir;
	for (i = 0; i < sizeof(bad_rename) / sizeof(bad_rename[0]); i++) {
		u32le(b, bad_rename[i]);
		rep_patched(&r, 0, b, 4, "RENAME nattr");
	}
	r.nattr = 2;
	ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
	r.nattr = 5;
	ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
	r.op = XSAN_OP_LOOKUP;
	r.nattr = 1;
	for (i = 0; i < sizeof(bad_lookup) / sizeof(bad_lookup[0]); i++) {
		u32le(b, bad_lookup[i]);
		rep_patched(&r, 0, b, 4, "LOOKUP nattr");
	}
	r.nattr = 2;
	ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
	r.op = XSAN_OP_STATFS;
	r.nattr = 1;
	ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
	r.op = XSAN_OP_HELLO;
	r.version = 1;
	ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
}
END_TEST

START_TEST(msg_rule_readdir)
{
	struct xsan_rep s[NSAMPLES], r, d;
	static const char *const bad_names[] = { ".", "..", "a/b" };
	struct xsan_dirent de = { 5, 6, XSAN_DT_REG, "x", 1 };
	u8 ent[64];
	struct xsan_put w;
	u32 len, elen;
	size_t i;

	rep_samples(s);
	for (i = 0; s[i].op != XSAN_OP_READDIR; i++)
		;
	r = s[i];
	/* nattr 4 bytes, eof at 4, count at 5, entries at 9 */
	rep_patched(&r, 4, "\x02", 1, "READDIR eof 2");
	rep_patched(&r, 4, "\xff", 1, "READDIR eof 255");
	rep_patched(&r, 5, "\x05", 1, "READDIR count more than there are");
	rep_patched(&r, 5, "\x03", 1, "READDIR count fewer than there are");
	rep_patched(&r, 9, "\0\0\0\0\0\0\0\0", 8, "dirent ino 0");
	rep_patched(&r, 17, "\0\0\0\0\0\0\0\0", 8, "dirent cookie 0");
	rep_patched(&r, 25, "\x03", 1, "dirent type 3");
	rep_patched(&r, 25, "\x00", 1, "dirent type 0 (DT_UNKNOWN)");
	r.eof = 2;
	ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
	r.eof = 1;
	r.count = 3;
	ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
	r.count = 5;
	ck_assert_int_eq(rep_enc_err(&r), -EINVAL);

	for (i = 0; i < 3; i++) {
		/* a one-entry list "y", then its name patched by hand */
		de.name = "yyy";
		de.namelen = (u32)strlen(bad_names[i]);
		xsan_put_init(&w, ent, sizeof(ent));
		xsan_put_dirent(&w, &de);
		ck_assert_int_eq(w.err, 0);
		elen = w.len;
		memcpy(ent + 19, bad_names[i], de.namelen);
		xsan_put_init(&w, wire, BUF_MAX);
		xsan_put_u32(&w, 0);
		xsan_put_u8(&w, 0);
		xsan_put_u32(&w, 1);
		xsan_put_bytes(&w, ent, elen);
		len = w.len;
		ck_assert_msg(rep_dec(XSAN_OP_READDIR, wire, len, &d) == -EBADMSG,
			      "dirent \"%s\" decoded", bad_names[i]);
		de.name = bad_names[i];
		xsan_put_init(&w, ent, sizeof(ent));
		xsan_put_dirent(&w, &de);
		ck_assert_msg(w.err == -EINVAL, "dirent \"%s\" encoded", bad_names[i]);
	}
	de.name = "x";
	de.namelen = 1;
	de.ino = 0;
	xsan_put_init(&w, ent, sizeof(ent));
	xsan_put_dirent(&w, &de);
	ck_assert_int_eq(w.err, -EINVAL);
	de.ino = 1;
	de.cookie = 0;
	xsan_put_init(&w, ent, sizeof(ent));
	xsan_put_dirent(&w, &de);
	ck_assert_int_eq(w.err, -EINVAL);
	de.cookie = 1;
	de.type = 0;
	xsan_put_init(&w, ent, sizeof(ent));
	xsan_put_dirent(&w, &de);
	ck_assert_int_eq(w.err, -EINVAL);
}
END_TEST

START_TEST(msg_rule_statfs)
{
	struct xsan_rep r = { .op = XSAN_OP_STATFS,
			      .st = { 100, 50, 50, 10, 10, 4096, 255 } };
	u8 b[8] = { 101 };

	/* nattr 4, blocks 4, bfree 12, bavail 20, files 28, ffree 36, bsize 44 */
	rep_patched(&r, 12, b, 8, "statfs bfree > blocks");
	b[0] = 51;
	rep_patched(&r, 20, b, 8, "statfs bavail > bfree");
	b[0] = 11;
	rep_patched(&r, 36, b, 8, "statfs ffree > files");
	rep_patched(&r, 44, "\0\0\0\0", 4, "statfs bsize 0");
	r.st.bfree = 101;
	ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
	r.st.bfree = 50;
	r.st.bsize = 0;
	ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
	r.st = (struct xsan_statfs){ 0, 0, 0, 0, 0, 1, 0 };	/* empty is fine */
	rep_enc(&r);
}
END_TEST

START_TEST(msg_rule_session_replies)
{
	struct xsan_rep s[NSAMPLES], r;
	static char host[256];
	size_t n = rep_samples(s), i;
	u32 len;
	struct xsan_rep d;

	for (i = 0; i < n; i++) {
		r = s[i];
		switch (r.op) {
		case XSAN_OP_HELLO:
			rep_patched(&r, 0, "\0\0", 2, "HELLO reply version 0");
			r.version = 0;
			ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
			break;
		case XSAN_OP_AUTH:
			rep_patched(&r, 0, "\0\0\0\0\0\0\0\0", 8, "AUTH session 0");
			rep_patched(&r, 8, "\0\0\0\0", 4, "AUTH lease 0");
			r.session = 0;
			ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
			r = s[i];
			r.lease_ms = 0;
			ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
			break;
		case XSAN_OP_RECONNECT:
			rep_patched(&r, 0, "\0\0\0\0\0\0\0\0", 8, "RECONNECT session 0");
			rep_patched(&r, 16, "\2\0\0\0", 4, "RECONNECT unknown flag");
			r.flags = 0x2;
			ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
			break;
		case XSAN_OP_NS_LOOKUP:
			rep_patched(&r, 0, "\0\0", 2, "NS_LOOKUP port 0");
			rep_patched(&r, 20, "\0", 1, "NS_LOOKUP host with NUL");
			r.port = 0;
			ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
			r = s[i];
			memset(host, 'h', sizeof(host));
			r.host = host;
			r.hostlen = 255;
			len = rep_enc(&r);
			ck_assert_int_eq(rep_dec(r.op, wire, len, &d), 0);
			r.hostlen = 256;
			ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
			r.host = "a\0b";
			r.hostlen = 3;
			ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
			break;
		case XSAN_OP_NS_LIST:
			rep_patched(&r, 4, "\0\0", 2, "NS_LIST volume port 0");
			rep_patched(&r, 24, "/", 1, "NS_LIST volume name with '/'");
			break;
		default:
			break;
		}
	}
}
END_TEST

START_TEST(msg_rule_data_replies)
{
	struct xsan_rep r = { .op = XSAN_OP_READLINK, .data = "t", .datalen = 1 };
	struct xsan_rep g = { .op = XSAN_OP_GETXATTR, .size = 2, .data = "ab",
			      .datalen = 2 }, d;
	u8 b[4];

	/* nattr 4, target length 4, bytes 8 */
	rep_patched(&r, 8, "\0", 1, "READLINK target NUL");
	ck_assert_int_eq(rep_dec(XSAN_OP_READLINK, "\0\0\0\0\0\0\0\0", 8, &d), -EBADMSG);
	r.datalen = 0;
	ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
	r.data = "\0";
	r.datalen = 1;
	ck_assert_int_eq(rep_enc_err(&r), -EINVAL);

	/* GETXATTR: nattr 4, size 4, value length 8, bytes 12 */
	u32le(b, 3);
	rep_patched(&g, 4, b, 4, "GETXATTR size != value length");
	g.size = 3;
	ck_assert_int_eq(rep_enc_err(&g), -EINVAL);
	g.size = XSAN_XATTR_SIZE_MAX + 1;
	g.data = NULL;
	g.datalen = 0;
	ck_assert_int_eq(rep_enc_err(&g), -EINVAL);
	g.size = XSAN_XATTR_SIZE_MAX;
	u32le(b, XSAN_XATTR_SIZE_MAX + 1);
	rep_patched(&g, 4, b, 4, "GETXATTR size > 65536");

	g.op = XSAN_OP_LISTXATTR;
	g.size = 3;
	g.data = "ab\0";
	g.datalen = 3;
	rep_patched(&g, 14, "c", 1, "LISTXATTR without the last NUL");
	g.data = "abc";
	ck_assert_int_eq(rep_enc_err(&g), -EINVAL);
}
END_TEST

START_TEST(msg_rule_admin)
{
	struct xsan_rep s[NSAMPLES], r;
	struct xsan_admin_stat st = stat_sample;
	struct xsan_show_sg sg = sgs[0];
	size_t n = rep_samples(s), i;
	struct xsan_put w;
	u8 b[8] = { 0 };

	for (i = 0; i < n; i++) {
		r = s[i];
		switch (r.op) {
		case XSAN_OP_ADMIN_STAT:
			/* blocks at 24, bfree at 32 */
			b[0] = 101;
			rep_patched(&r, 32, b, 8, "ADMIN_STAT bfree > blocks");
			r.datalen--;
			ck_assert_int_eq(rep_enc_err(&r), -EINVAL);
			break;
		case XSAN_OP_ADMIN_SHOW:
			/* count 4; sg: index 4, flags 8, breadth 12, blocks 20,
			 * bfree 28, nluns 36
			 */
			b[0] = 0xe9;
			b[1] = 0x03;	/* 1001 > 1000 blocks */
			rep_patched(&r, 28, b, 8, "ADMIN_SHOW bfree > blocks");
			rep_patched(&r, 36, "\xff\xff\xff\x7f", 4, "ADMIN_SHOW nluns huge");
			rep_patched(&r, 36, "\x02", 1, "ADMIN_SHOW nluns one more");
			break;
		case XSAN_OP_ADMIN_WHO:
			/* count 4; entry: session 4, age 12, uuid 16, host 32 */
			rep_patched(&r, 32, "\x00\x01", 2, "ADMIN_WHO host 256");
			break;
		case XSAN_OP_ADMIN_TOKENS:
			/* flags 0, count 4; entries from 8 (40 bytes each):
			 * kind +0, op +4, ino +8, gen +16, session +20,
			 * types +28, revoking +32, age +36
			 */
			rep_patched(&r, 0, "\x02", 1, "ADMIN_TOKENS unknown flag");
			if (!r.count)
				break;
			rep_patched(&r, 8, "\x04", 1, "ADMIN_TOKENS kind 4");
			rep_patched(&r, 8, "\x00", 1, "ADMIN_TOKENS kind 0");
			rep_patched(&r, 12, "\x10", 1, "ADMIN_TOKENS op on a hold");
			rep_patched(&r, 16, "\0\0\0\0\0\0\0\0", 8, "ADMIN_TOKENS ino 0");
			rep_patched(&r, 28, "\0\0\0\0\0\0\0\0", 8, "ADMIN_TOKENS session 0");
			rep_patched(&r, 36, "\x40", 1, "ADMIN_TOKENS unknown token");
			rep_patched(&r, 36, "\x00", 1, "ADMIN_TOKENS hold of nothing");
			rep_patched(&r, 40, "\x08", 1, "ADMIN_TOKENS revoking not held");
			rep_patched(&r, 48 + 36, "\x01", 1, "ADMIN_TOKENS wait revoking");
			rep_patched(&r, 88 + 4, "\x01", 1, "ADMIN_TOKENS NS op 1");
			rep_patched(&r, 4, "\x04", 1, "ADMIN_TOKENS count one more");
			break;
		default:
			break;
		}
	}
	st.bfree = st.blocks + 1;
	xsan_put_init(&w, wire, BUF_MAX);
	xsan_put_stat(&w, &st);
	ck_assert_int_eq(w.err, -EINVAL);
	sg.bfree = sg.blocks + 1;
	xsan_put_init(&w, wire, BUF_MAX);
	xsan_put_show_sg(&w, &sg);
	ck_assert_int_eq(w.err, -EINVAL);
	for (i = 0; i < 4; i++) {
		struct xsan_tok_entry e = toks[i % 3];

		if (i == 0)
			e.revoking = XSAN_TOK_DATA_WR;	/* not held */
		else if (i == 1)
			e.op = XSAN_OP_LOOKUP;		/* op on a wait */
		else if (i == 2)
			e.op = XSAN_OP_HELLO;		/* not a namespace op */
		else
			e.revoke_age_ms = 5;		/* age without a revoke */
		if (i == 3)
			e.revoking = 0;
		xsan_put_init(&w, wire, BUF_MAX);
		xsan_put_tok_entry(&w, &e);
		ck_assert_msg(w.err == -EINVAL, "bad entry %zu encoded", i);
	}
}
END_TEST

/*
 * A GRACE entry (a request parked for a restart's grace window) round-
 * trips with any known opcode and types 0 or not; an unknown opcode or a
 * revoke on it is malformed.
 */
START_TEST(msg_tok_entry_grace)
{
	struct xsan_tok_entry e = {
		.kind = XSAN_TE_GRACE, .op = XSAN_OP_TOKEN_GET, .ino = 5,
		.gen = 2, .session = 77, .types = XSAN_TOK_DATA_WR,
	}, d;
	struct xsan_cur c;
	struct xsan_put w;

	xsan_put_init(&w, wire, BUF_MAX);
	xsan_put_tok_entry(&w, &e);
	ck_assert_int_eq(w.err, 0);
	ck_assert_uint_eq(w.len, 40);
	xsan_cur_init(&c, wire, w.len);
	ck_assert_int_eq(xsan_tok_entry_next(&c, &d), 0);
	ck_assert(d.kind == e.kind && d.op == e.op && d.ino == e.ino &&
		  d.gen == e.gen && d.session == e.session &&
		  d.types == e.types && !d.revoking && !d.revoke_age_ms);
	e.op = XSAN_OP_RENAME;
	e.types = 0;
	xsan_put_init(&w, wire, BUF_MAX);
	xsan_put_tok_entry(&w, &e);
	ck_assert_int_eq(w.err, 0);
	e.op = 200;
	xsan_put_init(&w, wire, BUF_MAX);
	xsan_put_tok_entry(&w, &e);
	ck_assert_int_eq(w.err, -EINVAL);
	e.op = XSAN_OP_TOKEN_GET;
	e.types = XSAN_TOK_DATA_WR;
	e.revoking = XSAN_TOK_DATA_WR;
	xsan_put_init(&w, wire, BUF_MAX);
	xsan_put_tok_entry(&w, &e);
	ck_assert_int_eq(w.err, -EINVAL);
}
END_TEST

/*
 * LOOKUP, GETATTR, OPEN: the optional trailing token word ("Tokens with
 * replies"). Absent when 0, so the samples above (want 0) keep their
 * bytes; present, it round-trips, and a present 0, an unknown bit or a
 * cut inside it is malformed.
 */
static void ck_tokbits_req(struct xsan_req *r)
{
	struct xsan_req d;
	u32 len0, len, k;

	r->tok.types = 0;
	len0 = req_enc(r);
	r->tok.types = XSAN_TOK_ATTR_RD | XSAN_TOK_DIR;
	len = req_enc(r);
	ck_assert_msg(len == len0 + 4, "%s: want adds %d bytes, not 4",
		      xsan_op_name(r->op), (int)len - (int)len0);
	ck_bytes(wire + len0, (const u8 *)"\x05\x00\x00\x00", 4, "want");
	ck_assert_int_eq(req_dec(r->op, wire, len, &d), 0);
	ck_assert_int_eq(xsan_req_decode(r->op, wire, len, &d), 0);
	ck_assert_uint_eq(d.tok.types, XSAN_TOK_ATTR_RD | XSAN_TOK_DIR);
	ck_req(&d, r);
	/* cut inside the word: malformed; cut before it: want 0 */
	for (k = len0 + 1; k < len; k++)
		ck_assert_msg(req_dec(r->op, wire, k, &d) == -EBADMSG,
			      "%s cut to %u of %u decoded", xsan_op_name(r->op), k, len);
	ck_assert_int_eq(req_dec(r->op, wire, len0, &d), 0);
	ck_assert_uint_eq(d.tok.types, 0);
	/* anything after it */
	wire[len] = 0;
	ck_assert_int_eq(req_dec(r->op, wire, len + 1, &d), -EBADMSG);
	/* a present 0, an unknown bit */
	memcpy(wire + len0, "\x00\x00\x00\x00", 4);
	ck_assert_int_eq(req_dec(r->op, wire, len, &d), -EBADMSG);
	memcpy(wire + len0, "\x41\x00\x00\x00", 4);
	ck_assert_int_eq(req_dec(r->op, wire, len, &d), -EBADMSG);
	memcpy(wire + len0, "\x3f\x00\x00\x00", 4);
	ck_assert_int_eq(req_dec(r->op, wire, len, &d), 0);
	ck_assert_uint_eq(d.tok.types, XSAN_TOK_ALL);
	/* the encoder refuses unknown bits */
	r->tok.types = 0x40;
	ck_assert_int_eq(req_enc_err(r), -EINVAL);
	r->tok.types = 0;
}

static void ck_tokbits_rep(struct xsan_rep *r)
{
	struct xsan_rep d;
	u32 len0, len, k;

	r->tok.granted = 0;
	len0 = rep_enc(r);
	r->tok.granted = XSAN_TOK_DATA_RD;
	len = rep_enc(r);
	ck_assert_uint_eq(len, len0 + 4);
	ck_bytes(wire + len0, (const u8 *)"\x08\x00\x00\x00", 4, "granted");
	ck_assert_int_eq(rep_dec(r->op, wire, len, &d), 0);
	ck_assert_int_eq(xsan_rep_decode(r->op, wire, len, &d), 0);
	ck_assert_uint_eq(d.tok.granted, XSAN_TOK_DATA_RD);
	ck_rep(&d, r);
	for (k = len0 + 1; k < len; k++)
		ck_assert_msg(rep_dec(r->op, wire, k, &d) == -EBADMSG,
			      "%s reply cut to %u of %u decoded", xsan_op_name(r->op), k, len);
	ck_assert_int_eq(rep_dec(r->op, wire, len0, &d), 0);
	ck_assert_uint_eq(d.tok.granted, 0);
	wire[len] = 0;
	ck_assert_int_eq(rep_dec(r->op, wire, len + 1, &d), -EBADMSG);
	memcpy(wire + len0, "\x00\x00\x00\x00", 4);
	ck_assert_int_eq(rep_dec(r->op, wire, len, &d), -EBADMSG);
	ck_assert_uint_eq(d.nattr, 0);
	memcpy(wire + len0, "\x00\x00\x00\x80", 4);
	ck_assert_int_eq(rep_dec(r->op, wire, len, &d), -EBADMSG);
	r->tok.granted = 0x80;
	ck_assert_int_eq(rep_enc_err(r), -EINVAL);
	r->tok.granted = 0;
}

START_TEST(msg_tokens_with_replies)
{
	struct xsan_req q[NSAMPLES];
	struct xsan_rep p[NSAMPLES];
	size_t nq = req_samples(q), np = rep_samples(p), i;
	unsigned int seen = 0;

	for (i = 0; i < nq; i++) {
		if (q[i].op == XSAN_OP_LOOKUP || q[i].op == XSAN_OP_GETATTR ||
		    q[i].op == XSAN_OP_OPEN) {
			ck_tokbits_req(&q[i]);
			seen++;
		}
	}
	for (i = 0; i < np; i++) {
		if (p[i].op == XSAN_OP_LOOKUP || p[i].op == XSAN_OP_GETATTR ||
		    p[i].op == XSAN_OP_OPEN) {
			ck_tokbits_rep(&p[i]);
			seen++;
		}
	}
	ck_assert_uint_eq(seen, 6);
}
END_TEST

/* Other requests have no token word: want is not encoded, nor granted. */
START_TEST(msg_tokens_only_three_ops)
{
	struct xsan_req q[NSAMPLES], d;
	struct xsan_rep p[NSAMPLES], dp;
	size_t nq = req_samples(q), np = rep_samples(p), i;
	u32 len0, len;

	for (i = 0; i < nq; i++) {
		if (q[i].op != XSAN_OP_SETATTR && q[i].op != XSAN_OP_READLINK &&
		    q[i].op != XSAN_OP_UNLINK && q[i].op != XSAN_OP_CLOSE &&
		    q[i].op != XSAN_OP_TMPFILE)
			continue;
		len0 = req_enc(&q[i]);
		q[i].tok.types = XSAN_TOK_ATTR_RD;
		len = req_enc(&q[i]);
		ck_assert_msg(len == len0, "%s encodes a want", xsan_op_name(q[i].op));
		memcpy(wire + len, "\x01\x00\x00\x00", 4);
		ck_assert_int_eq(req_dec(q[i].op, wire, len + 4, &d), -EBADMSG);
	}
	for (i = 0; i < np; i++) {
		if (p[i].op != XSAN_OP_SETATTR && p[i].op != XSAN_OP_CLOSE &&
		    p[i].op != XSAN_OP_TMPFILE)
			continue;
		len0 = rep_enc(&p[i]);
		p[i].tok.granted = XSAN_TOK_ATTR_RD;
		ck_assert_uint_eq(rep_enc(&p[i]), len0);
		memcpy(wire + len0, "\x01\x00\x00\x00", 4);
		ck_assert_int_eq(rep_dec(p[i].op, wire, len0 + 4, &dp), -EBADMSG);
	}
}
END_TEST

/* Golden bytes of protocol.rst: LOOKUP "foo" wanting ATTR_RD|DIR. */
START_TEST(msg_golden_lookup_want)
{
	static const u8 golden[] = {
		0x00, 0x00, 0x00, 0x00,			/* cred.uid 0 */
		0x00, 0x00, 0x00, 0x00,			/* cred.gid 0 */
		0x00, 0x00, 0x00, 0x00,			/* caps */
		0x00, 0x00, 0x00, 0x00,			/* ngroups */
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* fid.ino 1 */
		0x01, 0x00, 0x00, 0x00,			/* fid.gen 1 */
		0x03, 0x00, 'f', 'o', 'o',		/* name */
		0x05, 0x00, 0x00, 0x00,			/* want ATTR_RD|DIR */
	};
	struct xsan_req r = { .op = XSAN_OP_LOOKUP, .fid = { 1, 1 },
			      .name = "foo", .namelen = 3 }, d;
	u32 len;

	r.tok.types = XSAN_TOK_ATTR_RD | XSAN_TOK_DIR;
	len = req_enc(&r);
	ck_assert_uint_eq(len, sizeof(golden));
	ck_bytes(wire, golden, sizeof(golden), "LOOKUP with want");
	ck_assert_int_eq(req_dec(XSAN_OP_LOOKUP, golden, sizeof(golden), &d), 0);
	ck_assert_uint_eq(d.tok.types, 5);
}
END_TEST

Suite *msg_suite(void)
{
	Suite *s = suite_create("msg");

	UNIT_ADD(s, msg_samples_cover_every_opcode);
	UNIT_ADD(s, msg_req_round_trip);
	UNIT_ADD(s, msg_rep_round_trip);
	UNIT_ADD(s, msg_truncations_rejected);
	UNIT_ADD(s, msg_trailing_bytes_rejected);
	UNIT_ADD(s, msg_encode_small_buffers);
	UNIT_ADD(s, msg_unknown_opcodes);
	UNIT_ADD(s, msg_golden_attr);
	UNIT_ADD(s, msg_golden_hello);
	UNIT_ADD(s, msg_golden_lookup);
	UNIT_ADD(s, msg_list_entries);
	UNIT_ADD(s, msg_vrange);
	UNIT_ADD(s, msg_rule_names);
	UNIT_ADD(s, msg_rule_fid_time);
	UNIT_ADD(s, msg_rule_cred);
	UNIT_ADD(s, msg_rule_setattr);
	UNIT_ADD(s, msg_rule_create_types);
	UNIT_ADD(s, msg_rule_flags);
	UNIT_ADD(s, msg_rule_symlink);
	UNIT_ADD(s, msg_rule_xattr);
	UNIT_ADD(s, msg_rule_hello);
	UNIT_ADD(s, msg_rule_attr);
	UNIT_ADD(s, msg_attr_acl_flags);
	UNIT_ADD(s, msg_create_umask);
	UNIT_ADD(s, msg_rule_nattr);
	UNIT_ADD(s, msg_rule_readdir);
	UNIT_ADD(s, msg_rule_statfs);
	UNIT_ADD(s, msg_rule_session_replies);
	UNIT_ADD(s, msg_rule_data_replies);
	UNIT_ADD(s, msg_rule_admin);
	UNIT_ADD(s, msg_tokens_with_replies);
	UNIT_ADD(s, msg_tokens_only_three_ops);
	UNIT_ADD(s, msg_golden_lookup_want);
	UNIT_ADD(s, msg_tok_entry_grace);
	return s;
}
