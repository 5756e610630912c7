// SPDX-License-Identifier: GPL-2.0
/*
 * Revoke round-trip latency of xsanmdc (`make bench-mdc`): N client
 * processes (default 16), in pairs; the two clients of a pair take the
 * DATA_WR token of their own file in turn. Every TOKEN_GET therefore
 * costs exactly one revoke: request -> REVOKE to the partner -> its
 * TOKEN_PUT -> grant. The latency printed is that whole round trip as the
 * requester sees it (p50, p99), with all pairs running at once against
 * one MDC. Figures, not pass/fail.
 *
 * The clients run on the same machine as the MDC and take CPU from it.
 *
 * Environment: BENCH_SECONDS (default 3), BENCH_TOKEN_CLIENTS (even,
 * default 16, at most 64), BENCH_COMMIT (printed), XSANMDC.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define MAX_CLIENTS	64
#define MAX_SAMPLES	(1u << 18)	/* per client */

struct shared {
	int ready;
	long long go_us, end_us;
	struct xsan_fid files[MAX_CLIENTS / 2];
	uint32_t n[MAX_CLIENTS];
	int err[MAX_CLIENTS];
	uint32_t us[MAX_CLIENTS][MAX_SAMPLES];	/* latencies */
};

static struct shared *sh;

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int client(struct mdc_h *h, int idx)
{
	struct xsan_req get = { .op = XSAN_OP_TOKEN_GET };
	struct xsan_req put = { .op = XSAN_OP_TOKEN_PUT };
	struct xsan_client c;
	struct xsan_rep rep;
	struct xsan_cb cb;
	long long t0;
	int err, got;

	err = h_login(h, &c);
	if (err)
		return -err;
	get.cred = h_root();
	get.fid = sh->files[idx / 2];
	get.tok.types = XSAN_TOK_DATA_WR;
	put.fid = get.fid;
	put.tok.types = XSAN_TOK_DATA_WR;
	__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&sh->go_us, __ATOMIC_SEQ_CST))
		usleep(1000);
	while (now_us() < sh->end_us) {
		t0 = now_us();
		err = xsan_client_call(&c, &get, &rep);
		if (err)
			break;
		if (sh->n[idx] < MAX_SAMPLES)
			sh->us[idx][sh->n[idx]++] = (uint32_t)(now_us() - t0);
		/* Hold it until the partner wants it; then give it at once. */
		got = xsan_client_cb_wait(&c, &cb, 2000);
		if (got < 0) {
			err = got;
			break;
		}
		if (!got)
			break;	/* the partner stopped */
		put.tok.revoke = cb.r.tok.revoke;
		err = xsan_client_call(&c, &put, &rep);
		if (err)
			break;
	}
	xsan_client_close(&c);
	return err < 0 ? -err : 0;
}

int main(void)
{
	const char *e = getenv("BENCH_SECONDS");
	int secs = e ? atoi(e) : 3, nc, i, st, failed = 0;
	struct xsan_req cr = { .op = XSAN_OP_CREATE, .fid = { 1, 1 },
			       .mode = 0100644 };
	pid_t kids[MAX_CLIENTS];
	struct xsan_client c;
	struct xsan_rep rep;
	struct mdc_h h;
	uint32_t *all;
	size_t total = 0, k;
	char name[16];

	e = getenv("BENCH_TOKEN_CLIENTS");
	nc = e ? atoi(e) : 16;
	if (nc < 2 || nc > MAX_CLIENTS || nc % 2 || secs < 1) {
		fprintf(stderr, "BENCH_TOKEN_CLIENTS: an even number 2..64\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	if (h_setup(&h) || h_start(&h) || h_login(&h, &c)) {
		fprintf(stderr, "cannot start the MDC:\n%s\n", h_log(&h));
		h_cleanup(&h);
		return 1;
	}
	cr.cred = h_root();
	for (i = 0; i < nc / 2; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		cr.name = name;
		cr.namelen = (uint32_t)strlen(name);
		if (xsan_client_call(&c, &cr, &rep)) {
			fprintf(stderr, "create: %s\n", c.err);
			h_cleanup(&h);
			return 1;
		}
		sh->files[i].ino = rep.attr[0].ino;
		sh->files[i].gen = rep.attr[0].gen;
	}
	xsan_client_close(&c);
	for (i = 0; i < nc; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(client(&h, i));
	}
	for (i = 0; i < 2000 && __atomic_load_n(&sh->ready, __ATOMIC_SEQ_CST) < nc; i++)
		usleep(5000);
	sh->end_us = now_us() + secs * 1000000LL;
	__atomic_store_n(&sh->go_us, now_us(), __ATOMIC_SEQ_CST);
	for (i = 0; i < nc; i++) {
		if (waitpid(kids[i], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st)) {
			fprintf(stderr, "client %d failed (status %#x)\n", i, st);
			failed++;
		}
	}
	h_stop(&h, SIGTERM);
	h_cleanup(&h);

	all = malloc(sizeof(*all) * (size_t)nc * MAX_SAMPLES);
	if (!all)
		return 1;
	for (i = 0; i < nc; i++) {
		/* Each client's first grant may have cost no revoke. */
		for (k = 1; k < sh->n[i]; k++)
			all[total++] = sh->us[i][k];
	}
	qsort(all, total, sizeof(*all), cmp_u32);
	e = getenv("BENCH_COMMIT");
	printf("revoke round trip (TOKEN_GET -> REVOKE -> TOKEN_PUT -> grant)%s%s\n",
	       e ? ", commit " : "", e ? e : "");
	printf("  clients %d (%d pairs), %d s: %zu grants, %.0f/s\n", nc, nc / 2,
	       secs, total, (double)total / secs);
	if (total)
		printf("  latency p50 %u us, p99 %u us, max %u us\n",
		       all[total / 2], all[total * 99 / 100], all[total - 1]);
	free(all);
	return failed ? 1 : 0;
}
