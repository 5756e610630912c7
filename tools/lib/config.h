/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The administrative surface of xsanfs: VOLUME.cfgx (the StorNext XML
 * volume configuration, the subset in DESIGN.md section 1), fsnameservers
 * and fsports.
 *
 * Every loader returns 0 on success, or -1 with a message in @err that
 * starts "FILE:LINE: " (or "FILE: " when no line applies). Problems that
 * are not errors (an unknown setting) are collected as warnings, each a
 * complete "FILE:LINE: ..." line for the caller to log; they never make a
 * load fail.
 *
 * No loader touches the network or anything but @path: .cfgx is parsed
 * with XML_PARSE_NONET, without entity substitution or DTD loading, and a
 * document that carries a DOCTYPE is refused outright.
 */
#ifndef XSAN_TOOLS_CONFIG_H
#define XSAN_TOOLS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits that bound the memory a hostile or broken file can make us use. */
#define XSAN_CFG_FILE_MAX	(16u << 20)	/* bytes of any config file */
#define XSAN_CFG_NAME_MAX	64	/* volume, stripe group, affinity, disk type */
#define XSAN_CFG_LABEL_MAX	36	/* disk label: a GPT partition name */
#define XSAN_CFG_MAX_SG		256	/* stripe groups per volume */
#define XSAN_CFG_MAX_DISKS	1024	/* disks per volume */
#define XSAN_CFG_MAX_DISKTYPES	256
#define XSAN_CFG_MAX_AFFINITIES	64	/* affinity tags per stripe group */
#define XSAN_CFG_MAX_GLOBALS	256
#define XSAN_CFG_MAX_WARNINGS	256	/* further warnings are dropped */
#define XSAN_CFG_MAX_NAMESERVERS 256
#define XSAN_CFG_LINE_MAX	1024	/* bytes per line of the text files */

#define XSAN_CFG_BLOCK_MIN	4096u
#define XSAN_CFG_BLOCK_MAX	1048576u

#define XSAN_CFG_IDLE_DEFAULT	30u	/* allocSessionIdleTimeout, seconds */
#define XSAN_CFG_IDLE_MAX	86400u

/* Warnings collected by a loader; each a complete "FILE:LINE: ..." line. */
struct xsan_cfg_warnings {
	char **msgs;
	size_t n;
};

void xsan_cfg_warnings_free(struct xsan_cfg_warnings *w);

/* A <globals> element the loader recognised, as written (trimmed). */
struct xsan_cfg_global {
	char *key;
	char *value;
	int line;
};

struct xsan_cfg_disktype {
	char name[XSAN_CFG_NAME_MAX + 1];
	uint64_t sectors;
	uint32_t sector_size;
};

struct xsan_cfg_disk {
	char label[XSAN_CFG_LABEL_MAX + 1];
	char type[XSAN_CFG_NAME_MAX + 1];	/* the diskType's typeName */
	uint32_t index;				/* within its stripe group */
	uint64_t sectors;			/* resolved from the diskType */
	uint32_t sector_size;
};

struct xsan_cfg_sg {
	char name[XSAN_CFG_NAME_MAX + 1];
	uint32_t index;
	uint64_t breadth;		/* stripeBreadth, bytes */
	bool metadata, journal, userdata;
	bool read, write;		/* default true */
	bool exclusive;			/* stripeGroup exclusive= */
	bool down;			/* status="down" */
	bool affinities_exclusive;	/* <affinities exclusive=> */
	char (*affinities)[XSAN_CFG_NAME_MAX + 1];
	size_t naffinities;
	struct xsan_cfg_disk *disks;
	size_t ndisks;
};

struct xsan_cfg {
	char name[XSAN_CFG_NAME_MAX + 1];	/* <config name=> */

	/* The globals xsanfs acts on, defaults applied. */
	uint32_t fs_block_size;			/* default 4096 */
	uint64_t journal_size;			/* bytes; 0 if not given */
	uint64_t alloc_session_reservation_size; /* bytes; 0 = off */
	/* allocSessionIdleTimeout: seconds without allocation after which a
	 * session's reservation is given back; default 30, 0 = never
	 */
	uint32_t alloc_session_idle_s;
	bool file_locks;			/* default false */

	/* Every recognised <globals> element, as written. */
	struct xsan_cfg_global *globals;
	size_t nglobals;

	struct xsan_cfg_disktype *disktypes;
	size_t ndisktypes;

	struct xsan_cfg_sg *sgs;		/* in document order */
	size_t nsgs;

	struct xsan_cfg_warnings warnings;
};

/*
 * Load VOLUME.cfgx at @path into @out. On failure @out is left empty
 * (xsan_cfg_free() on it is harmless) and @err says why.
 */
int xsan_cfg_load(const char *path, struct xsan_cfg *out, char *err, size_t errlen);
void xsan_cfg_free(struct xsan_cfg *cfg);

/* Raw value of the recognised global @key, or NULL. */
const char *xsan_cfg_global(const struct xsan_cfg *cfg, const char *key);

/* fsnameservers: one host name or IPv4/IPv6 literal per line. */
struct xsan_cfg_nameservers {
	char **hosts;
	size_t n;
	struct xsan_cfg_warnings warnings;
};

int xsan_cfg_load_nameservers(const char *path, struct xsan_cfg_nameservers *out,
			      char *err, size_t errlen);
void xsan_cfg_nameservers_free(struct xsan_cfg_nameservers *ns);

/*
 * fsports: "MinPort N" / "MaxPort N". *min and *max hold the defaults on
 * entry and are replaced by what the file sets; both are written only on
 * success. Warnings go to @warn if it is not NULL (free it with
 * xsan_cfg_warnings_free()).
 */
int xsan_cfg_load_ports(const char *path, int *min, int *max,
			struct xsan_cfg_warnings *warn, char *err, size_t errlen);

#endif /* XSAN_TOOLS_CONFIG_H */
