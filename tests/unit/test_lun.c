// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the LUN header (fs/lunhdr.c, the code the kernel module will
 * use too) and of LUN labelling and probing (tools/lib/lun.c) on image
 * files in a temporary directory; no test touches a block device.
 *
 * The header decoder is fed from heap buffers of exactly the size under
 * test, so that under ASan any read past the bytes given is a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xsanfs/disk.h"
#include "../../tools/lib/lun.h"
#include "unit.h"

static char err[1024];

static void sample(struct xsan_lun_hdr *h)
{
	int i;

	memset(h, 0, sizeof(*h));
	h->version = XSAN_LUN_VERSION;
	for (i = 0; i < XSAN_LUN_UUID_SIZE; i++) {
		h->volume_uuid[i] = (u8)(0xa0 + i);
		h->lun_uuid[i] = (u8)(0x10 + i);
	}
	h->sectors = 126976;
	h->sector_size = 512;
	h->sg_index = 3;
	h->ordinal = 7;
	strcpy(h->label, "CvfsDisk0");
}

/* Decode exactly @have bytes of @buf from a heap copy of that size. */
static int decode_n(const u8 *buf, size_t have, struct xsan_lun_hdr *h)
{
	u8 *copy = malloc(have ? have : 1);
	int ret;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, buf, have);
	ret = xsan_lun_hdr_decode(copy, have, h);
	free(copy);
	return ret;
}

static u32 ld32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static void st32(u8 *p, u32 v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

/* Recompute the CRC after a test edited a field, so field checks are reached. */
static void reseal(u8 *p)
{
	u32 size = ld32(p + XSAN_LUN_OFF_HDR_SIZE), crc;

	if (size > XSAN_LUN_HDR_AREA)
		size = XSAN_LUN_HDR_SIZE;
	st32(p + XSAN_LUN_OFF_CRC, 0);
	crc = ~xsan_crc32c(~0u, p, size);
	st32(p + XSAN_LUN_OFF_CRC, crc);
}

START_TEST(lunhdr_round_trip)
{
	u8 area[XSAN_LUN_HDR_AREA] = { 0 };
	struct xsan_lun_hdr h, back;
	size_t i;

	sample(&h);
	ck_assert_int_eq(xsan_lun_hdr_encode(area, sizeof(area), &h), XSAN_LUN_HDR_SIZE);
	ck_assert_msg(!memcmp(area, "XSANFSLU", 8), "magic not at offset 0");
	ck_assert_uint_eq(ld32(area + XSAN_LUN_OFF_HDR_SIZE), XSAN_LUN_HDR_SIZE);
	ck_assert_uint_eq(area[XSAN_LUN_OFF_SECTORS], 126976 & 0xff);
	ck_assert_str_eq((char *)area + XSAN_LUN_OFF_LABEL, "CvfsDisk0");
	for (i = XSAN_LUN_OFF_RSVD2; i < XSAN_LUN_HDR_AREA; i++)
		ck_assert_msg(area[i] == 0, "byte %zu not zero", i);

	memset(&back, 0x55, sizeof(back));
	ck_assert_int_eq(decode_n(area, XSAN_LUN_HDR_SIZE, &back), 0);
	ck_assert_uint_eq(back.version, 1);
	ck_assert_uint_eq(back.flags, 0);
	ck_assert(!memcmp(back.volume_uuid, h.volume_uuid, XSAN_LUN_UUID_SIZE));
	ck_assert(!memcmp(back.lun_uuid, h.lun_uuid, XSAN_LUN_UUID_SIZE));
	ck_assert_uint_eq(back.sectors, h.sectors);
	ck_assert_uint_eq(back.sector_size, 512);
	ck_assert_uint_eq(back.sg_index, 3);
	ck_assert_uint_eq(back.ordinal, 7);
	ck_assert_str_eq(back.label, "CvfsDisk0");

	/* A 36-character label fills the field but for the NUL padding. */
	strcpy(h.label, "abcdefghijklmnopqrstuvwxyz0123456789");
	h.sectors = (u64)1 << 40;
	h.sector_size = 65536;
	ck_assert_int_eq(xsan_lun_hdr_encode(area, sizeof(area), &h), XSAN_LUN_HDR_SIZE);
	ck_assert_int_eq(decode_n(area, XSAN_LUN_HDR_AREA, &back), 0);
	ck_assert_str_eq(back.label, h.label);
	ck_assert_uint_eq(back.sectors, (u64)1 << 40);
}
END_TEST

/* Any change to any byte of the header is caught: by the CRC, or before it. */
START_TEST(lunhdr_every_byte_flip)
{
	u8 area[XSAN_LUN_HDR_SIZE], bad[XSAN_LUN_HDR_SIZE];
	struct xsan_lun_hdr h, back;
	int i, bit, ret;

	sample(&h);
	ck_assert_int_eq(xsan_lun_hdr_encode(area, sizeof(area), &h), XSAN_LUN_HDR_SIZE);
	for (i = 0; i < (int)sizeof(area); i++) {
		for (bit = 0; bit < 9; bit++) {
			memcpy(bad, area, sizeof(bad));
			bad[i] ^= bit < 8 ? 1u << bit : 0xff;
			ret = decode_n(bad, sizeof(bad), &back);
			ck_assert_msg(ret == -EBADMSG || ret == -ENODATA || ret == -EUCLEAN,
				      "byte %d flip %d: decode returned %d", i, bit, ret);
		}
	}
}
END_TEST

START_TEST(lunhdr_truncated)
{
	u8 area[XSAN_LUN_HDR_SIZE + 1] = { 0 };
	struct xsan_lun_hdr h, back;
	size_t have;

	sample(&h);
	ck_assert_int_eq(xsan_lun_hdr_encode(area, sizeof(area), &h), XSAN_LUN_HDR_SIZE);
	for (have = 0; have < XSAN_LUN_HDR_SIZE; have++)
		ck_assert_msg(decode_n(area, have, &back) == -EBADMSG,
			      "%zu bytes were accepted", have);
	/* A header claiming to be longer than the bytes we have. */
	st32(area + XSAN_LUN_OFF_HDR_SIZE, 1024);
	ck_assert_int_eq(decode_n(area, XSAN_LUN_HDR_SIZE, &back), -EBADMSG);
	ck_assert_int_eq(decode_n(area, XSAN_LUN_HDR_SIZE + 1, &back), -EBADMSG);
	/* Not ours at all: no magic. */
	memset(area, 0, sizeof(area));
	ck_assert_int_eq(decode_n(area, XSAN_LUN_HDR_SIZE, &back), -ENODATA);
	/* The encoder's buffer check. */
	ck_assert_int_eq(xsan_lun_hdr_encode(area, XSAN_LUN_HDR_SIZE - 1, &h), -EMSGSIZE);
}
END_TEST

/* A header with a valid CRC but a bad field: offset, value, width, errno. */
static const struct {
	const char *what;
	u32 off, val, width;
	int want;
} bad_fields[] = {
	{ "version 0", XSAN_LUN_OFF_VERSION, 0, 4, -EUCLEAN },
	{ "version 2", XSAN_LUN_OFF_VERSION, 2, 4, -EOPNOTSUPP },
	{ "header size 255", XSAN_LUN_OFF_HDR_SIZE, 255, 4, -EUCLEAN },
	{ "header size 512", XSAN_LUN_OFF_HDR_SIZE, 512, 4, -EUCLEAN },
	{ "header size 1 GiB", XSAN_LUN_OFF_HDR_SIZE, 1u << 30, 4, -EUCLEAN },
	{ "unknown flag", XSAN_LUN_OFF_FLAGS, 1, 4, -EOPNOTSUPP },
	{ "sectors 0", XSAN_LUN_OFF_SECTORS, 0, 8, -EUCLEAN },
	{ "too few sectors", XSAN_LUN_OFF_SECTORS, 7, 8, -EUCLEAN },
	{ "sector size 0", XSAN_LUN_OFF_SECTOR_SZ, 0, 4, -EUCLEAN },
	{ "sector size 256", XSAN_LUN_OFF_SECTOR_SZ, 256, 4, -EUCLEAN },
	{ "sector size 4000", XSAN_LUN_OFF_SECTOR_SZ, 4000, 4, -EUCLEAN },
	{ "sector size 128 KiB", XSAN_LUN_OFF_SECTOR_SZ, 131072, 4, -EUCLEAN },
	{ "reserved word", XSAN_LUN_OFF_RSVD1, 1, 4, -EUCLEAN },
	{ "reserved tail", XSAN_LUN_HDR_SIZE - 4, 1, 4, -EUCLEAN },
	{ "label starts with '-'", XSAN_LUN_OFF_LABEL, '-', 1, -EUCLEAN },
	{ "label with a space", XSAN_LUN_OFF_LABEL + 4, ' ', 1, -EUCLEAN },
	{ "label with 0xe9", XSAN_LUN_OFF_LABEL + 2, 0xe9, 1, -EUCLEAN },
	{ "empty label", XSAN_LUN_OFF_LABEL, 0, 1, -EUCLEAN },
	{ "junk after the label's NUL", XSAN_LUN_OFF_LABEL + 20, 'x', 1, -EUCLEAN },
	{ "no NUL in the label field", XSAN_LUN_OFF_LABEL + 36, 'x', 4, -EUCLEAN },
	{ "zero LUN uuid", XSAN_LUN_OFF_LUN, 0, 16, -EUCLEAN },
};

START_TEST(lunhdr_bad_fields)
{
	u8 area[XSAN_LUN_HDR_AREA] = { 0 };
	struct xsan_lun_hdr h, back;
	size_t i;
	int ret;

	sample(&h);
	for (i = 0; i < sizeof(bad_fields) / sizeof(bad_fields[0]); i++) {
		ck_assert_int_eq(xsan_lun_hdr_encode(area, sizeof(area), &h), XSAN_LUN_HDR_SIZE);
		reseal(area);
		ck_assert_int_eq(decode_n(area, sizeof(area), &back), 0);
		if (bad_fields[i].width == 16 || bad_fields[i].width == 8)
			memset(area + bad_fields[i].off, 0, bad_fields[i].width);
		if (bad_fields[i].width == 8 || bad_fields[i].width == 4)
			st32(area + bad_fields[i].off, bad_fields[i].val);
		else if (bad_fields[i].width == 1)
			area[bad_fields[i].off] = (u8)bad_fields[i].val;
		if (!strcmp(bad_fields[i].what, "no NUL in the label field"))
			memset(area + XSAN_LUN_OFF_LABEL, 'x', XSAN_LUN_LABEL_FIELD);
		reseal(area);
		ret = decode_n(area, sizeof(area), &back);
		ck_assert_msg(ret == bad_fields[i].want, "%s: decode returned %d, wanted %d",
			      bad_fields[i].what, ret, bad_fields[i].want);
	}
}
END_TEST

START_TEST(lunhdr_unassigned)
{
	u8 area[XSAN_LUN_HDR_SIZE];
	struct xsan_lun_hdr h, back;

	sample(&h);
	memset(h.volume_uuid, 0, sizeof(h.volume_uuid));
	/* Unassigned yet placed in a stripe group: the encoder refuses it... */
	ck_assert_int_eq(xsan_lun_hdr_encode(area, sizeof(area), &h), -EINVAL);
	h.sg_index = 0;
	h.ordinal = 0;
	ck_assert_int_eq(xsan_lun_hdr_encode(area, sizeof(area), &h), XSAN_LUN_HDR_SIZE);
	ck_assert_int_eq(decode_n(area, sizeof(area), &back), 0);
	ck_assert(xsan_lun_uuid_is_zero(back.volume_uuid));
	/* ...and so does the decoder. */
	st32(area + XSAN_LUN_OFF_ORDINAL, 1);
	reseal(area);
	ck_assert_int_eq(decode_n(area, sizeof(area), &back), -EUCLEAN);
	/* Bad labels never get encoded. */
	strcpy(h.label, "has space");
	ck_assert_int_eq(xsan_lun_hdr_encode(area, sizeof(area), &h), -EINVAL);
	ck_assert(xsan_lun_label_ok("a", 1));
	ck_assert(xsan_lun_label_ok("CvfsDisk_UNKNOWN", 16));
	ck_assert(!xsan_lun_label_ok("", 0));
	ck_assert(!xsan_lun_label_ok("_x", 2));
	ck_assert(!xsan_lun_label_ok("abcdefghijklmnopqrstuvwxyz01234567890", 37));
}
END_TEST

/* --- labelling image files --- */

static char dir[64];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

/* A fresh image of @mib MiB in a fresh temporary directory. */
static const char *image(const char *name, unsigned int mib)
{
	static char path[128];
	int fd;

	if (!dir[0]) {
		strcpy(dir, "/tmp/xsan-lun-XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(dir));
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)mib << 20), 0);
	close(fd);
	return path;
}

static void cleanup(void)
{
	if (dir[0])
		nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	dir[0] = '\0';
}

static void poke(const char *path, off_t off, const void *p, size_t len)
{
	int fd = open(path, O_WRONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, p, len, off), (ssize_t)len);
	close(fd);
}

START_TEST(lun_label_image)
{
	const char *img = image("lun0.img", 64);
	struct xsan_lun_info info, again;
	u8 vol[XSAN_LUN_UUID_SIZE];
	char s[XSAN_UUID_STR_LEN + 1];

	ck_assert_int_eq(xsan_lun_probe(img, &info, err, sizeof(err)), 0);
	ck_assert_int_eq(info.state, XSAN_LUN_EMPTY);
	ck_assert_uint_eq(info.sectors, 131072);
	ck_assert_uint_eq(info.sector_size, 512);
	ck_assert_uint_eq(xsan_lun_part_sectors(&info, 0), 126976);
	ck_assert_uint_eq(xsan_lun_part_sectors(&info, 65536), 63488);

	ck_assert_msg(!xsan_lun_label(img, "CvfsDisk0", 0, false, &info, err, sizeof(err)),
		      "%s", err);
	ck_assert_int_eq(info.state, XSAN_LUN_LABELLED);
	ck_assert_str_eq(info.hdr.label, "CvfsDisk0");
	/* 1 MiB in, whole MiBs up to the backup GPT (33 sectors at the end). */
	ck_assert_uint_eq(info.part_start, 2048);
	ck_assert_uint_eq(info.part_sectors, 126976);
	ck_assert_uint_eq(info.hdr.sectors, 126976);
	ck_assert(xsan_lun_uuid_is_zero(info.hdr.volume_uuid));
	ck_assert(!xsan_lun_uuid_is_zero(info.hdr.lun_uuid));

	/* Labelled: refused without force, with the reason. */
	ck_assert_int_eq(xsan_lun_label(img, "Other", 0, false, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, ": already labelled 'CvfsDisk0' (use -f to overwrite)"),
		      "%s", err);

	/* Assign to a volume, read back. */
	xsan_uuid_generate(vol);
	ck_assert_msg(!xsan_lun_assign(img, vol, 2, 5, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(xsan_lun_probe(img, &again, err, sizeof(err)), 0);
	ck_assert_int_eq(again.state, XSAN_LUN_LABELLED);
	ck_assert(!memcmp(again.hdr.volume_uuid, vol, sizeof(vol)));
	ck_assert(!memcmp(again.hdr.lun_uuid, info.hdr.lun_uuid, sizeof(vol)));
	ck_assert_uint_eq(again.hdr.sg_index, 2);
	ck_assert_uint_eq(again.hdr.ordinal, 5);
	xsan_uuid_format(vol, s);
	ck_assert_uint_eq(strlen(s), 36);
	ck_assert_int_eq(s[14], '4');

	/* Relabel with force, limited to the first 32 MiB. */
	ck_assert_msg(!xsan_lun_label(img, "Other", 65536, true, &info, err, sizeof(err)),
		      "%s", err);
	ck_assert_str_eq(info.hdr.label, "Other");
	ck_assert_uint_eq(info.part_sectors, 63488);
	ck_assert(xsan_lun_uuid_is_zero(info.hdr.volume_uuid));
	cleanup();
}
END_TEST

START_TEST(lun_damaged)
{
	const char *img = image("lun1.img", 16);
	struct xsan_lun_info info;
	u8 byte = 0x42;

	ck_assert_msg(!xsan_lun_label(img, "L1", 0, false, &info, err, sizeof(err)), "%s", err);
	poke(img, 2048 * 512 + XSAN_LUN_OFF_SG, &byte, 1);
	ck_assert_int_eq(xsan_lun_probe(img, &info, err, sizeof(err)), 0);
	ck_assert_int_eq(info.state, XSAN_LUN_DAMAGED);
	ck_assert_str_eq(info.what, "bad CRC in the LUN header");
	ck_assert_int_eq(xsan_lun_assign(img, info.hdr.lun_uuid, 0, 0, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "not a labelled xsanfs LUN (bad CRC in the LUN header)"),
		      "%s", err);
	ck_assert_int_eq(xsan_lun_label(img, "L1", 0, false, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "holds a damaged xsanfs label"), "%s", err);
	ck_assert_msg(!xsan_lun_label(img, "L1", 0, true, &info, err, sizeof(err)), "%s", err);
	cleanup();
}
END_TEST

START_TEST(lun_foreign)
{
	const char *img = image("dos.img", 8);
	struct xsan_lun_info info;
	/* An MBR with one Linux partition at 1 MiB: what a stray disk looks like. */
	u8 mbr[512] = { 0 };

	mbr[446 + 4] = 0x83;
	mbr[446 + 8] = 0x00;
	mbr[446 + 9] = 0x08;	/* start LBA 2048 */
	mbr[446 + 12] = 0x00;
	mbr[446 + 13] = 0x08;	/* 2048 sectors */
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	poke(img, 0, mbr, sizeof(mbr));
	ck_assert_int_eq(xsan_lun_probe(img, &info, err, sizeof(err)), 0);
	ck_assert_int_eq(info.state, XSAN_LUN_FOREIGN);
	ck_assert_str_eq(info.what, "a dos partition table");
	ck_assert_int_eq(xsan_lun_label(img, "L2", 0, false, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "dos.img: holds a dos partition table (use -f to overwrite)"),
		      "%s", err);
	ck_assert_msg(!xsan_lun_label(img, "L2", 0, true, &info, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(info.state, XSAN_LUN_LABELLED);
	cleanup();
}
END_TEST

START_TEST(lun_errors)
{
	const char *img = image("tiny.img", 2);
	struct xsan_lun_info info;

	ck_assert_int_eq(xsan_lun_label(img, "L3", 0, false, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "tiny.img: too small for an xsanfs LUN"), "%s", err);
	img = image("ok.img", 8);
	ck_assert_int_eq(xsan_lun_label(img, "bad label", 0, false, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "ok.img: label 'bad label' must be"), "%s", err);
	ck_assert_int_eq(xsan_lun_label(img, "L3", 16385, false, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "ok.img: has 16384 sectors, fewer than the 16385 asked for"),
		      "%s", err);
	ck_assert_int_eq(xsan_lun_probe(dir, &info, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, ": not a block device or a regular file"), "%s", err);
	ck_assert_int_eq(xsan_lun_probe("/nonexistent/x.img", &info, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/nonexistent/x.img: No such file or directory");
	ck_assert(xsan_lun_same_device(img, img));
	cleanup();
}
END_TEST

Suite *lun_suite(void)
{
	Suite *s = suite_create("lun");

	UNIT_ADD(s, lunhdr_round_trip);
	UNIT_ADD(s, lunhdr_every_byte_flip);
	UNIT_ADD(s, lunhdr_truncated);
	UNIT_ADD(s, lunhdr_bad_fields);
	UNIT_ADD(s, lunhdr_unassigned);
	UNIT_ADD(s, lun_label_image);
	UNIT_ADD(s, lun_damaged);
	UNIT_ADD(s, lun_foreign);
	UNIT_ADD(s, lun_errors);
	return s;
}
