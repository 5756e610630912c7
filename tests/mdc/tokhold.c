// SPDX-License-Identifier: GPL-2.0
/*
 * A helper of cli_tokens.sh, not a test by itself: two simulated clients
 * that leave a known state in xsanmdc's token table for `xsanadmin -e
 * tokens` to show, then wait (at most 60 s) until their stdin closes.
 *
 * usage: tokhold HOST PORT VOLUME SECRETFILE
 *
 * holderA takes ATTR_RD|DIR on the root, creates "f" and takes DATA_WR
 * on it, and never answers a REVOKE. holderB asks for DATA_RD on "f"
 * (parked) and then creates "g" in the root (parked behind the revoke of
 * holderA's DIR). Prints "ready ROOT F" (inode numbers) when all that is
 * in place. When stdin closes, both say GOODBYE.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

static int die(const char *what, const struct xsan_client *c)
{
	fprintf(stderr, "tokhold: %s: %s\n", what, c ? c->err : "");
	return 1;
}

static int login(struct xsan_client *c, const char *host, int port,
		 const char *vol, const struct xsan_secret *sec, const char *me)
{
	if (xsan_client_init(c, 10000) || xsan_client_connect(c, host, port) ||
	    xsan_client_login(c, vol, sec, me))
		return -1;
	return 0;
}

/* Wait up to 5 s for a REVOKE on @c (it is never answered). */
static int revoked(struct xsan_client *c)
{
	struct xsan_cb cb;

	return xsan_client_cb_wait(c, &cb, 5000) == 1 &&
	       cb.r.op == XSAN_OP_REVOKE ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct xsan_client a = { .fd = -1 }, b = { .fd = -1 };
	struct xsan_req r = { .op = XSAN_OP_TOKEN_GET, .fid = { 1, 1 } };
	struct pollfd p = { .fd = 0, .events = POLLIN };
	struct xsan_secret sec;
	struct xsan_fid f;
	struct xsan_rep rep;
	char err[256], buf[64];
	uint64_t xid;

	if (argc != 5) {
		fprintf(stderr, "usage: tokhold HOST PORT VOLUME SECRETFILE\n");
		return 2;
	}
	if (xsan_secret_load(argv[4], &sec, err, sizeof(err))) {
		fprintf(stderr, "tokhold: %s\n", err);
		return 1;
	}
	if (login(&a, argv[1], atoi(argv[2]), argv[3], &sec, "holderA"))
		return die("login holderA", &a);
	if (login(&b, argv[1], atoi(argv[2]), argv[3], &sec, "holderB"))
		return die("login holderB", &b);
	r.tok.types = XSAN_TOK_ATTR_RD | XSAN_TOK_DIR;
	if (xsan_client_call(&a, &r, &rep))
		return die("TOKEN_GET root", &a);
	r = (struct xsan_req){ .op = XSAN_OP_CREATE, .fid = { 1, 1 },
			       .mode = 0100644, .name = "f", .namelen = 1 };
	r.cred.caps = XSAN_CAP_ALL;
	if (xsan_client_call(&a, &r, &rep))
		return die("CREATE f", &a);
	f = (struct xsan_fid){ rep.attr[0].ino, rep.attr[0].gen };
	r = (struct xsan_req){ .op = XSAN_OP_TOKEN_GET, .fid = f };
	r.tok.types = XSAN_TOK_DATA_WR;
	if (xsan_client_call(&a, &r, &rep))
		return die("TOKEN_GET f", &a);
	/* B: a TOKEN_GET that waits for A's DATA_WR ... */
	r.tok.types = XSAN_TOK_DATA_RD;
	if (xsan_client_send(&b, &r, &xid) || revoked(&a))
		return die("parked TOKEN_GET", &b);
	/* ... and a CREATE that waits for A's DIR on the root */
	r = (struct xsan_req){ .op = XSAN_OP_CREATE, .fid = { 1, 1 },
			       .mode = 0100644, .name = "g", .namelen = 1 };
	r.cred.caps = XSAN_CAP_ALL;
	if (xsan_client_send(&b, &r, &xid) || revoked(&a))
		return die("parked CREATE", &b);
	printf("ready %llu %llu\n", 1ull, (unsigned long long)f.ino);
	fflush(stdout);
	if (poll(&p, 1, 60000) == 1)
		(void)!read(0, buf, sizeof(buf));
	/* end both sessions, so their tokens go at once (not at lease end) */
	r = (struct xsan_req){ .op = XSAN_OP_GOODBYE };
	if (xsan_client_call(&b, &r, &rep) || xsan_client_call(&a, &r, &rep))
		fprintf(stderr, "tokhold: GOODBYE: %s%s\n", b.err, a.err);
	xsan_client_close(&a);
	xsan_client_close(&b);
	xsan_secret_wipe(&sec);
	return 0;
}
