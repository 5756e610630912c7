/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whole frames over a stream socket, for the userspace side (xsanmdc, the
 * client library, the tools): read a frame completely and check it, or
 * write one completely, each within a deadline. The checks themselves are
 * net/codec.c's, shared with the kernel.
 */
#ifndef XSAN_FRAMEIO_H
#define XSAN_FRAMEIO_H

#include <stddef.h>

#include "xsanfs/codec.h"

/**
 * struct xsan_fbuf - a receive buffer, grown as frames need (up to 1 MiB)
 * @buf: header then payload of the last frame read
 * @cap: bytes allocated
 */
struct xsan_fbuf {
	u8 *buf;
	size_t cap;
};

/* The payload of the frame last read into @fb. */
static inline const u8 *xsan_fbuf_payload(const struct xsan_fbuf *fb)
{
	return fb->buf + XSAN_HDR_SIZE;
}

void xsan_fbuf_free(struct xsan_fbuf *fb);

int xsan_frame_read(int fd, struct xsan_fbuf *fb, struct xsan_hdr *h,
		    int timeout_ms);
int xsan_frame_write(int fd, const struct xsan_hdr *h, const void *payload,
		     int timeout_ms);

#endif /* XSAN_FRAMEIO_H */
