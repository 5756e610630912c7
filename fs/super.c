// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfs superblock and mount: the filesystem type, the fs_context that
 * mount options are parsed into, and get_tree, which opens a session with
 * the metadata controller (MDC) through the messenger (net/messenger.c), asks
 * it for the volume's block size and the root inode, and makes the root
 * dentry. What went wrong on the way (refused, timed out, closed, unknown
 * volume, bad secret) becomes a sentence that the mount helper prints; the
 * handshake never waits longer than timeout=, and a signal ends the wait.
 * Also statfs and show_options, and module init and exit.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/statfs.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fs/xsan.h"
#include "xsanfs/msg.h"

/* "XSAN" as statfs(2)'s f_type */
#define XSAN_SUPER_MAGIC	0x5853414e

enum xsan_param {
	XSAN_OPT_MDC,
	XSAN_OPT_TIMEOUT,
	XSAN_OPT_HARD,
	XSAN_OPT_SOFT,
	XSAN_OPT_TOKTIMEOUT,
	XSAN_OPT_DIRCACHESIZE,
	XSAN_OPT_CVNODE_MAX,
	XSAN_OPT_LUN,
	XSAN_OPT_LUNPROBE,
	XSAN_OPT_IODEADLINE,
	XSAN_OPT_LOCAL_LOCKS,
};

/* ro and rw are VFS flags (fc->sb_flags): the VFS parses them itself. */
/* iodeadline=: what a LUN too slow for the MDC's grace does (fs/lundev.c) */
static const struct constant_table xsan_iodeadline_modes[] = {
	{ "warn", 0 },
	{ "strict", 1 },
	{}
};

static const struct fs_parameter_spec xsan_param_specs[] = {
	fsparam_string("mdc", XSAN_OPT_MDC),
	fsparam_u32("timeout", XSAN_OPT_TIMEOUT),
	fsparam_flag("hard", XSAN_OPT_HARD),
	fsparam_flag("soft", XSAN_OPT_SOFT),
	fsparam_u32("nrtiotokentimeout", XSAN_OPT_TOKTIMEOUT),
	fsparam_u32("dircachesize", XSAN_OPT_DIRCACHESIZE),
	fsparam_u32("cvnode_max", XSAN_OPT_CVNODE_MAX),
	fsparam_string("lun", XSAN_OPT_LUN),
	fsparam_string("lunprobe", XSAN_OPT_LUNPROBE),
	fsparam_enum("iodeadline", XSAN_OPT_IODEADLINE, xsan_iodeadline_modes),
	fsparam_flag("local_locks", XSAN_OPT_LOCAL_LOCKS),
	{}
};

/**
 * xsan_parse_mdc_addr() - parse the value of the mdc= mount option
 * @s: "A.B.C.D", "A.B.C.D:PORT", an IPv6 literal, or "[IPv6]:PORT"
 * @ss: where the address goes; the port defaults to %XSAN_VOLUME_PORT
 *
 * Host names are not accepted: the kernel cannot resolve them, the mount
 * helper does.
 *
 * Context: any context.
 * Return: 0, or -EINVAL if @s is not one of the forms above.
 */
int xsan_parse_mdc_addr(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	const char *end, *port_str = NULL;
	size_t len = strlen(s);
	u16 port = XSAN_VOLUME_PORT;

	memset(ss, 0, sizeof(*ss));
	if (len == 0 || len > INET6_ADDRSTRLEN + 8)
		return -EINVAL;

	if (in4_pton(s, len, (u8 *)&sin->sin_addr.s_addr, -1, &end)) {
		if (*end == ':')
			port_str = end + 1;
		else if (*end)
			return -EINVAL;
		sin->sin_family = AF_INET;
	} else if (s[0] == '[') {
		if (!in6_pton(s + 1, len - 1, sin6->sin6_addr.s6_addr, ']', &end) ||
		    *end != ']')
			return -EINVAL;
		if (end[1] == ':')
			port_str = end + 2;
		else if (end[1])
			return -EINVAL;
		sin6->sin6_family = AF_INET6;
	} else if (in6_pton(s, len, sin6->sin6_addr.s6_addr, -1, &end) && !*end) {
		sin6->sin6_family = AF_INET6;
	} else {
		return -EINVAL;
	}

	/* kstrtou16 would also take "+80" and "80\n": want 1-5 digits only */
	if (port_str) {
		size_t n = strlen(port_str);

		if (n == 0 || n > 5 || strspn(port_str, "0123456789") != n ||
		    kstrtou16(port_str, 10, &port) || port == 0)
			return -EINVAL;
	}

	if (ss->ss_family == AF_INET)
		sin->sin_port = htons(port);
	else
		sin6->sin6_port = htons(port);
	return 0;
}

/**
 * xsan_check_volume_name() - is @name a valid volume name?
 * @name: the mount source
 *
 * Volume names are what the name service and the MDC's config directory
 * use: 1 to %XSAN_VOLNAME_MAX characters of A-Z a-z 0-9 _ - . starting with
 * a letter or digit.
 *
 * Context: any context.
 * Return: 0 if valid, -EINVAL if not.
 */
int xsan_check_volume_name(const char *name)
{
	size_t i, len = strnlen(name, XSAN_VOLNAME_MAX + 1);

	/* isalnum() alone would accept Latin-1 letters (0xc0-0xff) */
	if (len == 0 || len > XSAN_VOLNAME_MAX ||
	    !isascii(name[0]) || !isalnum(name[0]))
		return -EINVAL;
	for (i = 1; i < len; i++)
		if (!isascii(name[i]) ||
		    (!isalnum(name[i]) && !strchr("_-.", name[i])))
			return -EINVAL;
	return 0;
}

/* lun=PATH, lunprobe=PATH: one more partition to open (fs/lundev.c). */
static int xsan_add_lun_path(struct fs_context *fc, struct fs_parameter *param,
			     bool probe)
{
	struct xsan_fs_context *ctx = fc->fs_private;
	const char *opt = probe ? "lunprobe" : "lun";

	if (param->string[0] != '/')
		return invalfc(fc, "%s=%s is not an absolute path of a block device",
			       opt, param->string);
	if (ctx->nlun_arg >= XSAN_LUN_PATHS_MAX)
		return invalfc(fc, "too many lun= and lunprobe= options: at most %u",
			       XSAN_LUN_PATHS_MAX);
	if (!ctx->lun_arg) {
		ctx->lun_arg = kcalloc(XSAN_LUN_PATHS_MAX,
				       sizeof(*ctx->lun_arg), GFP_KERNEL);
		if (!ctx->lun_arg)
			return -ENOMEM;
	}
	/* take the string: fs_parse() leaves it to the parameter's owner */
	ctx->lun_arg[ctx->nlun_arg].path = param->string;
	ctx->lun_arg[ctx->nlun_arg].probe = probe;
	ctx->nlun_arg++;
	param->string = NULL;
	return 0;
}

static int xsan_parse_param(struct fs_context *fc, struct fs_parameter *param)
{
	struct xsan_fs_context *ctx = fc->fs_private;
	struct fs_parse_result result;
	struct sockaddr_storage addr;
	int opt;

	opt = fs_parse(fc, xsan_param_specs, param, &result);
	if (opt < 0)
		return opt;

	switch (opt) {
	case XSAN_OPT_MDC:
		/* a rejected value must not clobber an earlier good one */
		if (xsan_parse_mdc_addr(param->string, &addr))
			return invalfc(fc, "mdc=%s is not an IP address[:PORT]",
				       param->string);
		ctx->mdc = addr;
		ctx->have_mdc = true;
		break;
	case XSAN_OPT_TIMEOUT:
		if (result.uint_32 == 0 || result.uint_32 > XSAN_TIMEOUT_MAX)
			return invalfc(fc, "timeout=%u is out of range: give 1 to %u seconds",
				       result.uint_32, XSAN_TIMEOUT_MAX);
		ctx->timeout = result.uint_32;
		break;
	case XSAN_OPT_HARD:
		ctx->soft = false;
		break;
	case XSAN_OPT_SOFT:
		ctx->soft = true;
		break;
	case XSAN_OPT_TOKTIMEOUT:
		if (result.uint_32 > XSAN_TOKTIMEOUT_MAX)
			return invalfc(fc, "nrtiotokentimeout=%u is out of range: give 0 to %u s",
				       result.uint_32, XSAN_TOKTIMEOUT_MAX);
		ctx->tok_idle_secs = result.uint_32;
		break;
	case XSAN_OPT_DIRCACHESIZE:
		if (result.uint_32 > XSAN_DIRCACHESIZE_MAX)
			return invalfc(fc, "dircachesize=%u is out of range: give 0 to %u entries",
				       result.uint_32, XSAN_DIRCACHESIZE_MAX);
		ctx->dircachesize = result.uint_32;
		break;
	case XSAN_OPT_CVNODE_MAX:
		ctx->cvnode_max = result.uint_32;
		break;
	case XSAN_OPT_LUN:
	case XSAN_OPT_LUNPROBE:
		return xsan_add_lun_path(fc, param, opt == XSAN_OPT_LUNPROBE);
	case XSAN_OPT_IODEADLINE:
		ctx->iodeadline_strict = result.uint_32;
		break;
	case XSAN_OPT_LOCAL_LOCKS:
		ctx->local_locks = true;
		break;
	}
	return 0;
}

/*
 * Log "volume V: metadata controller ADDR <what>" where mount prints it.
 * @what is one of the fixed sentences below, never peer data.
 */
static void xsan_mdc_err(struct fs_context *fc, const char *what)
{
	struct xsan_fs_context *ctx = fc->fs_private;

	errorfc(fc, "volume %s: metadata controller %pISpc %s",
		fc->source, (struct sockaddr *)&ctx->mdc, what);
}

/*
 * Turn the result of contacting the MDC into the sentence mount prints.
 * Returns the errno the mount fails with.
 */
static int xsan_report_mdc(struct fs_context *fc, int err,
			   const struct xsan_probe *res)
{
	struct xsan_fs_context *ctx = fc->fs_private;

	switch (err) {
	case -ENOKEY:
		errorfc(fc,
			"volume %s: no secret for it in the keyring: put it in /etc/xsanfs/%s.auth_secret (mode 0600) for mount.xsanfs to load",
			fc->source, fc->source);
		return -ENOKEY;
	case -EMSGSIZE:
		errorfc(fc, "volume %s: the secret in the keyring is not %d to %d bytes",
			fc->source, XSAN_SECRET_MIN, XSAN_SECRET_MAX);
		return -EINVAL;
	case -EKEYREJECTED:
		errorfc(fc, "volume %s: authentication failed: metadata controller %pISpc %s",
			fc->source, (struct sockaddr *)&ctx->mdc,
			res->mdc_proof_bad ? "does not know this host's secret for the volume" :
					     "refused this host's secret for the volume");
		return -EACCES;
	case -ENOENT:
		xsan_mdc_err(fc, "does not serve a volume of that name");
		break;
	case -EPROTONOSUPPORT:
		errorfc(fc,
			"volume %s: protocol version mismatch: we speak %d-%d, MDC %pISpc %u-%u",
			fc->source, XSAN_PROTO_MIN, XSAN_PROTO_MAX,
			(struct sockaddr *)&ctx->mdc, res->vmin, res->vmax);
		break;
	case -EREMOTEIO:
		errorfc(fc, "volume %s: metadata controller %pISpc refused the session (error %u)",
			fc->source, (struct sockaddr *)&ctx->mdc, res->status);
		break;
	case -EPROTO:
		xsan_mdc_err(fc, "answered, but not in the xsanfs protocol (is xsanmdc what listens there?)");
		break;
	case -ECONNREFUSED:
		xsan_mdc_err(fc, "refused the connection (is xsanmdc running there?)");
		break;
	case -ECONNRESET:
		xsan_mdc_err(fc, "closed the connection without answering (is xsanmdc running?)");
		break;
	case -ETIMEDOUT:
		errorfc(fc, "volume %s: no answer from metadata controller %pISpc within %u s",
			fc->source, (struct sockaddr *)&ctx->mdc, ctx->timeout);
		break;
	case -EHOSTUNREACH:
		xsan_mdc_err(fc, "is unreachable: no route to host, or it does not answer ARP");
		break;
	case -ENETUNREACH:
		xsan_mdc_err(fc, "is unreachable: no route to its network from this host");
		break;
	case -ERESTARTSYS:
	case -EINTR:
		xsan_mdc_err(fc, "could not be reached: interrupted by a signal");
		return -EINTR;
	default:
		errorfc(fc, "volume %s: metadata controller %pISpc cannot be reached (error %d)",
			fc->source, (struct sockaddr *)&ctx->mdc, err);
		break;
	}
	return err;
}

/* A reply that makes no sense for the mount: say so, fail with -EIO. */
static int xsan_mount_bad(struct fs_context *fc, const char *what, int err)
{
	struct xsan_fs_context *ctx = fc->fs_private;

	errorfc(fc, "volume %s: metadata controller %pISpc: %s (error %d)",
		fc->source, (struct sockaddr *)&ctx->mdc, what, err);
	return err == -ENOMEM || err == -EINTR || err == -ERESTARTSYS ?
	       err : -EIO;
}

/* STATFS: the volume's block size. */
static int xsan_read_bsize(struct fs_context *fc, struct xsan_sb_info *sbi)
{
	struct xsan_msg_buf *buf;
	struct xsan_req *req;
	struct xsan_rep *rep;
	int err;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	rep = kzalloc(sizeof(*rep), GFP_KERNEL);
	err = -ENOMEM;
	if (!req || !rep)
		goto out;
	req->op = XSAN_OP_STATFS;
	xsan_fill_cred(&req->cred);
	err = xsan_msgr_call(sbi->msgr, req, rep, &buf);
	if (err) {
		err = xsan_mount_bad(fc, "STATFS failed", err);
		goto out;
	}
	if (rep->st.bsize < 512 || rep->st.bsize > XSAN_BSIZE_MAX ||
	    !is_power_of_2(rep->st.bsize))
		err = xsan_mount_bad(fc, "STATFS gave an impossible block size",
				     -EIO);
	else
		sbi->bsize = rep->st.bsize;
	xsan_msg_buf_free(buf);
out:
	kfree(req);
	kfree(rep);
	return err;
}

/* GETATTR of the root directory, and its inode. */
static struct inode *xsan_read_root(struct fs_context *fc,
				    struct super_block *sb)
{
	struct xsan_msg_buf *buf;
	struct inode *inode;
	struct xsan_req *req;
	struct xsan_rep *rep;
	int err;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	rep = kzalloc(sizeof(*rep), GFP_KERNEL);
	inode = ERR_PTR(-ENOMEM);
	if (!req || !rep)
		goto out;
	req->op = XSAN_OP_GETATTR;
	req->fid.ino = XSAN_ROOT_INO_NR;
	req->fid.gen = XSAN_ROOT_GEN_NR;
	xsan_fill_cred(&req->cred);
	err = xsan_msgr_call(XSAN_SB(sb)->msgr, req, rep, &buf);
	if (err) {
		inode = ERR_PTR(xsan_mount_bad(fc, "GETATTR of the root directory failed",
					       err));
		goto out;
	}
	if (rep->nattr < 1 || !S_ISDIR(rep->attr[0].mode) ||
	    rep->attr[0].ino != XSAN_ROOT_INO_NR) {
		inode = ERR_PTR(xsan_mount_bad(fc, "the root is not a directory",
					       -EIO));
	} else {
		inode = xsan_iget(sb, &rep->attr[0], buf->seq);
		if (IS_ERR(inode))
			xsan_mount_bad(fc, "cannot make the root inode",
				       (int)PTR_ERR(inode));
	}
	xsan_msg_buf_free(buf);
out:
	kfree(req);
	kfree(rep);
	return inode;
}

static unsigned int wq_max_active;
module_param(wq_max_active, uint, 0444);
MODULE_PARM_DESC(wq_max_active,
		 "for tests: most work items a mount's queue runs at once (0: the default; 1: one at a time, as a queue left to its rescuer under memory pressure)");

static int xsan_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct xsan_fs_context *ctx = fc->fs_private;
	struct xsan_msgr_args args = {
		.net = fc->net_ns, .addr = ctx->mdc, .volume = fc->source,
		.timeout = ctx->timeout, .soft = ctx->soft,
	};
	struct xsan_sb_info *sbi;
	struct xsan_probe res;
	struct inode *root;
	int max_active;
	int err;

	/* From here on kill_sb undoes whatever was set up. */
	sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	if (!sbi)
		return -ENOMEM;
	sbi->sb = sb;
	spin_lock_init(&sbi->rv_lock);
	spin_lock_init(&sbi->cb_lock);
	xsan_lock_init(sbi);
	INIT_LIST_HEAD(&sbi->cb_parked);
	strscpy(sbi->volume, fc->source, sizeof(sbi->volume));
	sbi->opts.timeout = ctx->timeout;
	sbi->opts.soft = ctx->soft;
	sbi->opts.ro = fc->sb_flags & SB_RDONLY;
	sbi->opts.tok_idle_secs = ctx->tok_idle_secs;
	sbi->opts.dircachesize = ctx->dircachesize;
	sbi->opts.cvnode_max = ctx->cvnode_max;
	sbi->opts.iodeadline_strict = ctx->iodeadline_strict;
	sbi->opts.local_locks = ctx->local_locks;
	sb->s_fs_info = sbi;
	sb->s_op = &xsan_super_ops;
	sb->s_magic = XSAN_SUPER_MAGIC;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_time_gran = 1;
	/* S_NOSEC is kept per inode under ATTR_RD only (fs/token.c) */
	sb->s_flags |= SB_NOSEC;
	/* POSIX ACLs: the MDC applies the umask or a default ACL (fs/acl.c) */
	sb->s_flags |= SB_POSIXACL;

	/* a bdi of our own: the anon one cannot write back dirty pages */
	err = super_setup_bdi(sb);
	if (err)
		return err;

	/*
	 * Writeback completion (io_wq) has a queue of its own: the work on
	 * tok_wq and rv_wq waits for writeback, and under memory pressure a
	 * WQ_MEM_RECLAIM queue may be left to its rescuer, one item at a
	 * time (wq_max_active=1 makes every queue run so, for tests).
	 */
	max_active = min_t(unsigned int, wq_max_active, WQ_MAX_ACTIVE);
	sbi->tok_wq = alloc_workqueue("xsan-tok-%s", WQ_MEM_RECLAIM,
				      max_active, sbi->volume);
	sbi->rv_wq = alloc_workqueue("xsan-rv-%s", WQ_MEM_RECLAIM,
				     max_active, sbi->volume);
	sbi->io_wq = alloc_workqueue("xsan-io-%s", WQ_MEM_RECLAIM,
				     max_active, sbi->volume);
	if (!sbi->tok_wq || !sbi->rv_wq || !sbi->io_wq)
		return -ENOMEM;

	err = xsan_msgr_open(&args, &xsan_tok_msgr_ops, sbi, &sbi->msgr, &res);
	if (err)
		return xsan_report_mdc(fc, err, &res);

	err = xsan_read_bsize(fc, sbi);
	if (err)
		return err;

	err = xsan_luns_open(sbi, fc, res.lease_ms, res.grace_ms);
	if (err)
		return err;
	/* the page cache works in blocks of at most a page */
	sb->s_blocksize = min_t(u32, sbi->bsize, PAGE_SIZE);
	sb->s_blocksize_bits = ilog2(sb->s_blocksize);

	root = xsan_read_root(fc, sb);
	if (IS_ERR(root))
		return PTR_ERR(root);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	pr_info("volume %s: mounted from metadata controller %pISpc, session %016llx, lease %u ms%s\n",
		sbi->volume, (struct sockaddr *)&ctx->mdc, res.session,
		res.lease_ms, ctx->soft ? ", soft" : "");
	return 0;
}

static int xsan_get_tree(struct fs_context *fc)
{
	struct xsan_fs_context *ctx = fc->fs_private;

	if (!fc->source)
		return invalfc(fc, "no volume given: mount -t xsanfs VOLUME DIR");
	if (xsan_check_volume_name(fc->source))
		return invalfc(fc, "'%*pE' is not a volume name (1-%d of A-Z a-z 0-9 _ - .)",
			       (int)strnlen(fc->source, XSAN_VOLNAME_MAX),
			       fc->source, XSAN_VOLNAME_MAX);
	if (!ctx->have_mdc)
		return invalfc(fc, "volume %s: no metadata controller: use -o mdc=ADDRESS[:PORT]",
			       fc->source);

	/* a superblock per mount for now: two mounts, two sessions */
	return get_tree_nodev(fc, xsan_fill_super);
}

/*
 * Unmount, in an order where nothing can touch what is already gone:
 * callbacks stop taking inode references and those running finish (a
 * REVOKE that holds an inode across evict_inodes() would leave it busy
 * after unmount); the inodes are evicted (dirty data written and
 * committed, tokens given back: the messenger is still up); the REVOKEs
 * parked meanwhile are answered; the work queues drain and go; only then
 * the messenger (GOODBYE), whose callbacks could otherwise still queue
 * work on them, and the LUNs.
 */
static void xsan_kill_sb(struct super_block *sb)
{
	struct xsan_sb_info *sbi = XSAN_SB(sb);

	if (sbi)
		xsan_tok_stop_callbacks(sbi);
	/* evicting the inodes may still send TOKEN_PUTs */
	kill_anon_super(sb);
	if (!sbi)
		return;
	xsan_tok_answer_parked(sbi);
	if (sbi->rv_wq)
		destroy_workqueue(sbi->rv_wq);
	if (sbi->tok_wq)
		destroy_workqueue(sbi->tok_wq);
	if (sbi->io_wq)
		destroy_workqueue(sbi->io_wq);
	xsan_msgr_close(sbi->msgr);
	xsan_luns_close(sbi);
	kfree(sbi);
}

/**
 * xsan_statfs() - statfs(2) of an xsanfs mount: STATFS to the MDC
 * @dentry: any dentry of the mount
 * @buf: filled in
 *
 * Context: process context, may sleep (waits for the MDC).
 * Return: 0, or the error of the call (-ETIMEDOUT if the MDC does not
 * answer within timeout=, on hard mounts too, -ERESTARTSYS if killed, -EIO, -ENOMEM ...).
 */
int xsan_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct xsan_sb_info *sbi = XSAN_SB(dentry->d_sb);
	struct xsan_msg_buf *mb;
	struct xsan_req *req;
	struct xsan_rep *rep;
	int err;

	req = kzalloc(sizeof(*req), GFP_NOFS);
	rep = kzalloc(sizeof(*rep), GFP_NOFS);
	err = -ENOMEM;
	if (!req || !rep)
		goto out;
	req->op = XSAN_OP_STATFS;
	xsan_fill_cred(&req->cred);
	/* umount(8) calls statfs: never hang it, even on a hard mount */
	err = xsan_msgr_call_bounded(sbi->msgr, req, rep, &mb);
	if (err)
		goto out;
	buf->f_type = XSAN_SUPER_MAGIC;
	buf->f_bsize = rep->st.bsize;
	buf->f_frsize = rep->st.bsize;
	buf->f_blocks = rep->st.blocks;
	buf->f_bfree = rep->st.bfree;
	buf->f_bavail = rep->st.bavail;
	buf->f_files = rep->st.files;
	buf->f_ffree = rep->st.ffree;
	buf->f_namelen = rep->st.namemax ? rep->st.namemax : XSAN_NAME_MAX;
	buf->f_fsid = u64_to_fsid(xsan_msgr_session(sbi->msgr));
	xsan_msg_buf_free(mb);
out:
	kfree(req);
	kfree(rep);
	return err;
}

/**
 * xsan_show_options() - the options of a mount, for /proc/mounts
 * @m: the seq file
 * @root: the mount's root
 *
 * The volume is the mount source (shown by the VFS, as are ro/rw); the
 * secret is never an option, so it cannot show here.
 *
 * Context: process context.
 * Return: 0.
 */
int xsan_show_options(struct seq_file *m, struct dentry *root)
{
	struct xsan_sb_info *sbi = XSAN_SB(root->d_sb);
	const struct xsan_mount_opts *o = &sbi->opts;
	u32 i;

	if (sbi->msgr)
		seq_printf(m, ",mdc=%pISpc", xsan_msgr_addr(sbi->msgr));
	seq_printf(m, ",timeout=%u", o->timeout);
	seq_puts(m, o->soft ? ",soft" : ",hard");
	seq_printf(m, ",nrtiotokentimeout=%u", o->tok_idle_secs);
	if (o->dircachesize)
		seq_printf(m, ",dircachesize=%u", o->dircachesize);
	if (o->cvnode_max)
		seq_printf(m, ",cvnode_max=%u", o->cvnode_max);
	if (o->iodeadline_strict)
		seq_puts(m, ",iodeadline=strict");
	if (o->local_locks)
		seq_puts(m, ",local_locks");
	/* the LUNs as opened: one lun= per open partition */
	for (i = 0; sbi->luns && i < sbi->luns->nlun; i++)
		if (sbi->luns->lun[i].bdev)
			seq_printf(m, ",lun=/dev/%pg", sbi->luns->lun[i].bdev);
	return 0;
}

static void xsan_free_fc(struct fs_context *fc)
{
	struct xsan_fs_context *ctx = fc->fs_private;
	unsigned int i;

	if (ctx) {
		for (i = 0; i < ctx->nlun_arg; i++)
			kfree(ctx->lun_arg[i].path);
		kfree(ctx->lun_arg);
	}
	kfree(ctx);
}

static const struct fs_context_operations xsan_context_ops = {
	.parse_param	= xsan_parse_param,
	.get_tree	= xsan_get_tree,
	.free		= xsan_free_fc,
};

static int xsan_init_fs_context(struct fs_context *fc)
{
	struct xsan_fs_context *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->timeout = XSAN_TIMEOUT_DEFAULT;
	ctx->tok_idle_secs = XSAN_TOKTIMEOUT_DEFAULT;
	fc->fs_private = ctx;
	fc->ops = &xsan_context_ops;
	return 0;
}

struct file_system_type xsan_fs_type = {
	.owner			= THIS_MODULE,
	.name			= XSAN_FS_NAME,
	.init_fs_context	= xsan_init_fs_context,
	.parameters		= xsan_param_specs,
	.kill_sb		= xsan_kill_sb,
};
MODULE_ALIAS_FS(XSAN_FS_NAME);

/**
 * xsan_umount_begin() - umount -f: let go of tasks waiting for the MDC
 * @sb: the superblock
 *
 * Context: process context (umount(2) with MNT_FORCE).
 */
void xsan_umount_begin(struct super_block *sb)
{
	struct xsan_sb_info *sbi = XSAN_SB(sb);

	if (sbi && sbi->msgr)
		xsan_msgr_abort(sbi->msgr);
}

static int __init xsan_init(void)
{
	int err;

	err = xsan_init_inodecache();
	if (err)
		return err;
	err = register_filesystem(&xsan_fs_type);
	if (err) {
		xsan_destroy_inodecache();
		return err;
	}
	pr_info("registered (volume port %d, name service port %d)\n",
		XSAN_VOLUME_PORT, XSAN_NAME_PORT);
	return 0;
}

static void __exit xsan_exit(void)
{
	unregister_filesystem(&xsan_fs_type);
	xsan_destroy_inodecache();
}

module_init(xsan_init);
module_exit(xsan_exit);

MODULE_DESCRIPTION("xsanfs SAN filesystem client");
MODULE_LICENSE("GPL");
