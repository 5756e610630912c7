/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of harness.c for the programs written with check(3): kept out
 * of harness.h because <check.h> defines fail(), which others use.
 */
#ifndef XSAN_TEST_HARNESS_CHECK_H
#define XSAN_TEST_HARNESS_CHECK_H

#include <check.h>

#include "harness.h"

/*
 * Run @s (each test forked), print "PASS: PREFIX.NAME" or "FAIL: ..." per
 * test (reasons on stderr), free it; EXIT_SUCCESS if all of at least one
 * test passed.
 */
int h_run_suite(Suite *s, const char *prefix);
/* Add test @fn to @s as a test case of its own name with @timeout_s. */
#define H_ADD(s, fn, timeout_s) do { TCase *tc_ = tcase_create(#fn); \
	tcase_set_timeout(tc_, (timeout_s)); tcase_add_test(tc_, fn); \
	suite_add_tcase((s), tc_); } while (0)

#endif /* XSAN_TEST_HARNESS_CHECK_H */
