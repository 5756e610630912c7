// SPDX-License-Identifier: GPL-2.0
/*
 * The volume's LUNs: at mount, ask the MDC for the disk table
 * (DISK_TABLE: block size, stripe groups, LUNs), open every partition the
 * mount helper passed (lun=PATH, exclusively, xsanfs as the holder),
 * read its LUN header (include/xsanfs/disk.h) and check it against the
 * table. Every LUN of every stripe group that holds user data must be
 * there; a missing or mismatched LUN fails the mount with a sentence that
 * names its label.
 *
 * mount.xsanfs passes the partitions it finds as lunprobe=PATH: those of
 * another volume are skipped, so it need not know this volume's uuid.
 *
 * Then the stripe mapping the data path uses: bytes of a stripe group ->
 * (LUN block device, sector), exactly the MDC's geometry
 * (Documentation/metadata-format.rst): block b of a group is in stripe
 * b / breadth, on LUN (b / breadth) mod LUNs, at LUN block
 * (b / breadth / LUNs) x breadth + b mod breadth, LUN blocks counted from
 * XSAN_LUN_DATA_OFFSET. The MDC is not trusted: nothing it says can make
 * a mapping leave a LUN's data area.
 *
 * The table is built before the superblock is live and freed in kill_sb,
 * unchanged in between: no lock.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/fs_context.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uuid.h>

#include "fs/xsan.h"
#include "xsanfs/disk.h"
#include "xsanfs/msg.h"

/**
 * xsan_lun_hdr_mismatch() - does a LUN header agree with its table entry?
 * @h: the decoded (hence self-consistent) header
 * @vol_uuid: the volume uuid of the disk table
 * @t: the table entry with the header's label
 * @dev_bytes: size of the device the header was read from
 *
 * Context: any context.
 * Return: NULL if they agree, else the name of the first field that
 * differs, for the message that names the LUN.
 */
const char *xsan_lun_hdr_mismatch(const struct xsan_lun_hdr *h,
				  const u8 *vol_uuid,
				  const struct xsan_lun *t, u64 dev_bytes)
{
	if (memcmp(h->volume_uuid, vol_uuid, XSAN_UUID_SIZE))
		return "volume uuid";
	if (strcmp(h->label, t->label))
		return "label";
	if (memcmp(h->lun_uuid, t->uuid, XSAN_UUID_SIZE))
		return "LUN uuid";
	if (h->sg_index != t->sg)
		return "stripe group";
	if (h->ordinal != t->ordinal)
		return "ordinal";
	if (h->sector_size != t->sector_size)
		return "sector size";
	if (h->sectors != t->sectors)
		return "size";
	/* by division: sectors x sector_size may not fit 64 bits */
	if (div_u64(dev_bytes, t->sector_size) < t->sectors)
		return "device size";
	return NULL;
}

/* The group of index @index, or NULL. */
static const struct xsan_sgroup *xsan_sg_find(const struct xsan_luns *luns,
					      u32 index)
{
	u32 lo = 0, hi = luns->nsg;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (luns->sg[mid].index == index)
			return &luns->sg[mid];
		if (luns->sg[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/**
 * __xsan_lun_map() - map bytes of a stripe group in a LUN table
 * @luns: the table
 * @sg: stripe group index
 * @sg_byte: byte offset in the group (its block 0 is byte 0)
 * @len: bytes wanted, at least 1
 * @out: where the first of them live, and how many stay there
 *
 * Context: any context.
 * Return: 0, or -EIO if the group does not exist, holds no user data,
 * has a LUN not open, or the range starts outside the group or would
 * leave the LUN's data area.
 */
int __xsan_lun_map(const struct xsan_luns *luns, u32 sg, u64 sg_byte,
		   u64 len, struct xsan_io_map *out)
{
	const struct xsan_sgroup *g;
	const struct xsan_lun *l;
	u64 b, stripe, lunblk, left, lun_byte, end;
	u32 in, lun, off;

	if (!luns || !len)
		return -EIO;
	g = xsan_sg_find(luns, sg);
	if (!g || !(g->flags & XSAN_SG_USERDATA) || !g->luns)
		return -EIO;
	b = sg_byte >> luns->bshift;
	off = sg_byte & (luns->bsize - 1);
	if (b >= g->blocks)
		return -EIO;
	stripe = div_u64_rem(b, g->breadth, &in);
	lunblk = div_u64_rem(stripe, g->nluns, &lun);
	l = g->luns[lun];
	if (!l || !l->bdev)
		return -EIO;
	/* lunblk < blocks / nluns / breadth <= 2^64 / bsize: no overflow */
	lunblk = lunblk * g->breadth + in;
	if (lunblk >= l->data_blocks)
		return -EIO;
	/*
	 * bytes to the end of this stripe unit; with one LUN the next unit
	 * follows on the same LUN: no boundary (one bio, not one per unit)
	 */
	if (g->nluns == 1)
		left = ((g->blocks - b) << luns->bshift) - off;
	else
		left = ((u64)(g->breadth - in) << luns->bshift) - off;
	/* and not past the LUN's data area (the group's end is there too
	 * for an honest MDC)
	 */
	end = (l->data_blocks - lunblk) << luns->bshift;
	left = min3(left, end - off, len);
	lun_byte = XSAN_LUN_DATA_OFFSET + (lunblk << luns->bshift) + off;
	out->bdev = l->bdev;
	out->sector = lun_byte >> SECTOR_SHIFT;
	out->len = left;
	return 0;
}

/**
 * xsan_lun_map() - where bytes of a stripe group live on a LUN
 * @sbi: the mount
 * @sg: stripe group index (of a layout extent)
 * @sg_byte: byte offset in the group: extent block x volume block size
 * @len: bytes wanted, at least 1
 * @out: the LUN's device, the sector the bytes start at, and how many of
 *	them stay on this LUN (clipped at the stripe-unit boundary, or,
 *	in a group of one LUN, at the group's end)
 *
 * Context: any context; the table does not change while mounted.
 * Return: 0, or -EIO (logged, rate limited) for a range no LUN holds:
 * a layout from the MDC that does not fit the disk table.
 */
int xsan_lun_map(struct xsan_sb_info *sbi, u32 sg, u64 sg_byte, u64 len,
		 struct xsan_io_map *out)
{
	int err = __xsan_lun_map(sbi->luns, sg, sg_byte, len, out);

	if (err)
		pr_err_ratelimited("volume %s: stripe group %u bytes %llu+%llu are on no open LUN: bad layout from the metadata controller\n",
				   sbi->volume, sg, sg_byte, len);
	return err;
}

/* Read the LUN header area of @bdev into @buf (XSAN_LUN_HDR_AREA bytes). */
static int xsan_lun_read_hdr(struct block_device *bdev, void *buf)
{
	struct page *page;
	struct bio_vec bv;
	struct bio bio;
	unsigned int n = max_t(unsigned int, XSAN_LUN_HDR_AREA,
			       bdev_logical_block_size(bdev));
	int err;

	if (n > PAGE_SIZE)
		return -EOPNOTSUPP;
	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	bio_init(&bio, bdev, &bv, 1, REQ_OP_READ);
	bio.bi_iter.bi_sector = 0;
	__bio_add_page(&bio, page, n, 0);
	err = submit_bio_wait(&bio);
	bio_uninit(&bio);
	if (!err)
		memcpy(buf, page_address(page), XSAN_LUN_HDR_AREA);
	__free_page(page);
	return err;
}

/* DISK_TABLE into a new struct xsan_luns (no device open yet). */
static int xsan_luns_fetch(struct fs_context *fc, struct xsan_sb_info *sbi,
			   struct xsan_luns **out)
{
	struct xsan_msg_buf *buf = NULL;
	struct xsan_luns *luns = NULL;
	struct xsan_req *req;
	struct xsan_rep *rep;
	struct xsan_cur c;
	u32 i, j, k;
	int err;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	rep = kzalloc(sizeof(*rep), GFP_KERNEL);
	err = -ENOMEM;
	if (!req || !rep)
		goto out;
	req->op = XSAN_OP_DISK_TABLE;
	xsan_fill_cred(&req->cred);
	err = xsan_msgr_call(sbi->msgr, req, rep, &buf);
	if (err) {
		errorfc(fc,
			"volume %s: the metadata controller did not give its LUN table (DISK_TABLE, error %d)",
			sbi->volume, err);
		goto out;
	}
	err = -ENOMEM;
	luns = kzalloc(sizeof(*luns), GFP_KERNEL);
	if (!luns)
		goto out;
	memcpy(luns->uuid, rep->uuid, XSAN_UUID_SIZE);
	luns->bsize = rep->disk.bsize;
	luns->bshift = ilog2(rep->disk.bsize);
	luns->nsg = rep->disk.nsg;
	luns->nlun = rep->count;
	luns->sg = kcalloc(max(luns->nsg, 1u), sizeof(*luns->sg), GFP_KERNEL);
	luns->lun = kcalloc(max(luns->nlun, 1u), sizeof(*luns->lun),
			    GFP_KERNEL);
	if (!luns->sg || !luns->lun)
		goto out;
	/* the decoder checked: ascending groups, LUNs by (group, ordinal),
	 * each group's ordinals exactly 0 .. nluns - 1
	 */
	xsan_cur_init(&c, rep->data, rep->datalen);
	for (i = 0; i < luns->nlun; i++) {
		struct xsan_lun *l = &luns->lun[i];
		struct xsan_disk d;

		if (xsan_disk_next(&c, &d))
			goto bad;
		l->sg = d.sg;
		l->ordinal = d.ordinal;
		l->sectors = d.sectors;
		l->sector_size = d.sector_size;
		memcpy(l->uuid, d.uuid, XSAN_UUID_SIZE);
		memcpy(l->label, d.label, d.labellen);
		l->label[d.labellen] = '\0';
	}
	for (i = 0, k = 0; i < luns->nsg; i++) {
		struct xsan_sgroup *g = &luns->sg[i];
		struct xsan_disk_sg ds;

		xsan_disk_sg_at(rep->disk.sgs, i, &ds);
		g->index = ds.index;
		g->flags = ds.flags;
		g->breadth = ds.breadth;
		g->nluns = ds.nluns;
		g->blocks = ds.blocks;
		g->luns = kcalloc(g->nluns, sizeof(*g->luns), GFP_KERNEL);
		if (!g->luns)
			goto out;
		for (j = 0; j < g->nluns; j++, k++) {
			if (k >= luns->nlun || luns->lun[k].sg != g->index ||
			    luns->lun[k].ordinal != j)
				goto bad;
			g->luns[j] = &luns->lun[k];
		}
	}
	if (k != luns->nlun)
		goto bad;
	*out = luns;
	luns = NULL;
	err = 0;
	goto out;
bad:
	errorfc(fc, "volume %s: the metadata controller's LUN table is inconsistent",
		sbi->volume);
	err = -EIO;
out:
	if (luns) {
		for (i = 0; luns->sg && i < luns->nsg; i++)
			kfree(luns->sg[i].luns);
		kfree(luns->sg);
		kfree(luns->lun);
		kfree(luns);
	}
	if (buf)
		xsan_msg_buf_free(buf);
	kfree(req);
	kfree(rep);
	return err;
}

static struct xsan_lun *xsan_lun_by_label(struct xsan_luns *luns,
					  const char *label)
{
	u32 i;

	for (i = 0; i < luns->nlun; i++)
		if (!strcmp(luns->lun[i].label, label))
			return &luns->lun[i];
	return NULL;
}

/*
 * Open @path, check its header, record it in its table entry. A probed
 * candidate (@probe) that cannot be opened, has no valid header or
 * belongs to another volume is closed again and skipped (0); one of this
 * volume is held to the same checks as lun=.
 */
static int xsan_lun_open_one(struct fs_context *fc, struct xsan_sb_info *sbi,
			     struct xsan_luns *luns, const char *path,
			     bool probe, unsigned int *busy)
{
	fmode_t mode = FMODE_READ | FMODE_EXCL |
		       (sbi->opts.ro ? 0 : FMODE_WRITE);
	struct block_device *bdev;
	struct xsan_lun_hdr h;
	struct xsan_lun *l;
	const char *bad;
	u64 bytes;
	void *buf;
	int err;

	/*
	 * The holder is xsanfs itself, not this superblock: two mounts of the
	 * volume on one host (two sessions, a superblock each) share the LUNs,
	 * while every other exclusive opener (another filesystem, mkfs, md)
	 * gets EBUSY.
	 */
	bdev = blkdev_get_by_path(path, mode, &xsan_fs_type);
	if (IS_ERR(bdev)) {
		err = PTR_ERR(bdev);
		if (probe) {
			if (err == -EBUSY)
				(*busy)++;
			pr_info("volume %s: skipping candidate LUN %s: cannot open it (error %d)\n",
				sbi->volume, path, err);
			return 0;
		}
		if (err == -EBUSY)
			errorfc(fc,
				"volume %s: LUN device %s is in use (mounted, or open exclusively by another program)",
				sbi->volume, path);
		else
			errorfc(fc, "volume %s: cannot open LUN device %s (error %d)",
				sbi->volume, path, err);
		return err;
	}
	buf = kmalloc(XSAN_LUN_HDR_AREA, GFP_KERNEL);
	err = -ENOMEM;
	if (!buf)
		goto put;
	err = xsan_lun_read_hdr(bdev, buf);
	if (err && probe) {
		pr_info("volume %s: skipping candidate LUN %s: cannot read it (error %d)\n",
			sbi->volume, path, err);
		err = 0;
		goto put;
	}
	if (err) {
		errorfc(fc, "volume %s: cannot read the LUN header of %s (error %d)",
			sbi->volume, path, err);
		goto put;
	}
	err = xsan_lun_hdr_decode(buf, XSAN_LUN_HDR_AREA, &h);
	if (err && probe) {
		err = 0;
		goto put;
	}
	if (err) {
		errorfc(fc,
			"volume %s: %s has no valid xsanfs LUN header (error %d): is it a LUN of this volume?",
			sbi->volume, path, err);
		err = -EINVAL;
		goto put;
	}
	err = -EINVAL;
	if (memcmp(h.volume_uuid, luns->uuid, XSAN_UUID_SIZE) && probe) {
		err = 0;
		goto put;
	}
	if (memcmp(h.volume_uuid, luns->uuid, XSAN_UUID_SIZE)) {
		errorfc(fc,
			"volume %s: LUN '%s' at %s belongs to another volume (volume uuid %pUb, not %pUb)",
			sbi->volume, h.label, path, h.volume_uuid, luns->uuid);
		goto put;
	}
	l = xsan_lun_by_label(luns, h.label);
	if (!l) {
		errorfc(fc, "volume %s: LUN '%s' at %s is not in the volume's LUN table",
			sbi->volume, h.label, path);
		goto put;
	}
	bytes = bdev_nr_bytes(bdev);
	bad = xsan_lun_hdr_mismatch(&h, luns->uuid, l, bytes);
	if (bad) {
		errorfc(fc,
			"volume %s: LUN '%s' at %s does not match the volume's LUN table: its %s differs",
			sbi->volume, h.label, path, bad);
		goto put;
	}
	if (l->bdev) {
		/* the same LUN twice (two names of one device, or two paths
		 * to it): the first one serves
		 */
		if (l->bdev != bdev)
			pr_warn("volume %s: LUN '%s' given twice; using the first, not %s\n",
				sbi->volume, l->label, path);
		err = 0;
		goto put;
	}
	/* no overflow: the device holds sectors x sector_size (checked) */
	bytes = min(bytes, l->sectors * l->sector_size);
	if (bytes < XSAN_LUN_DATA_OFFSET + (u64)luns->bsize) {
		errorfc(fc, "volume %s: LUN '%s' at %s is too small to hold data",
			sbi->volume, l->label, path);
		goto put;
	}
	l->data_blocks = (bytes - XSAN_LUN_DATA_OFFSET) >> luns->bshift;
	l->bdev = bdev;
	l->mode = mode;
	kfree(buf);
	return 0;
put:
	kfree(buf);
	blkdev_put(bdev, mode);
	return err;
}

/* Said of a missing LUN when a lunprobe= could not be opened: EBUSY. */
#define XSAN_LUN_BUSY_NOTE	" (a candidate partition was in use by another program)"

/* Every LUN of every user data group is open and the groups fit them. */
static int xsan_luns_complete(struct fs_context *fc, struct xsan_sb_info *sbi,
			      struct xsan_luns *luns, unsigned int busy)
{
	u32 i, j;

	for (i = 0; i < luns->nsg; i++) {
		struct xsan_sgroup *g = &luns->sg[i];
		u64 min_blocks = U64_MAX;

		if (!(g->flags & XSAN_SG_USERDATA))
			continue;
		for (j = 0; j < g->nluns; j++) {
			struct xsan_lun *l = g->luns[j];

			if (!l->bdev) {
				errorfc(fc,
					"volume %s: LUN '%s' (stripe group %u) was not found%s: pass its partition with -o lun=PATH (mount.xsanfs looks for LUNs by their header on this host's disks)",
					sbi->volume, l->label, g->index,
					busy ? XSAN_LUN_BUSY_NOTE : "");
				return -ENXIO;
			}
			min_blocks = min(min_blocks, l->data_blocks);
		}
		/* nluns x whole stripe units of the smallest LUN */
		min_blocks -= min_blocks % g->breadth;
		if (div_u64(g->blocks, g->nluns) > min_blocks ||
		    g->blocks % g->nluns) {
			errorfc(fc,
				"volume %s: stripe group %u: the metadata controller says %llu blocks, its %u LUNs hold %llu",
				sbi->volume, g->index, g->blocks, g->nluns,
				min_blocks * g->nluns);
			return -EIO;
		}
	}
	return 0;
}

static void xsan_luns_free(struct xsan_luns *luns)
{
	u32 i;

	if (!luns)
		return;
	for (i = 0; i < luns->nlun; i++)
		if (luns->lun[i].bdev)
			blkdev_put(luns->lun[i].bdev, luns->lun[i].mode);
	for (i = 0; i < luns->nsg; i++)
		kfree(luns->sg[i].luns);
	kfree(luns->sg);
	kfree(luns->lun);
	kfree(luns);
}

/*
 * The I/O deadline (Documentation/tokens.rst, "Fencing and the timing
 * argument"): once our lease has run out no bio is sent, and the MDC
 * gives our tokens and uncommitted blocks to others no sooner than
 * grace - lease/100 later (its grace less the clocks' rate error over a
 * lease). Every bio still in flight must have ended by then. What bounds
 * a bio here is its LUN's command timeout (the queue's rq_timeout: sd's
 * /sys/block/sdX/device/timeout, io_timeout of any blk-mq queue), so
 * compare each one with what the MDC allows: a LUN that may keep a bio
 * longer is said in the log (iodeadline=warn, the default) or refuses
 * the mount (iodeadline=strict). A stacked device (device-mapper, md)
 * has no timeout of its own: what bounds it lies below it (and a
 * multipath map that queues while it has no path bounds nothing).
 */
static int xsan_luns_check_deadline(struct fs_context *fc,
				    struct xsan_sb_info *sbi,
				    struct xsan_luns *luns, u32 lease_ms,
				    u32 grace_ms)
{
	u32 allowed = grace_ms > lease_ms / 100 ? grace_ms - lease_ms / 100 : 0;
	bool strict = sbi->opts.iodeadline_strict;
	u32 i;

	for (i = 0; i < luns->nlun; i++) {
		struct xsan_lun *l = &luns->lun[i];
		struct request_queue *q;
		u32 ms;

		if (!l->bdev)
			continue;
		q = bdev_get_queue(l->bdev);
		if (!queue_is_mq(q)) {
			if (strict) {
				errorfc(fc,
					"volume %s: LUN '%s' is %pg, a stacked device with no command timeout of its own: its I/O deadline cannot be checked against the %u ms the metadata controller allows (iodeadline=strict)",
					sbi->volume, l->label, l->bdev, allowed);
				return -EINVAL;
			}
			pr_notice("volume %s: LUN '%s' is %pg, a stacked device with no command timeout of its own: make sure the devices below it end every command within %u ms (Documentation/tokens.rst, Fencing)\n",
				  sbi->volume, l->label, l->bdev, allowed);
			continue;
		}
		ms = jiffies_to_msecs(READ_ONCE(q->rq_timeout));
		if (ms <= allowed)
			continue;
		if (strict) {
			errorfc(fc,
				"volume %s: LUN '%s' (%pg) has a command timeout of %u ms, longer than the I/O deadline of %u ms that the metadata controller's lease (%u ms) and grace (%u ms) allow: lower /sys/block/%s/queue/io_timeout or raise the grace (xsanmdc -g)",
				sbi->volume, l->label, l->bdev, ms, allowed,
				lease_ms, grace_ms, l->bdev->bd_disk->disk_name);
			return -EINVAL;
		}
		pr_notice("volume %s: LUN '%s' (%pg) has a command timeout of %u ms, longer than the I/O deadline of %u ms that the metadata controller's lease (%u ms) and grace (%u ms) allow: after a lost lease a late write could land after its blocks were given to another host; lower /sys/block/%s/queue/io_timeout or raise the grace (xsanmdc -g)\n",
			  sbi->volume, l->label, l->bdev, ms, allowed, lease_ms,
			  grace_ms, l->bdev->bd_disk->disk_name);
	}
	return 0;
}

/**
 * xsan_luns_open() - open and check the volume's LUNs at mount
 * @sbi: the mount; its messenger is up
 * @fc: the mount context: the lun= paths, and where errors go
 * @lease_ms: the lease the MDC gave (AUTH)
 * @grace_ms: its grace (AUTH): with @lease_ms, the I/O deadline allowed
 *
 * Asks the MDC for DISK_TABLE, opens every lun= and lunprobe= partition
 * exclusively with xsanfs as holder (read-only for a read-only
 * mount), checks each LUN header against the table (a lunprobe= of
 * another volume, or that cannot be opened or read as a LUN, is skipped),
 * requires every LUN of every user data stripe group, and compares each
 * LUN's command timeout with the I/O deadline the MDC allows
 * (iodeadline=). Sets @sbi->luns.
 *
 * Context: process context, may sleep; fill_super.
 * Return: 0, or a negative errno after a message naming the LUN (ENXIO:
 * a LUN is missing; EINVAL: a header does not match; EBUSY: a device is
 * in use; EIO: the MDC's table is impossible; EINVAL with
 * iodeadline=strict: a LUN's command timeout is too long).
 */
int xsan_luns_open(struct xsan_sb_info *sbi, struct fs_context *fc,
		   u32 lease_ms, u32 grace_ms)
{
	struct xsan_fs_context *ctx = fc->fs_private;
	struct xsan_luns *luns;
	unsigned int i, busy = 0;
	int err;

	err = xsan_luns_fetch(fc, sbi, &luns);
	if (err)
		return err;
	for (i = 0; i < ctx->nlun_arg; i++) {
		err = xsan_lun_open_one(fc, sbi, luns, ctx->lun_arg[i].path,
					ctx->lun_arg[i].probe, &busy);
		if (err)
			goto fail;
	}
	err = xsan_luns_complete(fc, sbi, luns, busy);
	if (err)
		goto fail;
	err = xsan_luns_check_deadline(fc, sbi, luns, lease_ms, grace_ms);
	if (err)
		goto fail;
	sbi->luns = luns;
	return 0;
fail:
	xsan_luns_free(luns);
	return err;
}

/**
 * xsan_luns_close() - close the volume's LUNs
 * @sbi: the mount (kill_sb, after the last I/O)
 *
 * Context: process context, may sleep.
 */
void xsan_luns_close(struct xsan_sb_info *sbi)
{
	xsan_luns_free(sbi->luns);
	sbi->luns = NULL;
}
