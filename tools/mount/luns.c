// SPDX-License-Identifier: GPL-2.0
/*
 * LUN resolution for mount.xsanfs (see luns.h). Every whole disk of this
 * host is probed with libblkid; each GPT partition of the xsanfs type
 * whose LUN header (decoded by fs/lunhdr.c, as the kernel will) is valid,
 * agrees with the partition name and carries the volume's uuid is one of
 * its LUNs; its partition device is passed to the kernel as lun=PATH. A
 * disk that cannot be read (mount run without privilege, a busy device)
 * is counted, not reported: nothing is refused here, the kernel names
 * the LUN it misses.
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
 * The partition device of partition @partno of whole disk @disk
 * ("/dev/sdb"): the child of /sys/block/DISK whose "partition" file holds
 * @partno, as /dev/CHILD. 0, or -1 if there is none.
 */
static int xmount_part_path(const char *disk, int partno, char *out,
			    size_t outlen)
{
	char dir[300], file[600], *c;
	struct dirent *de;
	int ret = -1;
	DIR *d;

	if (strncmp(disk, "/dev/", 5))
		return -1;
	snprintf(dir, sizeof(dir), "/sys/block/%s", disk + 5);
	for (c = dir + 11; *c; c++)
		if (*c == '/')
			*c = '!';
	d = opendir(dir);
	if (!d)
		return -1;
	while (ret && (de = readdir(d))) {
		FILE *f;
		int n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s/partition", dir, de->d_name);
		f = fopen(file, "re");
		if (!f)
			continue;
		if (fscanf(f, "%d", &n) == 1 && n == partno &&
		    (size_t)snprintf(out, outlen, "/dev/%s", de->d_name) < outlen) {
			for (c = out + 5; *c; c++)
				if (*c == '!')
					*c = '/';
			ret = 0;
		}
		fclose(f);
	}
	closedir(d);
	return ret;
}

/* Append a copy of @path to @list; 0 or -1. */
static int xmount_lun_list_add(struct xmount_lun_list *list, const char *path)
{
	char **v = realloc(list->paths, (list->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	list->paths = v;
	v[list->n] = strdup(path);
	if (!v[list->n])
		return -1;
	list->n++;
	return 0;
}

/**
 * xmount_lun_list_free() - free what xmount_luns_find() found
 * @list: the list (left empty)
 */
void xmount_lun_list_free(struct xmount_lun_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		free(list->paths[i]);
	free(list->paths);
	list->paths = NULL;
	list->n = 0;
}

/*
 * The LUNs of the volume on one device: 0 (lines printed, *found
 * counted, partition devices added to @list if not NULL) or -1 if the
 * device could not be opened or probed.
 */
static int xmount_luns_probe(const char *path, const uint8_t *volume_uuid,
			     FILE *out, size_t *found,
			     struct xmount_lun_list *list)
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
		if (list) {
			char part[320];

			if (xmount_part_path(path, blkid_partition_get_partno(par),
					     part, sizeof(part))) {
				if (out)
					fprintf(out, "mount.xsanfs: LUN %s: no device node for %s partition %d\n",
						hdr.label, path,
						blkid_partition_get_partno(par));
			} else if (xmount_lun_list_add(list, part)) {
				ret = -1;
				break;
			}
		}
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
		if (xmount_luns_probe(paths[i], volume_uuid, out, &res->found,
				      NULL))
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
 * xmount_luns_find() - the partitions of this host that are LUNs of a volume
 * @volume: its name, for the summary line
 * @volume_uuid: its uuid (the name service's answer, or AUTH's)
 * @out: where a line per LUN goes (-v), or NULL
 * @list: filled with "/dev/PARTITION" paths, one per LUN found
 *
 * Return: 0, or -1 if out of memory. Finding nothing is not an error:
 * the kernel names the LUN it misses.
 */
int xmount_luns_find(const char *volume, const uint8_t *volume_uuid, FILE *out,
		     struct xmount_lun_list *list)
{
	struct xmount_lun_scan res = { 0 };
	char **paths;
	size_t i, n = xmount_disks(&paths);
	int ret = 0;

	list->paths = NULL;
	list->n = 0;
	for (i = 0; i < n; i++) {
		res.checked++;
		if (xmount_luns_probe(paths[i], volume_uuid, out, &res.found, list))
			res.unreadable++;
	}
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	if (!res.found && out)
		fprintf(out, "mount.xsanfs: no LUN of volume %s on this host (%zu disks checked, %zu could not be read)\n",
			volume, res.checked, res.unreadable);
	return ret;
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
