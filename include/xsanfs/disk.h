/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xsanfs on-disk format of a LUN: the GPT partition type and the LUN
 * header at the start of that partition. Shared verbatim by the kernel
 * module (which checks every LUN header against the MDC's disk table at
 * mount) and the userspace tools (xsanlabel, mkfs.xsanfs), through one C
 * file, fs/lunhdr.c. The structure here is host order; the bytes on disk
 * are little-endian at the fixed offsets below, which
 * Documentation/disk-format.rst describes byte by byte.
 */
#ifndef _XSANFS_DISK_H
#define _XSANFS_DISK_H

#include "xsanfs/codec.h"

/*
 * GPT partition type GUID of an xsanfs LUN. Generated once at random for
 * xsanfs (not an Apple or Quantum type: the format is our own). Never
 * change it: it is how blkid, lsblk and the tools tell our partitions.
 */
#define XSAN_LUN_PART_TYPE	"534f8665-01ae-4f1d-b5b4-f976fbb6b450"

/*
 * The header is XSAN_LUN_HDR_SIZE bytes at offset 0 of the partition; it
 * is written as the first XSAN_LUN_HDR_AREA bytes (the rest zero) so one
 * aligned 4 KiB write replaces it on any sector size up to 4096. User
 * data starts at XSAN_LUN_DATA_OFFSET, leaving room for later metadata
 * (a backup header, reservations) without moving data.
 */
#define XSAN_LUN_HDR_SIZE	256u
#define XSAN_LUN_HDR_AREA	4096u
#define XSAN_LUN_DATA_OFFSET	(1024u * 1024u)

#define XSAN_LUN_MAGIC		"XSANFSLU"	/* 8 bytes, no NUL on disk */
#define XSAN_LUN_MAGIC_LEN	8
#define XSAN_LUN_VERSION	1

#define XSAN_LUN_UUID_SIZE	16
#define XSAN_LUN_LABEL_MAX	36	/* characters: a GPT partition name */
#define XSAN_LUN_LABEL_FIELD	40	/* bytes on disk, NUL padded */

#define XSAN_LUN_SECTOR_MIN	512u
#define XSAN_LUN_SECTOR_MAX	65536u

/* No flag is defined in version 1; a set bit is a format this code does not know. */
#define XSAN_LUN_FLAGS_KNOWN	0u

/* Byte offsets inside the header (version 1). */
#define XSAN_LUN_OFF_MAGIC	0	/* 8 bytes */
#define XSAN_LUN_OFF_VERSION	8	/* u32 */
#define XSAN_LUN_OFF_HDR_SIZE	12	/* u32 */
#define XSAN_LUN_OFF_CRC	16	/* u32 */
#define XSAN_LUN_OFF_FLAGS	20	/* u32 */
#define XSAN_LUN_OFF_VOLUME	24	/* 16 bytes */
#define XSAN_LUN_OFF_LUN	40	/* 16 bytes */
#define XSAN_LUN_OFF_SECTORS	56	/* u64 */
#define XSAN_LUN_OFF_SECTOR_SZ	64	/* u32 */
#define XSAN_LUN_OFF_SG	68	/* u32 */
#define XSAN_LUN_OFF_ORDINAL	72	/* u32 */
#define XSAN_LUN_OFF_RSVD1	76	/* u32, zero */
#define XSAN_LUN_OFF_LABEL	80	/* 40 bytes */
#define XSAN_LUN_OFF_RSVD2	120	/* to XSAN_LUN_HDR_SIZE, zero */

/**
 * struct xsan_lun_hdr - the LUN header in host order
 * @version: format version (XSAN_LUN_VERSION)
 * @flags: XSAN_LUN_F_* (none yet)
 * @volume_uuid: the volume this LUN belongs to; all zero = labelled but
 *	not yet part of a volume
 * @lun_uuid: this LUN, also its GPT partition's unique GUID
 * @sectors: size of the partition in @sector_size units
 * @sector_size: logical sector size of the device, 512..65536, power of 2
 * @sg_index: stripe group index in the volume (0 while unassigned)
 * @ordinal: position within the stripe group (0 while unassigned)
 * @label: the label, also the GPT partition name, NUL terminated
 */
struct xsan_lun_hdr {
	u32 version;
	u32 flags;
	u8 volume_uuid[XSAN_LUN_UUID_SIZE];
	u8 lun_uuid[XSAN_LUN_UUID_SIZE];
	u64 sectors;
	u32 sector_size;
	u32 sg_index;
	u32 ordinal;
	char label[XSAN_LUN_LABEL_MAX + 1];
};

bool xsan_lun_label_ok(const char *label, size_t len);
bool xsan_lun_uuid_is_zero(const u8 *uuid);
int xsan_lun_hdr_check(const struct xsan_lun_hdr *h);
int xsan_lun_hdr_encode(void *out, size_t cap, const struct xsan_lun_hdr *h);
int xsan_lun_hdr_decode(const void *in, size_t have, struct xsan_lun_hdr *h);

#endif /* _XSANFS_DISK_H */
