// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of tools/lib/config.c: VOLUME.cfgx, fsnameservers and fsports.
 * Fixtures are in data/ (the runner starts in tests/unit); error cases
 * are small documents written to temporary files, with known line
 * numbers, so each error's "FILE:LINE: problem" can be checked exactly.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tools/lib/config.h"
#include "unit.h"

#define DATA "data/"

static char err[1024];
static char tmppath[64];

/* Write @text to a fresh temporary file; its name is in tmppath. */
static const char *write_tmp(const char *text)
{
	size_t len = strlen(text);
	int fd;

	snprintf(tmppath, sizeof(tmppath), "/tmp/xsan-cfg-XXXXXX");
	fd = mkstemp(tmppath);
	ck_assert_msg(fd >= 0, "mkstemp failed");
	ck_assert_msg(write(fd, text, len) == (ssize_t)len, "short write");
	close(fd);
	return tmppath;
}

/* Assert err is "PATH:LINE: ..." and contains @want. */
static void assert_err(const char *path, int line, const char *want)
{
	char prefix[128];

	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	ck_assert_msg(!strncmp(err, prefix, strlen(prefix)),
		      "error '%s' does not start with '%s'", err, prefix);
	ck_assert_msg(strstr(err, want), "error '%s' does not mention '%s'", err, want);
}

/*
 * The template of the error cases. Line numbers:
 *  1 <configDoc>
 *  2 <config ATTRS>
 *  3 <globals>GLOBALS</globals>
 *  4 <diskTypes>... TYPES</diskTypes>
 *  5 <stripeGroups>
 *  6 SG1
 *  7 SG2
 *  8 </stripeGroups></config></configDoc>
 */
#define SG1 "<stripeGroup index=\"0\" name=\"M\" stripeBreadth=\"65536\" metadata=\"true\" " \
	"journal=\"true\"><disk diskLabel=\"L0\" diskType=\"T\"/></stripeGroup>"
#define SG2 "<stripeGroup index=\"1\" name=\"D\" stripeBreadth=\"65536\" userdata=\"true\">" \
	"<disk diskLabel=\"L1\" diskType=\"T\"/></stripeGroup>"

static char *doc(const char *attrs, const char *globals, const char *types,
		 const char *sg1, const char *sg2)
{
	char *s;

	ck_assert(asprintf(&s,
			   "<configDoc>\n"
			   "<config %s>\n"
			   "<globals>%s</globals>\n"
			   "<diskTypes><diskType typeName=\"T\" sectors=\"100000\"/>%s</diskTypes>\n"
			   "<stripeGroups>\n"
			   "%s\n"
			   "%s\n"
			   "</stripeGroups></config></configDoc>\n",
			   attrs ? attrs : "name=\"v\"", globals ? globals : "",
			   types ? types : "", sg1 ? sg1 : SG1, sg2 ? sg2 : SG2) > 0);
	return s;
}

static int load_doc(const char *attrs, const char *globals, const char *types,
		    const char *sg1, const char *sg2, struct xsan_cfg *cfg)
{
	char *d = doc(attrs, globals, types, sg1, sg2);
	int rc;

	write_tmp(d);
	free(d);
	err[0] = '\0';
	rc = xsan_cfg_load(tmppath, cfg, err, sizeof(err));
	unlink(tmppath);
	return rc;
}

static void doc_fails(const char *attrs, const char *globals, const char *types,
		      const char *sg1, const char *sg2, int line, const char *want)
{
	struct xsan_cfg cfg;
	int rc = load_doc(attrs, globals, types, sg1, sg2, &cfg);

	ck_assert_msg(rc == -1, "loading succeeded, wanted '%s'", want);
	assert_err(tmppath, line, want);
	ck_assert_uint_eq(cfg.nsgs, 0);
	ck_assert_ptr_null(cfg.sgs);
	xsan_cfg_free(&cfg);
}

START_TEST(cfg_full)
{
	struct xsan_cfg cfg;
	const struct xsan_cfg_sg *m, *d;
	int rc = xsan_cfg_load(DATA "full.cfgx", &cfg, err, sizeof(err));

	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_str_eq(cfg.name, "Media-1");
	ck_assert_uint_eq(cfg.fs_block_size, 16384);
	ck_assert_uint_eq(cfg.journal_size, 67108864);
	ck_assert_uint_eq(cfg.alloc_session_reservation_size, 1073741824);
	ck_assert(cfg.file_locks);
	ck_assert_uint_eq(cfg.warnings.n, 0);

	ck_assert_uint_eq(cfg.nglobals, 10);
	ck_assert_str_eq(xsan_cfg_global(&cfg, "maxConnections"), "32");
	ck_assert_str_eq(xsan_cfg_global(&cfg, "inodeCacheSize"), "32768");
	ck_assert_str_eq(xsan_cfg_global(&cfg, "allocationStrategy"), "round");
	ck_assert_str_eq(xsan_cfg_global(&cfg, "fsBlockSize"), "16384");
	ck_assert_ptr_null(xsan_cfg_global(&cfg, "quotas"));
	ck_assert_str_eq(cfg.globals[0].key, "abmFreeLimit");
	ck_assert_int_eq(cfg.globals[0].line, 5);

	ck_assert_uint_eq(cfg.ndisktypes, 2);
	ck_assert_str_eq(cfg.disktypes[0].name, "MetaDrive");
	ck_assert_uint_eq(cfg.disktypes[0].sectors, 4194304);
	ck_assert_uint_eq(cfg.disktypes[0].sector_size, 512);
	ck_assert_str_eq(cfg.disktypes[1].name, "DataDrive");
	ck_assert_uint_eq(cfg.disktypes[1].sectors, 1953125000);
	ck_assert_uint_eq(cfg.disktypes[1].sector_size, 4096);

	ck_assert_uint_eq(cfg.nsgs, 2);
	m = &cfg.sgs[0];
	ck_assert_str_eq(m->name, "MetaFiles");
	ck_assert_uint_eq(m->index, 0);
	ck_assert_uint_eq(m->breadth, 262144);
	ck_assert(m->metadata && m->journal && !m->userdata);
	ck_assert(m->read && m->write && !m->exclusive && !m->down);
	ck_assert_uint_eq(m->naffinities, 0);
	ck_assert_uint_eq(m->ndisks, 1);
	ck_assert_str_eq(m->disks[0].label, "MetaLUN0");
	ck_assert_str_eq(m->disks[0].type, "MetaDrive");
	ck_assert_uint_eq(m->disks[0].index, 0);
	ck_assert_uint_eq(m->disks[0].sectors, 4194304);
	ck_assert_uint_eq(m->disks[0].sector_size, 512);

	d = &cfg.sgs[1];
	ck_assert_str_eq(d->name, "DataFiles");
	ck_assert_uint_eq(d->index, 1);
	ck_assert_uint_eq(d->breadth, 1048576);
	ck_assert(!d->metadata && !d->journal && d->userdata);
	ck_assert(d->read && d->write && !d->down);
	ck_assert_uint_eq(d->naffinities, 1);
	ck_assert_str_eq(d->affinities[0], "Video");
	ck_assert(d->affinities_exclusive);
	ck_assert_uint_eq(d->ndisks, 2);
	ck_assert_str_eq(d->disks[0].label, "DataLUN0");
	ck_assert_str_eq(d->disks[1].label, "DataLUN1");
	ck_assert_uint_eq(d->disks[1].index, 1);
	ck_assert_str_eq(d->disks[1].type, "DataDrive");
	ck_assert_uint_eq(d->disks[1].sectors, 1953125000);
	ck_assert_uint_eq(d->disks[1].sector_size, 4096);

	xsan_cfg_free(&cfg);
	ck_assert_uint_eq(cfg.nsgs, 0);
	xsan_cfg_free(&cfg);	/* twice is harmless */
}
END_TEST

START_TEST(cfg_defaults)
{
	struct xsan_cfg cfg;
	int rc = load_doc(NULL, NULL, NULL, NULL, NULL, &cfg);

	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_str_eq(cfg.name, "v");
	ck_assert_uint_eq(cfg.fs_block_size, 4096);
	ck_assert_uint_eq(cfg.journal_size, 0);
	ck_assert_uint_eq(cfg.alloc_session_reservation_size, 0);
	ck_assert(!cfg.file_locks);
	ck_assert_uint_eq(cfg.nglobals, 0);
	ck_assert_uint_eq(cfg.disktypes[0].sector_size, 512);
	ck_assert_uint_eq(cfg.sgs[1].disks[0].sector_size, 512);
	ck_assert_uint_eq(cfg.sgs[1].disks[0].sectors, 100000);
	xsan_cfg_free(&cfg);
}
END_TEST

/* StorNext 4 puts fsBlockSize and journalSize on <config>; accept both. */
START_TEST(cfg_config_attrs)
{
	struct xsan_cfg cfg;
	int rc = load_doc("name=\"v\" configVersion=\"0\" fsBlockSize=\"65536\" journalSize=\"16777216\"",
			  "<fsBlockSize>65536</fsBlockSize>", NULL, NULL, NULL, &cfg);

	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(cfg.fs_block_size, 65536);
	ck_assert_uint_eq(cfg.journal_size, 16777216);
	xsan_cfg_free(&cfg);

	doc_fails("name=\"v\" fsBlockSize=\"65536\"", "<fsBlockSize>16384</fsBlockSize>",
		  NULL, NULL, NULL, 3, "fsBlockSize 16384 conflicts with 65536 set on line 2");
}
END_TEST

START_TEST(cfg_unknown_warns)
{
	struct xsan_cfg cfg;
	int rc = xsan_cfg_load(DATA "unknown.cfgx", &cfg, err, sizeof(err));

	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(cfg.warnings.n, 1);
	ck_assert_str_eq(cfg.warnings.msgs[0],
			 DATA "unknown.cfgx:6: unknown setting 'frobnicateLevel' ignored");
	ck_assert_ptr_null(xsan_cfg_global(&cfg, "frobnicateLevel"));
	ck_assert_str_eq(xsan_cfg_global(&cfg, "fileLocks"), "false");
	xsan_cfg_free(&cfg);

	/* Unknown elements and attributes elsewhere warn too. */
	rc = load_doc("name=\"v\" colour=\"blue\"", NULL, "<tapeType/>",
		      "<stripeGroup index=\"0\" name=\"M\" stripeBreadth=\"65536\" metadata=\"true\" "
		      "journal=\"true\" spin=\"fast\"><disk diskLabel=\"L0\" diskType=\"T\"/><cache/></stripeGroup>",
		      NULL, &cfg);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(cfg.warnings.n, 4);
	ck_assert(strstr(cfg.warnings.msgs[0], ":2: unknown attribute 'colour' of <config> ignored"));
	ck_assert(strstr(cfg.warnings.msgs[1], ":4: unknown element <tapeType> in <diskTypes> ignored"));
	ck_assert(strstr(cfg.warnings.msgs[2], ":6: unknown attribute 'spin' of <stripeGroup> ignored"));
	ck_assert(strstr(cfg.warnings.msgs[3], ":6: unknown element <cache> in stripe group 'M' ignored"));
	xsan_cfg_free(&cfg);
}
END_TEST

START_TEST(cfg_malformed)
{
	struct xsan_cfg cfg;
	int rc = xsan_cfg_load(DATA "malformed.cfgx", &cfg, err, sizeof(err));

	ck_assert_int_eq(rc, -1);
	assert_err(DATA "malformed.cfgx", 5, "malformed XML");
	ck_assert_msg(strstr(err, "fileLock"), "'%s' does not name the tag", err);
	xsan_cfg_free(&cfg);

	rc = xsan_cfg_load(DATA "no-such-file.cfgx", &cfg, err, sizeof(err));
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(err, DATA "no-such-file.cfgx: No such file or directory");

	write_tmp("");
	rc = xsan_cfg_load(tmppath, &cfg, err, sizeof(err));
	unlink(tmppath);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, "malformed XML"), "%s", err);

	write_tmp("<?xml version=\"1.0\"?>\n<volume name=\"v\"/>\n");
	rc = xsan_cfg_load(tmppath, &cfg, err, sizeof(err));
	unlink(tmppath);
	ck_assert_int_eq(rc, -1);
	assert_err(tmppath, 2, "root element is <volume>, not <configDoc>");

	write_tmp("<configDoc>\n<other/>\n</configDoc>\n");
	rc = xsan_cfg_load(tmppath, &cfg, err, sizeof(err));
	unlink(tmppath);
	ck_assert_int_eq(rc, -1);
	assert_err(tmppath, 1, "no <config> element");
}
END_TEST

/* An external entity is never read: the DOCTYPE is refused. */
START_TEST(cfg_xxe)
{
	struct xsan_cfg cfg;
	int rc = xsan_cfg_load(DATA "xxe.cfgx", &cfg, err, sizeof(err));

	ck_assert_int_eq(rc, -1);
	assert_err(DATA "xxe.cfgx", 2, "DOCTYPE is not allowed");
	ck_assert_msg(!strstr(err, "root:"), "%s", err);
	ck_assert_uint_eq(cfg.warnings.n, 0);
	xsan_cfg_free(&cfg);

	/* Also an entity bomb: refused, quickly, without expanding it. */
	write_tmp("<?xml version=\"1.0\"?>\n"
		  "<!DOCTYPE configDoc [\n"
		  "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
		  "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		  "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		  "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		  "]>\n"
		  "<configDoc><config name=\"v\"><globals><maxConnections>&d;</maxConnections>"
		  "</globals></config></configDoc>\n");
	rc = xsan_cfg_load(tmppath, &cfg, err, sizeof(err));
	unlink(tmppath);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, "DOCTYPE is not allowed") || strstr(err, "malformed XML"),
		      "%s", err);
}
END_TEST

START_TEST(cfg_volume_name)
{
	doc_fails("configVersion=\"0\"", NULL, NULL, NULL, NULL, 2,
		  "<config> has no name (the volume name)");
	doc_fails("name=\"\"", NULL, NULL, NULL, NULL, 2, "<config> has no name");
	doc_fails("name=\"-vol\"", NULL, NULL, NULL, NULL, 2,
		  "volume name '-vol' must be 1-64 of [A-Za-z0-9_.-] starting with a letter or digit");
	doc_fails("name=\"my vol\"", NULL, NULL, NULL, NULL, 2, "volume name 'my vol' must be");
	doc_fails("name=\"v/../x\"", NULL, NULL, NULL, NULL, 2, "volume name 'v/../x' must be");
	doc_fails("name=\"a123456789a123456789a123456789a123456789a123456789a123456789abcde\"",
		  NULL, NULL, NULL, NULL, 2, "must be 1-64");

	struct xsan_cfg cfg;
	int rc = load_doc("name=\"a123456789a123456789a123456789a123456789a123456789a123456789abcd\"",
			  NULL, NULL, NULL, NULL, &cfg);

	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(strlen(cfg.name), 64);
	xsan_cfg_free(&cfg);
}
END_TEST

START_TEST(cfg_duplicates)
{
	doc_fails(NULL, NULL, NULL, NULL,
		  "<stripeGroup index=\"1\" name=\"M\" stripeBreadth=\"65536\" userdata=\"true\">"
		  "<disk diskLabel=\"L1\" diskType=\"T\"/></stripeGroup>",
		  7, "duplicate stripe group name 'M'");
	doc_fails(NULL, NULL, NULL, NULL,
		  "<stripeGroup index=\"0\" name=\"D\" stripeBreadth=\"65536\" userdata=\"true\">"
		  "<disk diskLabel=\"L1\" diskType=\"T\"/></stripeGroup>",
		  7, "duplicate stripe group index 0 ('M' and 'D')");
	doc_fails(NULL, NULL, NULL, NULL,
		  "<stripeGroup index=\"1\" name=\"D\" stripeBreadth=\"65536\" userdata=\"true\">"
		  "<disk diskLabel=\"L0\" diskType=\"T\"/></stripeGroup>",
		  7, "duplicate disk label 'L0' (also in stripe group 'M')");
	doc_fails(NULL, NULL, NULL, NULL,
		  "<stripeGroup index=\"1\" name=\"D\" stripeBreadth=\"65536\" userdata=\"true\">"
		  "<disk diskLabel=\"L1\" diskType=\"T\"/><disk diskLabel=\"L1\" diskType=\"T\"/>"
		  "</stripeGroup>",
		  7, "duplicate disk label 'L1' (also in stripe group 'D')");
	doc_fails(NULL, NULL, NULL, NULL,
		  "<stripeGroup index=\"1\" name=\"D\" stripeBreadth=\"65536\" userdata=\"true\">"
		  "<disk index=\"3\" diskLabel=\"L1\" diskType=\"T\"/>"
		  "<disk index=\"3\" diskLabel=\"L2\" diskType=\"T\"/></stripeGroup>",
		  7, "duplicate disk index 3 in stripe group 'D'");
	doc_fails(NULL, NULL, "<diskType typeName=\"T\" sectors=\"5\"/>", NULL, NULL, 4,
		  "duplicate disk type 'T'");
	doc_fails(NULL, "<fileLocks>true</fileLocks>\n<fileLocks>false</fileLocks>", NULL,
		  NULL, NULL, 4, "duplicate setting 'fileLocks' (first on line 3)");
	doc_fails(NULL, NULL, NULL,
		  "<stripeGroup index=\"0\" name=\"M\" stripeBreadth=\"65536\" metadata=\"true\" "
		  "journal=\"true\"><affinities><affinityTag>A</affinityTag>"
		  "<affinityTag>A</affinityTag></affinities>"
		  "<disk diskLabel=\"L0\" diskType=\"T\"/></stripeGroup>",
		  NULL, 6, "duplicate affinity 'A' in stripe group 'M'");
}
END_TEST

/* Several affinities per group, as StorNext writes them (<affinity>),
 * mixed with the <affinityTag> spelling; a duplicate across both fails.
 */
START_TEST(cfg_multi_affinity)
{
	struct xsan_cfg cfg;
	int rc = load_doc(NULL, NULL, NULL, NULL,
			  "<stripeGroup index=\"1\" name=\"D\" stripeBreadth=\"65536\" userdata=\"true\">"
			  "<affinities exclusive=\"false\"><affinity>Video</affinity>"
			  "<affinity>Audio</affinity><affinityTag>fast.1</affinityTag>"
			  "</affinities><disk diskLabel=\"L1\" diskType=\"T\"/></stripeGroup>",
			  &cfg);

	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(cfg.sgs[1].naffinities, 3);
	ck_assert_str_eq(cfg.sgs[1].affinities[0], "Video");
	ck_assert_str_eq(cfg.sgs[1].affinities[1], "Audio");
	ck_assert_str_eq(cfg.sgs[1].affinities[2], "fast.1");
	ck_assert(!cfg.sgs[1].affinities_exclusive);
	ck_assert_uint_eq(cfg.warnings.n, 0);
	xsan_cfg_free(&cfg);
	doc_fails(NULL, NULL, NULL, NULL,
		  "<stripeGroup index=\"1\" name=\"D\" stripeBreadth=\"65536\" userdata=\"true\">"
		  "<affinities><affinity>A</affinity><affinityTag>A</affinityTag>"
		  "</affinities><disk diskLabel=\"L1\" diskType=\"T\"/></stripeGroup>",
		  7, "duplicate affinity 'A' in stripe group 'D'");
}
END_TEST

/* allocSessionIdleTimeout: seconds, default 30, 0 = never, at most a day. */
START_TEST(cfg_alloc_idle_timeout)
{
	struct xsan_cfg cfg;
	int rc = load_doc(NULL, NULL, NULL, NULL, NULL, &cfg);

	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(cfg.alloc_session_idle_s, 30);
	xsan_cfg_free(&cfg);
	rc = load_doc(NULL, "<allocSessionIdleTimeout>120</allocSessionIdleTimeout>",
		      NULL, NULL, NULL, &cfg);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(cfg.alloc_session_idle_s, 120);
	ck_assert_uint_eq(cfg.warnings.n, 0);
	xsan_cfg_free(&cfg);
	rc = load_doc(NULL, "<allocSessionIdleTimeout> 0 </allocSessionIdleTimeout>",
		      NULL, NULL, NULL, &cfg);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(cfg.alloc_session_idle_s, 0);
	xsan_cfg_free(&cfg);
	rc = load_doc(NULL, "<allocSessionIdleTimeout>86400</allocSessionIdleTimeout>",
		      NULL, NULL, NULL, &cfg);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(cfg.alloc_session_idle_s, 86400);
	xsan_cfg_free(&cfg);
	doc_fails(NULL, "\n<allocSessionIdleTimeout>86401</allocSessionIdleTimeout>",
		  NULL, NULL, NULL, 4,
		  "allocSessionIdleTimeout 86401 must be 0 (never) to 86400 seconds");
	doc_fails(NULL, "<allocSessionIdleTimeout>30s</allocSessionIdleTimeout>",
		  NULL, NULL, NULL, 3, "allocSessionIdleTimeout '30s' is not a number");
	doc_fails(NULL, "<allocSessionIdleTimeout>-1</allocSessionIdleTimeout>",
		  NULL, NULL, NULL, 3, "allocSessionIdleTimeout '-1' is not a number");
}
END_TEST

START_TEST(cfg_disk_types)
{
	doc_fails(NULL, NULL, NULL, NULL,
		  "<stripeGroup index=\"1\" name=\"D\" stripeBreadth=\"65536\" userdata=\"true\">"
		  "<disk diskLabel=\"L1\" diskType=\"Tape\"/></stripeGroup>",
		  7, "disk 'L1' has unknown diskType 'Tape'");
	doc_fails(NULL, NULL, NULL, NULL,
		  "<stripeGroup index=\"1\" name=\"D\" stripeBreadth=\"65536\" userdata=\"true\">"
		  "<disk diskLabel=\"L1\"/></stripeGroup>",
		  7, "disk 'L1' has no diskType");
	doc_fails(NULL, NULL, NULL, NULL,
		  "<stripeGroup index=\"1\" name=\"D\" stripeBreadth=\"65536\" userdata=\"true\">"
		  "<disk diskType=\"T\"/></stripeGroup>",
		  7, "<disk> has no diskLabel");
	doc_fails(NULL, NULL, NULL, NULL,
		  "<stripeGroup index=\"1\" name=\"D\" stripeBreadth=\"65536\" userdata=\"true\">"
		  "<disk diskLabel=\"a23456789a23456789a23456789a23456789\" diskType=\"T\"/>"
		  "<disk diskLabel=\"a23456789a23456789a23456789a23456789a\" diskType=\"T\"/>"
		  "</stripeGroup>",
		  7, "disk label 'a23456789a23456789a23456789a23456789a' must be 1-36");
	doc_fails(NULL, NULL, "<diskType typeName=\"U\" sectors=\"0\"/>", NULL, NULL, 4,
		  "disk type 'U' needs sectors greater than 0");
	doc_fails(NULL, NULL, "<diskType typeName=\"U\" sectors=\"8\" sectorSize=\"520\"/>",
		  NULL, NULL, 4, "disk type 'U' sectorSize 520 must be a power of two");
	doc_fails(NULL, NULL, "<diskType sectors=\"8\"/>", NULL, NULL, 4,
		  "<diskType> has no typeName");
	doc_fails(NULL, NULL, NULL, NULL,
		  "<stripeGroup index=\"1\" name=\"D\" stripeBreadth=\"65536\" userdata=\"true\"/>",
		  7, "stripe group 'D' has no disks");
}
END_TEST

START_TEST(cfg_numbers)
{
	doc_fails(NULL, "<journalSize>64M</journalSize>", NULL, NULL, NULL, 3,
		  "journalSize '64M' is not a number");
	doc_fails(NULL, "<journalSize>-1</journalSize>", NULL, NULL, NULL, 3,
		  "journalSize '-1' is not a number");
	doc_fails(NULL, "<journalSize></journalSize>", NULL, NULL, NULL, 3,
		  "journalSize '' is not a number");
	doc_fails(NULL, "<allocSessionReservationSize>18446744073709551616</allocSessionReservationSize>",
		  NULL, NULL, NULL, 3,
		  "allocSessionReservationSize '18446744073709551616' is too large");
	doc_fails(NULL, NULL, "<diskType typeName=\"U\" sectors=\"99999999999999999999999\"/>",
		  NULL, NULL, 4, "<diskType> sectors '99999999999999999999999' is too large");
	doc_fails(NULL, NULL, "<diskType typeName=\"U\" sectors=\"9223372036854775807\" sectorSize=\"4096\"/>",
		  NULL, NULL, 4, "disk type 'U' is too large");
	doc_fails(NULL, NULL, NULL,
		  "<stripeGroup index=\"0x1\" name=\"M\" stripeBreadth=\"65536\" metadata=\"true\" "
		  "journal=\"true\"><disk diskLabel=\"L0\" diskType=\"T\"/></stripeGroup>",
		  NULL, 6, "<stripeGroup> index '0x1' is not a number");
	doc_fails(NULL, NULL, NULL,
		  "<stripeGroup index=\"0\" name=\"M\" stripeBreadth=\"256k\" metadata=\"true\" "
		  "journal=\"true\"><disk diskLabel=\"L0\" diskType=\"T\"/></stripeGroup>",
		  NULL, 6, "<stripeGroup> stripeBreadth '256k' is not a number");
	doc_fails(NULL, NULL, NULL,
		  "<stripeGroup index=\"0\" name=\"M\" stripeBreadth=\"6144\" metadata=\"true\" "
		  "journal=\"true\"><disk diskLabel=\"L0\" diskType=\"T\"/></stripeGroup>",
		  NULL, 6, "stripe group 'M' stripeBreadth 6144 is not a multiple of fsBlockSize 4096");
	doc_fails(NULL, "<fsBlockSize>65536</fsBlockSize>", NULL,
		  "<stripeGroup index=\"0\" name=\"M\" stripeBreadth=\"98304\" metadata=\"true\" "
		  "journal=\"true\"><disk diskLabel=\"L0\" diskType=\"T\"/></stripeGroup>",
		  NULL, 6, "not a multiple of fsBlockSize 65536");
	doc_fails(NULL, NULL, NULL,
		  "<stripeGroup index=\"0\" name=\"M\" metadata=\"true\" "
		  "journal=\"true\"><disk diskLabel=\"L0\" diskType=\"T\"/></stripeGroup>",
		  NULL, 6, "stripe group 'M' has no stripeBreadth");
	doc_fails(NULL, "<fsBlockSize>3000</fsBlockSize>", NULL, NULL, NULL, 3,
		  "fsBlockSize 3000 must be a power of two from 4096 to 1048576");
	doc_fails(NULL, "<fsBlockSize>2048</fsBlockSize>", NULL, NULL, NULL, 3,
		  "fsBlockSize 2048 must be a power of two");
	doc_fails(NULL, "<fsBlockSize>2097152</fsBlockSize>", NULL, NULL, NULL, 3,
		  "fsBlockSize 2097152 must be a power of two");
	doc_fails(NULL, "<fileLocks>maybe</fileLocks>", NULL, NULL, NULL, 3,
		  "fileLocks 'maybe' is not true or false");
	doc_fails(NULL, NULL, NULL,
		  "<stripeGroup index=\"0\" name=\"M\" stripeBreadth=\"65536\" metadata=\"yes please\" "
		  "journal=\"true\"><disk diskLabel=\"L0\" diskType=\"T\"/></stripeGroup>",
		  NULL, 6, "<stripeGroup> metadata 'yes please' is not true or false");
}
END_TEST

START_TEST(cfg_roles)
{
	doc_fails(NULL, NULL, NULL,
		  "<stripeGroup index=\"0\" name=\"M\" stripeBreadth=\"65536\" journal=\"true\">"
		  "<disk diskLabel=\"L0\" diskType=\"T\"/></stripeGroup>",
		  NULL, 5, "no stripe group holds metadata");
	doc_fails(NULL, NULL, NULL,
		  "<stripeGroup index=\"0\" name=\"M\" stripeBreadth=\"65536\" metadata=\"true\">"
		  "<disk diskLabel=\"L0\" diskType=\"T\"/></stripeGroup>",
		  NULL, 5, "no stripe group holds the journal");
	doc_fails(NULL, NULL, NULL, NULL,
		  "<stripeGroup index=\"1\" name=\"D\" stripeBreadth=\"65536\" userdata=\"false\">"
		  "<disk diskLabel=\"L1\" diskType=\"T\"/></stripeGroup>",
		  5, "no stripe group holds user data");
	doc_fails(NULL, NULL, NULL,
		  "<stripeGroup index=\"0\" name=\"M\" status=\"sideways\" stripeBreadth=\"65536\">"
		  "<disk diskLabel=\"L0\" diskType=\"T\"/></stripeGroup>",
		  NULL, 6, "stripe group 'M' status 'sideways' is not up or down");

	struct xsan_cfg cfg;
	int rc;

	write_tmp("<configDoc><config name=\"v\"><globals/></config></configDoc>");
	rc = xsan_cfg_load(tmppath, &cfg, err, sizeof(err));
	unlink(tmppath);
	ck_assert_int_eq(rc, -1);
	assert_err(tmppath, 1, "volume 'v' has no <stripeGroups>");
}
END_TEST

/* The limits hold: 257 stripe groups are refused, 256 are not. */
START_TEST(cfg_limits)
{
	size_t cap = 1 << 20, len = 0, i;
	char *buf = malloc(cap);
	struct xsan_cfg cfg;
	int rc, n;

	ck_assert_ptr_nonnull(buf);
	for (n = 256; n <= 257; n++) {
		len = (size_t)snprintf(buf, cap,
				       "<configDoc><config name=\"v\"><diskTypes>"
				       "<diskType typeName=\"T\" sectors=\"8\"/></diskTypes>\n"
				       "<stripeGroups>\n");
		for (i = 0; i < (size_t)n; i++)
			len += (size_t)snprintf(buf + len, cap - len,
						"<stripeGroup index=\"%zu\" name=\"S%zu\" "
						"stripeBreadth=\"4096\" metadata=\"true\" journal=\"true\" "
						"userdata=\"true\"><disk diskLabel=\"L%zu\" diskType=\"T\"/>"
						"</stripeGroup>\n", i, i, i);
		snprintf(buf + len, cap - len, "</stripeGroups></config></configDoc>\n");
		write_tmp(buf);
		rc = xsan_cfg_load(tmppath, &cfg, err, sizeof(err));
		unlink(tmppath);
		if (n == 256) {
			ck_assert_msg(rc == 0, "%s", err);
			ck_assert_uint_eq(cfg.nsgs, 256);
			xsan_cfg_free(&cfg);
		} else {
			ck_assert_int_eq(rc, -1);
			assert_err(tmppath, 259, "more than 256 stripe groups");
		}
	}

	/* 1025 disks in 5 stripe groups of 205. */
	len = (size_t)snprintf(buf, cap,
			       "<configDoc><config name=\"v\"><diskTypes>"
			       "<diskType typeName=\"T\" sectors=\"8\"/></diskTypes>\n"
			       "<stripeGroups>\n");
	for (i = 0; i < 1025; i++) {
		if (i % 205 == 0)
			len += (size_t)snprintf(buf + len, cap - len,
						"%s<stripeGroup index=\"%zu\" name=\"S%zu\" "
						"stripeBreadth=\"4096\" metadata=\"true\" journal=\"true\" "
						"userdata=\"true\">\n", i ? "</stripeGroup>\n" : "",
						i, i);
		len += (size_t)snprintf(buf + len, cap - len,
					"<disk diskLabel=\"L%zu\" diskType=\"T\"/>\n", i);
	}
	snprintf(buf + len, cap - len, "</stripeGroup></stripeGroups></config></configDoc>\n");
	write_tmp(buf);
	rc = xsan_cfg_load(tmppath, &cfg, err, sizeof(err));
	unlink(tmppath);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, "more than 1024 disks"), "%s", err);
	free(buf);
}
END_TEST

/* ---- fsnameservers ---- */

START_TEST(ns_good)
{
	struct xsan_cfg_nameservers ns;
	int rc = xsan_cfg_load_nameservers(DATA "fsnameservers", &ns, err, sizeof(err));

	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(ns.n, 4);
	ck_assert_str_eq(ns.hosts[0], "mdc1.example.com");
	ck_assert_str_eq(ns.hosts[1], "10.0.0.5");
	ck_assert_str_eq(ns.hosts[2], "fe80::1");
	ck_assert_str_eq(ns.hosts[3], "mdc2");
	ck_assert_uint_eq(ns.warnings.n, 0);
	xsan_cfg_nameservers_free(&ns);

	write_tmp("mdc1\nMDC1\n\n# only comments\n::1\nmdc-2.example.com.");
	rc = xsan_cfg_load_nameservers(tmppath, &ns, err, sizeof(err));
	unlink(tmppath);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(ns.n, 3);
	ck_assert_str_eq(ns.hosts[2], "mdc-2.example.com.");
	ck_assert_uint_eq(ns.warnings.n, 1);
	ck_assert(strstr(ns.warnings.msgs[0], ":2: duplicate name server 'MDC1' ignored"));
	xsan_cfg_nameservers_free(&ns);

	write_tmp("# nothing\n\n");
	rc = xsan_cfg_load_nameservers(tmppath, &ns, err, sizeof(err));
	unlink(tmppath);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(ns.n, 0);
	xsan_cfg_nameservers_free(&ns);
}
END_TEST

static void ns_fails(const char *text, int line, const char *want)
{
	struct xsan_cfg_nameservers ns;
	int rc;

	write_tmp(text);
	rc = xsan_cfg_load_nameservers(tmppath, &ns, err, sizeof(err));
	unlink(tmppath);
	ck_assert_msg(rc == -1, "'%s' was accepted", text);
	assert_err(tmppath, line, want);
	ck_assert_uint_eq(ns.n, 0);
	xsan_cfg_nameservers_free(&ns);
}

START_TEST(ns_bad)
{
	struct xsan_cfg_nameservers ns;
	int rc = xsan_cfg_load_nameservers(DATA "fsnameservers.bad", &ns, err, sizeof(err));

	ck_assert_int_eq(rc, -1);
	assert_err(DATA "fsnameservers.bad", 3,
		   "'mdc_1.example.com' is not a host name or IP address");
	xsan_cfg_nameservers_free(&ns);

	ns_fails("mdc1 mdc2\n", 1, "one host per line, not 'mdc1 mdc2'");
	ns_fails("\n\n300.1.1.1\n", 3, "'300.1.1.1' is not a host name or IP address");
	ns_fails("-mdc\n", 1, "'-mdc' is not a host name");
	ns_fails("mdc-\n", 1, "'mdc-' is not a host name");
	ns_fails("a..b\n", 1, "'a..b' is not a host name");
	ns_fails("fe80::zz\n", 1, "'fe80::zz' is not a host name or IP address");
	ns_fails("[::1]\n", 1, "'[::1]' is not a host name");
	ns_fails("mdc1\nhttp://mdc2/\n", 2, "'http://mdc2/' is not a host name");

	rc = xsan_cfg_load_nameservers(DATA "nope", &ns, err, sizeof(err));
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(err, DATA "nope: No such file or directory");
}
END_TEST

/* ---- fsports ---- */

START_TEST(ports_good)
{
	struct xsan_cfg_warnings w = { 0 };
	int min = 1, max = 65535;
	int rc = xsan_cfg_load_ports(DATA "fsports", &min, &max, &w, err, sizeof(err));

	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_int_eq(min, 50000);
	ck_assert_int_eq(max, 50100);
	ck_assert_uint_eq(w.n, 1);
	ck_assert_str_eq(w.msgs[0], DATA "fsports:4: unknown setting 'Verbose' ignored");
	xsan_cfg_warnings_free(&w);

	/* What the file does not set keeps the caller's default. */
	write_tmp("# nothing but\n\nMAXPORT 61000\n");
	min = 60000;
	max = 65535;
	rc = xsan_cfg_load_ports(tmppath, &min, &max, NULL, err, sizeof(err));
	unlink(tmppath);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_int_eq(min, 60000);
	ck_assert_int_eq(max, 61000);

	write_tmp("MinPort 1\nMaxPort 1");
	rc = xsan_cfg_load_ports(tmppath, &min, &max, NULL, err, sizeof(err));
	unlink(tmppath);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_int_eq(min, 1);
	ck_assert_int_eq(max, 1);
}
END_TEST

static void ports_fails(const char *text, int line, const char *want)
{
	int min = 7, max = 8, rc;

	write_tmp(text);
	rc = xsan_cfg_load_ports(tmppath, &min, &max, NULL, err, sizeof(err));
	unlink(tmppath);
	ck_assert_msg(rc == -1, "'%s' was accepted", text);
	assert_err(tmppath, line, want);
	ck_assert_int_eq(min, 7);
	ck_assert_int_eq(max, 8);
}

START_TEST(ports_bad)
{
	ports_fails("MinPort 0\n", 1, "MinPort '0' is not a port number from 1 to 65535");
	ports_fails("# x\nMaxPort 65536\n", 2, "MaxPort '65536' is not a port number");
	ports_fails("MinPort 99999999999999999999999\n", 1, "is not a port number");
	ports_fails("MinPort abc\n", 1, "MinPort 'abc' is not a port number");
	ports_fails("MinPort -5\n", 1, "MinPort '-5' is not a port number");
	ports_fails("MinPort\n", 1, "MinPort needs a port number");
	ports_fails("MinPort 5 6\n", 1, "unexpected '6' after MinPort 5");
	ports_fails("MinPort 6000\nMaxPort 5000\n", 2, "MinPort 6000 is greater than MaxPort 5000");
	ports_fails("MinPort 5000\nminport 5001\nMaxPort 6000\n", 2,
		    "duplicate minport (first on line 1)");
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");

	UNIT_ADD(s, cfg_full);
	UNIT_ADD(s, cfg_defaults);
	UNIT_ADD(s, cfg_config_attrs);
	UNIT_ADD(s, cfg_unknown_warns);
	UNIT_ADD(s, cfg_malformed);
	UNIT_ADD(s, cfg_xxe);
	UNIT_ADD(s, cfg_volume_name);
	UNIT_ADD(s, cfg_duplicates);
	UNIT_ADD(s, cfg_multi_affinity);
	UNIT_ADD(s, cfg_alloc_idle_timeout);
	UNIT_ADD(s, cfg_disk_types);
	UNIT_ADD(s, cfg_numbers);
	UNIT_ADD(s, cfg_roles);
	UNIT_ADD(s, cfg_limits);
	UNIT_ADD(s, ns_good);
	UNIT_ADD(s, ns_bad);
	UNIT_ADD(s, ports_good);
	UNIT_ADD(s, ports_bad);
	return s;
}
