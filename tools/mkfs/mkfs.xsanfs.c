// SPDX-License-Identifier: GPL-2.0
/*
 * mkfs.xsanfs: make a volume from VOLUME.cfgx (the role of StorNext's
 * cvmkfs).
 *
 *   mkfs.xsanfs [-f] [-n] [-l LABEL_LIST] [-d DEVICE]... [-S STATEDIR] VOLUME.cfgx
 *
 * Every disk of the config is matched to a LUN: one the label list (-l)
 * names (labelled here if it is not yet), else one that already carries
 * the label among the -d devices or, without -d, this host's block
 * devices. Every check runs before the first write: missing labels, LUNs
 * too small for their diskType, LUNs of another volume (allowed with -f),
 * a state directory that already holds the volume (replaced with -f).
 * Then the LUNs are labelled, each LUN header gets the new volume's uuid,
 * stripe group and ordinal, and the MDC's metadata is created in
 * STATEDIR/VOLUME. -n prints the same plan and writes nothing.
 *
 * Exit status: 0 done, 1 an error (said on stderr), 2 a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "labellist.h"
#include "lun.h"
#include "mdc/store.h"

#define PROG "mkfs.xsanfs"
#define USAGE "Usage: mkfs.xsanfs [-f] [-n] [-l LABEL_LIST] [-d DEVICE]... [-S STATEDIR] VOLUME.cfgx"
#define DEFAULT_STATEDIR "/var/lib/xsanfs"

/*
 * STATFS's inode limit. The MDC keeps inodes in LMDB, not in a table of
 * fixed size, so this is a number to report, not a reservation: 2^32,
 * large enough not to bind any volume this tool can describe.
 */
#define MKFS_FILES	(1ull << 32)

/* One disk of the config and the LUN found for it. */
struct plan {
	const struct xsan_cfg_sg *sg;
	const struct xsan_cfg_disk *disk;
	const char *device;
	struct xsan_lun_info *info;	/* borrowed from the list or the candidates */
	bool label_it;			/* write the label first */
	uint64_t limit;			/* SECTORS from the label list, or 0 */
	uint64_t sectors;		/* of the LUN, after labelling */
};

struct mkfs {
	bool force, dry;
	const char *list_path, *statedir;
	char **devs;			/* -d, or the host's block devices */
	size_t ndevs;
	bool scanned;
	struct xsan_lun_info **cand;	/* probes of @devs; NULL where unreadable */
	struct xsan_cfg cfg;
	struct xsan_label_list ll;
	struct plan *plan;
	size_t nplan;
	char voldir[4096];
};

static void usage(FILE *f)
{
	fprintf(f, "%s\n", USAGE);
	if (f == stdout)
		fputs("  -f  reuse LUNs of another volume, relabel listed devices, replace old metadata\n"
		      "  -n  dry run: check and print what would be written, write nothing\n"
		      "  -l  label list (LABEL DEVICE [SECTORS] [EFI]) naming the LUNs to use\n"
		      "  -d  look for labelled LUNs only on DEVICE (repeatable) instead of every\n"
		      "      block device of this host\n"
		      "  -S  state directory of the metadata controller (default " DEFAULT_STATEDIR ")\n",
		      f);
}

/* Probe the candidate devices. One named with -d must be readable. */
static int probe_candidates(struct mkfs *m)
{
	char err[1024];
	size_t i;

	if (m->scanned && xsan_lun_candidates(&m->devs, &m->ndevs, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return -1;
	}
	m->cand = calloc(m->ndevs ? m->ndevs : 1, sizeof(*m->cand));
	if (!m->cand)
		return -1;
	for (i = 0; i < m->ndevs; i++) {
		struct xsan_lun_info *info = malloc(sizeof(*info));

		if (!info)
			return -1;
		if (xsan_lun_probe(m->devs[i], info, err, sizeof(err))) {
			free(info);
			if (!m->scanned) {
				fprintf(stderr, PROG ": %s\n", err);
				return -1;
			}
			continue;
		}
		m->cand[i] = info;
	}
	return 0;
}

/* The label-list entry for @label, or NULL. */
static struct xsan_label_ent *listed(struct mkfs *m, const char *label)
{
	size_t i;

	for (i = 0; i < m->ll.n; i++)
		if (!strcmp(m->ll.e[i].label, label))
			return &m->ll.e[i];
	return NULL;
}

static bool is_listed_device(struct mkfs *m, const char *dev)
{
	size_t i;

	for (i = 0; i < m->ll.n; i++)
		if (xsan_lun_same_device(m->ll.e[i].device, dev))
			return true;
	return false;
}

/* Find the LUN of one disk; fills @p. */
static int find_lun(struct mkfs *m, struct plan *p)
{
	struct xsan_label_ent *e = listed(m, p->disk->label);
	const struct xsan_lun_info *info;
	size_t i;

	if (e) {
		info = e->info;
		p->device = e->device;
		p->info = e->info;
		p->limit = e->sectors;
		if (info->state == XSAN_LUN_LABELLED && !strcmp(info->hdr.label, e->label))
			return 0;
		if (info->state != XSAN_LUN_EMPTY && !m->force) {
			if (info->state == XSAN_LUN_LABELLED)
				fprintf(stderr, PROG ": %s:%d: %s: already labelled '%s' (use -f to relabel)\n",
					m->ll.path, e->line, e->device, info->hdr.label);
			else
				fprintf(stderr, PROG ": %s:%d: %s: holds %s%s (use -f to overwrite)\n",
					m->ll.path, e->line, e->device,
					info->state == XSAN_LUN_DAMAGED ?
					"a damaged xsanfs label: " : "", info->what);
			return -1;
		}
		p->label_it = true;
		return 0;
	}
	/* Probed only when some disk is not in the list: a scan reads every disk. */
	if (!m->cand && probe_candidates(m))
		return -1;
	for (i = 0; i < m->ndevs; i++) {
		info = m->cand[i];
		if (!info || info->state != XSAN_LUN_LABELLED ||
		    strcmp(info->hdr.label, p->disk->label))
			continue;
		/* A listed device gets the label the list gives it. */
		if (is_listed_device(m, m->devs[i]))
			continue;
		if (p->device) {
			fprintf(stderr, PROG ": label '%s' is on two LUNs: %s and %s\n",
				p->disk->label, p->device, m->devs[i]);
			return -1;
		}
		p->device = m->devs[i];
		p->info = m->cand[i];
	}
	if (!p->device) {
		fprintf(stderr, PROG ": no LUN is labelled '%s' (disk %u of stripe group '%s'); label one with xsanlabel or list it with -l\n",
			p->disk->label, p->disk->index, p->sg->name);
		return -1;
	}
	return 0;
}

/* All checks that need the LUNs; nothing is written here. */
static int check_lun(struct mkfs *m, struct plan *p)
{
	const struct xsan_lun_info *info = p->info;
	uint64_t need = p->disk->sectors * p->disk->sector_size, have;
	char vol[XSAN_UUID_STR_LEN + 1];

	if (p->label_it) {
		p->sectors = xsan_lun_part_sectors(info, p->limit);
		if (!p->sectors) {
			fprintf(stderr, PROG ": %s: too small for an xsanfs LUN\n", p->device);
			return -1;
		}
	} else {
		p->sectors = info->hdr.sectors;
		if (!xsan_lun_uuid_is_zero(info->hdr.volume_uuid) && !m->force) {
			xsan_uuid_format(info->hdr.volume_uuid, vol);
			fprintf(stderr, PROG ": %s: LUN '%s' already belongs to volume %s (use -f to reuse it)\n",
				p->device, info->hdr.label, vol);
			return -1;
		}
	}
	have = p->sectors * info->sector_size;
	if (have < need) {
		fprintf(stderr, PROG ": %s: LUN '%s' has %llu sectors of %u bytes, fewer bytes than diskType '%s' needs (%llu sectors of %u)\n",
			p->device, p->disk->label, (unsigned long long)p->sectors,
			info->sector_size, p->disk->type,
			(unsigned long long)p->disk->sectors, p->disk->sector_size);
		return -1;
	}
	return 0;
}

/* Match every disk to a LUN and check it; also no LUN serves two disks. */
static int make_plan(struct mkfs *m)
{
	size_t i, j, k, total = 0;
	int rc = 0;

	for (i = 0; i < m->cfg.nsgs; i++)
		total += m->cfg.sgs[i].ndisks;
	m->plan = calloc(total ? total : 1, sizeof(*m->plan));
	if (!m->plan)
		return -1;
	for (i = 0; i < m->cfg.nsgs; i++) {
		const struct xsan_cfg_sg *sg = &m->cfg.sgs[i];

		for (j = 0; j < sg->ndisks; j++) {
			struct plan *p = &m->plan[m->nplan++];

			for (k = 0; k < j; k++) {
				if (sg->disks[k].index == sg->disks[j].index) {
					fprintf(stderr, PROG ": stripe group '%s': disks '%s' and '%s' both have index %u\n",
						sg->name, sg->disks[k].label, sg->disks[j].label,
						sg->disks[j].index);
					return -1;
				}
			}
			p->sg = sg;
			p->disk = &sg->disks[j];
			if (find_lun(m, p) || check_lun(m, p))
				rc = -1;
		}
	}
	if (rc)
		return rc;
	for (i = 0; i < m->nplan; i++) {
		for (j = 0; j < i; j++) {
			if (xsan_lun_same_device(m->plan[i].device, m->plan[j].device)) {
				fprintf(stderr, PROG ": %s serves both '%s' and '%s'\n",
					m->plan[i].device, m->plan[j].disk->label,
					m->plan[i].disk->label);
				return -1;
			}
		}
	}
	/* Labels in the list that the volume does not use are a likely typo. */
	for (i = 0; i < m->ll.n; i++) {
		for (j = 0; j < m->nplan; j++)
			if (!strcmp(m->plan[j].disk->label, m->ll.e[i].label))
				break;
		if (j == m->nplan)
			fprintf(stderr, PROG ": %s:%d: warning: label '%s' is not a disk of volume '%s'; ignored\n",
				m->ll.path, m->ll.e[i].line, m->ll.e[i].label, m->cfg.name);
	}
	return 0;
}

/*
 * User data capacity: each disk of a user data stripe group holds
 * blocks from XSAN_LUN_DATA_OFFSET (past the LUN header) to the size its
 * diskType gives, whatever larger LUN it sits on; cvmkfs also sizes by
 * diskType.
 */
static uint64_t data_blocks(const struct xsan_cfg *cfg)
{
	uint64_t blocks = 0;
	size_t i, j;

	for (i = 0; i < cfg->nsgs; i++) {
		if (!cfg->sgs[i].userdata)
			continue;
		for (j = 0; j < cfg->sgs[i].ndisks; j++) {
			const struct xsan_cfg_disk *d = &cfg->sgs[i].disks[j];
			uint64_t bytes = d->sectors * d->sector_size;

			if (bytes > XSAN_LUN_DATA_OFFSET)
				blocks += (bytes - XSAN_LUN_DATA_OFFSET) / cfg->fs_block_size;
		}
	}
	return blocks;
}

/*
 * The stripe group table the MDC allocates from: each group's LUNs count
 * as the smallest of them (a stripe runs across all), in blocks past
 * XSAN_LUN_DATA_OFFSET; xsan_store_format() rounds to whole stripes.
 */
static void sg_table(const struct xsan_cfg *cfg, struct xsan_store_geom *g)
{
	size_t i, j;

	g->nsgs = 0;
	for (i = 0; i < cfg->nsgs && i < XSAN_STORE_MAX_SG; i++) {
		const struct xsan_cfg_sg *sg = &cfg->sgs[i];
		struct xsan_store_sg *o = &g->sgs[g->nsgs++];
		uint64_t min = UINT64_MAX;

		memset(o, 0, sizeof(*o));
		o->index = sg->index;
		o->flags = (sg->metadata ? XSAN_SG_METADATA : 0) |
			   (sg->journal ? XSAN_SG_JOURNAL : 0) |
			   (sg->userdata ? XSAN_SG_USERDATA : 0) |
			   (sg->exclusive ? XSAN_SG_EXCLUSIVE : 0);
		o->nluns = (uint32_t)sg->ndisks;
		o->breadth = (uint32_t)(sg->breadth / cfg->fs_block_size);
		if (!o->breadth)
			o->breadth = 1;
		for (j = 0; j < sg->ndisks; j++) {
			uint64_t bytes = sg->disks[j].sectors * sg->disks[j].sector_size;
			uint64_t b = bytes > XSAN_LUN_DATA_OFFSET ?
				     (bytes - XSAN_LUN_DATA_OFFSET) / cfg->fs_block_size : 0;

			if (b < min)
				min = b;
		}
		o->lun_blocks = sg->ndisks ? min : 0;
		/* the first is recorded; xsanmdc takes the full lists from the .cfgx */
		if (sg->naffinities)
			snprintf(o->affinity, sizeof(o->affinity), "%s", sg->affinities[0]);
	}
}

static void sg_roles(const struct xsan_cfg_sg *sg, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s", sg->metadata ? " metadata" : "",
		 sg->journal ? " journal" : "", sg->userdata ? " userdata" : "");
	if (!out[0])
		snprintf(out, len, " no role");
}

/*
 * The LUN table the MDC serves (DISK_TABLE): each LUN's header fields as
 * the LUN now holds them, so a client's check of a header against the
 * table compares the same bytes mkfs wrote.
 */
static struct xsan_store_lun *lun_table(const struct mkfs *m)
{
	struct xsan_store_lun *l = calloc(m->nplan ? m->nplan : 1, sizeof(*l));
	size_t i;

	if (!l)
		return NULL;
	for (i = 0; i < m->nplan; i++) {
		const struct plan *p = &m->plan[i];

		l[i].sg = p->sg->index;
		l[i].ordinal = p->disk->index;
		l[i].sectors = p->info->hdr.sectors;
		l[i].sector_size = p->info->hdr.sector_size;
		memcpy(l[i].uuid, p->info->hdr.lun_uuid, XSAN_UUID_SIZE);
		snprintf(l[i].label, sizeof(l[i].label), "%s", p->disk->label);
	}
	return l;
}

static int run(struct mkfs *m)
{
	struct xsan_store_geom geom = { 0 };
	char uuid[XSAN_UUID_STR_LEN + 1], err[1024], roles[64];
	struct xsan_store_lun *luns;
	size_t i;
	int rc;

	if (snprintf(m->voldir, sizeof(m->voldir), "%s/%s", m->statedir, m->cfg.name) >=
	    (int)sizeof(m->voldir)) {
		fprintf(stderr, PROG ": %s: path too long\n", m->statedir);
		return 1;
	}
	if (!m->force) {
		char data[4200];

		snprintf(data, sizeof(data), "%s/data.mdb", m->voldir);
		if (!access(data, F_OK)) {
			fprintf(stderr, PROG ": %s already holds volume '%s' (use -f to replace it)\n",
				m->voldir, m->cfg.name);
			return 1;
		}
	}

	xsan_uuid_generate(geom.uuid);
	geom.bsize = m->cfg.fs_block_size;
	geom.blocks = data_blocks(&m->cfg);
	sg_table(&m->cfg, &geom);
	geom.files = MKFS_FILES;
	geom.created = (int64_t)time(NULL);
	xsan_uuid_format(geom.uuid, uuid);

	if (m->dry)
		printf("Dry run: nothing is written.\n");
	for (i = 0; i < m->nplan; i++) {
		struct plan *p = &m->plan[i];

		if (!p->label_it)
			continue;
		if (!m->dry && xsan_lun_label(p->device, p->disk->label, p->limit, m->force,
					      p->info, err, sizeof(err))) {
			fprintf(stderr, PROG ": %s\n", err);
			return 1;
		}
		if (!m->dry)
			p->sectors = p->info->hdr.sectors;
		printf("Labelled %s '%s', %llu sectors\n", p->device, p->disk->label,
		       (unsigned long long)p->sectors);
	}
	printf("Created volume '%s' uuid %s, block size %u, %llu data blocks\n", m->cfg.name,
	       uuid, geom.bsize, (unsigned long long)geom.blocks);
	for (i = 0; i < m->nplan; i++) {
		struct plan *p = &m->plan[i];

		if (i == 0 || p->sg != m->plan[i - 1].sg) {
			sg_roles(p->sg, roles, sizeof(roles));
			printf("Stripe group %u '%s' %zu LUN%s,%s\n", p->sg->index, p->sg->name,
			       p->sg->ndisks, p->sg->ndisks == 1 ? "" : "s", roles);
		}
		if (!m->dry && xsan_lun_assign(p->device, geom.uuid, p->sg->index,
					       p->disk->index, err, sizeof(err))) {
			fprintf(stderr, PROG ": %s\n", err);
			return 1;
		}
		printf("LUN '%s' %s %llu sectors of %u bytes, stripe group %u ordinal %u\n",
		       p->disk->label, p->device, (unsigned long long)p->sectors,
		       p->info->sector_size, p->sg->index, p->disk->index);
	}
	if (m->dry)
		goto done;
	luns = lun_table(m);
	if (!luns) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	geom.luns = luns;
	geom.nluns = (uint32_t)m->nplan;
	rc = xsan_store_format(m->voldir, &geom, m->force, err, sizeof(err));
	free(luns);
	if (rc) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
done:
	printf("Metadata initialised in %s (root inode %d)\n", m->voldir, XSAN_ROOT_INO);
	return 0;
}

static void cleanup(struct mkfs *m)
{
	size_t i;

	for (i = 0; m->cand && i < m->ndevs; i++)
		free(m->cand[i]);
	free(m->cand);
	if (m->scanned)
		xsan_lun_free_list(m->devs, m->ndevs);
	else
		free(m->devs);
	free(m->plan);
	xsan_label_list_free(&m->ll);
	xsan_cfg_free(&m->cfg);
}

int main(int argc, char **argv)
{
	struct mkfs m = { .statedir = DEFAULT_STATEDIR };
	char err[1024];
	char **nd;
	size_t i;
	int opt, rc = 1;

	opterr = 0;	/* our own message, without argv[0]'s path */
	while ((opt = getopt(argc, argv, "+fnl:d:S:h")) != -1) {
		switch (opt) {
		case 'f':
			m.force = true;
			break;
		case 'n':
			m.dry = true;
			break;
		case 'l':
			m.list_path = optarg;
			break;
		case 'd':
			nd = realloc(m.devs, (m.ndevs + 1) * sizeof(*nd));
			if (!nd) {
				free(m.devs);
				return 1;
			}
			m.devs = nd;
			m.devs[m.ndevs++] = optarg;
			break;
		case 'S':
			m.statedir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			if (optopt == 'l' || optopt == 'd' || optopt == 'S')
				fprintf(stderr, PROG ": option '-%c' needs an argument\n", optopt);
			else
				fprintf(stderr, PROG ": unknown option '-%c'\n", optopt);
			usage(stderr);
			free(m.devs);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, PROG ": %s\n", argc == optind ? "no VOLUME.cfgx given" :
			"give one VOLUME.cfgx");
		usage(stderr);
		free(m.devs);
		return 2;
	}
	m.scanned = m.ndevs == 0;

	if (xsan_cfg_load(argv[optind], &m.cfg, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		goto out;
	}
	for (i = 0; i < m.cfg.warnings.n; i++)
		fprintf(stderr, PROG ": %s\n", m.cfg.warnings.msgs[i]);
	if (m.list_path && (xsan_label_list_load(m.list_path, &m.ll, err, sizeof(err)) ||
			    xsan_label_list_probe(&m.ll, err, sizeof(err)))) {
		fprintf(stderr, PROG ": %s\n", err);
		goto out;
	}
	if (make_plan(&m))
		goto out;
	rc = run(&m);
out:
	cleanup(&m);
	return rc;
}
