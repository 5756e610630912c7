// SPDX-License-Identifier: GPL-2.0
/*
 * xsanadmin: cvadmin's role for xsanfs. It asks the name service which
 * volumes exist, selects one, logs in to its MDC with the volume secret
 * (so only someone who can read the secret file can administer), and
 * prints who, show and stat in the shape cvadmin users know. Commands come
 * from -e (one-shot, repeatable) or, without -e, from stdin, with a prompt
 * when stdin is a terminal.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "util.h"

#define ADMIN_TIMEOUT_MS	10000

struct admin {
	const char *host;
	int ns_port;
	const char *config_dir;
	char hostname[256];
	char volume[XSAN_NAME_MAX + 1];	/* selected, or "" */
	struct xsan_client vc;		/* the selected volume's session */
	bool connected;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xsanadmin [-H HOST] [-n PORT] [-c CONFIG_DIR] [-F VOLUME] [-e COMMAND]...\n"
		"  -H HOST   the name server (default localhost)\n"
		"  -n PORT   its port (default %d)\n"
		"  -c DIR    where VOLUME.auth_secret is (default /etc/xsanfs)\n"
		"  -F VOL    select this volume first\n"
		"  -e CMD    run CMD and exit (repeatable); without -e, read commands from stdin\n"
		"commands: select [VOLUME] | who | show | stat | disks | help | quit\n",
		XSAN_NAME_PORT);
}

/* One connection to the name service, one request, one reply. */
static int ns_call(struct admin *a, struct xsan_client *c,
		   const struct xsan_req *r, struct xsan_rep *rep)
{
	int err = xsan_client_init(c, ADMIN_TIMEOUT_MS);

	if (!err)
		err = xsan_client_connect(c, a->host, a->ns_port);
	if (!err)
		err = xsan_client_call(c, r, rep);
	if (err && err != -ENOENT)
		fprintf(stderr, "xsanadmin: name service at %s port %d: %s\n",
			a->host, a->ns_port, c->err);
	return err;
}

static void print_uuid(const uint8_t *u)
{
	printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	       u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
	       u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* `select` without a name: the volumes, like cvadmin's "List FSS". */
static int cmd_list(struct admin *a, char *only_one, size_t len)
{
	struct xsan_req r = { .op = XSAN_OP_NS_LIST };
	struct xsan_client c;
	struct xsan_ns_vol v;
	struct xsan_rep rep;
	struct xsan_cur cur;
	uint32_t i;
	int err;

	err = ns_call(a, &c, &r, &rep);
	if (err) {
		xsan_client_close(&c);
		return 1;
	}
	if (!only_one)
		printf("List FSS\n\nFile System Services:\n");
	xsan_cur_init(&cur, rep.data, rep.datalen);
	for (i = 0; i < rep.count; i++) {
		xsan_ns_vol_next(&cur, &v);
		if (only_one) {
			if (rep.count == 1 && v.namelen < len) {
				memcpy(only_one, v.name, v.namelen);
				only_one[v.namelen] = '\0';
			}
			continue;
		}
		printf(" %u>%s%.*s located on %s:%u uuid ", i + 1,
		       a->volume[0] && strlen(a->volume) == v.namelen &&
		       !memcmp(a->volume, v.name, v.namelen) ? "*" : " ",
		       (int)v.namelen, v.name, a->host, v.port);
		print_uuid(v.uuid);
		printf("\n");
	}
	if (!only_one && !rep.count)
		printf(" (none)\n");
	xsan_client_close(&c);
	return 0;
}

static int cmd_select(struct admin *a, const char *name)
{
	struct xsan_req r = { .op = XSAN_OP_NS_LOOKUP };
	struct xsan_secret secret;
	struct xsan_client c;
	struct xsan_rep rep;
	char path[4096], err[512], host[XSAN_HOST_MAX + 1];
	int e;

	if (strlen(name) > XSAN_NAME_MAX || !xsan_name_ok(name, (u32)strlen(name))) {
		fprintf(stderr, "xsanadmin: '%s' is not a volume name\n", name);
		return 1;
	}
	r.name = name;
	r.namelen = (u32)strlen(name);
	e = ns_call(a, &c, &r, &rep);
	if (e == -ENOENT) {
		fprintf(stderr, "xsanadmin: no volume '%s' at %s port %d\n", name,
			a->host, a->ns_port);
		xsan_client_close(&c);
		return 1;
	}
	if (e) {
		xsan_client_close(&c);
		return 1;
	}
	/* An empty host means the name server's own address. */
	snprintf(host, sizeof(host), "%.*s", (int)rep.hostlen, rep.host);
	if (!host[0])
		snprintf(host, sizeof(host), "%s", a->host);
	int port = rep.port;

	xsan_client_close(&c);
	snprintf(path, sizeof(path), "%s/%s.auth_secret", a->config_dir, name);
	if (xsan_secret_load(path, &secret, err, sizeof(err))) {
		fprintf(stderr, "xsanadmin: %s\n", err);
		return 1;
	}
	if (a->connected)
		xsan_client_close(&a->vc);
	a->connected = false;
	e = xsan_client_init(&a->vc, ADMIN_TIMEOUT_MS);
	if (!e)
		e = xsan_client_connect(&a->vc, host, port);
	if (!e)
		e = xsan_client_login(&a->vc, name, &secret, a->hostname);
	xsan_secret_wipe(&secret);
	if (e) {
		fprintf(stderr, "xsanadmin: volume %s at %s port %d: %s\n", name,
			host, port, a->vc.err);
		xsan_client_close(&a->vc);
		return 1;
	}
	a->connected = true;
	snprintf(a->volume, sizeof(a->volume), "%s", name);
	printf("Select FSM \"%s\"\n\n", name);
	return 0;
}

/* Blocks of @bsize as "N (X.YZ GB)". */
static void print_blocks(uint64_t n, uint32_t bsize)
{
	static const char *const unit[] = { "B", "KB", "MB", "GB", "TB", "PB", "EB" };
	double v = (double)n * bsize;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	printf("%llu (%.2f %s)", (unsigned long long)n, v, unit[u]);
}

static int admin_call(struct admin *a, uint16_t op, struct xsan_rep *rep)
{
	struct xsan_req r = { .op = op };
	int err;

	if (!a->connected) {
		fprintf(stderr, "xsanadmin: no volume selected; use 'select VOLUME' first\n");
		return -1;
	}
	err = xsan_client_call(&a->vc, &r, rep);
	if (err) {
		fprintf(stderr, "xsanadmin: %s: %s\n", a->volume, a->vc.err);
		if (a->vc.fd < 0) {
			a->connected = false;
			xsan_client_close(&a->vc);
		}
	}
	return err;
}

static int cmd_stat(struct admin *a)
{
	struct xsan_admin_stat s;
	struct xsan_rep rep;
	char when[64];
	time_t t;
	struct tm tm;

	if (admin_call(a, XSAN_OP_ADMIN_STAT, &rep) ||
	    xsan_stat_decode(rep.data, rep.datalen, &s)) {
		return 1;
	}
	t = (time_t)s.created;
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", &tm);
	printf("Created           :    %s\n", when);
	printf("Active Connections:    %u\n", s.active);
	if (s.bsize % 1024 == 0)
		printf("Fs Block Size     :    %uK\n", s.bsize / 1024);
	else
		printf("Fs Block Size     :    %u\n", s.bsize);
	printf("Disk Devices      :    %u\n", s.nluns);
	printf("Stripe Groups     :    %u\n", s.nsgs);
	printf("Inodes In Use     :    %llu\n", (unsigned long long)s.inodes);
	printf("Fs Blocks         :    ");
	print_blocks(s.blocks, s.bsize);
	printf("\nFs Blocks Free    :    ");
	print_blocks(s.bfree, s.bsize);
	printf(" (%d%%)\n", s.blocks ? (int)(s.bfree * 100 / s.blocks) : 0);
	return 0;
}

static int cmd_who(struct admin *a)
{
	struct xsan_rep rep;
	struct xsan_cur c;
	struct xsan_who w;
	uint32_t i;

	if (admin_call(a, XSAN_OP_ADMIN_WHO, &rep))
		return 1;
	printf("%s Clients\n", a->volume);
	printf(" #  %-20s %-24s %-16s %-10s %s\n", "HOST", "ADDRESS", "SESSION",
	       "LEASE AGE", "CLIENT UUID");
	xsan_cur_init(&c, rep.data, rep.datalen);
	for (i = 0; i < rep.count; i++) {
		xsan_who_next(&c, &w);
		printf("%2u  %-20.*s %-24.*s %016llx %7.1f s  ", i + 1,
		       (int)w.hostlen, w.host, (int)w.addrlen, w.addr,
		       (unsigned long long)w.session, w.lease_age_ms / 1000.0);
		print_uuid(w.uuid);
		printf("\n");
	}
	return 0;
}

static int cmd_show(struct admin *a)
{
	struct xsan_rep rep;
	struct xsan_cur c;
	struct xsan_show_sg g;
	struct xsan_show_lun l;
	uint32_t i, j;

	if (admin_call(a, XSAN_OP_ADMIN_SHOW, &rep))
		return 1;
	printf("Show all stripe groups for volume %s\n\n", a->volume);
	xsan_cur_init(&c, rep.data, rep.datalen);
	for (i = 0; i < rep.count; i++) {
		xsan_show_sg_next(&c, &g);
		printf("Stripe Group %u [%.*s]  Status:%s%s%s%s%s\n", g.index,
		       (int)g.namelen, g.name,
		       g.flags & XSAN_SG_DOWN ? "Down" : "Up",
		       g.flags & XSAN_SG_METADATA ? ",MetaData" : "",
		       g.flags & XSAN_SG_JOURNAL ? ",Journal" : "",
		       g.flags & XSAN_SG_USERDATA ? ",UserData" : "",
		       g.flags & XSAN_SG_EXCLUSIVE ? ",Exclusive" : "");
		printf("  Total Blocks:%llu  Free:%llu  (%d%%)  Stripe Breadth:%llu bytes\n",
		       (unsigned long long)g.blocks, (unsigned long long)g.bfree,
		       g.blocks ? (int)(g.bfree * 100 / g.blocks) : 0,
		       (unsigned long long)g.breadth);
		for (j = 0; j < g.nluns; j++) {
			xsan_show_lun_next(&c, &l);
			printf("    Stripe %u [%.*s]  Sectors:%llu  SectorSize:%u\n", j,
			       (int)l.labellen, l.label,
			       (unsigned long long)l.sectors, l.sector_size);
		}
		printf("\n");
	}
	return 0;
}

/*
 * The LUN table as the MDC serves it to clients (DISK_TABLE): first the
 * block size and each stripe group's geometry (flags M metadata, J
 * journal, D user data, X exclusive, - down; stripeBreadth in blocks),
 * then one LUN a line, in columns a script can read: what a client will
 * check each LUN header against, to compare with `xsanlabel -l` on the
 * hosts.
 */
static int cmd_disks(struct admin *a)
{
	struct xsan_rep rep;
	struct xsan_cur c;
	struct xsan_disk d;
	uint32_t i;

	if (admin_call(a, XSAN_OP_DISK_TABLE, &rep))
		return 1;
	printf("Stripe groups of volume %s, block size %u, %u group%s\n", a->volume,
	       rep.disk.bsize, rep.disk.nsg, rep.disk.nsg == 1 ? "" : "s");
	printf("SG FLAGS BREADTH_BLOCKS LUNS BLOCKS\n");
	for (i = 0; i < rep.disk.nsg; i++) {
		struct xsan_disk_sg g;

		xsan_disk_sg_at(rep.disk.sgs, i, &g);
		printf("%u %s%s%s%s%s%s %u %u %llu\n", g.index,
		       g.flags & XSAN_SG_METADATA ? "M" : "",
		       g.flags & XSAN_SG_JOURNAL ? "J" : "",
		       g.flags & XSAN_SG_USERDATA ? "D" : "",
		       g.flags & XSAN_SG_EXCLUSIVE ? "X" : "",
		       g.flags & XSAN_SG_DOWN ? "-" : "",
		       g.flags ? "" : "none", g.breadth, g.nluns,
		       (unsigned long long)g.blocks);
	}
	printf("LUN table of volume %s uuid ", a->volume);
	print_uuid(rep.uuid);
	printf(", %u LUN%s\n", rep.count, rep.count == 1 ? "" : "s");
	printf("SG ORDINAL LABEL SECTORS SECTOR_SIZE LUN_UUID\n");
	xsan_cur_init(&c, rep.data, rep.datalen);
	for (i = 0; i < rep.count; i++) {
		xsan_disk_next(&c, &d);
		printf("%u %u %.*s %llu %u ", d.sg, d.ordinal, (int)d.labellen,
		       d.label, (unsigned long long)d.sectors, d.sector_size);
		print_uuid(d.uuid);
		printf("\n");
	}
	return 0;
}

/* "ATTR_RD|DATA_WR" (as xsanmdc's log writes token sets). */
static const char *tok_names(uint32_t types, char *buf, size_t len)
{
	static const char *const names[] = {
		"ATTR_RD", "ATTR_WR", "DIR", "DATA_RD", "DATA_WR", "DIO",
	};
	size_t i, off = 0;

	snprintf(buf, len, "none");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(types & (1u << i)) || off >= len)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					off ? "|" : "", names[i]);
	}
	return buf;
}

/* The host of session @id in an ADMIN_WHO reply, or "?" (gone). */
static void who_host(const struct xsan_rep *who, uint64_t id, char *buf,
		     size_t len)
{
	struct xsan_cur c;
	struct xsan_who w;
	uint32_t i;

	snprintf(buf, len, "?");
	xsan_cur_init(&c, who->data, who->datalen);
	for (i = 0; i < who->count; i++) {
		if (xsan_who_next(&c, &w))
			return;
		if (w.session == id) {
			snprintf(buf, len, "%.*s", (int)w.hostlen, w.host);
			return;
		}
	}
}

/*
 * The MDC's token table (ADMIN_TOKENS), cvadmin-shaped: one line per
 * session holding tokens on an inode, per parked TOKEN_GET and per
 * namespace request waiting behind revokes, then the totals.
 */
static int cmd_tokens(struct admin *a)
{
	static const char *const state[] = { "", "held", "waiting", "parked",
					     "grace" };
	struct xsan_rep rep, who;
	struct xsan_tok_entry e;
	struct xsan_cur c;
	char names[64], host[XSAN_HOST_MAX + 1], extra[96];
	unsigned int nk[5] = { 0 };
	uint32_t i;

	/* host names first: the token reply points into the client's buffer */
	if (admin_call(a, XSAN_OP_ADMIN_WHO, &who))
		return 1;
	{
		static uint8_t whobuf[XSAN_PAYLOAD_MAX];

		memcpy(whobuf, who.data, who.datalen);
		who.data = whobuf;
	}
	if (admin_call(a, XSAN_OP_ADMIN_TOKENS, &rep))
		return 1;
	printf("Tokens of volume %s\n", a->volume);
	printf(" %-12s %-10s %-16s %-20s %-8s %s\n", "INODE", "GEN", "SESSION",
	       "HOST", "STATE", "TOKENS");
	xsan_cur_init(&c, rep.data, rep.datalen);
	for (i = 0; i < rep.count; i++) {
		if (xsan_tok_entry_next(&c, &e))
			return 1;
		who_host(&who, e.session, host, sizeof(host));
		tok_names(e.types, names, sizeof(names));
		extra[0] = '\0';
		if (e.kind == XSAN_TE_HOLD && e.revoking) {
			char rv[64];

			snprintf(extra, sizeof(extra), "  revoking %s for %.1f s",
				 tok_names(e.revoking, rv, sizeof(rv)),
				 e.revoke_age_ms / 1000.0);
		} else if (e.kind == XSAN_TE_WAIT) {
			snprintf(extra, sizeof(extra), "  (TOKEN_GET)");
		} else if (e.kind == XSAN_TE_NS) {
			snprintf(extra, sizeof(extra), "  (%s takes them back)",
				 xsan_op_name((uint16_t)e.op));
		} else if (e.kind == XSAN_TE_GRACE) {
			snprintf(extra, sizeof(extra), "  (%s waits for the grace window)",
				 xsan_op_name((uint16_t)e.op));
		}
		printf(" %-12llu %-10u %016llx %-20s %-8s %s%s\n",
		       (unsigned long long)e.ino, e.gen,
		       (unsigned long long)e.session, host, state[e.kind], names,
		       extra);
		nk[e.kind]++;
	}
	printf("%u held, %u waiting TOKEN_GET%s, %u parked namespace request%s, %u waiting for the grace window%s\n",
	       nk[XSAN_TE_HOLD], nk[XSAN_TE_WAIT], nk[XSAN_TE_WAIT] == 1 ? "" : "s",
	       nk[XSAN_TE_NS], nk[XSAN_TE_NS] == 1 ? "" : "s", nk[XSAN_TE_GRACE],
	       rep.flags & XSAN_ADMTOK_MORE ? " (more not shown: the list filled a frame)" : "");
	return 0;
}

static void cmd_help(void)
{
	printf("select          list the volumes\n"
	       "select VOLUME   select a volume (its secret must be readable)\n"
	       "who             the clients of the selected volume\n"
	       "show            its stripe groups and LUNs\n"
	       "stat            its statistics\n"
	       "disks           its LUN table as clients get it (DISK_TABLE)\n"
	       "tokens          tokens held per inode and session, parked requests\n"
	       "quit            leave\n");
}

/* Run one command line; sets *@quit. Returns 0 or 1 (failed). */
static int run_line(struct admin *a, char *line, bool *quit)
{
	char *argv[4], *save, *tok;
	int argc = 0;

	for (tok = strtok_r(line, " \t\r\n", &save); tok && argc < 4;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = tok;
	if (!argc)
		return 0;
	if (!strcmp(argv[0], "quit") || !strcmp(argv[0], "exit")) {
		*quit = true;
		return 0;
	}
	if (!strcmp(argv[0], "help") || !strcmp(argv[0], "?")) {
		cmd_help();
		return 0;
	}
	if (!strcmp(argv[0], "select") && argc == 1)
		return cmd_list(a, NULL, 0);
	if (!strcmp(argv[0], "select") && argc == 2)
		return cmd_select(a, argv[1]);
	if (argc == 1 && !strcmp(argv[0], "who"))
		return cmd_who(a);
	if (argc == 1 && !strcmp(argv[0], "show"))
		return cmd_show(a);
	if (argc == 1 && !strcmp(argv[0], "stat"))
		return cmd_stat(a);
	if (argc == 1 && !strcmp(argv[0], "disks"))
		return cmd_disks(a);
	if (argc == 1 && !strcmp(argv[0], "tokens"))
		return cmd_tokens(a);
	fprintf(stderr, "xsanadmin: unknown command '%s'; try 'help'\n", argv[0]);
	return 1;
}

/* With no volume selected yet, a lone volume is selected, as cvadmin does. */
static void autoselect(struct admin *a)
{
	char one[XSAN_NAME_MAX + 1] = "";

	if (a->volume[0] || cmd_list(a, one, sizeof(one)) || !one[0])
		return;
	cmd_select(a, one);
}

int main(int argc, char **argv)
{
	struct admin a = { .host = "localhost", .ns_port = XSAN_NAME_PORT,
			   .config_dir = "/etc/xsanfs" };
	char *cmds[64], line[1024];
	int ncmds = 0, ch, rc = 0, i;
	const char *first = NULL;
	bool quit = false, tty;
	char *end;
	long v;

	opterr = 0;
	while ((ch = getopt(argc, argv, ":H:n:c:F:e:h")) != -1) {
		switch (ch) {
		case 'H':
			a.host = optarg;
			break;
		case 'n':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 1 || v > 65535) {
				fprintf(stderr, "xsanadmin: -n %s: not a port number (1-65535)\n",
					optarg);
				return 2;
			}
			a.ns_port = (int)v;
			break;
		case 'c':
			a.config_dir = optarg;
			break;
		case 'F':
			first = optarg;
			break;
		case 'e':
			if (ncmds == 64) {
				fprintf(stderr, "xsanadmin: at most 64 -e commands\n");
				return 2;
			}
			cmds[ncmds++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "xsanadmin: -%c needs an argument\n", optopt);
			usage(stderr);
			return 2;
		default:
			fprintf(stderr, "xsanadmin: unknown option -%c\n", optopt);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xsanadmin: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (gethostname(a.hostname, sizeof(a.hostname) - 1))
		snprintf(a.hostname, sizeof(a.hostname), "xsanadmin");
	if (first && cmd_select(&a, first))
		return 1;

	if (ncmds) {
		for (i = 0; i < ncmds && !quit; i++) {
			char buf[1024];

			snprintf(buf, sizeof(buf), "%s", cmds[i]);
			if (strncmp(buf, "select", 6) && strncmp(buf, "help", 4) &&
			    strncmp(buf, "quit", 4))
				autoselect(&a);
			rc |= run_line(&a, buf, &quit);
		}
	} else {
		tty = isatty(0);
		if (tty)
			printf("xsanadmin: enter command(s); 'help' lists them\n");
		for (;;) {
			if (tty) {
				printf("xsanadmin%s%s%s > ", a.volume[0] ? " (" : "",
				       a.volume, a.volume[0] ? ")" : "");
				fflush(stdout);
			}
			if (!fgets(line, sizeof(line), stdin))
				break;
			if (strncmp(line, "select", 6) && strncmp(line, "help", 4) &&
			    strncmp(line, "quit", 4))
				autoselect(&a);
			rc |= run_line(&a, line, &quit);
			if (quit)
				break;
		}
	}
	if (a.connected)
		xsan_client_close(&a.vc);
	return rc;
}
