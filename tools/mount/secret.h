/* SPDX-License-Identifier: GPL-2.0 */
/* The volume secret, from its file into the keyring (see secret.c). */
#ifndef XMOUNT_SECRET_H
#define XMOUNT_SECRET_H

#include <stddef.h>

#define XMOUNT_SECRET_DIR	"/etc/xsanfs"

int xmount_load_secret(const char *dir, const char *volume, char *err,
		       size_t errlen);

#endif /* XMOUNT_SECRET_H */
