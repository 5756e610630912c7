// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions, the name service, the admin queries and durability against a
 * live xsanmdc: leases that run out, GOODBYE, what `xsanadmin who/stat/
 * show` print, a create that survives kill -9, and group commit (many
 * clients' requests sharing one transaction and one sync).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"

/* ADMIN_WHO entries into @w (at most @max); returns the count. */
static unsigned int who(struct xsan_client *c, struct xsan_who *w,
			unsigned int max)
{
	struct xsan_req r = { .op = XSAN_OP_ADMIN_WHO };
	struct xsan_rep rep;
	struct xsan_cur cur;
	unsigned int i;

	ck_assert_msg(!it_call(c, &r, &rep), "ADMIN_WHO: %s", c->err);
	ck_assert_uint_le(rep.count, max);
	xsan_cur_init(&cur, rep.data, rep.datalen);
	for (i = 0; i < rep.count; i++)
		ck_assert_int_eq(xsan_who_next(&cur, &w[i]), 0);
	return rep.count;
}

/* The WHO entry of session @id, or NULL. */
static const struct xsan_who *who_find(const struct xsan_who *w,
				       unsigned int n, uint64_t id)
{
	for (unsigned int i = 0; i < n; i++)
		if (w[i].session == id)
			return &w[i];
	return NULL;
}

static int heartbeat(struct xsan_client *c, uint32_t *lease_ms)
{
	struct xsan_req r = { .op = XSAN_OP_HEARTBEAT };
	struct xsan_rep rep;
	int err = it_call(c, &r, &rep);

	if (!err && lease_ms)
		*lease_ms = rep.lease_ms;
	return err;
}

START_TEST(sess_heartbeat_renews)
{
	const struct xsan_who *e;
	struct xsan_who w[8];
	uint32_t lease = 0, age;
	unsigned int n;
	struct it t;

	it_begin(&t);
	ck_assert_uint_eq(t.c.lease_ms, 20000);
	ck_assert_uint_eq(t.c.grace_ms, 10000);
	usleep(400000);
	n = who(&t.c, w, 8);
	e = who_find(w, n, t.c.session);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_ge(e->lease_age_ms, 390);
	age = e->lease_age_ms;
	ck_assert_int_eq(heartbeat(&t.c, &lease), 0);
	ck_assert_uint_eq(lease, 20000);
	n = who(&t.c, w, 8);
	e = who_find(w, n, t.c.session);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_lt(e->lease_age_ms, age);
	it_end(&t);
}
END_TEST

START_TEST(sess_lease_expiry)
{
	struct xsan_client silent, beat;
	struct xsan_who w[8];
	char peer[64];
	long long t0, t1, end;
	unsigned int n;
	struct it t;

	it_setup(&t);
	t.h.lease_s = 1;
	t.h.grace_s = 1;
	it_start(&t);
	it_client(&t, &beat, true);
	it_client(&t, &silent, true);
	t0 = it_now_ms();
	it_peer(&silent, peer);
	ck_assert_uint_eq(beat.lease_ms, 1000);
	/* The one heartbeats at a quarter of the lease; the other is silent. */
	end = t0 + it_ms(10000);
	while (it_log_lines(&t.h, "lease expired", NULL) == 0 && it_now_ms() < end) {
		ck_assert_msg(!heartbeat(&beat, NULL), "heartbeat: %s", beat.err);
		usleep(250000);
	}
	t1 = it_now_ms();
	ck_assert_msg(it_log_lines(&t.h, "lease expired", NULL) > 0, "%s", h_log(&t.h));
	/* Lease plus grace, and not much more (the MDC ticks every 200 ms). */
	ck_assert_int_ge(t1 - t0, 2000);
	ck_assert_int_le(t1 - t0, it_ms(4000));
	/* Only the silent one went: its session, its connection. */
	ck_assert_int_eq(it_log_lines(&t.h, "lease expired", "session dropped"), 1);
	ck_assert_int_eq(it_log_lines(&t.h, peer, "lease expired"), 2);
	ck_assert(it_wait_closed(&silent, it_ms(5000)));
	n = who(&beat, w, 8);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(w[0].session, beat.session);
	ck_assert_ptr_null(who_find(w, n, silent.session));
	/* The survivor keeps working past another lease period. */
	for (int i = 0; i < 8; i++) {
		ck_assert_int_eq(heartbeat(&beat, NULL), 0);
		usleep(250000);
	}
	ck_assert_int_eq(it_getattr(&beat, it_root, NULL), 0);
	ck_assert_int_eq(it_log_lines(&t.h, "lease expired", "session dropped"), 1);
	xsan_client_close(&silent);
	xsan_client_close(&beat);
	it_end(&t);
}
END_TEST

/*
 * The MDC itself stops (SIGSTOP, a paused VM) for 6 s, longer than lease +
 * grace (2 + 2 s): its clients could not renew meanwhile, so none is dropped for
 * it. Both clients heartbeat into the stopped daemon; after SIGCONT both
 * are answered, no lease expires, and the daemon says it stalled. Before:
 * every session was dropped at once ("lease expired").
 */
START_TEST(sess_mdc_stall)
{
	struct xsan_client a, b;
	struct xsan_req hb = { .op = XSAN_OP_HEARTBEAT };
	struct xsan_rep rep;
	uint64_t xa, xb, rx;
	struct it t;
	int st;

	it_setup(&t);
	t.h.lease_s = 2;
	t.h.grace_s = 2;
	it_start(&t);
	it_client(&t, &a, true);
	it_client(&t, &b, true);
	ck_assert_int_eq(heartbeat(&a, NULL), 0);
	ck_assert_int_eq(heartbeat(&b, NULL), 0);
	ck_assert_int_eq(kill(t.h.pid, SIGSTOP), 0);
	usleep(6000000);
	/* queued while it does not run */
	ck_assert_int_eq(xsan_client_send(&a, &hb, &xa), 0);
	ck_assert_int_eq(xsan_client_send(&b, &hb, &xb), 0);
	usleep(200000);
	ck_assert_int_eq(kill(t.h.pid, SIGCONT), 0);
	ck_assert_msg(xsan_client_recv(&a, &rx, &st, &rep) == 0, "A: %s", a.err);
	ck_assert_uint_eq(rx, xa);
	ck_assert_int_eq(st, 0);
	ck_assert_msg(xsan_client_recv(&b, &rx, &st, &rep) == 0, "B: %s", b.err);
	ck_assert_uint_eq(rx, xb);
	ck_assert_int_eq(st, 0);
	usleep(600000);
	ck_assert_int_eq(heartbeat(&a, NULL), 0);
	ck_assert_int_eq(heartbeat(&b, NULL), 0);
	ck_assert_msg(it_log_lines(&t.h, "lease expired", NULL) == 0, "%s", h_log(&t.h));
	ck_assert_int_ge(it_log_lines(&t.h, "did not run for", NULL), 1);
	xsan_client_close(&a);
	xsan_client_close(&b);
	it_end(&t);
}
END_TEST

START_TEST(sess_goodbye)
{
	struct xsan_req bye = { .op = XSAN_OP_GOODBYE };
	struct xsan_client c;
	struct xsan_who w[8];
	struct xsan_rep rep;
	unsigned int n;
	struct it t;

	it_begin(&t);
	it_client(&t, &c, true);
	n = who(&t.c, w, 8);
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_nonnull(who_find(w, n, c.session));
	ck_assert_int_eq(it_call(&c, &bye, &rep), 0);
	ck_assert(it_wait_closed(&c, it_ms(5000)));
	n = who(&t.c, w, 8);
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_null(who_find(w, n, c.session));
	ck_assert_int_eq(it_log_lines(&t.h, "said goodbye", NULL), 1);
	xsan_client_close(&c);
	it_end(&t);
}
END_TEST

/* Lost sessions of a closed connection stay until the lease runs out. */
START_TEST(sess_kept_after_disconnect)
{
	struct xsan_client c;
	struct xsan_who w[8];
	unsigned int n;
	uint64_t id;
	struct it t;

	it_begin(&t);
	it_client(&t, &c, true);
	id = c.session;
	xsan_client_close(&c);
	ck_assert(h_log_wait(&t.h, "kept until its lease expires", it_ms(5000)));
	n = who(&t.c, w, 8);
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_nonnull(who_find(w, n, id));
	it_end(&t);
}
END_TEST

static int ns_call(struct xsan_client *c, struct xsan_req *r, struct xsan_rep *rep)
{
	return xsan_client_call(c, r, rep);
}

START_TEST(ns_service)
{
	struct xsan_client ns;
	struct xsan_rep rep;
	struct xsan_ns_vol v;
	struct xsan_cur cur;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(xsan_client_init(&ns, it_ms(10000)), 0);
	ck_assert_int_eq(xsan_client_connect(&ns, "127.0.0.1", t.h.ns_port), 0);
	{
		struct xsan_req r = { .op = XSAN_OP_NS_LIST };

		ck_assert_int_eq(ns_call(&ns, &r, &rep), 0);
		ck_assert_uint_eq(rep.count, 1);
		xsan_cur_init(&cur, rep.data, rep.datalen);
		ck_assert_int_eq(xsan_ns_vol_next(&cur, &v), 0);
		ck_assert_uint_eq(v.namelen, strlen(H_VOLUME));
		ck_assert_int_eq(memcmp(v.name, H_VOLUME, v.namelen), 0);
		ck_assert_uint_eq(v.port, t.h.port);
		ck_assert_int_eq(memcmp(v.uuid, t.c.volume_uuid, XSAN_UUID_SIZE), 0);
	}
	{
		struct xsan_req r = { .op = XSAN_OP_NS_LOOKUP, .name = H_VOLUME,
				      .namelen = strlen(H_VOLUME) };

		ck_assert_int_eq(ns_call(&ns, &r, &rep), 0);
		ck_assert_uint_eq(rep.port, t.h.port);
		ck_assert_int_eq(memcmp(rep.uuid, t.c.volume_uuid, XSAN_UUID_SIZE), 0);
		ck_assert_uint_eq(rep.hostlen, 0);
		r.name = "other";
		r.namelen = 5;
		ck_assert_int_eq(ns_call(&ns, &r, &rep), -ENOENT);
	}
	{
		struct xsan_req r = { .op = XSAN_OP_NS_HEARTBEAT };

		ck_assert_int_eq(ns_call(&ns, &r, &rep), 0);
		ck_assert_uint_eq(rep.count, 1);
	}
	/* Each port answers its own opcodes only, and stays open. */
	{
		struct xsan_req get = { .op = XSAN_OP_GETATTR, .cred = h_root(),
					.fid = it_root };
		struct xsan_req hello = { .op = XSAN_OP_HELLO, .ver_min = 1,
					  .ver_max = 1, .name = H_VOLUME,
					  .namelen = strlen(H_VOLUME) };
		struct xsan_req adm = { .op = XSAN_OP_ADMIN_STAT };
		struct xsan_req list = { .op = XSAN_OP_NS_LIST };
		struct xsan_req lk = { .op = XSAN_OP_NS_LOOKUP, .name = H_VOLUME,
				       .namelen = strlen(H_VOLUME) };

		ck_assert_int_eq(ns_call(&ns, &get, &rep), -EOPNOTSUPP);
		ck_assert_int_eq(ns_call(&ns, &hello, &rep), -EOPNOTSUPP);
		ck_assert_int_eq(ns_call(&ns, &adm, &rep), -EOPNOTSUPP);
		ck_assert_int_eq(ns_call(&ns, &list, &rep), 0);
		ck_assert_int_eq(ns_call(&t.c, &list, &rep), -EOPNOTSUPP);
		ck_assert_int_eq(ns_call(&t.c, &lk, &rep), -EOPNOTSUPP);
		ck_assert_int_eq(it_getattr(&t.c, it_root, NULL), 0);
	}
	ck_assert_int_eq(it_log_lines(&t.h, "; connection closed", NULL), 0);
	xsan_client_close(&ns);
	it_end(&t);
}
END_TEST

START_TEST(admin_who_stat_show)
{
	struct xsan_client c2;
	struct xsan_who w[8];
	char p1[64], p2[64];
	struct xsan_rep rep;
	unsigned int n, i;
	struct it t;

	it_begin(&t);
	it_client(&t, &c2, true);
	it_peer(&t.c, p1);
	it_peer(&c2, p2);
	n = who(&t.c, w, 8);
	ck_assert_uint_eq(n, 2);
	for (i = 0; i < n; i++) {
		const char *want = w[i].session == t.c.session ? p1 : p2;
		const uint8_t *uuid = w[i].session == t.c.session ? t.c.uuid : c2.uuid;

		ck_assert(w[i].session == t.c.session || w[i].session == c2.session);
		ck_assert_uint_eq(w[i].hostlen, 8);
		ck_assert_int_eq(memcmp(w[i].host, "testhost", 8), 0);
		ck_assert_uint_eq(w[i].addrlen, strlen(want));
		ck_assert_int_eq(memcmp(w[i].addr, want, w[i].addrlen), 0);
		ck_assert_int_eq(memcmp(w[i].uuid, uuid, XSAN_UUID_SIZE), 0);
		ck_assert_uint_lt(w[i].lease_age_ms, 20000);
	}
	{
		struct xsan_req r = { .op = XSAN_OP_ADMIN_STAT };
		struct xsan_admin_stat s;
		time_t now = time(NULL);

		ck_assert_int_eq(it_create(&t.c, &(struct xsan_cred){ .caps = XSAN_CAP_ALL },
					   it_root, "f", NULL), 0);
		ck_assert_int_eq(it_call(&t.c, &r, &rep), 0);
		ck_assert_int_eq(xsan_stat_decode(rep.data, rep.datalen, &s), 0);
		ck_assert_uint_eq(s.bsize, 4096);
		ck_assert_uint_eq(s.nluns, 3);
		ck_assert_uint_eq(s.nsgs, 2);
		ck_assert_uint_eq(s.active, 2);
		ck_assert_uint_eq(s.inodes, 2);		/* root and f */
		ck_assert_uint_eq(s.blocks, 2 * H_LUN_BLOCKS);
		ck_assert_uint_le(s.bfree, s.blocks);
		ck_assert_int_le(s.created, now);
		ck_assert_int_gt(s.created, now - 600);
	}
	{
		static const struct {
			const char *name;
			uint32_t flags;
			uint64_t breadth;
			const char *labels[2];
			uint32_t nluns;
		} want[] = {
			{ "MetaFiles", XSAN_SG_METADATA | XSAN_SG_JOURNAL, 65536,
			  { "meta0" }, 1 },
			{ "DataFiles", XSAN_SG_USERDATA, 262144,
			  { "data0", "data1" }, 2 },
		};
		struct xsan_req r = { .op = XSAN_OP_ADMIN_SHOW };
		struct xsan_show_sg sg;
		struct xsan_show_lun lun;
		struct xsan_cur cur;

		ck_assert_int_eq(it_call(&t.c, &r, &rep), 0);
		ck_assert_uint_eq(rep.count, 2);
		xsan_cur_init(&cur, rep.data, rep.datalen);
		for (i = 0; i < 2; i++) {
			ck_assert_int_eq(xsan_show_sg_next(&cur, &sg), 0);
			ck_assert_uint_eq(sg.index, i);
			ck_assert_uint_eq(sg.namelen, strlen(want[i].name));
			ck_assert_int_eq(memcmp(sg.name, want[i].name, sg.namelen), 0);
			ck_assert_uint_eq(sg.flags, want[i].flags);
			ck_assert_uint_eq(sg.breadth, want[i].breadth);
			ck_assert_uint_eq(sg.nluns, want[i].nluns);
			ck_assert_uint_eq(sg.blocks, want[i].nluns * H_LUN_BLOCKS);
			for (uint32_t j = 0; j < sg.nluns; j++) {
				ck_assert_int_eq(xsan_show_lun_next(&cur, &lun), 0);
				ck_assert_uint_eq(lun.sectors, 131072);
				ck_assert_uint_eq(lun.sector_size, 512);
				ck_assert_uint_eq(lun.labellen, strlen(want[i].labels[j]));
				ck_assert_int_eq(memcmp(lun.label, want[i].labels[j],
							lun.labellen), 0);
			}
		}
		ck_assert_uint_eq(cur.left, 0);
	}
	xsan_client_close(&c2);
	it_end(&t);
}
END_TEST

START_TEST(durable_after_sigkill)
{
	struct xsan_cred cr = h_root();
	struct xsan_attr f, a;
	int port, nsport, st;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_create(&t.c, &cr, it_root, "durable", &f), 0);
	ck_assert_int_eq(it_mkdir(&t.c, &cr, it_root, "dir", 0700, NULL), 0);
	ck_assert_int_eq(it_setxattr(&t.c, &cr, it_fid(&f), "user.k", "v", 1, 0), 0);
	/* Acknowledged, then the MDC dies without any chance to flush. */
	port = t.h.port;
	nsport = t.h.ns_port;
	st = h_stop(&t.h, SIGKILL);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	xsan_client_close(&t.c);

	it_start(&t);
	ck_assert_int_eq(t.h.port, port);
	ck_assert_int_eq(t.h.ns_port, nsport);
	ck_assert_msg(!h_login(&t.h, &t.c), "login: %s", t.c.err);
	ck_assert_int_eq(it_lookup(&t.c, &cr, it_root, "durable", &a), 0);
	ck_assert_uint_eq(a.ino, f.ino);
	ck_assert_uint_eq(a.gen, f.gen);
	ck_assert_int_eq(it_lookup(&t.c, &cr, it_root, "dir", &a), 0);
	ck_assert_uint_eq(a.mode, IT_IFDIR | 0700);
	{
		char buf[8];
		uint32_t full;

		ck_assert_int_eq(it_getxattr(&t.c, &cr, it_fid(&f), "user.k", buf, 8,
					     &full), 0);
		ck_assert_uint_eq(full, 1);
	}
	it_end(&t);
}
END_TEST

START_TEST(group_commit_8_clients)
{
	enum { NC = 8, NR = 200 };
	static struct xsan_client c[NC];
	unsigned long long reqs = 0, commits = 0;
	struct xsan_attr d;
	struct xsan_rep rep;
	uint64_t xid, rxid;
	const char *p, *log;
	char name[32];
	int i, j, st;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_mkdir(&t.c, &(struct xsan_cred){ .caps = XSAN_CAP_ALL },
				  it_root, "gc", 0755, &d), 0);
	for (i = 0; i < NC; i++)
		it_client(&t, &c[i], true);
	/* Everyone sends everything, interleaved, before anyone reads. */
	for (j = 0; j < NR; j++) {
		for (i = 0; i < NC; i++) {
			struct xsan_req r = { .op = XSAN_OP_CREATE, .cred = h_root(),
					      .fid = it_fid(&d),
					      .mode = IT_IFREG | 0644 };

			snprintf(name, sizeof(name), "c%d-%d", i, j);
			r.name = name;
			r.namelen = (uint32_t)strlen(name);
			ck_assert_int_eq(xsan_client_send(&c[i], &r, &xid), 0);
		}
	}
	for (i = 0; i < NC; i++) {
		for (j = 0; j < NR; j++) {
			ck_assert_msg(!xsan_client_recv(&c[i], &rxid, &st, &rep),
				      "client %d reply %d: %s", i, j, c[i].err);
			ck_assert_int_eq(st, 0);
			ck_assert_uint_eq(rep.op, XSAN_OP_CREATE);
		}
		xsan_client_close(&c[i]);
	}
	{
		struct xsan_req r = { .op = XSAN_OP_ADMIN_STAT };
		struct xsan_admin_stat s;

		ck_assert_int_eq(it_call(&t.c, &r, &rep), 0);
		ck_assert_int_eq(xsan_stat_decode(rep.data, rep.datalen, &s), 0);
		ck_assert_uint_eq(s.inodes, 2 + NC * NR);
	}
	xsan_client_close(&t.c);
	it_stop_clean(&t.h);
	log = h_log(&t.h);
	p = strstr(log, "requests in ");
	ck_assert_msg(p, "no commit statistics in the log:\n%s", log);
	while (p > log && p[-1] != ':')
		p--;
	ck_assert_int_eq(sscanf(p, " %llu requests in %llu commits", &reqs, &commits), 2);
	ck_assert_uint_ge(reqs, NC * NR + 1);
	ck_assert_msg(commits < reqs, "%llu requests in %llu commits", reqs, commits);
	h_cleanup(&t.h);
}
END_TEST

/* A disconnected client's session goes when its lease and grace run out. */
START_TEST(sess_disconnected_expires)
{
	struct xsan_client c;
	struct xsan_who w[8];
	long long end;
	uint64_t id;
	struct it t;

	it_setup(&t);
	t.h.lease_s = 1;
	t.h.grace_s = 1;
	it_start(&t);
	ck_assert_msg(!h_login(&t.h, &t.c), "%s", t.c.err);
	it_client(&t, &c, true);
	id = c.session;
	xsan_client_close(&c);
	ck_assert_ptr_nonnull(who_find(w, who(&t.c, w, 8), id));
	end = it_now_ms() + it_ms(10000);
	while (!it_log_lines(&t.h, "lease expired", NULL) && it_now_ms() < end) {
		ck_assert_int_eq(heartbeat(&t.c, NULL), 0);
		usleep(250000);
	}
	ck_assert_int_eq(it_log_lines(&t.h, "lease expired", "session dropped"), 1);
	ck_assert_ptr_null(who_find(w, who(&t.c, w, 8), id));
	it_end(&t);
}
END_TEST

/*
 * SIGTERM while a client has hundreds of requests in flight: the daemon
 * still exits 0 (no leak of queued requests or buffered replies), and
 * every create it acknowledged is there after a restart.
 */
START_TEST(shutdown_under_load)
{
	enum { N = 500 };
	static unsigned char acked[N];
	struct xsan_cred cr = h_root();
	struct xsan_rep rep;
	uint64_t xid, first = 0, rxid;
	unsigned int i, nacked = 0;
	char name[32];
	int st;
	struct it t;

	it_begin(&t);
	for (i = 0; i < N; i++) {
		struct xsan_req r = { .op = XSAN_OP_CREATE, .cred = cr,
				      .fid = it_root, .mode = IT_IFREG | 0644 };

		snprintf(name, sizeof(name), "s%u", i);
		r.name = name;
		r.namelen = (uint32_t)strlen(name);
		ck_assert_int_eq(xsan_client_send(&t.c, &r, &xid), 0);
		if (!i)
			first = xid;
	}
	ck_assert_int_eq(xsan_client_recv(&t.c, &rxid, &st, &rep), 0);
	ck_assert_int_eq(st, 0);
	acked[rxid - first] = 1;
	it_stop_clean(&t.h);
	/* What was answered before the close was committed first. */
	while (!xsan_client_recv(&t.c, &rxid, &st, &rep)) {
		ck_assert_uint_lt(rxid - first, N);
		if (!st)
			acked[rxid - first] = 1;
	}
	xsan_client_close(&t.c);
	it_start(&t);
	ck_assert_msg(!h_login(&t.h, &t.c), "%s", t.c.err);
	for (i = 0; i < N; i++) {
		if (!acked[i])
			continue;
		nacked++;
		snprintf(name, sizeof(name), "s%u", i);
		ck_assert_msg(!it_lookup(&t.c, &cr, it_root, name, NULL),
			      "%s was acknowledged but is gone", name);
	}
	ck_assert_uint_ge(nacked, 1);
	it_end(&t);
}
END_TEST

/*
 * DISK_TABLE: any authenticated session gets the volume uuid it logged in
 * to, the block size, and the stripe groups and LUN table (none: the
 * harness formats without LUNs;
 * cli_mdc.sh admin_disks checks a volume made by mkfs.xsanfs); before
 * AUTH it is refused like every other request.
 */
START_TEST(disk_table)
{
	struct xsan_req r = { .op = XSAN_OP_DISK_TABLE };
	struct xsan_client c2;
	struct xsan_rep rep;
	struct it t;

	it_begin(&t);
	ck_assert_int_eq(it_call(&t.c, &r, &rep), 0);
	ck_assert_uint_eq(rep.count, 0);
	ck_assert_uint_eq(rep.datalen, 0);
	/* no LUN table: no stripe group a client could map to either */
	ck_assert_uint_eq(rep.disk.nsg, 0);
	ck_assert_uint_ge(rep.disk.bsize, XSAN_DISK_BSIZE_MIN);
	ck_assert_uint_le(rep.disk.bsize, XSAN_DISK_BSIZE_MAX);
	ck_assert_int_eq(memcmp(rep.uuid, t.c.volume_uuid, XSAN_UUID_SIZE), 0);
	it_client(&t, &c2, false);
	ck_assert_int_eq(it_call(&c2, &r, &rep), -EACCES);
	xsan_client_close(&c2);
	it_end(&t);
}
END_TEST

Suite *it_sess_suite(void)
{
	Suite *s = suite_create("sess");

	IT_ADD(s, sess_heartbeat_renews);
	IT_ADD(s, sess_lease_expiry);
	IT_ADD(s, sess_mdc_stall);
	IT_ADD(s, sess_goodbye);
	IT_ADD(s, sess_kept_after_disconnect);
	IT_ADD(s, sess_disconnected_expires);
	IT_ADD(s, shutdown_under_load);
	IT_ADD(s, ns_service);
	IT_ADD(s, admin_who_stat_show);
	IT_ADD(s, disk_table);
	IT_ADD(s, durable_after_sigkill);
	IT_ADD(s, group_commit_8_clients);
	return s;
}
