// SPDX-License-Identifier: GPL-2.0
/*
 * Frame I/O for userspace: complete reads and writes of xsanfs frames on a
 * stream socket, each bounded by one deadline for the whole frame (a peer
 * that trickles bytes cannot hold a reader forever). A reader checks the
 * header before it reads the payload, so an oversized or malformed frame
 * is refused without buffering it.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "frameio.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Wait for @events on @fd until @deadline (ms, CLOCK_MONOTONIC); <0 = none. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int left, n;

	for (;;) {
		left = -1;
		if (deadline >= 0) {
			long long d = deadline - now_ms();

			if (d <= 0)
				return -ETIMEDOUT;
			left = d > 60000 ? 60000 : (int)d;
		}
		n = poll(&p, 1, left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/*
 * Read exactly @len bytes. Returns 0, 1 if the peer closed before the
 * first byte and @eof_ok, -ECONNRESET if it closed midway, or -errno.
 */
static int read_full(int fd, u8 *buf, size_t len, long long deadline,
		     int eof_ok)
{
	size_t got = 0;
	ssize_t n;
	int err;

	while (got < len) {
		err = wait_fd(fd, POLLIN, deadline);
		if (err)
			return err;
		n = read(fd, buf + got, len - got);
		if (n > 0) {
			got += (size_t)n;
		} else if (n == 0) {
			return got == 0 && eof_ok ? 1 : -ECONNRESET;
		} else if (errno != EINTR && errno != EAGAIN) {
			return -errno;
		}
	}
	return 0;
}

/**
 * xsan_frame_read() - read one whole frame and check it
 * @fd: a stream socket
 * @fb: receive buffer; holds the frame afterwards (xsan_fbuf_payload())
 * @h: the decoded header
 * @timeout_ms: bound on the whole frame; negative waits forever
 *
 * Return: 0 for a frame; 1 if the peer closed cleanly between frames;
 * -EBADMSG for a malformed header or a CRC mismatch, -EMSGSIZE for a
 * payload over the limit (neither is read further: close the connection);
 * -ECONNRESET if the peer closed inside a frame; -ETIMEDOUT; -ENOMEM;
 * another -errno from the socket.
 */
int xsan_frame_read(int fd, struct xsan_fbuf *fb, struct xsan_hdr *h,
		    int timeout_ms)
{
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	u8 hdr[XSAN_HDR_SIZE];
	size_t need;
	int err;

	err = read_full(fd, hdr, sizeof(hdr), deadline, 1);
	if (err)
		return err;
	err = xsan_hdr_decode(hdr, sizeof(hdr), h);
	if (err)
		return err;
	need = XSAN_HDR_SIZE + (size_t)h->len;
	if (fb->cap < need) {
		u8 *nb = realloc(fb->buf, need);

		if (!nb)
			return -ENOMEM;
		fb->buf = nb;
		fb->cap = need;
	}
	memcpy(fb->buf, hdr, sizeof(hdr));
	err = read_full(fd, fb->buf + XSAN_HDR_SIZE, h->len, deadline, 0);
	if (err)
		return err;
	return xsan_frame_verify(fb->buf, fb->buf + XSAN_HDR_SIZE, h->len,
				 h->crc);
}

/**
 * xsan_frame_write() - write one whole frame
 * @fd: a stream socket
 * @h: header fields (version, opcode, flags, xid, status; len is the
 *     payload length; magic and crc are filled in)
 * @payload: @h->len bytes
 * @timeout_ms: bound on the whole frame; negative waits forever
 *
 * Return: 0, -EMSGSIZE if @h->len is over the limit, -ETIMEDOUT, -EPIPE if
 * the peer is gone (never SIGPIPE), -ENOMEM, or another -errno.
 */
int xsan_frame_write(int fd, const struct xsan_hdr *h, const void *payload,
		     int timeout_ms)
{
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	struct xsan_hdr hh = *h;
	size_t len, off = 0;
	ssize_t n;
	u8 *frame;
	int err = 0;

	if (hh.len > XSAN_PAYLOAD_MAX)
		return -EMSGSIZE;
	len = XSAN_HDR_SIZE + (size_t)hh.len;
	frame = malloc(len);
	if (!frame)
		return -ENOMEM;
	if (hh.len)
		memcpy(frame + XSAN_HDR_SIZE, payload, hh.len);
	xsan_frame_seal(frame, &hh);

	while (off < len) {
		err = wait_fd(fd, POLLOUT, deadline);
		if (err)
			break;
		n = send(fd, frame + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
		} else if (n < 0 && errno != EINTR && errno != EAGAIN) {
			err = -errno;
			break;
		}
	}
	free(frame);
	return err;
}

/**
 * xsan_fbuf_free() - release a receive buffer
 * @fb: the buffer; reusable (empty) afterwards
 */
void xsan_fbuf_free(struct xsan_fbuf *fb)
{
	free(fb->buf);
	fb->buf = NULL;
	fb->cap = 0;
}
