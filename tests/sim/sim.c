// SPDX-License-Identifier: GPL-2.0
/*
 * xsan-sim: a deterministic simulation of the token protocol
 * (Documentation/testing.rst, "The token protocol simulation").
 *
 * One process, one thread. The MDC is the real tools/mdc/token.c,
 * lock.c and session.c (HEARTBEAT, RECONNECT, lease expiry, eviction),
 * fed with real encoded frames through mdc_handle() and ticked like
 * loop.c ticks it; mdc_seam.c puts the frames it sends on simulated TCP
 * connections and gives it a virtual clock. The clients are a model of
 * the kernel client's rules (fs/token.c, fs/data.c, net/messenger.c, as
 * DESIGN.md section 7 wants them): receive sequence numbers, grants and
 * revokes ordered by them, data_sem (users drain before a token goes),
 * idle give-back, leases counted from the send time of the last answered
 * renewal, reconnect and synchronous session reset; plus what the checker
 * showed a give-back also needs (a grant applied while a give-back of its
 * type is under way is not believed; the REVOKE's TOKEN_PUT is a call
 * whose reply is applied by its sequence number; a give-back lost with
 * its connection counts as applied). With --locks, a lock owner per
 * client (LOCK with WAIT, LOCK_WAKE, UNLOCK).
 *
 * A seeded scheduler picks one enabled event per step: a frame delivered
 * at either end of a connection (per-connection FIFO per direction, the
 * only order TCP promises), a client thread or worker step, the clock
 * moving on (the MDC ticks every 200 ms of it), a connection dropped
 * (half-open or not), an inode evicted. After every step the invariants
 * are checked; the first violation prints the last events of the trace
 * and the command line that replays the seed. --hole=2, 3 and 6 put the
 * old bugs back (the renewing MDC, the idle give-back that clears first
 * and holds no TOKEN_GET off, the queued session reset).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"

#define MAXCLI		4
#define NTHR		2	/* user threads per client */
#define NINO		2	/* inodes every client works on */
#define MAXREQ		32	/* outstanding requests per client */
#define TICK_MS		200	/* tools/mdc/loop.c MDC_TICK_MS */
#define TOK_TRIES	8	/* fs/data.c XSAN_TOK_TRIES */
#define NTYPES		6
#define INO_BASE	100

#define T_ARD	XSAN_TOK_ATTR_RD
#define T_AWR	XSAN_TOK_ATTR_WR
#define T_DRD	XSAN_TOK_DATA_RD
#define T_DWR	XSAN_TOK_DATA_WR
#define T_DIO	XSAN_TOK_DIO
/* What a data_sem user may submit I/O under; its revoke drains users. */
#define T_IO	(T_DRD | T_DWR | T_DIO | T_AWR)
#define T_DRAIN	(T_DRD | T_DWR | T_DIO | T_AWR)

/* ---- options ---- */

enum fence_mode { FENCE_AUTO, FENCE_EMULATE, FENCE_OFF };

static struct {
	int clients;
	long long steps;	/* per seed, before quiescence */
	unsigned long long seed;
	int seeds;
	int hole;
	enum fence_mode fence;
	bool grant_mask;	/* grants of types being given back not believed */
	int trace;
	unsigned int lease, grace, idle;
	bool locks;		/* a locker per client: LOCK, UNLOCK, LOCK_WAKE */
	bool verbose;
} opt = {
	.clients = 3, .steps = 20000, .seed = 1, .seeds = 1, .hole = 0,
	.fence = FENCE_AUTO, .grant_mask = true, .trace = 60,
	.lease = 2000, .grace = 1000, .idle = 600,
};

static bool fence_emulated;	/* resolved from opt.fence */
static const char *self = "xsan-sim";	/* argv[0], for "reproduce:" */

/* ---- random numbers (splitmix64) ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned int rn(unsigned int n)
{
	return n ? (unsigned int)(rnd() % n) : 0;
}

/* ---- the trace: the last events, printed on a violation ---- */

#define TRACE_LEN	200
#define TRACE_MAX	4096

long long sim_now;
static long long step_no;
static char (*trace_buf)[TRACE_LEN];
static unsigned long long trace_n;

void sim_trace(const char *fmt, ...)
{
	char *line = trace_buf[trace_n++ % TRACE_MAX];
	va_list ap;
	int k;

	k = snprintf(line, TRACE_LEN, "%8lld t=%-7lld ", step_no, sim_now);
	va_start(ap, fmt);
	vsnprintf(line + k, TRACE_LEN - (size_t)k, fmt, ap);
	va_end(ap);
	if (opt.verbose)
		printf("%s\n", line);
}

static void trace_dump(int n)
{
	unsigned long long i = trace_n > (unsigned long long)n ?
			       trace_n - (unsigned long long)n : 0;

	if (n > TRACE_MAX)
		i = trace_n > TRACE_MAX ? trace_n - TRACE_MAX : 0;
	printf("  last %llu events:\n", trace_n - i);
	for (; i < trace_n; i++)
		printf("  | %s\n", trace_buf[i % TRACE_MAX]);
}

static const char *tn(uint32_t types)
{
	static char bufs[4][64];
	static int k;
	char *b = bufs[k++ & 3];

	return mdc_tok_names(types, b, 64);
}

/* ---- FIFOs ---- */

void sim_fifo_push(struct sim_fifo *f, const struct xsan_hdr *h,
		   const void *p, bool close)
{
	struct sim_frame *fr = calloc(1, sizeof(*fr));

	if (!fr)
		abort();
	fr->h = *h;
	fr->close = close;
	if (h->len) {
		fr->p = malloc(h->len);
		if (!fr->p)
			abort();
		memcpy(fr->p, p, h->len);
	}
	*f->tail = fr;
	f->tail = &fr->next;
	f->n++;
}

static struct sim_frame *fifo_pop(struct sim_fifo *f)
{
	struct sim_frame *fr = f->head;

	if (!fr)
		return NULL;
	f->head = fr->next;
	if (!f->head)
		f->tail = &f->head;
	f->n--;
	return fr;
}

static void frame_free(struct sim_frame *fr)
{
	free(fr->p);
	free(fr);
}

static void fifo_clear(struct sim_fifo *f)
{
	struct sim_frame *fr;

	while ((fr = fifo_pop(f)))
		frame_free(fr);
}

/* Keep the first @keep frames, lose the rest (a reset connection). */
static void fifo_truncate(struct sim_fifo *f, unsigned int keep)
{
	struct sim_frame **pp = &f->head, *fr;
	unsigned int i;

	for (i = 0; i < keep && *pp; i++)
		pp = &(*pp)->next;
	while ((fr = *pp)) {
		*pp = fr->next;
		frame_free(fr);
		f->n--;
	}
	f->tail = pp;
}

/* ---- the MDC ---- */

static struct mdc M;
static struct mdc_vol V;
static struct sim_chan *chans;	/* those that may still deliver */
static struct sim_chan *inert;	/* the others, kept until the world ends */
static int nchans;

static struct sim_chan *chan_new(int client)
{
	struct sim_chan *ch = calloc(1, sizeof(*ch));
	struct sim_mconn *mc = calloc(1, sizeof(*mc));

	if (!ch || !mc)
		abort();
	ch->client = client;
	ch->id = ++nchans;
	ch->mc = mc;
	ch->c2m.tail = &ch->c2m.head;
	ch->m2c.tail = &ch->m2c.head;
	ch->cl_open = ch->md_open = true;
	ch->next = chans;
	chans = ch;
	mc->ch = ch;
	mc->c.io.fd = -1;
	mc->c.kind = MDC_CONN_SESSION;
	mc->c.state = MDC_CS_AUTHED;
	mc->c.version = XSAN_PROTO_MAX;
	mc->c.vol = &V;
	mc->c.refs = 1;		/* the loop's */
	snprintf(mc->c.addr, sizeof(mc->c.addr), "10.0.0.%d:%d", client + 1,
		 ch->id);
	snprintf(mc->c.host, sizeof(mc->c.host), "client%d", client);
	memset(mc->c.uuid, 0x10 + client, sizeof(mc->c.uuid));
	return ch;
}

/*
 * What do_auth() in session.c does once the proofs match: a new session
 * on @ch, renewed now. HELLO and AUTH themselves are not simulated (they
 * carry no token state); the client gets the id at once, as its
 * handshake is synchronous before the socket is put to work.
 */
static uint64_t next_sid;	/* per world: a seed replays alone */

static uint64_t sim_auth(struct sim_chan *ch)
{
	struct mdc_session *s = calloc(1, sizeof(*s));
	struct mdc_conn *c = &ch->mc->c;

	if (!s)
		abort();
	s->id = ((uint64_t)0x5e55 << 48) | ++next_sid;
	memcpy(s->uuid, c->uuid, sizeof(s->uuid));
	snprintf(s->host, sizeof(s->host), "%s", c->host);
	snprintf(s->addr, sizeof(s->addr), "%s", c->addr);
	s->renewed_ms = mdc_now_ms();
	s->conn = c;
	s->next = V.sessions;
	V.sessions = s;
	c->session = s;
	return s->id;
}

static struct mdc_session *session_by_id(uint64_t sid)
{
	struct mdc_session *s;

	for (s = V.sessions; s; s = s->next)
		if (s->id == sid)
			return s;
	return NULL;
}

static void world_free(void)
{
	struct sim_chan *ch;

	mdc_sessions_free(&V);
	mdc_tok_free(&V);
	while (inert) {
		ch = inert;
		inert = ch->next;
		ch->next = chans;
		chans = ch;
	}
	while ((ch = chans)) {
		chans = ch->next;
		fifo_clear(&ch->c2m);
		fifo_clear(&ch->m2c);
		free(ch->mc);
		free(ch);
	}
	free(M.scratch);
	free(M.scratch2);
	memset(&M, 0, sizeof(M));
	memset(&V, 0, sizeof(V));
}

static void world_init(void)
{
	memset(&M, 0, sizeof(M));
	memset(&V, 0, sizeof(V));
	M.o.lease_ms = opt.lease;
	M.o.grace_ms = opt.grace;
	M.scratch = malloc(XSAN_PAYLOAD_MAX);
	M.scratch2 = malloc(XSAN_PAYLOAD_MAX);
	if (!M.scratch || !M.scratch2)
		abort();
	M.vols = &V;
	snprintf(V.name, sizeof(V.name), "simvol");
	V.recovered = true;	/* no sessions of before a restart */
	chans = NULL;
	inert = NULL;
	nchans = 0;
	next_sid = 0;
}

/* ---- violations ---- */

static bool violated;
static char violation[512];

static void violate(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void violate(const char *fmt, ...)
{
	va_list ap;

	if (violated)
		return;
	violated = true;
	va_start(ap, fmt);
	vsnprintf(violation, sizeof(violation), fmt, ap);
	va_end(ap);
	sim_trace("VIOLATION: %s", violation);
}

/* ---- the client model ---- */

enum req_kind { RK_GET, RK_IDLE_PUT, RK_REV_PUT, RK_HB, RK_RECON, RK_LOCK,
		RK_UNLOCK };

struct creq {
	bool used;
	enum req_kind kind;
	uint64_t xid;
	int chan;
	int who;		/* thread (RK_GET) or inode (RK_IDLE_PUT) */
	long long sent;
};

enum th_state { TH_IDLE, TH_GET, TH_SENT, TH_REPLY, TH_SEM, TH_IO };

struct thread {
	enum th_state st;
	int ino;
	uint32_t types;
	int tries;
	int resets;		/* tok_resets when the GET was sent */
	int ios;		/* I/Os left to submit */
	int gen;		/* tok_resets when data_sem was taken */
	long long stuck_until;
	uint32_t rep_status, rep_granted;
	uint64_t rep_seq;
};

enum { EX_NONE, EX_REVOKE, EX_IDLE };

struct cino {
	uint32_t held;
	uint64_t gseq[NTYPES], rseq[NTYPES];
	long long used;
	int users;		/* data_sem held shared */
	int excl;		/* data_sem exclusive: held or waited for */
	bool excl_held;
	uint8_t giving[NTYPES];	/* give-backs under way, per type: no
				 * TOKEN_GET for these, no grant believed */
	/* the idle give-back job */
	int idle_st;
	uint32_t idle_types;
	long long idle_until;
	bool idle_rep;
	uint32_t idle_status;
	uint64_t idle_seq;
};

struct cbent {
	uint64_t ino;
	uint32_t types;
	uint64_t revoke;
	uint64_t seq;
	struct cbent *next;
};

/*
 * --locks: one lock owner per client, POSIX whole-file locks with WAIT
 * (F_SETLKW), sometimes a second one on the other inode while it holds
 * the first (so the MDC's deadlock check answers EDEADLK). The kernel
 * client takes no cluster locks yet; the rules are the obvious ones: a
 * lock is believed from the LOCK reply until its UNLOCK is decided, and
 * only while the lease holds and the session is the one it was taken in;
 * a LOCK whose answer was lost, a waiter whose connection broke, an
 * UNLOCK not answered: an UNLOCK is (re)sent; no LOCK of an inode goes
 * out while an UNLOCK of it is owed.
 */
enum lk_state { LK_IDLE, LK_SENT, LK_WAIT, LK_HELD };

struct locker {
	enum lk_state st;
	int ino;		/* LK_SENT, LK_WAIT: the inode asked for */
	uint32_t type;
	long long since;	/* LK_WAIT: registered at */
	long long until;	/* LK_HELD: releases at */
	uint32_t held[NINO];	/* XSAN_LOCK_* believed, 0 if none */
	int gen[NINO];		/* session generation it was taken in */
	bool unlock_owed[NINO];
	bool unlock_out[NINO];
	uint32_t status;	/* reply to the LOCK in flight */
	bool rep;
	bool woken;		/* a LOCK_WAKE came while the LOCK was out */
};

enum conn_state { CS_UP, CS_DOWN, CS_RECON };

struct client {
	int id;
	enum conn_state cs;
	struct sim_chan *ch;
	uint64_t sid;		/* the session as the client knows it */
	uint64_t fresh_sid;	/* RECONNECT: the one AUTH just made */
	long long lease_until;
	long long recon_t0;
	long long down_until;
	uint64_t seq;		/* receive sequence numbers */
	uint64_t next_xid;
	int resets;		/* tok_resets: the generation */
	bool reset_pending;	/* --hole=6: the reset is queued */
	long long next_hb;
	bool hb_out;
	long long hb_sent;
	struct creq req[MAXREQ];
	struct thread th[NTHR];
	struct cino ino[NINO];
	struct locker lk;
	/* the ordered callback worker: REVOKEs */
	struct cbent *cbq, **cbq_tail;
	int cb_st;
	uint32_t cb_put;
	long long cb_stuck_until;
	bool cb_rep;		/* the reply to the revoke's TOKEN_PUT */
	uint32_t cb_status;
	uint64_t cb_seq;
};

static struct client C[MAXCLI];
static bool quiesce;

static struct {
	unsigned long long steps, submits, fenced, revokes, evictions,
		expiries, refusals, resets, drops, halfopen, gets, seeds,
		vms, locks, lock_waits, edeadlk, wakes;
} figs;

/* What the MDC logs, counted for the figures (mdc_seam.c). */
void sim_mdc_logged(const char *line)
{
	if (strstr(line, "evicted host"))
		figs.evictions++;
	else if (strstr(line, "lease expired"))
		figs.expiries++;
}

static bool lease_valid(const struct client *c)
{
	return sim_now < c->lease_until;
}

/* xsan_tok_valid(): the lease holds and every type is held. */
static bool trusted(struct client *c, int i, uint32_t types)
{
	struct cino *n = &c->ino[i];

	if (!lease_valid(c) || (n->held & types) != types)
		return false;
	n->used = sim_now;
	return true;
}

static uint32_t trusted_set(const struct client *c, int i)
{
	return lease_valid(c) ? c->ino[i].held : 0;
}

/* fs/token.c __xsan_tok_apply_grant() */
static void apply_grant(struct cino *n, uint32_t types, uint64_t seq)
{
	for (int t = 0; t < NTYPES; t++) {
		uint32_t bit = 1u << t;

		if (!(types & bit) || seq <= n->rseq[t])
			continue;
		n->held |= bit;
		if (seq > n->gseq[t])
			n->gseq[t] = seq;
	}
}

/* fs/token.c __xsan_tok_apply_revoke() */
static uint32_t apply_revoke(struct cino *n, uint32_t types, uint64_t seq)
{
	uint32_t gone = 0;

	for (int t = 0; t < NTYPES; t++) {
		uint32_t bit = 1u << t;

		if (!(types & bit))
			continue;
		if (seq > n->rseq[t])
			n->rseq[t] = seq;
		if (n->gseq[t] < seq)
			gone |= bit;
	}
	gone &= n->held;
	n->held &= ~gone;
	return gone;
}

static uint32_t giving(const struct cino *n)
{
	uint32_t m = 0;

	for (int t = 0; t < NTYPES; t++)
		if (n->giving[t])
			m |= 1u << t;
	return m;
}

static void giving_add(struct cino *n, uint32_t types)
{
	for (int t = 0; t < NTYPES; t++)
		if (types & (1u << t))
			n->giving[t]++;
}

static void giving_sub(struct cino *n, uint32_t types)
{
	for (int t = 0; t < NTYPES; t++)
		if ((types & (1u << t)) && n->giving[t])
			n->giving[t]--;
}

/* fs/token.c xsan_tok_reset(): the session is lost, synchronously. */
static void client_reset(struct client *c)
{
	c->resets++;
	c->reset_pending = false;
	figs.resets++;
	for (int i = 0; i < NINO; i++) {
		c->ino[i].held = 0;
		c->lk.held[i] = 0;	/* the locks went with the session */
	}
	sim_trace("c%d reset: every token and lock dropped, generation %d",
		  c->id, c->resets);
}

static struct creq *req_new(struct client *c, enum req_kind k, int who)
{
	for (int i = 0; i < MAXREQ; i++)
		if (!c->req[i].used) {
			struct creq *r = &c->req[i];

			r->used = true;
			r->kind = k;
			r->who = who;
			r->xid = ++c->next_xid;
			r->chan = c->ch->id;
			r->sent = sim_now;
			return r;
		}
	abort();	/* more than MAXREQ outstanding: a model bug */
}

/* Encode @rq and put it on the client's connection. */
static void send_req(struct client *c, const struct xsan_req *rq,
		     uint64_t xid)
{
	uint8_t buf[256];
	struct xsan_put w;
	struct xsan_hdr h = { .version = XSAN_PROTO_MAX, .opcode = rq->op,
			      .xid = xid };

	xsan_put_init(&w, buf, sizeof(buf));
	if (xsan_req_encode(&w, rq) || w.err) {
		fprintf(stderr, "xsan-sim: cannot encode %s\n",
			xsan_op_name(rq->op));
		abort();
	}
	h.len = w.len;
	if (c->ch->md_open && c->ch->cl_open)
		sim_fifo_push(&c->ch->c2m, &h, buf, false);
}

static struct xsan_fid ino_fid(int i)
{
	return (struct xsan_fid){ .ino = INO_BASE + (uint64_t)i, .gen = 1 };
}

static void send_tok(struct client *c, uint16_t op, int i, uint32_t types,
		     uint64_t revoke, uint64_t xid)
{
	struct xsan_req rq = { .op = op, .fid = ino_fid(i) };

	rq.tok.types = types;
	rq.tok.revoke = revoke;
	send_req(c, &rq, xid);
}

/* The connection is gone for the client: requests on it fail. */
static void client_conn_lost(struct client *c, const char *why)
{
	if (c->cs == CS_DOWN)
		return;
	sim_trace("c%d conn %d lost (%s)", c->id, c->ch->id, why);
	if (c->lk.st == LK_SENT || c->lk.st == LK_WAIT) {
		/* granted or registered, or not: an UNLOCK settles it */
		c->lk.unlock_owed[c->lk.ino] = true;
		c->lk.st = LK_HELD;
		c->lk.until = sim_now;
	}
	c->ch->cl_open = false;
	fifo_clear(&c->ch->m2c);
	c->cs = CS_DOWN;
	c->hb_out = false;
	for (int i = 0; i < MAXREQ; i++) {
		struct creq *r = &c->req[i];

		if (!r->used)
			continue;
		r->used = false;
		if (r->kind == RK_GET) {
			c->th[r->who].rep_status = ECONNRESET;
			c->th[r->who].st = TH_REPLY;
		} else if (r->kind == RK_IDLE_PUT) {
			/*
			 * The MDC may have applied the PUT: it counts as
			 * applied now, so no grant read before the loss is
			 * believed for those types (--no-grant-mask: the
			 * old rule, the PUT is forgotten).
			 */
			c->ino[r->who].idle_rep = true;
			c->ino[r->who].idle_status = opt.grant_mask ? 0 : ECONNRESET;
			c->ino[r->who].idle_seq = ++c->seq;
		} else if (r->kind == RK_REV_PUT) {
			c->cb_rep = true;
			c->cb_status = opt.grant_mask ? 0 : ECONNRESET;
			c->cb_seq = ++c->seq;
		} else if (r->kind == RK_UNLOCK) {
			c->lk.unlock_out[r->who] = false;	/* owed still */
		}
	}
}

/* A network fault: the connection breaks; what was in flight after a
 * random point is lost. The MDC notices (FIN after what it got) or not
 * (half-open, until RECONNECT takes the session over or the lease ends).
 */
static void client_drop(struct client *c, long long partition)
{
	struct sim_chan *ch = c->ch;
	bool md_notices = rn(2);
	unsigned int keep = rn(ch->c2m.n + 1);

	figs.drops++;
	figs.halfopen += !md_notices;
	sim_trace("c%d conn %d breaks: %u of %u frames to the MDC get through, none to the client; MDC %s; reconnect after %lld ms",
		  c->id, ch->id, keep, ch->c2m.n,
		  md_notices ? "notices" : "does not notice (half-open)",
		  partition);
	fifo_truncate(&ch->c2m, keep);
	if (md_notices && ch->md_open)
		sim_fifo_push(&ch->c2m, &(struct xsan_hdr){ 0 }, NULL, true);
	client_conn_lost(c, "network");
	c->down_until = sim_now + partition;
}

static void client_connect(struct client *c)
{
	c->ch = chan_new(c->id);
	c->recon_t0 = sim_now;
	if (!c->sid) {
		c->sid = sim_auth(c->ch);
		c->cs = CS_UP;
		c->lease_until = sim_now + opt.lease;
		c->next_hb = sim_now + opt.lease / 3;
		sim_trace("c%d conn %d: new session %016" PRIx64, c->id,
			  c->ch->id, c->sid);
		return;
	}
	/* HELLO, AUTH (a fresh session), then RECONNECT(old) */
	c->fresh_sid = sim_auth(c->ch);
	c->cs = CS_RECON;
	struct creq *r = req_new(c, RK_RECON, 0);
	struct xsan_req rq = { .op = XSAN_OP_RECONNECT, .session = c->sid };

	send_req(c, &rq, r->xid);
	sim_trace("c%d conn %d: AUTH gave %016" PRIx64 ", RECONNECT %016" PRIx64,
		  c->id, c->ch->id, c->fresh_sid, c->sid);
}

static void client_init(struct client *c, int id)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->cbq_tail = &c->cbq;
	c->next_xid = 1000;
	client_connect(c);
}

static void client_free(struct client *c)
{
	struct cbent *e;

	while ((e = c->cbq)) {
		c->cbq = e->next;
		free(e);
	}
}

/* ---- client events ---- */

static const uint32_t ops[] = {
	T_DRD,				/* buffered read */
	T_DRD | T_DWR | T_ARD,		/* buffered write */
	T_DIO | T_ARD,			/* O_DIRECT read */
	T_DIO | T_ARD | T_AWR,		/* O_DIRECT write */
	T_ARD,				/* stat: no data_sem */
};

static bool thread_enabled(struct client *c, struct thread *t)
{
	struct cino *n = &c->ino[t->ino];

	switch (t->st) {
	case TH_IDLE:
		return !quiesce;
	case TH_GET:
		/* held and valid: no TOKEN_GET; else one needs the
		 * connection, and no give-back of those types under way
		 */
		if ((trusted_set(c, t->ino) & t->types) == t->types)
			return true;
		return c->cs == CS_UP && !(giving(n) & t->types);
	case TH_SENT:
		return false;
	case TH_REPLY:
		return true;
	case TH_SEM:
		return !n->excl;
	case TH_IO:
		return sim_now >= t->stuck_until;
	}
	return false;
}

static void thread_step(struct client *c, int k)
{
	struct thread *t = &c->th[k];
	struct cino *n = &c->ino[t->ino];

	switch (t->st) {
	case TH_IDLE:
		t->ino = (int)rn(NINO);
		t->types = ops[rn(sizeof(ops) / sizeof(ops[0]))];
		t->tries = 0;
		t->st = TH_GET;
		sim_trace("c%d.%d wants %s on ino %d", c->id, k, tn(t->types),
			  INO_BASE + t->ino);
		return;
	case TH_GET:
		/* xsan_tok_get() */
		if (trusted(c, t->ino, t->types)) {
			t->st = TH_SEM;
			return;
		}
		t->resets = c->resets;
		struct creq *r = req_new(c, RK_GET, k);

		send_tok(c, XSAN_OP_TOKEN_GET, t->ino, t->types, 0, r->xid);
		figs.gets++;
		t->st = TH_SENT;
		sim_trace("c%d.%d TOKEN_GET %s ino %d xid %" PRIu64, c->id, k,
			  tn(t->types), INO_BASE + t->ino, r->xid);
		return;
	case TH_SENT:
		return;
	case TH_REPLY:
		if (t->rep_status || (t->rep_granted & t->types) != t->types) {
			sim_trace("c%d.%d TOKEN_GET failed: status %u granted %s",
				  c->id, k, t->rep_status, tn(t->rep_granted));
			t->st = TH_IDLE;
			return;
		}
		/* xsan_tok_grant_since(); a type being given back is not
		 * believed: the PUT in flight may take it away at the MDC
		 */
		if (c->resets == t->resets)
			apply_grant(n, t->rep_granted &
				    (opt.grant_mask ? ~giving(n) : ~0u),
				    t->rep_seq);
		n->used = sim_now;
		sim_trace("c%d.%d grant %s seq %" PRIu64 " applied%s: holds %s",
			  c->id, k, tn(t->rep_granted), t->rep_seq,
			  c->resets == t->resets ? "" : " (NOT: session reset since)",
			  tn(n->held));
		t->st = TH_SEM;
		if (!(t->types & T_IO)) {	/* stat: uses ATTR_RD and is done */
			trusted(c, t->ino, t->types);
			t->st = TH_IDLE;
		}
		return;
	case TH_SEM:
		/* xsan_data_lock(): down_read(data_sem), then valid? */
		if (!(t->types & T_IO)) {
			t->st = TH_IDLE;
			return;
		}
		n->users++;
		/* (--hole=6: a queued reset is not known here yet) */
		if (trusted(c, t->ino, t->types)) {
			t->st = TH_IO;
			t->ios = 1 + (int)rn(4);
			t->gen = c->resets;
			t->stuck_until = 0;
			sim_trace("c%d.%d has data_sem on ino %d under %s%s",
				  c->id, k, INO_BASE + t->ino, tn(t->types),
				  c->reset_pending ? " (reset queued)" : "");
			return;
		}
		n->users--;
		if (++t->tries >= TOK_TRIES) {
			sim_trace("c%d.%d EAGAIN after %d tries", c->id, k,
				  t->tries);
			t->st = TH_IDLE;
		} else {
			t->st = TH_GET;
		}
		return;
	case TH_IO:
		/* sometimes a bio takes its time (a path failover) */
		if (!t->stuck_until && !rn(400)) {
			t->stuck_until = sim_now + rn(2 * (opt.lease + opt.grace));
			sim_trace("c%d.%d I/O stalls until %lld", c->id, k,
				  t->stuck_until);
			return;
		}
		if (lease_valid(c) && t->gen == c->resets) {
			uint64_t who = 0;
			uint32_t bad = sim_mdc_conflicting(&V,
					INO_BASE + (uint64_t)t->ino, 1, c->sid,
					t->types & T_IO, &who);

			figs.submits++;
			sim_trace("c%d.%d submits I/O on ino %d under %s", c->id,
				  k, INO_BASE + t->ino, tn(t->types));
			if (bad)
				violate("fencing: client %d (session %016" PRIx64 ") submits I/O on inode %d under %s, but the MDC has handed %s to session %016" PRIx64,
					c->id, c->sid, INO_BASE + t->ino,
					tn(t->types), tn(bad), who);
		} else {
			figs.fenced++;
			sim_trace("c%d.%d I/O on ino %d refused: %s", c->id, k,
				  INO_BASE + t->ino, lease_valid(c) ?
				  "session reset" : "lease expired");
			t->ios = 1;
		}
		if (--t->ios <= 0) {
			n->users--;
			t->st = TH_IDLE;
			sim_trace("c%d.%d releases data_sem on ino %d", c->id, k,
				  INO_BASE + t->ino);
		}
		return;
	}
}

/*
 * The callback worker: REVOKEs in the order they were read. The types
 * are cleared under data_sem exclusive (users drained), marked as being
 * given back, and the TOKEN_PUT is a call whose reply is applied like a
 * revoke (as the idle give-back's), so a grant the MDC sent before it
 * read the PUT is not believed.
 */
static bool cb_enabled(struct client *c)
{
	struct cbent *e = c->cbq;
	struct cino *n;

	if (!e)
		return false;
	n = &c->ino[e->ino - INO_BASE];
	switch (c->cb_st) {
	case 0:
		return !(e->types & T_DRAIN) || n->excl == EX_NONE;
	case 1:
		return n->users == 0;
	case 2:
		return sim_now >= c->cb_stuck_until;
	default:
		return c->cb_rep;
	}
}

static void cb_done(struct client *c)
{
	struct cbent *e = c->cbq;

	c->cbq = e->next;
	if (!c->cbq)
		c->cbq_tail = &c->cbq;
	free(e);
	c->cb_st = 0;
}

/* Send the answer to the head REVOKE: TOKEN_PUT(@c->cb_put, its id). */
static void cb_put(struct client *c)
{
	struct cbent *e = c->cbq;
	int i = (int)(e->ino - INO_BASE);

	if (c->cs != CS_UP) {
		sim_trace("c%d cannot answer revoke %" PRIu64 ": no connection",
			  c->id, e->revoke);
		giving_sub(&c->ino[i], c->cb_put);
		cb_done(c);
		return;
	}
	if (!opt.grant_mask) {
		/* fs/token.c: sent, not called; GETs may go once it is out */
		send_tok(c, XSAN_OP_TOKEN_PUT, i, c->cb_put, e->revoke,
			 ++c->next_xid);
		giving_sub(&c->ino[i], c->cb_put);
		sim_trace("c%d TOKEN_PUT %s ino %d revoke %" PRIu64 " (sent)",
			  c->id, tn(c->cb_put), INO_BASE + i, e->revoke);
		cb_done(c);
		return;
	}
	struct creq *r = req_new(c, RK_REV_PUT, i);

	send_tok(c, XSAN_OP_TOKEN_PUT, i, c->cb_put, e->revoke, r->xid);
	c->cb_rep = false;
	c->cb_st = 3;
	sim_trace("c%d TOKEN_PUT %s ino %d revoke %" PRIu64 " xid %" PRIu64,
		  c->id, tn(c->cb_put), INO_BASE + i, e->revoke, r->xid);
}

/* Clear what the REVOKE takes (those a later reply granted again stay). */
static void cb_clear(struct client *c)
{
	struct cbent *e = c->cbq;
	struct cino *n = &c->ino[e->ino - INO_BASE];
	uint32_t kept;

	apply_revoke(n, e->types, e->seq);
	kept = n->held & e->types;
	c->cb_put = e->types & ~kept;
	giving_add(n, c->cb_put);
}

static void cb_step(struct client *c)
{
	struct cbent *e = c->cbq;
	int i = (int)(e->ino - INO_BASE);
	struct cino *n = &c->ino[i];

	switch (c->cb_st) {
	case 0:
		if (!(e->types & T_DRAIN)) {
			/* ATTR_RD, DIR: nothing to write back, no data_sem */
			cb_clear(c);
			cb_put(c);
			return;
		}
		n->excl = EX_REVOKE;
		c->cb_st = 1;
		sim_trace("c%d revoke %" PRIu64 " of %s ino %d: waits for data_sem",
			  c->id, e->revoke, tn(e->types), INO_BASE + i);
		return;
	case 1:
		/* data_sem exclusive: the users drained; clear under it */
		n->excl_held = true;
		cb_clear(c);
		c->cb_st = 2;
		c->cb_stuck_until = rn(200) ? sim_now + rn(50) :
				    sim_now + rn(2 * (opt.lease + opt.grace));
		sim_trace("c%d revoke %" PRIu64 " ino %d: cleared %s (holds %s), writing back until %lld",
			  c->id, e->revoke, INO_BASE + i, tn(c->cb_put),
			  tn(n->held), c->cb_stuck_until);
		return;
	case 2:
		n->excl = EX_NONE;
		n->excl_held = false;
		cb_put(c);
		return;
	default:
		if (!c->cb_status)
			apply_revoke(n, c->cb_put, c->cb_seq);
		giving_sub(n, c->cb_put);
		sim_trace("c%d revoke %" PRIu64 " PUT reply (status %u) seq %" PRIu64 " applied: holds %s",
			  c->id, e->revoke, c->cb_status, c->cb_seq, tn(n->held));
		cb_done(c);
		return;
	}
}

/* The idle give-back of one inode's tokens. */
static bool idle_enabled(struct client *c, int i)
{
	struct cino *n = &c->ino[i];

	switch (n->idle_st) {
	case 0:
		return c->cs == CS_UP && n->held && n->excl == EX_NONE &&
		       sim_now - n->used >= opt.idle && !giving(n);
	case 1:
		return n->users == 0;
	case 2:
		return sim_now >= n->idle_until;
	default:
		return n->idle_rep;
	}
}

static void idle_step(struct client *c, int i)
{
	struct cino *n = &c->ino[i];

	switch (n->idle_st) {
	case 0:
		n->excl = EX_IDLE;
		if (opt.hole == 3) {
			/* the old order: the bits go first, nothing holds
			 * TOKEN_GETs off while the PUT is in flight
			 */
			n->idle_types = n->held;
			n->held = 0;
			sim_trace("c%d idle ino %d: drops %s, then waits for data_sem",
				  c->id, INO_BASE + i, tn(n->idle_types));
		} else {
			sim_trace("c%d idle ino %d: waits for data_sem",
				  c->id, INO_BASE + i);
		}
		n->idle_st = 1;
		return;
	case 1:
		n->excl_held = true;
		if (opt.hole != 3) {
			n->idle_types = n->held;
			n->held = 0;
			giving_add(n, n->idle_types);
		}
		n->idle_until = sim_now + rn(40);
		n->idle_st = 2;
		sim_trace("c%d idle ino %d: data_sem held, %s cleared, writing back",
			  c->id, INO_BASE + i, tn(n->idle_types));
		return;
	case 2: {
		n->excl = EX_NONE;
		n->excl_held = false;
		if (!n->idle_types || c->cs != CS_UP) {
			if (opt.hole != 3)
				giving_sub(n, n->idle_types);
			n->idle_st = 0;
			return;
		}
		struct creq *r = req_new(c, RK_IDLE_PUT, i);

		send_tok(c, XSAN_OP_TOKEN_PUT, i, n->idle_types, 0, r->xid);
		n->idle_rep = false;
		n->idle_st = 3;
		sim_trace("c%d idle TOKEN_PUT %s ino %d xid %" PRIu64, c->id,
			  tn(n->idle_types), INO_BASE + i, r->xid);
		return;
	}
	default:
		if (!n->idle_status)
			apply_revoke(n, n->idle_types, n->idle_seq);
		if (opt.hole != 3)
			giving_sub(n, n->idle_types);
		sim_trace("c%d idle PUT reply (status %u) seq %" PRIu64 " applied: holds %s",
			  c->id, n->idle_status, n->idle_seq, tn(n->held));
		n->idle_st = 0;
		n->idle_rep = false;
		return;
	}
}

/* ---- the locker (--locks) ---- */

static bool lock_believed(const struct client *c, int i)
{
	return c->lk.held[i] && lease_valid(c) && c->lk.gen[i] == c->resets;
}

static void lock_send(struct client *c, uint16_t op, int i, uint32_t type,
		      enum req_kind k)
{
	struct creq *r = req_new(c, k, i);
	struct xsan_req rq = { .op = op, .fid = ino_fid(i) };

	rq.tok.owner = 7;	/* one owner per client: its files_struct */
	rq.tok.type = type;
	if (op == XSAN_OP_LOCK)
		rq.tok.flags = XSAN_LOCKF_WAIT;
	send_req(c, &rq, r->xid);
	sim_trace("c%d %s %s ino %d xid %" PRIu64, c->id, xsan_op_name(op),
		  op == XSAN_OP_UNLOCK ? "" : type == XSAN_LOCK_WR ? "WR" : "RD",
		  INO_BASE + i, r->xid);
}

/* Ask for a lock on a free inode other than the ones held. */
static bool lock_pick(struct client *c)
{
	struct locker *l = &c->lk;
	int i = (int)rn(NINO);

	for (int k = 0; k < NINO; k++, i = (i + 1) % NINO)
		if (!l->held[i] && !l->unlock_owed[i])
			break;
	if (l->held[i] || l->unlock_owed[i] || c->cs != CS_UP)
		return false;
	l->ino = i;
	l->type = rn(2) ? XSAN_LOCK_WR : XSAN_LOCK_RD;
	l->rep = false;
	l->woken = false;
	l->st = LK_SENT;
	lock_send(c, XSAN_OP_LOCK, i, l->type, RK_LOCK);
	return true;
}

/* Give up every lock: not believed from now on, UNLOCK owed. */
static void lock_release_all(struct client *c)
{
	for (int i = 0; i < NINO; i++)
		if (c->lk.held[i]) {
			c->lk.held[i] = 0;
			c->lk.unlock_owed[i] = true;
		}
	c->lk.st = LK_IDLE;
}

static bool locker_enabled(struct client *c)
{
	struct locker *l = &c->lk;

	for (int i = 0; i < NINO; i++)
		if (l->unlock_owed[i] && !l->unlock_out[i] && c->cs == CS_UP)
			return true;
	switch (l->st) {
	case LK_IDLE:
		return !quiesce && c->cs == CS_UP;
	case LK_SENT:
		return l->rep;
	case LK_WAIT:
		return false;
	case LK_HELD:
		return quiesce || sim_now >= l->until;
	}
	return false;
}

static void locker_step(struct client *c)
{
	struct locker *l = &c->lk;

	for (int i = 0; i < NINO; i++)
		if (l->unlock_owed[i] && !l->unlock_out[i] && c->cs == CS_UP) {
			l->unlock_out[i] = true;
			lock_send(c, XSAN_OP_UNLOCK, i, 0, RK_UNLOCK);
			return;
		}
	switch (l->st) {
	case LK_IDLE:
		lock_pick(c);
		return;
	case LK_SENT:
		l->rep = false;
		if (!l->status) {
			figs.locks++;
			l->held[l->ino] = l->type;
			l->gen[l->ino] = c->resets;
			sim_trace("c%d holds lock %s on ino %d", c->id,
				  l->type == XSAN_LOCK_WR ? "WR" : "RD",
				  INO_BASE + l->ino);
			l->st = LK_HELD;
			l->until = sim_now + rn(300);
			if (!rn(2))
				lock_pick(c);	/* and one more, nested */
			return;
		}
		figs.lock_waits += l->status == EAGAIN;
		figs.edeadlk += l->status == EDEADLK;
		if (l->status == EAGAIN && l->woken) {
			/* the wake overtook us: ask again at once */
			l->woken = false;
			lock_send(c, XSAN_OP_LOCK, l->ino, l->type, RK_LOCK);
			return;
		}
		if (l->status == EAGAIN) {
			l->st = LK_WAIT;
			l->since = sim_now;
			sim_trace("c%d waits for a LOCK_WAKE on ino %d", c->id,
				  INO_BASE + l->ino);
			return;
		}
		sim_trace("c%d LOCK ino %d refused (%u): lets go of all", c->id,
			  INO_BASE + l->ino, l->status);
		lock_release_all(c);
		return;
	case LK_WAIT:
		return;
	case LK_HELD:
		sim_trace("c%d unlocks all", c->id);
		lock_release_all(c);
		return;
	}
}

/* evict_inode: nobody uses it; PUT everything, sent, not waited for. */
static bool evict_enabled(struct client *c, int i)
{
	struct cino *n = &c->ino[i];

	if (c->cs != CS_UP || n->users || n->excl || n->idle_st || giving(n))
		return false;
	for (int k = 0; k < NTHR; k++)
		if (c->th[k].st != TH_IDLE && c->th[k].ino == i)
			return false;
	for (struct cbent *e = c->cbq; e; e = e->next)
		if (e->ino == INO_BASE + (uint64_t)i)
			return false;
	return true;
}

static void evict_step(struct client *c, int i)
{
	struct cino *n = &c->ino[i];
	uint32_t types = n->held;

	memset(n, 0, sizeof(*n));
	n->used = sim_now;
	sim_trace("c%d evict_inode %d%s%s", c->id, INO_BASE + i,
		  types ? ": TOKEN_PUT " : "", types ? tn(types) : "");
	if (types)
		send_tok(c, XSAN_OP_TOKEN_PUT, i, types, 0, ++c->next_xid);
}

static void hb_step(struct client *c)
{
	struct creq *r = req_new(c, RK_HB, 0);
	struct xsan_req rq = { .op = XSAN_OP_HEARTBEAT };

	send_req(c, &rq, r->xid);
	c->hb_out = true;
	c->hb_sent = sim_now;
	c->next_hb = sim_now + opt.lease / 3;
	sim_trace("c%d HEARTBEAT xid %" PRIu64, c->id, r->xid);
}

/* A frame from the MDC reaches client @c on its current connection. */
static void client_rx(struct client *c, struct sim_frame *f)
{
	uint64_t seq = ++c->seq;
	struct creq *r = NULL;

	if (f->close) {
		client_conn_lost(c, "the MDC closed it");
		return;
	}
	if (f->h.flags & XSAN_F_CALLBACK) {
		struct xsan_req cb;
		struct cbent *e;

		if (!xsan_cb_decode(f->h.opcode, f->p, f->h.len, &cb) &&
		    f->h.opcode == XSAN_OP_LOCK_WAKE) {
			struct locker *l = &c->lk;
			int i = (int)(cb.fid.ino - INO_BASE);

			figs.wakes++;
			sim_trace("c%d reads LOCK_WAKE ino %llu seq %" PRIu64,
				  c->id, (unsigned long long)cb.fid.ino, seq);
			/*
			 * A hint: ask again. It may come before the thread
			 * waiting for the LOCK's EAGAIN has seen it: then it
			 * is remembered for that LOCK.
			 */
			if (l->st == LK_WAIT && l->ino == i && c->cs == CS_UP) {
				l->st = LK_SENT;
				l->rep = false;
				l->woken = false;
				lock_send(c, XSAN_OP_LOCK, i, l->type, RK_LOCK);
			} else if (l->st == LK_SENT && l->ino == i) {
				l->woken = true;
			}
			return;
		}
		if (xsan_cb_decode(f->h.opcode, f->p, f->h.len, &cb) ||
		    f->h.opcode != XSAN_OP_REVOKE) {
			violate("client %d: bad callback %u from the MDC",
				c->id, f->h.opcode);
			return;
		}
		figs.revokes++;
		e = calloc(1, sizeof(*e));
		if (!e)
			abort();
		e->ino = cb.fid.ino;
		e->types = cb.tok.types & XSAN_TOK_ALL;
		e->revoke = cb.tok.revoke;
		e->seq = seq;
		*c->cbq_tail = e;
		c->cbq_tail = &e->next;
		sim_trace("c%d reads REVOKE %s ino %" PRIu64 " id %" PRIu64 " seq %" PRIu64,
			  c->id, tn(e->types), e->ino, e->revoke, seq);
		return;
	}
	for (int i = 0; i < MAXREQ; i++)
		if (c->req[i].used && c->req[i].xid == f->h.xid &&
		    c->req[i].chan == c->ch->id)
			r = &c->req[i];
	if (!r) {
		sim_trace("c%d reads reply %s xid %llu (nobody waits)",
			  c->id, xsan_op_name(f->h.opcode),
			  (unsigned long long)f->h.xid);
		return;
	}
	r->used = false;
	struct xsan_rep rep;

	memset(&rep, 0, sizeof(rep));
	if (!f->h.status && xsan_rep_decode(f->h.opcode, f->p, f->h.len, &rep)) {
		violate("client %d: malformed %s reply", c->id,
			xsan_op_name(f->h.opcode));
		return;
	}
	switch (r->kind) {
	case RK_GET: {
		struct thread *t = &c->th[r->who];

		t->rep_status = f->h.status;
		t->rep_granted = f->h.status ? 0 : rep.tok.granted;
		t->rep_seq = seq;
		t->st = TH_REPLY;
		sim_trace("c%d.%d reads TOKEN_GET reply: status %u granted %s seq %" PRIu64,
			  c->id, r->who, f->h.status, tn(t->rep_granted), seq);
		break;
	}
	case RK_REV_PUT:
		c->cb_rep = true;
		c->cb_status = f->h.status;
		c->cb_seq = seq;
		sim_trace("c%d reads revoke PUT reply ino %d seq %" PRIu64, c->id,
			  INO_BASE + r->who, seq);
		break;
	case RK_LOCK:
		c->lk.rep = true;
		c->lk.status = f->h.status;
		sim_trace("c%d reads LOCK reply ino %d: status %u", c->id,
			  INO_BASE + r->who, f->h.status);
		break;
	case RK_UNLOCK:
		c->lk.unlock_out[r->who] = false;
		if (!f->h.status)
			c->lk.unlock_owed[r->who] = false;
		sim_trace("c%d reads UNLOCK reply ino %d: status %u", c->id,
			  INO_BASE + r->who, f->h.status);
		break;
	case RK_IDLE_PUT:
		c->ino[r->who].idle_rep = true;
		c->ino[r->who].idle_status = f->h.status;
		c->ino[r->who].idle_seq = seq;
		sim_trace("c%d reads idle PUT reply ino %d seq %" PRIu64, c->id,
			  INO_BASE + r->who, seq);
		break;
	case RK_HB:
		/* net/messenger.c xsan_msgr_renew(): from the send time */
		c->hb_out = false;
		figs.refusals += f->h.status != 0;	/* by whichever MDC */
		if (!f->h.status) {
			long long until = r->sent + (rep.lease_ms ? rep.lease_ms :
						     opt.lease);

			if (until > c->lease_until)
				c->lease_until = until;
		}
		sim_trace("c%d reads HEARTBEAT reply: status %u, lease until %lld",
			  c->id, f->h.status, c->lease_until);
		break;
	case RK_RECON:
		c->cs = CS_UP;
		c->next_hb = sim_now + opt.lease / 3;
		if (f->h.status || (rep.flags & XSAN_RECON_RECLAIM)) {
			/* ESTALE: the fresh session from AUTH stands */
			if (f->h.status)
				c->sid = c->fresh_sid;
			c->lease_until = r->sent + opt.lease;
			sim_trace("c%d reads RECONNECT reply: status %u: session %016" PRIx64 ", lease until %lld",
				  c->id, f->h.status, c->sid, c->lease_until);
			if (opt.hole == 6) {
				c->reset_pending = true;
				sim_trace("c%d reset queued (--hole=6)", c->id);
			} else {
				client_reset(c);
			}
		} else {
			c->lease_until = r->sent + opt.lease;
			sim_trace("c%d reads RECONNECT reply: session %016" PRIx64 " kept, lease until %lld",
				  c->id, c->sid, c->lease_until);
		}
		break;
	}
}

/* ---- the MDC's side ---- */

/* Does @s owe a REVOKE older than the fence's limit? */
static bool owes_overdue(struct mdc_session *s)
{
	uint64_t who = 0;
	long long age = sim_mdc_oldest_revoke(&V, s->id, &who);

	return age > (long long)opt.grace / 2;
}

static void mdc_rx(struct sim_chan *ch, struct sim_frame *f)
{
	struct mdc_conn *c = &ch->mc->c;

	if (f->close) {
		mdc_conn_close(&M, c, NULL);
		return;
	}
	if (f->h.opcode == XSAN_OP_HEARTBEAT && c->session) {
		bool overdue = (opt.hole == 2 || fence_emulated) &&
			       owes_overdue(c->session);

		if (overdue && opt.hole == 2) {
			/* the old MDC: renew whatever it owes */
			struct xsan_rep rep = { .op = XSAN_OP_HEARTBEAT,
						.lease_ms = M.o.lease_ms };
			uint8_t buf[64];
			struct xsan_put w;

			c->session->renewed_ms = mdc_now_ms();
			xsan_put_init(&w, buf, sizeof(buf));
			xsan_rep_encode(&w, &rep);
			mdc_conn_reply(&M, c, &f->h, 0, buf, w.len);
			sim_trace("mdc renews session %016" PRIx64 ", which owes an overdue REVOKE (--hole=2)",
				  c->session->id);
			return;
		}
		if (overdue) {
			mdc_conn_reply(&M, c, &f->h, EKEYEXPIRED, NULL, 0);
			sim_trace("mdc (fence emulated) refuses to renew session %016" PRIx64 ": it owes an overdue REVOKE",
				  c->session->id);
			return;
		}
	}
	if (f->h.opcode == XSAN_OP_RECONNECT && fence_emulated &&
	    opt.hole != 2) {
		struct xsan_req rq;
		struct mdc_session *s;

		if (!xsan_req_decode(f->h.opcode, f->p, f->h.len, &rq) &&
		    (s = session_by_id(rq.session)) && owes_overdue(s)) {
			mdc_conn_reply(&M, c, &f->h, ESTALE, NULL, 0);
			sim_trace("mdc (fence emulated) refuses RECONNECT of session %016" PRIx64 ": it owes an overdue REVOKE",
				  s->id);
			return;
		}
	}
	sim_trace("mdc handles %s xid %llu from client %d conn %d",
		  xsan_op_name(f->h.opcode), (unsigned long long)f->h.xid,
		  ch->client, ch->id);
	mdc_handle(&M, c, &f->h, f->p);
}

static void mdc_tick(void)
{
	uint64_t who = 0;
	long long age;

	mdc_expire(&M);
	mdc_tok_tick(&M);
	/* every REVOKE is answered or its holder evicted (the fence may
	 * let the MDC wait for renewed + lease + grace: twice that bound)
	 */
	age = sim_mdc_oldest_revoke(&V, 0, &who);
	if (age > 2LL * (opt.lease + opt.grace) + 2 * TICK_MS)
		violate("revoke: session %016" PRIx64 " has owed a REVOKE for %lld ms, neither answered nor evicted",
			who, age);
}

/* ---- invariants after every step ---- */

static void check_invariants(void)
{
	/* 1: no two sessions trust conflicting tokens at the same time */
	for (int i = 0; i < NINO; i++)
		for (int a = 0; a < opt.clients; a++) {
			uint32_t ta = trusted_set(&C[a], i);

			if (!ta)
				continue;
			for (int b = a + 1; b < opt.clients; b++) {
				uint32_t tb = trusted_set(&C[b], i);

				if (C[a].sid == C[b].sid)
					continue;
				if (mdc_tok_conflicts(ta) & tb)
					violate("conflict: on inode %d client %d (session %016" PRIx64 ", lease until %lld) trusts %s while client %d (session %016" PRIx64 ", lease until %lld) trusts %s",
						INO_BASE + i, a, C[a].sid,
						C[a].lease_until, tn(ta), b,
						C[b].sid, C[b].lease_until,
						tn(tb));
			}
		}
	/* 1 for locks: no two owners believe conflicting locks at once */
	for (int i = 0; opt.locks && i < NINO; i++)
		for (int a = 0; a < opt.clients; a++) {
			if (!lock_believed(&C[a], i))
				continue;
			for (int b = a + 1; b < opt.clients; b++)
				if (lock_believed(&C[b], i) &&
				    (C[a].lk.held[i] == XSAN_LOCK_WR ||
				     C[b].lk.held[i] == XSAN_LOCK_WR))
					violate("lock: on inode %d client %d believes it holds a %s lock while client %d believes it holds a %s lock",
						INO_BASE + i, a,
						C[a].lk.held[i] == XSAN_LOCK_WR ? "write" : "read",
						b,
						C[b].lk.held[i] == XSAN_LOCK_WR ? "write" : "read");
		}
	/* 4: no request waits for ever on a live connection */
	long long bound = (long long)(opt.clients * NTHR + 2) *
			  (opt.lease + opt.grace + TICK_MS);

	for (int a = 0; a < opt.clients; a++)
		for (int k = 0; k < MAXREQ; k++) {
			struct creq *r = &C[a].req[k];

			if (k == 0 && C[a].lk.st == LK_WAIT &&
			    sim_now - C[a].lk.since > bound)
				violate("liveness: client %d's lock waiter on inode %d not woken for %lld ms",
					a, INO_BASE + C[a].lk.ino,
					sim_now - C[a].lk.since);
			if (r->used && sim_now - r->sent > bound)
				violate("liveness: client %d's %s xid %" PRIu64 " unanswered for %lld ms",
					a, r->kind == RK_GET ? "TOKEN_GET" :
					r->kind == RK_HB ? "HEARTBEAT" :
					r->kind == RK_RECON ? "RECONNECT" :
					r->kind == RK_LOCK ? "LOCK" :
					r->kind == RK_UNLOCK ? "UNLOCK" :
					"TOKEN_PUT", r->xid, sim_now - r->sent);
		}
}

/* ---- the scheduler ---- */

enum ev_kind { EV_TIME, EV_MDC_RX, EV_CL_RX, EV_THREAD, EV_CB, EV_IDLE,
	       EV_HB, EV_HB_GIVEUP, EV_RECON, EV_RESET, EV_DROP, EV_EVICT,
	       EV_LOCKER };

struct ev {
	enum ev_kind k;
	int a, b;
	struct sim_chan *ch;
	unsigned int w;
};

#define MAXEV	256

static struct ev evs[MAXEV];
static int nev;
static unsigned int wsum;

static void ev_add(enum ev_kind k, int a, int b, struct sim_chan *ch,
		   unsigned int w)
{
	if (nev < MAXEV && w) {
		evs[nev++] = (struct ev){ k, a, b, ch, w };
		wsum += w;
	}
}

static void collect(void)
{
	nev = 0;
	wsum = 0;
	ev_add(EV_TIME, 0, 0, NULL, 30);
	for (struct sim_chan **pp = &chans, *ch; (ch = *pp);) {
		/* the client left it and the MDC has nothing more to read:
		 * nothing can ever be delivered on it again
		 */
		if (!ch->cl_open && (!ch->md_open || !ch->c2m.head)) {
			*pp = ch->next;
			ch->next = inert;
			inert = ch;
			continue;
		}
		pp = &ch->next;
		if (ch->md_open && ch->c2m.head)
			ev_add(EV_MDC_RX, 0, 0, ch, 100);
		if (ch->cl_open && ch->m2c.head)
			ev_add(EV_CL_RX, 0, 0, ch, 100);
	}
	for (int a = 0; a < opt.clients; a++) {
		struct client *c = &C[a];

		for (int k = 0; k < NTHR; k++)
			if (thread_enabled(c, &c->th[k]))
				ev_add(EV_THREAD, a, k, NULL,
				       c->th[k].st == TH_IDLE ? 10 : 50);
		if (cb_enabled(c))
			ev_add(EV_CB, a, 0, NULL, 50);
		if (opt.locks && locker_enabled(c))
			ev_add(EV_LOCKER, a, 0, NULL, 20);
		for (int i = 0; i < NINO; i++) {
			if (idle_enabled(c, i))
				ev_add(EV_IDLE, a, i, NULL, 20);
			if (!quiesce && evict_enabled(c, i))
				ev_add(EV_EVICT, a, i, NULL, 1);
		}
		if (c->cs == CS_UP && !c->hb_out && sim_now >= c->next_hb)
			ev_add(EV_HB, a, 0, NULL, 200);
		/* the messenger drops a connection silent past the lease */
		if (c->cs == CS_UP && c->hb_out &&
		    sim_now - c->hb_sent > (long long)opt.lease)
			ev_add(EV_HB_GIVEUP, a, 0, NULL, 200);
		if (c->cs == CS_DOWN && (quiesce || sim_now >= c->down_until))
			ev_add(EV_RECON, a, 0, NULL, 50);
		if (c->reset_pending)
			ev_add(EV_RESET, a, 0, NULL, 3);
		if (!quiesce && c->cs != CS_DOWN && !rn(4))
			ev_add(EV_DROP, a, 0, NULL, 1);
	}
}

static void run_event(const struct ev *e)
{
	struct client *c = &C[e->a];
	struct sim_frame *f;

	switch (e->k) {
	case EV_TIME: {
		long long to = sim_now + 1 + rn(40);

		while (sim_now < to) {
			long long next = (sim_now / TICK_MS + 1) * TICK_MS;

			sim_now = next < to ? next : to;
			if (sim_now % TICK_MS == 0)
				mdc_tick();
		}
		return;
	}
	case EV_MDC_RX:
		f = fifo_pop(&e->ch->c2m);
		mdc_rx(e->ch, f);
		frame_free(f);
		return;
	case EV_CL_RX:
		f = fifo_pop(&e->ch->m2c);
		if (C[e->ch->client].ch == e->ch)
			client_rx(&C[e->ch->client], f);
		frame_free(f);
		return;
	case EV_THREAD:
		thread_step(c, e->b);
		return;
	case EV_CB:
		cb_step(c);
		return;
	case EV_LOCKER:
		locker_step(c);
		return;
	case EV_IDLE:
		idle_step(c, e->b);
		return;
	case EV_EVICT:
		evict_step(c, e->b);
		return;
	case EV_HB:
		hb_step(c);
		return;
	case EV_HB_GIVEUP:
		/* the client closes: the MDC reads a FIN after the rest */
		sim_trace("c%d: heartbeat unanswered for a lease; dropping conn %d",
			  c->id, c->ch->id);
		if (c->ch->md_open)
			sim_fifo_push(&c->ch->c2m, &(struct xsan_hdr){ 0 }, NULL,
				      true);
		client_conn_lost(c, "heartbeat timeout");
		c->down_until = sim_now;
		return;
	case EV_RECON:
		client_connect(c);
		return;
	case EV_RESET:
		client_reset(c);
		return;
	case EV_DROP: {
		long long p = rn(4) ? rn(300) :
			      rn(3 * (opt.lease + opt.grace));

		client_drop(c, p);
		return;
	}
	}
}

static bool quiet_now(void)
{
	for (int a = 0; a < opt.clients; a++) {
		struct client *c = &C[a];

		if (c->cs != CS_UP || c->cbq || c->reset_pending)
			return false;
		for (int k = 0; k < NTHR; k++)
			if (c->th[k].st != TH_IDLE)
				return false;
		for (int i = 0; i < MAXREQ; i++)
			if (c->req[i].used && c->req[i].kind != RK_HB)
				return false;
		for (int i = 0; i < NINO; i++)
			if (c->ino[i].idle_st || c->ino[i].held ||
			    c->lk.held[i] || c->lk.unlock_owed[i])
				return false;
		if (c->lk.st != LK_IDLE)
			return false;
	}
	for (struct sim_chan *ch = chans; ch; ch = ch->next)
		if ((ch->md_open && ch->c2m.head) || (ch->cl_open && ch->m2c.head))
			return false;
	return true;
}

/* One seed. Returns true if it passed. */
static bool run_seed(unsigned long long seed)
{
	long long qsteps = 0, qstart = 0;

	rng = seed * 0x2545f4914f6cdd1dull + 1;
	sim_now = 1000000;
	step_no = 0;
	trace_n = 0;
	violated = false;
	quiesce = false;
	world_init();
	for (int a = 0; a < opt.clients; a++)
		client_init(&C[a], a);
	sim_trace("seed %llu: %d clients, lease %u grace %u idle %u, hole %d, fence %s",
		  seed, opt.clients, opt.lease, opt.grace, opt.idle, opt.hole,
		  fence_emulated ? "emulated" : "as linked");
	for (step_no = 1; !violated; step_no++) {
		if (step_no > opt.steps && !quiesce) {
			quiesce = true;
			qstart = sim_now;
			sim_trace("quiescence: no new work, no faults");
		}
		collect();
		unsigned int x = rn(wsum), k = 0;

		while (x >= evs[k].w)
			x -= evs[k++].w;
		run_event(&evs[k]);
		figs.steps++;
		check_invariants();
		if (quiesce) {
			qsteps++;
			if (quiet_now())
				break;
			if (sim_now - qstart > 20LL * (opt.lease + opt.grace)) {
				violate("liveness: not quiescent %lld ms (%lld steps) after the work stopped (parked TOKEN_GETs at the MDC: %u)",
					sim_now - qstart, qsteps, sim_mdc_parked(&V));
			}
		}
	}
	figs.seeds++;
	figs.vms += (unsigned long long)(sim_now - 1000000);
	if (!violated && sim_mdc_parked(&V))
		violate("liveness: %u TOKEN_GETs still parked after quiescence",
			sim_mdc_parked(&V));
	unsigned int lwait, nlocks = sim_mdc_locks(&V, &lwait);

	if (!violated && (nlocks || lwait))
		violate("lock: %u locks and %u waiters left at the MDC after every client let go",
			nlocks, lwait);
	if (violated) {
		printf("VIOLATION seed %llu step %lld t=%lld: %s\n", seed,
		       step_no, sim_now, violation);
		trace_dump(opt.trace);
		printf("  reproduce: %s --seed %llu --steps %lld --clients %d%s%s%s%s\n",
		       self, seed, opt.steps, opt.clients,
		       opt.hole ? (opt.hole == 2 ? " --hole=2" :
				   opt.hole == 3 ? " --hole=3" : " --hole=6") : "",
		       opt.fence == FENCE_OFF ? " --fence=off" : "",
		       opt.grant_mask ? "" : " --no-grant-mask",
		       opt.locks ? " --locks" : "");
	}
	for (int a = 0; a < opt.clients; a++)
		client_free(&C[a]);
	world_free();
	return !violated;
}

/*
 * Does the linked MDC stop renewing a session that owes an overdue
 * REVOKE (the mdc-fence change)? A holds DATA_WR, B's TOKEN_GET makes the
 * MDC revoke it, A does not answer, and a HEARTBEAT from A comes just
 * before the eviction: the fixed MDC does not answer it with 0.
 */
static bool probe_fence(void)
{
	struct sim_chan *a, *b;
	struct sim_frame *f;
	struct xsan_req rq = { .op = XSAN_OP_TOKEN_GET, .fid = ino_fid(0) };
	uint8_t buf[128];
	struct xsan_put w;
	struct xsan_hdr h = { .version = XSAN_PROTO_MAX };
	bool fenced;

	sim_now = 1000000;
	world_init();
	a = chan_new(0);
	b = chan_new(1);
	sim_auth(a);
	sim_auth(b);
	rq.tok.types = T_DWR;
	xsan_put_init(&w, buf, sizeof(buf));
	xsan_req_encode(&w, &rq);
	h.opcode = rq.op;
	h.len = w.len;
	h.xid = 1;
	mdc_handle(&M, &a->mc->c, &h, buf);
	rq.tok.types = T_DRD;
	xsan_put_init(&w, buf, sizeof(buf));
	xsan_req_encode(&w, &rq);
	h.len = w.len;
	mdc_handle(&M, &b->mc->c, &h, buf);
	sim_now += opt.lease + opt.grace - 1;
	h.opcode = XSAN_OP_HEARTBEAT;
	h.len = 0;
	h.xid = 2;
	fifo_clear(&a->m2c);
	mdc_handle(&M, &a->mc->c, &h, NULL);
	f = a->m2c.head;
	fenced = !f || f->close || f->h.status != 0 || a->mc->c.dead;
	world_free();
	return fenced;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: xsan-sim [--seed S] [--seeds N] [--steps N] [--clients 2-4]\n"
		"                [--hole=2|3|6] [--fence=auto|emulate|off]\n"
		"                [--no-grant-mask] [--locks] [--trace N] [--lease MS]\n"
		"                [--grace MS] [--idle MS] [--verbose]\n");
	exit(2);
}

static const char *argval(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n])
		return NULL;
	if (*i + 1 >= argc)
		usage();
	return argv[++*i];
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	const char *v;
	unsigned long long failed = 0;
	double secs;

	if (argc > 0)
		self = argv[0];
	for (int i = 1; i < argc; i++) {
		if ((v = argval(argc, argv, &i, "--seed")))
			opt.seed = strtoull(v, NULL, 0);
		else if ((v = argval(argc, argv, &i, "--seeds")))
			opt.seeds = atoi(v);
		else if ((v = argval(argc, argv, &i, "--steps")))
			opt.steps = atoll(v);
		else if ((v = argval(argc, argv, &i, "--clients")))
			opt.clients = atoi(v);
		else if ((v = argval(argc, argv, &i, "--hole")))
			opt.hole = atoi(v);
		else if ((v = argval(argc, argv, &i, "--trace")))
			opt.trace = atoi(v);
		else if ((v = argval(argc, argv, &i, "--lease")))
			opt.lease = (unsigned int)atoi(v);
		else if ((v = argval(argc, argv, &i, "--grace")))
			opt.grace = (unsigned int)atoi(v);
		else if ((v = argval(argc, argv, &i, "--idle")))
			opt.idle = (unsigned int)atoi(v);
		else if ((v = argval(argc, argv, &i, "--fence"))) {
			if (!strcmp(v, "auto"))
				opt.fence = FENCE_AUTO;
			else if (!strcmp(v, "emulate"))
				opt.fence = FENCE_EMULATE;
			else if (!strcmp(v, "off"))
				opt.fence = FENCE_OFF;
			else
				usage();
		} else if (!strcmp(argv[i], "--no-grant-mask"))
			opt.grant_mask = false;
		else if (!strcmp(argv[i], "--locks"))
			opt.locks = true;
		else if (!strcmp(argv[i], "--verbose"))
			opt.verbose = true;
		else
			usage();
	}
	if (opt.clients < 2 || opt.clients > MAXCLI || opt.seeds < 1 ||
	    opt.steps < 1 || (opt.hole && opt.hole != 2 && opt.hole != 3 &&
			      opt.hole != 6) || opt.lease < 30 || !opt.grace)
		usage();
	trace_buf = calloc(TRACE_MAX, TRACE_LEN);
	if (!trace_buf)
		return 2;

	bool linked_fenced = probe_fence();

	fence_emulated = opt.hole != 2 &&
			 (opt.fence == FENCE_EMULATE ||
			  (opt.fence == FENCE_AUTO && !linked_fenced));
	printf("xsan-sim: linked MDC %s a session that owes an overdue REVOKE; fence %s\n",
	       linked_fenced ? "stops renewing" : "still renews",
	       fence_emulated ? "emulated in the harness" :
	       opt.hole == 2 ? "off (--hole=2 renews such sessions)" :
	       "as linked");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int s = 0; s < opt.seeds; s++) {
		if (!run_seed(opt.seed + (unsigned long long)s)) {
			failed = opt.seed + (unsigned long long)s;
			break;	/* the first failing seed is the report */
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("xsan-sim: %d clients, hole %d: %llu steps, %llu seed(s) from %llu, %.2f s, %.0f steps/s, %.0f virtual s; %llu I/Os submitted, %llu fenced; %llu TOKEN_GETs, %llu REVOKEs; MDC: %llu evictions, %llu lease expiries, %llu HEARTBEATs refused; %llu drops (%llu half-open), %llu session resets; ",
	       opt.clients, opt.hole, figs.steps, figs.seeds, opt.seed, secs,
	       secs > 0 ? (double)figs.steps / secs : 0.0,
	       (double)figs.vms / 1000.0, figs.submits, figs.fenced, figs.gets,
	       figs.revokes, figs.evictions, figs.expiries, figs.refusals,
	       figs.drops, figs.halfopen, figs.resets);
	if (opt.locks)
		printf("%llu locks taken, %llu waits, %llu LOCK_WAKEs, %llu EDEADLK; ",
		       figs.locks, figs.lock_waits, figs.wakes, figs.edeadlk);
	if (failed)
		printf("VIOLATION in seed %llu\n", failed);
	else
		printf("no violation\n");
	free(trace_buf);
	return failed ? 1 : 0;
}
