/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LUNs as the tools see them: probing a device (a block device, or a
 * regular image file in tests and for QEMU), labelling it (a GPT written
 * with libfdisk, one partition named after the label, then the LUN header
 * of include/xsanfs/disk.h at the partition start), assigning a labelled
 * LUN to a volume, and finding the candidate devices of this host.
 *
 * Every function that can fail returns 0 or -1 with a message in @err
 * that starts "DEVICE: " (the house convention of tools/lib/config.h).
 */
#ifndef XSAN_TOOLS_LUN_H
#define XSAN_TOOLS_LUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xsanfs/disk.h"

#define XSAN_UUID_STR_LEN	36	/* without the NUL */

enum xsan_lun_state {
	XSAN_LUN_EMPTY,		/* no partition table, no known signature */
	XSAN_LUN_FOREIGN,	/* something else lives here: see @what */
	XSAN_LUN_LABELLED,	/* a valid xsanfs LUN: see @hdr */
	XSAN_LUN_DAMAGED,	/* our partition type, but: see @what */
};

/**
 * struct xsan_lun_info - what probing found on a device
 * @path: the device as given
 * @is_blk: a block device (else a regular file)
 * @bytes: size of the whole device
 * @sector_size: its logical sector size (512 for a file)
 * @sectors: @bytes / @sector_size
 * @state: see enum xsan_lun_state
 * @what: for FOREIGN and DAMAGED, a phrase for a message ("a dos
 *	partition table", "bad CRC in the LUN header")
 * @part_start: first sector of the xsanfs partition (@sector_size units)
 * @part_sectors: its length
 * @hdr: the LUN header, when LABELLED
 */
struct xsan_lun_info {
	char path[4096];
	bool is_blk;
	uint64_t bytes;
	uint32_t sector_size;
	uint64_t sectors;
	enum xsan_lun_state state;
	char what[160];
	uint64_t part_start;
	uint64_t part_sectors;
	struct xsan_lun_hdr hdr;
};

int xsan_lun_probe(const char *path, struct xsan_lun_info *out, char *err, size_t errlen);

/*
 * Write a GPT and an unassigned LUN header labelled @label to @path.
 * @limit: if not 0, use only the first @limit sectors of the device.
 * Refuses a device that is not EMPTY unless @force. On success @out (if
 * not NULL) holds the device as probed afterwards.
 */
int xsan_lun_label(const char *path, const char *label, uint64_t limit, bool force,
		   struct xsan_lun_info *out, char *err, size_t errlen);

/* The partition sectors xsan_lun_label() would give @info; 0: too small. */
uint64_t xsan_lun_part_sectors(const struct xsan_lun_info *info, uint64_t limit);

/*
 * Make the labelled LUN at @path member @ordinal of stripe group @sg of
 * the volume @volume_uuid (XSAN_LUN_UUID_SIZE bytes; all zero releases
 * it). Rewrites only the LUN header.
 */
int xsan_lun_assign(const char *path, const uint8_t *volume_uuid, uint32_t sg,
		    uint32_t ordinal, char *err, size_t errlen);

/*
 * The block devices of this host (/sys/block, whole disks of non-zero
 * size), sorted by name. Free with xsan_lun_free_list().
 */
int xsan_lun_candidates(char ***paths, size_t *n, char *err, size_t errlen);
void xsan_lun_free_list(char **paths, size_t n);

/* True if @a and @b are the same device or file (stat identity). */
bool xsan_lun_same_device(const char *a, const char *b);

void xsan_uuid_generate(uint8_t *uuid);
void xsan_uuid_format(const uint8_t *uuid, char *out);	/* XSAN_UUID_STR_LEN + 1 */

/* "64.0 MiB": @bytes in binary units, into @out of @len bytes. */
void xsan_size_format(uint64_t bytes, char *out, size_t len);

#endif /* XSAN_TOOLS_LUN_H */
