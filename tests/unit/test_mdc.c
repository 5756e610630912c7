// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of tools/mount/mdc.c: mdc=HOST[:PORT] into the numeric form the
 * kernel parses; and of tools/mount/nslookup.c against a fake name server
 * on 127.0.0.1 that answers what a hostile or odd one might. Names go
 * through a fake resolver: no test may contact a name server (DESIGN.md
 * section 8: loopback only).
 */

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frameio.h"
#include "mdc.h"
#include "nslookup.h"
#include "unit.h"
#include "xsanfs/msg.h"

static char out[XMOUNT_MDC_MAX], err[512];
static int resolver_calls;
static char resolver_last[256];

/* Knows mdc1.example (IPv4), v6.example (IPv6) and nothing else. */
static int fake_resolve(const char *host, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	resolver_calls++;
	snprintf(resolver_last, sizeof(resolver_last), "%s", host);
	memset(ss, 0, sizeof(*ss));
	if (!strcmp(host, "mdc1.example")) {
		sin->sin_family = AF_INET;
		inet_pton(AF_INET, "192.0.2.7", &sin->sin_addr);
		return 0;
	}
	if (!strcmp(host, "v6.example")) {
		sin6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, "2001:db8::7", &sin6->sin6_addr);
		return 0;
	}
	if (!strcmp(host, "scoped.example")) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_scope_id = 2;
		inet_pton(AF_INET6, "fe80::1", &sin6->sin6_addr);
		return 0;
	}
	if (!strcmp(host, "tryagain.example"))
		return EAI_AGAIN;
	return EAI_NONAME;
}

static void norm_ok(const char *in, const char *want)
{
	int rc = xmount_mdc_normalise(in, out, sizeof(out), fake_resolve, err, sizeof(err));

	ck_assert_msg(rc == 0, "mdc=%s failed: %s", in, err);
	ck_assert_msg(!strcmp(out, want), "mdc=%s gave '%s', want '%s'", in, out, want);
}

static void norm_fails(const char *in, const char *want)
{
	int rc = xmount_mdc_normalise(in, out, sizeof(out), fake_resolve, err, sizeof(err));

	ck_assert_msg(rc == -1, "mdc=%s succeeded with '%s'", in ? in : "(null)", out);
	ck_assert_str_eq(err, want);
}

START_TEST(mdc_ipv4)
{
	norm_ok("10.1.2.3", "10.1.2.3");
	norm_ok("10.1.2.3:6000", "10.1.2.3:6000");
	norm_ok("127.0.0.1:1", "127.0.0.1:1");
	norm_ok("192.0.2.1:65535", "192.0.2.1:65535");
	norm_ok("10.1.2.3:060766", "10.1.2.3:60766");
	ck_assert_int_eq(resolver_calls, 0);
}
END_TEST

START_TEST(mdc_ipv6)
{
	norm_ok("::1", "::1");
	norm_ok("[::1]", "::1");
	norm_ok("[::1]:6000", "[::1]:6000");
	norm_ok("2001:DB8:0:0::1", "2001:db8::1");
	norm_ok("[2001:db8::1]:60766", "[2001:db8::1]:60766");
	norm_ok("fe80::1:2", "fe80::1:2");
	norm_ok("::ffff:10.0.0.1", "::ffff:10.0.0.1");
	ck_assert_int_eq(resolver_calls, 0);
}
END_TEST

START_TEST(mdc_bad_ports)
{
	norm_fails("10.0.0.1:0", "mdc=10.0.0.1:0: '0' is not a port number (1-65535)");
	norm_fails("10.0.0.1:65536", "mdc=10.0.0.1:65536: '65536' is not a port number (1-65535)");
	norm_fails("10.0.0.1:99999999999999999999",
		   "mdc=10.0.0.1:99999999999999999999: '99999999999999999999' is not a port number (1-65535)");
	norm_fails("10.0.0.1:", "mdc=10.0.0.1:: '' is not a port number (1-65535)");
	norm_fails("10.0.0.1:-1", "mdc=10.0.0.1:-1: '-1' is not a port number (1-65535)");
	norm_fails("10.0.0.1:+80", "mdc=10.0.0.1:+80: '+80' is not a port number (1-65535)");
	norm_fails("10.0.0.1:8o", "mdc=10.0.0.1:8o: '8o' is not a port number (1-65535)");
	norm_fails("10.0.0.1: 80", "mdc=10.0.0.1: 80: ' 80' is not a port number (1-65535)");
	norm_fails("[::1]:", "mdc=[::1]:: '' is not a port number (1-65535)");
	norm_fails("[::1]:0x50", "mdc=[::1]:0x50: '0x50' is not a port number (1-65535)");
	ck_assert_int_eq(resolver_calls, 0);
}
END_TEST

START_TEST(mdc_bad_syntax)
{
	norm_fails("", "mdc= is empty: give the metadata controller as mdc=ADDRESS[:PORT]");
	norm_fails(NULL, "mdc= is empty: give the metadata controller as mdc=ADDRESS[:PORT]");
	norm_fails(":6000", "mdc=:6000: no address before the port");
	norm_fails("[]:6000", "mdc=[]:6000: no address before the port");
	norm_fails("[::1", "mdc=[::1: missing ']'");
	norm_fails("[::1]6000", "mdc=[::1]6000: unexpected '6000' after ']' (use [IPv6]:PORT)");
	norm_fails("[10.0.0.1]:80", "mdc=[10.0.0.1]:80: '10.0.0.1' is not an IPv6 address");
	norm_fails("[mdc1.example]", "mdc=[mdc1.example]: 'mdc1.example' is not an IPv6 address");
	norm_fails("fe80::1%eth0",
		   "mdc=fe80::1%eth0: scoped IPv6 addresses (%INTERFACE) are not supported");
	ck_assert_int_eq(resolver_calls, 0);
}
END_TEST

START_TEST(mdc_names_resolved)
{
	norm_ok("mdc1.example", "192.0.2.7");
	ck_assert_str_eq(resolver_last, "mdc1.example");
	norm_ok("mdc1.example:6000", "192.0.2.7:6000");
	ck_assert_str_eq(resolver_last, "mdc1.example");
	norm_ok("v6.example", "2001:db8::7");
	norm_ok("v6.example:6000", "[2001:db8::7]:6000");
	ck_assert_str_eq(resolver_last, "v6.example");
	ck_assert_int_eq(resolver_calls, 4);
	/* The port is checked before anyone is asked. */
	norm_fails("mdc1.example:0", "mdc=mdc1.example:0: '0' is not a port number (1-65535)");
	ck_assert_int_eq(resolver_calls, 4);
}
END_TEST

START_TEST(mdc_unresolvable)
{
	norm_fails("nohost.example",
		   "cannot resolve metadata controller 'nohost.example': Name or service not known");
	ck_assert_str_eq(resolver_last, "nohost.example");
	norm_fails("nohost.example:6000",
		   "cannot resolve metadata controller 'nohost.example': Name or service not known");
	ck_assert_str_eq(resolver_last, "nohost.example");
	norm_fails("tryagain.example",
		   "cannot resolve metadata controller 'tryagain.example': Temporary failure in name resolution");
	norm_fails("scoped.example",
		   "mdc=scoped.example: 'scoped.example' is a link-local address with a scope, which is not supported");
}
END_TEST

/* The real resolver, on literals only: glibc parses them without a lookup. */
START_TEST(mdc_real_resolver_literals)
{
	int rc;

	rc = xmount_mdc_normalise("127.1:5", out, sizeof(out), xmount_resolve_host,
				  err, sizeof(err));
	ck_assert_msg(rc == 0, "127.1: %s", err);
	ck_assert_str_eq(out, "127.0.0.1:5");
	rc = xmount_mdc_normalise("0x7f000001", out, sizeof(out), xmount_resolve_host,
				  err, sizeof(err));
	ck_assert_msg(rc == 0, "0x7f000001: %s", err);
	ck_assert_str_eq(out, "127.0.0.1");
}
END_TEST

START_TEST(mdc_small_buffer)
{
	char small[8];
	int rc;

	rc = xmount_mdc_normalise("[2001:db8::1]:60766", small, sizeof(small),
				  fake_resolve, err, sizeof(err));
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(err, "mdc=[2001:db8::1]:60766: no room for the address");
}
END_TEST

/*
 * A name server on 127.0.0.1 (its port in *@port) that answers one
 * NS_LOOKUP with @status and, for 0, session port 5555 and @host. It runs
 * in a child, which ends after one connection or 10 s.
 */
static pid_t fake_ns(unsigned int *port, u32 status, const char *host)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	pid_t pid;

	ck_assert_int_ge(lfd, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
	*port = ntohs(sin.sin_port);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		static u8 buf[XSAN_HDR_SIZE + 512];
		struct xsan_fbuf fb = { 0 };
		struct xsan_rep rep = { .op = XSAN_OP_NS_LOOKUP, .port = 5555 };
		struct xsan_hdr h;
		struct xsan_put w;
		int fd;

		alarm(10);
		fd = accept(lfd, NULL, NULL);
		if (fd < 0 || xsan_frame_read(fd, &fb, &h, 5000))
			_exit(1);
		rep.host = host;
		rep.hostlen = (u32)strlen(host);
		memset(rep.uuid, 0x5a, sizeof(rep.uuid));
		xsan_put_init(&w, buf + XSAN_HDR_SIZE, sizeof(buf) - XSAN_HDR_SIZE);
		if (!status && xsan_rep_encode(&w, &rep))
			_exit(1);
		h.flags = XSAN_F_REPLY;
		h.status = status;
		h.len = status ? 0 : w.len;
		if (xsan_frame_write(fd, &h, buf + XSAN_HDR_SIZE, 5000))
			_exit(1);
		/* Wait for the client to close. */
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(lfd);
	return pid;
}

static void reap(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fake name server failed");
}

/* Ask the fake name server answering @status/@host; returns the result. */
static int ns_ask(u32 status, const char *host, struct xmount_ns_answer *ans,
		  unsigned int *port)
{
	char *hosts[] = { "127.0.0.1" };
	pid_t pid = fake_ns(port, status, host);
	int rc = xmount_ns_lookup("vol1", hosts, 1, *port, 5000, fake_resolve,
				  ans, NULL, err, sizeof(err));

	reap(pid);
	return rc;
}

START_TEST(ns_answers)
{
	static const u8 uuid[XSAN_UUID_SIZE] = {
		0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
		0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
	};
	struct xmount_ns_answer ans;
	unsigned int port;
	char want[64];

	/* No host: the address the name server was reached at. */
	ck_assert_msg(ns_ask(0, "", &ans, &port) == 0, "%s", err);
	ck_assert_str_eq(ans.mdc, "127.0.0.1:5555");
	snprintf(want, sizeof(want), "127.0.0.1 port %u", port);
	ck_assert_str_eq(ans.server, want);
	ck_assert_mem_eq(ans.uuid, uuid, sizeof(uuid));

	/* A name, resolved here; IPv6 literals come back bracketed. */
	ck_assert_msg(ns_ask(0, "mdc1.example", &ans, &port) == 0, "%s", err);
	ck_assert_str_eq(ans.mdc, "192.0.2.7:5555");
	ck_assert_msg(ns_ask(0, "2001:db8::9", &ans, &port) == 0, "%s", err);
	ck_assert_str_eq(ans.mdc, "[2001:db8::9]:5555");
}
END_TEST

START_TEST(ns_bad_answers)
{
	struct xmount_ns_answer ans;
	unsigned int port;
	char want[512];

	ck_assert_int_eq(ns_ask(0, "evil host;rm", &ans, &port), -1);
	snprintf(want, sizeof(want),
		 "name server 127.0.0.1 port %u named a metadata controller that is not a host name or address",
		 port);
	ck_assert_str_eq(err, want);

	ck_assert_int_eq(ns_ask(0, "nosuch.example", &ans, &port), -1);
	snprintf(want, sizeof(want),
		 "name server 127.0.0.1 port %u named metadata controller nosuch.example:5555, but: cannot resolve metadata controller 'nosuch.example': %s",
		 port, gai_strerror(EAI_NONAME));
	ck_assert_str_eq(err, want);

	ck_assert_int_eq(ns_ask(ENOENT, "", &ans, &port), -1);
	snprintf(want, sizeof(want),
		 "volume vol1 is unknown to the name service (asked 127.0.0.1 port %u): check the name, and that its metadata controller is running",
		 port);
	ck_assert_str_eq(err, want);

	/* Not a name service: an error status other than ENOENT. */
	ck_assert_int_eq(ns_ask(EOPNOTSUPP, "", &ans, &port), -1);
	snprintf(want, sizeof(want),
		 "no name server answered for volume vol1: tried 127.0.0.1 port %u: NS_LOOKUP: %s",
		 port, strerror(EOPNOTSUPP));
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(ns_load_file)
{
	char path[] = "/tmp/xmount-fsns-XXXXXX";
	struct xmount_ns_list list;
	int fd = mkstemp(path);
	static const char text[] = "# servers\n\n  ns1.example  # first\n10.0.0.6\n::1\n";

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	ck_assert_msg(xmount_ns_load(path, "vol1", &list, NULL, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(list.n, 3);
	ck_assert_str_eq(list.hosts[0], "ns1.example");
	ck_assert_str_eq(list.hosts[1], "10.0.0.6");
	ck_assert_str_eq(list.hosts[2], "::1");
	xmount_ns_list_free(&list);
	ck_assert_uint_eq(list.n, 0);
	unlink(path);

	ck_assert_int_eq(xmount_ns_load(path, "vol1", &list, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_null(list.hosts);
	ck_assert_msg(strstr(err, "no metadata controller for volume vol1: give -o mdc=HOST or list name servers in /tmp/xmount-fsns-") == err,
		      "got '%s'", err);
}
END_TEST

Suite *mdc_suite(void)
{
	Suite *s = suite_create("mdc");

	UNIT_ADD(s, mdc_ipv4);
	UNIT_ADD(s, mdc_ipv6);
	UNIT_ADD(s, mdc_bad_ports);
	UNIT_ADD(s, mdc_bad_syntax);
	UNIT_ADD(s, mdc_names_resolved);
	UNIT_ADD(s, mdc_unresolvable);
	UNIT_ADD(s, mdc_real_resolver_literals);
	UNIT_ADD(s, mdc_small_buffer);
	UNIT_ADD(s, ns_answers);
	UNIT_ADD(s, ns_bad_answers);
	UNIT_ADD(s, ns_load_file);
	return s;
}
