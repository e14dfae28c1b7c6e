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
struct bpf_object;

#define KERNEL_BTF_DIR "/sys/kernel/btf"

/* Shared, not to be freed; NULL (errno set) when the kernel has no BTF. */
struct btf *kernel_btf__vmlinux(void);

/* The vmlinux BTF at path: the shared copy when path is the running kernel's, otherwise parsed
 * for the caller, who frees it when *owned. NULL (errno set) when unreadable. */
struct btf *kernel_btf__open(const char *path, bool *owned);

/*
 * Frees what libbpf read of the kernel's BTF for obj ahead of its load (through
 * bpf_program__set_attach_target), when obj is given up unloaded: libbpf 1.1 frees it only in
 * bpf_object__load, so obj is loaded empty (no program, no map). Then obj is still to be closed.
 */
void kernel_btf__drop_unloaded(struct bpf_object *obj);

/* Frees the shared copy (at exit). */
void kernel_btf__release(void);

#endif
