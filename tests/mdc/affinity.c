// SPDX-License-Identifier: GPL-2.0
/*
 * Affinities end to end (admin-guide.rst, "Allocation, affinities and
 * reservations"): xsanmdc reads a .cfgx whose stripe groups list several
 * affinities while the volume records only the first of each, and a
 * client's files are placed by the full lists; and the same volume loaded
 * in process (volume.c) hands allocSessionIdleTimeout to the allocator
 * (its warnings then go to stderr). `build/affinity PREFIX`
 * prints one line per test, "PASS: PREFIX.affinity_*" (or FAIL), reasons
 * on stderr; exits 1 on any failure. Each test runs in its own forked child
 * with its own daemon on 127.0.0.1, stopped by PID; every wait has a
 * deadline.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "harness_check.h"
#include "mdc/mdc.h"
#include "mdc/store_int.h"

#define NCLI 3
#define BS 4096u

struct gt {
	struct mdc_h h;
	struct xsan_client c[NCLI];
	struct xsan_fid d;	/* a directory in the root, "d", no affinity */
};

static const struct xsan_fid root_fid = { 1, 1 };
/*
 * Group 1: no affinity; 2: "fast" and "video"; 3: "video" only, exclusive
 * (its <affinities exclusive="true">); 4: in the .cfgx only.
 */
static const char cfgx[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<configDoc xmlns=\"http://www.quantum.com/snfs\" version=\"1.0\">\n"
	"  <config configVersion=\"0\" name=\"" H_VOLUME "\">\n"
	"    <globals><fsBlockSize>4096</fsBlockSize></globals>\n"
	"    <diskTypes>\n"
	"      <diskType typeName=\"Lun\" sectors=\"131072\" sectorSize=\"512\"/>\n"
	"    </diskTypes>\n"
	"    <stripeGroups>\n"
	"      <stripeGroup index=\"0\" name=\"Meta\" stripeBreadth=\"65536\" metadata=\"true\" journal=\"true\" userdata=\"false\">\n"
	"        <disk index=\"0\" diskLabel=\"meta0\" diskType=\"Lun\"/>\n"
	"      </stripeGroup>\n"
	"      <stripeGroup index=\"1\" name=\"Plain\" stripeBreadth=\"65536\" userdata=\"true\">\n"
	"        <disk index=\"0\" diskLabel=\"plain0\" diskType=\"Lun\"/>\n"
	"      </stripeGroup>\n"
	"      <stripeGroup index=\"2\" name=\"Fast\" stripeBreadth=\"65536\" userdata=\"true\">\n"
	"        <affinities><affinity>fast</affinity><affinity>video</affinity></affinities>\n"
	"        <disk index=\"0\" diskLabel=\"fast0\" diskType=\"Lun\"/>\n"
	"      </stripeGroup>\n"
	"      <stripeGroup index=\"3\" name=\"Video\" stripeBreadth=\"65536\" userdata=\"true\">\n"
	"        <affinities exclusive=\"true\"><affinity>video</affinity></affinities>\n"
	"        <disk index=\"0\" diskLabel=\"video0\" diskType=\"Lun\"/>\n"
	"      </stripeGroup>\n"
	"      <stripeGroup index=\"4\" name=\"Later\" stripeBreadth=\"65536\" userdata=\"true\">\n"
	"        <affinities><affinity>video</affinity></affinities>\n"
	"        <disk index=\"0\" diskLabel=\"later0\" diskType=\"Lun\"/>\n"
	"      </stripeGroup>\n"
	"    </stripeGroups>\n"
	"  </config>\n"
	"</configDoc>\n";

/* The volume as mkfs.xsanfs records it: one affinity per group, no
 * group 4.
 */
static void format_groups(struct mdc_h *h)
{
	static struct xsan_store_geom g;
	char path[256], err[256];
	int rc;

	memset(&g, 0, sizeof(g));
	g.bsize = BS;
	g.files = 1u << 20;
	g.created = time(NULL);
	g.nsgs = 4;
	g.sgs[0] = (struct xsan_store_sg){ .index = 0, .flags = XSAN_SG_METADATA |
					   XSAN_SG_JOURNAL, .nluns = 1, .breadth = 16,
					   .lun_blocks = H_LUN_BLOCKS };
	g.sgs[1] = (struct xsan_store_sg){ .index = 1, .flags = XSAN_SG_USERDATA,
					   .nluns = 1, .breadth = 16,
					   .lun_blocks = H_LUN_BLOCKS };
	g.sgs[2] = (struct xsan_store_sg){ .index = 2, .flags = XSAN_SG_USERDATA,
					   .nluns = 1, .breadth = 16,
					   .lun_blocks = H_LUN_BLOCKS, .affinity = "fast" };
	g.sgs[3] = (struct xsan_store_sg){ .index = 3, .flags = XSAN_SG_USERDATA |
					   XSAN_SG_EXCLUSIVE, .nluns = 1, .breadth = 16,
					   .lun_blocks = H_LUN_BLOCKS, .affinity = "video" };
	snprintf(path, sizeof(path), "%s/%s", h->statedir, h->volume);
	rc = xsan_store_format(path, &g, true, err, sizeof(err));
	ck_assert_msg(!rc, "format: %s", err);
}

static void gt_begin(struct gt *t)
{
	struct xsan_req r = { .op = XSAN_OP_MKDIR, .fid = root_fid,
			      .mode = 0040755, .name = "d", .namelen = 1 };
	char path[256];
	struct xsan_rep rep;
	FILE *f;

	memset(t, 0, sizeof(*t));
	h_begin(&t->h, t->c, NCLI);
	snprintf(path, sizeof(path), "%s/%s.cfgx", t->h.cfgdir, t->h.volume);
	f = fopen(path, "w");
	ck_assert(f && fputs(cfgx, f) >= 0 && !fclose(f));
	format_groups(&t->h);
	h_start_clients(&t->h, t->c, NCLI);
	r.cred = h_root();
	ck_assert_msg(!xsan_client_call(&t->c[0], &r, &rep), "mkdir: %s",
		      t->c[0].err);
	t->d = h_fid_of(&rep.attr[0]);
}

static void gt_end(struct gt *t)
{
	h_end_clients(&t->h, t->c, NCLI);
}

static struct xsan_fid mkdir_aff(struct gt *t, const char *name,
				 const char *aff)
{
	struct xsan_req r = { .op = XSAN_OP_MKDIR, .fid = root_fid,
			      .mode = 0040755, .name = name,
			      .namelen = (uint32_t)strlen(name) };
	struct xsan_rep rep;
	struct xsan_fid d;

	r.cred = h_root();
	ck_assert_msg(!xsan_client_call(&t->c[0], &r, &rep), "mkdir %s: %s",
		      name, t->c[0].err);
	d = h_fid_of(&rep.attr[0]);
	r = (struct xsan_req){ .op = XSAN_OP_SETXATTR, .fid = d,
			       .name = XSAN_AFFINITY_XATTR,
			       .namelen = (uint32_t)strlen(XSAN_AFFINITY_XATTR),
			       .data = aff, .datalen = (uint32_t)strlen(aff) };
	r.cred = h_root();
	ck_assert_msg(!xsan_client_call(&t->c[0], &r, &rep), "setxattr %s: %s",
		      name, t->c[0].err);
	return d;
}

/*
 * The stripe groups (a bit each) of the first block of @n new files in
 * @dir, each created, opened and written by client @ci; fails if one
 * group gets two files in a row while @rr.
 */
static uint32_t groups_of(struct gt *t, int ci, struct xsan_fid dir,
			  const char *prefix, int n, bool rr)
{
	struct xsan_client *c = &t->c[ci];
	uint32_t used = 0, prev = UINT32_MAX;
	struct xsan_extent e;
	struct xsan_rep rep;
	struct xsan_fid f;
	char name[32];

	for (int i = 0; i < n; i++) {
		struct xsan_req r = { .op = XSAN_OP_CREATE, .fid = dir,
				      .mode = 0100644, .name = name };

		snprintf(name, sizeof(name), "%s%d", prefix, i);
		r.namelen = (uint32_t)strlen(name);
		r.cred = h_root();
		ck_assert_msg(!xsan_client_call(c, &r, &rep), "create %s: %s",
			      name, c->err);
		f = h_fid_of(&rep.attr[0]);
		r = (struct xsan_req){ .op = XSAN_OP_OPEN, .fid = f };
		r.cred = h_root();
		r.layout.flags = XSAN_OPEN_RDWR;
		ck_assert_msg(!xsan_client_call(c, &r, &rep), "open %s: %s",
			      name, c->err);
		r = (struct xsan_req){ .op = XSAN_OP_LAYOUT_GET, .fid = f };
		r.cred = h_root();
		r.layout.length = BS;
		r.layout.flags = XSAN_LG_WRITE;
		ck_assert_msg(!xsan_client_call(c, &r, &rep), "layout %s: %s",
			      name, c->err);
		ck_assert_uint_eq(rep.layout.count, 1);
		xsan_extent_at(rep.layout.raw, 0, &e);
		used |= 1u << e.sg;
		if (rr)
			ck_assert_msg(e.sg != prev, "%s: group %u twice in a row",
				      name, e.sg);
		prev = e.sg;
	}
	return used;
}

/*
 * "video" is listed by groups 2 and 3 in the .cfgx (the volume recorded
 * it for 3 only): its files alternate between them. "fast" stays on 2;
 * files without an affinity use 1 and 2, never the exclusive 3. Group 4
 * of the .cfgx is not in the volume: logged, ignored.
 */
START_TEST(affinity_cfgx_lists)
{
	struct xsan_fid v, fa;
	struct gt t;

	gt_begin(&t);
	ck_assert_msg(h_log_wait(&t.h, "stripe group 'Later' (index 4) of the .cfgx is not in the volume", h_ms(2000)),
		      "no warning about group 4; log:\n%s", h_log(&t.h));
	v = mkdir_aff(&t, "video", "video");
	fa = mkdir_aff(&t, "fast", "fast");
	ck_assert_uint_eq(groups_of(&t, 1, v, "v", 6, true), (1u << 2) | (1u << 3));
	ck_assert_uint_eq(groups_of(&t, 2, fa, "f", 3, false), 1u << 2);
	ck_assert_uint_eq(groups_of(&t, 1, t.d, "p", 6, true), (1u << 1) | (1u << 2));
	gt_end(&t);
}
END_TEST

/*
 * The volume as xsanmdc loads it (volume.c), without sockets: the .cfgx's
 * affinity lists reach the store's stripe groups, and
 * allocSessionIdleTimeout its allocator (seconds to milliseconds).
 */
START_TEST(affinity_volume_load)
{
	static const char *const idle[] = {
		"", "<allocSessionIdleTimeout>7</allocSessionIdleTimeout>",
		"<allocSessionIdleTimeout>0</allocSessionIdleTimeout>",
	};
	static const uint32_t want_ms[] = { 30000, 7000, 0 };

	for (unsigned int k = 0; k < 3; k++) {
		struct mdc m = { 0 };
		struct mdc_h h;
		char path[256], err[512], *doc, *at;
		const struct xsan_store_geom *g;
		FILE *f;
		size_t len;
		int rc;

		rc = h_setup(&h);
		ck_assert_msg(!rc, "h_setup: %s", strerror(-rc));
		h_cleanup_at_exit(&h);
		/* the cfgx above with the idle setting in its globals */
		len = strlen(cfgx) + strlen(idle[k]) + 1;
		doc = malloc(len);
		ck_assert_ptr_nonnull(doc);
		at = strstr(cfgx, "</globals>");
		snprintf(doc, len, "%.*s%s%s", (int)(at - cfgx), cfgx, idle[k], at);
		snprintf(path, sizeof(path), "%s/%s.cfgx", h.cfgdir, h.volume);
		f = fopen(path, "w");
		ck_assert(f && fputs(doc, f) >= 0 && !fclose(f));
		free(doc);
		format_groups(&h);
		m.o.config_dir = h.cfgdir;
		m.o.state_dir = h.statedir;
		rc = mdc_volumes_load(&m, err, sizeof(err));
		ck_assert_msg(!rc, "load: %s", err);
		ck_assert_uint_eq(m.vols->store->idle_ms, want_ms[k]);
		g = xsan_store_geom(m.vols->store);
		ck_assert_uint_eq(g->nsgs, 4);
		ck_assert_uint_eq(g->sgs[1].ntags, 0);
		ck_assert_uint_eq(g->sgs[2].ntags, 2);
		ck_assert_str_eq(g->sgs[2].tags[0], "fast");
		ck_assert_str_eq(g->sgs[2].tags[1], "video");
		ck_assert_uint_eq(g->sgs[3].ntags, 1);
		ck_assert_str_eq(g->sgs[3].tags[0], "video");
		mdc_volumes_free(&m);
		h_cleanup(&h);
		h_cleanup_at_exit(NULL);
	}
}
END_TEST

#define ADD(s, fn) H_ADD(s, fn, 120)

int main(int argc, char *argv[])
{
	const char *prefix = argc > 1 ? argv[1] : "mdc";
	Suite *s = suite_create("affinity");

	signal(SIGPIPE, SIG_IGN);
	ADD(s, affinity_cfgx_lists);
	ADD(s, affinity_volume_load);
	return h_run_suite(s, prefix);
}
