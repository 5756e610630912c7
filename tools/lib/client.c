// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace protocol client (see client.h). It is deliberately
 * simple: blocking sockets, whole frames through frameio.c, the shared
 * message codec for payloads, and no threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "util.h"

int xsan_client_init(struct xsan_client *c, int timeout_ms)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->timeout_ms = timeout_ms;
	c->version = XSAN_PROTO_MAX;
	c->next_xid = 1;
	c->tx = malloc(XSAN_FRAME_MAX);
	if (!c->tx)
		return -ENOMEM;
	return xsan_random(c->uuid, sizeof(c->uuid));
}

void xsan_client_close(struct xsan_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	xsan_fbuf_free(&c->rx);
	free(c->tx);
	c->tx = NULL;
}

/* A transport failure: the connection is unusable from here on. */
static int xsan_client_fail(struct xsan_client *c, int err, const char *what)
{
	char msg[sizeof(c->err)];

	snprintf(msg, sizeof(msg), "%.*s: %s", (int)sizeof(msg) / 2, what,
		 strerror(-err));
	memcpy(c->err, msg, sizeof(c->err));
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	return err;
}

/* connect() bounded by the client's timeout. */
static int connect_timeout(int fd, const struct sockaddr *sa, socklen_t len,
			   int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int soerr = 0, n;
	socklen_t sl = sizeof(soerr);

	if (!connect(fd, sa, len))
		return 0;
	if (errno != EINPROGRESS)
		return -errno;
	do {
		n = poll(&p, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (!n)
		return -ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl))
		return -errno;
	return -soerr;
}

/**
 * xsan_client_connect() - open a TCP connection to an MDC port
 * @c: the client
 * @host: host name or address
 * @port: TCP port
 *
 * Return: 0 or a negative errno (c->err says which address failed).
 */
int xsan_client_connect(struct xsan_client *c, const char *host, int port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	char pstr[16];
	int fd, err = -EHOSTUNREACH, one = 1, gai;

	snprintf(pstr, sizeof(pstr), "%d", port);
	gai = getaddrinfo(host, pstr, &hints, &res);
	if (gai) {
		snprintf(c->err, sizeof(c->err), "%s: %s", host, gai_strerror(gai));
		return -EHOSTUNREACH;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    ai->ai_protocol);
		if (fd < 0) {
			err = -errno;
			continue;
		}
		err = connect_timeout(fd, ai->ai_addr, ai->ai_addrlen, c->timeout_ms);
		/* frameio.c polls with deadlines; blocking is simpler. */
		if (!err && fcntl(fd, F_SETFL, 0))
			err = -errno;
		if (err) {
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = fd;
		break;
	}
	freeaddrinfo(res);
	if (err)
		snprintf(c->err, sizeof(c->err), "%s port %d: %s", host, port,
			 strerror(-err));
	return err;
}

/* Seal and write one frame whose payload is already in c->tx. */
static int xsan_client_write(struct xsan_client *c, u16 op, u32 flags,
			     u32 len, u64 xid)
{
	struct xsan_hdr h = {
		.version = c->version, .opcode = op, .flags = flags,
		.len = len, .xid = xid,
	};
	int err;

	err = xsan_frame_write(c->fd, &h, c->tx + XSAN_HDR_SIZE, c->timeout_ms);
	if (err)
		return xsan_client_fail(c, err, "send");
	return 0;
}

int xsan_client_send(struct xsan_client *c, const struct xsan_req *r,
		     uint64_t *xid)
{
	struct xsan_put w;
	int err;

	if (c->fd < 0) {
		snprintf(c->err, sizeof(c->err), "not connected");
		return -ENOTCONN;
	}
	xsan_put_init(&w, c->tx + XSAN_HDR_SIZE, XSAN_PAYLOAD_MAX);
	err = xsan_req_encode(&w, r);
	if (err) {
		snprintf(c->err, sizeof(c->err), "cannot encode %s: %s",
			 xsan_op_name(r->op), strerror(-err));
		return err;
	}
	*xid = c->next_xid++;
	return xsan_client_write(c, r->op, 0, w.len, *xid);
}

/* Decode the callback in c->rx and queue it (the oldest goes if full). */
static int cb_push(struct xsan_client *c, const struct xsan_hdr *h)
{
	struct xsan_cb *cb;

	if (h->flags != XSAN_F_CALLBACK || h->status)
		return xsan_client_fail(c, -EBADMSG, "malformed callback frame");
	if (c->cb_count == XSAN_CLIENT_CBQ) {
		c->cb_head = (c->cb_head + 1) % XSAN_CLIENT_CBQ;
		c->cb_count--;
		c->cb_lost++;
	}
	cb = &c->cbq[(c->cb_head + c->cb_count) % XSAN_CLIENT_CBQ];
	if (xsan_cb_decode(h->opcode, xsan_fbuf_payload(&c->rx), h->len,
			   &cb->r)) {
		xsan_client_fail(c, -EBADMSG, "receive");
		snprintf(c->err, sizeof(c->err), "malformed %s callback from the MDC",
			 xsan_op_name(h->opcode));
		return -EBADMSG;
	}
	cb->xid = h->xid;
	c->cb_count++;
	return 0;
}

int xsan_client_cb_pop(struct xsan_client *c, struct xsan_cb *cb)
{
	if (!c->cb_count)
		return 0;
	*cb = c->cbq[c->cb_head];
	c->cb_head = (c->cb_head + 1) % XSAN_CLIENT_CBQ;
	c->cb_count--;
	return 1;
}

int xsan_client_cb_wait(struct xsan_client *c, struct xsan_cb *cb,
			int timeout_ms)
{
	struct pollfd p;
	struct xsan_hdr h;
	int n, err;

	if (xsan_client_cb_pop(c, cb))
		return 1;
	if (c->fd < 0) {
		snprintf(c->err, sizeof(c->err), "not connected");
		return -ENOTCONN;
	}
	p.fd = c->fd;
	p.events = POLLIN;
	do {
		n = poll(&p, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return xsan_client_fail(c, -errno, "poll");
	if (!n)
		return 0;
	err = xsan_frame_read(c->fd, &c->rx, &h, c->timeout_ms);
	if (err == 1)
		return xsan_client_fail(c, -ECONNRESET,
					"the MDC closed the connection");
	if (err)
		return xsan_client_fail(c, err, "receive");
	if (!(h.flags & XSAN_F_CALLBACK))
		return xsan_client_fail(c, -EBADMSG,
					"a reply while waiting for a callback");
	err = cb_push(c, &h);
	if (err)
		return err;
	return xsan_client_cb_pop(c, cb);
}

int xsan_client_recv(struct xsan_client *c, uint64_t *xid, int *status,
		     struct xsan_rep *rep)
{
	struct xsan_hdr h;
	int err;

	memset(rep, 0, sizeof(*rep));
	for (;;) {
		if (c->fd < 0) {
			snprintf(c->err, sizeof(c->err), "not connected");
			return -ENOTCONN;
		}
		err = xsan_frame_read(c->fd, &c->rx, &h, c->timeout_ms);
		if (err == 1)
			return xsan_client_fail(c, -ECONNRESET,
						"the MDC closed the connection");
		if (err)
			return xsan_client_fail(c, err, "receive");
		if (h.flags & XSAN_F_CALLBACK) {
			err = cb_push(c, &h);
			if (err)
				return err;
			continue;
		}
		if (!(h.flags & XSAN_F_REPLY))
			return xsan_client_fail(c, -EBADMSG,
						"the MDC sent a request");
		break;
	}
	*xid = h.xid;
	*status = (int)h.status;
	if (h.status) {
		if (h.status == EPROTONOSUPPORT)
			xsan_get_vrange(xsan_fbuf_payload(&c->rx), h.len,
					&c->vmin, &c->vmax);
		return 0;
	}
	err = xsan_rep_decode(h.opcode, xsan_fbuf_payload(&c->rx), h.len, rep);
	if (err) {
		xsan_client_fail(c, -EBADMSG, "receive");
		snprintf(c->err, sizeof(c->err),
			 "malformed %s reply from the MDC", xsan_op_name(h.opcode));
		return -EBADMSG;
	}
	return 0;
}

/**
 * xsan_client_call() - one request, its reply
 * @c: the client
 * @r: the request
 * @rep: the reply, when the status is 0
 *
 * Return: 0, minus the reply's status, or a transport error.
 */
int xsan_client_call(struct xsan_client *c, const struct xsan_req *r,
		     struct xsan_rep *rep)
{
	uint64_t xid, rxid;
	int err, status;

	err = xsan_client_send(c, r, &xid);
	if (err)
		return err;
	err = xsan_client_recv(c, &rxid, &status, rep);
	if (err)
		return err;
	if (rxid != xid)
		return xsan_client_fail(c, -EBADMSG, "reply to another request");
	if (status) {
		snprintf(c->err, sizeof(c->err), "%s: %s", xsan_op_name(r->op),
			 strerror(status));
		return -status;
	}
	return 0;
}

/**
 * xsan_client_login() - HELLO and AUTH: the mutual proof of the secret
 * @c: a connected client
 * @volume: the volume name
 * @secret: the volume secret
 * @hostname: our host name as the MDC's `who` shows it
 *
 * Return: 0; -ENOENT unknown volume; -EPROTONOSUPPORT (c->vmin/vmax say
 * what the MDC speaks); -EACCES authentication failed (either side's
 * proof was wrong); or a transport error. c->err holds the sentence.
 */
int xsan_client_login(struct xsan_client *c, const char *volume,
		      const struct xsan_secret *secret, const char *hostname)
{
	struct xsan_req r = { .op = XSAN_OP_HELLO };
	uint8_t proof[XSAN_PROOF_SIZE];
	struct xsan_rep rep;
	int err;

	r.ver_min = XSAN_PROTO_MIN;
	r.ver_max = XSAN_PROTO_MAX;
	memcpy(r.uuid, c->uuid, sizeof(r.uuid));
	err = xsan_random(r.nonce, sizeof(r.nonce));
	if (err)
		return err;
	r.name = volume;
	r.namelen = (u32)strlen(volume);
	r.name2 = hostname;
	r.name2len = (u32)strlen(hostname);
	err = xsan_client_call(c, &r, &rep);
	if (err == -ENOENT) {
		snprintf(c->err, sizeof(c->err), "unknown volume '%s'", volume);
		return err;
	}
	if (err == -EPROTONOSUPPORT) {
		snprintf(c->err, sizeof(c->err),
			 "protocol version mismatch: we speak %d to %d, the MDC %u to %u",
			 XSAN_PROTO_MIN, XSAN_PROTO_MAX, c->vmin, c->vmax);
		return err;
	}
	if (err)
		return err;
	if (rep.version < XSAN_PROTO_MIN || rep.version > XSAN_PROTO_MAX)
		return xsan_client_fail(c, -EPROTONOSUPPORT,
					"the MDC chose a version we do not speak");
	c->version = rep.version;
	err = xsan_auth_proof(secret, XSAN_AUTH_MDC_LABEL, r.name, r.namelen,
			      c->uuid, r.nonce, rep.nonce, proof);
	if (err)
		return err;
	if (!xsan_proof_equal(proof, rep.proof)) {
		xsan_client_fail(c, -EACCES, "auth");
		snprintf(c->err, sizeof(c->err),
			 "authentication failed: this host's secret for the volume and the MDC's differ");
		return -EACCES;
	}

	struct xsan_req a = { .op = XSAN_OP_AUTH };

	err = xsan_auth_proof(secret, XSAN_AUTH_CLIENT_LABEL, r.name, r.namelen,
			      c->uuid, rep.nonce, r.nonce, a.proof);
	if (err)
		return err;
	err = xsan_client_call(c, &a, &rep);
	if (err == -EACCES) {
		xsan_client_fail(c, -EACCES, "auth");
		snprintf(c->err, sizeof(c->err), "authentication failed");
		return err;
	}
	if (err)
		return err;
	c->session = rep.session;
	c->lease_ms = rep.lease_ms;
	c->grace_ms = rep.grace_ms;
	memcpy(c->volume_uuid, rep.uuid, sizeof(c->volume_uuid));
	return 0;
}

/**
 * xsan_client_reconnect() - a new connection that takes the session back
 * @c: a client that had a session (c->session), connected or not
 * @host: the MDC's address
 * @port: its session port
 * @volume: the volume name
 * @secret: the volume secret
 * @hostname: our host name
 * @flags: out: the RECONNECT reply's XSAN_RECON_* flags (may be NULL)
 *
 * Drops the old connection (and callbacks not taken yet), connects,
 * HELLO, AUTH, then RECONNECT with the old session id: the kernel
 * client's sequence after a lost connection.
 *
 * Return: 0 with c->session the old session again (flags RECLAIM: the
 * MDC restarted, reclaim tokens now); -ESTALE when the MDC does not know
 * it any more (c->session is then the fresh session AUTH gave: start
 * over); -EACCES it belongs to another client uuid; a login or transport
 * error.
 */
int xsan_client_reconnect(struct xsan_client *c, const char *host, int port,
			  const char *volume, const struct xsan_secret *secret,
			  const char *hostname, uint32_t *flags)
{
	struct xsan_req r = { .op = XSAN_OP_RECONNECT };
	uint64_t old = c->session;
	struct xsan_rep rep;
	int err;

	if (flags)
		*flags = 0;
	if (!old)
		return -EINVAL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->cb_head = 0;
	c->cb_count = 0;
	err = xsan_client_connect(c, host, port);
	if (!err)
		err = xsan_client_login(c, volume, secret, hostname);
	if (err)
		return err;
	r.session = old;
	err = xsan_client_call(c, &r, &rep);
	if (err == -ESTALE || err == -EACCES) {
		snprintf(c->err, sizeof(c->err),
			 "session %016llx %s", (unsigned long long)old,
			 err == -ESTALE ? "is gone: starting over" :
			 "belongs to another client");
		return err;
	}
	if (err)
		return err;
	if (rep.session != old)
		return xsan_client_fail(c, -EBADMSG,
					"RECONNECT answered another session");
	c->session = rep.session;
	c->lease_ms = rep.lease_ms;
	c->grace_ms = rep.grace_ms;
	if (flags)
		*flags = rep.flags;
	return 0;
}

int xsan_client_send_raw(struct xsan_client *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
