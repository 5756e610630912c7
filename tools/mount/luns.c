// SPDX-License-Identifier: GPL-2.0
/*
 * LUN resolution for mount.xsanfs (see luns.h). Every whole disk of this
 * host is probed with libblkid; each GPT partition of the xsanfs type
 * whose LUN header (decoded by fs/lunhdr.c, as the kernel will) is valid,
 * agrees with the partition name and carries the volume's uuid is one of
 * its LUNs. A disk that cannot be read (mount run without privilege, a
 * busy device) is counted, not reported: nothing is refused here yet.
 *
 * This reads only, with libblkid alone: tools/lib/lun.c also writes
 * labels and needs libfdisk, which a client (and the QEMU guests) need
 * not have.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <blkid/blkid.h>

#include "luns.h"
#include "xsanfs/disk.h"

/* Read exactly @len bytes at @off; 0 or -1. */
static int xmount_read_at(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/*
 * The LUNs of the volume on one device: 0 (lines printed, *found
 * counted) or -1 if the device could not be opened or probed.
 */
static int xmount_luns_probe(const char *path, const uint8_t *volume_uuid,
			     FILE *out, size_t *found)
{
	static uint8_t area[XSAN_LUN_HDR_AREA];
	struct xsan_lun_hdr hdr;
	blkid_probe pr;
	blkid_partlist ls;
	int fd, i, n, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	pr = blkid_new_probe();
	if (!pr || blkid_probe_set_device(pr, fd, 0, 0))
		goto out;
	ret = 0;
	ls = blkid_probe_get_partitions(pr);
	n = ls ? blkid_partlist_numof_partitions(ls) : 0;
	for (i = 0; i < n; i++) {
		blkid_partition par = blkid_partlist_get_partition(ls, i);
		const char *type = par ? blkid_partition_get_type_string(par) : NULL;
		const char *name;
		uint64_t start;

		if (!type || strcasecmp(type, XSAN_LUN_PART_TYPE))
			continue;
		/* libblkid counts in 512-byte sectors, whatever the device's. */
		start = (uint64_t)blkid_partition_get_start(par) * 512;
		name = blkid_partition_get_name(par);
		if (xmount_read_at(fd, area, sizeof(area), start) ||
		    xsan_lun_hdr_decode(area, sizeof(area), &hdr) ||
		    !name || strcmp(name, hdr.label) ||
		    memcmp(hdr.volume_uuid, volume_uuid, XSAN_LUN_UUID_SIZE))
			continue;
		(*found)++;
		if (out)
			fprintf(out,
				"mount.xsanfs: LUN %s is %s partition %d (stripe group %u, disk %u)\n",
				hdr.label, path, blkid_partition_get_partno(par),
				hdr.sg_index, hdr.ordinal);
	}
out:
	blkid_free_probe(pr);
	close(fd);
	return ret;
}

/**
 * xmount_luns_scan() - which of @paths hold LUNs of a volume
 * @volume_uuid: the volume's uuid (XSAN_LUN_UUID_SIZE bytes)
 * @paths: devices or image files to probe
 * @n: how many
 * @out: where a line per LUN found goes, or NULL
 * @res: the counts
 */
void xmount_luns_scan(const uint8_t *volume_uuid, char *const *paths, size_t n,
		      FILE *out, struct xmount_lun_scan *res)
{
	size_t i;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < n; i++) {
		res->checked++;
		if (xmount_luns_probe(paths[i], volume_uuid, out, &res->found))
			res->unreadable++;
	}
}

static int xmount_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The whole disks of this host: /sys/block entries with a block device
 * node, sorted. Returns the count; *@paths is NULL when there are none.
 */
static size_t xmount_disks(char ***paths)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	char **v = NULL, **nv;
	size_t cnt = 0;

	*paths = NULL;
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char dev[300], *c;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		/* The kernel writes '/' in a device name as '!' (cciss!c0d0). */
		snprintf(dev, sizeof(dev), "/dev/%s", de->d_name);
		for (c = dev + 5; *c; c++)
			if (*c == '!')
				*c = '/';
		if (stat(dev, &st) || !S_ISBLK(st.st_mode))
			continue;
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[cnt] = strdup(dev);
		if (!v[cnt])
			break;
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), xmount_cmp_str);
	*paths = v;
	return cnt;
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
	char **paths;
	size_t i, n = xmount_disks(&paths);

	xmount_luns_scan(volume_uuid, paths, n, out, &res);
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	if (!res.found)
		fprintf(out, "mount.xsanfs: no LUN of volume %s on this host (%zu disks checked, %zu could not be read)\n",
			volume, res.checked, res.unreadable);
	return (int)res.found;
}
