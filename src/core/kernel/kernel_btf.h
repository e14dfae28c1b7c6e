/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The running kernel's BTF, read once. Start-up needs it in several places (the backend probe,
 * drop reasons, discovery, the loader, nft), and each read of /sys/kernel/btf/vmlinux costs tens
 * of milliseconds, hundreds under emulation.
 */
#ifndef SKBTOP_KERNEL_BTF_H
#define SKBTOP_KERNEL_BTF_H

#include <stdbool.h>

struct btf;

#define KERNEL_BTF_DIR "/sys/kernel/btf"

/* Shared, not to be freed; NULL (errno set) when the kernel has no BTF. */
struct btf *kernel_btf__vmlinux(void);

/* The vmlinux BTF at path: the shared copy when path is the running kernel's, otherwise parsed
 * for the caller, who frees it when *owned. NULL (errno set) when unreadable. */
struct btf *kernel_btf__open(const char *path, bool *owned);

/* Frees the shared copy (at exit). */
void kernel_btf__release(void);

#endif
