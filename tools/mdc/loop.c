// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop (Redis ae.c in spirit): one epoll set, a handler per fd,
 * and after every round the group commit of what that round queued, then
 * the lease timer. Nothing blocks in here except epoll_wait and the LMDB
 * sync of a commit.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "mdc.h"
#include "util.h"

#define MDC_TICK_MS	200	/* lease checks; leases are seconds long */
#define MDC_STALL_MS	1000	/* a tick this late: the daemon stalled */

int mdc_io_add(struct mdc *m, struct mdc_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	io->events = events;
	return epoll_ctl(m->epfd, EPOLL_CTL_ADD, io->fd, &ev) ? -errno : 0;
}

int mdc_io_mod(struct mdc *m, struct mdc_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (io->events == events)
		return 0;
	io->events = events;
	return epoll_ctl(m->epfd, EPOLL_CTL_MOD, io->fd, &ev) ? -errno : 0;
}

void mdc_io_del(struct mdc *m, struct mdc_io *io)
{
	epoll_ctl(m->epfd, EPOLL_CTL_DEL, io->fd, NULL);
}

/**
 * mdc_listen() - a listening TCP socket
 * @m: the daemon
 * @addr: address to bind, or NULL for all (IPv6 and IPv4)
 * @port: port; 0 picks a free one
 * @bound: set to the port bound
 * @err: why not
 * @errlen: its size
 *
 * Return: the socket, or -1 with @err set.
 */
int mdc_listen(struct mdc *m, const char *addr, int port, int *bound,
	       char *err, size_t errlen)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV,
	};
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct addrinfo *res, *ai, *pick;
	char pstr[16];
	int fd, one = 1, zero = 0, gai;

	(void)m;
	snprintf(pstr, sizeof(pstr), "%d", port);
	gai = getaddrinfo(addr, pstr, &hints, &res);
	if (gai) {
		xsan_seterr(err, errlen, "bind address %s: %s", addr ? addr : "*",
			    gai_strerror(gai));
		return -1;
	}
	/* With no address, prefer the IPv6 wildcard: it takes IPv4 too. */
	pick = res;
	for (ai = res; !addr && ai; ai = ai->ai_next)
		if (ai->ai_family == AF_INET6) {
			pick = ai;
			break;
		}
	fd = socket(pick->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		xsan_seterr(err, errlen, "socket: %s", strerror(errno));
		freeaddrinfo(res);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (pick->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, pick->ai_addr, pick->ai_addrlen) || listen(fd, 128)) {
		xsan_seterr(err, errlen, "port %d on %s: %s", port,
			    addr ? addr : "*", strerror(errno));
		close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		xsan_seterr(err, errlen, "getsockname: %s", strerror(errno));
		close(fd);
		return -1;
	}
	*bound = ntohs(ss.ss_family == AF_INET6 ?
		       ((struct sockaddr_in6 *)&ss)->sin6_port :
		       ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/**
 * mdc_run() - serve until mdc->stop is set (by the signal handler's fd)
 * @m: the daemon, with its listeners registered
 *
 * Return: 0, or -errno if epoll failed.
 */
int mdc_run(struct mdc *m)
{
	struct epoll_event evs[64];
	long long next_tick = mdc_now_ms() + MDC_TICK_MS, late;
	int n, i, timeout;

	while (!m->stop) {
		timeout = (int)(next_tick - mdc_now_ms());
		if (timeout < 0)
			timeout = 0;
		n = epoll_wait(m->epfd, evs, 64, timeout);
		if (n < 0 && errno != EINTR) {
			mdc_log(LOG_ERR, "epoll_wait: %s", strerror(errno));
			return -errno;
		}
		/*
		 * Back much later than the tick was due: we did not run. Before
		 * the heartbeats and answers queued meanwhile are read, and
		 * before any lease or revoke deadline is looked at.
		 */
		late = mdc_now_ms() - next_tick;
		if (late >= MDC_STALL_MS) {
			mdc_stalled(m, late);
			next_tick = mdc_now_ms();
		}
		for (i = 0; i < n; i++) {
			struct mdc_io *io = evs[i].data.ptr;

			io->fn(m, io, evs[i].events);
		}
		/* Everything this round queued: one transaction per volume. */
		mdc_commit_all(m);
		if (mdc_now_ms() >= next_tick) {
			/* or stopped while it handled what epoll gave it */
			late = mdc_now_ms() - next_tick;
			if (late >= MDC_STALL_MS)
				mdc_stalled(m, late);
			mdc_expire(m);
			mdc_tok_tick(m);
			/* what they let go (the end of a grace window, a
			 * request no revoke holds back any more) runs now
			 */
			mdc_commit_all(m);
			next_tick = mdc_now_ms() + MDC_TICK_MS;
		}
		mdc_reap(m);
	}
	return 0;
}
