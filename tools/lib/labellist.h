/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cvlabel label-list format, which xsanlabel writes labels from and
 * mkfs.xsanfs -l reads: one LUN a line,
 *
 *	LABEL DEVICE [SECTORS] [EFI|VTOC]  # comment
 *
 * blank lines and # comments allowed. Loading checks the syntax and that
 * no label is listed twice; probing then looks at every device (it
 * exists, SECTORS fits, no device is listed twice). Errors are
 * "FILE:LINE: message", as for the .cfgx loader (config.h).
 */
#ifndef XSAN_TOOLS_LABELLIST_H
#define XSAN_TOOLS_LABELLIST_H

#include <stddef.h>
#include <stdint.h>

#include "lun.h"

#define XSAN_LABEL_LIST_MAX	1024	/* entries: as many as a volume's disks */
#define XSAN_LABEL_LINE_MAX	1024	/* bytes a line */

/**
 * struct xsan_label_ent - one line of a label list
 * @label: the label
 * @device: the device path
 * @sectors: SECTORS, or 0 when not given (use the whole device)
 * @line: its line number
 * @info: what xsan_label_list_probe() found on @device, or NULL before
 */
struct xsan_label_ent {
	char label[XSAN_LUN_LABEL_MAX + 1];
	char *device;
	uint64_t sectors;
	int line;
	struct xsan_lun_info *info;
};

struct xsan_label_list {
	char *path;
	struct xsan_label_ent *e;
	size_t n;
};

int xsan_label_list_load(const char *path, struct xsan_label_list *out,
			 char *err, size_t errlen);
int xsan_label_list_probe(struct xsan_label_list *ll, char *err, size_t errlen);
void xsan_label_list_free(struct xsan_label_list *ll);

#endif /* XSAN_TOOLS_LABELLIST_H */
