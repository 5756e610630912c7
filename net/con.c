// SPDX-License-Identifier: GPL-2.0
/*
 * Connection to the metadata controller. For now this is the probe that
 * mount runs: connect, send HELLO, and read what the MDC answers, all
 * within one deadline, so that mount can say "unknown volume", "protocol
 * version mismatch" or "not an xsanfs MDC" in a sentence. The full
 * messenger (authentication, xid-matched requests, heartbeats, reconnect,
 * callbacks on a workqueue) replaces it with the session protocol.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

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

#include "fs/xsan.h"
#include "xsanfs/msg.h"

/* A HELLO reply is 2 + 32 + 32 bytes; anything much bigger is not one. */
#define XSAN_PROBE_PAYLOAD_MAX	256u

/* What the probe sends and receives; too big for the stack together. */
struct xsan_probe_buf {
	struct xsan_req req;
	struct xsan_rep rep;
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

/* Encode and seal HELLO for @volume into @b->out; returns the length. */
static int xsan_probe_hello(struct xsan_probe_buf *b, const char *volume)
{
	struct xsan_req *r = &b->req;
	struct xsan_hdr h = { .version = XSAN_PROTO_MAX,
			      .opcode = XSAN_OP_HELLO, .xid = 1 };
	struct xsan_put w;
	int err;

	r->op = XSAN_OP_HELLO;
	r->ver_min = XSAN_PROTO_MIN;
	r->ver_max = XSAN_PROTO_MAX;
	get_random_bytes(r->uuid, sizeof(r->uuid));
	get_random_bytes(r->nonce, sizeof(r->nonce));
	r->name = volume;
	r->namelen = strlen(volume);
	r->name2 = utsname()->nodename;
	r->name2len = strnlen(r->name2, __NEW_UTS_LEN);
	xsan_put_init(&w, b->out + XSAN_HDR_SIZE,
		      sizeof(b->out) - XSAN_HDR_SIZE);
	err = xsan_req_encode(&w, r);
	if (err)
		return err;
	h.len = w.len;
	xsan_frame_seal(b->out, &h);
	return XSAN_HDR_SIZE + w.len;
}

/* Read the HELLO reply and turn it into the probe's result. */
static int xsan_probe_reply(struct socket *sock, struct xsan_probe_buf *b,
			    unsigned long deadline, struct xsan_probe *res)
{
	struct xsan_hdr h;
	int err;

	err = xsan_recv_all(sock, b->in, 0, XSAN_HDR_SIZE, deadline);
	if (err)
		return err;
	if (xsan_hdr_decode(b->in, XSAN_HDR_SIZE, &h) ||
	    h.len > XSAN_PROBE_PAYLOAD_MAX || h.flags != XSAN_F_REPLY ||
	    h.opcode != XSAN_OP_HELLO || h.xid != 1)
		return -EPROTO;
	err = xsan_recv_all(sock, b->in, XSAN_HDR_SIZE, XSAN_HDR_SIZE + h.len,
			    deadline);
	if (err)
		return err == -ECONNRESET ? -EPROTO : err;
	if (xsan_frame_verify(b->in, b->in + XSAN_HDR_SIZE, h.len, h.crc))
		return -EPROTO;

	switch (h.status) {
	case 0:
		if (xsan_rep_decode(XSAN_OP_HELLO, b->in + XSAN_HDR_SIZE, h.len,
				    &b->rep))
			return -EPROTO;
		res->version = b->rep.version;
		return 0;
	case ENOENT:
		return -ENOENT;
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

/**
 * xsan_con_probe() - connect to an MDC, say HELLO, read its answer
 * @net: network namespace of the mount
 * @addr: the MDC's volume port (AF_INET or AF_INET6)
 * @timeout_secs: bound on the connect, the HELLO and the answer together
 * @volume: the volume to ask for
 * @res: details of the answer
 *
 * Context: process context, may sleep; a signal interrupts the wait.
 * Return: 0 if the MDC accepted HELLO (@res->version; authentication is
 * not implemented in this client yet), -ENOENT if it serves no such
 * volume, -EPROTONOSUPPORT if it shares no protocol version with us
 * (@res->vmin, @res->vmax), -EREMOTEIO for another refusal
 * (@res->status), -EPROTO if what it sent is not the xsanfs protocol,
 * -ECONNRESET if it closed the connection first, -ETIMEDOUT if all this
 * did not happen in time, -EINTR or -ERESTARTSYS on a signal, or the
 * socket error (-ECONNREFUSED, -EHOSTUNREACH, -ENETUNREACH, ...).
 */
int xsan_con_probe(struct net *net, const struct sockaddr_storage *addr,
		   unsigned int timeout_secs, const char *volume,
		   struct xsan_probe *res)
{
	int addrlen = addr->ss_family == AF_INET6 ?
		      sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	unsigned long deadline = jiffies + (unsigned long)timeout_secs * HZ;
	struct xsan_probe_buf *b;
	struct socket *sock;
	int err, len;

	memset(res, 0, sizeof(*res));
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	len = xsan_probe_hello(b, volume);
	if (len < 0) {
		err = len;
		goto out_free;
	}
	err = sock_create_kern(net, addr->ss_family, SOCK_STREAM, IPPROTO_TCP,
			       &sock);
	if (err)
		goto out_free;

	/* A blocking connect waits at most sk_sndtimeo, interruptibly. */
	sock->sk->sk_sndtimeo = (long)timeout_secs * HZ;
	err = kernel_connect(sock, (struct sockaddr *)addr, addrlen, 0);
	if (err == -EINPROGRESS || err == -EAGAIN)
		err = -ETIMEDOUT;
	if (!err)
		err = xsan_send_all(sock, b->out, len, deadline);
	/* An MDC that closed at once makes the send fail: say so alike. */
	if (err == -EPIPE)
		err = -ECONNRESET;
	if (!err)
		err = xsan_probe_reply(sock, b, deadline, res);
	sock_release(sock);
out_free:
	kfree(b);
	return err;
}
