// SPDX-License-Identifier: GPL-2.0
/*
 * xsanfs readdir: READDIR in chunks of about 64 KiB, resumed from the
 * MDC's cookies. A cookie is a per-directory sequence number that stays
 * valid while the directory changes (Documentation/metadata-format.rst),
 * so it is the file position: position 0 and 1 are "." and "..", an entry
 * with cookie C sits at C + 2, and position 2 means "from the start".
 * Nothing of a listing is cached: each getdents asks the MDC.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/string.h>

#include "fs/xsan.h"

/* Bytes of entries one READDIR reply may carry. */
#define XSAN_READDIR_SIZE	(64u * 1024)
/* Position after the last entry (no cookie maps to it). */
#define XSAN_DIR_EOF		((loff_t)LLONG_MAX)
/* Largest cookie that still has a position. */
#define XSAN_COOKIE_MAX		((u64)LLONG_MAX - 3)

static bool xsan_dt_ok(u8 type)
{
	switch (type) {
	case XSAN_DT_FIFO:
	case XSAN_DT_CHR:
	case XSAN_DT_DIR:
	case XSAN_DT_BLK:
	case XSAN_DT_REG:
	case XSAN_DT_LNK:
	case XSAN_DT_SOCK:
		return true;
	default:
		return false;
	}
}

/* The decoder already refused these; a second look costs nothing. */
static bool xsan_dirent_sane(const struct xsan_dirent *d)
{
	if (d->ino == 0 || d->cookie == 0 || d->cookie > XSAN_COOKIE_MAX ||
	    !xsan_dt_ok(d->type) || d->namelen == 0 ||
	    d->namelen > XSAN_NAME_MAX ||
	    memchr(d->name, '/', d->namelen) || memchr(d->name, 0, d->namelen))
		return false;
	if (d->name[0] == '.' &&
	    (d->namelen == 1 || (d->namelen == 2 && d->name[1] == '.')))
		return false;
	return true;
}

/*
 * Emit the entries of one reply. Returns 1 when the caller's buffer is
 * full, 0 to go on, -EIO for a bad entry.
 */
static int xsan_emit_chunk(struct inode *dir, struct dir_context *ctx,
			   const struct xsan_rep *rep)
{
	struct xsan_dirent d;
	struct xsan_cur c;
	u32 i;

	xsan_cur_init(&c, rep->data, rep->datalen);
	for (i = 0; i < rep->count; i++) {
		if (xsan_dirent_next(&c, &d) || !xsan_dirent_sane(&d) ||
		    d.cookie + 2 <= ctx->pos) {
			pr_err_ratelimited("volume %s: MDC sent a bad entry in directory %llu (after position %lld)\n",
					   XSAN_SB(dir->i_sb)->volume,
					   XSAN_I(dir)->fid.ino, ctx->pos);
			return -EIO;
		}
		if (!dir_emit(ctx, d.name, d.namelen, d.ino, d.type))
			return 1;
		ctx->pos = d.cookie + 2;
	}
	return 0;
}

static int xsan_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file_inode(file);
	struct xsan_req req = { .op = XSAN_OP_READDIR };
	struct xsan_msg_buf *buf;
	struct xsan_rep rep;
	bool eof = false;
	int err;

	if (!dir_emit_dots(file, ctx))
		return 0;
	while (!eof && ctx->pos != XSAN_DIR_EOF) {
		xsan_fill_cred(&req.cred);
		req.fid = XSAN_I(dir)->fid;
		req.cookie = ctx->pos - 2;
		req.size = XSAN_READDIR_SIZE;
		buf = NULL;
		err = xsan_msgr_call(XSAN_SB(dir->i_sb)->msgr, &req, &rep, &buf);
		if (err)
			return err;
		err = xsan_emit_chunk(dir, ctx, &rep);
		eof = rep.eof;
		if (!err && !eof && rep.count == 0) {
			pr_err_ratelimited("volume %s: MDC sent no entries and no end in directory %llu\n",
					   XSAN_SB(dir->i_sb)->volume,
					   XSAN_I(dir)->fid.ino);
			err = -EIO;
		}
		xsan_msg_buf_free(buf);
		if (err < 0)
			return err;
		if (err > 0)
			return 0;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	ctx->pos = XSAN_DIR_EOF;
	return 0;
}

/* telldir/seekdir positions are cookies + 2, up to XSAN_DIR_EOF. */
static loff_t xsan_dir_llseek(struct file *file, loff_t offset, int whence)
{
	return generic_file_llseek_size(file, offset, whence, XSAN_DIR_EOF,
					XSAN_DIR_EOF);
}

const struct file_operations xsan_dir_fops = {
	.llseek		= xsan_dir_llseek,
	.read		= generic_read_dir,
	.iterate_shared	= xsan_readdir,
	.fsync		= noop_fsync,
};
