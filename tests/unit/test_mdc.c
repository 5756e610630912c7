// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of tools/mount/mdc.c: mdc=HOST[:PORT] into the numeric form the
 * kernel parses. Names go through a fake resolver: no test may contact a
 * name server (DESIGN.md section 8: loopback only).
 */

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "mdc.h"
#include "unit.h"

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
	return s;
}
