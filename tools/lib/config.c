// SPDX-License-Identifier: GPL-2.0
/*
 * VOLUME.cfgx, fsnameservers and fsports loaders. See config.h.
 */

#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "util.h"

/* ---- shared helpers ---- */

#define PRINTF(a, b) __attribute__((format(printf, a, b)))

void xsan_cfg_warnings_free(struct xsan_cfg_warnings *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->n; i++)
		free(w->msgs[i]);
	free(w->msgs);
	w->msgs = NULL;
	w->n = 0;
}

/* Append a formatted warning; -1 only when out of memory. */
static int addwarn(struct xsan_cfg_warnings *w, const char *fmt, ...) PRINTF(2, 3);
static int addwarn(struct xsan_cfg_warnings *w, const char *fmt, ...)
{
	va_list ap;
	char **msgs;
	char *m;
	int len;

	if (!w || w->n >= XSAN_CFG_MAX_WARNINGS)
		return 0;
	va_start(ap, fmt);
	len = vasprintf(&m, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -1;
	msgs = realloc(w->msgs, (w->n + 1) * sizeof(*msgs));
	if (!msgs) {
		free(m);
		return -1;
	}
	msgs[w->n++] = m;
	w->msgs = msgs;
	return 0;
}

/* Strict unsigned decimal: digits only, no sign, no overflow. */
static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -2;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* 1..@max of [A-Za-z0-9_.-], starting with a letter or digit. */
static bool valid_name(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n < 1 || n > max || !isalnum((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && c != '_' && c != '.' && c != '-')
			return false;
	}
	return true;
}

/* Trim ASCII whitespace in place; returns the start. */
static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		e--;
	*e = '\0';
	return s;
}

/*
 * Read all of @path (at most XSAN_CFG_FILE_MAX bytes) into a NUL-terminated
 * buffer. Refuses anything but a regular file.
 */
static char *slurp(const char *path, size_t *lenp, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		xsan_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		xsan_seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		xsan_seterr(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > XSAN_CFG_FILE_MAX) {
		xsan_seterr(err, errlen, "%s: larger than %u bytes", path, XSAN_CFG_FILE_MAX);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		xsan_seterr(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (len < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + len, (size_t)st.st_size - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			xsan_seterr(err, errlen, "%s: %s", path, strerror(errno));
			free(buf);
			buf = NULL;
			goto out;
		}
		if (r == 0)
			break;	/* shrank under us: parse what is there */
		len += (size_t)r;
	}
	buf[len] = '\0';
	*lenp = len;
out:
	close(fd);
	return buf;
}

/* ---- VOLUME.cfgx ---- */

/* StorNext globals xsanfs accepts silently (kept, not acted on). */
static const char *const known_globals[] = {
	"abmFreeLimit", "affinityPreference", "allocationStrategy",
	"allocSessionIdleTimeout", "allocSessionReservation",
	"allocSessionReservationSize", "audit",
	"autoAffinities", "bufferCacheSize", "caseInsensitive", "cvRootDir",
	"dataMigration", "dataMigrationThreadPoolSize", "debug", "dirWarp",
	"enableSpotlight", "enforceAcls", "eventFileDir", "eventFiles",
	"extentCountThreshold", "fileLocks", "fileLockResyncTimeOut",
	"forcePerfectFit", "fsBlockSize", "fsCapacityThreshold",
	"fsmMemLocked", "fsmRealTime", "globalShareMode", "globalSuperUser",
	"haFsType", "inodeCacheSize", "inodeDeleteMax", "inodeExpandInc",
	"inodeExpandMax", "inodeExpandMin", "inodeStripeWidth", "ioTokens",
	"journalSize", "maxConnections", "maxLogs", "maxLogSize",
	"metadataArchive", "metadataArchiveCache", "metadataArchiveDays",
	"metadataArchiveDir", "metadataArchiveSearch", "namedStreams",
	"noaffinitySteering", "opHangLimitSecs", "perfectFitSize", "quotas",
	"quotaHistoryDays", "remoteNotification", "renameTracking",
	"reservedSpace", "restAccess", "securityModel", "spotlightProxy",
	"spotlightSearchLevel", "spotlightUseProxy", "storageManager",
	"stripeAlignSize", "threadPoolSize", "trimOnClose",
	"unixDirectoryCreationModeOnWindows", "unixFileCreationModeOnWindows",
	"unixIdFabricationOnWindows", "unixIdMapping", "unixNobodyGidOnWindows",
	"unixNobodyUidOnWindows", "useActiveQuotas", "useL2BufferCache",
	"windowsIdMapping", "windowsSecurity", "wormCapable",
};

static const char *const config_attrs[] = {
	"configVersion", "name", "fsBlockSize", "journalSize",
};

static const char *const sg_attrs[] = {
	"index", "name", "status", "stripeBreadth", "read", "write",
	"metadata", "journal", "userdata", "exclusive", "realTimeIOs",
	"realTimeIOsReserve", "realTimeMB", "realTimeMBReserve",
	"realTimeTokenTimeout", "multipathMethod",
};

static const char *const disk_attrs[] = {
	"index", "diskLabel", "diskType", "ordinal",
};

static const char *const disktype_attrs[] = {
	"typeName", "sectors", "sectorSize",
};

struct cx {
	const char *path;
	char *err;
	size_t errlen;
	struct xsan_cfg *cfg;
	size_t ndisks;		/* over all stripe groups */
	int block_line;		/* where fsBlockSize was set, 0 if default */
	int journal_line;
};

static long lineof(const xmlNode *n)
{
	return n ? xmlGetLineNo(n) : 0;
}

static int fail(struct cx *c, const xmlNode *n, const char *fmt, ...) PRINTF(3, 4);
static int fail(struct cx *c, const xmlNode *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	xsan_seterr(c->err, c->errlen, "%s:%ld: %s", c->path, lineof(n), msg);
	return -1;
}

static int oom(struct cx *c, const xmlNode *n)
{
	return fail(c, n, "out of memory");
}

static int warn(struct cx *c, const xmlNode *n, const char *fmt, ...) PRINTF(3, 4);
static int warn(struct cx *c, const xmlNode *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (addwarn(&c->cfg->warnings, "%s:%ld: %s", c->path, lineof(n), msg))
		return oom(c, n);
	return 0;
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

#define IN_LIST(s, list) in_list((s), (list), sizeof(list) / sizeof((list)[0]))

static const char *ename(const xmlNode *n)
{
	return (const char *)n->name;
}

static bool is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp(ename(n), name);
}

/* Warn about attributes of @n not in @known. */
static int check_attrs(struct cx *c, const xmlNode *n, const char *const *known, size_t nknown)
{
	const xmlAttr *a;

	for (a = n->properties; a; a = a->next) {
		const char *an = (const char *)a->name;

		if (!in_list(an, known, nknown) &&
		    warn(c, n, "unknown attribute '%s' of <%s> ignored", an, ename(n)))
			return -1;
	}
	return 0;
}

#define CHECK_ATTRS(c, n, list) check_attrs((c), (n), (list), sizeof(list) / sizeof((list)[0]))

/*
 * Attribute @name of @n, trimmed, in a malloc'd string the caller frees
 * with free(); *@out is NULL when absent. -1 only when out of memory.
 */
static int get_attr(struct cx *c, const xmlNode *n, const char *name, char **out)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *s;

	*out = NULL;
	if (!v)
		return 0;
	s = strdup(trim((char *)v));
	xmlFree(v);
	if (!s)
		return oom(c, n);
	*out = s;
	return 0;
}

/* The text of element @n, trimmed, malloc'd. */
static int get_text(struct cx *c, const xmlNode *n, char **out)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s;

	s = strdup(v ? trim((char *)v) : "");
	xmlFree(v);
	if (!s)
		return oom(c, n);
	*out = s;
	return 0;
}

static int num_value(struct cx *c, const xmlNode *n, const char *what, const char *s,
		     uint64_t *v)
{
	int rc = parse_u64(s, v);

	if (rc == -2)
		return fail(c, n, "%s '%s' is too large", what, s);
	if (rc)
		return fail(c, n, "%s '%s' is not a number", what, s);
	return 0;
}

static int bool_value(struct cx *c, const xmlNode *n, const char *what, const char *s,
		      bool *v)
{
	if (!strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "yes")) {
		*v = true;
		return 0;
	}
	if (!strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "no")) {
		*v = false;
		return 0;
	}
	return fail(c, n, "%s '%s' is not true or false", what, s);
}

/* Numeric attribute; *@present says whether it was there. */
static int num_attr(struct cx *c, const xmlNode *n, const char *name, uint64_t *v,
		    bool *present)
{
	char *s;
	char what[128];
	int rc;

	*present = false;
	if (get_attr(c, n, name, &s))
		return -1;
	if (!s)
		return 0;
	snprintf(what, sizeof(what), "<%s> %s", ename(n), name);
	rc = num_value(c, n, what, s, v);
	free(s);
	*present = rc == 0;
	return rc;
}

static int bool_attr(struct cx *c, const xmlNode *n, const char *name, bool *v)
{
	char *s;
	char what[128];
	int rc;

	if (get_attr(c, n, name, &s))
		return -1;
	if (!s)
		return 0;	/* keep the default */
	snprintf(what, sizeof(what), "<%s> %s", ename(n), name);
	rc = bool_value(c, n, what, s, v);
	free(s);
	return rc;
}

static int set_block_size(struct cx *c, const xmlNode *n, uint64_t v)
{
	if (!is_pow2(v) || v < XSAN_CFG_BLOCK_MIN || v > XSAN_CFG_BLOCK_MAX)
		return fail(c, n, "fsBlockSize %llu must be a power of two from %u to %u",
			    (unsigned long long)v, XSAN_CFG_BLOCK_MIN, XSAN_CFG_BLOCK_MAX);
	if (c->block_line && c->cfg->fs_block_size != v)
		return fail(c, n, "fsBlockSize %llu conflicts with %u set on line %d",
			    (unsigned long long)v, c->cfg->fs_block_size, c->block_line);
	c->cfg->fs_block_size = (uint32_t)v;
	c->block_line = (int)lineof(n);
	return 0;
}

static int set_journal_size(struct cx *c, const xmlNode *n, uint64_t v)
{
	if (c->journal_line && c->cfg->journal_size != v)
		return fail(c, n, "journalSize %llu conflicts with %llu set on line %d",
			    (unsigned long long)v, (unsigned long long)c->cfg->journal_size,
			    c->journal_line);
	c->cfg->journal_size = v;
	c->journal_line = (int)lineof(n);
	return 0;
}

static int parse_config_attrs(struct cx *c, const xmlNode *n)
{
	uint64_t v;
	bool present;
	char *name;

	if (CHECK_ATTRS(c, n, config_attrs))
		return -1;
	if (get_attr(c, n, "name", &name))
		return -1;
	if (!name || !*name) {
		free(name);
		return fail(c, n, "<config> has no name (the volume name)");
	}
	if (!valid_name(name, XSAN_CFG_NAME_MAX)) {
		fail(c, n, "volume name '%.80s' must be 1-%d of [A-Za-z0-9_.-] starting with a letter or digit",
		     name, XSAN_CFG_NAME_MAX);
		free(name);
		return -1;
	}
	strcpy(c->cfg->name, name);
	free(name);

	if (num_attr(c, n, "fsBlockSize", &v, &present))
		return -1;
	if (present && set_block_size(c, n, v))
		return -1;
	if (num_attr(c, n, "journalSize", &v, &present))
		return -1;
	if (present && set_journal_size(c, n, v))
		return -1;
	return 0;
}

static int parse_global(struct cx *c, const xmlNode *n)
{
	const char *key = ename(n);
	struct xsan_cfg *cfg = c->cfg;
	struct xsan_cfg_global *g;
	uint64_t v;
	char *text;
	size_t i;

	if (!IN_LIST(key, known_globals))
		return warn(c, n, "unknown setting '%s' ignored", key);
	for (i = 0; i < cfg->nglobals; i++)
		if (!strcmp(cfg->globals[i].key, key))
			return fail(c, n, "duplicate setting '%s' (first on line %d)",
				    key, cfg->globals[i].line);
	if (cfg->nglobals >= XSAN_CFG_MAX_GLOBALS)
		return fail(c, n, "more than %d settings in <globals>", XSAN_CFG_MAX_GLOBALS);
	if (get_text(c, n, &text))
		return -1;

	if (!strcmp(key, "fsBlockSize")) {
		if (num_value(c, n, key, text, &v) || set_block_size(c, n, v))
			goto bad;
	} else if (!strcmp(key, "journalSize")) {
		if (num_value(c, n, key, text, &v) || set_journal_size(c, n, v))
			goto bad;
	} else if (!strcmp(key, "allocSessionReservationSize")) {
		if (num_value(c, n, key, text, &v))
			goto bad;
		cfg->alloc_session_reservation_size = v;
	} else if (!strcmp(key, "allocSessionIdleTimeout")) {
		if (num_value(c, n, key, text, &v))
			goto bad;
		if (v > XSAN_CFG_IDLE_MAX) {
			fail(c, n, "allocSessionIdleTimeout %llu must be 0 (never) to %u seconds",
			     (unsigned long long)v, XSAN_CFG_IDLE_MAX);
			goto bad;
		}
		cfg->alloc_session_idle_s = (uint32_t)v;
	} else if (!strcmp(key, "fileLocks")) {
		if (bool_value(c, n, key, text, &cfg->file_locks))
			goto bad;
	}

	g = realloc(cfg->globals, (cfg->nglobals + 1) * sizeof(*g));
	if (!g) {
		free(text);
		return oom(c, n);
	}
	cfg->globals = g;
	g += cfg->nglobals;
	g->key = strdup(key);
	g->value = text;
	g->line = (int)lineof(n);
	if (!g->key) {
		free(text);
		return oom(c, n);
	}
	cfg->nglobals++;
	return 0;
bad:
	free(text);
	return -1;
}

static int parse_globals(struct cx *c, const xmlNode *globals)
{
	const xmlNode *n;

	for (n = globals->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && parse_global(c, n))
			return -1;
	return 0;
}

static const struct xsan_cfg_disktype *find_disktype(const struct xsan_cfg *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->ndisktypes; i++)
		if (!strcmp(cfg->disktypes[i].name, name))
			return &cfg->disktypes[i];
	return NULL;
}

static int parse_disktype(struct cx *c, const xmlNode *n)
{
	struct xsan_cfg *cfg = c->cfg;
	struct xsan_cfg_disktype *t;
	uint64_t sectors, ss;
	bool present;
	char *name;

	if (CHECK_ATTRS(c, n, disktype_attrs))
		return -1;
	if (cfg->ndisktypes >= XSAN_CFG_MAX_DISKTYPES)
		return fail(c, n, "more than %d disk types", XSAN_CFG_MAX_DISKTYPES);
	if (get_attr(c, n, "typeName", &name))
		return -1;
	if (!name)
		return fail(c, n, "<diskType> has no typeName");
	if (!valid_name(name, XSAN_CFG_NAME_MAX)) {
		fail(c, n, "disk type name '%.80s' must be 1-%d of [A-Za-z0-9_.-] starting with a letter or digit",
		     name, XSAN_CFG_NAME_MAX);
		goto bad;
	}
	if (find_disktype(cfg, name)) {
		fail(c, n, "duplicate disk type '%s'", name);
		goto bad;
	}
	if (num_attr(c, n, "sectors", &sectors, &present))
		goto bad;
	if (!present || !sectors) {
		fail(c, n, "disk type '%s' needs sectors greater than 0", name);
		goto bad;
	}
	if (num_attr(c, n, "sectorSize", &ss, &present))
		goto bad;
	if (!present)
		ss = 512;
	if (!is_pow2(ss) || ss < 512 || ss > 65536) {
		fail(c, n, "disk type '%s' sectorSize %llu must be a power of two from 512 to 65536",
		     name, (unsigned long long)ss);
		goto bad;
	}
	if (sectors > UINT64_MAX / ss) {
		fail(c, n, "disk type '%s' is too large", name);
		goto bad;
	}
	t = realloc(cfg->disktypes, (cfg->ndisktypes + 1) * sizeof(*t));
	if (!t) {
		oom(c, n);
		goto bad;
	}
	cfg->disktypes = t;
	t += cfg->ndisktypes++;
	memset(t, 0, sizeof(*t));
	strcpy(t->name, name);
	t->sectors = sectors;
	t->sector_size = (uint32_t)ss;
	free(name);
	return 0;
bad:
	free(name);
	return -1;
}

/*
 * Parse every <@child> element under @parent with @fn; any other element
 * there is warned about and skipped.
 */
static int parse_children(struct cx *c, const xmlNode *parent, const char *child,
			  int (*fn)(struct cx *c, const xmlNode *n))
{
	const xmlNode *n;

	for (n = parent->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!is_elem(n, child)) {
			if (warn(c, n, "unknown element <%s> in <%s> ignored",
				 ename(n), ename(parent)))
				return -1;
			continue;
		}
		if (fn(c, n))
			return -1;
	}
	return 0;
}

static int parse_disktypes(struct cx *c, const xmlNode *types)
{
	return parse_children(c, types, "diskType", parse_disktype);
}

static int parse_affinities(struct cx *c, const xmlNode *aff, struct xsan_cfg_sg *sg)
{
	static const char *const aff_attrs[] = { "exclusive" };
	const xmlNode *n;

	if (CHECK_ATTRS(c, aff, aff_attrs))
		return -1;
	if (bool_attr(c, aff, "exclusive", &sg->affinities_exclusive))
		return -1;
	for (n = aff->children; n; n = n->next) {
		char (*a)[XSAN_CFG_NAME_MAX + 1];
		char *tag;
		size_t i;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		/* StorNext writes <affinity>; <affinityTag> is accepted too */
		if (!is_elem(n, "affinity") && !is_elem(n, "affinityTag")) {
			if (warn(c, n, "unknown element <%s> in <affinities> ignored", ename(n)))
				return -1;
			continue;
		}
		if (sg->naffinities >= XSAN_CFG_MAX_AFFINITIES)
			return fail(c, n, "more than %d affinities in stripe group '%s'",
				    XSAN_CFG_MAX_AFFINITIES, sg->name);
		if (get_text(c, n, &tag))
			return -1;
		if (!valid_name(tag, XSAN_CFG_NAME_MAX)) {
			fail(c, n, "affinity '%.80s' must be 1-%d of [A-Za-z0-9_.-] starting with a letter or digit",
			     tag, XSAN_CFG_NAME_MAX);
			free(tag);
			return -1;
		}
		for (i = 0; i < sg->naffinities; i++) {
			if (!strcmp(sg->affinities[i], tag)) {
				fail(c, n, "duplicate affinity '%s' in stripe group '%s'", tag, sg->name);
				free(tag);
				return -1;
			}
		}
		a = realloc(sg->affinities, (sg->naffinities + 1) * sizeof(*a));
		if (!a) {
			free(tag);
			return oom(c, n);
		}
		sg->affinities = a;
		strcpy(a[sg->naffinities++], tag);
		free(tag);
	}
	return 0;
}

static int parse_disk(struct cx *c, const xmlNode *n, struct xsan_cfg_sg *sg)
{
	const struct xsan_cfg_disktype *t;
	struct xsan_cfg_disk *d;
	char *label = NULL, *type = NULL;
	uint64_t index;
	bool present;
	size_t i, j;
	int rc = -1;

	if (CHECK_ATTRS(c, n, disk_attrs))
		return -1;
	if (c->ndisks >= XSAN_CFG_MAX_DISKS)
		return fail(c, n, "more than %d disks", XSAN_CFG_MAX_DISKS);
	if (num_attr(c, n, "index", &index, &present))
		return -1;
	if (!present)
		index = sg->ndisks;
	if (index > UINT32_MAX)
		return fail(c, n, "disk index %llu is too large", (unsigned long long)index);
	if (get_attr(c, n, "diskLabel", &label) || get_attr(c, n, "diskType", &type))
		goto out;
	if (!label) {
		fail(c, n, "<disk> has no diskLabel");
		goto out;
	}
	if (!valid_name(label, XSAN_CFG_LABEL_MAX)) {
		fail(c, n, "disk label '%.80s' must be 1-%d of [A-Za-z0-9_.-] starting with a letter or digit",
		     label, XSAN_CFG_LABEL_MAX);
		goto out;
	}
	for (i = 0; i < c->cfg->nsgs; i++) {
		const struct xsan_cfg_sg *o = &c->cfg->sgs[i];

		for (j = 0; j < o->ndisks; j++) {
			if (!strcmp(o->disks[j].label, label)) {
				fail(c, n, "duplicate disk label '%s' (also in stripe group '%s')",
				     label, o->name);
				goto out;
			}
		}
	}
	for (j = 0; j < sg->ndisks; j++) {
		if (!strcmp(sg->disks[j].label, label)) {
			fail(c, n, "duplicate disk label '%s' (also in stripe group '%s')",
			     label, sg->name);
			goto out;
		}
		if (sg->disks[j].index == index) {
			fail(c, n, "duplicate disk index %llu in stripe group '%s'",
			     (unsigned long long)index, sg->name);
			goto out;
		}
	}
	if (!type) {
		fail(c, n, "disk '%s' has no diskType", label);
		goto out;
	}
	t = find_disktype(c->cfg, type);
	if (!t) {
		fail(c, n, "disk '%s' has unknown diskType '%.80s'", label, type);
		goto out;
	}
	d = realloc(sg->disks, (sg->ndisks + 1) * sizeof(*d));
	if (!d) {
		oom(c, n);
		goto out;
	}
	sg->disks = d;
	d += sg->ndisks++;
	memset(d, 0, sizeof(*d));
	strcpy(d->label, label);
	strcpy(d->type, t->name);
	d->index = (uint32_t)index;
	d->sectors = t->sectors;
	d->sector_size = t->sector_size;
	c->ndisks++;
	rc = 0;
out:
	free(label);
	free(type);
	return rc;
}

static void sg_free(struct xsan_cfg_sg *sg)
{
	free(sg->affinities);
	free(sg->disks);
	sg->affinities = NULL;
	sg->disks = NULL;
}

static int parse_sg_body(struct cx *c, const xmlNode *n, struct xsan_cfg_sg *sg)
{
	const xmlNode *ch, *aff = NULL;
	uint64_t v;
	bool present;
	char *s;
	size_t i;

	if (CHECK_ATTRS(c, n, sg_attrs))
		return -1;
	if (get_attr(c, n, "name", &s))
		return -1;
	if (!s)
		return fail(c, n, "<stripeGroup> has no name");
	if (!valid_name(s, XSAN_CFG_NAME_MAX)) {
		fail(c, n, "stripe group name '%.80s' must be 1-%d of [A-Za-z0-9_.-] starting with a letter or digit",
		     s, XSAN_CFG_NAME_MAX);
		free(s);
		return -1;
	}
	strcpy(sg->name, s);
	free(s);

	if (num_attr(c, n, "index", &v, &present))
		return -1;
	if (!present)
		return fail(c, n, "stripe group '%s' has no index", sg->name);
	if (v > 65535)
		return fail(c, n, "stripe group '%s' index %llu is larger than 65535",
			    sg->name, (unsigned long long)v);
	sg->index = (uint32_t)v;
	for (i = 0; i < c->cfg->nsgs; i++) {
		if (!strcmp(c->cfg->sgs[i].name, sg->name))
			return fail(c, n, "duplicate stripe group name '%s'", sg->name);
		if (c->cfg->sgs[i].index == sg->index)
			return fail(c, n, "duplicate stripe group index %u ('%s' and '%s')",
				    sg->index, c->cfg->sgs[i].name, sg->name);
	}

	if (num_attr(c, n, "stripeBreadth", &v, &present))
		return -1;
	if (!present)
		return fail(c, n, "stripe group '%s' has no stripeBreadth", sg->name);
	if (!v || v % c->cfg->fs_block_size)
		return fail(c, n, "stripe group '%s' stripeBreadth %llu is not a multiple of fsBlockSize %u",
			    sg->name, (unsigned long long)v, c->cfg->fs_block_size);
	sg->breadth = v;

	sg->read = sg->write = true;
	if (bool_attr(c, n, "metadata", &sg->metadata) ||
	    bool_attr(c, n, "journal", &sg->journal) ||
	    bool_attr(c, n, "userdata", &sg->userdata) ||
	    bool_attr(c, n, "read", &sg->read) ||
	    bool_attr(c, n, "write", &sg->write) ||
	    bool_attr(c, n, "exclusive", &sg->exclusive))
		return -1;
	if (get_attr(c, n, "status", &s))
		return -1;
	if (s) {
		if (!strcasecmp(s, "down")) {
			sg->down = true;
		} else if (strcasecmp(s, "up")) {
			fail(c, n, "stripe group '%s' status '%.80s' is not up or down", sg->name, s);
			free(s);
			return -1;
		}
		free(s);
	}

	for (ch = n->children; ch; ch = ch->next) {
		if (ch->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(ch, "disk")) {
			if (parse_disk(c, ch, sg))
				return -1;
		} else if (is_elem(ch, "affinities")) {
			if (aff)
				return fail(c, ch, "second <affinities> in stripe group '%s' (first on line %ld)",
					    sg->name, lineof(aff));
			aff = ch;
			if (parse_affinities(c, ch, sg))
				return -1;
		} else if (warn(c, ch, "unknown element <%s> in stripe group '%s' ignored",
				ename(ch), sg->name)) {
			return -1;
		}
	}
	if (!sg->ndisks)
		return fail(c, n, "stripe group '%s' has no disks", sg->name);
	return 0;
}

static int parse_sg(struct cx *c, const xmlNode *n)
{
	struct xsan_cfg *cfg = c->cfg;
	struct xsan_cfg_sg sg, *p;

	if (cfg->nsgs >= XSAN_CFG_MAX_SG)
		return fail(c, n, "more than %d stripe groups", XSAN_CFG_MAX_SG);
	memset(&sg, 0, sizeof(sg));
	if (parse_sg_body(c, n, &sg))
		goto bad;
	p = realloc(cfg->sgs, (cfg->nsgs + 1) * sizeof(*p));
	if (!p) {
		oom(c, n);
		goto bad;
	}
	cfg->sgs = p;
	p[cfg->nsgs++] = sg;
	return 0;
bad:
	sg_free(&sg);
	return -1;
}

static int parse_sgs(struct cx *c, const xmlNode *sgs)
{
	return parse_children(c, sgs, "stripeGroup", parse_sg);
}

/* Pick one child section of <config>; a second one is an error. */
static int section(struct cx *c, const xmlNode *n, const xmlNode **slot)
{
	if (*slot)
		return fail(c, n, "second <%s> (first on line %ld)", ename(n), lineof(*slot));
	*slot = n;
	return 0;
}

static int parse_config(struct cx *c, const xmlNode *conf)
{
	const xmlNode *n, *globals = NULL, *types = NULL, *sgs = NULL;
	const struct xsan_cfg *cfg = c->cfg;
	bool md = false, jr = false, ud = false;
	size_t i;

	if (parse_config_attrs(c, conf))
		return -1;
	for (n = conf->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(n, "globals")) {
			if (section(c, n, &globals))
				return -1;
		} else if (is_elem(n, "diskTypes")) {
			if (section(c, n, &types))
				return -1;
		} else if (is_elem(n, "stripeGroups")) {
			if (section(c, n, &sgs))
				return -1;
		} else if (warn(c, n, "unknown element <%s> in <config> ignored", ename(n))) {
			return -1;
		}
	}
	/* Globals first: stripeBreadth is checked against fsBlockSize. */
	if (globals && parse_globals(c, globals))
		return -1;
	if (types && parse_disktypes(c, types))
		return -1;
	if (!sgs)
		return fail(c, conf, "volume '%s' has no <stripeGroups>", cfg->name);
	if (parse_sgs(c, sgs))
		return -1;
	for (i = 0; i < cfg->nsgs; i++) {
		md |= cfg->sgs[i].metadata;
		jr |= cfg->sgs[i].journal;
		ud |= cfg->sgs[i].userdata;
	}
	if (!md)
		return fail(c, sgs, "no stripe group holds metadata (metadata=\"true\")");
	if (!jr)
		return fail(c, sgs, "no stripe group holds the journal (journal=\"true\")");
	if (!ud)
		return fail(c, sgs, "no stripe group holds user data (userdata=\"true\")");
	return 0;
}

static int parse_doc(struct cx *c, xmlDoc *doc, const char *buf)
{
	const xmlNode *root = xmlDocGetRootElement(doc), *n, *conf = NULL;

	if (doc->intSubset || doc->extSubset) {
		/* A DTD node has no line number: find it in the text. */
		const char *p, *dt = strstr(buf, "<!DOCTYPE");
		int line = 1;

		for (p = buf; dt && p < dt; p++)
			line += *p == '\n';
		xsan_seterr(c->err, c->errlen, "%s:%d: a DOCTYPE is not allowed in a volume config",
		            c->path, line);
		return -1;
	}
	if (!root)
		return fail(c, NULL, "no root element");
	if (!is_elem(root, "configDoc"))
		return fail(c, root, "root element is <%s>, not <configDoc>", ename(root));
	for (n = root->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(n, "config")) {
			if (conf)
				return fail(c, n, "second <config> (first on line %ld); one volume per file",
					    lineof(conf));
			conf = n;
		} else if (warn(c, n, "unknown element <%s> in <configDoc> ignored", ename(n))) {
			return -1;
		}
	}
	if (!conf)
		return fail(c, root, "no <config> element");
	return parse_config(c, conf);
}

const char *xsan_cfg_global(const struct xsan_cfg *cfg, const char *key)
{
	size_t i;

	for (i = 0; i < cfg->nglobals; i++)
		if (!strcmp(cfg->globals[i].key, key))
			return cfg->globals[i].value;
	return NULL;
}

void xsan_cfg_free(struct xsan_cfg *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->nglobals; i++) {
		free(cfg->globals[i].key);
		free(cfg->globals[i].value);
	}
	free(cfg->globals);
	free(cfg->disktypes);
	for (i = 0; i < cfg->nsgs; i++)
		sg_free(&cfg->sgs[i]);
	free(cfg->sgs);
	xsan_cfg_warnings_free(&cfg->warnings);
	memset(cfg, 0, sizeof(*cfg));
}

/* The first error libxml2 reports while parsing (it goes on after one). */
struct xml_first_error {
	int set;
	int line;
	char msg[256];
};

static void first_xml_error(void *ctx, xmlErrorPtr e)
{
	struct xml_first_error *f = ctx;

	if (f->set || !e)
		return;
	f->set = 1;
	f->line = e->line;
	snprintf(f->msg, sizeof(f->msg), "%s", e->message ? e->message : "?");
	trim(f->msg);
}

int xsan_cfg_load(const char *path, struct xsan_cfg *out, char *err, size_t errlen)
{
	/*
	 * NONET: never fetch anything. No NOENT (entities are not substituted),
	 * no DTDLOAD/DTDATTR/DTDVALID (no external subset is read); a DOCTYPE
	 * is refused after parsing anyway. NOERROR/NOWARNING keep libxml2 off
	 * stderr: its error comes back through xmlCtxtGetLastError().
	 */
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			 XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES;
	struct cx c = { .path = path, .err = err, .errlen = errlen, .cfg = out };
	struct xml_first_error first = { 0 };
	xmlParserCtxt *ctxt;
	xmlDoc *doc;
	size_t len = 0;
	char *buf;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->fs_block_size = XSAN_CFG_BLOCK_MIN;
	out->alloc_session_idle_s = XSAN_CFG_IDLE_DEFAULT;
	buf = slurp(path, &len, err, errlen);
	if (!buf)
		return -1;
	if (len > INT32_MAX) {	/* cannot happen below XSAN_CFG_FILE_MAX */
		free(buf);
		xsan_seterr(err, errlen, "%s: too large", path);
		return -1;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		free(buf);
		xsan_seterr(err, errlen, "%s: out of memory", path);
		return -1;
	}
	/* Report the first error: later ones are often its echoes. */
	xmlSetStructuredErrorFunc(&first, first_xml_error);
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, path, NULL, opts);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!doc || !ctxt->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);

		if (!first.set) {
			first.line = e ? e->line : 0;
			snprintf(first.msg, sizeof(first.msg), "%s",
				 e && e->message ? e->message : "not well-formed XML");
			trim(first.msg);
		}
		xsan_seterr(err, errlen, "%s:%d: malformed XML: %s", path, first.line,
			    first.msg);
		goto out;
	}
	rc = parse_doc(&c, doc, buf);
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	free(buf);
	if (rc) {
		xsan_cfg_free(out);
		out->fs_block_size = XSAN_CFG_BLOCK_MIN;
	}
	return rc;
}

/* ---- line-oriented files: fsnameservers, fsports ---- */

struct lines {
	const char *path;
	char *buf;
	char *pos;
	int lineno;
};

/*
 * Next line with its comment ('#' to end of line) removed and trimmed in
 * *@line; 0 at end of file, 1 for a line, -1 with @err set for a bad one.
 */
static int next_line(struct lines *l, char **line, char *err, size_t errlen)
{
	char *s = l->pos, *e, *hash;

	if (!*s)
		return 0;
	e = strchr(s, '\n');
	if (e) {
		*e = '\0';
		l->pos = e + 1;
	} else {
		l->pos = s + strlen(s);
	}
	l->lineno++;
	if (strlen(s) > XSAN_CFG_LINE_MAX) {
		xsan_seterr(err, errlen, "%s:%d: line longer than %d bytes", l->path, l->lineno,
		            XSAN_CFG_LINE_MAX);
		return -1;
	}
	hash = strchr(s, '#');
	if (hash)
		*hash = '\0';
	*line = trim(s);
	return 1;
}

static int lines_open(struct lines *l, const char *path, char *err, size_t errlen)
{
	size_t len = 0;

	l->path = path;
	l->lineno = 0;
	l->buf = slurp(path, &len, err, errlen);
	if (!l->buf)
		return -1;
	if (memchr(l->buf, '\0', len)) {
		free(l->buf);
		xsan_seterr(err, errlen, "%s: contains a NUL byte", path);
		return -1;
	}
	l->pos = l->buf;
	return 0;
}

/* RFC 1123 host name: dot-separated labels of [A-Za-z0-9-], 1..63, no
 * leading or trailing '-', at most 253 bytes, and not all-numeric at the
 * end (that would be a botched IPv4 literal). */
static bool valid_hostname(const char *s)
{
	size_t n = strlen(s), lablen = 0, i;
	bool numeric = true;

	if (n && s[n - 1] == '.')
		n--;	/* a fully qualified name */
	if (n < 1 || n > 253)
		return false;
	for (i = 0; i <= n; i++) {
		unsigned char ch = i < n ? (unsigned char)s[i] : '.';

		if (ch == '.') {
			if (lablen < 1 || lablen > 63 || s[i - 1] == '-')
				return false;
			if (i == n && numeric)
				return false;
			lablen = 0;
			numeric = true;
			continue;
		}
		if (!isalnum(ch) && ch != '-')
			return false;
		if (ch == '-' && lablen == 0)
			return false;
		if (!isdigit(ch))
			numeric = false;
		lablen++;
	}
	return true;
}

static bool valid_host(const char *s)
{
	unsigned char a[16];

	if (strchr(s, ':'))
		return inet_pton(AF_INET6, s, a) == 1;
	if (inet_pton(AF_INET, s, a) == 1)
		return true;
	return valid_hostname(s);
}

void xsan_cfg_nameservers_free(struct xsan_cfg_nameservers *ns)
{
	size_t i;

	if (!ns)
		return;
	for (i = 0; i < ns->n; i++)
		free(ns->hosts[i]);
	free(ns->hosts);
	xsan_cfg_warnings_free(&ns->warnings);
	memset(ns, 0, sizeof(*ns));
}

int xsan_cfg_load_nameservers(const char *path, struct xsan_cfg_nameservers *out,
			      char *err, size_t errlen)
{
	struct lines l;
	char *line;
	int r;

	memset(out, 0, sizeof(*out));
	if (lines_open(&l, path, err, errlen))
		return -1;
	while ((r = next_line(&l, &line, err, errlen)) > 0) {
		char **hosts;
		size_t i;
		bool dup = false;

		if (!*line)
			continue;
		if (strpbrk(line, " \t")) {
			xsan_seterr(err, errlen, "%s:%d: one host per line, not '%.80s'",
			            path, l.lineno, line);
			goto bad;
		}
		if (!valid_host(line)) {
			xsan_seterr(err, errlen, "%s:%d: '%.80s' is not a host name or IP address",
			            path, l.lineno, line);
			goto bad;
		}
		for (i = 0; i < out->n; i++)
			dup |= !strcasecmp(out->hosts[i], line);
		if (dup) {
			if (addwarn(&out->warnings, "%s:%d: duplicate name server '%s' ignored",
				    path, l.lineno, line))
				goto nomem;
			continue;
		}
		if (out->n >= XSAN_CFG_MAX_NAMESERVERS) {
			xsan_seterr(err, errlen, "%s:%d: more than %d name servers",
			            path, l.lineno, XSAN_CFG_MAX_NAMESERVERS);
			goto bad;
		}
		hosts = realloc(out->hosts, (out->n + 1) * sizeof(*hosts));
		if (!hosts)
			goto nomem;
		out->hosts = hosts;
		hosts[out->n] = strdup(line);
		if (!hosts[out->n])
			goto nomem;
		out->n++;
	}
	if (r < 0)
		goto bad;
	free(l.buf);
	return 0;
nomem:
	xsan_seterr(err, errlen, "%s:%d: out of memory", path, l.lineno);
bad:
	free(l.buf);
	xsan_cfg_nameservers_free(out);
	return -1;
}

int xsan_cfg_load_ports(const char *path, int *min, int *max,
			struct xsan_cfg_warnings *warn, char *err, size_t errlen)
{
	int lo = *min, hi = *max, lo_line = 0, hi_line = 0;
	struct lines l;
	char *line;
	int r;

	if (lines_open(&l, path, err, errlen))
		return -1;
	while ((r = next_line(&l, &line, err, errlen)) > 0) {
		char *key, *val, *extra, *save = NULL;
		uint64_t v;
		int *slot, *slot_line;

		key = strtok_r(line, " \t", &save);
		if (!key)
			continue;
		val = strtok_r(NULL, " \t", &save);
		extra = strtok_r(NULL, " \t", &save);
		if (!strcasecmp(key, "MinPort")) {
			slot = &lo;
			slot_line = &lo_line;
		} else if (!strcasecmp(key, "MaxPort")) {
			slot = &hi;
			slot_line = &hi_line;
		} else {
			if (addwarn(warn, "%s:%d: unknown setting '%.80s' ignored",
				    path, l.lineno, key)) {
				xsan_seterr(err, errlen, "%s:%d: out of memory", path, l.lineno);
				goto bad;
			}
			continue;
		}
		if (!val) {
			xsan_seterr(err, errlen, "%s:%d: %s needs a port number", path, l.lineno, key);
			goto bad;
		}
		if (extra) {
			xsan_seterr(err, errlen, "%s:%d: unexpected '%.80s' after %s %s",
			            path, l.lineno, extra, key, val);
			goto bad;
		}
		if (parse_u64(val, &v) || v < 1 || v > 65535) {
			xsan_seterr(err, errlen, "%s:%d: %s '%.80s' is not a port number from 1 to 65535",
			            path, l.lineno, key, val);
			goto bad;
		}
		if (*slot_line) {
			xsan_seterr(err, errlen, "%s:%d: duplicate %s (first on line %d)",
			            path, l.lineno, key, *slot_line);
			goto bad;
		}
		*slot = (int)v;
		*slot_line = l.lineno;
	}
	if (r < 0)
		goto bad;
	if (lo > hi) {
		xsan_seterr(err, errlen, "%s:%d: MinPort %d is greater than MaxPort %d",
		            path, lo_line > hi_line ? lo_line : hi_line, lo, hi);
		goto bad;
	}
	free(l.buf);
	*min = lo;
	*max = hi;
	return 0;
bad:
	free(l.buf);
	return -1;
}

