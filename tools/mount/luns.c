// SPDX-License-Identifier: GPL-2.0
/*
 * LUN resolution for mount.xsanfs (see luns.h). Every whole disk of this
 * host is probed with libblkid; a GPT with our one partition and a valid
 * LUN header whose volume uuid is the volume's is one of its LUNs. A disk
 * that cannot be read (mount run without privilege, a busy device) is
 * counted, not reported: nothing is refused here yet.
 */

#include <string.h>

#include "lun.h"
#include "luns.h"

/**
 * xmount_luns_scan() - which of @paths are LUNs of a volume
 * @volume_uuid: the volume's uuid (XSAN_LUN_UUID_SIZE bytes)
 * @paths: devices or image files to probe
 * @n: how many
 * @out: where a line per LUN found goes, or NULL
 * @res: the counts
 */
void xmount_luns_scan(const uint8_t *volume_uuid, char *const *paths, size_t n,
		      FILE *out, struct xmount_lun_scan *res)
{
	struct xsan_lun_info info;
	char err[256];
	size_t i;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < n; i++) {
		res->checked++;
		if (xsan_lun_probe(paths[i], &info, err, sizeof(err))) {
			res->unreadable++;
			continue;
		}
		if (info.state != XSAN_LUN_LABELLED ||
		    memcmp(info.hdr.volume_uuid, volume_uuid, XSAN_LUN_UUID_SIZE))
			continue;
		res->found++;
		if (out)
			fprintf(out,
				"mount.xsanfs: LUN %s is %s (partition at sector %llu, stripe group %u, disk %u)\n",
				info.hdr.label, paths[i],
				(unsigned long long)info.part_start,
				info.hdr.sg_index, info.hdr.ordinal);
	}
}

/**
 * xmount_luns_show() - print this host's LUNs of a volume (-v)
 * @volume: its name, for the summary line
 * @volume_uuid: its uuid, from the name service
 * @out: where the lines go
 *
 * Return: how many LUNs were found; a host without any still mounts (the
 * data path will say what is missing).
 */
int xmount_luns_show(const char *volume, const uint8_t *volume_uuid, FILE *out)
{
	struct xmount_lun_scan res;
	char **paths, err[256];
	size_t n;

	if (xsan_lun_candidates(&paths, &n, err, sizeof(err))) {
		fprintf(out, "mount.xsanfs: cannot list the disks of this host: %s\n", err);
		return 0;
	}
	xmount_luns_scan(volume_uuid, paths, n, out, &res);
	xsan_lun_free_list(paths, n);
	if (!res.found)
		fprintf(out, "mount.xsanfs: no LUN of volume %s on this host (%zu disks checked, %zu could not be read)\n",
			volume, res.checked, res.unreadable);
	return (int)res.found;
}
