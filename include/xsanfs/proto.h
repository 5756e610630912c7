/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsanfs wire protocol: the one definition the kernel client and the
 * userspace MDC and tools both compile. Everything on the wire is
 * little-endian with explicit padding; Documentation/protocol.rst is the
 * prose version of this file and must change with it.
 *
 * A frame is a 32-byte header followed by len bytes of payload. The CRC32C
 * covers the header (with crc = 0) and the payload.
 */
#ifndef _XSANFS_PROTO_H
#define _XSANFS_PROTO_H

#include <linux/types.h>

#define XSAN_MAGIC		0x4e415358u	/* "XSAN" as LE bytes */
#define XSAN_PROTO_VERSION	1
#define XSAN_HDR_SIZE		32u
#define XSAN_FRAME_MAX		0x100000u	/* 1 MiB: header + payload */
/*
 * A reply's status is 0 or a Linux errno of the uapi headers, 1 to
 * EHWPOISON (133); anything larger (the kernel-internal 512-529 such as
 * ERESTARTSYS or EIOCBQUEUED) is no status of the protocol, and the kernel
 * client takes it as EIO.
 */
#define XSAN_ERRNO_MAX		133u
#define XSAN_PAYLOAD_MAX	(XSAN_FRAME_MAX - XSAN_HDR_SIZE)
#define XSAN_NAME_MAX		255u
#define XSAN_SYMLINK_MAX	4095u

#define XSAN_VOLUME_PORT	60766
#define XSAN_NAME_PORT		60868

/* flags */
#define XSAN_F_REPLY		0x0001u	/* answers the request with this xid */
#define XSAN_F_CALLBACK		0x0002u	/* sent by the MDC (REVOKE, wakeups) */
#define XSAN_F_KNOWN		(XSAN_F_REPLY | XSAN_F_CALLBACK)

/**
 * struct xsan_wire_hdr - the frame header as it is on the wire
 * @magic: %XSAN_MAGIC
 * @version: protocol version of the sender (%XSAN_PROTO_VERSION)
 * @opcode: enum xsan_op
 * @flags: XSAN_F_*; unknown bits are an error
 * @len: payload bytes that follow the header, at most %XSAN_PAYLOAD_MAX
 * @xid: request id chosen by the requester, echoed in the reply
 * @status: in a reply, 0 or a positive Linux errno; 0 in requests
 * @crc: CRC32C of header (with @crc = 0) and payload
 */
struct xsan_wire_hdr {
	__le32 magic;
	__le16 version;
	__le16 opcode;
	__le32 flags;
	__le32 len;
	__le64 xid;
	__le32 status;
	__le32 crc;
};

/* Opcodes. Numbers are fixed forever; new ones are only appended. */
enum xsan_op {
	XSAN_OP_NONE		= 0,
	/* session (60766) */
	XSAN_OP_AUTH		= 1,
	XSAN_OP_HELLO		= 2,
	XSAN_OP_HEARTBEAT	= 3,
	XSAN_OP_RECONNECT	= 4,
	XSAN_OP_GOODBYE		= 5,
	/* after a RECONNECT that said RECLAIM: the reclaims are all sent */
	XSAN_OP_RECLAIM_DONE	= 6,
	/* namespace */
	XSAN_OP_LOOKUP		= 16,
	XSAN_OP_GETATTR		= 17,
	XSAN_OP_SETATTR		= 18,
	XSAN_OP_READDIR		= 19,
	XSAN_OP_CREATE		= 20,
	XSAN_OP_MKDIR		= 21,
	XSAN_OP_MKNOD		= 22,
	XSAN_OP_SYMLINK		= 23,
	XSAN_OP_READLINK	= 24,
	XSAN_OP_LINK		= 25,
	XSAN_OP_UNLINK		= 26,
	XSAN_OP_RMDIR		= 27,
	XSAN_OP_RENAME		= 28,
	XSAN_OP_STATFS		= 29,
	XSAN_OP_GETXATTR	= 30,
	XSAN_OP_SETXATTR	= 31,
	XSAN_OP_LISTXATTR	= 32,
	XSAN_OP_REMOVEXATTR	= 33,
	XSAN_OP_OPEN		= 34,
	XSAN_OP_CLOSE		= 35,
	/* open(O_TMPFILE): a new file with no name, opened */
	XSAN_OP_TMPFILE		= 36,
	/* tokens, layouts, locks */
	XSAN_OP_TOKEN_GET	= 48,
	XSAN_OP_TOKEN_PUT	= 49,
	XSAN_OP_LAYOUT_GET	= 50,
	XSAN_OP_LAYOUT_COMMIT	= 51,
	XSAN_OP_LOCK		= 52,
	XSAN_OP_UNLOCK		= 53,
	/* preallocate, punch or zero a range (FALLOC_FL_* modes) */
	XSAN_OP_FALLOCATE	= 54,
	/* the LUN table, for checking LUN headers (include/xsanfs/disk.h) */
	XSAN_OP_DISK_TABLE	= 55,
	/* MDC -> client callbacks */
	XSAN_OP_REVOKE		= 64,
	XSAN_OP_LOCK_WAKE	= 65,
	/* name service (60868) */
	XSAN_OP_NS_LIST		= 96,
	XSAN_OP_NS_LOOKUP	= 97,
	XSAN_OP_NS_HEARTBEAT	= 98,
	XSAN_OP_MAX		= 98,
};

#endif /* _XSANFS_PROTO_H */
