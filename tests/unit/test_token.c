// SPDX-License-Identifier: GPL-2.0
/*
 * The token conflict matrix of tools/mdc/token.c against the table of
 * Documentation/tokens.rst, written out here a second time by hand: a
 * change to either must change both.
 */

#include "mdc/token.h"
#include "unit.h"

enum { AR, AW, DI, DR, DW, IO, NT };

/* conflict[a][b]: may one session hold a while another holds b? 1 = no. */
static const int conflict[NT][NT] = {
	/*        AR AW DI DR DW IO */
	[AR] = {  0, 1, 0, 0, 0, 0 },
	[AW] = {  1, 1, 0, 0, 0, 0 },
	[DI] = {  0, 0, 0, 0, 0, 0 },
	[DR] = {  0, 0, 0, 0, 1, 1 },
	[DW] = {  0, 0, 0, 1, 1, 1 },
	[IO] = {  0, 0, 0, 1, 1, 0 },
};

START_TEST(token_matrix)
{
	int a, b;

	ck_assert_uint_eq(XSAN_TOK_ATTR_RD, 1u << AR);
	ck_assert_uint_eq(XSAN_TOK_ATTR_WR, 1u << AW);
	ck_assert_uint_eq(XSAN_TOK_DIR, 1u << DI);
	ck_assert_uint_eq(XSAN_TOK_DATA_RD, 1u << DR);
	ck_assert_uint_eq(XSAN_TOK_DATA_WR, 1u << DW);
	ck_assert_uint_eq(XSAN_TOK_DIO, 1u << IO);
	for (a = 0; a < NT; a++)
		for (b = 0; b < NT; b++) {
			bool c = mdc_tok_conflicts(1u << a) & (1u << b);

			ck_assert_msg(c == (bool)conflict[a][b],
				      "types %d and %d: conflict %d", a, b, c);
			/* Symmetric: the order of arrival does not matter. */
			ck_assert_msg(c == !!(mdc_tok_conflicts(1u << b) & (1u << a)),
				      "asymmetric %d %d", a, b);
		}
	/* A set conflicts with the union of its members' conflicts. */
	ck_assert_uint_eq(mdc_tok_conflicts(XSAN_TOK_ATTR_RD | XSAN_TOK_DIO),
			  XSAN_TOK_ATTR_WR | XSAN_TOK_DATA_RD | XSAN_TOK_DATA_WR);
	ck_assert_uint_eq(mdc_tok_conflicts(0), 0);
	ck_assert_uint_eq(mdc_tok_conflicts(XSAN_TOK_ALL) & ~XSAN_TOK_ALL, 0);
}
END_TEST

START_TEST(token_names)
{
	char b[64];

	ck_assert_str_eq(mdc_tok_names(XSAN_TOK_DATA_RD | XSAN_TOK_ATTR_WR, b,
				       sizeof(b)), "ATTR_WR|DATA_RD");
	ck_assert_str_eq(mdc_tok_names(0, b, sizeof(b)), "none");
	ck_assert_str_eq(mdc_tok_names(XSAN_TOK_ALL, b, sizeof(b)),
			 "ATTR_RD|ATTR_WR|DIR|DATA_RD|DATA_WR|DIO");
	/* Truncated, still a string. */
	mdc_tok_names(XSAN_TOK_ALL, b, 5);
	ck_assert_str_eq(b, "ATTR");
}
END_TEST

Suite *token_suite(void)
{
	Suite *s = suite_create("token");

	UNIT_ADD(s, token_matrix);
	UNIT_ADD(s, token_names);
	return s;
}
