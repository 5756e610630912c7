// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the whole messenger over loopback TCP, against a small
 * fake MDC in a kernel thread: the handshake, calls and error replies, a
 * reply with a bad CRC (the connection is dropped, the messenger
 * reconnects with RECONNECT, gets ESTALE, resets and sends the call
 * again), a reply that does not decode (EIO), a silent MDC on a soft mount
 * (ETIMEDOUT), a REVOKE callback and its receive order, and close with
 * calls in flight. Under UML with KASAN and lockdep this is where the
 * messenger's locking and lifetimes get checked.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/in.h>
#include <linux/inetdevice.h>
#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "fs/xsan.h"
#include "xsanfs/msg.h"

#define FAKE_VOLUME	"kvol"
#define FAKE_LEASE_MS	900	/* heartbeats every 300 ms */

/* What the fake MDC does to the first GETATTR of its first connection. */
enum fake_mode {
	FAKE_OK,
	FAKE_BAD_CRC,		/* a reply whose CRC is wrong */
	FAKE_GARBAGE,		/* a reply that does not decode */
	FAKE_SILENT,		/* no reply at all (nor to GOODBYE) */
	FAKE_REVOKE,		/* the reply, then a REVOKE callback */
	FAKE_DEAF,		/* from then on, nothing on that connection */
	FAKE_STATUS529,		/* status 529 (EIOCBQUEUED), no errno */
	FAKE_HB_REFUSED,	/* every HEARTBEAT answered EKEYEXPIRED */
	FAKE_RECLAIM,		/* a bad CRC, then RECONNECT -> 0, RECLAIM */
};

struct fake_mdc {
	struct socket *lsock;
	struct task_struct *thread;
	struct sockaddr_in addr;
	struct xsan_secret secret;
	enum fake_mode mode;
	struct mutex lock;		/* protects @csock */
	struct socket *csock;		/* the connection being served */
	atomic_t conns;			/* connections accepted */
	atomic_t heartbeats;		/* HEARTBEATs answered */
	atomic_t reconnects;		/* RECONNECTs answered (ESTALE) */
	atomic_t goodbyes;
	u64 next_session;
	bool stop;
	u8 buf[XSAN_HDR_SIZE + 4096];
	u8 out[XSAN_HDR_SIZE + 4096];
};

/* What the test's ops saw. */
struct fake_priv {
	atomic_t resets;
	atomic_t reclaims;
	u32 reclaim_old;
	struct completion reclaim_in;	/* ops->reclaim has begun */
	struct completion reclaim_go;	/* ... and may end now */
	struct xsan_msgr *m;
	atomic_t callbacks;
	u32 cb_types;
	u64 cb_seq;
	struct completion cb_done;
};

static int fake_recv(struct socket *s, u8 *buf, size_t len)
{
	struct msghdr msg = {};
	struct kvec iov;
	size_t have = 0;
	int n;

	while (have < len) {
		iov.iov_base = buf + have;
		iov.iov_len = len - have;
		n = kernel_recvmsg(s, &msg, &iov, 1, len - have, 0);
		if (n <= 0)
			return n ? n : -ECONNRESET;
		have += n;
	}
	return 0;
}

static int fake_send(struct socket *s, const u8 *buf, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	int n = kernel_sendmsg(s, &msg, &iov, 1, len);

	return n == len ? 0 : -EIO;
}

/* Send a frame: @rep encoded (or @raw bytes if @raw) as @flags/@status. */
static int fake_frame(struct fake_mdc *f, struct socket *s, u16 op, u64 xid,
		      u32 flags, u32 status, const struct xsan_rep *rep,
		      const struct xsan_req *cb, const u8 *raw, u32 rawlen,
		      bool bad_crc)
{
	struct xsan_hdr h = { .version = 1, .opcode = op, .flags = flags,
			      .xid = xid, .status = status };
	struct xsan_put w;

	xsan_put_init(&w, f->out + XSAN_HDR_SIZE, sizeof(f->out) - XSAN_HDR_SIZE);
	if (raw)
		xsan_put_bytes(&w, raw, rawlen);
	else if (cb)
		xsan_cb_encode(&w, cb);
	else if (rep && !status)
		xsan_rep_encode(&w, rep);
	if (w.err)
		return w.err;
	h.len = w.len;
	xsan_frame_seal(f->out, &h);
	if (bad_crc)
		f->out[28] ^= 1;
	return fake_send(s, f->out, XSAN_HDR_SIZE + w.len);
}

/* Serve one connection until it closes. */
static void fake_serve(struct fake_mdc *f, struct socket *s, int conn)
{
	struct xsan_req *req = kzalloc(sizeof(*req), GFP_KERNEL);
	struct xsan_rep *rep = kzalloc(sizeof(*rep), GFP_KERNEL);
	u8 uuid[XSAN_UUID_SIZE], cnonce[XSAN_NONCE_SIZE];
	bool first_getattr = true;
	struct xsan_hdr h;
	int err;

	if (!req || !rep)
		goto out;
	for (;;) {
		err = fake_recv(s, f->buf, XSAN_HDR_SIZE);
		if (err || xsan_hdr_decode(f->buf, XSAN_HDR_SIZE, &h) ||
		    h.len > sizeof(f->buf) - XSAN_HDR_SIZE)
			break;
		if (fake_recv(s, f->buf + XSAN_HDR_SIZE, h.len))
			break;
		memset(req, 0, sizeof(*req));
		memset(rep, 0, sizeof(*rep));
		rep->op = h.opcode;
		if (xsan_req_decode(h.opcode, f->buf + XSAN_HDR_SIZE, h.len, req))
			break;
		switch (h.opcode) {
		case XSAN_OP_HELLO:
			memcpy(uuid, req->uuid, sizeof(uuid));
			memcpy(cnonce, req->nonce, sizeof(cnonce));
			rep->version = 1;
			get_random_bytes(rep->nonce, sizeof(rep->nonce));
			xsan_auth_proof(&f->secret, XSAN_AUTH_MDC_LABEL, FAKE_VOLUME,
					uuid, cnonce, rep->nonce, rep->proof);
			err = fake_frame(f, s, h.opcode, h.xid, XSAN_F_REPLY, 0,
					 rep, NULL, NULL, 0, false);
			break;
		case XSAN_OP_AUTH:
			rep->session = ++f->next_session;
			rep->lease_ms = FAKE_LEASE_MS;
			rep->grace_ms = 1000;
			err = fake_frame(f, s, h.opcode, h.xid, XSAN_F_REPLY, 0,
					 rep, NULL, NULL, 0, false);
			break;
		case XSAN_OP_RECONNECT:
			atomic_inc(&f->reconnects);
			if (f->mode == FAKE_RECLAIM) {
				/* a restart that kept the session */
				rep->session = req->session;
				rep->lease_ms = FAKE_LEASE_MS;
				rep->grace_ms = 1000;
				rep->flags = XSAN_RECON_RECLAIM;
				err = fake_frame(f, s, h.opcode, h.xid,
						 XSAN_F_REPLY, 0, rep, NULL,
						 NULL, 0, false);
				break;
			}
			err = fake_frame(f, s, h.opcode, h.xid, XSAN_F_REPLY,
					 ESTALE, NULL, NULL, NULL, 0, false);
			break;
		case XSAN_OP_HEARTBEAT:
			if (f->mode == FAKE_DEAF && conn == 1 && !first_getattr) {
				err = 0;
				break;
			}
			if (f->mode == FAKE_HB_REFUSED) {
				err = fake_frame(f, s, h.opcode, h.xid,
						 XSAN_F_REPLY, EKEYEXPIRED, NULL,
						 NULL, NULL, 0, false);
				break;
			}
			atomic_inc(&f->heartbeats);
			rep->lease_ms = FAKE_LEASE_MS;
			err = fake_frame(f, s, h.opcode, h.xid, XSAN_F_REPLY, 0,
					 rep, NULL, NULL, 0, false);
			break;
		case XSAN_OP_GOODBYE:
			atomic_inc(&f->goodbyes);
			if (f->mode != FAKE_SILENT)
				fake_frame(f, s, h.opcode, h.xid, XSAN_F_REPLY, 0,
					   rep, NULL, NULL, 0, false);
			goto out;
		case XSAN_OP_LOOKUP:
			err = fake_frame(f, s, h.opcode, h.xid, XSAN_F_REPLY,
					 ENOENT, NULL, NULL, NULL, 0, false);
			break;
		case XSAN_OP_GETATTR: {
			enum fake_mode mode = first_getattr && conn == 1 ?
					      f->mode : FAKE_OK;
			static const u8 junk[3] = { 1, 2, 3 };

			first_getattr = false;
			rep->nattr = 1;
			rep->attr[0].ino = req->fid.ino;
			rep->attr[0].gen = req->fid.gen;
			rep->attr[0].mode = S_IFDIR | 0755;
			rep->attr[0].nlink = 2;
			if (mode == FAKE_SILENT || mode == FAKE_DEAF ||
			    (f->mode == FAKE_DEAF && conn == 1)) {
				err = 0;
				break;
			}
			if (mode == FAKE_STATUS529) {
				err = fake_frame(f, s, h.opcode, h.xid,
						 XSAN_F_REPLY, 529, NULL, NULL,
						 NULL, 0, false);
				break;
			}
			err = fake_frame(f, s, h.opcode, h.xid, XSAN_F_REPLY, 0,
					 rep, NULL,
					 mode == FAKE_GARBAGE ? junk : NULL,
					 sizeof(junk), mode == FAKE_BAD_CRC ||
					 mode == FAKE_RECLAIM);
			if (!err && mode == FAKE_REVOKE) {
				req->op = XSAN_OP_REVOKE;
				req->tok.types = XSAN_TOK_ATTR_RD;
				req->tok.revoke = 77;
				err = fake_frame(f, s, XSAN_OP_REVOKE, 0,
						 XSAN_F_CALLBACK, 0, NULL, req,
						 NULL, 0, false);
			}
			break;
		}
		default:
			err = fake_frame(f, s, h.opcode, h.xid, XSAN_F_REPLY,
					 EOPNOTSUPP, NULL, NULL, NULL, 0, false);
			break;
		}
		if (err)
			break;
	}
out:
	kfree(req);
	kfree(rep);
}

static int fake_thread(void *arg)
{
	struct fake_mdc *f = arg;
	struct socket *s;
	int conn;

	while (!kthread_should_stop() && !READ_ONCE(f->stop)) {
		if (kernel_accept(f->lsock, &s, 0))
			break;
		mutex_lock(&f->lock);
		if (f->stop) {
			mutex_unlock(&f->lock);
			sock_release(s);
			break;
		}
		f->csock = s;
		mutex_unlock(&f->lock);
		conn = atomic_inc_return(&f->conns);
		fake_serve(f, s, conn);
		mutex_lock(&f->lock);
		f->csock = NULL;
		mutex_unlock(&f->lock);
		kernel_sock_shutdown(s, SHUT_RDWR);
		sock_release(s);
	}
	/* wait to be stopped, so that kthread_stop() finds us */
	while (!kthread_should_stop())
		msleep(20);
	return 0;
}

/* Bring lo up (nothing in UML's KUnit boot does) and listen on it. */
static struct fake_mdc *fake_start(struct kunit *test, enum fake_mode mode)
{
	struct fake_mdc *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct net_device *lo = init_net.loopback_dev;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, f);
	rtnl_lock();
	if (!(lo->flags & IFF_UP))
		dev_open(lo, NULL);
	rtnl_unlock();

	f->mode = mode;
	mutex_init(&f->lock);
	f->secret.len = 32;
	memset(f->secret.key, 'k', f->secret.len);
	err = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP,
			       &f->lsock);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "socket for the fake MDC: %d", err);
	f->addr.sin_family = AF_INET;
	f->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	err = kernel_bind(f->lsock, (struct sockaddr *)&f->addr, sizeof(f->addr));
	if (!err)
		err = kernel_listen(f->lsock, 4);
	if (!err && kernel_getsockname(f->lsock, (struct sockaddr *)&f->addr) < 0)
		err = -EINVAL;
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "fake MDC cannot listen on 127.0.0.1 (%d)", err);
	f->thread = kthread_run(fake_thread, f, "xsan-fake-mdc");
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(f->thread), "no fake MDC thread");
	return f;
}

static void fake_stop(struct fake_mdc *f)
{
	mutex_lock(&f->lock);
	f->stop = true;
	if (f->csock)
		kernel_sock_shutdown(f->csock, SHUT_RDWR);
	mutex_unlock(&f->lock);
	kernel_sock_shutdown(f->lsock, SHUT_RDWR);
	kthread_stop(f->thread);
	sock_release(f->lsock);
}

static void fake_reset(void *priv)
{
	struct fake_priv *p = priv;

	atomic_inc(&p->resets);
}

static void fake_callback(void *priv, const struct xsan_req *cb,
			  const struct xsan_msg_buf *buf)
{
	struct fake_priv *p = priv;

	p->cb_types = cb->tok.types;
	p->cb_seq = buf->seq;
	atomic_inc(&p->callbacks);
	complete(&p->cb_done);
}

/* Holds the reclaim open until the test lets it end (then done). */
static void fake_reclaim(void *priv, u32 old_sgen)
{
	struct fake_priv *p = priv;

	p->reclaim_old = old_sgen;
	atomic_inc(&p->reclaims);
	complete(&p->reclaim_in);
	wait_for_completion_timeout(&p->reclaim_go, 10 * HZ);
	xsan_msgr_reclaim_done(p->m);
}

static const struct xsan_msgr_ops fake_ops = {
	.callback = fake_callback,
	.reset = fake_reset,
	.reclaim = fake_reclaim,
};

static struct xsan_msgr *fake_open(struct kunit *test, struct fake_mdc *f,
				   struct fake_priv *p, bool soft)
{
	struct xsan_msgr_args a = { .net = &init_net, .volume = FAKE_VOLUME,
				    .timeout = 2, .soft = soft,
				    .secret = &f->secret };
	struct xsan_probe res;
	struct xsan_msgr *m = NULL;
	int err;

	memcpy(&a.addr, &f->addr, sizeof(f->addr));
	atomic_set(&p->resets, 0);
	atomic_set(&p->reclaims, 0);
	atomic_set(&p->callbacks, 0);
	init_completion(&p->cb_done);
	init_completion(&p->reclaim_in);
	init_completion(&p->reclaim_go);
	err = xsan_msgr_open(&a, &fake_ops, p, &m, &res);
	p->m = m;
	KUNIT_EXPECT_EQ_MSG(test, err, 0, "xsan_msgr_open against the fake MDC: %d", err);
	if (err)
		return NULL;
	KUNIT_EXPECT_EQ_MSG(test, res.session, 1ULL, "session of the first AUTH");
	KUNIT_EXPECT_EQ_MSG(test, xsan_msgr_session(m), 1ULL, "xsan_msgr_session");
	KUNIT_EXPECT_EQ_MSG(test, xsan_msgr_lease_ms(m), (u32)FAKE_LEASE_MS,
			    "lease from AUTH");
	KUNIT_EXPECT_TRUE_MSG(test, xsan_msgr_lease_valid(m),
			      "lease not valid right after AUTH");
	return m;
}

/* GETATTR of fid 1/1; the errno, with the reply checked on success. */
static int fake_getattr(struct kunit *test, struct xsan_msgr *m, u64 *seq)
{
	struct xsan_req *req = kunit_kzalloc(test, sizeof(*req), GFP_KERNEL);
	struct xsan_rep *rep = kunit_kzalloc(test, sizeof(*rep), GFP_KERNEL);
	struct xsan_msg_buf *buf = NULL;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, req);
	KUNIT_ASSERT_NOT_NULL(test, rep);
	req->op = XSAN_OP_GETATTR;
	req->fid.ino = 1;
	req->fid.gen = 1;
	err = xsan_msgr_call(m, req, rep, &buf);
	if (err) {
		KUNIT_EXPECT_NULL_MSG(test, buf, "buffer handed out with error %d", err);
		return err;
	}
	KUNIT_EXPECT_NOT_NULL_MSG(test, buf, "no buffer with a reply");
	KUNIT_EXPECT_EQ_MSG(test, rep->nattr, 1U, "GETATTR reply attributes");
	KUNIT_EXPECT_EQ_MSG(test, rep->attr[0].ino, 1ULL, "GETATTR reply inode");
	if (buf) {
		if (seq)
			*seq = buf->seq;
		xsan_msg_buf_free(buf);
	}
	return 0;
}

static void xsan_loop_basic_test(struct kunit *test)
{
	struct fake_mdc *f = fake_start(test, FAKE_OK);
	struct fake_priv p = {};
	struct xsan_req req = { .op = XSAN_OP_LOOKUP };
	struct xsan_msg_buf *buf = (void *)1;
	struct xsan_rep *rep = kunit_kzalloc(test, sizeof(*rep), GFP_KERNEL);
	struct xsan_msgr *m = fake_open(test, f, &p, false);
	u64 s1 = 0, s2 = 0;
	int err;

	if (!m)
		goto out;
	KUNIT_EXPECT_EQ_MSG(test, fake_getattr(test, m, &s1), 0, "first GETATTR");
	KUNIT_EXPECT_EQ_MSG(test, fake_getattr(test, m, &s2), 0, "second GETATTR");
	KUNIT_EXPECT_GT_MSG(test, s2, s1, "receive sequence numbers not increasing");
	req.fid.ino = 1;
	req.fid.gen = 1;
	req.name = "nothere";
	req.namelen = 7;
	err = xsan_msgr_call(m, &req, rep, &buf);
	KUNIT_EXPECT_EQ_MSG(test, err, -ENOENT, "an ENOENT reply gave %d", err);
	KUNIT_EXPECT_NULL_MSG(test, buf, "buffer left with an error reply");
	/* three heartbeats' worth: the lease is renewed, the session stays */
	msleep(3 * FAKE_LEASE_MS / 2);
	KUNIT_EXPECT_GE_MSG(test, atomic_read(&f->heartbeats), 2,
			    "heartbeats every lease/3: only %d in 1.5 leases",
			    atomic_read(&f->heartbeats));
	KUNIT_EXPECT_TRUE_MSG(test, xsan_msgr_lease_valid(m),
			      "lease ran out although heartbeats were answered");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&f->conns), 1, "reconnected without cause");
	xsan_msgr_close(m);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&f->goodbyes), 1, "no GOODBYE at close");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&p.resets), 0, "reset without a reconnect");
out:
	fake_stop(f);
}

/*
 * An MDC restart that kept the session (RECONNECT answered 0 with
 * RECLAIM): ops->reclaim runs, not ops->reset; the session id stays; the
 * generation moves; and until the reclaim is done the lease does not
 * count (xsan_msgr_lease_gen() false, xsan_msgr_reclaiming() true) while
 * calls still go through. After xsan_msgr_reclaim_done() it counts again.
 */
static void xsan_loop_reclaim_test(struct kunit *test)
{
	struct fake_mdc *f = fake_start(test, FAKE_RECLAIM);
	struct fake_priv p = {};
	struct xsan_msgr *m = fake_open(test, f, &p, false);
	u32 gen = 0;
	int err;

	if (!m)
		goto out;
	/* the bad CRC drops the connection; the call goes out again */
	err = fake_getattr(test, m, NULL);
	KUNIT_EXPECT_EQ_MSG(test, err, 0, "the call did not go through the reclaim (%d)", err);
	KUNIT_EXPECT_TRUE_MSG(test, wait_for_completion_timeout(&p.reclaim_in, 5 * HZ),
			      "ops->reclaim not called after RECONNECT said RECLAIM");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&p.resets), 0, "a reset instead of a reclaim");
	KUNIT_EXPECT_EQ_MSG(test, p.reclaim_old, 0U, "reclaim of the wrong generation");
	KUNIT_EXPECT_EQ_MSG(test, xsan_msgr_session(m), 1ULL, "the session must stay");
	KUNIT_EXPECT_TRUE_MSG(test, xsan_msgr_reclaiming(m), "not reclaiming");
	KUNIT_EXPECT_FALSE_MSG(test, xsan_msgr_lease_gen(m, &gen),
			       "the lease counts before the reclaim is done");
	KUNIT_EXPECT_EQ_MSG(test, gen, 1U, "generation not bumped by the RECLAIM");
	/* calls go on meanwhile (the reclaim makes them) */
	KUNIT_EXPECT_EQ_MSG(test, fake_getattr(test, m, NULL), 0,
			    "a call during the reclaim failed");
	complete(&p.reclaim_go);
	KUNIT_EXPECT_EQ_MSG(test, xsan_msgr_reclaim_wait(m), 0, "reclaim wait");
	KUNIT_EXPECT_FALSE_MSG(test, xsan_msgr_reclaiming(m), "still reclaiming");
	KUNIT_EXPECT_TRUE_MSG(test, xsan_msgr_lease_gen(m, &gen),
			      "no lease after the reclaim");
	KUNIT_EXPECT_EQ_MSG(test, gen, 1U, "generation after the reclaim");
	xsan_msgr_close(m);
out:
	fake_stop(f);
}

/* A bad CRC: drop the connection, reconnect, RECONNECT -> ESTALE, reset,
 * and the call goes out again on the new connection.
 */
static void xsan_loop_bad_crc_test(struct kunit *test)
{
	struct fake_mdc *f = fake_start(test, FAKE_BAD_CRC);
	struct fake_priv p = {};
	struct xsan_msgr *m = fake_open(test, f, &p, false);
	int err, i;

	if (!m)
		goto out;
	err = fake_getattr(test, m, NULL);
	KUNIT_EXPECT_EQ_MSG(test, err, 0, "the call was not re-sent after the bad frame (%d)",
			    err);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&f->conns), 2,
			    "a bad CRC must drop the connection and reconnect once");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&f->reconnects), 1,
			    "the new connection did not ask for the old session");
	KUNIT_EXPECT_EQ_MSG(test, xsan_msgr_session(m), 2ULL,
			    "after ESTALE the fresh session from AUTH must stand");
	/*
	 * The generation moved with the reconnect itself, not with the
	 * queued reset: whoever sees the new session's lease sees it.
	 */
	{
		u32 gen = 0;

		KUNIT_EXPECT_TRUE_MSG(test, xsan_msgr_lease_gen(m, &gen),
				      "no lease after the reconnect");
		KUNIT_EXPECT_EQ_MSG(test, gen, 1U,
				    "session generation not bumped by the ESTALE reconnect");
	}
	for (i = 0; i < 50 && !atomic_read(&p.resets); i++)
		msleep(20);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&p.resets), 1, "ESTALE must reset the tokens");
	xsan_msgr_close(m);
out:
	fake_stop(f);
}

/*
 * A status that is no errno of the protocol (529, the kernel-internal
 * EIOCBQUEUED) must not reach the caller (and so aio or userspace) as
 * itself: it is -EIO (hole 10 of issue 12).
 */
static void xsan_loop_status_filter_test(struct kunit *test)
{
	struct fake_mdc *f = fake_start(test, FAKE_STATUS529);
	struct fake_priv p = {};
	struct xsan_msgr *m = fake_open(test, f, &p, false);
	int err;

	if (!m)
		goto out;
	err = fake_getattr(test, m, NULL);
	KUNIT_EXPECT_EQ_MSG(test, err, -EIO,
			    "status 529 reached the caller as %d, not -EIO", err);
	KUNIT_EXPECT_EQ_MSG(test, fake_getattr(test, m, NULL), 0,
			    "the connection did not survive the odd status");
	xsan_msgr_close(m);
out:
	fake_stop(f);
}

/*
 * An MDC that refuses to renew (a revoke is overdue: EKEYEXPIRED) lets the
 * lease run out, counted from the last renewal it answered; the data
 * path's fence then waits, and a soft mount's wait ends after timeout=.
 */
static void xsan_loop_lease_refused_test(struct kunit *test)
{
	struct fake_mdc *f = fake_start(test, FAKE_HB_REFUSED);
	struct fake_priv p = {};
	struct xsan_msgr *m = fake_open(test, f, &p, true);
	unsigned long t0;
	u32 gen;
	int err;

	if (!m)
		goto out;
	msleep(FAKE_LEASE_MS + 200);
	KUNIT_EXPECT_FALSE_MSG(test, xsan_msgr_lease_valid(m),
			       "lease still valid one lease after the last renewal, with every HEARTBEAT refused");
	t0 = jiffies;
	err = xsan_msgr_lease_wait(m, &gen);
	KUNIT_EXPECT_EQ_MSG(test, err, -ETIMEDOUT,
			    "the fence of a soft mount gave %d, not -ETIMEDOUT", err);
	KUNIT_EXPECT_GE_MSG(test, jiffies - t0, 2UL * HZ - HZ / 10,
			    "the fence gave up before timeout=2 s");
	xsan_msgr_close(m);
out:
	fake_stop(f);
}

static void xsan_loop_garbage_test(struct kunit *test)
{
	struct fake_mdc *f = fake_start(test, FAKE_GARBAGE);
	struct fake_priv p = {};
	struct xsan_msgr *m = fake_open(test, f, &p, false);
	int err;

	if (!m)
		goto out;
	err = fake_getattr(test, m, NULL);
	KUNIT_EXPECT_EQ_MSG(test, err, -EIO, "a reply that does not decode gave %d", err);
	err = fake_getattr(test, m, NULL);
	KUNIT_EXPECT_EQ_MSG(test, err, 0, "the connection did not survive an undecodable reply");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&f->conns), 1,
			    "an undecodable but well-framed reply needs no reconnect");
	xsan_msgr_close(m);
out:
	fake_stop(f);
}

static void xsan_loop_soft_timeout_test(struct kunit *test)
{
	struct fake_mdc *f = fake_start(test, FAKE_SILENT);
	struct fake_priv p = {};
	struct xsan_msgr *m = fake_open(test, f, &p, true);
	unsigned long t0;
	int err;

	if (!m)
		goto out;
	t0 = jiffies;
	err = fake_getattr(test, m, NULL);
	KUNIT_EXPECT_EQ_MSG(test, err, -ETIMEDOUT, "a soft call to a silent MDC gave %d", err);
	KUNIT_EXPECT_LT_MSG(test, jiffies - t0, 4UL * HZ,
			    "the soft call waited far beyond timeout=2");
	/* close: GOODBYE is not answered either; bounded all the same */
	t0 = jiffies;
	xsan_msgr_close(m);
	KUNIT_EXPECT_LT_MSG(test, jiffies - t0, 4UL * HZ, "close waited too long");
out:
	fake_stop(f);
}

/* A connection that stays up but goes silent: the heartbeat notices, the
 * messenger drops it, and the hard call goes out again on a new one.
 */
static void xsan_loop_silent_conn_test(struct kunit *test)
{
	struct fake_mdc *f = fake_start(test, FAKE_DEAF);
	struct fake_priv p = {};
	struct xsan_msgr *m = fake_open(test, f, &p, false);
	unsigned long t0;
	int err;

	if (!m)
		goto out;
	t0 = jiffies;
	err = fake_getattr(test, m, NULL);
	KUNIT_EXPECT_EQ_MSG(test, err, 0, "the hard call did not survive a silent connection (%d)",
			    err);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&f->conns), 2,
			    "a silent connection must be dropped and replaced once");
	KUNIT_EXPECT_LT_MSG(test, jiffies - t0, 10UL * HZ,
			    "took far longer than timeout=2 and the 0.9 s lease");
	xsan_msgr_close(m);
out:
	fake_stop(f);
}

static void xsan_loop_revoke_test(struct kunit *test)
{
	struct fake_mdc *f = fake_start(test, FAKE_REVOKE);
	struct fake_priv p = {};
	struct xsan_msgr *m = fake_open(test, f, &p, false);
	u64 seq = 0;

	if (!m)
		goto out;
	KUNIT_EXPECT_EQ(test, fake_getattr(test, m, &seq), 0);
	KUNIT_EXPECT_GT_MSG(test, wait_for_completion_timeout(&p.cb_done, 5 * HZ), 0UL,
			    "the REVOKE callback never ran");
	KUNIT_EXPECT_EQ_MSG(test, p.cb_types, XSAN_TOK_ATTR_RD, "callback types");
	KUNIT_EXPECT_EQ_MSG(test, p.cb_seq, seq + 1,
			    "the REVOKE read right after the reply must have the next seq");
	xsan_msgr_close(m);
out:
	fake_stop(f);
}

/* Close while a hard call waits for a reply that never comes. */
struct fake_waiter {
	struct xsan_msgr *m;
	struct xsan_req req;
	struct xsan_rep rep;
	int err;
	struct completion done;
};

/* No KUNIT_ASSERT here: this is not the test's thread. */
static int fake_waiter_fn(void *arg)
{
	struct fake_waiter *w = arg;
	struct xsan_msg_buf *buf = NULL;

	w->req.op = XSAN_OP_GETATTR;
	w->req.fid.ino = 1;
	w->req.fid.gen = 1;
	w->err = xsan_msgr_call(w->m, &w->req, &w->rep, &buf);
	xsan_msg_buf_free(buf);
	complete(&w->done);
	while (!kthread_should_stop())
		msleep(20);
	return 0;
}

static void xsan_loop_close_waiter_test(struct kunit *test)
{
	struct fake_mdc *f = fake_start(test, FAKE_SILENT);
	struct fake_priv p = {};
	struct xsan_msgr *m = fake_open(test, f, &p, false);
	struct fake_waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct task_struct *t;

	if (!m || !w)
		goto out;
	w->m = m;
	init_completion(&w->done);
	t = kthread_run(fake_waiter_fn, w, "xsan-waiter");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	msleep(200);
	xsan_msgr_abort(m);
	KUNIT_EXPECT_GT_MSG(test, wait_for_completion_timeout(&w->done, 5 * HZ), 0UL,
			    "abort (umount -f) did not free the waiting call");
	KUNIT_EXPECT_EQ_MSG(test, w->err, -EIO, "an aborted call gave %d", w->err);
	kthread_stop(t);
	xsan_msgr_close(m);
out:
	fake_stop(f);
}

static struct kunit_case xsan_msgr_loop_test_cases[] = {
	KUNIT_CASE(xsan_loop_basic_test),
	KUNIT_CASE(xsan_loop_bad_crc_test),
	KUNIT_CASE(xsan_loop_reclaim_test),
	KUNIT_CASE(xsan_loop_garbage_test),
	KUNIT_CASE(xsan_loop_status_filter_test),
	KUNIT_CASE(xsan_loop_lease_refused_test),
	KUNIT_CASE(xsan_loop_soft_timeout_test),
	KUNIT_CASE(xsan_loop_silent_conn_test),
	KUNIT_CASE(xsan_loop_revoke_test),
	KUNIT_CASE(xsan_loop_close_waiter_test),
	{}
};

static struct kunit_suite xsan_msgr_loop_suite = {
	.name = "xsanfs_msgr_loop",
	.test_cases = xsan_msgr_loop_test_cases,
};

kunit_test_suites(&xsan_msgr_loop_suite);
