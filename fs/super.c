// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfs superblock and mount: the filesystem type, the fs_context that
 * mount options are parsed into, and get_tree, which contacts the metadata
 * controller (MDC). Until the session protocol lands, get_tree reports what
 * the MDC did (refused, timed out, closed, answered) as a sentence that the
 * mount helper prints, and fails: it never waits longer than timeout=, and
 * a signal ends the wait.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fs/xsan.h"
#include "xsanfs/msg.h"

enum xsan_param {
	XSAN_OPT_MDC,
	XSAN_OPT_TIMEOUT,
};

static const struct fs_parameter_spec xsan_param_specs[] = {
	fsparam_string("mdc", XSAN_OPT_MDC),
	fsparam_u32("timeout", XSAN_OPT_TIMEOUT),
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
	case 0:
		errorfc(fc,
			"volume %s: authenticated to metadata controller %pISpc (session %016llx), %s",
			fc->source, (struct sockaddr *)&ctx->mdc, res->session,
			"but this client cannot mount volumes yet (not implemented in this version)");
		return -EOPNOTSUPP;
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

static int xsan_get_tree(struct fs_context *fc)
{
	struct xsan_fs_context *ctx = fc->fs_private;
	struct xsan_probe res;
	int err;

	if (!fc->source)
		return invalfc(fc, "no volume given: mount -t xsanfs VOLUME DIR");
	if (xsan_check_volume_name(fc->source))
		return invalfc(fc, "'%*pE' is not a volume name (1-%d of A-Z a-z 0-9 _ - .)",
			       (int)strnlen(fc->source, XSAN_VOLNAME_MAX),
			       fc->source, XSAN_VOLNAME_MAX);
	if (!ctx->have_mdc)
		return invalfc(fc, "volume %s: no metadata controller: use -o mdc=ADDRESS[:PORT]",
			       fc->source);

	err = xsan_con_probe(fc->net_ns, &ctx->mdc, ctx->timeout, fc->source,
			     &res);
	return xsan_report_mdc(fc, err, &res);
}

static void xsan_free_fc(struct fs_context *fc)
{
	kfree(fc->fs_private);
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
	fc->fs_private = ctx;
	fc->ops = &xsan_context_ops;
	return 0;
}

struct file_system_type xsan_fs_type = {
	.owner			= THIS_MODULE,
	.name			= XSAN_FS_NAME,
	.init_fs_context	= xsan_init_fs_context,
	.parameters		= xsan_param_specs,
	.kill_sb		= kill_anon_super,
};
MODULE_ALIAS_FS(XSAN_FS_NAME);

static int __init xsan_init(void)
{
	int err;

	err = register_filesystem(&xsan_fs_type);
	if (err)
		return err;
	pr_info("registered (volume port %d, name service port %d)\n",
		XSAN_VOLUME_PORT, XSAN_NAME_PORT);
	return 0;
}

static void __exit xsan_exit(void)
{
	unregister_filesystem(&xsan_fs_type);
}

module_init(xsan_init);
module_exit(xsan_exit);

MODULE_DESCRIPTION("xsanfs SAN filesystem client");
MODULE_LICENSE("GPL");
