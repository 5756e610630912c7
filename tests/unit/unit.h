/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the userspace unit tests. Each test is its own check TCase,
 * so the runner can print one PASS/FAIL line per test under its own name;
 * check runs each in a forked child, so a crash or an ASan report fails
 * only that test.
 */
#ifndef XSAN_UNIT_H
#define XSAN_UNIT_H

#include <check.h>

/* Add test function @fn to suite @s as a TCase named after it. */
#define UNIT_ADD(s, fn) unit_add((s), #fn, (fn))

static inline void unit_add(Suite *s, const char *name, const TTest *t)
{
	TCase *tc = tcase_create(name);

	tcase_add_test(tc, t);
	suite_add_tcase(s, tc);
}

Suite *options_suite(void);
Suite *mdc_suite(void);
Suite *args_suite(void);
Suite *mount_api_suite(void);
Suite *codec_suite(void);
Suite *frameio_suite(void);
Suite *config_suite(void);
Suite *auth_suite(void);
Suite *msg_suite(void);
Suite *msg_layout_suite(void);
Suite *msg_disk_suite(void);
Suite *lun_suite(void);
Suite *store_suite(void);
Suite *space_suite(void);
Suite *check_suite(void);
Suite *msg_token_suite(void);
Suite *token_suite(void);
Suite *lock_suite(void);

#endif /* XSAN_UNIT_H */
