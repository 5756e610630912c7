// SPDX-License-Identifier: GPL-2.0
/*
 * xsanlabel: list, template and write xsanfs LUN labels (the role of
 * StorNext's cvlabel).
 *
 *   xsanlabel -l [DEVICE...]         list the labelled LUNs
 *   xsanlabel -c [DEVICE...]         a label-list template of the unlabelled ones
 *   xsanlabel [-f] [-y] LABEL_LIST   write the labels a label list names
 *
 * Without DEVICE arguments -l and -c look at every block device of this
 * host. Exit status: 0 done, 1 an error (said on stderr), 2 a usage
 * error. Writing checks the whole list first and writes nothing unless
 * every line is valid.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "labellist.h"
#include "lun.h"

#define PROG "xsanlabel"
#define USAGE "Usage: xsanlabel -l [DEVICE...] | -c [DEVICE...] | [-f] [-y] LABEL_LIST_FILE"

static void usage(FILE *f)
{
	fprintf(f, "%s\n", USAGE);
	if (f == stdout)
		fputs("  -l  list labelled LUNs: LABEL DEVICE SECTORS SECTOR_SIZE LUN_UUID VOLUME\n"
		      "  -c  print a label-list template for the devices without a label\n"
		      "  -f  relabel devices that already carry a label or a partition table\n"
		      "  -y  do not ask for confirmation before writing\n"
		      "Without DEVICE, -l and -c look at every block device of this host.\n",
		      f);
}

/* The devices to look at: the arguments, or every block device. */
static int devices(int argc, char **argv, char ***list, size_t *n)
{
	char err[512];
	int i;

	if (argc == 0) {
		if (xsan_lun_candidates(list, n, err, sizeof(err))) {
			fprintf(stderr, PROG ": %s\n", err);
			return -1;
		}
		return 0;
	}
	*list = calloc((size_t)argc, sizeof(**list));
	if (!*list)
		return -1;
	for (i = 0; i < argc; i++) {
		(*list)[i] = strdup(argv[i]);
		if (!(*list)[i]) {
			xsan_lun_free_list(*list, (size_t)i);
			return -1;
		}
	}
	*n = (size_t)argc;
	return 0;
}

/*
 * A device named on the command line that cannot be read is an error; one
 * found by scanning (a CD drive, a device this container may not open) is
 * only reported.
 */
static int cannot_probe(const char *err, bool scanned)
{
	fprintf(stderr, PROG ": %s%s\n", err, scanned ? " (skipped)" : "");
	return scanned ? 0 : 1;
}

static int list_labels(char **devs, size_t n, bool scanned)
{
	struct xsan_lun_info *info = malloc(sizeof(*info));
	char err[1024], lun[XSAN_UUID_STR_LEN + 1], vol[XSAN_UUID_STR_LEN + 1];
	int rc = 0;
	size_t i;

	if (!info)
		return 1;
	for (i = 0; i < n; i++) {
		if (xsan_lun_probe(devs[i], info, err, sizeof(err))) {
			rc |= cannot_probe(err, scanned);
			continue;
		}
		if (info->state == XSAN_LUN_DAMAGED) {
			fprintf(stderr, PROG ": %s: damaged xsanfs label: %s\n", devs[i], info->what);
			rc = 1;
		}
		if (info->state != XSAN_LUN_LABELLED)
			continue;
		xsan_uuid_format(info->hdr.lun_uuid, lun);
		printf("%s %s %llu %u %s", info->hdr.label, devs[i],
		       (unsigned long long)info->hdr.sectors, info->hdr.sector_size, lun);
		if (xsan_lun_uuid_is_zero(info->hdr.volume_uuid)) {
			printf(" unassigned\n");
		} else {
			xsan_uuid_format(info->hdr.volume_uuid, vol);
			printf(" volume %s sg %u ordinal %u\n", vol, info->hdr.sg_index,
			       info->hdr.ordinal);
		}
	}
	free(info);
	return rc;
}

/* The model of a block device from sysfs, for the template's comment. */
static void model_of(const char *dev, char *out, size_t len)
{
	char *real = realpath(dev, NULL), path[512];
	FILE *f;

	out[0] = '\0';
	if (!real)
		return;
	snprintf(path, sizeof(path), "/sys/class/block/%s/device/model", basename(real));
	free(real);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(out, (int)len, f))
		out[strcspn(out, "\n")] = '\0';
	while (*out && out[strlen(out) - 1] == ' ')
		out[strlen(out) - 1] = '\0';
	fclose(f);
}

static int template(char **devs, size_t n, bool scanned)
{
	struct xsan_lun_info *info = malloc(sizeof(*info));
	char err[1024], host[256] = "", size[32], model[128];
	int rc = 0;
	size_t i;

	if (!info)
		return 1;
	if (gethostname(host, sizeof(host) - 1))
		strcpy(host, "unknown");
	for (i = 0; i < n; i++) {
		if (xsan_lun_probe(devs[i], info, err, sizeof(err))) {
			rc |= cannot_probe(err, scanned);
			continue;
		}
		if (info->state == XSAN_LUN_LABELLED)
			continue;
		xsan_size_format(info->bytes, size, sizeof(size));
		model[0] = '\0';
		if (info->is_blk)
			model_of(devs[i], model, sizeof(model));
		/*
		 * A device that holds something else is offered commented out,
		 * so a template written back unedited cannot destroy it.
		 */
		printf("%sCvfsDisk_UNKNOWN %s %llu # host %s size %s sector_size %u",
		       info->state == XSAN_LUN_EMPTY ? "" : "#", devs[i],
		       (unsigned long long)info->sectors, host, size, info->sector_size);
		if (model[0])
			printf(" model \"%s\"", model);
		if (info->state != XSAN_LUN_EMPTY)
			printf(" in use: %s%s", info->state == XSAN_LUN_DAMAGED ?
			       "damaged xsanfs label, " : "holds ", info->what);
		printf("\n");
	}
	free(info);
	return rc;
}

/* Why a device may not be labelled without -f, or NULL. */
static const char *taken(const struct xsan_lun_info *info, char *buf, size_t len)
{
	char vol[XSAN_UUID_STR_LEN + 1];

	switch (info->state) {
	case XSAN_LUN_EMPTY:
		return NULL;
	case XSAN_LUN_LABELLED:
		if (xsan_lun_uuid_is_zero(info->hdr.volume_uuid)) {
			snprintf(buf, len, "already labelled '%s'", info->hdr.label);
		} else {
			xsan_uuid_format(info->hdr.volume_uuid, vol);
			snprintf(buf, len, "already labelled '%s', a LUN of volume %s",
				 info->hdr.label, vol);
		}
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

static bool confirm(size_t n)
{
	char answer[16];

	printf("Write %zu label%s? [y/N] ", n, n == 1 ? "" : "s");
	fflush(stdout);
	if (!fgets(answer, sizeof(answer), stdin)) {
		printf("\n");
		return false;
	}
	return answer[0] == 'y' || answer[0] == 'Y';
}

static int write_labels(const char *file, bool force, bool yes)
{
	struct xsan_label_list ll;
	char err[1024], why[256], uuid[XSAN_UUID_STR_LEN + 1];
	int rc = 1;
	size_t i;

	if (xsan_label_list_load(file, &ll, err, sizeof(err)) ||
	    xsan_label_list_probe(&ll, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		goto out;
	}
	for (i = 0; i < ll.n; i++) {
		const struct xsan_label_ent *e = &ll.e[i];

		if (!force && taken(e->info, why, sizeof(why))) {
			fprintf(stderr, PROG ": %s:%d: %s: %s (use -f to relabel)\n", file,
				e->line, e->device, why);
			goto out;
		}
	}
	if (!yes) {
		for (i = 0; i < ll.n; i++) {
			const struct xsan_label_ent *e = &ll.e[i];

			printf("%s -> %s%s%s\n", e->label, e->device,
			       taken(e->info, why, sizeof(why)) ? ", which " : "",
			       taken(e->info, why, sizeof(why)) ? why : "");
		}
		if (!confirm(ll.n)) {
			fprintf(stderr, PROG ": nothing written\n");
			goto out;
		}
	}
	for (i = 0; i < ll.n; i++) {
		const struct xsan_label_ent *e = &ll.e[i];

		if (xsan_lun_label(e->device, e->label, e->sectors, force, e->info, err,
				   sizeof(err))) {
			fprintf(stderr, PROG ": %s\n", err);
			if (i)
				fprintf(stderr, PROG ": the labels before line %d were written\n",
					e->line);
			goto out;
		}
		xsan_uuid_format(e->info->hdr.lun_uuid, uuid);
		printf("%s: labelled '%s', %llu sectors of %u bytes, LUN uuid %s\n", e->device,
		       e->label, (unsigned long long)e->info->hdr.sectors,
		       e->info->hdr.sector_size, uuid);
	}
	rc = 0;
out:
	xsan_label_list_free(&ll);
	return rc;
}

int main(int argc, char **argv)
{
	bool list = false, tmpl = false, force = false, yes = false;
	char **devs = NULL;
	size_t n = 0;
	int opt, rc;

	opterr = 0;	/* our own message, without argv[0]'s path */
	while ((opt = getopt(argc, argv, "+lcfyh")) != -1) {
		switch (opt) {
		case 'l':
			list = true;
			break;
		case 'c':
			tmpl = true;
			break;
		case 'f':
			force = true;
			break;
		case 'y':
			yes = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, PROG ": unknown option '-%c'\n", optopt);
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (list + tmpl > 1 || ((list || tmpl) && (force || yes))) {
		fprintf(stderr, PROG ": -l, -c and writing a label list are separate modes\n");
		usage(stderr);
		return 2;
	}
	if (!list && !tmpl) {
		if (argc != 1) {
			fprintf(stderr, PROG ": %s\n", argc ? "give one label list file" :
				"no label list file given");
			usage(stderr);
			return 2;
		}
		return write_labels(argv[0], force, yes);
	}
	if (devices(argc, argv, &devs, &n))
		return 1;
	rc = list ? list_labels(devs, n, argc == 0) : template(devs, n, argc == 0);
	xsan_lun_free_list(devs, n);
	return rc;
}
