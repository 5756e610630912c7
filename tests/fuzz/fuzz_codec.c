// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the frame and field decoders of net/codec.c, the
 * same file the kernel module builds. Besides "no crash, no ASan/UBSan
 * report", it checks properties and abort()s when one breaks:
 *  - a header that decodes re-encodes to the same 32 bytes;
 *  - a frame sealed with its own header always verifies;
 *  - a cursor never hands out bytes outside its buffer, never grows, and
 *    once failed stays failed and returns zeros;
 *  - a name that decodes is valid and encodes back to the same bytes.
 * Input layout: byte 0 splits the rest into a script (one getter per byte)
 * and a payload, copied to a heap block of exactly its size so that ASan
 * sees any read past it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xsanfs/codec.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void fuzz_header(const uint8_t *data, size_t size)
{
	uint8_t again[XSAN_HDR_SIZE];
	struct xsan_hdr h;
	uint8_t *frame;

	if (xsan_hdr_decode(data, size, &h))
		return;
	CHECK(size >= XSAN_HDR_SIZE && h.len <= XSAN_PAYLOAD_MAX);
	xsan_hdr_encode(again, &h);
	CHECK(!memcmp(again, data, XSAN_HDR_SIZE));

	if (h.len > size - XSAN_HDR_SIZE)
		return;
	/* the received frame either verifies or not; sealed, it must */
	(void)xsan_frame_verify(data, data + XSAN_HDR_SIZE, h.len, h.crc);
	frame = malloc(XSAN_HDR_SIZE + h.len);
	CHECK(frame);
	memcpy(frame, data, XSAN_HDR_SIZE + h.len);
	xsan_frame_seal(frame, &h);
	CHECK(!xsan_frame_verify(frame, frame + XSAN_HDR_SIZE, h.len, h.crc));
	if (h.len) {
		frame[XSAN_HDR_SIZE] ^= 1;
		CHECK(xsan_frame_verify(frame, frame + XSAN_HDR_SIZE, h.len, h.crc));
	}
	free(frame);
}

static void in_buf(const void *p, u32 n, const uint8_t *buf, u32 len)
{
	const uint8_t *q = p;

	CHECK(q >= buf && q + n <= buf + len);
}

static void fuzz_cursor(const uint8_t *data, size_t size)
{
	size_t split, i;
	uint8_t *buf, out[512];
	struct xsan_cur c;
	struct xsan_put w;
	u32 len, left, n;
	const void *p;

	if (size < 1)
		return;
	split = 1 + data[0] % (size);
	if (split > size)
		split = size;
	len = (u32)(size - split);
	buf = malloc(len ? len : 1);
	CHECK(buf);
	memcpy(buf, data + split, len);
	xsan_cur_init(&c, buf, len);

	for (i = 1; i < split; i++) {
		uint8_t op = data[i];
		int failed = c.err != 0;

		left = c.left;
		switch (op & 7) {
		case 0:
			CHECK(xsan_get_u8(&c) == 0 || !c.err);
			break;
		case 1:
			CHECK(xsan_get_u16(&c) == 0 || !c.err);
			break;
		case 2:
			CHECK(xsan_get_u32(&c) == 0 || !c.err);
			break;
		case 3:
			CHECK(xsan_get_u64(&c) == 0 || !c.err);
			break;
		case 4:
			n = op >> 3;
			p = xsan_get_bytes(&c, n);
			CHECK(!p == !!c.err);
			if (p)
				in_buf(p, n, buf, len);
			break;
		case 5:
			p = xsan_get_name(&c, &n);
			CHECK(!p == !!c.err);
			if (p) {
				in_buf(p, n, buf, len);
				CHECK(xsan_name_ok(p, n));
				xsan_put_init(&w, out, sizeof(out));
				xsan_put_name(&w, p, n);
				CHECK(!w.err && w.len == n + 2 &&
				      !memcmp(out + 2, p, n));
			}
			break;
		case 6:
			p = xsan_get_blob(&c, (u32)op << 4, &n);
			CHECK(p || n == 0);
			if (p)
				in_buf(p, n, buf, len);
			break;
		case 7:
			(void)xsan_cur_end(&c);
			break;
		}
		CHECK(c.left <= left);
		if (failed)
			CHECK(c.err && c.left == 0);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_header(data, size);
	fuzz_cursor(data, size);
	return 0;
}
