// SPDX-License-Identifier: GPL-2.0
/*
 * The unit test runner. Prints exactly one line per test on stdout,
 * "PASS: PREFIX.NAME" or "FAIL: PREFIX.NAME", where PREFIX is argv[1]
 * ("unit", or "unit-san" for the sanitizer build); why a test failed goes
 * to stderr. Exits 1 if any test failed.
 *
 * CK_RUN_SUITE / CK_RUN_CASE in the environment select tests, as in check.
 */

#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

int main(int argc, char *argv[])
{
	const char *prefix = argc > 1 ? argv[1] : "unit";
	TestResult **results;
	SRunner *sr;
	int i, n, failed;

	sr = srunner_create(options_suite());
	srunner_add_suite(sr, mdc_suite());
	srunner_add_suite(sr, args_suite());
	srunner_add_suite(sr, mount_api_suite());
	srunner_add_suite(sr, codec_suite());
	srunner_add_suite(sr, frameio_suite());
	srunner_add_suite(sr, config_suite());
	srunner_add_suite(sr, auth_suite());
	srunner_add_suite(sr, msg_suite());
	srunner_add_suite(sr, msg_layout_suite());
	srunner_add_suite(sr, msg_disk_suite());
	srunner_add_suite(sr, lun_suite());
	srunner_add_suite(sr, store_suite());
	srunner_add_suite(sr, space_suite());
	srunner_add_suite(sr, check_suite());
	srunner_add_suite(sr, msg_token_suite());
	srunner_add_suite(sr, token_suite());
	srunner_add_suite(sr, lock_suite());
	/* Isolation is the point; do not let CK_FORK=no take it away. */
	srunner_set_fork_status(sr, CK_FORK);

	srunner_run_all(sr, CK_SILENT);

	n = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	results = srunner_results(sr);
	for (i = 0; i < n; i++) {
		TestResult *r = results[i];

		if (tr_rtype(r) == CK_PASS) {
			printf("PASS: %s.%s\n", prefix, tr_tcname(r));
		} else {
			printf("FAIL: %s.%s\n", prefix, tr_tcname(r));
			fflush(stdout);
			fprintf(stderr, "  %s.%s: %s:%d: %s\n", prefix, tr_tcname(r),
				tr_lfile(r), tr_lno(r), tr_msg(r));
		}
		fflush(stdout);
	}
	free(results);
	srunner_free(sr);
	return failed || n == 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
