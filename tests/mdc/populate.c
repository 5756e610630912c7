// SPDX-License-Identifier: GPL-2.0
/*
 * A helper of the QEMU bed (the hostprep= of tests/qemu/bigdir.sh), not a
 * test by itself: fills a directory of a running xsanmdc over the
 * protocol, much faster than a guest can under TCG.
 *
 * usage: populate HOST PORT VOLUME SECRETFILE DIRNAME N
 *
 * Makes DIRNAME in the volume's root and N empty files in it named
 * "entry-with-a-rather-long-name-NNNNNN" (zero-padded to 6 digits, so the
 * order made is the C-locale sort order), CREATEs kept 64 in flight.
 * Then prints, one "KEY VALUE" line each (the bed publishes them to the
 * guests, bed_get KEY):
 *   populate-count N+2       entries `ls -f` lists (with . and ..)
 *   populate-sha256 HEX      SHA-256 of that list sorted in the C locale,
 *                            one name per line ("." and ".." included)
 *   populate-rate OPS/S      CREATEs per second (information)
 * Exit 0, or 1 with a sentence on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/evp.h>

#include "client.h"

#define WINDOW		64
#define N_MAX		1000000u
#define NAME_FMT	"entry-with-a-rather-long-name-%06u"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int die(const char *what, const struct xsan_client *c)
{
	fprintf(stderr, "populate: %s: %s\n", what, c ? c->err : "");
	return 1;
}

int main(int argc, char **argv)
{
	struct xsan_client c = { .fd = -1 };
	struct xsan_req r = { 0 };
	struct xsan_secret sec;
	struct xsan_fid dir;
	struct xsan_rep rep;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen, n, sent = 0, done = 0, out = 0;
	char err[256], name[64];
	EVP_MD_CTX *ctx;
	double t0, t1;
	uint64_t xid;
	int status;

	if (argc != 7) {
		fprintf(stderr, "usage: populate HOST PORT VOLUME SECRETFILE DIRNAME N\n");
		return 2;
	}
	n = (unsigned int)strtoul(argv[6], NULL, 10);
	if (!n || n > N_MAX || strlen(argv[5]) > XSAN_NAME_MAX) {
		fprintf(stderr, "populate: N must be 1 to %u, DIRNAME short\n", N_MAX);
		return 2;
	}
	if (xsan_secret_load(argv[4], &sec, err, sizeof(err))) {
		fprintf(stderr, "populate: %s\n", err);
		return 1;
	}
	if (xsan_client_init(&c, 30000) ||
	    xsan_client_connect(&c, argv[1], atoi(argv[2])) ||
	    xsan_client_login(&c, argv[3], &sec, "populate"))
		return die("login", &c);
	xsan_secret_wipe(&sec);

	r.op = XSAN_OP_MKDIR;
	r.cred.caps = XSAN_CAP_ALL;
	r.fid = (struct xsan_fid){ 1, 1 }	/* the root */;
	r.name = argv[5];
	r.namelen = (uint32_t)strlen(argv[5]);
	r.mode = S_IFDIR | 0755;
	if (xsan_client_call(&c, &r, &rep) || rep.nattr < 1)
		return die("MKDIR", &c);
	dir = (struct xsan_fid){ rep.attr[0].ino, rep.attr[0].gen };

	t0 = now_s();
	while (done < n) {
		while (out < WINDOW && sent < n) {
			r = (struct xsan_req){ .op = XSAN_OP_CREATE, .fid = dir,
					       .mode = S_IFREG | 0644 };
			r.cred.caps = XSAN_CAP_ALL;
			snprintf(name, sizeof(name), NAME_FMT, sent);
			r.name = name;
			r.namelen = (uint32_t)strlen(name);
			if (xsan_client_send(&c, &r, &xid))
				return die("CREATE", &c);
			sent++;
			out++;
		}
		if (xsan_client_recv(&c, &xid, &status, &rep))
			return die("CREATE reply", &c);
		if (status) {
			fprintf(stderr, "populate: CREATE xid %llu: %s\n",
				(unsigned long long)xid, strerror(status));
			return 1;
		}
		out--;
		done++;
	}
	t1 = now_s();
	r = (struct xsan_req){ .op = XSAN_OP_GOODBYE };
	if (xsan_client_call(&c, &r, &rep))
		fprintf(stderr, "populate: GOODBYE: %s\n", c.err);
	xsan_client_close(&c);

	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		return die("sha256", NULL);
	EVP_DigestUpdate(ctx, ".\n..\n", 5);
	for (unsigned int i = 0; i < n; i++) {
		int len = snprintf(name, sizeof(name), NAME_FMT "\n", i);

		EVP_DigestUpdate(ctx, name, (size_t)len);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	printf("populate-count %u\n", n + 2);
	printf("populate-sha256 ");
	for (unsigned int i = 0; i < mdlen; i++)
		printf("%02x", md[i]);
	printf("\npopulate-rate %.0f\n", n / (t1 - t0 > 0 ? t1 - t0 : 1e-9));
	fprintf(stderr, "populate: %u CREATEs in %s/%s in %.1f s\n", n,
		argv[3], argv[5], t1 - t0);
	return 0;
}
