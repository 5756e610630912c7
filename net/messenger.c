// SPDX-License-Identifier: GPL-2.0
/*
 * The messenger: one session with the metadata controller per mount, on a
 * kernel TCP socket. It owns the connection after the handshake of
 * net/con.c: requests matched to replies by a u64 xid, heartbeats that
 * renew the lease, reconnect with backoff and RECONNECT, and the MDC's
 * callbacks (REVOKE, LOCK_WAKE), which it hands to fs/ on an ordered
 * workqueue. Modelled on net/ceph/messenger.c: the socket callbacks only
 * queue work, and one work function does all receiving and sending under
 * one mutex, on a WQ_MEM_RECLAIM workqueue with GFP_NOFS allocations, so
 * writeback that needs the MDC can always make progress.
 *
 * Receive order matters to the token cache: every reply and callback gets
 * the next value of a per-messenger counter (struct xsan_msg_buf.seq) as
 * the receive path reads it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/rbtree.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <linux/uio.h>
#include <net/sock.h>

#include "net/msgr.h"
#include "xsanfs/msg.h"

#define XSAN_RXBUF		16384u	/* bytes read from the socket at once */
#define XSAN_TXBUF_SMALL	4096u	/* first try at encoding a request */
#define XSAN_BACKOFF_MIN	(HZ / 10)
#define XSAN_BACKOFF_MAX	(5 * HZ)
#define XSAN_GOODBYE_SECS	2u	/* most umount waits for GOODBYE */
/* The handshake of every connection uses xids 1-3 (net/con.c); the
 * messenger's start above them, so no xid means two things on one
 * connection.
 */
#define XSAN_XID_FIRST		16u

/**
 * enum xsan_msgr_state - where the connection is
 * @XSAN_MS_OPEN: a socket with an authenticated session
 * @XSAN_MS_DOWN: no socket; the work function reconnects after a backoff
 * @XSAN_MS_CLOSED: xsan_msgr_close() has begun; nothing new starts
 */
enum xsan_msgr_state {
	XSAN_MS_OPEN,
	XSAN_MS_DOWN,
	XSAN_MS_CLOSED,
};

/**
 * struct xsan_msgr - one mount's connection to its MDC
 * @addr: the MDC's volume port (fixed)
 * @net: network namespace (a reference, fixed)
 * @volume: volume name (fixed)
 * @timeout: seconds: bound on a handshake; a soft call's wait (fixed)
 * @soft: soft mount (fixed)
 * @ops: fs/'s callbacks (fixed)
 * @priv: their argument (fixed)
 * @wq: runs @work and @hb_work; WQ_MEM_RECLAIM
 * @cb_wq: runs callbacks and resets, in receive order; ordered
 * @work: the connection work function (receive, send, reconnect)
 * @hb_work: the heartbeat timer
 * @mutex: serialises @work against itself and close; protects @sock's
 *	use for I/O, @rx, @rxbuf, @out_cur, @out_off, @rx_seq, @id, @backoff
 * @sock_mutex: protects the @sock pointer, so that close can shut the
 *	socket down (and so abort a handshake) without @mutex; nests inside
 *	@mutex
 * @sock: the current socket, or NULL
 * @rx: frame reassembly
 * @rxbuf: bytes as read from the socket
 * @out_cur: the request whose frame is being written (a reference), or NULL
 * @out_off: bytes of it already written
 * @rx_seq: last receive sequence number handed out
 * @saved_data_ready: the socket's own callbacks, put back before release
 * @saved_write_space: ditto
 * @saved_state_change: ditto
 * @id: client uuid and volume secret for handshakes
 * @backoff: delay before the next reconnect attempt
 * @lock: protects everything below; taken inside @mutex, never the
 *	other way round, and never held across socket calls
 * @state: enum xsan_msgr_state
 * @closing: close has begun: no reconnect, only GOODBYE is still sent
 * @reqs: requests awaiting a reply, by xid (each holds a reference)
 * @sendq: requests due to be (re)sent on the current connection, a subset
 *	of @reqs, oldest first
 * @next_xid: the next xid to hand out; every xid below it has been used
 * @session: the session id
 * @lease_ms: the lease period the MDC gave last
 * @lease_until: jiffies until which the lease is known to hold
 * @last_rx: jiffies when a frame last arrived
 * @hb_out: a heartbeat is awaiting its reply
 * @kick: the heartbeat saw a silent connection: the work drops it
 * @sgen: the session generation: bumped (under @mutex and @lock) the
 *	moment a reconnect learns that the MDC no longer knows our session
 *	(ESTALE or RECLAIM), before @lease_until is renewed for the new one;
 *	read locklessly (xsan_msgr_lease_gen()). Nothing granted under an
 *	older value is trusted from then on (DESIGN.md 7: session loss is a
 *	synchronous generation bump, not a queued job).
 * @reclaiming: RECLAIMs whose ops->reclaim has not called
 *	xsan_msgr_reclaim_done() yet: the lease does not count meanwhile;
 *	counted up with the generation bump, before the lease is renewed
 * @aborts: xsan_msgr_abort() calls so far (lease waiters give up)
 * @lease_wq: xsan_msgr_lease_wait() sleeps here; woken by every renewal,
 *	session change, abort and close
 */
struct xsan_msgr {
	struct sockaddr_storage addr;
	struct net *net;
	char volume[XSAN_VOLNAME_MAX + 1];
	unsigned int timeout;
	bool soft;
	const struct xsan_msgr_ops *ops;
	void *priv;
	struct workqueue_struct *wq;
	struct workqueue_struct *cb_wq;
	struct delayed_work work;
	struct delayed_work hb_work;

	struct mutex mutex;		/* the connection: see above */
	struct mutex sock_mutex;	/* the @sock pointer */
	struct socket *sock;
	struct xsan_rx rx;
	u8 *rxbuf;
	struct xsan_msgr_req *out_cur;
	u32 out_off;
	u64 rx_seq;
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);
	struct xsan_con_ident id;
	unsigned long backoff;

	spinlock_t lock;		/* requests, state, lease */
	enum xsan_msgr_state state;
	bool closing;
	struct rb_root reqs;
	struct list_head sendq;
	u64 next_xid;
	u64 session;
	u32 lease_ms;
	unsigned long lease_until;
	unsigned long last_rx;
	bool hb_out;
	bool kick;
	u32 sgen;
	u32 reclaiming;
	u32 aborts;
	wait_queue_head_t lease_wq;
};

/**
 * struct xsan_msgr_cb - a callback or reset on its way to fs/
 * @work: on the messenger's @cb_wq
 * @m: the messenger
 * @reset: call ops->reset rather than ops->callback
 * @reclaim: call ops->reclaim (ops->reset if there is none)
 * @old_sgen: for @reclaim: the generation whose caches may be reclaimed
 * @buf: the callback's payload (@req points into it)
 * @req: the decoded callback
 */
struct xsan_msgr_cb {
	struct work_struct work;
	struct xsan_msgr *m;
	bool reset;
	bool reclaim;
	u32 old_sgen;
	struct xsan_msg_buf *buf;
	struct xsan_req req;
};

/* ---- frame reassembly (pure: KUnit feeds it byte streams) ------------- */

/**
 * xsan_rx_reset() - forget a partly received frame
 * @rx: the reassembly state
 *
 * Context: any context that may free memory.
 */
void xsan_rx_reset(struct xsan_rx *rx)
{
	kvfree(rx->buf);
	memset(rx, 0, sizeof(*rx));
}

/**
 * xsan_rx_feed() - add received bytes to the frame being reassembled
 * @rx: the reassembly state
 * @p: the bytes
 * @n: how many
 * @used: set to how many of them were taken
 * @h: the complete frame's header (return 1)
 * @bufp: the complete frame's payload, now the caller's (return 1)
 *
 * Checks each header as soon as its 32 bytes are in (magic, version,
 * flags: a reply or a callback, never a request, length within
 * %XSAN_FRAME_MAX) and the CRC once the payload is in. Feed the bytes
 * after @used again: a call ends at the end of each frame.
 *
 * Context: process context (allocates the payload with GFP_NOFS).
 * Return: 1 if a frame is complete, 0 if all @n bytes were taken and more
 * are needed, -EBADMSG for a bad header or CRC or a request where only
 * replies and callbacks may come, -EMSGSIZE for a length beyond the frame
 * limit, -ENOMEM. After an error @rx is reset; the stream cannot be
 * resynchronised, the connection must go.
 */
int xsan_rx_feed(struct xsan_rx *rx, const u8 *p, size_t n, size_t *used,
		 struct xsan_hdr *h, struct xsan_msg_buf **bufp)
{
	size_t off = 0, k;
	int err;

	if (rx->hlen < XSAN_HDR_SIZE) {
		k = min_t(size_t, n, XSAN_HDR_SIZE - rx->hlen);
		memcpy(rx->hdr + rx->hlen, p, k);
		rx->hlen += k;
		off = k;
		if (rx->hlen < XSAN_HDR_SIZE) {
			*used = off;
			return 0;
		}
		err = xsan_hdr_decode(rx->hdr, XSAN_HDR_SIZE, &rx->h);
		if (!err && !(rx->h.flags & XSAN_F_KNOWN))
			err = -EBADMSG;
		if (err)
			goto bad;
		rx->buf = kvmalloc(struct_size(rx->buf, data, rx->h.len),
				   GFP_NOFS);
		if (!rx->buf) {
			err = -ENOMEM;
			goto bad;
		}
		rx->buf->seq = 0;
		rx->buf->len = rx->h.len;
		rx->plen = 0;
	}
	k = min_t(size_t, n - off, rx->h.len - rx->plen);
	memcpy(rx->buf->data + rx->plen, p + off, k);
	rx->plen += k;
	off += k;
	*used = off;
	if (rx->plen < rx->h.len)
		return 0;
	if (xsan_frame_verify(rx->hdr, rx->buf->data, rx->h.len, rx->h.crc)) {
		err = -EBADMSG;
		goto bad;
	}
	*h = rx->h;
	*bufp = rx->buf;
	rx->buf = NULL;
	rx->hlen = 0;
	rx->plen = 0;
	return 1;
bad:
	*used = off;
	xsan_rx_reset(rx);
	return err;
}

/* ---- the xid table (pure: the caller holds whatever lock guards it) ---- */

/**
 * xsan_xid_insert() - add a request to an xid tree
 * @root: the tree
 * @rq: the request; its xid must not be in the tree yet
 *
 * Context: the caller serialises access to @root.
 */
void xsan_xid_insert(struct rb_root *root, struct xsan_msgr_req *rq)
{
	struct rb_node **p = &root->rb_node, *parent = NULL;

	while (*p) {
		struct xsan_msgr_req *cur;

		parent = *p;
		cur = rb_entry(parent, struct xsan_msgr_req, node);
		if (rq->xid < cur->xid)
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&rq->node, parent, p);
	rb_insert_color(&rq->node, root);
}

/**
 * xsan_xid_find() - the request with an xid
 * @root: the tree
 * @xid: the xid
 *
 * Context: the caller serialises access to @root.
 * Return: the request, still in the tree, or NULL.
 */
struct xsan_msgr_req *xsan_xid_find(struct rb_root *root, u64 xid)
{
	struct rb_node *n = root->rb_node;

	while (n) {
		struct xsan_msgr_req *cur = rb_entry(n, struct xsan_msgr_req,
						     node);

		if (xid < cur->xid)
			n = n->rb_left;
		else if (xid > cur->xid)
			n = n->rb_right;
		else
			return cur;
	}
	return NULL;
}

/**
 * xsan_xid_take() - find a request and remove it from the tree
 * @root: the tree
 * @xid: the xid
 *
 * Context: the caller serialises access to @root.
 * Return: the request, now out of the tree (its node cleared), or NULL if
 * none has @xid (never sent, or cancelled, or answered already).
 */
struct xsan_msgr_req *xsan_xid_take(struct rb_root *root, u64 xid)
{
	struct xsan_msgr_req *rq = xsan_xid_find(root, xid);

	if (rq) {
		rb_erase(&rq->node, root);
		RB_CLEAR_NODE(&rq->node);
	}
	return rq;
}

/* ---- requests --------------------------------------------------------- */

static void xsan_req_release(struct kref *ref)
{
	struct xsan_msgr_req *rq = container_of(ref, struct xsan_msgr_req, ref);

	kvfree(rq->frame);
	kvfree(rq->buf);
	kfree(rq);
}

static void xsan_req_put(struct xsan_msgr_req *rq)
{
	kref_put(&rq->ref, xsan_req_release);
}

/* Take @rq out of the tree and the send queue; the tree's reference is
 * the caller's to drop. False if it was no longer there.
 */
static bool __xsan_req_unlink(struct xsan_msgr *m, struct xsan_msgr_req *rq)
{
	lockdep_assert_held(&m->lock);
	if (RB_EMPTY_NODE(&rq->node))
		return false;
	rb_erase(&rq->node, &m->reqs);
	RB_CLEAR_NODE(&rq->node);
	list_del_init(&rq->out);
	return true;
}

static void xsan_msgr_kick(struct xsan_msgr *m)
{
	queue_delayed_work(m->wq, &m->work, 0);
}

/* Encode @req into a sealed frame, of at most @cap bytes. */
static int xsan_req_frame(struct xsan_msgr_req *rq, const struct xsan_req *req,
			  u32 cap)
{
	struct xsan_hdr h = { .version = XSAN_PROTO_MAX, .opcode = req->op,
			      .xid = rq->xid };
	struct xsan_put w;

	rq->frame = kvmalloc(cap, GFP_NOFS);
	if (!rq->frame)
		return -ENOMEM;
	xsan_put_init(&w, rq->frame + XSAN_HDR_SIZE, cap - XSAN_HDR_SIZE);
	if (xsan_req_encode(&w, req)) {
		kvfree(rq->frame);
		rq->frame = NULL;
		return w.err ? w.err : -EINVAL;
	}
	h.len = w.len;
	xsan_frame_seal(rq->frame, &h);
	rq->flen = XSAN_HDR_SIZE + w.len;
	return 0;
}

/* Queue @req for sending; the caller gets a reference. */
static struct xsan_msgr_req *xsan_msgr_submit(struct xsan_msgr *m,
					      const struct xsan_req *req,
					      u8 kind)
{
	struct xsan_msgr_req *rq;
	bool open;
	int err;

	rq = kzalloc(sizeof(*rq), GFP_NOFS);
	if (!rq)
		return ERR_PTR(-ENOMEM);
	kref_init(&rq->ref);
	RB_CLEAR_NODE(&rq->node);
	INIT_LIST_HEAD(&rq->out);
	init_completion(&rq->done);
	rq->op = req->op;
	rq->kind = kind;

	spin_lock(&m->lock);
	err = m->state == XSAN_MS_CLOSED ? -ESHUTDOWN : 0;
	rq->xid = m->next_xid++;
	spin_unlock(&m->lock);
	if (err)
		goto out_free;

	err = xsan_req_frame(rq, req, XSAN_TXBUF_SMALL);
	if (err == -EMSGSIZE)
		err = xsan_req_frame(rq, req, XSAN_FRAME_MAX);
	if (err)
		goto out_free;

	spin_lock(&m->lock);
	if (m->state == XSAN_MS_CLOSED) {
		spin_unlock(&m->lock);
		err = -ESHUTDOWN;
		goto out_free;
	}
	kref_get(&rq->ref);		/* the tree's */
	xsan_xid_insert(&m->reqs, rq);
	list_add_tail(&rq->out, &m->sendq);
	open = m->state == XSAN_MS_OPEN;
	spin_unlock(&m->lock);
	if (open)
		xsan_msgr_kick(m);
	return rq;

out_free:
	xsan_req_put(rq);
	return ERR_PTR(err);
}

/* The caller gives up on @rq (killed, timed out): a reply that comes
 * later finds no xid and is dropped.
 */
static void xsan_msgr_cancel(struct xsan_msgr *m, struct xsan_msgr_req *rq)
{
	bool had;

	spin_lock(&m->lock);
	had = __xsan_req_unlink(m, rq);
	spin_unlock(&m->lock);
	if (had)
		xsan_req_put(rq);
}

/* Fail every request awaiting a reply with @err. */
static void xsan_msgr_fail_all(struct xsan_msgr *m, int err)
{
	struct xsan_msgr_req *rq, *tmp;
	struct rb_node *n;
	LIST_HEAD(done);

	spin_lock(&m->lock);
	while ((n = rb_first(&m->reqs))) {
		rq = rb_entry(n, struct xsan_msgr_req, node);
		__xsan_req_unlink(m, rq);
		rq->result = err;
		list_add_tail(&rq->out, &done);
	}
	m->hb_out = false;
	spin_unlock(&m->lock);
	list_for_each_entry_safe(rq, tmp, &done, out) {
		list_del_init(&rq->out);
		complete(&rq->done);
		xsan_req_put(rq);
	}
}

/* ---- the socket ------------------------------------------------------- */

static struct xsan_msgr *xsan_sk_msgr(struct sock *sk)
{
	return sk->sk_user_data;
}

static void xsan_sk_data_ready(struct sock *sk)
{
	struct xsan_msgr *m;

	read_lock_bh(&sk->sk_callback_lock);
	m = xsan_sk_msgr(sk);
	if (m)
		xsan_msgr_kick(m);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void xsan_sk_write_space(struct sock *sk)
{
	struct xsan_msgr *m;

	read_lock_bh(&sk->sk_callback_lock);
	m = xsan_sk_msgr(sk);
	if (m && sk_stream_is_writeable(sk))
		xsan_msgr_kick(m);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void xsan_sk_state_change(struct sock *sk)
{
	struct xsan_msgr *m;

	read_lock_bh(&sk->sk_callback_lock);
	m = xsan_sk_msgr(sk);
	if (m && sk->sk_state != TCP_ESTABLISHED)
		xsan_msgr_kick(m);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void xsan_sock_attach(struct xsan_msgr *m, struct socket *sock)
{
	struct sock *sk = sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	m->saved_data_ready = sk->sk_data_ready;
	m->saved_write_space = sk->sk_write_space;
	m->saved_state_change = sk->sk_state_change;
	sk->sk_user_data = m;
	sk->sk_data_ready = xsan_sk_data_ready;
	sk->sk_write_space = xsan_sk_write_space;
	sk->sk_state_change = xsan_sk_state_change;
	sk->sk_allocation = GFP_NOFS;
	write_unlock_bh(&sk->sk_callback_lock);
}

/* Stop the callbacks of and release the current socket. */
static void xsan_sock_drop(struct xsan_msgr *m)
{
	struct socket *sock;
	struct sock *sk;

	lockdep_assert_held(&m->mutex);
	mutex_lock(&m->sock_mutex);
	sock = m->sock;
	m->sock = NULL;
	mutex_unlock(&m->sock_mutex);
	if (!sock)
		return;
	sk = sock->sk;
	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data == m) {
		sk->sk_user_data = NULL;
		sk->sk_data_ready = m->saved_data_ready;
		sk->sk_write_space = m->saved_write_space;
		sk->sk_state_change = m->saved_state_change;
	}
	write_unlock_bh(&sk->sk_callback_lock);
	kernel_sock_shutdown(sock, SHUT_RDWR);
	sock_release(sock);
}

/* ---- receive path ----------------------------------------------------- */

static void xsan_msgr_cb_work(struct work_struct *w)
{
	struct xsan_msgr_cb *cb = container_of(w, struct xsan_msgr_cb, work);
	struct xsan_msgr *m = cb->m;
	bool closed;

	spin_lock(&m->lock);
	closed = m->state == XSAN_MS_CLOSED;
	spin_unlock(&m->lock);
	/* After close began the superblock may be gone: drop, do not call. */
	if (!closed && m->ops) {
		if (cb->reclaim && m->ops->reclaim)
			m->ops->reclaim(m->priv, cb->old_sgen);
		else if ((cb->reset || cb->reclaim) && m->ops->reset)
			m->ops->reset(m->priv);
		else if (!cb->reset && !cb->reclaim && m->ops->callback)
			m->ops->callback(m->priv, &cb->req, cb->buf);
	}
	/* fs/ says when it is done; with no reclaim op, or closed, now */
	if (cb->reclaim && (closed || !m->ops || !m->ops->reclaim))
		xsan_msgr_reclaim_done(m);
	kvfree(cb->buf);
	kfree(cb);
}

/* Queue ops->reset (@reclaim false) or ops->reclaim of the caches of
 * generation @old_sgen.
 */
static int xsan_msgr_queue_reset(struct xsan_msgr *m, bool reclaim,
				 u32 old_sgen)
{
	struct xsan_msgr_cb *cb = kzalloc(sizeof(*cb), GFP_NOFS);

	if (!cb)
		return -ENOMEM;
	INIT_WORK(&cb->work, xsan_msgr_cb_work);
	cb->m = m;
	cb->reset = !reclaim;
	cb->reclaim = reclaim;
	cb->old_sgen = old_sgen;
	queue_work(m->cb_wq, &cb->work);
	return 0;
}

/* A callback frame: decode it here, run it on the callback queue. */
static int xsan_msgr_got_callback(struct xsan_msgr *m, const struct xsan_hdr *h,
				  struct xsan_msg_buf *buf)
{
	struct xsan_msgr_cb *cb;

	if (!xsan_op_is_callback(h->opcode)) {
		kvfree(buf);
		return -EBADMSG;
	}
	cb = kzalloc(sizeof(*cb), GFP_NOFS);
	if (!cb) {
		kvfree(buf);
		return -ENOMEM;
	}
	if (xsan_cb_decode(h->opcode, buf->data, buf->len, &cb->req)) {
		kvfree(buf);
		kfree(cb);
		return -EBADMSG;
	}
	INIT_WORK(&cb->work, xsan_msgr_cb_work);
	cb->m = m;
	cb->buf = buf;
	queue_work(m->cb_wq, &cb->work);
	return 0;
}

/* A heartbeat was answered: the lease holds from when it was sent. */
static void xsan_msgr_renew(struct xsan_msgr *m, struct xsan_msgr_req *rq)
{
	struct xsan_rep *rep = NULL;
	unsigned long until;
	u32 lease = 0;

	if (!rq->status) {
		rep = kzalloc(sizeof(*rep), GFP_NOFS);
		if (rep && !xsan_rep_decode(XSAN_OP_HEARTBEAT, rq->buf->data,
					    rq->buf->len, rep))
			lease = rep->lease_ms;
		kfree(rep);
	}
	spin_lock(&m->lock);
	m->hb_out = false;
	if (!rq->status) {
		if (lease)
			WRITE_ONCE(m->lease_ms, lease);
		until = rq->sent_at + msecs_to_jiffies(m->lease_ms);
		if (time_after(until, m->lease_until))
			WRITE_ONCE(m->lease_until, until);
	} else {
		/* EKEYEXPIRED: it owes a revoke; the lease runs out */
		pr_warn_ratelimited("volume %s: metadata controller %pISpc did not renew the lease (status %u)\n",
				    m->volume, (struct sockaddr *)&m->addr,
				    rq->status);
	}
	spin_unlock(&m->lock);
	wake_up_all(&m->lease_wq);
}

/* A reply frame: hand it to whoever waits for its xid. */
static int xsan_msgr_got_reply(struct xsan_msgr *m, const struct xsan_hdr *h,
			       struct xsan_msg_buf *buf)
{
	struct xsan_msgr_req *rq;
	int err = 0;

	spin_lock(&m->lock);
	if (h->xid < XSAN_XID_FIRST || h->xid >= m->next_xid) {
		/* never sent: this is not our conversation */
		spin_unlock(&m->lock);
		kvfree(buf);
		return -EBADMSG;
	}
	rq = xsan_xid_take(&m->reqs, h->xid);
	if (!rq) {
		spin_unlock(&m->lock);
		pr_debug("volume %s: reply to xid %llu, which gave up waiting\n",
			 m->volume, h->xid);
		kvfree(buf);
		return 0;
	}
	list_del_init(&rq->out);
	if (h->opcode != rq->op) {
		rq->result = -EIO;
		err = -EBADMSG;
		kvfree(buf);
	} else {
		rq->status = h->status;
		rq->buf = buf;
	}
	spin_unlock(&m->lock);
	if (rq->kind == XSAN_RQ_HB && !err)
		xsan_msgr_renew(m, rq);
	complete(&rq->done);
	xsan_req_put(rq);
	return err;
}

/* Read whatever the socket has and dispatch every complete frame. */
static int xsan_msgr_recv(struct xsan_msgr *m)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct xsan_msg_buf *buf;
	struct xsan_hdr h;
	struct kvec iov;
	size_t off, used;
	int n, err;

	lockdep_assert_held(&m->mutex);
	for (;;) {
		iov.iov_base = m->rxbuf;
		iov.iov_len = XSAN_RXBUF;
		n = kernel_recvmsg(m->sock, &msg, &iov, 1, XSAN_RXBUF,
				   MSG_DONTWAIT);
		if (n == -EAGAIN)
			return 0;
		if (n < 0)
			return n;
		if (n == 0)
			return -ECONNRESET;
		WRITE_ONCE(m->last_rx, jiffies);
		for (off = 0; off < n; off += used) {
			err = xsan_rx_feed(&m->rx, m->rxbuf + off, n - off,
					   &used, &h, &buf);
			if (err < 0)
				return err;
			if (!err)
				continue;
			buf->seq = ++m->rx_seq;
			buf->sgen = READ_ONCE(m->sgen);
			if (h.flags & XSAN_F_CALLBACK)
				err = xsan_msgr_got_callback(m, &h, buf);
			else
				err = xsan_msgr_got_reply(m, &h, buf);
			if (err)
				return err;
		}
	}
}

/* ---- send path -------------------------------------------------------- */

static int xsan_msgr_xmit(struct xsan_msgr *m)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct xsan_msgr_req *rq;
	struct kvec iov;
	int n;

	lockdep_assert_held(&m->mutex);
	for (;;) {
		if (!m->out_cur) {
			spin_lock(&m->lock);
			rq = list_first_entry_or_null(&m->sendq,
						      struct xsan_msgr_req, out);
			if (rq) {
				list_del_init(&rq->out);
				kref_get(&rq->ref);
				rq->sent_at = jiffies;
			}
			spin_unlock(&m->lock);
			if (!rq)
				return 0;
			m->out_cur = rq;
			m->out_off = 0;
		}
		rq = m->out_cur;
		iov.iov_base = rq->frame + m->out_off;
		iov.iov_len = rq->flen - m->out_off;
		n = kernel_sendmsg(m->sock, &msg, &iov, 1, iov.iov_len);
		if (n == -EAGAIN)
			return 0;	/* sk_write_space queues us again */
		if (n < 0)
			return n;
		m->out_off += n;
		if (m->out_off == rq->flen) {
			m->out_cur = NULL;
			xsan_req_put(rq);
		}
	}
}

/* ---- connection state ------------------------------------------------- */

static bool xsan_err_malformed(int err)
{
	return err == -EBADMSG || err == -EMSGSIZE || err == -EPROTO;
}

/* The connection is gone: drop the socket, put every request that awaits
 * a reply back on the send queue for the next connection, and reconnect
 * after the backoff.
 */
static void xsan_msgr_fault(struct xsan_msgr *m, int err)
{
	struct xsan_msgr_req *rq;
	struct rb_node *n, *next;
	bool closing;
	LIST_HEAD(hb);

	lockdep_assert_held(&m->mutex);
	spin_lock(&m->lock);
	closing = m->closing;
	spin_unlock(&m->lock);
	if (closing)
		pr_debug("volume %s: connection closed during umount (error %d)\n",
			 m->volume, err);
	else if (xsan_err_malformed(err))
		pr_warn_ratelimited("volume %s: malformed frame from metadata controller %pISpc (error %d): closing the connection, reconnecting\n",
				    m->volume, (struct sockaddr *)&m->addr, err);
	else
		pr_info_ratelimited("volume %s: lost the connection to metadata controller %pISpc (error %d), reconnecting\n",
				    m->volume, (struct sockaddr *)&m->addr, err);
	xsan_sock_drop(m);
	xsan_rx_reset(&m->rx);
	if (m->out_cur) {
		xsan_req_put(m->out_cur);
		m->out_cur = NULL;
	}

	spin_lock(&m->lock);
	for (n = rb_first(&m->reqs); n; n = next) {
		next = rb_next(n);
		rq = rb_entry(n, struct xsan_msgr_req, node);
		if (rq->kind == XSAN_RQ_HB) {
			__xsan_req_unlink(m, rq);
			list_add_tail(&rq->out, &hb);
			continue;
		}
		list_move_tail(&rq->out, &m->sendq);
	}
	m->hb_out = false;
	m->kick = false;
	closing = m->closing;
	if (m->state == XSAN_MS_OPEN)
		m->state = XSAN_MS_DOWN;
	spin_unlock(&m->lock);
	while ((rq = list_first_entry_or_null(&hb, struct xsan_msgr_req, out))) {
		list_del_init(&rq->out);
		xsan_req_put(rq);
	}
	if (closing)
		xsan_msgr_fail_all(m, -ESHUTDOWN);
	else
		queue_delayed_work(m->wq, &m->work, m->backoff);
}

/* Start heartbeats on a new session: first after a third of the lease. */
static void xsan_msgr_hb_arm(struct xsan_msgr *m)
{
	u32 ms = READ_ONCE(m->lease_ms);
	bool closing;

	spin_lock(&m->lock);
	closing = m->closing || m->state == XSAN_MS_CLOSED;
	spin_unlock(&m->lock);
	if (closing)
		return;
	queue_delayed_work(m->wq, &m->hb_work,
			   max(msecs_to_jiffies(ms / 3), 1UL));
}

/* Put an authenticated socket to work. */
static void xsan_msgr_up(struct xsan_msgr *m, struct socket *sock,
			 u64 session, u32 lease_ms, unsigned long t0,
			 bool new_session, bool reclaim)
{
	spin_lock(&m->lock);
	m->session = session;
	if (reclaim)
		WRITE_ONCE(m->reclaiming, m->reclaiming + 1);
	if (new_session) {
		/* Before the lease is renewed: a reader that sees the new
		 * lease sees the new generation (xsan_msgr_lease_gen()).
		 */
		WRITE_ONCE(m->sgen, m->sgen + 1);
		smp_wmb();	/* sgen before lease_until: lease_gen()'s rmb */
	}
	if (lease_ms)
		WRITE_ONCE(m->lease_ms, lease_ms);
	WRITE_ONCE(m->lease_until, t0 + msecs_to_jiffies(m->lease_ms));
	WRITE_ONCE(m->last_rx, jiffies);
	m->hb_out = false;
	m->kick = false;
	if (m->state == XSAN_MS_DOWN)
		m->state = XSAN_MS_OPEN;
	spin_unlock(&m->lock);
	xsan_sock_attach(m, sock);
	wake_up_all(&m->lease_wq);
	/* bytes that came before the callbacks, and the send queue */
	xsan_msgr_kick(m);
	xsan_msgr_hb_arm(m);
}

static int xsan_msgr_new_sock(struct xsan_msgr *m, struct socket **out)
{
	struct socket *sock;
	bool closed;
	int err;

	err = sock_create_kern(m->net, m->addr.ss_family, SOCK_STREAM,
			       IPPROTO_TCP, &sock);
	if (err)
		return err;
	sock->sk->sk_allocation = GFP_NOFS;
	mutex_lock(&m->sock_mutex);
	spin_lock(&m->lock);
	closed = m->state == XSAN_MS_CLOSED || m->closing;
	spin_unlock(&m->lock);
	if (!closed)
		m->sock = sock;
	mutex_unlock(&m->sock_mutex);
	if (closed) {
		sock_release(sock);
		return -ESHUTDOWN;
	}
	*out = sock;
	return 0;
}

/* One reconnect attempt: HELLO, AUTH, RECONNECT with the old session. */
static void xsan_msgr_reconnect(struct xsan_msgr *m)
{
	unsigned long t0 = jiffies;
	struct xsan_con_recon rc = {};
	struct xsan_probe res;
	struct socket *sock;
	bool reset = false, reclaim = false;
	u64 old, session;
	u32 lease;
	int err;

	lockdep_assert_held(&m->mutex);
	spin_lock(&m->lock);
	old = m->session;
	spin_unlock(&m->lock);
	err = xsan_msgr_new_sock(m, &sock);
	if (err == -ESHUTDOWN)
		return;
	if (!err)
		err = xsan_con_handshake(sock, &m->addr, m->timeout, m->volume,
					 &m->id, old, &res, &rc);
	if (err) {
		xsan_sock_drop(m);
		/* the first failure of a series is news, the rest are not */
		if (m->backoff == XSAN_BACKOFF_MIN)
			pr_info("volume %s: reconnecting to metadata controller %pISpc failed (error %d), retrying up to every %u ms\n",
				m->volume, (struct sockaddr *)&m->addr, err,
				jiffies_to_msecs(XSAN_BACKOFF_MAX));
		else
			pr_debug("volume %s: reconnect failed (error %d), next in %u ms\n",
				 m->volume, err, jiffies_to_msecs(m->backoff));
		queue_delayed_work(m->wq, &m->work, m->backoff);
		m->backoff = min_t(unsigned long, m->backoff * 2,
				   XSAN_BACKOFF_MAX);
		return;
	}
	m->backoff = XSAN_BACKOFF_MIN;
	if (rc.status) {
		/* ESTALE: it forgot us; the fresh session from AUTH stands */
		session = res.session;
		lease = res.lease_ms;
		reset = true;
	} else {
		session = rc.session;
		lease = rc.lease_ms;
		/* the MDC restarted: our tokens went, but may be reclaimed */
		reclaim = rc.flags & XSAN_RECON_RECLAIM;
		reset = reclaim;
	}
	pr_info("volume %s: reconnected to metadata controller %pISpc, session %016llx%s\n",
		m->volume, (struct sockaddr *)&m->addr, session,
		reclaim ? " (it restarted: reclaiming our tokens)" :
		reset ? " (new session: cached tokens dropped)" : "");
	/* The generation is bumped in xsan_msgr_up(), synchronously, before
	 * the lease is renewed and before any frame of the new connection is
	 * read; the reset only cleans up what the old session left, and the
	 * reclaim takes back what it can of it (the lease does not count
	 * until it is done).
	 */
	if (reset && xsan_msgr_queue_reset(m, reclaim, READ_ONCE(m->sgen))) {
		pr_warn("volume %s: out of memory for the session reset\n",
			m->volume);
		reclaim = false;
	}
	xsan_msgr_up(m, sock, session, lease, t0, reset, reclaim);
}

static void xsan_msgr_workfn(struct work_struct *w)
{
	struct xsan_msgr *m = container_of(to_delayed_work(w),
					   struct xsan_msgr, work);
	enum xsan_msgr_state state;
	unsigned int nofs;
	bool kick;
	int err;

	mutex_lock(&m->mutex);
	nofs = memalloc_nofs_save();
	spin_lock(&m->lock);
	state = m->state;
	kick = m->kick;
	spin_unlock(&m->lock);
	if (state == XSAN_MS_CLOSED)
		goto out;
	if (!m->sock) {
		if (state == XSAN_MS_DOWN)
			xsan_msgr_reconnect(m);
		goto out;
	}
	err = kick ? -ETIMEDOUT : xsan_msgr_recv(m);
	if (!err)
		err = xsan_msgr_xmit(m);
	if (err)
		xsan_msgr_fault(m, err);
out:
	memalloc_nofs_restore(nofs);
	mutex_unlock(&m->mutex);
}

/* Every lease/3: HEARTBEAT. A connection silent for longer than both the
 * lease and the timeout while a heartbeat waits is dropped, so that a
 * hard mount's calls go out again on a new one.
 */
static void xsan_msgr_hb_workfn(struct work_struct *w)
{
	struct xsan_msgr *m = container_of(to_delayed_work(w),
					   struct xsan_msgr, hb_work);
	struct xsan_req *req;
	struct xsan_msgr_req *rq;
	unsigned long silent;
	bool send = false;

	silent = max(msecs_to_jiffies(READ_ONCE(m->lease_ms)),
		     (unsigned long)m->timeout * HZ);
	spin_lock(&m->lock);
	if (m->state == XSAN_MS_CLOSED || m->closing) {
		spin_unlock(&m->lock);
		return;
	}
	if (m->state == XSAN_MS_OPEN) {
		if (!m->hb_out) {
			m->hb_out = true;
			send = true;
		} else if (time_after(jiffies, READ_ONCE(m->last_rx) + silent)) {
			m->kick = true;
		}
	}
	spin_unlock(&m->lock);

	if (send) {
		rq = ERR_PTR(-ENOMEM);
		req = kzalloc(sizeof(*req), GFP_NOFS);
		if (req) {
			req->op = XSAN_OP_HEARTBEAT;
			rq = xsan_msgr_submit(m, req, XSAN_RQ_HB);
			kfree(req);
		}
		if (IS_ERR(rq)) {
			spin_lock(&m->lock);
			m->hb_out = false;
			spin_unlock(&m->lock);
		} else {
			xsan_req_put(rq);
		}
	}
	if (READ_ONCE(m->kick))
		xsan_msgr_kick(m);
	xsan_msgr_hb_arm(m);
}

/* ---- the API ---------------------------------------------------------- */

static void xsan_msgr_free(struct xsan_msgr *m)
{
	if (m->wq)
		destroy_workqueue(m->wq);
	if (m->cb_wq)
		destroy_workqueue(m->cb_wq);
	xsan_rx_reset(&m->rx);
	kfree(m->rxbuf);
	memzero_explicit(&m->id, sizeof(m->id));
	if (m->net)
		put_net(m->net);
	kfree(m);
}

/**
 * xsan_msgr_open() - connect to the MDC and open a session
 * @a: where and how
 * @ops: fs/'s callbacks (may be called as soon as this returns)
 * @priv: their argument
 * @out: the messenger
 * @res: what the MDC answered, for the mount's error sentences
 *
 * Runs the handshake in the caller's context: the volume secret comes from
 * the caller's keyrings (and is kept, for reconnects), and a signal ends
 * the wait.
 *
 * Context: process context (mount), may sleep.
 * Return: 0, or the errors of xsan_con_handshake(), or -ENOMEM.
 */
int xsan_msgr_open(const struct xsan_msgr_args *a,
		   const struct xsan_msgr_ops *ops, void *priv,
		   struct xsan_msgr **out, struct xsan_probe *res)
{
	unsigned long t0 = jiffies;
	struct xsan_msgr *m;
	struct socket *sock;
	int err;

	memset(res, 0, sizeof(*res));
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->addr = a->addr;
	m->net = get_net(a->net);
	strscpy(m->volume, a->volume, sizeof(m->volume));
	m->timeout = a->timeout;
	m->soft = a->soft;
	m->ops = ops;
	m->priv = priv;
	mutex_init(&m->mutex);
	mutex_init(&m->sock_mutex);
	spin_lock_init(&m->lock);
	m->state = XSAN_MS_DOWN;
	m->reqs = RB_ROOT;
	INIT_LIST_HEAD(&m->sendq);
	m->next_xid = XSAN_XID_FIRST;
	m->backoff = XSAN_BACKOFF_MIN;
	m->lease_ms = 30000;
	init_waitqueue_head(&m->lease_wq);
	INIT_DELAYED_WORK(&m->work, xsan_msgr_workfn);
	INIT_DELAYED_WORK(&m->hb_work, xsan_msgr_hb_workfn);
	get_random_bytes(m->id.uuid, sizeof(m->id.uuid));
	if (a->secret)
		m->id.secret = *a->secret;

	err = -ENOMEM;
	m->rxbuf = kmalloc(XSAN_RXBUF, GFP_KERNEL);
	m->wq = alloc_workqueue("xsan-msgr-%s", WQ_MEM_RECLAIM, 0, m->volume);
	m->cb_wq = alloc_ordered_workqueue("xsan-cb-%s", WQ_MEM_RECLAIM,
					   m->volume);
	if (!m->rxbuf || !m->wq || !m->cb_wq)
		goto out_free;

	err = xsan_msgr_new_sock(m, &sock);
	if (err)
		goto out_free;
	err = xsan_con_handshake(sock, &m->addr, m->timeout, m->volume, &m->id,
				 0, res, NULL);
	if (err) {
		mutex_lock(&m->mutex);
		xsan_sock_drop(m);
		mutex_unlock(&m->mutex);
		goto out_free;
	}
	xsan_msgr_up(m, sock, res->session, res->lease_ms, t0, false, false);
	*out = m;
	return 0;

out_free:
	xsan_msgr_free(m);
	return err;
}

/**
 * xsan_msgr_close() - end the session and free the messenger
 * @m: the messenger (may be NULL)
 *
 * Says GOODBYE if connected (waiting at most a couple of seconds), stops
 * heartbeats and reconnects, fails every call still waiting with
 * -ESHUTDOWN, waits for running callbacks, and frees everything. Bounded
 * even if the MDC is gone: an aborted handshake ends at once.
 *
 * Context: process context, may sleep; no messenger call may be made
 * after it starts except from the callbacks it waits for (those fail).
 */
void xsan_msgr_close(struct xsan_msgr *m)
{
	struct xsan_req *req;
	struct xsan_msgr_req *rq = NULL;
	bool open;

	if (!m)
		return;
	spin_lock(&m->lock);
	m->closing = true;
	open = m->state == XSAN_MS_OPEN;
	spin_unlock(&m->lock);

	if (open) {
		req = kzalloc(sizeof(*req), GFP_KERNEL);
		if (req) {
			req->op = XSAN_OP_GOODBYE;
			rq = xsan_msgr_submit(m, req, XSAN_RQ_CALL);
			kfree(req);
		}
		if (!IS_ERR_OR_NULL(rq)) {
			unsigned long wait = min(m->timeout, XSAN_GOODBYE_SECS) * HZ;

			wait_for_completion_killable_timeout(&rq->done, wait);
			xsan_msgr_cancel(m, rq);
			xsan_req_put(rq);
		}
	}

	spin_lock(&m->lock);
	m->state = XSAN_MS_CLOSED;
	spin_unlock(&m->lock);
	wake_up_all(&m->lease_wq);
	/* a handshake in progress fails at once */
	mutex_lock(&m->sock_mutex);
	if (m->sock)
		kernel_sock_shutdown(m->sock, SHUT_RDWR);
	mutex_unlock(&m->sock_mutex);

	/* The work first: a reconnect that finished just now arms the
	 * heartbeat. After both, nothing queues them with a delay again (a
	 * socket callback may still queue the work at once: it sees CLOSED,
	 * and destroy_workqueue() waits for it).
	 */
	cancel_delayed_work_sync(&m->work);
	cancel_delayed_work_sync(&m->hb_work);
	mutex_lock(&m->mutex);
	xsan_sock_drop(m);
	if (m->out_cur) {
		xsan_req_put(m->out_cur);
		m->out_cur = NULL;
	}
	mutex_unlock(&m->mutex);
	xsan_msgr_fail_all(m, -ESHUTDOWN);
	/* destroy_workqueue() drains: queued callbacks see CLOSED and drop */
	xsan_msgr_free(m);
}

/* The errno of a reply's status: one of the protocol's, or -EIO for
 * anything else (512-529 would reach aio and userspace as
 * -ERESTARTSYS, -EIOCBQUEUED ... and mean something else there).
 */
static int xsan_msgr_status_errno(struct xsan_msgr *m, u16 op, u32 status)
{
	if (status && status <= XSAN_ERRNO_MAX)
		return -(int)status;
	pr_warn_ratelimited("volume %s: metadata controller %pISpc answered %s with status %u, which is no errno of the protocol: taken as EIO\n",
			    m->volume, (struct sockaddr *)&m->addr,
			    xsan_op_name(op), status);
	return -EIO;
}

/* Send @req, wait at most @wait jiffies (MAX_SCHEDULE_TIMEOUT: until the
 * reply or a fatal signal), decode the reply.
 */
static int __xsan_msgr_call(struct xsan_msgr *m, const struct xsan_req *req,
			    struct xsan_rep *rep, struct xsan_msg_buf **bufp,
			    long wait)
{
	struct xsan_msgr_req *rq;
	struct xsan_msg_buf *buf;
	long left;
	int err;

	*bufp = NULL;
	rq = xsan_msgr_submit(m, req, XSAN_RQ_CALL);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	left = wait_for_completion_killable_timeout(&rq->done, wait);
	err = left > 0 ? 0 : left ? (int)left : -ETIMEDOUT;
	if (err) {
		xsan_msgr_cancel(m, rq);
		xsan_req_put(rq);
		return err;
	}
	err = rq->result;
	if (!err && rq->status)
		err = xsan_msgr_status_errno(m, req->op, rq->status);
	buf = rq->buf;
	rq->buf = NULL;
	xsan_req_put(rq);
	if (err) {
		kvfree(buf);
		return err;
	}
	if (xsan_rep_decode(req->op, buf->data, buf->len, rep)) {
		pr_warn_ratelimited("volume %s: metadata controller %pISpc sent a malformed %s reply\n",
				    m->volume, (struct sockaddr *)&m->addr,
				    xsan_op_name(req->op));
		kvfree(buf);
		return -EIO;
	}
	*bufp = buf;
	return 0;
}

/**
 * xsan_msgr_call() - send a request and wait for its reply
 * @m: the messenger
 * @req: the request
 * @rep: the decoded reply (status 0)
 * @bufp: the reply's payload, which @rep points into; the caller frees it
 *	with xsan_msg_buf_free(). NULL on error.
 *
 * On a hard mount the wait ends only with the reply or a fatal signal: a
 * request whose connection broke is sent again on the next one, so a
 * non-idempotent request (CREATE, UNLINK, RENAME ...) that was carried out
 * before the break may answer EEXIST or ENOENT the second time; callers
 * find out by asking again (Documentation/protocol.rst). On a soft mount
 * it ends after the mount's timeout.
 *
 * Context: process context, may sleep.
 * Return: 0 with *@rep and *@bufp, -status for an error reply, -EIO for a
 * reply that does not decode, -ERESTARTSYS on a fatal signal, -ETIMEDOUT
 * (soft mounts), -ESHUTDOWN after close began, -ENOMEM, or the encoding
 * error of @req (-EINVAL, -EMSGSIZE).
 */
int xsan_msgr_call(struct xsan_msgr *m, const struct xsan_req *req,
		   struct xsan_rep *rep, struct xsan_msg_buf **bufp)
{
	return __xsan_msgr_call(m, req, rep, bufp,
				m->soft ? (long)m->timeout * HZ :
					  MAX_SCHEDULE_TIMEOUT);
}

/**
 * xsan_msgr_call_bounded() - xsan_msgr_call() that waits at most timeout=
 * @m: the messenger
 * @req: the request
 * @rep: the decoded reply
 * @bufp: its payload
 *
 * For requests nothing depends on, where an answer later is worth less
 * than an error now, even on a hard mount: statfs(2), which umount(8) and
 * df call and which must not hang them while the MDC is away.
 *
 * Context: process context, may sleep.
 * Return: as xsan_msgr_call(), with -ETIMEDOUT on hard mounts too.
 */
int xsan_msgr_call_bounded(struct xsan_msgr *m, const struct xsan_req *req,
			   struct xsan_rep *rep, struct xsan_msg_buf **bufp)
{
	return __xsan_msgr_call(m, req, rep, bufp, (long)m->timeout * HZ);
}

/**
 * xsan_msgr_abort() - fail every call waiting now with -EIO
 * @m: the messenger
 *
 * For ``umount -f`` (umount_begin): tasks stuck on a hard mount whose MDC
 * is gone get an error and let go of the mount. Calls made afterwards wait
 * as before.
 *
 * Context: process context.
 */
void xsan_msgr_abort(struct xsan_msgr *m)
{
	pr_info("volume %s: forced unmount: failing the calls waiting for metadata controller %pISpc\n",
		m->volume, (struct sockaddr *)&m->addr);
	spin_lock(&m->lock);
	m->aborts++;
	spin_unlock(&m->lock);
	xsan_msgr_fail_all(m, -EIO);
	wake_up_all(&m->lease_wq);
}

/**
 * xsan_msgr_send() - send a request without waiting for its reply
 * @m: the messenger
 * @req: the request (TOKEN_PUT from inode eviction)
 *
 * The request is sent (again after a reconnect) until the MDC answers;
 * the answer is dropped.
 *
 * Context: process context, may sleep (allocates with GFP_NOFS).
 * Return: 0 if queued, -ESHUTDOWN, -ENOMEM, or the encoding error.
 */
int xsan_msgr_send(struct xsan_msgr *m, const struct xsan_req *req)
{
	struct xsan_msgr_req *rq = xsan_msgr_submit(m, req, XSAN_RQ_ASYNC);

	if (IS_ERR(rq))
		return PTR_ERR(rq);
	xsan_req_put(rq);
	return 0;
}

/**
 * xsan_msgr_session() - the current session id
 * @m: the messenger
 *
 * Context: any context.
 * Return: the session id (it changes if a reconnect got a new session).
 */
u64 xsan_msgr_session(struct xsan_msgr *m)
{
	u64 s;

	spin_lock(&m->lock);
	s = m->session;
	spin_unlock(&m->lock);
	return s;
}

/**
 * xsan_msgr_lease_ms() - the lease period the MDC gave
 * @m: the messenger
 *
 * Context: any context.
 * Return: milliseconds.
 */
u32 xsan_msgr_lease_ms(struct xsan_msgr *m)
{
	return READ_ONCE(m->lease_ms);
}

/**
 * xsan_msgr_lease_valid() - does the MDC still count our tokens as ours?
 * @m: the messenger
 *
 * The lease runs from when the last answered renewal (HEARTBEAT, or the
 * handshake) was sent, not from when its answer came, so it never
 * outlives the MDC's view of it. When it has run out the MDC may have
 * given our tokens to another client: cached data and attributes must not
 * be trusted and the LUNs must not be written until the session is back.
 *
 * Context: any context.
 * Return: true while the lease holds.
 */
bool xsan_msgr_lease_valid(struct xsan_msgr *m)
{
	return time_before(jiffies, READ_ONCE(m->lease_until));
}

/**
 * xsan_msgr_lease_gen() - does the lease hold, and for which session?
 * @m: the messenger
 * @gen: set to the session generation the lease belongs to
 *
 * The generation is read after the lease, and xsan_msgr_up() bumps it
 * before it renews the lease: whoever sees the new session's lease sees
 * its generation, so nothing granted under the old one passes a check
 * that compares against @gen.
 *
 * Context: any context.
 * Return: true while the lease holds.
 */
bool xsan_msgr_lease_gen(struct xsan_msgr *m, u32 *gen)
{
	bool ok = time_before(jiffies, READ_ONCE(m->lease_until));

	smp_rmb();	/* pairs with the smp_wmb() of xsan_msgr_up() */
	*gen = READ_ONCE(m->sgen);
	/* set before the generation bump: seen by whoever sees the new one */
	return ok && !READ_ONCE(m->reclaiming);
}

/* Why a wait begun at @start, with @aborts aborts seen then, must end
 * now: -ESHUTDOWN (closed), -EIO (umount -f since), -ETIMEDOUT (a soft
 * mount's timeout=); 0 to wait on.
 */
static int xsan_msgr_wait_over(struct xsan_msgr *m, unsigned long start,
			       u32 aborts)
{
	bool closed, aborted;

	spin_lock(&m->lock);
	closed = m->state == XSAN_MS_CLOSED;
	aborted = m->aborts != aborts;
	spin_unlock(&m->lock);
	if (closed)
		return -ESHUTDOWN;
	if (aborted)
		return -EIO;
	if (m->soft && time_after(jiffies, start + m->timeout * HZ))
		return -ETIMEDOUT;
	return 0;
}

/**
 * xsan_msgr_reclaiming() - is a reclaim after an MDC restart under way?
 * @m: the messenger
 *
 * Context: any context.
 * Return: true from the RECONNECT that said RECLAIM until fs/ called
 * xsan_msgr_reclaim_done().
 */
bool xsan_msgr_reclaiming(struct xsan_msgr *m)
{
	return READ_ONCE(m->reclaiming);
}

/**
 * xsan_msgr_reclaim_wait() - wait until a reclaim under way is done
 * @m: the messenger
 *
 * For whoever would ask the MDC for a token: not before the reclaim took
 * back what we held (a plain TOKEN_GET of ours granted first could make
 * the MDC refuse the reclaim of another client). A hard mount waits as
 * long as it takes (the reclaim's calls wait for the MDC); a soft one at
 * most timeout=.
 *
 * Context: process context, may sleep; not from the reclaim itself.
 * Return: 0, -ETIMEDOUT (soft), -EIO (umount -f), -ESHUTDOWN (close), or
 * -ERESTARTSYS (fatal signal).
 */
int xsan_msgr_reclaim_wait(struct xsan_msgr *m)
{
	unsigned long start = jiffies;
	u32 aborts;
	long left;

	if (!READ_ONCE(m->reclaiming))
		return 0;
	spin_lock(&m->lock);
	aborts = m->aborts;
	spin_unlock(&m->lock);
	while (READ_ONCE(m->reclaiming)) {
		int err = xsan_msgr_wait_over(m, start, aborts);

		if (err)
			return err;
		left = wait_event_killable_timeout(m->lease_wq,
						   !READ_ONCE(m->reclaiming),
						   HZ);
		if (left < 0)
			return left;
	}
	return 0;
}

/**
 * xsan_msgr_reclaim_done() - the reclaim of ops->reclaim is over
 * @m: the messenger
 *
 * The lease counts again; whoever waits for it or for the reclaim goes on.
 *
 * Context: any context that may sleep.
 */
void xsan_msgr_reclaim_done(struct xsan_msgr *m)
{
	spin_lock(&m->lock);
	if (m->reclaiming)
		WRITE_ONCE(m->reclaiming, m->reclaiming - 1);
	spin_unlock(&m->lock);
	wake_up_all(&m->lease_wq);
}

/**
 * xsan_msgr_sgen() - the session generation now
 * @m: the messenger
 *
 * Context: any context.
 * Return: the number of sessions lost (ESTALE, RECLAIM) since mount.
 */
u32 xsan_msgr_sgen(struct xsan_msgr *m)
{
	return READ_ONCE(m->sgen);
}

/**
 * xsan_msgr_lease_wait() - wait until the lease holds
 * @m: the messenger
 * @gen: set to the session generation the lease belongs to
 *
 * The fence of the data path (DESIGN.md 7): no bio goes to a LUN while the
 * lease is out, because the MDC may have given our blocks and tokens to
 * another client. A hard mount waits, as for any call, until a renewal or
 * a reconnect brings the lease back (the caller compares @gen with the
 * generation its state was built under: a new session is no licence to
 * write what the old one dirtied); a soft mount waits at most timeout=.
 *
 * Context: process context, may sleep.
 * Return: 0, -ETIMEDOUT (soft), -EIO (umount -f), -ESHUTDOWN (close), or
 * -ERESTARTSYS (fatal signal).
 */
int xsan_msgr_lease_wait(struct xsan_msgr *m, u32 *gen)
{
	unsigned long start = jiffies;
	bool told = false;
	u32 aborts;
	long left;

	if (xsan_msgr_lease_gen(m, gen))
		return 0;
	spin_lock(&m->lock);
	aborts = m->aborts;
	spin_unlock(&m->lock);
	for (;;) {
		int err;

		if (xsan_msgr_lease_gen(m, gen))
			return 0;
		err = xsan_msgr_wait_over(m, start, aborts);
		if (err)
			return err;
		if (!told && READ_ONCE(m->reclaiming)) {
			pr_info_ratelimited("volume %s: I/O to the LUNs waits until our tokens are reclaimed from the restarted metadata controller\n",
					    m->volume);
			told = true;
		} else if (!told) {
			pr_info_ratelimited("volume %s: lease expired: I/O to the LUNs waits for metadata controller %pISpc\n",
					    m->volume,
					    (struct sockaddr *)&m->addr);
			told = true;
		}
		left = wait_event_killable_timeout(m->lease_wq,
						   xsan_msgr_lease_valid(m) &&
						   !READ_ONCE(m->reclaiming),
						   HZ);
		if (left < 0)
			return left;
	}
}

/**
 * xsan_msgr_flush_callbacks() - wait for the callbacks queued so far
 * @m: the messenger
 *
 * Context: process context, may sleep; not from a callback.
 */
void xsan_msgr_flush_callbacks(struct xsan_msgr *m)
{
	flush_workqueue(m->cb_wq);
}

/**
 * xsan_msgr_addr() - the MDC's address, for messages and /proc/mounts
 * @m: the messenger
 *
 * Context: any context.
 * Return: the address mount was given (fixed for the messenger's life).
 */
const struct sockaddr *xsan_msgr_addr(struct xsan_msgr *m)
{
	return (const struct sockaddr *)&m->addr;
}
