// SPDX-License-Identifier: GPL-2.0
/*
 * The live-MDC test harness (see harness.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness_check.h"
#include "mdc/store.h"

static const char h_cfgx[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<configDoc xmlns=\"http://www.quantum.com/snfs\" version=\"1.0\">\n"
	"  <config configVersion=\"0\" name=\"" H_VOLUME "\">\n"
	"    <globals>\n"
	"      <fsBlockSize>4096</fsBlockSize>\n"
	"    </globals>\n"
	"    <diskTypes>\n"
	"      <diskType typeName=\"Lun\" sectors=\"131072\" sectorSize=\"512\"/>\n"
	"    </diskTypes>\n"
	"    <stripeGroups>\n"
	"      <stripeGroup index=\"0\" name=\"MetaFiles\" stripeBreadth=\"65536\" metadata=\"true\" journal=\"true\" userdata=\"false\">\n"
	"        <disk index=\"0\" diskLabel=\"meta0\" diskType=\"Lun\"/>\n"
	"      </stripeGroup>\n"
	"      <stripeGroup index=\"1\" name=\"DataFiles\" stripeBreadth=\"262144\" metadata=\"false\" journal=\"false\" userdata=\"true\">\n"
	"        <disk index=\"0\" diskLabel=\"data0\" diskType=\"Lun\"/>\n"
	"        <disk index=\"1\" diskLabel=\"data1\" diskType=\"Lun\"/>\n"
	"      </stripeGroup>\n"
	"    </stripeGroups>\n"
	"  </config>\n"
	"</configDoc>\n";

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	size_t len = strlen(text);

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	return close(fd) ? -errno : 0;
}

int h_setup(struct mdc_h *h)
{
	/* As mkfs.xsanfs counts: the 2 data LUNs' blocks past their headers. */
	struct xsan_store_geom g = { .bsize = 4096, .blocks = 2 * H_LUN_BLOCKS,
				     .files = 1u << 20 };
	char path[256], err[256];

	memset(h, 0, sizeof(*h));
	h->volume = H_VOLUME;
	h->lease_s = 20;
	h->grace_s = 10;
	snprintf(h->dir, sizeof(h->dir), "/tmp/xsan-mdc-XXXXXX");
	if (!mkdtemp(h->dir))
		return -errno;
	snprintf(h->cfgdir, sizeof(h->cfgdir), "%s/config", h->dir);
	snprintf(h->statedir, sizeof(h->statedir), "%s/state", h->dir);
	snprintf(h->logpath, sizeof(h->logpath), "%s/mdc.log", h->dir);
	if (mkdir(h->cfgdir, 0700) || mkdir(h->statedir, 0700))
		return -errno;
	snprintf(path, sizeof(path), "%s/%s.cfgx", h->cfgdir, h->volume);
	if (write_file(path, h_cfgx, 0644))
		return -EIO;
	snprintf(path, sizeof(path), "%s/%s.auth_secret", h->cfgdir, h->volume);
	if (write_file(path, H_SECRET "\n", 0600))
		return -EIO;
	memcpy(h->secret.key, H_SECRET, strlen(H_SECRET));
	h->secret.len = strlen(H_SECRET);
	g.created = time(NULL);
	if (xsan_random(g.uuid, sizeof(g.uuid)))
		return -EIO;
	snprintf(path, sizeof(path), "%s/%s", h->statedir, h->volume);
	if (xsan_store_format(path, &g, false, err, sizeof(err))) {
		fprintf(stderr, "h_setup: %s\n", err);
		return -EIO;
	}
	return 0;
}

const char *h_log(const struct mdc_h *h)
{
	static char buf[1 << 20];
	ssize_t n = 0;
	int fd = open(h->logpath, O_RDONLY | O_CLOEXEC);

	buf[0] = '\0';
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

bool h_log_wait(const struct mdc_h *h, const char *needle, int ms)
{
	long long end = mono_ms() + ms;

	do {
		if (strstr(h_log(h), needle))
			return true;
		usleep(10000);
	} while (mono_ms() < end);
	return false;
}

int h_start(struct mdc_h *h)
{
	const char *bin = getenv("XSANMDC"), *wrap = getenv("XSAN_MDC_WRAPPER");
	char port[16], nsport[16], lease[16], grace[16];
	const char *argv[64];
	char *wcopy = NULL, *tok, *save;
	long long end;
	int argc = 0, fd, status;
	const char *log, *p;

	if (!bin)
		bin = "../../tools/bin/xsanmdc";
	snprintf(port, sizeof(port), "%d", h->port);
	snprintf(nsport, sizeof(nsport), "%d", h->ns_port);
	snprintf(lease, sizeof(lease), "%d", h->lease_s);
	snprintf(grace, sizeof(grace), "%d", h->grace_s);
	if (wrap && *wrap) {
		wcopy = strdup(wrap);
		for (tok = strtok_r(wcopy, " ", &save); tok && argc < 40;
		     tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
	}
	argv[argc++] = bin;
	argv[argc++] = "-c";
	argv[argc++] = h->cfgdir;
	argv[argc++] = "-S";
	argv[argc++] = h->statedir;
	argv[argc++] = "-b";
	argv[argc++] = "127.0.0.1";
	argv[argc++] = "-p";
	argv[argc++] = port;
	argv[argc++] = "-n";
	argv[argc++] = nsport;
	argv[argc++] = "-l";
	argv[argc++] = lease;
	argv[argc++] = "-g";
	argv[argc++] = grace;
	argv[argc++] = "-v";
	argv[argc] = NULL;

	/* A fresh log per start, so "listening" means this start. */
	fd = open(h->logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		free(wcopy);
		return -errno;
	}
	h->pid = fork();
	if (h->pid < 0) {
		free(wcopy);
		close(fd);
		h->pid = 0;
		return -errno;
	}
	if (!h->pid) {
		dup2(fd, 2);
		dup2(fd, 1);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fd);
	free(wcopy);
	end = mono_ms() + (wrap && *wrap ? 60000 : 10000);
	for (;;) {
		log = h_log(h);
		p = strstr(log, "sessions port ");
		if (p && strstr(p, "name service port ") &&
		    sscanf(p, "sessions port %d, name service port %d",
			   &h->port, &h->ns_port) == 2)
			return 0;
		if (waitpid(h->pid, &status, WNOHANG) == h->pid) {
			h->pid = 0;
			fprintf(stderr, "xsanmdc exited at start:\n%s", log);
			return -ECHILD;
		}
		if (mono_ms() > end) {
			fprintf(stderr, "xsanmdc did not listen within the deadline:\n%s", log);
			h_stop(h, SIGKILL);
			return -ETIMEDOUT;
		}
		usleep(5000);
	}
}

int h_stop(struct mdc_h *h, int sig)
{
	long long end = mono_ms() + 10000;
	int status = -1;

	if (!h->pid)
		return -1;
	kill(h->pid, sig);
	while (waitpid(h->pid, &status, WNOHANG) == 0) {
		if (mono_ms() > end) {
			kill(h->pid, SIGKILL);
			waitpid(h->pid, &status, 0);
			break;
		}
		usleep(5000);
	}
	h->pid = 0;
	return status;
}

void h_cleanup(struct mdc_h *h)
{
	char cmd[128];

	if (h->pid)
		h_stop(h, SIGKILL);
	if (h->dir[0] && strncmp(h->dir, "/tmp/xsan-mdc-", 14) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", h->dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", h->dir);
	}
}

int h_login(struct mdc_h *h, struct xsan_client *c)
{
	int err = xsan_client_init(c, 10000);

	if (!err)
		err = xsan_client_connect(c, "127.0.0.1", h->port);
	if (!err)
		err = xsan_client_login(c, h->volume, &h->secret, "testhost");
	return err;
}

struct xsan_cred h_root(void)
{
	struct xsan_cred cr = { .uid = 0, .gid = 0, .caps = XSAN_CAP_ALL };

	return cr;
}

struct xsan_cred h_user(uint32_t uid, uint32_t gid)
{
	struct xsan_cred cr = { .uid = uid, .gid = gid };

	return cr;
}

bool h_wrapped(void)
{
	const char *w = getenv("XSAN_MDC_WRAPPER");

	return w && *w;
}

int h_ms(int v)
{
	return h_wrapped() ? v * 10 : v;
}

long long h_now_ms(void)
{
	return mono_ms();
}

struct xsan_fid h_fid_of(const struct xsan_attr *a)
{
	return (struct xsan_fid){ a->ino, a->gen };
}

static struct mdc_h *h_live;

static void h_atexit(void)
{
	if (h_live)
		h_cleanup(h_live);
}

void h_cleanup_at_exit(struct mdc_h *h)
{
	static bool registered;

	if (h && !registered) {
		atexit(h_atexit);
		registered = true;
	}
	h_live = h;
}

int h_login_as(struct mdc_h *h, struct xsan_client *c, const char *host)
{
	int err = xsan_client_init(c, h_ms(10000));

	if (!err)
		err = xsan_client_connect(c, "127.0.0.1", h->port);
	if (!err)
		err = xsan_client_login(c, h->volume, &h->secret, host);
	return err;
}

void h_login_client(struct mdc_h *h, struct xsan_client *c, int i)
{
	char host[16];
	int err;

	snprintf(host, sizeof(host), "host%c", 'A' + i);
	err = h_login_as(h, &c[i], host);
	ck_assert_msg(!err, "login %s: %s", host, c[i].err);
}

void h_begin(struct mdc_h *h, struct xsan_client *c, int nc)
{
	int i, err;

	for (i = 0; i < nc; i++)
		c[i].fd = -1;
	err = h_setup(h);
	ck_assert_msg(!err, "h_setup: %s", strerror(-err));
	h_cleanup_at_exit(h);
}

void h_start_clients(struct mdc_h *h, struct xsan_client *c, int n)
{
	int i, err = h_start(h);

	ck_assert_msg(!err, "h_start: %s", strerror(-err));
	for (i = 0; i < n; i++)
		h_login_client(h, c, i);
}

void h_stop_clients(struct mdc_h *h, struct xsan_client *c, int nc)
{
	int i, st;

	for (i = 0; i < nc; i++)
		xsan_client_close(&c[i]);
	st = h_stop(h, SIGTERM);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "xsanmdc did not exit cleanly (%#x); its log:\n%s", st,
		      h_log(h));
}

void h_end_clients(struct mdc_h *h, struct xsan_client *c, int nc)
{
	h_stop_clients(h, c, nc);
	h_cleanup(h);
	h_cleanup_at_exit(NULL);
}

int h_tget(struct xsan_client *c, const struct xsan_fid *f, uint32_t types,
	   uint32_t flags)
{
	struct xsan_req r = { .op = XSAN_OP_TOKEN_GET, .fid = *f };
	struct xsan_rep rep;

	r.cred = h_root();
	r.tok.types = types;
	r.tok.flags = flags;
	return xsan_client_call(c, &r, &rep);
}

uint64_t h_tget_send(struct xsan_client *c, const struct xsan_fid *f,
		     uint32_t types)
{
	struct xsan_req r = { .op = XSAN_OP_TOKEN_GET, .fid = *f };
	uint64_t xid;

	r.cred = h_root();
	r.tok.types = types;
	ck_assert_int_eq(xsan_client_send(c, &r, &xid), 0);
	return xid;
}

void h_make_df(struct xsan_client *c, struct xsan_fid *d, struct xsan_fid *f)
{
	struct xsan_req r = { .op = XSAN_OP_MKDIR, .fid = { 1, 1 },
			      .mode = 0040755, .name = "d", .namelen = 1 };
	struct xsan_rep rep;

	r.cred = h_root();
	ck_assert_msg(!xsan_client_call(c, &r, &rep), "mkdir: %s", c->err);
	*d = h_fid_of(&rep.attr[0]);
	r.op = XSAN_OP_CREATE;
	r.fid = *d;
	r.mode = 0100644;
	r.name = "f";
	ck_assert_msg(!xsan_client_call(c, &r, &rep), "create: %s", c->err);
	*f = h_fid_of(&rep.attr[0]);
}

int h_tput(struct xsan_client *c, const struct xsan_fid *f, uint32_t types,
	   uint64_t revoke)
{
	struct xsan_req r = { .op = XSAN_OP_TOKEN_PUT, .fid = *f };
	struct xsan_rep rep;

	r.tok.types = types;
	r.tok.revoke = revoke;
	return xsan_client_call(c, &r, &rep);
}

int h_open(struct xsan_client *c, const struct xsan_fid *f, uint32_t flags,
	   uint64_t *handle, struct xsan_attr *a)
{
	struct xsan_req r = { .op = XSAN_OP_OPEN, .cred = h_root(), .fid = *f };
	struct xsan_rep rep;
	int err;

	r.layout.flags = flags;
	err = xsan_client_call(c, &r, &rep);
	if (!err && handle)
		*handle = rep.layout.handle;
	if (!err && a)
		*a = rep.attr[0];
	return err;
}

int h_close(struct xsan_client *c, const struct xsan_fid *f, uint64_t handle,
	    struct xsan_attr *a)
{
	struct xsan_req r = { .op = XSAN_OP_CLOSE, .cred = h_root(), .fid = *f };
	struct xsan_rep rep;
	int err;

	r.layout.handle = handle;
	err = xsan_client_call(c, &r, &rep);
	if (!err && a)
		*a = rep.attr[0];
	return err;
}

int h_layout_get(struct xsan_client *c, const struct xsan_fid *f,
		 uint64_t off, uint64_t len, uint32_t flags,
		 struct xsan_extent *ext, uint32_t max, uint32_t *n)
{
	struct xsan_req r = { .op = XSAN_OP_LAYOUT_GET, .cred = h_root(), .fid = *f };
	struct xsan_rep rep;
	int err;

	r.layout.offset = off;
	r.layout.length = len;
	r.layout.flags = flags;
	*n = 0;
	err = xsan_client_call(c, &r, &rep);
	if (err)
		return err;
	for (uint32_t i = 0; i < rep.layout.count && i < max; i++)
		xsan_extent_at(rep.layout.raw, i, &ext[i]);
	*n = rep.layout.count < max ? rep.layout.count : max;
	return 0;
}

int h_commit(struct xsan_client *c, const struct xsan_fid *f, uint64_t off,
	     uint64_t len, uint64_t size)
{
	struct xsan_req r = { .op = XSAN_OP_LAYOUT_COMMIT, .cred = h_root(),
			      .fid = *f };
	struct xsan_range rg = { off, len };
	struct xsan_rep rep;

	r.layout.flags = XSAN_LC_SIZE;
	r.layout.size = size;
	r.layout.nranges = 1;
	r.layout.ranges = &rg;
	return xsan_client_call(c, &r, &rep);
}

bool h_readable(struct xsan_client *c, int wait)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };

	return poll(&p, 1, wait) == 1;
}

int h_run_suite(Suite *s, const char *prefix)
{
	TestResult **results;
	SRunner *sr = srunner_create(s);
	int i, n, failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_SILENT);
	n = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	results = srunner_results(sr);
	for (i = 0; i < n; i++) {
		TestResult *r = results[i];

		if (tr_rtype(r) == CK_PASS) {
			printf("PASS: %s.%s\n", prefix, tr_tcname(r));
		} else {
			printf("FAIL: %s.%s\n", prefix, tr_tcname(r));
			fflush(stdout);
			fprintf(stderr, "  %s.%s: %s:%d: %s\n", prefix,
				tr_tcname(r), tr_lfile(r), tr_lno(r), tr_msg(r));
		}
		fflush(stdout);
	}
	free(results);
	srunner_free(sr);
	return failed || n == 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
