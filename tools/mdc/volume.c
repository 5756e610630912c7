// SPDX-License-Identifier: GPL-2.0
/*
 * The volumes xsanmdc serves: one VOLUME.cfgx per volume in the config
 * directory (the volume's name is the file's), its VOLUME.auth_secret
 * next to it, and its metadata in STATEDIR/VOLUME, made by mkfs.xsanfs.
 * A volume that cannot be loaded stops the daemon from starting, with
 * the file and the reason: an MDC that silently serves fewer volumes
 * than configured is worse than one that says why it cannot start.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdc.h"
#include "util.h"

static bool volume_name_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || len > XSAN_CFG_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static int is_cfgx(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".cfgx") && d->d_name[0] != '.';
}

static void volume_free(struct mdc_vol *v)
{
	struct mdc_req *q, *next;

	for (q = v->queue; q; q = next) {
		next = q->next;
		free(q->payload);
		free(q);
	}
	mdc_sessions_free(v);
	mdc_tok_free(v);
	if (v->store)
		xsan_store_close(v->store);
	xsan_cfg_free(&v->cfg);
	xsan_secret_wipe(&v->secret);
	free(v);
}

_Static_assert(XSAN_CFG_NAME_MAX == XSAN_STORE_AFF_MAX,
	       "an affinity of the .cfgx fits the store's");

/*
 * mkfs recorded one affinity per stripe group; the allocator honours
 * every one the .cfgx lists now (admin-guide.rst, "Affinities").
 */
static void volume_affinities(struct mdc_vol *v)
{
	for (size_t i = 0; i < v->cfg.nsgs; i++) {
		const struct xsan_cfg_sg *sg = &v->cfg.sgs[i];

		if (!sg->naffinities)
			continue;
		if (xsan_store_set_affinities(v->store, sg->index,
					      (const char (*)[XSAN_STORE_AFF_MAX + 1])sg->affinities,
					      (uint32_t)sg->naffinities))
			mdc_log(LOG_WARNING, "volume %s: stripe group '%s' (index %u) of the .cfgx is not in the volume; its affinities are ignored",
				v->name, sg->name, sg->index);
	}
}

static int volume_load(struct mdc *m, const char *file, struct mdc_vol **out,
		       char *err, size_t errlen)
{
	char path[4096], sub[512];
	struct mdc_vol *v;
	size_t i, n = strlen(file) - 5;

	if (!volume_name_ok(file, n)) {
		xsan_seterr(err, errlen,
			    "%s/%s: a volume name is 1 to %d letters, digits, '_' or '-'",
			    m->o.config_dir, file, XSAN_CFG_NAME_MAX);
		return -1;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		xsan_seterr(err, errlen, "out of memory");
		return -1;
	}
	v->queue_tail = &v->queue;
	memcpy(v->name, file, n);
	v->name[n] = '\0';
	snprintf(path, sizeof(path), "%s/%s", m->o.config_dir, file);
	if (xsan_cfg_load(path, &v->cfg, err, errlen))
		goto fail;
	for (i = 0; i < v->cfg.warnings.n; i++)
		mdc_log(LOG_WARNING, "%s", v->cfg.warnings.msgs[i]);
	if (v->cfg.name[0] && strcmp(v->cfg.name, v->name))
		mdc_log(LOG_WARNING, "%s: <config name=\"%s\"> differs from the file name; the volume is called %s",
			path, v->cfg.name, v->name);
	snprintf(path, sizeof(path), "%s/%s.auth_secret", m->o.config_dir, v->name);
	if (xsan_secret_load(path, &v->secret, err, errlen))
		goto fail;
	snprintf(path, sizeof(path), "%s/%s", m->o.state_dir, v->name);
	if (xsan_store_open(path, false, &v->store, sub, sizeof(sub))) {
		xsan_seterr(err, errlen, "volume %s: %s (made by mkfs.xsanfs?)",
			    v->name, sub);
		goto fail;
	}
	memcpy(v->uuid, xsan_store_geom(v->store)->uuid, sizeof(v->uuid));
	/* files unlinked while open before the start: session.c frees them
	 * once no client of before can reclaim them
	 */
	xsan_store_keep_unlinked(v->store, true);
	volume_affinities(v);
	/* an allocation session unused for allocSessionIdleTimeout seconds
	 * (default 30, 0 = never) gives its reservation back
	 */
	xsan_store_set_alloc(v->store, v->cfg.alloc_session_reservation_size,
			     v->cfg.alloc_session_idle_s * 1000u);
	*out = v;
	return 0;
fail:
	volume_free(v);
	return -1;
}

/**
 * mdc_volumes_load() - load every volume of the config directory
 * @m: the daemon
 * @err: why not
 * @errlen: its size
 *
 * Return: 0, or -1 with @err set and no volume loaded.
 */
int mdc_volumes_load(struct mdc *m, char *err, size_t errlen)
{
	struct dirent **names;
	struct mdc_vol **tail = &m->vols;
	char path[4096];
	int i, n, rc = 0;
	FILE *f;

	n = scandir(m->o.config_dir, &names, is_cfgx, alphasort);
	if (n < 0) {
		xsan_seterr(err, errlen, "%s: %s", m->o.config_dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!rc && !volume_load(m, names[i]->d_name, tail, err, errlen))
			tail = &(*tail)->next;
		else
			rc = -1;
		free(names[i]);
	}
	free(names);
	if (!rc && !m->vols) {
		xsan_seterr(err, errlen, "%s: no VOLUME.cfgx file: nothing to serve",
			    m->o.config_dir);
		rc = -1;
	}

	/* fsports: the range for per-volume listeners. */
	snprintf(path, sizeof(path), "%s/fsports", m->o.config_dir);
	f = rc ? NULL : fopen(path, "r");
	if (f) {
		struct xsan_cfg_warnings w = { 0 };
		int min = 0, max = 0;
		size_t k;

		fclose(f);
		if (xsan_cfg_load_ports(path, &min, &max, &w, err, errlen))
			rc = -1;
		for (k = 0; k < w.n; k++)
			mdc_log(LOG_WARNING, "%s", w.msgs[k]);
		xsan_cfg_warnings_free(&w);
		if (!rc && min > 0 && max >= min) {
			m->min_port = min;
			m->max_port = max;
		}
	}
	/* fsnameservers: checked and logged; the MDC is one of them. */
	snprintf(path, sizeof(path), "%s/fsnameservers", m->o.config_dir);
	f = rc ? NULL : fopen(path, "r");
	if (f) {
		struct xsan_cfg_nameservers ns = { 0 };
		size_t k;

		fclose(f);
		if (xsan_cfg_load_nameservers(path, &ns, err, errlen)) {
			rc = -1;
		} else {
			for (k = 0; k < ns.warnings.n; k++)
				mdc_log(LOG_WARNING, "%s", ns.warnings.msgs[k]);
			for (k = 0; k < ns.n; k++)
				mdc_log(LOG_INFO, "name server %zu: %s", k + 1, ns.hosts[k]);
		}
		xsan_cfg_nameservers_free(&ns);
	}
	if (rc)
		mdc_volumes_free(m);
	return rc;
}

void mdc_volumes_free(struct mdc *m)
{
	struct mdc_vol *v, *next;

	for (v = m->vols; v; v = next) {
		next = v->next;
		volume_free(v);
	}
	m->vols = NULL;
}

struct mdc_vol *mdc_volume_find(struct mdc *m, const char *name, uint32_t len)
{
	struct mdc_vol *v;

	for (v = m->vols; v; v = v->next)
		if (strlen(v->name) == len && !memcmp(v->name, name, len))
			return v;
	return NULL;
}
