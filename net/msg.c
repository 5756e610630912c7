// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfs message payloads: one encoder and one decoder per opcode,
 * compiled unchanged into the kernel module and the userspace tools.
 * Documentation/protocol.rst ("Requests", "Replies") is the prose twin of
 * the two switch statements below.
 *
 * Decoders read with the bounds-checked cursor of codec.c and check the
 * cursor once at the end, where leftover bytes also make the message
 * malformed: every decoder either fills its struct from bytes it had or
 * returns -EBADMSG.
 *
 * Encoders apply the same validity rules (the xsan_*_ok() predicates are
 * shared) and fail with -EINVAL instead: a sender's bug then shows up as
 * an error at the sender, not as the peer closing the connection over a
 * frame it cannot decode.
 */

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#include "xsanfs/msg.h"

/* Type bits of a mode, as S_IFMT and friends (the same on every Linux). */
#define XSAN_S_IFMT	0170000u
#define XSAN_S_IFSOCK	0140000u
#define XSAN_S_IFLNK	0120000u
#define XSAN_S_IFREG	0100000u
#define XSAN_S_IFBLK	0060000u
#define XSAN_S_IFDIR	0040000u
#define XSAN_S_IFCHR	0020000u
#define XSAN_S_IFIFO	0010000u

static void xsan_bad(struct xsan_cur *c)
{
	c->err = -EBADMSG;
	c->left = 0;
}

/* Copy @n fixed bytes out, or zeros if they are not there. */
static void xsan_get_fixed(struct xsan_cur *c, void *dst, u32 n)
{
	const void *p = xsan_get_bytes(c, n);

	if (p)
		memcpy(dst, p, n);
	else
		memset(dst, 0, n);
}

static void xsan_put_err(struct xsan_put *w, int err)
{
	if (!w->err)
		w->err = err;
}

/**
 * xsan_put_tokbits() - append the optional trailing token word
 * @w: the cursor
 * @types: XSAN_TOK_* wanted (request) or granted (reply); 0 = none
 *
 * LOOKUP, GETATTR and OPEN requests may end with a u32 of the tokens the
 * client wants with the reply, and their replies with a u32 of those
 * granted. The word is absent when it is 0, so a message without tokens
 * is byte for byte what it was before tokens could ride along, and every
 * value has exactly one encoding.
 *
 * Context: any context.
 */
void xsan_put_tokbits(struct xsan_put *w, u32 types)
{
	if (types & ~XSAN_TOK_ALL) {
		xsan_put_err(w, -EINVAL);
		return;
	}
	if (types)
		xsan_put_u32(w, types);
}

/**
 * xsan_get_tokbits() - decode the optional trailing token word
 * @c: a cursor at the end of the message's other fields
 *
 * Context: any context.
 * Return: the XSAN_TOK_* bits, 0 if the word is absent; a present word
 * of 0 or with unknown bits makes the message malformed.
 */
u32 xsan_get_tokbits(struct xsan_cur *c)
{
	u32 types;

	if (c->err || !c->left)
		return 0;
	types = xsan_get_u32(c);
	if (!c->err && (!types || (types & ~XSAN_TOK_ALL))) {
		xsan_bad(c);
		return 0;
	}
	return types;
}

void xsan_put_fid(struct xsan_put *w, const struct xsan_fid *f)
{
	if (!f->ino) {
		xsan_put_err(w, -EINVAL);
		return;
	}
	xsan_put_u64(w, f->ino);
	xsan_put_u32(w, f->gen);
}

void xsan_get_fid(struct xsan_cur *c, struct xsan_fid *f)
{
	f->ino = xsan_get_u64(c);
	f->gen = xsan_get_u32(c);
	if (!f->ino && !c->err)
		xsan_bad(c);
}

void xsan_put_time(struct xsan_put *w, const struct xsan_time *t)
{
	if (t->nsec > 999999999u) {
		xsan_put_err(w, -EINVAL);
		return;
	}
	xsan_put_u64(w, (u64)t->sec);
	xsan_put_u32(w, t->nsec);
}

void xsan_get_time(struct xsan_cur *c, struct xsan_time *t)
{
	t->sec = (s64)xsan_get_u64(c);
	t->nsec = xsan_get_u32(c);
	if (t->nsec > 999999999u && !c->err)
		xsan_bad(c);
}

/* One of the seven file types, as S_IFMT bits. */
static bool xsan_ftype_ok(u32 type)
{
	return type == XSAN_S_IFREG || type == XSAN_S_IFDIR ||
	       type == XSAN_S_IFLNK || type == XSAN_S_IFCHR ||
	       type == XSAN_S_IFBLK || type == XSAN_S_IFIFO ||
	       type == XSAN_S_IFSOCK;
}

/* An attribute with no inode number or no valid file type is garbage; the
 * client would build an inode of it.
 */
static bool xsan_attr_ok(const struct xsan_attr *a)
{
	return a->ino && !(a->mode & ~(XSAN_S_IFMT | 07777u)) &&
	       !(a->flags & ~XSAN_AF_ALL) &&
	       xsan_ftype_ok(a->mode & XSAN_S_IFMT);
}

/**
 * xsan_put_umask() - append the optional trailing umask word
 * @w: the cursor
 * @umask: 0 (absent) or XSAN_UMASK_SET | the caller's umask
 *
 * CREATE, MKDIR, MKNOD and TMPFILE requests may end with it; absent, the
 * message is byte for byte what it was before ACLs.
 *
 * Context: any context.
 */
void xsan_put_umask(struct xsan_put *w, u32 umask)
{
	if (umask & ~(XSAN_UMASK_SET | XSAN_UMASK_BITS) ||
	    (umask && !(umask & XSAN_UMASK_SET))) {
		xsan_put_err(w, -EINVAL);
		return;
	}
	if (umask)
		xsan_put_u32(w, umask);
}

/**
 * xsan_get_umask() - decode the optional trailing umask word
 * @c: a cursor at the end of the message's other fields
 *
 * Context: any context.
 * Return: the word, 0 if absent; a word without XSAN_UMASK_SET or with
 * other bits makes the message malformed.
 */
u32 xsan_get_umask(struct xsan_cur *c)
{
	u32 umask;

	if (c->err || !c->left)
		return 0;
	umask = xsan_get_u32(c);
	if (!c->err && (!(umask & XSAN_UMASK_SET) ||
			(umask & ~(XSAN_UMASK_SET | XSAN_UMASK_BITS)))) {
		xsan_bad(c);
		return 0;
	}
	return umask;
}

void xsan_put_attr(struct xsan_put *w, const struct xsan_attr *a)
{
	if (!xsan_attr_ok(a)) {
		xsan_put_err(w, -EINVAL);
		return;
	}
	xsan_put_u64(w, a->ino);
	xsan_put_u32(w, a->gen);
	xsan_put_u32(w, a->mode | a->flags << XSAN_AF_SHIFT);
	xsan_put_u32(w, a->nlink);
	xsan_put_u32(w, a->uid);
	xsan_put_u32(w, a->gid);
	xsan_put_u32(w, a->rdev_major);
	xsan_put_u32(w, a->rdev_minor);
	xsan_put_u64(w, a->size);
	xsan_put_u64(w, a->blocks);
	xsan_put_time(w, &a->atime);
	xsan_put_time(w, &a->mtime);
	xsan_put_time(w, &a->ctime);
	xsan_put_u64(w, a->change);
}

void xsan_get_attr(struct xsan_cur *c, struct xsan_attr *a)
{
	a->ino = xsan_get_u64(c);
	a->gen = xsan_get_u32(c);
	a->mode = xsan_get_u32(c);
	a->flags = a->mode >> XSAN_AF_SHIFT;
	a->mode &= (1u << XSAN_AF_SHIFT) - 1;
	a->nlink = xsan_get_u32(c);
	a->uid = xsan_get_u32(c);
	a->gid = xsan_get_u32(c);
	a->rdev_major = xsan_get_u32(c);
	a->rdev_minor = xsan_get_u32(c);
	a->size = xsan_get_u64(c);
	a->blocks = xsan_get_u64(c);
	xsan_get_time(c, &a->atime);
	xsan_get_time(c, &a->mtime);
	xsan_get_time(c, &a->ctime);
	a->change = xsan_get_u64(c);
	if (!c->err && !xsan_attr_ok(a))
		xsan_bad(c);
}

void xsan_put_cred(struct xsan_put *w, const struct xsan_cred *cr)
{
	u32 i, n = cr->ngroups;

	if (n > XSAN_NGROUPS_MAX || (cr->caps & ~XSAN_CAP_ALL)) {
		xsan_put_err(w, -EINVAL);
		return;
	}
	xsan_put_u32(w, cr->uid);
	xsan_put_u32(w, cr->gid);
	xsan_put_u32(w, cr->caps);
	xsan_put_u32(w, n);
	for (i = 0; i < n; i++)
		xsan_put_u32(w, cr->groups[i]);
}

void xsan_get_cred(struct xsan_cur *c, struct xsan_cred *cr)
{
	u32 i;

	cr->uid = xsan_get_u32(c);
	cr->gid = xsan_get_u32(c);
	cr->caps = xsan_get_u32(c);
	cr->ngroups = xsan_get_u32(c);
	if (c->err || cr->ngroups > XSAN_NGROUPS_MAX ||
	    (cr->caps & ~XSAN_CAP_ALL)) {
		cr->ngroups = 0;
		xsan_bad(c);
		return;
	}
	for (i = 0; i < cr->ngroups; i++)
		cr->groups[i] = xsan_get_u32(c);
}

/* An xattr name: 1-255 bytes without NUL ('/' is allowed, unlike names). */
static bool xsan_xname_ok(const char *name, u32 len)
{
	return len >= 1 && len <= XSAN_XATTR_NAME_MAX &&
	       !memchr(name, '\0', len);
}

void xsan_put_xname(struct xsan_put *w, const char *name, u32 len)
{
	if (!xsan_xname_ok(name, len)) {
		xsan_put_err(w, -EINVAL);
		return;
	}
	xsan_put_u16(w, len & 0xffff);
	xsan_put_bytes(w, name, len);
}

const char *xsan_get_xname(struct xsan_cur *c, u32 *len)
{
	u32 n = xsan_get_u16(c);
	const char *s = xsan_get_bytes(c, n);

	*len = 0;
	if (!s || !xsan_xname_ok(s, n)) {
		xsan_bad(c);
		return NULL;
	}
	*len = n;
	return s;
}

/* Text: a u16 length then 0..@max bytes without NUL (hosts, addresses). */
void xsan_put_text(struct xsan_put *w, const char *s, u32 len, u32 max)
{
	if (len > max || (len && memchr(s, '\0', len))) {
		xsan_put_err(w, -EINVAL);
		return;
	}
	xsan_put_u16(w, len & 0xffff);
	xsan_put_bytes(w, s, len);
}

const char *xsan_get_text(struct xsan_cur *c, u32 max, u32 *len)
{
	u32 n = xsan_get_u16(c);
	const char *s;

	*len = 0;
	if (n > max) {
		xsan_bad(c);
		return NULL;
	}
	if (c->err)
		return NULL;
	if (!n)
		return "";
	s = xsan_get_bytes(c, n);
	if (!s || memchr(s, '\0', n)) {
		xsan_bad(c);
		return NULL;
	}
	*len = n;
	return s;
}

static const char *const xsan_op_names[] = {
	[XSAN_OP_AUTH] = "AUTH",
	[XSAN_OP_HELLO] = "HELLO",
	[XSAN_OP_HEARTBEAT] = "HEARTBEAT",
	[XSAN_OP_RECONNECT] = "RECONNECT",
	[XSAN_OP_GOODBYE] = "GOODBYE",
	[XSAN_OP_RECLAIM_DONE] = "RECLAIM_DONE",
	[XSAN_OP_LOOKUP] = "LOOKUP",
	[XSAN_OP_GETATTR] = "GETATTR",
	[XSAN_OP_SETATTR] = "SETATTR",
	[XSAN_OP_READDIR] = "READDIR",
	[XSAN_OP_CREATE] = "CREATE",
	[XSAN_OP_MKDIR] = "MKDIR",
	[XSAN_OP_MKNOD] = "MKNOD",
	[XSAN_OP_SYMLINK] = "SYMLINK",
	[XSAN_OP_READLINK] = "READLINK",
	[XSAN_OP_LINK] = "LINK",
	[XSAN_OP_UNLINK] = "UNLINK",
	[XSAN_OP_RMDIR] = "RMDIR",
	[XSAN_OP_RENAME] = "RENAME",
	[XSAN_OP_STATFS] = "STATFS",
	[XSAN_OP_GETXATTR] = "GETXATTR",
	[XSAN_OP_SETXATTR] = "SETXATTR",
	[XSAN_OP_LISTXATTR] = "LISTXATTR",
	[XSAN_OP_REMOVEXATTR] = "REMOVEXATTR",
	[XSAN_OP_OPEN] = "OPEN",
	[XSAN_OP_CLOSE] = "CLOSE",
	[XSAN_OP_TMPFILE] = "TMPFILE",
	[XSAN_OP_TOKEN_GET] = "TOKEN_GET",
	[XSAN_OP_TOKEN_PUT] = "TOKEN_PUT",
	[XSAN_OP_LAYOUT_GET] = "LAYOUT_GET",
	[XSAN_OP_LAYOUT_COMMIT] = "LAYOUT_COMMIT",
	[XSAN_OP_LOCK] = "LOCK",
	[XSAN_OP_UNLOCK] = "UNLOCK",
	[XSAN_OP_FALLOCATE] = "FALLOCATE",
	[XSAN_OP_DISK_TABLE] = "DISK_TABLE",
	[XSAN_OP_REVOKE] = "REVOKE",
	[XSAN_OP_LOCK_WAKE] = "LOCK_WAKE",
	[XSAN_OP_NS_LIST] = "NS_LIST",
	[XSAN_OP_NS_LOOKUP] = "NS_LOOKUP",
	[XSAN_OP_NS_HEARTBEAT] = "NS_HEARTBEAT",
	[XSAN_OP_ADMIN_WHO] = "ADMIN_WHO",
	[XSAN_OP_ADMIN_STAT] = "ADMIN_STAT",
	[XSAN_OP_ADMIN_SHOW] = "ADMIN_SHOW",
	[XSAN_OP_ADMIN_TOKENS] = "ADMIN_TOKENS",
};

/**
 * xsan_op_name() - printable name of an opcode
 * @op: the opcode
 *
 * Context: any context.
 * Return: "LOOKUP" etc., or "?" for a number no message has.
 */
const char *xsan_op_name(u16 op)
{
	if (op < ARRAY_SIZE(xsan_op_names) && xsan_op_names[op])
		return xsan_op_names[op];
	return "?";
}

/**
 * xsan_op_is_ns() - is @op a namespace request (carries a cred)?
 * @op: the opcode
 *
 * Context: any context.
 * Return: true for LOOKUP .. REMOVEXATTR.
 */
bool xsan_op_is_ns(u16 op)
{
	return op >= XSAN_OP_LOOKUP && op <= XSAN_OP_REMOVEXATTR;
}

/**
 * xsan_op_known() - does this version define requests with opcode @op?
 * @op: the opcode
 *
 * OPEN, CLOSE, LAYOUT_* and FALLOCATE are coded in msg_layout.c, tokens
 * and locks in msg_token.c, DISK_TABLE's reply in msg_disk.c; the REVOKE
 * and LOCK_WAKE callbacks are no requests (xsan_cb_decode()).
 *
 * Context: any context.
 * Return: true if xsan_req_decode() and xsan_rep_encode() handle @op.
 */
bool xsan_op_known(u16 op)
{
	switch (op) {
	case XSAN_OP_AUTH:
	case XSAN_OP_HELLO:
	case XSAN_OP_HEARTBEAT:
	case XSAN_OP_RECONNECT:
	case XSAN_OP_GOODBYE:
	case XSAN_OP_RECLAIM_DONE:
	case XSAN_OP_NS_LIST:
	case XSAN_OP_NS_LOOKUP:
	case XSAN_OP_NS_HEARTBEAT:
	case XSAN_OP_ADMIN_WHO:
	case XSAN_OP_ADMIN_STAT:
	case XSAN_OP_ADMIN_SHOW:
	case XSAN_OP_ADMIN_TOKENS:
		return true;
	default:
		return xsan_op_is_ns(op) || xsan_op_is_token(op) ||
		       xsan_op_is_layout(op) || xsan_op_is_disk(op);
	}
}

/* Is @mode (type and permission bits) one @op may create? */
static bool xsan_mode_ok(u16 op, u32 mode)
{
	u32 type = mode & XSAN_S_IFMT;

	if (mode & ~(XSAN_S_IFMT | 07777u))
		return false;
	switch (op) {
	case XSAN_OP_CREATE:
		return type == XSAN_S_IFREG;
	case XSAN_OP_MKDIR:
		return type == XSAN_S_IFDIR;
	default:	/* MKNOD: symlinks and directories have their own ops */
		return xsan_ftype_ok(type) && type != XSAN_S_IFDIR &&
		       type != XSAN_S_IFLNK;
	}
}

/* Two flag bits of which at most one may be set, and nothing else. */
static bool xsan_flags_ok(u32 flags, u32 a, u32 b)
{
	return !(flags & ~(a | b)) && (flags & (a | b)) != (a | b);
}

/* HELLO: a version range that is not upside down, no flags (none defined). */
static bool xsan_hello_ok(const struct xsan_req *r)
{
	return r->ver_min && r->ver_min <= r->ver_max && !r->flags;
}

/* SETATTR: known bits only; the type of an inode never changes. */
static bool xsan_sattr_ok(const struct xsan_sattr *sa)
{
	return !(sa->valid & ~XSAN_SA_ALL) && !(sa->mode & ~07777u) &&
	       !(sa->iflags & ~XSAN_AF_IFLAGS) &&
	       ((sa->valid & XSAN_SA_IFLAGS) || !sa->iflags);
}

/* A symlink target: 1 to 4095 bytes without NUL, as the VFS hands it over. */
static bool xsan_target_ok(const void *p, u32 len)
{
	return len && len <= XSAN_SYMLINK_MAX && !memchr(p, '\0', len);
}

/**
 * xsan_req_encode() - append the payload of request @r->op to @w
 * @w: the encoding cursor (payload only; the caller seals the frame)
 * @r: the request
 *
 * Context: any context.
 * Return: 0, -EINVAL for an invalid field (name, cred, unknown op), or
 * -EMSGSIZE if it does not fit.
 */
int xsan_req_encode(struct xsan_put *w, const struct xsan_req *r)
{
	if (xsan_op_is_token(r->op))
		return xsan_token_req_encode(w, r);
	if (xsan_op_is_layout(r->op))
		return xsan_layout_req_encode(w, r);
	if (xsan_op_is_ns(r->op))
		xsan_put_cred(w, &r->cred);

	switch (r->op) {
	case XSAN_OP_HELLO:
		if (!xsan_hello_ok(r)) {
			xsan_put_err(w, -EINVAL);
			break;
		}
		xsan_put_u16(w, r->ver_min);
		xsan_put_u16(w, r->ver_max);
		xsan_put_u32(w, r->flags);
		xsan_put_bytes(w, r->uuid, XSAN_UUID_SIZE);
		xsan_put_bytes(w, r->nonce, XSAN_NONCE_SIZE);
		xsan_put_name(w, r->name, r->namelen);
		xsan_put_text(w, r->name2, r->name2len, XSAN_HOST_MAX);
		break;
	case XSAN_OP_AUTH:
		xsan_put_bytes(w, r->proof, XSAN_PROOF_SIZE);
		break;
	case XSAN_OP_RECONNECT:
		if (!r->session)
			xsan_put_err(w, -EINVAL);
		xsan_put_u64(w, r->session);
		break;
	case XSAN_OP_HEARTBEAT:
	case XSAN_OP_GOODBYE:
	case XSAN_OP_RECLAIM_DONE:
	case XSAN_OP_NS_LIST:
	case XSAN_OP_NS_HEARTBEAT:
	case XSAN_OP_ADMIN_WHO:
	case XSAN_OP_ADMIN_STAT:
	case XSAN_OP_ADMIN_SHOW:
	case XSAN_OP_ADMIN_TOKENS:
	case XSAN_OP_DISK_TABLE:
		break;
	case XSAN_OP_NS_LOOKUP:
		xsan_put_name(w, r->name, r->namelen);
		break;
	case XSAN_OP_STATFS:
		break;
	case XSAN_OP_GETATTR:
		xsan_put_fid(w, &r->fid);
		xsan_put_tokbits(w, r->tok.types);
		break;
	case XSAN_OP_READLINK:
		xsan_put_fid(w, &r->fid);
		break;
	case XSAN_OP_LOOKUP:
		xsan_put_fid(w, &r->fid);
		xsan_put_name(w, r->name, r->namelen);
		xsan_put_tokbits(w, r->tok.types);
		break;
	case XSAN_OP_UNLINK:
	case XSAN_OP_RMDIR:
		xsan_put_fid(w, &r->fid);
		xsan_put_name(w, r->name, r->namelen);
		break;
	case XSAN_OP_SETATTR:
		if (!xsan_sattr_ok(&r->sattr)) {
			xsan_put_err(w, -EINVAL);
			break;
		}
		xsan_put_fid(w, &r->fid);
		xsan_put_u32(w, r->sattr.valid);
		xsan_put_u32(w, r->sattr.mode);
		xsan_put_u32(w, r->sattr.uid);
		xsan_put_u32(w, r->sattr.gid);
		xsan_put_u64(w, r->sattr.size);
		xsan_put_time(w, &r->sattr.atime);
		xsan_put_time(w, &r->sattr.mtime);
		/* only with XSAN_SA_IFLAGS: the inode flags */
		if (r->sattr.valid & XSAN_SA_IFLAGS)
			xsan_put_u32(w, r->sattr.iflags);
		break;
	case XSAN_OP_READDIR:
		xsan_put_fid(w, &r->fid);
		xsan_put_u64(w, r->cookie);
		xsan_put_u32(w, r->size);
		break;
	case XSAN_OP_CREATE:
	case XSAN_OP_MKDIR:
	case XSAN_OP_MKNOD:
		if (!xsan_mode_ok(r->op, r->mode)) {
			xsan_put_err(w, -EINVAL);
			break;
		}
		xsan_put_fid(w, &r->fid);
		xsan_put_u32(w, r->mode);
		xsan_put_u32(w, r->rdev_major);
		xsan_put_u32(w, r->rdev_minor);
		xsan_put_name(w, r->name, r->namelen);
		xsan_put_umask(w, r->umask);
		break;
	case XSAN_OP_SYMLINK:
		xsan_put_fid(w, &r->fid);
		xsan_put_name(w, r->name, r->namelen);
		if (!xsan_target_ok(r->data, r->datalen)) {
			xsan_put_err(w, -EINVAL);
			break;
		}
		xsan_put_blob(w, r->data, r->datalen);
		break;
	case XSAN_OP_LINK:
		xsan_put_fid(w, &r->fid);
		xsan_put_fid(w, &r->fid2);
		xsan_put_name(w, r->name, r->namelen);
		break;
	case XSAN_OP_RENAME:
		if (!xsan_flags_ok(r->flags, XSAN_RENAME_NOREPLACE,
				   XSAN_RENAME_EXCHANGE)) {
			xsan_put_err(w, -EINVAL);
			break;
		}
		xsan_put_fid(w, &r->fid);
		xsan_put_fid(w, &r->fid2);
		xsan_put_u32(w, r->flags);
		xsan_put_name(w, r->name, r->namelen);
		xsan_put_name(w, r->name2, r->name2len);
		break;
	case XSAN_OP_GETXATTR:
		xsan_put_fid(w, &r->fid);
		xsan_put_u32(w, r->size);
		xsan_put_xname(w, r->name, r->namelen);
		break;
	case XSAN_OP_SETXATTR:
		if (!xsan_flags_ok(r->flags, XSAN_XATTR_CREATE,
				   XSAN_XATTR_REPLACE)) {
			xsan_put_err(w, -EINVAL);
			break;
		}
		xsan_put_fid(w, &r->fid);
		xsan_put_u32(w, r->flags);
		xsan_put_xname(w, r->name, r->namelen);
		if (r->datalen > XSAN_XATTR_SIZE_MAX) {
			xsan_put_err(w, -EINVAL);
			break;
		}
		xsan_put_blob(w, r->data, r->datalen);
		break;
	case XSAN_OP_LISTXATTR:
		xsan_put_fid(w, &r->fid);
		xsan_put_u32(w, r->size);
		break;
	case XSAN_OP_REMOVEXATTR:
		xsan_put_fid(w, &r->fid);
		xsan_put_xname(w, r->name, r->namelen);
		break;
	default:
		xsan_put_err(w, -EINVAL);
		break;
	}
	return w->err;
}

/**
 * xsan_req_decode() - decode the payload of a request
 * @op: the frame's opcode
 * @buf: the payload
 * @len: its length
 * @r: filled in; pointers point into @buf
 *
 * Checks every field's range, not only its length: a name with '/', a
 * symlink target with NUL, unknown flag bits, a file type the opcode
 * cannot make, a version range that is upside down.
 *
 * Context: any context.
 * Return: 0, -EOPNOTSUPP for an opcode xsan_op_known() does not know, or
 * -EBADMSG.
 */
int xsan_req_decode(u16 op, const void *buf, u32 len, struct xsan_req *r)
{
	struct xsan_cur c;

	memset(r, 0, sizeof(*r));
	r->op = op;
	if (!xsan_op_known(op))
		return -EOPNOTSUPP;
	xsan_cur_init(&c, buf, len);
	if (xsan_op_is_token(op)) {
		xsan_token_req_decode(&c, r);
		return xsan_cur_end(&c);
	}
	if (xsan_op_is_layout(op)) {
		xsan_layout_req_decode(&c, r);
		return xsan_cur_end(&c);
	}
	if (xsan_op_is_ns(op))
		xsan_get_cred(&c, &r->cred);

	switch (op) {
	case XSAN_OP_HELLO:
		r->ver_min = xsan_get_u16(&c);
		r->ver_max = xsan_get_u16(&c);
		r->flags = xsan_get_u32(&c);
		xsan_get_fixed(&c, r->uuid, XSAN_UUID_SIZE);
		xsan_get_fixed(&c, r->nonce, XSAN_NONCE_SIZE);
		r->name = xsan_get_name(&c, &r->namelen);
		r->name2 = xsan_get_text(&c, XSAN_HOST_MAX, &r->name2len);
		if (!c.err && !xsan_hello_ok(r))
			xsan_bad(&c);
		break;
	case XSAN_OP_AUTH:
		xsan_get_fixed(&c, r->proof, XSAN_PROOF_SIZE);
		break;
	case XSAN_OP_RECONNECT:
		r->session = xsan_get_u64(&c);
		if (!c.err && !r->session)
			xsan_bad(&c);
		break;
	case XSAN_OP_NS_LOOKUP:
		r->name = xsan_get_name(&c, &r->namelen);
		break;
	case XSAN_OP_GETATTR:
		xsan_get_fid(&c, &r->fid);
		r->tok.types = xsan_get_tokbits(&c);
		break;
	case XSAN_OP_READLINK:
		xsan_get_fid(&c, &r->fid);
		break;
	case XSAN_OP_LOOKUP:
		xsan_get_fid(&c, &r->fid);
		r->name = xsan_get_name(&c, &r->namelen);
		r->tok.types = xsan_get_tokbits(&c);
		break;
	case XSAN_OP_UNLINK:
	case XSAN_OP_RMDIR:
		xsan_get_fid(&c, &r->fid);
		r->name = xsan_get_name(&c, &r->namelen);
		break;
	case XSAN_OP_SETATTR:
		xsan_get_fid(&c, &r->fid);
		r->sattr.valid = xsan_get_u32(&c);
		r->sattr.mode = xsan_get_u32(&c);
		r->sattr.uid = xsan_get_u32(&c);
		r->sattr.gid = xsan_get_u32(&c);
		r->sattr.size = xsan_get_u64(&c);
		xsan_get_time(&c, &r->sattr.atime);
		xsan_get_time(&c, &r->sattr.mtime);
		if (!c.err && (r->sattr.valid & XSAN_SA_IFLAGS))
			r->sattr.iflags = xsan_get_u32(&c);
		if (!c.err && !xsan_sattr_ok(&r->sattr))
			xsan_bad(&c);
		break;
	case XSAN_OP_READDIR:
		xsan_get_fid(&c, &r->fid);
		r->cookie = xsan_get_u64(&c);
		r->size = xsan_get_u32(&c);
		break;
	case XSAN_OP_CREATE:
	case XSAN_OP_MKDIR:
	case XSAN_OP_MKNOD:
		xsan_get_fid(&c, &r->fid);
		r->mode = xsan_get_u32(&c);
		r->rdev_major = xsan_get_u32(&c);
		r->rdev_minor = xsan_get_u32(&c);
		r->name = xsan_get_name(&c, &r->namelen);
		r->umask = xsan_get_umask(&c);
		if (!c.err && !xsan_mode_ok(op, r->mode))
			xsan_bad(&c);
		break;
	case XSAN_OP_SYMLINK:
		xsan_get_fid(&c, &r->fid);
		r->name = xsan_get_name(&c, &r->namelen);
		r->data = xsan_get_blob(&c, XSAN_SYMLINK_MAX, &r->datalen);
		if (!c.err && !xsan_target_ok(r->data, r->datalen))
			xsan_bad(&c);
		break;
	case XSAN_OP_LINK:
		xsan_get_fid(&c, &r->fid);
		xsan_get_fid(&c, &r->fid2);
		r->name = xsan_get_name(&c, &r->namelen);
		break;
	case XSAN_OP_RENAME:
		xsan_get_fid(&c, &r->fid);
		xsan_get_fid(&c, &r->fid2);
		r->flags = xsan_get_u32(&c);
		r->name = xsan_get_name(&c, &r->namelen);
		r->name2 = xsan_get_name(&c, &r->name2len);
		if (!c.err && !xsan_flags_ok(r->flags, XSAN_RENAME_NOREPLACE,
					     XSAN_RENAME_EXCHANGE))
			xsan_bad(&c);
		break;
	case XSAN_OP_GETXATTR:
		xsan_get_fid(&c, &r->fid);
		r->size = xsan_get_u32(&c);
		r->name = xsan_get_xname(&c, &r->namelen);
		break;
	case XSAN_OP_SETXATTR:
		xsan_get_fid(&c, &r->fid);
		r->flags = xsan_get_u32(&c);
		r->name = xsan_get_xname(&c, &r->namelen);
		r->data = xsan_get_blob(&c, XSAN_XATTR_SIZE_MAX, &r->datalen);
		if (!c.err && !xsan_flags_ok(r->flags, XSAN_XATTR_CREATE,
					     XSAN_XATTR_REPLACE))
			xsan_bad(&c);
		break;
	case XSAN_OP_LISTXATTR:
		xsan_get_fid(&c, &r->fid);
		r->size = xsan_get_u32(&c);
		break;
	case XSAN_OP_REMOVEXATTR:
		xsan_get_fid(&c, &r->fid);
		r->name = xsan_get_xname(&c, &r->namelen);
		break;
	default:	/* no payload: HEARTBEAT, GOODBYE, RECLAIM_DONE, STATFS,
			 * NS_*, ADMIN_*, DISK_TABLE
			 */
		break;
	}
	return xsan_cur_end(&c);
}

/* GETXATTR, LISTXATTR: the value is either absent (a size query) or all of
 * it; a list of names ends with the NUL of its last name.
 */
static bool xsan_xvalue_ok(u16 op, const struct xsan_rep *r)
{
	if (r->size > XSAN_XATTR_SIZE_MAX ||
	    (r->datalen && r->datalen != r->size))
		return false;
	return op != XSAN_OP_LISTXATTR || !r->datalen ||
	       !((const u8 *)r->data)[r->datalen - 1];
}

static bool xsan_statfs_ok(const struct xsan_statfs *st)
{
	return st->bfree <= st->blocks && st->bavail <= st->bfree &&
	       st->ffree <= st->files && st->bsize;
}

/* Rules of the fixed fields of a status-0 reply (lists are checked apart). */
static bool xsan_rep_ok(u16 op, const struct xsan_rep *r)
{
	struct xsan_admin_stat stat;

	switch (op) {
	case XSAN_OP_HELLO:
		return r->version;
	case XSAN_OP_AUTH:
		return r->session && r->lease_ms;
	case XSAN_OP_RECONNECT:
		return r->session && r->lease_ms &&
		       !(r->flags & ~XSAN_RECON_ALL);
	case XSAN_OP_NS_LOOKUP:
		return r->port;
	case XSAN_OP_READLINK:
		return xsan_target_ok(r->data, r->datalen);
	case XSAN_OP_GETXATTR:
	case XSAN_OP_LISTXATTR:
		return xsan_xvalue_ok(op, r);
	case XSAN_OP_STATFS:
		return xsan_statfs_ok(&r->st);
	case XSAN_OP_READDIR:
		return r->eof <= 1;
	case XSAN_OP_ADMIN_TOKENS:
		return !(r->flags & ~XSAN_ADMTOK_MORE);
	case XSAN_OP_ADMIN_STAT:
		/* so that a reply that decodes is valid all through */
		return !xsan_stat_decode(r->data, r->datalen, &stat);
	default:
		return true;
	}
}

/* How many attributes the reply to @op carries, or -1 if it varies. */
static int xsan_rep_nattr(u16 op)
{
	switch (op) {
	case XSAN_OP_LOOKUP:
	case XSAN_OP_GETATTR:
	case XSAN_OP_SETATTR:
	case XSAN_OP_SETXATTR:
	case XSAN_OP_REMOVEXATTR:
		return 1;
	case XSAN_OP_CREATE:
	case XSAN_OP_MKDIR:
	case XSAN_OP_MKNOD:
	case XSAN_OP_SYMLINK:
	case XSAN_OP_LINK:
	case XSAN_OP_UNLINK:
	case XSAN_OP_RMDIR:
		return 2;
	case XSAN_OP_RENAME:
		return -1;	/* 3, or 4 when an inode was replaced */
	default:
		return 0;
	}
}

/* Walk @count entries of a list reply with @next; all must decode. */
static void xsan_check_list(struct xsan_cur *c, u16 op, u32 count)
{
	union {
		struct xsan_dirent d;
		struct xsan_ns_vol v;
		struct xsan_who w;
		struct xsan_show_sg sg;
		struct xsan_show_lun lun;
		struct xsan_tok_entry te;
	} u;
	u32 i, luns = 0;

	for (i = 0; i < count && !c->err; i++) {
		switch (op) {
		case XSAN_OP_READDIR:
			xsan_dirent_next(c, &u.d);
			break;
		case XSAN_OP_NS_LIST:
			xsan_ns_vol_next(c, &u.v);
			break;
		case XSAN_OP_ADMIN_WHO:
			xsan_who_next(c, &u.w);
			break;
		case XSAN_OP_ADMIN_TOKENS:
			xsan_tok_entry_next(c, &u.te);
			break;
		default:	/* ADMIN_SHOW: groups, each with its LUNs */
			if (xsan_show_sg_next(c, &u.sg))
				break;
			for (luns = u.sg.nluns; luns && !c->err; luns--)
				xsan_show_lun_next(c, &u.lun);
			break;
		}
	}
}

/**
 * xsan_rep_encode() - append the payload of a status-0 reply to @w
 * @w: the encoding cursor
 * @r: the reply; @r->op is the request's opcode
 *
 * List replies (READDIR, NS_LIST, ADMIN_*) carry entries the caller
 * already encoded with xsan_put_dirent() and friends into @r->data.
 *
 * Context: any context.
 * Return: 0, -EINVAL, or -EMSGSIZE.
 */
int xsan_rep_encode(struct xsan_put *w, const struct xsan_rep *r)
{
	int want = xsan_rep_nattr(r->op);
	struct xsan_cur c;
	u32 i;

	if (xsan_op_is_token(r->op))
		return xsan_token_rep_encode(w, r);
	if (xsan_op_is_layout(r->op))
		return xsan_layout_rep_encode(w, r);
	if (xsan_op_is_disk(r->op))
		return xsan_disk_rep_encode(w, r);
	if (!xsan_op_known(r->op) || !xsan_rep_ok(r->op, r) ||
	    (want < 0 ? r->nattr < 3 || r->nattr > 4 : r->nattr != (u32)want)) {
		xsan_put_err(w, -EINVAL);
		return w->err;
	}
	if (xsan_op_is_ns(r->op)) {
		xsan_put_u32(w, r->nattr);
		for (i = 0; i < r->nattr; i++)
			xsan_put_attr(w, &r->attr[i]);
	}

	switch (r->op) {
	case XSAN_OP_HELLO:
		xsan_put_u16(w, r->version);
		xsan_put_bytes(w, r->nonce, XSAN_NONCE_SIZE);
		xsan_put_bytes(w, r->proof, XSAN_PROOF_SIZE);
		break;
	case XSAN_OP_AUTH:
		xsan_put_u64(w, r->session);
		xsan_put_u32(w, r->lease_ms);
		xsan_put_u32(w, r->grace_ms);
		xsan_put_bytes(w, r->uuid, XSAN_UUID_SIZE);
		break;
	case XSAN_OP_RECONNECT:
		xsan_put_u64(w, r->session);
		xsan_put_u32(w, r->lease_ms);
		xsan_put_u32(w, r->grace_ms);
		xsan_put_u32(w, r->flags);
		break;
	case XSAN_OP_HEARTBEAT:
		xsan_put_u32(w, r->lease_ms);
		break;
	case XSAN_OP_NS_LOOKUP:
		xsan_put_u16(w, r->port);
		xsan_put_bytes(w, r->uuid, XSAN_UUID_SIZE);
		xsan_put_text(w, r->host, r->hostlen, XSAN_HOST_MAX);
		break;
	case XSAN_OP_NS_HEARTBEAT:
		xsan_put_u32(w, r->count);
		break;
	case XSAN_OP_READLINK:
		xsan_put_blob(w, r->data, r->datalen);
		break;
	case XSAN_OP_GETXATTR:
	case XSAN_OP_LISTXATTR:
		xsan_put_u32(w, r->size);
		xsan_put_blob(w, r->data, r->datalen);
		break;
	case XSAN_OP_STATFS:
		xsan_put_u64(w, r->st.blocks);
		xsan_put_u64(w, r->st.bfree);
		xsan_put_u64(w, r->st.bavail);
		xsan_put_u64(w, r->st.files);
		xsan_put_u64(w, r->st.ffree);
		xsan_put_u32(w, r->st.bsize);
		xsan_put_u32(w, r->st.namemax);
		break;
	case XSAN_OP_READDIR:
		xsan_put_u8(w, r->eof);
		fallthrough;
	case XSAN_OP_NS_LIST:
	case XSAN_OP_ADMIN_WHO:
	case XSAN_OP_ADMIN_SHOW:
	case XSAN_OP_ADMIN_TOKENS:
		if (r->op == XSAN_OP_ADMIN_TOKENS)
			xsan_put_u32(w, r->flags);
		/* @count must describe @data exactly, as the decoder checks */
		xsan_cur_init(&c, r->data, r->datalen);
		xsan_check_list(&c, r->op, r->count);
		if (xsan_cur_end(&c)) {
			xsan_put_err(w, -EINVAL);
			break;
		}
		xsan_put_u32(w, r->count);
		xsan_put_bytes(w, r->data, r->datalen);
		break;
	case XSAN_OP_ADMIN_STAT:
		xsan_put_bytes(w, r->data, r->datalen);
		break;
	case XSAN_OP_LOOKUP:
	case XSAN_OP_GETATTR:
		xsan_put_tokbits(w, r->tok.granted);
		break;
	default:	/* GOODBYE, RECLAIM_DONE, namespace replies of attributes only */
		break;
	}
	return w->err;
}

/**
 * xsan_rep_decode() - decode the payload of a status-0 reply
 * @op: the opcode of the request it answers
 * @buf: the payload
 * @len: its length
 * @r: filled in; pointers point into @buf
 *
 * Entry lists are walked completely here, so a caller that iterates
 * @r->data afterwards with the matching xsan_*_next() meets no error.
 *
 * Context: any context.
 * Return: 0, -EOPNOTSUPP for an opcode without replies, or -EBADMSG.
 */
int xsan_rep_decode(u16 op, const void *buf, u32 len, struct xsan_rep *r)
{
	int want = xsan_rep_nattr(op);
	struct xsan_cur c;
	const u8 *start;
	u32 i;

	memset(r, 0, sizeof(*r));
	r->op = op;
	if (!xsan_op_known(op))
		return -EOPNOTSUPP;
	xsan_cur_init(&c, buf, len);
	if (xsan_op_is_token(op))
		return xsan_token_rep_decode(&c, r);
	if (xsan_op_is_layout(op)) {
		xsan_layout_rep_decode(&c, r);
	} else if (xsan_op_is_disk(op)) {
		xsan_disk_rep_decode(&c, r);
	} else if (xsan_op_is_ns(op)) {
		r->nattr = xsan_get_u32(&c);
		if (want < 0 ? r->nattr < 3 || r->nattr > 4 :
			       r->nattr != (u32)want) {
			r->nattr = 0;
			xsan_bad(&c);
		}
		for (i = 0; i < r->nattr; i++)
			xsan_get_attr(&c, &r->attr[i]);
	}

	switch (op) {
	case XSAN_OP_HELLO:
		r->version = xsan_get_u16(&c);
		xsan_get_fixed(&c, r->nonce, XSAN_NONCE_SIZE);
		xsan_get_fixed(&c, r->proof, XSAN_PROOF_SIZE);
		break;
	case XSAN_OP_AUTH:
		r->session = xsan_get_u64(&c);
		r->lease_ms = xsan_get_u32(&c);
		r->grace_ms = xsan_get_u32(&c);
		xsan_get_fixed(&c, r->uuid, XSAN_UUID_SIZE);
		break;
	case XSAN_OP_RECONNECT:
		r->session = xsan_get_u64(&c);
		r->lease_ms = xsan_get_u32(&c);
		r->grace_ms = xsan_get_u32(&c);
		r->flags = xsan_get_u32(&c);
		break;
	case XSAN_OP_HEARTBEAT:
		r->lease_ms = xsan_get_u32(&c);
		break;
	case XSAN_OP_NS_LOOKUP:
		r->port = xsan_get_u16(&c);
		xsan_get_fixed(&c, r->uuid, XSAN_UUID_SIZE);
		r->host = xsan_get_text(&c, XSAN_HOST_MAX, &r->hostlen);
		break;
	case XSAN_OP_NS_HEARTBEAT:
		r->count = xsan_get_u32(&c);
		break;
	case XSAN_OP_READLINK:
		r->data = xsan_get_blob(&c, XSAN_SYMLINK_MAX, &r->datalen);
		break;
	case XSAN_OP_GETXATTR:
	case XSAN_OP_LISTXATTR:
		r->size = xsan_get_u32(&c);
		r->data = xsan_get_blob(&c, XSAN_XATTR_SIZE_MAX, &r->datalen);
		break;
	case XSAN_OP_STATFS:
		r->st.blocks = xsan_get_u64(&c);
		r->st.bfree = xsan_get_u64(&c);
		r->st.bavail = xsan_get_u64(&c);
		r->st.files = xsan_get_u64(&c);
		r->st.ffree = xsan_get_u64(&c);
		r->st.bsize = xsan_get_u32(&c);
		r->st.namemax = xsan_get_u32(&c);
		break;
	case XSAN_OP_READDIR:
		r->eof = xsan_get_u8(&c);
		if (r->eof > 1)
			xsan_bad(&c);
		fallthrough;
	case XSAN_OP_NS_LIST:
	case XSAN_OP_ADMIN_WHO:
	case XSAN_OP_ADMIN_SHOW:
	case XSAN_OP_ADMIN_TOKENS:
		if (op == XSAN_OP_ADMIN_TOKENS)
			r->flags = xsan_get_u32(&c);
		r->count = xsan_get_u32(&c);
		start = c.p;
		xsan_check_list(&c, op, r->count);
		if (!c.err) {
			r->data = start;
			r->datalen = (u32)(c.p - start);
		}
		break;
	case XSAN_OP_ADMIN_STAT:
		r->data = c.p;
		r->datalen = c.left;
		c.p += c.left;
		c.left = 0;
		break;
	case XSAN_OP_LOOKUP:
	case XSAN_OP_GETATTR:
		r->tok.granted = xsan_get_tokbits(&c);
		break;
	default:
		break;
	}
	if (!c.err && !xsan_rep_ok(op, r))
		xsan_bad(&c);
	if (c.err || c.left) {
		memset(r, 0, sizeof(*r));
		r->op = op;
		return -EBADMSG;
	}
	return 0;
}

static bool xsan_dtype_ok(u8 t)
{
	return t == XSAN_DT_FIFO || t == XSAN_DT_CHR || t == XSAN_DT_DIR ||
	       t == XSAN_DT_BLK || t == XSAN_DT_REG || t == XSAN_DT_LNK ||
	       t == XSAN_DT_SOCK;
}

/* The VFS makes "." and ".." itself; an entry of that name from the MDC
 * would shadow them. Cookie 0 means "from the start", so no entry has it.
 */
static bool xsan_dirent_ok(const struct xsan_dirent *d)
{
	return d->ino && d->cookie && xsan_dtype_ok(d->type) &&
	       xsan_name_ok(d->name, d->namelen) &&
	       !(d->name[0] == '.' && (d->namelen == 1 ||
				       (d->namelen == 2 && d->name[1] == '.')));
}

/**
 * xsan_put_dirent() - append one READDIR entry
 * @w: the cursor
 * @d: the entry
 *
 * Layout: u64 ino, u64 cookie, u8 type, name.
 *
 * Context: any context.
 */
void xsan_put_dirent(struct xsan_put *w, const struct xsan_dirent *d)
{
	if (!xsan_dirent_ok(d)) {
		xsan_put_err(w, -EINVAL);
		return;
	}
	xsan_put_u64(w, d->ino);
	xsan_put_u64(w, d->cookie);
	xsan_put_u8(w, d->type);
	xsan_put_name(w, d->name, d->namelen);
}

/**
 * xsan_dirent_next() - decode the next READDIR entry
 * @c: a cursor over the reply's entries
 * @d: filled in
 *
 * A name "." or "..", inode 0, cookie 0 or an unknown type is malformed.
 *
 * Context: any context.
 * Return: 0 or -EBADMSG.
 */
int xsan_dirent_next(struct xsan_cur *c, struct xsan_dirent *d)
{
	d->ino = xsan_get_u64(c);
	d->cookie = xsan_get_u64(c);
	d->type = xsan_get_u8(c);
	d->name = xsan_get_name(c, &d->namelen);
	if (!c->err && !xsan_dirent_ok(d))
		xsan_bad(c);
	return c->err;
}

void xsan_put_ns_vol(struct xsan_put *w, const struct xsan_ns_vol *v)
{
	if (!v->port) {
		xsan_put_err(w, -EINVAL);
		return;
	}
	xsan_put_u16(w, v->port);
	xsan_put_bytes(w, v->uuid, XSAN_UUID_SIZE);
	xsan_put_name(w, v->name, v->namelen);
}

int xsan_ns_vol_next(struct xsan_cur *c, struct xsan_ns_vol *v)
{
	v->port = xsan_get_u16(c);
	xsan_get_fixed(c, v->uuid, XSAN_UUID_SIZE);
	v->name = xsan_get_name(c, &v->namelen);
	if (!c->err && !v->port)
		xsan_bad(c);
	return c->err;
}

void xsan_put_who(struct xsan_put *w, const struct xsan_who *v)
{
	xsan_put_u64(w, v->session);
	xsan_put_u32(w, v->lease_age_ms);
	xsan_put_bytes(w, v->uuid, XSAN_UUID_SIZE);
	xsan_put_text(w, v->host, v->hostlen, XSAN_HOST_MAX);
	xsan_put_text(w, v->addr, v->addrlen, XSAN_HOST_MAX);
}

int xsan_who_next(struct xsan_cur *c, struct xsan_who *v)
{
	v->session = xsan_get_u64(c);
	v->lease_age_ms = xsan_get_u32(c);
	xsan_get_fixed(c, v->uuid, XSAN_UUID_SIZE);
	v->host = xsan_get_text(c, XSAN_HOST_MAX, &v->hostlen);
	v->addr = xsan_get_text(c, XSAN_HOST_MAX, &v->addrlen);
	return c->err;
}

void xsan_put_show_sg(struct xsan_put *w, const struct xsan_show_sg *v)
{
	if (v->bfree > v->blocks) {
		xsan_put_err(w, -EINVAL);
		return;
	}
	xsan_put_u32(w, v->index);
	xsan_put_u32(w, v->flags);
	xsan_put_u64(w, v->breadth);
	xsan_put_u64(w, v->blocks);
	xsan_put_u64(w, v->bfree);
	xsan_put_u32(w, v->nluns);
	xsan_put_text(w, v->name, v->namelen, XSAN_HOST_MAX);
}

int xsan_show_sg_next(struct xsan_cur *c, struct xsan_show_sg *v)
{
	v->index = xsan_get_u32(c);
	v->flags = xsan_get_u32(c);
	v->breadth = xsan_get_u64(c);
	v->blocks = xsan_get_u64(c);
	v->bfree = xsan_get_u64(c);
	v->nluns = xsan_get_u32(c);
	v->name = xsan_get_text(c, XSAN_HOST_MAX, &v->namelen);
	/* Each LUN entry is at least 14 bytes: bound nluns by what is left. */
	if (!c->err && (v->bfree > v->blocks || v->nluns > c->left / 14))
		xsan_bad(c);
	return c->err;
}

void xsan_put_show_lun(struct xsan_put *w, const struct xsan_show_lun *v)
{
	xsan_put_u64(w, v->sectors);
	xsan_put_u32(w, v->sector_size);
	xsan_put_text(w, v->label, v->labellen, XSAN_HOST_MAX);
}

int xsan_show_lun_next(struct xsan_cur *c, struct xsan_show_lun *v)
{
	v->sectors = xsan_get_u64(c);
	v->sector_size = xsan_get_u32(c);
	v->label = xsan_get_text(c, XSAN_HOST_MAX, &v->labellen);
	return c->err;
}

/* The rules of an ADMIN_TOKENS entry (protocol.rst, "Token entry"). */
static bool xsan_tok_entry_ok(const struct xsan_tok_entry *e)
{
	if (!e->ino || !e->session || (e->types & ~XSAN_TOK_ALL) ||
	    (e->revoking & ~e->types))
		return false;
	switch (e->kind) {
	case XSAN_TE_HOLD:
		return e->types && !e->op && (e->revoking || !e->revoke_age_ms);
	case XSAN_TE_WAIT:
		return e->types && !e->op && !e->revoking && !e->revoke_age_ms;
	case XSAN_TE_NS:
		return (xsan_op_is_ns(e->op) || xsan_op_is_layout(e->op)) &&
		       !e->revoking && !e->revoke_age_ms;
	case XSAN_TE_GRACE:
		return xsan_op_known(e->op) && !e->revoking && !e->revoke_age_ms;
	default:
		return false;
	}
}

/**
 * xsan_put_tok_entry() - append one ADMIN_TOKENS entry
 * @w: the cursor
 * @e: the entry
 *
 * Layout (40 bytes): u32 kind, u32 op, u64 ino, u32 gen, u64 session,
 * u32 types, u32 revoking, u32 revoke_age_ms.
 *
 * Context: any context.
 */
void xsan_put_tok_entry(struct xsan_put *w, const struct xsan_tok_entry *e)
{
	if (!xsan_tok_entry_ok(e)) {
		xsan_put_err(w, -EINVAL);
		return;
	}
	xsan_put_u32(w, e->kind);
	xsan_put_u32(w, e->op);
	xsan_put_u64(w, e->ino);
	xsan_put_u32(w, e->gen);
	xsan_put_u64(w, e->session);
	xsan_put_u32(w, e->types);
	xsan_put_u32(w, e->revoking);
	xsan_put_u32(w, e->revoke_age_ms);
}

/**
 * xsan_tok_entry_next() - decode the next ADMIN_TOKENS entry
 * @c: a cursor over the reply's entries
 * @e: filled in
 *
 * Context: any context.
 * Return: 0 or -EBADMSG.
 */
int xsan_tok_entry_next(struct xsan_cur *c, struct xsan_tok_entry *e)
{
	e->kind = xsan_get_u32(c);
	e->op = xsan_get_u32(c);
	e->ino = xsan_get_u64(c);
	e->gen = xsan_get_u32(c);
	e->session = xsan_get_u64(c);
	e->types = xsan_get_u32(c);
	e->revoking = xsan_get_u32(c);
	e->revoke_age_ms = xsan_get_u32(c);
	if (!c->err && !xsan_tok_entry_ok(e))
		xsan_bad(c);
	return c->err;
}

void xsan_put_stat(struct xsan_put *w, const struct xsan_admin_stat *s)
{
	if (s->bfree > s->blocks) {
		xsan_put_err(w, -EINVAL);
		return;
	}
	xsan_put_u64(w, (u64)s->created);
	xsan_put_u32(w, s->active);
	xsan_put_u32(w, s->bsize);
	xsan_put_u32(w, s->nluns);
	xsan_put_u32(w, s->nsgs);
	xsan_put_u64(w, s->blocks);
	xsan_put_u64(w, s->bfree);
	xsan_put_u64(w, s->inodes);
}

int xsan_stat_decode(const void *buf, u32 len, struct xsan_admin_stat *s)
{
	struct xsan_cur c;

	xsan_cur_init(&c, buf, len);
	s->created = (s64)xsan_get_u64(&c);
	s->active = xsan_get_u32(&c);
	s->bsize = xsan_get_u32(&c);
	s->nluns = xsan_get_u32(&c);
	s->nsgs = xsan_get_u32(&c);
	s->blocks = xsan_get_u64(&c);
	s->bfree = xsan_get_u64(&c);
	s->inodes = xsan_get_u64(&c);
	if (!c.err && s->bfree > s->blocks)
		xsan_bad(&c);
	return xsan_cur_end(&c);
}

/**
 * xsan_put_vrange() - payload of an EPROTONOSUPPORT reply
 * @w: the cursor
 *
 * Layout: u16 oldest, u16 newest protocol version this side speaks.
 *
 * Context: any context.
 */
void xsan_put_vrange(struct xsan_put *w)
{
	xsan_put_u16(w, XSAN_PROTO_MIN);
	xsan_put_u16(w, XSAN_PROTO_MAX);
}

int xsan_get_vrange(const void *buf, u32 len, u16 *min, u16 *max)
{
	struct xsan_cur c;

	xsan_cur_init(&c, buf, len);
	*min = xsan_get_u16(&c);
	*max = xsan_get_u16(&c);
	if (!c.err && (!*min || *min > *max))
		xsan_bad(&c);
	return xsan_cur_end(&c);
}
