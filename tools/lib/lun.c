// SPDX-License-Identifier: GPL-2.0
/*
 * LUN labelling and probing for the tools (see lun.h). libfdisk writes the
 * GPT, so the table, its backup, the protective MBR and their CRCs are
 * exactly what util-linux would write; libblkid reads it back, the same
 * probe lsblk and udev use, so what xsanlabel -l shows is what
 * /dev/disk/by-partlabel/ shows. Our own bytes are only the LUN header,
 * encoded by fs/lunhdr.c, the code the kernel uses to check it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <blkid/blkid.h>
#include <libfdisk/libfdisk.h>

#include "lun.h"
#include "util.h"

/**
 * xsan_uuid_generate() - a random (version 4) uuid
 * @uuid: XSAN_LUN_UUID_SIZE bytes
 *
 * getrandom() without flags only blocks before the kernel's pool is first
 * initialised, which is long past by the time anyone labels a disk.
 */
void xsan_uuid_generate(uint8_t *uuid)
{
	size_t got = 0;

	while (got < XSAN_LUN_UUID_SIZE) {
		ssize_t n = getrandom(uuid + got, XSAN_LUN_UUID_SIZE - got, 0);

		if (n < 0 && errno != EINTR)
			abort();	/* ENOSYS only: no kernel we build for */
		if (n > 0)
			got += (size_t)n;
	}
	uuid[6] = (uuid[6] & 0x0f) | 0x40;
	uuid[8] = (uuid[8] & 0x3f) | 0x80;
}

/* The canonical text form, bytes in the order stored (RFC 4122). */
void xsan_uuid_format(const uint8_t *uuid, char *out)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < XSAN_LUN_UUID_SIZE; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*out++ = '-';
		*out++ = hex[uuid[i] >> 4];
		*out++ = hex[uuid[i] & 15];
	}
	*out = '\0';
}

void xsan_size_format(uint64_t bytes, char *out, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, len, "%llu B", (unsigned long long)bytes);
	else
		snprintf(out, len, "%.1f %s", v, unit[u]);
}

bool xsan_lun_same_device(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) || stat(b, &sb))
		return false;
	if (S_ISBLK(sa.st_mode) && S_ISBLK(sb.st_mode))
		return sa.st_rdev == sb.st_rdev;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Read exactly @len bytes at @off; a short read of a device is an error. */
static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static const char *hdr_problem(int ret)
{
	switch (ret) {
	case -ENODATA:
		return "no LUN header at the partition start";
	case -EBADMSG:
		return "bad CRC in the LUN header";
	case -EOPNOTSUPP:
		return "a LUN header of a newer format than this tool knows";
	default:
		return "an invalid field in the LUN header";
	}
}

/*
 * The partition table: an xsanfs LUN is a GPT whose only partition has
 * our type. Anything else on a GPT is someone else's disk.
 */
static int probe_gpt(int fd, struct xsan_lun_info *out, char *err, size_t errlen)
{
	uint8_t area[XSAN_LUN_HDR_AREA];
	char want_uuid[XSAN_UUID_STR_LEN + 1];
	blkid_probe pr = blkid_new_probe();
	blkid_partlist ls;
	blkid_partition par;
	const char *type, *name, *uuid;
	uint64_t start, size;
	int n, ret;

	if (!pr || blkid_probe_set_device(pr, fd, 0, 0)) {
		xsan_seterr(err, errlen, "%s: cannot probe: %s", out->path, strerror(errno));
		blkid_free_probe(pr);
		return -1;
	}
	ls = blkid_probe_get_partitions(pr);
	n = ls ? blkid_partlist_numof_partitions(ls) : -1;
	if (n < 0) {
		out->state = XSAN_LUN_DAMAGED;
		snprintf(out->what, sizeof(out->what), "an unreadable GPT");
		goto out;
	}
	par = n == 1 ? blkid_partlist_get_partition(ls, 0) : NULL;
	type = par ? blkid_partition_get_type_string(par) : NULL;
	if (!type || strcasecmp(type, XSAN_LUN_PART_TYPE)) {
		out->state = XSAN_LUN_FOREIGN;
		snprintf(out->what, sizeof(out->what), "a gpt partition table with %d partition%s",
			 n, n == 1 ? "" : "s");
		goto out;
	}

	/* libblkid counts partitions in 512-byte sectors, whatever the device's. */
	start = (uint64_t)blkid_partition_get_start(par) * 512;
	size = (uint64_t)blkid_partition_get_size(par) * 512;
	name = blkid_partition_get_name(par);
	uuid = blkid_partition_get_uuid(par);
	out->part_start = start / out->sector_size;
	out->part_sectors = size / out->sector_size;
	out->state = XSAN_LUN_DAMAGED;
	if (size < XSAN_LUN_HDR_AREA || start + XSAN_LUN_HDR_AREA > out->bytes) {
		snprintf(out->what, sizeof(out->what), "an xsanfs partition too small for its header");
		goto out;
	}
	if (read_at(fd, area, sizeof(area), start)) {
		xsan_seterr(err, errlen, "%s: cannot read the LUN header: %s", out->path,
			    strerror(errno));
		blkid_free_probe(pr);
		return -1;
	}
	ret = xsan_lun_hdr_decode(area, sizeof(area), &out->hdr);
	if (ret) {
		snprintf(out->what, sizeof(out->what), "%s", hdr_problem(ret));
		goto out;
	}
	/* The GPT and the header say the same thing twice; they must agree. */
	xsan_uuid_format(out->hdr.lun_uuid, want_uuid);
	if (!name || strcmp(name, out->hdr.label))
		snprintf(out->what, sizeof(out->what),
			 "GPT partition name '%.40s' differs from the LUN header label '%s'",
			 name ? name : "", out->hdr.label);
	else if (out->hdr.sector_size != out->sector_size)
		snprintf(out->what, sizeof(out->what),
			 "LUN header says %u-byte sectors, the device has %u",
			 out->hdr.sector_size, out->sector_size);
	else if (out->hdr.sectors * out->hdr.sector_size != size)
		snprintf(out->what, sizeof(out->what),
			 "GPT partition size differs from the LUN header's");
	else if (!uuid || strcasecmp(uuid, want_uuid))
		snprintf(out->what, sizeof(out->what),
			 "GPT partition GUID differs from the LUN uuid %s", want_uuid);
	else
		out->state = XSAN_LUN_LABELLED;
out:
	if (out->state != XSAN_LUN_LABELLED)
		memset(&out->hdr, 0, sizeof(out->hdr));
	blkid_free_probe(pr);
	return 0;
}

/**
 * xsan_lun_probe() - what is on a device
 * @path: a block device or a regular image file
 * @out: filled in (also on failure, as far as it got)
 * @err: error buffer
 * @errlen: its size
 *
 * Only reads. A device that holds something we do not recognise as ours
 * is not an error: it is reported as FOREIGN or DAMAGED.
 *
 * Return: 0, or -1 if the device cannot be opened or read.
 */
int xsan_lun_probe(const char *path, struct xsan_lun_info *out, char *err, size_t errlen)
{
	blkid_probe pr = NULL;
	const char *v;
	struct stat st;
	int fd, rc, ret = -1;
	blkid_loff_t bytes;

	memset(out, 0, sizeof(*out));
	if (strlen(path) >= sizeof(out->path)) {
		xsan_seterr(err, errlen, "%.64s...: path too long", path);
		return -1;
	}
	strcpy(out->path, path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		xsan_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !(S_ISBLK(st.st_mode) || S_ISREG(st.st_mode))) {
		xsan_seterr(err, errlen, "%s: not a block device or a regular file", path);
		goto out;
	}
	out->is_blk = S_ISBLK(st.st_mode);
	pr = blkid_new_probe();
	if (!pr || blkid_probe_set_device(pr, fd, 0, 0)) {
		xsan_seterr(err, errlen, "%s: cannot probe: %s", path, strerror(errno));
		goto out;
	}
	bytes = blkid_probe_get_size(pr);
	out->sector_size = blkid_probe_get_sectorsize(pr);
	if (bytes <= 0 || out->sector_size < XSAN_LUN_SECTOR_MIN ||
	    out->sector_size > XSAN_LUN_SECTOR_MAX ||
	    (out->sector_size & (out->sector_size - 1))) {
		xsan_seterr(err, errlen, "%s: empty, or an unusable sector size (%u)", path,
			    out->sector_size);
		goto out;
	}
	out->bytes = (uint64_t)bytes;
	out->sectors = out->bytes / out->sector_size;

	/* Any signature at all (filesystem, RAID member, partition table). */
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
	blkid_probe_enable_partitions(pr, 1);
	rc = blkid_do_safeprobe(pr);
	if (rc == -1) {
		xsan_seterr(err, errlen, "%s: cannot probe: %s", path,
			    errno ? strerror(errno) : "read error");
		goto out;
	}
	if (rc == -2) {
		out->state = XSAN_LUN_FOREIGN;
		snprintf(out->what, sizeof(out->what), "several conflicting signatures");
	} else if (rc == 1) {
		out->state = XSAN_LUN_EMPTY;
	} else if (!blkid_probe_lookup_value(pr, "PTTYPE", &v, NULL)) {
		if (strcmp(v, "gpt")) {
			out->state = XSAN_LUN_FOREIGN;
			snprintf(out->what, sizeof(out->what), "a %.32s partition table", v);
		} else if (probe_gpt(fd, out, err, errlen)) {
			goto out;
		}
	} else if (!blkid_probe_lookup_value(pr, "TYPE", &v, NULL)) {
		out->state = XSAN_LUN_FOREIGN;
		snprintf(out->what, sizeof(out->what), "a %.32s signature", v);
	} else {
		out->state = XSAN_LUN_FOREIGN;
		snprintf(out->what, sizeof(out->what), "an unknown signature");
	}
	ret = 0;
out:
	blkid_free_probe(pr);
	close(fd);
	return ret;
}

/* Why @info may not be (re)labelled without force; NULL if it may. */
static const char *refusal(const struct xsan_lun_info *info, char *buf, size_t len)
{
	switch (info->state) {
	case XSAN_LUN_EMPTY:
		return NULL;
	case XSAN_LUN_LABELLED:
		snprintf(buf, len, "already labelled '%s'", info->hdr.label);
		break;
	case XSAN_LUN_FOREIGN:
		snprintf(buf, len, "holds %s", info->what);
		break;
	case XSAN_LUN_DAMAGED:
		snprintf(buf, len, "holds a damaged xsanfs label (%s)", info->what);
		break;
	}
	return buf;
}

/* A block device that is mounted or held (RAID, LVM, dm) opens EBUSY with O_EXCL. */
static int check_not_busy(const struct xsan_lun_info *info, char *err, size_t errlen)
{
	int fd;

	if (!info->is_blk)
		return 0;
	fd = open(info->path, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0) {
		xsan_seterr(err, errlen, "%s: %s", info->path, errno == EBUSY ?
			    "in use (mounted, or held by another driver)" : strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* Write one XSAN_LUN_HDR_AREA at byte @off and make it durable. */
static int write_area(const struct xsan_lun_info *info, uint64_t off, const void *buf,
		      char *err, size_t errlen)
{
	size_t done = 0;
	int fd;

	fd = open(info->path, O_WRONLY | O_CLOEXEC | (info->is_blk ? O_EXCL : 0));
	if (fd < 0) {
		xsan_seterr(err, errlen, "%s: cannot open for writing: %s", info->path,
			    strerror(errno));
		return -1;
	}
	while (done < XSAN_LUN_HDR_AREA) {
		ssize_t n = pwrite(fd, (const char *)buf + done, XSAN_LUN_HDR_AREA - done,
				   (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			xsan_seterr(err, errlen, "%s: cannot write the LUN header: %s",
				    info->path, n ? strerror(errno) : "short write");
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	if (fsync(fd) || close(fd)) {
		xsan_seterr(err, errlen, "%s: cannot write the LUN header: %s", info->path,
			    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The GPT: one partition, starting at 1 MiB and ending on the last whole
 * MiB before the backup table (or before @limit), so that both ends are
 * aligned for any RAID stripe of up to 1 MiB. Returns the partition in
 * device sectors.
 */
static int write_gpt(const struct xsan_lun_info *info, const char *label, uint64_t limit,
		     const uint8_t *lun_uuid, uint64_t *start, uint64_t *nsect,
		     char *err, size_t errlen)
{
	char uuid[XSAN_UUID_STR_LEN + 1];
	struct fdisk_context *cxt = fdisk_new_context();
	struct fdisk_partition *pa = NULL;
	struct fdisk_parttype *type = NULL;
	fdisk_sector_t first, last, grain;
	const char *step = "open for writing";
	int rc = -ENOMEM;

	if (!cxt)
		goto fail;
	rc = fdisk_assign_device(cxt, info->path, 0);
	if (rc)
		goto fail;
	/* Old filesystem and RAID signatures would confuse blkid later. */
	fdisk_enable_wipe(cxt, 1);
	step = "create a GPT";
	rc = fdisk_create_disklabel(cxt, "gpt");
	if (rc)
		goto fail;
	if (fdisk_get_sector_size(cxt) != info->sector_size) {
		rc = -EIO;
		goto fail;
	}
	grain = XSAN_LUN_DATA_OFFSET / info->sector_size;
	first = (fdisk_get_first_lba(cxt) + grain - 1) / grain * grain;
	last = fdisk_get_last_lba(cxt);
	if (limit && limit - 1 < last)
		last = limit - 1;
	/* Room for the header's MiB and at least one MiB of data. */
	if (last < first || (last + 1 - first) / grain < 2) {
		xsan_seterr(err, errlen, "%s: too small for an xsanfs LUN (needs at least 4 MiB)",
			    info->path);
		fdisk_unref_context(cxt);
		return -1;
	}
	*start = first;
	*nsect = (last + 1 - first) / grain * grain;

	step = "add the partition";
	xsan_uuid_format(lun_uuid, uuid);
	pa = fdisk_new_partition();
	type = fdisk_new_parttype();
	rc = -ENOMEM;
	if (!pa || !type)
		goto fail;
	rc = fdisk_parttype_set_typestr(type, XSAN_LUN_PART_TYPE);
	if (!rc)
		rc = fdisk_partition_set_type(pa, type);
	if (!rc)
		rc = fdisk_partition_set_partno(pa, 0);
	if (!rc)
		rc = fdisk_partition_set_start(pa, *start);
	if (!rc)
		rc = fdisk_partition_set_size(pa, *nsect);
	if (!rc)
		rc = fdisk_partition_set_name(pa, label);
	if (!rc)
		rc = fdisk_partition_set_uuid(pa, uuid);
	if (!rc)
		rc = fdisk_add_partition(cxt, pa, NULL);
	if (rc)
		goto fail;
	step = "write the GPT";
	rc = fdisk_write_disklabel(cxt);
	if (rc)
		goto fail;
	/* The kernel's view of the partitions; a busy disk keeps the old one. */
	if (info->is_blk)
		fdisk_reread_partition_table(cxt);
	step = "sync";
	rc = fdisk_deassign_device(cxt, 0);
	if (rc)
		goto fail;
	fdisk_unref_partition(pa);
	fdisk_unref_parttype(type);
	fdisk_unref_context(cxt);
	return 0;
fail:
	xsan_seterr(err, errlen, "%s: cannot %s: %s", info->path, step,
		    strerror(rc < 0 ? -rc : EIO));
	fdisk_unref_partition(pa);
	fdisk_unref_parttype(type);
	fdisk_unref_context(cxt);
	return -1;
}

/**
 * xsan_lun_part_sectors() - the partition size labelling would give
 * @info: a probed device
 * @limit: as for xsan_lun_label()
 *
 * The arithmetic of write_gpt() done without libfdisk, so mkfs.xsanfs -n
 * can check sizes before anything is written: a GPT's backup occupies the
 * last sector and the 16 KiB entry array before it.
 *
 * Return: the partition's sectors, or 0 if the device is too small.
 */
uint64_t xsan_lun_part_sectors(const struct xsan_lun_info *info, uint64_t limit)
{
	uint64_t grain = XSAN_LUN_DATA_OFFSET / info->sector_size;
	uint64_t backup = 1 + (16384 + info->sector_size - 1) / info->sector_size;
	uint64_t last;

	if (info->sectors < grain + backup + 1)
		return 0;
	last = info->sectors - 1 - backup;
	if (limit && limit - 1 < last)
		last = limit - 1;
	if (last + 1 < grain || (last + 1 - grain) / grain < 2)
		return 0;
	return (last + 1 - grain) / grain * grain;
}

/* Encode @h and write it where @info's partition starts. */
static int put_header(const struct xsan_lun_info *info, const struct xsan_lun_hdr *h,
		      uint64_t part_start, char *err, size_t errlen)
{
	uint8_t area[XSAN_LUN_HDR_AREA] = { 0 };
	int ret = xsan_lun_hdr_encode(area, sizeof(area), h);

	if (ret < 0) {
		xsan_seterr(err, errlen, "%s: refusing to write an invalid LUN header: %s",
			    info->path, strerror(-ret));
		return -1;
	}
	return write_area(info, part_start * info->sector_size, area, err, errlen);
}

/* Probe again after writing: what the kernel will read must be what we meant. */
static int read_back(const char *path, const struct xsan_lun_hdr *want,
		     struct xsan_lun_info *out, char *err, size_t errlen)
{
	if (xsan_lun_probe(path, out, err, errlen))
		return -1;
	if (out->state != XSAN_LUN_LABELLED) {
		xsan_seterr(err, errlen, "%s: written, but reads back as %s", path,
			    out->state == XSAN_LUN_EMPTY ? "empty" : out->what);
		return -1;
	}
	if (memcmp(out->hdr.lun_uuid, want->lun_uuid, XSAN_LUN_UUID_SIZE) ||
	    memcmp(out->hdr.volume_uuid, want->volume_uuid, XSAN_LUN_UUID_SIZE) ||
	    out->hdr.sg_index != want->sg_index || out->hdr.ordinal != want->ordinal ||
	    strcmp(out->hdr.label, want->label)) {
		xsan_seterr(err, errlen, "%s: written, but a different LUN header reads back",
			    path);
		return -1;
	}
	return 0;
}

/**
 * xsan_lun_label() - write a GPT and an unassigned LUN header
 * @path: the device
 * @label: the label (xsan_lun_label_ok())
 * @limit: use only the first @limit sectors, or 0 for all
 * @force: overwrite whatever the device holds
 * @out: the device as read back, or NULL
 * @err: error buffer
 * @errlen: its size
 *
 * Return: 0, or -1 with @err set; nothing is written unless every check
 * passed.
 */
int xsan_lun_label(const char *path, const char *label, uint64_t limit, bool force,
		   struct xsan_lun_info *out, char *err, size_t errlen)
{
	struct xsan_lun_info *info = malloc(sizeof(*info));
	struct xsan_lun_hdr h;
	uint64_t start, nsect;
	char why[256];
	int ret = -1;

	if (!info) {
		xsan_seterr(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (!xsan_lun_label_ok(label, strlen(label))) {
		xsan_seterr(err, errlen, "%s: label '%.64s' must be 1-%d of [A-Za-z0-9_.-] starting with a letter or digit",
			    path, label, XSAN_LUN_LABEL_MAX);
		goto out;
	}
	if (xsan_lun_probe(path, info, err, errlen))
		goto out;
	if (!force && refusal(info, why, sizeof(why))) {
		xsan_seterr(err, errlen, "%s: %s (use -f to overwrite)", path, why);
		goto out;
	}
	if (limit > info->sectors) {
		xsan_seterr(err, errlen, "%s: has %llu sectors, fewer than the %llu asked for",
			    path, (unsigned long long)info->sectors, (unsigned long long)limit);
		goto out;
	}
	if (check_not_busy(info, err, errlen))
		goto out;

	memset(&h, 0, sizeof(h));
	h.version = XSAN_LUN_VERSION;
	xsan_uuid_generate(h.lun_uuid);
	h.sector_size = info->sector_size;
	strcpy(h.label, label);
	if (write_gpt(info, label, limit, h.lun_uuid, &start, &nsect, err, errlen))
		goto out;
	h.sectors = nsect;
	if (put_header(info, &h, start, err, errlen))
		goto out;
	ret = read_back(path, &h, info, err, errlen);
	if (!ret && out)
		*out = *info;
out:
	free(info);
	return ret;
}

/**
 * xsan_lun_assign() - record a LUN's place in a volume
 * @path: a labelled LUN
 * @volume_uuid: the volume; all zero releases the LUN
 * @sg: stripe group index
 * @ordinal: position in the stripe group
 * @err: error buffer
 * @errlen: its size
 *
 * The caller decides whether taking a LUN from another volume is allowed;
 * this only refuses what is not a valid xsanfs LUN.
 *
 * Return: 0, or -1 with @err set.
 */
int xsan_lun_assign(const char *path, const uint8_t *volume_uuid, uint32_t sg,
		    uint32_t ordinal, char *err, size_t errlen)
{
	struct xsan_lun_info *info = malloc(sizeof(*info));
	struct xsan_lun_hdr h;
	int ret = -1;

	if (!info) {
		xsan_seterr(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (xsan_lun_probe(path, info, err, errlen))
		goto out;
	if (info->state != XSAN_LUN_LABELLED) {
		xsan_seterr(err, errlen, "%s: not a labelled xsanfs LUN (%s)", path,
			    info->state == XSAN_LUN_EMPTY ? "empty" : info->what);
		goto out;
	}
	if (check_not_busy(info, err, errlen))
		goto out;
	h = info->hdr;
	memcpy(h.volume_uuid, volume_uuid, XSAN_LUN_UUID_SIZE);
	h.sg_index = xsan_lun_uuid_is_zero(volume_uuid) ? 0 : sg;
	h.ordinal = xsan_lun_uuid_is_zero(volume_uuid) ? 0 : ordinal;
	if (put_header(info, &h, info->part_start, err, errlen))
		goto out;
	ret = read_back(path, &h, info, err, errlen);
out:
	free(info);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void xsan_lun_free_list(char **paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* Size in 512-byte sectors from /sys/block/NAME/size; 0 if unreadable. */
static unsigned long long sys_size(const char *name)
{
	char p[512];
	unsigned long long v = 0;
	FILE *f;

	snprintf(p, sizeof(p), "/sys/block/%s/size", name);
	f = fopen(p, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/**
 * xsan_lun_candidates() - the whole-disk block devices of this host
 * @paths: set to a sorted array of /dev paths
 * @n: set to its length
 * @err: error buffer
 * @errlen: its size
 *
 * /sys/block lists whole disks only (partitions are below them), which is
 * what a LUN is. Empty devices (an unbound loop device, a CD drive with
 * no disc) are left out.
 *
 * Return: 0, or -1 with @err set.
 */
int xsan_lun_candidates(char ***paths, size_t *n, char *err, size_t errlen)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	char **v = NULL;
	size_t cnt = 0;

	*paths = NULL;
	*n = 0;
	if (!d) {
		xsan_seterr(err, errlen, "/sys/block: %s", strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		char dev[300], *c, **nv;
		struct stat st;

		if (de->d_name[0] == '.' || sys_size(de->d_name) == 0)
			continue;
		/* The kernel writes '/' in a device name as '!' (cciss!c0d0). */
		snprintf(dev, sizeof(dev), "/dev/%s", de->d_name);
		for (c = dev + 5; *c; c++)
			if (*c == '!')
				*c = '/';
		if (stat(dev, &st) || !S_ISBLK(st.st_mode))
			continue;
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv || !(nv[cnt] = strdup(dev))) {
			xsan_lun_free_list(nv ? nv : v, cnt);
			closedir(d);
			xsan_seterr(err, errlen, "/sys/block: out of memory");
			return -1;
		}
		v = nv;
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_str);
	*paths = v;
	*n = cnt;
	return 0;
}
