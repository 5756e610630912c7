/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame and field codec of the xsanfs protocol, built from one C file
 * (net/codec.c) into both the kernel module and the userspace library, so
 * the two sides cannot drift. Decoding never reads past the bytes it was
 * given: every getter checks the remaining length first and, when short,
 * marks the cursor failed and returns zero/NULL, so a decoder can read a
 * whole message and check the cursor once at the end.
 */
#ifndef _XSANFS_CODEC_H
#define _XSANFS_CODEC_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif
#endif

#include "xsanfs/proto.h"

/**
 * struct xsan_hdr - a frame header in host byte order
 * @version: sender's protocol version
 * @opcode: enum xsan_op
 * @flags: XSAN_F_*
 * @len: payload length
 * @xid: request id
 * @status: 0 or a positive errno (replies)
 * @crc: CRC32C as received (decode) or ignored (encode)
 */
struct xsan_hdr {
	u16 version;
	u16 opcode;
	u32 flags;
	u32 len;
	u64 xid;
	u32 status;
	u32 crc;
};

/**
 * struct xsan_cur - a decoding cursor over received bytes
 * @p: next byte
 * @left: bytes remaining
 * @err: 0, or the first error (-EBADMSG: short or malformed)
 */
struct xsan_cur {
	const u8 *p;
	u32 left;
	int err;
};

/**
 * struct xsan_put - an encoding cursor over a caller's buffer
 * @buf: start of the buffer
 * @cap: its size
 * @len: bytes written so far
 * @err: 0, or the first error: -EMSGSIZE (did not fit), -EINVAL (bad name)
 */
struct xsan_put {
	u8 *buf;
	u32 cap;
	u32 len;
	int err;
};

u32 xsan_crc32c(u32 crc, const void *buf, size_t len);

void xsan_hdr_encode(void *out, const struct xsan_hdr *h);
int xsan_hdr_decode(const void *in, size_t have, struct xsan_hdr *h);
void xsan_frame_seal(void *frame, struct xsan_hdr *h);
int xsan_frame_verify(const void *hdr, const void *payload, u32 len, u32 crc);

void xsan_cur_init(struct xsan_cur *c, const void *buf, u32 len);
u8 xsan_get_u8(struct xsan_cur *c);
u16 xsan_get_u16(struct xsan_cur *c);
u32 xsan_get_u32(struct xsan_cur *c);
u64 xsan_get_u64(struct xsan_cur *c);
const void *xsan_get_bytes(struct xsan_cur *c, u32 n);
const char *xsan_get_name(struct xsan_cur *c, u32 *len);
const void *xsan_get_blob(struct xsan_cur *c, u32 max, u32 *len);
int xsan_cur_end(struct xsan_cur *c);

void xsan_put_init(struct xsan_put *w, void *buf, u32 cap);
void xsan_put_u8(struct xsan_put *w, u8 v);
void xsan_put_u16(struct xsan_put *w, u16 v);
void xsan_put_u32(struct xsan_put *w, u32 v);
void xsan_put_u64(struct xsan_put *w, u64 v);
void xsan_put_bytes(struct xsan_put *w, const void *p, u32 n);
void xsan_put_name(struct xsan_put *w, const char *name, u32 len);
void xsan_put_blob(struct xsan_put *w, const void *p, u32 len);

bool xsan_name_ok(const char *name, u32 len);

#endif /* _XSANFS_CODEC_H */
