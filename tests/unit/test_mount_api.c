// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of tools/mount/mount_api.c against a scripted fake kernel: the
 * order and arguments of the mount system calls, the one modprobe retry,
 * and that every failure prints the kernel's queued messages and a final
 * line, never nothing.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mount_api.h"
#include "options.h"
#include "unit.h"

#define FAKE_FSFD	3
#define FAKE_MNTFD	4
#define FAKE_MAX_CALLS	32
#define FAKE_MAX_LOG	8
#define FAKE_MSG_MAX	20000

/* What the fake kernel will do, and what it saw. */
static struct {
	int fsopen_errno[4];	/* per successive call; 0: succeed */
	int nfsopen;
	int modprobe_ret;
	const char *bad_key;	/* fsconfig() of this key fails ... */
	int bad_key_errno;	/* ... with this, logging "Unknown parameter" */
	int create_errno;
	int fsmount_errno;
	int move_errno;
	int setattr_errno;
	int open_fds;

	char log[FAKE_MAX_LOG][FAKE_MSG_MAX];
	int log_head, log_tail;

	char calls[FAKE_MAX_CALLS][256];
	int ncalls;
} fk;

static char *out_text, *err_text;
static size_t out_len, err_len;
static FILE *out, *err;

static void fake_call(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fake_call(const char *fmt, ...)
{
	va_list ap;

	ck_assert_int_lt(fk.ncalls, FAKE_MAX_CALLS);
	va_start(ap, fmt);
	vsnprintf(fk.calls[fk.ncalls++], sizeof(fk.calls[0]), fmt, ap);
	va_end(ap);
}

/* Queue a message as the kernel's logfc() does: "L prefix: text\n". */
static void fake_log(const char *msg)
{
	ck_assert_int_lt(fk.log_head - fk.log_tail, FAKE_MAX_LOG);
	snprintf(fk.log[fk.log_head++ % FAKE_MAX_LOG], FAKE_MSG_MAX, "%s", msg);
}

static int fake_fsopen(const char *name, unsigned int flags)
{
	int e = fk.fsopen_errno[fk.nfsopen++];

	fake_call("fsopen(%s,%s)", name, flags == FSOPEN_CLOEXEC ? "CLOEXEC" : "?");
	if (e) {
		errno = e;
		return -1;
	}
	fk.open_fds++;
	return FAKE_FSFD;
}

static int fake_fsconfig(int fd, unsigned int cmd, const char *key,
			 const void *value, int aux)
{
	char line[300];

	ck_assert_int_eq(fd, FAKE_FSFD);
	ck_assert_int_eq(aux, 0);
	switch (cmd) {
	case FSCONFIG_SET_STRING:
		snprintf(line, sizeof(line), "fsconfig(SET_STRING,%s,%s)", key,
			 (const char *)value);
		break;
	case FSCONFIG_SET_FLAG:
		ck_assert_ptr_null(value);
		snprintf(line, sizeof(line), "fsconfig(SET_FLAG,%s)", key);
		break;
	case FSCONFIG_CMD_CREATE:
		ck_assert_ptr_null(key);
		ck_assert_ptr_null(value);
		snprintf(line, sizeof(line), "fsconfig(CMD_CREATE)");
		break;
	default:
		ck_abort_msg("unexpected fsconfig command %u", cmd);
	}
	fake_call("%s", line);

	if (cmd == FSCONFIG_CMD_CREATE && fk.create_errno) {
		errno = fk.create_errno;
		return -1;
	}
	if (key && fk.bad_key && !strcmp(key, fk.bad_key)) {
		snprintf(line, sizeof(line), "e xsanfs: Unknown parameter '%s'\n", key);
		fake_log(line);
		errno = fk.bad_key_errno;
		return -1;
	}
	return 0;
}

static int fake_fsmount(int fd, unsigned int flags, unsigned int attr)
{
	ck_assert_int_eq(fd, FAKE_FSFD);
	fake_call("fsmount(%s,%#x)", flags == FSMOUNT_CLOEXEC ? "CLOEXEC" : "?", attr);
	if (fk.fsmount_errno) {
		errno = fk.fsmount_errno;
		return -1;
	}
	fk.open_fds++;
	return FAKE_MNTFD;
}

static int fake_move_mount(int from_dfd, const char *from, int to_dfd,
			   const char *to, unsigned int flags)
{
	fake_call("move_mount(%d,\"%s\",%s,%s,%s)", from_dfd, from,
		  to_dfd == AT_FDCWD ? "AT_FDCWD" : "?", to,
		  flags == MOVE_MOUNT_F_EMPTY_PATH ? "F_EMPTY_PATH" : "?");
	if (fk.move_errno) {
		errno = fk.move_errno;
		return -1;
	}
	return 0;
}

static int fake_mount_setattr(int dfd, const char *path, unsigned int flags,
			      struct mount_attr *attr, size_t size)
{
	ck_assert_uint_eq(size, sizeof(*attr));
	ck_assert_uint_eq(attr->attr_set, 0);
	ck_assert_uint_eq(attr->attr_clr, 0);
	fake_call("mount_setattr(%s,%s,%s,%#llx)", dfd == AT_FDCWD ? "AT_FDCWD" : "?",
		  path, flags == AT_RECURSIVE ? "AT_RECURSIVE" : flags ? "?" : "0",
		  (unsigned long long)attr->propagation);
	if (fk.setattr_errno) {
		errno = fk.setattr_errno;
		return -1;
	}
	return 0;
}

static int fake_umount2(const char *target, int flags)
{
	fake_call("umount2(%s,%s)", target, flags == MNT_DETACH ? "MNT_DETACH" : "?");
	return 0;
}

/* As a 6.1 kernel with the fix: a message too long for @len stays queued. */
static ssize_t fake_read(int fd, void *buf, size_t len)
{
	const char *msg;
	size_t n;

	ck_assert_int_eq(fd, FAKE_FSFD);
	if (fk.log_tail == fk.log_head) {
		errno = ENODATA;
		return -1;
	}
	msg = fk.log[fk.log_tail % FAKE_MAX_LOG];
	n = strlen(msg);
	if (n > len) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(buf, msg, n);
	fk.log_tail++;
	return (ssize_t)n;
}

static int fake_close(int fd)
{
	fake_call("close(%d)", fd);
	fk.open_fds--;
	return 0;
}

static int fake_modprobe(void)
{
	fake_call("modprobe");
	return fk.modprobe_ret;
}

static const struct xmount_sys fake_sys = {
	.fsopen = fake_fsopen,
	.fsconfig = fake_fsconfig,
	.fsmount = fake_fsmount,
	.move_mount = fake_move_mount,
	.mount_setattr = fake_mount_setattr,
	.umount2 = fake_umount2,
	.read = fake_read,
	.close = fake_close,
	.modprobe = fake_modprobe,
};

static void setup(void)
{
	memset(&fk, 0, sizeof(fk));
	out_text = err_text = NULL;
	out = open_memstream(&out_text, &out_len);
	err = open_memstream(&err_text, &err_len);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(err);
}

static void teardown(void)
{
	free(out_text);
	free(err_text);
}

/*
 * Mount vol1 on /mnt/x with -o @list; returns what xmount_run() did and
 * leaves its output in out_text/err_text.
 */
static int run(const char *list, bool fake, bool sloppy, bool verbose)
{
	struct xmount_opts o;
	struct xmount_req req = {
		.spec = "vol1", .dir = "/mnt/x", .opts = &o,
		.fake = fake, .sloppy = sloppy, .verbose = verbose,
	};
	char msg[256];
	int ret;

	ck_assert_msg(!xmount_opts_parse(list, &o, msg, sizeof(msg)), "%s", msg);
	ret = xmount_run(&req, &fake_sys, out, err);
	xmount_opts_free(&o);
	fclose(out);
	fclose(err);
	return ret;
}

/* The calls the fake saw must be exactly the NULL-terminated @want. */
static void assert_calls(const char *const *want)
{
	int i;

	for (i = 0; want[i]; i++) {
		ck_assert_msg(i < fk.ncalls, "call %d: got nothing, want %s", i, want[i]);
		ck_assert_msg(!strcmp(fk.calls[i], want[i]), "call %d: got %s, want %s",
			      i, fk.calls[i], want[i]);
	}
	ck_assert_msg(i == fk.ncalls, "unexpected call %d: %s", i, fk.calls[i]);
	ck_assert_int_eq(fk.open_fds, 0);
}

#define CALLS(...) ((const char *const[]){ __VA_ARGS__, NULL })

START_TEST(api_mount_sequence)
{
	ck_assert_int_eq(run("ro,nosuid,mdc=10.0.0.1,noauto,timeout=5", false, false, false), 0);
	assert_calls(CALLS(
		"fsopen(xsanfs,CLOEXEC)",
		"fsconfig(SET_STRING,source,vol1)",
		"fsconfig(SET_STRING,mdc,10.0.0.1)",
		"fsconfig(SET_STRING,timeout,5)",
		"fsconfig(SET_FLAG,ro)",
		"fsconfig(CMD_CREATE)",
		"fsmount(CLOEXEC,0x3)",
		"move_mount(4,\"\",AT_FDCWD,/mnt/x,F_EMPTY_PATH)",
		"close(4)",
		"close(3)"));
	ck_assert_str_eq(err_text, "");
	ck_assert_str_eq(out_text, "");
}
END_TEST

START_TEST(api_rw_flags_and_attrs)
{
	ck_assert_int_eq(run("ro,rw,noatime,nodev,bogus,sync", false, false, false), 0);
	assert_calls(CALLS(
		"fsopen(xsanfs,CLOEXEC)",
		"fsconfig(SET_STRING,source,vol1)",
		"fsconfig(SET_FLAG,bogus)",
		"fsconfig(SET_FLAG,sync)",
		"fsconfig(CMD_CREATE)",
		"fsmount(CLOEXEC,0x14)",
		"move_mount(4,\"\",AT_FDCWD,/mnt/x,F_EMPTY_PATH)",
		"close(4)",
		"close(3)"));
	ck_assert_str_eq(err_text, "");
}
END_TEST

START_TEST(api_enodev_not_loaded)
{
	fk.fsopen_errno[0] = ENODEV;
	fk.fsopen_errno[1] = ENODEV;
	ck_assert_int_eq(run("mdc=10.0.0.1", false, false, false), ENODEV);
	assert_calls(CALLS("fsopen(xsanfs,CLOEXEC)", "modprobe", "fsopen(xsanfs,CLOEXEC)"));
	ck_assert_str_eq(err_text,
			 "mount.xsanfs: xsanfs is not loaded (modprobe xsanfs)\n"
			 "mount.xsanfs: mounting vol1 on /mnt/x failed: No such device\n");
}
END_TEST

START_TEST(api_enodev_no_modprobe)
{
	fk.fsopen_errno[0] = ENODEV;
	fk.modprobe_ret = -1;
	ck_assert_int_eq(run("", false, false, false), ENODEV);
	assert_calls(CALLS("fsopen(xsanfs,CLOEXEC)", "modprobe"));
	ck_assert_str_eq(err_text,
			 "mount.xsanfs: xsanfs is not loaded (modprobe xsanfs)\n"
			 "mount.xsanfs: mounting vol1 on /mnt/x failed: No such device\n");
}
END_TEST

START_TEST(api_modprobe_loads_module)
{
	fk.fsopen_errno[0] = ENODEV;
	ck_assert_int_eq(run("", false, false, false), 0);
	assert_calls(CALLS(
		"fsopen(xsanfs,CLOEXEC)",
		"modprobe",
		"fsopen(xsanfs,CLOEXEC)",
		"fsconfig(SET_STRING,source,vol1)",
		"fsconfig(CMD_CREATE)",
		"fsmount(CLOEXEC,0)",
		"move_mount(4,\"\",AT_FDCWD,/mnt/x,F_EMPTY_PATH)",
		"close(4)",
		"close(3)"));
	ck_assert_str_eq(err_text, "");
}
END_TEST

START_TEST(api_fsopen_other_errors)
{
	fk.fsopen_errno[0] = EPERM;
	ck_assert_int_eq(run("", false, false, false), EPERM);
	assert_calls(CALLS("fsopen(xsanfs,CLOEXEC)"));
	ck_assert_str_eq(err_text,
			 "mount.xsanfs: mounting vol1 on /mnt/x failed: Operation not permitted\n");
}
END_TEST

START_TEST(api_fsopen_enosys)
{
	fk.fsopen_errno[0] = ENOSYS;
	ck_assert_int_eq(run("", false, false, false), ENOSYS);
	assert_calls(CALLS("fsopen(xsanfs,CLOEXEC)"));
	ck_assert_str_eq(err_text,
			 "mount.xsanfs: fsopen() is not available here: Linux 5.2 or later is needed\n"
			 "mount.xsanfs: mounting vol1 on /mnt/x failed: Function not implemented\n");
}
END_TEST

/* What the kernel said comes out, in order, level stripped. */
START_TEST(api_create_fails_prints_kernel_log)
{
	fk.create_errno = ECONNREFUSED;
	fake_log("e xsanfs: volume vol1: metadata controller 10.0.0.1:60766 refused the connection (is xsanmdc running there?)\n");
	fake_log("w xsanfs: a warning\n");
	fake_log("i xsanfs: some information\n");
	fake_log("e no prefix\n");
	ck_assert_int_eq(run("mdc=10.0.0.1", false, false, false), ECONNREFUSED);
	assert_calls(CALLS(
		"fsopen(xsanfs,CLOEXEC)",
		"fsconfig(SET_STRING,source,vol1)",
		"fsconfig(SET_STRING,mdc,10.0.0.1)",
		"fsconfig(CMD_CREATE)",
		"close(3)"));
	ck_assert_str_eq(err_text,
			 "mount.xsanfs: xsanfs: volume vol1: metadata controller 10.0.0.1:60766 refused the connection (is xsanmdc running there?)\n"
			 "mount.xsanfs: xsanfs: a warning\n"
			 "mount.xsanfs: xsanfs: some information\n"
			 "mount.xsanfs: no prefix\n"
			 "mount.xsanfs: mounting vol1 on /mnt/x failed: Connection refused\n");
	ck_assert_int_eq(fk.log_tail, fk.log_head);
}
END_TEST

START_TEST(api_failure_without_kernel_message)
{
	fk.create_errno = EIO;
	ck_assert_int_eq(run("", false, false, false), EIO);
	ck_assert_str_eq(err_text,
			 "mount.xsanfs: mounting vol1 on /mnt/x failed: Input/output error\n");
}
END_TEST

START_TEST(api_bad_option_fails)
{
	fk.bad_key = "bogus";
	fk.bad_key_errno = EINVAL;
	ck_assert_int_eq(run("bogus=1,timeout=5", false, false, false), EINVAL);
	assert_calls(CALLS(
		"fsopen(xsanfs,CLOEXEC)",
		"fsconfig(SET_STRING,source,vol1)",
		"fsconfig(SET_STRING,bogus,1)",
		"close(3)"));
	ck_assert_str_eq(err_text,
			 "mount.xsanfs: xsanfs: Unknown parameter 'bogus'\n"
			 "mount.xsanfs: mounting vol1 on /mnt/x failed: Invalid argument\n");
}
END_TEST

START_TEST(api_sloppy_skips_rejected)
{
	fk.bad_key = "bogus";
	fk.bad_key_errno = EINVAL;
	ck_assert_int_eq(run("bogus=1,timeout=5,bogus", false, true, false), 0);
	assert_calls(CALLS(
		"fsopen(xsanfs,CLOEXEC)",
		"fsconfig(SET_STRING,source,vol1)",
		"fsconfig(SET_STRING,bogus,1)",
		"fsconfig(SET_STRING,timeout,5)",
		"fsconfig(SET_FLAG,bogus)",
		"fsconfig(CMD_CREATE)",
		"fsmount(CLOEXEC,0)",
		"move_mount(4,\"\",AT_FDCWD,/mnt/x,F_EMPTY_PATH)",
		"close(4)",
		"close(3)"));
	ck_assert_str_eq(err_text,
			 "mount.xsanfs: xsanfs: Unknown parameter 'bogus'\n"
			 "mount.xsanfs: ignoring option 'bogus=1' (-s)\n"
			 "mount.xsanfs: xsanfs: Unknown parameter 'bogus'\n"
			 "mount.xsanfs: ignoring option 'bogus' (-s)\n");
}
END_TEST

/* -s forgives an invalid option, not a failing kernel. */
START_TEST(api_sloppy_only_einval)
{
	fk.bad_key = "timeout";
	fk.bad_key_errno = ENOMEM;
	ck_assert_int_eq(run("timeout=5", false, true, false), ENOMEM);
	ck_assert_str_eq(err_text,
			 "mount.xsanfs: xsanfs: Unknown parameter 'timeout'\n"
			 "mount.xsanfs: mounting vol1 on /mnt/x failed: Cannot allocate memory\n");
}
END_TEST

START_TEST(api_long_kernel_message)
{
	static char msg[FAKE_MSG_MAX], want[FAKE_MSG_MAX + 128];

	memset(msg, 'x', 10000);
	memcpy(msg, "e xsanfs: ", 10);
	strcpy(msg + 10000, "\n");
	fake_log(msg);
	fake_log("e xsanfs: after\n");
	fk.move_errno = ENOENT;
	ck_assert_int_eq(run("", false, false, false), ENOENT);
	snprintf(want, sizeof(want),
		 "mount.xsanfs: xsanfs: %.*s\nmount.xsanfs: xsanfs: after\n"
		 "mount.xsanfs: mounting vol1 on /mnt/x failed: No such file or directory\n",
		 10000 - 10, msg + 10);
	ck_assert_str_eq(err_text, want);
	assert_calls(CALLS(
		"fsopen(xsanfs,CLOEXEC)",
		"fsconfig(SET_STRING,source,vol1)",
		"fsconfig(CMD_CREATE)",
		"fsmount(CLOEXEC,0)",
		"move_mount(4,\"\",AT_FDCWD,/mnt/x,F_EMPTY_PATH)",
		"close(4)",
		"close(3)"));
}
END_TEST

START_TEST(api_fsmount_fails)
{
	fk.fsmount_errno = EBUSY;
	ck_assert_int_eq(run("ro", false, false, false), EBUSY);
	assert_calls(CALLS(
		"fsopen(xsanfs,CLOEXEC)",
		"fsconfig(SET_STRING,source,vol1)",
		"fsconfig(SET_FLAG,ro)",
		"fsconfig(CMD_CREATE)",
		"fsmount(CLOEXEC,0x1)",
		"close(3)"));
	ck_assert_str_eq(err_text,
			 "mount.xsanfs: mounting vol1 on /mnt/x failed: Device or resource busy\n");
}
END_TEST

START_TEST(api_propagation)
{
	ck_assert_int_eq(run("rshared", false, false, false), 0);
	assert_calls(CALLS(
		"fsopen(xsanfs,CLOEXEC)",
		"fsconfig(SET_STRING,source,vol1)",
		"fsconfig(CMD_CREATE)",
		"fsmount(CLOEXEC,0)",
		"move_mount(4,\"\",AT_FDCWD,/mnt/x,F_EMPTY_PATH)",
		"mount_setattr(AT_FDCWD,/mnt/x,AT_RECURSIVE,0x100000)",
		"close(4)",
		"close(3)"));
	ck_assert_str_eq(err_text, "");
}
END_TEST

START_TEST(api_propagation_fails_unmounts)
{
	fk.setattr_errno = EINVAL;
	ck_assert_int_eq(run("private", false, false, false), EINVAL);
	assert_calls(CALLS(
		"fsopen(xsanfs,CLOEXEC)",
		"fsconfig(SET_STRING,source,vol1)",
		"fsconfig(CMD_CREATE)",
		"fsmount(CLOEXEC,0)",
		"move_mount(4,\"\",AT_FDCWD,/mnt/x,F_EMPTY_PATH)",
		"mount_setattr(AT_FDCWD,/mnt/x,0,0x40000)",
		"umount2(/mnt/x,MNT_DETACH)",
		"close(4)",
		"close(3)"));
	ck_assert_str_eq(err_text,
			 "mount.xsanfs: cannot make /mnt/x private: Invalid argument\n"
			 "mount.xsanfs: mounting vol1 on /mnt/x failed: Invalid argument\n");
}
END_TEST

START_TEST(api_fake_calls_nothing)
{
	ck_assert_int_eq(run("ro,mdc=10.0.0.1,timeout=5,noatime", true, false, true), 0);
	assert_calls(CALLS(NULL));
	ck_assert_str_eq(err_text, "");
	ck_assert_str_eq(out_text,
			 "mount.xsanfs: fsopen(\"xsanfs\", FSOPEN_CLOEXEC)\n"
			 "mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"source\", \"vol1\")\n"
			 "mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"mdc\", \"10.0.0.1\")\n"
			 "mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"timeout\", \"5\")\n"
			 "mount.xsanfs: fsconfig(FSCONFIG_SET_FLAG, \"ro\")\n"
			 "mount.xsanfs: fsconfig(FSCONFIG_CMD_CREATE)\n"
			 "mount.xsanfs: fsmount(FSMOUNT_CLOEXEC, ro,noatime)\n"
			 "mount.xsanfs: move_mount(onto \"/mnt/x\")\n");
}
END_TEST

START_TEST(api_fake_quiet)
{
	ck_assert_int_eq(run("ro", true, false, false), 0);
	assert_calls(CALLS(NULL));
	ck_assert_str_eq(out_text, "");
	ck_assert_str_eq(err_text, "");
}
END_TEST

START_TEST(api_verbose_real)
{
	fk.fsopen_errno[0] = ENODEV;
	ck_assert_int_eq(run("nosuid", false, false, true), 0);
	ck_assert_str_eq(out_text,
			 "mount.xsanfs: fsopen(\"xsanfs\", FSOPEN_CLOEXEC)\n"
			 "mount.xsanfs: no xsanfs in the kernel: running modprobe xsanfs\n"
			 "mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"source\", \"vol1\")\n"
			 "mount.xsanfs: fsconfig(FSCONFIG_CMD_CREATE)\n"
			 "mount.xsanfs: fsmount(FSMOUNT_CLOEXEC, rw,nosuid,relatime)\n"
			 "mount.xsanfs: move_mount(onto \"/mnt/x\")\n");
	ck_assert_str_eq(err_text, "");
}
END_TEST

START_TEST(api_control_chars_replaced)
{
	fk.create_errno = EINVAL;
	fake_log("e xsanfs: a\x1b[31mb\rc\td\n\n");
	ck_assert_int_eq(run("", false, false, false), EINVAL);
	ck_assert_str_eq(err_text,
			 "mount.xsanfs: xsanfs: a?[31mb?c?d\n"
			 "mount.xsanfs: mounting vol1 on /mnt/x failed: Invalid argument\n");
}
END_TEST

START_TEST(api_warnings_after_success)
{
	fake_log("w xsanfs: timeout=1 is short\n");
	ck_assert_int_eq(run("", false, false, false), 0);
	ck_assert_str_eq(err_text, "mount.xsanfs: xsanfs: timeout=1 is short\n");
}
END_TEST

static void add(Suite *s, const char *name, const TTest *t)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t);
	suite_add_tcase(s, tc);
}

#define API_ADD(s, fn) add((s), #fn, (fn))

Suite *mount_api_suite(void)
{
	Suite *s = suite_create("mount_api");

	API_ADD(s, api_mount_sequence);
	API_ADD(s, api_rw_flags_and_attrs);
	API_ADD(s, api_enodev_not_loaded);
	API_ADD(s, api_enodev_no_modprobe);
	API_ADD(s, api_modprobe_loads_module);
	API_ADD(s, api_fsopen_other_errors);
	API_ADD(s, api_fsopen_enosys);
	API_ADD(s, api_create_fails_prints_kernel_log);
	API_ADD(s, api_failure_without_kernel_message);
	API_ADD(s, api_bad_option_fails);
	API_ADD(s, api_sloppy_skips_rejected);
	API_ADD(s, api_sloppy_only_einval);
	API_ADD(s, api_long_kernel_message);
	API_ADD(s, api_fsmount_fails);
	API_ADD(s, api_propagation);
	API_ADD(s, api_propagation_fails_unmounts);
	API_ADD(s, api_fake_calls_nothing);
	API_ADD(s, api_fake_quiet);
	API_ADD(s, api_verbose_real);
	API_ADD(s, api_control_chars_replaced);
	API_ADD(s, api_warnings_after_success);
	return s;
}
