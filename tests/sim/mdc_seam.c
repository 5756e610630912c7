// SPDX-License-Identifier: GPL-2.0
/*
 * The seam between the MDC's real token and session code and the
 * simulation, by link-time substitution: this file defines the functions
 * tools/mdc/token.c and session.c call that would touch a socket, the
 * clock, the log or the LMDB store, and nothing else of tools/mdc is
 * linked. tools/mdc is not changed.
 *
 * - conn.c: a reply or callback is appended to the connection's
 *   MDC -> client FIFO; a close ends the MDC's side of the channel (the
 *   client reads a FIN after what was queued before it), and does what
 *   conn.c does for the token table and the session.
 * - log.c: mdc_now_ms() is the virtual clock; log lines at NOTICE or
 *   above go into the trace.
 * - the store: every fid exists (mode 0100644); sessions are not
 *   persisted; no namespace request is ever queued (ops.c's mdc_queue()
 *   is never reached by the token requests the clients send).
 * - lib/auth.c: never reached (the harness makes sessions itself, as
 *   AUTH would: sim.c, sim_auth()).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "auth.h"
#include "xsanfs/disk.h"

long long mdc_now_ms(void)
{
	return sim_now;
}

void mdc_wallclock(struct xsan_time *t)
{
	t->sec = sim_now / 1000;
	t->nsec = (uint32_t)(sim_now % 1000) * 1000000u;
}

void mdc_log(int prio, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (prio > LOG_NOTICE)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sim_mdc_logged(buf);
	sim_trace("mdc log: %s", buf);
}

/* ---- conn.c ---- */

static void frame_to_client(struct mdc_conn *c, const struct xsan_hdr *h,
			    const void *payload)
{
	struct sim_mconn *mc = (struct sim_mconn *)c;

	if (c->dead || !mc->ch->cl_open)
		return;	/* nobody reads it any more */
	sim_fifo_push(&mc->ch->m2c, h, payload, false);
}

void mdc_conn_reply(struct mdc *m, struct mdc_conn *c,
		    const struct xsan_hdr *req, uint32_t status,
		    const void *payload, uint32_t len)
{
	struct xsan_hdr h = {
		.version = c->version ? c->version : XSAN_PROTO_MAX,
		.opcode = req->opcode, .flags = XSAN_F_REPLY, .len = len,
		.xid = req->xid, .status = status,
	};

	(void)m;
	frame_to_client(c, &h, payload);
}

void mdc_conn_callback(struct mdc *m, struct mdc_conn *c, uint16_t op,
		       uint64_t xid, const void *payload, uint32_t len)
{
	struct xsan_hdr h = {
		.version = c->version ? c->version : XSAN_PROTO_MAX,
		.opcode = op, .flags = XSAN_F_CALLBACK, .len = len, .xid = xid,
	};

	(void)m;
	frame_to_client(c, &h, payload);
}

void mdc_conn_kick(struct mdc *m, struct mdc_conn *c)
{
	(void)m;
	(void)c;
}

/* The connections are freed with their world (sim.c), never before. */
void mdc_conn_put(struct mdc *m, struct mdc_conn *c)
{
	(void)m;
	c->refs--;
}

void mdc_conn_close(struct mdc *m, struct mdc_conn *c, const char *why)
{
	struct sim_mconn *mc = (struct sim_mconn *)c;
	struct sim_frame *f;

	if (c->dead)
		return;
	sim_trace("mdc closes conn %d of client %d: %s", mc->ch->id,
		  mc->ch->client, why ? why : "peer closed");
	/* as conn.c */
	mdc_tok_conn_gone(m, c);
	mdc_session_detach(m, c);
	c->dead = true;
	c->refs--;
	/* the MDC reads no more; the client reads a FIN after the rest */
	mc->ch->md_open = false;
	while ((f = mc->ch->c2m.head)) {
		mc->ch->c2m.head = f->next;
		free(f->p);
		free(f);
	}
	mc->ch->c2m.tail = &mc->ch->c2m.head;
	mc->ch->c2m.n = 0;
	if (mc->ch->cl_open)
		sim_fifo_push(&mc->ch->m2c, &(struct xsan_hdr){ 0 }, NULL, true);
}

/* ---- ops.c, volume.c: not reached by token requests ---- */

void mdc_queue(struct mdc *m, struct mdc_conn *c, const struct xsan_hdr *h,
	       const uint8_t *payload)
{
	(void)payload;
	mdc_conn_reply(m, c, h, EOPNOTSUPP, NULL, 0);
}

struct mdc_vol *mdc_volume_find(struct mdc *m, const char *name, uint32_t len)
{
	(void)m;
	(void)name;
	(void)len;
	return NULL;
}

/* ---- the store: every fid exists, nothing is persisted ---- */

static int sim_txn;

int xsan_txn_begin(struct xsan_store *st, bool write, struct xsan_txn **out)
{
	(void)st;
	(void)write;
	*out = (struct xsan_txn *)&sim_txn;
	return 0;
}

int xsan_txn_commit(struct xsan_txn *t)
{
	(void)t;
	return 0;
}

void xsan_txn_abort(struct xsan_txn *t)
{
	(void)t;
}

int xsan_ns_getattr(struct xsan_txn *t, const struct xsan_fid *fid,
		    struct xsan_attr *out)
{
	(void)t;
	memset(out, 0, sizeof(*out));
	out->ino = fid->ino;
	out->gen = fid->gen;
	out->mode = 0100644;
	out->nlink = 1;
	return 0;
}

int xsan_ns_lookup(struct xsan_txn *t, const struct xsan_cred *cr,
		   const struct xsan_fid *dir, const char *name, uint32_t len,
		   struct xsan_attr *out)
{
	(void)t;
	(void)cr;
	(void)dir;
	(void)name;
	(void)len;
	(void)out;
	return -ENOENT;
}

int xsan_ns_statfs(struct xsan_txn *t, struct xsan_statfs *out)
{
	(void)t;
	memset(out, 0, sizeof(*out));
	return 0;
}

bool xsan_store_has_grants(const struct xsan_store *st, uint64_t client,
			   uint64_t ino)
{
	(void)st;
	(void)client;
	(void)ino;
	return false;
}

int xsan_sess_put(struct xsan_txn *t, const struct xsan_store_sess *s)
{
	(void)t;
	(void)s;
	return 0;
}

int xsan_sess_del(struct xsan_txn *t, uint64_t id)
{
	(void)t;
	(void)id;
	return 0;
}

int xsan_sess_list(struct xsan_txn *t, struct xsan_store_sess **out,
		   uint32_t *n)
{
	(void)t;
	*out = NULL;
	*n = 0;
	return 0;
}

int xsan_client_release(struct xsan_txn *t, uint64_t client, uint64_t *freed)
{
	(void)t;
	(void)client;
	*freed = 0;
	return 0;
}

int xsan_client_regrant(struct xsan_txn *t, uint64_t client)
{
	(void)t;
	(void)client;
	return 0;
}

int xsan_client_forget(struct xsan_store *st, uint64_t client)
{
	(void)st;
	(void)client;
	return 0;
}

int xsan_orphans_reap(struct xsan_store *st, uint64_t *freed)
{
	(void)st;
	*freed = 0;
	return 0;
}

void xsan_store_keep_unlinked(struct xsan_store *st, bool keep)
{
	(void)st;
	(void)keep;
}

int xsan_store_inodes(struct xsan_txn *t, uint64_t *inodes)
{
	(void)t;
	*inodes = 0;
	return 0;
}

const struct xsan_store_geom *xsan_store_geom(const struct xsan_store *st)
{
	static struct xsan_store_geom g;

	(void)st;
	return &g;
}

int xsan_sg_space(struct xsan_txn *t, uint32_t i, uint64_t *blocks,
		  uint64_t *bfree)
{
	(void)t;
	(void)i;
	*blocks = 0;
	*bfree = 0;
	return -ENOENT;
}

int xsan_store_luns(struct xsan_txn *t, struct xsan_store_lun **out,
		    uint32_t *n)
{
	(void)t;
	*out = NULL;
	*n = 0;
	return 0;
}

/* ---- lib/auth.c: HELLO and AUTH are not simulated ---- */

int xsan_random(void *buf, size_t len)
{
	memset(buf, 0x5a, len);
	return 0;
}

int xsan_auth_proof(const struct xsan_secret *s, const char *label,
		    const char *volume, size_t vlen,
		    const uint8_t uuid[XSAN_UUID_SIZE],
		    const uint8_t n1[XSAN_NONCE_SIZE],
		    const uint8_t n2[XSAN_NONCE_SIZE],
		    uint8_t out[XSAN_PROOF_SIZE])
{
	(void)s;
	(void)label;
	(void)volume;
	(void)vlen;
	(void)uuid;
	(void)n1;
	(void)n2;
	memset(out, 0, XSAN_PROOF_SIZE);
	return -EPERM;
}

int xsan_proof_equal(const uint8_t a[XSAN_PROOF_SIZE],
		     const uint8_t b[XSAN_PROOF_SIZE])
{
	(void)a;
	(void)b;
	return 0;
}
