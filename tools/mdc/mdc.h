/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsanmdc's state: the event loop, listeners, connections, volumes and
 * sessions. The daemon is one thread (STYLE.md: the ae.c model), so
 * nothing here is locked; every structure is owned by the loop.
 *
 * Life of a request: conn.c reads and checks a frame; session requests
 * (HELLO, AUTH, HEARTBEAT, GOODBYE, ADMIN_*) and the name service are
 * answered at once; namespace requests are queued on their volume (one
 * that changes what other sessions cache under a token is parked first,
 * until token.c has taken those tokens back: tokens.rst). After
 * each round of the loop, ops.c runs every volume's queue in one LMDB
 * write transaction, commits it (one sync) and only then queues the
 * replies: group commit, and no reply before its transaction is durable.
 */
#ifndef XSAN_MDC_H
#define XSAN_MDC_H

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>
#include <sys/socket.h>

#include "auth.h"
#include "config.h"
#include "store.h"
#include "token.h"
#include "xsanfs/msg.h"

#define MDC_LEASE_MS		20000u	/* default lease period */
/*
 * Default grace after it: what the MDC waits past a lease as the client
 * reckons it before it drops the session, re-grants its tokens and frees
 * its uncommitted blocks. It must cover the client's I/O deadline (bios
 * in flight when its lease ran out) plus the clocks' rate error over a
 * lease (tokens.rst, "Fencing and the timing argument").
 */
#define MDC_GRACE_MS		10000u
#define MDC_OUT_HIGH		(8u << 20)	/* stop reading a conn above */
#define MDC_QUEUE_MAX		1024u	/* requests queued per conn */
#define MDC_ADDR_MAX		64

struct mdc;
struct mdc_conn;

/* An fd in the loop; @fn runs with the epoll events that fired. */
struct mdc_io {
	int fd;
	uint32_t events;
	void (*fn)(struct mdc *m, struct mdc_io *io, uint32_t events);
};

/*
 * A client session: lives from AUTH until GOODBYE or lease expiry, and is
 * recorded in the store (table "sessions") for as long, so that it
 * survives an MDC restart. A connection takes it back with RECONNECT.
 */
struct mdc_session {
	uint64_t id;
	uint8_t uuid[XSAN_UUID_SIZE];
	char host[XSAN_HOST_MAX + 1];
	char addr[MDC_ADDR_MAX];
	long long renewed_ms;		/* monotonic time of the last renewal */
	/*
	 * token.c: no REVOKE this session owes is overdue before this
	 * time (a lower bound, exact after mdc_tok_overdue(); 0: none owed).
	 */
	long long revoke_due_ms;
	bool fenced;			/* owes an overdue REVOKE: its lease is
					 * not renewed (logged once) */
	struct mdc_conn *conn;		/* NULL while disconnected */
	bool ghost;			/* read back after a restart, not yet
					 * come back: no tokens, no conn */
	bool reclaiming;		/* came back after a restart: may send
					 * TOKEN_GET/LOCK with RECLAIM until
					 * the grace window's time is up */
	bool reclaim_open;		/* came back, has not said
					 * RECLAIM_DONE: the window stays open
					 * for it until its time is up */
	struct mdc_session *next;
};

/* A queued namespace request, owned by its volume until answered. */
struct mdc_req {
	struct mdc_conn *conn;		/* holds a reference */
	struct xsan_hdr hdr;
	uint8_t *payload;
	struct mdc_req *next;
};

struct mdc_vol {
	char name[XSAN_NAME_MAX + 1];
	struct xsan_cfg cfg;
	struct xsan_secret secret;
	struct xsan_store *store;
	uint8_t uuid[XSAN_UUID_SIZE];
	int port;			/* the port NS_LOOKUP reports */
	struct mdc_session *sessions;
	struct mdc_req *queue, **queue_tail;
	unsigned int queued;
	uint64_t batches, ops;		/* counters for the log and tests */
	/* session-port bytes of this volume's closed connections (conn.c) */
	uint64_t bytes_in, bytes_out;
	struct mdc_tokens *tokens;	/* token.c; NULL until first used */
	uint64_t cur_client;		/* session id of the request mdc_exec runs */
	/*
	 * Restart recovery (session.c): the sessions table is read once
	 * (@recovered); while @grace_until_ms is set and not past, and
	 * @ghosts > 0 or a session that came back has not said RECLAIM_DONE,
	 * the grace window is open: only reclaims are granted, other
	 * sessions' TOKEN_GET, LOCK and changes are parked (token.c).
	 */
	bool recovered;
	long long grace_until_ms;	/* 0: no window (any more) */
	unsigned int ghosts;		/* sessions not come back yet */
	bool parked_grace;		/* token.c parked requests for it */
	struct mdc_vol *next;
};

enum mdc_conn_kind { MDC_CONN_SESSION, MDC_CONN_NS };
enum mdc_conn_state {
	MDC_CS_NEW,		/* waiting for HELLO */
	MDC_CS_HELLO,		/* HELLO answered, waiting for AUTH */
	MDC_CS_AUTHED,		/* session established */
};

struct mdc_conn {
	struct mdc_io io;
	enum mdc_conn_kind kind;
	enum mdc_conn_state state;
	char addr[MDC_ADDR_MAX];	/* "ip:port" for log lines */
	int refs;			/* the loop's + one per queued request */
	bool dead;			/* closed; freed when refs drop to 0 */
	bool closing;			/* close once the output is flushed */
	uint16_t version;		/* negotiated; 0 before HELLO */
	struct mdc_vol *vol;		/* after HELLO */
	struct mdc_session *session;	/* after AUTH */
	uint8_t uuid[XSAN_UUID_SIZE];
	char host[XSAN_HOST_MAX + 1];
	uint8_t cnonce[XSAN_NONCE_SIZE], mnonce[XSAN_NONCE_SIZE];
	unsigned int queued;
	uint8_t *in;			/* received bytes not yet consumed */
	size_t inlen, incap;
	uint8_t *out;			/* bytes to send */
	size_t outlen, outoff, outcap;
	uint64_t bytes_in, bytes_out;	/* received / sent on this socket */
	struct mdc_conn *next;		/* all conns, for shutdown */
};

struct mdc_listener {
	struct mdc_io io;
	enum mdc_conn_kind kind;
	struct mdc_vol *vol;		/* fsports listener: that volume */
	struct mdc_listener *next;
};

struct mdc_opts {
	const char *config_dir;
	const char *state_dir;
	const char *bind;		/* NULL: all addresses */
	int port, ns_port;
	uint32_t lease_ms, grace_ms;
	bool syslog;
	bool verbose;
};

struct mdc {
	struct mdc_opts o;
	int epfd;
	bool stop;
	int min_port, max_port;		/* fsports; 0 if absent */
	struct mdc_vol *vols;
	struct mdc_listener *listeners;
	struct mdc_conn *conns;
	unsigned int nconns;
	long long started_ms;
	uint8_t *scratch;		/* XSAN_PAYLOAD_MAX bytes */
	uint8_t *scratch2;		/* ditto: list entries, values */
};

/*
 * How long a holder may take to answer a REVOKE before it is overdue
 * and its lease is no longer renewed: one lease. Any value is safe (the
 * session is dropped only lease + grace after its last renewal); this
 * one bounds the wait of the request behind it to revoke timeout +
 * lease + grace (tokens.rst, "Fencing and the timing argument").
 */
static inline long long mdc_revoke_timeout_ms(const struct mdc *m)
{
	return m->o.lease_ms;
}

/* log.c */
void mdc_log_init(bool use_syslog, bool verbose);
void mdc_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
long long mdc_now_ms(void);		/* CLOCK_MONOTONIC */
void mdc_wallclock(struct xsan_time *t);

/* loop.c */
int mdc_io_add(struct mdc *m, struct mdc_io *io, uint32_t events);
int mdc_io_mod(struct mdc *m, struct mdc_io *io, uint32_t events);
void mdc_io_del(struct mdc *m, struct mdc_io *io);
int mdc_listen(struct mdc *m, const char *bind, int port, int *bound,
	       char *err, size_t errlen);
int mdc_run(struct mdc *m);

/* conn.c */
void mdc_accept(struct mdc *m, struct mdc_io *io, uint32_t events);
void mdc_conn_reply(struct mdc *m, struct mdc_conn *c,
		    const struct xsan_hdr *req, uint32_t status,
		    const void *payload, uint32_t len);
void mdc_conn_close(struct mdc *m, struct mdc_conn *c, const char *why);
void mdc_conn_put(struct mdc *m, struct mdc_conn *c);
void mdc_conn_flush(struct mdc *m, struct mdc_conn *c);
void mdc_close_all(struct mdc *m);
void mdc_reap(struct mdc *m);
void mdc_conn_resume(struct mdc *m, struct mdc_conn *c);
/* An MDC -> client callback frame (REVOKE, LOCK_WAKE), queued; kicks. */
void mdc_conn_callback(struct mdc *m, struct mdc_conn *c, uint16_t op,
		       uint64_t xid, const void *payload, uint32_t len);
/* Raise write interest for output queued outside the conn's own event. */
void mdc_conn_kick(struct mdc *m, struct mdc_conn *c);

/* session.c */
void mdc_handle(struct mdc *m, struct mdc_conn *c, const struct xsan_hdr *h,
		const uint8_t *payload);
void mdc_expire(struct mdc *m);
void mdc_stalled(struct mdc *m, long long gap);
void mdc_session_detach(struct mdc *m, struct mdc_conn *c);
void mdc_sessions_free(struct mdc_vol *v);
/* End @s now (eviction): close its connection, drop its state. */
void mdc_session_drop(struct mdc *m, struct mdc_vol *v, struct mdc_session *s,
		      const char *why);
/* Is @v's grace window open (reclaims only; others parked)? */
bool mdc_grace_open(const struct mdc_vol *v);

/*
 * Must @s's plain requests (TOKEN_GET, LOCK, changes, grants in replies)
 * wait for @v's grace window? Yes unless it is still reclaiming (came back
 * and has not said RECLAIM_DONE): a newcomer, or a session that said it
 * is done, could otherwise take what a session still missing will
 * reclaim, whose reclaim would then be refused (EBUSY) and its dirty
 * data lost.
 */
static inline bool mdc_grace_waits(const struct mdc_session *s,
				   const struct mdc_vol *v)
{
	return s && !s->reclaim_open && mdc_grace_open(v);
}

/* ops.c */
void mdc_queue(struct mdc *m, struct mdc_conn *c, const struct xsan_hdr *h,
	       const uint8_t *payload);
void mdc_commit_all(struct mdc *m);
int mdc_exec(struct mdc *m, struct mdc_vol *v, struct xsan_txn *t,
	     const struct xsan_req *r, struct xsan_rep *rep);

/* volume.c */
int mdc_volumes_load(struct mdc *m, char *err, size_t errlen);
void mdc_volumes_free(struct mdc *m);
struct mdc_vol *mdc_volume_find(struct mdc *m, const char *name, uint32_t len);

#endif /* XSAN_MDC_H */
