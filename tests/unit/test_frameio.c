// SPDX-License-Identifier: GPL-2.0
/*
 * Frame I/O over socketpairs: whole frames in and out, frames split into
 * single bytes, back-to-back frames, every way a peer can break a frame
 * (bad CRC, bad magic, oversized length, closing midway, going silent),
 * and the 1 MiB limit, which needs a concurrent writer.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "frameio.h"
#include "unit.h"

static int sv[2];

static void pair(void)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

static void unpair(void)
{
	close(sv[0]);
	close(sv[1]);
}

static struct xsan_hdr hdr(u16 op, u32 len, u64 xid)
{
	struct xsan_hdr h = {
		.version = XSAN_PROTO_VERSION, .opcode = op, .len = len,
		.xid = xid,
	};
	return h;
}

/* A sealed frame as raw bytes, for tests that damage it. */
static size_t raw_frame(u8 *out, u16 op, const char *payload)
{
	struct xsan_hdr h = hdr(op, (u32)strlen(payload), 7);

	memcpy(out + XSAN_HDR_SIZE, payload, h.len);
	xsan_frame_seal(out, &h);
	return XSAN_HDR_SIZE + h.len;
}

START_TEST(frameio_round_trip)
{
	struct xsan_fbuf fb = { 0 };
	struct xsan_hdr h = hdr(XSAN_OP_LOOKUP, 5, 0x1122334455667788ull), r;

	pair();
	h.flags = XSAN_F_REPLY;
	h.status = 2;
	ck_assert_int_eq(xsan_frame_write(sv[0], &h, "hello", 1000), 0);
	ck_assert_int_eq(xsan_frame_read(sv[1], &fb, &r, 1000), 0);
	ck_assert_uint_eq(r.opcode, XSAN_OP_LOOKUP);
	ck_assert_uint_eq(r.flags, XSAN_F_REPLY);
	ck_assert_uint_eq(r.status, 2);
	ck_assert_uint_eq(r.xid, 0x1122334455667788ull);
	ck_assert_uint_eq(r.len, 5);
	ck_assert_mem_eq(xsan_fbuf_payload(&fb), "hello", 5);
	xsan_fbuf_free(&fb);
	unpair();
}
END_TEST

START_TEST(frameio_back_to_back_and_eof)
{
	struct xsan_fbuf fb = { 0 };
	struct xsan_hdr h, r;

	pair();
	h = hdr(XSAN_OP_GETATTR, 3, 1);
	ck_assert_int_eq(xsan_frame_write(sv[0], &h, "abc", 1000), 0);
	h = hdr(XSAN_OP_STATFS, 0, 2);
	ck_assert_int_eq(xsan_frame_write(sv[0], &h, NULL, 1000), 0);
	close(sv[0]);
	ck_assert_int_eq(xsan_frame_read(sv[1], &fb, &r, 1000), 0);
	ck_assert_uint_eq(r.xid, 1);
	ck_assert_mem_eq(xsan_fbuf_payload(&fb), "abc", 3);
	ck_assert_int_eq(xsan_frame_read(sv[1], &fb, &r, 1000), 0);
	ck_assert_uint_eq(r.xid, 2);
	ck_assert_uint_eq(r.len, 0);
	/* clean close between frames */
	ck_assert_int_eq(xsan_frame_read(sv[1], &fb, &r, 1000), 1);
	xsan_fbuf_free(&fb);
	close(sv[1]);
}
END_TEST

START_TEST(frameio_byte_by_byte)
{
	struct xsan_fbuf fb = { 0 };
	struct xsan_hdr r;
	u8 raw[128];
	size_t n, i;
	pid_t pid;

	pair();
	n = raw_frame(raw, XSAN_OP_MKDIR, "trickled");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		for (i = 0; i < n; i++) {
			if (write(sv[0], raw + i, 1) != 1)
				_exit(1);
			usleep(500);
		}
		_exit(0);
	}
	ck_assert_int_eq(xsan_frame_read(sv[1], &fb, &r, 5000), 0);
	ck_assert_uint_eq(r.opcode, XSAN_OP_MKDIR);
	ck_assert_mem_eq(xsan_fbuf_payload(&fb), "trickled", 8);
	waitpid(pid, NULL, 0);
	xsan_fbuf_free(&fb);
	unpair();
}
END_TEST

/* Send @raw (closing afterwards if @close_after); expect @want from a read. */
static void expect_read(const u8 *raw, size_t n, int close_after, int want)
{
	struct xsan_fbuf fb = { 0 };
	struct xsan_hdr r;

	pair();
	ck_assert_int_eq(write(sv[0], raw, n), (ssize_t)n);
	if (close_after)
		close(sv[0]);
	ck_assert_int_eq(xsan_frame_read(sv[1], &fb, &r, 1000), want);
	xsan_fbuf_free(&fb);
	if (!close_after)
		close(sv[0]);
	close(sv[1]);
}

START_TEST(frameio_bad_crc)
{
	u8 raw[128];
	size_t n = raw_frame(raw, XSAN_OP_LINK, "payload");

	raw[n - 1] ^= 0x40;
	expect_read(raw, n, 0, -EBADMSG);
}
END_TEST

START_TEST(frameio_bad_magic)
{
	u8 raw[128];
	size_t n = raw_frame(raw, XSAN_OP_LINK, "payload");

	raw[0] = 'Y';
	expect_read(raw, n, 0, -EBADMSG);
}
END_TEST

START_TEST(frameio_oversized_len_not_read)
{
	struct xsan_hdr h = hdr(XSAN_OP_SETXATTR, XSAN_PAYLOAD_MAX + 1, 1);
	u8 raw[XSAN_HDR_SIZE];

	/* only the header is sent: the reader must refuse it at once, not
	 * wait for (or allocate) a payload over the limit
	 */
	xsan_hdr_encode(raw, &h);
	expect_read(raw, sizeof(raw), 0, -EMSGSIZE);
}
END_TEST

START_TEST(frameio_eof_inside_header)
{
	u8 raw[128];

	raw_frame(raw, XSAN_OP_RMDIR, "x");
	expect_read(raw, 10, 1, -ECONNRESET);
}
END_TEST

START_TEST(frameio_eof_inside_payload)
{
	u8 raw[128];
	size_t n = raw_frame(raw, XSAN_OP_RMDIR, "a longer payload");

	expect_read(raw, n - 3, 1, -ECONNRESET);
}
END_TEST

START_TEST(frameio_silent_peer_times_out)
{
	struct xsan_fbuf fb = { 0 };
	struct xsan_hdr r;
	struct timespec a, b;
	u8 raw[128];
	long ms;

	/* half a header, then silence: the deadline covers the whole frame */
	raw_frame(raw, XSAN_OP_RMDIR, "x");
	pair();
	ck_assert_int_eq(write(sv[0], raw, 16), 16);
	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(xsan_frame_read(sv[1], &fb, &r, 300), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	ck_assert_msg(ms >= 250 && ms < 5000, "timed out after %ld ms", ms);
	xsan_fbuf_free(&fb);
	unpair();
}
END_TEST

START_TEST(frameio_max_payload)
{
	struct xsan_fbuf fb = { 0 };
	struct xsan_hdr h = hdr(XSAN_OP_SETXATTR, XSAN_PAYLOAD_MAX, 9), r;
	u8 *big = malloc(XSAN_PAYLOAD_MAX);
	int status;
	pid_t pid;
	u32 i;

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < XSAN_PAYLOAD_MAX; i++)
		big[i] = (u8)(i * 31 + 7);
	pair();
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(xsan_frame_write(sv[0], &h, big, 10000) ? 1 : 0);
	ck_assert_int_eq(xsan_frame_read(sv[1], &fb, &r, 10000), 0);
	ck_assert_uint_eq(r.len, XSAN_PAYLOAD_MAX);
	ck_assert_int_eq(memcmp(xsan_fbuf_payload(&fb), big, XSAN_PAYLOAD_MAX), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "writer failed: status %#x", status);
	free(big);
	xsan_fbuf_free(&fb);
	unpair();
	/* one byte more is refused before anything is sent */
	h.len = XSAN_PAYLOAD_MAX + 1;
	ck_assert_int_eq(xsan_frame_write(-1, &h, NULL, 0), -EMSGSIZE);
}
END_TEST

START_TEST(frameio_write_to_closed_peer)
{
	struct xsan_hdr h = hdr(XSAN_OP_HEARTBEAT, 0, 3);

	pair();
	close(sv[1]);
	/* EPIPE, not a SIGPIPE that kills the daemon */
	ck_assert_int_eq(xsan_frame_write(sv[0], &h, NULL, 1000), -EPIPE);
	close(sv[0]);
}
END_TEST

Suite *frameio_suite(void)
{
	Suite *s = suite_create("frameio");

	UNIT_ADD(s, frameio_round_trip);
	UNIT_ADD(s, frameio_back_to_back_and_eof);
	UNIT_ADD(s, frameio_byte_by_byte);
	UNIT_ADD(s, frameio_bad_crc);
	UNIT_ADD(s, frameio_bad_magic);
	UNIT_ADD(s, frameio_oversized_len_not_read);
	UNIT_ADD(s, frameio_eof_inside_header);
	UNIT_ADD(s, frameio_eof_inside_payload);
	UNIT_ADD(s, frameio_silent_peer_times_out);
	UNIT_ADD(s, frameio_max_payload);
	UNIT_ADD(s, frameio_write_to_closed_peer);
	return s;
}
