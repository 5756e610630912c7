// SPDX-License-Identifier: GPL-2.0
/*
 * The xsanfs frame and field codec, compiled unchanged into the kernel
 * module and into the userspace library (tools/). Only the few lines
 * below that pick headers differ between the two worlds. Fields are packed
 * in order with no implicit padding and read with byte-wise little-endian
 * accessors, so alignment of the buffer never matters.
 */

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#endif

#include "xsanfs/codec.h"

static inline u16 xsan_ld16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

static inline u32 xsan_ld32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static inline u64 xsan_ld64(const u8 *p)
{
	return (u64)xsan_ld32(p) | (u64)xsan_ld32(p + 4) << 32;
}

static inline void xsan_st16(u8 *p, u16 v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static inline void xsan_st32(u8 *p, u32 v)
{
	xsan_st16(p, v & 0xffff);
	xsan_st16(p + 2, (v >> 16) & 0xffff);
}

static inline void xsan_st64(u8 *p, u64 v)
{
	xsan_st32(p, v & 0xffffffffu);
	xsan_st32(p + 4, v >> 32);
}

#include "crc32c_table.h"

/**
 * xsan_crc32c() - CRC32C (Castagnoli), as iSCSI and ext4 use it
 * @crc: running value: start with ~0, or a previous return value
 * @buf: bytes
 * @len: their number
 *
 * Slicing by 8 over tables generated into crc32c_table.h, 8 bytes per
 * step: every frame is checksummed on both sides, and the bitwise loop
 * this replaces was a third of the MDC's CPU time. The tables are our
 * own rather than the kernel's crc32c(), to keep the module free of a
 * dependency on libcrc32c (a module in Debian).
 *
 * Context: any context.
 * Return: the running CRC; the frame CRC is its complement.
 */
u32 xsan_crc32c(u32 crc, const void *buf, size_t len)
{
	const u32 (*t)[256] = xsan_crc32c_table;
	const u8 *p = buf;
	u32 lo, hi;

	while (len >= 8) {
		lo = crc ^ xsan_ld32(p);
		hi = xsan_ld32(p + 4);
		crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^
		      t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
		      t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^
		      t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xff];
	return crc;
}

/**
 * xsan_hdr_encode() - write a header in wire form
 * @out: %XSAN_HDR_SIZE bytes
 * @h: the header; magic is added here, @h->crc is written as is
 *
 * Context: any context.
 */
void xsan_hdr_encode(void *out, const struct xsan_hdr *h)
{
	u8 *p = out;

	xsan_st32(p, XSAN_MAGIC);
	xsan_st16(p + 4, h->version);
	xsan_st16(p + 6, h->opcode);
	xsan_st32(p + 8, h->flags);
	xsan_st32(p + 12, h->len);
	xsan_st64(p + 16, h->xid);
	xsan_st32(p + 24, h->status);
	xsan_st32(p + 28, h->crc);
}

/**
 * xsan_hdr_decode() - read and check a header
 * @in: received bytes
 * @have: how many
 * @h: the decoded header
 *
 * Checks everything the header alone can tell: size, magic, a version of
 * at least 1, known flag bits, a payload length within the frame limit, and
 * no status on a request. Whether the version and opcode are ones this
 * side speaks is the caller's decision (it answers those with an error
 * reply rather than closing the connection).
 *
 * Context: any context.
 * Return: 0, -EBADMSG for a malformed header, -EMSGSIZE for an oversized
 * payload length.
 */
int xsan_hdr_decode(const void *in, size_t have, struct xsan_hdr *h)
{
	const u8 *p = in;

	if (have < XSAN_HDR_SIZE || xsan_ld32(p) != XSAN_MAGIC)
		return -EBADMSG;
	h->version = xsan_ld16(p + 4);
	h->opcode = xsan_ld16(p + 6);
	h->flags = xsan_ld32(p + 8);
	h->len = xsan_ld32(p + 12);
	h->xid = xsan_ld64(p + 16);
	h->status = xsan_ld32(p + 24);
	h->crc = xsan_ld32(p + 28);
	if (h->version == 0 || (h->flags & ~XSAN_F_KNOWN) ||
	    (h->flags & XSAN_F_KNOWN) == XSAN_F_KNOWN)
		return -EBADMSG;
	if (h->status && !(h->flags & XSAN_F_REPLY))
		return -EBADMSG;
	if (h->len > XSAN_PAYLOAD_MAX)
		return -EMSGSIZE;
	return 0;
}

static u32 xsan_frame_crc(const void *hdr, const void *payload, u32 len)
{
	static const u8 zero[4];
	u32 crc = ~0u;

	crc = xsan_crc32c(crc, hdr, XSAN_HDR_SIZE - 4);
	crc = xsan_crc32c(crc, zero, sizeof(zero));
	crc = xsan_crc32c(crc, payload, len);
	return ~crc;
}

/**
 * xsan_frame_seal() - write the header of a built frame, with its CRC
 * @frame: %XSAN_HDR_SIZE bytes of room followed by @h->len payload bytes
 * @h: the header; @h->crc is set
 *
 * Context: any context.
 */
void xsan_frame_seal(void *frame, struct xsan_hdr *h)
{
	u8 *p = frame;

	h->crc = 0;
	xsan_hdr_encode(p, h);
	h->crc = xsan_frame_crc(p, p + XSAN_HDR_SIZE, h->len);
	xsan_st32(p + 28, h->crc);
}

/**
 * xsan_frame_verify() - check a received frame's CRC
 * @hdr: the %XSAN_HDR_SIZE header bytes as received
 * @payload: the payload bytes
 * @len: payload length (from the decoded header)
 * @crc: the CRC from the decoded header
 *
 * Context: any context.
 * Return: 0 if the CRC matches, -EBADMSG if not.
 */
int xsan_frame_verify(const void *hdr, const void *payload, u32 len, u32 crc)
{
	return xsan_frame_crc(hdr, payload, len) == crc ? 0 : -EBADMSG;
}

/**
 * xsan_cur_init() - start decoding @len bytes at @buf
 * @c: the cursor
 * @buf: the bytes
 * @len: their number
 *
 * Context: any context.
 */
void xsan_cur_init(struct xsan_cur *c, const void *buf, u32 len)
{
	c->p = buf;
	c->left = len;
	c->err = 0;
}

/* Take @n bytes, or fail the cursor. */
static const u8 *xsan_take(struct xsan_cur *c, u32 n)
{
	const u8 *p = c->p;

	if (c->err || n > c->left) {
		c->err = -EBADMSG;
		c->left = 0;
		return NULL;
	}
	c->p += n;
	c->left -= n;
	return p;
}

/**
 * xsan_get_u8() - next byte
 * @c: the cursor
 *
 * Context: any context.
 * Return: the value, or 0 with @c failed if too few bytes remain.
 */
u8 xsan_get_u8(struct xsan_cur *c)
{
	const u8 *p = xsan_take(c, 1);

	return p ? p[0] : 0;
}

/**
 * xsan_get_u16() - next little-endian u16
 * @c: the cursor
 *
 * Context: any context.
 * Return: the value, or 0 with @c failed if too few bytes remain.
 */
u16 xsan_get_u16(struct xsan_cur *c)
{
	const u8 *p = xsan_take(c, 2);

	return p ? xsan_ld16(p) : 0;
}

/**
 * xsan_get_u32() - next little-endian u32
 * @c: the cursor
 *
 * Context: any context.
 * Return: the value, or 0 with @c failed if too few bytes remain.
 */
u32 xsan_get_u32(struct xsan_cur *c)
{
	const u8 *p = xsan_take(c, 4);

	return p ? xsan_ld32(p) : 0;
}

/**
 * xsan_get_u64() - next little-endian u64
 * @c: the cursor
 *
 * Context: any context.
 * Return: the value, or 0 with @c failed if too few bytes remain.
 */
u64 xsan_get_u64(struct xsan_cur *c)
{
	const u8 *p = xsan_take(c, 8);

	return p ? xsan_ld64(p) : 0;
}

/**
 * xsan_get_bytes() - next @n bytes, in place
 * @c: the cursor
 * @n: how many
 *
 * Context: any context.
 * Return: a pointer into the received buffer, or NULL with @c failed.
 */
const void *xsan_get_bytes(struct xsan_cur *c, u32 n)
{
	return xsan_take(c, n);
}

/**
 * xsan_name_ok() - is this a valid directory entry name?
 * @name: the bytes (not NUL-terminated)
 * @len: their number
 *
 * Context: any context.
 * Return: true for 1 to %XSAN_NAME_MAX bytes without '/' or NUL.
 */
bool xsan_name_ok(const char *name, u32 len)
{
	return len >= 1 && len <= XSAN_NAME_MAX &&
	       !memchr(name, '/', len) && !memchr(name, '\0', len);
}

/**
 * xsan_get_name() - next name: u16 length, then the bytes
 * @c: the cursor
 * @len: set to the name's length
 *
 * The name is not NUL-terminated on the wire; copy it out with @len.
 *
 * Context: any context.
 * Return: a pointer into the received buffer, or NULL with @c failed if
 * the bytes are short or the name is not valid (xsan_name_ok()).
 */
const char *xsan_get_name(struct xsan_cur *c, u32 *len)
{
	u32 n = xsan_get_u16(c);
	const char *s = (const char *)xsan_take(c, n);

	*len = 0;
	if (!s || !xsan_name_ok(s, n)) {
		c->err = -EBADMSG;
		c->left = 0;
		return NULL;
	}
	*len = n;
	return s;
}

/**
 * xsan_get_blob() - next blob: u32 length, then the bytes
 * @c: the cursor
 * @max: the largest length acceptable here
 * @len: set to the blob's length
 *
 * Context: any context.
 * Return: a pointer into the received buffer (NULL for an empty blob), or
 * NULL with @c failed if the bytes are short or longer than @max.
 */
const void *xsan_get_blob(struct xsan_cur *c, u32 max, u32 *len)
{
	u32 n = xsan_get_u32(c);
	const void *p;

	*len = 0;
	if (n > max) {
		c->err = -EBADMSG;
		c->left = 0;
		return NULL;
	}
	if (!n || c->err)
		return NULL;
	p = xsan_take(c, n);
	if (p)
		*len = n;
	return p;
}

/**
 * xsan_cur_end() - finish decoding a message
 * @c: the cursor
 *
 * A message must be consumed exactly: trailing bytes are an error too.
 *
 * Context: any context.
 * Return: 0, or -EBADMSG.
 */
int xsan_cur_end(struct xsan_cur *c)
{
	if (!c->err && c->left) {
		c->err = -EBADMSG;
		c->left = 0;	/* failed cursors are empty, as in xsan_take() */
	}
	return c->err;
}

/**
 * xsan_put_init() - start encoding into @buf
 * @w: the cursor
 * @buf: the buffer
 * @cap: its size
 *
 * Context: any context.
 */
void xsan_put_init(struct xsan_put *w, void *buf, u32 cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->err = 0;
}

/* Room for @n more bytes, or NULL and the cursor failed. */
static u8 *xsan_room(struct xsan_put *w, u32 n)
{
	u8 *p;

	if (w->err)		/* keep the first error */
		return NULL;
	if (n > w->cap - w->len) {
		w->err = -EMSGSIZE;
		return NULL;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

/**
 * xsan_put_u8() - append a byte
 * @w: the cursor
 * @v: the value
 *
 * Context: any context.
 */
void xsan_put_u8(struct xsan_put *w, u8 v)
{
	u8 *p = xsan_room(w, 1);

	if (p)
		p[0] = v;
}

/**
 * xsan_put_u16() - append a little-endian u16
 * @w: the cursor
 * @v: the value
 *
 * Context: any context.
 */
void xsan_put_u16(struct xsan_put *w, u16 v)
{
	u8 *p = xsan_room(w, 2);

	if (p)
		xsan_st16(p, v);
}

/**
 * xsan_put_u32() - append a little-endian u32
 * @w: the cursor
 * @v: the value
 *
 * Context: any context.
 */
void xsan_put_u32(struct xsan_put *w, u32 v)
{
	u8 *p = xsan_room(w, 4);

	if (p)
		xsan_st32(p, v);
}

/**
 * xsan_put_u64() - append a little-endian u64
 * @w: the cursor
 * @v: the value
 *
 * Context: any context.
 */
void xsan_put_u64(struct xsan_put *w, u64 v)
{
	u8 *p = xsan_room(w, 8);

	if (p)
		xsan_st64(p, v);
}

/**
 * xsan_put_bytes() - append @n raw bytes
 * @w: the cursor
 * @src: the bytes
 * @n: their number
 *
 * Context: any context.
 */
void xsan_put_bytes(struct xsan_put *w, const void *src, u32 n)
{
	u8 *p = xsan_room(w, n);

	if (p && n)
		memcpy(p, src, n);
}

/**
 * xsan_put_name() - append a name (u16 length, bytes)
 * @w: the cursor
 * @name: the bytes
 * @len: their number; an invalid name fails the cursor with -EINVAL
 *
 * Context: any context.
 */
void xsan_put_name(struct xsan_put *w, const char *name, u32 len)
{
	if (!xsan_name_ok(name, len)) {
		if (!w->err)
			w->err = -EINVAL;
		return;
	}
	xsan_put_u16(w, len & 0xffff);
	xsan_put_bytes(w, name, len);
}

/**
 * xsan_put_blob() - append a blob (u32 length, bytes)
 * @w: the cursor
 * @src: the bytes
 * @len: their number
 *
 * Context: any context.
 */
void xsan_put_blob(struct xsan_put *w, const void *src, u32 len)
{
	xsan_put_u32(w, len);
	xsan_put_bytes(w, src, len);
}
