// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a cvlabel-style label list (see labellist.h). Everything is
 * checked before the caller writes anything: a label list describes
 * destructive work on several disks, and half of it done is worse than
 * none.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "labellist.h"
#include "util.h"

void xsan_label_list_free(struct xsan_label_list *ll)
{
	size_t i;

	for (i = 0; i < ll->n; i++) {
		free(ll->e[i].device);
		free(ll->e[i].info);
	}
	free(ll->e);
	free(ll->path);
	memset(ll, 0, sizeof(*ll));
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* One line without its comment: 0 and an entry in @e, 1 if blank, -1 on error. */
static int parse_line(const char *path, int lno, char *line, struct xsan_label_ent *e,
		      char *err, size_t errlen)
{
	static const char ws[] = " \t\r\n\v\f";
	char *save, *t, *tok[5];
	int n = 0, i = 2;

	/* Five tokens are enough to know the line has one too many. */
	line[strcspn(line, "#")] = '\0';
	for (t = strtok_r(line, ws, &save); t && n < 5; t = strtok_r(NULL, ws, &save))
		tok[n++] = t;
	if (n == 0)
		return 1;
	if (!xsan_lun_label_ok(tok[0], strlen(tok[0]))) {
		xsan_seterr(err, errlen, "%s:%d: label '%.64s' must be 1-%d of [A-Za-z0-9_.-] starting with a letter or digit",
			    path, lno, tok[0], XSAN_LUN_LABEL_MAX);
		return -1;
	}
	if (n == 1) {
		xsan_seterr(err, errlen, "%s:%d: label '%s' has no device", path, lno, tok[0]);
		return -1;
	}
	memset(e, 0, sizeof(*e));
	strcpy(e->label, tok[0]);
	e->line = lno;
	if (i < n && all_digits(tok[i])) {
		errno = 0;
		e->sectors = strtoull(tok[i], NULL, 10);
		if (errno || e->sectors == 0) {
			xsan_seterr(err, errlen, "%s:%d: sector count '%.32s' must be 1 to 2^64-1",
				    path, lno, tok[i]);
			return -1;
		}
		i++;
	}
	if (i < n) {
		if (!strcasecmp(tok[i], "VTOC")) {
			xsan_seterr(err, errlen, "%s:%d: VTOC labels are not supported; use EFI (xsanfs writes a GPT)",
				    path, lno);
			return -1;
		}
		if (strcasecmp(tok[i], "EFI")) {
			xsan_seterr(err, errlen, "%s:%d: '%.64s' is not a sector count or a label type (EFI)",
				    path, lno, tok[i]);
			return -1;
		}
		i++;
	}
	if (i < n) {
		xsan_seterr(err, errlen, "%s:%d: unexpected '%.64s' at the end of the line",
			    path, lno, tok[i]);
		return -1;
	}
	e->device = strdup(tok[1]);
	if (!e->device) {
		xsan_seterr(err, errlen, "%s:%d: out of memory", path, lno);
		return -1;
	}
	return 0;
}

/**
 * xsan_label_list_load() - read and check the syntax of a label list
 * @path: the file
 * @out: the entries, in file order; empty on failure
 * @err: error buffer
 * @errlen: its size
 *
 * Return: 0, or -1 with "FILE:LINE: ..." (or "FILE: ...") in @err.
 */
int xsan_label_list_load(const char *path, struct xsan_label_list *out,
			 char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0, j;
	ssize_t len;
	int lno = 0, rc;

	memset(out, 0, sizeof(*out));
	if (!f) {
		xsan_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	out->path = strdup(path);
	if (!out->path)
		goto oom;
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct xsan_label_ent e, *ne;

		lno++;
		if (len > XSAN_LABEL_LINE_MAX) {
			xsan_seterr(err, errlen, "%s:%d: line longer than %d bytes", path, lno,
				    XSAN_LABEL_LINE_MAX);
			goto fail;
		}
		if (strlen(line) != (size_t)len) {
			xsan_seterr(err, errlen, "%s:%d: NUL byte in the line", path, lno);
			goto fail;
		}
		rc = parse_line(path, lno, line, &e, err, errlen);
		if (rc < 0)
			goto fail;
		if (rc > 0)
			continue;
		for (j = 0; j < out->n; j++) {
			if (!strcmp(out->e[j].label, e.label)) {
				xsan_seterr(err, errlen, "%s:%d: label '%s' is already on line %d",
					    path, lno, e.label, out->e[j].line);
				free(e.device);
				goto fail;
			}
		}
		if (out->n == XSAN_LABEL_LIST_MAX) {
			xsan_seterr(err, errlen, "%s:%d: more than %d labels", path, lno,
				    XSAN_LABEL_LIST_MAX);
			free(e.device);
			goto fail;
		}
		ne = realloc(out->e, (out->n + 1) * sizeof(*ne));
		if (!ne) {
			free(e.device);
			goto oom;
		}
		out->e = ne;
		out->e[out->n++] = e;
	}
	if (ferror(f)) {
		xsan_seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (out->n == 0) {
		xsan_seterr(err, errlen, "%s: no labels listed", path);
		goto fail;
	}
	free(line);
	fclose(f);
	return 0;
oom:
	xsan_seterr(err, errlen, "%s: out of memory", path);
fail:
	free(line);
	fclose(f);
	xsan_label_list_free(out);
	return -1;
}

/**
 * xsan_label_list_probe() - look at every device of a label list
 * @ll: a loaded list; each entry's @info is set
 * @err: error buffer
 * @errlen: its size
 *
 * Checks what needs the devices: each can be read, its SECTORS fits, and
 * no device appears twice under different names (a symlink, a
 * /dev/disk/by-id path). What each caller accepts on a device (a label
 * already there, another partition table) is up to the caller.
 *
 * Return: 0, or -1 with "FILE:LINE: ..." in @err.
 */
int xsan_label_list_probe(struct xsan_label_list *ll, char *err, size_t errlen)
{
	char msg[1024];
	size_t i, j;

	for (i = 0; i < ll->n; i++) {
		struct xsan_label_ent *e = &ll->e[i];

		if (!e->info)
			e->info = malloc(sizeof(*e->info));
		if (!e->info) {
			xsan_seterr(err, errlen, "%s:%d: out of memory", ll->path, e->line);
			return -1;
		}
		if (xsan_lun_probe(e->device, e->info, msg, sizeof(msg))) {
			xsan_seterr(err, errlen, "%s:%d: %s", ll->path, e->line, msg);
			return -1;
		}
		if (e->sectors > e->info->sectors) {
			xsan_seterr(err, errlen, "%s:%d: %s has %llu sectors, fewer than the %llu listed",
				    ll->path, e->line, e->device,
				    (unsigned long long)e->info->sectors,
				    (unsigned long long)e->sectors);
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (xsan_lun_same_device(ll->e[j].device, e->device)) {
				xsan_seterr(err, errlen, "%s:%d: %s is the device of line %d (%s)",
					    ll->path, e->line, e->device, ll->e[j].line,
					    ll->e[j].device);
				return -1;
			}
		}
	}
	return 0;
}
