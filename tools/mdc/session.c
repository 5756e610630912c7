// SPDX-License-Identifier: GPL-2.0
/*
 * Requests that do not touch the metadata store: the handshake (HELLO,
 * AUTH), leases (HEARTBEAT, expiry), GOODBYE, the name service and the
 * admin queries. Namespace requests are passed on to ops.c's queue.
 *
 * Sessions outlive their connection: a client whose TCP connection drops
 * keeps its session (its tokens, locks, open files, allocation sessions)
 * until its lease and the grace period run out, so it can come back with
 * RECONNECT on a new connection.
 *
 * Sessions also outlive the MDC: each is recorded in the store (table
 * "sessions", written before the AUTH reply leaves, deleted when the
 * session ends). After a restart they are read back as ghosts; for lease
 * + grace after the start the volume is in its grace window: a ghost
 * that RECONNECTs is told RECLAIM and takes back its tokens and locks,
 * other sessions' TOKEN_GET/LOCK requests and namespace changes wait
 * (token.c). Ghosts that do not come
 * back are dropped when the window ends, and the blocks LAYOUT_GET had
 * allocated for them and that they never committed are freed
 * (xsan_client_release()). Files unlinked while open before the restart
 * stay until then (a reclaiming client may open them again) and are
 * freed when the window's time is up, unless opened again.
 * Documentation/tokens.rst, "Reconnect and reclaim".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdc.h"
#include "xsanfs/disk.h"

static void reply_err(struct mdc *m, struct mdc_conn *c,
		      const struct xsan_hdr *h, int err)
{
	mdc_conn_reply(m, c, h, (uint32_t)err, NULL, 0);
}

/* Encode @rep and queue it; an encoding failure is our bug: EIO. */
static void reply_rep(struct mdc *m, struct mdc_conn *c,
		      const struct xsan_hdr *h, const struct xsan_rep *rep)
{
	struct xsan_put w;

	xsan_put_init(&w, m->scratch, XSAN_PAYLOAD_MAX);
	if (xsan_rep_encode(&w, rep)) {
		mdc_log(LOG_ERR, "%s: cannot encode the %s reply: %s", c->addr,
			xsan_op_name(h->opcode), strerror(-w.err));
		reply_err(m, c, h, EIO);
		return;
	}
	mdc_conn_reply(m, c, h, 0, m->scratch, w.len);
}

/* EPROTONOSUPPORT carries the versions we speak; then the conn ends. */
static void reply_version(struct mdc *m, struct mdc_conn *c,
			  const struct xsan_hdr *h)
{
	struct xsan_put w;
	uint8_t buf[4];

	xsan_put_init(&w, buf, sizeof(buf));
	xsan_put_vrange(&w);
	mdc_conn_reply(m, c, h, EPROTONOSUPPORT, buf, w.len);
	c->closing = true;
}

static void uuid_str(const uint8_t u[XSAN_UUID_SIZE], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

/*
 * Record @s in the store, durably, before its id leaves in a reply: a
 * session the MDC forgets in a crash only costs the client its caches
 * (RECONNECT is then ESTALE), but its pending blocks must have an owner
 * the next start knows.
 */
static int session_persist(struct mdc_vol *v, const struct mdc_session *s)
{
	struct xsan_store_sess r = { .id = s->id };
	struct xsan_txn *t;
	int err;

	memcpy(r.uuid, s->uuid, sizeof(r.uuid));
	snprintf(r.host, sizeof(r.host), "%s", s->host);
	err = xsan_txn_begin(v->store, true, &t);
	if (err)
		return err;
	err = xsan_sess_put(t, &r);
	if (err) {
		xsan_txn_abort(t);
		return err;
	}
	return xsan_txn_commit(t);
}

/*
 * @s is gone for good: free what LAYOUT_GET allocated for it and it
 * never committed, and forget it in the store, in one transaction.
 */
static void session_unpersist(struct mdc_vol *v, const struct mdc_session *s)
{
	struct xsan_txn *t;
	uint64_t freed = 0;
	int err;

	err = xsan_txn_begin(v->store, true, &t);
	if (!err) {
		err = xsan_client_release(t, s->id, &freed);
		if (!err)
			err = xsan_sess_del(t, s->id);
		if (err)
			xsan_txn_abort(t);
		else
			err = xsan_txn_commit(t);
	}
	if (err)
		mdc_log(LOG_ERR, "volume %s: session %016llx of host '%s': cannot release it in the store: %s",
			v->name, (unsigned long long)s->id, s->host,
			strerror(-err));
	else if (freed)
		mdc_log(LOG_NOTICE, "volume %s: session %016llx of host '%s' ended with %llu allocated blocks it never committed; freed",
			v->name, (unsigned long long)s->id, s->host,
			(unsigned long long)freed);
}

/*
 * The clients of before the start can no longer reclaim: free the files
 * unlinked while open that none of them opened again (XSAN_OPEN_RECLAIM),
 * and free the next ones to lose their last name or handle at once.
 */
static void vol_reap_orphans(struct mdc_vol *v)
{
	uint64_t n = 0;
	int err;

	if (!v->store)
		return;
	err = xsan_orphans_reap(v->store, &n);
	if (err)
		mdc_log(LOG_ERR, "volume %s: cannot free the files unlinked while open before the restart: %s",
			v->name, strerror(-err));
	else if (n)
		mdc_log(LOG_NOTICE, "volume %s: freed %llu files unlinked while open before the restart",
			v->name, (unsigned long long)n);
}

/*
 * Once per volume, at its first use after the start: the sessions the
 * store knows existed before are ghosts that may RECONNECT during the
 * grace window (lease + grace, counted from the start, the time after
 * which a client that lost us has stopped its I/O anyway). Without any,
 * the files unlinked while open before the start go now.
 */
static void vol_recover(struct mdc *m, struct mdc_vol *v)
{
	struct xsan_store_sess *a = NULL;
	struct xsan_txn *t;
	uint32_t n = 0, i;
	int err;

	if (v->recovered || !v->store)
		return;
	v->recovered = true;
	err = xsan_txn_begin(v->store, false, &t);
	if (!err) {
		err = xsan_sess_list(t, &a, &n);
		xsan_txn_abort(t);
	}
	if (err) {
		mdc_log(LOG_ERR, "volume %s: cannot read the sessions of before the start: %s; clients start over",
			v->name, strerror(-err));
		vol_reap_orphans(v);
		return;
	}
	for (i = 0; i < n; i++) {
		struct mdc_session *s = calloc(1, sizeof(*s));

		if (!s) {
			mdc_log(LOG_ERR, "volume %s: out of memory reading sessions", v->name);
			break;
		}
		s->id = a[i].id;
		memcpy(s->uuid, a[i].uuid, sizeof(s->uuid));
		snprintf(s->host, sizeof(s->host), "%s", a[i].host);
		snprintf(s->addr, sizeof(s->addr), "(before restart)");
		s->renewed_ms = m->started_ms;
		s->ghost = true;
		s->next = v->sessions;
		v->sessions = s;
		v->ghosts++;
	}
	free(a);
	if (v->ghosts) {
		v->grace_until_ms = m->started_ms + (long long)m->o.lease_ms +
				    m->o.grace_ms;
		mdc_log(LOG_NOTICE, "volume %s: %u session(s) from before the restart may reclaim within %u ms; other sessions' token and lock requests and namespace changes wait",
			v->name, v->ghosts, m->o.lease_ms + m->o.grace_ms);
	} else {
		vol_reap_orphans(v);
	}
}

/**
 * mdc_grace_open() - is the volume's grace window open?
 * @v: the volume
 *
 * Open from the start while sessions of before it may still come back,
 * at most lease + grace.
 *
 * Return: true while only reclaims are granted.
 */
/* A session of before the restart came back and is still reclaiming? */
static bool vol_reclaims_open(const struct mdc_vol *v)
{
	const struct mdc_session *s;

	for (s = v->sessions; s; s = s->next)
		if (s->reclaim_open)
			return true;
	return false;
}

bool mdc_grace_open(const struct mdc_vol *v)
{
	return v->grace_until_ms && mdc_now_ms() < v->grace_until_ms &&
	       (v->ghosts || vol_reclaims_open(v));
}

/*
 * Close @v's window when its time is up (the ghosts left are dropped:
 * their uncommitted blocks are freed; the files unlinked while open that
 * no session opened again go) or every ghost came back and said
 * RECLAIM_DONE (a client that never says it holds the window to its
 * time); then the
 * requests parked for it run. Reclaims, OPEN with RECLAIM too, stay
 * possible until the time is up, so the files stay until then.
 */
static void grace_check(struct mdc *m, struct mdc_vol *v)
{
	long long now = mdc_now_ms();
	struct mdc_session *s, *next;

	if (!v->grace_until_ms)
		return;
	if (now >= v->grace_until_ms) {
		for (s = v->sessions; s; s = next) {
			next = s->next;
			if (!s->ghost)
				continue;
			mdc_log(LOG_WARNING, "volume %s: host '%s' session %016llx did not come back after the restart; session dropped",
				v->name, s->host, (unsigned long long)s->id);
			mdc_session_drop(m, v, s, NULL);
		}
		for (s = v->sessions; s; s = s->next) {
			s->reclaiming = false;
			s->reclaim_open = false;
		}
		vol_reap_orphans(v);
	} else if (v->ghosts || vol_reclaims_open(v)) {
		/* early only once every ghost is back and said RECLAIM_DONE */
		return;
	}
	/* reclaims stay possible until the time is up; parked ones go now */
	if (now >= v->grace_until_ms)
		v->grace_until_ms = 0;
	if (!v->parked_grace)
		return;
	v->parked_grace = false;
	mdc_log(LOG_NOTICE, "volume %s: grace window closed; waiting requests go on",
		v->name);
	mdc_tok_grace_end(m, v);
}

static void do_hello(struct mdc *m, struct mdc_conn *c,
		     const struct xsan_hdr *h, const struct xsan_req *r)
{
	struct xsan_rep rep = { .op = XSAN_OP_HELLO };
	struct mdc_vol *v;
	uint16_t hi;

	if (c->state != MDC_CS_NEW) {
		reply_err(m, c, h, EPROTO);
		c->closing = true;
		return;
	}
	hi = r->ver_max < XSAN_PROTO_MAX ? r->ver_max : XSAN_PROTO_MAX;
	if (hi < XSAN_PROTO_MIN || hi < r->ver_min) {
		mdc_log(LOG_WARNING,
			"%s: speaks protocol %u to %u, we %d to %d; refused",
			c->addr, r->ver_min, r->ver_max, XSAN_PROTO_MIN,
			XSAN_PROTO_MAX);
		reply_version(m, c, h);
		return;
	}
	v = mdc_volume_find(m, r->name, r->namelen);
	if (!v) {
		mdc_log(LOG_NOTICE, "%s: asked for unknown volume '%.*s'",
			c->addr, (int)r->namelen, r->name);
		reply_err(m, c, h, ENOENT);
		c->closing = true;
		return;
	}
	vol_recover(m, v);
	c->vol = v;
	c->version = hi;
	memcpy(c->uuid, r->uuid, sizeof(c->uuid));
	memcpy(c->cnonce, r->nonce, sizeof(c->cnonce));
	memcpy(c->host, r->name2, r->name2len);
	c->host[r->name2len] = '\0';
	if (xsan_random(c->mnonce, sizeof(c->mnonce)) ||
	    xsan_auth_proof(&v->secret, XSAN_AUTH_MDC_LABEL, v->name,
			    strlen(v->name), c->uuid, c->cnonce, c->mnonce,
			    rep.proof)) {
		reply_err(m, c, h, EIO);
		c->closing = true;
		return;
	}
	rep.version = hi;
	memcpy(rep.nonce, c->mnonce, sizeof(rep.nonce));
	c->state = MDC_CS_HELLO;
	reply_rep(m, c, h, &rep);
}

static void do_auth(struct mdc *m, struct mdc_conn *c,
		    const struct xsan_hdr *h, const struct xsan_req *r)
{
	struct xsan_rep rep = { .op = XSAN_OP_AUTH };
	uint8_t want[XSAN_PROOF_SIZE];
	struct mdc_vol *v = c->vol;
	struct mdc_session *s;
	char us[37];
	int err;

	if (c->state != MDC_CS_HELLO ||
	    xsan_auth_proof(&v->secret, XSAN_AUTH_CLIENT_LABEL, v->name,
			    strlen(v->name), c->uuid, c->mnonce, c->cnonce,
			    want) ||
	    !xsan_proof_equal(want, r->proof)) {
		mdc_log(LOG_WARNING,
			"%s: host '%s' failed authentication for volume %s",
			c->addr, c->host, v ? v->name : "?");
		reply_err(m, c, h, EACCES);
		c->closing = true;
		return;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		reply_err(m, c, h, ENOMEM);
		c->closing = true;
		return;
	}
	do {
		if (xsan_random(&s->id, sizeof(s->id))) {
			free(s);
			reply_err(m, c, h, EIO);
			c->closing = true;
			return;
		}
	} while (!s->id);
	memcpy(s->uuid, c->uuid, sizeof(s->uuid));
	snprintf(s->host, sizeof(s->host), "%s", c->host);
	snprintf(s->addr, sizeof(s->addr), "%s", c->addr);
	err = session_persist(v, s);
	if (err) {
		mdc_log(LOG_ERR, "%s: volume %s: cannot record a session: %s",
			c->addr, v->name, strerror(-err));
		free(s);
		reply_err(m, c, h, EIO);
		c->closing = true;
		return;
	}
	s->renewed_ms = mdc_now_ms();
	s->conn = c;
	s->next = v->sessions;
	v->sessions = s;
	c->session = s;
	c->state = MDC_CS_AUTHED;
	uuid_str(s->uuid, us);
	mdc_log(LOG_INFO, "%s: volume %s: session %016llx for host '%s' (client %s)",
		c->addr, v->name, (unsigned long long)s->id, s->host, us);

	rep.session = s->id;
	rep.lease_ms = m->o.lease_ms;
	rep.grace_ms = m->o.grace_ms;
	memcpy(rep.uuid, v->uuid, sizeof(rep.uuid));
	reply_rep(m, c, h, &rep);
}

/* @persist: the session ends for good (not a shutdown of the MDC). */
static void session_free(struct mdc_vol *v, struct mdc_session *s,
			 bool persist)
{
	struct mdc_session **pp;

	for (pp = &v->sessions; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	if (s->conn)
		s->conn->session = NULL;
	if (s->ghost && v->ghosts)
		v->ghosts--;
	mdc_tok_session_end(v, s);
	/* its uncommitted blocks, then its open files, allocation sessions
	 * and grants end with it
	 */
	if (v->store && persist)
		session_unpersist(v, s);
	if (v->store && xsan_client_forget(v->store, s->id))
		mdc_log(LOG_ERR, "volume %s: session %016llx of host '%s': cannot free the unlinked files it held open",
			v->name, (unsigned long long)s->id, s->host);
	free(s);
}

/* At shutdown: the sessions stay recorded, to be reclaimed after it. */
void mdc_sessions_free(struct mdc_vol *v)
{
	while (v->sessions)
		session_free(v, v->sessions, false);
}

/*
 * May @s's lease be renewed now (HEARTBEAT, RECONNECT)? Not while it owes
 * a REVOKE past the revoke timeout: its client then believes its lease
 * only until lease ms after its last renewal, and mdc_expire() drops the
 * session, re-granting its tokens and freeing its uncommitted blocks,
 * lease + grace after that renewal (DESIGN.md 7; tokens.rst, "Fencing
 * and the timing argument"). Logged once when renewals stop, and when
 * they resume because the REVOKE was answered late after all.
 */
static bool session_renewable(struct mdc *m, struct mdc_vol *v,
			      struct mdc_session *s, long long now)
{
	struct mdc_overdue o;
	char names[64];

	if (!mdc_tok_overdue(m, v, s, now, &o)) {
		if (s->fenced)
			mdc_log(LOG_NOTICE, "volume %s: host '%s' (%s) session %016llx answered its overdue revokes; lease renewed again",
				v->name, s->host, s->addr,
				(unsigned long long)s->id);
		s->fenced = false;
		return true;
	}
	if (!s->fenced) {
		long long left = s->renewed_ms + m->o.lease_ms +
				 m->o.grace_ms - now;

		mdc_log(LOG_WARNING, "volume %s: host '%s' (%s) session %016llx has not answered a revoke of %s on inode %llu for %lld ms; its lease is no longer renewed (evicted in %lld ms unless it answers)",
			v->name, s->host, s->addr, (unsigned long long)s->id,
			mdc_tok_names(o.types, names, sizeof(names)),
			(unsigned long long)o.ino, now - o.since_ms,
			left > 0 ? left : 0);
		s->fenced = true;
	}
	return false;
}

/* The connection closed: the session waits for its lease to run out. */
void mdc_session_detach(struct mdc *m, struct mdc_conn *c)
{
	(void)m;
	if (!c->session)
		return;
	mdc_log(LOG_INFO, "%s: volume %s: host '%s' disconnected; session %016llx kept until its lease expires",
		c->addr, c->vol->name, c->session->host,
		(unsigned long long)c->session->id);
	c->session->conn = NULL;
	c->session = NULL;
}

/**
 * mdc_stalled() - the daemon did not run for @gap ms
 * @m: the daemon
 * @gap: how much later than due its lease tick came
 *
 * SIGSTOP, a paused or migrated VM, a host starved of CPU: while nothing
 * ran, no client could renew its lease, answer a REVOKE or come back
 * after a restart, and the queued heartbeats are read only now. Without
 * this every session would be dropped at once, for the MDC's own stall
 * (found with tests/qemu/fuzz.sh's mdc-stop-long phase). Each session's
 * last renewal, each REVOKE's send time, the revoke deadlines and the
 * grace window move by @gap. Never unsafe: it only postpones an
 * eviction; nothing was granted while nothing ran.
 */
void mdc_stalled(struct mdc *m, long long gap)
{
	long long now = mdc_now_ms();
	struct mdc_session *s;
	struct mdc_vol *v;

	mdc_log(LOG_WARNING, "xsanmdc did not run for %lld ms (stopped, paused or starved): leases, revoke deadlines and grace windows moved by as much; no session is dropped for it",
		gap);
	for (v = m->vols; v; v = v->next) {
		for (s = v->sessions; s; s = s->next) {
			s->renewed_ms = s->renewed_ms + gap < now ?
					s->renewed_ms + gap : now;
			if (s->revoke_due_ms)
				s->revoke_due_ms += gap;
		}
		mdc_tok_shift(v, gap);
		if (v->grace_until_ms)
			v->grace_until_ms += gap;
	}
}

/**
 * mdc_expire() - drop the sessions whose lease and grace ran out
 * @m: the daemon
 *
 * The only way a session ends against its client's will: lease + grace
 * after its last renewal, when the client has stopped its I/O (tokens.rst,
 * "Fencing and the timing argument"). A session that owes an overdue
 * REVOKE gets here too, since its lease is no longer renewed: it is
 * logged as evicted. A client that is still connected but stopped
 * heartbeating loses its connection too: its session is gone, so is its
 * right to talk.
 */
void mdc_expire(struct mdc *m)
{
	long long now = mdc_now_ms(), limit = (long long)m->o.lease_ms + m->o.grace_ms;
	struct mdc_session *s, *next;
	struct mdc_overdue o;
	struct mdc_vol *v;
	char names[64];

	for (v = m->vols; v; v = v->next) {
		vol_recover(m, v);
		grace_check(m, v);
		for (s = v->sessions; s; s = next) {
			next = s->next;
			if (s->ghost)
				continue;
			if (now - s->renewed_ms <= limit) {
				/* renewals stop (logged) when a revoke is
				 * overdue, heartbeat or not
				 */
				if (s->revoke_due_ms && now >= s->revoke_due_ms)
					session_renewable(m, v, s, now);
				continue;
			}
			if (mdc_tok_overdue(m, v, s, now, &o)) {
				mdc_log(LOG_WARNING,
					"volume %s: evicted host '%s' (%s) session %016llx: did not answer a revoke of %s on inode %llu in %lld ms; lease + grace ran out %lld ms after its last renewal",
					v->name, s->host, s->addr,
					(unsigned long long)s->id,
					mdc_tok_names(o.types, names, sizeof(names)),
					(unsigned long long)o.ino,
					now - o.since_ms, now - s->renewed_ms);
				mdc_session_drop(m, v, s, "evicted: did not answer a revoke");
				continue;
			}
			mdc_log(LOG_WARNING,
				"volume %s: host '%s' (%s) session %016llx: lease expired, %lld ms since its last renewal; session dropped",
				v->name, s->host, s->addr,
				(unsigned long long)s->id, now - s->renewed_ms);
			mdc_session_drop(m, v, s, "lease expired");
		}
	}
}

void mdc_session_drop(struct mdc *m, struct mdc_vol *v, struct mdc_session *s,
		      const char *why)
{
	if (s->conn) {
		struct mdc_conn *c = s->conn;

		c->session = NULL;
		s->conn = NULL;
		mdc_conn_close(m, c, why);
	}
	session_free(v, s, true);
}

/*
 * RECONNECT: @c (authenticated, with the session AUTH just made) takes
 * back session @r->session: its tokens, locks, open files and allocation
 * sessions. The session AUTH made ends silently. A ghost (a session of
 * before a restart) is told RECLAIM: its tokens are gone, it may take
 * them back while the grace window lasts.
 */
static void do_reconnect(struct mdc *m, struct mdc_conn *c,
			 const struct xsan_hdr *h, const struct xsan_req *r)
{
	struct xsan_rep rep = { .op = XSAN_OP_RECONNECT };
	long long now = mdc_now_ms();
	long long limit = (long long)m->o.lease_ms + m->o.grace_ms;
	struct mdc_vol *v = c->vol;
	struct mdc_session *s, *fresh = c->session;
	char us[37], them[37];

	for (s = v->sessions; s; s = s->next)
		if (s->id == r->session)
			break;
	if (!s || s == fresh || (!s->ghost && now - s->renewed_ms > limit) ||
	    (s->ghost && !mdc_grace_open(v))) {
		mdc_log(LOG_INFO, "%s: volume %s: host '%s' asked for session %016llx, which is %s",
			c->addr, v->name, c->host,
			(unsigned long long)r->session,
			s == fresh && s ? "its own" : "unknown or expired");
		reply_err(m, c, h, ESTALE);
		return;
	}
	if (memcmp(s->uuid, c->uuid, sizeof(s->uuid))) {
		uuid_str(c->uuid, us);
		uuid_str(s->uuid, them);
		mdc_log(LOG_WARNING, "%s: volume %s: host '%s' (client %s) tried to take over session %016llx of host '%s' (client %s); refused",
			c->addr, v->name, c->host, us,
			(unsigned long long)s->id, s->host, them);
		reply_err(m, c, h, EACCES);
		return;
	}
	/*
	 * A RECONNECT answered 0 renews the lease in the client's eyes (from
	 * when it began the connection), so one that owes an overdue REVOKE
	 * is refused like its HEARTBEATs. The client starts over with the
	 * session AUTH gave it; the old one is dropped when its lease and
	 * grace have run out, its half-open connection left as it is.
	 */
	if (!s->ghost && !session_renewable(m, v, s, now)) {
		mdc_log(LOG_NOTICE, "%s: volume %s: host '%s' asked for session %016llx, which owes an overdue revoke; refused",
			c->addr, v->name, c->host, (unsigned long long)r->session);
		reply_err(m, c, h, EKEYEXPIRED);
		return;
	}
	if (s->conn) {
		/* half-open: the old connection has not noticed yet */
		struct mdc_conn *old = s->conn;

		old->session = NULL;
		s->conn = NULL;
		mdc_conn_close(m, old, "its session was taken back by a new connection");
	}
	c->session = NULL;
	fresh->conn = NULL;
	session_free(v, fresh, true);
	s->conn = c;
	c->session = s;
	s->renewed_ms = now;
	snprintf(s->addr, sizeof(s->addr), "%s", c->addr);
	snprintf(s->host, sizeof(s->host), "%s", c->host);
	if (s->ghost) {
		struct xsan_txn *tx;
		int rc = -ENOMEM;

		s->ghost = false;
		s->reclaiming = true;
		s->reclaim_open = true;
		if (v->ghosts)
			v->ghosts--;
		rep.flags = XSAN_RECON_RECLAIM;
		/* the commits it sends again need the grants it had */
		if (!xsan_txn_begin(v->store, false, &tx)) {
			rc = xsan_client_regrant(tx, s->id);
			xsan_txn_abort(tx);
		}
		if (rc)
			mdc_log(LOG_WARNING, "%s: volume %s: session %016llx: its uncommitted blocks not granted again (%s): its commits of them will fail",
				c->addr, v->name, (unsigned long long)s->id,
				strerror(-rc));
	}
	mdc_log(LOG_INFO, "%s: volume %s: host '%s' took back session %016llx%s",
		c->addr, v->name, s->host, (unsigned long long)s->id,
		rep.flags ? " after the restart: reclaiming" : "");
	rep.session = s->id;
	rep.lease_ms = m->o.lease_ms;
	rep.grace_ms = m->o.grace_ms;
	reply_rep(m, c, h, &rep);
	if (!rep.flags)
		mdc_tok_session_resume(v, s);
	grace_check(m, v);
}

static void do_admin(struct mdc *m, struct mdc_conn *c,
		     const struct xsan_hdr *h)
{
	struct xsan_rep rep = { .op = h->opcode };
	struct mdc_vol *v = c->vol;
	struct xsan_statfs st = { 0 };
	struct xsan_txn *t;
	struct xsan_put w;
	uint64_t inodes = 0;
	long long now = mdc_now_ms();
	size_t i, j;
	int err;

	xsan_put_init(&w, m->scratch2, XSAN_PAYLOAD_MAX);
	switch (h->opcode) {
	case XSAN_OP_ADMIN_WHO:
		for (struct mdc_session *s = v->sessions; s; s = s->next) {
			struct xsan_who e = {
				.session = s->id,
				.lease_age_ms = (uint32_t)(now - s->renewed_ms),
				.host = s->host, .hostlen = (uint32_t)strlen(s->host),
				.addr = s->addr, .addrlen = (uint32_t)strlen(s->addr),
			};

			memcpy(e.uuid, s->uuid, sizeof(e.uuid));
			xsan_put_who(&w, &e);
			rep.count++;
		}
		break;
	case XSAN_OP_ADMIN_SHOW:
		for (i = 0; i < v->cfg.nsgs; i++) {
			const struct xsan_cfg_sg *g = &v->cfg.sgs[i];
			struct xsan_show_sg e = {
				.index = g->index, .breadth = g->breadth,
				.nluns = (uint32_t)g->ndisks,
				.name = g->name, .namelen = (uint32_t)strlen(g->name),
			};

			e.flags = (g->metadata ? XSAN_SG_METADATA : 0) |
				  (g->journal ? XSAN_SG_JOURNAL : 0) |
				  (g->userdata ? XSAN_SG_USERDATA : 0) |
				  (g->exclusive ? XSAN_SG_EXCLUSIVE : 0) |
				  (g->down ? XSAN_SG_DOWN : 0);
			/* As mkfs.xsanfs counts: blocks past each LUN's header. */
			for (j = 0; j < g->ndisks; j++) {
				uint64_t bytes = g->disks[j].sectors *
						 g->disks[j].sector_size;

				if (bytes > XSAN_LUN_DATA_OFFSET)
					e.blocks += (bytes - XSAN_LUN_DATA_OFFSET) /
						    v->cfg.fs_block_size;
			}
			e.bfree = e.blocks;
			/* the allocator's figures where the store has the group */
			if (g->userdata && !xsan_txn_begin(v->store, false, &t)) {
				const struct xsan_store_geom *sg = xsan_store_geom(v->store);

				for (uint32_t k = 0; k < sg->nsgs; k++) {
					uint64_t b, f;

					if (sg->sgs[k].index == g->index &&
					    !xsan_sg_space(t, k, &b, &f)) {
						e.blocks = b;
						e.bfree = f;
					}
				}
				xsan_txn_abort(t);
			}
			xsan_put_show_sg(&w, &e);
			for (j = 0; j < g->ndisks; j++) {
				struct xsan_show_lun l = {
					.sectors = g->disks[j].sectors,
					.sector_size = g->disks[j].sector_size,
					.label = g->disks[j].label,
					.labellen = (uint32_t)strlen(g->disks[j].label),
				};

				xsan_put_show_lun(&w, &l);
			}
			rep.count++;
		}
		break;
	default: {	/* ADMIN_STAT */
		struct xsan_admin_stat s = { 0 };

		err = xsan_txn_begin(v->store, false, &t);
		if (!err) {
			err = xsan_ns_statfs(t, &st);
			if (!err)
				err = xsan_store_inodes(t, &inodes);
			xsan_txn_abort(t);
		}
		if (err) {
			reply_err(m, c, h, (int)-err);
			return;
		}
		s.created = xsan_store_geom(v->store)->created;
		for (struct mdc_session *se = v->sessions; se; se = se->next)
			s.active += se->conn != NULL;
		s.bsize = st.bsize;
		s.nsgs = (uint32_t)v->cfg.nsgs;
		for (i = 0; i < v->cfg.nsgs; i++)
			s.nluns += (uint32_t)v->cfg.sgs[i].ndisks;
		s.blocks = st.blocks;
		s.bfree = st.bfree;
		s.inodes = inodes;
		xsan_put_stat(&w, &s);
		break;
	}
	}
	if (w.err) {
		reply_err(m, c, h, EOVERFLOW);
		return;
	}
	rep.data = m->scratch2;
	rep.datalen = w.len;
	reply_rep(m, c, h, &rep);
}

/*
 * DISK_TABLE: the LUN table mkfs recorded, read in one read transaction
 * so the reply is one consistent snapshot. Any authenticated session may
 * ask: a client needs it before it opens a LUN, not an admin's rights.
 */
static void do_disk_table(struct mdc *m, struct mdc_conn *c,
			  const struct xsan_hdr *h)
{
	struct xsan_rep rep = { .op = XSAN_OP_DISK_TABLE };
	struct mdc_vol *v = c->vol;
	const struct xsan_store_geom *g = xsan_store_geom(v->store);
	uint8_t sgbuf[XSAN_STORE_MAX_SG * XSAN_DISK_SG_REC];
	struct xsan_store_lun *l = NULL;
	struct xsan_txn *t;
	struct xsan_put w, sw;
	uint32_t n = 0;
	int err;

	err = xsan_txn_begin(v->store, false, &t);
	if (!err) {
		err = xsan_store_luns(t, &l, &n);
		xsan_txn_abort(t);
	}
	if (err) {
		mdc_log(LOG_ERR, "%s: volume %s: LUN table: %s", c->addr, v->name,
			strerror(-err));
		reply_err(m, c, h, (int)-err);
		return;
	}
	/* The stripe groups' geometry, only with a LUN table: a volume
	 * without one (format 2, tests) has no LUN a client could map to.
	 */
	xsan_put_init(&sw, sgbuf, sizeof(sgbuf));
	for (uint32_t i = 0; n && i < g->nsgs; i++) {
		struct xsan_disk_sg sg = {
			.index = g->sgs[i].index, .flags = g->sgs[i].flags,
			.breadth = g->sgs[i].breadth, .nluns = g->sgs[i].nluns,
			.blocks = g->sgs[i].blocks,
		};

		xsan_put_disk_sg(&sw, &sg);
	}
	xsan_put_init(&w, m->scratch2, XSAN_PAYLOAD_MAX);
	for (uint32_t i = 0; i < n; i++) {
		struct xsan_disk d = {
			.sg = l[i].sg, .ordinal = l[i].ordinal,
			.sectors = l[i].sectors, .sector_size = l[i].sector_size,
			.label = l[i].label, .labellen = (uint32_t)strlen(l[i].label),
		};

		memcpy(d.uuid, l[i].uuid, XSAN_UUID_SIZE);
		xsan_put_disk(&w, &d);
	}
	free(l);
	if (w.err || sw.err) {
		mdc_log(LOG_ERR, "%s: volume %s: LUN table: cannot encode it",
			c->addr, v->name);
		reply_err(m, c, h, EOVERFLOW);
		return;
	}
	memcpy(rep.uuid, g->uuid, XSAN_UUID_SIZE);
	rep.disk.bsize = g->bsize;
	rep.disk.nsg = n ? g->nsgs : 0;
	rep.disk.sgs = sgbuf;
	rep.count = n;
	rep.data = m->scratch2;
	rep.datalen = w.len;
	reply_rep(m, c, h, &rep);
}

static void do_ns(struct mdc *m, struct mdc_conn *c, const struct xsan_hdr *h,
		  const struct xsan_req *r)
{
	struct xsan_rep rep = { .op = h->opcode };
	struct mdc_vol *v;
	struct xsan_put w;

	switch (h->opcode) {
	case XSAN_OP_NS_LIST:
		xsan_put_init(&w, m->scratch2, XSAN_PAYLOAD_MAX);
		for (v = m->vols; v; v = v->next) {
			struct xsan_ns_vol e = {
				.port = (uint16_t)v->port,
				.name = v->name, .namelen = (uint32_t)strlen(v->name),
			};

			memcpy(e.uuid, v->uuid, sizeof(e.uuid));
			xsan_put_ns_vol(&w, &e);
			rep.count++;
		}
		if (w.err) {
			reply_err(m, c, h, EOVERFLOW);
			return;
		}
		rep.data = m->scratch2;
		rep.datalen = w.len;
		break;
	case XSAN_OP_NS_LOOKUP:
		v = mdc_volume_find(m, r->name, r->namelen);
		if (!v) {
			reply_err(m, c, h, ENOENT);
			return;
		}
		rep.port = (uint16_t)v->port;
		memcpy(rep.uuid, v->uuid, sizeof(rep.uuid));
		/* Empty host: "the address you reached me on". */
		rep.host = "";
		rep.hostlen = 0;
		break;
	default:	/* NS_HEARTBEAT */
		for (v = m->vols; v; v = v->next)
			rep.count++;
		break;
	}
	reply_rep(m, c, h, &rep);
}

/**
 * mdc_handle() - act on one well-formed request frame
 * @m: the daemon
 * @c: its connection
 * @h: its header (checked, CRC verified)
 * @payload: its payload, @h->len bytes
 */
void mdc_handle(struct mdc *m, struct mdc_conn *c, const struct xsan_hdr *h,
		const uint8_t *payload)
{
	struct xsan_req r;
	char why[96];
	bool is_ns;
	int err;

	/* After HELLO every frame carries the negotiated version. */
	if (c->version && h->version != c->version) {
		mdc_log(LOG_WARNING, "%s: frame of protocol version %u on a version %u session",
			c->addr, h->version, c->version);
		reply_version(m, c, h);
		return;
	}
	if (!c->version && h->opcode != XSAN_OP_HELLO &&
	    (h->version < XSAN_PROTO_MIN || h->version > XSAN_PROTO_MAX)) {
		reply_version(m, c, h);
		return;
	}
	is_ns = h->opcode >= XSAN_OP_NS_LIST && h->opcode <= XSAN_OP_NS_HEARTBEAT;
	err = xsan_req_decode(h->opcode, payload, h->len, &r);
	/* Each port answers its own opcodes only. */
	if (err == -EOPNOTSUPP || (!err && (c->kind == MDC_CONN_NS) != is_ns)) {
		mdc_log(LOG_DEBUG, "%s: opcode %u (%s) not supported here",
			c->addr, h->opcode, xsan_op_name(h->opcode));
		reply_err(m, c, h, EOPNOTSUPP);
		return;
	}
	if (err) {
		snprintf(why, sizeof(why), "malformed %s request",
			 xsan_op_name(h->opcode));
		mdc_conn_close(m, c, why);
		return;
	}
	if (c->kind == MDC_CONN_NS) {
		do_ns(m, c, h, &r);
		return;
	}

	switch (h->opcode) {
	case XSAN_OP_HELLO:
		do_hello(m, c, h, &r);
		return;
	case XSAN_OP_AUTH:
		do_auth(m, c, h, &r);
		return;
	default:
		break;
	}
	if (c->state != MDC_CS_AUTHED || !c->session) {
		mdc_log(LOG_WARNING, "%s: %s before authentication; refused",
			c->addr, xsan_op_name(h->opcode));
		reply_err(m, c, h, EACCES);
		c->closing = true;
		return;
	}
	switch (h->opcode) {
	case XSAN_OP_HEARTBEAT: {
		struct xsan_rep rep = { .op = XSAN_OP_HEARTBEAT };
		long long now = mdc_now_ms();

		/* Never status 0 without the renewal: the client counts its
		 * lease from this HEARTBEAT's send time when it is answered 0.
		 */
		if (!session_renewable(m, c->vol, c->session, now)) {
			reply_err(m, c, h, EKEYEXPIRED);
			return;
		}
		c->session->renewed_ms = now;
		rep.lease_ms = m->o.lease_ms;
		reply_rep(m, c, h, &rep);
		return;
	}
	case XSAN_OP_GOODBYE: {
		struct xsan_rep rep = { .op = XSAN_OP_GOODBYE };

		mdc_log(LOG_INFO, "%s: volume %s: host '%s' said goodbye; session %016llx ended",
			c->addr, c->vol->name, c->session->host,
			(unsigned long long)c->session->id);
		session_free(c->vol, c->session, true);
		c->session = NULL;
		reply_rep(m, c, h, &rep);
		c->closing = true;
		grace_check(m, c->vol);
		return;
	}
	case XSAN_OP_RECLAIM_DONE: {
		struct xsan_rep rep = { .op = XSAN_OP_RECLAIM_DONE };

		/* the window may close before its time once all are done */
		if (c->session->reclaim_open) {
			c->session->reclaim_open = false;
			mdc_log(LOG_INFO, "%s: volume %s: host '%s' session %016llx reclaimed what it held",
				c->addr, c->vol->name, c->session->host,
				(unsigned long long)c->session->id);
		}
		reply_rep(m, c, h, &rep);
		grace_check(m, c->vol);
		return;
	}
	case XSAN_OP_ADMIN_WHO:
	case XSAN_OP_ADMIN_STAT:
	case XSAN_OP_ADMIN_SHOW:
		do_admin(m, c, h);
		return;
	case XSAN_OP_DISK_TABLE:
		do_disk_table(m, c, h);
		return;
	case XSAN_OP_ADMIN_TOKENS:
		mdc_tok_admin(m, c, h);
		return;
	case XSAN_OP_RECONNECT:
		do_reconnect(m, c, h, &r);
		return;
	case XSAN_OP_TOKEN_GET:
	case XSAN_OP_TOKEN_PUT:
	case XSAN_OP_LOCK:
	case XSAN_OP_UNLOCK:
		mdc_tok_handle(m, c, h, &r);
		return;
	default:
		mdc_tok_ns_queue(m, c, h, payload, &r);
		return;
	}
}
