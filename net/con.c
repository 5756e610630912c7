// SPDX-License-Identifier: GPL-2.0
/*
 * Connection to the metadata controller. For now this is the probe that
 * mount runs: connect with a bound on the wait and see what the MDC does.
 * The full messenger (xid-matched requests, heartbeats, reconnect,
 * callbacks on a workqueue) replaces it with the session protocol.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/jiffies.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/uio.h>
#include <net/sock.h>

#include "fs/xsan.h"

/**
 * xsan_con_probe() - connect to an MDC and wait for its first byte
 * @net: network namespace of the mount
 * @addr: the MDC's volume port (AF_INET or AF_INET6)
 * @timeout_secs: bound on the connect and the wait for an answer together
 *
 * Context: process context, may sleep; a signal interrupts the wait.
 * Return: -EPROTONOSUPPORT if the MDC sent anything (this client cannot
 * speak the session protocol yet), -ECONNRESET if it closed the connection
 * first, -ETIMEDOUT if it did not connect and answer in time, -EINTR or
 * -ERESTARTSYS on a signal, or the socket error (-ECONNREFUSED,
 * -EHOSTUNREACH, -ENETUNREACH, ...).
 */
int xsan_con_probe(struct net *net, const struct sockaddr_storage *addr,
		   unsigned int timeout_secs)
{
	int addrlen = addr->ss_family == AF_INET6 ?
		      sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	unsigned long deadline = jiffies + (unsigned long)timeout_secs * HZ;
	struct msghdr msg = {};
	struct socket *sock;
	struct kvec iov;
	u8 byte;
	int err;

	err = sock_create_kern(net, addr->ss_family, SOCK_STREAM, IPPROTO_TCP,
			       &sock);
	if (err)
		return err;

	/* A blocking connect waits at most sk_sndtimeo, interruptibly. */
	sock->sk->sk_sndtimeo = (long)timeout_secs * HZ;
	err = kernel_connect(sock, (struct sockaddr *)addr, addrlen, 0);
	if (err == -EINPROGRESS || err == -EAGAIN)
		err = -ETIMEDOUT;
	if (err)
		goto out;

	/* The answer gets what is left of the same budget. */
	if (time_after_eq(jiffies, deadline)) {
		err = -ETIMEDOUT;
		goto out;
	}
	sock->sk->sk_rcvtimeo = (long)(deadline - jiffies);

	iov.iov_base = &byte;
	iov.iov_len = sizeof(byte);
	err = kernel_recvmsg(sock, &msg, &iov, 1, sizeof(byte), 0);
	if (err == 0)
		err = -ECONNRESET;
	else if (err > 0)
		err = -EPROTONOSUPPORT;
	else if (err == -EAGAIN)
		err = -ETIMEDOUT;
out:
	sock_release(sock);
	return err;
}
