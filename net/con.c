// SPDX-License-Identifier: GPL-2.0
/*
 * The synchronous start of every connection to the metadata controller:
 * connect, HELLO, check the MDC's proof of the volume secret, AUTH with
 * ours and, on a reconnect, RECONNECT with the old session, all within one
 * deadline, so that mount can say "unknown volume", "protocol version
 * mismatch", "not an xsanfs MDC" or "authentication failed" in a sentence.
 * It leaves an authenticated socket to the messenger (net/messenger.c), which
 * runs the session on it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <linux/in.h>
#include <linux/jiffies.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/utsname.h>
#include <net/sock.h>

#include "net/msgr.h"
#include "xsanfs/msg.h"

/* HELLO and AUTH replies are 66 and 32 bytes; much bigger is not one. */
#define XSAN_PROBE_PAYLOAD_MAX	256u

/* What the probe sends and receives; too big for the stack together. */
struct xsan_probe_buf {
	struct xsan_req req;
	struct xsan_rep rep;
	struct xsan_con_ident *id;
	u8 cnonce[XSAN_NONCE_SIZE];
	u8 mnonce[XSAN_NONCE_SIZE];
	u8 proof[XSAN_PROOF_SIZE];
	u8 out[XSAN_HDR_SIZE + 512];
	u8 in[XSAN_HDR_SIZE + XSAN_PROBE_PAYLOAD_MAX];
};

/* Time left until @deadline as a socket timeout; 0 if none is left. */
static long xsan_left(unsigned long deadline)
{
	return time_before(jiffies, deadline) ? (long)(deadline - jiffies) : 0;
}

static int xsan_send_all(struct socket *sock, const u8 *buf, size_t len,
			 unsigned long deadline)
{
	struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
	struct kvec iov;
	int n;

	while (len) {
		sock->sk->sk_sndtimeo = xsan_left(deadline);
		if (!sock->sk->sk_sndtimeo)
			return -ETIMEDOUT;
		iov.iov_base = (void *)buf;
		iov.iov_len = len;
		n = kernel_sendmsg(sock, &msg, &iov, 1, len);
		if (n == -EAGAIN)
			return -ETIMEDOUT;
		if (n < 0)
			return n;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Read until @buf holds @len bytes (it holds @have already). While the
 * first four bytes come in they are compared with the magic, so a peer
 * that is not an xsanfs MDC is recognised at its first byte, not at the
 * deadline.
 */
static int xsan_recv_all(struct socket *sock, u8 *buf, size_t have,
			 size_t len, unsigned long deadline)
{
	static const u8 magic[4] = { 0x58, 0x53, 0x41, 0x4e };	/* "XSAN" */
	struct msghdr msg = {};
	struct kvec iov;
	size_t i;
	int n;

	while (have < len) {
		sock->sk->sk_rcvtimeo = xsan_left(deadline);
		if (!sock->sk->sk_rcvtimeo)
			return -ETIMEDOUT;
		iov.iov_base = buf + have;
		iov.iov_len = len - have;
		n = kernel_recvmsg(sock, &msg, &iov, 1, len - have, 0);
		if (n == -EAGAIN)
			return -ETIMEDOUT;
		if (n < 0)
			return n;
		if (n == 0)
			return have ? -EPROTO : -ECONNRESET;
		for (i = have; i < have + n && i < sizeof(magic); i++)
			if (buf[i] != magic[i])
				return -EPROTO;
		have += n;
	}
	return 0;
}

/* Encode @b->req as request @xid and seal it into @b->out; the length. */
static int xsan_probe_seal(struct xsan_probe_buf *b, u64 xid)
{
	struct xsan_hdr h = { .version = XSAN_PROTO_MAX,
			      .opcode = b->req.op, .xid = xid };
	struct xsan_put w;
	int err;

	xsan_put_init(&w, b->out + XSAN_HDR_SIZE,
		      sizeof(b->out) - XSAN_HDR_SIZE);
	err = xsan_req_encode(&w, &b->req);
	if (err)
		return err;
	h.len = w.len;
	xsan_frame_seal(b->out, &h);
	return XSAN_HDR_SIZE + w.len;
}

/* HELLO for @volume, with a fresh client uuid and nonce kept in @b. */
static int xsan_probe_hello(struct xsan_probe_buf *b, const char *volume)
{
	struct xsan_req *r = &b->req;

	get_random_bytes(b->cnonce, sizeof(b->cnonce));
	memset(r, 0, sizeof(*r));
	r->op = XSAN_OP_HELLO;
	r->ver_min = XSAN_PROTO_MIN;
	r->ver_max = XSAN_PROTO_MAX;
	memcpy(r->uuid, b->id->uuid, sizeof(r->uuid));
	memcpy(r->nonce, b->cnonce, sizeof(r->nonce));
	r->name = volume;
	r->namelen = strlen(volume);
	r->name2 = utsname()->nodename;
	r->name2len = strnlen(r->name2, __NEW_UTS_LEN);
	return xsan_probe_seal(b, 1);
}

/* Read the reply to request @op @xid and turn it into a result. */
static int xsan_probe_reply(struct socket *sock, struct xsan_probe_buf *b,
			    u16 op, u64 xid, unsigned long deadline,
			    struct xsan_probe *res)
{
	struct xsan_hdr h;
	int err;

	err = xsan_recv_all(sock, b->in, 0, XSAN_HDR_SIZE, deadline);
	if (err)
		return err;
	if (xsan_hdr_decode(b->in, XSAN_HDR_SIZE, &h) ||
	    h.len > XSAN_PROBE_PAYLOAD_MAX || h.flags != XSAN_F_REPLY ||
	    h.opcode != op || h.xid != xid)
		return -EPROTO;
	err = xsan_recv_all(sock, b->in, XSAN_HDR_SIZE, XSAN_HDR_SIZE + h.len,
			    deadline);
	if (err)
		return err == -ECONNRESET ? -EPROTO : err;
	if (xsan_frame_verify(b->in, b->in + XSAN_HDR_SIZE, h.len, h.crc))
		return -EPROTO;

	switch (h.status) {
	case 0:
		if (xsan_rep_decode(op, b->in + XSAN_HDR_SIZE, h.len, &b->rep))
			return -EPROTO;
		return 0;
	case ENOENT:
		return op == XSAN_OP_HELLO ? -ENOENT : -EREMOTEIO;
	case EACCES:
		return op == XSAN_OP_AUTH ? -EKEYREJECTED : -EREMOTEIO;
	case EPROTONOSUPPORT:
		if (xsan_get_vrange(b->in + XSAN_HDR_SIZE, h.len, &res->vmin,
				    &res->vmax))
			return -EPROTO;
		return -EPROTONOSUPPORT;
	default:
		res->status = h.status;
		return -EREMOTEIO;
	}
}

/* One request of the probe: send @b->req as @xid, read its reply. */
static int xsan_probe_call(struct socket *sock, struct xsan_probe_buf *b,
			   u64 xid, unsigned long deadline,
			   struct xsan_probe *res)
{
	int len = xsan_probe_seal(b, xid);
	int err;

	if (len < 0)
		return len;
	err = xsan_send_all(sock, b->out, len, deadline);
	if (err)
		return err == -EPIPE ? -ECONNRESET : err;
	return xsan_probe_reply(sock, b, b->req.op, xid, deadline, res);
}

/* After HELLO: check the MDC's proof and send ours. The secret comes
 * from the caller's keyrings the first time (only after HELLO, so that an
 * unknown volume is reported as such, not as a missing key) and is kept in
 * @b->id for reconnects, which run where those keyrings are not.
 */
static int xsan_probe_auth(struct socket *sock, struct xsan_probe_buf *b,
			   const char *volume, unsigned long deadline,
			   struct xsan_probe *res)
{
	struct xsan_con_ident *id = b->id;
	int err;

	memcpy(b->mnonce, b->rep.nonce, sizeof(b->mnonce));
	if (!id->secret.len) {
		err = xsan_secret_get(volume, &id->secret);
		if (err)
			return err;
	}
	err = xsan_auth_proof(&id->secret, XSAN_AUTH_MDC_LABEL, volume,
			      id->uuid, b->cnonce, b->mnonce, b->proof);
	if (err)
		return err;
	if (crypto_memneq(b->proof, b->rep.proof, XSAN_PROOF_SIZE)) {
		res->mdc_proof_bad = true;
		return -EKEYREJECTED;
	}
	memset(&b->req, 0, sizeof(b->req));
	b->req.op = XSAN_OP_AUTH;
	err = xsan_auth_proof(&id->secret, XSAN_AUTH_CLIENT_LABEL, volume,
			      id->uuid, b->mnonce, b->cnonce, b->req.proof);
	if (err)
		return err;
	err = xsan_probe_call(sock, b, 2, deadline, res);
	if (err)
		return err;
	res->session = b->rep.session;
	res->lease_ms = b->rep.lease_ms;
	res->grace_ms = b->rep.grace_ms;
	return 0;
}

/* After AUTH: ask for @old back. A refusal is an answer, not an error. */
static int xsan_probe_reconnect(struct socket *sock, struct xsan_probe_buf *b,
				u64 old, unsigned long deadline,
				struct xsan_con_recon *rc)
{
	struct xsan_probe res = {};
	int err;

	memset(&b->req, 0, sizeof(b->req));
	b->req.op = XSAN_OP_RECONNECT;
	b->req.session = old;
	err = xsan_probe_call(sock, b, 3, deadline, &res);
	memset(rc, 0, sizeof(*rc));
	switch (err) {
	case 0:
		rc->session = b->rep.session;
		rc->lease_ms = b->rep.lease_ms;
		rc->grace_ms = b->rep.grace_ms;
		rc->flags = b->rep.flags;
		return 0;
	case -EREMOTEIO:
		rc->status = res.status;
		return 0;
	case -ENOENT:
		rc->status = ENOENT;
		return 0;
	default:
		return err;
	}
}

/* Connect @sock to @addr within @timeout_secs; a blocking connect waits at
 * most sk_sndtimeo, interruptibly.
 */
static int xsan_con_connect(struct socket *sock,
			    const struct sockaddr_storage *addr,
			    unsigned int timeout_secs)
{
	int addrlen = addr->ss_family == AF_INET6 ?
		      sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int err;

	sock->sk->sk_sndtimeo = (long)timeout_secs * HZ;
	err = kernel_connect(sock, (struct sockaddr *)addr, addrlen, 0);
	if (err == -EINPROGRESS || err == -EAGAIN)
		err = -ETIMEDOUT;
	return err;
}

/**
 * xsan_con_handshake() - connect a new socket and open a session on it
 * @sock: a new, unconnected TCP socket of @addr's family; the caller owns
 *	it (and may shut it down from another thread to abort the handshake)
 * @addr: the MDC's volume port
 * @timeout_secs: bound on the connect and every exchange together
 * @volume: the volume to ask for
 * @id: this client's uuid and the volume secret (fetched from the
 *	caller's keyrings if @id->secret.len is 0, then kept there)
 * @old: a session to take back with RECONNECT after AUTH, or 0
 * @res: what HELLO and AUTH answered
 * @rc: what RECONNECT answered (only if @old)
 *
 * On success the socket is connected and authenticated, ready for the
 * messenger; nothing is left unread on it.
 *
 * Context: process context, may sleep; a signal interrupts the wait.
 * Return: 0 if the MDC accepted HELLO (@res->version) and, both proofs
 * right, AUTH (@res->session, @res->lease_ms) and answered RECONNECT
 * (@rc: a refusal such as ESTALE is 0 with @rc->status set), -ENOENT if it
 * serves no such volume, -ENOKEY if the caller's keyrings hold no secret
 * for @volume, -EKEYREJECTED if a proof was wrong (@res->mdc_proof_bad
 * says whose), -EPROTONOSUPPORT if it shares no protocol version with us
 * (@res->vmin, @res->vmax), -EREMOTEIO for another refusal
 * (@res->status), -EPROTO if what it sent is not the xsanfs protocol,
 * -ECONNRESET if it closed the connection first, -ETIMEDOUT if all this
 * did not happen in time, -EINTR or -ERESTARTSYS on a signal, or the
 * socket error (-ECONNREFUSED, -EHOSTUNREACH, -ENETUNREACH, ...).
 */
int xsan_con_handshake(struct socket *sock,
		       const struct sockaddr_storage *addr,
		       unsigned int timeout_secs, const char *volume,
		       struct xsan_con_ident *id, u64 old,
		       struct xsan_probe *res, struct xsan_con_recon *rc)
{
	unsigned long deadline = jiffies + (unsigned long)timeout_secs * HZ;
	struct xsan_probe_buf *b;
	int err, len;

	memset(res, 0, sizeof(*res));
	b = kzalloc(sizeof(*b), GFP_NOFS);
	if (!b)
		return -ENOMEM;
	b->id = id;
	len = xsan_probe_hello(b, volume);
	if (len < 0) {
		err = len;
		goto out_free;
	}
	err = xsan_con_connect(sock, addr, timeout_secs);
	if (!err)
		err = xsan_send_all(sock, b->out, len, deadline);
	/* An MDC that closed at once makes the send fail: say so alike. */
	if (err == -EPIPE)
		err = -ECONNRESET;
	if (!err)
		err = xsan_probe_reply(sock, b, XSAN_OP_HELLO, 1, deadline, res);
	if (!err) {
		res->version = b->rep.version;
		err = xsan_probe_auth(sock, b, volume, deadline, res);
	}
	if (!err && old)
		err = xsan_probe_reconnect(sock, b, old, deadline, rc);
out_free:
	kfree(b);
	return err;
}
