// SPDX-License-Identifier: GPL-2.0
/*
 * The integration suite against a live xsanmdc: the runner and the
 * helpers every itest_*.c shares. `build/itest PREFIX` prints exactly one
 * line per test on stdout, "PASS: PREFIX.NAME" or "FAIL: PREFIX.NAME"
 * (PREFIX is mdc, mdc-san or mdc-vg, see the Makefile), reasons on
 * stderr, and exits 1 if any test failed. Each test runs in its own
 * forked child (check's CK_FORK) with its own daemon, so one failure or
 * crash never leaks into the next test.
 *
 * CK_RUN_SUITE / CK_RUN_CASE in the environment select tests, as in check.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"

const struct xsan_fid it_root = { .ino = 1, .gen = 1 };

static bool it_valgrind(void)
{
	const char *w = getenv("XSAN_MDC_WRAPPER");

	return w && *w;
}

/* A daemon under valgrind is some 20 times slower; deadlines follow. */
int it_ms(int ms)
{
	return it_valgrind() ? ms * 10 : ms;
}

void it_add(Suite *s, const char *name, const TTest *t)
{
	TCase *tc = tcase_create(name);

	tcase_add_test(tc, t);
	tcase_set_timeout(tc, it_valgrind() ? 600 : 60);
	suite_add_tcase(s, tc);
}

long long it_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * A failed ck_assert exits the test's child at once, without the rest of
 * the test: this stops the daemons it started and removes their files.
 */
#define IT_LIVE_MAX 4
static struct mdc_h *it_live[IT_LIVE_MAX];

static void it_atexit(void)
{
	for (int i = 0; i < IT_LIVE_MAX; i++)
		if (it_live[i])
			h_cleanup(it_live[i]);
}

void it_setup(struct it *t)
{
	static bool registered;
	int i, err;

	if (!registered) {
		atexit(it_atexit);
		registered = true;
	}
	memset(t, 0, sizeof(*t));
	t->c.fd = -1;
	err = h_setup(&t->h);
	for (i = 0; i < IT_LIVE_MAX && it_live[i]; i++)
		;
	ck_assert_int_lt(i, IT_LIVE_MAX);
	it_live[i] = &t->h;
	ck_assert_msg(!err, "h_setup: %s", strerror(-err));
}

void it_start(struct it *t)
{
	int err = h_start(&t->h);

	ck_assert_msg(!err, "h_start: %s", strerror(-err));
}

void it_begin(struct it *t)
{
	int err;

	it_setup(t);
	it_start(t);
	err = h_login(&t->h, &t->c);
	ck_assert_msg(!err, "login: %s", t->c.err);
}

void it_stop_clean(struct mdc_h *h)
{
	int st = h_stop(h, SIGTERM);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "xsanmdc did not exit cleanly (wait status %#x); its log:\n%s",
		      st, h_log(h));
}

void it_end(struct it *t)
{
	xsan_client_close(&t->c);
	it_stop_clean(&t->h);
	h_cleanup(&t->h);
	for (int i = 0; i < IT_LIVE_MAX; i++)
		if (it_live[i] == &t->h)
			it_live[i] = NULL;
}

void it_client(struct it *t, struct xsan_client *c, bool login)
{
	int err = xsan_client_init(c, it_ms(10000));

	if (!err)
		err = xsan_client_connect(c, "127.0.0.1", t->h.port);
	if (!err && login)
		err = xsan_client_login(c, t->h.volume, &t->h.secret, "testhost");
	ck_assert_msg(!err, "client: %s", c->err);
}

const char *it_peer(const struct xsan_client *c, char buf[64])
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	buf[0] = '\0';
	if (!getsockname(c->fd, (struct sockaddr *)&sin, &sl))
		snprintf(buf, 64, "127.0.0.1:%d", ntohs(sin.sin_port));
	return buf;
}

bool it_wait_closed(struct xsan_client *c, int ms)
{
	long long end = it_now_ms() + ms;
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	char buf[4096];
	ssize_t n;

	while (it_now_ms() < end) {
		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return true;
	}
	return false;
}

int it_log_lines(const struct mdc_h *h, const char *a, const char *b)
{
	const char *p = h_log(h), *nl;
	char line[2048];
	int n = 0;
	size_t len;

	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		len = (size_t)(nl - p) < sizeof(line) - 1 ? (size_t)(nl - p) :
		      sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		if (strstr(line, a) && (!b || strstr(line, b)))
			n++;
		if (!*nl)
			break;
	}
	return n;
}

bool it_log_wait_n(const struct mdc_h *h, const char *a, const char *b,
		   int n, int ms)
{
	long long end = it_now_ms() + ms;

	do {
		if (it_log_lines(h, a, b) >= n)
			return true;
		usleep(10000);
	} while (it_now_ms() < end);
	return false;
}

struct xsan_fid it_fid(const struct xsan_attr *a)
{
	struct xsan_fid f = { .ino = a->ino, .gen = a->gen };

	return f;
}

int it_tcmp(const struct xsan_time *a, const struct xsan_time *b)
{
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	if (a->nsec != b->nsec)
		return a->nsec < b->nsec ? -1 : 1;
	return 0;
}

void it_wallclock(struct xsan_time *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	t->sec = ts.tv_sec;
	t->nsec = (uint32_t)ts.tv_nsec;
}

int it_call(struct xsan_client *c, struct xsan_req *r, struct xsan_rep *rep)
{
	struct xsan_rep scratch;

	return xsan_client_call(c, r, rep ? rep : &scratch);
}

int it_lookup(struct xsan_client *c, const struct xsan_cred *cr,
	      struct xsan_fid dir, const char *name, struct xsan_attr *out)
{
	struct xsan_req r = { .op = XSAN_OP_LOOKUP, .cred = *cr, .fid = dir,
			      .name = name, .namelen = (uint32_t)strlen(name) };
	struct xsan_rep rep;
	int err = it_call(c, &r, &rep);

	if (!err && out)
		*out = rep.attr[0];
	return err;
}

int it_getattr(struct xsan_client *c, struct xsan_fid fid,
	       struct xsan_attr *out)
{
	struct xsan_req r = { .op = XSAN_OP_GETATTR, .cred = h_root(), .fid = fid };
	struct xsan_rep rep;
	int err = it_call(c, &r, &rep);

	if (!err && out)
		*out = rep.attr[0];
	return err;
}

int it_setattr(struct xsan_client *c, const struct xsan_cred *cr,
	       struct xsan_fid fid, const struct xsan_sattr *sa,
	       struct xsan_attr *out)
{
	struct xsan_req r = { .op = XSAN_OP_SETATTR, .cred = *cr, .fid = fid,
			      .sattr = *sa };
	struct xsan_rep rep;
	int err = it_call(c, &r, &rep);

	if (!err && out)
		*out = rep.attr[0];
	return err;
}

int it_mknod(struct xsan_client *c, const struct xsan_cred *cr,
	     struct xsan_fid dir, const char *name, uint32_t mode,
	     uint32_t major, uint32_t minor, struct xsan_attr *out,
	     struct xsan_attr *dir_out)
{
	struct xsan_req r = { .cred = *cr, .fid = dir, .name = name,
			      .namelen = (uint32_t)strlen(name), .mode = mode,
			      .rdev_major = major, .rdev_minor = minor };
	struct xsan_rep rep;
	int err;

	r.op = (mode & IT_IFMT) == IT_IFREG ? XSAN_OP_CREATE :
	       (mode & IT_IFMT) == IT_IFDIR ? XSAN_OP_MKDIR : XSAN_OP_MKNOD;
	err = it_call(c, &r, &rep);
	if (!err && out)
		*out = rep.attr[0];
	if (!err && dir_out)
		*dir_out = rep.attr[1];
	return err;
}

int it_create(struct xsan_client *c, const struct xsan_cred *cr,
	      struct xsan_fid dir, const char *name, struct xsan_attr *out)
{
	return it_mknod(c, cr, dir, name, IT_IFREG | 0644, 0, 0, out, NULL);
}

int it_mkdir(struct xsan_client *c, const struct xsan_cred *cr,
	     struct xsan_fid dir, const char *name, uint32_t perm,
	     struct xsan_attr *out)
{
	return it_mknod(c, cr, dir, name, IT_IFDIR | perm, 0, 0, out, NULL);
}

int it_symlink(struct xsan_client *c, const struct xsan_cred *cr,
	       struct xsan_fid dir, const char *name, const char *target,
	       struct xsan_attr *out)
{
	struct xsan_req r = { .op = XSAN_OP_SYMLINK, .cred = *cr, .fid = dir,
			      .name = name, .namelen = (uint32_t)strlen(name),
			      .data = target, .datalen = (uint32_t)strlen(target) };
	struct xsan_rep rep;
	int err = it_call(c, &r, &rep);

	if (!err && out)
		*out = rep.attr[0];
	return err;
}

int it_readlink(struct xsan_client *c, const struct xsan_cred *cr,
		struct xsan_fid fid, char *buf)
{
	struct xsan_req r = { .op = XSAN_OP_READLINK, .cred = *cr, .fid = fid };
	struct xsan_rep rep;
	int err = it_call(c, &r, &rep);

	buf[0] = '\0';
	if (!err) {
		ck_assert_uint_le(rep.datalen, XSAN_SYMLINK_MAX);
		memcpy(buf, rep.data, rep.datalen);
		buf[rep.datalen] = '\0';
	}
	return err;
}

int it_link(struct xsan_client *c, const struct xsan_cred *cr,
	    struct xsan_fid fid, struct xsan_fid dir, const char *name,
	    struct xsan_attr *out, struct xsan_attr *dir_out)
{
	struct xsan_req r = { .op = XSAN_OP_LINK, .cred = *cr, .fid = fid,
			      .fid2 = dir, .name = name,
			      .namelen = (uint32_t)strlen(name) };
	struct xsan_rep rep;
	int err = it_call(c, &r, &rep);

	if (!err && out)
		*out = rep.attr[0];
	if (!err && dir_out)
		*dir_out = rep.attr[1];
	return err;
}

int it_unlink(struct xsan_client *c, const struct xsan_cred *cr,
	      struct xsan_fid dir, const char *name, struct xsan_attr *victim)
{
	struct xsan_req r = { .op = XSAN_OP_UNLINK, .cred = *cr, .fid = dir,
			      .name = name, .namelen = (uint32_t)strlen(name) };
	struct xsan_rep rep;
	int err = it_call(c, &r, &rep);

	if (!err && victim)
		*victim = rep.attr[1];
	return err;
}

int it_rmdir(struct xsan_client *c, const struct xsan_cred *cr,
	     struct xsan_fid dir, const char *name, struct xsan_attr *dir_out)
{
	struct xsan_req r = { .op = XSAN_OP_RMDIR, .cred = *cr, .fid = dir,
			      .name = name, .namelen = (uint32_t)strlen(name) };
	struct xsan_rep rep;
	int err = it_call(c, &r, &rep);

	if (!err && dir_out)
		*dir_out = rep.attr[0];
	return err;
}

int it_rename(struct xsan_client *c, const struct xsan_cred *cr,
	      struct xsan_fid odir, const char *oname, struct xsan_fid ndir,
	      const char *nname, uint32_t flags, struct xsan_rep *rep)
{
	struct xsan_req r = { .op = XSAN_OP_RENAME, .cred = *cr, .fid = odir,
			      .fid2 = ndir, .flags = flags, .name = oname,
			      .namelen = (uint32_t)strlen(oname), .name2 = nname,
			      .name2len = (uint32_t)strlen(nname) };

	return it_call(c, &r, rep);
}

int it_statfs(struct xsan_client *c, struct xsan_statfs *st)
{
	struct xsan_req r = { .op = XSAN_OP_STATFS, .cred = h_root() };
	struct xsan_rep rep;
	int err = it_call(c, &r, &rep);

	if (!err)
		*st = rep.st;
	return err;
}

int it_setxattr(struct xsan_client *c, const struct xsan_cred *cr,
		struct xsan_fid fid, const char *name, const void *val,
		uint32_t vlen, uint32_t flags)
{
	struct xsan_req r = { .op = XSAN_OP_SETXATTR, .cred = *cr, .fid = fid,
			      .name = name, .namelen = (uint32_t)strlen(name),
			      .data = val, .datalen = vlen, .flags = flags };

	return it_call(c, &r, NULL);
}

static int it_xget(struct xsan_client *c, struct xsan_req *r, void *buf,
		   uint32_t *full)
{
	struct xsan_rep rep;
	int err = it_call(c, r, &rep);

	*full = 0;
	if (err)
		return err;
	*full = rep.size;
	/* A size query carries no value; otherwise all of it. */
	if (!r->size)
		ck_assert_uint_eq(rep.datalen, 0);
	else
		ck_assert_uint_eq(rep.datalen, rep.size);
	ck_assert_uint_le(rep.datalen, r->size);
	if (rep.datalen)
		memcpy(buf, rep.data, rep.datalen);
	return 0;
}

int it_getxattr(struct xsan_client *c, const struct xsan_cred *cr,
		struct xsan_fid fid, const char *name, void *buf,
		uint32_t size, uint32_t *full)
{
	struct xsan_req r = { .op = XSAN_OP_GETXATTR, .cred = *cr, .fid = fid,
			      .name = name, .namelen = (uint32_t)strlen(name),
			      .size = size };

	return it_xget(c, &r, buf, full);
}

int it_listxattr(struct xsan_client *c, const struct xsan_cred *cr,
		 struct xsan_fid fid, void *buf, uint32_t size, uint32_t *full)
{
	struct xsan_req r = { .op = XSAN_OP_LISTXATTR, .cred = *cr, .fid = fid,
			      .size = size };

	return it_xget(c, &r, buf, full);
}

int it_removexattr(struct xsan_client *c, const struct xsan_cred *cr,
		   struct xsan_fid fid, const char *name)
{
	struct xsan_req r = { .op = XSAN_OP_REMOVEXATTR, .cred = *cr, .fid = fid,
			      .name = name, .namelen = (uint32_t)strlen(name) };

	return it_call(c, &r, NULL);
}

size_t it_frame(uint8_t *buf, uint16_t op, uint64_t xid, const void *payload,
		uint32_t len)
{
	struct xsan_hdr h = { .version = XSAN_PROTO_VERSION, .opcode = op,
			      .len = len, .xid = xid };

	if (len && payload != buf + XSAN_HDR_SIZE)
		memmove(buf + XSAN_HDR_SIZE, payload, len);
	xsan_frame_seal(buf, &h);
	return XSAN_HDR_SIZE + len;
}

size_t it_frame_req(uint8_t *buf, const struct xsan_req *r, uint64_t xid)
{
	struct xsan_put w;
	int err;

	xsan_put_init(&w, buf + XSAN_HDR_SIZE, XSAN_PAYLOAD_MAX);
	err = xsan_req_encode(&w, r);
	ck_assert_msg(!err, "encode %s: %s", xsan_op_name(r->op), strerror(-err));
	return it_frame(buf, r->op, xid, buf + XSAN_HDR_SIZE, w.len);
}

void it_recv_status(struct xsan_client *c, uint64_t xid, int status)
{
	struct xsan_rep rep;
	uint64_t rxid = 0;
	int st = -1, err;

	err = xsan_client_recv(c, &rxid, &st, &rep);
	ck_assert_msg(!err, "recv: %s", c->err);
	ck_assert_uint_eq(rxid, xid);
	ck_assert_msg(st == status, "xid %llu: status %d (%s), want %d (%s)",
		      (unsigned long long)xid, st, strerror(st), status,
		      strerror(status));
}

int main(int argc, char *argv[])
{
	const char *prefix = argc > 1 ? argv[1] : "mdc";
	TestResult **results;
	SRunner *sr;
	int i, n, failed;

	signal(SIGPIPE, SIG_IGN);
	sr = srunner_create(it_ns_suite());
	srunner_add_suite(sr, it_err_suite());
	srunner_add_suite(sr, it_wire_suite());
	srunner_add_suite(sr, it_sess_suite());
	/* Isolation is the point; do not let CK_FORK=no take it away. */
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
			fprintf(stderr, "  %s.%s: %s:%d: %s\n", prefix, tr_tcname(r),
				tr_lfile(r), tr_lno(r), tr_msg(r));
		}
		fflush(stdout);
	}
	free(results);
	srunner_free(sr);
	return failed || n == 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
