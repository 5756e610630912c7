// SPDX-License-Identifier: GPL-2.0
/*
 * The xsanfs LUN header (include/xsanfs/disk.h): encoding, decoding and
 * validation. Compiled unchanged into the kernel module, which checks the
 * header of every LUN it opens, and into the userspace tools, which write
 * it; only the header-picking lines below differ. A LUN is read from a
 * shared SAN that any client can scribble on, so decoding trusts nothing:
 * it never reads past the bytes it was given, checks the CRC before it
 * believes any field, then checks every field.
 */

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#endif

#include "xsanfs/disk.h"

static inline u32 lun_ld32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static inline u64 lun_ld64(const u8 *p)
{
	return (u64)lun_ld32(p) | (u64)lun_ld32(p + 4) << 32;
}

static inline void lun_st32(u8 *p, u32 v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static inline void lun_st64(u8 *p, u64 v)
{
	lun_st32(p, v & 0xffffffffu);
	lun_st32(p + 4, v >> 32);
}

/* CRC32C of @size header bytes, taking the CRC field as zero. */
static u32 lun_hdr_crc(const u8 *p, u32 size)
{
	static const u8 zero[4];
	u32 crc = ~0u;

	crc = xsan_crc32c(crc, p, XSAN_LUN_OFF_CRC);
	crc = xsan_crc32c(crc, zero, sizeof(zero));
	crc = xsan_crc32c(crc, p + XSAN_LUN_OFF_CRC + 4, size - XSAN_LUN_OFF_CRC - 4);
	return ~crc;
}

/**
 * xsan_lun_label_ok() - is this a valid LUN label
 * @label: the characters (need not be NUL terminated)
 * @len: their number
 *
 * The rule of a .cfgx diskLabel: 1 to 36 of [A-Za-z0-9_.-], starting
 * with a letter or digit. Plain ASCII keeps the GPT name (UTF-16) a
 * trivial widening and the label safe to print and to use in
 * /dev/disk/by-partlabel/.
 *
 * Context: any context.
 * Return: true if valid.
 */
bool xsan_lun_label_ok(const char *label, size_t len)
{
	size_t i;

	if (len < 1 || len > XSAN_LUN_LABEL_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = label[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return false;
	}
	return true;
}

/**
 * xsan_lun_uuid_is_zero() - is this uuid all zero (an unassigned LUN)
 * @uuid: XSAN_LUN_UUID_SIZE bytes
 *
 * Context: any context.
 * Return: true if every byte is zero.
 */
bool xsan_lun_uuid_is_zero(const u8 *uuid)
{
	int i;

	for (i = 0; i < XSAN_LUN_UUID_SIZE; i++)
		if (uuid[i])
			return false;
	return true;
}

/**
 * xsan_lun_hdr_check() - check the fields of a header in host order
 * @h: the header
 *
 * The rules both encode and decode apply, so no tool can write a header
 * the kernel would refuse.
 *
 * Context: any context.
 * Return: 0, -EOPNOTSUPP for a version or flag this code does not know,
 * or -EINVAL for any other bad field.
 */
int xsan_lun_hdr_check(const struct xsan_lun_hdr *h)
{
	size_t len = strnlen(h->label, sizeof(h->label));
	unsigned int shift;

	if (h->version != XSAN_LUN_VERSION)
		return h->version > XSAN_LUN_VERSION ? -EOPNOTSUPP : -EINVAL;
	if (h->flags & ~XSAN_LUN_FLAGS_KNOWN)
		return -EOPNOTSUPP;
	if (len == sizeof(h->label) || !xsan_lun_label_ok(h->label, len))
		return -EINVAL;
	if (h->sector_size < XSAN_LUN_SECTOR_MIN || h->sector_size > XSAN_LUN_SECTOR_MAX ||
	    (h->sector_size & (h->sector_size - 1)))
		return -EINVAL;
	/*
	 * The partition must hold the header area, and its byte size a u64.
	 * A shift, not a 64-bit division: 32-bit kernels have no __udivdi3.
	 */
	for (shift = 0; (1u << shift) < h->sector_size; shift++)
		;
	if (h->sectors == 0 || h->sectors > (~(u64)0 >> shift) ||
	    h->sectors << shift < XSAN_LUN_HDR_AREA)
		return -EINVAL;
	if (xsan_lun_uuid_is_zero(h->lun_uuid))
		return -EINVAL;
	/* An unassigned LUN has no place in a volume yet. */
	if (xsan_lun_uuid_is_zero(h->volume_uuid) && (h->sg_index || h->ordinal))
		return -EINVAL;
	return 0;
}

/**
 * xsan_lun_hdr_encode() - write a header in its on-disk form
 * @out: the buffer
 * @cap: its size, at least XSAN_LUN_HDR_SIZE
 * @h: the header
 *
 * Writes XSAN_LUN_HDR_SIZE bytes (reserved bytes zero) with the CRC; the
 * caller zeroes the rest of the XSAN_LUN_HDR_AREA it writes to disk.
 *
 * Context: any context.
 * Return: XSAN_LUN_HDR_SIZE, -EMSGSIZE if @cap is short, or the error of
 * xsan_lun_hdr_check().
 */
int xsan_lun_hdr_encode(void *out, size_t cap, const struct xsan_lun_hdr *h)
{
	u8 *p = out;
	int ret;

	if (cap < XSAN_LUN_HDR_SIZE)
		return -EMSGSIZE;
	ret = xsan_lun_hdr_check(h);
	if (ret)
		return ret;
	memset(p, 0, XSAN_LUN_HDR_SIZE);
	memcpy(p + XSAN_LUN_OFF_MAGIC, XSAN_LUN_MAGIC, XSAN_LUN_MAGIC_LEN);
	lun_st32(p + XSAN_LUN_OFF_VERSION, h->version);
	lun_st32(p + XSAN_LUN_OFF_HDR_SIZE, XSAN_LUN_HDR_SIZE);
	lun_st32(p + XSAN_LUN_OFF_FLAGS, h->flags);
	memcpy(p + XSAN_LUN_OFF_VOLUME, h->volume_uuid, XSAN_LUN_UUID_SIZE);
	memcpy(p + XSAN_LUN_OFF_LUN, h->lun_uuid, XSAN_LUN_UUID_SIZE);
	lun_st64(p + XSAN_LUN_OFF_SECTORS, h->sectors);
	lun_st32(p + XSAN_LUN_OFF_SECTOR_SZ, h->sector_size);
	lun_st32(p + XSAN_LUN_OFF_SG, h->sg_index);
	lun_st32(p + XSAN_LUN_OFF_ORDINAL, h->ordinal);
	memcpy(p + XSAN_LUN_OFF_LABEL, h->label, strlen(h->label));
	lun_st32(p + XSAN_LUN_OFF_CRC, lun_hdr_crc(p, XSAN_LUN_HDR_SIZE));
	return XSAN_LUN_HDR_SIZE;
}

static bool lun_all_zero(const u8 *p, u32 n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/**
 * xsan_lun_hdr_decode() - read and validate a header from disk bytes
 * @in: the bytes read from the start of the partition
 * @have: how many there are (any number; nothing past them is read)
 * @h: filled in on success, left alone otherwise
 *
 * Context: any context.
 * Return: 0; -ENODATA if @in does not start with the xsanfs magic (not an
 * xsanfs LUN); -EBADMSG if @in is shorter than the header or the CRC does
 * not match; -EOPNOTSUPP for a newer version or an unknown flag;
 * -EUCLEAN if the CRC matches but a field is invalid.
 */
int xsan_lun_hdr_decode(const void *in, size_t have, struct xsan_lun_hdr *h)
{
	const u8 *p = in;
	struct xsan_lun_hdr t;
	u32 size;
	int ret;

	if (have < XSAN_LUN_MAGIC_LEN || memcmp(p, XSAN_LUN_MAGIC, XSAN_LUN_MAGIC_LEN))
		return have < XSAN_LUN_MAGIC_LEN ? -EBADMSG : -ENODATA;
	if (have < XSAN_LUN_HDR_SIZE)
		return -EBADMSG;
	/*
	 * The size the CRC covers comes from the header itself; bound it by
	 * the header area before using it, and by what we were given.
	 */
	size = lun_ld32(p + XSAN_LUN_OFF_HDR_SIZE);
	if (size < XSAN_LUN_HDR_SIZE || size > XSAN_LUN_HDR_AREA)
		return -EUCLEAN;
	if (size > have)
		return -EBADMSG;
	if (lun_hdr_crc(p, size) != lun_ld32(p + XSAN_LUN_OFF_CRC))
		return -EBADMSG;

	memset(&t, 0, sizeof(t));
	t.version = lun_ld32(p + XSAN_LUN_OFF_VERSION);
	if (t.version > XSAN_LUN_VERSION)
		return -EOPNOTSUPP;
	/* Version 1 has exactly this size and no non-zero reserved byte. */
	if (size != XSAN_LUN_HDR_SIZE ||
	    lun_ld32(p + XSAN_LUN_OFF_RSVD1) ||
	    !lun_all_zero(p + XSAN_LUN_OFF_RSVD2, XSAN_LUN_HDR_SIZE - XSAN_LUN_OFF_RSVD2))
		return -EUCLEAN;
	t.flags = lun_ld32(p + XSAN_LUN_OFF_FLAGS);
	memcpy(t.volume_uuid, p + XSAN_LUN_OFF_VOLUME, XSAN_LUN_UUID_SIZE);
	memcpy(t.lun_uuid, p + XSAN_LUN_OFF_LUN, XSAN_LUN_UUID_SIZE);
	t.sectors = lun_ld64(p + XSAN_LUN_OFF_SECTORS);
	t.sector_size = lun_ld32(p + XSAN_LUN_OFF_SECTOR_SZ);
	t.sg_index = lun_ld32(p + XSAN_LUN_OFF_SG);
	t.ordinal = lun_ld32(p + XSAN_LUN_OFF_ORDINAL);

	/* The label field: the label, then NULs only, at least 4 of them. */
	memcpy(t.label, p + XSAN_LUN_OFF_LABEL, XSAN_LUN_LABEL_MAX);
	t.label[XSAN_LUN_LABEL_MAX] = '\0';
	if (!lun_all_zero(p + XSAN_LUN_OFF_LABEL + strlen(t.label),
			  XSAN_LUN_LABEL_FIELD - (u32)strlen(t.label)))
		return -EUCLEAN;

	ret = xsan_lun_hdr_check(&t);
	if (ret)
		return ret == -EINVAL ? -EUCLEAN : ret;
	*h = t;
	return 0;
}
