// SPDX-License-Identifier: GPL-2.0
/*
 * Connections: accept, read and check frames, buffer output, close.
 *
 * A frame that fails any check of the header or its CRC, or is bigger
 * than the protocol allows, closes its connection with one log line that
 * names the peer; the other connections never notice. Closed connections
 * stay allocated while queued requests still point at them (refs), and
 * are freed by mdc_reap() between rounds, so no handler in the round that
 * closed one can touch freed memory.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "mdc.h"

#define MDC_READ_CHUNK	65536u

static void mdc_conn_event(struct mdc *m, struct mdc_io *io, uint32_t events);
static void conn_frame(struct mdc *m, struct mdc_conn *c, struct xsan_hdr *hp,
		       const void *payload);

static void peer_name(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		port = ntohs(s4->sin_port);
		snprintf(buf, len, "%s:%d", ip, port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], ip, sizeof(ip));
		else
			inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		port = ntohs(s6->sin6_port);
		snprintf(buf, len, strchr(ip, ':') ? "[%s]:%d" : "%s:%d", ip, port);
	} else {
		snprintf(buf, len, "?");
	}
}

void mdc_accept(struct mdc *m, struct mdc_io *io, uint32_t events)
{
	struct mdc_listener *l = (struct mdc_listener *)io;
	struct sockaddr_storage ss;
	struct mdc_conn *c;
	socklen_t sl;
	int fd, one = 1;

	(void)events;
	for (;;) {
		sl = sizeof(ss);
		fd = accept4(io->fd, (struct sockaddr *)&ss, &sl,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				mdc_log(LOG_WARNING, "accept: %s", strerror(errno));
			return;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			mdc_log(LOG_ERR, "out of memory accepting a connection");
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->io.fd = fd;
		c->io.fn = mdc_conn_event;
		c->kind = l->kind;
		c->refs = 1;
		peer_name(&ss, c->addr, sizeof(c->addr));
		if (mdc_io_add(m, &c->io, EPOLLIN | EPOLLRDHUP)) {
			mdc_log(LOG_ERR, "%s: epoll: %s", c->addr, strerror(errno));
			close(fd);
			free(c);
			continue;
		}
		c->next = m->conns;
		m->conns = c;
		m->nconns++;
		mdc_log(LOG_DEBUG, "%s: connected (%s port)", c->addr,
			c->kind == MDC_CONN_NS ? "name service" : "session");
	}
}

static void mdc_conn_free(struct mdc_conn *c)
{
	free(c->in);
	free(c->out);
	free(c);
}

/* Drop a reference; a closed connection is freed by mdc_reap(). */
void mdc_conn_put(struct mdc *m, struct mdc_conn *c)
{
	(void)m;
	c->refs--;
}

void mdc_reap(struct mdc *m)
{
	struct mdc_conn **pp = &m->conns, *c;

	while ((c = *pp)) {
		if (c->dead && c->refs <= 0) {
			*pp = c->next;
			m->nconns--;
			mdc_conn_free(c);
		} else {
			pp = &c->next;
		}
	}
}

/**
 * mdc_conn_close() - close a connection now
 * @m: the daemon
 * @c: the connection
 * @why: logged with the peer's address; NULL for an orderly close
 */
void mdc_conn_close(struct mdc *m, struct mdc_conn *c, const char *why)
{
	if (c->dead)
		return;
	if (why)
		mdc_log(LOG_WARNING, "%s: %s; connection closed", c->addr, why);
	else if (c->state == MDC_CS_HELLO && !c->closing && !m->stop)
		/*
		 * The peer left on its own between HELLO and AUTH: its check
		 * of our proof failed. Not when we closed it (a refused AUTH,
		 * a bad frame), which has its own line, nor at shutdown.
		 */
		mdc_log(LOG_NOTICE, "%s: host '%s' left volume %s after HELLO without authenticating (a different volume secret?)",
			c->addr, c->host, c->vol->name);
	else
		mdc_log(LOG_DEBUG, "%s: connection closed after %llu bytes in, %llu bytes out",
			c->addr, (unsigned long long)c->bytes_in,
			(unsigned long long)c->bytes_out);
	/* the byte counters: file data must not cross the session port */
	if (c->kind == MDC_CONN_SESSION && c->vol) {
		c->vol->bytes_in += c->bytes_in;
		c->vol->bytes_out += c->bytes_out;
	}
	mdc_tok_conn_gone(m, c);
	mdc_session_detach(m, c);
	mdc_io_del(m, &c->io);
	close(c->io.fd);
	c->io.fd = -1;
	c->dead = true;
	c->refs--;	/* the loop's reference */
}

void mdc_close_all(struct mdc *m)
{
	struct mdc_conn *c;
	struct mdc_vol *v;

	for (c = m->conns; c; c = c->next)
		if (!c->dead)
			mdc_conn_close(m, c, NULL);
	mdc_reap(m);
	for (v = m->vols; v; v = v->next)
		mdc_log(LOG_NOTICE, "volume %s: session traffic %llu bytes in, %llu bytes out",
			v->name, (unsigned long long)v->bytes_in,
			(unsigned long long)v->bytes_out);
}

/* Read interest: off while the output backs up or the queue is full. */
static void mdc_conn_interest(struct mdc *m, struct mdc_conn *c)
{
	uint32_t ev = 0;

	if (c->dead)
		return;
	/*
	 * A closing connection reads nothing more; not even the hang-up,
	 * which stays reported (level-triggered) and would spin the loop
	 * while its last replies wait for the commit or the socket.
	 */
	if (!c->closing)
		ev |= EPOLLRDHUP;
	if (!c->closing && c->outlen - c->outoff < MDC_OUT_HIGH &&
	    c->queued < MDC_QUEUE_MAX)
		ev |= EPOLLIN;
	if (c->outlen > c->outoff)
		ev |= EPOLLOUT;
	if (mdc_io_mod(m, &c->io, ev))
		mdc_conn_close(m, c, "epoll failed");
}

/* Write what we can now; the rest when the socket has room. */
void mdc_conn_flush(struct mdc *m, struct mdc_conn *c)
{
	ssize_t n;

	while (!c->dead && c->outoff < c->outlen) {
		n = send(c->io.fd, c->out + c->outoff, c->outlen - c->outoff,
			 MSG_NOSIGNAL);
		if (n > 0) {
			c->outoff += (size_t)n;
			c->bytes_out += (uint64_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		mdc_conn_close(m, c, n < 0 ? strerror(errno) : "send failed");
		return;
	}
	if (c->dead)
		return;
	if (c->outoff == c->outlen) {
		c->outoff = c->outlen = 0;
		/*
		 * Requests queued before the one that ends the connection
		 * (GOODBYE, a refusal) are committed with the next batch;
		 * their replies must go out before the close.
		 */
		if (c->closing && !c->queued) {
			mdc_conn_close(m, c, NULL);
			return;
		}
	}
	mdc_conn_interest(m, c);
}

/**
 * mdc_conn_reply() - queue a reply frame on a connection
 * @m: the daemon
 * @c: the connection (nothing happens if it is closed)
 * @req: the request's header (xid and opcode are echoed)
 * @status: 0 or a positive errno
 * @payload: the reply payload
 * @len: its length
 */
void mdc_conn_reply(struct mdc *m, struct mdc_conn *c,
		    const struct xsan_hdr *req, uint32_t status,
		    const void *payload, uint32_t len)
{
	struct xsan_hdr h = {
		.version = c->version ? c->version : XSAN_PROTO_MAX,
		.opcode = req->opcode,
		.flags = XSAN_F_REPLY,
		.len = len,
		.xid = req->xid,
		.status = status,
	};

	conn_frame(m, c, &h, payload);
}

/**
 * mdc_conn_callback() - queue an MDC -> client callback frame
 * @m: the daemon
 * @c: the connection (nothing happens if it is closed)
 * @op: XSAN_OP_REVOKE or XSAN_OP_LOCK_WAKE
 * @xid: the MDC's own id for it (clients never answer with a reply frame)
 * @payload: the payload
 * @len: its length
 *
 * Only queued, with the write interest raised: never flushed here, since
 * a flush may close @c under the caller (token.c walks lists).
 */
void mdc_conn_callback(struct mdc *m, struct mdc_conn *c, uint16_t op,
		       uint64_t xid, const void *payload, uint32_t len)
{
	struct xsan_hdr h = {
		.version = c->version ? c->version : XSAN_PROTO_MAX,
		.opcode = op,
		.flags = XSAN_F_CALLBACK,
		.len = len,
		.xid = xid,
	};

	conn_frame(m, c, &h, payload);
	mdc_conn_kick(m, c);
}

void mdc_conn_kick(struct mdc *m, struct mdc_conn *c)
{
	mdc_conn_interest(m, c);
}

/* Append one frame with header @h and @h->len bytes of @payload. */
static void conn_frame(struct mdc *m, struct mdc_conn *c, struct xsan_hdr *hp,
		       const void *payload)
{
	struct xsan_hdr h = *hp;
	uint32_t len = h.len;
	size_t need = XSAN_HDR_SIZE + (size_t)len;

	if (c->dead)
		return;
	if (c->outoff && c->outlen + need > c->outcap) {
		memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
		c->outlen -= c->outoff;
		c->outoff = 0;
	}
	if (c->outlen + need > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 4096;
		uint8_t *p;

		while (cap < c->outlen + need)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p) {
			mdc_conn_close(m, c, "out of memory for a reply");
			return;
		}
		c->out = p;
		c->outcap = cap;
	}
	if (len)
		memcpy(c->out + c->outlen + XSAN_HDR_SIZE, payload, len);
	xsan_frame_seal(c->out + c->outlen, &h);
	c->outlen += need;
}

/* Consume whole frames from the input buffer. */
static void mdc_conn_parse(struct mdc *m, struct mdc_conn *c)
{
	size_t off = 0;
	struct xsan_hdr h;
	char why[128];
	int err;

	while (!c->dead && !c->closing && c->inlen - off >= XSAN_HDR_SIZE) {
		const uint8_t *f = c->in + off;

		err = xsan_hdr_decode(f, c->inlen - off, &h);
		if (err) {
			mdc_conn_close(m, c, "malformed frame header");
			return;
		}
		if (h.flags) {
			mdc_conn_close(m, c, "a reply or callback frame where a request belongs");
			return;
		}
		if (c->inlen - off < XSAN_HDR_SIZE + (size_t)h.len)
			break;
		if (xsan_frame_verify(f, f + XSAN_HDR_SIZE, h.len, h.crc)) {
			snprintf(why, sizeof(why), "CRC mismatch in a %s frame",
				 xsan_op_name(h.opcode));
			mdc_conn_close(m, c, why);
			return;
		}
		mdc_handle(m, c, &h, f + XSAN_HDR_SIZE);
		off += XSAN_HDR_SIZE + h.len;
		if (c->queued >= MDC_QUEUE_MAX)
			break;
	}
	if (c->dead)
		return;
	if (off) {
		memmove(c->in, c->in + off, c->inlen - off);
		c->inlen -= off;
	}
}

static void mdc_conn_read(struct mdc *m, struct mdc_conn *c)
{
	ssize_t n;

	for (;;) {
		if (c->incap - c->inlen < MDC_READ_CHUNK) {
			size_t cap = c->inlen + MDC_READ_CHUNK;
			uint8_t *p;

			/* Never more than one whole frame plus a read. */
			if (cap > XSAN_FRAME_MAX + MDC_READ_CHUNK) {
				mdc_conn_parse(m, c);
				if (c->dead || c->incap - c->inlen < MDC_READ_CHUNK)
					break;
				continue;
			}
			p = realloc(c->in, cap);
			if (!p) {
				mdc_conn_close(m, c, "out of memory for input");
				return;
			}
			c->in = p;
			c->incap = cap;
		}
		n = recv(c->io.fd, c->in + c->inlen, c->incap - c->inlen, 0);
		if (n > 0) {
			c->inlen += (size_t)n;
			c->bytes_in += (uint64_t)n;
			mdc_conn_parse(m, c);
			if (c->dead || c->closing || c->queued >= MDC_QUEUE_MAX)
				return;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n == 0 && c->inlen)
			mdc_conn_close(m, c, "peer closed in the middle of a frame");
		else if (n == 0 && (c->queued || c->outlen > c->outoff))
			/* Half-closed: answer what it asked, then close. */
			c->closing = true;
		else if (n == 0)
			mdc_conn_close(m, c, NULL);
		else
			mdc_conn_close(m, c, strerror(errno));
		return;
	}
}

/* After the queue drained: frames already buffered, then new input. */
void mdc_conn_resume(struct mdc *m, struct mdc_conn *c)
{
	if (c->dead)
		return;
	if (c->inlen && c->queued < MDC_QUEUE_MAX)
		mdc_conn_parse(m, c);
	if (!c->dead)
		mdc_conn_flush(m, c);
}

static void mdc_conn_event(struct mdc *m, struct mdc_io *io, uint32_t events)
{
	struct mdc_conn *c = (struct mdc_conn *)io;

	if (c->dead)
		return;
	if (events & EPOLLOUT)
		mdc_conn_flush(m, c);
	if (!c->dead && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
		mdc_conn_read(m, c);
	if (!c->dead)
		mdc_conn_flush(m, c);
}
